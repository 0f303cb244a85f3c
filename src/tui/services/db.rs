//! The database worker: a thread that owns its own connection and the snapshot's in-memory
//! columns ([`Columns`]), answers [`Request`]s with [`Msg`]s, and never makes the UI wait.
//!
//! Requests queue up while it works; before each round it takes everything queued and keeps only
//! the newest list/detail request per screen (an older one would be answered for nothing). The
//! first list of a cold start gets a quick first page (and its rows) straight from SQLite (the
//! snapshot's most used GPTs, stored by its import), and the columns load on a thread of their own meanwhile, so a
//! million-GPT snapshot draws at once and rows, details and authors keep coming while they load.

use super::{Pending, Service};
use crate::store::Db;
use crate::store::authors::AuthorSort;
use crate::store::authors::Authors;
use crate::store::query::{self, SnapshotInfo};
use crate::store::schema::gpt_table;
use crate::store::view::{self, Columns, Filter, Sort, SortKey};
use crate::tui::msg::{Msg, Request, ScreenId};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

/// The UI's handle on the worker.
pub struct Worker {
    tx: Sender<Job>,
    pending: Pending,
}

/// What the worker's thread receives.
// One at a time in a channel; boxing requests would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Job {
    Request(Request),
    /// The columns, loaded on the loader thread.
    Columns(Result<Box<Columns>, String>),
    /// A screen closed: its queued requests are skipped.
    Cancel(ScreenId),
    /// The UI is gone.
    Stop,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.tx.send(Job::Stop);
    }
}

/// Page cache of the worker's connection: rows and details read from a few pages at a time.
const WORKER_CACHE_KIB: i64 = 16 * 1024;

impl Worker {
    /// Starts the worker on its own connection to `path`; replies go through `reply`.
    pub fn spawn(
        path: PathBuf,
        lock_timeout: Duration,
        snapshot: SnapshotInfo,
        reply: impl Fn(Msg) + Send + 'static,
    ) -> std::io::Result<Worker> {
        let (tx, rx) = channel();
        let jobs = tx.clone();
        let pending = Pending::default();
        let done = pending.clone();
        std::thread::Builder::new()
            .name("gptscope-db".into())
            .spawn(move || match Db::open(&path, lock_timeout) {
                Ok(db) => {
                    let _ = db
                        .conn()
                        .pragma_update(None, "cache_size", -WORKER_CACHE_KIB);
                    let mut state = State::new(db, snapshot);
                    state.loader = Some(Loader {
                        path,
                        lock_timeout,
                        jobs: Some(jobs),
                    });
                    state.run(&rx, &done, &reply)
                }
                Err(e) => reply(Msg::Failed {
                    screen: None,
                    message: e.to_string(),
                }),
            })?;
        Ok(Worker { tx, pending })
    }
}

impl Service for Worker {
    type Request = Request;

    fn send(&mut self, request: Request) -> bool {
        self.pending.add(1);
        self.tx.send(Job::Request(request)).is_ok()
    }

    fn cancel(&mut self, screen: ScreenId) {
        let _ = self.tx.send(Job::Cancel(screen));
    }

    fn pending(&self) -> usize {
        self.pending.get()
    }
}

/// Loads the columns on a thread of its own, on its own connection.
struct Loader {
    path: PathBuf,
    lock_timeout: Duration,
    /// Taken by the loader thread when it starts (it loads once).
    jobs: Option<Sender<Job>>,
}

impl Loader {
    fn start(&mut self, snapshot_id: i64) {
        let Some(jobs) = self.jobs.take() else {
            return;
        };
        let (path, timeout) = (self.path.clone(), self.lock_timeout);
        let failed = jobs.clone();
        let spawned = std::thread::Builder::new()
            .name("gptscope-columns".into())
            .spawn(move || {
                // One sequential scan: a small page cache is enough.
                let loaded = Db::open(&path, timeout)
                    .and_then(|db| {
                        let _ = db.conn().pragma_update(None, "cache_size", -2048);
                        Columns::load(&db, snapshot_id).map(Box::new)
                    })
                    .map_err(|e| e.to_string());
                let _ = jobs.send(Job::Columns(loaded));
            });
        if let Err(e) = spawned {
            let _ = failed.send(Job::Columns(Err(format!(
                "cannot start the loader thread: {e}"
            ))));
        }
    }
}

