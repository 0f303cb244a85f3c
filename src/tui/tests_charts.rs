//! The histogram screen and frequency tables on the bundled sample: the numbers a user reads,
//! the drill-down from a bar, and charts that follow the list's filters and search. Counts to
//! compare with are made independently, in SQL on the same database file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::kit::gpt_list::GptColumn;
use super::popups::Popup;
use super::screens::Screen;
use super::tests::{Harness, focus_field};
use crate::stats::ChartId;
use crate::store::record::ToolMask;
use crossterm::event::KeyCode;

fn charts(h: &Harness) -> &super::screens::charts::ChartsScreen {
    match h.app.top() {
        Some(Screen::Charts(c)) => c,
        _ => panic!("the charts screen is on top"),
    }
}

/// The count of `label` in chart `id`.
fn count(h: &Harness, id: ChartId, label: &str) -> u64 {
    let l = charts(h).landscape.as_ref().expect("computed");
    let c = l.chart(id).expect("the chart");
    c.bars
        .iter()
        .find(|b| b.label == label)
        .unwrap_or_else(|| panic!("no bar {label}"))
        .count
}

/// Moves the cursor to the bar `label` of chart `id` with the keys a user would press.
fn select_bar(h: &mut Harness, id: ChartId, label: &str) {
    h.press(KeyCode::Char('g'));
    for _ in 0..500 {
        let c = charts(h);
        if let Some((chart, bar)) = c.bar(c.cursor.selected)
            && chart.id == id
            && bar.label == label
        {
            return;
        }
        h.press(KeyCode::Down);
    }
    panic!("no bar {label} in {id:?}");
}

fn sql_count(h: &Harness, sql: &str) -> u64 {
    let conn = rusqlite::Connection::open(&h.path).unwrap();
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as u64
}

#[test]
fn histograms_of_the_sample() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('h'));
    for (tool, n) in [
        ("browser", 342),
        ("dalle", 296),
        ("python", 223),
        ("actions", 43),
    ] {
        assert_eq!(count(&h, ChartId::Tools, tool), n, "{tool}");
    }
    assert_eq!(count(&h, ChartId::Ratings, "unrated"), 39);
    assert_eq!(count(&h, ChartId::Categories, "uncategorized"), 129);
    assert_eq!(count(&h, ChartId::Signals, "action_third_party"), 43);
    let screen = h.screen();
    assert!(screen.contains("397 GPTs by 381 authors"), "{screen}");
    assert!(screen.contains("all GPTs of the snapshot"), "{screen}");
    let browser = screen
        .lines()
        .find(|l| l.trim_start().starts_with("browser"))
        .expect("a browser bar");
    assert!(
        browser.contains("342") && browser.contains("86.1%"),
        "{browser}"
    );
    insta::assert_snapshot!("histograms_120x40", screen);

    // The numbers beside the pictures.
    assert!(screen.contains("Describe"), "{screen}");
    assert!(screen.contains("top 10"), "{screen}");

    // A narrow terminal shows the same, scrolling.
    let mut small = Harness::new(60, 15);
    small.press(KeyCode::Char('h'));
    insta::assert_snapshot!("histograms_60x15", small.screen());
    // → jumps chart by chart; the last chart's bars are reachable and drawn.
    for _ in 0..8 {
        small.press(KeyCode::Right);
    }
    let c = charts(&small);
    let (chart, _) = c.bar(c.cursor.selected).unwrap();
    assert_eq!(chart.id, ChartId::ActionDomains);
    assert!(small.screen().contains("Action domains"));
    // G shows the numbers under the charts.
    small.press(KeyCode::Char('G'));
    assert!(small.screen().contains("Ratings"), "{}", small.screen());
}

#[test]
fn a_bar_opens_the_gpts_it_counts() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('h'));
    select_bar(&mut h, ChartId::Tools, "actions");
    h.press(KeyCode::Enter);
    assert_eq!(h.list().len(), 43);
    assert!(h.screen().contains("tools: actions"), "{}", h.screen());
    let order = h.list().order.clone().unwrap();
    let rows = crate::store::view::rows(
        &crate::store::Db::open(&h.path, std::time::Duration::from_secs(1)).unwrap(),
        1,
        &order,
    )
    .unwrap();
    assert!(rows.iter().all(|r| r.tools.has(ToolMask::ACTIONS)));

    // Back to the charts, where the cursor stayed; then a rating bin.
    h.press(KeyCode::Esc);
    select_bar(&mut h, ChartId::Ratings, "4.0");
    let shown = count(&h, ChartId::Ratings, "4.0");
    h.press(KeyCode::Enter);
    let expected = sql_count(
        &h,
        "SELECT count(*) FROM gpt_1 WHERE rating >= 4.0 AND rating < 4.5 AND available = 1",
    );
    assert_eq!(h.list().len() as u64, expected);
    assert_eq!(shown, expected);

    // Authors with 2–5 GPTs: their GPTs.
    h.press(KeyCode::Esc);
    select_bar(&mut h, ChartId::AuthorsByGpts, "2–5");
    h.press(KeyCode::Enter);
    let expected = sql_count(
        &h,
        "SELECT count(*) FROM gpt_1 WHERE author_id IN
           (SELECT author_id FROM gpt_1 GROUP BY author_id HAVING count(*) BETWEEN 2 AND 5)",
    );
    assert_eq!(h.list().len() as u64, expected);
    assert!(expected > 0);
}

