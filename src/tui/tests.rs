//! The explorer driven without a terminal: a real database (the bundled sample), the real worker
//! answering synchronously, `update()` fed keys and messages, and screens drawn into ratatui's
//! `TestBackend` (insta snapshots in `src/tui/snapshots/`).

use super::app::driver::Driver;
use super::app::router::{Event, update};
use super::kit::gpt_list::GptColumn;
use super::msg::{Effect, Msg, Request};
use super::popups::Popup;
use super::screens::Screen;
use crate::store::Db;
use crate::store::import::{ImportOptions, Input, import};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

/// GPTs whose names try to break the terminal, or its layout.
const HOSTILE: &str = r#"{"gizmo":{"id":"g-EvilName01","display":{"name":"\u001b[31mRED\u001b]0;pwned\u0007 Evil\u202eTPG \u001b[2J","description":"clears \u001b[H\u001b[2J the screen"},"author":{"user_id":"user-evil","display_name":"\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\"},"vanity_metrics":{"num_conversations_str":"9M+"}},"tools":[]}
{"gizmo":{"id":"g-Wide000001","display":{"name":"小红书爆款文案生成器 - 一键生成爆款笔记","categories":["writing"]},"author":{"user_id":"user-cjk","display_name":"小红书运营"},"vanity_metrics":{"num_conversations_str":"8M+"}},"tools":[{"type":"browser"}]}
{"gizmo":{"id":"g-Emoji00001","display":{"name":"🧙‍♂️ Grimoire 👨‍👩‍👧 e\u0301e\u0301 zero\u200bwidth","categories":["programming"]},"author":{"user_id":"user-emoji","display_name":"타로 운세박사"},"vanity_metrics":{"num_conversations_str":"7M+"}},"tools":[{"type":"python"}]}
"#;

/// A driver on a fresh database holding the sample (and, when given, a second snapshot made of
/// `extra` JSON Lines, which is then the one opened).
pub(super) struct Harness {
    driver: Driver,
    /// The database file.
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Harness {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.driver
    }
}

impl std::ops::DerefMut for Harness {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.driver
    }
}

impl Harness {
    pub(super) fn new(width: u16, height: u16) -> Harness {
        Self::with(width, height, None)
    }

    fn with(width: u16, height: u16, extra: Option<&'static str>) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut db) = crate::assets::sample_db(dir.path());
        if let Some(extra) = extra {
            let inputs = [Input::Memory {
                name: "hostile.jsonl",
                bytes: extra.as_bytes(),
            }];
            let opts = ImportOptions {
                taken_at: crate::time::parse_timestamp("2026-04-14"),
                ..ImportOptions::default()
            };
            import(&mut db, &inputs, &opts, &|_| {}).unwrap();
        }
        drop(db);
        let snapshot = Some(if extra.is_some() { 2 } else { 1 });
        Harness {
            driver: Driver::open(&path, snapshot, (width, height)).unwrap(),
            path,
            _dir: dir,
        }
    }

    /// Live panes ask the store `config` points at.
    pub(super) fn with_live(self, config: crate::live::LiveConfig) -> Harness {
        Harness {
            driver: self.driver.with_live(config).unwrap(),
            path: self.path,
            _dir: self._dir,
        }
    }

    pub(super) fn list(&self) -> &super::kit::gpt_list::GptList {
        self.driver.list().expect("a list on top")
    }

    /// Moves the GPT list's column focus to `column` with the arrow keys.
    pub(super) fn focus_column(&mut self, column: GptColumn) -> &mut Self {
        let target = column.index();
        while self.list().column > target {
            self.press(KeyCode::Left);
        }
        while self.list().column < target {
            self.press(KeyCode::Right);
        }
        self
    }
}

/// Moves the open filter form's focus to the field whose label starts with `label`.
pub(super) fn focus_field(h: &mut Harness, label: &str) {
    let Some(Popup::Filter(form)) = &h.app.popup else {
        panic!("the filter form is open")
    };
    let at = form
        .fields
        .iter()
        .position(|f| f.label.starts_with(label))
        .unwrap_or_else(|| panic!("no field {label}"));
    for _ in 0..at {
        h.press(KeyCode::Down);
    }
}

#[test]
fn opens_sorted_by_conversations_with_a_quick_first_page() {
    let mut h = Harness::new(120, 40);
    // The first order is the quick page, then the whole list, both for generation 1.
    let list = h.list();
    assert!(list.complete);
    assert_eq!(list.len(), 397);
    assert_eq!(h.selected_name(), "Scholar GPT");
    assert!(matches!(h.sent[0], Request::Gpts { generation: 1, .. }));
    let screen = h.screen();
    assert!(screen.contains("1 of 397"), "{screen}");
    assert!(screen.contains("by conversations ↓"));
}

