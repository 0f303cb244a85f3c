//! Writing one snapshot: everything in one immediate transaction, the snapshot row marked
//! complete at the very end, so readers (and a crash, or SIGKILL) see the whole snapshot or none
//! of it. Records are first [`prepare`]d (hashed, encoded, their sources gathered into a
//! [`Frame`] and compressed) off the writer's thread; the writer only does SQLite work.

use super::db::{Db, Result, StoreError};
use super::parse::{ShelfEntry, ShelfInfo};
use super::record::{Author, GptRecord};
use super::versions::{Base, Kind, ValueHash, int, text};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, Statement, params};
use rustc_hash::{FxHashMap, FxHashSet};

/// A record ready for the writer: where its raw source is, and both content hashes computed.
pub struct PreparedGpt {
    pub record: GptRecord,
    /// The categories as a JSON list, none when the GPT has none.
    pub categories: Option<String>,
    pub file_no: u32,
    pub line: u64,
    /// Where its raw source is stored.
    pub raw: RawAt,
    pub detail: DetailRow,
    /// Derived columns, computed off the writer's thread.
    name_key: String,
    /// The main language of its text ([`crate::language`]); detected only for a record that
    /// will be written (one the base does not have).
    lang: crate::language::Language,
    /// Monetisation signals (bits) and their evidence (JSON), none when there are none.
    signals: u8,
    evidence: Option<String>,
    tools: u32,
    conv: Option<i64>,
    rating: Option<f64>,
    /// The about answer (JSON), when the source had it.
    about: Option<String>,
    /// The later of `updated_at` and when the source observed the record: what "newer" means
    /// when two records of one GPT meet in one import.
    recency: Option<i64>,
    /// The hash of the stored content ([`content`]): equal to the base's version, the snapshot
    /// shares that version.
    hash: i64,
    /// What the base knows the GPT by ([`super::versions::key`] of its id).
    key: u64,
}

/// The slow-changing text of a GPT, stored once per distinct content.
pub struct DetailRow {
    pub hash: [u8; 16],
    pub prompt_starters: String,
    pub tools: String,
    pub rating_by_star: Option<String>,
}

/// zstd level for raw JSON: fast, and most of the saving comes from dedupe across snapshots.
pub const RAW_ZSTD_LEVEL: i32 = 1;

/// Where a record's raw source is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawAt {
    /// Nowhere new: the base snapshot has this very content, so the record keeps that version,
    /// whose source is stored (compressing it again was 15 % of a daily import's CPU).
    Kept,
    /// Bytes `at..at + len` of a [`Frame`], known by the frame's hash once it is sealed.
    Frame { hash: [u8; 16], at: u32, len: u32 },
}

impl RawAt {
    /// The version's `blob` column: the frame's hash, then the offset and the length (u32,
    /// little-endian) of the source in the decompressed frame (schema 8; a 16-byte value, from
    /// before, is the hash of a blob holding one source alone).
    fn column(&self) -> Option<[u8; 24]> {
        match *self {
            RawAt::Kept => None,
            RawAt::Frame { hash, at, len } => {
                let mut c = [0u8; 24];
                c[..16].copy_from_slice(&hash);
                c[16..20].copy_from_slice(&at.to_le_bytes());
                c[20..].copy_from_slice(&len.to_le_bytes());
                Some(c)
            }
        }
    }
}

/// The raw sources of a batch of records (a parser unit, ~1 MB), compressed together when the
/// batch is sent: one `blob` row per batch instead of one per record. Records of a batch are
/// alike, so zstd finds in the batch what a dictionary trained per import gave a record alone;
/// measured on 100 MB of synthetic resources at level 1: 1 MB frames 16.1x at 1,415 MB/s,
/// records alone with a trained 64 KB dictionary 12.8x at 947 MB/s. Reading one source back
/// decompresses its frame (~0.3 ms).
#[derive(Default)]
pub struct Frame {
    bytes: Vec<u8>,
    /// Where zstd compresses to, kept between frames: a fresh buffer of the bound (~1 MB) a
    /// frame came from the system each time, and the kernel zeroed its pages.
    out: Vec<u8>,
}

/// A sealed frame: its hash (of the uncompressed bytes) and the compressed bytes.
pub struct SealedFrame {
    pub hash: [u8; 16],
    pub z: Vec<u8>,
}

impl Frame {
    fn add(&mut self, raw: &[u8]) -> std::io::Result<RawAt> {
        let fits = |n: usize| u32::try_from(n).ok();
        let end = self.bytes.len().saturating_add(raw.len());
        let (Some(at), Some(len), Some(_)) = (fits(self.bytes.len()), fits(raw.len()), fits(end))
        else {
            return Err(std::io::Error::other("a batch of raw sources over 4 GB"));
        };
        self.bytes.extend_from_slice(raw);
        Ok(RawAt::Frame {
            hash: [0; 16],
            at,
            len,
        })
    }

    /// Compresses what was added and gives the frame's hash to its records among `gpts`; none
    /// when nothing was added. The frame is empty again after.
    pub fn seal<'a>(
        &mut self,
        compressor: &mut zstd::bulk::Compressor<'_>,
        gpts: impl Iterator<Item = &'a mut PreparedGpt>,
    ) -> std::io::Result<Option<SealedFrame>> {
        if self.bytes.is_empty() {
            return Ok(None);
        }
        let hash = xxhash_rust::xxh3::xxh3_128(&self.bytes).to_le_bytes();
        self.out.clear();
        self.out
            .reserve(zstd::zstd_safe::compress_bound(self.bytes.len()));
        compressor.compress_to_buffer(&self.bytes, &mut self.out)?;
        let z = self.out.clone();
        self.bytes.clear();
        for g in gpts {
            if let RawAt::Frame { hash: h, .. } = &mut g.raw {
                *h = hash;
            }
        }
        Ok(Some(SealedFrame { hash, z }))
    }
}

