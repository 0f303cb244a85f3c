//! An import killed with SIGKILL, at any moment (parsing, writing, building indexes, committing),
//! leaves every earlier snapshot intact and no half snapshot behind.

use crate::common::*;
use std::path::Path;
use std::time::Instant;

/// The snapshots' GPT views, and the versions that begin after snapshot 1.
fn views(db: &Path) -> (Vec<String>, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let later: i64 = conn
        .query_row("SELECT count(*) FROM gpt WHERE first > 1", [], |r| r.get(0))
        .unwrap();
    let closed: i64 = conn
        .query_row(
            "SELECT count(*) FROM gpt WHERE last IS NOT NULL AND first > 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        closed == 0 || later > 20_000,
        "a closed version of snapshot 2 without the snapshot that closed it"
    );
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'view' AND name GLOB 'gpt_[0-9]*' ORDER BY name")
        .unwrap();
    let names = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (names, later)
}

fn all_snapshot_rows(db: &Path) -> Vec<(i64, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT id, status FROM snapshot ORDER BY id")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Every GPT of a snapshot as `export` writes it (every stored row read, not a summary).
fn rows_of(db: &Path, snapshot: i64) -> String {
    let o = run(
        db,
        &[
            "export",
            "--format",
            "jsonl",
            "--snapshot",
            &snapshot.to_string(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// Killed at any point of an import that shares rows with the snapshot before it (day 1 of a
/// synthetic history: 10 % of 20,000 GPTs changed, the rest kept, their versions reopened or
/// closed), the file opens with every earlier snapshot as it was.
#[test]
fn sigkill_at_any_point_of_an_import_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let opts = gptscope_testkit::synth::SynthOptions {
        count: 20_000,
        seed: 5,
    };
    let day = |d: u64| {
        let path = dir.path().join(format!("day{d}.jsonl"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        gptscope_testkit::synth::write_day(&mut out, opts, d, 0.1).unwrap();
        std::io::Write::flush(&mut out).unwrap();
        path
    };
    let (day0, input) = (day(0), day(1));

    // A database with the sample as snapshot 1 and day 0 as snapshot 2, kept as the template
    // of every attempt.
    let template = dir.path().join("template.db");
    run_json(&template, &["import", "--json", day0.to_str().unwrap()]);
    let before: Vec<String> = [1, 2].iter().map(|&s| rows_of(&template, s)).collect();
    assert_eq!(before[1].lines().count(), 20_000);

    // How long a whole import takes here, to aim the kills: the fastest of three (one slow
    // run, the first, while the machine was busy, aimed every late kill past the end).
    let whole = (0..3)
        .map(|t| {
            let timed = dir.path().join(format!("timed{t}.db"));
            std::fs::copy(&template, &timed).unwrap();
            let start = Instant::now();
            let full = run_json(&timed, &["import", "--json", input.to_str().unwrap()]);
            assert_eq!(full["gpts"], 20_000);
            start.elapsed()
        })
        .min()
        .unwrap();

    let mut killed_mid_import = 0;
    let mut rolled_back = 0;
    let mut hot_journals = 0;
    for (i, fraction) in [0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.92, 0.97]
        .into_iter()
        .enumerate()
    {
        let db = dir.path().join(format!("kill{i}.db"));
        std::fs::copy(&template, &db).unwrap();
        let mut child = bin()
            .arg("--db")
            .arg(&db)
            .args(["import", input.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(fraction));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if finished {
            continue;
        }
        killed_mid_import += 1;
        // A database this small is loaded in bulk, under a rollback journal: the kill leaves
        // it hot, for the next open to play back.
        if Path::new(&format!("{}-journal", db.display())).exists() {
            hot_journals += 1;
        }
        let wal = Path::new(&format!("{}-wal", db.display()))
            .metadata()
            .map(|m| m.len())
            .unwrap_or(0);
        let ids = snapshot_ids(&db);
        // Every listed snapshot is complete and whole: killed before its commit, the import
        // left nothing; killed after it (while closing), the snapshot is all there.
        let rows = all_snapshot_rows(&db);
        assert!(
            rows.iter().all(|(_, status)| status == "complete"),
            "kill at {fraction}: {rows:?}"
        );
        assert_eq!(rows.len(), ids.len());
        match ids.as_slice() {
            [1, 2] => {
                rolled_back += 1;
                assert_eq!(
                    views(&db),
                    (vec!["gpt_1".to_owned(), "gpt_2".to_owned()], 20_000),
                    "no half snapshot: no view, no version"
                );
            }
            [1, 2, 3] => {
                assert_eq!(
                    rows_of(&db, 3).lines().count(),
                    20_000,
                    "kill at {fraction}: snapshot 3 is whole"
                );
            }
            other => panic!("kill at {fraction} (WAL {wal} bytes): snapshots {other:?}"),
        }
        for (s, rows) in [1, 2].iter().zip(&before) {
            assert!(
                rows_of(&db, *s) == *rows,
                "kill at {fraction}: snapshot {s} intact"
            );
        }
        assert_eq!(integrity(&db), "ok");
        // And the database takes the import again.
        let again = run_json(&db, &["import", "--json", input.to_str().unwrap()]);
        assert_eq!(again["gpts"], 20_000);
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal", "WAL is back after the bulk load");
        assert_eq!(
            snapshot_ids(&db).last(),
            again["snapshot"].as_i64().as_ref()
        );
    }
    // Timing on a shared machine varies: most kills land before the commit, late ones may not.
    assert!(
        killed_mid_import >= 5 && rolled_back >= 4,
        "only {killed_mid_import} kills landed mid-import, {rolled_back} before the commit \
         (whole import {whole:?})"
    );
    assert!(
        hot_journals >= 1,
        "no kill left a rollback journal: {hot_journals}"
    );
    // Keep the helper honest: a normal import does leave its table.
    assert_eq!(
        views(&dir.path().join("timed0.db")).0,
        vec!["gpt_1".to_owned(), "gpt_2".to_owned(), "gpt_3".to_owned()]
    );
}

/// A bulk load switches to a rollback journal only when it has the file to itself: with a
/// reader holding it open (the explorer, say), the import runs under WAL without waiting for
/// the switch, and the reader reads the earlier snapshot throughout.
#[test]
fn a_bulk_load_beside_an_open_reader_stays_in_wal() {
    let (_dir, db) = temp_db();
    let o = run(&db, &["snapshots"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let reader = rusqlite::Connection::open(&db).unwrap();
    let count = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT count(*) FROM gpt_1", [], |r| r.get(0))
            .unwrap()
    };
    let sample = count(&reader);
    assert!(sample > 0);
    let started = Instant::now();
    let report = run_json(
        &db,
        &[
            "import",
            "--json",
            fixture("gizmos_2023-11_300.jsonl").to_str().unwrap(),
        ],
    );
    assert_eq!(report["snapshot"], 2, "{report}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "the import did not wait out the lock timeout for the switch: {:?}",
        started.elapsed()
    );
    assert_eq!(count(&reader), sample, "the reader still reads snapshot 1");
    let log = std::fs::read_to_string(db.with_file_name("gptscope.log")).unwrap();
    let said: Vec<&str> = log.lines().filter(|l| l.contains("bulk load")).collect();
    assert!(
        said.last().is_some_and(|l| l.contains("journal=Wal")),
        "{said:?}"
    );
    let mode: String = reader
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}
