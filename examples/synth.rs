//! Writes synthetic GPT Store resources as JSON Lines, for benchmarks and big-data trials:
//!
//!     cargo run --release --example synth -- --count 100000 [--seed 1] [--out FILE]
//!
//! Deterministic for a seed; see `gptscope::synth` for the distributions.

use std::io::{BufWriter, Write};

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut count = 1000u64;
    let mut seed = 1u64;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--count" => {
                count = value("--count")?
                    .parse()
                    .map_err(|e| format!("--count: {e}"))?
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            "--out" => out = Some(value("--out")?),
            "-h" | "--help" => {
                println!("usage: synth --count N [--seed S] [--out FILE]");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let opts = gptscope::synth::SynthOptions { count, seed };
    let result = match out {
        Some(path) => {
            let file = std::fs::File::create(&path).map_err(|e| format!("{path}: {e}"))?;
            let mut w = BufWriter::new(file);
            gptscope::synth::write_jsonl(&mut w, opts).and_then(|()| w.flush())
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            gptscope::synth::write_jsonl(&mut w, opts).and_then(|()| w.flush())
        }
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| e.to_string()),
    }
}
