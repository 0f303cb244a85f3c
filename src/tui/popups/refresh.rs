//! The refresh dialog (`r`): which refresh, of what is on screen, then confirm. The refresh itself
//! runs in `services::refresh`; its progress is the footer's.

use super::view::framed;
use crate::text;
use crate::tui::app::App;
use crate::tui::msg::Job;
use crate::tui::screens::Component;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The refreshes the dialog offers, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Shelves,
    Details,
    Author,
    Crawl,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Shelves, Mode::Details, Mode::Author, Mode::Crawl];

    /// Its name, and what it does in a line.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Mode::Shelves => (
                "shelves",
                "the store front and every shelf to its end: a snapshot of the GPTs on the shelves",
            ),
            Mode::Details => (
                "details",
                "every GPT of the list on screen (its filters and search) fetched again",
            ),
            Mode::Author => (
                "author",
                "the GPTs of the author on screen (or of the selected GPT), paged; needs a token",
            ),
            Mode::Crawl => (
                "crawl",
                "the whole store: the front, these authors, those they reveal; needs a token",
            ),
        }
    }

    /// The next (or, `back`, the previous) mode, round the list.
    pub fn step(self, back: bool) -> Mode {
        let n = Mode::ALL.len();
        let at = Mode::ALL.iter().position(|m| *m == self).unwrap_or(0);
        Mode::ALL[if back { (at + n - 1) % n } else { (at + 1) % n }]
    }
}

/// The choice dialog.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub mode: Mode,
}

/// The refresh `mode` means with `top` on screen, or why there is none.
pub fn job(mode: Mode, top: Option<&dyn Component>, snapshot: i64) -> Result<Job, &'static str> {
    match mode {
        Mode::Shelves => Ok(Job::Shelves),
        Mode::Crawl => Ok(Job::Crawl { snapshot }),
        Mode::Author => top
            .and_then(|s| s.focused_author())
            .map(Job::Author)
            .ok_or("author refreshes the author on screen: open one, or select a GPT that has one"),
        Mode::Details => match top.and_then(|s| s.list_ids()) {
            Some((rowids, false)) if !rowids.is_empty() => Ok(Job::DetailsOf { snapshot, rowids }),
            _ => Err("details refreshes the GPT list on screen: open one (and let it load)"),
        },
    }
}

/// The dialog: the store it fetches from, the refreshes, the chosen one marked.
pub fn render(app: &App, dialog: &Dialog, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![
        Line::raw(format!(
            "Fetch from {} into a new snapshot:",
            text::line(&app.store_url)
        )),
        Line::raw(""),
    ];
    for mode in Mode::ALL {
        let (name, what) = mode.describe();
        let style = if mode == dialog.mode {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {name:<10}"), style.bold()),
            Span::styled(format!(" {what}"), style),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Progress shows below; Esc stops it, r later continues it.",
        Style::new().add_modifier(Modifier::DIM),
    ));
    framed(
        lines,
        100,
        " Refresh ",
        " ↑↓ choose · Enter start · Esc cancel ",
        area,
        buf,
    );
}
