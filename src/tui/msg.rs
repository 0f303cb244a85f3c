//! The explorer's effect types, what flows between its parts: requests to the workers (each
//! tagged with the screen that asked and that screen's generation), facts back ([`Msg`]), the
//! effects `update()` returns instead of doing I/O itself ([`Effect`]), and what a screen is
//! handed ([`Ctx`]) and may ask of the app ([`Ui`]: a screen to open, a popup). Screens depend
//! on this module, `kit` and `keys` only; never on each other.

use crate::live::api::{Found, LiveGpt};
use crate::stats::{AuthorFreqColumn, ChartId, Landscape};
use crate::store::authors::Authors;
use crate::store::query::GptView;
use crate::store::record::Author;
use crate::store::view::{AuthorRow, Filter, GptRow, Sort};
use std::sync::Arc;
use std::time::Duration;

/// Identifies a screen for as long as it is on the stack; replies to a screen that is gone are
/// dropped.
pub type ScreenId = u64;

/// The "screen" of the app's own work (a refresh): no screen has id 0.
pub const APP: ScreenId = 0;

pub use crate::store::authors::{AuthorFilter, AuthorKey, AuthorSort};

/// Work for the database worker.
#[derive(Debug, Clone)]
pub enum Request {
    /// The snapshots of the database.
    Snapshots {
        screen: ScreenId,
    },
    /// The diff of snapshot `a` to `b`.
    Diff {
        screen: ScreenId,
        generation: u64,
        a: i64,
        b: i64,
    },
    /// A GPT across the snapshots, for the detail pane's trends.
    History {
        screen: ScreenId,
        generation: u64,
        id: String,
    },
    /// The store front's moves from snapshot to snapshot.
    ShelfHistory {
        screen: ScreenId,
        generation: u64,
    },
    /// A GPT as snapshots `a` and `b` have it, for the side-by-side view.
    Versions {
        screen: ScreenId,
        generation: u64,
        id: String,
        a: i64,
        b: i64,
    },
    /// Delete a snapshot, then list the snapshots again.
    RemoveSnapshot {
        screen: ScreenId,
        id: i64,
    },
    /// Write a list to a file: GPT rowids, or author positions when `authors`.
    Export {
        screen: ScreenId,
        ids: Arc<[u32]>,
        authors: bool,
        path: std::path::PathBuf,
        format: crate::store::export::Format,
    },
    /// The ordered rowids of a GPT list.
    Gpts {
        screen: ScreenId,
        generation: u64,
        filter: Filter,
        sort: Sort,
    },
    /// Rows to draw.
    Rows {
        screen: ScreenId,
        rowids: Vec<u32>,
    },
    Detail {
        screen: ScreenId,
        generation: u64,
        id: String,
    },
    Authors {
        screen: ScreenId,
        generation: u64,
        filter: AuthorFilter,
        sort: AuthorSort,
    },
    AuthorProfile {
        screen: ScreenId,
        user_id: String,
    },
    Categories,
    /// A frequency table of the authors a filter keeps.
    AuthorCharts {
        screen: ScreenId,
        generation: u64,
        filter: AuthorFilter,
        column: AuthorFreqColumn,
    },
    /// Which GPT ids the snapshot has: of `among`, or every one of `author`'s.
    SnapshotIds {
        screen: ScreenId,
        generation: u64,
        author: Option<String>,
        among: Vec<String>,
    },
    /// Charts of the GPTs a filter keeps.
    Charts {
        screen: ScreenId,
        generation: u64,
        filter: Filter,
        charts: Vec<ChartId>,
    },
}

impl Request {
    /// The screen that asked (`None`: the app).
    pub fn screen(&self) -> Option<ScreenId> {
        match self {
            Request::Gpts { screen, .. }
            | Request::Rows { screen, .. }
            | Request::Detail { screen, .. }
            | Request::Authors { screen, .. }
            | Request::AuthorProfile { screen, .. }
            | Request::Charts { screen, .. }
            | Request::AuthorCharts { screen, .. }
            | Request::SnapshotIds { screen, .. }
            | Request::Export { screen, .. }
            | Request::Snapshots { screen }
            | Request::History { screen, .. }
            | Request::Versions { screen, .. }
            | Request::RemoveSnapshot { screen, .. }
            | Request::Diff { screen, .. }
            | Request::ShelfHistory { screen, .. } => Some(*screen),
            Request::Categories => None,
        }
    }

