//! Refresh on demand: fetch the live store into a new snapshot.
//!
//! Answers are appended, as fetched, to a spool (JSON Lines in a work directory beside the
//! database) and a checkpoint records after every page what is done; only when everything is
//! fetched is the spool imported, by the ordinary importer, as one snapshot in one transaction.
//! So a refresh killed or cancelled leaves no visible snapshot, `--resume` continues from the
//! checkpoint without refetching what the spool holds, and a refresh is read by exactly the
//! code that reads the same answers saved to files.

use super::api::{self, Found};
use super::client::{Client, LiveError};
use crate::store::Db;
use crate::store::import::{ImportOptions, ImportReport, Input, import};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What a refresh fetches.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// The store front and every shelf paged to its end.
    Shelves,
    /// These GPTs of snapshot `from`, each fetched again.
    Details { from: i64, ids: Arc<Vec<String>> },
    /// An author's GPTs (needs a token).
    Author(String),
    /// Search results for each term, paged to their end (needs a token).
    Search(Arc<Vec<String>>),
}

impl Plan {
    pub fn name(&self) -> &'static str {
        match self {
            Plan::Shelves => "shelves",
            Plan::Details { .. } => "details",
            Plan::Author(_) => "author",
            Plan::Search(_) => "search",
        }
    }

    /// What `--resume` checks it continues the same refresh.
    fn key(&self) -> String {
        match self {
            Plan::Shelves => "shelves".to_owned(),
            Plan::Author(user) => format!("author {user}"),
            Plan::Search(terms) => format!("search of {}", terms.join(", ")),
            Plan::Details { from, ids } => {
                let mut h = xxhash_rust::xxh3::Xxh3::new();
                for id in ids.iter() {
                    h.update(id.as_bytes());
                    h.update(b"\n");
                }
                format!(
                    "details of {} GPTs of snapshot #{from} ({:016x})",
                    ids.len(),
                    h.digest()
                )
            }
        }
    }
}

/// A GPT's record as a snapshot has it (the raw source text), for carrying forward a GPT
/// whose fetch failed.
pub type CarryForward = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Errors that are the same for every request (no token, a bot wall, no network): a details
/// refresh stops at once on them instead of marking every GPT stale.
fn is_fatal(e: &LiveError) -> bool {
    matches!(
        e,
        LiveError::Unauthorized | LiveError::Forbidden | LiveError::Unreachable { .. }
    )
}

/// One spool line: the fetch envelope around `data` (JSON on one line: the raw texts' line
/// breaks are whitespace between tokens, so they become spaces).
fn envelope(id: &str, at: i64, status: &str, error: Option<&str>, data: Option<&[u8]>) -> String {
    let head = serde_json::json!({"id": id, "at": at, "status": status, "error": error});
    match data {
        Some(d) => {
            let d: String = String::from_utf8_lossy(d)
                .chars()
                .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                .collect();
            format!("{{\"gptscope_fetch\":{head},\"data\":{d}}}")
        }
        None => format!("{{\"gptscope_fetch\":{head}}}"),
    }
}

/// Where a refresh stands, for a progress bar or gauge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Units done and in all (shelves for a shelves refresh); `total` 0 while unknown.
    pub done: u64,
    pub total: u64,
    pub gpts: u64,
    pub elapsed: Duration,
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

/// What a refresh did.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub snapshot: i64,
    pub label: String,
    pub fetched: u64,
    pub unavailable: u64,
    pub stale: u64,
    pub requests: u64,
    pub retries: u64,
    /// Pages already in the spool from an earlier run (`--resume`).
    pub resumed_pages: u64,
    /// Lists paged through: shelves, or search terms.
    pub shelves: u64,
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

/// A shelf's state in the checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Step {
    /// The next page starts at this cursor.
    Next(String),
    Done,
}

/// The checkpoint: what the spool holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Checkpoint {
    plan: String,
    base_url: String,
    started_at: i64,
    /// Bytes of the spool that are complete; anything after is from a killed write.
    bytes: u64,
    pages: u64,
    gpts: u64,
    store_front: bool,
    /// Shelf ids in store-front order, with where each stands.
    shelves: Vec<(String, Step)>,
    /// Details: GPTs done (a prefix of the id list), and how they ended.
    next: usize,
    total: usize,
    unavailable: u64,
    stale: u64,
}

