//! Export through the real binary: the CSV parsed back is the view (same GPTs, same order, same
//! values as the JSON export and `show`), quoting survives commas, quotes, newlines and CJK, and
//! a file appears only when complete.

use crate::common::*;
use serde_json::Value;

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_and_json_exports_are_the_view() {
    let (dir, db) = temp_db();
    // Actions calling paid domains: the analyst's list.
    let out = dir.path().join("actions.csv");
    let o = run(
        &db,
        &[
            "export",
            "--tool",
            "actions",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote 43 GPTs"), "{}", stderr(&o));
    assert!(!dir.path().join("actions.csv.part").exists());
    let (header, rows) = csv_rows(&std::fs::read(&out).unwrap());
    assert_eq!(header[..3], ["id", "url", "name"]);
    assert_eq!(rows.len(), 43, "the stats count of the same filter");
    let stats = run_json(&db, &["stats", "--json", "--tool", "actions"]);
    assert_eq!(stats["gpts"], 43);
    // Biggest conversation counts first, as in the explorer.
    let lower = header
        .iter()
        .position(|h| h == "conversations_lower_bound")
        .unwrap();
    let counts: Vec<i64> = rows
        .iter()
        .map(|r| r[lower].parse().unwrap_or(-1))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert_eq!(rows[0][2], "Scholar GPT");
    let tools = header.iter().position(|h| h == "tools").unwrap();
    assert!(
        rows.iter()
            .all(|r| r[tools].split(';').any(|t| t == "actions"))
    );

    // The same view as JSON: the same GPTs, field for field.
    let o = run(&db, &["export", "--tool", "actions", "--format", "json"]);
    let json: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json.len(), rows.len());
    for (j, c) in json.iter().zip(&rows) {
        for (k, name) in header.iter().enumerate() {
            let v = &j[name.as_str()];
            let text = match v {
                Value::Number(n) if name == "rating" => format!("{:.2}", n.as_f64().unwrap()),
                other => json_text(other, ";"),
            };
            assert_eq!(text, c[k], "{name} of {}", c[0]);
        }
    }
}

#[test]
fn every_gpt_round_trips_through_csv_with_its_text_intact() {
    let (_dir, db) = temp_db();
    let o = run(&db, &["export", "--sort", "name", "--ascending"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = csv_rows(&o.stdout);
    assert_eq!(rows.len(), 397);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    // Descriptions with commas, quotes or line breaks, and CJK / Korean names, come back
    // exactly as `show` has them.
    let tricky: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| {
            let d = &r[col("description")];
            d.contains(',') || d.contains('"') || d.contains('\n') || !r[col("name")].is_ascii()
        })
        .collect();
    assert!(tricky.len() > 20, "{}", tricky.len());
    assert!(tricky.iter().any(|r| r[col("description")].contains('"')));
    assert!(
        tricky
            .iter()
            .any(|r| r[col("name")].chars().any(|c| ('가'..='힣').contains(&c)))
    );
    for r in tricky.iter().take(40) {
        let shown = run_json(&db, &["show", &r[col("id")], "--json"]);
        assert_eq!(shown["name"], r[col("name")].as_str());
        assert_eq!(
            shown["description"].as_str().unwrap_or(""),
            r[col("description")]
        );
    }
    // JSONL: one object a line, the same count.
    let o = run(&db, &["export", "--format", "jsonl"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), 397);
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );
}

#[test]
fn authors_export_and_bad_arguments() {
    let (dir, db) = temp_db();
    let o = run(&db, &["export", "--authors", "--format", "jsonl"]);
    let authors: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(authors.len(), 381);
    assert_eq!(authors[0]["gpts"], 4, "most GPTs first");
    // A bad sort says what would do; a file that cannot be written leaves nothing.
    fails_with(
        &run(&db, &["export", "--sort", "stars"]),
        "--sort \"stars\": one of name, author",
    );
    let target = dir.path().join("no-such-dir/out.csv");
    let o = run(&db, &["export", "--out", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no-such-dir/out.csv.part: cannot write"),
        "{}",
        stderr(&o)
    );
}
