//! History at scale, the baseline: a daily series of the same synthetic GPTs in which 1 % change
//! from one day to the next (`synth::write_day`), imported one snapshot a day into a fresh
//! database. Printed once: the file's size after the first snapshot and after the last, what
//! each day adds, what importing the last day again adds, the import rate and the peak
//! resident memory. Then timed: `stats` of a whole snapshot and of `--category writing` (the
//! CLI's path: load the columns, filter, compute), the diff of two consecutive days, one
//! GPT's history across every day, `gptscope sql`'s count of a snapshot's GPTs through the
//! `gpts` view, the HTML report and the Parquet export of a whole snapshot.
//!
//!     GPTSCOPE_SCALE_COUNT=1000000 GPTSCOPE_SCALE_DAYS=5 cargo bench --bench scale
//!
//! Defaults: 200,000 GPTs, 4 days. The day files are cached in `target/bench-data/scale/`
//! (series up to 4M GPT-days); the database is made anew each run, unless
//! `GPTSCOPE_SCALE_REUSE=1` asks to time the queries again on the last one built.

#![allow(clippy::expect_used, clippy::unwrap_used)] // A benchmark that cannot set up has nothing to measure.

mod common;

use common::peak_mb;

use criterion::{Criterion, criterion_group, criterion_main};
use gptscope::store::Db;
use gptscope::store::import::{ImportOptions, Input, import};
use gptscope::store::query;
use gptscope::store::view::{Columns, Filter};
use gptscope_testkit::synth::{SynthOptions, write_day};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn mb(path: &PathBuf) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

/// The file of day `d`: cached in `dir` when the whole series is small enough to keep
/// (`keep`), else written anew (and removed by the caller once imported).
fn day_file(dir: &std::path::Path, opts: SynthOptions, d: u64, keep: bool) -> PathBuf {
    let f = if keep {
        dir.join(format!("{}_day{d}.jsonl", opts.count))
    } else {
        dir.join(format!("{}_today.jsonl", opts.count))
    };
    if !keep || !f.exists() {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
        let changed = write_day(&mut out, opts, d, 0.01).unwrap();
        std::io::Write::flush(&mut out).unwrap();
        eprintln!("day {d}: {changed} of {} GPTs changed", opts.count);
    }
    f
}

/// The database of `days` daily snapshots of `count` GPTs; the snapshot ids, oldest first.
/// Series over 4M GPT-days are not kept on disk (a day of 1M GPTs is 2.3 GB of JSON): each
/// day is written, imported and removed.
fn build(count: u64, days: u64) -> (PathBuf, Vec<i64>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/scale");
    std::fs::create_dir_all(&dir).unwrap();
    let opts = SynthOptions { count, seed: 11 };
    let keep = count * days <= 4_000_000;
    let db_path = dir.join(format!("scale_{count}_{days}.db"));
    if std::env::var_os("GPTSCOPE_SCALE_REUSE").is_some() && db_path.exists() {
        // Timing the queries again on the series built last time.
        let db = Db::open(&db_path, Duration::from_secs(5)).unwrap();
        let ids = query::snapshots(&db)
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        eprintln!("reusing {} ({:.0} MB)", db_path.display(), mb(&db_path));
        return (db_path, ids);
    }
    let _ = std::fs::remove_file(&db_path);
    let mut db = Db::open(&db_path, Duration::from_secs(5)).unwrap();
    let start = gptscope::time::parse_timestamp("2026-01-01").unwrap();
    let mut ids = Vec::new();
    let mut first = 0.0;
    let mut rates = Vec::new();
    let mut peak = 0.0;
    let mut f = PathBuf::new();
    for d in 0..=days as usize {
        if d < days as usize {
            f = day_file(&dir, opts, d as u64, keep);
        }
        let opts = ImportOptions {
            taken_at: Some(start + d.min(days as usize - 1) as i64 * 86_400),
            ..ImportOptions::default()
        };
        let before = mb(&db_path);
        let t = Instant::now();
        let s = import(&mut db, &[Input::Path(f.clone())], &opts, &|_| {}).unwrap();
        if !keep && d == days as usize {
            let _ = std::fs::remove_file(&f);
        }
        let took = t.elapsed();
        rates.push(count as f64 / took.as_secs_f64());
        let after = mb(&db_path);
        if d == 0 {
            first = after;
        }
        if d < days as usize {
            ids.push(s.snapshot);
            peak = peak_mb();
            eprintln!(
                "day {d}: imported in {:.1} s ({:.0} GPTs/s), the file {before:.0} → {after:.0} MB (+{:.0} MB)",
                took.as_secs_f64(),
                count as f64 / took.as_secs_f64(),
                after - before
            );
        } else {
            eprintln!(
                "the last day again (identical): +{:.1} MB; snapshot #{} (removed again)",
                after - before,
                s.snapshot
            );
            gptscope::store::prune::remove_snapshot(&mut db, s.snapshot).unwrap();
        }
    }
    let last = mb(&db_path);
    eprintln!(
        "{days} daily snapshots of {count} GPTs, 1 % changed a day: {last:.0} MB, {:.2}× the first \
         snapshot alone ({first:.0} MB); import {:.0} GPTs/s (median), peak memory of the imports {:.0} MB",
        last / first.max(1e-9),
        {
            rates.sort_by(f64::total_cmp);
            rates[rates.len() / 2]
        },
        peak
    );
    (db_path, ids)
}

