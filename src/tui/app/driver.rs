//! The explorer without a terminal: the real worker answering synchronously, `update()` fed
//! keys, the screen drawn into ratatui's `TestBackend`. Used by the tests and the benchmarks, so
//! both exercise exactly what the terminal loop runs.

use super::App;
use super::router::{Event, start, update};
use super::runner::{Outlets, carry_out};
use crate::store::Db;
use crate::store::query::{self, SnapshotInfo};
use crate::tui::kit::gpt_list::GptList;
use crate::tui::msg::{Effect, Job, LiveRequest, Msg, Request, ScreenId, SearchRequest};
use crate::tui::screens::Screen;
use crate::tui::services::db::State;
use crate::tui::services::searcher::SearchState;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use std::path::Path;
use std::time::Duration;

pub struct Driver {
    pub app: App,
    /// Every request sent to the database worker, in order.
    pub sent: Vec<Request>,
    /// What went to the clipboard, and to the browser.
    pub copied: Vec<String>,
    pub opened: Vec<String>,
    outlets: Sync,
    terminal: Terminal<TestBackend>,
    /// A frame was drawn since the last change (the sizes screens recorded are current).
    drawn: bool,
}

/// The driver's outlets: the workers answering at once, the clipboard and browser recorded.
struct Sync {
    worker: State,
    searcher: SearchState,
    /// Live panes' store, answered synchronously on a runtime of its own (none: not set up).
    live: Option<(tokio::runtime::Runtime, crate::live::Client)>,
    path: std::path::PathBuf,
    sent: Vec<Request>,
    copied: Vec<String>,
    opened: Vec<String>,
    replies: Vec<Msg>,
}

/// The workers of one snapshot, answering synchronously.
fn workers(path: &Path, snapshot: &SnapshotInfo) -> anyhow::Result<(State, SearchState)> {
    let worker = State::new(Db::open(path, Duration::from_secs(5))?, snapshot.clone());
    let mut searcher = SearchState::new(Db::open(path, Duration::from_secs(5))?, snapshot.clone());
    searcher.load_now()?;
    Ok((worker, searcher))
}

impl Outlets for Sync {
    fn db(&mut self, request: Request) -> anyhow::Result<()> {
        self.sent.push(request.clone());
        let replies = std::cell::RefCell::new(Vec::new());
        self.worker
            .handle(request, &|m| replies.borrow_mut().push(m));
        self.replies.extend(replies.into_inner());
        Ok(())
    }

    fn search(&mut self, request: SearchRequest) -> anyhow::Result<()> {
        if let Some(m) = self.searcher.handle(&request, &|| false) {
            self.replies.push(m);
        }
        Ok(())
    }

    fn live(&mut self, request: LiveRequest) {
        let result = match &self.live {
            Some((rt, client)) => rt
                .block_on(crate::tui::services::live::fetch(client, &request.kind))
                .map(std::sync::Arc::new)
                .map_err(|e| e.to_string()),
            None => Err("no live store set up".to_owned()),
        };
        self.replies.push(Msg::Live {
            screen: request.screen,
            generation: request.generation,
            result,
            at: crate::time::now(),
        });
    }

    fn closed(&mut self, _screen: ScreenId) {}

    fn refresh(&mut self, job: Job) {
        let Some((rt, client)) = &self.live else {
            self.replies
                .push(Msg::RefreshDone(Err("no live store set up".into())));
            return;
        };
        let setup = crate::tui::services::refresh::Setup {
            db_path: self.path.clone(),
            lock_timeout: Duration::from_secs(5),
            client: client.clone(),
            rules: std::sync::Arc::new(crate::signals::Rules::default()),
        };
        let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = got.clone();
        rt.block_on(crate::tui::services::refresh::run(
            setup,
            job,
            std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
            std::sync::Arc::new(move |m| {
                if let Ok(mut v) = sink.lock() {
                    v.push(m);
                }
            }),
        ));
        if let Ok(mut v) = got.lock() {
            self.replies.append(&mut v);
        }
    }

    fn cancel_refresh(&mut self) {}

    fn copy(&mut self, text: String) {
        self.copied.push(text);
    }

    fn open(&mut self, url: String) -> Result<(), String> {
        self.opened.push(url);
        Ok(())
    }

    fn reopen(&mut self, snapshot: &SnapshotInfo) -> anyhow::Result<bool> {
        match workers(&self.path, snapshot) {
            Ok((w, s)) => {
                self.worker = w;
                self.searcher = s;
                // The index is loaded at once.
                self.replies.push(Msg::SearchReady);
                Ok(true)
            }
            Err(e) => {
                self.replies.push(Msg::Failed {
                    screen: None,
                    message: e.to_string(),
                });
                Ok(false)
            }
        }
    }

    fn replies(&mut self) -> Vec<Msg> {
        std::mem::take(&mut self.replies)
    }
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
            app: App::new(snapshot, size),
            sent: Vec::new(),
            copied: Vec::new(),
            opened: Vec::new(),
            outlets: Sync {
                worker,
                searcher,
                live: None,
                path: path.to_path_buf(),
                sent: Vec::new(),
                copied: Vec::new(),
                opened: Vec::new(),
                replies: Vec::new(),
            },
            terminal: Terminal::new(TestBackend::new(size.0, size.1))?,
            drawn: false,
        };
        d.app.home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        let mut fx = start(&mut d.app);
        fx.extend(update(&mut d.app, Event::Msg(Msg::SearchReady)));
        d.run(fx);
        d.settle_frame();
        Ok(d)
    }

    /// Answers live panes from the store `config` points at.
    pub fn with_live(mut self, config: crate::live::LiveConfig) -> anyhow::Result<Driver> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        self.app.store_url = config.base_url.clone();
        self.outlets.live = Some((rt, crate::live::Client::new(config)?));
        Ok(self)
    }

    /// Like the loop, a frame between one change and the next event: drawn off screen when the
    /// caller drew none, so the next key finds the sizes the screens were drawn at.
    fn settle_frame(&mut self) {
        if self.drawn {
            return;
        }
        let (w, h) = self.app.size;
        let area = ratatui::layout::Rect::new(0, 0, w, h);
        super::view::render(&self.app, area, &mut Buffer::empty(area));
        self.drawn = true;
    }

    /// Carries out effects (the runner the terminal loop uses, with workers answering at once)
    /// until nothing is left.
    pub fn run(&mut self, effects: Vec<Effect>) {
        let _ = carry_out(&mut self.app, effects, &mut self.outlets);
        self.sent.append(&mut self.outlets.sent);
        self.copied.append(&mut self.outlets.copied);
        self.opened.append(&mut self.outlets.opened);
        self.drawn = false;
    }

    /// Does the worker's idle work (sorting every column) now.
    pub fn prepare_all(&mut self) {
        while self.outlets.worker.prepare_pending() {
            self.outlets.worker.prepare_one();
        }
    }

    pub fn key(&mut self, key: KeyEvent) -> &mut Self {
        self.settle_frame();
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
        self.settle_frame();
        self.terminal.backend_mut().resize(w, h);
        let fx = update(&mut self.app, Event::Resize(w, h));
        self.run(fx);
    }

    /// Draws a frame; returns its buffer.
    pub fn draw(&mut self) -> Buffer {
        let app = &self.app;
        let _ = self.terminal.draw(|f| super::view::draw(f, app));
        self.drawn = true;
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
