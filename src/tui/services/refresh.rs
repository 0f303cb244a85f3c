//! A refresh from the explorer (`r`, chosen in `popups::refresh`) runs as a task (the same
//! [`crate::live::refresh`] as the CLI), its progress in the footer (done / total, rate, ETA),
//! Esc or Ctrl-C cancelling it through a flag; when the new snapshot is written, the explorer
//! opens it.

use super::{Pending, Service};
use crate::live::Client;
use crate::live::refresh::{self, Plan, Progress, Summary};
use crate::store::Db;
use crate::store::query::{self, SnapshotInfo};
use crate::tui::msg::{Job, Msg, ScreenId};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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

/// The refresh service: at most one refresh at a time (the router refuses a second).
pub struct Refresher {
    setup: Setup,
    reply: Arc<dyn Fn(Msg) + Send + Sync>,
    cancel: Option<Arc<AtomicBool>>,
    pending: Pending,
}

impl Refresher {
    pub fn new(setup: Setup, reply: impl Fn(Msg) + Send + Sync + 'static) -> Refresher {
        Refresher {
            setup,
            reply: Arc::new(reply),
            cancel: None,
            pending: Pending::default(),
        }
    }
}

impl Service for Refresher {
    type Request = Job;

    fn send(&mut self, job: Job) -> bool {
        let cancel = Arc::new(AtomicBool::new(false));
        self.cancel = Some(cancel.clone());
        self.pending.add(1);
        let (reply, done) = (self.reply.clone(), self.pending.clone());
        tokio::spawn(run(
            self.setup.clone(),
            job,
            cancel,
            Arc::new(move |m: Msg| {
                if matches!(m, Msg::RefreshDone(_)) {
                    done.done(1);
                }
                reply(m)
            }),
        ));
        true
    }

    /// A refresh is the app's, not a screen's: any cancel stops it (its work is kept for a
    /// later resume).
    fn cancel(&mut self, _screen: ScreenId) {
        if let Some(c) = &self.cancel {
            c.store(true, Ordering::Relaxed);
        }
    }

    fn pending(&self) -> usize {
        self.pending.get()
    }
}