/// `gptscope stats --json`'s path: the whole snapshot's summary, or the columns counts need
/// loaded, the filter applied, the landscape computed.
fn stats(db: &Db, snapshot: i64, filter: &Filter) -> u64 {
    gptscope::stats::summary::stats_json(db, snapshot, filter).unwrap()["gpts"]
        .as_u64()
        .unwrap()
}

fn bench_scale(c: &mut Criterion) {
    let count = env("GPTSCOPE_SCALE_COUNT", 200_000);
    let days = env("GPTSCOPE_SCALE_DAYS", 4).max(2);
    let (path, ids) = build(count, days);
    let db = Db::open(&path, Duration::from_secs(5)).unwrap();
    let last = *ids.last().unwrap();
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    group.bench_function("stats_whole", |b| {
        b.iter(|| stats(&db, last, &Filter::default()))
    });
    let writing = Filter {
        category: Some("writing".to_owned()),
        ..Filter::default()
    };
    group.bench_function("stats_category_writing", |b| {
        b.iter(|| stats(&db, last, &writing))
    });
    let snaps = query::snapshots(&db).unwrap();
    let (a, b) = (&snaps[snaps.len() - 2], &snaps[snaps.len() - 1]);
    group.bench_function("diff_consecutive_days", |bench| {
        bench.iter(|| {
            gptscope::store::diff::diff(&db, a, b)
                .unwrap()
                .changed
                .len()
        })
    });
    let first = Columns::load(&db, last).unwrap().all_ids()[0];
    let gpt = query::ids_of(&db, last, &[first]).unwrap().pop().unwrap();
    group.bench_function("history_one_gpt_every_day", |bench| {
        bench.iter(|| gptscope::store::diff::history(&db, &gpt).unwrap().len())
    });
    // `gptscope sql "SELECT count(*) FROM gpts WHERE snapshot_id = N"` (its connection and
    // statement; the process start is apart).
    let reader = db.reader().unwrap();
    let sql = format!("SELECT count(*) FROM gpts WHERE snapshot_id = {last}");
    group.bench_function("sql_count_one_snapshot", |bench| {
        bench.iter(|| reader.query_row(&sql, [], |r| r.get::<_, i64>(0)).unwrap())
    });
    // `gptscope report` of the whole snapshot (gathered and written as HTML).
    let out = tempfile::tempdir().unwrap();
    let html = out.path().join("report.html");
    group.bench_function("report_html_whole", |bench| {
        bench.iter(|| {
            let r = gptscope::report::gather(&db, last, &Filter::default(), None).unwrap();
            gptscope::report::write(&r, &html).unwrap().len()
        })
    });
    // `gptscope export --format parquet` of the whole snapshot, in the explorer's order.
    let parquet = out.path().join("gpts.parquet");
    let ids = {
        let c = Columns::load(&db, last).unwrap();
        let mut ids = c.ordering(gptscope::store::view::SortKey::Conversations);
        ids.reverse();
        ids
    };
    group.bench_function("export_parquet_whole", |bench| {
        bench.iter(|| {
            use gptscope::store::export;
            export::to_file(&parquet, |file| {
                let mut p = export::parquet::ParquetGpts::new(file)?;
                export::each_gpt(&db, last, &ids, &|| false, &mut |g| p.push(&g))?;
                p.finish()
            })
            .unwrap()
        })
    });
    group.finish();
}

/// A GPT's history across a year of daily snapshots (365 days of 2,000 GPTs, 1 % changed a
/// day; the GPT looked up is one that changed often).
fn bench_history_year(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/scale");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("history_365.db");
    let reuse = std::env::var_os("GPTSCOPE_SCALE_REUSE").is_some() && path.exists();
    if !reuse {
        let _ = std::fs::remove_file(&path);
    }
    let mut db = Db::open(&path, Duration::from_secs(5)).unwrap();
    let opts = SynthOptions {
        count: 2000,
        seed: 5,
    };
    let start = gptscope::time::parse_timestamp("2025-01-01").unwrap();
    let t = Instant::now();
    for d in (0..365u64).filter(|_| !reuse) {
        let f = day_file(&dir, opts, d, false);
        let o = ImportOptions {
            taken_at: Some(start + d as i64 * 86_400),
            ..ImportOptions::default()
        };
        import(&mut db, &[Input::Path(f.clone())], &o, &|_| {}).unwrap();
        let _ = std::fs::remove_file(&f);
    }
    // The GPT with the most versions.
    let (gpt, versions): (String, i64) = db
        .conn()
        .query_row(
            "SELECT id, count(*) FROM gpt GROUP BY id ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    eprintln!(
        "365 daily snapshots of 2000 GPTs written in {:.0} s, {:.1} MB; {gpt} has {versions} versions",
        t.elapsed().as_secs_f64(),
        mb(&path)
    );
    let points = gptscope::store::diff::history(&db, &gpt).unwrap().len();
    assert_eq!(points, 365);
    let mut group = c.benchmark_group("scale");
    group.bench_function("history_one_gpt_365_days", |bench| {
        bench.iter(|| gptscope::store::diff::history(&db, &gpt).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, bench_history_year, bench_scale);
criterion_main!(benches);
