//! The full-screen explorer, one folder per part:
//!
//! - `app/`: the one owner of UI state ([`app::App`]), the router ([`app::router::update`]:
//!   events in, state changes and [`msg::Effect`]s out, no I/O), the frame's drawing, the one
//!   effect runner, and the synchronous driver the tests and benchmarks use;
//! - `screens/`: a folder per screen (state and keys in `mod.rs`, drawing in `view.rs`), each a
//!   [`screens::Component`];
//! - `popups/`: help, the filter form, export, refresh, a confirmation, an error;
//! - `kit/`: what screens are built from (cursor, input, form, search prompt, `Load`, the
//!   recorded viewport, the shared table drawing, the GPT list);
//! - `keys/`: the Action table (keys per context, help, hints);
//! - `services/`: the background work behind one handle shape;
//! - `msg`: the effect types between them.
//!
//! The loop here is the only place that touches the terminal: it waits (tokio `select!`) for a
//! key, a resize, a worker message, a signal, or a spinner tick while something loads, applies
//! it, and redraws only when something changed.

pub mod app;
pub mod keys;
pub mod kit;
pub mod msg;
pub mod popups;
pub mod screens;
pub mod services;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_charts;
#[cfg(test)]
mod tests_layout;
#[cfg(test)]
mod tests_live;
#[cfg(test)]
mod tests_shelves;

use crate::store::query::SnapshotInfo;
use app::App;
use app::router::{Event, start, update};
use app::runner::{Outlets, carry_out};
use msg::{Job, LiveRequest, Msg, Request, ScreenId, SearchRequest};
use services::Service;
use services::db::Worker;
use services::live::LiveWorker;
use services::refresh::Refresher;
use services::searcher::Searcher;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

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

/// The loop's outlets: the services on threads and tasks; replies arrive on the channel.
struct Services {
    db_path: PathBuf,
    lock_timeout: Duration,
    tx: UnboundedSender<Msg>,
    worker: Worker,
    searcher: Searcher,
    live: LiveWorker,
    refresher: Refresher,
}

/// Replies into the loop's channel.
fn reply(tx: &UnboundedSender<Msg>) -> impl Fn(Msg) + Send + Sync + Clone + 'static {
    let tx = tx.clone();
    move |m| {
        let _ = tx.send(m);
    }
}

impl Services {
    /// The database worker and the searcher work on one snapshot: a new one gets new workers.
    fn workers(&self, snapshot: &SnapshotInfo) -> anyhow::Result<(Worker, Searcher)> {
        let worker = Worker::spawn(
            self.db_path.clone(),
            self.lock_timeout,
            snapshot.clone(),
            reply(&self.tx),
        )?;
        let searcher = Searcher::spawn(
            self.db_path.clone(),
            self.lock_timeout,
            snapshot.clone(),
            reply(&self.tx),
        )?;
        Ok((worker, searcher))
    }
}

impl Outlets for Services {
    fn db(&mut self, request: Request) -> anyhow::Result<()> {
        anyhow::ensure!(self.worker.send(request), "the database worker stopped");
        Ok(())
    }

    fn search(&mut self, request: SearchRequest) -> anyhow::Result<()> {
        anyhow::ensure!(self.searcher.send(request), "the search worker stopped");
        Ok(())
    }

    fn live(&mut self, request: LiveRequest) {
        self.live.send(request);
    }

    fn closed(&mut self, screen: ScreenId) {
        self.live.cancel(screen);
        self.worker.cancel(screen);
        self.searcher.cancel(screen);
    }

    fn refresh(&mut self, job: Job) {
        self.refresher.send(job);
    }

    fn cancel_refresh(&mut self) {
        self.refresher.cancel(msg::APP);
    }

    fn copy(&mut self, text: String) {
        services::exits::copy(&text);
    }

    fn open(&mut self, url: String) -> Result<(), String> {
        services::exits::open(&url)
    }

    fn reopen(&mut self, snapshot: &SnapshotInfo) -> anyhow::Result<bool> {
        (self.worker, self.searcher) = self.workers(snapshot)?;
        Ok(true)
    }

    fn replies(&mut self) -> Vec<Msg> {
        Vec::new()
    }
}

async fn run_loop(opts: Options) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let (msg_tx, mut msgs) = unbounded_channel::<Msg>();
    let client = crate::live::Client::new(opts.live.clone())?;
    let setup = services::refresh::Setup {
        db_path: opts.db_path.clone(),
        lock_timeout: opts.lock_timeout,
        client: client.clone(),
        rules: opts.rules.clone(),
    };
    let first = Worker::spawn(
        opts.db_path.clone(),
        opts.lock_timeout,
        opts.snapshot.clone(),
        reply(&msg_tx),
    )?;
    let first_search = Searcher::spawn(
        opts.db_path.clone(),
        opts.lock_timeout,
        opts.snapshot.clone(),
        reply(&msg_tx),
    )?;
    let mut services = Services {
        db_path: opts.db_path.clone(),
        lock_timeout: opts.lock_timeout,
        worker: first,
        searcher: first_search,
        live: LiveWorker::new(client, reply(&msg_tx)),
        refresher: Refresher::new(setup, reply(&msg_tx)),
        tx: msg_tx,
    };
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
    app.keymap = keys::Keymap::with(&opts.config.keys);
    app.theme = opts.config.theme;
    app.home = std::env::var_os("HOME").map(PathBuf::from);
    let mut effects = start(&mut app);
    let mut ticker = tokio::time::interval(Duration::from_millis(120));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        if carry_out(&mut app, std::mem::take(&mut effects), &mut services)? {
            return Ok(());
        }
        terminal.draw(|frame| app::view::draw(frame, &app))?;
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
        effects = update(&mut app, event);
        // Apply whatever else is already waiting before drawing again.
        loop {
            let next = match input.try_recv() {
                Ok(ev) => terminal_event(ev),
                Err(_) => msgs.try_recv().ok().map(Event::Msg),
            };
            let Some(next) = next else { break };
            effects.extend(update(&mut app, next));
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