#[test]
fn histograms_follow_the_filters_and_the_search() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Category");
    // Categories are offered most common first: other, productivity, …
    h.press(KeyCode::Right).press(KeyCode::Right);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('h'));
    assert!(h.screen().contains("filtered: category=productivity"));
    for (tool, bit) in [("browser", 1), ("python", 2), ("dalle", 4), ("actions", 8)] {
        let expected = sql_count(
            &h,
            &format!(
                "SELECT count(*) FROM gpt_1 WHERE category = 'productivity' AND tools & {bit}"
            ),
        );
        assert_eq!(count(&h, ChartId::Tools, tool), expected, "{tool}");
    }
    let total = sql_count(
        &h,
        "SELECT count(*) FROM gpt_1 WHERE category = 'productivity'",
    );
    assert_eq!(charts(&h).landscape.as_ref().unwrap().gpts, total);

    // A search kept as a filter: the charts are of its matches.
    h.press(KeyCode::Esc).press(KeyCode::Char('x'));
    h.press(KeyCode::Char('/'));
    h.keys("slide");
    h.press(KeyCode::Enter);
    let matches = h.list().len() as u64;
    assert!(matches > 0);
    h.press(KeyCode::Char('h'));
    assert_eq!(charts(&h).landscape.as_ref().unwrap().gpts, matches);
    assert!(h.screen().contains("search \"slide\""), "{}", h.screen());
}

#[test]
fn frequency_table_of_the_focused_column() {
    let mut h = Harness::new(120, 40);
    h.focus_column(GptColumn::Category);
    h.press(KeyCode::Char('F'));
    let c = charts(&h);
    let (_, first) = c.bar(0).unwrap();
    assert_eq!(
        (first.label.as_str(), first.count),
        ("uncategorized", 129),
        "most common first"
    );
    assert!(h.screen().contains("Frequency of category"));
    insta::assert_snapshot!("frequency_category_120x40", h.screen());
    select_bar(
        &mut h,
        ChartId::Frequency(crate::stats::FreqColumn::Category),
        "research",
    );
    h.press(KeyCode::Enter);
    assert_eq!(
        h.list().len() as u64,
        sql_count(&h, "SELECT count(*) FROM gpt_1 WHERE category = 'research'")
    );

    // Names are searched, not counted: F says so instead.
    h.press(KeyCode::Esc).press(KeyCode::Esc);
    h.focus_column(GptColumn::Name);
    h.press(KeyCode::Char('F'));
    assert!(matches!(h.app.top(), Some(Screen::Gpts(_))));
    assert!(h.screen().contains("no frequency table of name"));
}

#[test]
fn pricing_language_filter_and_the_words_that_set_it() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Signal: pricing_language");
    h.press(KeyCode::Right);
    h.press(KeyCode::Enter);
    assert!(h.app.popup.is_none() || !matches!(h.app.popup, Some(Popup::Filter(_))));
    let n = h.list().len();
    assert_eq!(
        n as u64,
        sql_count(&h, "SELECT count(*) FROM gpt_1 WHERE signals & 8")
    );
    assert!(n > 0);
    assert!(h.screen().contains("signal pricing_language"));
    h.press(KeyCode::Enter);
    let screen = h.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("pricing_language:"))
        .unwrap_or_else(|| panic!("the detail shows the signal:\n{screen}"));
    // The evidence is words of the GPT's own texts.
    let Some(Screen::Detail(d)) = h.app.top() else {
        panic!()
    };
    let v = d.view.as_ref().unwrap();
    let r = &v.record;
    let texts = format!(
        "{} {} {} {}",
        r.name,
        r.description.as_deref().unwrap_or(""),
        r.prompt_starters.join(" "),
        r.welcome_message.as_deref().unwrap_or("")
    )
    .to_lowercase();
    let words = line.split("pricing_language:").nth(1).unwrap().trim();
    for w in words.split(", ") {
        let w = w.trim().trim_end_matches('│').trim();
        if !w.is_empty() {
            assert!(texts.contains(&w.to_lowercase()), "{w:?} in {texts}");
        }
    }
}

