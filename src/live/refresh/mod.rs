//! Refresh on demand: fetch the live store into a new snapshot.
//!
//! Every answer is appended, as it arrives, to a spool in a work directory beside the database
//! ([`spool`]); only when everything is fetched is the spool imported, by the ordinary importer,
//! as one snapshot in one transaction. So a refresh killed or cancelled leaves no visible
//! snapshot, `--resume` continues from exactly what was answered (asking nothing twice), and a
//! refresh is read by exactly the code that reads the same answers saved to files — the shelf
//! positions included: the spool holds the store front and then each shelf's pages from the
//! front's cursor, and the importer numbers them by the one rule of [`crate::store::shelves`].
//!
//! A shelf that keeps failing is recorded as failed (its front positions kept) and the refresh
//! goes on; a bad token, a bot wall or no network stop it at once; a refresh that fetched nothing
//! writes nothing and says why.

mod crawl;
mod spool;

pub use crawl::{CrawlPlan, Seed};

use super::api::{self, Walk, WalkState};
use super::client::{Client, LiveError};
use crate::store::Db;
use crate::store::import::{ImportOptions, ImportReport, Input, import};
use crate::store::parse::FetchHead;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use spool::Spool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a refresh fetches.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// The store front and every shelf paged to its end.
    Shelves { locale: String, max_pages: usize },
    /// These GPTs of snapshot `from`, each fetched again (by their about answers with
    /// `about`: the store's rating, category ranking and rating split too; needs a token).
    Details {
        from: i64,
        ids: Arc<Vec<String>>,
        about: bool,
    },
    /// An author's GPTs (needs a token).
    Author(String),
    /// Search results for each term, paged to their end (needs a token).
    Search(Arc<Vec<String>>),
    /// The store by snowball: seeds, every author met, search terms (needs a token).
    Crawl(Arc<CrawlPlan>),
}

impl Plan {
    /// The store front in the global locale, shelves paged up to the default cap.
    pub fn shelves() -> Plan {
        Plan::Shelves {
            locale: "global".to_owned(),
            max_pages: api::MAX_PAGES_DEFAULT,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Plan::Shelves { .. } => "shelves",
            Plan::Details { .. } => "details",
            Plan::Author(_) => "author",
            Plan::Search(_) => "search",
            Plan::Crawl(_) => "crawl",
        }
    }

    /// What `--resume` checks it continues the same refresh.
    fn key(&self) -> String {
        match self {
            Plan::Shelves { locale, .. } => format!("shelves ({locale})"),
            Plan::Author(user) => format!("author {user}"),
            Plan::Search(terms) => format!("search of {}", terms.join(", ")),
            Plan::Details { from, ids, about } => format!(
                "details{} of {} GPTs of snapshot #{from} ({:016x})",
                if *about { " and about" } else { "" },
                ids.len(),
                hash_lines(ids.iter())
            ),
            Plan::Crawl(c) => c.key(),
        }
    }
}

/// A hash of some lines, to tell two long lists apart in a plan's key.
fn hash_lines<'a>(lines: impl Iterator<Item = &'a String>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for l in lines {
        h.update(l.as_bytes());
        h.update(b"\n");
    }
    h.digest()
}

/// A GPT's record as a snapshot has it (the raw source text), for carrying forward a GPT
/// whose fetch failed.
pub type CarryForward = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where a refresh stands, for a progress bar or gauge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Units done and in all (shelves, GPTs, lists); `total` 0 while unknown.
    pub done: u64,
    pub total: u64,
    pub gpts: u64,
    pub elapsed: Duration,
    /// Requests answered, this run and the runs it resumes.
    pub requests: u64,
    /// A crawl: lists (authors, terms) waiting.
    pub queued: u64,
    /// A crawl: what its budget leaves (`812 requests`, `4 min`), when it has one.
    pub budget_left: Option<String>,
}

impl Progress {
    /// GPTs a second so far.
    pub fn rate(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 { self.gpts as f64 / s } else { 0.0 }
    }

    /// Time left, from the pace of the units done so far.
    pub fn eta(&self) -> Option<Duration> {
        (self.done > 0 && self.total >= self.done).then(|| {
            self.elapsed
                .mul_f64((self.total - self.done) as f64 / self.done as f64)
        })
    }
}

/// A list a refresh could not finish: the shelf (or author, term) and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unfinished1 {
    pub list: String,
    /// `failed` or `cut`.
    pub status: &'static str,
    pub why: String,
}

