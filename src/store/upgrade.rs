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
pub fn to_v5(tx: &Connection, progress: &mut dyn FnMut(usize, usize)) -> rusqlite::Result<()> {
    let old_tables = schema::gpt_tables(tx)?;
    let has_authors: bool = tx
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'author'")?
        .exists([])?;
    if has_authors {
        tx.execute_batch("ALTER TABLE author RENAME TO author_v4;")?;
    }
    tx.execute_batch(schema::V5)?;
    let mut snapshots: Vec<i64> = old_tables
        .iter()
        .filter_map(|t| t.strip_prefix("gpt_")?.parse().ok())
        .collect();
    snapshots.sort_unstable();
    let total = snapshots.len();
    let mut previous: Option<i64> = None;
    for (done, &s) in snapshots.iter().enumerate() {
        progress(done, total);
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
        progress(total, total);
    }
    Ok(())
}

/// Moves one snapshot's GPT table into versions, in its rowid order.
fn move_gpts(tx: &Connection, s: i64, previous: Option<i64>) -> rusqlite::Result<()> {
    let mut base = Base::load(tx, Kind::Gpt, previous)?;
    let content = GPT_CONTENT.join(", ");
    let source = GPT_SOURCE.join(", ");
    let marks = (1..=GPT_CONTENT.len() + GPT_SOURCE.len() + 4)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut insert = tx.prepare(&format!(
        "INSERT INTO gpt (first, last, hash, src, {source}, {content})
         VALUES ({marks})"
    ))?;
    let mut st = tx.prepare(&format!(
        "SELECT {content}, {source} FROM {} ORDER BY rowid",
        schema::gpt_table(s)
    ))?;
    let mut rows = st.query([])?;
    let n = GPT_CONTENT.len();
    while let Some(r) = rows.next()? {
        let values = (0..n)
            .map(|i| r.get_ref(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let hash = ValueHash::of(values.iter().copied());
        let k = key(values[0].as_str().unwrap_or(""));
        if base.keep(k, hash).is_some() {
            continue;
        }
        let mut head = vec![
            ValueRef::Integer(s),
            ValueRef::Null,
            ValueRef::Integer(hash),
            ValueRef::Integer(s),
        ];
        for i in 0..GPT_SOURCE.len() {
            head.push(r.get_ref(n + i)?);
        }
        insert.execute(params_from_iter(
            head.iter()
                .chain(values.iter())
                .map(|v| ToSqlOutput::Borrowed(*v)),
        ))?;
    }
    base.finish(tx)?;
    Ok(())
}

/// Moves one snapshot's author rows into versions.
fn move_authors(tx: &Connection, s: i64, previous: Option<i64>) -> rusqlite::Result<()> {
    let mut base = Base::load(tx, Kind::Author, previous)?;
    let content = AUTHOR_CONTENT.join(", ");
    let marks = (1..=AUTHOR_CONTENT.len() + 3)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut insert = tx.prepare(&format!(
        "INSERT INTO author_version (first, last, hash, {content}) VALUES ({marks})"
    ))?;
    let mut st = tx.prepare(&format!(
        "SELECT {content} FROM author_v4 WHERE snapshot_id = ?1 ORDER BY user_id"
    ))?;
    let mut rows = st.query([s])?;
    let n = AUTHOR_CONTENT.len();
    while let Some(r) = rows.next()? {
        let values = (0..n)
            .map(|i| r.get_ref(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let hash = ValueHash::of(values.iter().copied());
        let k = key(values[0].as_str().unwrap_or(""));
        if base.keep(k, hash).is_some() {
            continue;
        }
        let head = [
            ValueRef::Integer(s),
            ValueRef::Null,
            ValueRef::Integer(hash),
        ];
        insert.execute(params_from_iter(
            head.iter()
                .chain(values.iter())
                .map(|v| ToSqlOutput::Borrowed(*v)),
        ))?;
    }
    base.finish(tx)?;
    Ok(())
}
