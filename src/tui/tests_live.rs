//! Live panes against the mock store over loopback HTTP: loading, loaded with changes, error,
//! the store front with GPTs not in the snapshot marked, stale replies dropped, and an
//! unreachable store that leaves the snapshot browsing as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::app::router::{Event, update};
use super::msg::{LiveKind, Msg};
use super::screens::Screen;
use super::screens::live::LiveState;
use super::tests::Harness;
use crate::live::LiveConfig;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gptscope_testkit::mock::{Fault, FaultRule, MockConfig, MockStore};
use std::time::Duration;

fn mock() -> MockStore {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    MockStore::start(&path, MockConfig::default()).unwrap()
}

fn config(url: String) -> LiveConfig {
    LiveConfig {
        base_url: url,
        rate: 0.0,
        backoff: Duration::from_millis(10),
        max_retries: 1,
        ..LiveConfig::default()
    }
}

fn pane(h: &Harness) -> &super::screens::live::LivePane {
    match h.app.top() {
        Some(Screen::Live(l)) => l,
        _ => panic!("a live pane on top"),
    }
}

#[test]
fn a_gpts_live_pane_beside_the_snapshot() {
    let store = mock();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    // Loading: the key, before the store answers.
    h.press(KeyCode::Enter);
    let fx = update(
        &mut h.app,
        Event::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE)),
    );
    assert!(matches!(pane(&h).state, LiveState::Loading));
    let screen = pane(&h).id;
    let _ = update(
        &mut h.app,
        Event::Msg(Msg::LiveNote {
            screen,
            note: "rate limited, retrying in 2 s".into(),
        }),
    );
    insta::assert_snapshot!("live_loading_120x40", h.screen());
    h.run(fx);
    let l = pane(&h);
    assert!(matches!(l.state, LiveState::Loaded { .. }));
    let changed: Vec<&str> = l
        .changes()
        .unwrap()
        .iter()
        .filter(|f| f.changed)
        .map(|f| f.name)
        .collect();
    // The sample (2024) against the store front of 2026.
    assert!(changed.contains(&"tools"), "{changed:?}");
    let screen = h.screen();
    assert!(screen.contains("changed since snapshot #1"), "{screen}");
    assert!(screen.contains("* tools"), "{screen}");
    let screen = screen
        .lines()
        .map(|l| match l.find("loaded at") {
            Some(i) => format!("{}loaded at HH:MM:SS UTC", &l[..i]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("live_loaded_120x40", screen);
    // Esc back to the detail, where the snapshot's values are as they were.
    h.press(KeyCode::Esc);
    assert!(matches!(h.app.top(), Some(Screen::Detail(_))));
}

#[test]
fn errors_are_said_calmly_and_the_snapshot_still_browses() {
    let store = mock();
    store.fault(FaultRule {
        path: "/gizmos/".into(),
        fault: Fault::Status(404),
        times: None,
    });
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    h.press(KeyCode::Char('l'));
    let screen = h.screen();
    assert!(screen.contains("this GPT is no longer public"), "{screen}");
    insta::assert_snapshot!("live_error_120x40", screen);

    // Nobody listening at all.
    let port = store.addr.port();
    drop(store);
    let mut h = Harness::new(120, 40).with_live(config(format!("http://127.0.0.1:{port}")));
    h.press(KeyCode::Char('S'));
    let screen = h.screen();
    assert!(screen.contains("cannot reach 127.0.0.1"), "{screen}");
    h.press(KeyCode::Esc);
    h.keys("jj");
    assert_eq!(h.list().cursor.selected, 2, "browsing goes on");
}

#[test]
fn the_store_front_marks_gpts_not_in_the_snapshot() {
    let store = mock();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    h.press(KeyCode::Char('S'));
    let l = pane(&h);
    assert_eq!(l.kind, LiveKind::StoreFront);
    let known = l.known.as_ref().expect("the snapshot was asked");
    // Scholar GPT is in the bundled sample; most of 2026's front is not.
    assert!(known.contains("g-kZ0eYXlJe"));
    let screen = h.screen();
    let scholar = screen.lines().find(|l| l.contains("Scholar GPT")).unwrap();
    assert!(!scholar.contains("not in the snapshot"), "{scholar}");
    assert!(screen.contains("not in the snapshot"), "{screen}");
    assert!(screen.contains("Trending (trending)"), "{screen}");
}

#[test]
fn stale_live_replies_are_dropped() {
    let store = mock();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    h.press(KeyCode::Char('S'));
    let id = pane(&h).id;
    let generation = pane(&h).generation;
    let fx = update(
        &mut h.app,
        Event::Msg(Msg::Live {
            screen: id,
            generation: generation - 1,
            result: Err("old news".into()),
            at: 0,
        }),
    );
    assert!(fx.is_empty());
    assert!(matches!(pane(&h).state, LiveState::Loaded { .. }));
    // Closing the pane cancels its fetch.
    let fx = update(
        &mut h.app,
        Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, super::msg::Effect::Closed(s) if *s == id))
    );
}

