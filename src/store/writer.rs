//! Writing one snapshot: everything in one immediate transaction, the snapshot row marked
//! complete at the very end, so readers (and a crash, or SIGKILL) see the whole snapshot or none
//! of it. Records are first [`prepare`]d (hashed, compressed, encoded) off the writer's thread;
//! the writer only does SQLite work.

use super::db::{Db, Result, StoreError};
use super::parse::{ShelfEntry, ShelfInfo};
use super::record::{Author, GptRecord};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::HashMap;

/// A record ready for the writer: its raw source compressed and both content hashes computed.
pub struct PreparedGpt {
    pub record: GptRecord,
    pub file_no: u32,
    pub line: u64,
    pub raw_hash: [u8; 16],
    pub raw_z: Vec<u8>,
    pub detail: DetailRow,
}

/// The slow-changing text of a GPT, stored once per distinct content.
pub struct DetailRow {
    pub hash: [u8; 16],
    pub prompt_starters: String,
    pub categories: String,
    pub tools: String,
    pub rating_by_star: Option<String>,
}

/// zstd level for raw JSON: fast, and most of the saving comes from dedupe across snapshots.
pub const RAW_ZSTD_LEVEL: i32 = 3;

/// Hashes and compresses a record's raw text and encodes its detail columns.
pub fn prepare(
    record: GptRecord,
    raw: &[u8],
    file_no: u32,
    line: u64,
    compressor: &mut zstd::bulk::Compressor<'_>,
) -> std::io::Result<PreparedGpt> {
    let raw_hash = xxhash_rust::xxh3::xxh3_128(raw).to_le_bytes();
    let raw_z = compressor.compress(raw)?;
    let prompt_starters = to_json(&record.prompt_starters);
    let categories = to_json(&record.categories);
    let tools = to_json(&record.tools.iter().map(|t| t.as_str()).collect::<Vec<_>>());
    let rating_by_star = record.rating_by_star.map(|s| to_json(&s));
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let sep = [0xFFu8];
    for part in [
        record.short_url.as_deref().unwrap_or(""),
        record.description.as_deref().unwrap_or(""),
        record.welcome_message.as_deref().unwrap_or(""),
        &prompt_starters,
        &categories,
        &tools,
        record.default_model.as_deref().unwrap_or(""),
        record.share_recipient.as_deref().unwrap_or(""),
        rating_by_star.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update(&sep);
    }
    for a in &record.actions {
        h.update(a.domain.as_deref().unwrap_or("").as_bytes());
        h.update(&sep);
        h.update(a.auth.as_str().as_bytes());
        h.update(&sep);
        h.update(a.privacy_policy_url.as_deref().unwrap_or("").as_bytes());
        h.update(&sep);
    }
    let detail = DetailRow {
        hash: h.digest128().to_le_bytes(),
        prompt_starters,
        categories,
        tools,
        rating_by_star,
    };
    Ok(PreparedGpt {
        record,
        file_no,
        line,
        raw_hash,
        raw_z,
        detail,
    })
}

/// JSON text of a small value (strings, numbers: these cannot fail to serialise).
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// What is known about a new snapshot before it is written.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    pub label: String,
    pub source: String,
}

/// What adding a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    /// The id was already in this snapshot; the newer record replaced the older.
    MergedNewer,
    /// The id was already in this snapshot with a newer record; this one was dropped.
    MergedOlder,
}

struct Seen {
    rowid: i64,
    recency: Option<i64>,
}

/// Counts of a finished snapshot.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SnapshotCounts {
    pub gpts: u64,
    pub unavailable: u64,
    pub authors: u64,
    pub shelves: u64,
    pub shelf_entries: u64,
    pub shelf_entries_resolved: u64,
}

/// Writes one snapshot inside one transaction.
pub struct SnapshotWriter<'c> {
    tx: Transaction<'c>,
    path: std::path::PathBuf,
    snapshot_id: i64,
    seen: HashMap<String, Seen>,
    authors: HashMap<String, (Option<i64>, Author)>,
    max_observed: Option<i64>,
    shelves: u64,
}

impl<'c> SnapshotWriter<'c> {
    /// Starts the snapshot: takes the write lock now, so a locked database fails before any work.
    pub fn begin(db: &'c mut Db, meta: &NewSnapshot) -> Result<SnapshotWriter<'c>> {
        let path = db.path().to_path_buf();
        let err = |e| StoreError::from_sqlite(&path, e);
        let conn = db.conn_mut();
        conn.pragma_update(None, "cache_size", -262_144)
            .map_err(err)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let now = crate::time::now();
        tx.execute(
            "INSERT INTO snapshot (label, source, taken_at, created_at, status)
             VALUES (?1, ?2, ?3, ?3, 'writing')",
            params![meta.label, meta.source, now],
        )
        .map_err(err)?;
        let snapshot_id = tx.last_insert_rowid();
        Ok(SnapshotWriter {
            tx,
            path,
            snapshot_id,
            seen: HashMap::new(),
            authors: HashMap::new(),
            max_observed: None,
            shelves: 0,
        })
    }

    pub fn snapshot_id(&self) -> i64 {
        self.snapshot_id
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, e)
    }