/// The spool and its checkpoint in a work directory.
struct Spool {
    dir: PathBuf,
    file: std::fs::File,
    state: Checkpoint,
}

impl Spool {
    fn data(dir: &Path) -> PathBuf {
        dir.join("answers.jsonl")
    }

    fn checkpoint(dir: &Path) -> PathBuf {
        dir.join("checkpoint.json")
    }

    fn err(dir: &Path, e: impl std::fmt::Display) -> RefreshError {
        RefreshError::Spool {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        }
    }

    /// Opens the work directory: continuing its checkpoint when `resume`, else starting over.
    fn open(dir: &Path, plan: &Plan, base_url: &str, resume: bool) -> Result<Spool, RefreshError> {
        let mut state = None;
        if resume {
            match std::fs::read(Self::checkpoint(dir)) {
                Ok(bytes) => {
                    let c: Checkpoint = serde_json::from_slice(&bytes)
                        .map_err(|e| Self::err(dir, format!("unreadable checkpoint: {e}")))?;
                    if c.plan != plan.key() || c.base_url != base_url {
                        return Err(Self::err(
                            dir,
                            format!(
                                "the unfinished refresh there is of {} from {}: run it with the \
                                 same arguments, or without --resume to start over",
                                c.plan, c.base_url
                            ),
                        ));
                    }
                    state = Some(c);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Self::err(dir, e)),
            }
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
        std::fs::create_dir_all(dir).map_err(|e| Self::err(dir, e))?;
        let state = state.unwrap_or_else(|| Checkpoint {
            plan: plan.key(),
            base_url: base_url.to_owned(),
            started_at: crate::time::now(),
            ..Checkpoint::default()
        });
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(Self::data(dir))
            .map_err(|e| Self::err(dir, e))?;
        // Drop what a killed run wrote after its last checkpoint.
        file.set_len(state.bytes).map_err(|e| Self::err(dir, e))?;
        let mut spool = Spool {
            dir: dir.to_path_buf(),
            file,
            state,
        };
        use std::io::Seek;
        spool
            .file
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| Self::err(dir, e))?;
        Ok(spool)
    }

    /// Appends answers (one JSON text a line) and checkpoints.
    fn append(&mut self, lines: &[String], gpts: u64) -> Result<(), RefreshError> {
        let mut buf = Vec::new();
        for l in lines {
            buf.extend_from_slice(l.as_bytes());
            buf.push(b'\n');
        }
        self.file
            .write_all(&buf)
            .and_then(|_| self.file.sync_data())
            .map_err(|e| Self::err(&self.dir, e))?;
        self.state.bytes += buf.len() as u64;
        self.state.pages += 1;
        self.state.gpts += gpts;
        self.save()
    }

    fn save(&self) -> Result<(), RefreshError> {
        let tmp = self.dir.join("checkpoint.json.tmp");
        let text = serde_json::to_vec(&self.state).map_err(|e| Self::err(&self.dir, e))?;
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, Self::checkpoint(&self.dir)))
            .map_err(|e| Self::err(&self.dir, e))
    }
}

/// A refresh stopped before its snapshot was made (cancelled, killed, or failed): its work
/// directory holds what was fetched, and running it again with `--resume` (or `r` in the
/// explorer, for shelves and authors) continues it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unfinished {
    /// `shelves`, `details`, `author` or `search`.
    pub kind: &'static str,
    /// What it fetches, as `--resume` checks it.
    pub plan: String,
    pub base_url: String,
    pub started_at: String,
    pub pages: u64,
    pub gpts: u64,
    pub dir: PathBuf,
    /// The command that continues it.
    pub resume: String,
}

