//! Import speed: 100,000 synthetic resources (JSON Lines, `gptscope::synth`, seed 1) into a
//! fresh database, the whole `import()` call: parse, compress, write, index, commit.
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
        gptscope::synth::write_jsonl(&mut out, gptscope::synth::SynthOptions { count, seed: 1 })
            .expect("write input");
    }
    let inputs = vec![Input::Path(input)];
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(count));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    let mut n = 0;
    group.bench_function(format!("jsonl_{count}"), |b| {
        b.iter_batched(
            || {
                n += 1;
                // Keep one database on disk at a time.
                for old in std::fs::read_dir(dir.path()).expect("list").flatten() {
                    if old.file_name().to_string_lossy().starts_with("bench") {
                        let _ = std::fs::remove_file(old.path());
                    }
                }
                let path = dir.path().join(format!("bench{n}.db"));
                Db::open(&path, Duration::from_secs(5)).expect("open db")
            },
            |mut db| {
                let report =
                    import(&mut db, &inputs, &ImportOptions::default(), &|_| {}).expect("import");
                assert_eq!(report.gpts, count);
                db
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
