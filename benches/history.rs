//! The diff of two snapshots of the same GPTs (the synth generator's history: every tenth GPT
//! changed in a known way, 5 % new): the whole typed diff, as `gptscope diff` computes it, and
//! how soon its first page is there. Then one GPT's history across 30 snapshots (30 × 20,000
//! GPTs, the two synth versions alternating: built once in target/bench-data).
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

/// 30 snapshots of 20,000 GPTs, a day apart.
fn thirty_snapshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join("history30_20000.db");
    if let Ok(db) = Db::open(&db_path, Duration::from_secs(5))
        && query::snapshots(&db).is_ok_and(|s| s.len() == 30)
    {
        return db_path;
    }
    let _ = std::fs::remove_file(&db_path);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    gptscope::synth::write_history(
        &mut a,
        &mut b,
        gptscope::synth::SynthOptions {
            count: 20_000,
            seed: 4,
        },
    )
    .unwrap();
    let mut db = Db::open(&db_path, Duration::from_secs(5)).unwrap();
    let files = [dir.join("history30_a.jsonl"), dir.join("history30_b.jsonl")];
    std::fs::write(&files[0], a).unwrap();
    std::fs::write(&files[1], b).unwrap();
    for day in 0..30 {
        let opts = ImportOptions {
            taken_at: Some(gptscope::time::parse_timestamp("2025-01-01").unwrap() + day * 86_400),
            ..ImportOptions::default()
        };
        let file = files[(day % 2) as usize].clone();
        import(&mut db, &[Input::Path(file)], &opts, &|_| {}).unwrap();
    }
    for f in files {
        let _ = std::fs::remove_file(f);
    }
    db_path
}

fn bench_history(c: &mut Criterion) {
    let path = thirty_snapshots();
    let db = Db::open(&path, Duration::from_secs(5)).unwrap();
    let last = query::snapshots(&db).unwrap().pop().unwrap();
    // GPT 10 changes its conversations between the two versions (synth::mutation_of).
    let id: String = db
        .conn()
        .query_row(
            &format!("SELECT id FROM gpt_{} WHERE rowid = 11", last.id),
            [],
            |r| r.get(0),
        )
        .unwrap();
    let points = gptscope::store::diff::history(&db, &id).unwrap();
    eprintln!("{id}: {} points", points.len());
    assert_eq!(points.len(), 30);
    let mut group = c.benchmark_group("history");
    group.bench_function("gpt_across_30_snapshots", |bench| {
        bench.iter(|| gptscope::store::diff::history(&db, &id).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_diff, bench_history);
criterion_main!(benches);
