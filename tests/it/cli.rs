//! The real binary on real files: a new database gets the bundled sample, imports make
//! snapshots, and `stats`, `snapshots` and `show` print what an analyst would check.

use crate::common::*;
use serde_json::Value;

#[test]
fn a_new_database_holds_the_bundled_sample_and_its_stats() {
    let (_dir, db) = temp_db();
    let s = run_json(&db, &["stats", "--json"]);
    assert_eq!(s["snapshot"]["id"], 1);
    assert_eq!(s["snapshot"]["label"], "BeeTrove sample (2024-03)");
    assert_eq!(s["gpts"], 397);
    assert_eq!(s["authors"], 381);
    let tools = &s["tools"];
    assert_eq!(
        (
            &tools["browser"],
            &tools["dalle"],
            &tools["python"],
            &tools["actions"],
            &tools["none"]
        ),
        (
            &Value::from(342),
            &Value::from(296),
            &Value::from(223),
            &Value::from(43),
            &Value::from(21)
        )
    );
    for key in ["canvas", "image_gen", "knowledge"] {
        assert!(tools[key].is_i64(), "tools.{key} is reported");
    }
    assert_eq!(s["ratings"]["rated"], 358);
    let mean = s["ratings"]["mean"].as_f64().unwrap();
    let weighted = s["ratings"]["weighted_mean"].as_f64().unwrap();
    assert_eq!(format!("{mean:.3}"), "4.024");
    assert_eq!(format!("{weighted:.3}"), "4.068");
    let cats = &s["categories"];
    assert_eq!(cats["uncategorized"], 129);
    assert_eq!(cats["other"], 63);
    assert_eq!(cats["productivity"], 53);
    assert!(cats.get("Other").is_none());
    let rated_in_hist: i64 = s["ratings"]["histogram"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    assert_eq!(rated_in_hist, 358);
    let conv = s["conversations"]["histogram"].as_object().unwrap();
    assert_eq!(conv.values().map(|v| v.as_i64().unwrap()).sum::<i64>(), 397);
    assert_eq!(conv["1K+"], 119);
    assert_eq!(
        conv.keys().next().map(String::as_str),
        Some("300+"),
        "smallest bucket first"
    );

    // The text form says the same.
    let text = stdout(&run(&db, &["stats"]));
    assert!(text.contains("397 GPTs by 381 authors"), "{text}");
    assert!(text.contains("browser"), "{text}");
}

#[test]
fn snapshots_list_and_json() {
    let (_dir, db) = temp_db();
    let list = run_json(&db, &["snapshots", "--json"]);
    let first = &list[0];
    for key in ["id", "label", "source", "taken_at", "status", "gpts"] {
        assert!(first.get(key).is_some(), "snapshots --json has {key}");
    }
    assert_eq!(first["status"], "complete");
    assert_eq!(first["gpts"], 397);
    assert_eq!(
        first["taken_at"], "2024-03-28T00:00:00Z",
        "the homepage crawl is the newest data"
    );
    assert!(first["source"].as_str().unwrap().contains("Apache-2.0"));
}

#[test]
fn importing_every_fixture_makes_one_snapshot() {
    let (_dir, db) = temp_db();
    let report = run_json(
        &db,
        &[
            "import",
            fixture("").to_str().unwrap(),
            "--json",
            "--label",
            "all fixtures",
        ],
    );
    assert_eq!(report["snapshot"], 2);
    assert_eq!(report["label"], "all fixtures");
    assert_eq!(report["skipped"], 0, "{report}");
    assert_eq!(report["fields_ignored"], 0, "{report}");
    let files = report["files"].as_array().unwrap();
    fn count_files(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { count_files(&p) } else { 1 })
            .sum()
    }
    // The notes and the lists' generator are not data by their names: listed as not read,
    // every other file read and imported.
    let not_read: Vec<&str> = report["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(not_read.len(), 2, "{not_read:?}");
    assert!(not_read[0].ends_with("SOURCE.md"), "{not_read:?}");
    assert!(not_read[1].ends_with("lists/make.py"), "{not_read:?}");
    assert_eq!(files.len(), count_files(&fixture("")) - 2);
    for f in files {
        assert!(f["error"].is_null(), "{f}");
        assert!(f["format"].is_string(), "{f}");
    }
    // Distinct GPTs: duplicates across files merge.
    let records = report["records"].as_u64().unwrap();
    let merged = report["duplicates_merged"].as_u64().unwrap();
    let gpts = report["gpts"].as_u64().unwrap() + report["unavailable"].as_u64().unwrap();
    assert_eq!(records - merged, gpts);
    assert_eq!(report["unavailable"], 2, "GPTracker's two unavailable ids");
    assert_eq!(snapshot_ids(&db), vec![1, 2]);

    // A GPT from the 2026 discovery file, with its shelf positions.
    let show = run_json(
        &db,
        &["show", "g-67a56d907fc88191814386dac67ed919", "--json"],
    );
    assert_eq!(show["default_model"], "gpt-5-instant");
    assert_eq!(
        show["url"],
        "https://chatgpt.com/g/g-67a56d907fc88191814386dac67ed919-taro-unsebagsa-segye-1wi-muryo-ingongjineung-ai-taro-riding-gunghab-yeonaeun-saju-jigeobun"
    );
    assert!(!show["shelves"].as_array().unwrap().is_empty());
    assert_eq!(show["availability"], "available");
    assert_eq!(show["provenance"]["snapshot"], 2);

    // GPTracker saw this one go: the later round wins.
    let gone = run_json(&db, &["show", "g-9upSdCEcq", "--json"]);
    assert_eq!(gone["availability"], "unavailable");
}

#[test]
fn show_prints_every_normalised_field() {
    let (_dir, db) = temp_db();
    let g = run_json(&db, &["show", "g-kZ0eYXlJe", "--json"]);
    assert_eq!(g["name"], "Scholar GPT");
    assert_eq!(g["url"], "https://chatgpt.com/g/g-kZ0eYXlJe-scholar-gpt");
    assert_eq!(g["conversations"]["bucket"], "800K+");
    assert_eq!(g["conversations"]["lower_bound"], 800_000);
    assert_eq!(g["review_total"], 82298);
    assert_eq!(g["review_count"], 20195);
    assert!((g["rating"].as_f64().unwrap() - 82298.0 / 20195.0).abs() < 1e-9);
    assert_eq!(g["categories"], serde_json::json!(["research"]));
    assert_eq!(
        g["tools"],
        serde_json::json!(["browser", "dalle", "actions", "python"])
    );
    assert_eq!(g["actions"][0]["domain"], "actions.sider.ai");
    assert_eq!(g["author"]["user_id"], "user-MV1EPMI80LBUBFXL3yqj7TxP");
    assert_eq!(g["prompt_starters"].as_array().unwrap().len(), 4);
    assert_eq!(g["created_at"], 1_700_039_061);
    assert_eq!(g["availability"], "available");
    assert_eq!(
        g["provenance"]["file"],
        "assets/beetrove_sample_2024-03.json"
    );
    assert!(g["provenance"]["line"].as_i64().unwrap() > 1);
    // by URL too, and the raw source record.
    let by_url = run_json(
        &db,
        &[
            "show",
            "https://chatgpt.com/g/g-kZ0eYXlJe-scholar-gpt",
            "--json",
        ],
    );
    assert_eq!(by_url["id"], "g-kZ0eYXlJe");
    let raw: Value =
        serde_json::from_slice(&run(&db, &["show", "g-kZ0eYXlJe", "--raw"]).stdout).unwrap();
    assert_eq!(raw["GPT Name"], "Scholar GPT");
    assert_eq!(raw["GPT Total Stars"], 82298);
    // Text form.
    let text = stdout(&run(&db, &["show", "g-kZ0eYXlJe"]));
    assert!(
        text.contains("Scholar GPT") && text.contains("800K+") && text.contains("actions.sider.ai"),
        "{text}"
    );
    // A GPT not in the snapshot: one clear line, exit 1.
    let o = run(&db, &["show", "g-000000000"]);
    fails_with(&o, "g-000000000: not in snapshot #1");
}

/// Raw sources are stored in frames of many records: each GPT's reads back as exactly the line
/// it came from, and a damaged place in its frame is one clear line, not a wrong record.
#[test]
fn every_raw_source_reads_back_from_its_frame_as_its_line() {
    let (_dir, db) = temp_db();
    let file = fixture("gizmos_2023-11_300.jsonl");
    let imported = run_json(&db, &["import", file.to_str().unwrap(), "--json"]);
    let sid = imported["snapshot"].as_i64().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    {
        let store = gptscope::store::Db::open(&db, std::time::Duration::from_secs(5)).unwrap();
        let frames: i64 = store
            .conn()
            .query_row(
                "SELECT count(DISTINCT substr(blob, 1, 16)) FROM gpt WHERE first = ?1",
                [sid],
                |r| r.get(0),
            )
            .unwrap();
        assert!(frames < 300, "sources share frames: {frames}");
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let id = v["id"].as_str().unwrap();
            let raw = gptscope::store::query::raw_source(&store, sid, id)
                .unwrap()
                .unwrap();
            assert_eq!(raw, line, "{id}");
        }
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE gpt SET blob = CAST(substr(blob, 1, 16) || x'00000010' || substr(blob, 21, 4)
                                    AS BLOB)
         WHERE id = 'g-09h5uQiFC'",
        [],
    )
    .unwrap();
    drop(conn);
    let o = run(&db, &["show", "g-09h5uQiFC", "--raw"]);
    fails_with(&o, "stored source of g-09h5uQiFC is damaged");
}

