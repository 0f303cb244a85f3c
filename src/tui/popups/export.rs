//! The export prompt (Ctrl-S): the list on screen, as filtered, searched and sorted, to the file
//! typed; the extension picks the format, `~/` is the home directory read at start.

use super::Outcome;
use super::view::framed;
use crate::store::export::Format;
use crate::text::{self, thousands};
use crate::tui::kit::input::LineInput;
use crate::tui::msg::ScreenId;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The export prompt: a path whose extension picks the format.
pub struct ExportDialog {
    pub input: LineInput,
    /// What is exported: GPT rowids or author positions, in the list's order.
    pub ids: Arc<[u32]>,
    pub authors: bool,
    /// The screen whose list it is.
    pub screen: ScreenId,
    /// Why the last Enter was refused.
    pub error: Option<String>,
}

impl ExportDialog {
    pub fn new(screen: ScreenId, ids: Arc<[u32]>, authors: bool) -> ExportDialog {
        let name = if authors {
            "gptscope-authors.csv"
        } else {
            "gptscope-gpts.csv"
        };
        ExportDialog {
            input: LineInput::new(name),
            ids,
            authors,
            screen,
            error: None,
        }
    }

    /// A key in the prompt: Esc closes, Enter exports, the rest edits.
    pub fn key(&mut self, key: &KeyEvent, home: Option<&Path>) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter => self.enter(home),
            _ => {
                self.input.key(key);
                self.error = None;
                Outcome::Stay
            }
        }
    }

    /// The path typed, `~/` under `home`; refused (the dialog says why) without a format.
    fn enter(&mut self, home: Option<&Path>) -> Outcome {
        let text = self.input.text.trim().to_owned();
        let path = match (text.strip_prefix("~/"), home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ => PathBuf::from(&text),
        };
        match Format::of_path(&path) {
            Some(format) => Outcome::Export { path, format },
            None => {
                self.error = Some("the file name ends in .csv, .json or .jsonl".to_owned());
                Outcome::Stay
            }
        }
    }
}

pub fn render(dialog: &ExportDialog, area: Rect, buf: &mut Buffer) {
    let i = &dialog.input;
    let (before, after): (String, String) = (
        i.text.chars().take(i.cursor).collect(),
        i.text.chars().skip(i.cursor).collect(),
    );
    let what = if dialog.authors { "authors" } else { "GPTs" };
    let mut lines = vec![
        Line::raw(format!(
            "Export the {} {what} of the list on screen (its filters, search and sort) to:",
            thousands(dialog.ids.len() as i64)
        )),
        Line::raw(""),
        Line::from(vec![
            Span::raw(" "),
            Span::styled(
                format!("{}▏{}", text::line(&before), text::line(&after)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::raw(""),
        Line::styled(
            "The extension picks the format: .csv (RFC 4180), .json, .jsonl.",
            Style::new().add_modifier(Modifier::DIM),
        ),
    ];
    if let Some(e) = &dialog.error {
        lines.push(Line::styled(
            e.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    framed(
        lines,
        90,
        " Export ",
        " Enter write · Esc cancel ",
        area,
        buf,
    );
}
