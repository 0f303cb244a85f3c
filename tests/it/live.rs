//! The live client against the mock store over real HTTP on loopback: each fault gives its
//! message, Retry-After is honoured, the rate limit holds (counted at the mock), cursor paging
//! reaches the end, and the token goes only to `/backend-api/` and never into output.

use crate::common::*;
use gptscope::live::api;
use gptscope::live::{Client, LiveConfig, LiveError, Token};
use gptscope_testkit::mock::{Fault, FaultRule, MockConfig, MockStore};
use std::time::Duration;

const SECRET: &str = "eyJhbGciOiJSUzI1NiJ9.test-secret-token.sig";

fn mock(config: MockConfig) -> MockStore {
    MockStore::start(&fixture("discovery_2026-04-14_global.json"), config).unwrap()
}

fn client(store: &MockStore, token: bool) -> Client {
    Client::new(LiveConfig {
        base_url: store.url(),
        token: token.then(|| Token::new(SECRET).unwrap()),
        rate: 0.0,
        concurrency: 4,
        backoff: Duration::from_millis(20),
        max_retries: 3,
        timeout: Duration::from_secs(5),
        ..LiveConfig::default()
    })
    .unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn rule(fault: Fault, path: &str, times: Option<u32>) -> FaultRule {
    FaultRule {
        path: path.to_owned(),
        fault,
        times,
    }
}

#[test]
fn each_fault_says_what_to_do() {
    let store = mock(MockConfig::default());
    let c = client(&store, false);
    let rt = rt();
    let id = "g-kZ0eYXlJe";
    assert_eq!(
        rt.block_on(api::gpt(&c, id)).unwrap().record.name,
        "Scholar GPT"
    );
    let cases: [(Fault, &str); 6] = [
        (Fault::Status(401), "token missing or expired"),
        (Fault::Status(403), "blocked by the store's bot protection"),
        (Fault::Status(404), "this GPT is no longer public"),
        (
            Fault::Status(500),
            "the store failed (HTTP 500 Internal Server Error) 4 times",
        ),
        (Fault::Malformed, "something unexpected"),
        (Fault::Truncated, "something unexpected"),
    ];
    for (fault, says) in cases {
        store.clear_faults();
        store.fault(rule(fault.clone(), "/gizmos/", None));
        let e = rt.block_on(api::gpt(&c, id)).unwrap_err();
        assert!(e.to_string().contains(says), "{fault:?}: {e}");
    }
    store.clear_faults();
    store.fault(rule(Fault::Malformed, "/gizmos/", None));
    let e = rt.block_on(api::gpt(&c, id)).unwrap_err().to_string();
    assert!(e.contains("first bytes: \"<!DOCTYPE html>"), "{e}");
    // Nobody listening: says so, at once.
    let port = store.addr.port();
    drop(store);
    let gone = Client::new(LiveConfig {
        base_url: format!("http://127.0.0.1:{port}"),
        ..LiveConfig::default()
    })
    .unwrap();
    let e = rt.block_on(api::gpt(&gone, id)).unwrap_err();
    assert!(matches!(e, LiveError::Unreachable { .. }), "{e}");
    assert!(e.to_string().starts_with("cannot reach 127.0.0.1:"), "{e}");
}

#[test]
fn retry_after_is_honoured() {
    let store = mock(MockConfig::default());
    store.fault(rule(
        Fault::RateLimit { retry_after: 1 },
        "/gizmos/",
        Some(1),
    ));
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let c = client(&store, false).with_events(move |e| seen.lock().unwrap().push(e));
    let got = rt().block_on(api::gpt(&c, "g-kZ0eYXlJe")).unwrap();
    assert_eq!(got.record.name, "Scholar GPT");
    let hits = store.hits();
    assert_eq!(hits.len(), 2);
    let waited = hits[1].at - hits[0].at;
    assert!(waited >= Duration::from_millis(950), "waited {waited:?}");
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    let gptscope::live::LiveEvent::Retrying { why, .. } = &events[0];
    assert_eq!(why, "rate limited, retrying in 1 s");
    assert_eq!(
        c.counters
            .retries
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[test]
fn the_rate_limit_holds() {
    let store = mock(MockConfig::default());
    let c = Client::new(LiveConfig {
        base_url: store.url(),
        rate: 20.0,
        concurrency: 8,
        ..LiveConfig::default()
    })
    .unwrap();
    let ids = store.gpt_ids();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = ids
            .iter()
            .take(30)
            .map(|id| {
                let c = c.clone();
                let id = id.clone();
                tokio::spawn(async move { api::gpt(&c, &id).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    });
    let hits = store.hits();
    assert_eq!(hits.len(), 30);
    // However the eight concurrent tasks interleave, no second holds more than 20 starts
    // (plus one at the window's edge).
    for (i, h) in hits.iter().enumerate() {
        let in_window = hits[i..]
            .iter()
            .filter(|x| x.at.duration_since(h.at) < Duration::from_secs(1))
            .count();
        assert!(in_window <= 21, "{in_window} requests within a second");
    }
    let span = hits.last().unwrap().at - hits[0].at;
    assert!(
        span >= Duration::from_millis(1400),
        "30 requests at 20/s took {span:?}"
    );
}

#[test]
fn cursor_paging_reaches_the_end_with_positions() {
    let store = mock(MockConfig {
        extra_per_shelf: 100,
        ..MockConfig::default()
    });
    let c = client(&store, false);
    let mut pages_seen = 0;
    let found = rt()
        .block_on(api::shelves(&c, "global", 200, |f| pages_seen = f.pages))
        .unwrap();
    let expected = store.shelf_ids("trending");
    assert_eq!(expected.len(), 106);
    let trending: Vec<_> = found
        .entries
        .iter()
        .filter(|e| e.shelf_id == "trending")
        .collect();
    let got: Vec<String> = trending.iter().map(|e| e.gpt_id.clone().unwrap()).collect();
    assert_eq!(got, expected);
    let positions: Vec<u32> = trending.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=106).collect::<Vec<u32>>());
    // The front, then each shelf's pages after the front's six.
    let shelves = store.shelf_count();
    let pages_per_shelf = 100usize.div_ceil(api::SHELF_PAGE);
    assert_eq!(found.pages, 1 + shelves * pages_per_shelf);
    assert_eq!(pages_seen, found.pages);
    assert!(
        store.hits()[1].path.contains("cursor=6"),
        "a shelf continues from the front's cursor: {}",
        store.hits()[1].path
    );
}

#[test]
fn the_token_goes_only_to_the_backend_and_never_into_output() {
    let store = mock(MockConfig {
        token: Some(SECRET.to_owned()),
        ..MockConfig::default()
    });
    let c = client(&store, true);
    let rt = rt();
    rt.block_on(api::gpt(&c, "g-kZ0eYXlJe")).unwrap();
    rt.block_on(api::store_front(&c, "global")).unwrap();
    let found = rt
        .block_on(api::author_gpts(
            &c,
            "user-MV1EPMI80LBUBFXL3yqj7TxP",
            |_| {},
        ))
        .unwrap();
    assert!(!found.gpts.is_empty());
    for h in store.hits() {
        let backend = h.path.starts_with("/backend-api/");
        assert_eq!(
            h.authorization.is_some(),
            backend,
            "{}: token sent only to /backend-api/",
            h.path
        );
    }
    // The about answer: the GPT, and what its about page shows.
    let about = rt.block_on(api::about(&c, "g-kZ0eYXlJe")).unwrap();
    assert_eq!(about.record.id, "g-kZ0eYXlJe");
    assert_eq!(about.record.name, "Scholar GPT");
    assert!(about.record.about.is_some());
    assert!(store.hits().last().is_some_and(
        |h| h.path == "/backend-api/gizmos/g-kZ0eYXlJe/about" && h.authorization.is_some()
    ));
    // A wrong token: 401, and the message has no token in it.
    let wrong = Client::new(LiveConfig {
        base_url: store.url(),
        token: Token::new("wrong-token-value"),
        ..LiveConfig::default()
    })
    .unwrap();
    let e = rt.block_on(api::gpt(&wrong, "g-kZ0eYXlJe")).unwrap_err();
    assert_eq!(e, LiveError::Unauthorized);

    // The real binary: output, errors and the database never hold the token.
    let (_dir, db) = temp_db();
    for args in [
        &[
            "live",
            "--base-url",
            &store.url(),
            "--rate",
            "0",
            "gpt",
            "g-kZ0eYXlJe",
            "--about",
            "--json",
        ][..],
        &[
            "live",
            "--base-url",
            &store.url(),
            "--rate",
            "0",
            "author",
            "user-nobody",
        ][..],
    ] {
        let o = bin()
            .arg("--db")
            .arg(&db)
            .args(["--log-level", "trace"])
            .args(args)
            .env("GPTSCOPE_TOKEN", SECRET)
            .output()
            .unwrap();
        assert!(!stdout(&o).contains("test-secret-token"), "{}", stdout(&o));
        assert!(!stderr(&o).contains("test-secret-token"), "{}", stderr(&o));
    }
    let bytes = std::fs::read(&db).unwrap();
    assert!(!bytes.windows(17).any(|w| w == b"test-secret-token"));
    // The log (beside the database, at trace) says what was asked, never with the token.
    let log = std::fs::read_to_string(db.with_file_name("gptscope.log")).unwrap();
    assert!(
        log.contains("path=\"/backend-api/gizmos/g-kZ0eYXlJe/about\""),
        "{log}"
    );
    assert!(log.contains("GET ok"), "{log}");
    assert!(log.contains("GET failed"), "the unknown author: {log}");
    assert!(!log.contains("test-secret-token"), "{log}");
}

#[test]
fn live_gpt_from_the_command_line_against_the_snapshot() {
    let store = mock(MockConfig::default());
    let (_dir, db) = temp_db();
    let v = run_json(
        &db,
        &[
            "live",
            "--base-url",
            &store.url(),
            "--rate",
            "0",
            "gpt",
            "g-kZ0eYXlJe",
            "--json",
        ],
    );
    assert_eq!(v["snapshot"], 1);
    let changes = v["changes"].as_array().unwrap();
    let tools = changes.iter().find(|c| c["name"] == "tools").unwrap();
    // The sample (2024) and the store front of 2026 differ: dalle gave way to image_gen.
    assert_eq!(tools["changed"], true);
    assert_eq!(tools["snapshot"], "actions, browser, dalle, python");
    let conv = changes
        .iter()
        .find(|c| c["name"] == "conversations")
        .unwrap();
    assert_eq!(
        conv["changed"], false,
        "the public endpoint does not show counts"
    );

    store.fault(rule(Fault::Status(404), "/gizmos/", None));
    let o = run(
        &db,
        &["live", "--base-url", &store.url(), "gpt", "g-kZ0eYXlJe"],
    );
    assert!(!o.status.success());
    assert_eq!(stderr(&o).trim(), "gptscope: this GPT is no longer public");
}

/// Runs gptscope with `args` and kills it (SIGKILL) once its spool holds `at` whole answers;
/// returns the requests those answers answered, as [`request_key`]s.
fn kill_after_answers(
    db: &std::path::Path,
    args: &[&str],
    kind: &str,
    at: usize,
    envs: &[(&str, &str)],
) -> Vec<String> {
    let mut child = bin()
        .arg("--db")
        .arg(db)
        .args(args)
        .envs(envs.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while spooled(db, kind).len() < at {
        assert!(std::time::Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    spooled(db, kind)
}

/// The requests a refresh's spool holds the answers of (whole lines only).
fn spooled(db: &std::path::Path, kind: &str) -> Vec<String> {
    let path = format!("{}.refresh-{kind}/answers.jsonl", db.display());
    let text = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let whole = text.rsplit_once('\n').map_or("", |(w, _)| w);
    whole
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["gptscope_fetch"]["status"] != "cut")
        .map(|v| {
            let h = &v["gptscope_fetch"];
            format!(
                "{} {} {}",
                h["req"].as_str().unwrap_or("gpt"),
                h["key"].as_str().or(h["id"].as_str()).unwrap_or(""),
                h["cursor"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// A request the mock saw, as the spool names it: `shelf trending 6`, `gpt g-… -`,
/// `author user-… -`, `search word 10`, `front global -`.
fn request_key(path: &str) -> String {
    let (p, q) = path.split_once('?').unwrap_or((path, ""));
    let param = |name: &str| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    };
    let cursor = param("cursor").unwrap_or_else(|| "-".to_owned());
    let seg: Vec<&str> = p.trim_matches('/').split('/').collect();
    match seg.as_slice() {
        [_, "gizmos", "discovery"] => format!("front {} -", param("locale").unwrap_or_default()),
        [_, "gizmos", "discovery", shelf] => format!("shelf {shelf} {cursor}"),
        [_, "gizmos", "search"] => format!("search {} {cursor}", param("q").unwrap_or_default()),
        [_, "gizmo_creators", user, "gizmos"] => format!("author {user} {cursor}"),
        [_, "gizmos", id] => format!("gpt {id} -"),
        other => other.join("/"),
    }
}

/// Kills a refresh at several moments (the first run starting over unless `resumed`),
/// resumes it each time, and checks that no request whose answer was spooled is asked again;
/// returns the finishing run's summary.
fn kill_and_resume_asks_nothing_twice(
    store: &MockStore,
    db: &std::path::Path,
    args: &[&str],
    kind: &str,
    kills: &[usize],
    envs: &[(&str, &str)],
) -> serde_json::Value {
    let mut answered: Vec<String> = spooled(db, kind);
    for (i, at) in kills.iter().enumerate() {
        let mut a: Vec<&str> = args.to_vec();
        if i > 0 || !answered.is_empty() {
            a.push("--resume");
        }
        let before = store.hits().len();
        let now = kill_after_answers(db, &a, kind, *at, envs);
        let asked: Vec<String> = store.hits()[before..]
            .iter()
            .map(|h| request_key(&h.path))
            .collect();
        for k in &asked {
            assert!(
                !answered.contains(k),
                "{k} was answered before the kill, and asked again"
            );
        }
        answered = now;
    }
    let before = store.hits().len();
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--resume", "--json"]);
    let o = bin()
        .arg("--db")
        .arg(db)
        .args(&a)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for h in &store.hits()[before..] {
        let k = request_key(&h.path);
        assert!(
            !answered.contains(&k),
            "{k} was answered before the kill, and asked again"
        );
    }
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `refresh --base-url URL --rate 0` followed by `rest`.
fn refresh_args<'a>(url: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["refresh", "--base-url", url, "--rate", "0"];
    args.extend_from_slice(rest);
    args
}

fn snapshot_count(db: &std::path::Path) -> usize {
    run_json(db, &["snapshots", "--json"])
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_shelves_refresh_is_a_snapshot_of_the_shelves() {
    let store = mock(MockConfig {
        extra_per_shelf: 30,
        ..MockConfig::default()
    });
    let (_dir, db) = temp_db();
    let s = run_json(&db, &refresh_args(&store.url(), &["shelves", "--json"]));
    assert_eq!(s["snapshot"], 2);
    assert_eq!(s["shelves"], 10);
    let conn = rusqlite::Connection::open(&db).unwrap();
    // Exactly the GPTs on the shelves, at the mock's positions.
    let mut all: Vec<String> = Vec::new();
    for cut in ["trending", "writing", "featured_store"] {
        let ids = store.shelf_ids(cut);
        let mut st = conn
            .prepare(
                "SELECT gpt_id FROM shelf_entry WHERE snapshot_id = 2 AND shelf_id = ?1 ORDER BY position",
            )
            .unwrap();
        let got: Vec<String> = st
            .query_map([cut], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(got, ids, "{cut}");
        all.extend(ids);
    }
    all.sort();
    all.dedup();
    let in_snapshot: i64 = conn
        .query_row("SELECT count(*) FROM gpt_2", [], |r| r.get(0))
        .unwrap();
    let on_shelves: i64 = conn
        .query_row(
            "SELECT count(DISTINCT gpt_id) FROM shelf_entry WHERE snapshot_id = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_snapshot, on_shelves);
    // The work directory is gone once the snapshot is written.
    assert!(!std::path::Path::new(&format!("{}.refresh-shelves", db.display())).exists());
}

#[test]
fn a_refresh_that_cannot_fetch_writes_nothing_and_says_why() {
    let store = mock(MockConfig::default());
    store.fault(rule(Fault::Status(403), "", None));
    let (_dir, db) = temp_db();
    let o = run(&db, &refresh_args(&store.url(), &["shelves"]));
    assert!(!o.status.success());
    assert!(
        stderr(&o)
            .trim()
            .starts_with("gptscope: blocked by the store's bot protection (HTTP 403): send a"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).trim().lines().count(), 1, "one line");
    assert_eq!(snapshot_count(&db), 1);
    drop(store);
    let o = run(
        &db,
        &["refresh", "--base-url", "http://127.0.0.1:9", "shelves"],
    );
    assert!(
        stderr(&o).contains("cannot reach 127.0.0.1:9"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot_count(&db), 1);
}

#[test]
fn a_killed_refresh_leaves_no_snapshot_and_resumes_without_refetching() {
    let store = mock(MockConfig {
        extra_per_shelf: 60,
        ..MockConfig::default()
    });
    let (_dir, db) = temp_db();
    let url = store.url();
    let args = ["refresh", "--base-url", &url, "--rate", "40", "shelves"];
    // Killed once a few answers are spooled: no snapshot, but one to resume.
    kill_after_answers(&db, &args, "shelves", 4, &[]);
    assert_eq!(
        snapshot_count(&db),
        1,
        "a killed refresh leaves no snapshot"
    );
    let listed = run_json(&db, &["snapshots", "--json", "--resumable"]);
    let resumable = listed.as_array().unwrap();
    assert_eq!(resumable.len(), 1, "{listed}");
    assert_eq!(resumable[0]["resume"], "gptscope refresh shelves --resume");
    let text = stdout(&run(&db, &["snapshots"]));
    assert!(
        text.contains("resumable") && text.contains("refresh shelves --resume"),
        "{text}"
    );
    // Killed again at other moments, resumed each time: nothing answered is asked again.
    let s = kill_and_resume_asks_nothing_twice(&store, &db, &args, "shelves", &[9, 17], &[]);
    assert!(s["resumed_pages"].as_u64().unwrap() >= 17, "{s}");
    // And the snapshot is whole: every shelf to its end.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM shelf_entry WHERE snapshot_id = 2 AND shelf_id = 'trending'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n as usize, store.shelf_ids("trending").len());
    // None to resume now, and it says so.
    let text = stdout(&run(&db, &["snapshots", "--resumable"]));
    assert!(text.contains("no unfinished refresh"), "{text}");
}

#[test]
fn a_details_refresh_records_gone_and_stale_gpts_and_resumes() {
    let store = mock(MockConfig {
        extra_per_shelf: 30,
        ..MockConfig::default()
    });
    let (_dir, db) = temp_db();
    let url = store.url();
    run_json(&db, &refresh_args(&url, &["shelves", "--json"]));
    let total = store.gpt_ids().len();
    // One GPT gone, one failing every time.
    store.fault(rule(Fault::Status(404), "/gizmos/g-kZ0eYXlJe", None));
    store.fault(rule(Fault::Status(500), "/gizmos/g-bo0FiWLY7", None));
    let before = store.hits().len();
    let s = run_json(
        &db,
        &refresh_args(
            &url,
            &["--concurrency", "8", "--retries", "0", "details", "--json"],
        ),
    );
    assert_eq!(s["snapshot"], 3);
    assert_eq!(s["unavailable"], 1);
    assert_eq!(s["stale"], 1);
    assert_eq!(s["fetched"].as_u64().unwrap() as usize, total - 2);
    assert_eq!(store.hits().len() - before, total, "one request a GPT");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let row = |id: &str| -> (bool, Option<String>, Option<String>, String) {
        conn.query_row(
            "SELECT available, fetch_status, fetch_error, name FROM gpt_3 WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    };
    let gone = row("g-kZ0eYXlJe");
    assert_eq!((gone.0, gone.1.as_deref()), (false, Some("unavailable")));
    assert_eq!(gone.3, "Scholar GPT", "its last known name is kept");
    let stale = row("g-bo0FiWLY7");
    assert_eq!((stale.0, stale.1.as_deref()), (true, Some("stale")));
    assert!(stale.2.unwrap().contains("HTTP 500"));
    assert_eq!(stale.3, "Consensus", "carried forward, not lost");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM gpt_3", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, total, "nothing vanished by accident");
    let text = stdout(&run(&db, &["show", "g-bo0FiWLY7"]));
    assert!(
        text.contains(" stale: the store failed (HTTP 500 Internal Server Error)"),
        "{text}"
    );
    assert!(
        text.contains("refreshed      20"),
        "the time it was asked: {text}"
    );
    drop(conn);

    // Killed at several moments, resumed each time: no GPT answered is asked again.
    store.clear_faults();
    let s = kill_and_resume_asks_nothing_twice(
        &store,
        &db,
        &[
            "refresh",
            "--base-url",
            &url,
            "--rate",
            "150",
            "details",
            "--from-snapshot",
            "2",
        ],
        "details",
        &[1, 40, 150],
        &[],
    );
    assert_eq!(s["snapshot"], 4);
    assert_eq!(s["fetched"].as_u64().unwrap() as usize, total);
}

#[test]
fn search_and_author_refreshes_page_to_the_end() {
    let store = mock(MockConfig {
        token: Some(SECRET.to_owned()),
        extra_per_shelf: 5,
        list_page: 3,
        ..MockConfig::default()
    });
    let (dir, db) = temp_db();
    let url = store.url();
    let terms = write(
        dir.path(),
        "terms.txt",
        "# what to look for\nscholar\n\ngpt\n",
    );
    let refresh = |args: &[&str]| {
        let o = bin()
            .arg("--db")
            .arg(&db)
            .args(["refresh", "--base-url", &url, "--rate", "0"])
            .args(args)
            .arg("--json")
            .env("GPTSCOPE_TOKEN", SECRET)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let s = refresh(&["search", "--terms", terms.to_str().unwrap()]);
    // Every GPT whose name has "gpt" or "scholar", over pages of three.
    let ids = store.gpt_ids();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM gpt_{}", s["snapshot"]),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(n > 3, "more than one page: {n}");
    assert!(store.hits().iter().any(|h| h.path.contains("cursor=3")));
    assert!(n as usize <= ids.len());
    let s = refresh(&["author", "user-MV1EPMI80LBUBFXL3yqj7TxP"]);
    let name: String = conn
        .query_row(
            &format!(
                "SELECT name FROM gpt_{} WHERE id = 'g-kZ0eYXlJe'",
                s["snapshot"]
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Scholar GPT");
    // Without the token: 401, said plainly, nothing written.
    let before = snapshot_count(&db);
    let o = run(
        &db,
        &[
            "refresh",
            "--base-url",
            &url,
            "author",
            "user-MV1EPMI80LBUBFXL3yqj7TxP",
        ],
    );
    assert!(
        stderr(&o).contains("token missing or expired"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot_count(&db), before);
    let o = run(
        &db,
        &[
            "refresh",
            "--base-url",
            &url,
            "search",
            "--terms",
            "/nonexistent",
        ],
    );
    assert!(
        stderr(&o).contains("/nonexistent: cannot read the search terms"),
        "{}",
        stderr(&o)
    );
}

/// The config file's `[live]`: base URL and the token from a file of its own; the flag wins
/// over the file; the token shows nowhere.
#[test]
fn live_settings_and_token_from_the_config_file() {
    let store = mock(MockConfig {
        token: Some(SECRET.to_owned()),
        ..MockConfig::default()
    });
    let (dir, db) = temp_db();
    let token = write(dir.path(), "token", format!("{SECRET}\n"));
    let config = write(
        dir.path(),
        "config.toml",
        format!(
            "[live]\nbase_url = \"{}\"\nrate = 0\ntoken_env = \"GPTSCOPE_TEST_NO_SUCH_VAR\"\ntoken_file = \"{}\"\n",
            store.url(),
            token.display()
        ),
    );
    let o = bin()
        .arg("--db")
        .arg(&db)
        .arg("--config")
        .arg(&config)
        .args(["live", "author", "user-MV1EPMI80LBUBFXL3yqj7TxP", "--json"])
        .env_remove("GPTSCOPE_TOKEN")
        .env_remove("GPTSCOPE_BASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("g-kZ0eYXlJe"), "{}", stdout(&o));
    let sent = store
        .hits()
        .iter()
        .filter(|h| h.path.contains("/gizmo_creators/"))
        .filter(|h| h.authorization.as_deref() == Some(&format!("Bearer {SECRET}")))
        .count();
    assert!(sent >= 1, "the token from the file was sent");
    assert!(!stdout(&o).contains(SECRET) && !stderr(&o).contains(SECRET));
    // --base-url wins over the file: nothing listens there.
    let o = bin()
        .arg("--db")
        .arg(&db)
        .arg("--config")
        .arg(&config)
        .args(["--base-url", "http://127.0.0.1:9", "--retries", "0"])
        .args(["live", "author", "user-MV1EPMI80LBUBFXL3yqj7TxP"])
        .env_remove("GPTSCOPE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("127.0.0.1:9"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(SECRET));
}

/// Every shelf's positions in a snapshot: shelf → [(position, GPT id)].
fn positions(
    db: &std::path::Path,
    snapshot: i64,
) -> std::collections::BTreeMap<String, Vec<(u32, String)>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare(
            "SELECT shelf_id, position, gpt_id FROM shelf_entry WHERE snapshot_id = ?1
             ORDER BY shelf_id, position",
        )
        .unwrap();
    let mut out: std::collections::BTreeMap<String, Vec<(u32, String)>> = Default::default();
    for row in st
        .query_map([snapshot], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
    {
        let (shelf, pos, id) = row.unwrap();
        out.entry(shelf).or_default().push((pos, id));
    }
    out
}

/// The real day served back as the store answered it: `refresh shelves`, `live shelves` and
/// the import of the saved files give every shelf the same positions.
#[test]
fn a_saved_day_gives_the_same_positions_by_every_path() {
    let day = fixture("gptstore_2024-01-31_global");
    let store = MockStore::replay(&day, MockConfig::default(), 0).unwrap();
    let (_dir, db) = temp_db();
    let imported = run_json(&db, &["import", day.to_str().unwrap(), "--json"]);
    let refreshed = run_json(&db, &refresh_args(&store.url(), &["shelves", "--json"]));
    let (a, b) = (
        imported["snapshot"].as_i64().unwrap(),
        refreshed["snapshot"].as_i64().unwrap(),
    );
    let by_import = positions(&db, a);
    assert_eq!(by_import["writing"][0].0, 1);
    assert_eq!(by_import["writing"].len(), 16);
    assert_eq!(positions(&db, b), by_import, "refresh shelves = import");
    // featured's page says cursor "16": asked, and the empty answer past the saved pages ends it.
    assert!(
        store
            .hits()
            .iter()
            .any(|h| h.path.contains("/discovery/featured?cursor=16"))
    );
    assert!(
        refreshed["incomplete"].as_array().unwrap().is_empty(),
        "{refreshed}"
    );
    // live shelves: the same positions, printed.
    let live = run_json(
        &db,
        &[
            "live",
            "--base-url",
            &store.url(),
            "--rate",
            "0",
            "shelves",
            "--json",
        ],
    );
    let mut by_live: std::collections::BTreeMap<String, Vec<(u32, String)>> = Default::default();
    for s in live.as_array().unwrap() {
        let gpts = s["gpts"].as_array().unwrap();
        let list = gpts
            .iter()
            .map(|g| {
                (
                    g[0].as_u64().unwrap() as u32,
                    g[1]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        by_live.insert(s["id"].as_str().unwrap().to_owned(), list);
    }
    assert_eq!(by_live, by_import, "live shelves = import");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let locale: String = conn
        .query_row(
            &format!("SELECT locale FROM snapshot WHERE id = {b}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(locale, "global");
}

/// A shelf that answers 500 every time (as dalle did for months in 2024): the refresh goes on,
/// keeps the shelf's front positions, and names it, in its summary and the snapshot list.
#[test]
fn a_refresh_survives_a_shelf_that_always_fails_and_names_it() {
    let store = mock(MockConfig {
        extra_per_shelf: 30,
        ..MockConfig::default()
    });
    store.fault(rule(Fault::Status(500), "/discovery/dalle", None));
    let (_dir, db) = temp_db();
    let url = store.url();
    let o = run(&db, &refresh_args(&url, &["--retries", "1", "shelves"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("9 of 10 shelves; dalle: 500 Internal Server Error"),
        "{text}"
    );
    let listed = stdout(&run(&db, &["snapshots"]));
    assert!(
        listed.contains("9 of 10 shelves; dalle: 500 Internal Server Error"),
        "{listed}"
    );
    let json = run_json(&db, &["snapshots", "--json"]);
    assert_eq!(
        json[1]["shelves_incomplete"],
        "9 of 10 shelves; dalle: 500 Internal Server Error"
    );
    let by = positions(&db, 2);
    assert_eq!(by["dalle"].len(), 6, "the front's positions are kept");
    assert_eq!(by["trending"].len(), store.shelf_ids("trending").len());
    // The shelf was tried twice (one retry), not for ever.
    let tries = store
        .hits()
        .iter()
        .filter(|h| h.path.contains("/discovery/dalle"))
        .count();
    assert_eq!(tries, 2);
}

/// Bad shelves: a page repeating an earlier GPT keeps its first position; a cursor that never
/// ends is cut at the page cap, said; a store front that fails is fatal (nothing fetched).
#[test]
fn odd_shelves_are_cut_and_said() {
    let store = mock(MockConfig {
        extra_per_shelf: 200,
        ..MockConfig::default()
    });
    let (_dir, db) = temp_db();
    let s = run_json(
        &db,
        &refresh_args(&store.url(), &["shelves", "--max-pages", "2", "--json"]),
    );
    let incomplete = s["incomplete"].as_array().unwrap();
    assert_eq!(incomplete.len(), 10, "{s}");
    assert!(
        incomplete[0]["why"]
            .as_str()
            .unwrap()
            .contains("stopped after 2 pages (the page cap)"),
        "{s}"
    );
    let by = positions(&db, 2);
    assert_eq!(by["trending"].len(), 6 + 2 * api::SHELF_PAGE);
}

/// A crawl over a mock store of 600 synthetic GPTs by 120 authors behind the real front:
/// from the front and the 100 most common words, every GPT is found once and every list asked
/// once; a budget stops it where it says; killed at any moment and resumed, it asks nothing
/// twice.
#[test]
fn a_crawl_finds_every_gpt_once_and_stops_at_its_budget() {
    let store = mock(MockConfig {
        token: Some(SECRET.to_owned()),
        graph: Some((600, 120)),
        list_page: 7,
        ..MockConfig::default()
    });
    let url = store.url();
    let token = [("GPTSCOPE_TOKEN", SECRET)];
    let crawl = |db: &std::path::Path, extra: &[&str]| {
        let o = bin()
            .arg("--db")
            .arg(db)
            .args(refresh_args(
                &url,
                &["crawl", "--common-words", "100", "--json"],
            ))
            .args(extra)
            .envs(token)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let (_dir, db) = temp_db();
    let s = crawl(&db, &[]);
    let all = store.gpt_ids();
    assert_eq!(s["fetched"].as_u64().unwrap() as usize, all.len(), "{s}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut st = conn.prepare("SELECT id FROM gpt_2 ORDER BY id").unwrap();
    let got: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, all, "every GPT of the mock, each once");
    let keys: Vec<String> = store.hits().iter().map(|h| request_key(&h.path)).collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "no request asked twice");
    assert_eq!(
        s["crawl"]["authors_met"].as_u64().unwrap() as usize,
        store.author_count(),
        "{s}"
    );
    assert!(s["crawl"]["stopped_by"].is_null());

    // A budget of 25 requests: exactly 25 asked, and it says why it stopped.
    let (_dir2, db2) = temp_db();
    let before = store.hits().len();
    let s = crawl(&db2, &["--max-requests", "25"]);
    assert_eq!(store.hits().len() - before, 25);
    assert_eq!(s["crawl"]["stopped_by"], "--max-requests 25 spent", "{s}");
    assert!(s["crawl"]["lists_left"].as_u64().unwrap() > 0);
    let s = crawl(&db2, &["--max-gpts", "50"]);
    assert_eq!(s["crawl"]["stopped_by"], "--max-gpts 50 reached", "{s}");

    // Killed at several moments and resumed: nothing answered is asked again, and the
    // snapshot is the whole store all the same.
    let (_dir3, db3) = temp_db();
    let s = kill_and_resume_asks_nothing_twice(
        &store,
        &db3,
        &[
            "refresh",
            "--base-url",
            &url,
            "--rate",
            "300",
            "crawl",
            "--common-words",
            "100",
        ],
        "crawl",
        &[1, 30, 90],
        &token,
    );
    assert_eq!(s["fetched"].as_u64().unwrap() as usize, all.len(), "{s}");
}

/// A browser session: the cookie (from GPTSCOPE_COOKIE or a cookies.txt), browser-like headers,
/// a device id kept between runs, headers named on the command line; none of it in any output
/// or the log; a 403 says what to try.
#[test]
fn a_browser_session_goes_to_the_store_and_nowhere_else() {
    let store = mock(MockConfig::default());
    let (dir, db) = temp_db();
    let state = dir.path().join("state");
    let cookie = "__Secure-next-auth.session-token=COOKIE-SECRET-123; oai-did=abc";
    let live = |envs: &[(&str, &str)], extra: &[&str]| {
        let o = bin()
            .arg("--db")
            .arg(&db)
            .args(["live", "--base-url", &store.url(), "--rate", "0"])
            .args(extra)
            .args(["gpt", "g-kZ0eYXlJe", "--json"])
            .env("XDG_STATE_HOME", &state)
            .envs(envs.iter().copied())
            .output()
            .unwrap();
        (o.status.success(), stdout(&o) + &stderr(&o))
    };
    let (ok, out) = live(
        &[("GPTSCOPE_COOKIE", cookie)],
        &["--header", "oai-client-version: HEADER-SECRET-9"],
    );
    assert!(ok, "{out}");
    let first = store.hits().last().unwrap().clone();
    let header = |h: &gptscope_testkit::mock::Hit, name: &str| {
        h.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header(&first, "cookie").as_deref(), Some(cookie));
    assert_eq!(
        header(&first, "oai-client-version").as_deref(),
        Some("HEADER-SECRET-9")
    );
    assert_eq!(header(&first, "origin"), Some(store.url()));
    assert_eq!(
        header(&first, "referer"),
        Some(format!("{}/gpts", store.url()))
    );
    assert!(header(&first, "accept-language").is_some());
    let device = header(&first, "oai-device-id").unwrap();
    assert_eq!(device.len(), 36, "{device}");
    // The device id is kept; the cookie can come from a cookies.txt named in the config.
    let cookies = write(
        dir.path(),
        "cookies.txt",
        "# Netscape HTTP Cookie File\n\
         #HttpOnly_.127.0.0.1\tTRUE\t/\tTRUE\t1900000000\t__Secure-next-auth.session-token\tFILE-SECRET-456\n\
         .example.com\tTRUE\t/\tTRUE\t1900000000\tother\tnot-sent\n",
    );
    let config = write(
        dir.path(),
        "config.toml",
        format!("[live]\ncookie_file = {:?}\n", cookies.to_str().unwrap()),
    );
    let (ok, out2) = live(&[("GPTSCOPE_CONFIG", config.to_str().unwrap())], &[]);
    assert!(ok, "{out2}");
    let second = store.hits().last().unwrap().clone();
    assert_eq!(header(&second, "oai-device-id"), Some(device));
    assert_eq!(
        header(&second, "cookie").as_deref(),
        Some("__Secure-next-auth.session-token=FILE-SECRET-456")
    );
    // Never in an output or the log.
    let log = std::fs::read_to_string(db.with_file_name("gptscope.log")).unwrap_or_default();
    for text in [&out, &out2, &log] {
        for secret in ["COOKIE-SECRET", "HEADER-SECRET", "FILE-SECRET"] {
            assert!(!text.contains(secret), "{secret} shown: {text}");
        }
    }
    // A bot wall: what to try, with and without a session.
    store.fault(rule(Fault::Status(403), "", None));
    let (ok, out) = live(&[], &[]);
    assert!(!ok);
    assert!(
        out.contains("send a browser session (GPTSCOPE_COOKIE"),
        "{out}"
    );
    assert!(out.contains("gptscope import FILE.har"), "{out}");
    let (_, out) = live(&[("GPTSCOPE_COOKIE", cookie)], &[]);
    assert!(out.contains("even with the browser session"), "{out}");
    assert!(!out.contains("COOKIE-SECRET"), "{out}");
}

/// The about answer as the store sends it: rating, category ranking, conversations and the
/// rating split, read, stored by `refresh details --about`, shown by `show` and `live gpt`.
#[test]
fn the_about_answer_is_read_stored_and_shown() {
    let store = mock(MockConfig {
        token: Some(SECRET.to_owned()),
        graph: Some((40, 8)),
        ..MockConfig::default()
    });
    let url = store.url();
    let (_dir, db) = temp_db();
    let cli = |args: &[&str]| {
        let o = bin()
            .arg("--db")
            .arg(&db)
            .args(["--base-url", &url, "--rate", "0"])
            .args(args)
            .env("GPTSCOPE_TOKEN", SECRET)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    cli(&["refresh", "crawl", "--common-words", "100", "--json"]);
    // A rated graph GPT, with categories and conversations.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let id: String = conn
        .query_row(
            "SELECT id FROM gpt_2 WHERE review_count > 0 AND categories IS NOT NULL
             AND conv_bucket IS NOT NULL ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (total, count, bucket): (i64, i64, String) = conn
        .query_row(
            "SELECT review_total, review_count, conv_bucket FROM gpt_2 WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let live: serde_json::Value =
        serde_json::from_str(&cli(&["live", "gpt", &id, "--about", "--json"])).unwrap();
    let about = &live["about"];
    let avg = (total as f64 / count as f64 * 10.0).round() / 10.0;
    assert_eq!(about["rating"].as_f64().unwrap(), avg, "{about}");
    assert!(about["category_rank"].as_u64().is_some(), "{about}");
    assert_eq!(
        about["blocks"][0],
        serde_json::json!([bucket, "Conversations"])
    );
    assert_eq!(about["by_rating"].as_array().unwrap().len(), 5);
    assert!(store.hits().last().unwrap().path.ends_with("/about"));
    let text = cli(&["live", "gpt", &id, "--about"]);
    assert!(text.contains("ratings split  5★ 65% · 4★ 20%"), "{text}");
    // Stored by a details refresh by about answers, shown by `show`.
    let s: serde_json::Value =
        serde_json::from_str(&cli(&["refresh", "details", "--about", "--json"])).unwrap();
    assert_eq!(s["stale"], 0, "{s}");
    let shown = cli(&["show", &id]);
    assert!(
        shown.contains(&format!("about          ★ {avg:.1}")),
        "{shown}"
    );
    assert!(shown.contains(" in "), "the category ranking: {shown}");
    assert!(shown.contains("ratings split  5★ 65%"), "{shown}");
    let json: serde_json::Value = serde_json::from_str(&cli(&["show", &id, "--json"])).unwrap();
    assert_eq!(json["about"]["rating"].as_f64().unwrap(), avg);
}

/// A shelf that answers 404, one too slow to answer: each recorded as failed with why, the
/// other shelves paged to their end (the `live shelves` path, which the refresh shares).
#[test]
fn shelves_failing_by_404_or_timeout_are_named() {
    let store = mock(MockConfig {
        extra_per_shelf: 10,
        ..MockConfig::default()
    });
    store.fault(rule(Fault::Status(404), "/discovery/writing", None));
    store.fault(rule(
        Fault::Slow(Duration::from_secs(3)),
        "/discovery/dalle",
        None,
    ));
    let c = Client::new(LiveConfig {
        base_url: store.url(),
        rate: 0.0,
        timeout: Duration::from_millis(800),
        max_retries: 0,
        ..LiveConfig::default()
    })
    .unwrap();
    let found = rt()
        .block_on(api::shelves(&c, "global", 50, |_| {}))
        .unwrap();
    let outcome = |id: &str| {
        found
            .shelves
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| s.outcome.clone())
    };
    use gptscope::store::parse::ShelfOutcome;
    assert_eq!(
        outcome("writing"),
        Some(ShelfOutcome::Failed("404 Not Found".into()))
    );
    assert_eq!(
        outcome("dalle"),
        Some(ShelfOutcome::Failed("timed out after 0.8 s".into()))
    );
    assert_eq!(outcome("trending"), None);
    let on = |id: &str| found.entries.iter().filter(|e| e.shelf_id == id).count();
    assert_eq!(on("trending"), store.shelf_ids("trending").len());
    assert_eq!(on("writing"), 6, "the front's positions are kept");
}
