//! The explorer's background work, each behind one handle shape ([`Service`]): a request goes out
//! tagged with the screen (and generation) that asked, a screen that closes has its work
//! cancelled, and `pending` says how much is still unanswered. Replies come back as
//! [`Msg`](crate::tui::msg::Msg)s through a callback; staleness is the router's to check.
//!
//! - `db`: a thread on its own connection with the snapshot's columns (lists, rows, details,
//!   authors, charts, diffs, export, snapshots);
//! - `searcher`: a thread with the name indexes; a newer query makes the running one give up;
//! - `live`: one tokio task per live pane, with a short answer cache;
//! - `refresh`: the refresh task (the CLI's refresh), cancelled through a flag;
//! - `exits`: the clipboard and the browser (no handle: fire and forget).

pub mod db;
pub mod exits;
pub mod live;
pub mod refresh;
pub mod searcher;

use crate::tui::msg::ScreenId;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The one shape of a background service's handle.
pub trait Service {
    type Request;
    /// Sends a request; `false`: the service has stopped.
    fn send(&mut self, request: Self::Request) -> bool;
    /// Drops the work of a screen that closed (queued requests skipped, a running task
    /// stopped).
    fn cancel(&mut self, screen: ScreenId);
    /// Requests sent and not answered (nor dropped) yet.
    fn pending(&self) -> usize;
}

/// A count of requests in flight, shared by a handle and its thread or tasks.
#[derive(Debug, Clone, Default)]
pub struct Pending(Arc<AtomicUsize>);

impl Pending {
    pub fn add(&self, n: usize) {
        self.0.fetch_add(n, Ordering::SeqCst);
    }

    pub fn done(&self, n: usize) {
        // Never below zero, whatever the order of the updates.
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| {
                Some(v.saturating_sub(n))
            });
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
