//! What the app itself does with an action the screen on top did not take: quit, help, back,
//! the screens any key opens (snapshots, authors, the store front), the refresh dialog, copy,
//! open, export, the author of what is on screen; else a word on where the action works.

use super::App;
use super::router::{open, open_unless_on_top};
use crate::tui::keys::Action;
use crate::tui::msg::{Effect, LiveKind, Open};
use crate::tui::popups::{self, ExportDialog, Popup};
use crate::tui::screens::Screen;
use crate::tui::services::refresh::Running;

/// An action the screen on top did not take: the app's own, else a word on where it works.
pub(super) fn app_action(app: &mut App, action: Action) -> Vec<Effect> {
    let top = app.top().map(Screen::component);
    let say = |app: &mut App, s: &str| {
        app.status = Some(s.to_owned());
        Vec::new()
    };
    match action {
        Action::Quit => vec![Effect::Quit],
        Action::Help => {
            app.popup = Some(Popup::Help { scroll: 0 });
            Vec::new()
        }
        Action::Back if app.screens.len() > 1 => {
            let mut fx: Vec<Effect> = app
                .screens
                .pop()
                .map(|s| Effect::Closed(s.id()))
                .into_iter()
                .collect();
            // The screen below kept its position; fetch its rows in case the size changed.
            let height = app.size.1;
            if let Some(top) = app.top_mut() {
                fx.extend(top.component_mut().fit(height));
            }
            fx
        }
        Action::Back => say(app, "this is the first screen: Q quits"),
        Action::Snapshots => open_unless_on_top(app, Open::Snapshots),
        Action::ShelfMoves => open_unless_on_top(app, Open::ShelfMoves),
        Action::Authors => open_unless_on_top(app, Open::Authors(Default::default())),
        Action::StoreFront => open_unless_on_top(
            app,
            Open::Live {
                kind: LiveKind::StoreFront,
                record: None,
            },
        ),
        Action::Refresh if app.refresh.is_some() => {
            say(app, "a refresh is under way: Esc cancels it")
        }
        Action::Refresh => {
            app.popup = Some(Popup::Refresh(popups::refresh::Dialog {
                mode: popups::refresh::Mode::Shelves,
            }));
            Vec::new()
        }
        Action::CopyId | Action::CopyUrl | Action::CopyRow => {
            match top.and_then(|s| s.copy_text(action)) {
                Some((what, text)) => {
                    app.status = Some(format!("copied {what}"));
                    vec![Effect::Copy(text)]
                }
                None => say(app, "nothing to copy here"),
            }
        }
        Action::OpenUrl => match top.and_then(|s| s.copy_text(Action::CopyUrl)) {
            Some((_, url)) if crate::tui::services::exits::is_web_url(&url) => {
                app.status = Some(format!("opening {}", crate::text::line(&url)));
                vec![Effect::Open(url)]
            }
            Some((_, url)) => {
                app.status = Some(format!(
                    "not an http(s) address, not opened: {}",
                    crate::text::line(&url)
                ));
                Vec::new()
            }
            None => say(app, "nothing to open here"),
        },
        Action::Export => match top.and_then(|s| Some((s.id(), s.list_ids()?))) {
            Some((screen, (ids, authors))) => {
                app.popup = Some(Popup::Export(ExportDialog::new(screen, ids, authors)));
                Vec::new()
            }
            None => say(app, "export writes a list: open one (and let it load)"),
        },
        Action::AuthorOfGpt => match top.and_then(|s| s.focused_author()) {
            Some(user) => open(app, Open::Author(user)),
            None => say(app, "no author known for this GPT"),
        },
        Action::Histograms => say(app, "histograms are of GPT lists: open one first"),
        Action::Frequency => say(app, "F counts a column of a table: focus one with ←/→"),
        Action::Live => say(app, "l shows a GPT or an author as the store has it now"),
        Action::Diff => say(app, "d diffs snapshots: open them with s"),
        Action::DeleteSnapshot => say(app, "Delete deletes a snapshot on the snapshots screen (s)"),
        _ => Vec::new(),
    }
}

/// The refresh dialog's Enter: the refresh of the chosen kind, of what is on screen.
pub(super) fn start_refresh(app: &mut App, mode: popups::refresh::Mode) -> Vec<Effect> {
    let top = app.top().map(Screen::component);
    match popups::refresh::job(mode, top, app.snapshot.id) {
        Ok(job) => {
            app.refresh = Some(Running {
                plan: job.name(),
                progress: Default::default(),
                cancelling: false,
            });
            vec![Effect::Refresh(job)]
        }
        Err(why) => {
            app.status = Some(why.to_owned());
            Vec::new()
        }
    }
}