/// The unfinished refreshes of the database at `db` (unreadable checkpoints are skipped: the
/// refresh that owns them says what is wrong when resumed).
pub fn unfinished(db: &Path) -> Vec<Unfinished> {
    ["shelves", "details", "author", "search"]
        .into_iter()
        .filter_map(|kind| {
            let dir = dir_of(db, kind);
            let bytes = std::fs::read(Spool::checkpoint(&dir)).ok()?;
            let c: Checkpoint = serde_json::from_slice(&bytes).ok()?;
            Some(Unfinished {
                kind,
                plan: c.plan,
                base_url: c.base_url,
                started_at: crate::time::format_datetime(c.started_at),
                pages: c.pages,
                gpts: c.gpts,
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

/// A shelf page as a line of the spool: the cursor set to where the page ends, so the importer
/// places its GPTs at the positions we asked for (the store's last page has a null cursor).
fn page_line(body_items: &Found, shelf: &crate::store::parse::ShelfInfo, start: usize) -> String {
    let items: Vec<serde_json::Value> = body_items
        .gpts
        .iter()
        .map(|g| {
            serde_json::from_slice::<serde_json::Value>(&g.raw)
                .map(|r| serde_json::json!({"resource": r}))
                .unwrap_or_default()
        })
        .collect();
    let end = start + items.len();
    serde_json::json!({
        "info": {
            "id": shelf.id,
            "title": shelf.title,
            "description": shelf.description,
            "display_type": shelf.display_type,
            "display_group": shelf.display_group,
        },
        "list": {"items": items, "cursor": end.to_string()},
    })
    .to_string()
}

/// A list page (an author's GPTs, search results) as a line of the spool: its GPTs as the
/// importer reads a list.
fn list_line(page: &Found) -> String {
    let items: Vec<serde_json::Value> = page
        .gpts
        .iter()
        .filter_map(|g| serde_json::from_slice::<serde_json::Value>(&g.raw).ok())
        .collect();
    serde_json::json!({"items": items}).to_string()
}

/// Runs a refresh: fetches into the spool (continuing it with `resume`), then imports it as a
/// new snapshot. `progress` hears after every page; `cancel` stops between pages; `carry`
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
    let mut spool = Spool::open(work, plan, &client.config().base_url, resume)?;
    let resumed_pages = spool.state.pages;
    let started = Instant::now();
    let report = |s: &Spool| {
        let (done, total) = match plan {
            Plan::Details { .. } => (s.state.next as u64, s.state.total as u64),
            // Lists paged to their end: shelves, an author's pages, search terms.
            Plan::Shelves | Plan::Author(_) | Plan::Search(_) => (
                s.state
                    .shelves
                    .iter()
                    .filter(|(_, st)| *st == Step::Done)
                    .count() as u64,
                s.state.shelves.len() as u64,
            ),
        };
        progress(&Progress {
            done,
            total,
            gpts: s.state.gpts,
            elapsed: started.elapsed(),
        });
    };
    match plan {
        Plan::Details { .. } => {}
        _ => {
            if !spool.state.store_front {
                // The lists to page through: every shelf, the author, each search term.
                let lists: Vec<String> = match plan {
                    Plan::Shelves => api::store_front(client)
                        .await?
                        .shelves
                        .iter()
                        .map(|s| s.id.clone())
                        .collect(),
                    Plan::Author(user) => vec![user.clone()],
                    Plan::Search(terms) => terms.to_vec(),
                    Plan::Details { .. } => Vec::new(),
                };
                spool.state.shelves = lists
                    .into_iter()
                    .map(|l| (l, Step::Next(String::new())))
                    .collect();
                spool.state.store_front = true;
                spool.save()?;
            }
            report(&spool);
            for i in 0..spool.state.shelves.len() {
                let (key, step) = spool.state.shelves[i].clone();
                let Step::Next(mut cursor) = step else {
                    continue;
                };
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return Err(RefreshError::Cancelled);
                    }
                    let at = (!cursor.is_empty()).then_some(cursor.as_str());
                    let (page, next) = match plan {
                        Plan::Shelves => api::shelf_page(client, &key, at.unwrap_or("0")).await?,
                        Plan::Author(_) => api::author_page(client, &key, at).await?,
                        _ => api::search_page(client, &key, at).await?,
                    };
                    let line = match (plan, page.shelves.first()) {
                        (Plan::Shelves, Some(info)) => {
                            Some(page_line(&page, info, cursor.parse().unwrap_or(0)))
                        }
                        // A shelf answer without its shelf: the shelf is over.
                        (Plan::Shelves, None) => None,
                        _ => Some(list_line(&page)),
                    };
                    let more = next.filter(|_| !page.gpts.is_empty() && line.is_some());
                    spool.state.shelves[i].1 = match &more {
                        Some(n) => Step::Next(n.clone()),
                        None => Step::Done,
                    };
                    match line {
                        Some(l) => spool.append(&[l], page.gpts.len() as u64)?,
                        None => spool.save()?,
                    }
                    report(&spool);
                    match more {
                        Some(n) => cursor = n,
                        None => break,
                    }
                }
            }
        }
    }
    if let Plan::Details { ids, .. } = plan {
        details(client, ids, &mut spool, &report, cancel, carry).await?;
    }
    let counters = &client.counters;
    let summary = Summary {
        snapshot: 0,
        label: String::new(),
        fetched: spool.state.gpts,
        unavailable: spool.state.unavailable,
        stale: spool.state.stale,
        requests: counters.requests.load(Ordering::Relaxed),
        retries: counters.retries.load(Ordering::Relaxed),
        resumed_pages,
        shelves: spool.state.shelves.len() as u64,
    };
    Ok((Spool::data(work), summary))
}

/// GPTs fetched at once by a details refresh between checkpoints.
const DETAILS_CHUNK: usize = 256;

/// Fetches every GPT of `ids` from the checkpoint's place on, a chunk at a time (the client's
/// concurrency cap and rate limit apply), checkpointing after each chunk.
async fn details(
    client: &Client,
    ids: &Arc<Vec<String>>,
    spool: &mut Spool,
    report: &(dyn Fn(&Spool) + Send + Sync),
    cancel: &AtomicBool,
    carry: Option<CarryForward>,
) -> Result<(), RefreshError> {
    spool.state.total = ids.len();
    let mut first_error: Option<String> = None;
    while spool.state.next < ids.len() {
        if cancel.load(Ordering::Relaxed) {
            return Err(RefreshError::Cancelled);
        }
        let chunk = &ids[spool.state.next..(spool.state.next + DETAILS_CHUNK).min(ids.len())];
        let mut set = tokio::task::JoinSet::new();
        for (i, id) in chunk.iter().enumerate() {
            let (client, id) = (client.clone(), id.clone());
            set.spawn(async move { (i, api::gpt(&client, &id).await) });
        }
        let mut results: Vec<Option<Result<api::LiveGpt, LiveError>>> =
            (0..chunk.len()).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, r)) = joined {
                if let Err(e) = &r
                    && is_fatal(e)
                {
                    set.abort_all();
                    return Err(e.clone().into());
                }
                results[i] = Some(r);
            }
        }
        let now = crate::time::now();
        let mut lines = Vec::with_capacity(chunk.len());
        let (mut ok, mut gone, mut stale) = (0u64, 0u64, 0u64);
        for (id, r) in chunk.iter().zip(results) {
            let r = r.unwrap_or(Err(LiveError::Cancelled));
            lines.push(match r {
                Ok(g) => {
                    ok += 1;
                    envelope(id, g.fetched_at, "ok", None, Some(&g.raw))
                }
                Err(e) => {
                    // Gone, or failed: either way with the snapshot's record, when it has one.
                    let status = if e.is_not_found() {
                        gone += 1;
                        "unavailable"
                    } else {
                        stale += 1;
                        first_error.get_or_insert_with(|| e.to_string());
                        "stale"
                    };
                    let old = carry.as_ref().and_then(|c| c(id));
                    let old = old.as_deref().map(str::as_bytes);
                    envelope(id, now, status, Some(&e.to_string()), old)
                }
            });
        }
        spool.state.next += chunk.len();
        spool.state.unavailable += gone;
        spool.state.stale += stale;
        spool.append(&lines, ok)?;
        report(spool);
    }
    // Nothing answered at all: no snapshot of only carried-forward records.
    if spool.state.gpts == 0 && spool.state.unavailable == 0 && spool.state.total > 0 {
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
        "refresh written"
    );
    Ok((report, summary))
}
