//! Schema 4 → 5: every per-snapshot GPT table (`gpt_<id>`) and the per-snapshot `author` rows
//! become versions with validity intervals ([`super::versions`]); the old names become views
//! of the same columns, so every query reads a snapshot as before.
//!
//! Snapshots are moved oldest id first, each compared with the one before exactly as an import
//! compares a new snapshot with its base, so a migrated database shares rows just as one built
//! by importing the same files would. All of it runs inside the caller's transaction: a failure
//! (or a kill) leaves the file as it was, and the next open starts again.

use super::schema::{self, AUTHOR_CONTENT, GPT_CONTENT, GPT_SOURCE};
use super::versions::{Base, Kind, ValueHash, key};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, params_from_iter};

/// Creates the versioned tables and moves every snapshot into them; `progress(done, total)` is
/// called before each snapshot and once at the end.
pub fn to_v5(
    tx: &Connection,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> rusqlite::Result<()> {
    let old_tables = schema::gpt_tables(tx)?;
    let has_authors: bool = tx
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'author'")?
        .exists([])?;
    if has_authors {
        tx.execute_batch("ALTER TABLE author RENAME TO author_v4;")?;
    }
    tx.execute_batch(schema::V5)?;
    schema::index_authors(tx)?;
    let mut snapshots: Vec<i64> = old_tables
        .iter()
        .filter_map(|t| t.strip_prefix("gpt_")?.parse().ok())
        .collect();
    snapshots.sort_unstable();
    let total = snapshots.len();
    let mut previous: Option<i64> = None;
    for (done, &s) in snapshots.iter().enumerate() {
        progress("snapshot", done, total);
        move_gpts(tx, s, previous)?;
        if has_authors {
            move_authors(tx, s, previous)?;
        }
        tx.execute_batch(&format!("DROP TABLE {};", schema::gpt_table(s)))?;
        schema::create_gpt_view(tx, s)?;
        previous = Some(s);
    }
    if has_authors {
        tx.execute_batch("DROP TABLE author_v4;")?;
    }
    schema::index_versions(tx)?;
    if total > 0 {
        progress("snapshot", total, total);
    }
    Ok(())
}

/// Moves one snapshot's GPT table into versions, in its rowid order.
fn move_gpts(tx: &Connection, s: i64, previous: Option<i64>) -> rusqlite::Result<()> {
    let from = format!("FROM {} ORDER BY rowid", schema::gpt_table(s));
    move_rows(tx, Kind::Gpt, s, previous, &GPT_CONTENT, &GPT_SOURCE, &from)
}

/// Moves one snapshot's author rows into versions.
fn move_authors(tx: &Connection, s: i64, previous: Option<i64>) -> rusqlite::Result<()> {
    let from = format!("FROM author_v4 WHERE snapshot_id = {s} ORDER BY user_id");
    move_rows(tx, Kind::Author, s, previous, &AUTHOR_CONTENT, &[], &from)
}

/// Reads `content` and `source` columns `from` the old table, compares each row with its
/// version in `previous` (the key is the first content column) and writes the ones that
/// differ as versions of snapshot `s` (with `src` = `s` when there are source columns).
fn move_rows(
    tx: &Connection,
    kind: Kind,
    s: i64,
    previous: Option<i64>,
    content: &[&str],
    source: &[&str],
    from: &str,
) -> rusqlite::Result<()> {
    let mut base = Base::load(tx, kind, previous)?;
    let (n, m) = (content.len(), source.len());
    let head: &[&str] = if m > 0 {
        &["first", "last", "hash", "src"]
    } else {
        &["first", "last", "hash"]
    };
    let columns: Vec<&str> = head.iter().chain(source).chain(content).copied().collect();
    let marks = (1..=columns.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut insert = tx.prepare(&format!(
        "INSERT INTO {} ({}) VALUES ({marks})",
        kind.table(),
        columns.join(", ")
    ))?;
    let read: Vec<&str> = content.iter().chain(source).copied().collect();
    let mut st = tx.prepare(&format!("SELECT {} {from}", read.join(", ")))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let values = (0..n + m)
            .map(|i| r.get_ref(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let hash = ValueHash::of(values[..n].iter().copied());
        if base
            .keep(key(values[0].as_str().unwrap_or("")), hash)
            .is_some()
        {
            continue;
        }
        let mut row = vec![
            ValueRef::Integer(s),
            ValueRef::Null,
            ValueRef::Integer(hash),
        ];
        if m > 0 {
            row.push(ValueRef::Integer(s));
        }
        row.extend_from_slice(&values[n..]);
        row.extend_from_slice(&values[..n]);
        insert.execute(params_from_iter(row.into_iter().map(ToSqlOutput::Borrowed)))?;
    }
    base.finish(tx)?;
    Ok(())
}