/// What preparing a record needs besides the record: the signal rules, and the base's content.
pub struct Prep<'a> {
    pub rules: &'a crate::signals::Rules,
    /// The base snapshot's versions: a record whose content is there keeps no new source.
    pub known: &'a super::versions::Versions,
}

/// Hashes a record, encodes its detail columns and, unless the base has this content, adds its
/// raw text to `frame` (sealed by the caller when its batch is complete).
pub fn prepare(
    record: GptRecord,
    raw: &[u8],
    file_no: u32,
    line: u64,
    frame: &mut Frame,
    prep: &Prep<'_>,
) -> std::io::Result<PreparedGpt> {
    let (signals, evidence) = crate::signals::encode(&prep.rules.evaluate(&record));
    let prompt_starters = to_json(&record.prompt_starters);
    let tools = to_json(&record.tools.iter().map(|t| t.as_str()).collect::<Vec<_>>());
    let rating_by_star = record.rating_by_star.map(|s| to_json(&s));
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let sep = [0xFFu8];
    for part in [
        record.short_url.as_deref().unwrap_or(""),
        record.description.as_deref().unwrap_or(""),
        record.welcome_message.as_deref().unwrap_or(""),
        &prompt_starters,
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
        tools,
        rating_by_star,
    };
    let categories = (!record.categories.is_empty()).then(|| to_json(&record.categories));
    let recency = match (record.updated_at, record.observed_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let mut g = PreparedGpt {
        categories,
        name_key: name_key(&record.name),
        lang: crate::language::Language::Unknown,
        signals,
        evidence,
        tools: record.tool_mask().0,
        conv: record.conversations.as_ref().map(|c| c.lower_bound as i64),
        // The store's own average when the record has no star total (an about answer alone).
        rating: record
            .rating()
            .or_else(|| record.about.as_ref().and_then(|a| a.rating)),
        about: record
            .about
            .as_ref()
            .and_then(|a| serde_json::to_string(a).ok()),
        recency,
        record,
        file_no,
        line,
        raw: RawAt::Kept,
        detail,
        hash: 0,
        key: 0,
    };
    g.hash = super::versions::ValueHash::of(content(&g));
    g.key = super::versions::key(&g.record.id);
    if prep.known.hash_of(g.key) != Some(g.hash) {
        g.raw = frame.add(raw)?;
        // Only a version that will be written needs its language (it is derived from the
        // content the hash covers): a daily import detects ~1 % of its records.
        g.lang = crate::language::detect_gpt(
            &g.record.name,
            g.record.description.as_deref(),
            &g.record.prompt_starters,
        );
    }
    Ok(g)
}

/// A GPT's stored content, in the order of [`super::schema::GPT_CONTENT`]: what is written, and
/// what is hashed to tell versions apart (the same values, so a row read back hashes alike).
fn content(g: &PreparedGpt) -> [ValueRef<'_>; 24] {
    let r = &g.record;
    let fetch = r.fetch.as_ref();
    [
        ValueRef::Text(r.id.as_bytes()),
        ValueRef::Text(r.name.as_bytes()),
        text(r.author.user_id.as_deref()),
        text(r.categories.first().map(String::as_str)),
        text(g.categories.as_deref()),
        ValueRef::Integer(i64::from(g.tools)),
        ValueRef::Integer(r.actions.len() as i64),
        ValueRef::Integer(i64::from(r.file_count)),
        text(r.conversations.as_ref().map(|c| c.bucket.as_str())),
        int(g.conv),
        int(r.review_total.map(|n| n as i64)),
        int(r.review_count.map(|n| n as i64)),
        g.rating.map_or(ValueRef::Null, ValueRef::Real),
        int(r.created_at),
        ValueRef::Integer(i64::from(r.created_from_id)),
        int(r.updated_at),
        ValueRef::Integer(i64::from(
            r.availability == super::record::Availability::Available,
        )),
        ValueRef::Blob(&g.detail.hash[..]),
        ValueRef::Text(g.name_key.as_bytes()),
        ValueRef::Integer(i64::from(g.signals)),
        text(g.evidence.as_deref()),
        text(fetch.map(|f| f.status.as_str())),
        text(fetch.and_then(|f| f.error.as_deref())),
        text(g.about.as_deref()),
    ]
}

/// What names sort by: lowercase (all scripts, not only ASCII as SQLite's NOCASE), without
/// the leading emoji and punctuation many names start with ("🚀 Launch" sorts under L).
pub fn name_key(name: &str) -> String {
    name.trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
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
    /// The GPT's version in this snapshot.
    rowid: i64,
    /// The version was written by this import (else it is the base's, kept).
    written: bool,
    available: bool,
    recency: Option<i64>,
    /// What the row adds to its author's roll-up (taken back if a newer record replaces it).
    share: Share,
}

/// One GPT's part in its author's roll-up.
#[derive(Clone, Copy)]
struct Share {
    author: Option<u32>,
    conv: Option<i64>,
    review_total: i64,
    review_count: i64,
    tools: u32,
}

/// An author's profile (from their newest record) and roll-ups over their available GPTs, kept
/// up to date as records arrive, so finishing a snapshot does not re-read it.
#[derive(Default)]
struct AuthorAcc {
    user_id: String,
    recency: Option<i64>,
    profile: Author,
    gpts: i64,
    conv_total: i64,
    convs: Vec<i64>,
    review_total: i64,
    review_count: i64,
    /// GPTs having each tool bit, so a replaced record can be taken back exactly.
    tool_counts: [u32; 8],
}

impl AuthorAcc {
    fn apply(&mut self, s: &Share, sign: i64) {
        self.gpts += sign;
        if let Some(c) = s.conv {
            self.conv_total += sign * c;
            if sign > 0 {
                self.convs.push(c);
            } else if let Some(i) = self.convs.iter().position(|x| *x == c) {
                self.convs.swap_remove(i);
            }
        }
        self.review_total += sign * s.review_total;
        self.review_count += sign * s.review_count;
        for (bit, count) in self.tool_counts.iter_mut().enumerate() {
            if s.tools & (1 << bit) != 0 {
                *count = count.saturating_add_signed(sign as i32);
            }
        }
    }

    fn tools(&self) -> u32 {
        self.tool_counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .fold(0, |mask, (bit, _)| mask | (1 << bit))
    }
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

/// Rows per multi-row INSERT: one statement execution writes this many records, which roughly
/// halves the writer's per-record cost against one statement per row.
const ROWS_PER_INSERT: usize = 32;

const DETAIL_COLUMNS: &str = "(hash, short_url, description, welcome_message, prompt_starters, \
                              tools, default_model, share_recipient, rating_by_star)";
/// The columns of a GPT version the writer fills: its id, interval and hash, where and when it
/// was read ([`super::schema::GPT_SOURCE`]), what is derived from its content
/// ([`super::schema::GPT_DERIVED`]), then its content ([`super::schema::GPT_CONTENT`]).
const GPT_HEAD: usize = 11;
const GPT_COLUMNS: usize = GPT_HEAD + super::schema::GPT_CONTENT.len();

/// `INSERT … VALUES (?1, ?2), (?3, ?4), …` for `rows` rows of `columns` columns.
fn multi_insert(head: &str, columns: usize, rows: usize) -> String {
    let mut sql = String::from(head);
    sql.push_str(" VALUES ");
    for row in 0..rows {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for col in 0..columns {
            if col > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("?{}", row * columns + col + 1));
        }
        sql.push(')');
    }
    sql
}

/// Below this many stored versions (the highest version id), an import drops the version indexes and
/// builds them at commit ([`SnapshotWriter::begin`]).
const BULK_BELOW: i64 = 50_000;

/// A statement for one row and one for [`ROWS_PER_INSERT`] rows.
struct Insert<'c> {
    one: Statement<'c>,
    many: Statement<'c>,
    columns: usize,
}

