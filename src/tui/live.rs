//! Live panes: a GPT as the store shows it now beside the snapshot's (`l`), an author's current
//! GPTs (`l` on an author page), the store front (`S`). The pane's state (loading, loaded at,
//! error) and what it shows live here; the fetching runs on the explorer's runtime as one task
//! per pane ([`LiveWorker`]): moving on cancels it, a stale reply is dropped by generation, and
//! a short cache by what was asked avoids fetching the same thing twice in a row.

use super::msg::{Msg, ScreenId};
use crate::live::api::{self, Found, LiveGpt};
use crate::live::compare::{Field, compare};
use crate::live::{Client, LiveError, LiveEvent};
use crate::store::GptRecord;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a live pane asks the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LiveKind {
    Gpt(String),
    Author(String),
    StoreFront,
}

/// A request for the live worker.
#[derive(Debug, Clone)]
pub struct LiveRequest {
    pub screen: ScreenId,
    pub generation: u64,
    pub kind: LiveKind,
}

/// What the store answered.
#[derive(Debug, Clone)]
pub enum LiveAnswer {
    Gpt(Box<LiveGpt>),
    List(Found),
}

impl LiveAnswer {
    /// The GPT ids it holds, in order.
    pub fn ids(&self) -> Vec<String> {
        match self {
            LiveAnswer::Gpt(g) => vec![g.record.id.clone()],
            LiveAnswer::List(f) => f.gpts.iter().map(|g| g.record.id.clone()).collect(),
        }
    }
}

/// Where a pane stands.
#[derive(Debug, Clone)]
pub enum LiveState {
    Loading,
    Loaded {
        answer: Arc<LiveAnswer>,
        /// Unix seconds of the fetch.
        at: i64,
    },
    Error(String),
}

pub struct LivePane {
    pub id: ScreenId,
    pub generation: u64,
    pub kind: LiveKind,
    pub state: LiveState,
    /// The snapshot's record of the GPT (a GPT pane), when known.
    pub snapshot: Option<Box<GptRecord>>,
    /// GPT ids of the snapshot among those shown (or the author's, for an author pane); none
    /// until the database worker answers.
    pub known: Option<FxHashSet<String>>,
    /// A retry under way ("rate limited, retrying in 2 s").
    pub note: Option<String>,
    pub scroll: u16,
}

impl LivePane {
    pub fn new(id: ScreenId, kind: LiveKind, snapshot: Option<Box<GptRecord>>) -> LivePane {
        LivePane {
            id,
            generation: 0,
            kind,
            state: LiveState::Loading,
            snapshot,
            known: None,
            note: None,
            scroll: 0,
        }
    }

    /// The request for the pane's data (a new generation).
    pub fn request(&mut self) -> LiveRequest {
        self.generation += 1;
        self.state = LiveState::Loading;
        self.note = None;
        LiveRequest {
            screen: self.id,
            generation: self.generation,
            kind: self.kind.clone(),
        }
    }

    pub fn title(&self) -> String {
        match &self.kind {
            LiveKind::Gpt(id) => format!("Live {id}"),
            LiveKind::Author(u) => format!("Live {u}"),
            LiveKind::StoreFront => "Live store front".to_owned(),
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.state, LiveState::Loading)
    }

    /// The watched fields, snapshot against now (a GPT pane that has loaded).
    pub fn changes(&self) -> Option<Vec<Field>> {
        match &self.state {
            LiveState::Loaded { answer, .. } => match answer.as_ref() {
                LiveAnswer::Gpt(g) => Some(compare(self.snapshot.as_deref(), &g.record)),
                LiveAnswer::List(_) => None,
            },
            _ => None,
        }
    }
}

/// How long an answer is reused for the same question.
pub const CACHE_FOR: Duration = Duration::from_secs(60);

type Cache = Arc<Mutex<FxHashMap<LiveKind, (Instant, Arc<LiveAnswer>)>>>;

/// Fetches for live panes: one task per pane on the current tokio runtime.
pub struct LiveWorker {
    client: Client,
    tasks: FxHashMap<ScreenId, tokio::task::JoinHandle<()>>,
    cache: Cache,
    reply: Arc<dyn Fn(Msg) + Send + Sync>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Asks the store.
pub async fn fetch(client: &Client, kind: &LiveKind) -> Result<LiveAnswer, LiveError> {
    Ok(match kind {
        LiveKind::Gpt(id) => LiveAnswer::Gpt(Box::new(api::gpt(client, id).await?)),
        LiveKind::Author(u) => LiveAnswer::List(api::author_gpts(client, u, |_| {}).await?),
        LiveKind::StoreFront => LiveAnswer::List(api::store_front(client, "global").await?),
    })
}

impl LiveWorker {
    /// A worker whose replies (and retry notes, tagged with the pane) go through `reply`.
    pub fn new(client: Client, reply: impl Fn(Msg) + Send + Sync + 'static) -> LiveWorker {
        LiveWorker {
            client,
            tasks: FxHashMap::default(),
            cache: Arc::new(Mutex::new(FxHashMap::default())),
            reply: Arc::new(reply),
        }
    }

    /// Starts a fetch (cancelling the pane's previous one); a fresh cached answer is sent at once.
    pub fn send(&mut self, req: LiveRequest) {
        self.cancel(req.screen);
        let cached = lock(&self.cache)
            .get(&req.kind)
            .filter(|(at, _)| at.elapsed() < CACHE_FOR)
            .map(|(_, a)| a.clone());
        if let Some(answer) = cached {
            (self.reply)(Msg::Live {
                screen: req.screen,
                generation: req.generation,
                result: Ok(answer),
                at: crate::time::now(),
            });
            return;
        }
        let reply = self.reply.clone();
        let notes = self.reply.clone();
        let screen = req.screen;
        let client = self.client.clone().with_events(move |e| {
            let LiveEvent::Retrying { why, .. } = e;
            notes(Msg::LiveNote { screen, note: why });
        });
        let cache = self.cache.clone();
        let task = tokio::spawn(async move {
            let result = fetch(&client, &req.kind).await.map(Arc::new);
            if let Ok(a) = &result {
                lock(&cache).insert(req.kind.clone(), (Instant::now(), a.clone()));
            }
            reply(Msg::Live {
                screen: req.screen,
                generation: req.generation,
                result: result.map_err(|e| e.to_string()),
                at: crate::time::now(),
            });
        });
        self.tasks.insert(req.screen, task);
    }

    /// Stops a pane's fetch (the pane closed).
    pub fn cancel(&mut self, screen: ScreenId) {
        if let Some(t) = self.tasks.remove(&screen) {
            t.abort();
        }
        self.tasks.retain(|_, t| !t.is_finished());
    }
}
