//! Reading snapshots back: the list of snapshots, choosing one, and a GPT rebuilt as a
//! [`GptRecord`] with where it came from. The TUI and the CLI both read through here.

use super::db::{Db, Result, StoreError};
use super::record::{
    Action, AuthKind, Author, Availability, Conversations, GptRecord, Social, ToolKind,
};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

/// One snapshot as listed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SnapshotInfo {
    pub id: i64,
    pub label: String,
    pub source: String,
    /// ISO date-time (UTC) the data describes.
    pub taken_at: String,
    #[serde(skip)]
    pub taken_at_unix: i64,
    pub created_at: String,
    pub status: String,
    pub gpts: i64,
    pub unavailable: i64,
    pub authors: i64,
    pub shelves: i64,
    pub duplicates_merged: i64,
    pub skipped: i64,
    /// The signal rules' version its signals were computed with (0: not computed).
    pub signals_version: i64,
    /// The store front's locale, when its data says.
    pub locale: Option<String>,
    /// Shelves a refresh could not page to their end, said in a line: `9 of 10 shelves; dalle:
    /// 500 Internal Server Error` (none when every shelf was whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shelves_incomplete: Option<String>,
    /// The snapshot commands open when none is named: the one written last.
    pub default: bool,
}

/// A snapshot as reports name it: which one, of when, how big.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SnapshotRef {
    pub id: i64,
    pub label: String,
    pub taken_at: String,
    pub gpts: i64,
}

impl From<&SnapshotInfo> for SnapshotRef {
    fn from(s: &SnapshotInfo) -> Self {
        SnapshotRef {
            id: s.id,
            label: s.label.clone(),
            taken_at: s.taken_at.clone(),
            gpts: s.gpts,
        }
    }
}

const SNAPSHOT_COLUMNS: &str = "id, label, source, taken_at, created_at, status, gpts, \
     unavailable, authors, shelves, merged, skipped, signals_version, locale, \
     (SELECT count(*) FROM shelf s WHERE s.snapshot_id = snapshot.id AND s.status IS NOT NULL), \
     (SELECT group_concat(s.shelf_id || ': ' || coalesce(s.note, s.status), '; ') FROM shelf s \
      WHERE s.snapshot_id = snapshot.id AND s.status IS NOT NULL), \
     id = (SELECT d.id FROM snapshot d WHERE d.status = 'complete' \
           ORDER BY d.created_at DESC, d.id DESC LIMIT 1)";

fn snapshot_from_row(r: &Row<'_>) -> rusqlite::Result<SnapshotInfo> {
    let taken: i64 = r.get(3)?;
    let created: i64 = r.get(4)?;
    Ok(SnapshotInfo {
        id: r.get(0)?,
        label: r.get(1)?,
        source: r.get(2)?,
        taken_at: crate::time::format_datetime(taken),
        taken_at_unix: taken,
        created_at: crate::time::format_datetime(created),
        status: r.get(5)?,
        gpts: r.get(6)?,
        unavailable: r.get(7)?,
        authors: r.get(8)?,
        shelves: r.get(9)?,
        duplicates_merged: r.get(10)?,
        skipped: r.get(11)?,
        signals_version: r.get(12)?,
        locale: r.get(13)?,
        shelves_incomplete: {
            let (n, shelves): (i64, i64) = (r.get(14)?, r.get(9)?);
            let which: Option<String> = r.get(15)?;
            which
                .filter(|_| n > 0)
                .map(|w| format!("{} of {shelves} shelves; {w}", shelves - n))
        },
        default: r.get::<_, i64>(16)? != 0,
    })
}

/// Every snapshot, oldest data first.
pub fn snapshots(db: &Db) -> Result<Vec<SnapshotInfo>> {
    let sql = format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE status = 'complete'
         ORDER BY taken_at, id"
    );
    let mut st = db.conn().prepare(&sql).map_err(|e| db.err(e))?;
    let rows = st
        .query_map([], snapshot_from_row)
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| db.err(e))?;
    Ok(rows)
}

/// The requested snapshot, or the one written last (an import or a refresh): what was just
/// brought in is what opens, whatever date its data is of.
pub fn snapshot(db: &Db, id: Option<i64>) -> Result<SnapshotInfo> {
    let found = match id {
        Some(id) => db
            .conn()
            .query_row(
                &format!(
                    "SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE id = ?1 AND status = 'complete'"
                ),
                [id],
                snapshot_from_row,
            )
            .optional(),
        None => db
            .conn()
            .query_row(
                &format!(
                    "SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE status = 'complete'
                     ORDER BY created_at DESC, id DESC LIMIT 1"
                ),
                [],
                snapshot_from_row,
            )
            .optional(),
    }
    .map_err(|e| db.err(e))?;
    match (found, id) {
        (Some(s), _) => Ok(s),
        (None, Some(id)) => Err(StoreError::NoSuchSnapshot(id)),
        (None, None) => Err(StoreError::NoSnapshots),
    }
}

