//! Lists in shapes the store never sent (issue 15), imported with the real binary: a directory's
//! CSV, a dataset's CSV with a preamble and HTML, a ranking's JSON array (and the same rows as
//! JSON Lines, TSV, a JSON array of arrays and an XLSX sheet under a title). After each,
//! `stats --json` must count what an independent reading of the file (here, with the csv and
//! serde_json crates alone) counts.

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What a reader of the list counts, by hand.
#[derive(Debug, Default)]
struct Expected {
    gpts: u64,
    authors: BTreeSet<String>,
    authors_unknown: u64,
    conv_known: u64,
    conv_total: u64,
    rated: u64,
    stars: f64,
    ratings: u64,
    categories: BTreeMap<String, u64>,
}

/// `1K+` → 1000, `1,234` → 1234, `-`/empty → none.
fn lower_bound(s: &str) -> Option<u64> {
    let s = s.trim().trim_end_matches('+').replace(',', "");
    if s.is_empty() || s == "-" {
        return None;
    }
    let (num, mult) = match s.chars().last()? {
        'K' => (&s[..s.len() - 1], 1_000.0),
        'M' => (&s[..s.len() - 1], 1_000_000.0),
        _ => (&s[..], 1.0),
    };
    Some((num.parse::<f64>().ok()? * mult).round() as u64)
}

impl Expected {
    /// One row, its cells by column name.
    fn row(&mut self, get: impl Fn(&str) -> String) {
        self.gpts += 1;
        match get("Creator") {
            c if c.trim().is_empty() => self.authors_unknown += 1,
            c => {
                self.authors.insert(c);
            }
        }
        let chats = get("Chats") + &get("chats");
        if let Some(n) = lower_bound(&chats) {
            self.conv_known += 1;
            self.conv_total += n;
        }
        let avg = get("review_average").replace(',', ".");
        if let Ok(avg) = avg.parse::<f64>()
            && avg > 0.0
        {
            self.rated += 1;
            let count = lower_bound(&get("review_count")).unwrap_or(0);
            self.stars += avg * count as f64;
            self.ratings += count;
        }
        for c in get("categories").split(',') {
            let c = c.trim().to_lowercase();
            if !c.is_empty() {
                *self.categories.entry(c).or_default() += 1;
            }
        }
    }

    fn of_csv(path: &Path, delimiter: u8, skip_lines: usize) -> Expected {
        let text = std::fs::read_to_string(path).unwrap();
        let body: String = text
            .split_inclusive('\n')
            .skip(skip_lines)
            .collect::<String>();
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(body.as_bytes());
        let headers = r.headers().unwrap().clone();
        let mut e = Expected::default();
        for row in r.records() {
            let row = row.unwrap();
            e.row(|col| {
                headers
                    .iter()
                    .position(|h| h == col)
                    .and_then(|i| row.get(i))
                    .unwrap_or("")
                    .to_owned()
            });
        }
        e
    }

    fn of_json_objects(rows: &[Value]) -> Expected {
        let mut e = Expected::default();
        for r in rows {
            e.row(|col| json_text(&r[col], ", "));
        }
        e
    }

    /// Compares with `stats --json`.
    fn check(&self, stats: &Value, what: &str) {
        assert_eq!(stats["gpts"], self.gpts, "{what}: GPTs");
        assert_eq!(
            stats["authors"],
            self.authors.len() as u64,
            "{what}: authors"
        );
        assert_eq!(
            stats["authors_unknown"], self.authors_unknown,
            "{what}: GPTs naming no author"
        );
        let conv = &stats["conversations"];
        assert_eq!(
            conv["unknown"],
            self.gpts - self.conv_known,
            "{what}: conversations unknown"
        );
        assert_eq!(
            conv["total_lower_bound"], self.conv_total,
            "{what}: conversations"
        );
        let ratings = &stats["ratings"];
        assert_eq!(ratings["rated"], self.rated, "{what}: rated");
        assert_eq!(ratings["total_ratings"], self.ratings, "{what}: ratings");
        if self.ratings > 0 {
            let want = self.stars / self.ratings as f64;
            let got = ratings["weighted_mean"].as_f64().unwrap();
            // Each GPT's star total is its average × count, rounded to whole stars.
            assert!(
                (got - want).abs() < 0.01,
                "{what}: weighted mean {got} vs {want}"
            );
        }
        for (c, n) in &self.categories {
            assert_eq!(stats["categories"][c], *n, "{what}: category {c}");
        }
    }
}

