//! What flows between the UI and its workers: requests out (each tagged with the screen that
//! asked and that screen's generation), facts back, and the effects `update()` returns instead
//! of doing I/O itself.

use super::live::{LiveAnswer, LiveRequest};
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
            } => Some((*screen, *generation)),
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

/// What `update()` asks the loop to do.
#[derive(Debug, Clone)]
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    Send(Request),
    Search(super::searcher::SearchRequest),
    Live(LiveRequest),
    /// A live pane closed: stop its fetch.
    CancelLive(ScreenId),
    /// Start a refresh.
    Refresh(super::refresh::Job),
    /// Stop the refresh under way (its work is kept for a later resume).
    CancelRefresh,
    /// Open another snapshot (a refresh wrote it): workers start over on it.
    Reopen(Box<crate::store::query::SnapshotInfo>),
    /// Put text on the clipboard.
    Copy(String),
    /// Open an http(s) URL in the browser.
    Open(String),
    Quit,
}