impl<'c> Insert<'c> {
    fn prepare(conn: &'c Connection, head: &str, columns: usize) -> rusqlite::Result<Self> {
        Ok(Insert {
            one: conn.prepare(&multi_insert(head, columns, 1))?,
            many: conn.prepare(&multi_insert(head, columns, ROWS_PER_INSERT))?,
            columns,
        })
    }

    /// Inserts `items`, binding each with `bind(statement, first parameter index, item)`.
    fn run<T>(
        &mut self,
        items: &[T],
        bind: impl Fn(&mut Statement<'c>, usize, &T) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        let mut chunks = items.chunks_exact(ROWS_PER_INSERT);
        for chunk in &mut chunks {
            for (i, item) in chunk.iter().enumerate() {
                bind(&mut self.many, i * self.columns + 1, item)?;
            }
            self.many.raw_execute()?;
        }
        for item in chunks.remainder() {
            bind(&mut self.one, 1, item)?;
            self.one.raw_execute()?;
        }
        Ok(())
    }
}

/// The GPT versions' insert. [`ROWS_PER_INSERT`] rows at a time go without their version ids,
/// which SQLite then gives as the table's highest plus one: ours, since new versions are numbered
/// in the order they are written. Why not name them: SQLite checks a named rowid is an integer
/// (`OP_MustBeInt`), a check that could fail half-way through a multi-row statement, so it keeps
/// a statement journal to undo one, copying every page before the statement first changes it
/// (~3 pages of 16 KB per 32 rows). A single row names its id (no statement journal for one
/// row): the remainder of a batch, and the first row after the highest version was deleted (a
/// merged duplicate), after which SQLite's next id would not be ours.
struct GptInsert<'c> {
    one: Statement<'c>,
    many: Statement<'c>,
    /// The highest version id in the table.
    highest: i64,
}

impl<'c> GptInsert<'c> {
    fn prepare(conn: &'c Connection, highest: i64) -> rusqlite::Result<Self> {
        let columns = |with_vid: bool| {
            format!(
                // OR ROLLBACK: a failed row fails the import (the transaction), so a NOT NULL
                // check asks for no statement journal either.
                "INSERT OR ROLLBACK INTO gpt ({}first, last, hash, src, {}, {}, {})",
                if with_vid { "vid, " } else { "" },
                super::schema::GPT_SOURCE.join(", "),
                super::schema::GPT_DERIVED.join(", "),
                super::schema::GPT_CONTENT.join(", ")
            )
        };
        Ok(GptInsert {
            one: conn.prepare(&multi_insert(&columns(true), GPT_COLUMNS, 1))?,
            many: conn.prepare(&multi_insert(
                &columns(false),
                GPT_COLUMNS - 1,
                ROWS_PER_INSERT,
            ))?,
            highest,
        })
    }

    /// Inserts `rows` (version ids rising by one).
    fn run(
        &mut self,
        conn: &Connection,
        rows: &[(i64, Box<PreparedGpt>)],
        snapshot_id: i64,
    ) -> rusqlite::Result<()> {
        let mut rest = rows;
        while let Some((vid, _)) = rest.first() {
            let n = ROWS_PER_INSERT;
            if rest.len() >= n
                && *vid == self.highest + 1
                && rest[n - 1].0 == self.highest + n as i64
            {
                let (chunk, tail) = rest.split_at(n);
                for (i, g) in chunk.iter().enumerate() {
                    bind_gpt(&mut self.many, i * (GPT_COLUMNS - 1) + 1, &g.1, snapshot_id)?;
                }
                self.many.raw_execute()?;
                self.highest += n as i64;
                if conn.last_insert_rowid() != self.highest {
                    return Err(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERNAL),
                        Some(format!(
                            "version ids out of step: SQLite gave {}, expected {}",
                            conn.last_insert_rowid(),
                            self.highest
                        )),
                    ));
                }
                rest = tail;
            } else {
                self.one.raw_bind_parameter(1, *vid)?;
                bind_gpt(&mut self.one, 2, &rest[0].1, snapshot_id)?;
                self.one.raw_execute()?;
                self.highest = self.highest.max(*vid);
                rest = &rest[1..];
            }
        }
        Ok(())
    }

    /// Version `vid` was deleted: if it was the highest, SQLite's next is lower than ours.
    fn deleted(&mut self, conn: &Connection, vid: i64) -> rusqlite::Result<()> {
        if vid == self.highest {
            self.highest =
                conn.query_row("SELECT coalesce(max(vid), 0) FROM gpt", [], |r| r.get(0))?;
        }
        Ok(())
    }
}

