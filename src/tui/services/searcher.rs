//! The search worker: holds the name indexes ([`crate::search::NameIndex`]), answers each query
//! with ranked ids, and never holds up typing. The GPT index loads on a thread of its own at
//! start; until it is there, queries get a SQL substring match (and say so). A newer query
//! makes the one in progress give up (`latest`), and a query that extends the previous one only
//! searches the previous matches.

use super::{Pending, Service};
use crate::search::{Hit, NameIndex, Query, search};
use crate::store::Db;
use crate::store::query::SnapshotInfo;
use crate::store::schema::gpt_table;
use crate::tui::msg::{Msg, ScreenId, SearchRequest, Target};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Rows a substring match returns while the index loads.
const FALLBACK_LIMIT: usize = 10_000;

/// The search state: indexes and the last result per target, for narrowing.
pub struct SearchState {
    db: Db,
    snapshot: SnapshotInfo,
    gpts: Arc<OnceLock<NameIndex>>,
    authors: Option<NameIndex>,
    last: Option<(Target, Query, Vec<u32>)>,
    threads: usize,
}

impl SearchState {
    pub fn new(db: Db, snapshot: SnapshotInfo) -> SearchState {
        SearchState {
            db,
            snapshot,
            gpts: Arc::new(OnceLock::new()),
            authors: None,
            last: None,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }

    /// Loads the GPT index now (tests, benchmarks, the CLI).
    pub fn load_now(&mut self) -> crate::store::db::Result<()> {
        if self.gpts.get().is_none() {
            let index = NameIndex::load_gpts(&self.db, self.snapshot.id)?;
            let _ = self.gpts.set(index);
        }
        Ok(())
    }

    pub fn ready(&self) -> bool {
        self.gpts.get().is_some()
    }

    /// Answers one query; `None` when a newer one made it give up.
    pub fn handle(
        &mut self,
        req: &SearchRequest,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Option<Msg> {
        let started = Instant::now();
        let query = Query::parse(&req.query);
        let reply = |ids: Vec<u32>, fallback: bool| Msg::SearchResults {
            screen: req.screen,
            generation: req.generation,
            query: req.query.clone(),
            ids: ids.into(),
            fallback,
            took: started.elapsed(),
        };
        if req.target == Target::Authors && self.authors.is_none() {
            match NameIndex::load_authors(&self.db, self.snapshot.id) {
                Ok(ix) => self.authors = Some(ix),
                Err(e) => {
                    return Some(Msg::Failed {
                        screen: Some(req.screen),
                        message: e.to_string(),
                    });
                }
            }
        }
        let index = match req.target {
            Target::Gpts => match self.gpts.get() {
                Some(ix) => ix,
                None => {
                    return Some(match self.substring(&query) {
                        Ok(ids) => reply(ids, true),
                        Err(e) => Msg::Failed {
                            screen: Some(req.screen),
                            message: e.to_string(),
                        },
                    });
                }
            },
            Target::Authors => self.authors.as_ref()?,
        };
        let within = match &self.last {
            Some((t, prev, hits)) if *t == req.target && query.narrows(prev) => {
                Some(hits.as_slice())
            }
            _ => None,
        };
        let hits: Vec<Hit> = search(index, &query, within, self.threads, cancelled)?;
        let positions: Vec<u32> = hits.iter().map(|h| h.pos).collect();
        let ids: Vec<u32> = hits.iter().map(|h| index.id(h.pos)).collect();
        self.last = (!query.is_empty()).then_some((req.target, query, positions));
        Some(reply(ids, false))
    }

    /// A plain substring match of names, most conversations first, while the index loads.
    fn substring(&self, query: &Query) -> crate::store::db::Result<Vec<u32>> {
        let pattern = format!(
            "%{}%",
            query
                .text
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut st = self
            .db
            .conn()
            .prepare(&format!(
                "SELECT rowid FROM {} WHERE available = 1 AND name LIKE ?1 ESCAPE '\\'
                 ORDER BY conv DESC LIMIT {FALLBACK_LIMIT}",
                gpt_table(self.snapshot.id)
            ))
            .map_err(|e| self.db.err(e))?;
        let ids = st
            .query_map([pattern], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<u32>>>())
            .map_err(|e| self.db.err(e))?;
        Ok(ids)
    }
}

/// The UI's handle on the search thread.
pub struct Searcher {
    tx: Sender<Option<SearchRequest>>,
    latest: Arc<AtomicU64>,
    pending: Pending,
}

impl Drop for Searcher {
    fn drop(&mut self) {
        let _ = self.tx.send(None);
    }
}

impl Searcher {
    pub fn spawn(
        path: PathBuf,
        lock_timeout: Duration,
        snapshot: SnapshotInfo,
        reply: impl Fn(Msg) + Send + Clone + 'static,
    ) -> std::io::Result<Searcher> {
        let (tx, rx) = channel();
        let latest = Arc::new(AtomicU64::new(0));
        let watch = latest.clone();
        let pending = Pending::default();
        let done = pending.clone();
        std::thread::Builder::new()
            .name("gptscope-search".into())
            .spawn(move || match Db::open(&path, lock_timeout) {
                Ok(db) => {
                    // Its queries are whole-table scans (the substring fallback): a page cache
                    // would only hold memory.
                    let _ = db.conn().pragma_update(None, "cache_size", -2048);
                    let state = SearchState::new(db, snapshot.clone());
                    // The index loads beside: queries meanwhile get substring matches.
                    let slot = state.gpts.clone();
                    let notify = reply.clone();
                    let loader = std::thread::Builder::new()
                        .name("gptscope-search-index".into())
                        .spawn(move || {
                            // One sequential scan: a small page cache is enough.
                            let opened = Db::open(&path, lock_timeout).inspect(|db| {
                                let _ = db.conn().pragma_update(None, "cache_size", -2048);
                            });
                            match opened {
                                Ok(db) => match NameIndex::load_gpts(&db, snapshot.id) {
                                    Ok(ix) => {
                                        let _ = slot.set(ix);
                                        notify(Msg::SearchReady);
                                    }
                                    Err(e) => notify(Msg::Failed {
                                        screen: None,
                                        message: format!("loading the search index: {e}"),
                                    }),
                                },
                                Err(e) => notify(Msg::Failed {
                                    screen: None,
                                    message: e.to_string(),
                                }),
                            }
                        });
                    drop(loader);
                    run(state, &rx, &watch, &done, &reply);
                }
                Err(e) => reply(Msg::Failed {
                    screen: None,
                    message: e.to_string(),
                }),
            })?;
        Ok(Searcher {
            tx,
            latest,
            pending,
        })
    }
}

impl Service for Searcher {
    type Request = SearchRequest;

    /// A newer query makes the one in progress give up.
    fn send(&mut self, req: SearchRequest) -> bool {
        self.latest.store(req.generation, Ordering::SeqCst);
        self.pending.add(1);
        self.tx.send(Some(req)).is_ok()
    }

    /// Queries are cancelled by newer ones; a closed screen's last query is answered for
    /// nobody (the router drops it), so there is nothing to stop.
    fn cancel(&mut self, _screen: ScreenId) {}

    fn pending(&self) -> usize {
        self.pending.get()
    }
}

fn run(
    mut state: SearchState,
    rx: &Receiver<Option<SearchRequest>>,
    latest: &AtomicU64,
    pending: &Pending,
    reply: &dyn Fn(Msg),
) {
    while let Ok(Some(first)) = rx.recv() {
        // Only the newest query matters.
        let mut req = first;
        let mut received = 1;
        for next in rx.try_iter() {
            match next {
                Some(r) => {
                    req = r;
                    received += 1;
                }
                None => return,
            }
        }
        let generation = req.generation;
        let cancelled = || latest.load(Ordering::SeqCst) != generation;
        if let Some(msg) = state.handle(&req, &cancelled) {
            reply(msg);
        }
        pending.done(received);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_matches_until_the_index_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        let snapshot = crate::store::query::snapshot(&db, None).unwrap();
        let mut state = SearchState::new(db, snapshot);
        let req = |generation, query: &str| SearchRequest {
            screen: 1,
            generation,
            target: Target::Gpts,
            query: query.into(),
        };
        // No index yet: a substring match, flagged as such, biggest first.
        let Some(Msg::SearchResults { ids, fallback, .. }) =
            state.handle(&req(1, "Scholar"), &|| false)
        else {
            panic!()
        };
        assert!(fallback);
        assert!(!ids.is_empty());
        // "scholr" is not a substring of anything.
        let Some(Msg::SearchResults { ids, .. }) = state.handle(&req(2, "scholr"), &|| false)
        else {
            panic!()
        };
        assert!(ids.is_empty());
        state.load_now().unwrap();
        assert!(state.ready());
        let Some(Msg::SearchResults { ids, fallback, .. }) =
            state.handle(&req(3, "scholr"), &|| false)
        else {
            panic!()
        };
        assert!(!fallback);
        assert!(!ids.is_empty(), "fuzzy once the index is loaded");
        // A newer query arriving makes the search give up.
        assert!(state.handle(&req(4, "sch"), &|| true).is_none());
    }
}
