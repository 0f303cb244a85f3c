//! The one owner of UI state: the screen stack, popups, the status line, what each list shows
//! and where its cursor is. Plain data; changed only by `update()`, read by drawing.

use super::action::Keymap;
pub use super::charts::ChartsScreen;
use super::form::Form;
use super::input::LineInput;
pub use super::live::LivePane;
use super::msg::{AuthorFilter, AuthorSort, ScreenId};
use crate::store::authors::Authors;
use crate::store::query::{GptView, SnapshotInfo};
use crate::store::record::Author;
use crate::store::view::{AuthorRow, Filter, GptRow, Sort, SortKey};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;
use std::time::Duration;

/// Smallest terminal the screens are drawn in; below it a "too small" notice is shown.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 8;
/// From this width the GPT detail opens beside its list instead of over it.
pub const SIDE_PANE_WIDTH: u16 = 150;
/// Lines the author page's profile takes above its list.
pub const PROFILE_LINES: u16 = 5;

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
    pub refresh: Option<super::refresh::Running>,
    /// The live store's address (for saying where a refresh fetches from).
    pub store_url: String,
    next_screen: ScreenId,
}

impl App {
    pub fn new(snapshot: SnapshotInfo, size: (u16, u16)) -> App {
        let mut app = App {
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
            next_screen: 1,
        };
        let id = app.new_screen_id();
        app.screens
            .push(Screen::Gpts(GptList::new(id, Filter::default())));
        app
    }

    /// Starts over on another snapshot (screen ids keep counting, so late replies to the old
    /// screens match nothing); returns the start's effects.
    pub fn reopen(&mut self, snapshot: SnapshotInfo) -> Vec<super::msg::Effect> {
        self.snapshot = snapshot;
        self.screens.clear();
        self.popup = None;
        self.categories.clear();
        self.search_ready = false;
        self.refresh = None;
        let id = self.new_screen_id();
        self.screens
            .push(Screen::Gpts(GptList::new(id, Filter::default())));
        super::update::start(self)
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

    pub fn screen_mut(&mut self, id: ScreenId) -> Option<&mut Screen> {
        self.screens.iter_mut().find(|s| s.id() == id)
    }

    /// True while anything on screen is waiting for a worker.
    pub fn is_loading(&self) -> bool {
        self.refresh.is_some() || self.screens.iter().any(Screen::is_loading)
    }

    /// The screen row of the first list row on top, for clicks; `None` when the top is not a
    /// list.
    pub fn first_row_y(&self) -> Option<u16> {
        // Title, the list's bar, the table header.
        match self.top()? {
            Screen::Gpts(_) | Screen::Authors(_) => Some(3),
            Screen::Author(_) => Some(3 + PROFILE_LINES),
            _ => None,
        }
    }

    /// Rows of table body the current screen shows (for paging).
    pub fn page_rows(&self) -> usize {
        let h = self.size.1;
        let chrome = 4; // title, filter bar, footer, table header
        let chrome = match self.top() {
            Some(Screen::Author(_)) => chrome + PROFILE_LINES,
            // Title, the line saying what the charts are of, footer.
            Some(Screen::Charts(_)) => 3,
            _ => chrome,
        };
        usize::from(h.saturating_sub(chrome)).max(1)
    }
}

// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Screen {
    Gpts(GptList),
    Detail(Detail),
    Authors(AuthorList),
    Author(AuthorPage),
    Charts(ChartsScreen),
    Live(LivePane),
    History(super::history::HistoryScreen),
}

impl Screen {
    pub fn id(&self) -> ScreenId {
        match self {
            Screen::Gpts(l) => l.id,
            Screen::Detail(d) => d.id,
            Screen::Authors(a) => a.id,
            Screen::Author(p) => p.list.id,
            Screen::Charts(c) => c.id,
            Screen::Live(l) => l.id,
            Screen::History(h) => h.id,
        }
    }

    pub fn is_loading(&self) -> bool {
        match self {
            Screen::Gpts(l) => l.loading,
            Screen::Detail(d) => match &d.compare {
                Some(c) => c.versions.is_none() && d.error.is_none(),
                None => d.view.is_none() && d.error.is_none(),
            },
            Screen::Authors(a) => a.loading,
            Screen::Author(p) => p.list.loading || p.row.is_none(),
            Screen::Charts(c) => c.landscape.is_none() && c.error.is_none(),
            Screen::Live(l) => l.is_loading(),
            Screen::History(h) => h.is_loading(),
        }
    }

