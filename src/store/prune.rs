//! Removing a snapshot: its view and its rows in the per-snapshot tables, the versions no
//! remaining snapshot falls in (a version shared with another snapshot stays, bounds and all:
//! see [`super::versions`]), then the detail and raw-source rows no version refers to (they are
//! content-addressed and shared), all in one transaction, then `VACUUM` so the file shrinks.
//! The compact columns of a dropped version stay in their chunk ([`super::chunks`]): no
//! snapshot's version ids name it any more, and a new version given its id rebuilds the chunk.

use super::db::{Db, Result};
use super::schema::gpt_table;
use super::versions::{Kind, alive_in};
use rusqlite::Connection;

/// What a removal freed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Removed {
    pub snapshot: i64,
    pub label: String,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Removes snapshot `id` (complete or not); an unknown id is an error that says so.
pub fn remove_snapshot(db: &mut Db, id: i64) -> Result<Removed> {
    let path = db.path().to_path_buf();
    let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let bytes_before = size(&path);
    let label: String = {
        use rusqlite::OptionalExtension;
        db.conn()
            .query_row("SELECT label FROM snapshot WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| db.err(e))?
            .ok_or(super::StoreError::NoSuchSnapshot(id))?
    };
    {
        let err = |e| super::StoreError::Sqlite {
            path: path.clone(),
            source: e,
        };
        let tx = db.conn_mut().transaction().map_err(err)?;
        tx.execute_batch(&format!("DROP VIEW IF EXISTS {};", gpt_table(id)))
            .map_err(err)?;
        for t in [
            "shelf_entry",
            "shelf",
            "summary",
            "snapshot_vids",
            "snapshot",
        ] {
            let col = if t == "snapshot" { "id" } else { "snapshot_id" };
            tx.execute(&format!("DELETE FROM {t} WHERE {col} = ?1"), [id])
                .map_err(err)?;
        }
        for kind in [Kind::Gpt, Kind::Author] {
            drop_orphans(&tx, kind, id).map_err(err)?;
        }
        // The files the kept versions still say they were read from stay.
        tx.execute(
            "DELETE FROM source_file WHERE snapshot_id = ?1
               AND file_no NOT IN (SELECT file_no FROM gpt WHERE src = ?1)",
            [id],
        )
        .map_err(err)?;
        // Shared rows nobody refers to any more.
        tx.execute_batch(
            "DELETE FROM detail WHERE hash NOT IN (SELECT detail FROM gpt);
             DELETE FROM detail_action WHERE detail NOT IN (SELECT detail FROM gpt);
             DELETE FROM blob WHERE hash NOT IN (SELECT substr(blob, 1, 16) FROM gpt);",
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
    }
    // VACUUM copies the whole database into a temporary one: on disk, not in memory (the
    // connection keeps temporary tables in memory, which for a 1 GB file meant 1 GB resident).
    db.conn()
        .execute_batch("PRAGMA temp_store = FILE; VACUUM; PRAGMA temp_store = MEMORY;")
        .map_err(|e| db.err(e))?;
    Ok(Removed {
        snapshot: id,
        label,
        bytes_before,
        bytes_after: size(&path),
    })
}

/// Deletes the versions of `kind` that were alive in the removed snapshot `removed` and in no
/// snapshot that remains.
fn drop_orphans(tx: &Connection, kind: Kind, removed: i64) -> rusqlite::Result<()> {
    let mut remaining: Vec<i64> = tx
        .prepare("SELECT id FROM snapshot")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    remaining.sort_unstable();
    let (table, vid) = (kind.table(), kind.vid_column());
    let mut orphans: Vec<i64> = Vec::new();
    {
        let mut st = tx.prepare(&format!(
            "SELECT {vid}, first, last FROM {table} WHERE {}",
            alive_in("", removed)
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (v, first, last): (i64, i64, Option<i64>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            // The first remaining snapshot at or after `first`, if the interval holds it.
            let at = remaining.partition_point(|s| *s < first);
            let held = remaining
                .get(at)
                .is_some_and(|s| last.is_none_or(|l| *s <= l));
            if !held {
                orphans.push(v);
            }
        }
    }
    let mut del = tx.prepare(&format!("DELETE FROM {table} WHERE {vid} = ?1"))?;
    for v in orphans {
        del.execute([v])?;
    }
    Ok(())
}
