//! The popups over the screens, a file each where they have state or drawing of their own:
//! `help`, `filters` (the form's popup; the form itself is `kit::form`), `export`, `refresh`; a
//! confirmation and an error are message boxes (`view`). While one is open it has the keys:
//! [`key`] says what a key did ([`Outcome`]), and the router carries that out (it is what knows
//! the screens).

pub mod export;
pub mod filters;
pub mod help;
pub mod refresh;
pub mod view;

pub use export::ExportDialog;

use crate::store::export::Format;
use crate::tui::keys::Action;
use crate::tui::kit::form::{Form, FormOutcome};
use crate::tui::msg::Effect;
use crossterm::event::{KeyCode, KeyEvent};
use std::path::{Path, PathBuf};

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
        Popup::Help { scroll } => help::key(scroll, action),
        Popup::Filter(form) => match form.key(key) {
            FormOutcome::Editing => Outcome::Stay,
            FormOutcome::Cancel => Outcome::Close,
            FormOutcome::Apply => Outcome::ApplyForm,
        },
        Popup::Export(dialog) => dialog.key(key, home),
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