    pub fn title(&self) -> String {
        match self {
            Screen::Gpts(_) => "GPTs".to_owned(),
            Screen::Detail(d) => {
                let name = |v: &GptView| crate::text::line(&v.record.name).into_owned();
                match &d.compare {
                    Some(c) => format!(
                        "{} #{} ↔ #{}",
                        c.versions
                            .iter()
                            .flatten()
                            .flatten()
                            .next_back()
                            .map_or_else(|| d.gpt_id.clone(), |v| name(v)),
                        c.a.id,
                        c.b.id
                    ),
                    None => d.view.as_deref().map_or_else(|| d.gpt_id.clone(), name),
                }
            }
            Screen::Authors(_) => "Authors".to_owned(),
            Screen::Author(p) => p
                .row
                .as_ref()
                .and_then(|r| r.name.clone())
                .map(|n| crate::text::line(&n).into_owned())
                .unwrap_or_else(|| p.user_id.clone()),
            Screen::Charts(c) => c.title(),
            Screen::Live(l) => l.title(),
            Screen::History(h) => h.title(),
        }
    }
}

/// A selection in a list and the first row on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves the selection to `index` (clamped) and scrolls just enough to show it.
    pub fn select(&mut self, index: usize, len: usize, page: usize) {
        let page = page.max(1);
        self.selected = index.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }

    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        let target = self.selected.saturating_add_signed(delta);
        self.select(target, len, page);
    }

    /// Moves by a page, the view scrolling with the selection.
    pub fn page_by(&mut self, pages: isize, len: usize, page: usize) {
        let delta = pages * page as isize;
        self.offset = self
            .offset
            .saturating_add_signed(delta)
            .min(len.saturating_sub(page.max(1)));
        self.move_by(delta, len, page);
    }

    /// Re-selects `index` placing it where the old selection was on screen.
    pub fn reselect_keeping_position(&mut self, index: usize, len: usize, page: usize) {
        let on_screen = self.selected.saturating_sub(self.offset);
        self.offset = index.saturating_sub(on_screen);
        self.select(index, len, page);
    }
}

/// The columns of a GPT list, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GptColumn {
    Name,
    Author,
    Category,
    Tools,
    Signals,
    Conversations,
    Rating,
    Reviews,
    Updated,
}

impl GptColumn {
    pub const ALL: [GptColumn; 9] = [
        GptColumn::Name,
        GptColumn::Author,
        GptColumn::Category,
        GptColumn::Tools,
        GptColumn::Signals,
        GptColumn::Conversations,
        GptColumn::Rating,
        GptColumn::Reviews,
        GptColumn::Updated,
    ];

    pub fn title(self) -> &'static str {
        match self {
            GptColumn::Name => "Name",
            GptColumn::Author => "Author",
            GptColumn::Category => "Category",
            GptColumn::Tools => "Tools",
            GptColumn::Signals => "Signals",
            GptColumn::Conversations => "Convs",
            GptColumn::Rating => "Rating",
            GptColumn::Reviews => "Reviews",
            GptColumn::Updated => "Updated",
        }
    }

    pub fn sort_key(self) -> SortKey {
        match self {
            GptColumn::Name => SortKey::Name,
            GptColumn::Author => SortKey::Author,
            GptColumn::Category => SortKey::Category,
            GptColumn::Tools => SortKey::Tools,
            GptColumn::Signals => SortKey::Signals,
            GptColumn::Conversations => SortKey::Conversations,
            GptColumn::Rating => SortKey::Rating,
            GptColumn::Reviews => SortKey::Reviews,
            GptColumn::Updated => SortKey::Updated,
        }
    }
}

/// A list of GPTs: the main table, and the lower half of an author page.
pub struct GptList {
    pub id: ScreenId,
    pub filter: Filter,
    pub sort: Sort,
    /// Generation of the newest order request; older replies are dropped.
    pub generation: u64,
    /// Rowids in display order (the first page only until `complete`).
    pub order: Option<Arc<[u32]>>,
    pub complete: bool,
    /// Length of the whole list (known before the whole order is).
    pub total: usize,
    pub loading: bool,
    pub cursor: Cursor,
    pub column: usize,
    /// The rowid to keep selected when the order changes.
    pub keep: Option<u32>,
    pub rows: FxHashMap<u32, GptRow>,
    pub requested: FxHashSet<u32>,
    /// How long the last order took to compute (shown in the filter bar).
    pub took: Option<Duration>,
    pub search: Option<Search>,
}