    /// The screen and generation a reply will be checked against (rows and profiles are not
    /// generation-bound: they do not change while a screen lives).
    pub fn tag(&self) -> Option<(ScreenId, u64)> {
        match self {
            Request::Gpts {
                screen, generation, ..
            }
            | Request::Detail {
                screen, generation, ..
            }
            | Request::Diff {
                screen, generation, ..
            }
            | Request::Authors {
                screen, generation, ..
            }
            | Request::Charts {
                screen, generation, ..
            }
            | Request::AuthorCharts {
                screen, generation, ..
            }
            | Request::SnapshotIds {
                screen, generation, ..
            }
            | Request::ShelfHistory { screen, generation } => Some((*screen, *generation)),
            _ => None,
        }
    }
}

/// Facts from the workers.
#[derive(Debug, Clone)]
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Order {
        screen: ScreenId,
        generation: u64,
        order: Arc<[u32]>,
        /// False for the quick first page sent before the whole list is known.
        complete: bool,
        /// GPTs in the list when `complete` is false.
        total: usize,
        took: Duration,
    },
    Rows {
        screen: ScreenId,
        rows: Vec<GptRow>,
    },
    Detail {
        screen: ScreenId,
        generation: u64,
        view: Result<Box<GptView>, String>,
    },
    Authors {
        screen: ScreenId,
        generation: u64,
        rows: Arc<Authors>,
        order: Arc<[u32]>,
    },
    AuthorProfile {
        screen: ScreenId,
        row: Option<AuthorRow>,
        profile: Option<Author>,
    },
    Categories(Vec<(String, usize)>),
    Snapshots {
        screen: ScreenId,
        list: Vec<crate::store::query::SnapshotInfo>,
        /// Refreshes stopped before their snapshot was made.
        unfinished: Vec<crate::live::refresh::Unfinished>,
    },
    Diff {
        screen: ScreenId,
        generation: u64,
        diff: Arc<crate::store::diff::Diff>,
    },
    History {
        screen: ScreenId,
        generation: u64,
        points: Vec<crate::store::diff::Point>,
    },
    /// The store front's moves, oldest step first.
    ShelfHistory {
        screen: ScreenId,
        generation: u64,
        steps: Arc<Vec<crate::store::diff::ShelfStep>>,
    },
    /// A GPT in two snapshots (`None` where a snapshot lacks it).
    Versions {
        screen: ScreenId,
        generation: u64,
        before: Option<Box<crate::store::query::GptView>>,
        after: Option<Box<crate::store::query::GptView>>,
    },
    /// A snapshot was deleted.
    Removed(crate::store::prune::Removed),
    /// An export was written.
    Exported {
        path: std::path::PathBuf,
        rows: usize,
        authors: bool,
    },
    /// Ranked ids for a query: rowids of GPTs, or author positions.
    SearchResults {
        screen: ScreenId,
        generation: u64,
        query: String,
        ids: Arc<[u32]>,
        /// A substring match, because the index is still loading.
        fallback: bool,
        took: Duration,
    },
    /// The search index finished loading.
    SearchReady,
    Charts {
        screen: ScreenId,
        generation: u64,
        landscape: Arc<Landscape>,
        took: Duration,
    },
    /// A live pane's answer (or why there is none).
    Live {
        screen: ScreenId,
        generation: u64,
        result: Result<Arc<LiveAnswer>, String>,
        /// Unix seconds.
        at: i64,
    },
    /// How a refresh is doing.
    RefreshProgress(crate::live::refresh::Progress),
    /// A refresh ended: its summary and new snapshot, or why not.
    RefreshDone(
        Result<
            (
                crate::live::refresh::Summary,
                Box<crate::store::query::SnapshotInfo>,
            ),
            String,
        >,
    ),
    /// A live pane's request is being retried.
    LiveNote {
        screen: ScreenId,
        note: String,
    },
    /// GPT ids the snapshot has (see [`Request::SnapshotIds`]).
    SnapshotIds {
        screen: ScreenId,
        generation: u64,
        ids: rustc_hash::FxHashSet<String>,
    },
    /// A request failed; `screen` is the screen that asked.
    Failed {
        screen: Option<ScreenId>,
        message: String,
    },
}

impl Msg {
    /// The screen a reply is for and the generation it answers; `None` for the generation when
    /// the reply is not generation-bound (rows and profiles do not change while a screen lives)
    /// or is checked by the screen against a generation of its own (search results, against
    /// their query's). `None` altogether: a reply for the app, not a screen.
    pub fn screen(&self) -> Option<(ScreenId, Option<u64>)> {
        match self {
            Msg::Order {
                screen, generation, ..
            }
            | Msg::Detail {
                screen, generation, ..
            }
            | Msg::Authors {
                screen, generation, ..
            }
            | Msg::Diff {
                screen, generation, ..
            }
            | Msg::History {
                screen, generation, ..
            }
            | Msg::Versions {
                screen, generation, ..
            }
            | Msg::Charts {
                screen, generation, ..
            }
            | Msg::Live {
                screen, generation, ..
            }
            | Msg::SnapshotIds {
                screen, generation, ..
            }
            | Msg::ShelfHistory {
                screen, generation, ..
            } => Some((*screen, Some(*generation))),
            Msg::Rows { screen, .. }
            | Msg::AuthorProfile { screen, .. }
            | Msg::Snapshots { screen, .. }
            | Msg::LiveNote { screen, .. }
            | Msg::SearchResults { screen, .. } => Some((*screen, None)),
            Msg::Failed { screen, .. } => screen.map(|s| (s, None)),
            Msg::Categories(_)
            | Msg::Removed(_)
            | Msg::Exported { .. }
            | Msg::SearchReady
            | Msg::RefreshProgress(_)
            | Msg::RefreshDone(_) => None,
        }
    }
}

