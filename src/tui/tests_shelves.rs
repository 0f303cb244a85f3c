//! The store front's history screen (`M`), driven on the sample plus two days of a real store
//! front (the second with a shelf reversed and its first GPT gone).

use super::screens::Screen;
use super::tests::Harness;
use crate::store::Db;
use crate::store::import::{ImportOptions, Input, import};
use crossterm::event::KeyCode;
use std::time::Duration;

/// Imports two store-front days; returns (GPTs that left, GPTs that moved) on the first shelf.
fn two_days(h: &Harness) -> (usize, usize) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let day1: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut day2 = day1.clone();
    let items = day2["cuts"][0]["list"]["items"].as_array_mut().unwrap();
    let n = items.len();
    items.reverse();
    items.remove(0);
    let mut db = Db::open(&h.path, Duration::from_secs(1)).unwrap();
    for (v, date, name) in [
        (&day1, "2026-04-14", "d1.json"),
        (&day2, "2026-04-15", "d2.json"),
    ] {
        let opts = ImportOptions {
            taken_at: crate::time::parse_timestamp(date),
            ..ImportOptions::default()
        };
        let bytes: &'static [u8] = serde_json::to_vec(v).unwrap().leak();
        import(&mut db, &[Input::Memory { name, bytes }], &opts, &|_| {}).unwrap();
    }
    // Reversed: every GPT but the middle one (odd length) changes position; the last is gone.
    (1, n - 1 - n % 2)
}

fn screen(h: &Harness) -> &super::screens::shelves::ShelvesScreen {
    match h.app.top() {
        Some(Screen::Shelves(s)) => s,
        _ => panic!("not the shelves screen"),
    }
}

#[test]
fn shelf_moves_list_what_entered_left_and_moved_and_open_the_gpt() {
    let mut h = Harness::new(120, 40);
    // The sample has no store front: the screen says what it takes.
    h.press(KeyCode::Char('M'));
    assert!(
        h.screen().contains("no store-front history"),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Esc);
    let (left, moved) = two_days(&h);
    h.press(KeyCode::Char('M'));
    let s = screen(&h);
    let m = s.moves.as_ref().expect("loaded");
    // The sample's store front, then the two days: the last step is day 1 to day 2.
    let last = m.steps.last().expect("a step");
    assert!(last.to.taken_at.starts_with("2026-04-15"), "{:?}", last.to);
    let kinds = |k: &str| last.moves.iter().filter(|x| x.kind == k).count();
    assert_eq!(kinds("left"), left);
    assert!(kinds("up") + kinds("down") >= moved, "{:?}", last.moves);
    let (rows, steps) = (m.rows.len(), m.steps.len());
    let text = h.screen();
    assert!(
        text.contains(&format!("{rows} moves in {steps} steps")),
        "{text}"
    );
    assert!(text.contains("− left"), "{text}");
    insta::assert_snapshot!("shelf_moves_120x40", text);
    // Newest step first: the first row is day 2's.
    assert!(
        screen(&h)
            .selected()
            .unwrap()
            .0
            .to
            .taken_at
            .starts_with("2026-04-15")
    );
    // Enter: the selected GPT's page; y copies its id.
    let (_, first) = screen(&h).selected().unwrap();
    let id = first.id.clone();
    h.press(KeyCode::Char('y'));
    assert_eq!(h.copied.last(), Some(&id));
    h.press(KeyCode::Enter);
    assert!(matches!(h.app.top(), Some(Screen::Detail(d)) if d.gpt_id == id));
    // Back, and M again on it does not stack another.
    h.press(KeyCode::Esc);
    let depth = h.app.screens.len();
    h.press(KeyCode::Char('M'));
    assert_eq!(h.app.screens.len(), depth);
    // Paging stays within the rows.
    h.press(KeyCode::Char('G'));
    assert_eq!(
        screen(&h).cursor.selected,
        screen(&h).moves.as_ref().unwrap().rows.len() - 1
    );
}
