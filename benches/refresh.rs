//! `refresh details` of 10,000 GPTs against the mock store on loopback, with no rate limit and
//! 16 requests in flight: GPTs a second from fetch to spool (the import that follows is
//! measured by the import benchmark), and resident memory before and after, to see it flat.
//! Then `refresh crawl` over a mock graph of 50,000 GPTs by 10,000 authors behind the real
//! front (seeds: the front; terms: the 100 most common words): GPTs found a second, the time
//! spent spooling answers, and memory along the way.
//!
//!     cargo bench --bench refresh

#![allow(clippy::expect_used, clippy::unwrap_used)] // A benchmark that cannot set up has nothing to measure.

mod common;

use common::rss_mb;
use criterion::{Criterion, criterion_group, criterion_main};
use gptscope::live::refresh::{Plan, run};
use gptscope::live::{Client, LiveConfig};
use gptscope_testkit::mock::{MockConfig, MockStore};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// A client of the mock with no rate limit and `concurrency` requests in flight, a runtime on
/// two threads, and a work folder.
fn setup(
    store: &MockStore,
    concurrency: usize,
) -> (Client, tokio::runtime::Runtime, tempfile::TempDir) {
    let client = Client::new(LiveConfig {
        base_url: store.url(),
        rate: 0.0,
        concurrency,
        ..LiveConfig::default()
    })
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    (client, rt, tempfile::tempdir().unwrap())
}

/// One refresh run from scratch (no import): how long it took and its summary.
fn fetch(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    plan: &Plan,
    work: &Path,
    progress: &(dyn Fn(&gptscope::live::refresh::Progress) + Send + Sync),
) -> (Duration, gptscope::live::refresh::Summary) {
    let t = Instant::now();
    let (_, summary) = rt
        .block_on(run(
            client,
            plan,
            work,
            false,
            progress,
            &AtomicBool::new(false),
            None,
        ))
        .unwrap();
    (t.elapsed(), summary)
}

fn bench_refresh(c: &mut Criterion) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let store = MockStore::start(
        &fixture,
        MockConfig {
            extra_per_shelf: 1000,
            ..MockConfig::default()
        },
    )
    .unwrap();
    let mut ids = store.gpt_ids();
    ids.truncate(10_000);
    let ids = Arc::new(ids);
    let (client, rt, dir) = setup(&store, 16);
    let plan = Plan::Details {
        from: 1,
        ids: ids.clone(),
        about: false,
    };
    let before = rss_mb();
    let mut group = c.benchmark_group("refresh");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Elements(ids.len() as u64));
    group.bench_function("details_10k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (took, summary) = fetch(&rt, &client, &plan, &dir.path().join("work"), &|_| {});
                total += took;
                assert_eq!(summary.fetched as usize, ids.len());
            }
            total
        })
    });
    group.finish();
    // One more run, sampling memory at every checkpoint: flat means no growth with GPTs done.
    let samples = std::sync::Mutex::new(Vec::new());
    fetch(&rt, &client, &plan, &dir.path().join("work"), &|_| {
        samples.lock().unwrap().push(rss_mb())
    });
    let samples = samples.into_inner().unwrap();
    let (lo, hi) = samples
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
    eprintln!(
        "{} GPTs: resident memory {before:.0} MB before the runs, {:.0} MB after; during the \
         last run {lo:.0}–{hi:.0} MB over {} checkpoints (first {:.0}, last {:.0})",
        ids.len(),
        rss_mb(),
        samples.len(),
        samples.first().copied().unwrap_or(0.0),
        samples.last().copied().unwrap_or(0.0)
    );
}

fn bench_crawl(c: &mut Criterion) {
    use gptscope::live::refresh::CrawlPlan;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let store = MockStore::start(
        &fixture,
        MockConfig {
            graph: Some((50_000, 10_000)),
            list_page: 20,
            ..MockConfig::default()
        },
    )
    .unwrap();
    let all = store.gpt_ids().len();
    let (client, rt, dir) = setup(&store, 8);
    let plan = Plan::Crawl(Arc::new(CrawlPlan {
        front: true,
        terms: gptscope::assets::common_words()
            .into_iter()
            .take(100)
            .map(str::to_owned)
            .collect(),
        locale: "global".to_owned(),
        ..CrawlPlan::default()
    }));
    let mut group = c.benchmark_group("crawl");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.throughput(criterion::Throughput::Elements(all as u64));
    let spooling = std::sync::Mutex::new((Duration::ZERO, Duration::ZERO));
    group.bench_function("graph_50k_gpts_10k_authors", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (took, summary) =
                    fetch(&rt, &client, &plan, &dir.path().join("crawl"), &|_| {});
                total += took;
                assert_eq!(summary.fetched as usize, all);
                let mut s = spooling.lock().unwrap();
                s.0 += summary.spooling;
                s.1 += took;
            }
            total
        })
    });
    group.finish();
    let (spool, whole) = *spooling.lock().unwrap();
    // Memory along one more run.
    let samples = std::sync::Mutex::new(Vec::new());
    let (took, summary) = fetch(&rt, &client, &plan, &dir.path().join("crawl"), &|p| {
        if p.requests % 500 == 0 {
            samples.lock().unwrap().push(rss_mb());
        }
    });
    let samples = samples.into_inner().unwrap();
    eprintln!(
        "crawl of {all} GPTs: {} requests in {:.1} s ({:.0} GPTs/s); spooling answers took {:.1}% \
         of all the runs' time; resident memory every 500 answers: {:?} MB",
        summary.requests,
        took.as_secs_f64(),
        all as f64 / took.as_secs_f64(),
        100.0 * spool.as_secs_f64() / whole.as_secs_f64().max(1e-9),
        samples.iter().map(|m| m.round() as i64).collect::<Vec<_>>()
    );
}

criterion_group!(benches, bench_refresh, bench_crawl);
criterion_main!(benches);
