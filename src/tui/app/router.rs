//! `update()`: the only place state changes, and the router of everything that happens to the
//! app. A key goes to the popup if one is open, else to the screen's prompt if one is typing,
//! else through the keymap in the screen's context to an [`Action`], which the screen on top
//! gets first ([`Component::on_action`]); what it does not take is the app's (quit, help, back,
//! the screens any key opens, copy, export) or is answered by saying where it works. A worker's
//! reply is checked for staleness once here, then handed to its screen. Screens ask for new
//! screens and popups with [`Ui`] effects, carried out here before anything reaches the loop.
//! No I/O, so every transition is a unit test.
//!
//! [`Component::on_action`]: crate::tui::screens::Component::on_action

use super::App;
use crate::tui::keys::{Action, Context};
use crate::tui::msg::{Effect, Msg, Open, Request, ScreenId, Ui};
use crate::tui::popups::{self, Confirm, Outcome, Popup};
use crate::tui::screens::Screen;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Everything that can happen to the app.
#[derive(Debug, Clone)]
// A handful live at a time; boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Event {
    Key(KeyEvent),
    /// Only when the config turns the mouse on: wheel scrolls, a left click selects a row.
    Mouse(crossterm::event::MouseEvent),
    Resize(u16, u16),
    Msg(Msg),
    Tick,
}

/// Rows one wheel step scrolls.
const WHEEL_ROWS: usize = 3;

/// The first screen (the snapshot's GPTs) and the categories for the filter form.
pub fn start(app: &mut App) -> Vec<Effect> {
    let mut fx = open(app, Open::Gpts(Default::default()));
    // After the list: the worker answers in order, and the first page must not wait.
    fx.push(Effect::Send(Request::Categories));
    if app.snapshot.signals_version < i64::from(crate::store::schema::SIGNALS_VERSION) {
        app.status = Some(
            "this snapshot's monetisation signals are not computed: gptscope signals --recompute"
                .to_owned(),
        );
    }
    fx
}

/// Starts over on another snapshot (a refresh wrote it, or the snapshots screen opened it).
pub fn reopen(app: &mut App, snapshot: crate::store::query::SnapshotInfo) -> Vec<Effect> {
    app.close_all(snapshot);
    start(app)
}

pub fn update(app: &mut App, event: Event) -> Vec<Effect> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Event::Key(_) => Vec::new(),
        Event::Resize(w, h) => {
            app.size = (w, h);
            let fx = app
                .screens
                .iter_mut()
                .flat_map(|s| s.component_mut().fit(h))
                .collect();
            settle(app, fx)
        }
        Event::Tick => {
            app.tick = app.tick.wrapping_add(1);
            Vec::new()
        }
        Event::Mouse(m) => on_mouse(app, m),
        Event::Msg(msg) => on_msg(app, msg),
    }
}