#[test]
fn moving_paging_and_jumping() {
    let mut h = Harness::new(120, 40);
    let page = h.app.page_rows();
    h.press(KeyCode::Char('j')).press(KeyCode::Down);
    assert_eq!(h.list().cursor.selected, 2);
    h.press(KeyCode::PageDown);
    assert_eq!(h.list().cursor.selected, 2 + page);
    h.press(KeyCode::Char('G'));
    assert_eq!(h.list().cursor.selected, 396);
    assert!(h.screen().contains("397 of 397"));
    // Rows at the end were fetched and drawn.
    assert!(h.list().selected_row().is_some());
    h.press(KeyCode::Char('g'));
    assert_eq!(h.list().cursor, Default::default());
    h.key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
    assert_eq!(h.list().cursor.selected, page / 2);
    h.press(KeyCode::Up).press(KeyCode::Home).press(KeyCode::Up);
    assert_eq!(h.list().cursor.selected, 0, "no moving above the first row");
}

#[test]
fn sorting_keeps_the_selected_gpt() {
    let mut h = Harness::new(120, 40);
    h.keys("jjj");
    let chosen = h.list().selected_rowid();
    let name = h.selected_name();
    // Focus the name column, sort ascending by it.
    h.focus_column(GptColumn::Name);
    h.press(KeyCode::Char('['));
    let l = h.list();
    assert_eq!(l.sort.key, crate::store::view::SortKey::Name);
    assert!(!l.sort.descending);
    assert_eq!(l.selected_rowid(), chosen, "still on {name}");
    assert_eq!(h.selected_name(), name);
    // Same key again flips the direction, still on the same GPT.
    h.press(KeyCode::Char('['));
    assert!(h.list().sort.descending);
    assert_eq!(h.list().selected_rowid(), chosen);
    // Ascending by name really is ascending (case and leading emoji ignored).
    h.press(KeyCode::Char('['));
    let order = h.list().order.clone().unwrap();
    h.press(KeyCode::Char('g'));
    let first = h.selected_name();
    h.press(KeyCode::Char('j'));
    let second = h.selected_name();
    assert!(
        crate::store::writer::name_key(&first) <= crate::store::writer::name_key(&second),
        "{first} / {second}"
    );
    assert_eq!(order.len(), 397);
}

#[test]
fn stale_replies_are_dropped() {
    let mut h = Harness::new(120, 40);
    let list = h.list();
    let (screen, generation) = (list.id, list.generation);
    let before = list.order.clone();
    let fx = update(
        &mut h.app,
        Event::Msg(Msg::Order {
            screen,
            generation: generation - 1,
            order: vec![1u32, 2, 3].into(),
            complete: true,
            total: 3,
            took: Duration::ZERO,
        }),
    );
    assert!(fx.is_empty());
    assert_eq!(
        h.list().order,
        before,
        "an older generation does not overwrite the list"
    );
    // Replies to a screen that is gone are ignored too.
    let fx = update(
        &mut h.app,
        Event::Msg(Msg::Rows {
            screen: 999,
            rows: Vec::new(),
        }),
    );
    assert!(fx.is_empty());
}

#[test]
fn filters_combine_show_counts_and_clear() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Tool: actions");
    h.press(KeyCode::Right); // has actions
    h.press(KeyCode::Enter);
    assert!(h.app.popup.is_none());
    assert_eq!(h.list().len(), 43, "43 sample GPTs have Actions");
    assert!(h.screen().contains("filters: has actions"));
    assert_eq!(
        h.selected_name(),
        "Scholar GPT",
        "it has Actions, so it stays selected"
    );
    // Combine with a category.
    h.press(KeyCode::Char('f'));
    h.press(KeyCode::Right); // first category in the list (the most common)
    h.press(KeyCode::Enter);
    let n = h.list().len();
    assert!(n > 0 && n < 43, "{n}");
    // An invalid value keeps the form open and says which field.
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Minimum rating");
    h.keys("abc");
    h.press(KeyCode::Enter);
    match &h.app.popup {
        Some(Popup::Filter(form)) => assert!(
            form.error
                .as_deref()
                .unwrap_or("")
                .contains("Minimum rating")
        ),
        _ => panic!("the form stays open"),
    }
    h.press(KeyCode::Esc);
    assert!(h.app.popup.is_none());
    assert_eq!(h.list().len(), n, "Esc changes nothing");
    h.press(KeyCode::Char('x'));
    assert_eq!(h.list().len(), 397);
}

#[test]
fn text_filter_matches_name_or_description_case_insensitively() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Text");
    h.keys("PUBMED");
    h.press(KeyCode::Enter);
    // "Access Google Scholar, PubMed, …" is in Scholar GPT's description, not its name.
    assert!(!h.list().is_empty());
    assert_eq!(h.selected_name(), "Scholar GPT");
}

#[test]
fn no_match_shows_an_empty_state() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Text");
    h.keys("zzzqqqxxx-nothing");
    h.press(KeyCode::Enter);
    assert_eq!(h.list().len(), 0);
    let screen = h.screen();
    assert!(screen.contains("no GPT matches these filters"), "{screen}");
    insta::assert_snapshot!("empty_result_120x40", screen);
}

