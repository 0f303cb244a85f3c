//! The live fetches: one task per live pane on the explorer's runtime. Moving on cancels it, a
//! stale reply is dropped by generation (by the screen), and a short cache by what was asked
//! avoids fetching the same thing twice in a row.

use super::Service;
use crate::live::api;
use crate::live::{Client, LiveError, LiveEvent};
use crate::tui::msg::{LiveAnswer, LiveKind, LiveRequest, Msg, ScreenId};
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

impl Service for LiveWorker {
    type Request = LiveRequest;

    fn send(&mut self, req: LiveRequest) -> bool {
        self.start(req);
        true
    }

    /// Stops a pane's fetch (the pane closed, or asks again).
    fn cancel(&mut self, screen: ScreenId) {
        if let Some(t) = self.tasks.remove(&screen) {
            t.abort();
        }
        self.tasks.retain(|_, t| !t.is_finished());
    }

    fn pending(&self) -> usize {
        self.tasks.values().filter(|t| !t.is_finished()).count()
    }
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
    fn start(&mut self, req: LiveRequest) {
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
}