/// The statements a snapshot is written with, prepared once (not looked up per record).
struct Statements<'c> {
    frame: Statement<'c>,
    detail: Insert<'c>,
    gpt: GptInsert<'c>,
    action_insert: Statement<'c>,
    gpt_delete: Statement<'c>,
    shelf_upsert: Statement<'c>,
    entry_insert: Statement<'c>,
}

impl<'c> Statements<'c> {
    fn prepare(conn: &'c Connection, highest_vid: i64) -> rusqlite::Result<Self> {
        Ok(Statements {
            frame: conn
                .prepare("INSERT OR IGNORE INTO blob (hash, dict_id, z) VALUES (?1, NULL, ?2)")?,
            detail: Insert::prepare(
                conn,
                &format!("INSERT OR IGNORE INTO detail {DETAIL_COLUMNS}"),
                9,
            )?,
            gpt: GptInsert::prepare(conn, highest_vid)?,
            action_insert: conn.prepare(
                "INSERT OR IGNORE INTO detail_action (detail, pos, domain, auth,
                    privacy_policy_url)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            gpt_delete: conn.prepare("DELETE FROM gpt WHERE vid = ?1")?,
            shelf_upsert: conn.prepare(
                "INSERT INTO shelf (snapshot_id, shelf_id, title, description, display_type,
                    display_group, page_position, status, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (snapshot_id, shelf_id) DO UPDATE SET
                    title = coalesce(excluded.title, title),
                    description = coalesce(excluded.description, description),
                    display_type = coalesce(excluded.display_type, display_type),
                    display_group = coalesce(excluded.display_group, display_group),
                    page_position = coalesce(excluded.page_position, page_position),
                    status = coalesce(excluded.status, status),
                    note = coalesce(excluded.note, note)",
            )?,
            entry_insert: conn.prepare(
                "INSERT INTO shelf_entry (snapshot_id, shelf_id, position, gpt_id, name, author)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
        })
    }
}

fn bind_detail(
    st: &mut Statement<'_>,
    at: usize,
    g: &(i64, Box<PreparedGpt>),
) -> rusqlite::Result<()> {
    let (r, d) = (&g.1.record, &g.1.detail);
    st.raw_bind_parameter(at, &d.hash[..])?;
    st.raw_bind_parameter(at + 1, &r.short_url)?;
    st.raw_bind_parameter(at + 2, &r.description)?;
    st.raw_bind_parameter(at + 3, &r.welcome_message)?;
    st.raw_bind_parameter(at + 4, &d.prompt_starters)?;
    st.raw_bind_parameter(at + 5, &d.tools)?;
    st.raw_bind_parameter(at + 6, &r.default_model)?;
    st.raw_bind_parameter(at + 7, &r.share_recipient)?;
    st.raw_bind_parameter(at + 8, &d.rating_by_star)
}

/// Binds a GPT version's columns after its version id (bound, or implied, by [`GptInsert`]).
fn bind_gpt(
    st: &mut Statement<'_>,
    at: usize,
    g: &PreparedGpt,
    snapshot_id: i64,
) -> rusqlite::Result<()> {
    st.raw_bind_parameter(at, snapshot_id)?;
    st.raw_bind_parameter(at + 1, rusqlite::types::Null)?;
    st.raw_bind_parameter(at + 2, g.hash)?;
    st.raw_bind_parameter(at + 3, snapshot_id)?;
    st.raw_bind_parameter(at + 4, g.file_no)?;
    st.raw_bind_parameter(at + 5, g.line as i64)?;
    st.raw_bind_parameter(at + 6, g.record.observed_at)?;
    st.raw_bind_parameter(at + 7, g.record.fetch.as_ref().and_then(|f| f.at))?;
    st.raw_bind_parameter(at + 8, g.raw.column().as_ref().map(|c| &c[..]))?;
    st.raw_bind_parameter(at + 9, g.lang.code())?;
    for (i, v) in content(g).into_iter().enumerate() {
        st.raw_bind_parameter(at + GPT_HEAD - 1 + i, ToSqlOutput::Borrowed(v))?;
    }
    Ok(())
}

/// The frames of raw sources and the details a bulk load has stored (their unique indexes are
/// dropped until commit): the hashes in the file when it began, then each one it writes. 16 bytes a hash, a
/// lookup a cache miss, against a B-tree descent at a random place (~2 µs) for the index.
struct Bulk {
    blobs: FxHashSet<u128>,
    details: FxHashSet<u128>,
}

impl Bulk {
    fn load(conn: &Connection) -> rusqlite::Result<Bulk> {
        let hashes = |table: &str| -> rusqlite::Result<FxHashSet<u128>> {
            let mut st = conn.prepare(&format!("SELECT hash FROM {table}"))?;
            let mut rows = st.query([])?;
            let mut set = FxHashSet::default();
            while let Some(r) = rows.next()? {
                if let ValueRef::Blob(b) = r.get_ref(0)?
                    && let Ok(h) = <[u8; 16]>::try_from(b)
                {
                    set.insert(u128::from_le_bytes(h));
                }
            }
            Ok(set)
        };
        Ok(Bulk {
            blobs: hashes("blob")?,
            details: hashes("detail")?,
        })
    }
}

/// The journal a snapshot is written under. WAL writes every page twice (into the log, then
/// into the file at the checkpoint that follows the commit: 2.9 s of a first 1M import); a
/// rollback journal writes new pages once, straight into the file, and journals only the pages
/// that existed. So a bulk load (few versions stored: the database is new or nearly) switches
/// to a rollback journal when no other connection has the file open (the switch needs it to
/// itself; tried without waiting), and puts WAL back when it ends. Crash safety is SQLite's
/// either way: a kill leaves a hot journal that the next open plays back. A reader opening
/// the file during such a load waits for it, as under any rollback journal.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Journal {
    Wal,
    Rollback,
}

