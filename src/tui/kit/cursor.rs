//! A selection over rows and the first row on screen; the moving actions applied to it, and to a
//! text pane's scroll.

use crate::tui::keys::Action;

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

/// A moving Action applied to a cursor over `len` rows, `page` of them visible.
pub fn move_in(c: &mut Cursor, action: Action, len: usize, page: usize) {
    match action {
        Action::Up => c.move_by(-1, len, page),
        Action::Down => c.move_by(1, len, page),
        Action::PageUp => c.page_by(-1, len, page),
        Action::PageDown => c.page_by(1, len, page),
        Action::HalfPageUp => c.move_by(-((page / 2).max(1) as isize), len, page),
        Action::HalfPageDown => c.move_by((page / 2).max(1) as isize, len, page),
        Action::Top => c.select(0, len, page),
        Action::Bottom => c.select(len.saturating_sub(1), len, page),
        _ => {}
    }
}

/// Scrolls a text pane.
pub fn scroll(s: &mut u16, action: Action, page: usize) {
    match action {
        Action::Up => *s = s.saturating_sub(1),
        Action::Down => *s = s.saturating_add(1),
        Action::PageUp | Action::HalfPageUp => *s = s.saturating_sub(page as u16 / 2),
        Action::PageDown | Action::HalfPageDown => *s = s.saturating_add(page as u16 / 2),
        Action::Top => *s = 0,
        Action::Bottom => *s = u16::MAX / 2,
        _ => {}
    }
}