/// What a refresh did.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub snapshot: i64,
    pub label: String,
    pub fetched: u64,
    pub unavailable: u64,
    pub stale: u64,
    /// Requests this run made, and retries among them.
    pub requests: u64,
    pub retries: u64,
    /// Answers already in the spool from an earlier run (`--resume`).
    pub resumed_pages: u64,
    /// Lists paged through: shelves, search terms, a crawl's authors and terms.
    pub shelves: u64,
    /// Lists that failed or were cut short, with why (`dalle: 500 Internal Server Error`).
    pub incomplete: Vec<Unfinished1>,
    /// The store front's locale (a shelves refresh).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// A crawl: authors met and their lists asked; why it stopped when a budget did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crawl: Option<crawl::CrawlSummary>,
    /// Time spent writing answers to the spool (for the benchmark's "what spooling costs").
    #[serde(skip)]
    pub spooling: Duration,
}

impl Summary {
    fn new(resumed: u64) -> Summary {
        Summary {
            snapshot: 0,
            label: String::new(),
            fetched: 0,
            unavailable: 0,
            stale: 0,
            requests: 0,
            retries: 0,
            resumed_pages: resumed,
            shelves: 0,
            incomplete: Vec::new(),
            locale: None,
            crawl: None,
            spooling: Duration::ZERO,
        }
    }

    /// `9 of 10 shelves; dalle: 500 Internal Server Error` (none when every list ended).
    pub fn incomplete_line(&self, what: &str) -> Option<String> {
        if self.incomplete.is_empty() {
            return None;
        }
        let whole = self.shelves - self.incomplete.len() as u64;
        let mut s = format!("{whole} of {} {what}", self.shelves);
        for u in &self.incomplete {
            s.push_str(&format!("; {}: {}", u.list, u.why));
        }
        Some(s)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("refresh work directory {path}: {reason}")]
    Spool { path: PathBuf, reason: String },
    #[error(transparent)]
    Import(#[from] crate::store::import::ImportError),
    #[error("cancelled; the work so far is kept: --resume continues it")]
    Cancelled,
}

/// A refresh stopped before its snapshot was made (cancelled, killed, or failed): its work
/// directory holds what was fetched, and running it again with `--resume` (or `r` in the
/// explorer, for shelves and authors) continues it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unfinished {
    /// `shelves`, `details`, `author`, `search` or `crawl`.
    pub kind: &'static str,
    /// What it fetches, as `--resume` checks it.
    pub plan: String,
    pub base_url: String,
    pub started_at: String,
    /// Answers spooled and GPTs among them (as of the last sync).
    pub pages: u64,
    pub gpts: u64,
    pub dir: PathBuf,
    /// The command that continues it.
    pub resume: String,
}

const KINDS: [&str; 5] = ["shelves", "details", "author", "search", "crawl"];

/// The unfinished refreshes of the database at `db` (unreadable work directories are skipped:
/// the refresh that owns them says what is wrong when resumed).
pub fn unfinished(db: &Path) -> Vec<Unfinished> {
    KINDS
        .into_iter()
        .filter_map(|kind| {
            let dir = dir_of(db, kind);
            let bytes = std::fs::read(Spool::meta_path(&dir)).ok()?;
            let m: spool::Meta = serde_json::from_slice(&bytes).ok()?;
            Some(Unfinished {
                kind,
                plan: m.plan,
                base_url: m.base_url,
                started_at: crate::time::format_datetime(m.started_at),
                pages: m.answers,
                gpts: m.gpts,
                dir,
                resume: format!("gptscope refresh {kind} --resume"),
            })
        })
        .collect()
}

/// The work directory of a plan's refresh for the database at `db`.
pub fn work_dir(db: &Path, plan: &Plan) -> PathBuf {
    dir_of(db, plan.name())
}

/// `DB.refresh-KIND` beside the database.
fn dir_of(db: &Path, kind: &str) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".refresh-{kind}"));
    db.with_file_name(name)
}

/// What every kind of refresh run shares: the client, the spool, progress and cancelling.
struct Run<'a> {
    client: &'a Client,
    spool: Spool,
    progress: &'a (dyn Fn(&Progress) + Send + Sync),
    cancel: &'a AtomicBool,
    started: Instant,
    summary: Summary,
}