#[test]
fn detail_author_and_back_keep_positions() {
    let mut h = Harness::new(120, 40);
    h.keys("jj");
    let name = h.selected_name();
    h.press(KeyCode::Enter);
    let Some(Screen::Detail(d)) = h.app.top() else {
        panic!("detail opens")
    };
    assert_eq!(
        d.view.as_ref().map(|v| v.record.name.clone()),
        Some(name.clone())
    );
    h.press(KeyCode::Char('A'));
    let Some(Screen::Author(p)) = h.app.top() else {
        panic!("author page opens")
    };
    assert!(p.row().is_some());
    assert!(!p.list.is_empty());
    assert_eq!(h.app.screens.len(), 3);
    h.press(KeyCode::Enter); // another (the first) of their GPTs
    assert!(matches!(h.app.top(), Some(Screen::Detail(_))));
    h.press(KeyCode::Esc)
        .press(KeyCode::Esc)
        .press(KeyCode::Char('q'));
    assert_eq!(h.app.screens.len(), 1);
    assert_eq!(h.list().cursor.selected, 2, "the table kept its position");
    assert_eq!(h.selected_name(), name);
    h.press(KeyCode::Esc);
    assert_eq!(h.app.screens.len(), 1, "the first screen stays");
    assert!(h.app.status.as_deref().unwrap_or("").contains("Q quits"));
    h.press(KeyCode::Char('j'));
    assert_eq!(h.app.status, None, "status clears on the next key");
}

#[test]
fn authors_table_sorts_and_opens_an_author() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('a'));
    let Some(Screen::Authors(a)) = h.app.top() else {
        panic!()
    };
    assert_eq!(a.len(), 381);
    let top = a.selected().unwrap();
    assert_eq!(top.gpts, 4, "sorted by GPT count, the most prolific first");
    h.press(KeyCode::Enter);
    let Some(Screen::Author(p)) = h.app.top() else {
        panic!()
    };
    assert_eq!(p.user_id, top.user_id);
    assert_eq!(p.list.len(), 4);
    h.press(KeyCode::Esc);
    // Sort by rating, biggest first.
    for _ in 0..3 {
        h.press(KeyCode::Right);
    }
    h.press(KeyCode::Char(']'));
    let Some(Screen::Authors(a)) = h.app.top() else {
        panic!()
    };
    let first = a.row_at(0).unwrap().rating.unwrap();
    let second = a.row_at(1).unwrap().rating.unwrap();
    assert!(first >= second);
    assert_eq!(
        a.selected().unwrap().user_id,
        top.user_id,
        "selection kept across the sort"
    );
}

#[test]
fn help_and_errors_are_dismissable_popups() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('?'));
    assert!(matches!(h.app.popup, Some(Popup::Help { .. })));
    let screen = h.screen();
    assert!(
        screen.contains("Quit gptscope") && screen.contains("Q, Ctrl-c"),
        "how to leave comes first: {screen}"
    );
    assert!(
        screen.contains("Next row") && screen.contains("j, ↓"),
        "{screen}"
    );
    h.press(KeyCode::Char('j'));
    assert!(matches!(h.app.popup, Some(Popup::Help { scroll: 1 })));
    h.press(KeyCode::PageDown).press(KeyCode::PageDown);
    let screen = h.screen();
    assert!(
        screen.contains("Copy, open, export") && screen.contains("Ctrl-s"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    assert!(h.app.popup.is_none());
    update(
        &mut h.app,
        Event::Msg(Msg::Failed {
            screen: None,
            message: "the database went away".into(),
        }),
    );
    assert!(h.screen().contains("the database went away"));
    h.press(KeyCode::Char('z'));
    assert!(h.app.popup.is_none());
}

/// A key remapped in the config file reaches its Action and shows in help and the footer.
#[test]
fn remapped_keys_act_and_show_in_help() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/config/valid.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let config = crate::config::Config::parse(&text, &path).unwrap();
    let mut h = Harness::new(120, 40);
    h.app.keymap = super::keys::Keymap::with(&config.keys);
    h.app.theme = config.theme;
    let before = h.list().cursor.selected;
    h.key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL));
    assert_eq!(h.list().cursor.selected, before + 1, "ctrl-n moved down");
    h.key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL));
    assert_eq!(h.list().cursor.selected, before);
    h.press(KeyCode::F(2));
    assert!(
        matches!(h.app.popup, Some(Popup::Help { .. })),
        "f2 opens help"
    );
    let screen = h.screen();
    assert!(screen.contains("j, ↓, Ctrl-n"), "{screen}");
    assert_eq!(
        h.app.keymap.keys_for(super::keys::Action::Help),
        ["?", "F1", "F2"],
        "help lists the extra key after the default ones"
    );
    // The default keys still work.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('j'));
    assert_eq!(h.list().cursor.selected, before + 1);
}

