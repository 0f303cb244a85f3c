//! Writes synthetic GPT Store resources as JSON Lines, for benchmarks and big-data trials:
//!
//!     cargo run --release --example synth -- --count 100000 [--seed 1] [--out FILE]
//!         [--history AFTER_FILE] [--list]
//!
//! `--list` writes a third-party directory's CSV of the GPTs instead (`synth::write_list_csv`).
//!
//! Deterministic for a seed; see `gptscope_testkit::synth` for the distributions.

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
    let mut history: Option<String> = None;
    let mut list = false;
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
            "--history" => history = Some(value("--history")?),
            "--list" => list = true,
            "-h" | "--help" => {
                println!(
                    "usage: synth --count N [--seed S] [--out FILE] [--history AFTER_FILE] [--list]"
                );
                println!("  --list: a directory's CSV (ID,Title,…,Creator,Chats,Rating,…)");
                println!(
                    "  --history: also write a later snapshot of the same GPTs, every tenth changed"
                );
                println!("             in a known way and count/20 new ones (needs --out)");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let opts = gptscope_testkit::synth::SynthOptions { count, seed };
    if let Some(after) = history {
        let path = out.ok_or("--history needs --out for the earlier snapshot")?;
        let create = |p: &str| {
            std::fs::File::create(p)
                .map(BufWriter::new)
                .map_err(|e| format!("{p}: {e}"))
        };
        let (mut a, mut b) = (create(&path)?, create(&after)?);
        let counts = gptscope_testkit::synth::write_history(&mut a, &mut b, opts)
            .and_then(|c| a.flush().and_then(|()| b.flush()).map(|()| c))
            .map_err(|e| e.to_string())?;
        eprintln!("{path} → {after}: {counts:?}");
        return Ok(());
    }
    let write = |w: &mut dyn Write| {
        if list {
            gptscope_testkit::synth::write_list_csv(w, opts)
        } else {
            gptscope_testkit::synth::write_jsonl(w, opts)
        }
    };
    let result = match out {
        Some(path) => {
            let file = std::fs::File::create(&path).map_err(|e| format!("{path}: {e}"))?;
            let mut w = BufWriter::new(file);
            write(&mut w).and_then(|()| w.flush())
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = BufWriter::new(stdout.lock());
            write(&mut w).and_then(|()| w.flush())
        }
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| e.to_string()),
    }
}
