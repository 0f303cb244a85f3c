//! Removing a snapshot: its GPT table and its rows in the shared tables, then the detail and
//! raw-source rows no other snapshot refers to (they are content-addressed and shared), all in
//! one transaction, then `VACUUM` so the file shrinks.

use super::db::{Db, Result};
use super::schema::{gpt_table, gpt_tables};

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
        let table = gpt_table(id);
        let others: Vec<String> = gpt_tables(&tx)
            .map_err(err)?
            .into_iter()
            .filter(|t| *t != table)
            .collect();
        tx.execute_batch(&format!("DROP TABLE IF EXISTS {table};"))
            .map_err(err)?;
        for t in ["author", "shelf_entry", "shelf", "source_file", "snapshot"] {
            let col = if t == "snapshot" { "id" } else { "snapshot_id" };
            tx.execute(&format!("DELETE FROM {t} WHERE {col} = ?1"), [id])
                .map_err(err)?;
        }
        // Shared rows nobody refers to any more.
        let used = |col: &str| -> String {
            if others.is_empty() {
                return "SELECT NULL WHERE 0".to_owned();
            }
            others
                .iter()
                .map(|t| format!("SELECT {col} FROM {t}"))
                .collect::<Vec<_>>()
                .join(" UNION ")
        };
        tx.execute_batch(&format!(
            "DELETE FROM detail WHERE hash NOT IN ({details});
             DELETE FROM detail_action WHERE detail NOT IN ({details});
             DELETE FROM blob WHERE hash NOT IN ({blobs});",
            details = used("detail"),
            blobs = used("blob"),
        ))
        .map_err(err)?;
        tx.commit().map_err(err)?;
    }
    db.conn().execute_batch("VACUUM").map_err(|e| db.err(e))?;
    Ok(Removed {
        snapshot: id,
        label,
        bytes_before,
        bytes_after: size(&path),
    })
}