/// With the mouse on: the wheel scrolls three rows, a click selects the row under it.
#[test]
fn wheel_scrolls_and_click_selects() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut h = Harness::new(120, 40);
    let mouse = |kind, row| {
        Event::Mouse(MouseEvent {
            kind,
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let fx = update(&mut h.app, mouse(MouseEventKind::ScrollDown, 10));
    h.run(fx);
    assert_eq!(h.list().cursor.selected, 3);
    let fx = update(&mut h.app, mouse(MouseEventKind::ScrollUp, 10));
    h.run(fx);
    assert_eq!(h.list().cursor.selected, 0);
    // Row 3 of the screen is the first row of the table (title, filter bar, header above).
    let fx = update(
        &mut h.app,
        mouse(MouseEventKind::Down(MouseButton::Left), 3 + 4),
    );
    h.run(fx);
    assert_eq!(h.list().cursor.selected, 4);
    let picked = h.list().selected_row().unwrap().name.clone();
    let screen = h.screen();
    let line = screen.lines().nth(7).unwrap();
    let start: String = picked.chars().take(10).collect();
    assert!(line.contains(&start), "{line} / {picked}");
    // A click on the header or the title does nothing.
    let fx = update(
        &mut h.app,
        mouse(MouseEventKind::Down(MouseButton::Left), 1),
    );
    h.run(fx);
    assert_eq!(h.list().cursor.selected, 4);
}

#[test]
fn quit_keys() {
    let mut h = Harness::new(120, 40);
    let fx = update(
        &mut h.app,
        Event::Key(KeyEvent::new(KeyCode::Char('Q'), KeyModifiers::SHIFT)),
    );
    assert!(matches!(fx.as_slice(), [Effect::Quit]));
    let fx = update(
        &mut h.app,
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(matches!(fx.as_slice(), [Effect::Quit]));
}

#[test]
fn resizing_keeps_the_selection_visible() {
    let mut h = Harness::new(120, 40);
    h.keys("G");
    let fx = update(&mut h.app, Event::Resize(60, 15));
    h.run(fx);
    let l = h.list();
    assert_eq!(l.cursor.selected, 396);
    assert!(l.cursor.offset + h.app.page_rows() > 396);
    assert!(h.screen().contains("397 of 397"));
}

#[test]
fn screens_at_two_sizes() {
    let mut big = Harness::new(120, 40);
    insta::assert_snapshot!("list_120x40", big.screen());
    let mut small = Harness::new(60, 15);
    insta::assert_snapshot!("list_60x15", small.screen());
    big.press(KeyCode::Enter);
    insta::assert_snapshot!("detail_120x40", big.screen());
    small.press(KeyCode::Enter);
    insta::assert_snapshot!("detail_60x15", small.screen());
    big.press(KeyCode::Char('A'));
    insta::assert_snapshot!("author_120x40", big.screen());
    small.press(KeyCode::Char('A'));
    insta::assert_snapshot!("author_60x15", small.screen());
    big.press(KeyCode::Esc)
        .press(KeyCode::Esc)
        .press(KeyCode::Char('a'));
    insta::assert_snapshot!("authors_120x40", big.screen());
    small
        .press(KeyCode::Esc)
        .press(KeyCode::Esc)
        .press(KeyCode::Char('a'));
    insta::assert_snapshot!("authors_60x15", small.screen());
    big.press(KeyCode::Char('?'));
    insta::assert_snapshot!("help_120x40", big.screen());
    big.press(KeyCode::Esc)
        .press(KeyCode::Esc)
        .press(KeyCode::Char('f'));
    insta::assert_snapshot!("filters_120x40", big.screen());
    small.press(KeyCode::Char('?'));
    insta::assert_snapshot!("help_60x15", small.screen());
    small.press(KeyCode::Esc).press(KeyCode::Char('f'));
    insta::assert_snapshot!("filters_60x15", small.screen());
}

#[test]
fn detail_beside_the_list_on_wide_terminals() {
    let mut h = Harness::new(180, 40);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    // The list stays visible on the left.
    assert!(screen.contains("Whimsical Diagrams"), "{screen}");
    assert!(screen.contains("┌ GPT"));
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut h = Harness::new(10, 4);
    let screen = h.screen();
    assert!(screen.contains("terminal"), "{screen}");
    insta::assert_snapshot!("tiny_10x4", screen);
    for (w, h2) in [(1, 1), (0, 0), (2, 30), (300, 2), (39, 7), (40, 8)] {
        h.app.size = (w, h2);
        let _ = h.screen();
        h.press(KeyCode::Char('G'))
            .press(KeyCode::Enter)
            .press(KeyCode::Esc);
    }
}

#[test]
fn hostile_and_wide_names_are_drawn_safely() {
    let mut h = Harness::with(100, 12, Some(HOSTILE));
    let screen = h.screen();
    for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(
            !screen.contains(bad),
            "{bad:?} reached the screen:\n{screen}"
        );
    }
    assert!(screen.contains("RED Evil"), "{screen}");
    assert!(screen.contains("小红书爆款文案生成器"), "{screen}");
    assert!(screen.contains("🧙‍♂️ Grimoire"), "{screen}");
    insta::assert_snapshot!("hostile_names_100x12", screen);
    h.press(KeyCode::Enter);
    let screen = h.screen();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    let Some(Screen::Detail(d)) = h.app.top() else {
        panic!()
    };
    let lines = super::screens::detail::view::detail_lines(d.view.as_ref().unwrap(), 0);
    let text: String = lines
        .iter()
        .map(|l| l.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("clears  the screen") && !text.contains('\u{1b}'),
        "{text}"
    );
    // Every row of the list lines up: the right edge of the table is where it should be.
    h.press(KeyCode::Esc);
    let screen = h.screen();
    for line in screen.lines().skip(3).take(3) {
        assert!(crate::text::width(line) <= 100, "{line}");
    }
}

fn type_search(h: &mut Harness, text: &str) {
    h.press(KeyCode::Char('/'));
    for c in text.chars() {
        h.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

/// The styled cells of row `y` that are bold and underlined (a search highlight), as text.
fn highlighted_on_row(h: &mut Harness, needle: &str) -> String {
    let buf = h.draw();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_owned())
            .collect();
        if line.contains(needle) {
            return (0..buf.area.width)
                .filter(|&x| {
                    let m = buf[(x, y)].modifier;
                    m.contains(ratatui::style::Modifier::BOLD)
                        && m.contains(ratatui::style::Modifier::UNDERLINED)
                })
                .map(|x| buf[(x, y)].symbol().to_owned())
                .collect();
        }
    }
    panic!("no row shows {needle:?}")
}

#[test]
fn search_narrows_highlights_keeps_and_restores() {
    let mut h = Harness::new(120, 40);
    h.keys("jjj");
    let before = h.selected_name();
    type_search(&mut h, "scholr");
    assert_eq!(
        h.selected_name(),
        "Scholar GPT",
        "best match first, selected"
    );
    let screen = h.screen();
    assert!(screen.contains("/scholr▏"), "{screen}");
    assert!(screen.contains("by relevance"), "{screen}");
    assert_eq!(
        highlighted_on_row(&mut h, "Scholar GPT"),
        "Scholr",
        "the matched letters"
    );
    // Enter keeps the matches as a filter.
    h.press(KeyCode::Enter);
    let n = h.list().len();
    assert!(h.screen().contains("search \"scholr\""));
    // It combines with filters and sorts.
    h.focus_column(GptColumn::Name);
    h.press(KeyCode::Char('['));
    assert_eq!(h.list().len(), n);
    assert_eq!(h.list().sort.key, crate::store::view::SortKey::Name);
    // Esc in the prompt goes back to the list as it was before the search.
    let mut h = Harness::new(120, 40);
    h.keys("jjj");
    type_search(&mut h, "scholr");
    h.press(KeyCode::Esc);
    assert!(h.list().search.is_none());
    assert_eq!(h.list().len(), 397);
    assert_eq!(h.selected_name(), before, "selection restored");
    assert_eq!(h.list().sort, crate::store::view::Sort::default());
}

#[test]
fn search_editing_no_match_and_stale_results() {
    let mut h = Harness::new(120, 40);
    type_search(&mut h, "zzqqxx");
    assert_eq!(h.list().len(), 0);
    assert!(h.screen().contains("no GPT matches"), "{}", h.screen());
    // Ctrl-U clears the query: everything again, in the list's own order.
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(h.list().len(), 397);
    assert_eq!(h.selected_name(), "Scholar GPT");
    type_search(&mut h, "python");
    let generation = h.list().search.as_ref().unwrap().generation;
    let current = h.list().order.clone();
    let screen = h.list().id;
    let fx = update(
        &mut h.app,
        Event::Msg(Msg::SearchResults {
            screen,
            generation: generation - 1,
            query: "pytho".into(),
            ids: vec![1u32].into(),
            fallback: false,
            took: Duration::ZERO,
        }),
    );
    assert!(fx.is_empty(), "an older query's results are dropped");
    assert_eq!(h.list().order, current);
}

#[test]
fn search_within_filters_cjk_and_authors() {
    let mut h = Harness::new(120, 40);
    // Only GPTs with Actions, then search among them.
    h.press(KeyCode::Char('f'));
    for _ in 0..4 {
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Right).press(KeyCode::Enter);
    type_search(&mut h, "gpt");
    let with_actions = h.list().len();
    assert!(with_actions > 0 && with_actions < 43);
    h.press(KeyCode::Enter).press(KeyCode::Char('x'));
    // Korean, in a name of the sample.
    type_search(&mut h, "사주");
    assert!(h.selected_name().contains("사주"), "{}", h.selected_name());
    h.press(KeyCode::Esc);
    // The authors screen searches authors.
    h.press(KeyCode::Char('a'));
    type_search(&mut h, "user-MV1E");
    let Some(Screen::Authors(a)) = h.app.top() else {
        panic!()
    };
    assert_eq!(
        a.selected().unwrap().user_id,
        "user-MV1EPMI80LBUBFXL3yqj7TxP"
    );
}

#[test]
fn esc_then_a_key_typed_fast_arrives_as_alt_and_is_both() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.screens.len(), 2);
    // Esc + "/" in one read: the terminal's Alt-/.
    h.key(KeyEvent::new(KeyCode::Char('/'), KeyModifiers::ALT));
    assert_eq!(h.app.screens.len(), 1, "Esc went back");
    assert!(
        h.list().search.as_ref().is_some_and(|s| s.typing),
        "and / opened the search"
    );
}

