//! A store-wide crawl, the way researchers built whole-store datasets (GPTracker, gpts-bridge):
//! start from seeds (the store front, a snapshot's authors, a file of authors), list every
//! author met (`/backend-api/gizmo_creators/{user}/gizmos`, paged), and every author those
//! lists and the search terms reveal, until nothing is left or a budget is spent. Each list is
//! asked once, each GPT counted once (the importer merges a GPT met on two lists).
//!
//! Lists are asked up to the client's concurrency at once, one page of a list at a time;
//! continuing lists already begun comes first, then authors and search terms in turn. The
//! state is never saved on its own: it is rebuilt from the spool's envelopes (each page's GPT
//! ids and authors), so a killed crawl resumes where its answers end.

use super::{RefreshError, Run, replay};
use crate::live::api::{self, Walk, WalkState};
use crate::store::parse::FetchHead;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Where a crawl starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    /// The store front's GPTs and their authors.
    Front,
    /// The authors of a snapshot.
    Snapshot(i64),
    /// Authors (user ids) from a file, one a line.
    Authors(std::path::PathBuf),
}

impl Seed {
    /// `front`, `snapshot:ID`, `authors:FILE`.
    pub fn parse(s: &str) -> Result<Seed, String> {
        match s.split_once(':') {
            None if s == "front" => Ok(Seed::Front),
            Some(("snapshot", id)) => id
                .trim()
                .parse()
                .map(Seed::Snapshot)
                .map_err(|_| format!("--seed {s}: snapshot:ID wants a snapshot number")),
            Some(("authors", file)) if !file.is_empty() => {
                Ok(Seed::Authors(std::path::PathBuf::from(file)))
            }
            _ => Err(format!(
                "--seed {s}: expected front, snapshot:ID or authors:FILE"
            )),
        }
    }
}

/// What a crawl asks and how much it may spend.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrawlPlan {
    /// Start with the store front.
    pub front: bool,
    /// Authors to list first (from a snapshot or a file), in order.
    pub authors: Vec<String>,
    /// Search terms, in order.
    pub terms: Vec<String>,
    pub locale: String,
    /// Stop once this many answers are in (this run and the runs it resumes).
    pub max_requests: Option<u64>,
    /// Stop once this many distinct GPTs are found.
    pub max_gpts: Option<u64>,
    /// Stop after running this long (this run).
    pub until: Option<Duration>,
}

impl CrawlPlan {
    /// What `--resume` checks: the seeds and terms (a budget may change between runs).
    pub(super) fn key(&self) -> String {
        format!(
            "crawl from {}{} authors and {} terms ({:016x})",
            if self.front { "the store front, " } else { "" },
            self.authors.len(),
            self.terms.len(),
            super::hash_lines(self.authors.iter().chain(self.terms.iter()))
        )
    }
}

/// What a crawl did, beside the refresh summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlSummary {
    pub authors_met: u64,
    pub authors_listed: u64,
    pub terms_searched: u64,
    /// Lists the store failed on (after retries), not counted as incomplete shelves.
    pub lists_failed: u64,
    /// Lists not yet asked or not finished when a budget stopped the crawl.
    pub lists_left: u64,
    /// Why it stopped before the end (`--max-requests 1000 spent`), when a budget did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<String>,
}

type ListKey = (&'static str, String);

struct State {
    walks: FxHashMap<ListKey, Walk>,
    met: FxHashSet<String>,
    authors: VecDeque<String>,
    terms: VecDeque<String>,
    gpts: FxHashSet<String>,
    summary: CrawlSummary,
    /// Which queue the next new list comes from.
    authors_turn: bool,
}

impl State {
    fn meet(&mut self, authors: &[String]) {
        for a in authors {
            if self.met.insert(a.clone()) {
                self.authors.push_back(a.clone());
            }
        }
    }

    fn req_of(req: &str) -> &'static str {
        if req == "author" { "author" } else { "search" }
    }

    /// The next list to begin, authors and terms in turn.
    fn next_new(&mut self) -> Option<ListKey> {
        for _ in 0..2 {
            let from_authors = self.authors_turn;
            self.authors_turn = !self.authors_turn;
            let next = if from_authors {
                self.authors.pop_front().map(|a| ("author", a))
            } else {
                self.terms.pop_front().map(|t| ("search", t))
            };
            if next.is_some() {
                return next;
            }
        }
        None
    }

    fn left(&self) -> u64 {
        let open = self.walks.values().filter(|w| w.next().is_some()).count();
        (self.authors.len() + self.terms.len() + open) as u64
    }
}

/// Rebuilds the crawl's state from the plan and the answers the spool holds.
fn rebuild(plan: &CrawlPlan, heads: &[FetchHead]) -> State {
    let mut s = State {
        walks: FxHashMap::default(),
        met: FxHashSet::default(),
        authors: VecDeque::new(),
        terms: VecDeque::new(),
        gpts: FxHashSet::default(),
        summary: CrawlSummary::default(),
        authors_turn: true,
    };
    s.meet(&plan.authors);
    for h in heads {
        s.gpts.extend(h.ids.iter().cloned());
        s.meet(&h.authors);
        if h.req == "author" || h.req == "search" {
            let key = (State::req_of(&h.req), h.key.clone());
            let walk = s
                .walks
                .entry(key)
                .or_insert_with(|| Walk::new(None, api::MAX_PAGES));
            replay(walk, h);
        }
    }
    s.authors
        .retain(|a| !s.walks.contains_key(&("author", a.clone())));
    s.terms = plan
        .terms
        .iter()
        .filter(|t| !s.walks.contains_key(&("search", (*t).clone())))
        .cloned()
        .collect();
    s
}

