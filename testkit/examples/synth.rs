//! Synthetic GPTs as JSON Lines on standard output, for databases too big to keep as files
//! (10M GPTs are 23 GB of JSON): `cargo run --release -p gptscope-testkit --example synth --
//! COUNT [SEED] > fifo.jsonl`, with `gptscope import fifo.jsonl` reading the other end.

use gptscope_testkit::synth::{SynthOptions, write_jsonl};
use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    write_jsonl(&mut out, SynthOptions { count, seed })?;
    out.flush()
}