/// `y`, `Y`, `c` copy the id, URL and row of the selected GPT; `o` opens its store page; on the
/// authors table `y` copies the user id; the status line says what happened.
#[test]
fn copy_and_open_the_selected_gpt() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('Y'));
    h.press(KeyCode::Char('c'));
    assert!(h.screen().contains("copied the row"), "{}", h.screen());
    h.press(KeyCode::Char('o'));
    assert_eq!(
        h.copied,
        [
            "g-kZ0eYXlJe".to_owned(),
            "https://chatgpt.com/g/g-kZ0eYXlJe".to_owned(),
            "g-kZ0eYXlJe\tScholar GPT\tuser-MV1EPMI80LBUBFXL3yqj7TxP\tresearch\tbrowser;python;dalle;actions\t800K+\t4.08\t20195\t2024-03-12".to_owned(),
        ]
    );
    assert_eq!(h.opened, ["https://chatgpt.com/g/g-kZ0eYXlJe"]);
    assert!(
        h.screen()
            .contains("opening https://chatgpt.com/g/g-kZ0eYXlJe")
    );
    // In the detail: the URL with its slug.
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('Y'));
    assert_eq!(
        h.copied.last().unwrap(),
        "https://chatgpt.com/g/g-kZ0eYXlJe-scholar-gpt"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('a'));
    h.press(KeyCode::Char('y'));
    let user = match h.app.top() {
        Some(Screen::Authors(a)) => a.selected_user().unwrap(),
        _ => panic!(),
    };
    assert_eq!(h.copied.last().unwrap(), &user);
    // No website in BeeTrove: nothing to open, said so.
    h.press(KeyCode::Char('o'));
    assert!(
        h.screen().contains("nothing to open here"),
        "{}",
        h.screen()
    );
    assert_eq!(h.opened.len(), 1);
}

