//! The snapshots screen (`s`): every complete snapshot with its date, size and label; Enter
//! opens one, Space marks one, `d` diffs the marked one (or the open one) against the selected
//! one. The diff shows its counts and the changed GPTs biggest first; `←`/`→` choose a change
//! type and `]`/`[` jump to the next / previous GPT with a change of that type.

use super::msg::ScreenId;
use super::state::Cursor;
use crate::store::diff::{Diff, FIELDS};
use crate::store::query::SnapshotInfo;
use std::sync::Arc;

/// A diff on screen.
pub struct DiffView {
    pub diff: Arc<Diff>,
    /// Over the changed GPTs.
    pub cursor: Cursor,
    /// The change type `]` / `[` jump by (an index into [`FIELDS`]).
    pub field: usize,
}

impl DiffView {
    pub fn field(&self) -> &'static str {
        FIELDS[self.field % FIELDS.len()]
    }

    fn has(&self, i: usize) -> bool {
        let f = self.field();
        self.diff
            .changed
            .get(i)
            .is_some_and(|c| c.changes.iter().any(|ch| ch.field == f))
    }

    /// Moves to the next (or previous) changed GPT with a change of the focused type; false
    /// when there is none that way.
    pub fn jump(&mut self, forward: bool, page: usize) -> bool {
        let n = self.diff.changed.len();
        let found = if forward {
            (self.cursor.selected + 1..n).find(|&i| self.has(i))
        } else {
            (0..self.cursor.selected).rev().find(|&i| self.has(i))
        };
        match found {
            Some(i) => {
                self.cursor.select(i, n, page);
                true
            }
            None => false,
        }
    }
}

pub struct HistoryScreen {
    pub id: ScreenId,
    pub generation: u64,
    pub snapshots: Option<Vec<SnapshotInfo>>,
    pub cursor: Cursor,
    /// The snapshot marked as the diff's "before".
    pub marked: Option<i64>,
    pub diff: Option<DiffView>,
    /// A diff is being computed.
    pub diffing: bool,
    pub error: Option<String>,
}

impl HistoryScreen {
    pub fn new(id: ScreenId) -> HistoryScreen {
        HistoryScreen {
            id,
            generation: 0,
            snapshots: None,
            cursor: Cursor::default(),
            marked: None,
            diff: None,
            diffing: false,
            error: None,
        }
    }

    pub fn selected_snapshot(&self) -> Option<&SnapshotInfo> {
        self.snapshots.as_ref()?.get(self.cursor.selected)
    }

    pub fn is_loading(&self) -> bool {
        (self.snapshots.is_none() && self.error.is_none()) || self.diffing
    }

    pub fn title(&self) -> String {
        match &self.diff {
            Some(d) => format!("Diff #{} → #{}", d.diff.a.id, d.diff.b.id),
            None => "Snapshots".to_owned(),
        }
    }
}
