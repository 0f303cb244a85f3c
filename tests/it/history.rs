//! Snapshot history through the real binary: two synthetic snapshots with a known change of
//! every type (the synth generator's history), diffed as JSON, text and CSV; removing a
//! snapshot.

use crate::common::*;
use serde_json::Value;

/// A database with the sample (#1), then the synthetic `before` (#2) and `after` (#3).
fn history() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Vec<String>,
    std::collections::BTreeMap<&'static str, usize>,
) {
    let (dir, db) = temp_db();
    let (ids, counts) = import_history(&db, dir.path(), ("2024-01-01", "2024-02-01"));
    (dir, db, ids, counts)
}

#[test]
fn a_diff_finds_every_known_change() {
    let (_dir, db, ids, counts) = history();
    let d = run_json(&db, &["diff", "2", "3", "--json"]);
    assert_eq!(d["counts"]["added"], counts["added"]);
    assert_eq!(d["counts"]["added"], 20);
    assert_eq!(d["counts"]["removed"], counts["removed"]);
    assert_eq!(d["added"].as_array().unwrap().len(), 20);
    let mutated = counts.values().sum::<usize>() - counts["added"] - counts["removed"];
    assert_eq!(
        d["counts"]["changed"], mutated,
        "only the mutated GPTs changed"
    );
    let changed: std::collections::HashMap<String, &Value> = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_owned(), c))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let Some(kind) = gptscope_testkit::synth::mutation_of(i as u64) else {
            assert!(!changed.contains_key(id), "{id} was not changed");
            continue;
        };
        if kind == "removed" {
            assert!(
                d["removed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e["id"] == id.as_str()),
                "{id} removed"
            );
            continue;
        }
        let c = changed
            .get(id)
            .unwrap_or_else(|| panic!("{id} ({kind}) changed"));
        let fields: Vec<&str> = c["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|ch| ch["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&kind), "{id}: {kind} in {fields:?}");
    }
    // Typed as a person reads them.
    let conv = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["changes"].as_array().unwrap())
        .find(|ch| ch["field"] == "conversations")
        .unwrap();
    assert_eq!(conv["kind"], "up");
    assert_eq!(conv["to"], "50M+");
    assert_eq!(
        d["changed"][0]["changes"][0]["field"], "conversations",
        "biggest changes first"
    );
    let action = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["changes"].as_array().unwrap())
        .find(|ch| ch["field"] == "actions")
        .unwrap();
    assert_eq!(action["kind"], "added");
    assert_eq!(action["to"], "paid-funnel.example");
    let signals: Vec<&Value> = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["changes"].as_array().unwrap())
        .filter(|ch| ch["field"] == "signals")
        .collect();
    assert!(
        signals
            .iter()
            .any(|ch| ch["kind"] == "gained" && ch["to"] == "pricing_language")
    );

    // The same diff as text, filtered, and as CSV.
    let o = run(&db, &["diff", "2", "3"]);
    let text = stdout(&o);
    assert!(
        text.contains(&format!("20 added · 4 removed · {mutated} changed")),
        "{text}"
    );
    let only = run_json(&db, &["diff", "2", "3", "--json", "--type", "name"]);
    assert_eq!(only["counts"]["changed"], counts["name"]);
    assert_eq!(only["counts"]["added"], 0);
    let o = run(
        &db,
        &["diff", "2", "3", "--csv", "--type", "rating,reviews"],
    );
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(
        r.headers().unwrap(),
        vec!["id", "name", "field", "kind", "from", "to"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(
        rows.iter().filter(|x| &x[2] == "rating").count(),
        counts["rating"]
    );
    let o = run(&db, &["diff", "2", "3", "--type", "colour"]);
    assert!(
        stderr(&o).contains("--type \"colour\": one of"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn removing_a_snapshot_keeps_the_others() {
    let (_dir, db, _ids, _) = history();
    let before = run_json(&db, &["stats", "--json", "--snapshot", "3"]);
    let o = run(&db, &["snapshots", "rm", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("removed snapshot #2"), "{}", stdout(&o));
    let mut left = snapshot_ids(&db);
    left.sort();
    assert_eq!(left, vec![1, 3]);
    assert_eq!(
        run_json(&db, &["stats", "--json", "--snapshot", "3"]),
        before
    );
    let o = run(&db, &["show", "--snapshot", "3", "--json", "g-kZ0eYXlJe"]);
    assert_eq!(o.status.code(), Some(1), "not in #3: {}", stdout(&o));
    let o = run(&db, &["snapshots", "rm", "2"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no snapshot #2"), "{}", stderr(&o));
}

/// Daily store-front archives laid out by date become one snapshot per day, taken at that
/// date; their diff shows the shelf moves.
#[test]
fn dated_archives_make_a_time_series_of_shelf_positions() {
    let (dir, db) = temp_db();
    let (root, day1) = two_store_front_days(dir.path());
    // The archive's README, in no dated folder, and a day's licence are not data: listed with the
    // first day's snapshot and with their own day's.
    write(&root, "README.md", "# Store-front archive\n");
    write(&root.join("2026-04-15"), "LICENSE", "x");
    let o = run(
        &db,
        &["import", "--by-date", root.to_str().unwrap(), "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let reports: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(reports.len(), 2);
    let not_read = |r: &Value| -> Vec<String> {
        r["not_read"].as_array().map_or(Vec::new(), |a| {
            a.iter()
                .map(|p| {
                    p.as_str()
                        .unwrap()
                        .replace(&format!("{}/", root.display()), "")
                })
                .collect()
        })
    };
    assert_eq!(not_read(&reports[0]), ["README.md"]);
    assert_eq!(not_read(&reports[1]), ["2026-04-15/LICENSE"]);
    let snaps = run_json(&db, &["snapshots", "--json"]);
    let dated: Vec<(i64, String, String)> = snaps
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"] != 1)
        .map(|s| {
            (
                s["id"].as_i64().unwrap(),
                s["taken_at"].as_str().unwrap()[..10].to_owned(),
                s["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        dated,
        vec![
            (2, "2026-04-14".to_owned(), "archive 2026-04-14".to_owned()),
            (3, "2026-04-15".to_owned(), "archive 2026-04-15".to_owned()),
        ]
    );
    let d = run_json(&db, &["diff", "2", "3", "--json", "--type", "shelves"]);
    let moves = d["shelves"].as_array().unwrap();
    let kinds = |k: &str| moves.iter().filter(|m| m["kind"] == k).count();
    assert_eq!(kinds("left"), 1, "{moves:?}");
    assert!(kinds("up") >= 1 && kinds("down") >= 1, "{moves:?}");
    // A path without a date says which.
    let stray = write(&root, "stray.json", serde_json::to_vec(&day1).unwrap());
    let o = run(&db, &["import", "--by-date", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{}: no YYYY-MM-DD folder", stray.display())),
        "{}",
        stderr(&o)
    );
}

/// A GPT across snapshots: its values by date, and the conversation jump to 50M+ flagged as a
/// spike with the rule that flagged it.
#[test]
fn a_gpts_history_flags_implausible_jumps() {
    let (_dir, db, ids, _) = history();
    // GPT 10 got the "conversations" mutation (see synth::mutation_of).
    assert_eq!(
        gptscope_testkit::synth::mutation_of(10),
        Some("conversations")
    );
    let h = run_json(&db, &["history", &ids[10], "--json"]);
    let points = h["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["snapshot"], 2);
    assert_eq!(points[1]["conversations"], "50M+");
    assert!(points[0]["spike"].is_null());
    let spike = points[1]["spike"].as_str().unwrap();
    assert!(spike.contains("50000000"), "{spike}");
    assert!(h["spike_rule"].as_str().unwrap().contains("×100"));
    // An unchanged GPT: two equal points, no spike.
    let h = run_json(&db, &["history", &ids[1], "--json"]);
    let points = h["points"].as_array().unwrap();
    assert_eq!(points[0]["conversations"], points[1]["conversations"]);
    assert!(points.iter().all(|p| p["spike"].is_null()));
    let o = run(&db, &["history", "g-nonexistent0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("in no snapshot"), "{}", stderr(&o));
}

/// `shelf-moves` (the shelves screen's twin) lists each step of the store front; its moves for
/// two days are the diff's shelf moves, and `--shelf` keeps one shelf.
#[test]
fn shelf_moves_are_the_store_fronts_history() {
    let (dir, db) = temp_db();
    let (root, _) = two_store_front_days(dir.path());
    let o = run(&db, &["import", "--by-date", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = run_json(&db, &["shelf-moves", "--json"]);
    let steps = h["steps"].as_array().unwrap();
    let last = steps.last().unwrap();
    assert_eq!(
        (last["from"]["id"].as_i64(), last["to"]["id"].as_i64()),
        (Some(2), Some(3))
    );
    let d = run_json(&db, &["diff", "2", "3", "--json", "--type", "shelves"]);
    assert_eq!(last["moves"], d["shelves"]);
    let shelf = last["moves"][0]["shelf"].as_str().unwrap().to_owned();
    let one = run_json(&db, &["shelf-moves", "--json", "--shelf", &shelf]);
    let moves: Vec<&Value> = one["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["moves"].as_array().unwrap())
        .collect();
    assert!(!moves.is_empty() && moves.iter().all(|m| m["shelf"] == shelf.as_str()));
    let text = run(&db, &["shelf-moves"]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("#2 2026-04-14 → #3 2026-04-15"), "{text}");
    assert!(text.contains(" left "), "{text}");
}

/// Deleting every second snapshot of a daily history (a tenth of the GPTs changing each day,
/// so most details are shared between snapshots) removes nothing another snapshot still uses:
/// every GPT of every kept snapshot reads back exactly as before, with its source.
#[test]
fn deleting_every_second_snapshot_keeps_what_the_others_share() {
    use gptscope::store::Db;
    use gptscope::store::import::{ImportOptions, Input, import};
    use gptscope::store::query;
    use gptscope_testkit::synth::{SynthOptions, write_day};
    use std::time::Duration;
    let (dir, path) = temp_db();
    let mut db = Db::open(&path, Duration::from_secs(5)).unwrap();
    let opts = SynthOptions {
        count: 400,
        seed: 12,
    };
    let start = gptscope::time::parse_timestamp("2026-03-01").unwrap();
    let mut ids = Vec::new();
    for day in 0..6u64 {
        let mut lines = Vec::new();
        write_day(&mut lines, opts, day, 0.1).unwrap();
        let file = write(dir.path(), &format!("day{day}.jsonl"), &lines);
        let o = ImportOptions {
            taken_at: Some(start + day as i64 * 86_400),
            ..ImportOptions::default()
        };
        ids.push(
            import(&mut db, &[Input::Path(file)], &o, &|_| {})
                .unwrap()
                .snapshot,
        );
    }
    // What each snapshot holds: every GPT as `show --json` has it, and its stored source.
    let read = |db: &Db, snapshot: i64| -> Vec<(String, String, Option<String>)> {
        let snap = query::snapshot(db, Some(snapshot)).unwrap();
        let rowids = gptscope::store::view::Columns::load(db, snapshot)
            .unwrap()
            .all_ids();
        query::ids_of(db, snapshot, &rowids)
            .unwrap()
            .into_iter()
            .map(|id| {
                let view = query::gpt(db, &snap, &id).unwrap().unwrap();
                let source = query::raw_source(db, snapshot, &id).unwrap();
                (id, serde_json::to_string(&view).unwrap(), source)
            })
            .collect()
    };
    let kept: Vec<i64> = ids.iter().copied().step_by(2).collect();
    let before: Vec<_> = kept.iter().map(|&s| read(&db, s)).collect();
    assert!(
        before
            .iter()
            .all(|gpts| gpts.len() == 400 && gpts.iter().all(|g| g.2.is_some()))
    );
    for &gone in ids.iter().skip(1).step_by(2) {
        gptscope::store::prune::remove_snapshot(&mut db, gone).unwrap();
    }
    let left: Vec<i64> = query::snapshots(&db)
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert!(kept.iter().all(|k| left.contains(k)), "{left:?}");
    let after: Vec<_> = kept.iter().map(|&s| read(&db, s)).collect();
    assert_eq!(before, after);
    let ok: String = db
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

/// The explorer's first page before its columns load is the snapshot's stored top
/// (`snapshot.top`, written at import): it must be the first page of the whole list, the order
/// `export` writes, ties included (the synthetic conversation counts are buckets: most GPTs
/// tie), in a first import of 1,200 GPTs and in a second one that shares most of its versions.
#[test]
fn the_stored_first_page_is_the_first_page_of_the_whole_list() {
    let (dir, db) = temp_db();
    let (mut before, mut after) = (Vec::new(), Vec::new());
    gptscope_testkit::synth::write_history(
        &mut before,
        &mut after,
        gptscope_testkit::synth::SynthOptions {
            count: 1_200,
            seed: 11,
        },
    )
    .unwrap();
    for (name, bytes) in [("before.jsonl", &before), ("after.jsonl", &after)] {
        let path = write(dir.path(), name, bytes);
        let o = run(&db, &["import", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for sid in snapshot_ids(&db) {
        assert_stored_top_is_the_first_page(&db, sid);
    }
}