impl Run<'_> {
    fn check_cancel(&self) -> Result<(), RefreshError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(RefreshError::Cancelled)
        } else {
            Ok(())
        }
    }

    fn report(&self, done: u64, total: u64) {
        (self.progress)(&Progress {
            done,
            total,
            gpts: self.spool.meta.gpts,
            elapsed: self.started.elapsed(),
            requests: self.spool.meta.answers,
            ..Progress::default()
        });
    }

    /// Appends a list page's answer.
    fn page(
        &mut self,
        req: &str,
        key: &str,
        cursor: Option<&str>,
        page: &api::Page,
    ) -> Result<(), RefreshError> {
        let head = FetchHead {
            req: req.to_owned(),
            key: key.to_owned(),
            cursor: cursor.map(str::to_owned),
            next: page.next.clone(),
            at: Some(page.fetched_at),
            status: "ok".to_owned(),
            ids: page.ids(),
            authors: page.authors(),
            ..FetchHead::default()
        };
        self.spool.append(&head, Some(&page.body))
    }

    /// Appends how a list ended when it did not reach its end.
    fn ended(
        &mut self,
        req: &str,
        key: &str,
        cursor: Option<&str>,
        state: &WalkState,
    ) -> Result<(), RefreshError> {
        let (status, why) = match state {
            WalkState::Failed(e) => ("failed", e),
            WalkState::Cut(e) => ("cut", e),
            _ => return Ok(()),
        };
        self.note_incomplete(key, state);
        let head = FetchHead {
            req: req.to_owned(),
            key: key.to_owned(),
            cursor: cursor.map(str::to_owned),
            at: Some(crate::time::now()),
            status: status.to_owned(),
            error: Some(why.clone()),
            ..FetchHead::default()
        };
        self.spool.append(&head, None)
    }
}

impl Run<'_> {
    /// Names a list that did not reach its end in the summary (once).
    fn note_incomplete(&mut self, key: &str, state: &WalkState) {
        let (status, why) = match state {
            WalkState::Failed(e) => ("failed", e),
            WalkState::Cut(e) => ("cut", e),
            _ => return,
        };
        if !self.summary.incomplete.iter().any(|u| u.list == key) {
            self.summary.incomplete.push(Unfinished1 {
                list: key.to_owned(),
                status,
                why: why.clone(),
            });
        }
    }
}

/// Replays the answered pages of a list into its walk (a resumed refresh).
fn replay(walk: &mut Walk, h: &FetchHead) {
    match h.status.as_str() {
        "ok" => walk.answered(&h.ids, h.next.clone()),
        "failed" => walk.state = WalkState::Failed(h.error.clone().unwrap_or_default()),
        "cut" => walk.state = WalkState::Cut(h.error.clone().unwrap_or_default()),
        _ => {}
    }
}

/// Runs a refresh: fetches into the spool (continuing it with `resume`), ready to be imported
/// by [`finish`]. `progress` hears after every answer; `cancel` stops between answers; `carry`
/// is where a details refresh finds the records it carries forward.
pub async fn run(
    client: &Client,
    plan: &Plan,
    work: &Path,
    resume: bool,
    progress: &(dyn Fn(&Progress) + Send + Sync),
    cancel: &AtomicBool,
    carry: Option<CarryForward>,
) -> Result<(PathBuf, Summary), RefreshError> {
    let (spool, heads) = Spool::open(work, &plan.key(), &client.config().base_url, resume)?;
    let mut run = Run {
        client,
        summary: Summary::new(heads.len() as u64),
        spool,
        progress,
        cancel,
        started: Instant::now(),
    };
    let before = client.counters.requests.load(Ordering::Relaxed);
    let retries_before = client.counters.retries.load(Ordering::Relaxed);
    let outcome = match plan {
        Plan::Shelves { locale, max_pages } => {
            run.summary.locale = Some(locale.clone());
            shelves(&mut run, &heads, locale, *max_pages).await
        }
        Plan::Details { ids, about, .. } => details(&mut run, &heads, ids, *about, carry).await,
        Plan::Author(user) => lists(&mut run, &heads, "author", std::slice::from_ref(user)).await,
        Plan::Search(terms) => lists(&mut run, &heads, "search", terms).await,
        Plan::Crawl(c) => crawl::run(&mut run, &heads, c).await,
    };
    // Whatever happened, what was answered is on disk.
    run.spool.sync()?;
    run.summary.spooling = run.spool.spent;
    outcome?;
    run.summary.requests = client.counters.requests.load(Ordering::Relaxed) - before;
    run.summary.retries = client.counters.retries.load(Ordering::Relaxed) - retries_before;
    if run.summary.fetched == 0 && run.summary.unavailable == 0 {
        return Err(RefreshError::Live(LiveError::Unexpected {
            what: match run.summary.incomplete.first() {
                Some(u) => format!("nothing could be fetched ({}: {})", u.list, u.why),
                None => "nothing could be fetched: the store listed no GPT".to_owned(),
            },
            first: String::new(),
        }));
    }
    Ok((Spool::data(work), run.summary))
}

