//! Filling the stored versions' languages from their stored text ([`crate::language`]): what
//! schema 11 does to a database written before languages were detected. An import detects
//! each new version's language as it prepares it (`writer::prepare`), so this runs once per
//! file.
//!
//! The text is read in batches of version ids (one scan of `gpt` joined to `detail` by its
//! hash); each batch is detected on every core and only the versions not `und` (the column's
//! default) are written.

use crate::language::{Language, detect_gpt};
use rusqlite::types::{FromSql, FromSqlResult, ValueRef};
use rusqlite::{Connection, params};

/// A stored `gpt.lang`: its code read as a language (unknown for `und`, NULL, or a code this
/// build does not know), so every reader of the column reads it one way.
impl FromSql for Language {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Ok(Language::from_code(value.as_str().unwrap_or("und")))
    }
}

/// Versions read and detected at a time.
const BATCH: i64 = 20_000;

/// Detects and writes the language of every version (`gpt.lang`), inside the caller's
/// transaction; `progress("language of version", done, total)` before the first batch and
/// each tenth of the way (the migration prints "language of version 100001 of 1000000").
pub fn fill(tx: &Connection, progress: &mut dyn FnMut(&str, usize, usize)) -> rusqlite::Result<()> {
    let (lo, hi, total): (i64, i64, i64) = tx.query_row(
        "SELECT coalesce(min(vid), 1), coalesce(max(vid), 0), count(*) FROM gpt",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut read = tx.prepare(
        "SELECT g.vid, g.name, d.description, d.prompt_starters
         FROM gpt g JOIN detail d ON d.hash = g.detail
         WHERE g.vid BETWEEN ?1 AND ?2",
    )?;
    let mut write = tx.prepare("UPDATE gpt SET lang = ?2 WHERE vid = ?1")?;
    let mut done = 0usize;
    let mut from = lo;
    let total = total.max(0) as usize;
    let mut told = None;
    while from <= hi {
        let tenth = (done * 10).checked_div(total).unwrap_or(0);
        if told != Some(tenth) {
            told = Some(tenth);
            progress("language of version", done, total);
        }
        let to = from.saturating_add(BATCH - 1);
        let texts: Vec<(i64, String, Option<String>, Vec<String>)> = read
            .query_map(params![from, to], |r| {
                let starters: Option<String> = r.get(3)?;
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    starters
                        .and_then(|s| serde_json::from_str(&s).ok())
                        .unwrap_or_default(),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (vid, lang) in detect_all(&texts) {
            if lang != Language::Unknown {
                write.execute(params![vid, lang.code()])?;
            }
        }
        done += texts.len();
        from = to.saturating_add(1);
    }
    Ok(())
}

/// The languages of `texts` (version id, name, description, starters), detected on as many
/// threads as the machine has cores.
fn detect_all(texts: &[(i64, String, Option<String>, Vec<String>)]) -> Vec<(i64, Language)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = texts.len().div_ceil(threads).max(1);
    let detect = |part: &[(i64, String, Option<String>, Vec<String>)]| -> Vec<(i64, Language)> {
        part.iter()
            .map(|(vid, name, description, starters)| {
                (*vid, detect_gpt(name, description.as_deref(), starters))
            })
            .collect()
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = texts
            .chunks(per)
            .map(|part| s.spawn(move || detect(part)))
            .collect();
        let mut all = Vec::with_capacity(texts.len());
        for h in handles {
            // A panic in detection is a bug: raised again here, not a batch left `und`.
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    })
}
