//! The explorer without a terminal: the real worker answering synchronously, `update()` fed
//! keys, the screen drawn into ratatui's `TestBackend`. Used by the tests and the benchmarks, so
//! both exercise exactly what the terminal loop runs.

use super::msg::{Effect, Request};
use super::searcher::SearchState;
use super::state::{App, GptList, Screen};
use super::update::{Event, start, update};
use super::worker::State;
use crate::store::Db;
use crate::store::query::{self, SnapshotInfo};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

pub struct Driver {
    pub app: App,
    worker: State,
    searcher: SearchState,
    /// Live panes' store, answered synchronously on a runtime of its own (none: not set up).
    live: Option<(tokio::runtime::Runtime, crate::live::Client)>,
    /// Every request sent, in order.
    pub sent: Vec<Request>,
    /// What went to the clipboard, and to the browser.
    pub copied: Vec<String>,
    pub opened: Vec<String>,
    terminal: Terminal<TestBackend>,
    path: std::path::PathBuf,
}

/// The workers of one snapshot, answering synchronously.
fn workers(path: &Path, snapshot: &SnapshotInfo) -> anyhow::Result<(State, SearchState)> {
    let worker = State::new(Db::open(path, Duration::from_secs(5))?, snapshot.clone());
    let mut searcher = SearchState::new(Db::open(path, Duration::from_secs(5))?, snapshot.clone());
    searcher.load_now()?;
    Ok((worker, searcher))
}

impl Driver {
    /// Opens a snapshot (the newest when `None`) of the database at `path`, and runs the
    /// explorer's start: the first list is loaded and drawn.
    pub fn open(path: &Path, snapshot: Option<i64>, size: (u16, u16)) -> anyhow::Result<Driver> {
        let db = Db::open(path, Duration::from_secs(5))?;
        let snapshot: SnapshotInfo = query::snapshot(&db, snapshot)?;
        drop(db);
        let (worker, searcher) = workers(path, &snapshot)?;
        let mut d = Driver {
            path: path.to_path_buf(),
            app: App::new(snapshot, size),
            worker,
            searcher,
            live: None,
            sent: Vec::new(),
            copied: Vec::new(),
            opened: Vec::new(),
            terminal: Terminal::new(TestBackend::new(size.0, size.1))?,
        };
        let mut fx = start(&mut d.app);
        fx.extend(update(&mut d.app, Event::Msg(super::msg::Msg::SearchReady)));
        d.run(fx);
        Ok(d)
    }

    /// Answers live panes from the store `config` points at.
    pub fn with_live(mut self, config: crate::live::LiveConfig) -> anyhow::Result<Driver> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        self.app.store_url = config.base_url.clone();
        self.live = Some((rt, crate::live::Client::new(config)?));
        Ok(self)
    }

    /// Carries out effects, answering requests with the workers, until nothing is left.
    pub fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let msgs = RefCell::new(Vec::new());
            match effect {
                Effect::Send(request) => {
                    self.sent.push(request.clone());
                    self.worker.handle(request, &|m| msgs.borrow_mut().push(m));
                }
                Effect::Search(request) => {
                    if let Some(m) = self.searcher.handle(&request, &|| false) {
                        msgs.borrow_mut().push(m);
                    }
                }
                Effect::Live(request) => {
                    let result = match &self.live {
                        Some((rt, client)) => rt
                            .block_on(super::live::fetch(client, &request.kind))
                            .map(std::sync::Arc::new)
                            .map_err(|e| e.to_string()),
                        None => Err("no live store set up".to_owned()),
                    };
                    msgs.borrow_mut().push(super::msg::Msg::Live {
                        screen: request.screen,
                        generation: request.generation,
                        result,
                        at: crate::time::now(),
                    });
                }
                Effect::Refresh(plan) => {
                    let Some((rt, client)) = &self.live else {
                        msgs.borrow_mut().push(super::msg::Msg::RefreshDone(Err(
                            "no live store set up".into(),
                        )));
                        continue;
                    };
                    let setup = super::refresh::Setup {
                        db_path: self.path.clone(),
                        lock_timeout: Duration::from_secs(5),
                        client: client.clone(),
                        rules: std::sync::Arc::new(crate::signals::Rules::default()),
                    };
                    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
                    let sink = got.clone();
                    rt.block_on(super::refresh::run(
                        setup,
                        plan,
                        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
                        std::sync::Arc::new(move |m| {
                            if let Ok(mut v) = sink.lock() {
                                v.push(m);
                            }
                        }),
                    ));
                    if let Ok(mut v) = got.lock() {
                        msgs.borrow_mut().append(&mut v);
                    }
                }
                Effect::Reopen(snapshot) => {
                    match workers(&self.path, &snapshot) {
                        Ok((w, s)) => {
                            self.worker = w;
                            self.searcher = s;
                        }
                        Err(e) => {
                            msgs.borrow_mut().push(super::msg::Msg::Failed {
                                screen: None,
                                message: e.to_string(),
                            });
                            continue;
                        }
                    }
                    queue.extend(self.app.reopen(*snapshot));
                    queue.extend(update(
                        &mut self.app,
                        Event::Msg(super::msg::Msg::SearchReady),
                    ));
                }
                Effect::Copy(text) => self.copied.push(text),
                Effect::Open(url) => self.opened.push(url),
                Effect::CancelRefresh | Effect::CancelLive(_) | Effect::Quit => continue,
            }
            for m in msgs.into_inner() {
                queue.extend(update(&mut self.app, Event::Msg(m)));
            }
        }
    }

    /// Does the worker's idle work (sorting every column) now.
    pub fn prepare_all(&mut self) {
        while self.worker.prepare_pending() {
            self.worker.prepare_one();
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> &mut Self {
        let fx = update(&mut self.app, Event::Key(key));
        self.run(fx);
        self
    }

    /// A key as typed (capitals and `?<>` with shift).
    pub fn press(&mut self, code: KeyCode) -> &mut Self {
        let mods = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() || "?<>".contains(c) => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        self.key(KeyEvent::new(code, mods))
    }

    pub fn keys(&mut self, s: &str) -> &mut Self {
        for c in s.chars() {
            self.press(KeyCode::Char(c));
        }
        self
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        let fx = update(&mut self.app, Event::Resize(w, h));
        self.run(fx);
        self.terminal.backend_mut().resize(w, h);
    }

    /// Draws a frame; returns its buffer.
    pub fn draw(&mut self) -> Buffer {
        let app = &self.app;
        let _ = self.terminal.draw(|f| super::ui::draw(f, app));
        self.terminal.backend().buffer().clone()
    }

    /// The screen as text, one line per row, wide characters once.
    pub fn screen(&mut self) -> String {
        let buf = self.draw();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = crate::text::width(sym).saturating_sub(1);
                line.push_str(sym);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The GPT list on top (the main table or an author page's).
    pub fn list(&self) -> Option<&GptList> {
        match self.app.top()? {
            Screen::Gpts(l) => Some(l),
            Screen::Author(p) => Some(&p.list),
            _ => None,
        }
    }

    pub fn selected_name(&self) -> String {
        self.list()
            .and_then(|l| l.selected_row())
            .map(|r| r.name.clone())
            .unwrap_or_default()
    }
}