/// The store front, then every shelf from the front's cursor page after page; a shelf that
/// fails is recorded and the others go on.
async fn shelves(
    run: &mut Run<'_>,
    heads: &[FetchHead],
    locale: &str,
    max_pages: usize,
) -> Result<(), RefreshError> {
    let front = match heads.iter().find(|h| h.req == "front") {
        Some(h) => h.clone(),
        None => {
            run.check_cancel()?;
            let page = api::front_page(run.client, locale).await?;
            let head = FetchHead {
                req: "front".to_owned(),
                key: locale.to_owned(),
                at: Some(page.fetched_at),
                status: "ok".to_owned(),
                ids: page.ids(),
                shelves: api::front_cursors(&page.body),
                ..FetchHead::default()
            };
            run.spool.append(&head, Some(&page.body))?;
            head
        }
    };
    let mut walks: Vec<(String, Walk)> = front
        .shelves
        .iter()
        .map(|(id, cursor)| (id.clone(), Walk::shelf(cursor.clone(), max_pages)))
        .collect();
    let mut fetched: FxHashSet<String> = front.ids.iter().cloned().collect();
    for h in heads.iter().filter(|h| h.req == "shelf") {
        fetched.extend(h.ids.iter().cloned());
        if let Some((_, w)) = walks.iter_mut().find(|(id, _)| *id == h.key) {
            replay(w, h);
        }
    }
    let total = walks.len() as u64;
    let finished =
        |walks: &[(String, Walk)]| walks.iter().filter(|(_, w)| w.next().is_none()).count();
    run.report(finished(&walks) as u64, total);
    for i in 0..walks.len() {
        let key = walks[i].0.clone();
        while let Some(at) = walks[i].1.next().map(|c| c.map(str::to_owned)) {
            run.check_cancel()?;
            match api::shelf_page(run.client, &key, at.as_deref(), locale).await {
                Ok(page) => {
                    run.page("shelf", &key, at.as_deref(), &page)?;
                    fetched.extend(page.ids());
                    walks[i].1.answered(&page.ids(), page.next.clone());
                    if let WalkState::Cut(_) = walks[i].1.state {
                        let state = walks[i].1.state.clone();
                        run.ended("shelf", &key, at.as_deref(), &state)?;
                    }
                }
                Err(e) if api::is_fatal(&e) => return Err(e.into()),
                Err(e) => {
                    walks[i].1.failed(&e);
                    let state = walks[i].1.state.clone();
                    run.ended("shelf", &key, at.as_deref(), &state)?;
                }
            }
            run.report(finished(&walks) as u64, total);
        }
    }
    // Lists ended on an earlier run are named too.
    for (key, w) in &walks {
        run.note_incomplete(key, &w.state);
    }
    run.summary.shelves = total;
    run.summary.fetched = fetched.len() as u64;
    Ok(())
}

/// An author's pages, or each search term's, to their end.
async fn lists(
    run: &mut Run<'_>,
    heads: &[FetchHead],
    req: &str,
    keys: &[String],
) -> Result<(), RefreshError> {
    let mut walks: Vec<Walk> = keys
        .iter()
        .map(|_| Walk::new(None, api::MAX_PAGES))
        .collect();
    let index: FxHashMap<&str, usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut fetched: FxHashSet<String> = FxHashSet::default();
    for h in heads.iter().filter(|h| h.req == req) {
        fetched.extend(h.ids.iter().cloned());
        if let Some(i) = index.get(h.key.as_str()) {
            replay(&mut walks[*i], h);
        }
    }
    let total = keys.len() as u64;
    let finished = |walks: &[Walk]| walks.iter().filter(|w| w.next().is_none()).count() as u64;
    run.report(finished(&walks), total);
    for (i, key) in keys.iter().enumerate() {
        while let Some(at) = walks[i].next().map(|c| c.map(str::to_owned)) {
            run.check_cancel()?;
            let got = match req {
                "author" => api::author_page(run.client, key, at.as_deref()).await,
                _ => api::search_page(run.client, key, at.as_deref()).await,
            };
            match got {
                Ok(page) => {
                    run.page(req, key, at.as_deref(), &page)?;
                    fetched.extend(page.ids());
                    walks[i].answered(&page.ids(), page.next.clone());
                }
                // One author asked for: their absence is the answer.
                Err(e) if api::is_fatal(&e) || keys.len() == 1 => return Err(e.into()),
                Err(e) => {
                    walks[i].failed(&e);
                    let state = walks[i].state.clone();
                    run.ended(req, key, at.as_deref(), &state)?;
                }
            }
            run.report(finished(&walks), total);
        }
    }
    run.summary.shelves = total;
    run.summary.fetched = fetched.len() as u64;
    Ok(())
}

