//! `gptscope sql` over the documented views: the same counts as `stats`, nothing written,
//! errors that say where, long queries cancelled.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// The rows of `sql --json QUERY`.
fn sql(db: &Path, query: &str) -> Vec<serde_json::Map<String, Value>> {
    run_json(db, &["sql", "--json", query])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

/// One number: the first column of the only row.
fn number(db: &Path, query: &str) -> Value {
    let rows = sql(db, query);
    assert_eq!(rows.len(), 1, "{query}");
    rows[0].values().next().unwrap().clone()
}

/// `SELECT name, count(*)`-style rows as a map.
fn counted(db: &Path, query: &str) -> serde_json::Map<String, Value> {
    sql(db, query)
        .into_iter()
        .map(|r| {
            let mut v = r.into_iter();
            let (_, k) = v.next().unwrap();
            let (_, n) = v.next().unwrap();
            (k.as_str().unwrap().to_owned(), n)
        })
        .collect()
}

#[test]
fn the_views_give_the_counts_stats_gives_on_the_sample() {
    let (_dir, db) = temp_db();
    let stats = run_json(&db, &["stats", "--json"]);
    let s = stats["snapshot"]["id"].as_i64().unwrap();
    let of = |cond: &str| format!("FROM gpts WHERE snapshot_id = {s} AND available {cond}");
    let count_of = |cond: &str| number(&db, &format!("SELECT count(*) {}", of(cond)));

    assert_eq!(count_of(""), stats["gpts"]);
    assert_eq!(
        number(&db, &format!("SELECT count(DISTINCT author_id) {}", of(""))),
        stats["authors"]
    );
    // The snapshots view says the same.
    let snap = &sql(
        &db,
        &format!("SELECT * FROM snapshots WHERE snapshot_id = {s}"),
    )[0];
    assert_eq!(snap["gpts"], stats["gpts"]);
    assert_eq!(snap["authors"], stats["authors"]);
    assert_eq!(snap["taken_at"], stats["snapshot"]["taken_at"]);

    // Tools: each kind, knowledge files, none at all.
    // GPTs by each item of a JSON-array column, and GPTs matching `cond`.
    let by_item = |column: &str| {
        counted(
            &db,
            &format!(
                "SELECT j.value, count(*) FROM gpts, json_each(gpts.{column}) j
                 WHERE snapshot_id = {s} AND available GROUP BY 1"
            ),
        )
    };
    let mut tools = by_item("tools");
    tools.insert("knowledge".into(), count_of("AND knowledge_files > 0"));
    tools.insert("none".into(), count_of("AND tools = '[]'"));
    for (tool, n) in stats["tools"].as_object().unwrap() {
        let got = tools.get(tool).cloned().unwrap_or(Value::from(0));
        assert_eq!(&got, n, "tool {tool}");
    }

    // Categories: a GPT counts in each of its categories, uncategorized when none.
    let mut categories = by_item("categories");
    categories.insert("uncategorized".into(), count_of("AND categories = '[]'"));
    assert_eq!(&categories, stats["categories"].as_object().unwrap());

    // Ratings: rated, total ratings, both means (the columns hold ratings as f32: the mean
    // of per-GPT averages agrees to float precision, the rest exactly).
    let r = &sql(
        &db,
        &format!(
            "SELECT count(*) AS rated, avg(rating) AS mean, sum(review_count) AS total,
                    1.0 * sum(review_total) / sum(review_count) AS weighted
             {}",
            of("AND rating IS NOT NULL")
        ),
    )[0];
    let ratings = &stats["ratings"];
    assert_eq!(r["rated"], ratings["rated"]);
    assert_eq!(r["total"], ratings["total_ratings"]);
    for (ours, theirs) in [("mean", "mean"), ("weighted", "weighted_mean")] {
        let (a, b) = (r[ours].as_f64().unwrap(), ratings[theirs].as_f64().unwrap());
        assert!((a - b).abs() < 1e-6, "{theirs}: {a} against {b}");
    }
    assert_eq!(count_of("AND rating IS NULL"), ratings["unrated"]);

    // Conversations and signals.
    assert_eq!(
        number(
            &db,
            &format!("SELECT sum(conversations_lower_bound) {}", of(""))
        ),
        stats["conversations"]["total_lower_bound"]
    );
    let signals = counted(
        &db,
        &format!(
            "SELECT kind, count(*) FROM signals WHERE snapshot_id = {s} AND available
             GROUP BY kind"
        ),
    );
    for (kind, n) in stats["signals"].as_object().unwrap() {
        let got = signals.get(kind).cloned().unwrap_or(Value::from(0));
        assert_eq!(&got, n, "signal {kind}");
    }
    assert_eq!(count_of("AND signals = '[]'"), stats["no_signal"]);
    // Actions by domain, as the histogram screen counts them (GPTs with an Action there).
    let domains = counted(
        &db,
        &format!(
            "SELECT coalesce(domain, '(none)'), count(DISTINCT gpt_id) AS n FROM actions
             WHERE snapshot_id = {s} AND available GROUP BY domain ORDER BY n DESC, domain"
        ),
    );
    for (domain, n) in stats["action_domains"].as_object().unwrap() {
        assert_eq!(domains.get(domain), Some(n), "{domain}");
    }
    // Languages, by code, every one of them (unknown is `und`).
    let languages = counted(
        &db,
        &format!(
            "SELECT language, count(*) FROM gpts WHERE snapshot_id = {s} AND available
             GROUP BY language"
        ),
    );
    assert_eq!(&languages, stats["languages"].as_object().unwrap());
    assert!(languages.len() > 5, "{languages:?}");
}

#[test]
fn sql_prints_a_table_csv_and_json_of_the_same_rows() {
    let (_dir, db) = temp_db();
    let q = "SELECT gpt_id, name, rating, tools FROM gpts ORDER BY conversations_lower_bound DESC, gpt_id LIMIT 5";
    let json = sql(&db, q);
    assert_eq!(json.len(), 5);
    let o = run(&db, &["sql", "--csv", q]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut csv = csv::Reader::from_reader(o.stdout.as_slice());
    assert_eq!(
        csv.headers().unwrap().iter().collect::<Vec<_>>(),
        ["gpt_id", "name", "rating", "tools"]
    );
    for (row, j) in csv.records().zip(&json) {
        let row = row.unwrap();
        assert_eq!(&row[0], j["gpt_id"].as_str().unwrap());
        assert_eq!(&row[1], j["name"].as_str().unwrap());
        // NULL is an empty field.
        assert_eq!(row[2].parse::<f64>().ok(), j["rating"].as_f64());
        assert_eq!(&row[3], j["tools"].as_str().unwrap());
    }
    let o = run(&db, &["sql", q]);
    let table = stdout(&o);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("gpt_id"), "{table}");
    assert!(
        lines[2].starts_with(json[0]["gpt_id"].as_str().unwrap()),
        "{table}"
    );
    assert_eq!(lines.last(), Some(&"(5 rows)"));
}

#[test]
fn sql_refuses_to_change_the_database() {
    let (_dir, db) = temp_db();
    let count = "SELECT count(*) FROM gpt";
    let before = number(&db, count);
    for statement in [
        "DELETE FROM gpt",
        "UPDATE snapshot SET label = 'x'",
        "DROP VIEW gpts",
        "CREATE TABLE t (x)",
        "INSERT INTO snapshot (id) VALUES (99)",
    ] {
        let o = run(&db, &["sql", statement]);
        fails_with(&o, "this statement would change the database");
    }
    let o = run(&db, &["sql", "ATTACH 'other.db' AS o"]);
    fails_with(&o, "ATTACH is refused");
    assert_eq!(number(&db, count), before);
    assert_eq!(snapshot_ids(&db), [1]);
}

#[test]
fn sql_errors_say_where() {
    let (_dir, db) = temp_db();
    let o = run(
        &db,
        &["sql", "SELECT name\nFROM gpts\nWHER snapshot_id = 1"],
    );
    fails_with(
        &o,
        "near \"snapshot_id\": syntax error at line 3, column 6: WHER snapshot_id = 1",
    );
    let o = run(&db, &["sql", "SELECT * FROM gpt_tables"]);
    fails_with(&o, "no such table: gpt_tables");
    let o = run(
        &db,
        &["sql", "SELECT count(*) FROM gpts WHERE snapshot_id = 7"],
    );
    fails_with(
        &o,
        "there is no snapshot 7 (the query asks for snapshot_id = 7); the snapshots are 1",
    );
    let o = run(&db, &["sql", "SELECT 1; SELECT 2"]);
    fails_with(&o, "one statement at a time");
}

/// A query that never ends on its own.
const FOREVER: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

#[test]
fn a_long_query_is_cancelled_by_its_timeout() {
    let (_dir, db) = temp_db();
    let o = run(&db, &["sql", "--timeout", "0.3", FOREVER]);
    fails_with(&o, "sql: cancelled after 0.3 s (--timeout)");
}

#[test]
fn a_long_query_is_cancelled_by_ctrl_c() {
    let (_dir, db) = temp_db();
    // Create the database (the sample) first, so the query starts at once.
    assert_eq!(snapshot_ids(&db), [1]);
    // --timeout as a net: the test never hangs, and a timeout says so (the test then fails).
    let child = bin()
        .arg("--db")
        .arg(&db)
        .args(["sql", "--timeout", "60", FOREVER])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Time for the process to start and install its handler before the signal.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    fails_with(&o, "sql: cancelled (Ctrl-C)");
}