impl Journal {
    /// Decided before the transaction (the journal cannot change inside one), so `begin`
    /// decides bulk again inside it; a writer slipping in between only costs speed.
    fn choose(conn: &Connection, lock_timeout: std::time::Duration) -> Journal {
        let stored: i64 = conn
            .query_row("SELECT coalesce(max(vid), 0) FROM gpt", [], |r| r.get(0))
            .unwrap_or(i64::MAX);
        if stored >= BULK_BELOW || !conn.is_autocommit() {
            return Journal::Wal;
        }
        let _ = conn.busy_timeout(std::time::Duration::ZERO);
        let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        });
        let _ = conn.busy_timeout(lock_timeout);
        let journal = match mode {
            Ok(m) if m.eq_ignore_ascii_case("delete") => Journal::Rollback,
            _ => Journal::Wal,
        };
        tracing::info!(?journal, "bulk load");
        journal
    }

    /// Puts WAL back after a bulk load (committed or not). Should another connection hold the
    /// file just then, the next open does it (`Db::open`).
    fn restore(self, conn: &Connection) {
        if self == Journal::Rollback
            && let Err(e) = conn.pragma_update(None, "journal_mode", "WAL")
        {
            tracing::warn!("the journal stays in rollback mode until the next open: {e}");
        }
    }
}

/// Writes one snapshot inside one transaction; dropped without [`SnapshotWriter::commit`], it
/// rolls everything back.
pub struct SnapshotWriter<'c> {
    conn: &'c Connection,
    st: Statements<'c>,
    path: std::path::PathBuf,
    snapshot_id: i64,
    /// The GPTs of this snapshot so far, by [`super::versions::key`] of their id (as the base
    /// knows them).
    seen: FxHashMap<u64, Seen>,
    author_index: FxHashMap<String, u32>,
    /// Boxed: a vector of the accumulators themselves (~300 bytes each) is copied whole each
    /// time it grows, into fresh pages the kernel zeroes (~85 MB at 1M GPTs, 282k authors;
    /// perf showed those copies under the writer's page faults).
    #[allow(clippy::vec_box)]
    authors: Vec<Box<AuthorAcc>>,
    max_observed: Option<i64>,
    /// Records waiting for the next multi-row insert, with the version ids they will get.
    pending: Vec<(i64, Box<PreparedGpt>)>,
    next_vid: i64,
    /// The compact columns of the versions written ([`super::chunks::Builder`]).
    columns: super::chunks::Builder,
    /// The versions of the newest complete snapshot before this one: what a record is
    /// compared with, kept when equal.
    base: Base,
    /// The base's content hashes, for the threads preparing records.
    known: std::sync::Arc<super::versions::Versions>,
    /// Few versions were stored: the indexes a load meets in random order were dropped and
    /// are built at commit, by sorting; this keeps the raw sources and details distinct
    /// meanwhile.
    bulk: Option<Bulk>,
    /// The journal this snapshot is written under (put back to WAL when it ends).
    journal: Journal,
    /// Shelf entries in recorded order, numbered at commit by the one shelf-order rule.
    shelf_order: super::shelves::ShelfOrder,
    /// The store front's locale, from the first answer that says.
    locale: Option<String>,
    committed: bool,
}

impl Drop for SnapshotWriter<'_> {
    fn drop(&mut self) {
        if !self.committed {
            // Nothing of an unfinished snapshot may stay; errors here leave SQLite to roll back
            // when the connection closes.
            let _ = self.conn.execute_batch("ROLLBACK");
            self.journal.restore(self.conn);
        }
    }
}

