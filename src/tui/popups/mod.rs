//! The popups over the screens: help, the filter form, the export prompt, the refresh dialog, a
//! confirmation, and an error that needs reading. While one is open it has the keys: [`key`]
//! says what a key did ([`Outcome`]), and the router carries that out (it is what knows the
//! screens). Drawing is in `view.rs`.

pub mod refresh;
pub mod view;

use crate::store::export::Format;
use crate::tui::keys::Action;
use crate::tui::kit::form::{Form, FormOutcome};
use crate::tui::kit::input::LineInput;
use crate::tui::msg::{Effect, ScreenId};
use crossterm::event::{KeyCode, KeyEvent};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub enum Popup {
    Help {
        scroll: u16,
    },
    /// Choosing and confirming a refresh.
    Refresh(refresh::Dialog),
    Filter(Form),
    /// Where to export the list on screen.
    Export(ExportDialog),
    /// A question a screen asked: `y` does it, any other key does not.
    Confirm(Confirm),
    /// Something that went wrong and needs reading; any key dismisses it.
    Error(String),
}

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

/// A question, and what a yes does.
pub struct Confirm {
    pub title: &'static str,
    /// What the keys do, at the bottom.
    pub keys: &'static str,
    pub question: String,
    pub yes: Vec<Effect>,
    /// The status line after a yes, and after a no.
    pub saying: String,
    pub no: String,
}

/// What a key did to the popup.
pub enum Outcome {
    /// The popup stays (scrolled, edited, refused).
    Stay,
    Close,
    Quit,
    /// Closed with these effects and this status line.
    Done(Vec<Effect>, Option<String>),
    /// The filter form's Enter: the screen that opened it applies it.
    ApplyForm,
    /// The export prompt's Enter, with a path that names a format.
    Export {
        path: PathBuf,
        format: Format,
    },
    /// The refresh dialog's Enter.
    Refresh(refresh::Mode),
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

/// A key while `popup` is open; `action` is what the key means anywhere (help and the refresh
/// dialog move with the usual keys); `home` is where `~/` points.
pub fn key(
    popup: &mut Popup,
    key: &KeyEvent,
    action: Option<Action>,
    home: Option<&Path>,
) -> Outcome {
    match popup {
        Popup::Error(_) => Outcome::Close,
        Popup::Confirm(c) => {
            if key.code == KeyCode::Char('y') {
                Outcome::Done(std::mem::take(&mut c.yes), Some(c.saying.clone()))
            } else {
                Outcome::Done(Vec::new(), Some(c.no.clone()))
            }
        }
        Popup::Help { scroll } => {
            match action {
                Some(Action::Down) => *scroll = scroll.saturating_add(1),
                Some(Action::Up) => *scroll = scroll.saturating_sub(1),
                Some(Action::PageDown | Action::HalfPageDown) => {
                    *scroll = scroll.saturating_add(10)
                }
                Some(Action::PageUp | Action::HalfPageUp) => *scroll = scroll.saturating_sub(10),
                Some(Action::Quit) => return Outcome::Quit,
                _ => return Outcome::Close,
            }
            Outcome::Stay
        }
        Popup::Filter(form) => match form.key(key) {
            FormOutcome::Editing => Outcome::Stay,
            FormOutcome::Cancel => Outcome::Close,
            FormOutcome::Apply => Outcome::ApplyForm,
        },
        Popup::Export(dialog) => match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter => dialog.enter(home),
            _ => {
                dialog.input.key(key);
                dialog.error = None;
                Outcome::Stay
            }
        },
        Popup::Refresh(dialog) => {
            match (key.code, action) {
                (KeyCode::Enter, _) => return Outcome::Refresh(dialog.mode),
                (_, Some(Action::Down)) => dialog.mode = dialog.mode.step(false),
                (_, Some(Action::Up)) => dialog.mode = dialog.mode.step(true),
                (_, Some(Action::Quit)) => return Outcome::Quit,
                _ => return Outcome::Close,
            }
            Outcome::Stay
        }
    }
}

/// The wheel over a popup: only help scrolls.
pub fn wheel(popup: &mut Popup, down: bool, rows: u16) {
    if let Popup::Help { scroll } = popup {
        *scroll = if down {
            scroll.saturating_add(rows)
        } else {
            scroll.saturating_sub(rows)
        };
    }
}
