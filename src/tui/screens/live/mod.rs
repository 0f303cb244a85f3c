//! Live panes: a GPT as the store shows it now beside the snapshot's (`l`), an author's current
//! GPTs (`l` on an author page), the store front (`S`). The pane's state (loading, loaded at,
//! error) and what it shows live here; the fetching is `services::live` (one task per pane,
//! cancelled when the pane closes); a stale reply is dropped by generation.

pub mod view;

use crate::live::compare::{Field, compare};
use crate::store::GptRecord;
use crate::tui::keys::{Action, Context};
use crate::tui::kit::cursor::scroll;
use crate::tui::kit::load::Load;
use crate::tui::kit::viewport::Viewport;
use crate::tui::msg::{Ctx, Effect, LiveAnswer, LiveKind, LiveRequest, Msg, Request, ScreenId};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use rustc_hash::FxHashSet;
use std::sync::Arc;

use super::{Component, Paint};

/// What the store answered, and when (Unix seconds).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub answer: Arc<LiveAnswer>,
    pub at: i64,
}

/// Where a pane stands: loading, loaded (with when), or why not.
pub type LiveState = Load<Fetched>;

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
    /// Where the pane was last drawn.
    pub viewport: Viewport,
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
            viewport: Viewport::default(),
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

    /// The pane (screen `id`) and its requests: the store's answer, and the snapshot's record
    /// of a GPT when the opener did not have it.
    pub fn open(
        id: ScreenId,
        kind: LiveKind,
        record: Option<Box<GptRecord>>,
    ) -> (LivePane, Vec<Effect>) {
        let mut pane = LivePane::new(id, kind, record);
        let mut fx = vec![Effect::Live(pane.request())];
        if let (LiveKind::Gpt(gpt), None) = (&pane.kind, &pane.snapshot) {
            fx.push(Effect::Send(Request::Detail {
                screen: id,
                generation: pane.generation,
                id: gpt.clone(),
            }));
        }
        (pane, fx)
    }

    pub fn name(&self) -> String {
        match &self.kind {
            LiveKind::Gpt(id) => format!("Live {id}"),
            LiveKind::Author(u) => format!("Live {u}"),
            LiveKind::StoreFront => "Live store front".to_owned(),
        }
    }

    pub fn is_loading(&self) -> bool {
        self.state.is_loading()
    }

    /// The watched fields, snapshot against now (a GPT pane that has loaded).
    pub fn changes(&self) -> Option<Vec<Field>> {
        match &self.state {
            LiveState::Loaded(Fetched { answer, .. }) => match answer.as_ref() {
                LiveAnswer::Gpt(g) => Some(compare(self.snapshot.as_deref(), &g.record)),
                LiveAnswer::List(_) => None,
            },
            _ => None,
        }
    }
}

impl Component for LivePane {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        self.name()
    }

    fn context(&self) -> Context {
        Context::Live
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Down, Action::Live, Action::Back, Action::Help]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::LiveView {
            pane: self,
            tick: paint.tick,
            snapshot_id: paint.snapshot.id,
            theme: paint.theme,
            height: paint.height,
        }
        .render(area, buf);
    }

    fn generation(&self) -> u64 {
        self.generation
    }

    fn is_loading(&self) -> bool {
        LivePane::is_loading(self)
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        match action {
            _ if action.moves() => {
                scroll(&mut self.scroll, action, self.viewport.rows(ctx.height));
                Some(Vec::new())
            }
            // Again on a live pane: fetch anew.
            // (The live service stops the pane's previous fetch.)
            Action::Live => Some(vec![Effect::Live(self.request())]),
            _ => None,
        }
    }

    fn on_reply(&mut self, msg: Msg, _ctx: &mut Ctx) -> Vec<Effect> {
        match msg {
            Msg::Live {
                screen,
                generation,
                result,
                at,
            } => {
                self.note = None;
                match result {
                    Ok(answer) => {
                        let ask = match &self.kind {
                            LiveKind::Gpt(_) => None,
                            LiveKind::Author(u) => Some((Some(u.clone()), Vec::new())),
                            LiveKind::StoreFront => Some((None, answer.ids())),
                        };
                        self.state = LiveState::Loaded(Fetched { answer, at });
                        if let Some((author, among)) = ask {
                            return vec![Effect::Send(Request::SnapshotIds {
                                screen,
                                generation,
                                author,
                                among,
                            })];
                        }
                    }
                    Err(e) => self.state = LiveState::Failed(e),
                }
            }
            Msg::LiveNote { note, .. } if self.is_loading() => self.note = Some(note),
            Msg::SnapshotIds { ids, .. } => self.known = Some(ids),
            // The snapshot's record (none when the snapshot lacks the GPT).
            Msg::Detail { view, .. } => self.snapshot = view.ok().map(|v| Box::new(v.record)),
            _ => {}
        }
        Vec::new()
    }

    /// The snapshot side of a live pane failed: the live side still shows.
    fn on_failed(&mut self, _message: &str) -> bool {
        false
    }

    fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }
}
