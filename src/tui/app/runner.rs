//! The one place effects are carried out, for the terminal's event loop and the synchronous
//! test driver alike: each hands its own [`Outlets`] (threads and tasks, or workers answering
//! at once) and gets the same order of things done, the same reopening of a snapshot, the same
//! feeding back of replies that are already there.

use super::App;
use super::router::{Event, reopen, update};
use crate::store::query::SnapshotInfo;
use crate::tui::msg::{Effect, Job, LiveRequest, Msg, Request, ScreenId, SearchRequest};
use std::collections::VecDeque;

/// Where effects go.
pub trait Outlets {
    /// To the database worker; an error: it stopped.
    fn db(&mut self, request: Request) -> anyhow::Result<()>;
    /// To the searcher; an error: it stopped.
    fn search(&mut self, request: SearchRequest) -> anyhow::Result<()>;
    fn live(&mut self, request: LiveRequest);
    /// A screen closed: every service drops its work.
    fn closed(&mut self, screen: ScreenId);
    fn refresh(&mut self, job: Job);
    fn cancel_refresh(&mut self);
    fn copy(&mut self, text: String);
    /// Opens a URL in the browser, or says why not.
    fn open(&mut self, url: String) -> Result<(), String>;
    /// New workers on another snapshot; `Ok(false)`: they could not start (and said why in a
    /// reply); an error: the explorer cannot go on.
    fn reopen(&mut self, snapshot: &SnapshotInfo) -> anyhow::Result<bool>;
    /// Replies already there (the driver's workers answer at once; the loop's arrive later).
    fn replies(&mut self) -> Vec<Msg>;
}

/// Carries out `effects` in order, and whatever the replies they bring lead to; `true`: quit.
pub fn carry_out(
    app: &mut App,
    effects: Vec<Effect>,
    to: &mut impl Outlets,
) -> anyhow::Result<bool> {
    let mut queue: VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Quit => return Ok(true),
            Effect::Send(request) => to.db(request)?,
            Effect::Search(request) => to.search(request)?,
            Effect::Live(request) => to.live(request),
            Effect::Closed(screen) => to.closed(screen),
            Effect::Refresh(job) => to.refresh(job),
            Effect::CancelRefresh => to.cancel_refresh(),
            Effect::Copy(text) => to.copy(text),
            Effect::Open(url) => {
                if let Err(e) = to.open(url) {
                    app.status = Some(e);
                }
            }
            Effect::Reopen(snapshot) => {
                if to.reopen(&snapshot)? {
                    queue.extend(reopen(app, *snapshot));
                }
            }
            // The router carries these out before returning; none reach here.
            Effect::Ui(_) => {}
        }
        for m in to.replies() {
            queue.extend(update(app, Event::Msg(m)));
        }
    }
    Ok(false)
}