/// How many rowids the quick first page holds, and how many of its rows come with it.
const QUICK_PAGE: usize = crate::store::schema::TOP;
const QUICK_ROWS: usize = 150;

pub(crate) struct State {
    db: Db,
    snapshot: SnapshotInfo,
    columns: Option<Columns>,
    orders: FxHashMap<SortKey, Arc<[u32]>>,
    text_hits: Option<(String, Arc<Vec<bool>>)>,
    /// None: columns load on this thread (tests, benchmarks).
    loader: Option<Loader>,
    /// Requests that need the columns, while they load.
    waiting: Vec<Request>,
}

impl State {
    pub(crate) fn new(db: Db, snapshot: SnapshotInfo) -> State {
        State {
            db,
            snapshot,
            columns: None,
            orders: FxHashMap::default(),
            text_hits: None,
            loader: None,
            waiting: Vec::new(),
        }
    }

    fn run(mut self, rx: &Receiver<Job>, pending: &Pending, reply: &dyn Fn(Msg)) {
        // Screens that closed (ids are never reused): their queued requests are skipped.
        let mut closed: FxHashSet<ScreenId> = FxHashSet::default();
        loop {
            // Between requests, sort the columns not sorted yet, one at a time, so that a later
            // sort change is a lookup.
            let first = if self.prepare_pending() {
                match rx.try_recv() {
                    Ok(job) => job,
                    Err(std::sync::mpsc::TryRecvError::Empty) => {
                        self.prepare_one();
                        continue;
                    }
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => return,
                }
            } else {
                match rx.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                }
            };
            let mut requests = Vec::new();
            let mut received = 0;
            for job in std::iter::once(first).chain(rx.try_iter()) {
                match job {
                    Job::Request(r) => {
                        received += 1;
                        requests.push(r);
                    }
                    Job::Cancel(screen) => {
                        closed.insert(screen);
                    }
                    Job::Columns(Ok(columns)) => {
                        self.columns = Some(*columns);
                        requests.splice(0..0, std::mem::take(&mut self.waiting));
                    }
                    Job::Stop => return,
                    Job::Columns(Err(message)) => {
                        for r in std::mem::take(&mut self.waiting) {
                            reply(Msg::Failed {
                                screen: r.tag().map(|(s, _)| s),
                                message: message.clone(),
                            });
                        }
                    }
                }
            }
            for request in newest_only(requests) {
                if request.screen().is_some_and(|s| closed.contains(&s)) {
                    continue;
                }
                self.handle(request, reply);
            }
            pending.done(received);
        }
    }

    /// True while some column's ordering is still to be sorted (once the columns are loaded).
    pub(crate) fn prepare_pending(&self) -> bool {
        self.columns.is_some() && SortKey::ALL.iter().any(|k| !self.orders.contains_key(k))
    }

    /// Sorts one more column.
    pub(crate) fn prepare_one(&mut self) {
        let Some(columns) = &self.columns else { return };
        if let Some(key) = SortKey::ALL.iter().find(|k| !self.orders.contains_key(k)) {
            let order: Arc<[u32]> = columns.ordering(*key).into();
            self.orders.insert(*key, order);
        }
    }

    pub(crate) fn handle(&mut self, request: Request, reply: &dyn Fn(Msg)) {
        let screen = request.screen();
        if let Err(e) = self.answer(request, reply) {
            reply(Msg::Failed {
                screen,
                message: e.to_string(),
            });
        }
    }

    /// The snapshots screen's list: the complete snapshots and the unfinished refreshes.
    fn snapshots(&self, screen: ScreenId) -> crate::store::db::Result<Msg> {
        Ok(Msg::Snapshots {
            screen,
            list: crate::store::query::snapshots(&self.db)?,
            unfinished: crate::live::refresh::unfinished(self.db.path()),
        })
    }

    /// A GPT as the snapshot has it (or that it has not).
    fn detail(&self, screen: ScreenId, generation: u64, id: &str) -> crate::store::db::Result<Msg> {
        let found = query::gpt(&self.db, &self.snapshot, id)?;
        let view = found
            .map(Box::new)
            .ok_or_else(|| format!("{id} is not in snapshot #{}", self.snapshot.id));
        Ok(Msg::Detail {
            screen,
            generation,
            view,
        })
    }

    fn answer(&mut self, request: Request, reply: &dyn Fn(Msg)) -> crate::store::db::Result<()> {
        match request {
            Request::Gpts { .. } => self.gpts(&request, reply)?,
            Request::Rows { screen, rowids } => {
                let rows = view::rows(&self.db, self.snapshot.id, &rowids)?;
                reply(Msg::Rows { screen, rows });
            }
            Request::Detail {
                screen,
                generation,
                id,
            } => reply(self.detail(screen, generation, &id)?),
            Request::Authors {
                screen,
                generation,
                ref filter,
                sort,
            } => {
                if self.columns.is_none() && self.wait_for_columns(&request) {
                    return Ok(());
                }
                let rows = self.author_rows()?;
                let order = author_order(&rows, filter, sort);
                reply(Msg::Authors {
                    screen,
                    generation,
                    rows,
                    order: order.into(),
                });
            }
            Request::AuthorProfile { screen, user_id } => {
                let row = view::author(&self.db, self.snapshot.id, &user_id)?;
                let profile = query::author_profile(&self.db, self.snapshot.id, &user_id)?;
                reply(Msg::AuthorProfile {
                    screen,
                    row,
                    profile,
                });
            }
            Request::Charts { .. } => self.charts(&request, reply)?,
            Request::SnapshotIds {
                screen,
                generation,
                author,
                among,
            } => {
                let ids = query::known_ids(&self.db, self.snapshot.id, author.as_deref(), &among)?;
                reply(Msg::SnapshotIds {
                    screen,
                    generation,
                    ids,
                });
            }
            Request::AuthorCharts { .. } => self.author_charts(&request, reply)?,
            Request::Export { .. } => self.export(&request, reply)?,
            Request::Snapshots { screen } => reply(self.snapshots(screen)?),
            Request::Diff { .. } => self.diff(&request, reply)?,
            Request::ShelfHistory { screen, generation } => {
                let steps = crate::store::diff::shelf_history(&self.db)?;
                reply(Msg::ShelfHistory {
                    screen,
                    generation,
                    steps: Arc::new(steps),
                });
            }
            Request::History {
                screen,
                generation,
                id,
            } => {
                let points = crate::store::diff::history(&self.db, &id)?;
                reply(Msg::History {
                    screen,
                    generation,
                    points,
                });
            }
            Request::Versions {
                screen,
                generation,
                id,
                a,
                b,
            } => {
                let version = |s: i64| -> crate::store::db::Result<_> {
                    let info = crate::store::query::snapshot(&self.db, Some(s))?;
                    Ok(query::gpt(&self.db, &info, &id)?.map(Box::new))
                };
                let (before, after) = (version(a)?, version(b)?);
                reply(Msg::Versions {
                    screen,
                    generation,
                    before,
                    after,
                });
            }
            Request::RemoveSnapshot { screen, id } => {
                let removed = crate::store::prune::remove_snapshot(&mut self.db, id);
                // The list again either way: what is there is what the screen shows.
                reply(self.snapshots(screen)?);
                reply(Msg::Removed(removed?));
            }
            Request::Categories => {
                if self.columns.is_none() && self.wait_for_columns(&request) {
                    return Ok(());
                }
                let categories = self.columns()?.categories();
                reply(Msg::Categories(categories));
            }
        }
        Ok(())
    }

    /// The order of a GPT list (a first page at once while the columns load).
    fn gpts(&mut self, request: &Request, reply: &dyn Fn(Msg)) -> crate::store::db::Result<()> {
        let Request::Gpts {
            screen,
            generation,
            filter,
            sort,
        } = request
        else {
            return Ok(());
        };
        let (screen, generation, sort) = (*screen, *generation, *sort);
        let started = Instant::now();
        // An order, its first page only (with the list's length) or whole.
        let answer = |order: Arc<[u32]>, total: Option<usize>| {
            reply(Msg::Order {
                screen,
                generation,
                complete: total.is_none(),
                total: total.unwrap_or(order.len()),
                order,
                took: started.elapsed(),
            })
        };
        if self.columns.is_none() {
            if let Some((order, total)) = self.quick_page(filter, sort)? {
                let first: Vec<u32> = order.iter().take(QUICK_ROWS).copied().collect();
                reply(Msg::Rows {
                    screen,
                    rows: view::rows(&self.db, self.snapshot.id, &first)?,
                });
                answer(order, Some(total));
            }
            if self.wait_for_columns(request) {
                return Ok(());
            }
        }
        let order = self.order(filter, sort, &|first, total| answer(first, Some(total)))?;
        answer(order, None);
        Ok(())
    }

    /// The histograms of a GPT list.
    fn charts(&mut self, request: &Request, reply: &dyn Fn(Msg)) -> crate::store::db::Result<()> {
        let Request::Charts {
            screen,
            generation,
            filter,
            charts,
        } = request
        else {
            return Ok(());
        };
        let (screen, generation) = (*screen, *generation);
        let started = Instant::now();
        // The whole snapshot's charts were counted at import: read, not counted again (and
        // without waiting for the columns).
        if filter.is_empty()
            && charts[..] == crate::stats::ChartId::SCREEN[..]
            && let Some(landscape) = crate::stats::summary::landscape(&self.db, self.snapshot.id)?
        {
            reply(Msg::Charts {
                screen,
                generation,
                landscape: Arc::new(landscape),
                took: started.elapsed(),
            });
            return Ok(());
        }
        if self.columns.is_none() && self.wait_for_columns(request) {
            return Ok(());
        }
        let ids = self.order(filter, Sort::default(), &|_, _| {})?;
        // `order` loaded the columns.
        if let Some(columns) = &self.columns {
            let landscape = crate::stats::Landscape::of(
                columns,
                &ids,
                &self.snapshot,
                filter.describe(),
                charts,
            );
            reply(Msg::Charts {
                screen,
                generation,
                landscape: Arc::new(landscape),
                took: started.elapsed(),
            });
        }
        Ok(())
    }

    /// A frequency table of the authors table.
    fn author_charts(
        &mut self,
        request: &Request,
        reply: &dyn Fn(Msg),
    ) -> crate::store::db::Result<()> {
        let Request::AuthorCharts {
            screen,
            generation,
            filter,
            column,
        } = request
        else {
            return Ok(());
        };
        let (screen, generation, column) = (*screen, *generation, *column);
        if self.columns.is_none() && self.wait_for_columns(request) {
            return Ok(());
        }
        let started = Instant::now();
        let rows = self.author_rows()?;
        let ids = author_order(&rows, filter, AuthorSort::default());
        let chart = crate::stats::author_frequency(&rows, &ids, column);
        reply(Msg::Charts {
            screen,
            generation,
            landscape: Arc::new(crate::stats::Landscape::of_authors(
                &self.snapshot,
                filter.describe(),
                chart,
            )),
            took: started.elapsed(),
        });
        Ok(())
    }

    /// GPTs or authors written to a file.
    fn export(&mut self, request: &Request, reply: &dyn Fn(Msg)) -> crate::store::db::Result<()> {
        let Request::Export {
            ids,
            authors,
            path,
            format,
            ..
        } = request
        else {
            return Ok(());
        };
        let (authors, format) = (*authors, *format);
        use crate::store::export;
        let rows = if authors {
            let rows = self.author_rows()?;
            export::to_file(path, |out| export::authors(&rows, ids, format, out))?
        } else {
            let (db, snapshot) = (&self.db, self.snapshot.id);
            export::to_file(path, |out| {
                export::gpts(db, snapshot, ids, format, out, &|| false)
            })?
        };
        reply(Msg::Exported {
            path: path.clone(),
            rows,
            authors,
        });
        Ok(())
    }

    /// The diff of two snapshots, its first page as soon as it is known.
    fn diff(&mut self, request: &Request, reply: &dyn Fn(Msg)) -> crate::store::db::Result<()> {
        let Request::Diff {
            screen,
            generation,
            a,
            b,
        } = request
        else {
            return Ok(());
        };
        let (screen, generation, a, b) = (*screen, *generation, *a, *b);
        let (a, b) = (
            crate::store::query::snapshot(&self.db, Some(a))?,
            crate::store::query::snapshot(&self.db, Some(b))?,
        );
        // The first page as soon as the diff has it, then the whole.
        let diff = crate::store::diff::diff_with(&self.db, &a, &b, &mut |first| {
            reply(Msg::Diff {
                screen,
                generation,
                diff: Arc::new(first),
            })
        })?;
        reply(Msg::Diff {
            screen,
            generation,
            diff: Arc::new(diff),
        });
        Ok(())
    }

    /// Every author of the snapshot: the columns' copy.
    fn author_rows(&mut self) -> crate::store::db::Result<Arc<Authors>> {
        Ok(self.columns()?.authors.clone())
    }

    /// With a loader: starts it (once) and parks the request until the columns arrive.
    fn wait_for_columns(&mut self, request: &Request) -> bool {
        let snapshot_id = self.snapshot.id;
        match &mut self.loader {
            Some(loader) => {
                loader.start(snapshot_id);
                self.waiting.push(request.clone());
                true
            }
            None => false,
        }
    }

    fn columns(&mut self) -> crate::store::db::Result<&Columns> {
        if self.columns.is_none() {
            self.columns = Some(Columns::load(&self.db, self.snapshot.id)?);
        }
        match &self.columns {
            Some(c) => Ok(c),
            None => Err(crate::store::StoreError::Invalid(
                "columns not loaded".into(),
            )),
        }
    }

    /// The first page of the default order while the columns are not loaded yet: the
    /// snapshot's most used GPTs as its import stored them, or an author's GPTs from the author
    /// index (no other filter).
    fn quick_page(
        &self,
        filter: &Filter,
        sort: Sort,
    ) -> crate::store::db::Result<Option<(Arc<[u32]>, usize)>> {
        let only_author = Filter {
            author: filter.author.clone(),
            ..Filter::default()
        };
        if *filter != only_author || sort != Sort::default() {
            return Ok(None);
        }
        if filter.author.is_none()
            && let Some(top) = query::top_by_conversations(&self.db, self.snapshot.id)?
        {
            return Ok(Some((top.into(), self.snapshot.gpts.max(0) as usize)));
        }
        let t = gpt_table(self.snapshot.id);
        let (cond, args): (&str, Vec<String>) = match &filter.author {
            Some(a) => ("AND author_id = ?1", vec![a.clone()]),
            None => ("", Vec::new()),
        };
        let conn = self.db.conn();
        let mut st = conn
            .prepare(&format!(
                "SELECT rowid FROM {t} WHERE available = 1 {cond}
                 ORDER BY conv DESC, rowid DESC LIMIT {QUICK_PAGE}"
            ))
            .map_err(|e| self.db.err(e))?;
        let ids: Vec<u32> = st
            .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<u32>>>())
            .map_err(|e| self.db.err(e))?;
        let total = if filter.author.is_none() {
            self.snapshot.gpts.max(0) as usize
        } else {
            ids.len()
        };
        Ok(Some((ids.into(), total)))
    }

    /// The filtered, sorted rowids of a list. `first_page` hears of a filtered list's first
    /// rows and its length before the whole order is ready.
    fn order(
        &mut self,
        filter: &Filter,
        sort: Sort,
        first_page: &dyn Fn(Arc<[u32]>, usize),
    ) -> crate::store::db::Result<Arc<[u32]>> {
        self.columns()?;
        if sort.key == SortKey::Relevance
            && let Some(ranked) = &filter.rowids
        {
            // A search's results, in their order, within the list's other filters.
            let rest = Filter {
                rowids: None,
                search: None,
                ..filter.clone()
            };
            let hits = self.text_hits(&rest)?;
            let kept: Vec<u32> = if rest.is_empty() {
                ranked.to_vec()
            } else {
                self.columns()?
                    .filter(ranked, &rest, hits.as_deref().map(Vec::as_slice))
            };
            return Ok(if sort.descending {
                kept.into()
            } else {
                kept.into_iter().rev().collect()
            });
        }
        let sort = if sort.key == SortKey::Relevance {
            Sort::default()
        } else {
            sort
        };
        let base = match self.orders.get(&sort.key) {
            Some(o) => o.clone(),
            None => {
                let o: Arc<[u32]> = self.columns()?.ordering(sort.key).into();
                self.orders.insert(sort.key, o.clone());
                o
            }
        };
        let hits = self.text_hits(filter)?;
        let columns = self.columns()?;
        Ok(if !filter.is_empty() {
            let pass = columns.passing(filter, hits.as_deref().map(Vec::as_slice));
            // The first page and the count go ahead of the whole order (at 10M GPTs walking
            // the order is half of a filter change).
            if let Some((total, first)) = pass.first(&base, sort.descending, QUICK_ROWS)
                && total > first.len()
            {
                first_page(first.into(), total);
            }
            columns
                .in_order_by(&pass, sort.key, &base, sort.descending)
                .into()
        } else if sort.descending {
            base.iter().rev().copied().collect()
        } else {
            base
        })
    }

    /// The rowids whose name or description has the filter's text (cached for the last text).
    fn text_hits(&mut self, filter: &Filter) -> crate::store::db::Result<Option<Arc<Vec<bool>>>> {
        let Some(text) = &filter.text else {
            return Ok(None);
        };
        if let Some((t, hits)) = &self.text_hits
            && t == text
        {
            return Ok(Some(hits.clone()));
        }
        let hits = Arc::new(view::text_matches(&self.db, self.snapshot.id, text)?);
        self.text_hits = Some((text.clone(), hits.clone()));
        Ok(Some(hits))
    }
}