/// Ctrl-S writes the list on screen, as filtered and sorted, to the file typed; the extension
/// picks the format.
#[test]
fn ctrl_s_exports_the_list_on_screen() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Tool: actions");
    h.press(KeyCode::Right).press(KeyCode::Enter);
    assert_eq!(h.list().len(), 43);
    h.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(matches!(h.app.popup, Some(Popup::Export(_))));
    assert!(h.screen().contains("Export the 43 GPTs"), "{}", h.screen());
    // Replace the proposed name with a path of ours.
    let out = h.path.parent().unwrap().join("actions.jsonl");
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys("x.txt");
    h.press(KeyCode::Enter);
    assert!(
        h.screen().contains(".csv, .json or .jsonl"),
        "{}",
        h.screen()
    );
    h.key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    h.keys(out.to_str().unwrap());
    h.press(KeyCode::Enter);
    assert!(h.app.popup.is_none());
    assert!(h.screen().contains("exported 43 GPTs to"), "{}", h.screen());
    let text = std::fs::read_to_string(&out).unwrap();
    let names: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names.len(), 43);
    assert_eq!(names[0], "Scholar GPT", "in the list's order");
    assert_eq!(names[0], h.selected_name());
}

/// `s`: the snapshots; Space marks one, `d` diffs it against the selected; the diff's counts,
/// `]` to the next GPT with a change of the focused type, `→` another type, Esc back to the
/// list, Enter opens another snapshot.
#[test]
fn snapshots_screen_diffs_and_switches() {
    let mut h = Harness::new(120, 40);
    let counts = with_history(&h);
    h.press(KeyCode::Char('s'));
    let screen = h.screen();
    assert!(
        screen.contains("#1") && screen.contains("#2") && screen.contains("#3"),
        "{screen}"
    );
    assert!(screen.contains("open"), "{screen}");
    // In taken_at order: #2 (2025-01), #3 (2025-02), #1 (the sample, 2024-03) first.
    let Some(Screen::Snapshots(s)) = h.app.top() else {
        panic!()
    };
    let order: Vec<i64> = s.snapshots.as_ref().unwrap().iter().map(|x| x.id).collect();
    assert_eq!(order, vec![1, 2, 3]);
    assert_eq!(s.cursor.selected, 0, "the open snapshot selected");
    h.press(KeyCode::Down);
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('d'));
    let screen = h.screen();
    let mutated = counts.values().sum::<usize>() - counts["added"] - counts["removed"];
    assert!(
        screen.contains(&format!(
            "#2 → #3: 10 added · 2 removed · {mutated} changed"
        )),
        "{screen}"
    );
    insta::assert_snapshot!("diff_120x40", screen);
    // `]` jumps to the next GPT with a conversations change; `→` then `]` to a name change.
    let Some(Screen::Snapshots(s)) = h.app.top() else {
        panic!()
    };
    let d = s.diff.as_ref().unwrap();
    assert_eq!(d.field(), "conversations");
    let first = d.cursor.selected;
    h.press(KeyCode::Char(']'));
    h.press(KeyCode::Right)
        .press(KeyCode::Right)
        .press(KeyCode::Right);
    h.press(KeyCode::Char(']'));
    let Some(Screen::Snapshots(s)) = h.app.top() else {
        panic!()
    };
    let d = s.diff.as_ref().unwrap();
    assert_eq!(d.field(), "name");
    assert!(d.cursor.selected > first);
    let c = &d.diff.changed[d.cursor.selected];
    assert!(c.changes.iter().any(|ch| ch.field == "name"), "{c:?}");
    // Esc leaves the diff, Enter opens the selected snapshot.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.snapshot.id, 3);
    assert_eq!(h.list().len(), 200 - 2 + 10);
}