/// The version ids of `snapshot`'s most used available GPTs (`snapshot.top`: by conversations,
/// then version id, both descending), when the snapshot has them (written at import).
pub fn top_by_conversations(db: &Db, snapshot: i64) -> Result<Option<Vec<u32>>> {
    let text: Option<Option<String>> = db
        .conn()
        .query_row("SELECT top FROM snapshot WHERE id = ?1", [snapshot], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| db.err(e))?;
    Ok(text.flatten().and_then(|t| serde_json::from_str(&t).ok()))
}

/// Where a stored GPT came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Provenance {
    pub snapshot: i64,
    pub snapshot_label: String,
    pub taken_at: String,
    pub file: Option<String>,
    pub format: Option<String>,
    pub line: i64,
}

/// A shelf position a GPT was seen at.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ShelfPosition {
    pub shelf_id: String,
    pub title: Option<String>,
    pub position: i64,
}

/// Everything stored about one GPT in one snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct GptView {
    #[serde(flatten)]
    pub record: GptRecord,
    pub url: String,
    pub rating: Option<f64>,
    /// Monetisation signals with their evidence (none computed: see `signals_computed`).
    pub signals: Vec<crate::signals::Signal>,
    /// False for a snapshot from before signals existed (`gptscope signals --recompute`).
    pub signals_computed: bool,
    /// The main language (written as its code, `und`: too short to tell; [`crate::language`]).
    pub language: crate::language::Language,
    pub shelves: Vec<ShelfPosition>,
    pub provenance: Provenance,
}

/// One GPT of a snapshot by id; `None` when the snapshot does not have it.
pub fn gpt(db: &Db, snapshot: &SnapshotInfo, id: &str) -> Result<Option<GptView>> {
    let conn = db.conn();
    let row = conn
        .query_row(
            &format!(
                "SELECT g.id, g.name, g.author_id, g.conv_bucket, g.conv, g.review_total,
                    g.review_count, g.files, g.created_at, g.created_from_id, g.updated_at,
                    g.observed_at, g.available, g.line,
                    d.hash, d.short_url, d.description, d.welcome_message, d.prompt_starters,
                    g.categories, d.tools, d.default_model, d.share_recipient, d.rating_by_star,
                    f.path, f.format, g.evidence, g.fetch_status, g.fetch_error, g.fetched_at,
                    g.about, g.lang
             FROM {} g JOIN detail d ON d.hash = g.detail
             LEFT JOIN source_file f ON f.snapshot_id = g.src AND f.file_no = g.file_no
             WHERE g.id = ?2",
                super::schema::gpt_table(snapshot.id)
            ),
            params![snapshot.id, id],
            |r| {
                let json_list = |i: usize| -> rusqlite::Result<Vec<String>> {
                    let text: Option<String> = r.get(i)?;
                    Ok(text
                        .and_then(|t| serde_json::from_str(&t).ok())
                        .unwrap_or_default())
                };
                let bucket: Option<String> = r.get(3)?;
                let lower: Option<i64> = r.get(4)?;
                let by_star: Option<String> = r.get(23)?;
                let rec = GptRecord {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    author: Author {
                        user_id: r.get(2)?,
                        ..Author::default()
                    },
                    conversations: bucket.zip(lower).map(|(bucket, n)| Conversations {
                        bucket,
                        lower_bound: n as u64,
                    }),
                    review_total: r.get::<_, Option<i64>>(5)?.map(|n| n as u64),
                    review_count: r.get::<_, Option<i64>>(6)?.map(|n| n as u64),
                    file_count: r.get(7)?,
                    created_at: r.get(8)?,
                    created_from_id: r.get(9)?,
                    updated_at: r.get(10)?,
                    observed_at: r.get(11)?,
                    availability: if r.get::<_, bool>(12)? {
                        Availability::Available
                    } else {
                        Availability::Unavailable
                    },
                    short_url: r.get(15)?,
                    description: r.get(16)?,
                    welcome_message: r.get(17)?,
                    prompt_starters: json_list(18)?,
                    categories: json_list(19)?,
                    tools: json_list(20)?.iter().map(|t| ToolKind::parse(t)).collect(),
                    default_model: r.get(21)?,
                    share_recipient: r.get(22)?,
                    rating_by_star: by_star.and_then(|s| serde_json::from_str(&s).ok()),
                    actions: Vec::new(),
                    fetch: r
                        .get::<_, Option<String>>(27)?
                        .and_then(|s| crate::store::record::FetchStatus::parse(&s))
                        .map(|status| crate::store::record::Fetch {
                            status,
                            error: r.get(28).ok().flatten(),
                            at: r.get(29).ok().flatten(),
                        }),
                    about: r
                        .get::<_, Option<String>>(30)?
                        .and_then(|a| serde_json::from_str(&a).ok()),
                };
                let detail: Vec<u8> = r.get(14)?;
                let line: i64 = r.get(13)?;
                let evidence: Option<String> = r.get(26)?;
                let language: crate::language::Language = r.get(31)?;
                Ok((
                    rec,
                    detail,
                    line,
                    r.get::<_, Option<String>>(24)?,
                    r.get::<_, Option<String>>(25)?,
                    evidence,
                    language,
                ))
            },
        )
        .optional()
        .map_err(|e| db.err(e))?;
    let Some((mut rec, detail, line, file, format, evidence, language)) = row else {
        return Ok(None);
    };
    rec.actions = actions(db, &detail)?;
    let signals = evidence
        .and_then(|e| serde_json::from_str(&e).ok())
        .unwrap_or_default();
    if let Some(user) = rec.author.user_id.clone() {
        rec.author = author_profile(db, snapshot.id, &user)?.unwrap_or(Author {
            user_id: Some(user),
            ..Author::default()
        });
    }
    let shelves = shelf_positions(db, snapshot.id, &rec.id)?;
    Ok(Some(GptView {
        url: rec.url(),
        rating: rec.rating(),
        record: rec,
        signals,
        signals_computed: snapshot.signals_version
            >= i64::from(crate::store::schema::SIGNALS_VERSION),
        language,
        shelves,
        provenance: Provenance {
            snapshot: snapshot.id,
            snapshot_label: snapshot.label.clone(),
            taken_at: snapshot.taken_at.clone(),
            file,
            format,
            line,
        },
    }))
}

