//! `export --format parquet`: typed columns that read back equal to the CSV export, one Hive
//! partition a snapshot, and DuckDB (where it is installed) agreeing with `stats` over both
//! the Parquet files and the database's views.

use crate::common::*;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampMillisecondType};
use arrow_array::{Array, RecordBatch};
use std::path::Path;

fn read(path: &Path) -> Vec<RecordBatch> {
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(path).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A Parquet cell in the CSV export's text form.
fn as_csv(column: &dyn Array, name: &str, i: usize) -> String {
    if column.is_null(i) {
        return String::new();
    }
    match name {
        "categories" | "tools" | "action_domains" | "signals" => {
            let items = column.as_list::<i32>().value(i);
            items
                .as_string::<i32>()
                .iter()
                .map(|s| s.unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
                .join(";")
        }
        "author_verified" | "available" => column.as_boolean().value(i).to_string(),
        "rating" => format!("{:.2}", column.as_primitive::<Float64Type>().value(i)),
        "created_at" | "updated_at" => gptscope::time::format_datetime(
            column.as_primitive::<TimestampMillisecondType>().value(i) / 1000,
        ),
        "knowledge_files"
        | "conversations_lower_bound"
        | "review_count"
        | "review_total"
        | "snapshot_id" => column.as_primitive::<Int64Type>().value(i).to_string(),
        _ => column.as_string::<i32>().value(i).to_owned(),
    }
}

#[test]
fn the_parquet_export_reads_back_equal_to_the_csv_export() {
    let (dir, db) = temp_db();
    let (pq, csv) = (dir.path().join("g.parquet"), dir.path().join("g.csv"));
    for out in [&pq, &csv] {
        let o = run(&db, &["export", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(!dir.path().join("g.parquet.part").exists());
    let mut r = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let batches = read(&pq);
    let fields: Vec<String> = batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(fields, header, "the CSV export's columns, in order");
    let mut n = 0;
    for b in &batches {
        for i in 0..b.num_rows() {
            for (k, name) in header.iter().enumerate() {
                assert_eq!(
                    as_csv(b.column(k).as_ref(), name, i),
                    rows[n][k],
                    "{name} of {}",
                    &rows[n][0]
                );
            }
            n += 1;
        }
    }
    assert_eq!(n, 397);
}

#[test]
fn every_snapshot_is_one_hive_partition() {
    let (dir, db) = temp_db();
    let _ = import_history(&db, dir.path(), ("2024-05-01", "2024-05-02"));
    let every = |out: &Path| {
        run(
            &db,
            &[
                "export",
                "--format",
                "parquet",
                "--all-snapshots",
                "--out",
                out.to_str().unwrap(),
            ],
        )
    };
    let out = dir.path().join("history");
    let o = every(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    for s in snapshot_ids(&db) {
        let file = out.join(format!("snapshot_id={s}")).join("part-0.parquet");
        let batches = read(&file);
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let o = run(
            &db,
            &["export", "--snapshot", &s.to_string(), "--format", "jsonl"],
        );
        assert_eq!(rows, stdout(&o).lines().count(), "snapshot {s}");
        for b in &batches {
            let ids = b
                .column_by_name("snapshot_id")
                .unwrap()
                .as_primitive::<Int64Type>();
            assert!(ids.iter().all(|v| v == Some(s)));
        }
    }
    // A file where the folder should be: refused, nothing written.
    let file = dir.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let o = every(&file);
    fails_with(&o, "is a file; --all-snapshots writes a folder");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    let o = run(&db, &["export", "--format", "parquet"]);
    fails_with(&o, "--format parquet is binary: give --out FILE");
}

/// DuckDB, the analyst's other tool, reads the Parquet export and the database (its views,
/// through its SQLite extension) and finds the numbers of `stats`. Needs Python's `duckdb`
/// and `duckdb_extension_sqlite_scanner` (PyPI); required where `GPTSCOPE_REQUIRE_DUCKDB` is
/// set (CI installs them), elsewhere skipped with a line saying so.
#[test]
fn duckdb_agrees_with_stats_over_the_parquet_export_and_the_database() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import duckdb, duckdb_extension_sqlite_scanner"])
        .output();
    let found = probe.is_ok_and(|o| o.status.success());
    if !outside_tool(found, "GPTSCOPE_REQUIRE_DUCKDB", "Python's duckdb") {
        return;
    }
    let (dir, db) = temp_db();
    let pq = dir.path().join("g.parquet");
    let o = run(&db, &["export", "--out", pq.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = r#"
import duckdb, json, os, sys, duckdb_extension_sqlite_scanner as ext
pq, db = sys.argv[1], sys.argv[2]
c = duckdb.connect()
base = os.path.join(os.path.dirname(ext.__file__), "extensions")
path = [os.path.join(r, f) for r, _, fs in os.walk(base) for f in fs][0]
c.execute(f"LOAD '{path}'")
c.execute(f"ATTACH '{db}' AS g (TYPE sqlite, READ_ONLY)")
one = lambda q: c.execute(q).fetchone()
out = {
  "parquet": one(f"SELECT count(*), count(rating), avg(rating), sum(conversations_lower_bound) FROM '{pq}' WHERE available"),
  "parquet_tools": dict(c.execute(f"SELECT t, count(*) FROM (SELECT unnest(tools) t FROM '{pq}' WHERE available) GROUP BY 1").fetchall()),
  "db": one("SELECT count(*), count(rating), avg(CAST(rating AS DOUBLE)), sum(CAST(conversations_lower_bound AS BIGINT)) FROM g.gpts WHERE available = '1'"),
  "db_signals": dict(c.execute("SELECT kind, count(*) FROM g.signals WHERE available = 1 GROUP BY 1").fetchall()),
  "parquet_languages": dict(c.execute(f"SELECT language, count(*) FROM '{pq}' WHERE available GROUP BY 1").fetchall()),
  "db_languages": dict(c.execute("SELECT language, count(*) FROM g.gpts WHERE available = '1' GROUP BY 1").fetchall()),
}
print(json.dumps(out))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script, pq.to_str().unwrap(), db.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let duck: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let stats = run_json(&db, &["stats", "--json"]);
    for source in ["parquet", "db"] {
        let r = &duck[source];
        assert_eq!(r[0], stats["gpts"], "{source}: GPTs");
        assert_eq!(r[1], stats["ratings"]["rated"], "{source}: rated");
        let mean = stats["ratings"]["mean"].as_f64().unwrap();
        assert!(
            (r[2].as_f64().unwrap() - mean).abs() < 1e-6,
            "{source}: mean"
        );
        assert_eq!(
            r[3], stats["conversations"]["total_lower_bound"],
            "{source}: conversations"
        );
    }
    for (tool, n) in stats["tools"].as_object().unwrap() {
        if tool != "none" && tool != "knowledge" {
            let got = duck["parquet_tools"].get(tool).cloned().unwrap_or(0.into());
            assert_eq!(&got, n, "tool {tool}");
        }
    }
    for (kind, n) in stats["signals"].as_object().unwrap() {
        let got = duck["db_signals"].get(kind).cloned().unwrap_or(0.into());
        assert_eq!(&got, n, "signal {kind}");
    }
    for source in ["parquet_languages", "db_languages"] {
        assert_eq!(duck[source], stats["languages"], "{source}");
    }
}
