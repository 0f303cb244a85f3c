//! The real binary in a pseudo-terminal, typed at like a person, the screen read back through a
//! terminal emulator (vt100): open, page, sort, filter, detail, author, back, help, quit, and
//! the terminal is given back as it was.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gptscope"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("GPTSCOPE_DB");
        cmd.env_remove("GPTSCOPE_CONFIG");
        cmd.env_remove("DISPLAY");
        cmd.env_remove("WAYLAND_DISPLAY");
        cmd.env_remove("TMUX");
        cmd.env("XDG_CONFIG_HOME", env!("CARGO_MANIFEST_DIR"));
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let size = |n: u16| std::num::NonZeroU16::new(n).unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(40), size(120), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let _master = pty.master; // keep the PTY open while reading
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Session {
            screen,
            raw,
            writer,
            child,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let c = self.contents();
            if c.contains(text) {
                return c;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}; the screen shows:\n{c}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `Q`, and gptscope exits successfully within 10 s.
    fn quit(&mut self) {
        self.send("Q");
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "gptscope did not quit");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "{status:?}");
    }

    fn send(&mut self, bytes: &str) -> &mut Self {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // A person types a little slower than a program.
        std::thread::sleep(Duration::from_millis(60));
        self
    }
}

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const LEFT: &str = "\x1b[D";
const RIGHT: &str = "\x1b[C";
const PGDN: &str = "\x1b[6~";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";

#[test]
fn a_person_explores_the_sample_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let mut s = Session::start(&["--db", db.to_str().unwrap()]);
    let first = s.wait_for("1 of 397");
    assert!(first.contains("Scholar GPT"));
    assert!(first.contains("BeeTrove sample (2024-03)"));
    assert!(first.contains("by conversations ↓"));

    s.send("j").send(PGDN);
    s.wait_for("38 of 397"); // j: row 2; PgDn: a page of 36 rows further

    // Sort by name: focus the name column (six to the left of conversations), ascending.
    for _ in 0..6 {
        s.send(LEFT);
    }
    s.send("[");
    s.wait_for("by name ↑");
    // …and back to conversations, biggest first.
    for _ in 0..6 {
        s.send(RIGHT);
    }
    s.send("]");
    s.wait_for("by conversations ↓");

    // Filter to GPTs with Actions.
    s.send("f");
    s.wait_for("Filters");
    for _ in 0..4 {
        s.send(DOWN);
    }
    s.send(RIGHT).send(ENTER);
    s.wait_for("has actions");
    s.wait_for("of 43");
    s.send("x");
    s.wait_for("no filters");

    // Scholar GPT's detail, its author, back.
    s.send("g").send(ENTER);
    s.wait_for("actions.sider.ai");
    s.send("A");
    s.wait_for("┌ Author");
    s.send(ESC);
    s.wait_for("actions.sider.ai");
    s.send(ESC);
    let back = s.wait_for("1 of 397");
    assert!(back.contains("Scholar GPT"));

    // Fuzzy search: the matched letters highlighted, Enter keeps it, Esc goes back.
    s.send("/");
    for c in "scholr".chars() {
        s.send(&c.to_string());
    }
    let found = s.wait_for("/scholr");
    let first_row = found.lines().nth(3).unwrap_or("");
    assert!(first_row.starts_with("Scholar GPT"), "{found}");
    {
        let parser = s.screen.lock().unwrap();
        let screen = parser.screen();
        let marked: String = (0..20)
            .filter_map(|col| screen.cell(3, col))
            .filter(|c| c.bold() && c.underline())
            .map(|c| c.contents().to_string())
            .collect();
        assert_eq!(marked, "Scholr", "highlighted letters");
    }
    s.send(ENTER);
    s.wait_for("search \"scholr\"");
    s.send("/").send(ESC);
    s.wait_for("no filters");
    s.wait_for("1 of 397");

    // The histogram screen: the sample's tool counts, and a bar opened as a list.
    s.send("h");
    let charts = s.wait_for("Tools (GPTs with at least one)");
    for (tool, n) in [
        ("browser", "342"),
        ("python", "223"),
        ("dalle", "296"),
        ("actions", "43"),
    ] {
        let line = charts
            .lines()
            .find(|l| l.trim_start().starts_with(tool))
            .unwrap_or_else(|| panic!("a {tool} bar:\n{charts}"));
        assert!(line.contains(n), "{line}");
    }
    assert!(charts.contains("397 GPTs by 381 authors"), "{charts}");
    s.send("j").send("j").send("j").send(ENTER); // the fourth bar: actions
    s.wait_for("tools: actions");
    s.wait_for("of 43");
    s.send(ESC).send(ESC);
    s.wait_for("1 of 397");

    s.send("?");
    s.wait_for("Quit gptscope");
    s.send(ESC);
    // Copy Scholar GPT's URL: OSC 52 reaches the terminal (and so the clipboard, over SSH too).
    s.send("Y");
    s.wait_for("copied the GPT URL");
    let osc52 = gptscope::tui::services::exits::osc52("https://chatgpt.com/g/g-kZ0eYXlJe", false);
    let raw = s.raw.lock().unwrap().clone();
    assert!(
        raw.windows(osc52.len()).any(|w| w == osc52.as_bytes()),
        "the OSC 52 sequence was written"
    );
    s.quit();
    std::thread::sleep(Duration::from_millis(100));
    // The terminal is back: main screen, cursor shown, alternate screen left.
    let screen = s.screen.lock().unwrap();
    assert!(
        !screen.screen().alternate_screen(),
        "still on the alternate screen"
    );
    assert!(!screen.screen().hide_cursor(), "cursor still hidden");
    let raw = s.raw.lock().unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("\x1b[?1049l"), "left the alternate screen");
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let mut s = Session::start(&["--db", db.to_str().unwrap()]);
    s.wait_for("1 of 397");
    let pid = s.child.process_id().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "gptscope ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(!s.screen.lock().unwrap().screen().alternate_screen());
    let _ = s.send("");
}