impl<'c> SnapshotWriter<'c> {
    /// Starts the snapshot: takes the write lock now, so a locked database fails before any work.
    pub fn begin(db: &'c Db, meta: &NewSnapshot) -> Result<SnapshotWriter<'c>> {
        let path = db.path().to_path_buf();
        let err = |e| StoreError::from_sqlite(&path, e);
        let conn = db.conn();
        let journal = Journal::choose(conn, db.lock_timeout());
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            journal.restore(conn);
            return Err(err(e));
        }
        let started = (|| {
            let snapshot_id = super::versions::next_snapshot_id(conn)?;
            conn.execute(
                "INSERT INTO snapshot (id, label, source, taken_at, created_at, status,
                    signals_version)
                 VALUES (?1, ?2, ?3, ?4, ?4, 'writing', ?5)",
                params![
                    snapshot_id,
                    meta.label,
                    meta.source,
                    crate::time::now(),
                    super::schema::SIGNALS_VERSION
                ],
            )?;
            super::schema::create_gpt_view(conn, snapshot_id)?;
            let base_id = super::versions::base_snapshot(conn, snapshot_id)?;
            let base = Base::load(conn, Kind::Gpt, base_id)?;
            let known = base.versions();
            let next_vid: i64 =
                conn.query_row("SELECT coalesce(max(vid), 0) + 1 FROM gpt", [], |r| {
                    r.get(0)
                })?;
            // Few versions stored (a new database holds the bundled sample): maintaining five
            // indexes row by row costs more than building them at commit (1M GPTs into the
            // sample's database: 26.8 s against 19.5 s into an empty one).
            let bulk = if next_vid - 1 < BULK_BELOW {
                super::schema::drop_for_bulk_load(conn)?;
                Some(Bulk::load(conn)?)
            } else {
                None
            };
            // SQLite's page cache serves the inserts at random places into indexes: a bulk
            // load makes none (its rows and the bounds' indexes grow at one end), and 64 MB
            // did as well as 256 MB there (1M GPTs: 19.0–19.7 s against 18.0–19.7 s, peak
            // 0.81 GB against 1.01 GB); a daily import's indexes take the 256 MB.
            let cache_mb: i64 = if bulk.is_some() { 64 } else { 256 };
            conn.pragma_update(None, "cache_size", -cache_mb * 1024)?;
            Ok((
                snapshot_id,
                (base, known),
                next_vid,
                bulk,
                Statements::prepare(conn, next_vid - 1)?,
            ))
        })();
        let (snapshot_id, (base, known), next_vid, bulk, st) = match started {
            Ok(s) => s,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                journal.restore(conn);
                return Err(err(e));
            }
        };
        // From here on, dropping the writer rolls back.
        Ok(SnapshotWriter {
            conn,
            st,
            path: path.clone(),
            snapshot_id,
            seen: FxHashMap::with_capacity_and_hasher(base.len(), Default::default()),
            author_index: FxHashMap::default(),
            authors: Vec::new(),
            max_observed: None,
            pending: Vec::with_capacity(ROWS_PER_INSERT * 4),
            next_vid,
            columns: super::chunks::Builder::new(next_vid),
            base,
            known,
            bulk,
            journal,
            shelf_order: super::shelves::ShelfOrder::default(),
            locale: None,
            committed: false,
        })
    }

    /// Makes room for about `records` GPTs (a hint: more or fewer may come).
    pub fn expect(&mut self, records: usize) {
        self.seen.reserve(records.saturating_sub(self.seen.len()));
        // A first import stores about one detail a GPT: the set of them sized once rather than
        // rehashed at each doubling.
        if let Some(b) = &mut self.bulk {
            b.details.reserve(records.saturating_sub(b.details.len()));
        }
    }

    pub fn snapshot_id(&self) -> i64 {
        self.snapshot_id
    }

    /// The base snapshot's content hashes: a record found there keeps no new source.
    pub fn known(&self) -> std::sync::Arc<super::versions::Versions> {
        self.known.clone()
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, e)
    }

    /// Stores a frame of raw sources (unless stored already: a bulk load knows, otherwise
    /// `INSERT OR IGNORE` finds out).
    pub fn add_frame(&mut self, frame: &SealedFrame) -> Result<()> {
        if let Some(b) = &mut self.bulk
            && !b.blobs.insert(u128::from_le_bytes(frame.hash))
        {
            return Ok(());
        }
        self.st
            .frame
            .execute(params![&frame.hash[..], frame.z])
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        Ok(())
    }

    /// Records a source file of the snapshot.
    pub fn add_file(&mut self, file_no: u32, path: &str, format: &str, records: u64) -> Result<()> {
        self.conn
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
    pub fn add_gpt(&mut self, g: Box<PreparedGpt>) -> Result<Added> {
        self.note_observed(g.record.observed_at);
        let recency = g.recency;
        let existing = self
            .seen
            .get(&g.key)
            .map(|s| (s.rowid, s.written, s.recency, s.share));
        if let Some((_, _, old, _)) = existing
            && old > recency
        {
            return Ok(Added::MergedOlder);
        }
        if let Some((_, _, _, old_share)) = existing
            && let Some(a) = old_share.author
        {
            self.authors[a as usize].apply(&old_share, -1);
        }
        let r = &g.record;
        let author = r.author.user_id.as_ref().map(|user| {
            let idx = match self.author_index.get(user) {
                Some(&i) => i,
                None => {
                    let i = self.authors.len() as u32;
                    self.author_index.insert(user.clone(), i);
                    self.authors.push(Box::new(AuthorAcc {
                        user_id: user.clone(),
                        ..AuthorAcc::default()
                    }));
                    i
                }
            };
            let acc = &mut self.authors[idx as usize];
            // The profile of the newest record (ties: the later one).
            if acc.recency <= recency {
                acc.recency = recency;
                acc.profile = r.author.clone();
            }
            idx
        });
        let available = r.availability == super::record::Availability::Available;
        let share = Share {
            author: author.filter(|_| available),
            conv: g.conv,
            review_total: r.review_total.unwrap_or(0) as i64,
            review_count: r.review_count.unwrap_or(0) as i64,
            tools: g.tools,
        };
        if let Some(a) = share.author {
            self.authors[a as usize].apply(&share, 1);
        }
        let key = g.key;
        match existing {
            // The older record's version was written by this import (it may still be waiting
            // in the batch: write it out first): it goes.
            Some((rowid, true, _, _)) => {
                self.flush()?;
                self.st
                    .gpt_delete
                    .execute([rowid])
                    .and_then(|_| self.st.gpt.deleted(self.conn, rowid))
                    .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
                self.columns.deleted(rowid);
            }
            Some((_, false, _, _)) => self.base.unkeep(key),
            None => {}
        }
        let kept = self.base.keep(key, g.hash);
        let rowid = kept.unwrap_or_else(|| {
            let vid = self.next_vid;
            self.next_vid += 1;
            vid
        });
        self.seen.insert(
            key,
            Seen {
                rowid,
                written: kept.is_none(),
                available,
                recency,
                share,
            },
        );
        if kept.is_none() {
            if g.raw == RawAt::Kept {
                return Err(StoreError::Invalid(format!(
                    "{}: the record of {} was taken for the base's and its source not kept",
                    self.path.display(),
                    g.record.id
                )));
            }
            self.pending.push((rowid, g));
            if self.pending.len() >= ROWS_PER_INSERT * 4 {
                self.flush()?;
            }
        }
        Ok(if existing.is_some() {
            Added::MergedNewer
        } else {
            Added::New
        })
    }

    /// Writes the waiting records: their details (unless already stored), their Actions, and
    /// their rows (their raw sources came in frames: [`Self::add_frame`]).
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let sid = self.snapshot_id;
        let st = &mut self.st;
        let pending = &self.pending;
        let (conn, columns) = (self.conn, &mut self.columns);
        // What is not stored yet (a bulk load knows; otherwise `INSERT OR IGNORE` finds out).
        let details: Vec<_> = match &mut self.bulk {
            Some(b) => pending
                .iter()
                .filter(|(_, g)| b.details.insert(u128::from_le_bytes(g.detail.hash)))
                .collect(),
            None => pending.iter().collect(),
        };
        let result = (|| -> rusqlite::Result<()> {
            st.detail.run(&details, |s, at, g| bind_detail(s, at, g))?;
            for (_, g) in details.iter().filter(|(_, g)| !g.record.actions.is_empty()) {
                for (pos, a) in g.record.actions.iter().enumerate() {
                    st.action_insert.execute(params![
                        &g.detail.hash[..],
                        pos as i64,
                        a.domain,
                        a.auth.as_str(),
                        a.privacy_policy_url
                    ])?;
                }
            }
            st.gpt.run(conn, pending, sid)?;
            for (vid, g) in pending {
                let r = &g.record;
                let row = super::chunks::Row {
                    conv: g.conv,
                    rating: g.rating,
                    reviews: r.review_count.map(|n| n as i64),
                    created: r.created_at,
                    updated: r.updated_at,
                    tools: g.tools,
                    available: r.availability == super::record::Availability::Available,
                    category: r.categories.first().map(String::as_str),
                    author: r.author.user_id.as_deref(),
                    name_key: Some(&g.name_key),
                    lang: g.lang.code(),
                    signals: u32::from(g.signals),
                    categories: &r.categories,
                    review_total: r.review_total.map(|n| n as i64),
                };
                let actions = r.actions.iter();
                columns.add(
                    conn,
                    *vid,
                    &row,
                    actions.map(|a| (a.domain.as_deref(), a.auth.as_str())),
                )?;
            }
            Ok(())
        })();
        self.pending.clear();
        result.map_err(|e| StoreError::from_sqlite(&self.path, e))
    }

    /// Adds (or updates) a shelf of the store front.
    pub fn add_shelf(&mut self, s: &ShelfInfo) -> Result<()> {
        self.note_observed(s.observed_at);
        if self.locale.is_none() {
            self.locale.clone_from(&s.locale);
        }
        let (status, note) = match s.outcome.as_ref().map(|o| o.parts()) {
            Some((status, note)) => (Some(status), Some(note)),
            None => (None, None),
        };
        let result = self.st.shelf_upsert.execute(params![
            self.snapshot_id,
            s.id,
            s.title,
            s.description,
            s.display_type,
            s.display_group,
            s.page_position,
            status,
            note,
        ]);
        result.map(|_| ()).map_err(|e| self.err(e))
    }

    /// The store front's locale, whatever the answers say.
    pub fn set_locale(&mut self, locale: &str) {
        self.locale = Some(locale.to_owned());
    }

    /// Records a GPT seen on a shelf; its position is decided at commit, by the one rule
    /// ([`super::shelves`]), once every answer of the import is in.
    pub fn add_shelf_entry(&mut self, e: ShelfEntry) {
        self.shelf_order.push(e);
    }

    /// Numbers the shelf entries and writes them; a shelf whose pages came without the store
    /// front says so in its note.
    fn write_shelf_entries(&mut self) -> Result<()> {
        let (entries, counts) = std::mem::take(&mut self.shelf_order).finish();
        for e in &entries {
            self.st
                .entry_insert
                .execute(params![
                    self.snapshot_id,
                    e.shelf_id,
                    e.position,
                    e.gpt_id,
                    e.name,
                    e.author,
                ])
                .map_err(|err| StoreError::from_sqlite(&self.path, err))?;
        }
        for (shelf, c) in counts {
            if c.without_front {
                self.conn
                    .execute(
                        "UPDATE shelf SET note = coalesce(note, ?3)
                         WHERE snapshot_id = ?1 AND shelf_id = ?2",
                        params![
                            self.snapshot_id,
                            shelf,
                            "positions counted from the first saved page: the store front's \
                             first items were not in this import"
                        ],
                    )
                    .map_err(|e| self.err(e))?;
            }
        }
        Ok(())
    }

    /// Finishes the snapshot (author roll-ups, shelf entries resolved by name, counts), lets
    /// `finish` add what it computes from the finished snapshot (its summary) in the same
    /// transaction, and commits. `taken_at` overrides the time read off the data; `fallback_taken_at` is used
    /// when the data says nothing (a date in the file path, else now).
    pub fn commit(
        mut self,
        taken_at: Option<i64>,
        fallback_taken_at: Option<i64>,
        merged: u64,
        skipped: u64,
        report_json: &str,
        finish: &dyn Fn(i64) -> Result<()>,
    ) -> Result<(i64, SnapshotCounts)> {
        let mut lap = Laps::start();
        self.flush()?;
        self.write_shelf_entries()?;
        lap.mark("rows");
        let sid = self.snapshot_id;
        let conn = self.conn;
        let err = |e| StoreError::from_sqlite(&self.path, e);
        self.base.finish(conn).map_err(err)?;
        let bulk = self.bulk.take().is_some();
        // Joined when the commit ends, whichever way.
        let _sync = bulk.then(|| SyncAhead::start(&self.path));
        if bulk {
            // The parser is done: SQLite's sorter takes the second core.
            super::schema::sorting_in_runs(conn, || {
                super::schema::create_hash_indexes(conn)?;
                lap.mark("hash indexes");
                super::schema::index_versions(conn)?;
                lap.mark("version indexes");
                Ok(())
            })
            .map_err(err)?;
        }
        std::mem::take(&mut self.columns)
            .finish(conn)
            .map_err(err)?;
        lap.mark("columns");
        let members: super::chunks::VidSet = self.seen.values().map(|s| s.rowid).collect();
        super::chunks::write_members(conn, sid, &members).map_err(err)?;
        lap.mark("members");
        let resolved = resolve_shelf_entries(conn, sid).map_err(err)?;
        let authors =
            write_authors(conn, sid, self.base.snapshot(), &mut self.authors).map_err(err)?;
        if bulk {
            super::schema::sorting_in_runs(conn, || super::schema::index_authors(conn))
                .map_err(err)?;
        }
        lap.mark("authors");
        let gpts = self.seen.values().filter(|s| s.available).count() as i64;
        let unavailable = self.seen.len() as i64 - gpts;
        let (shelves, entries): (i64, i64) = conn
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
        let mut top = super::schema::TopByConversations::default();
        for s in self.seen.values().filter(|s| s.available) {
            top.push(s.share.conv, s.rowid);
        }
        conn.execute(
            "UPDATE snapshot SET status = 'complete', taken_at = ?2, gpts = ?3,
                unavailable = ?4, authors = ?5, shelves = ?6, merged = ?7, skipped = ?8,
                report = ?9, locale = ?10, top = ?11
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
                report_json,
                self.locale,
                top.json(),
            ],
        )
        .map_err(err)?;
        finish(sid)?;
        lap.mark("summary");
        conn.execute_batch("COMMIT").map_err(err)?;
        lap.mark("COMMIT");
        self.committed = true;
        self.journal.restore(conn);
        tracing::debug!(snapshot = sid, steps = %lap, "commit steps");
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
fn resolve_shelf_entries(tx: &Connection, sid: i64) -> rusqlite::Result<u64> {
    let n = tx.execute(
        &format!(
            "UPDATE shelf_entry SET gpt_id = (
                 SELECT g.id FROM {} g LEFT JOIN {}
                 WHERE g.name = shelf_entry.name
                 ORDER BY (a.display_name IS NOT NULL AND a.display_name = shelf_entry.author) DESC,
                          g.conv DESC
                 LIMIT 1)
             WHERE snapshot_id = ?1 AND gpt_id IS NULL AND name IS NOT NULL",
            super::schema::gpt_table(sid),
            super::versions::author_join("a", "g.author_id", sid)
        ),
        [sid],
    )?;
    let unresolved: i64 = tx.query_row(
        "SELECT count(*) FROM shelf_entry WHERE snapshot_id = ?1 AND gpt_id IS NULL",
        [sid],
        |r| r.get(0),
    )?;
    Ok((n as u64).saturating_sub(unresolved as u64))
}