#[test]
fn frequency_table_of_the_authors_table() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('a'));
    // The authors table opens with its GPTs column focused.
    h.press(KeyCode::Char('F'));
    let c = charts(&h);
    let bars: Vec<(&str, u64)> = c.landscape.as_ref().unwrap().charts[0]
        .bars
        .iter()
        .map(|b| (b.label.as_str(), b.count))
        .collect();
    assert_eq!(bars, [("1", 369), ("2–5", 12)], "ordered by GPT count");
    let screen = h.screen();
    assert!(screen.contains("381 authors"), "{screen}");
    assert!(
        screen.contains("Frequency of authors' GPT count"),
        "{screen}"
    );
    h.press(KeyCode::Down).press(KeyCode::Enter);
    let Some(Screen::Authors(a)) = h.app.top() else {
        panic!("an authors table")
    };
    assert_eq!(a.len(), 12);
    assert!(h.screen().contains("GPT count: 2–5"), "{}", h.screen());
}

#[test]
fn the_whole_snapshots_histograms_read_from_its_summary_equal_those_counted_from_its_columns() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('h'));
    let stored = charts(&h).landscape.as_ref().expect("answered").clone();
    h.press(KeyCode::Esc);
    // Without a summary (a database from before), the screen counts from the columns.
    let conn = rusqlite::Connection::open(&h.path).unwrap();
    conn.execute("DELETE FROM summary", []).unwrap();
    drop(conn);
    h.press(KeyCode::Char('h'));
    let counted = charts(&h).landscape.as_ref().expect("answered").clone();
    assert_eq!(stored, counted);
    assert_eq!(counted.gpts, 397);
    assert!(counted.charts.iter().all(|c| !c.bars.is_empty()));
}

/// Languages on every surface of the explorer: the histogram screen's chart and its drill-down,
/// the filter form's field (and its error), and the column sorted.
#[test]
fn languages_chart_form_and_column() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('h'));
    let ja = sql_count(&h, "SELECT count(*) FROM gpt_1 WHERE lang = 'ja'");
    assert!(ja > 5, "{ja}");
    assert_eq!(count(&h, ChartId::Languages, "Japanese"), ja);
    assert_eq!(
        count(&h, ChartId::Languages, "unknown"),
        sql_count(&h, "SELECT count(*) FROM gpt_1 WHERE lang = 'und'")
    );
    select_bar(&mut h, ChartId::Languages, "Japanese");
    let screen = h.screen();
    assert!(
        screen.contains("Languages (of name, description and starters)"),
        "{screen}"
    );
    assert!(screen.contains("Japanese"), "{screen}");
    h.press(KeyCode::Enter);
    assert_eq!(h.list().len() as u64, ja);
    assert!(h.screen().contains("language: Japanese"), "{}", h.screen());
    h.press(KeyCode::Esc).press(KeyCode::Esc);

    // The form: a code typed in; a language no one knows names the field.
    h.press(KeyCode::Char('f'));
    focus_field(&mut h, "Language");
    for c in "xx".chars() {
        h.press(KeyCode::Char(c));
    }
    h.press(KeyCode::Enter);
    let Some(Popup::Filter(form)) = &h.app.popup else {
        panic!("the form stays open on an error")
    };
    let error = form.error.clone().unwrap_or_default();
    assert!(error.starts_with("Language: \"xx\""), "{error}");
    h.press(KeyCode::Backspace).press(KeyCode::Backspace);
    for c in "ko".chars() {
        h.press(KeyCode::Char(c));
    }
    h.press(KeyCode::Enter);
    let ko = sql_count(&h, "SELECT count(*) FROM gpt_1 WHERE lang = 'ko'");
    assert_eq!(h.list().len() as u64, ko);
    assert!(h.screen().contains("language=ko"), "{}", h.screen());
    h.press(KeyCode::Char('x'));

    // The column, sorted: codes in order, unknown last.
    h.focus_column(GptColumn::Language);
    h.press(KeyCode::Char('['));
    let order = h.list().order.clone().expect("sorted");
    let first = order.first().copied().unwrap();
    let last = order.last().copied().unwrap();
    let lang_of = |rowid: u32| {
        let conn = rusqlite::Connection::open(&h.path).unwrap();
        conn.query_row("SELECT lang FROM gpt WHERE vid = ?1", [rowid], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    };
    let smallest: String = {
        let conn = rusqlite::Connection::open(&h.path).unwrap();
        conn.query_row("SELECT min(lang) FROM gpt_1 WHERE lang != 'und'", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    assert_eq!(lang_of(first), smallest);
    assert_eq!(lang_of(last), "und");
    assert!(h.screen().contains("by language ↑"), "{}", h.screen());
}