/// The crawl: seeds, then lists until none is left or the budget is spent.
pub(super) async fn run(
    run: &mut Run<'_>,
    heads: &[FetchHead],
    plan: &CrawlPlan,
) -> Result<(), RefreshError> {
    let mut s = rebuild(plan, heads);
    if plan.front && !heads.iter().any(|h| h.req == "front") {
        run.check_cancel()?;
        let page = api::front_page(run.client, &plan.locale).await?;
        run.page("front", &plan.locale, None, &page)?;
        s.gpts.extend(page.ids());
        s.meet(&page.authors());
    }
    let concurrency = run.client.config().concurrency.max(1);
    let mut in_flight: FxHashSet<ListKey> = FxHashSet::default();
    let mut set = tokio::task::JoinSet::new();
    loop {
        while set.len() < concurrency && !run.cancel.load(Ordering::Relaxed) {
            if s.summary.stopped_by.is_none() {
                s.summary.stopped_by = spent(run, plan, &s, set.len() as u64);
            }
            if s.summary.stopped_by.is_some() {
                break;
            }
            // Lists begun come first (one page of a list at a time), then new ones.
            let begun = s
                .walks
                .iter()
                .find(|(k, w)| w.next().is_some() && !in_flight.contains(*k))
                .map(|(k, _)| k.clone());
            let Some(key) = begun.or_else(|| s.next_new()) else {
                break;
            };
            let walk = s
                .walks
                .entry(key.clone())
                .or_insert_with(|| Walk::new(None, api::MAX_PAGES));
            let Some(cursor) = walk.next().map(|c| c.map(str::to_owned)) else {
                continue;
            };
            in_flight.insert(key.clone());
            let client = run.client.clone();
            set.spawn(async move {
                let page = match key.0 {
                    "author" => api::author_page(&client, &key.1, cursor.as_deref()).await,
                    _ => api::search_page(&client, &key.1, cursor.as_deref()).await,
                };
                (key, cursor, page)
            });
        }
        let Some(joined) = set.join_next().await else {
            break;
        };
        let Ok((key, cursor, page)) = joined else {
            continue;
        };
        in_flight.remove(&key);
        let Some(walk) = s.walks.get_mut(&key) else {
            continue;
        };
        match page {
            Ok(page) => {
                let ids = page.ids();
                walk.answered(&ids, page.next.clone());
                run.page(key.0, &key.1, cursor.as_deref(), &page)?;
                s.gpts.extend(ids);
                s.meet(&page.authors());
            }
            Err(e) if api::is_fatal(&e) => {
                set.abort_all();
                return Err(e.into());
            }
            Err(e) => {
                walk.failed(&e);
                let head = FetchHead {
                    req: key.0.to_owned(),
                    key: key.1.clone(),
                    cursor,
                    at: Some(crate::time::now()),
                    status: "failed".to_owned(),
                    error: Some(e.brief()),
                    ..FetchHead::default()
                };
                run.spool.append(&head, None)?;
            }
        }
        report(run, plan, &s);
    }
    run.check_cancel()?;
    for ((req, _), w) in &s.walks {
        match req {
            &"author" => s.summary.authors_listed += 1,
            _ => s.summary.terms_searched += 1,
        }
        if matches!(w.state, WalkState::Failed(_)) {
            s.summary.lists_failed += 1;
        }
    }
    s.summary.authors_met = s.met.len() as u64;
    s.summary.lists_left = s.left();
    run.summary.fetched = s.gpts.len() as u64;
    run.summary.shelves = s.walks.len() as u64;
    run.summary.crawl = Some(s.summary);
    Ok(())
}

/// The budget that is spent, if one is (`in_flight` requests count against the requests).
fn spent(run: &Run<'_>, plan: &CrawlPlan, s: &State, in_flight: u64) -> Option<String> {
    if let Some(n) = plan.max_requests
        && run.spool.meta.answers + in_flight >= n
    {
        return Some(format!("--max-requests {n} spent"));
    }
    if let Some(n) = plan.max_gpts
        && s.gpts.len() as u64 >= n
    {
        return Some(format!("--max-gpts {n} reached"));
    }
    if let Some(d) = plan.until
        && run.started.elapsed() >= d
    {
        return Some(format!("--until {} s passed", d.as_secs()));
    }
    None
}

fn report(run: &Run<'_>, plan: &CrawlPlan, s: &State) {
    let lists = s.walks.len() as u64 + s.authors.len() as u64 + s.terms.len() as u64;
    let done = s.walks.values().filter(|w| w.next().is_none()).count() as u64;
    let answers = run.spool.meta.answers;
    let mut left = Vec::new();
    if let Some(n) = plan.max_requests {
        left.push(format!("{} requests", n.saturating_sub(answers)));
    }
    if let Some(n) = plan.max_gpts {
        left.push(format!("{} GPTs", n.saturating_sub(s.gpts.len() as u64)));
    }
    if let Some(d) = plan.until {
        left.push(format!(
            "{} s",
            d.saturating_sub(run.started.elapsed()).as_secs()
        ));
    }
    (run.progress)(&super::Progress {
        done,
        total: lists,
        gpts: s.gpts.len() as u64,
        elapsed: run.started.elapsed(),
        requests: answers,
        queued: s.left(),
        budget_left: (!left.is_empty()).then(|| left.join(", ")),
    });
}
