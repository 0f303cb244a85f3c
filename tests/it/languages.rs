//! Languages: each GPT's main language detected at import, stored, filtered on and counted the
//! same way everywhere (`stats`, `--language`, the views, the export); a bad language is a
//! one-line error.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The sample (imported when the database is made) and the 300 gizmos of the crawler dataset.
fn two_real_files() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = temp_db();
    let o = run(
        &db,
        &[
            "import",
            fixture("gizmos_2023-11_300.jsonl").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, db)
}

/// Every stored language of each GPT id, over all snapshots, through the `gpts` view.
fn stored_languages(db: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let rows = run_json(db, &["sql", "--json", "SELECT gpt_id, language FROM gpts"]);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows.as_array().unwrap() {
        out.entry(r["gpt_id"].as_str().unwrap().to_owned())
            .or_default()
            .insert(r["language"].as_str().unwrap().to_owned());
    }
    out
}

#[test]
fn the_gpts_a_reader_labelled_get_the_language_the_reader_gave_them() {
    let (_dir, db) = two_real_files();
    let stored = stored_languages(&db);
    let labels = std::fs::read_to_string(fixture("languages.tsv")).unwrap();
    let mut checked = BTreeMap::<String, usize>::new();
    let mut wrong = Vec::new();
    for line in labels.lines().filter(|l| !l.starts_with('#')) {
        let mut cells = line.split('\t');
        let (id, want, name) = (
            cells.next().unwrap(),
            cells.next().unwrap(),
            cells.next().unwrap(),
        );
        let got = stored
            .get(id)
            .unwrap_or_else(|| panic!("{id} is not stored"));
        if got.len() != 1 || !got.contains(want) {
            wrong.push(format!("{id} {name}: {got:?}, a reader says {want}"));
        }
        *checked.entry(want.to_owned()).or_default() += 1;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Ten languages and unknown, every script path: alone (ja, ko, zh), function words (en,
    // es, fr, it, de, pt) and the trigram detector (da).
    assert_eq!(checked.len(), 11, "{checked:?}");
    assert_eq!(checked.values().sum::<usize>(), 45);
}

#[test]
fn a_language_filters_stats_export_and_the_list_alike() {
    let (dir, db) = two_real_files();
    let stats = run_json(&db, &["stats", "--json", "--snapshot", "1"]);
    let languages = stats["languages"].as_object().unwrap();
    // Most GPTs first, unknown last; they add up to every GPT.
    let counts: Vec<u64> = languages.values().map(|n| n.as_u64().unwrap()).collect();
    assert_eq!(counts.iter().sum::<u64>(), stats["gpts"].as_u64().unwrap());
    assert_eq!(languages.keys().next().map(String::as_str), Some("en"));
    assert_eq!(
        languages.keys().next_back().map(String::as_str),
        Some("und")
    );
    assert!(
        counts[..counts.len() - 1].is_sorted_by(|a, b| a >= b),
        "{counts:?}"
    );
    for (code, name) in [("ja", "Japanese"), ("und", "unknown"), ("fr", "french")] {
        let n = &languages[code];
        // By code or by name, `stats` counts what its chart counted.
        for asked in [code, name] {
            let f = run_json(
                &db,
                &["stats", "--json", "--snapshot", "1", "--language", asked],
            );
            assert_eq!(&f["gpts"], n, "--language {asked}");
            // Its own chart: that language alone (unknown is always listed, 0 here).
            let zero = serde_json::Value::from(0);
            for (other, m) in f["languages"].as_object().unwrap() {
                assert_eq!(m, if other == code { n } else { &zero }, "{other}");
            }
        }
        // The export of the same filter has as many rows, each of that language.
        let out = dir.path().join(format!("{code}.csv"));
        let o = run(
            &db,
            &[
                "export",
                "--snapshot",
                "1",
                "--language",
                code,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let mut csv = csv::Reader::from_path(&out).unwrap();
        let at = csv.headers().unwrap().iter().position(|h| h == "language");
        let at = at.expect("a language column");
        let rows: Vec<String> = csv.records().map(|r| r.unwrap()[at].to_owned()).collect();
        assert_eq!(
            rows.len() as u64,
            n.as_u64().unwrap(),
            "export --language {code}"
        );
        assert!(rows.iter().all(|l| l == code), "{rows:?}");
    }
    // The other snapshot has its own count.
    let second = run_json(&db, &["stats", "--json", "--language", "zh"]);
    assert!(second["gpts"].as_u64().unwrap() > 50, "{}", second["gpts"]);
}

#[test]
fn a_language_no_one_knows_is_a_one_line_error_naming_the_flag() {
    let (_dir, db) = temp_db();
    for args in [
        &["stats", "--language", "klingon"][..],
        &["export", "--language", "xx", "--format", "csv"][..],
    ] {
        let o = run(&db, args);
        assert!(!o.status.success(), "{args:?}");
        let e = stderr(&o);
        assert_eq!(e.trim().lines().count(), 1, "{e}");
        assert!(
            e.contains("--language") && e.contains("not a language"),
            "{e}"
        );
    }
}
