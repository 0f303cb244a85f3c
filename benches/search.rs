//! Fuzzy search on a million synthetic names, typed one key at a time: each keystroke's search
//! (narrowing the previous matches, all cores, prefilter) against a plain single-threaded
//! fuzzy-matcher scan of every name. Also the index's build time and size, and its load time from
//! a database (`GPTSCOPE_BENCH_DB`, e.g. the one `cargo bench --bench tui` makes).
//!
//!     cargo bench --bench search
//!
//! `GPTSCOPE_SEARCH_COUNT` sets how many names (default 1,000,000); above 2M the plain scan is
//! not run (it takes minutes).

#![allow(clippy::expect_used, clippy::unwrap_used)] // A benchmark that cannot set up has nothing to measure.

use criterion::{Criterion, criterion_group, criterion_main};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use gptscope::search::{Hit, NameIndex, Query, search};
use gptscope_testkit::synth::Rng;
use std::time::{Duration, Instant};

fn count() -> usize {
    std::env::var("GPTSCOPE_SEARCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}
/// Realistic queries, typed key by key.
const QUERIES: [&str; 3] = ["marketin", "pyth tut", "scholr g"];

fn names() -> Vec<(String, u32)> {
    let mut rng = Rng::new(42);
    (0..count())
        .map(|_| {
            let name = gptscope_testkit::synth::name(&mut rng);
            let conv = gptscope::store::record::Conversations::parse(
                &gptscope_testkit::synth::conversations(&mut rng),
            )
            .map_or(0, |c| c.lower_bound as u32);
            (name, conv)
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Our search, as the explorer runs it: narrowing when the query grows.
fn type_query(index: &NameIndex, text: &str, threads: usize, per_key: &mut Vec<Duration>) {
    let mut previous: Option<(Query, Vec<u32>)> = None;
    for end in 1..=text.len() {
        let q = Query::parse(&text[..end]);
        let started = Instant::now();
        let within = previous
            .as_ref()
            .filter(|(p, _)| q.narrows(p))
            .map(|(_, hits)| hits.as_slice());
        let hits: Vec<Hit> = search(index, &q, within, threads, &|| false).unwrap();
        per_key.push(started.elapsed());
        previous = Some((q, hits.iter().map(|h| h.pos).collect()));
    }
}

/// The plain way: score every name with fuzzy-matcher on one thread, then sort.
fn type_query_plain(names: &[(String, u32)], text: &str, per_key: &mut Vec<Duration>) {
    let matcher = SkimMatcherV2::default().smart_case();
    for end in 1..=text.len() {
        let started = Instant::now();
        let mut hits: Vec<(i64, u32, usize)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, (n, r))| matcher.fuzzy_match(n, &text[..end]).map(|s| (s, *r, i)))
            .collect();
        hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        per_key.push(started.elapsed());
    }
}

fn bench_search(c: &mut Criterion) {
    let names = names();
    let started = Instant::now();
    let index = NameIndex::build(
        names
            .iter()
            .enumerate()
            .map(|(i, (n, r))| (i as u32, n.as_str(), *r)),
    );
    eprintln!(
        "index of {} names: built in {:?}, {:.1} MB",
        index.len(),
        started.elapsed(),
        index.heap_bytes() as f64 / 1e6
    );
    if let Ok(path) = std::env::var("GPTSCOPE_BENCH_DB") {
        let db =
            gptscope::store::Db::open(std::path::Path::new(&path), Duration::from_secs(5)).unwrap();
        let snap = gptscope::store::query::snapshot(&db, None).unwrap();
        let started = Instant::now();
        let loaded = NameIndex::load_gpts(&db, snap.id).unwrap();
        eprintln!(
            "index of {} names loaded from {path} in {:?}, {:.1} MB",
            loaded.len(),
            started.elapsed(),
            loaded.heap_bytes() as f64 / 1e6
        );
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let plain_too = names.len() <= 2_000_000;
    for (label, plain) in [("gptscope", false), ("plain fuzzy-matcher scan", true)] {
        if plain && !plain_too {
            continue;
        }
        let mut per_key = Vec::new();
        let rounds = if plain { 1 } else { 5 };
        for _ in 0..rounds {
            for q in QUERIES {
                if plain {
                    type_query_plain(&names, q, &mut per_key);
                } else {
                    type_query(&index, q, threads, &mut per_key);
                }
            }
        }
        if !plain {
            // The last round, key by key: where the time goes as a query grows.
            let mut at = per_key.len() - QUERIES.iter().map(|q| q.len()).sum::<usize>();
            for q in QUERIES {
                let keys: Vec<String> = (1..=q.len())
                    .map(|end| {
                        format!(
                            "{:?} {:.1} ms",
                            &q[..end],
                            per_key[at + end - 1].as_secs_f64() * 1e3
                        )
                    })
                    .collect();
                at += q.len();
                eprintln!("{label}, key by key: {}", keys.join(", "));
            }
        }
        per_key.sort();
        eprintln!(
            "{label}: keystroke to ranked results over {} keystrokes: median {:?}, p95 {:?}, max {:?}",
            per_key.len(),
            percentile(&per_key, 0.5),
            percentile(&per_key, 0.95),
            per_key.last().copied().unwrap_or_default()
        );
    }
    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.bench_function("type_8_keys_marketin", |b| {
        b.iter(|| {
            let mut v = Vec::new();
            type_query(&index, "marketin", threads, &mut v);
        })
    });
    group.bench_function("one_key_m_full_scan", |b| {
        b.iter(|| {
            search(&index, &Query::parse("m"), None, threads, &|| false)
                .unwrap()
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
