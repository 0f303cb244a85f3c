//! The one shelf-order rule: how GPTs seen on the store front and on shelf pages become
//! positions. Every path that numbers a shelf goes through [`ShelfOrder`]: importing saved
//! answers (a directory, a HAR file), a refresh's spool, `live shelves` and the explorer's `S`.
//!
//! What the store does (read off a daily archive of its raw answers, 2024-01 to 2026-04): the
//! front page (`/public-api/gizmos/discovery`) lists each shelf's first items with
//! `list.cursor: "6"`; a shelf's own endpoint continues *after* them and never repeats them. The
//! cursor counts slots the store filtered out (five items with cursor `"6"` happen), so it is
//! not a position. Hence the rule:
//!
//! - the front's items are positions 1..k, in the front's order;
//! - a shelf's pages continue from there, page after page in the order they were recorded,
//!   numbered by a running count (k+1, k+2, …); the cursor is never read as a number;
//! - a GPT already placed on a shelf keeps its first position (a page repeating it is counted,
//!   not placed twice);
//! - explicit positions (homepage monitoring tables) are kept as given.
//!
//! Without a front in the same import, a shelf's pages count from 1 and the shelf says so.

use super::parse::ShelfEntry;
use rustc_hash::{FxHashMap, FxHashSet};

/// Where an entry's position comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Slot {
    /// The n-th item (1-based) of the shelf on the store front.
    Front(u32),
    /// An item of a shelf page: numbered after everything before it.
    #[default]
    Page,
    /// A position the source states (BeeTrove's homepage monitoring).
    At(u32),
}

/// What numbering found worth saying about one shelf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShelfCounts {
    pub placed: u64,
    /// Entries of GPTs already placed on the shelf (a page repeating an earlier GPT).
    pub repeats: u64,
    /// Pages were numbered without the store front's first items (positions count from 1).
    pub without_front: bool,
}

/// Collects entries in recorded order, then numbers them by the rule.
#[derive(Debug, Default)]
pub struct ShelfOrder {
    /// Shelf ids in the order first seen, and their entries in recorded order.
    shelves: Vec<(String, Vec<ShelfEntry>)>,
    index: FxHashMap<String, usize>,
}

/// The identity of an entry on its shelf: the GPT id, else name and author.
fn key(e: &ShelfEntry) -> (Option<&str>, Option<&str>, Option<&str>) {
    match &e.gpt_id {
        Some(id) => (Some(id.as_str()), None, None),
        None => (None, e.name.as_deref(), e.author.as_deref()),
    }
}

impl ShelfOrder {
    pub fn push(&mut self, entry: ShelfEntry) {
        let at = match self.index.get(&entry.shelf_id) {
            Some(i) => *i,
            None => {
                self.shelves.push((entry.shelf_id.clone(), Vec::new()));
                self.index
                    .insert(entry.shelf_id.clone(), self.shelves.len() - 1);
                self.shelves.len() - 1
            }
        };
        self.shelves[at].1.push(entry);
    }

    pub fn is_empty(&self) -> bool {
        self.shelves.is_empty()
    }

    /// The entries with their positions (shelf by shelf, by position), and per shelf what was
    /// noticed.
    pub fn finish(self) -> (Vec<ShelfEntry>, Vec<(String, ShelfCounts)>) {
        let mut out = Vec::new();
        let mut counts = Vec::new();
        for (shelf, entries) in self.shelves {
            let (placed, c) = number(entries);
            out.extend(placed);
            counts.push((shelf, c));
        }
        (out, counts)
    }
}