#[test]
fn without_a_terminal_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gptscope"))
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
}

/// The live store through the real binary: a GPT's live pane against the snapshot, the store
/// front, a slow answer that does not freeze the screen, and a shelves refresh that ends in
/// the new snapshot being open.
#[test]
fn a_person_looks_at_the_live_store_and_refreshes_it() {
    use gptscope_testkit::mock::{Fault, FaultRule, MockConfig, MockStore};
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let store = MockStore::start(
        &fixture,
        MockConfig {
            extra_per_shelf: 20,
            ..MockConfig::default()
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let url = store.url();
    let mut s = Session::start(&[
        "--db",
        db.to_str().unwrap(),
        "--base-url",
        &url,
        "--rate",
        "0",
    ]);
    s.wait_for("1 of 397");

    // Scholar GPT now, beside the snapshot's values.
    s.send(ENTER);
    s.wait_for("actions.sider.ai");
    s.send("l");
    let live = s.wait_for("changed since snapshot #1");
    assert!(live.contains("* tools"), "{live}");
    assert!(live.contains("loaded at"), "{live}");
    s.send(ESC).send(ESC);
    s.wait_for("1 of 397");

    // A slow answer: the spinner shows, and keys still work meanwhile.
    store.fault(FaultRule {
        path: "/gizmos/".into(),
        fault: Fault::Slow(Duration::from_secs(12)),
        times: Some(1),
    });
    s.send("j").send("l");
    s.wait_for("loading");
    let asked = Instant::now();
    s.send(ESC);
    s.wait_for("2 of 397");
    assert!(
        asked.elapsed() < Duration::from_secs(8),
        "Esc was handled while the request was pending"
    );

    // The store front, GPTs not in the snapshot marked.
    s.send("S");
    s.wait_for("Trending (trending)");
    // The marks come with the snapshot's answer, which may follow the store's.
    let front = s.wait_for("not in the snapshot");
    assert!(front.contains("Trending (trending)"), "{front}");
    s.send(ESC);

    // A shelves refresh: the dialog, the run, the new snapshot open.
    s.send("r");
    s.wait_for("into a new snapshot");
    s.send(ENTER);
    let done = s.wait_for("it is open now");
    assert!(done.contains("snapshot #2"), "{done}");
    s.wait_for("shelves refresh");
    s.send("Q");
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "gptscope did not quit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// No network: every live pane says so calmly, and browsing the snapshot goes on.
#[test]
fn without_a_network_the_live_panes_say_so_and_browsing_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    let mut s = Session::start(&[
        "--db",
        db.to_str().unwrap(),
        "--base-url",
        "http://127.0.0.1:9",
    ]);
    s.wait_for("1 of 397");
    s.send("S");
    s.wait_for("cannot reach 127.0.0.1:9");
    s.send(ESC);
    s.send("l");
    s.wait_for("cannot reach 127.0.0.1:9");
    s.send(ESC).send("j");
    s.wait_for("2 of 397");
    s.send("Q");
}

/// The summary line of a diff ("N added · N removed · N changed · N shelf moves") as the CLI
/// prints it.
fn cli_summary(db: &std::path::Path, a: &str, b: &str) -> String {
    let o = crate::common::run(db, &["diff", a, b]);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    crate::common::stdout(&o)
        .lines()
        .nth(1)
        .expect("a summary line")
        .to_owned()
}

/// The issue's "done when": two daily store-front archives and two detail snapshots imported;
/// a newcomer sees what changed (the same figures as the CLI diff), jumps from change to
/// change, sees both versions of a renamed GPT, and opens a GPT's history.
#[test]
fn a_newcomer_follows_the_store_over_time() {
    let (dir, db) = crate::common::temp_db();
    // Two days of the store front: the next day the first shelf is reversed and loses a GPT.
    let (root, _) = crate::common::two_store_front_days(dir.path());
    let o = crate::common::run(&db, &["import", "--by-date", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", crate::common::stderr(&o));
    // Two detail snapshots a month apart: every tenth GPT changed in a known way.
    crate::common::import_history(&db, dir.path(), ("2026-05-01", "2026-06-01"));
    assert_eq!(crate::common::snapshot_ids(&db), vec![1, 2, 3, 4, 5]);

    let mut s = Session::start(&["--db", db.to_str().unwrap()]);
    s.wait_for("after.jsonl");
    s.send("s");
    s.wait_for("#5");
    // The store front: mark day one, diff day two against it.
    s.send(UP).send(UP).send(UP).send(" ").send(DOWN).send("d");
    let screen = s.wait_for("#2 → #3: ");
    let shelves = cli_summary(&db, "2", "3");
    assert!(
        screen.contains(&format!("#2 → #3: {shelves}")),
        "{shelves}\n{screen}"
    );
    assert!(screen.contains("shelf left"), "{screen}");
    // The details: mark #4, diff #5 against it.
    s.send(ESC).send(DOWN).send(" ").send(DOWN).send("d");
    let screen = s.wait_for("#4 → #5: ");
    let details = cli_summary(&db, "4", "5");
    assert!(
        screen.contains(&format!("#4 → #5: {details}")),
        "{details}\n{screen}"
    );
    assert!(screen.contains("conversations 5"), "{screen}");
    // Jump to a renamed GPT and see both versions, the new name marked.
    s.send(RIGHT).send(RIGHT).send(RIGHT);
    s.wait_for("type: name");
    s.send("]").send(ENTER);
    let screen = s.wait_for("↔");
    let renamed = screen
        .lines()
        .find(|l| l.contains("Reloaded") && l.contains("» "))
        .unwrap_or_else(|| panic!("the new name on screen:\n{screen}"));
    assert!(renamed.contains("» "), "{renamed}");
    let name = renamed.rsplit("» ").next().unwrap().trim().to_owned();
    // Back to the list of #5, find that GPT, open it: its history across #4 and #5.
    s.send(ESC).send(ESC).send(ESC);
    s.wait_for("by conversations ↓");
    s.send("/");
    for c in name.chars() {
        s.send(&c.to_string());
    }
    s.send(ENTER);
    s.wait_for("of 1");
    s.send(ENTER);
    s.wait_for(&name);
    for _ in 0..40 {
        s.send("j");
    }
    let screen = s.wait_for("History: 2 snapshots");
    assert!(
        screen.contains("2026-05-01") && screen.contains("2026-06-01"),
        "{screen}"
    );
    // The store front's history, as its CLI twin counts it; day one to day two, the GPT that
    // left the first shelf.
    let twin = crate::common::run_json(&db, &["shelf-moves", "--json"]);
    let steps = twin["steps"].as_array().unwrap();
    let moves: usize = steps
        .iter()
        .map(|s| s["moves"].as_array().unwrap().len())
        .sum();
    s.send("M");
    let screen = s.wait_for(&format!("{moves} moves in {} steps", steps.len()));
    assert!(screen.contains("Shelf moves"), "{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("#2") && l.contains("#3") && l.contains("− left")),
        "{screen}"
    );
    s.quit();
}