/// Fetches every GPT of `ids` not yet answered, up to the client's concurrency at once (its
/// rate limit applies), each answer spooled the moment it arrives.
async fn details(
    run: &mut Run<'_>,
    heads: &[FetchHead],
    ids: &Arc<Vec<String>>,
    about: bool,
    carry: Option<CarryForward>,
) -> Result<(), RefreshError> {
    let mut done: FxHashSet<&str> = FxHashSet::default();
    for h in heads.iter().filter(|h| h.req == "gpt") {
        done.insert(h.key.as_str());
        match h.status.as_str() {
            "ok" => run.summary.fetched += 1,
            "unavailable" => run.summary.unavailable += 1,
            _ => run.summary.stale += 1,
        }
    }
    let todo: Vec<String> = ids
        .iter()
        .filter(|id| !done.contains(id.as_str()))
        .cloned()
        .collect();
    let total = ids.len() as u64;
    let mut answered = total - todo.len() as u64;
    run.report(answered, total);
    let window = run.client.config().concurrency.max(1) * 2;
    let mut first_error: Option<String> = None;
    let mut queue = todo.into_iter();
    let mut set = tokio::task::JoinSet::new();
    loop {
        while set.len() < window {
            if run.cancel.load(Ordering::Relaxed) {
                break;
            }
            let Some(id) = queue.next() else { break };
            let client = run.client.clone();
            set.spawn(async move {
                let r = if about {
                    api::about(&client, &id).await
                } else {
                    api::gpt(&client, &id).await
                };
                (id, r)
            });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let Ok((id, r)) = joined else { continue };
        let (status, error, data, at) = match r {
            Ok(g) => {
                run.summary.fetched += 1;
                ("ok", None, Some(g.raw), g.fetched_at)
            }
            Err(e) if api::is_fatal(&e) => {
                set.abort_all();
                return Err(e.into());
            }
            Err(e) => {
                // Gone, or failed: either way with the snapshot's record, when it has one.
                let status = if e.is_not_found() {
                    run.summary.unavailable += 1;
                    "unavailable"
                } else {
                    run.summary.stale += 1;
                    first_error.get_or_insert_with(|| e.to_string());
                    "stale"
                };
                let old = carry.as_ref().and_then(|c| c(&id)).map(String::into_bytes);
                (status, Some(e.to_string()), old, crate::time::now())
            }
        };
        let head = FetchHead {
            req: "gpt".to_owned(),
            key: id,
            at: Some(at),
            status: status.to_owned(),
            error,
            ..FetchHead::default()
        };
        run.spool.append(&head, data.as_deref())?;
        answered += 1;
        run.report(answered, total);
    }
    run.check_cancel()?;
    // Nothing answered at all: no snapshot of only carried-forward records.
    if run.summary.fetched == 0 && run.summary.unavailable == 0 && total > 0 {
        return Err(RefreshError::Live(LiveError::Unexpected {
            what: format!(
                "no GPT could be fetched ({})",
                first_error.unwrap_or_else(|| "every request failed".to_owned())
            ),
            first: String::new(),
        }));
    }
    Ok(())
}

/// Imports a finished spool as one snapshot and removes the work directory.
pub fn finish(
    db: &mut Db,
    work: &Path,
    plan: &Plan,
    base_url: &str,
    label: Option<String>,
    mut summary: Summary,
    rules: Option<std::sync::Arc<crate::signals::Rules>>,
) -> Result<(ImportReport, Summary), RefreshError> {
    let now = crate::time::now();
    let opts = ImportOptions {
        label: Some(label.unwrap_or_else(|| {
            format!(
                "{} refresh {}",
                plan.name(),
                crate::time::format_datetime(now)
            )
        })),
        source: Some(format!("live {base_url} ({} refresh)", plan.name())),
        taken_at: Some(now),
        locale: summary.locale.clone(),
        rules,
        ..ImportOptions::default()
    };
    let report = import(db, &[Input::Path(Spool::data(work))], &opts, &|_| {})?;
    let _ = std::fs::remove_dir_all(work);
    summary.snapshot = report.snapshot;
    summary.label = report.label.clone();
    summary.unavailable = report.unavailable;
    tracing::info!(
        snapshot = summary.snapshot,
        plan = plan.name(),
        fetched = summary.fetched,
        unavailable = summary.unavailable,
        stale = summary.stale,
        retries = summary.retries,
        incomplete = summary.incomplete.len(),
        "refresh written"
    );
    Ok((report, summary))
}