/// What `update()` asks the loop to do.
#[derive(Debug, Clone)]
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    Send(Request),
    Search(SearchRequest),
    Live(LiveRequest),
    /// A screen closed: its work is dropped everywhere (queued requests, a live fetch).
    Closed(ScreenId),
    /// Start a refresh.
    Refresh(Job),
    /// Stop the refresh under way (its work is kept for a later resume).
    CancelRefresh,
    /// Open another snapshot (a refresh wrote it): workers start over on it.
    Reopen(Box<crate::store::query::SnapshotInfo>),
    /// Put text on the clipboard.
    Copy(String),
    /// Open an http(s) URL in the browser.
    Open(String),
    Quit,
    /// A change to the explorer itself, carried out by the router (it never reaches the loop).
    Ui(Ui),
}

/// What a screen asks of the app: it never builds another screen or a popup's state itself.
#[derive(Debug, Clone)]
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Ui {
    /// A screen on top of this one.
    Push(Open),
    /// The filter form over this screen.
    Form(crate::tui::kit::form::Form),
    /// A question for the user; `yes` runs on `y` (with `saying` on the status line), `no` is
    /// said on any other key.
    Confirm {
        title: &'static str,
        keys: &'static str,
        question: String,
        yes: Vec<Effect>,
        saying: String,
        no: String,
    },
}

/// A screen to open, described; the router makes it and sends its first requests.
#[derive(Debug, Clone)]
pub enum Open {
    Gpts(Filter),
    Authors(AuthorFilter),
    Author(String),
    Detail(String),
    /// A GPT as two snapshots have it, side by side.
    Versions {
        gpt: String,
        a: crate::store::query::SnapshotRef,
        b: crate::store::query::SnapshotRef,
    },
    Charts {
        of: Of,
        which: Vec<ChartId>,
    },
    Snapshots,
    /// The store front's history: shelf moves from snapshot to snapshot.
    ShelfMoves,
    /// A live pane, with the snapshot's record to compare with when the opener has it.
    Live {
        kind: LiveKind,
        record: Option<Box<crate::store::GptRecord>>,
    },
}

/// The list a charts screen describes (and what a bar opens).
#[derive(Debug, Clone)]
pub enum Of {
    Gpts(Filter),
    Authors(AuthorFilter),
}

impl Of {
    pub fn describe(&self) -> Vec<String> {
        match self {
            Of::Gpts(f) => f.describe(),
            Of::Authors(f) => f.describe(),
        }
    }
}

/// What a screen is handed with a key or a reply: the app's facts it may read, the status line
/// it may set.
pub struct Ctx<'a> {
    /// The snapshot open.
    pub snapshot: &'a crate::store::query::SnapshotInfo,
    /// The snapshot's categories (for the filter form).
    pub categories: &'a [(String, usize)],
    /// The terminal's height in rows.
    pub height: u16,
    pub status: &'a mut Option<String>,
}

impl Ctx<'_> {
    /// Says something on the status line (until the next key).
    pub fn say(&mut self, message: impl Into<String>) {
        *self.status = Some(message.into());
    }
}

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

/// What to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Gpts,
    Authors,
}

/// A query for the search worker.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub screen: ScreenId,
    pub generation: u64,
    pub target: Target,
    pub query: String,
}

/// What a refresh started from the explorer fetches.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Shelves,
    /// The GPTs (rowids) of a list of snapshot `snapshot`.
    DetailsOf {
        snapshot: i64,
        rowids: Arc<[u32]>,
    },
    /// One author's GPTs.
    Author(String),
    /// The store by snowball, seeded by the front and a snapshot's authors.
    Crawl {
        snapshot: i64,
    },
}

impl Job {
    pub fn name(&self) -> &'static str {
        match self {
            Job::Shelves => "shelves",
            Job::DetailsOf { .. } => "details",
            Job::Author(_) => "author",
            Job::Crawl { .. } => "crawl",
        }
    }
}
