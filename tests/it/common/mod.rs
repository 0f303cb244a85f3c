//! Helpers shared by the integration tests: fixtures, the real binary, temporary databases.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use gptscope::store::parse::Collected;
use gptscope::store::parse::input::{Detected, parse_file};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicU64;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn asset(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join(name)
}

/// Parses a file with format detection, keeping everything found.
pub fn parse(path: &Path) -> (Collected, Detected) {
    let mut sink = Collected::default();
    let detected = parse_file(path, None, &AtomicU64::new(0), &mut sink)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (sink, detected)
}

/// Parses bytes as if they were a file.
pub fn parse_bytes(bytes: &[u8]) -> Collected {
    let mut sink = Collected::default();
    let mut reader = std::io::BufReader::new(bytes);
    gptscope::store::parse::input::parse_reader(&mut reader, None, &mut sink).unwrap();
    sink
}

/// A JSON value as a table cell shows it: nothing for null, strings as they are, a list of
/// strings joined by `sep`, anything else as JSON.
pub fn json_text(v: &serde_json::Value, sep: &str) -> String {
    use serde_json::Value;
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(sep),
        other => other.to_string(),
    }
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

pub fn ts(s: &str) -> i64 {
    gptscope::time::parse_timestamp(s).unwrap_or_else(|| panic!("{s} is a timestamp"))
}

/// The real binary.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gptscope"));
    cmd.env_remove("GPTSCOPE_DB");
    // No config file of whoever runs the tests.
    cmd.env_remove("GPTSCOPE_CONFIG");
    cmd.env("XDG_CONFIG_HOME", env!("CARGO_MANIFEST_DIR"));
    // State (the browser-like device id) in a folder of the tests', not the user's.
    cmd.env(
        "XDG_STATE_HOME",
        std::env::temp_dir().join("gptscope-tests-state"),
    );
    cmd.env_remove("GPTSCOPE_COOKIE");
    cmd
}

/// Runs `gptscope --db DB ARGS…`.
pub fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A command that failed as a user should see it: exit code 1 and one line saying `says`.
/// Returns that line, for what else a test checks of it.
pub fn fails_with(o: &Output, says: &str) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(says), "{says:?} in {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

/// Runs a command that must succeed and print JSON.
pub fn run_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let o = run(db, args);
    assert!(
        o.status.success(),
        "gptscope {args:?} failed: {}{}",
        stdout(&o),
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("gptscope {args:?}: not JSON ({e}): {}", stdout(&o)))
}

