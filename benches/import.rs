//! Import speed: 100,000 synthetic resources (JSON Lines, `gptscope_testkit::synth`, seed 1) into a
//! fresh database, the whole `import()` call: parse, compress, write, index, commit; and the same
//! number of rows of a third-party directory's CSV (`synth::write_list_csv`), read by its column
//! names.
//!
//!     cargo bench --bench import
//!
//! `GPTSCOPE_BENCH_COUNT` changes the number of records.

#![allow(clippy::expect_used)] // A benchmark that cannot set up has nothing to measure.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gptscope::store::Db;
use gptscope::store::import::{ImportOptions, Input, import};
use std::time::Duration;

fn bench_import(c: &mut Criterion) {
    let count: u64 = std::env::var("GPTSCOPE_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("synth.jsonl");
    {
        let file = std::fs::File::create(&input).expect("create input");
        let mut out = std::io::BufWriter::new(file);
        gptscope_testkit::synth::write_jsonl(
            &mut out,
            gptscope_testkit::synth::SynthOptions { count, seed: 1 },
        )
        .expect("write input");
    }
    let list = dir.path().join("list.csv");
    {
        let file = std::fs::File::create(&list).expect("create list");
        let mut out = std::io::BufWriter::new(file);
        gptscope_testkit::synth::write_list_csv(
            &mut out,
            gptscope_testkit::synth::SynthOptions { count, seed: 1 },
        )
        .expect("write list");
    }
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(count));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    for (name, input) in [("jsonl", input), ("list_csv", list)] {
        bench_one(&mut group, dir.path(), &format!("{name}_{count}"), input);
    }
    group.finish();
}

/// One file imported into a fresh database per iteration.
fn bench_one(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    dir: &std::path::Path,
    name: &str,
    input: std::path::PathBuf,
) {
    let inputs = vec![Input::Path(input)];
    let mut n = 0;
    group.bench_function(name, |b| {
        b.iter_batched(
            || {
                n += 1;
                // Keep one database on disk at a time.
                for old in std::fs::read_dir(dir).expect("list").flatten() {
                    if old.file_name().to_string_lossy().starts_with("bench") {
                        let _ = std::fs::remove_file(old.path());
                    }
                }
                let path = dir.join(format!("bench{n}.db"));
                Db::open(&path, Duration::from_secs(5)).expect("open db")
            },
            |mut db| {
                let report =
                    import(&mut db, &inputs, &ImportOptions::default(), &|_| {}).expect("import");
                assert!(report.gpts > 0 && report.skipped == 0);
                db
            },
            BatchSize::PerIteration,
        );
    });
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