/// A search over a list: what is typed, the newest results, and what to go back to on Esc.
#[derive(Debug, Clone)]
pub struct Search {
    pub input: LineInput,
    /// The prompt has the keys.
    pub typing: bool,
    /// Generation of the newest query sent.
    pub generation: u64,
    /// Matches of the newest results, and how long they took.
    pub matches: Option<usize>,
    pub took: Option<Duration>,
    /// The results are a substring match (the index is still loading).
    pub fallback: bool,
    /// The list as it was when the search began.
    pub before: Before,
}

/// Where a list was before a search: restored by Esc.
#[derive(Debug, Clone)]
pub enum Before {
    Gpts {
        rowids: Option<Arc<[u32]>>,
        search: Option<String>,
        sort: Sort,
        selected: Option<u32>,
    },
    Authors {
        ids: Option<Arc<[u32]>>,
        search: Option<String>,
        sort: AuthorSort,
        selected: Option<String>,
    },
}

impl Before {
    /// Puts a GPT list's search filter and sort back (not its selection).
    pub fn restore_gpts(&self, list: &mut GptList) {
        if let Before::Gpts {
            rowids,
            search,
            sort,
            ..
        } = self
        {
            list.filter.rowids = rowids.clone();
            list.filter.search = search.clone();
            list.sort = *sort;
        }
    }

    /// Puts the authors table's search filter and sort back (not its selection).
    pub fn restore_authors(&self, list: &mut AuthorList) {
        if let Before::Authors {
            ids, search, sort, ..
        } = self
        {
            list.filter.ids = ids.clone();
            list.filter.search = search.clone();
            list.sort = *sort;
        }
    }
}

impl Search {
    pub fn new(before: Before, text: &str) -> Search {
        Search {
            input: LineInput::new(text),
            typing: true,
            generation: 0,
            matches: None,
            took: None,
            fallback: false,
            before,
        }
    }

    /// The query to highlight: what the shown results answer.
    pub fn query(&self) -> crate::search::Query {
        crate::search::Query::parse(&self.input.text)
    }
}

impl GptList {
    pub fn new(id: ScreenId, filter: Filter) -> GptList {
        GptList {
            id,
            filter,
            sort: Sort::default(),
            generation: 0,
            order: None,
            complete: false,
            total: 0,
            loading: true,
            cursor: Cursor::default(),
            column: 5,
            keep: None,
            rows: FxHashMap::default(),
            requested: FxHashSet::default(),
            took: None,
            search: None,
        }
    }

    pub fn len(&self) -> usize {
        match &self.order {
            Some(o) if self.complete => o.len(),
            Some(o) => o.len().max(self.total),
            None => self.total,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected_rowid(&self) -> Option<u32> {
        self.order.as_ref()?.get(self.cursor.selected).copied()
    }

    pub fn selected_row(&self) -> Option<&GptRow> {
        self.rows.get(&self.selected_rowid()?)
    }
}

/// The sortable columns of the authors table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorColumn {
    Name,
    Website,
    Gpts,
    ConvTotal,
    ConvMedian,
    Rating,
    Tools,
}

impl AuthorColumn {
    pub const ALL: [AuthorColumn; 7] = [
        AuthorColumn::Name,
        AuthorColumn::Website,
        AuthorColumn::Gpts,
        AuthorColumn::ConvTotal,
        AuthorColumn::ConvMedian,
        AuthorColumn::Rating,
        AuthorColumn::Tools,
    ];

    pub fn title(self) -> &'static str {
        match self {
            AuthorColumn::Name => "Author",
            AuthorColumn::Website => "Website",
            AuthorColumn::Gpts => "GPTs",
            AuthorColumn::ConvTotal => "Convs total",
            AuthorColumn::ConvMedian => "Median",
            AuthorColumn::Rating => "Rating",
            AuthorColumn::Tools => "Tool mix",
        }
    }