/// Imports `path` (with `args`) into a fresh database; the import's JSON report and the stats
/// of what it wrote (the default snapshot: the one written last).
fn import(path: &Path, args: &[&str]) -> (tempfile::TempDir, std::path::PathBuf, Value, Value) {
    let (dir, db) = temp_db();
    let mut all = vec!["import", "--json", path.to_str().unwrap()];
    all.extend_from_slice(args);
    let report = run_json(&db, &all);
    let stats = run_json(&db, &["stats", "--json"]);
    assert_eq!(
        stats["snapshot"]["id"], report["snapshot"],
        "stats opens it"
    );
    (dir, db, report, stats)
}

fn mapping(report: &Value) -> BTreeMap<String, Value> {
    report["files"][0]["mapping"]["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("a mapping: {report}"))
        .iter()
        .map(|c| (c["column"].as_str().unwrap().to_owned(), c.clone()))
        .collect()
}

#[test]
fn a_directory_csv_with_bare_ids_and_creators_by_name() {
    let path = fixture("lists/directory.csv");
    let (_dir, db, report, stats) = import(&path, &[]);
    Expected::of_csv(&path, b',', 0).check(&stats, "directory.csv");
    assert_eq!(report["files"][0]["format"], "list (CSV)");
    let m = mapping(&report);
    for (col, field) in [
        ("ID", "id"),
        ("Title", "name"),
        ("Description", "description"),
        ("Creator", "author"),
        ("Chats", "conversations"),
        ("Updated", "updated"),
    ] {
        assert_eq!(m[col]["field"], field, "{col}");
    }
    assert_eq!(m["Icon"]["field"], Value::Null);
    // The Chats column's blanks (empty or "-") are counted as such.
    let blanks = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .filter(|r| matches!(&r.as_ref().unwrap()[5], "" | "-"))
        .count();
    assert_eq!(m["Chats"]["empty"], blanks as u64);
    // A row as `show` has it: the id got its g-, the creator is its author, the date read.
    let first: Vec<String> = csv::Reader::from_path(&path)
        .unwrap()
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let gpt = run_json(&db, &["show", &first[0], "--json"]);
    assert_eq!(gpt["id"], format!("g-{}", first[0]));
    assert_eq!(gpt["name"], first[1].as_str());
    assert_eq!(gpt["author"]["display_name"], first[4].as_str());
    assert_eq!(gpt["url"], format!("https://chatgpt.com/g/g-{}", first[0]));
    // The text report says the same.
    let (_d2, db2) = temp_db();
    let o = run(&db2, &["import", path.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(
        out.contains("ID → id, Title → name") && out.contains("not read: Icon"),
        "{out}"
    );
}

#[test]
fn a_csv_with_a_preamble_and_html_in_its_text() {
    let path = fixture("lists/preamble_html.csv");
    let (_dir, db, report, stats) = import(&path, &[]);
    Expected::of_csv(&path, b',', 6).check(&stats, "preamble_html.csv");
    assert_eq!(report["files"][0]["mapping"]["preamble_lines"], 6);
    let rows: Vec<csv::StringRecord> = {
        let text = std::fs::read_to_string(&path).unwrap();
        let body: String = text.split_inclusive('\n').skip(6).collect();
        csv::Reader::from_reader(body.as_bytes())
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let tagged = rows
        .iter()
        .find(|r| r[1].starts_with("<b>G.PT</b>"))
        .unwrap();
    let gpt = run_json(&db, &["show", &tagged[0], "--json"]);
    let name = gpt["name"].as_str().unwrap();
    assert!(name.starts_with("G.PT ") && !name.contains('<'), "{name}");
    if tagged[1].ends_with("Q&amp;A") {
        assert!(name.ends_with(" Q&A"), "{name}");
    }
    let desc = gpt["description"].as_str().unwrap();
    assert!(
        desc.contains("Answers any question") && desc.ends_with("– fast"),
        "{desc}"
    );
}

#[test]
fn a_ranking_in_five_shapes_counts_the_same() {
    let rows: Vec<Value> = read_json(&fixture("lists/ranking.json"))
        .as_array()
        .unwrap()
        .clone();
    let want = Expected::of_json_objects(&rows);
    assert!(
        want.rated > 10 && want.ratings > 0,
        "the fixture has ratings"
    );
    for (file, format) in [
        ("lists/ranking.json", "JSON array"),
        ("lists/ranking.jsonl", "JSON Lines"),
        ("lists/ranking.tsv", "list (TSV)"),
        ("lists/ranking_rows.json", "list (JSON arrays)"),
        ("lists/ranking.xlsx", "list (spreadsheet)"),
    ] {
        let (_dir, db, report, stats) = import(&fixture(file), &[]);
        want.check(&stats, file);
        assert_eq!(report["files"][0]["format"], format, "{file}");
        let m = mapping(&report);
        assert_eq!(m["chats"]["field"], "conversations", "{file}");
        assert_eq!(m["review_average"]["field"], "rating", "{file}");
        // "n/a" and missing averages are empty, not unreadable.
        assert_eq!(m["review_average"]["unreadable"], 0, "{file}");
        let text = run(&db, &["stats"]);
        assert!(
            stdout(&text).contains(&format!("by 0 authors ({} GPTs name none)", want.gpts)),
            "{file}: {}",
            stdout(&text)
        );
    }
}

#[test]
fn map_names_a_column_the_synonyms_do_not_know() {
    let (dir, db) = temp_db();
    let path = write(
        dir.path(),
        "odd.csv",
        "Ref,Label,Maker\nhttps://chatgpt.com/g/g-abcDEF123-the-thing,The Thing,Ann\n",
    );
    let o = run(&db, &["import", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for part in [
        "odd.csv",
        "no GPT id column",
        "\"Ref\", \"Label\", \"Maker\"",
        "gpt_id",
        "--map id=",
    ] {
        assert!(err.contains(part), "{part} in {err}");
    }
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let report = run_json(
        &db,
        &[
            "import",
            "--json",
            "--map",
            "url=Ref",
            "--map",
            "name=Label",
            "--map",
            "author=Maker",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(report["gpts"], 1);
    assert_eq!(report["authors"], 1);
    let gpt = run_json(&db, &["show", "g-abcDEF123", "--json"]);
    assert_eq!(gpt["name"], "The Thing");
    assert_eq!(gpt["short_url"], "g-abcDEF123-the-thing");
    let o = run(
        &db,
        &["import", "--map", "colour=Ref", path.to_str().unwrap()],
    );
    assert!(stderr(&o).contains("no field \"colour\""), "{}", stderr(&o));
}

#[test]
fn the_default_snapshot_is_the_one_written_last() {
    let (dir, db) = temp_db();
    // Data of 2023, older than the bundled sample's (2024).
    let path = write(
        dir.path(),
        "old.csv",
        "id,name,crawled_at\ng-abcDEF123,Old One,2023-11-20\ng-abcDEF124,Old Two,2023-11-20\n",
    );
    let report = run_json(&db, &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(&report["taken_at"].as_str().unwrap()[..10], "2023-11-20");
    let stats = run_json(&db, &["stats", "--json"]);
    assert_eq!(stats["snapshot"]["id"], report["snapshot"]);
    assert_eq!(stats["gpts"], 2);
    run_json(&db, &["show", "g-abcDEF123", "--json"]);
    let list = run_json(&db, &["snapshots", "--json"]);
    let list = list.as_array().unwrap();
    // Still by data date: the old list first, and it is the default.
    assert_eq!(list[0]["id"], report["snapshot"]);
    assert_eq!(list[0]["default"], true);
    assert_eq!(list[1]["default"], false);
    let text = stdout(&run(&db, &["snapshots"]));
    assert!(text.contains("* the default (written last)"), "{text}");
}

/// Imports `content` as `name`; the import report, and the database.
fn import_text(name: &str, content: &[u8]) -> (tempfile::TempDir, std::path::PathBuf, Value) {
    let (dir, db) = temp_db();
    let path = write(dir.path(), name, content);
    let report = run_json(&db, &["import", "--json", path.to_str().unwrap()]);
    (dir, db, report)
}

fn column<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["files"][0]["mapping"]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == name)
        .unwrap_or_else(|| panic!("column {name} in {report}"))
}

#[test]
fn rows_with_an_empty_id_are_skipped_and_counted() {
    let (_d, _db, report) = import_text(
        "gaps.csv",
        b"id,name\ng-abcDEF121,One\n,Two\n  ,Three\ng-abcDEF124,Four\n",
    );
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["skipped_by_reason"]["no id"], 2);
    assert_eq!(column(&report, "id")["empty"], 2);
    let ex = report["examples"][0].as_str().unwrap();
    assert!(ex.contains("gaps.csv:3: no id"), "{ex}");
}

#[test]
fn ids_of_every_format_mixed_in_one_column() {
    let hex = "67a56d907fc88191814386dac67ed919";
    let text = format!(
        "gpt,title\nabcDEF121,Bare\ng-abcDEF122,Prefixed\n\
         https://chat.openai.com/g/g-abcDEF123-with-slug,Old URL\n\
         chatgpt.com/g/g-{hex}-new-one,New URL\n{hex},Bare new\nnot-an-id,Bad\n"
    );
    // `gpt` is no synonym: the store URLs in it still say it is the id column once mapped.
    let (dir, db) = temp_db();
    let path = write(dir.path(), "mixed.csv", text.as_bytes());
    let report = run_json(
        &db,
        &[
            "import",
            "--json",
            "--map",
            "id=gpt",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(report["gpts"], 4, "{report}");
    assert_eq!(report["duplicates_merged"], 1, "the new id twice");
    assert_eq!(report["skipped_by_reason"]["invalid id"], 1);
    assert_eq!(column(&report, "gpt")["unreadable"], 1);
    let g = run_json(&db, &["show", "g-abcDEF123", "--json"]);
    assert_eq!(g["short_url"], "g-abcDEF123-with-slug");
    assert_eq!(g["url"], "https://chatgpt.com/g/g-abcDEF123-with-slug");
    let g = run_json(&db, &["show", "abcDEF121", "--json"]);
    assert_eq!(g["name"], "Bare");
    run_json(&db, &["show", &format!("g-{hex}"), "--json"]);
}

#[test]
fn counts_written_as_buckets_placeholders_and_decimal_commas() {
    let (_d, db, report) = import_text(
        "numbers.csv",
        "id,chats,rating,ratings\n\
         g-abcDEF121,1K+,\"4,5\",10\n\
         g-abcDEF122,-,n/a,-\n\
         g-abcDEF123,\"1,234\",4.0,1K+\n\
         g-abcDEF124,lots,seven,3\n"
            .as_bytes(),
    );
    assert_eq!(report["gpts"], 4);
    let chats = column(&report, "chats");
    assert_eq!(
        (&chats["read"], &chats["empty"], &chats["unreadable"]),
        (&Value::from(2), &Value::from(1), &Value::from(1))
    );
    assert_eq!(chats["example"], "lots");
    let rating = column(&report, "rating");
    assert_eq!(
        (&rating["read"], &rating["empty"], &rating["unreadable"]),
        (&Value::from(2), &Value::from(1), &Value::from(1))
    );
    assert_eq!(report["fields_ignored"], 2, "lots and seven, said");
    let g = run_json(&db, &["show", "g-abcDEF121", "--json"]);
    assert_eq!(g["conversations"]["lower_bound"], 1000);
    assert_eq!(
        (g["review_total"].clone(), g["review_count"].clone()),
        (45.into(), 10.into())
    );
    let stats = run_json(&db, &["stats", "--json"]);
    assert_eq!(stats["ratings"]["rated"], 2);
    assert_eq!(stats["ratings"]["total_ratings"], 1010);
    assert_eq!(stats["conversations"]["total_lower_bound"], 2234);
}

#[test]
fn a_bom_crlf_a_ragged_row_and_a_quoted_newline() {
    let mut text = vec![0xEF, 0xBB, 0xBF];
    text.extend_from_slice(
        b"ID,Name,Description\r\n\
          g-abcDEF121,One,\"first line\r\nsecond line\"\r\n\
          g-abcDEF122,Two\r\n\
          g-abcDEF123,Three,three,extra\r\n\
          g-abcDEF124,Four,\"four\"\r\n",
    );
    let (_d, db, report) = import_text("crlf.csv", &text);
    assert_eq!(report["gpts"], 4, "{report}");
    assert_eq!(
        column(&report, "ID")["field"],
        "id",
        "the BOM is not part of the name"
    );
    assert_eq!(report["files"][0]["mapping"]["ragged_rows"], 2);
    let g = run_json(&db, &["show", "g-abcDEF121", "--json"]);
    assert_eq!(g["description"], "first line\r\nsecond line");
    let g = run_json(&db, &["show", "g-abcDEF124", "--json"]);
    assert_eq!(g["name"], "Four");
    assert_eq!(g["description"], "four");
    // The line a row starts on counts the quoted newline.
    assert_eq!(g["provenance"]["line"], 6);
}

#[test]
fn a_header_repeated_mid_file_is_skipped() {
    let (_d, _db, report) = import_text(
        "twice.csv",
        b"id,name\ng-abcDEF121,One\nid,name\ng-abcDEF122,Two\n",
    );
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["files"][0]["mapping"]["repeated_headers"], 1);
}

#[test]
fn a_five_megabyte_cell() {
    let big = "x".repeat(5 << 20);
    let text = format!("id,name,description\ng-abcDEF121,Big,{big}\ng-abcDEF122,Small,s\n");
    let (_d, db, report) = import_text("big.csv", text.as_bytes());
    assert_eq!(report["gpts"], 2);
    let g = run_json(&db, &["show", "g-abcDEF121", "--json"]);
    assert_eq!(g["description"].as_str().unwrap().len(), 5 << 20);
}

#[test]
fn two_columns_for_one_field_the_first_wins_and_it_is_said() {
    let (dir, db) = temp_db();
    let path = write(
        dir.path(),
        "two.csv",
        "id,Title,GPT Name\ng-abcDEF121,From Title,From GPT Name\n",
    );
    let report = run_json(&db, &["import", "--json", path.to_str().unwrap()]);
    assert_eq!(column(&report, "Title")["field"], "name");
    let other = column(&report, "GPT Name");
    assert_eq!(other["field"], Value::Null);
    assert_eq!(other["note"], "also name; \"Title\" is read");
    let g = run_json(&db, &["show", "g-abcDEF121", "--json"]);
    assert_eq!(g["name"], "From Title");
    let out = stdout(&run(&db, &["import", path.to_str().unwrap()]));
    assert!(
        out.contains("not read: GPT Name (also name; \"Title\" is read)"),
        "{out}"
    );
}

#[test]
fn a_json_array_of_arrays_with_odd_rows() {
    let (_d, _db, report) = import_text(
        "rows.json",
        br#"[["list of GPTs"], ["id", "name", "chats"], ["g-abcDEF121", "One", "1K+"],
            {"not": "a row"}, ["g-abcDEF122", "Two"], ["g-abcDEF123", "Three", 5, "extra"]]"#,
    );
    assert_eq!(report["gpts"], 3, "{report}");
    assert_eq!(report["files"][0]["format"], "list (JSON arrays)");
    let m = &report["files"][0]["mapping"];
    assert_eq!(m["preamble_lines"], 1);
    assert_eq!(m["ragged_rows"], 2);
    assert_eq!(report["skipped_by_reason"]["unreadable table row"], 1);
    // Arrays with no id column at all: one error naming the columns.
    let (dir, db) = temp_db();
    let path = write(dir.path(), "noid.json", br#"[["a", "b"], [1, 2]]"#);
    let o = run(&db, &["import", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("noid.json: no GPT id column") && err.contains("\"a\", \"b\""),
        "{err}"
    );
}

#[test]
fn flat_objects_without_an_id_key_say_what_they_hold() {
    let (dir, db) = temp_db();
    let path = write(
        dir.path(),
        "objs.json",
        br#"[{"key": "g-abcDEF121", "title": "One"}, {"key": "g-abcDEF122", "title": "Two"}]"#,
    );
    let o = run(&db, &["import", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for part in [
        "objs.json",
        "no GPT id key",
        "\"key\", \"title\"",
        "--map id=",
    ] {
        assert!(err.contains(part), "{part} in {err}");
    }
    let report = run_json(
        &db,
        &[
            "import",
            "--json",
            "--map",
            "id=key",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(report["gpts"], 2);
    assert_eq!(column(&report, "key")["field"], "id");
    assert_eq!(column(&report, "key")["read"], 2);
}

#[test]
fn the_bundled_sample_counts_what_it_did() {
    let (_dir, db) = temp_db();
    let stats = run_json(&db, &["stats", "--json"]);
    // The BeeTrove sample: every GPT names its author.
    assert_eq!(stats["gpts"], 397);
    assert_eq!(stats["authors"], 381);
    assert_eq!(stats["authors_unknown"], 0);
}

#[test]
fn flattened_store_json_and_nested_objects() {
    // pandas' json_normalize of the store's gizmos, written as CSV (lists as Python literals).
    let (_d, db, report) = import_text(
        "normalized.csv",
        "gizmo.id,display.name,display.description,author.display_name,author.user_id,\
         vanity_metrics.num_conversations_str,display.prompt_starters,display.categories\n\
         g-abcDEF121,One,Desc,Ann,user-ann,1K+,\"['Hi there', \"\"Don't\"\"]\",['DALL·E']\n"
            .as_bytes(),
    );
    assert_eq!(report["gpts"], 1, "{report}");
    let g = run_json(&db, &["show", "g-abcDEF121", "--json"]);
    assert_eq!(g["name"], "One");
    assert_eq!(g["description"], "Desc");
    assert_eq!(g["author"]["user_id"], "user-ann");
    assert_eq!(g["author"]["display_name"], "Ann");
    assert_eq!(g["conversations"]["bucket"], "1K+");
    assert_eq!(
        g["prompt_starters"],
        serde_json::json!(["Hi there", "Don't"])
    );
    assert_eq!(g["categories"], serde_json::json!(["dalle"]));
    // A list's objects with an author object inside, tools and category by their store names.
    let (_d, db, report) = import_text(
        "nested.json",
        r#"[{"id": "g-abcDEF122", "name": "Two",
             "author": {"display_name": "Bob", "user_id": "user-bob"},
             "category": "Research & Analysis",
             "tools": ["Web Browsing", "Code Interpreter", "DALL·E"]}]"#
            .as_bytes(),
    );
    assert_eq!(report["gpts"], 1, "{report}");
    assert_eq!(report["authors"], 1);
    let g = run_json(&db, &["show", "g-abcDEF122", "--json"]);
    assert_eq!(g["name"], "Two");
    assert_eq!(g["author"]["user_id"], "user-bob");
    assert_eq!(g["categories"], serde_json::json!(["research"]));
    assert_eq!(
        g["tools"],
        serde_json::json!(["browser", "python", "dalle"])
    );
}

#[test]
fn a_file_whose_rows_all_fail_says_why() {
    let (dir, db) = temp_db();
    let path = write(dir.path(), "nums.csv", "id,name\n1,One\n2,Two\n");
    let o = run(&db, &["import", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("nums.csv: no record could be read; the first: line 2: invalid id"),
        "{err}"
    );
}

#[test]
fn a_readme_list_of_links_and_a_markdown_table() {
    let readme = "# Awesome GPTs\n\nA curated list. Contributions welcome.\n\n## Writing\n\n\
        - [Write For Me](https://chat.openai.com/g/g-B3hgivKK9-write-for-me) — writes\n\
        - [Chef Bot](https://chatgpt.com/g/g-2fkFE8rbu-chef-bot?ref=awesome) - cooks\n\
        - Plain mention: g-abcDEF123 is good too, unlike interface or big-data\n\n\
        ## License\nMIT\n";
    let (_d, db, report) = import_text("README.md", readme.as_bytes());
    assert_eq!(report["gpts"], 3, "{report}");
    assert_eq!(report["files"][0]["format"], "list (links in text)");
    assert_eq!(report["files"][0]["mapping"]["lines_without_gpt"], 5);
    let g = run_json(&db, &["show", "g-2fkFE8rbu", "--json"]);
    assert_eq!(g["name"], "Chef Bot");
    assert_eq!(g["short_url"], "g-2fkFE8rbu-chef-bot");
    let table = "| Name | Link | Category |\n|------|:----:|----------|\n\
        | [Table One](https://chatgpt.com/g/g-abcDEF124-table-one) | [open](https://chatgpt.com/g/g-abcDEF124-table-one) | Writing |\n\
        | \"Quoted\" two | https://chatgpt.com/g/g-abcDEF125 | DALL·E |\n\nNotes after the table.\n";
    let (_d, db, report) = import_text("table.md", table.as_bytes());
    assert_eq!(report["gpts"], 2, "{report}");
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["files"][0]["format"], "list (CSV, `|`)");
    let g = run_json(&db, &["show", "g-abcDEF124", "--json"]);
    assert_eq!(g["name"], "Table One");
    assert_eq!(g["categories"], serde_json::json!(["writing"]));
    let g = run_json(&db, &["show", "g-abcDEF125", "--json"]);
    assert_eq!(g["name"], "\"Quoted\" two");
    assert_eq!(g["categories"], serde_json::json!(["dalle"]));
}

#[test]
fn a_saved_web_page_and_an_api_envelope() {
    let mut page = String::from("<!DOCTYPE html>\n<html><head><title>Best GPTs</title>\n");
    // The list comes after a long head: looked for beyond the header search.
    for i in 0..300 {
        page.push_str(&format!("<meta name=\"m{i}\" content=\"a, b, c\">\n"));
    }
    page.push_str(
        "<ul><li><a href=\"https://chatgpt.com/g/g-2fkFE8rbu-chef\"><img src=\"x.png\"></a>\
         <a href=\"https://chatgpt.com/g/g-2fkFE8rbu-chef\"><b>Chef</b> Bot</a></li>\
         <li><a class=\"x\" href='https://chatgpt.com/g/g-abcDEF123'>Other &amp; Co</a></li></ul>\n\
         </body></html>\n",
    );
    let (_d, db, report) = import_text("page.html", page.as_bytes());
    assert_eq!(report["gpts"], 2, "{report}");
    assert_eq!(
        report["duplicates_merged"], 0,
        "one GPT linked twice in a line is one"
    );
    assert_eq!(
        run_json(&db, &["show", "g-2fkFE8rbu", "--json"])["name"],
        "Chef Bot"
    );
    assert_eq!(
        run_json(&db, &["show", "g-abcDEF123", "--json"])["name"],
        "Other & Co"
    );

    let envelope = r#"{"status": "ok", "total": 2, "categories": [{"name": "Writing"}],
        "data": {"gpts": [
          {"gpt_id": "g-abcDEF131", "title": "W1", "stats": {"chats": "1K+", "rating": 4.5, "reviews": 10}},
          {"gpt_id": "g-abcDEF132", "title": "W2", "author": {"name": "Ann"}}]}}"#;
    let (_d, db, report) = import_text("api.json", envelope.as_bytes());
    assert_eq!(report["gpts"], 2, "{report}");
    assert_eq!(
        report["skipped"], 0,
        "the categories array is not read as GPTs"
    );
    assert_eq!(column(&report, "stats.chats")["field"], "conversations");
    let g = run_json(&db, &["show", "g-abcDEF131", "--json"]);
    assert_eq!(g["conversations"]["lower_bound"], 1000);
    assert_eq!(g["review_total"], 45);
    let g = run_json(&db, &["show", "g-abcDEF132", "--json"]);
    assert_eq!(g["author"]["display_name"], "Ann");
    // The line a record is on, in the file.
    assert_eq!(g["provenance"]["line"], 4);
}

#[test]
fn a_ranking_sites_ranks_become_positions() {
    let (_d, db, report) = import_text(
        "top.csv",
        b"rank,url,name\n1,https://chatgpt.com/g/g-abcDEF121-a,A\n2,https://chatgpt.com/g/g-abcDEF122,B\n",
    );
    assert_eq!(report["gpts"], 2);
    assert_eq!(report["shelves"], 1);
    assert_eq!(report["shelf_entries"], 2);
    let g = run_json(&db, &["show", "g-abcDEF122", "--json"]);
    assert_eq!(g["shelves"][0]["shelf_id"], "ranking");
    assert_eq!(g["shelves"][0]["position"], 2);
}

/// A dataset's folder as it is published: the data beside its README (with a store link quoted
/// as an example), its provenance table and the script that made it. Imported as a folder
/// (`--strict`), only the data is read: the same GPTs as the data file alone, nothing skipped,
/// and the other files listed as not read. Named, the README is read as the list of links it is.
#[test]
fn a_dataset_folder_imports_its_data_not_its_documentation() {
    let (dir, db) = temp_db();
    let folder = dir.path().join("dataset");
    std::fs::create_dir_all(folder.join("docs")).unwrap();
    std::fs::copy(fixture("lists/directory.csv"), folder.join("directory.csv")).unwrap();
    write(
        &folder,
        "README.md",
        "# GPT directory\n\nFor example [Quoted GPT](https://chatgpt.com/g/g-QuotedGPT-quoted).\n",
    );
    write(
        &folder.join("docs"),
        "SOURCE.md",
        "| List Name | GPT Position in List | GPT Name |\n|---|---|---|\n| Featured | first | x |\n",
    );
    write(&folder, "make.py", "import csv\nprint('GPT Id, Name')\n");
    let alone = {
        let (_d, db_alone) = temp_db();
        run_json(
            &db_alone,
            &[
                "import",
                fixture("lists/directory.csv").to_str().unwrap(),
                "--json",
            ],
        )
    };
    let report = run_json(
        &db,
        &["import", "--strict", folder.to_str().unwrap(), "--json"],
    );
    assert_eq!(report["gpts"], alone["gpts"], "{report}");
    assert_eq!(report["label"], "dataset/ (1 file)", "named by its folder");
    assert_eq!(report["skipped"], 0, "{report}");
    assert_eq!(report["shelves"], 0, "{report}");
    assert_eq!(report["files"].as_array().unwrap().len(), 1, "{report}");
    let not_read: Vec<String> = report["not_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_str()
                .unwrap()
                .replace(&format!("{}/", folder.display()), "")
        })
        .collect();
    assert_eq!(not_read, ["README.md", "docs/SOURCE.md", "make.py"]);
    let o = run(&db, &["show", "g-QuotedGPT"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // The text form says what was left and how to read it.
    let text = stdout(&run(&db, &["import", folder.to_str().unwrap()]));
    assert!(
        text.contains("not read: 3 files in the folders, not data by their names"),
        "{text}"
    );
    // Named, the README is a list of one GPT.
    let named = run_json(
        &db,
        &[
            "import",
            folder.join("README.md").to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(named["gpts"], 1, "{named}");
    assert!(named.get("not_read").is_none(), "{named}");
    let show = run_json(&db, &["show", "g-QuotedGPT", "--json"]);
    assert_eq!(show["name"], "Quoted GPT");
    // A folder of documentation only says so, and writes nothing.
    let docs = fails_with(
        &run(&db, &["import", folder.join("docs").to_str().unwrap()]),
        "not data by their names",
    );
    assert!(docs.contains("SOURCE.md"), "{docs}");
    // Named, the provenance table is read and has no GPT: its one row is unreadable (line 3: the
    // line under the header is not a row), and its shelf is not made from a row that was not
    // read, so nothing is imported.
    let table = fails_with(
        &run(
            &db,
            &["import", folder.join("docs/SOURCE.md").to_str().unwrap()],
        ),
        "nothing to import",
    );
    assert!(table.contains("line 3: unreadable table row"), "{table}");
    assert_eq!(snapshot_ids(&db).len(), 4, "no snapshot written");
}