    /// Records a source file of the snapshot.
    pub fn add_file(&mut self, file_no: u32, path: &str, format: &str, records: u64) -> Result<()> {
        self.tx
            .execute(
                "INSERT OR REPLACE INTO source_file (snapshot_id, file_no, path, format, records)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![self.snapshot_id, file_no, path, format, records as i64],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    fn note_observed(&mut self, t: Option<i64>) {
        if let Some(t) = t {
            self.max_observed = Some(self.max_observed.map_or(t, |m| m.max(t)));
        }
    }

    /// Adds a GPT. A second record with the same id merges: the newer one (by the later of its
    /// `updated_at` and the time its source observed it; ties to the later input) wins.
    pub fn add_gpt(&mut self, g: &PreparedGpt) -> Result<Added> {
        let r = &g.record;
        self.note_observed(r.observed_at);
        let recency = match (r.updated_at, r.observed_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let existing = self.seen.get(&r.id).map(|s| (s.rowid, s.recency));
        if let Some((_, old)) = existing
            && old > recency
        {
            return Ok(Added::MergedOlder);
        }
        let blob_id = self.blob_id(g)?;
        let detail_id = self.detail_id(g)?;
        let rowid = self.write_row(g, blob_id, detail_id, existing.map(|(rowid, _)| rowid))?;
        if let Some(user) = &r.author.user_id {
            let replace = self
                .authors
                .get(user)
                .is_none_or(|(old, _)| *old <= recency);
            if replace {
                self.authors
                    .insert(user.clone(), (recency, r.author.clone()));
            }
        }
        self.seen.insert(r.id.clone(), Seen { rowid, recency });
        Ok(if existing.is_some() {
            Added::MergedNewer
        } else {
            Added::New
        })
    }

    fn blob_id(&mut self, g: &PreparedGpt) -> Result<i64> {
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM blob WHERE hash = ?1")
            .and_then(|mut s| s.query_row([&g.raw_hash[..]], |row| row.get(0)).optional())
            .map_err(|e| self.err(e))?;
        if let Some(id) = found {
            return Ok(id);
        }
        self.tx
            .prepare_cached("INSERT INTO blob (hash, z) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![&g.raw_hash[..], g.raw_z]))
            .map_err(|e| self.err(e))?;
        Ok(self.tx.last_insert_rowid())
    }

    fn detail_id(&mut self, g: &PreparedGpt) -> Result<i64> {
        let d = &g.detail;
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM detail WHERE hash = ?1")
            .and_then(|mut s| s.query_row([&d.hash[..]], |row| row.get(0)).optional())
            .map_err(|e| self.err(e))?;
        if let Some(id) = found {
            return Ok(id);
        }
        let r = &g.record;
        let tx = &self.tx;
        let result = (|| -> rusqlite::Result<i64> {
            tx.prepare_cached(
                "INSERT INTO detail (hash, short_url, description, welcome_message,
                    prompt_starters, categories, tools, default_model, share_recipient,
                    rating_by_star)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                &d.hash[..],
                r.short_url,
                r.description,
                r.welcome_message,
                d.prompt_starters,
                d.categories,
                d.tools,
                r.default_model,
                r.share_recipient,
                d.rating_by_star,
            ])?;
            let id = tx.last_insert_rowid();
            let mut cat = tx.prepare_cached(
                "INSERT OR IGNORE INTO detail_category (detail_id, slug) VALUES (?1, ?2)",
            )?;
            for c in &r.categories {
                cat.execute(params![id, c])?;
            }
            let mut act = tx.prepare_cached(
                "INSERT INTO detail_action (detail_id, pos, domain, auth, privacy_policy_url)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (pos, a) in r.actions.iter().enumerate() {
                act.execute(params![
                    id,
                    pos as i64,
                    a.domain,
                    a.auth.as_str(),
                    a.privacy_policy_url
                ])?;
            }
            Ok(id)
        })();
        result.map_err(|e| self.err(e))
    }

    fn write_row(
        &mut self,
        g: &PreparedGpt,
        blob_id: i64,
        detail_id: i64,
        replace: Option<i64>,
    ) -> Result<i64> {
        let r = &g.record;
        let conv = r.conversations.as_ref();
        let values = params![
            self.snapshot_id,
            r.id,
            r.name,
            r.author.user_id,
            r.categories.first(),
            r.tool_mask().0,
            r.actions.len() as i64,
            r.file_count,
            conv.map(|c| c.bucket.as_str()),
            conv.map(|c| c.lower_bound as i64),
            r.review_total.map(|n| n as i64),
            r.review_count.map(|n| n as i64),
            r.rating(),
            r.created_at,
            r.created_from_id,
            r.updated_at,
            r.observed_at,
            r.availability == super::record::Availability::Available,
            detail_id,
            blob_id,
            g.file_no,
            g.line as i64,
        ];
        let sql_insert = "INSERT INTO gpt (snapshot_id, id, name, author_id, category, tools,
                actions, files, conv_bucket, conv, review_total, review_count, rating,
                created_at, created_from_id, updated_at, observed_at, available, detail_id,
                blob_id, file_no, line)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                ?17, ?18, ?19, ?20, ?21, ?22)";
        match replace {
            None => {
                self.tx
                    .prepare_cached(sql_insert)
                    .and_then(|mut s| s.execute(values))
                    .map_err(|e| self.err(e))?;
                Ok(self.tx.last_insert_rowid())
            }
            Some(rowid) => {
                self.tx
                    .execute("DELETE FROM gpt WHERE rowid = ?1", [rowid])
                    .map_err(|e| self.err(e))?;
                self.tx
                    .prepare_cached(sql_insert)
                    .and_then(|mut s| s.execute(values))
                    .map_err(|e| self.err(e))?;
                Ok(self.tx.last_insert_rowid())
            }
        }
    }

    /// Adds (or updates) a shelf of the store front.
    pub fn add_shelf(&mut self, s: &ShelfInfo) -> Result<()> {
        self.note_observed(s.observed_at);
        let changed = self
            .tx
            .prepare_cached(
                "INSERT INTO shelf (snapshot_id, shelf_id, title, description, display_type,
                    display_group, page_position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (snapshot_id, shelf_id) DO UPDATE SET
                    title = coalesce(excluded.title, title),
                    description = coalesce(excluded.description, description),
                    display_type = coalesce(excluded.display_type, display_type),
                    display_group = coalesce(excluded.display_group, display_group),
                    page_position = coalesce(excluded.page_position, page_position)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    self.snapshot_id,
                    s.id,
                    s.title,
                    s.description,
                    s.display_type,
                    s.display_group,
                    s.page_position,
                ])
            })
            .map_err(|e| self.err(e))?;
        self.shelves += changed as u64;
        Ok(())
    }

    /// Records a GPT's position on a shelf (a later entry for the same position replaces it).
    pub fn add_shelf_entry(&mut self, e: &ShelfEntry) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO shelf_entry (snapshot_id, shelf_id, position, gpt_id,
                    name, author)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    self.snapshot_id,
                    e.shelf_id,
                    e.position,
                    e.gpt_id,
                    e.name,
                    e.author,
                ])
            })
            .map_err(|err| self.err(err))?;
        Ok(())
    }

    /// Finishes the snapshot (author roll-ups, shelf entries resolved by name, counts) and
    /// commits. `taken_at` overrides the time read off the data; `fallback_taken_at` is used
    /// when the data says nothing (a date in the file path, else now).
    pub fn commit(
        self,
        taken_at: Option<i64>,
        fallback_taken_at: Option<i64>,
        merged: u64,
        skipped: u64,
        report_json: &str,
    ) -> Result<(i64, SnapshotCounts)> {
        let sid = self.snapshot_id;
        let path = self.path.clone();
        let err = |e| StoreError::from_sqlite(&path, e);
        let resolved = resolve_shelf_entries(&self.tx, sid).map_err(err)?;
        let authors = write_authors(&self.tx, sid, &self.authors).map_err(err)?;
        let (gpts, unavailable): (i64, i64) = self
            .tx
            .query_row(
                "SELECT coalesce(sum(available), 0), coalesce(sum(1 - available), 0)
                 FROM gpt WHERE snapshot_id = ?1",
                [sid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(err)?;
        let (shelves, entries): (i64, i64) = self
            .tx
            .query_row(
                "SELECT (SELECT count(*) FROM shelf WHERE snapshot_id = ?1),
                        (SELECT count(*) FROM shelf_entry WHERE snapshot_id = ?1)",
                [sid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(err)?;
        if gpts + unavailable == 0 && shelves == 0 {
            return Err(StoreError::Invalid(
                "nothing to import: no GPT or store-front record was found".to_owned(),
            ));
        }
        let taken = taken_at
            .or(self.max_observed)
            .or(fallback_taken_at)
            .unwrap_or_else(crate::time::now);
        self.tx
            .execute(
                "UPDATE snapshot SET status = 'complete', taken_at = ?2, gpts = ?3,
                    unavailable = ?4, authors = ?5, shelves = ?6, merged = ?7, skipped = ?8,
                    report = ?9
                 WHERE id = ?1",
                params![
                    sid,
                    taken,
                    gpts,
                    unavailable,
                    authors as i64,
                    shelves,
                    merged as i64,
                    skipped as i64,
                    report_json
                ],
            )
            .map_err(err)?;
        self.tx.commit().map_err(err)?;
        Ok((
            sid,
            SnapshotCounts {
                gpts: gpts as u64,
                unavailable: unavailable as u64,
                authors,
                shelves: shelves as u64,
                shelf_entries: entries as u64,
                shelf_entries_resolved: resolved,
            },
        ))
    }
}

/// Gives shelf entries that came without an id (BeeTrove's homepage monitoring) the id of the
/// snapshot's GPT with that name, preferring one whose author matches, then the most used.
fn resolve_shelf_entries(tx: &Transaction<'_>, sid: i64) -> rusqlite::Result<u64> {
    let n = tx.execute(
        "UPDATE shelf_entry SET gpt_id = (
             SELECT g.id FROM gpt g LEFT JOIN author a
                 ON a.snapshot_id = g.snapshot_id AND a.user_id = g.author_id
             WHERE g.snapshot_id = shelf_entry.snapshot_id AND g.name = shelf_entry.name
             ORDER BY (a.display_name IS NOT NULL AND a.display_name = shelf_entry.author) DESC,
                      g.conv DESC
             LIMIT 1)
         WHERE snapshot_id = ?1 AND gpt_id IS NULL AND name IS NOT NULL",
        [sid],
    )?;
    let unresolved: i64 = tx.query_row(
        "SELECT count(*) FROM shelf_entry WHERE snapshot_id = ?1 AND gpt_id IS NULL",
        [sid],
        |r| r.get(0),
    )?;
    Ok((n as u64).saturating_sub(unresolved as u64))
}

/// One row per author of available GPTs, with roll-ups.
fn write_authors(
    tx: &Transaction<'_>,
    sid: i64,
    profiles: &HashMap<String, (Option<i64>, Author)>,
) -> rusqlite::Result<u64> {
    struct Acc {
        gpts: i64,
        conv_total: i64,
        convs: Vec<i64>,
        review_total: i64,
        review_count: i64,
        tools: u32,
    }
    let mut rows: Vec<(String, Acc)> = Vec::new();
    {
        let mut st = tx.prepare(
            "SELECT author_id, conv, review_total, review_count, tools FROM gpt
             WHERE snapshot_id = ?1 AND available = 1 AND author_id IS NOT NULL
             ORDER BY author_id",
        )?;
        let mut q = st.query([sid])?;
        while let Some(row) = q.next()? {
            let user: String = row.get(0)?;
            let conv: Option<i64> = row.get(1)?;
            let rt: Option<i64> = row.get(2)?;
            let rc: Option<i64> = row.get(3)?;
            let tools: u32 = row.get(4)?;
            if rows.last().is_none_or(|(u, _)| *u != user) {
                rows.push((
                    user,
                    Acc {
                        gpts: 0,
                        conv_total: 0,
                        convs: Vec::new(),
                        review_total: 0,
                        review_count: 0,
                        tools: 0,
                    },
                ));
            }
            if let Some((_, acc)) = rows.last_mut() {
                acc.gpts += 1;
                if let Some(c) = conv {
                    acc.conv_total += c;
                    acc.convs.push(c);
                }
                acc.review_total += rt.unwrap_or(0);
                acc.review_count += rc.unwrap_or(0);
                acc.tools |= tools;
            }
        }
    }
    let mut ins = tx.prepare(
        "INSERT INTO author (snapshot_id, user_id, display_name, link_to, selected_display,
            verified, socials, gpts, conv_total, conv_median, review_total, review_count, tools)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let empty = Author::default();
    for (user, acc) in &mut rows {
        let profile = profiles.get(user.as_str()).map_or(&empty, |(_, a)| a);
        acc.convs.sort_unstable();
        let median = median(&acc.convs);
        let socials = serde_json::to_string(&profile.socials).unwrap_or_else(|_| "[]".to_owned());
        ins.execute(params![
            sid,
            user.as_str(),
            profile.display_name,
            profile.link_to,
            profile.selected_display,
            profile.verified,
            socials,
            acc.gpts,
            acc.conv_total,
            median,
            acc.review_total,
            acc.review_count,
            acc.tools,
        ])?;
    }
    Ok(rows.len() as u64)
}

/// Median of sorted values (the lower middle for even counts, so it is a value that occurs).
fn median(sorted: &[i64]) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2])
}
