//! A diff of two snapshots as the snapshots screen shows it: its rows (changed GPTs biggest
//! first, then the added, removed and shelf moves; or the rising list), the focused change type,
//! the "only this type" filter, and jumps to the next row with such a change.

use crate::store::diff::{Change, Diff};
use crate::tui::kit::cursor::Cursor;
use std::borrow::Cow;
use std::sync::Arc;

/// The change types of the diff screen, in `←`/`→` order.
pub use crate::store::diff::FIELDS as TYPES;

/// One row of the diff screen, as a place in the diff (nothing copied: a 1M diff's 150k rows
/// are made again in well under a frame when a filter changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Changed(usize),
    Added(usize),
    Removed(usize),
    Shelf(usize),
    Rising(usize),
}

/// A row's GPT and what happened to it, made for the rows drawn.
pub struct DiffRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub changes: Cow<'a, [Change]>,
}

fn change(
    field: &'static str,
    kind: &'static str,
    from: Option<String>,
    to: Option<String>,
) -> Change {
    Change {
        field,
        kind,
        from,
        to,
    }
}

/// The rows of a diff: changed GPTs, added, removed, shelf moves; or, for `rising`, the rising
/// list.
pub fn rows(diff: &Diff, rising: bool) -> Vec<Row> {
    if rising {
        return (0..diff.rising.len()).map(Row::Rising).collect();
    }
    (0..diff.changed.len())
        .map(Row::Changed)
        .chain((0..diff.added.len()).map(Row::Added))
        .chain((0..diff.removed.len()).map(Row::Removed))
        .chain((0..diff.shelves.len()).map(Row::Shelf))
        .collect()
}

/// Whether row `r` has a change of type `field`.
pub fn has(diff: &Diff, r: Row, field: &str) -> bool {
    match r {
        Row::Changed(i) => diff.changed[i].changes.iter().any(|c| c.field == field),
        Row::Added(_) => field == "added",
        Row::Removed(_) => field == "removed",
        Row::Shelf(_) => field == "shelves",
        Row::Rising(_) => field == "rising",
    }
}

/// Row `r` of `diff` (which it was made from) to show.
pub fn row(diff: &Diff, r: Row) -> DiffRow<'_> {
    let one = |id, name, c| DiffRow {
        id,
        name,
        changes: Cow::Owned(vec![c]),
    };
    match r {
        Row::Changed(i) => {
            let c = &diff.changed[i];
            DiffRow {
                id: &c.id,
                name: &c.name,
                changes: Cow::Borrowed(&c.changes),
            }
        }
        Row::Added(i) | Row::Removed(i) => {
            let (field, e) = match r {
                Row::Added(_) => ("added", &diff.added[i]),
                _ => ("removed", &diff.removed[i]),
            };
            one(
                &e.id,
                &e.name,
                change(field, e.status, None, e.conversations.clone()),
            )
        }
        Row::Shelf(i) => {
            let m = &diff.shelves[i];
            let at = |p: Option<i64>| p.map(|p| format!("{} #{p}", m.shelf));
            one(
                &m.id,
                m.name.as_deref().unwrap_or(&m.id),
                change("shelves", m.kind, at(m.from), at(m.to)),
            )
        }
        Row::Rising(i) => {
            let r = &diff.rising[i];
            let to = format!(
                "{} ({:.2} decades, {})",
                r.to.as_deref().unwrap_or("–"),
                r.decades,
                r.age()
            );
            one(
                &r.id,
                &r.name,
                change("rising", "up", r.from.clone(), Some(to)),
            )
        }
    }
}

/// A diff on screen.
pub struct DiffView {
    pub diff: Arc<Diff>,
    /// The rows for the focused type (the rising list for "rising", else every row).
    pub rows: Vec<Row>,
    pub cursor: Cursor,
    /// The change type `]` / `[` jump by (an index into [`TYPES`]).
    pub field: usize,
    /// Only the rows with a change of the focused type (`f` toggles).
    pub only: bool,
}

impl DiffView {
    pub fn new(diff: Arc<Diff>) -> DiffView {
        DiffView {
            rows: rows(&diff, false),
            diff,
            cursor: Cursor::default(),
            field: 0,
            only: false,
        }
    }

    /// The rows again, from the diff, the focused type and the `only` filter.
    fn rebuild(&mut self) {
        let mut all = rows(&self.diff, self.rising());
        if self.only {
            let f = self.field();
            all.retain(|r| has(&self.diff, *r, f));
        }
        self.rows = all;
    }

    /// Shows only the rows of the focused type, or every row again.
    pub fn toggle_only(&mut self) {
        self.only = !self.only;
        self.rebuild();
        self.cursor = Cursor::default();
    }

    pub fn field(&self) -> &'static str {
        TYPES[self.field % TYPES.len()]
    }

    pub fn rising(&self) -> bool {
        self.field() == "rising"
    }

    /// GPTs with a change of the focused type.
    pub fn count(&self) -> usize {
        let key = match self.field() {
            "shelves" => "shelf_moves",
            f => f,
        };
        self.diff.counts.get(key).copied().unwrap_or(0)
    }

    /// A newer version of the same diff (the rest after its first page): the rows again, the
    /// selection kept.
    pub fn update(&mut self, diff: Arc<Diff>, page: usize) {
        self.diff = diff;
        self.rebuild();
        let n = self.rows.len();
        self.cursor
            .select(self.cursor.selected.min(n.saturating_sub(1)), n, page);
    }

    /// Focuses the next (or previous) change type; the rows change when entering or leaving
    /// the rising list, or when only the focused type's are shown.
    pub fn turn(&mut self, forward: bool) {
        let was = self.rising();
        let n = TYPES.len();
        self.field = if forward {
            (self.field + 1) % n
        } else {
            (self.field + n - 1) % n
        };
        if self.rising() != was || self.only {
            self.rebuild();
            self.cursor = Cursor::default();
        }
    }

    pub fn selected(&self) -> Option<DiffRow<'_>> {
        let r = *self.rows.get(self.cursor.selected)?;
        Some(row(&self.diff, r))
    }

    fn has(&self, i: usize) -> bool {
        self.rows
            .get(i)
            .is_some_and(|r| has(&self.diff, *r, self.field()))
    }

    /// Moves to the next (or previous) row with a change of the focused type; false when there
    /// is none that way.
    pub fn jump(&mut self, forward: bool, page: usize) -> bool {
        let n = self.rows.len();
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