fn key(c: KeyCode) -> Event {
    Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

#[test]
fn a_shelves_refresh_from_the_explorer_opens_the_new_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let store = MockStore::start(
        &path,
        MockConfig {
            extra_per_shelf: 20,
            ..MockConfig::default()
        },
    )
    .unwrap();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    h.press(KeyCode::Char('r'));
    let screen = h.screen();
    assert!(
        screen.contains(&format!("Fetch from {}", store.url())),
        "{screen}"
    );
    insta::assert_snapshot!(
        "refresh_dialog_120x40",
        screen.replace(&store.url(), "http://127.0.0.1:PORT")
    );
    // Enter starts it: the gauge, as progress comes in (the effects not run yet).
    let fx = update(&mut h.app, key(KeyCode::Enter));
    let _ = update(
        &mut h.app,
        Event::Msg(Msg::RefreshProgress(crate::live::refresh::Progress {
            done: 4,
            total: 10,
            gpts: 212,
            elapsed: Duration::from_secs(4),
            ..Default::default()
        })),
    );
    let footer = h.screen().lines().last().unwrap().to_owned();
    assert!(
        footer.contains("[████████············] refreshing shelves 4/10 · 212 GPTs · 53/s · about 6 s left · Esc cancels"),
        "{footer}"
    );
    // Now run it for real against the mock.
    h.run(fx);
    assert_eq!(h.app.snapshot.id, 2, "the new snapshot is open");
    assert!(h.app.refresh.is_none());
    let mut on_shelves: Vec<String> = Vec::new();
    for cut in [
        "featured_store",
        "trending",
        "featured",
        "writing",
        "productivity",
        "research",
        "education",
        "lifestyle",
        "dalle",
        "programming",
    ] {
        on_shelves.extend(store.shelf_ids(cut));
    }
    on_shelves.sort();
    on_shelves.dedup();
    assert_eq!(h.list().len(), on_shelves.len());
    let screen = h.screen();
    assert!(screen.contains("snapshot #2"), "{screen}");
    assert!(screen.contains("shelves refresh"), "{screen}");
}

#[test]
fn esc_cancels_a_running_refresh() {
    let mut h = Harness::new(120, 40);
    h.press(KeyCode::Char('r'));
    let _ = update(&mut h.app, key(KeyCode::Enter));
    assert!(h.app.refresh.is_some());
    let fx = update(&mut h.app, key(KeyCode::Esc));
    assert!(matches!(fx.as_slice(), [super::msg::Effect::CancelRefresh]));
    assert!(h.app.refresh.as_ref().unwrap().cancelling);
    let _ = update(
        &mut h.app,
        Event::Msg(Msg::RefreshDone(Err("cancelled".into()))),
    );
    assert!(h.app.refresh.is_none());
    assert!(h.screen().contains("refresh cancelled; r continues it"));
    // Esc is Back again.
    h.press(KeyCode::Char('a'));
    h.press(KeyCode::Esc);
    assert!(matches!(h.app.top(), Some(Screen::Gpts(_))));
}

#[test]
fn a_details_refresh_of_the_list_on_screen() {
    let store = mock();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    // The list: GPTs with Actions (43 in the sample), Scholar GPT among them.
    h.press(KeyCode::Char('f'));
    super::tests::focus_field(&mut h, "Tool: actions");
    h.press(KeyCode::Right).press(KeyCode::Enter);
    assert_eq!(h.list().len(), 43);
    h.press(KeyCode::Char('r'))
        .press(KeyCode::Down)
        .press(KeyCode::Enter);
    // The 2026 store still has Scholar GPT; the other 42 of 2024 answer 404 there.
    assert_eq!(h.app.snapshot.id, 2);
    assert_eq!(h.app.snapshot.gpts, 1);
    assert_eq!(h.app.snapshot.unavailable, 42);
    assert_eq!(h.selected_name(), "Scholar GPT");
    let gizmo_hits = store
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/public-api/gizmos/g-"))
        .count();
    assert_eq!(gizmo_hits, 43, "one request a GPT of the list");
}

#[test]
fn an_author_refresh_of_the_selected_gpts_author() {
    let store = mock();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    assert_eq!(h.selected_name(), "Scholar GPT");
    let author = h.list().selected_row().unwrap().author_id.clone().unwrap();
    h.press(KeyCode::Char('r'));
    let dialog = h.screen();
    assert!(dialog.contains("author"), "{dialog}");
    h.press(KeyCode::Down)
        .press(KeyCode::Down)
        .press(KeyCode::Enter);
    assert_eq!(h.app.snapshot.id, 2, "the author's snapshot is open");
    assert_eq!(h.selected_name(), "Scholar GPT");
    assert!(!h.list().is_empty());
    assert_eq!(h.list().len() as i64, h.app.snapshot.gpts);
    assert!(
        store
            .hits()
            .iter()
            .any(|x| x.path.contains(&format!("/gizmo_creators/{author}/gizmos"))),
        "asked for the author's GPTs"
    );
    assert!(h.screen().contains("author refresh"), "{}", h.screen());
}

#[test]
fn a_crawl_from_the_explorer_finds_the_whole_store() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let store = MockStore::start(
        &path,
        MockConfig {
            graph: Some((60, 12)),
            ..MockConfig::default()
        },
    )
    .unwrap();
    let mut h = Harness::new(120, 40).with_live(config(store.url()));
    h.press(KeyCode::Char('r'));
    assert!(h.screen().contains("crawl"), "{}", h.screen());
    h.press(KeyCode::Up);
    let fx = update(&mut h.app, key(KeyCode::Enter));
    let _ = update(
        &mut h.app,
        Event::Msg(Msg::RefreshProgress(crate::live::refresh::Progress {
            done: 40,
            total: 140,
            gpts: 57,
            elapsed: Duration::from_secs(10),
            requests: 44,
            queued: 100,
            budget_left: None,
        })),
    );
    let footer = h.screen().lines().last().unwrap().to_owned();
    assert!(
        footer.contains("refreshing crawl 40/140 · 57 GPTs · 6/s · 100 lists queued"),
        "{footer}"
    );
    h.run(fx);
    assert_eq!(h.app.snapshot.id, 2, "the crawl's snapshot is open");
    assert_eq!(
        h.list().len(),
        store.gpt_ids().len(),
        "every GPT of the store"
    );
    assert!(h.screen().contains("crawl refresh"), "{}", h.screen());
}
