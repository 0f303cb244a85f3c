//! The full-screen explorer. One owner of state ([`state::App`]); user intent as [`action::Action`]s
//! from the keymap; facts from workers as [`msg::Msg`]s; [`update::update`] turns either into
//! state changes and [`msg::Effect`]s without doing I/O; [`ui::draw`] is a pure function of the
//! state. The loop here is the only place that touches the terminal and the workers: it waits
//! (tokio `select!`) for a key, a resize, a worker message, a signal, or a spinner tick while
//! something loads, applies it, and redraws only when something changed.

pub mod action;
pub mod charts;
pub mod driver;
pub mod exits;
pub mod form;
pub mod history;
pub mod input;
pub mod live;
pub mod msg;
pub mod refresh;
pub mod searcher;
pub mod state;
pub mod ui;
pub mod update;
pub mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_charts;
#[cfg(test)]
mod tests_live;

use crate::store::query::SnapshotInfo;
use msg::{Effect, Msg};
use state::App;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use update::Event;
use worker::Worker;

/// What the explorer opens.
pub struct Options {
    pub db_path: PathBuf,
    pub lock_timeout: Duration,
    pub snapshot: SnapshotInfo,
    /// How live panes reach the store.
    pub live: crate::live::LiveConfig,
    /// Monetisation-signal rules for the snapshots a refresh writes.
    pub rules: std::sync::Arc<crate::signals::Rules>,
    /// Keymap overrides, theme, mouse.
    pub config: crate::config::Config,
}

/// Restores the terminal however the explorer ends (return, error, panic unwinding); `true`:
/// the mouse was captured.
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        if self.0 {
            let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
        }
        ratatui::restore();
    }
}

/// Runs the explorer until the user quits (or SIGTERM/SIGHUP).
pub fn run(opts: Options) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_loop(opts))
}

async fn run_loop(opts: Options) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let (msg_tx, mut msgs) = unbounded_channel::<Msg>();
    let reply = |tx: tokio::sync::mpsc::UnboundedSender<Msg>| {
        move |m| {
            let _ = tx.send(m);
        }
    };
    // The database worker and the searcher work on one snapshot: a new one gets new workers.
    let spawn_workers = |snapshot: &SnapshotInfo| -> anyhow::Result<(Worker, searcher::Searcher)> {
        let worker = Worker::spawn(
            opts.db_path.clone(),
            opts.lock_timeout,
            snapshot.clone(),
            reply(msg_tx.clone()),
        )?;
        let searcher = searcher::Searcher::spawn(
            opts.db_path.clone(),
            opts.lock_timeout,
            snapshot.clone(),
            reply(msg_tx.clone()),
        )?;
        Ok((worker, searcher))
    };
    let (mut worker, mut searcher) = spawn_workers(&opts.snapshot)?;
    let client = crate::live::Client::new(opts.live.clone())?;
    let mut live = live::LiveWorker::new(client.clone(), reply(msg_tx.clone()));
    let setup = refresh::Setup {
        db_path: opts.db_path.clone(),
        lock_timeout: opts.lock_timeout,
        client,
        rules: opts.rules.clone(),
    };
    let mut refresh_cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>> = None;
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore(opts.config.mouse);
    if opts.config.mouse {
        crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    let mut input = spawn_input();
    let size = terminal.size()?;
    let mut app = App::new(opts.snapshot.clone(), (size.width, size.height));
    app.store_url = opts.live.base_url.clone();
    app.keymap = action::Keymap::with(&opts.config.keys);
    app.theme = opts.config.theme;
    let mut effects = update::start(&mut app);
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        let mut effects_after = Vec::new();
        for effect in effects.drain(..) {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::Send(request) => {
                    if !worker.send(request) {
                        anyhow::bail!("the database worker stopped");
                    }
                }
                Effect::Search(request) => {
                    if !searcher.send(request) {
                        anyhow::bail!("the search worker stopped");
                    }
                }
                Effect::Live(request) => live.send(request),
                Effect::CancelLive(screen) => live.cancel(screen),
                Effect::Refresh(plan) => {
                    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
                    refresh_cancel = Some(cancel.clone());
                    let tx = msg_tx.clone();
                    tokio::spawn(refresh::run(
                        setup.clone(),
                        plan,
                        cancel,
                        std::sync::Arc::new(move |m| {
                            let _ = tx.send(m);
                        }),
                    ));
                }
                Effect::CancelRefresh => {
                    if let Some(c) = &refresh_cancel {
                        c.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                Effect::Copy(text) => exits::copy(&text),
                Effect::Open(url) => {
                    if let Err(e) = exits::open(&url) {
                        app.status = Some(e);
                    }
                }
                Effect::Reopen(snapshot) => {
                    (worker, searcher) = spawn_workers(&snapshot)?;
                    refresh_cancel = None;
                    effects_after.extend(app.reopen(*snapshot));
                }
            }
        }
        if !effects_after.is_empty() {
            effects = effects_after;
            continue;
        }
        terminal.draw(|frame| ui::draw(frame, &app))?;
        let event = tokio::select! {
            ev = input.recv() => match ev.and_then(terminal_event) {
                Some(e) => e,
                None if input.is_closed() => return Ok(()),
                None => continue,
            },
            Some(m) = msgs.recv() => Event::Msg(m),
            _ = ticker.tick(), if app.is_loading() => Event::Tick,
            _ = sigterm.recv() => return Ok(()),
            _ = sighup.recv() => return Ok(()),
        };
        effects = update::update(&mut app, event);
        // Apply whatever else is already waiting before drawing again.
        loop {
            let next = match input.try_recv() {
                Ok(ev) => terminal_event(ev),
                Err(_) => msgs.try_recv().ok().map(Event::Msg),
            };
            let Some(next) = next else { break };
            effects.extend(update::update(&mut app, next));
        }
    }
}

fn terminal_event(ev: crossterm::event::Event) -> Option<Event> {
    match ev {
        crossterm::event::Event::Key(k) => Some(Event::Key(k)),
        crossterm::event::Event::Mouse(m) => Some(Event::Mouse(m)),
        crossterm::event::Event::Resize(w, h) => Some(Event::Resize(w, h)),
        _ => None,
    }
}

/// Terminal input on its own thread (crossterm's read blocks).
fn spawn_input() -> UnboundedReceiver<crossterm::event::Event> {
    let (tx, rx) = unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("gptscope-input".into())
        .spawn(move || {
            while let Ok(ev) = crossterm::event::read() {
                if tx.send(ev).is_err() {
                    break;
                }
            }
        });
    // Without an input thread the receiver closes at once and the loop ends cleanly.
    drop(spawned);
    rx
}