    pub fn key(self) -> super::msg::AuthorKey {
        use super::msg::AuthorKey as K;
        match self {
            AuthorColumn::Name => K::Name,
            AuthorColumn::Website => K::Website,
            AuthorColumn::Gpts => K::Gpts,
            AuthorColumn::ConvTotal => K::ConvTotal,
            AuthorColumn::ConvMedian => K::ConvMedian,
            AuthorColumn::Rating => K::Rating,
            AuthorColumn::Tools => K::Tools,
        }
    }
}

pub struct AuthorList {
    pub id: ScreenId,
    pub generation: u64,
    pub filter: AuthorFilter,
    pub sort: AuthorSort,
    pub rows: Option<Arc<Authors>>,
    pub order: Option<Arc<[u32]>>,
    pub loading: bool,
    pub cursor: Cursor,
    pub column: usize,
    /// The user id to keep selected when the order changes.
    pub keep: Option<String>,
    pub search: Option<Search>,
}

impl AuthorList {
    /// A new authors table (sorted by GPTs, most first), waiting for its rows.
    pub fn new(id: ScreenId, filter: AuthorFilter) -> AuthorList {
        AuthorList {
            id,
            generation: 0,
            filter,
            sort: AuthorSort::default(),
            rows: None,
            order: None,
            loading: true,
            cursor: Cursor::default(),
            column: 2,
            keep: None,
            search: None,
        }
    }

    pub fn len(&self) -> usize {
        self.order.as_ref().map_or(0, |o| o.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The author at `index` of the order, as a row (made on demand from the columns).
    pub fn row_at(&self, index: usize) -> Option<AuthorRow> {
        let i = *self.order.as_ref()?.get(index)?;
        self.rows.as_ref()?.row(i as usize)
    }

    pub fn selected(&self) -> Option<AuthorRow> {
        self.row_at(self.cursor.selected)
    }

    /// The selected author's user id.
    pub fn selected_user(&self) -> Option<String> {
        let i = *self.order.as_ref()?.get(self.cursor.selected)?;
        let rows = self.rows.as_ref()?;
        ((i as usize) < rows.len()).then(|| rows.user_id(i as usize).to_owned())
    }
}

/// An author's page: who they are, then their GPTs.
pub struct AuthorPage {
    pub user_id: String,
    pub row: Option<AuthorRow>,
    pub profile: Option<Author>,
    pub list: GptList,
}

/// One GPT, everything stored about it.
pub struct Detail {
    pub id: ScreenId,
    pub generation: u64,
    pub gpt_id: String,
    pub view: Option<Box<GptView>>,
    pub error: Option<String>,
    pub scroll: u16,
    /// The GPT across the snapshots (its trends), once loaded.
    pub history: Option<Vec<crate::store::diff::Point>>,
    /// Two versions side by side (opened from a diff) instead of one.
    pub compare: Option<Box<Compare>>,
}

impl Detail {
    pub fn new(id: ScreenId, gpt_id: String) -> Detail {
        Detail {
            id,
            generation: 1,
            gpt_id,
            view: None,
            error: None,
            scroll: 0,
            history: None,
            compare: None,
        }
    }
}

/// A GPT in two snapshots, side by side.
pub struct Compare {
    pub a: crate::store::query::SnapshotRef,
    pub b: crate::store::query::SnapshotRef,
    /// `None` while loading; `Some(None)` when the snapshot lacks the GPT.
    pub versions: Option<[Option<Box<GptView>>; 2]>,
}

/// The export prompt: a path whose extension picks the format.
pub struct ExportDialog {
    pub input: super::input::LineInput,
    /// What is exported: GPT rowids or author positions, in the list's order.
    pub ids: Arc<[u32]>,
    pub authors: bool,
    /// Why the last Enter was refused.
    pub error: Option<String>,
}

pub enum Popup {
    Help {
        scroll: u16,
    },
    /// Choosing and confirming a refresh.
    Refresh(super::refresh::Dialog),
    Filter(Form),
    /// Where to export the list on screen.
    Export(ExportDialog),
    /// "Delete this snapshot?": `y` deletes, any other key keeps it.
    ConfirmDelete {
        screen: ScreenId,
        snapshot: Box<SnapshotInfo>,
    },
    /// Something that went wrong and needs reading; any key dismisses it.
    Error(String),
}
