//! The diff of two snapshots of the same GPTs (the synth generator's history: every tenth GPT
//! changed in a known way, 5 % new): the whole typed diff, as `gptscope diff` computes it.
//!
//!     GPTSCOPE_BENCH_HISTORY_DB=/path/h.db cargo bench --bench history   # snapshots 2 and 3
//!     cargo bench --bench history          # else builds a 100k pair in target/bench-data
//!
//! A 1M pair: `cargo run --release --example synth -- --count 1000000 --out a.jsonl --history
//! b.jsonl`, then import both.

#![allow(clippy::expect_used, clippy::unwrap_used)] // A benchmark that cannot set up has nothing to measure.

use criterion::{Criterion, criterion_group, criterion_main};
use gptscope::store::Db;
use gptscope::store::import::{ImportOptions, Input, import};
use gptscope::store::query;
use std::path::PathBuf;
use std::time::Duration;

fn bench_db() -> (PathBuf, i64, i64) {
    if let Ok(p) = std::env::var("GPTSCOPE_BENCH_HISTORY_DB") {
        return (PathBuf::from(p), 2, 3);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("history_100000.db");
    if let Ok(db) = Db::open(&db_path, Duration::from_secs(5))
        && query::snapshots(&db).is_ok_and(|s| s.len() == 2)
    {
        let s = query::snapshots(&db).unwrap();
        return (db_path, s[0].id, s[1].id);
    }
    let _ = std::fs::remove_file(&db_path);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    gptscope::synth::write_history(
        &mut a,
        &mut b,
        gptscope::synth::SynthOptions {
            count: 100_000,
            seed: 9,
        },
    )
    .unwrap();
    let mut db = Db::open(&db_path, Duration::from_secs(5)).unwrap();
    let mut ids = Vec::new();
    for (bytes, date) in [(a, "2025-01-01"), (b, "2025-02-01")] {
        let file = dir.join(format!("history_{date}.jsonl"));
        std::fs::write(&file, bytes).unwrap();
        let opts = ImportOptions {
            taken_at: gptscope::time::parse_timestamp(date),
            ..ImportOptions::default()
        };
        let r = import(&mut db, &[Input::Path(file.clone())], &opts, &|_| {}).unwrap();
        let _ = std::fs::remove_file(&file);
        ids.push(r.snapshot);
    }
    (db_path, ids[0], ids[1])
}

fn bench_diff(c: &mut Criterion) {
    let (path, a, b) = bench_db();
    let db = Db::open(&path, Duration::from_secs(5)).unwrap();
    let (sa, sb) = (
        query::snapshot(&db, Some(a)).unwrap(),
        query::snapshot(&db, Some(b)).unwrap(),
    );
    let d = gptscope::store::diff::diff(&db, &sa, &sb).unwrap();
    eprintln!("{} → {} GPTs: {:?}", sa.gpts, sb.gpts, d.counts);
    let mut group = c.benchmark_group("history");
    group.sample_size(10);
    group.bench_function("diff", |bench| {
        bench.iter(|| gptscope::store::diff::diff(&db, &sa, &sb).unwrap())
    });
    // How soon the diff screen has its first page: the time to `diff_with`'s first call.
    group.bench_function("diff_first_page", |bench| {
        bench.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = std::time::Instant::now();
                let mut first = None;
                gptscope::store::diff::diff_with(&db, &sa, &sb, &mut |_| {
                    first.get_or_insert(start.elapsed());
                })
                .unwrap();
                total += first.unwrap_or_else(|| start.elapsed());
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench_diff);
criterion_main!(benches);
