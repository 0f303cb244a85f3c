//! The app: the one owner of UI state (the screen stack, the popup, the status line, the terminal
//! size, the keymap and theme, a refresh under way), the router that turns events into state
//! changes and effects (`router`), the drawing of the frame around the screens (`view`), and the
//! synchronous driver the tests and benchmarks run it with (`driver`).

pub mod actions;
pub mod driver;
pub mod router;
pub mod runner;
pub mod view;

use super::keys::Keymap;
use super::msg::{Ctx, ScreenId};
use super::popups::Popup;
use super::screens::Screen;
use super::services::refresh::Running;
use crate::store::query::SnapshotInfo;
use std::path::PathBuf;

/// Smallest terminal the screens are drawn in; below it a "too small" notice is shown.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;
/// From this width the GPT detail opens beside its list instead of over it.
pub const SIDE_PANE_WIDTH: u16 = 150;

pub struct App {
    pub snapshot: SnapshotInfo,
    pub keymap: Keymap,
    pub theme: crate::config::Theme,
    pub screens: Vec<Screen>,
    pub popup: Option<Popup>,
    /// A transient message, cleared by the next key.
    pub status: Option<String>,
    /// Terminal size in cells.
    pub size: (u16, u16),
    pub categories: Vec<(String, usize)>,
    /// Advances while something loads (spinners).
    pub tick: u64,
    /// The search index has loaded (until then searches are substring matches).
    pub search_ready: bool,
    /// A refresh under way.
    pub refresh: Option<Running>,
    /// The live store's address (for saying where a refresh fetches from).
    pub store_url: String,
    /// Where `~/` in a typed path points (read once at start: `update()` reads no environment).
    pub home: Option<PathBuf>,
    next_screen: ScreenId,
}

impl App {
    /// The app on a snapshot, with no screen yet: `router::start` opens the first.
    pub fn new(snapshot: SnapshotInfo, size: (u16, u16)) -> App {
        App {
            snapshot,
            keymap: Keymap::default(),
            theme: crate::config::Theme::default(),
            screens: Vec::new(),
            popup: None,
            status: None,
            size,
            categories: Vec::new(),
            tick: 0,
            search_ready: false,
            refresh: None,
            store_url: crate::live::client::DEFAULT_BASE_URL.to_owned(),
            home: None,
            next_screen: 1,
        }
    }

    /// Forgets the screens of the snapshot open, for another (screen ids keep counting, so late
    /// replies to the old screens match nothing); `router::start` opens the new one.
    pub fn close_all(&mut self, snapshot: SnapshotInfo) {
        self.snapshot = snapshot;
        self.screens.clear();
        self.popup = None;
        self.categories.clear();
        self.search_ready = false;
        self.refresh = None;
    }

    pub fn new_screen_id(&mut self) -> ScreenId {
        self.next_screen += 1;
        self.next_screen - 1
    }

    pub fn top(&self) -> Option<&Screen> {
        self.screens.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Screen> {
        self.screens.last_mut()
    }

    /// True while anything on screen is waiting for a worker.
    pub fn is_loading(&self) -> bool {
        self.refresh.is_some() || self.screens.iter().any(Screen::is_loading)
    }

    /// Rows of the body the screen on top shows (for paging), as it was last drawn.
    pub fn page_rows(&self) -> usize {
        self.top().map_or(1, |s| s.component().page(self.size.1))
    }

    /// The screen `id` (the top one when `None`) and what a screen is handed beside it.
    pub fn with_screen(&mut self, id: Option<ScreenId>) -> Option<(&mut Screen, Ctx<'_>)> {
        let screen = match id {
            Some(id) => self.screens.iter_mut().find(|s| s.id() == id)?,
            None => self.screens.last_mut()?,
        };
        let ctx = Ctx {
            snapshot: &self.snapshot,
            categories: &self.categories,
            height: self.size.1,
            status: &mut self.status,
        };
        Some((screen, ctx))
    }
}