fn on_mouse(app: &mut App, m: crossterm::event::MouseEvent) -> Vec<Effect> {
    use crossterm::event::{MouseButton, MouseEventKind};
    let down = match m.kind {
        MouseEventKind::ScrollDown => Some(true),
        MouseEventKind::ScrollUp => Some(false),
        _ => None,
    };
    if let Some(popup) = &mut app.popup {
        if let Some(down) = down {
            popups::wheel(popup, down, WHEEL_ROWS as u16);
        }
        return Vec::new();
    }
    let mut fx = Vec::new();
    if let Some(down) = down {
        let action = if down { Action::Down } else { Action::Up };
        for _ in 0..WHEEL_ROWS {
            if let Some((screen, mut ctx)) = app.with_screen(None) {
                fx.extend(
                    screen
                        .component_mut()
                        .on_action(action, &mut ctx)
                        .unwrap_or_default(),
                );
            }
        }
    } else if m.kind == MouseEventKind::Down(MouseButton::Left) {
        let height = app.size.1;
        if let Some(top) = app.top_mut() {
            fx = top.component_mut().click(m.row, height);
        }
    }
    settle(app, fx)
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let context = app.top().map_or(Context::Any, |s| s.component().context());
    // Esc and a key typed quickly after it reach us as Alt+key (that is how terminals send
    // Alt): unless Alt+key means something, take it as the two keys it was.
    if key.modifiers.contains(KeyModifiers::ALT) && app.keymap.action(&key, context).is_none() {
        let mut fx = on_key(app, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        if !fx.iter().any(|e| matches!(e, Effect::Quit)) {
            fx.extend(on_key(
                app,
                KeyEvent::new(key.code, key.modifiers - KeyModifiers::ALT),
            ));
        }
        return fx;
    }
    app.status = None;
    if app.popup.is_some() {
        return popup_key(app, &key);
    }
    if let Some((screen, mut ctx)) = app.with_screen(None)
        && let Some(fx) = screen.component_mut().prompt_key(&key, &mut ctx)
    {
        return settle(app, fx);
    }
    // Esc or Ctrl-C while a refresh runs: stop it (its work is kept for later).
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(run) = &mut app.refresh
        && !run.cancelling
        && (key.code == KeyCode::Esc || ctrl_c)
    {
        run.cancelling = true;
        return vec![Effect::CancelRefresh];
    }
    match app.keymap.action(&key, context) {
        Some(action) => on_action(app, action),
        None => {
            if let KeyCode::Char(c) = key.code {
                app.status = Some(format!("{c}: not a key here (? for help)"));
            }
            Vec::new()
        }
    }
}

/// A key while a popup is open: the popup has it; its outcome is carried out here.
fn popup_key(app: &mut App, key: &KeyEvent) -> Vec<Effect> {
    let action = app.keymap.action(key, Context::Any);
    let Some(popup) = &mut app.popup else {
        return Vec::new();
    };
    match popups::key(popup, key, action, app.home.as_deref()) {
        Outcome::Stay => Vec::new(),
        Outcome::Close => {
            app.popup = None;
            Vec::new()
        }
        Outcome::Quit => vec![Effect::Quit],
        Outcome::Done(fx, status) => {
            app.popup = None;
            app.status = status;
            fx
        }
        Outcome::ApplyForm => apply_form(app),
        Outcome::Export { path, format } => {
            let Some(Popup::Export(dialog)) = app.popup.take() else {
                return Vec::new();
            };
            app.status = Some(format!(
                "exporting {} {} to {}…",
                crate::text::thousands(dialog.ids.len() as i64),
                if dialog.authors { "authors" } else { "GPTs" },
                crate::text::line(&path.display().to_string())
            ));
            vec![Effect::Send(Request::Export {
                screen: dialog.screen,
                ids: dialog.ids,
                authors: dialog.authors,
                path,
                format,
            })]
        }
        Outcome::Refresh(mode) => {
            app.popup = None;
            super::actions::start_refresh(app, mode)
        }
    }
}

/// The filter form's Enter: the screen that opened it takes the new filter, or the form says
/// which field is wrong.
fn apply_form(app: &mut App) -> Vec<Effect> {
    let Some(Popup::Filter(form)) = &mut app.popup else {
        return Vec::new();
    };
    let Some(screen) = app
        .screens
        .iter_mut()
        .find(|s| s.id() == form.target.screen())
    else {
        app.popup = None;
        return Vec::new();
    };
    match screen.component_mut().apply_form(form) {
        Ok(fx) => {
            app.popup = None;
            settle(app, fx)
        }
        Err(e) => {
            form.error = Some(e);
            Vec::new()
        }
    }
}

fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    if let Some((screen, mut ctx)) = app.with_screen(None)
        && let Some(fx) = screen.component_mut().on_action(action, &mut ctx)
    {
        return settle(app, fx);
    }
    let fx = super::actions::app_action(app, action);
    settle(app, fx)
}

/// Carries out the [`Ui`] effects (screens to open, popups); the rest go to the loop.
pub(super) fn settle(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for effect in effects {
        match effect {
            Effect::Ui(Ui::Push(what)) => out.extend(open(app, what)),
            Effect::Ui(Ui::Form(form)) => app.popup = Some(Popup::Filter(form)),
            Effect::Ui(Ui::Confirm {
                title,
                keys,
                question,
                yes,
                saying,
                no,
            }) => {
                app.popup = Some(Popup::Confirm(Confirm {
                    title,
                    keys,
                    question,
                    yes,
                    saying,
                    no,
                }))
            }
            other => out.push(other),
        }
    }
    out
}

