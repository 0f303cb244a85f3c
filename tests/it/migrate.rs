//! Databases written by earlier releases (`tests/databases/`, made by `make_release_db.sh`)
//! opened by this one. Schema 4 (per-snapshot GPT tables): every snapshot reads back equal after
//! the move to shared versions, in one transaction, with progress; a migration that fails or is
//! killed leaves the file as it was. Schema 6 (raw sources and details unique by an inline
//! constraint): every table reads back equal, unique by named indexes.

use crate::common::*;
use gptscope::store::schema::{AUTHOR_CONTENT, GPT_CONTENT, GPT_SOURCE};
use rusqlite::types::Value;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

fn schema4(dir: &Path) -> PathBuf {
    release_db(dir, 4)
}

fn release_db(dir: &Path, schema: u32) -> PathBuf {
    let db = dir.join("old.db");
    std::fs::copy(fixture(&format!("../databases/schema{schema}.db")), &db).unwrap();
    db
}

fn rows(conn: &rusqlite::Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut st = conn.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A snapshot as stored: each GPT's content by id, where and when it was read, and the
/// snapshot's author rows.
struct Stored {
    gpts: BTreeMap<String, Vec<Value>>,
    sources: BTreeMap<String, Vec<Value>>,
    authors: Vec<Vec<Value>>,
}

fn stored(db: &Path, snapshot: i64) -> Stored {
    let conn = rusqlite::Connection::open(db).unwrap();
    let content = GPT_CONTENT.join(", ");
    let source = GPT_SOURCE.join(", ");
    let mut gpts = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for mut r in rows(
        &conn,
        &format!("SELECT {content}, {source} FROM gpt_{snapshot}"),
    ) {
        let src = r.split_off(GPT_CONTENT.len());
        let Value::Text(id) = r[0].clone() else {
            panic!("id is text")
        };
        sources.insert(id.clone(), src);
        gpts.insert(id, r);
    }
    let authors = rows(
        &conn,
        &format!(
            "SELECT {} FROM author WHERE snapshot_id = {snapshot} ORDER BY user_id",
            AUTHOR_CONTENT.join(", ")
        ),
    );
    Stored {
        gpts,
        sources,
        authors,
    }
}

fn user_version(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn every_snapshot_reads_back_equal_after_the_move_to_shared_versions() {
    let dir = tempfile::tempdir().unwrap();
    let db = schema4(dir.path());
    assert_eq!(user_version(&db), 4);
    let before: Vec<Stored> = (1..=6).map(|s| stored(&db, s)).collect();
    assert_eq!(
        before.iter().map(|s| s.gpts.len()).collect::<Vec<_>>(),
        [397, 300, 295, 130, 397, 4]
    );

    let o = run(&db, &["snapshots", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    for k in 1..=6 {
        assert!(said.contains(&format!("snapshot {k} of 6")), "{said}");
    }
    assert!(said.contains("language of version 1 of"), "{said}");
    assert!(said.contains("the landscape of snapshot 6 of 6"), "{said}");
    let newest = gptscope::store::schema::SCHEMA_VERSION;
    assert!(said.contains(&format!("is at schema {newest}")), "{said}");
    assert_eq!(user_version(&db), i64::from(newest));

    for (i, old) in before.iter().enumerate() {
        let s = i as i64 + 1;
        let new = stored(&db, s);
        assert_eq!(old.gpts, new.gpts, "snapshot {s}: every GPT's content");
        assert_eq!(old.authors, new.authors, "snapshot {s}: every author");
        // Where and when: as read then, or (a version shared with an earlier snapshot) as
        // that snapshot read the same content.
        let conn = rusqlite::Connection::open(&db).unwrap();
        for (id, source) in &new.sources {
            let src: i64 = conn
                .query_row(
                    &format!("SELECT src FROM gpt_{s} WHERE id = ?1"),
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(src <= s, "{id} in {s} read from {src}");
            let first = &before[(src - 1) as usize];
            assert_eq!(first.gpts[id], old.gpts[id], "{id}: the same content");
            assert_eq!(&first.sources[id], source, "{id}: read in {src} there");
        }
        // Schema 9: the explorer's first page, stored from the moved rows.
        assert_stored_top_is_the_first_page(&db, s);
        // Schema 10: the analysts' view holds the snapshot's GPTs, no more, no less.
        let viewed = run_json(
            &db,
            &[
                "sql",
                "--json",
                &format!("SELECT gpt_id FROM gpts WHERE snapshot_id = {s} ORDER BY 1"),
            ],
        );
        let viewed: Vec<&str> = viewed
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["gpt_id"].as_str().unwrap())
            .collect();
        let mut ids: Vec<&str> = old.gpts.keys().map(String::as_str).collect();
        ids.sort_unstable();
        assert_eq!(viewed, ids, "snapshot {s} through the gpts view");
    }

    // Schema 11: each version's language detected from its stored text, as an import of the
    // same file today detects it: GPT by GPT through the view, and counted by `stats`, its
    // filter and its summary (computed again: the old one has no languages).
    let (_fresh_dir, fresh) = temp_db();
    let languages = |db: &Path| {
        let rows = run_json(
            db,
            &[
                "sql",
                "--json",
                "SELECT gpt_id, language FROM gpts WHERE snapshot_id = 1",
            ],
        );
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let s = |k: &str| r[k].as_str().unwrap().to_owned();
                (s("gpt_id"), s("language"))
            })
            .collect::<BTreeMap<String, String>>()
    };
    let migrated = languages(&db);
    assert_eq!(migrated, languages(&fresh));
    assert!(migrated.values().any(|l| l == "ja"), "{migrated:?}");
    let stats = |db: &Path, more: &[&str]| {
        let mut args = vec!["stats", "--json", "--snapshot", "1"];
        args.extend(more);
        run_json(db, &args)
    };
    let counted = stats(&db, &[])["languages"].clone();
    assert_eq!(counted, stats(&fresh, &[])["languages"]);
    let ja = migrated.values().filter(|l| *l == "ja").count();
    assert_eq!(counted["ja"], ja);
    assert_eq!(stats(&db, &["--language", "ja"])["gpts"], ja);

    // The next day's file shared what did not change: 276 of 300 GPTs (19 renamed, 5 gone).
    let conn = rusqlite::Connection::open(&db).unwrap();
    let shared: i64 = conn
        .query_row(
            "SELECT count(*) FROM gpt WHERE first <= 2 AND (last IS NULL OR last >= 3)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(shared, 276);
    drop(conn);

    // The explorer's twins read the migrated file: the diff finds the day's changes, the
    // history both names, and a new import compares with the newest snapshot.
    let d = run_json(&db, &["diff", "2", "3", "--json"]);
    assert_eq!(d["counts"]["removed"], 5, "{}", d["counts"]);
    assert_eq!(d["counts"]["name"], 19, "{}", d["counts"]);
    let renamed = d["changed"][0]["id"].as_str().unwrap().to_owned();
    let h = run_json(&db, &["history", &renamed, "--json"]);
    let names: Vec<&str> = h["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{h}");
    assert_ne!(names[0], names[1]);
    let again = run_json(
        &db,
        &[
            "import",
            fixture("gptracker_rounds.csv").to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(again["snapshot"], 7, "{again}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let added: i64 = conn
        .query_row("SELECT count(*) FROM gpt WHERE first = 7", [], |r| r.get(0))
        .unwrap();
    assert_eq!(added, 0, "the same file as snapshot 6 shares all of it");
}

/// The indexes on `table`: name, and whether unique.
fn indexes(db: &Path, table: &str) -> Vec<(String, bool)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare("SELECT name, \"unique\" FROM pragma_index_list(?1) ORDER BY name")
        .unwrap();
    st.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_schema_6_file_reads_back_equal_with_its_hashes_unique_by_named_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let db = release_db(dir.path(), 6);
    assert_eq!(user_version(&db), 6);
    assert_eq!(
        indexes(&db, "blob"),
        [("sqlite_autoindex_blob_1".to_owned(), true)]
    );
    let was = everything(&db);

    let o = run(&db, &["snapshots", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.contains("table 2 of 2"), "{said}");
    let newest = gptscope::store::schema::SCHEMA_VERSION;
    assert!(said.contains(&format!("is at schema {newest}")), "{said}");
    assert_eq!(user_version(&db), i64::from(newest));
    // Schema 9 adds each snapshot's first page (`snapshot.top`, the last column): apart from
    // it, nothing changed.
    let mut now = everything(&db);
    for row in now.get_mut("snapshot").unwrap() {
        assert!(matches!(row.pop(), Some(Value::Text(_))), "{row:?}");
    }
    // Schema 11 adds each version's language (`gpt.lang`, the last column) and the compact
    // columns' language part (key `chunk * 8 + 5`): apart from them, nothing changed.
    let mut languages = BTreeMap::<String, usize>::new();
    for row in now.get_mut("gpt").unwrap() {
        let Some(Value::Text(code)) = row.pop() else {
            panic!("a language code: {row:?}")
        };
        *languages.entry(code).or_default() += 1;
    }
    assert!(
        languages.len() > 3 && languages["en"] > 300,
        "{languages:?}"
    );
    now.get_mut("vcolumn")
        .unwrap()
        .retain(|r| !matches!(r[0], Value::Integer(k) if k % 8 == 5));
    // Every snapshot's summary computed again in the current shape (it has the languages).
    let summaries = now.remove("summary").unwrap();
    assert_eq!(summaries.len(), was["summary"].len());
    let version = Value::Integer(gptscope::stats::summary::SUMMARY_VERSION);
    assert!(summaries.iter().all(|r| r[1] == version), "{summaries:?}");
    let mut was = was;
    was.remove("summary");
    assert_eq!(now, was, "every table, every row, every id");
    for sid in snapshot_ids(&db) {
        assert_stored_top_is_the_first_page(&db, sid);
    }
    assert!(
        !indexes(&db, "gpt")
            .iter()
            .any(|(name, _)| name == "gpt_conv"),
        "the conversations index is gone"
    );
    assert_eq!(indexes(&db, "blob"), [("blob_hash".to_owned(), true)]);
    assert_eq!(indexes(&db, "detail"), [("detail_hash".to_owned(), true)]);
    // The stored source reads back: the line snapshot 2 read it from.
    let raw = run(&db, &["show", "g-09h5uQiFC", "--snapshot", "2", "--raw"]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    let line = std::fs::read_to_string(fixture("gizmos_2023-11_300.jsonl"))
        .unwrap()
        .lines()
        .find(|l| l.contains("g-09h5uQiFC"))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&raw.stdout).unwrap();
    assert_eq!(shown, line);

    // Snapshot 2's file again, compared with snapshot 6 (which has none of its GPTs): new
    // versions, their sources in one new frame (schema 8), and no detail stored twice (a
    // database this small is loaded in bulk, its hash indexes dropped until commit: the writer
    // keeps rows distinct itself).
    let import = |name: &str| run_json(&db, &["import", fixture(name).to_str().unwrap(), "--json"]);
    let blobs = || -> i64 {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM blob", [], |r| r.get(0))
            .unwrap()
    };
    let again = import("gizmos_2023-11_300.jsonl");
    assert_eq!(again["snapshot"], 7, "{again}");
    assert_eq!(blobs() as usize, was["blob"].len() + 1, "one frame");
    // Another file, then this one again: its GPTs come back as new versions, and their frame
    // is the one stored already.
    import("num_conversations_str_2024-12-07.json");
    let before = blobs();
    let back = import("gizmos_2023-11_300.jsonl");
    assert_eq!(back["gpts"], 300, "{back}");
    assert_eq!(blobs(), before, "the frame is stored once");
    let conn = rusqlite::Connection::open(&db).unwrap();
    for table in ["blob", "detail"] {
        let (rows, distinct): (i64, i64) = conn
            .query_row(
                &format!("SELECT count(*), count(DISTINCT hash) FROM {table}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(rows, distinct, "{table}");
    }
    // Every GPT's source reads back from the frame, the one before it as from its own blob.
    let raw = run(&db, &["show", "g-09h5uQiFC", "--raw"]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    let shown: serde_json::Value = serde_json::from_slice(&raw.stdout).unwrap();
    assert_eq!(shown, line);
}

/// Every table and its rows, to compare a file before and after.
fn everything(db: &Path) -> BTreeMap<String, Vec<Vec<Value>>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let names: Vec<String> = rows(
        &conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .into_iter()
    .map(|r| match &r[0] {
        Value::Text(t) => t.clone(),
        _ => unreachable!(),
    })
    .collect();
    names
        .into_iter()
        .map(|t| {
            let r = rows(&conn, &format!("SELECT * FROM \"{t}\" ORDER BY 1, 2"));
            (t, r)
        })
        .collect()
}

#[test]
fn a_migration_that_fails_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = schema4(dir.path());
    // A seventh snapshot table the move cannot read (no columns but an id): the move fails
    // after moving the six before it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("CREATE TABLE gpt_7 (rowid INTEGER PRIMARY KEY, id TEXT);")
        .unwrap();
    drop(conn);
    let was = everything(&db);
    let o = run(&db, &["snapshots"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    let last = err.trim().lines().last().unwrap_or("");
    assert!(
        last.contains(db.to_str().unwrap()) && last.contains("no such column"),
        "{err}"
    );
    assert!(err.contains("snapshot 7 of 7"), "it got that far: {err}");
    assert_eq!(user_version(&db), 4);
    assert_eq!(everything(&db), was, "nothing changed");

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TABLE gpt_7;").unwrap();
    drop(conn);
    assert_eq!(snapshot_ids(&db).len(), 6, "the next open moves it");
}

#[test]
fn a_migration_killed_midway_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = schema4(dir.path());
    // 300 more daily snapshots (copies of snapshot 2), so that the move takes a while.
    let conn = rusqlite::Connection::open(&db).unwrap();
    for s in 7..=306 {
        conn.execute_batch(&format!(
            "CREATE TABLE gpt_{s} AS SELECT * FROM gpt_2;
             INSERT INTO author SELECT {s}, user_id, display_name, link_to, selected_display,
                verified, socials, gpts, conv_total, conv_median, review_total, review_count,
                tools FROM author WHERE snapshot_id = 2;
             INSERT INTO snapshot (id, label, source, taken_at, created_at, status, gpts)
                SELECT {s}, 'copy', source, taken_at + {s}, created_at, status, gpts
                FROM snapshot WHERE id = 2;"
        ))
        .unwrap();
    }
    drop(conn);
    let was = everything(&db);
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .args(["snapshots"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let midway = said
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("snapshot 150 of 306"));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(midway.is_some(), "the move reported its progress");
    assert_eq!(user_version(&db), 4);
    assert_eq!(everything(&db), was, "nothing changed");
    assert_eq!(snapshot_ids(&db).len(), 306, "the next open moves it all");
}
