//! The explorer on a big snapshot: first frame, navigation keys, sort and filter changes, each
//! measured from the key to the drawn frame (`update()`, the worker's answer, drawing into a
//! 120x40 `TestBackend`), plus resident memory.
//!
//!     cargo bench --bench tui
//!
//! The snapshot: `GPTSCOPE_BENCH_DB` (an existing database), else `GPTSCOPE_BENCH_COUNT`
//! synthetic GPTs (default 1,000,000, seed 42) imported once into `target/bench-data/`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // A benchmark that cannot set up has nothing to measure.

mod common;

use common::rss_mb;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::KeyCode;
use gptscope::store::Db;
use gptscope::store::import::{ImportOptions, Input, import};
use gptscope::store::query;
use gptscope::tui::app::App;
use gptscope::tui::app::driver::Driver;
use gptscope::tui::app::router::{Event, start, update};
use gptscope::tui::msg::{Effect, Msg};
use gptscope::tui::services::Service;
use gptscope::tui::services::db::Worker;
use std::path::PathBuf;
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

const SIZE: (u16, u16) = (120, 40);

fn bench_db() -> PathBuf {
    if let Ok(p) = std::env::var("GPTSCOPE_BENCH_DB") {
        return PathBuf::from(p);
    }
    let count: u64 = std::env::var("GPTSCOPE_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    let db_path = dir.join(format!("tui_{count}.db"));
    if let Ok(db) = Db::open(&db_path, Duration::from_secs(5))
        && query::snapshot(&db, None).is_ok_and(|s| s.gpts as u64 == count)
    {
        return db_path;
    }
    let _ = std::fs::remove_file(&db_path);
    let jsonl = dir.join(format!("synth_{count}.jsonl"));
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&jsonl).expect("create"));
        gptscope_testkit::synth::write_jsonl(
            &mut out,
            gptscope_testkit::synth::SynthOptions { count, seed: 42 },
        )
        .expect("write");
    }
    let mut db = Db::open(&db_path, Duration::from_secs(5)).expect("open");
    let opts = ImportOptions {
        label: Some(format!("synthetic {count}")),
        ..ImportOptions::default()
    };
    import(&mut db, &[Input::Path(jsonl.clone())], &opts, &|_| {}).expect("import");
    let _ = std::fs::remove_file(&jsonl);
    db_path
}

/// From nothing to the first full frame, as the terminal loop does it: open, start the worker
/// thread, ask for the list, draw when its first page and rows arrive.
fn first_frame(path: &std::path::Path) -> Duration {
    let start_at = Instant::now();
    let mut live = Live::spawn(path);
    let fx = start(&mut live.app);
    live.until(fx, |app| first_page_shown(app, &None));
    live.draw();
    let drawn = start_at.elapsed();
    live.until(Vec::new(), |app| !app.is_loading());
    drawn
}

/// The explorer as the terminal loop runs it (a worker thread answering), for timing what the
/// screen shows while the worker is still busy.
struct Live {
    app: App,
    worker: Worker,
    rx: std::sync::mpsc::Receiver<Msg>,
    terminal: ratatui::Terminal<ratatui::backend::TestBackend>,
}

impl Live {
    /// The app and its worker, nothing asked yet.
    fn spawn(path: &std::path::Path) -> Live {
        let db = Db::open(path, Duration::from_secs(5)).expect("open");
        let snapshot = query::snapshot(&db, None).expect("snapshot");
        drop(db);
        let (tx, rx) = channel::<Msg>();
        let worker = Worker::spawn(
            path.to_path_buf(),
            Duration::from_secs(5),
            snapshot.clone(),
            move |m| {
                let _ = tx.send(m);
            },
        )
        .expect("worker");
        Live {
            app: App::new(snapshot, SIZE),
            worker,
            rx,
            terminal: ratatui::Terminal::new(ratatui::backend::TestBackend::new(SIZE.0, SIZE.1))
                .unwrap(),
        }
    }

    /// Started, and every first answer in.
    fn open(path: &std::path::Path) -> Live {
        let mut live = Live::spawn(path);
        let fx = start(&mut live.app);
        live.until(fx, |app| !app.is_loading());
        live
    }