/// The ids of the complete snapshots.
pub fn snapshot_ids(db: &Path) -> Vec<i64> {
    run_json(db, &["snapshots", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect()
}

/// The synth history of 400 GPTs (seed 3: every tenth changed in a known way, 5 % new),
/// imported into `db` as `before.jsonl` taken at `dates.0` and `after.jsonl` at `dates.1`.
/// Returns the GPT ids in order and the counts of each change.
pub fn import_history(
    db: &Path,
    dir: &Path,
    dates: (&str, &str),
) -> (Vec<String>, std::collections::BTreeMap<&'static str, usize>) {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let counts = gptscope_testkit::synth::write_history(
        &mut before,
        &mut after,
        gptscope_testkit::synth::SynthOptions {
            count: 400,
            seed: 3,
        },
    )
    .unwrap();
    let ids = String::from_utf8(before.clone())
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["gizmo"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for (name, bytes, date) in [
        ("before.jsonl", &before, dates.0),
        ("after.jsonl", &after, dates.1),
    ] {
        let path = write(dir, name, bytes);
        let o = run(db, &["import", path.to_str().unwrap(), "--taken-at", date]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    (ids, counts)
}

/// Snapshot `sid`'s stored top (`snapshot.top`: the explorer's first page before its columns
/// load) names the first 500 GPTs `export` lists, in its order (by conversations, ties
/// included).
pub fn assert_stored_top_is_the_first_page(db: &Path, sid: i64) {
    let s = sid.to_string();
    let o = run(db, &["export", "--snapshot", &s, "--format", "jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listed: Vec<String> = stdout(&o)
        .lines()
        .take(500)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let conn = rusqlite::Connection::open(db).unwrap();
    let top: String = conn
        .query_row("SELECT top FROM snapshot WHERE id = ?1", [sid], |r| {
            r.get(0)
        })
        .unwrap();
    let stored: Vec<String> = serde_json::from_str::<Vec<i64>>(&top)
        .unwrap()
        .iter()
        .map(|v| {
            conn.query_row("SELECT id FROM gpt WHERE vid = ?1", [v], |r| r.get(0))
                .unwrap()
        })
        .collect();
    assert_eq!(stored, listed, "snapshot {sid}");
}

/// Two days of the store front as dated archives under `dir/archive`: the 2026-04-14 fixture,
/// and the next day with the first shelf in reverse order and its last GPT gone from it.
/// Returns the archive root and the day-one JSON.
pub fn two_store_front_days(dir: &Path) -> (PathBuf, serde_json::Value) {
    let day1 = read_json(&fixture("discovery_2026-04-14_global.json"));
    let mut day2 = day1.clone();
    let items = day2["cuts"][0]["list"]["items"].as_array_mut().unwrap();
    assert!(items.len() >= 3, "{}", items.len());
    items.reverse();
    items.remove(0);
    let root = dir.join("archive");
    for (date, v) in [("2026-04-14", &day1), ("2026-04-15", &day2)] {
        std::fs::create_dir_all(root.join(date)).unwrap();
        write(
            &root.join(date),
            "discovery.json",
            serde_json::to_vec(v).unwrap(),
        );
    }
    (root, day1)
}

/// A fresh temporary directory with a database path in it (the database is not created).
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gptscope.db");
    (dir, db)
}

/// Writes `content` to a file in `dir`.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// One entry of a HAR file: a GET of `url` answered `status` with `body` (base64 when asked),
/// with the request headers a browser session sends (a cookie and a token that must never be
/// stored).
pub struct HarEntry<'a> {
    pub url: &'a str,
    pub status: u16,
    pub body: &'a str,
    pub base64: bool,
}

/// A HAR file as Chrome's DevTools saves it ("Save all as HAR"), pretty-printed.
pub fn har(entries: &[HarEntry<'_>]) -> String {
    let entries: Vec<serde_json::Value> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut content = serde_json::json!({
                "size": e.body.len(),
                "mimeType": if e.body.starts_with('<') { "text/html" } else { "application/json" },
            });
            if e.base64 {
                content["text"] = base64(e.body.as_bytes()).into();
                content["encoding"] = "base64".into();
            } else {
                content["text"] = e.body.into();
            }
            serde_json::json!({
                "startedDateTime": format!("2024-01-31T10:00:{:02}.000Z", i % 60),
                "time": 120.5,
                "request": {
                    "method": "GET",
                    "url": e.url,
                    "httpVersion": "http/2.0",
                    "headers": [
                        {"name": "cookie", "value": "__Secure-next-auth.session-token=HAR-SECRET-COOKIE"},
                        {"name": "authorization", "value": "Bearer HAR-SECRET-TOKEN"},
                    ],
                    "queryString": [],
                    "cookies": [{"name": "__Secure-next-auth.session-token", "value": "HAR-SECRET-COOKIE"}],
                },
                "response": {
                    "status": e.status,
                    "statusText": "",
                    "headers": [],
                    "content": content,
                },
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [{"startedDateTime": "2024-01-31T10:00:00.000Z", "id": "page_1", "title": "https://chatgpt.com/gpts"}],
            "entries": entries,
        }
    }))
    .unwrap()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The saved day of 2024-01-31 as a browser would have recorded it: the front, then each
/// shelf's first page asked at the front's cursor; some bodies base64, and entries that are
/// not the store's (the page, a script) in between.
pub fn har_of_saved_day() -> String {
    let day = fixture("gptstore_2024-01-31_global");
    let read = |name: &str| std::fs::read_to_string(day.join(name)).unwrap();
    let mut bodies: Vec<(String, String)> = vec![(
        "https://chatgpt.com/public-api/gizmos/discovery?locale=global".to_owned(),
        read("discovery.json"),
    )];
    for shelf in [
        "trending",
        "featured",
        "dalle",
        "writing",
        "productivity",
        "research",
        "programming",
        "education",
        "lifestyle",
    ] {
        bodies.push((
            format!("https://chatgpt.com/public-api/gizmos/discovery/{shelf}?cursor=6&limit=24&locale=global"),
            read(&format!("{shelf}.json")),
        ));
    }
    let mut entries = vec![
        HarEntry {
            url: "https://chatgpt.com/gpts",
            status: 200,
            body: "<!DOCTYPE html><html></html>",
            base64: false,
        },
        HarEntry {
            url: "https://cdn.oaistatic.com/assets/app.js",
            status: 200,
            body: "console.log(1)",
            base64: false,
        },
    ];
    for (i, (url, body)) in bodies.iter().enumerate() {
        entries.push(HarEntry {
            url,
            status: 200,
            body,
            base64: i % 3 == 1,
        });
    }
    har(&entries)
}

/// Whether an outside program a test needs (`what`) is here. Where `require` (an environment
/// variable CI sets) is set, its absence fails the test; elsewhere the test says it did not run
/// and passes.
pub fn outside_tool(found: bool, require: &str, what: &str) -> bool {
    if !found {
        assert!(
            std::env::var_os(require).is_none(),
            "{require} is set and {what} was not found"
        );
        eprintln!("no {what} here: this test did not run");
    }
    found
}
