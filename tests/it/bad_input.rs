//! Bad input: each case gives a clear message naming file and line, `--strict` writes nothing,
//! otherwise the good records are imported, and earlier snapshots are never touched.

use crate::common::*;
use gptscope::store::parse::{IssueKind, SkipReason};
use serde_json::{Value, json};
use std::path::Path;

/// A real resource (GPTracker's README sample) as one JSONL line, with `id` and `name` set.
fn resource(id: &str, name: &str) -> Value {
    let mut v = read_json(&fixture("gptracker_readme_g-9upSdCEcq_2024-04.json"));
    v["gizmo"]["id"] = json!(id);
    v["gizmo"]["short_url"] = json!(format!("{id}-x"));
    v["gizmo"]["display"]["name"] = json!(name);
    v
}

fn line(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// A database holding the bundled sample (snapshot 1), and its stats.
fn sample_db() -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let (dir, db) = temp_db();
    let stats = run_json(&db, &["stats", "--json"]);
    (dir, db, stats)
}

/// Imports `path` twice: `--strict` must fail and write nothing; without it the good records
/// land. Returns the lenient report. Snapshot 1 stays as it was either way.
fn strict_then_lenient(db: &Path, before: &Value, path: &Path, expect_in_error: &str) -> Value {
    let o = run(db, &["import", "--strict", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "--strict fails: {}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains(expect_in_error),
        "message {err:?} should name {expect_in_error:?}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert_eq!(snapshot_ids(db), vec![1], "--strict wrote nothing");
    let report = run_json(db, &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(
        &run_json(db, &["stats", "--json", "--snapshot", "1"]),
        before,
        "snapshot 1 untouched"
    );
    report
}

fn examples(report: &Value) -> Vec<String> {
    report["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn truncated_last_jsonl_line() {
    let (dir, db, before) = sample_db();
    let good = format!(
        "{}\n{}\n",
        line(&resource("g-aaaaaaaa1", "One")),
        line(&resource("g-aaaaaaaa2", "Two"))
    );
    let full = line(&resource("g-aaaaaaaa3", "Three"));
    let path = write(
        dir.path(),
        "cut.jsonl",
        format!("{good}{}", &full[..full.len() / 2]),
    );
    let report = strict_then_lenient(&db, &before, &path, "cut.jsonl:3: truncated record");
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["skipped_by_reason"]["truncated record"], 1);
    assert!(
        examples(&report)[0]
            .ends_with("cut.jsonl:3: truncated record: the record ends early (truncated JSON)"),
        "{report}"
    );
}

#[test]
fn a_line_that_is_not_json() {
    let (dir, db, before) = sample_db();
    let text = format!(
        "{}\nthis is not json\n{}\n",
        line(&resource("g-bbbbbbbb1", "One")),
        line(&resource("g-bbbbbbbb2", "Two"))
    );
    let path = write(dir.path(), "mixed.jsonl", text);
    let report = strict_then_lenient(&db, &before, &path, "mixed.jsonl:2: not JSON");
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["skipped"], 1);
}

#[test]
fn fields_of_the_wrong_type_cost_only_the_field() {
    let (dir, db, before) = sample_db();
    let mut tools_str = resource("g-cccccccc1", "Tools as a string");
    tools_str["tools"] = json!("browser");
    let mut null_cats = resource("g-cccccccc2", "Null categories");
    null_cats["gizmo"]["display"]["categories"] = Value::Null;
    let mut stats_list = resource("g-cccccccc3", "Review stats as a list");
    stats_list["gizmo"]["vanity_metrics"]["review_stats"] = json!([]);
    let text = [&tools_str, &null_cats, &stats_list].map(line).join("\n");
    let path = write(dir.path(), "types.jsonl", text);
    let report = strict_then_lenient(
        &db,
        &before,
        &path,
        "types.jsonl:1: field of the wrong type ignored: field `tools`",
    );
    assert_eq!(report["gpts"], 3, "every record is kept");
    assert_eq!(report["skipped"], 0);
    assert_eq!(
        report["fields_ignored"], 2,
        "null is 'not set', not a wrong type: {report}"
    );
    let ex = examples(&report);
    assert!(
        ex[0].contains("types.jsonl:1:")
            && ex[0].contains("`tools`")
            && ex[0].contains("expected a sequence"),
        "{ex:?}"
    );
    assert!(
        ex[1].contains("types.jsonl:3:") && ex[1].contains("`gizmo.vanity_metrics.review_stats`"),
        "{ex:?}"
    );
    let g = run_json(&db, &["show", "g-cccccccc1", "--json"]);
    assert_eq!(g["tools"], json!([]));
    assert_eq!(g["name"], "Tools as a string");
    assert_eq!(
        g["conversations"]["bucket"], "80+",
        "the rest of the record is kept"
    );
    let g = run_json(&db, &["show", "g-cccccccc3", "--json"]);
    assert_eq!(g["review_count"], Value::Null);
    assert_eq!(g["conversations"]["bucket"], "80+");
}

#[test]
fn a_record_without_an_id_and_a_project() {
    let (dir, db, before) = sample_db();
    let mut no_id = resource("g-dddddddd1", "No id");
    no_id["gizmo"].as_object_mut().unwrap().remove("id");
    let project = resource("g-p-67a56d907fc88191814386dac67ed919", "A project");
    let text = [
        line(&resource("g-dddddddd2", "Fine")),
        line(&no_id),
        line(&project),
    ]
    .join("\n");
    let path = write(dir.path(), "ids.jsonl", text);
    let report = strict_then_lenient(&db, &before, &path, "ids.jsonl:2: no id");
    assert_eq!(report["gpts"], 1);
    assert_eq!(report["skipped_by_reason"]["no id"], 1);
    assert_eq!(report["skipped_by_reason"]["project, not a GPT"], 1);
}

#[test]
fn duplicate_ids_merge_and_the_newest_wins() {
    let (dir, db, _) = sample_db();
    let mut old = resource("g-eeeeeeee1", "Old name");
    old["gizmo"]["updated_at"] = json!("2024-01-01T00:00:00+00:00");
    let mut new = resource("g-eeeeeeee1", "New name");
    new["gizmo"]["updated_at"] = json!("2024-06-01T00:00:00+00:00");
    // Newest first, then an older copy: the older must not win by coming later.
    let path = write(
        dir.path(),
        "dups.jsonl",
        [
            line(&new),
            line(&old),
            line(&resource("g-eeeeeeee2", "Other")),
        ]
        .join("\n"),
    );
    let report = run_json(&db, &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["records"], 3);
    assert_eq!(report["duplicates_merged"], 1);
    assert_eq!(
        run_json(&db, &["show", "g-eeeeeeee1", "--json"])["name"],
        "New name"
    );
    // And the other way round, across two files of one import.
    let a = write(dir.path(), "a.jsonl", line(&old));
    let b = write(dir.path(), "b.jsonl", line(&new));
    let report = run_json(
        &db,
        &["import", "--json", a.to_str().unwrap(), b.to_str().unwrap()],
    );
    assert_eq!(report["duplicates_merged"], 1);
    let sid = report["snapshot"].to_string();
    assert_eq!(
        run_json(&db, &["show", "g-eeeeeeee1", "--json", "--snapshot", &sid])["name"],
        "New name"
    );
    // The newer copy right after the older, whose version (the highest so far) goes, then
    // enough GPTs for multi-row inserts: every GPT keeps its own version and content.
    let mut lines = vec![line(&old), line(&new)];
    for i in 0..100 {
        lines.push(line(&resource(
            &format!("g-dupe{i:05}"),
            &format!("After {i}"),
        )));
    }
    let path = write(dir.path(), "then.jsonl", lines.join("\n"));
    let report = run_json(&db, &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(report["gpts"], 101);
    assert_eq!(report["duplicates_merged"], 1);
    let sid = report["snapshot"].to_string();
    let o = run(&db, &["export", "--snapshot", &sid, "--format", "jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: std::collections::BTreeMap<String, String> = stdout(&o)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_owned(),
                v["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(names.len(), 101);
    assert_eq!(names["g-eeeeeeee1"], "New name");
    for i in 0..100 {
        assert_eq!(names[&format!("g-dupe{i:05}")], format!("After {i}"));
    }
}

#[test]
fn invalid_utf8() {
    let (dir, db, before) = sample_db();
    let mut bytes = line(&resource("g-ffffffff1", "Good")).into_bytes();
    bytes.push(b'\n');
    let bad = line(&resource("g-ffffffff2", "BAD_HERE"));
    bytes.extend_from_slice(
        &bad.replace("BAD_HERE", "bad \u{1}")
            .into_bytes()
            .iter()
            .map(|&b| if b == 1 { 0xFF } else { b })
            .collect::<Vec<u8>>(),
    );
    bytes.push(b'\n');
    bytes.extend_from_slice(line(&resource("g-ffffffff3", "Also good")).as_bytes());
    let path = write(dir.path(), "utf8.jsonl", bytes);
    let report = strict_then_lenient(&db, &before, &path, "utf8.jsonl:2: invalid UTF-8");
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["skipped_by_reason"]["invalid UTF-8"], 1);
}

#[test]
fn a_five_megabyte_description() {
    let (dir, db, _) = sample_db();
    let mut big = resource("g-gggggggg1", "Verbose");
    let description = "словарь 词典 dictionary ".repeat(5 * 1024 * 1024 / 33 + 1);
    assert!(description.len() >= 5_000_000);
    big["gizmo"]["display"]["description"] = json!(description);
    let path = write(dir.path(), "big.jsonl", line(&big));
    let report = run_json(
        &db,
        &["import", "--json", "--strict", path.to_str().unwrap()],
    );
    assert_eq!(report["gpts"], 1);
    let g = run_json(&db, &["show", "g-gggggggg1", "--json"]);
    assert_eq!(
        g["description"].as_str().unwrap(),
        description,
        "stored whole"
    );
}

#[test]
fn an_empty_file() {
    let (dir, db, before) = sample_db();
    let empty = write(dir.path(), "empty.json", "");
    let o = run(&db, &["import", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("nothing to import"), "{err}");
    assert_eq!(snapshot_ids(&db), vec![1]);
    // Beside a good file it is reported, and the good file imported.
    let good = write(
        dir.path(),
        "good.jsonl",
        line(&resource("g-hhhhhhhh1", "Fine")),
    );
    let report = run_json(
        &db,
        &[
            "import",
            "--json",
            empty.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(report["gpts"], 1);
    assert_eq!(report["files"][0]["error"], "empty file (no records)");
    let o = run(
        &db,
        &[
            "import",
            "--strict",
            empty.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
    );
    assert!(
        stderr(&o).contains("empty.json: empty file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        run_json(&db, &["stats", "--json", "--snapshot", "1"]),
        before
    );
}

#[test]
fn a_directory_with_unrelated_files() {
    let (dir, db, before) = sample_db();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    write(&data, "README.txt", "These are my notes.\n");
    write(
        &data,
        "logo.png",
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13],
    );
    write(&data, "config.yaml", "a: 1\nb: [2, 3]\n");
    write(&data, "numbers.json", "[1, 2, 3]");
    write(
        &data,
        "gpts.jsonl",
        [
            line(&resource("g-iiiiiiii1", "One")),
            line(&resource("g-iiiiiiii2", "Two")),
        ]
        .join("\n"),
    );
    // The notes, the image and the configuration are not data by their names: not read, and
    // listed; the JSON array of numbers is read, and nothing in it is a record (its elements
    // are counted, and the file says why it gave nothing).
    let report = strict_then_lenient(
        &db,
        &before,
        &data,
        "numbers.json:1: not a GPT Store record",
    );
    assert_eq!(report["gpts"], 2);
    let not_read: Vec<&str> = report["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(not_read, ["README.txt", "config.yaml", "logo.png"]);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let failed: Vec<&str> = files
        .iter()
        .filter(|f| f["error"].is_string())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 1, "{files:?}");
    assert_eq!(report["skipped_by_reason"]["not a GPT Store record"], 3);
    let numbers = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("numbers.json"))
        .unwrap();
    assert_eq!(numbers["error"], "expected a JSON object, found \"1\"");
}

#[test]
fn a_database_that_is_not_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = write(
        dir.path(),
        "notes.db",
        "just some text, certainly not SQLite\n",
    );
    let before = std::fs::read(&db).unwrap();
    for args in [
        &["stats"][..],
        &[
            "import",
            fixture("gizmos_2023-11_300.jsonl").to_str().unwrap(),
        ][..],
    ] {
        fails_with(&run(&db, args), "notes.db: not a SQLite database");
    }
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the file is left alone"
    );
    // Another program's SQLite database is refused too.
    let other = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        .unwrap();
    drop(conn);
    let o = run(&other, &["stats"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not one of gptscope's"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_locked_database() {
    let (_dir, db, before) = sample_db();
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let o = run(
        &db,
        &[
            "--lock-timeout",
            "0.2",
            "import",
            fixture("gizmos_2023-11_300.jsonl").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("locked by another process"),
        "{}",
        stderr(&o)
    );
    // Readers still read.
    assert_eq!(run_json(&db, &["stats", "--json"]), before);
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(snapshot_ids(&db), vec![1]);
}

#[test]
fn a_read_only_database() {
    let (dir, db, before) = sample_db();
    // Make the database unwritable for the process that runs gptscope: as root, permissions do
    // not bind, so gptscope runs as `nobody` (setpriv) instead.
    let root = is_root();
    let mut perms = std::fs::metadata(dir.path()).unwrap().permissions();
    use std::os::unix::fs::PermissionsExt;
    perms.set_mode(0o755);
    std::fs::set_permissions(dir.path(), perms.clone()).unwrap();
    if !root {
        perms.set_mode(0o555);
        std::fs::set_permissions(dir.path(), perms.clone()).unwrap();
    }
    let mut file_perms = std::fs::metadata(&db).unwrap().permissions();
    file_perms.set_mode(0o444);
    std::fs::set_permissions(&db, file_perms.clone()).unwrap();
    let as_user = |args: &[&str]| {
        let mut cmd = if root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            c.arg(env!("CARGO_BIN_EXE_gptscope"));
            c
        } else {
            std::process::Command::new(env!("CARGO_BIN_EXE_gptscope"))
        };
        cmd.arg("--db").arg(&db).args(args).output().unwrap()
    };
    let fixture_path =
        std::env::temp_dir().join(format!("gptscope-ro-{}.jsonl", std::process::id()));
    std::fs::copy(fixture("gizmos_2023-11_300.jsonl"), &fixture_path).unwrap();
    let o = as_user(&["import", fixture_path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&fixture_path);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("read-only"), "{}", stderr(&o));
    // It can still be read.
    let o = as_user(&["stats", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stats: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(stats, before);
    perms.set_mode(0o755);
    std::fs::set_permissions(dir.path(), perms).unwrap();
    file_perms.set_mode(0o644);
    std::fs::set_permissions(&db, file_perms).unwrap();
    assert_eq!(snapshot_ids(&db), vec![1]);
}

/// Whether the tests run as root (where file permissions do not stop writes).
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn issues_carry_file_relative_lines_in_json_arrays() {
    // A pretty-printed array: the bad element's line is where it starts.
    let text = "[\n  {\"gizmo\": {\"id\": \"g-jjjjjjjj1\", \"display\": {\"name\": \"A\"}}},\n  {\"gizmo\": {\"display\": {\"name\": \"no id\"}}},\n  {\"gizmo\": {\"id\": \"g-jjjjjjjj3\", \"display\": {\"name\": 7}}}\n]\n";
    let got = parse_bytes(text.as_bytes());
    assert_eq!(got.gpts.len(), 2);
    assert_eq!(got.issues.len(), 2);
    assert_eq!(got.issues[0].line, 3);
    assert_eq!(
        got.issues[0].kind,
        IssueKind::Skipped(SkipReason::MissingId)
    );
    assert_eq!(got.issues[1].line, 4);
    assert_eq!(got.issues[1].kind, IssueKind::FieldIgnored);
    assert!(
        got.issues[1].message.contains("`gizmo.display.name`"),
        "{}",
        got.issues[1].message
    );
}

/// A bad config file stops every command before it does anything, with one line naming the
/// file, the line and the key; a good one is read.
#[test]
fn config_files_are_checked_before_anything_runs() {
    let (_dir, db) = temp_db();
    let cfg = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/config")
            .join(name)
    };
    for (name, want) in [
        (
            "bad_action.toml",
            "bad_action.toml:3: [keys] \"ctrl-y\": no Action named \"copy_urll\"",
        ),
        (
            "bad_colour.toml",
            "bad_colour.toml:3: [theme] added: \"chartreuse\" is not a colour",
        ),
        (
            "bad_type.toml",
            "bad_type.toml:4: [live] concurrency: invalid type: string \"many\"",
        ),
        (
            "unknown_key.toml",
            "unknown_key.toml:3: [live] token: unknown field `token`",
        ),
    ] {
        let path = cfg(name);
        let o = run(&db, &["--config", path.to_str().unwrap(), "snapshots"]);
        let err = fails_with(&o, want);
        assert!(stdout(&o).is_empty(), "{name}: nothing ran");
        assert!(!err.contains("do-not-put-tokens-here"), "{err}");
    }
    let good = cfg("valid.toml");
    let o = run(&db, &["--config", good.to_str().unwrap(), "config"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for want in [
        "mouse: on",
        "key Ctrl-n: down",
        "key F2: help",
        "live: http://127.0.0.1:8787 · rate 0/s · concurrency 8",
        "funnel domains: example-shop.com, -gumroad.com",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    // The documented default is a valid config file.
    let o = run(&db, &["config", "--print-default"]);
    let dir = tempfile::tempdir().unwrap();
    let default = write(dir.path(), "default.toml", &o.stdout);
    let o = run(&db, &["--config", default.to_str().unwrap(), "config"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("mouse: off"));
}

/// The disk fills during an import (here the database's page limit, which SQLite reports the
/// same way): one clear line, every earlier snapshot as it was, and the next import works.
#[test]
fn a_full_disk_during_an_import_loses_nothing() {
    use gptscope::store::Db;
    use gptscope::store::import::{ImportError, ImportOptions, Input, import};
    use std::time::Duration;
    let (dir, path) = temp_db();
    let mut db = Db::open(&path, Duration::from_secs(5)).unwrap();
    gptscope::assets::import_sample(&mut db).unwrap();
    let before = gptscope::store::query::snapshots(&db).unwrap();
    let mut lines = Vec::new();
    gptscope_testkit::synth::write_jsonl(
        &mut lines,
        gptscope_testkit::synth::SynthOptions {
            count: 3000,
            seed: 4,
        },
    )
    .unwrap();
    let file = write(dir.path(), "more.jsonl", &lines);
    let pages: i64 = db
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    db.conn()
        .pragma_update(None, "max_page_count", pages + 8)
        .unwrap();
    let err = import(
        &mut db,
        &[Input::Path(file.clone())],
        &ImportOptions::default(),
        &|_| {},
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::DiskFull { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("disk full: nothing was written; about ")
            && message.ends_with(" MB needed"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    // Every earlier snapshot as it was, the file sound.
    assert_eq!(gptscope::store::query::snapshots(&db).unwrap(), before);
    let ok: String = db
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    // With room again the same import goes through.
    db.conn()
        .pragma_update(None, "max_page_count", 1_073_741_823i64)
        .unwrap();
    let report = import(
        &mut db,
        &[Input::Path(file)],
        &ImportOptions::default(),
        &|_| {},
    )
    .unwrap();
    assert_eq!(report.gpts, 3000);
    assert_eq!(
        gptscope::store::query::snapshots(&db).unwrap().len(),
        before.len() + 1
    );
}
