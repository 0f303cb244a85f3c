//! The screens, one folder each: its state and what it does with keys and replies in `mod.rs`,
//! its drawing in `view.rs`, its key hints beside its keys. Every screen is a [`Component`]; the
//! [`Screen`] enum holds one of each kind on the stack and hands it out as `dyn Component`, so
//! the router and the drawing talk to the screen on top without knowing which it is.
//!
//! A screen depends on `kit`, `keys` and the effect types (`msg`) only: it never builds another
//! screen or a popup; it asks for one ([`crate::tui::msg::Ui`]) and the router makes it.
//!
//! A new screen: a folder here with a type implementing [`Component`], a variant of [`Screen`]
//! with its arm in [`Screen::component`] and [`Screen::component_mut`], an [`Open`] variant if
//! other screens open it, and its arm in the router's `open` (or a global key).
//!
//! [`Open`]: crate::tui::msg::Open

pub mod author;
pub mod authors;
pub mod charts;
pub mod detail;
pub mod gpts;
pub mod live;
pub mod shelves;
pub mod snapshots;

use crate::config::Theme;
use crate::store::query::SnapshotInfo;
use crate::tui::keys::{Action, Context};
use crate::tui::kit::gpt_list::GptList;
use crate::tui::msg::{Ctx, Effect, Msg, Open, ScreenId};
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::sync::Arc;

/// What drawing is given besides the screen: the app's facts a screen may show.
pub struct Paint<'a> {
    pub tick: u64,
    pub theme: &'a Theme,
    /// The search index has loaded.
    pub search_ready: bool,
    /// The snapshot open.
    pub snapshot: &'a SnapshotInfo,
    /// The terminal's height (recorded with the sizes a screen draws at).
    pub height: u16,
}

/// What every screen answers. Only `id`, `title`, `context`, `hints` and `render` are required;
/// the rest default to "nothing here".
pub trait Component {
    fn id(&self) -> ScreenId;
    /// Its crumb in the title bar.
    fn title(&self) -> String;
    /// Where its keys are resolved (the keymap's context column).
    fn context(&self) -> Context;
    /// The actions its footer hints at.
    fn hints(&self) -> &'static [Action];
    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint);

    /// The generation its replies must carry (see [`Msg::screen`]).
    fn generation(&self) -> u64 {
        0
    }
    /// Waiting for a worker (the spinner turns).
    fn is_loading(&self) -> bool {
        false
    }
    /// An action in this screen's context; `None`: it means nothing here (the router then
    /// does what it does everywhere, or says where it works).
    fn on_action(&mut self, _action: Action, _ctx: &mut Ctx) -> Option<Vec<Effect>> {
        None
    }
    /// A reply for this screen, already checked for staleness.
    fn on_reply(&mut self, _msg: Msg, _ctx: &mut Ctx) -> Vec<Effect> {
        Vec::new()
    }
    /// A request of this screen failed; `false`: nobody needs to read why.
    fn on_failed(&mut self, _message: &str) -> bool {
        true
    }
    /// A key while the screen's text prompt has the keyboard; `None`: no prompt is typing.
    fn prompt_key(&mut self, _key: &KeyEvent, _ctx: &mut Ctx) -> Option<Vec<Effect>> {
        None
    }
    /// The terminal was resized, or the screen is on top again.
    fn fit(&mut self, _height: u16) -> Vec<Effect> {
        Vec::new()
    }
    /// A left click on terminal row `y`.
    fn click(&mut self, _y: u16, _height: u16) -> Vec<Effect> {
        Vec::new()
    }
    /// What `y` (id), `Y` (URL) or `c` (the row) copies: what it is ("the URL") and the text.
    fn copy_text(&self, _action: Action) -> Option<(&'static str, String)> {
        None
    }
    /// The author the screen is about (for `a` and the author refresh).
    fn focused_author(&self) -> Option<String> {
        None
    }
    /// The list on screen, whole and in order, for export and a details refresh: GPT rowids,
    /// or author positions when the flag is set.
    fn list_ids(&self) -> Option<(Arc<[u32]>, bool)> {
        None
    }
    /// The filter form it opened was applied: the new filter, or why not.
    fn apply_form(&mut self, _form: &crate::tui::kit::form::Form) -> Result<Vec<Effect>, String> {
        Ok(Vec::new())
    }
    /// Rows its body shows (paging); the terminal's height when it has no rows.
    fn page(&self, height: u16) -> usize {
        usize::from(height)
    }
    /// On wide terminals it is drawn beside the screen below it.
    fn beside(&self) -> bool {
        false
    }
}