/// Numbers one shelf's entries (given in recorded order).
fn number(entries: Vec<ShelfEntry>) -> (Vec<ShelfEntry>, ShelfCounts) {
    let mut counts = ShelfCounts::default();
    let mut taken: FxHashSet<u32> = FxHashSet::default();
    let mut placed: Vec<ShelfEntry> = Vec::with_capacity(entries.len());
    let mut seen: FxHashSet<(Option<String>, Option<String>, Option<String>)> =
        FxHashSet::default();
    let owned = |e: &ShelfEntry| {
        let (a, b, c) = key(e);
        (
            a.map(str::to_owned),
            b.map(str::to_owned),
            c.map(str::to_owned),
        )
    };
    // Stated positions first: the front's and the tables'.
    let mut pages = Vec::new();
    for e in entries {
        let at = match e.slot {
            Slot::Front(n) | Slot::At(n) => n,
            Slot::Page => {
                pages.push(e);
                continue;
            }
        };
        if taken.contains(&at) || !seen.insert(owned(&e)) {
            counts.repeats += 1;
            continue;
        }
        taken.insert(at);
        placed.push(ShelfEntry { position: at, ..e });
    }
    counts.without_front = !pages.is_empty() && placed.is_empty();
    // Then the pages, by a running count after the last stated position.
    let mut next = taken.iter().copied().max().unwrap_or(0);
    for e in pages {
        if !seen.insert(owned(&e)) {
            counts.repeats += 1;
            continue;
        }
        next = next.saturating_add(1);
        placed.push(ShelfEntry {
            position: next,
            ..e
        });
    }
    placed.sort_by_key(|e| e.position);
    counts.placed = placed.len() as u64;
    (placed, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(shelf: &str, id: &str, slot: Slot) -> ShelfEntry {
        ShelfEntry {
            shelf_id: shelf.to_owned(),
            slot,
            gpt_id: Some(id.to_owned()),
            ..ShelfEntry::default()
        }
    }

    fn positions(entries: &[ShelfEntry], shelf: &str) -> Vec<(u32, String)> {
        entries
            .iter()
            .filter(|e| e.shelf_id == shelf)
            .map(|e| (e.position, e.gpt_id.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn pages_continue_after_the_front_whatever_order_they_came_in() {
        let mut o = ShelfOrder::default();
        // A page saved before the front (files sorted by name: dalle.json < discovery.json).
        o.push(entry("w", "p1", Slot::Page));
        o.push(entry("w", "p2", Slot::Page));
        for (i, id) in ["f1", "f2", "f3"].into_iter().enumerate() {
            o.push(entry("w", id, Slot::Front(i as u32 + 1)));
        }
        o.push(entry("w", "p3", Slot::Page));
        let (entries, counts) = o.finish();
        assert_eq!(
            positions(&entries, "w"),
            [
                (1, "f1"),
                (2, "f2"),
                (3, "f3"),
                (4, "p1"),
                (5, "p2"),
                (6, "p3")
            ]
            .map(|(p, s)| (p, s.to_owned()))
        );
        assert_eq!(counts[0].1.repeats, 0);
        assert!(!counts[0].1.without_front);
    }

    #[test]
    fn a_repeated_gpt_keeps_its_first_position_and_takes_no_slot() {
        let mut o = ShelfOrder::default();
        o.push(entry("t", "a", Slot::Front(1)));
        o.push(entry("t", "b", Slot::Front(2)));
        o.push(entry("t", "a", Slot::Page));
        o.push(entry("t", "c", Slot::Page));
        o.push(entry("t", "c", Slot::Page));
        let (entries, counts) = o.finish();
        assert_eq!(
            positions(&entries, "t"),
            [(1, "a"), (2, "b"), (3, "c")].map(|(p, s)| (p, s.to_owned()))
        );
        assert_eq!(counts[0].1.repeats, 2);
    }

    #[test]
    fn a_front_with_a_filtered_slot_is_counted_not_read_off_the_cursor() {
        // Five items where the cursor said six: the page starts at 6, not 7.
        let mut o = ShelfOrder::default();
        for i in 1..=5 {
            o.push(entry("s", &format!("f{i}"), Slot::Front(i)));
        }
        o.push(entry("s", "p", Slot::Page));
        let (entries, _) = o.finish();
        assert_eq!(positions(&entries, "s").last(), Some(&(6, "p".to_owned())));
    }

    #[test]
    fn pages_alone_count_from_one_and_say_so() {
        let mut o = ShelfOrder::default();
        o.push(entry("x", "a", Slot::Page));
        o.push(entry("x", "b", Slot::Page));
        let (entries, counts) = o.finish();
        assert_eq!(
            positions(&entries, "x"),
            [(1, "a"), (2, "b")].map(|(p, s)| (p, s.to_owned()))
        );
        assert!(counts[0].1.without_front);
    }
}