#[test]
fn homepage_positions_resolve_to_sample_gpts_by_name() {
    let (_dir, db) = temp_db();
    // "Scholar GPT" is on BeeTrove's homepage of 2024-03-28 and in the sample.
    let shelves = run_json(&db, &["show", "g-kZ0eYXlJe", "--json"])["shelves"].clone();
    let on: Vec<&str> = shelves
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["shelf_id"].as_str().unwrap())
        .collect();
    assert!(!on.is_empty(), "{shelves}");
}

#[test]
fn exit_codes_and_usage() {
    let (_dir, db) = temp_db();
    let o = run(&db, &["stats", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2), "usage errors exit 2");
    let o = run(&db, &["import"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&db, &["stats", "--snapshot", "42"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no snapshot #42"), "{}", stderr(&o));
    let o = bin().arg("--version").output().unwrap();
    assert!(stdout(&o).starts_with("gptscope "));
}

#[test]
fn db_from_the_environment() {
    let (_dir, db) = temp_db();
    let o = bin()
        .env("GPTSCOPE_DB", &db)
        .args(["snapshots", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(db.exists(), "GPTSCOPE_DB names the database");
}

#[test]
fn default_database_lives_in_the_xdg_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .env("XDG_DATA_HOME", dir.path())
        .args(["snapshots", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("gptscope/gptscope.db").exists());
}

#[test]
fn search_ranks_scholar_gpt_first() {
    let (_dir, db) = temp_db();
    let hits = run_json(&db, &["search", "scholr", "--json"]);
    let first = &hits[0];
    assert_eq!(first["id"], "g-kZ0eYXlJe");
    assert_eq!(first["name"], "Scholar GPT");
    assert!(first["score"].as_i64().unwrap() > 0);
    for key in ["id", "name", "score", "author", "conversations", "url"] {
        assert!(first.get(key).is_some(), "search --json has {key}");
    }
    let scores: Vec<i64> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_i64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    assert!(
        hits.as_array().unwrap().len() <= 20,
        "--limit defaults to 20"
    );
    let one = run_json(&db, &["search", "scholr", "--json", "--limit", "1"]);
    assert_eq!(one.as_array().unwrap().len(), 1);
    // Exact mode, Korean, nothing.
    let exact = run_json(&db, &["search", "'Scholar", "--json"]);
    assert!(
        exact
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["name"].as_str().unwrap().contains("Scholar"))
    );
    let korean = run_json(&db, &["search", "사주", "--json"]);
    assert!(korean[0]["name"].as_str().unwrap().contains("사주"));
    assert_eq!(
        run_json(&db, &["search", "zzqqxxyy", "--json"]),
        serde_json::json!([])
    );
    let text = stdout(&run(&db, &["search", "scholr"]));
    // A score people can read: how it matched and the matcher's points, not a 13-digit key.
    let line = text.lines().next().unwrap();
    assert!(line.starts_with("fuzzy "), "{line}");
    assert!(
        !line
            .split_whitespace()
            .any(|w| w.len() >= 8 && w.bytes().all(|b| b.is_ascii_digit())),
        "{line}"
    );
    // An empty query is said to be one, not answered with every GPT at 0 points.
    let empty = run(&db, &["search", " "]);
    assert_eq!(empty.status.code(), Some(1));
    assert!(
        stderr(&empty).contains("the query is empty"),
        "{}",
        stderr(&empty)
    );
    let exact_name = run_json(&db, &["search", "Scholar GPT", "--json"]);
    assert_eq!(exact_name[0]["match"], "exact", "{exact_name}");
    assert!(exact_name[0]["points"].as_i64().unwrap() < 1_000_000);
    assert!(
        text.lines().next().unwrap().contains("Scholar GPT"),
        "{text}"
    );
    // Authors.
    let authors = run_json(&db, &["search", "MV1EPMI8", "--authors", "--json"]);
    assert_eq!(authors[0]["user_id"], "user-MV1EPMI80LBUBFXL3yqj7TxP");
}

/// Counts one SQL query gives on the database file, for comparing with what the CLI prints.
fn sql_count(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn stats_takes_the_filters_and_reports_signals_and_concentration() {
    let (_dir, db) = temp_db();
    let all = run_json(&db, &["stats", "--json"]);
    let signals = &all["signals"];
    assert_eq!(
        signals["action_third_party"], 43,
        "every sample Action calls out"
    );
    assert_eq!(signals["pricing_language"], 7);
    for kind in ["business_author", "external_link", "funnel_domain"] {
        assert!(signals[kind].is_i64(), "signals.{kind}");
    }
    let c = &all["concentration"];
    let (one, ten, hundred) = (
        c["top_1_gpt"].as_f64().unwrap(),
        c["top_10_gpts"].as_f64().unwrap(),
        c["top_100_gpts"].as_f64().unwrap(),
    );
    assert!(0.0 < one && one <= ten && ten <= hundred && hundred <= 1.0);
    // Scholar GPT's 800K+ of the sample's 2,195,300 (lower bounds).
    assert_eq!(c["total"], 2_195_300);
    assert!((one - 800_000.0 / 2_195_300.0).abs() < 1e-9);
    let d = &all["describe"]["conversations"];
    assert_eq!(
        (d["count"].as_i64(), d["max"].as_f64()),
        (Some(397), Some(800_000.0))
    );
    assert_eq!(
        all["authors_by_gpts"]["1"].as_i64().unwrap()
            + all["authors_by_gpts"]["2–5"].as_i64().unwrap(),
        381
    );

    // Filters: each count against one made in SQL.
    let s = run_json(&db, &["stats", "--json", "--signal", "pricing_language"]);
    assert_eq!(
        s["gpts"],
        sql_count(&db, "SELECT count(*) FROM gpt_1 WHERE signals & 8")
    );
    assert_eq!(s["filter"][0], "signal pricing_language");
    let s = run_json(
        &db,
        &[
            "stats",
            "--json",
            "--category",
            "productivity",
            "--tool",
            "actions",
        ],
    );
    let expected = sql_count(
        &db,
        "SELECT count(*) FROM gpt_1 WHERE category = 'productivity' AND tools & 8",
    );
    assert_eq!(s["gpts"], expected);
    assert_eq!(s["tools"]["actions"], expected);
    let s = run_json(
        &db,
        &[
            "stats",
            "--json",
            "--tool",
            "no-dalle",
            "--min-rating",
            "4.5",
        ],
    );
    assert_eq!(
        s["gpts"],
        sql_count(
            &db,
            "SELECT count(*) FROM gpt_1 WHERE tools & 4 = 0 AND rating >= 4.5"
        )
    );
    let s = run_json(&db, &["stats", "--json", "--min-conversations", "10K"]);
    assert_eq!(
        s["gpts"],
        sql_count(&db, "SELECT count(*) FROM gpt_1 WHERE conv >= 10000")
    );
    let s = run_json(&db, &["stats", "--json", "--text", "PUBMED"]);
    assert_eq!(s["gpts"], 1, "Scholar GPT's description");
    let s = run_json(
        &db,
        &[
            "stats",
            "--json",
            "--author",
            "user-MV1EPMI80LBUBFXL3yqj7TxP",
        ],
    );
    assert_eq!(s["gpts"], 1);

    // The text form says which list it describes.
    let text = stdout(&run(&db, &["stats", "--signal", "pricing_language"]));
    assert!(text.contains("filtered: signal pricing_language"), "{text}");
    assert!(text.contains("Monetisation signals"), "{text}");
    assert!(text.contains("concentration"), "{text}");

    // Bad filter values are one clear line each.
    for (args, says) in [
        (
            &["stats", "--tool", "toaster"][..],
            "--tool \"toaster\": not a tool",
        ),
        (&["stats", "--signal", "paywalled"][..], "not a signal kind"),
        (
            &["stats", "--min-conversations", "lots"][..],
            "--min-conversations",
        ),
        (&["stats", "--min-rating", "7"][..], "from 0 to 5"),
    ] {
        let o = run(&db, args);
        assert!(!o.status.success());
        let err = stderr(&o);
        assert!(err.contains(says), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn signals_recompute_restores_what_an_old_snapshot_lacks() {
    let (dir, db) = temp_db();
    let before = run_json(&db, &["stats", "--json"])["signals"].clone();
    // A snapshot from before signals existed: none stored, rules version 0 (and the compact
    // columns read from those rows, as a migration builds them).
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE gpt SET signals = 0, evidence = NULL; UPDATE snapshot SET signals_version = 0;
         DELETE FROM vcolumn;",
    )
    .unwrap();
    drop(conn);
    let state = run_json(&db, &["signals", "--json"]);
    assert_eq!(state[0]["current"], false);
    assert_eq!(state[0]["signals"]["pricing_language"], 0);
    let text = stdout(&run(&db, &["show", "g-kZ0eYXlJe"]));
    assert!(text.contains("not computed"), "{text}");

    let done = run_json(&db, &["signals", "--recompute", "--json"]);
    assert_eq!(done[0]["gpts"], 397);
    assert_eq!(run_json(&db, &["stats", "--json"])["signals"], before);
    assert_eq!(run_json(&db, &["signals", "--json"])[0]["current"], true);
    let text = stdout(&run(&db, &["show", "g-kZ0eYXlJe"]));
    assert!(
        text.contains("action_third_party: actions.sider.ai (auth: unknown)"),
        "{text}"
    );

    // The user's funnel list: one more domain; a bad line names file and line, and changes
    // nothing.
    let list = write(dir.path(), "funnels.txt", "# mine\nsider.ai\n");
    let list = list.to_str().unwrap();
    let done = run_json(
        &db,
        &["--funnel-domains", list, "signals", "--recompute", "--json"],
    );
    assert_eq!(
        done[0]["signals"]["funnel_domain"],
        before["funnel_domain"].as_i64().unwrap() + 1
    );
    let bad = write(dir.path(), "bad.txt", "ok.com\nnot a domain\n");
    let o = run(
        &db,
        &[
            "--funnel-domains",
            bad.to_str().unwrap(),
            "signals",
            "--recompute",
        ],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bad.txt:2:"), "{}", stderr(&o));
    assert_eq!(
        run_json(&db, &["stats", "--json"])["signals"]["funnel_domain"],
        before["funnel_domain"].as_i64().unwrap() + 1
    );
}

#[test]
fn a_schema_1_database_is_migrated_and_its_signals_recomputed() {
    let (_dir, db) = temp_db();
    let before = run_json(&db, &["stats", "--json"])["signals"].clone();
    std::fs::remove_file(&db).unwrap();
    // Take a database of the schema-4 release back to schema 1, as the first release wrote it.
    std::fs::copy(fixture("../databases/schema4.db"), &db).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    for s in 1..=6 {
        conn.execute_batch(&format!(
            "ALTER TABLE gpt_{s} DROP COLUMN signals;
             ALTER TABLE gpt_{s} DROP COLUMN evidence;
             ALTER TABLE gpt_{s} DROP COLUMN fetch_status;
             ALTER TABLE gpt_{s} DROP COLUMN fetch_error;
             ALTER TABLE gpt_{s} DROP COLUMN fetched_at;
             ALTER TABLE gpt_{s} DROP COLUMN about;"
        ))
        .unwrap();
    }
    conn.execute_batch(
        "ALTER TABLE snapshot DROP COLUMN signals_version;
         ALTER TABLE snapshot DROP COLUMN locale;
         ALTER TABLE shelf DROP COLUMN status;
         ALTER TABLE shelf DROP COLUMN note;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let state = run_json(&db, &["signals", "--json"]);
    let states = state.as_array().unwrap();
    assert_eq!(states.len(), 6, "{state}");
    assert!(states.iter().all(|s| s["current"] == false), "{state}");
    let gpts = |id: i64| states.iter().find(|s| s["snapshot"] == id).unwrap()["gpts"].clone();
    assert_eq!(
        (1..=6).map(gpts).collect::<Vec<_>>(),
        [397, 300, 295, 130, 397, 2],
        "the migration kept every GPT"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        version,
        i64::from(gptscope::store::schema::SCHEMA_VERSION),
        "the newest schema"
    );
    drop(conn);
    run_json(&db, &["signals", "--recompute", "--all", "--json"]);
    assert_eq!(
        run_json(&db, &["stats", "--json", "--snapshot", "1"])["signals"],
        before
    );
}

#[test]
fn shell_integration_completions_man_version() {
    let (_dir, db) = temp_db();
    let o = run(&db, &["completions", "bash"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = stdout(&o);
    assert!(script.contains("_gptscope()"), "{script}");
    for sub in ["export", "diff", "snapshots", "refresh", "config"] {
        assert!(script.contains(sub), "{sub} completes");
    }
    for shell in ["zsh", "fish"] {
        let o = run(&db, &["completions", shell]);
        assert!(
            o.status.success() && stdout(&o).contains("export"),
            "{shell}"
        );
    }
    let o = run(&db, &["man"]);
    let page = stdout(&o);
    assert!(
        page.contains(".TH gptscope 1") && page.contains("SUBCOMMANDS"),
        "{page}"
    );
    let o = bin().arg("--version").output().unwrap();
    assert_eq!(
        stdout(&o).trim(),
        format!("gptscope {}", env!("CARGO_PKG_VERSION"))
    );
}
