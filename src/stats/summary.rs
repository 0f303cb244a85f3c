//! The landscape of a whole snapshot, written at import time (in the import's transaction), so
//! `gptscope stats --json` of a snapshot answers without loading a million rows: one row read
//! and printed. It is the very JSON [`Landscape::to_json`] gives (the same code computes it),
//! so the numbers are the same to the last digit; a summary of an older shape
//! ([`SUMMARY_VERSION`]) or one a signal recompute dropped is computed again on demand.
//! The [`Landscape`] itself is stored beside it (serde JSON, bars with what they drill into):
//! the histogram screen's first answer for a whole snapshot ([`landscape`]).

use super::{ChartId, Landscape};
use crate::store::db::{Db, Result};
use crate::store::query;
use crate::store::view::{Columns, Filter};
use rusqlite::OptionalExtension;

/// The shape of the stored JSON; a summary of another version is not read.
pub const SUMMARY_VERSION: i64 = 3;

/// The whole-snapshot landscape of `snapshot`, computed from its columns.
pub fn compute(db: &Db, snapshot: i64) -> Result<Landscape> {
    let snap = query::snapshot(db, Some(snapshot))?;
    let columns = Columns::load_counts(db, snap.id, false)?;
    let ids = columns.all_ids();
    Ok(Landscape::of(
        &columns,
        &ids,
        &snap,
        Vec::new(),
        &ChartId::SCREEN,
    ))
}

/// Computes and stores the summary of `snapshot` (inside whatever transaction is open).
pub fn write(db: &Db, snapshot: i64) -> Result<()> {
    let l = compute(db, snapshot)?;
    let whole = serde_json::to_string(&l)
        .map_err(|e| crate::store::StoreError::Invalid(format!("summary of #{snapshot}: {e}")))?;
    db.conn()
        .execute(
            "INSERT OR REPLACE INTO summary (snapshot_id, version, stats, landscape)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![snapshot, SUMMARY_VERSION, l.to_json().to_string(), whole],
        )
        .map_err(|e| db.err(e))?;
    Ok(())
}

/// The stored landscape of the whole of `snapshot` (the histogram screen's first answer), when
/// there is one of this shape.
pub fn landscape(db: &Db, snapshot: i64) -> Result<Option<Landscape>> {
    stored(db, snapshot, "landscape")
}

/// Column `column` of `snapshot`'s summary of this shape, read as JSON.
fn stored<T: serde::de::DeserializeOwned>(
    db: &Db,
    snapshot: i64,
    column: &str,
) -> Result<Option<T>> {
    let text: Option<Option<String>> = db
        .conn()
        .query_row(
            &format!("SELECT {column} FROM summary WHERE snapshot_id = ?1 AND version = ?2"),
            rusqlite::params![snapshot, SUMMARY_VERSION],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| db.err(e))?;
    Ok(text.flatten().and_then(|t| serde_json::from_str(&t).ok()))
}

/// `gptscope stats --json`: the landscape of `snapshot`'s GPTs that pass `filter`. The whole
/// snapshot is its summary (written now when missing and the database can be written); a
/// filter loads the columns counts need ([`Columns::load_counts`]).
pub fn stats_json(db: &Db, snapshot: i64, filter: &Filter) -> Result<serde_json::Value> {
    if filter.is_empty() {
        if let Some(json) = read(db, snapshot)? {
            return Ok(json);
        }
        if !db.is_read_only() {
            write(db, snapshot)?;
            if let Some(json) = read(db, snapshot)? {
                return Ok(json);
            }
        }
        return Ok(compute(db, snapshot)?.to_json());
    }
    Ok(filtered(db, snapshot, filter)?.to_json())
}

/// The landscape of `snapshot`'s GPTs that pass `filter`, computed.
pub fn filtered(db: &Db, snapshot: i64, filter: &Filter) -> Result<Landscape> {
    let snap = query::snapshot(db, Some(snapshot))?;
    // A filter on what authors show needs their rows; every other, their ids alone.
    let columns = Columns::load_counts(db, snap.id, filter.verified.is_some())?;
    let hits = match &filter.text {
        Some(t) => Some(crate::store::view::text_matches(db, snap.id, t)?),
        None => None,
    };
    let ids = columns.filter(&columns.all_ids(), filter, hits.as_deref());
    Ok(Landscape::of(
        &columns,
        &ids,
        &snap,
        filter.describe(),
        &ChartId::SCREEN,
    ))
}

/// The stored summary of `snapshot`, when there is one of this shape.
pub fn read(db: &Db, snapshot: i64) -> Result<Option<serde_json::Value>> {
    stored(db, snapshot, "stats")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_written_at_import_is_the_landscape_of_the_fully_loaded_columns() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        let stored = read(&db, 1).unwrap().expect("written at import");
        let snap = query::snapshot(&db, Some(1)).unwrap();
        let full = Columns::load(&db, 1).unwrap();
        let ids = full.all_ids();
        let computed = Landscape::of(&full, &ids, &snap, Vec::new(), &ChartId::SCREEN).to_json();
        assert_eq!(stored, computed);
        assert_eq!(stored["gpts"], 397);
        // The histogram screen's landscape, bars and drill-downs, reads back whole.
        let whole = Landscape::of(&full, &ids, &snap, Vec::new(), &ChartId::SCREEN);
        assert_eq!(landscape(&db, 1).unwrap(), Some(whole));
        // One author verified (the sample has none), to filter on what authors show.
        db.conn()
            .execute(
                "UPDATE author_version SET verified = 1
                 WHERE user_id = (SELECT author_id FROM gpt WHERE author_id IS NOT NULL LIMIT 1)",
                [],
            )
            .unwrap();
        let full = Columns::load(&db, 1).unwrap();
        // Filtered: the columns counts read (authors by id alone) give what the fully
        // loaded ones give.
        for filter in [
            Filter {
                category: Some("writing".into()),
                ..Filter::default()
            },
            Filter {
                tools_has: crate::store::record::ToolMask::DALLE,
                min_rating: Some(4.0),
                ..Filter::default()
            },
            Filter {
                verified: Some(true),
                ..Filter::default()
            },
            Filter {
                author: Some(full.authors.user_id(3).to_owned()),
                ..Filter::default()
            },
        ] {
            let counted = filtered(&db, 1, &filter).unwrap().to_json();
            let ids = full.filter(&full.all_ids(), &filter, None);
            let all = Landscape::of(&full, &ids, &snap, filter.describe(), &ChartId::SCREEN);
            assert_eq!(counted, all.to_json(), "{:?}", filter.describe());
            assert!(all.gpts > 0 && all.gpts < 397, "{}", all.gpts);
        }
        // Another shape is not read.
        db.conn()
            .execute("UPDATE summary SET version = version + 1", [])
            .unwrap();
        assert_eq!(read(&db, 1).unwrap(), None);
    }
}