    /// Sends `fx`, then takes the worker's messages until `done` holds (checked after each).
    fn until(&mut self, fx: Vec<Effect>, done: impl Fn(&App) -> bool) {
        let mut pending = fx;
        loop {
            for fx in pending.drain(..) {
                if let Effect::Send(r) = fx {
                    self.worker.send(r);
                }
            }
            if done(&self.app) {
                return;
            }
            let Ok(msg) = self.rx.recv() else { return };
            pending = update(&mut self.app, Event::Msg(msg));
        }
    }

    fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
        update(&mut self.app, Event::Key(key))
    }

    fn draw(&mut self) {
        let app = &self.app;
        self.terminal
            .draw(|f| gptscope::tui::app::view::draw(f, app))
            .unwrap();
    }
}

/// The list's order, if the top screen is a list.
fn list_order(app: &App) -> Option<std::sync::Arc<[u32]>> {
    match app.top() {
        Some(gptscope::tui::screens::Screen::Gpts(l)) => l.order.clone(),
        _ => None,
    }
}

/// An order other than `before` (any, when `None`), its first 30 rows on hand.
fn first_page_shown(app: &App, before: &Option<std::sync::Arc<[u32]>>) -> bool {
    match app.top() {
        Some(gptscope::tui::screens::Screen::Gpts(l)) => l.order.as_ref().is_some_and(|o| {
            before
                .as_ref()
                .is_none_or(|b| !std::sync::Arc::ptr_eq(o, b))
                && o.iter().take(30).all(|id| l.rows.contains_key(id))
        }),
        _ => false,
    }
}

/// A filter change (has Actions, rated ≥ 4) with the worker on its own thread: from Enter to
/// the drawn first page (its rows and the list's length), and to the whole order.
fn filter_change_live(path: &std::path::Path, rounds: usize) -> (Vec<Duration>, Vec<Duration>) {
    let mut live = Live::open(path);
    // Every sort once, so the worker has sorted every column and is idle.
    for _ in 0..gptscope::store::view::SortKey::ALL.len() {
        let fx = live.key(KeyCode::Char(']'));
        live.until(fx, |app| !app.is_loading());
    }
    let (mut first, mut whole) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let mut keys = vec![KeyCode::Char('x'), KeyCode::Char('f')];
        keys.extend([KeyCode::Down; 4]);
        keys.push(KeyCode::Right);
        keys.extend([KeyCode::Down; 5]);
        keys.push(KeyCode::Char('4'));
        for k in keys {
            let fx = live.key(k);
            live.until(fx, |app| !app.is_loading());
        }
        let before = list_order(&live.app);
        let t = Instant::now();
        let fx = live.key(KeyCode::Enter);
        live.until(fx, |app| first_page_shown(app, &before));
        live.draw();
        first.push(t.elapsed());
        live.until(Vec::new(), |app| !app.is_loading());
        live.draw();
        whole.push(t.elapsed());
    }
    (first, whole)
}