/// Pushes a new screen made by `make(id)`; returns its first requests.
fn open_screen(app: &mut App, make: impl FnOnce(ScreenId) -> (Screen, Vec<Effect>)) -> Vec<Effect> {
    let (screen, fx) = make(app.new_screen_id());
    app.screens.push(screen);
    settle(app, fx)
}

/// Opens the screen a global key names, unless the one on top is that screen already.
pub(super) fn open_unless_on_top(app: &mut App, what: Open) -> Vec<Effect> {
    let (screen, fx) = Screen::make(app.new_screen_id(), what);
    if app.top().is_some_and(|top| top.same_kind(&screen)) {
        return Vec::new();
    }
    app.screens.push(screen);
    settle(app, fx)
}

/// Makes the screen a screen asked for.
pub(super) fn open(app: &mut App, what: Open) -> Vec<Effect> {
    open_screen(app, |id| Screen::make(id, what))
}

fn on_msg(app: &mut App, msg: Msg) -> Vec<Effect> {
    if let Some((id, generation)) = msg.screen() {
        return on_reply(app, id, generation, msg);
    }
    match msg {
        Msg::Categories(c) => app.categories = c,
        Msg::SearchReady => app.search_ready = true,
        Msg::RefreshProgress(p) => {
            if let Some(run) = &mut app.refresh {
                run.progress = p;
            }
        }
        Msg::RefreshDone(outcome) => {
            let cancelled = app.refresh.take().is_some_and(|r| r.cancelling);
            match outcome {
                Ok((summary, snapshot)) => {
                    app.status = Some(format!(
                        "snapshot #{} \"{}\" written: {} GPTs fetched; it is open now",
                        summary.snapshot,
                        crate::text::line(&summary.label),
                        summary.fetched
                    ));
                    return vec![Effect::Reopen(snapshot)];
                }
                Err(_) if cancelled => {
                    app.status =
                        Some("refresh cancelled; r continues it where it stopped".to_owned());
                }
                Err(e) => {
                    app.popup = Some(Popup::Error(format!(
                        "The refresh stopped: {e}\n\nNo snapshot was written; r tries again and \
                         continues from what was fetched."
                    )));
                }
            }
        }
        Msg::Removed(r) => {
            app.status = Some(format!(
                "deleted snapshot #{} ({}): the file went from {} to {} MB",
                r.snapshot,
                crate::text::line(&r.label),
                r.bytes_before / 1_000_000,
                r.bytes_after / 1_000_000
            ));
        }
        Msg::Exported {
            path,
            rows,
            authors,
        } => {
            app.status = Some(format!(
                "exported {} {} to {}",
                crate::text::thousands(rows as i64),
                if authors { "authors" } else { "GPTs" },
                crate::text::line(&path.display().to_string())
            ));
        }
        Msg::Failed { message, .. } => app.popup = Some(Popup::Error(message)),
        _ => {}
    }
    Vec::new()
}

/// A reply for screen `id`: dropped when the screen is gone or it answers an older generation
/// (a newer request is on its way); else the screen's.
fn on_reply(app: &mut App, id: ScreenId, generation: Option<u64>, msg: Msg) -> Vec<Effect> {
    let Some((screen, mut ctx)) = app.with_screen(Some(id)) else {
        return Vec::new(); // the screen is gone: nobody is waiting
    };
    let screen = screen.component_mut();
    if generation.is_some_and(|g| g != screen.generation()) {
        return Vec::new();
    }
    if let Msg::Failed { message, .. } = msg {
        if screen.on_failed(&message) {
            app.popup = Some(Popup::Error(message));
        }
        return Vec::new();
    }
    let fx = screen.on_reply(msg, &mut ctx);
    settle(app, fx)
}