/// Two more snapshots in the harness's database: the synth history (every tenth GPT changed in
/// a known way), #2 of 2025-01-01 and #3 of 2025-02-01; the counts of its changes.
fn with_history(h: &Harness) -> std::collections::BTreeMap<&'static str, usize> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let counts = gptscope_testkit::synth::write_history(
        &mut a,
        &mut b,
        gptscope_testkit::synth::SynthOptions {
            count: 200,
            seed: 5,
        },
    )
    .unwrap();
    {
        let mut db = Db::open(&h.path, Duration::from_secs(1)).unwrap();
        for (bytes, date, name) in [(a, "2025-01-01", "a.jsonl"), (b, "2025-02-01", "b.jsonl")] {
            let opts = ImportOptions {
                taken_at: crate::time::parse_timestamp(date),
                ..ImportOptions::default()
            };
            let input = Input::Memory {
                name,
                // A test: the few kilobytes live as long as the process.
                bytes: bytes.leak(),
            };
            import(&mut db, &[input], &opts, &|_| {}).unwrap();
        }
    }
    counts
}

#[test]
fn diff_opens_both_versions_the_rising_list_and_a_gpts_trends() {
    let mut h = Harness::new(120, 40);
    with_history(&h);
    h.press(KeyCode::Char('s'));
    h.press(KeyCode::Down)
        .press(KeyCode::Char(' '))
        .press(KeyCode::Down);
    h.press(KeyCode::Char('d'));
    let Some(Screen::Snapshots(s)) = h.app.top() else {
        panic!()
    };
    let row = s.diff.as_ref().unwrap().selected().unwrap();
    let (id, name) = (row.id.to_owned(), row.name.to_owned());
    assert!(
        row.changes.iter().any(|c| c.field == "conversations"),
        "{:?}",
        row.changes
    );
    // Enter: the GPT as #2 and #3 have it, side by side, the differing lines marked.
    h.press(KeyCode::Enter);
    let screen = h.screen();
    insta::assert_snapshot!("versions_120x40", screen);
    assert!(
        screen.contains("#2 2025-01-01") && screen.contains("#3 2025-02-01"),
        "{screen}"
    );
    let marked: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("» conversations"))
        .collect();
    assert_eq!(
        marked.len(),
        1,
        "the conversations line differs on one row: {screen}"
    );
    assert!(screen.contains(&id), "{screen}");
    // Back to the diff; f keeps only the focused type's rows, → moves the filter along.
    h.press(KeyCode::Esc);
    let only = |h: &Harness, field: &str| {
        let Some(Screen::Snapshots(s)) = h.app.top() else {
            panic!()
        };
        let d = s.diff.as_ref().unwrap();
        assert!(d.only && d.field() == field);
        assert_eq!(d.rows.len(), d.diff.counts[field], "{field}");
        assert!(
            d.rows
                .iter()
                .all(|r| crate::tui::screens::snapshots::has(&d.diff, *r, field))
        );
    };
    h.press(KeyCode::Char('f'));
    only(&h, "conversations");
    assert!(h.screen().contains("only: conversations"), "{}", h.screen());
    h.press(KeyCode::Right);
    only(&h, "rating");
    h.press(KeyCode::Left).press(KeyCode::Char('f'));
    // ← from the first type wraps to the rising list.
    h.press(KeyCode::Left);
    let screen = h.screen();
    assert!(screen.contains("rising ("), "{screen}");
    let Some(Screen::Snapshots(s)) = h.app.top() else {
        panic!()
    };
    let d = s.diff.as_ref().unwrap();
    assert!(d.rising());
    assert_eq!(d.rows.len(), d.diff.rising.len());
    assert!(!d.rows.is_empty());
    let scores: Vec<f64> = d.diff.rising.iter().map(|r| r.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // Open #3 and that GPT: its detail ends with its history across #2 and #3.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Enter);
    assert_eq!(h.app.snapshot.id, 3);
    h.press(KeyCode::Char('/'));
    for c in name.chars() {
        h.press(KeyCode::Char(c));
    }
    h.press(KeyCode::Enter);
    for _ in 0..h.list().len() {
        if h.list().selected_row().is_some_and(|r| r.id == id) {
            break;
        }
        h.press(KeyCode::Down);
    }
    assert_eq!(
        h.list().selected_row().map(|r| r.id.clone()),
        Some(id.clone())
    );
    h.press(KeyCode::Enter);
    let Some(Screen::Detail(d)) = h.app.top() else {
        panic!()
    };
    let points = d.history.as_ref().expect("history loaded");
    assert_eq!(
        points.iter().map(|p| p.snapshot).collect::<Vec<_>>(),
        vec![2, 3]
    );
    // Scroll to the end of the pane, where the trends are.
    for _ in 0..30 {
        h.press(KeyCode::Char('j'));
    }
    let screen = h.screen();
    assert!(screen.contains("History: 2 snapshots"), "{screen}");
    assert!(
        screen.contains("2025-01-01") && screen.contains("2025-02-01"),
        "{screen}"
    );
    insta::assert_snapshot!("trend_120x40", screen);
}