/// One version per author of available GPTs whose profile or roll-ups differ from the base
/// snapshot's (the others keep the base's version); returns how many authors the snapshot has.
fn write_authors(
    conn: &Connection,
    sid: i64,
    base: Option<i64>,
    authors: &mut [Box<AuthorAcc>],
) -> rusqlite::Result<u64> {
    // By user id: the order of the index by user (rows land at its end).
    authors.sort_unstable_by(|a, b| a.user_id.cmp(&b.user_id));
    let mut base = Base::load(conn, Kind::Author, base)?;
    let columns = super::schema::AUTHOR_CONTENT.join(", ");
    let mut ins = conn.prepare(&format!(
        "INSERT INTO author_version (first, last, hash, {columns})
         VALUES (?1, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    ))?;
    let mut written = 0;
    for a in authors.iter_mut().filter(|a| a.gpts > 0) {
        a.convs.sort_unstable();
        let p = &a.profile;
        let socials = serde_json::to_string(&p.socials).unwrap_or_else(|_| "[]".to_owned());
        let values: [ValueRef<'_>; 12] = [
            ValueRef::Text(a.user_id.as_bytes()),
            text(p.display_name.as_deref()),
            text(p.link_to.as_deref()),
            text(p.selected_display.as_deref()),
            p.verified
                .map_or(ValueRef::Null, |v| ValueRef::Integer(i64::from(v))),
            ValueRef::Text(socials.as_bytes()),
            ValueRef::Integer(a.gpts),
            ValueRef::Integer(a.conv_total),
            median(&a.convs).map_or(ValueRef::Null, ValueRef::Integer),
            ValueRef::Integer(a.review_total),
            ValueRef::Integer(a.review_count),
            ValueRef::Integer(i64::from(a.tools())),
        ];
        let hash = ValueHash::of(values);
        if base.keep(super::versions::key(&a.user_id), hash).is_none() {
            ins.execute(rusqlite::params_from_iter(
                [ValueRef::Integer(sid), ValueRef::Integer(hash)]
                    .into_iter()
                    .chain(values)
                    .map(ToSqlOutput::Borrowed),
            ))?;
        }
        written += 1;
    }
    base.finish(conn)?;
    Ok(written)
}

/// The disk writes of a bulk load's rows, started while the commit sorts its indexes: the
/// rows are in the file (or SQLite's cache) by then, and the commit's own fsync waited for all
/// of them (0.37 s of a 1M first import, the whole of the `COMMIT` step) where it now waits
/// for what the commit adds (0.13–0.14 s). The sync runs in a child process (coreutils `sync
/// --data FILE`, Linux only): a descriptor of the file opened and closed by this process would
/// drop every POSIX lock SQLite holds on it, and SQLite's own descriptor is not reachable
/// without unsafe code. A missing `sync` costs only the time. Waited for on drop.
struct SyncAhead(Option<std::process::Child>);

impl SyncAhead {
    fn start(db: &std::path::Path) -> SyncAhead {
        if !cfg!(target_os = "linux") {
            return SyncAhead(None);
        }
        SyncAhead(
            std::process::Command::new("sync")
                .arg("--data")
                .arg(db)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .ok(),
        )
    }
}

impl Drop for SyncAhead {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.wait();
        }
    }
}

/// Seconds each step of a commit took, for the log (`--log-level debug`): where to look when
/// an import's commit phase is slow.
struct Laps {
    last: std::time::Instant,
    steps: Vec<(&'static str, f64)>,
}

impl Laps {
    fn start() -> Self {
        Laps {
            last: std::time::Instant::now(),
            steps: Vec::new(),
        }
    }

    fn mark(&mut self, step: &'static str) {
        let now = std::time::Instant::now();
        self.steps.push((step, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

impl std::fmt::Display for Laps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (step, s)) in self.steps.iter().enumerate() {
            write!(f, "{}{step} {s:.2}s", if i > 0 { ", " } else { "" })?;
        }
        Ok(())
    }
}

/// Median of sorted values (the lower middle for even counts, so it is a value that occurs).
fn median(sorted: &[i64]) -> Option<i64> {
    (!sorted.is_empty()).then(|| sorted[(sorted.len() - 1) / 2])
}
