//! Refresh from the explorer (`r`): a dialog to choose what to fetch and confirm, then the
//! refresh runs as a task (the same [`crate::live::refresh`] as the CLI), its progress in the
//! footer (done / total, rate, ETA), Esc or Ctrl-C cancelling it; when the new snapshot is
//! written, the explorer opens it.

use super::msg::Msg;
use crate::live::Client;
use crate::live::refresh::{self, Plan, Progress, Summary};
use crate::store::Db;
use crate::store::query::{self, SnapshotInfo};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// The refreshes the dialog offers, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Shelves,
    Details,
    Author,
    Crawl,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Shelves, Mode::Details, Mode::Author, Mode::Crawl];

    /// Its name, and what it does in a line.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Mode::Shelves => (
                "shelves",
                "the store front and every shelf to its end: a snapshot of the GPTs on the shelves",
            ),
            Mode::Details => (
                "details",
                "every GPT of the list on screen (its filters and search) fetched again",
            ),
            Mode::Author => (
                "author",
                "the GPTs of the author on screen (or of the selected GPT), paged; needs a token",
            ),
            Mode::Crawl => (
                "crawl",
                "the whole store: the front, these authors, those they reveal; needs a token",
            ),
        }
    }

    /// The next (or, `back`, the previous) mode, round the list.
    pub fn step(self, back: bool) -> Mode {
        let n = Mode::ALL.len();
        let at = Mode::ALL.iter().position(|m| *m == self).unwrap_or(0);
        Mode::ALL[if back { (at + n - 1) % n } else { (at + 1) % n }]
    }
}

/// What a refresh started from the explorer fetches.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Shelves,
    /// The GPTs (rowids) of a list of snapshot `snapshot`.
    DetailsOf {
        snapshot: i64,
        rowids: Arc<[u32]>,
    },
    /// One author's GPTs.
    Author(String),
    /// The store by snowball, seeded by the front and a snapshot's authors.
    Crawl {
        snapshot: i64,
    },
}

impl Job {
    pub fn name(&self) -> &'static str {
        match self {
            Job::Shelves => "shelves",
            Job::DetailsOf { .. } => "details",
            Job::Author(_) => "author",
            Job::Crawl { .. } => "crawl",
        }
    }
}

/// The plan of a job, and for details where old records come from: ids looked up in the
/// snapshot on a connection of the task's own.
fn plan_of(setup: &Setup, job: Job) -> Result<(Plan, Option<refresh::CarryForward>), String> {
    match job {
        Job::Shelves => Ok((Plan::shelves(), None)),
        Job::Author(user) => Ok((Plan::Author(user), None)),
        Job::Crawl { snapshot } => {
            let db = Db::open(&setup.db_path, setup.lock_timeout).map_err(|e| e.to_string())?;
            let authors = query::author_ids(&db, snapshot).map_err(|e| e.to_string())?;
            let plan = crate::live::refresh::CrawlPlan {
                front: true,
                authors,
                terms: crate::assets::common_words()
                    .into_iter()
                    .take(100)
                    .map(str::to_owned)
                    .collect(),
                locale: "global".to_owned(),
                ..Default::default()
            };
            Ok((Plan::Crawl(Arc::new(plan)), None))
        }
        Job::DetailsOf { snapshot, rowids } => {
            let db = Db::open(&setup.db_path, setup.lock_timeout).map_err(|e| e.to_string())?;
            let ids = query::ids_of(&db, snapshot, &rowids).map_err(|e| e.to_string())?;
            let db = std::sync::Mutex::new(db);
            let carry: refresh::CarryForward = Arc::new(move |id: &str| {
                let db = db.lock().ok()?;
                query::raw_source(&db, snapshot, id).ok().flatten()
            });
            Ok((
                Plan::Details {
                    from: snapshot,
                    ids: Arc::new(ids),
                    about: false,
                },
                Some(carry),
            ))
        }
    }
}

/// The choice dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub mode: Mode,
}

/// A refresh under way, as the footer shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub plan: &'static str,
    pub progress: Progress,
    pub cancelling: bool,
}

impl Running {
    /// `refreshing shelves 4/10 · 212 GPTs · 35/s · about 12 s left · Esc cancels`.
    pub fn line(&self) -> String {
        let p = &self.progress;
        let mut s = format!("refreshing {}", self.plan);
        if p.total > 0 {
            s.push_str(&format!(" {}/{}", p.done, p.total));
        }
        s.push_str(&format!(" · {} GPTs · {:.0}/s", p.gpts, p.rate()));
        if p.queued > 0 {
            s.push_str(&format!(" · {} lists queued", p.queued));
        }
        if let Some(left) = &p.budget_left {
            s.push_str(&format!(" · budget left {left}"));
        }
        if let Some(eta) = p.eta() {
            s.push_str(&format!(" · about {} s left", eta.as_secs()));
        }
        s.push_str(if self.cancelling {
            " · cancelling…"
        } else {
            " · Esc cancels"
        });
        s
    }
}

/// Everything a refresh task needs.
#[derive(Clone)]
pub struct Setup {
    pub db_path: PathBuf,
    pub lock_timeout: Duration,
    pub client: Client,
    pub rules: Arc<crate::signals::Rules>,
}

/// Runs a refresh to its new snapshot: fetch (continuing an unfinished one of the same plan),
/// import, and the new snapshot's facts; progress and the outcome go through `reply`.
pub async fn run(
    setup: Setup,
    job: Job,
    cancel: Arc<AtomicBool>,
    reply: Arc<dyn Fn(Msg) + Send + Sync>,
) {
    let planned = {
        let setup = setup.clone();
        tokio::task::spawn_blocking(move || plan_of(&setup, job))
            .await
            .unwrap_or_else(|e| Err(format!("the refresh stopped: {e}")))
    };
    let (plan, carry) = match planned {
        Ok(p) => p,
        Err(e) => return reply(Msg::RefreshDone(Err(e))),
    };
    let work = refresh::work_dir(&setup.db_path, &plan);
    // Shelves, author and crawl runs continue an unfinished run of the same plan; a details run
    // (of whatever list) starts over.
    let resume = matches!(
        plan,
        Plan::Shelves { .. } | Plan::Author(_) | Plan::Crawl(_)
    );
    let progress_reply = reply.clone();
    let progress = move |p: &Progress| progress_reply(Msg::RefreshProgress(p.clone()));
    let fetched = refresh::run(
        &setup.client,
        &plan,
        &work,
        resume,
        &progress,
        &cancel,
        carry,
    )
    .await;
    let outcome = match fetched {
        Err(e) => Err(e.to_string()),
        Ok((_, summary)) => {
            let base = setup.client.config().base_url.clone();
            tokio::task::spawn_blocking(move || finish(&setup, &work, &plan, &base, summary))
                .await
                .unwrap_or_else(|e| Err(format!("the refresh stopped: {e}")))
        }
    };
    reply(Msg::RefreshDone(
        outcome.map(|(s, snap)| (s, Box::new(snap))),
    ));
}

fn finish(
    setup: &Setup,
    work: &std::path::Path,
    plan: &Plan,
    base: &str,
    summary: Summary,
) -> Result<(Summary, SnapshotInfo), String> {
    let mut db = Db::open(&setup.db_path, setup.lock_timeout).map_err(|e| e.to_string())?;
    let (_, summary) = refresh::finish(
        &mut db,
        work,
        plan,
        base,
        None,
        summary,
        Some(setup.rules.clone()),
    )
    .map_err(|e| e.to_string())?;
    let snap = query::snapshot(&db, Some(summary.snapshot)).map_err(|e| e.to_string())?;
    Ok((summary, snap))
}