fn bench_tui(c: &mut Criterion) {
    let path = bench_db();
    let mut group = c.benchmark_group("tui");
    group.sample_size(20);
    group.bench_function("first_frame", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| first_frame(&path)).sum())
    });

    let before = rss_mb();
    let mut d = Driver::open(&path, None, SIZE).expect("driver");
    d.prepare_all();
    d.draw();
    eprintln!(
        "resident memory: {:.0} MB with every column sorted ({:.0} MB before opening)",
        rss_mb(),
        before
    );
    d.keys("G");
    let len = d.list().map_or(0, |l| l.len());
    // Start from the middle.
    for _ in 0..(len / 2 / usize::from(SIZE.1 - 4)) {
        d.press(KeyCode::PageUp);
    }
    group.sample_size(100);
    for (name, key) in [
        ("key_j", KeyCode::Char('j')),
        ("key_k", KeyCode::Char('k')),
        ("key_pgdn", KeyCode::PageDown),
        ("key_pgup", KeyCode::PageUp),
        ("key_G", KeyCode::Char('G')),
        ("key_g", KeyCode::Char('g')),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                d.press(key);
                d.draw();
            })
        });
    }
    // Sort changes: flip between the columns' orders, from the middle of the list.
    d.keys("G");
    for _ in 0..(len / 2 / usize::from(SIZE.1 - 4)) {
        d.press(KeyCode::PageUp);
    }
    group.bench_function("sort_change", |b| {
        b.iter(|| {
            d.press(KeyCode::Char(']'));
            d.draw();
        })
    });
    // Filter changes: has Actions and rated ≥ 4, applied with Enter in the form; then cleared.
    group.sample_size(30);
    group.bench_function("filter_change", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                d.press(KeyCode::Char('x'));
                d.press(KeyCode::Char('f'));
                for _ in 0..4 {
                    d.press(KeyCode::Down);
                }
                d.press(KeyCode::Right);
                for _ in 0..5 {
                    d.press(KeyCode::Down);
                }
                d.keys("4");
                let t = Instant::now();
                d.press(KeyCode::Enter);
                d.draw();
                total += t.elapsed();
            }
            total
        })
    });
    group.finish();

    // The same filter change as the terminal loop runs it: the first page is drawn while the
    // worker still walks the whole order.
    drop(d);
    let (mut first, mut whole) = filter_change_live(&path, 20);
    first.sort();
    whole.sort();
    eprintln!(
        "filter change with the worker on its thread, over 20: first page drawn median {:.1} ms \
         (max {:.1}), whole order drawn median {:.1} ms (max {:.1})",
        first[10].as_secs_f64() * 1e3,
        first[19].as_secs_f64() * 1e3,
        whole[10].as_secs_f64() * 1e3,
        whole[19].as_secs_f64() * 1e3
    );
}

/// The histogram screen: every chart of the screen, describe lines and concentration, over the
/// whole snapshot and over a filtered subset of about 100k GPTs; both as the computation alone
/// (`Landscape::of` on the loaded columns) and from the key `h` to the drawn frame.
fn bench_charts(c: &mut Criterion) {
    use gptscope::stats::{ChartId, Landscape};
    use gptscope::store::view::{Columns, Filter};
    let path = bench_db();
    let db = Db::open(&path, Duration::from_secs(5)).expect("open");
    let snapshot = query::snapshot(&db, None).expect("snapshot");
    let t = Instant::now();
    let columns = Columns::load(&db, snapshot.id).expect("columns");
    eprintln!(
        "the columns of {} GPTs (every list's sort and filter wait for them) loaded in {:.2} s",
        snapshot.gpts,
        t.elapsed().as_secs_f64()
    );
    let all = columns.all_ids();
    // The category whose GPTs come closest to 100k.
    let categories = columns.categories();
    let (pick, (category, n)) = categories
        .iter()
        .enumerate()
        .min_by_key(|(_, (_, n))| n.abs_diff(100_000))
        .expect("a category");
    let filter = Filter {
        category: Some(category.clone()),
        ..Filter::default()
    };
    let subset = columns.filter(&all, &filter, None);
    eprintln!(
        "charts over {} GPTs, and over category {category:?}: {n} GPTs",
        all.len()
    );
    let mut group = c.benchmark_group("charts");
    group.sample_size(20);
    group.bench_function("landscape_all", |b| {
        b.iter(|| Landscape::of(&columns, &all, &snapshot, Vec::new(), &ChartId::SCREEN))
    });
    group.bench_function("landscape_subset", |b| {
        b.iter(|| Landscape::of(&columns, &subset, &snapshot, Vec::new(), &ChartId::SCREEN))
    });
    drop(columns);

    let mut d = Driver::open(&path, None, SIZE).expect("driver");
    d.prepare_all();
    group.bench_function("key_h_all", |b| {
        b.iter(|| {
            d.press(KeyCode::Char('h'));
            d.draw();
            d.press(KeyCode::Esc);
        })
    });
    // The same category chosen in the filter form (categories are offered most common first).
    d.press(KeyCode::Char('f'));
    for _ in 0..=pick {
        d.press(KeyCode::Right);
    }
    d.press(KeyCode::Enter);
    assert_eq!(d.list().map(|l| l.len()), Some(*n));
    group.bench_function("key_h_subset", |b| {
        b.iter(|| {
            d.press(KeyCode::Char('h'));
            d.draw();
            d.press(KeyCode::Esc);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_tui, bench_charts);
criterion_main!(benches);