/// A screen on the stack.
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Screen {
    Gpts(GptList),
    Detail(detail::Detail),
    Authors(authors::AuthorList),
    Author(author::AuthorPage),
    Charts(charts::ChartsScreen),
    Live(live::LivePane),
    Snapshots(snapshots::SnapshotsScreen),
    Shelves(shelves::ShelvesScreen),
}

impl Screen {
    /// The screen `what` describes, as screen `id`, and its first requests.
    pub fn make(id: ScreenId, what: Open) -> (Screen, Vec<Effect>) {
        match what {
            Open::Gpts(filter) => {
                let mut list = GptList::new(id, filter);
                let fx = vec![list.request_order()];
                (Screen::Gpts(list), fx)
            }
            Open::Authors(filter) => {
                let mut list = authors::AuthorList::new(id, filter);
                let fx = vec![list.request()];
                (Screen::Authors(list), fx)
            }
            Open::Author(user) => {
                let (page, fx) = author::AuthorPage::open(id, user);
                (Screen::Author(page), fx)
            }
            Open::Detail(gpt) => {
                let (d, fx) = detail::Detail::open(id, gpt);
                (Screen::Detail(d), fx)
            }
            Open::Versions { gpt, a, b } => {
                let (d, fx) = detail::Detail::versions(id, gpt, a, b);
                (Screen::Detail(d), fx)
            }
            Open::Charts { of, which } => {
                let mut c = charts::ChartsScreen::new(id, of, which);
                let fx = vec![Effect::Send(c.request())];
                (Screen::Charts(c), fx)
            }
            Open::Live { kind, record } => {
                let (pane, fx) = live::LivePane::open(id, kind, record);
                (Screen::Live(pane), fx)
            }
            Open::Snapshots => {
                let (s, fx) = snapshots::SnapshotsScreen::open(id);
                (Screen::Snapshots(s), fx)
            }
            Open::ShelfMoves => {
                let (s, fx) = shelves::ShelvesScreen::open(id);
                (Screen::Shelves(s), fx)
            }
        }
    }

    pub fn component(&self) -> &dyn Component {
        match self {
            Screen::Gpts(s) => s,
            Screen::Detail(s) => s,
            Screen::Authors(s) => s,
            Screen::Author(s) => s,
            Screen::Charts(s) => s,
            Screen::Live(s) => s,
            Screen::Snapshots(s) => s,
            Screen::Shelves(s) => s,
        }
    }

    pub fn component_mut(&mut self) -> &mut dyn Component {
        match self {
            Screen::Gpts(s) => s,
            Screen::Detail(s) => s,
            Screen::Authors(s) => s,
            Screen::Author(s) => s,
            Screen::Charts(s) => s,
            Screen::Live(s) => s,
            Screen::Snapshots(s) => s,
            Screen::Shelves(s) => s,
        }
    }

    pub fn id(&self) -> ScreenId {
        self.component().id()
    }

    /// The same kind of screen (a live pane: asking the same kind of thing): what a global key
    /// opens is not stacked on itself.
    pub fn same_kind(&self, other: &Screen) -> bool {
        match (self, other) {
            (Screen::Live(a), Screen::Live(b)) => a.kind == b.kind,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }

    pub fn title(&self) -> String {
        self.component().title()
    }

    pub fn is_loading(&self) -> bool {
        self.component().is_loading()
    }
}