/// Drops list and detail requests superseded by a newer one for the same screen.
fn newest_only(batch: Vec<Request>) -> Vec<Request> {
    let mut newest: FxHashMap<(ScreenId, u8), u64> = FxHashMap::default();
    let kind = |r: &Request| match r {
        Request::Gpts { .. } => 0u8,
        Request::Detail { .. } => 1,
        Request::Authors { .. } => 2,
        Request::Charts { .. } | Request::AuthorCharts { .. } => 3,
        _ => 4,
    };
    for r in &batch {
        if let Some((screen, generation)) = r.tag() {
            let e = newest.entry((screen, kind(r))).or_insert(generation);
            *e = (*e).max(generation);
        }
    }
    batch
        .into_iter()
        .filter(|r| match r.tag() {
            Some((screen, generation)) => newest.get(&(screen, kind(r))) == Some(&generation),
            None => true,
        })
        .collect()
}

pub use crate::store::authors::author_order;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_counts_requests_until_answered_and_a_closed_screens_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (path, db) = crate::assets::sample_db(dir.path());
        let snapshot = query::snapshot(&db, None).unwrap();
        drop(db);
        let (tx, rx) = channel();
        let mut w = Worker::spawn(path, Duration::from_secs(5), snapshot, move |m| {
            let _ = tx.send(m);
        })
        .unwrap();
        // Screen 7 closed before its request arrives: skipped; screen 8's is answered.
        w.cancel(7);
        assert!(w.send(Request::Snapshots { screen: 7 }));
        assert!(w.send(Request::Snapshots { screen: 8 }));
        let m = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        assert!(matches!(m, Msg::Snapshots { screen: 8, .. }), "{m:?}");
        let t = Instant::now();
        while w.pending() > 0 && t.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(w.pending(), 0);
        assert!(rx.try_recv().is_err(), "nothing for the closed screen");
    }

    /// A filtered list's first page and length come ahead of its whole order, and agree with it.
    #[test]
    fn a_filtered_list_answers_its_first_page_first() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        let snapshot = query::snapshot(&db, None).unwrap();
        let mut state = State::new(db, snapshot);
        // Every GPT without Actions: more than a first page of the sample.
        let filter = Filter {
            tools_not: 8,
            ..Filter::default()
        };
        let sort = Sort::default();
        let replies = std::cell::RefCell::new(Vec::new());
        let request = Request::Gpts {
            screen: 1,
            generation: 3,
            filter,
            sort,
        };
        state.handle(request, &|m| replies.borrow_mut().push(m));
        let orders: Vec<(Arc<[u32]>, bool, usize)> = replies
            .into_inner()
            .into_iter()
            .filter_map(|m| match m {
                Msg::Order {
                    generation: 3,
                    order,
                    complete,
                    total,
                    ..
                } => Some((order, complete, total)),
                _ => None,
            })
            .collect();
        let [(first, false, total), (whole, true, len)] = &orders[..] else {
            panic!("a first page, then the whole order: {orders:?}");
        };
        assert_eq!(
            (first.len(), total, len),
            (QUICK_ROWS, &whole.len(), &whole.len())
        );
        assert!(whole.len() > QUICK_ROWS, "{}", whole.len());
        assert_eq!(first[..], whole[..QUICK_ROWS]);
    }

    #[test]
    fn only_the_newest_request_per_screen_survives() {
        let g = |screen, generation| Request::Gpts {
            screen,
            generation,
            filter: Filter::default(),
            sort: Sort::default(),
        };
        let kept = newest_only(vec![
            g(1, 1),
            Request::Rows {
                screen: 1,
                rowids: vec![1],
            },
            g(1, 2),
            g(2, 1),
            g(1, 3),
        ]);
        let tags: Vec<_> = kept.iter().map(Request::tag).collect();
        assert_eq!(tags, vec![None, Some((2, 1)), Some((1, 3))]);
    }
}