fn actions(db: &Db, detail: &[u8]) -> Result<Vec<Action>> {
    let mut st = db
        .conn()
        .prepare_cached(
            "SELECT domain, auth, privacy_policy_url FROM detail_action
             WHERE detail = ?1 ORDER BY pos",
        )
        .map_err(|e| db.err(e))?;
    let rows = st
        .query_map([detail], |r| {
            Ok(Action {
                domain: r.get(0)?,
                auth: match r.get::<_, String>(1)?.as_str() {
                    "unknown" => AuthKind::Unknown,
                    other => AuthKind::parse(other),
                },
                privacy_policy_url: r.get(2)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| db.err(e))?;
    Ok(rows)
}

/// An author's profile in a snapshot.
pub fn author_profile(db: &Db, snapshot_id: i64, user_id: &str) -> Result<Option<Author>> {
    db.conn()
        .query_row(
            "SELECT display_name, link_to, selected_display, verified, socials FROM author
             WHERE snapshot_id = ?1 AND user_id = ?2",
            params![snapshot_id, user_id],
            |r| {
                let socials: String = r.get(4)?;
                Ok(Author {
                    user_id: Some(user_id.to_owned()),
                    display_name: r.get(0)?,
                    link_to: r.get(1)?,
                    selected_display: r.get(2)?,
                    verified: r.get(3)?,
                    socials: parse_socials(&socials),
                })
            },
        )
        .optional()
        .map_err(|e| db.err(e))
}

fn parse_socials(text: &str) -> Vec<Social> {
    #[derive(serde::Deserialize)]
    struct S {
        kind: String,
        username: Option<String>,
        link_to: Option<String>,
        verified: bool,
    }
    serde_json::from_str::<Vec<S>>(text)
        .unwrap_or_default()
        .into_iter()
        .map(|s| Social {
            kind: s.kind,
            username: s.username,
            link_to: s.link_to,
            verified: s.verified,
        })
        .collect()
}

fn shelf_positions(db: &Db, snapshot_id: i64, id: &str) -> Result<Vec<ShelfPosition>> {
    let mut st = db
        .conn()
        .prepare_cached(
            "SELECT e.shelf_id, s.title, e.position FROM shelf_entry e
             LEFT JOIN shelf s ON s.snapshot_id = e.snapshot_id AND s.shelf_id = e.shelf_id
             WHERE e.snapshot_id = ?1 AND e.gpt_id = ?2
             ORDER BY s.page_position, e.shelf_id",
        )
        .map_err(|e| db.err(e))?;
    let rows = st
        .query_map(params![snapshot_id, id], |r| {
            Ok(ShelfPosition {
                shelf_id: r.get(0)?,
                title: r.get(1)?,
                position: r.get(2)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| db.err(e))?;
    Ok(rows)
}

/// The raw source JSON a GPT was read from, decompressed: a blob of its own (16-byte
/// reference, the blob's hash) or its part of a frame (24 bytes: the frame's hash, offset,
/// length; see `writer::RawAt`).
pub fn raw_source(db: &Db, snapshot_id: i64, id: &str) -> Result<Option<String>> {
    type Found = (Vec<u8>, Option<Vec<u8>>, Vec<u8>);
    let found: Option<Found> = db
        .conn()
        .query_row(
            &format!(
                "SELECT b.z, d.dict, g.blob FROM {} g JOIN blob b ON b.hash = substr(g.blob, 1, 16)
                 LEFT JOIN zdict d ON d.id = b.dict_id
                 WHERE g.id = ?1",
                super::schema::gpt_table(snapshot_id)
            ),
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(|e| db.err(e))?;
    let Some((z, dict, reference)) = found else {
        return Ok(None);
    };
    let damaged =
        |e: std::io::Error| StoreError::Invalid(format!("stored source of {id} is damaged: {e}"));
    let mut bytes = Vec::new();
    let mut decoder =
        zstd::stream::read::Decoder::with_dictionary(&z[..], dict.as_deref().unwrap_or(&[]))
            .map_err(damaged)?;
    std::io::Read::read_to_end(&mut decoder, &mut bytes).map_err(damaged)?;
    if let Some(part) = reference.get(16..24) {
        let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let (at, len) = (word(&part[..4]), word(&part[4..]));
        bytes = at
            .checked_add(len)
            .and_then(|end| bytes.get(at..end))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| damaged(std::io::Error::other("its place is past its frame's end")))?;
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The GPT ids snapshot `snapshot_id` has: every one of `author`'s when given, else those of
/// `among` it holds.
pub fn known_ids(
    db: &Db,
    snapshot_id: i64,
    author: Option<&str>,
    among: &[String],
) -> Result<rustc_hash::FxHashSet<String>> {
    let t = super::schema::gpt_table(snapshot_id);
    let e = |e| db.err(e);
    let mut out = rustc_hash::FxHashSet::default();
    if let Some(a) = author {
        let mut st = db
            .conn()
            .prepare(&format!("SELECT id FROM {t} WHERE author_id = ?1"))
            .map_err(e)?;
        let mut rows = st.query([a]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            out.insert(r.get(0).map_err(e)?);
        }
        return Ok(out);
    }
    let mut st = db
        .conn()
        .prepare_cached(&format!("SELECT 1 FROM {t} WHERE id = ?1"))
        .map_err(e)?;
    for id in among {
        if st.exists([id]).map_err(e)? {
            out.insert(id.clone());
        }
    }
    Ok(out)
}

/// The GPT ids of rowids of snapshot `snapshot_id`, in the rowids' order.
pub fn ids_of(db: &Db, snapshot_id: i64, rowids: &[u32]) -> Result<Vec<String>> {
    let e = |e| db.err(e);
    let mut st = db
        .conn()
        .prepare_cached(&format!(
            "SELECT id FROM {} WHERE rowid = ?1",
            super::schema::gpt_table(snapshot_id)
        ))
        .map_err(e)?;
    let mut out = Vec::with_capacity(rowids.len());
    for r in rowids {
        if let Some(id) = st
            .query_row([r], |row| row.get::<_, String>(0))
            .optional()
            .map_err(e)?
        {
            out.push(id);
        }
    }
    Ok(out)
}

/// The store user ids of a snapshot's authors, most GPTs first (a crawl's seeds); authors a list
/// knew by name only are not the store's to ask.
pub fn author_ids(db: &Db, snapshot_id: i64) -> Result<Vec<String>> {
    let e = |e| db.err(e);
    let mut st = db
        .conn()
        .prepare(
            "SELECT user_id FROM author WHERE snapshot_id = ?1 AND user_id NOT LIKE 'name:%'
             ORDER BY gpts DESC, user_id",
        )
        .map_err(e)?;
    let rows = st
        .query_map([snapshot_id], |r| r.get::<_, String>(0))
        .map_err(e)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(e)
}
