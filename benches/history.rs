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

/// `target/bench-data/NAME`, made (once) of `days` snapshots of the synth history of `count`
/// GPTs, the before and after versions alternating, a day apart from 2025-01-01 (a month apart
/// when there are two). Returns the path and the snapshot ids, oldest first.
fn history_db(name: &str, count: u64, days: i64) -> (PathBuf, Vec<i64>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db_path = dir.join(name);
    if let Ok(db) = Db::open(&db_path, Duration::from_secs(5))
        && let Ok(s) = query::snapshots(&db)
        && s.len() == days as usize
    {
        return (db_path, s.iter().map(|x| x.id).collect());
    }
    let _ = std::fs::remove_file(&db_path);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    gptscope_testkit::synth::write_history(
        &mut a,
        &mut b,
        gptscope_testkit::synth::SynthOptions { count, seed: 9 },
    )
    .unwrap();
    let files = [
        dir.join(format!("{name}.a.jsonl")),
        dir.join(format!("{name}.b.jsonl")),
    ];
    std::fs::write(&files[0], a).unwrap();
    std::fs::write(&files[1], b).unwrap();
    let mut db = Db::open(&db_path, Duration::from_secs(5)).unwrap();
    let step = if days == 2 { 31 } else { 1 } * 86_400;
    let start = gptscope::time::parse_timestamp("2025-01-01").unwrap();
    let ids = (0..days)
        .map(|day| {
            let opts = ImportOptions {
                taken_at: Some(start + day * step),
                ..ImportOptions::default()
            };
            let file = files[(day % 2) as usize].clone();
            import(&mut db, &[Input::Path(file)], &opts, &|_| {})
                .unwrap()
                .snapshot
        })
        .collect();
    for f in files {
        let _ = std::fs::remove_file(f);
    }
    (db_path, ids)
}

fn bench_db() -> (PathBuf, i64, i64) {
    if let Ok(p) = std::env::var("GPTSCOPE_BENCH_HISTORY_DB") {
        return (PathBuf::from(p), 2, 3);
    }
    let (path, ids) = history_db("history_100000.db", 100_000, 2);
    (path, ids[0], ids[1])
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
    // The diff screen's rows, made again when a diff arrives or the filter changes.
    group.bench_function("diff_screen_rows", |bench| {
        bench.iter(|| gptscope::tui::screens::snapshots::rows(&d, false).len())
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

fn bench_history(c: &mut Criterion) {
    // 30 snapshots of 20,000 GPTs, a day apart.
    let (path, _) = history_db("history30_20000.db", 20_000, 30);
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