#[test]
fn a_snapshot_is_deleted_only_after_saying_yes() {
    let mut h = Harness::new(120, 40);
    with_history(&h);
    h.press(KeyCode::Char('s'));
    let ids = |h: &Harness| -> Vec<i64> {
        let Some(Screen::Snapshots(s)) = h.app.top() else {
            panic!()
        };
        s.snapshots.as_ref().unwrap().iter().map(|x| x.id).collect()
    };
    // The open snapshot cannot go.
    h.press(KeyCode::Delete);
    assert!(h.screen().contains("is the one open"), "{}", h.screen());
    h.press(KeyCode::Down);
    h.press(KeyCode::Delete);
    let screen = h.screen();
    insta::assert_snapshot!("snapshots_delete_120x40", screen);
    assert!(screen.contains("Delete snapshot #2"), "{screen}");
    h.press(KeyCode::Char('n'));
    assert_eq!(ids(&h), vec![1, 2, 3]);
    h.press(KeyCode::Delete).press(KeyCode::Char('y'));
    assert_eq!(ids(&h), vec![1, 3]);
    assert!(h.screen().contains("deleted snapshot #2"), "{}", h.screen());
    let db = Db::open(&h.path, Duration::from_secs(1)).unwrap();
    let left: Vec<i64> = crate::store::query::snapshots(&db)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, vec![1, 3]);
}

#[test]
fn the_snapshots_screen_lists_a_resumable_refresh() {
    let mut h = Harness::new(120, 40);
    with_history(&h);
    // A shelves refresh stopped after three answers: its work directory beside the database.
    let mut name = h.path.file_name().unwrap().to_os_string();
    name.push(".refresh-shelves");
    let dir = h.path.with_file_name(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("meta.json"),
        r#"{"plan":"shelves","base_url":"http://127.0.0.1:9","started_at":1767225600,
            "answers":3,"gpts":120}"#,
    )
    .unwrap();
    h.press(KeyCode::Char('s'));
    let screen = h.screen();
    insta::assert_snapshot!("snapshots_120x40", screen);
    let resumable = screen
        .lines()
        .find(|l| l.contains("resumable"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        resumable.contains("120 GPTs in 3 pages") && resumable.contains("refresh shelves --resume"),
        "{resumable}"
    );
    // Not selectable: the cursor stops at the last snapshot.
    for _ in 0..5 {
        h.press(KeyCode::Down);
    }
    let Some(Screen::Snapshots(s)) = h.app.top() else {
        panic!()
    };
    assert_eq!(s.selected_snapshot().map(|x| x.id), Some(3));
}

/// A list naming authors by name for some GPTs and none for others.
const LIST_WITH_UNKNOWN_AUTHORS: &str = r#"{"id": "g-lst000001", "name": "One", "creator": "Ann"}
{"id": "g-lst000002", "name": "Two", "creator": "Ann"}
{"id": "g-lst000003", "name": "Three", "creator": "Bob"}
{"id": "g-lst000004", "name": "Four"}
{"id": "g-lst000005", "name": "Five", "creator": ""}
"#;

#[test]
fn gpts_naming_no_author_are_said_not_counted_as_authors() {
    let mut h = Harness::with(120, 40, Some(LIST_WITH_UNKNOWN_AUTHORS));
    h.press(KeyCode::Char('h'));
    let screen = h.screen();
    assert!(
        screen.contains("5 GPTs by 2 authors (2 GPTs name none)"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('a'));
    let Some(Screen::Authors(a)) = h.app.top() else {
        panic!("the authors screen")
    };
    assert_eq!(a.len(), 2, "Ann and Bob");
    let screen = h.screen();
    assert!(screen.contains("2 GPTs name none"), "{screen}");
}
