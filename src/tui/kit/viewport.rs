//! The size a screen was last drawn at, recorded by its drawing (a `Cell`: drawing takes `&self`)
//! and read by `update()` for paging, scrolling and clicks. Nothing re-derives a screen's chrome:
//! the rows a list shows at another terminal height are the rows it showed plus the height's
//! change (a screen's chrome does not grow with the terminal). A screen not drawn yet is taken
//! to show the whole terminal: fetching a few rows too many is harmless, and its cursor is at
//! the top.

use ratatui::layout::Rect;
use std::cell::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Drawn {
    /// Rows of the list body.
    rows: u16,
    /// The terminal row of the body's first line.
    top: u16,
    /// The terminal's height then.
    height: u16,
}

/// Where a screen's scrolling body was drawn.
#[derive(Debug, Default)]
pub struct Viewport(Cell<Option<Drawn>>);

impl Viewport {
    /// Records the body area, drawn in a terminal `height` rows high.
    pub fn record(&self, body: Rect, height: u16) {
        self.0.set(Some(Drawn {
            rows: body.height,
            top: body.y,
            height,
        }));
    }

    /// Rows the body shows in a terminal `height` rows high (at least 1).
    pub fn rows(&self, height: u16) -> usize {
        let rows = match self.0.get() {
            Some(d) => (i32::from(d.rows) + i32::from(height) - i32::from(d.height)).max(1),
            None => i32::from(height),
        };
        usize::try_from(rows).unwrap_or(1).max(1)
    }

    /// The terminal row of the body's first line, once drawn.
    pub fn top(&self) -> Option<u16> {
        self.0.get().map(|d| d.top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_terminal_height_from_the_last_drawing() {
        let v = Viewport::default();
        assert_eq!(v.rows(40), 40, "not drawn: the whole terminal");
        v.record(Rect::new(0, 3, 120, 36), 40);
        assert_eq!(v.rows(40), 36);
        assert_eq!(v.rows(15), 11);
        assert_eq!(v.rows(2), 1);
        assert_eq!(v.top(), Some(3));
    }
}
