//! Export of a view (the GPTs of a list, in its order; or the authors) as CSV, JSON or JSONL,
//! streamed: rows are read from SQLite a chunk at a time and written at once, so a million rows
//! never sit in memory. Every format carries the same normalised field names ([`GPT_FIELDS`],
//! [`AUTHOR_FIELDS`]); CSV is quoted per RFC 4180 (the `csv` crate) with lists joined by `;`,
//! JSON and JSONL keep lists as arrays and absent values as `null`.

use super::authors::Authors;
use super::db::{Db, Result};
use super::record::{ToolMask, gpt_url};
use super::schema::gpt_table;
use crate::signals::SignalKind;
use serde::Serialize;
use std::io::Write;

pub mod parquet;

/// The formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Jsonl,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["csv", "json", "jsonl"];

    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format a file name asks for (`.csv`, `.json`, `.jsonl`).
    pub fn of_path(path: &std::path::Path) -> Option<Format> {
        Format::parse(path.extension()?.to_str()?)
    }
}

/// The columns of a GPT export, in order.
pub const GPT_FIELDS: [&str; 23] = [
    "id",
    "url",
    "name",
    "description",
    "author_id",
    "author_name",
    "author_verified",
    "categories",
    "tools",
    "action_domains",
    "knowledge_files",
    "conversations",
    "conversations_lower_bound",
    "rating",
    "review_count",
    "review_total",
    "created_at",
    "updated_at",
    "signals",
    "available",
    "fetch_status",
    "language",
    "snapshot_id",
];

/// One exported GPT.
#[derive(Debug, Serialize)]
pub struct GptOut {
    pub id: String,
    pub url: String,
    pub name: String,
    pub description: Option<String>,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub author_verified: bool,
    pub categories: Vec<String>,
    pub tools: Vec<&'static str>,
    pub action_domains: Vec<String>,
    pub knowledge_files: i64,
    pub conversations: Option<String>,
    pub conversations_lower_bound: Option<i64>,
    pub rating: Option<f64>,
    pub review_count: Option<i64>,
    pub review_total: Option<i64>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub signals: Vec<&'static str>,
    pub available: bool,
    pub fetch_status: Option<String>,
    /// The main language (written as its code, ISO 639-1; `und`: too short to tell).
    pub language: crate::language::Language,
    pub snapshot_id: i64,
    /// `created_at` and `updated_at` as unix seconds (Parquet's timestamps).
    #[serde(skip)]
    pub created_unix: Option<i64>,
    #[serde(skip)]
    pub updated_unix: Option<i64>,
}

impl GptOut {
    fn cells(&self) -> [String; 23] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let num = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        [
            self.id.clone(),
            self.url.clone(),
            self.name.clone(),
            opt(&self.description),
            opt(&self.author_id),
            opt(&self.author_name),
            self.author_verified.to_string(),
            self.categories.join(";"),
            self.tools.join(";"),
            self.action_domains.join(";"),
            self.knowledge_files.to_string(),
            opt(&self.conversations),
            num(self.conversations_lower_bound),
            self.rating.map(|r| format!("{r:.2}")).unwrap_or_default(),
            num(self.review_count),
            num(self.review_total),
            opt(&self.created_at),
            opt(&self.updated_at),
            self.signals.join(";"),
            self.available.to_string(),
            opt(&self.fetch_status),
            self.language.code().to_owned(),
            self.snapshot_id.to_string(),
        ]
    }
}

/// The columns of an authors export.
pub const AUTHOR_FIELDS: [&str; 10] = [
    "user_id",
    "name",
    "verified",
    "website",
    "gpts",
    "conversations_total",
    "conversations_median",
    "rating",
    "review_count",
    "tools",
];

#[derive(Debug, Serialize)]
struct AuthorOut<'a> {
    user_id: &'a str,
    name: Option<&'a str>,
    verified: bool,
    website: Option<&'a str>,
    gpts: i64,
    conversations_total: i64,
    conversations_median: Option<i64>,
    rating: Option<f64>,
    review_count: i64,
    tools: Vec<&'static str>,
}

/// Writes rows of one kind in a format: the header, each row, the end.
struct Sink<'a> {
    format: Format,
    csv: Option<csv::Writer<&'a mut dyn Write>>,
    out: Option<&'a mut dyn Write>,
    rows: usize,
}

impl<'a> Sink<'a> {
    fn new(out: &'a mut dyn Write, format: Format, header: &[&str]) -> Result<Sink<'a>> {
        let mut sink = match format {
            Format::Csv => Sink {
                format,
                csv: Some(csv::Writer::from_writer(out)),
                out: None,
                rows: 0,
            },
            _ => Sink {
                format,
                csv: None,
                out: Some(out),
                rows: 0,
            },
        };
        if let Some(w) = &mut sink.csv {
            w.write_record(header).map_err(csv_err)?;
        }
        if let (Format::Json, Some(out)) = (format, &mut sink.out) {
            out.write_all(b"[").map_err(io_err)?;
        }
        Ok(sink)
    }

    fn row<T: Serialize>(&mut self, value: &T, cells: impl FnOnce() -> Vec<String>) -> Result<()> {
        match (&mut self.csv, &mut self.out) {
            (Some(w), _) => w.write_record(cells()).map_err(csv_err)?,
            (None, Some(out)) => {
                if self.format == Format::Json {
                    out.write_all(if self.rows == 0 { b"\n" } else { b",\n" })
                        .map_err(io_err)?;
                }
                serde_json::to_writer(&mut **out, value).map_err(|e| {
                    super::StoreError::Write(match e.io_error_kind() {
                        Some(kind) => std::io::Error::from(kind),
                        None => std::io::Error::other(e),
                    })
                })?;
                if self.format == Format::Jsonl {
                    out.write_all(b"\n").map_err(io_err)?;
                }
            }
            (None, None) => {}
        }
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<usize> {
        if let Some(w) = &mut self.csv {
            w.flush().map_err(io_err)?;
        }
        if let Some(out) = &mut self.out {
            if self.format == Format::Json {
                out.write_all(b"\n]\n").map_err(io_err)?;
            }
            out.flush().map_err(io_err)?;
        }
        Ok(self.rows)
    }
}

fn io_err(e: std::io::Error) -> super::StoreError {
    super::StoreError::Write(e)
}

fn csv_err(e: csv::Error) -> super::StoreError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => super::StoreError::Write(io),
        other => super::StoreError::Write(std::io::Error::other(format!("{other:?}"))),
    }
}

/// Writes a file (an export, a report) into `path` through a file beside it (`path.part`),
/// renamed when complete: a failed write leaves nothing behind, and never half a file under
/// the name asked for.
pub fn to_file(
    path: &std::path::Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<usize>,
) -> Result<usize> {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    let partial = path.with_file_name(name);
    let cannot = |p: &std::path::Path, e: std::io::Error| {
        super::StoreError::Invalid(format!("{}: cannot write it: {e}", p.display()))
    };
    let file = std::fs::File::create(&partial).map_err(|e| cannot(&partial, e))?;
    let mut out = std::io::BufWriter::new(file);
    let written = write(&mut out).and_then(|n| {
        out.flush().map_err(|e| cannot(&partial, e))?;
        drop(out);
        std::fs::rename(&partial, path).map_err(|e| cannot(path, e))?;
        Ok(n)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Rows read per query.
const CHUNK: usize = 512;

/// From this many rows an export reads the snapshot's authors at once ([`Authors::load`])
/// instead of joining each GPT's author (an index seek and a row seek each).
const AUTHORS_AT_ONCE: usize = 50_000;

/// Writes the GPTs `rowids` of a snapshot, in that order; returns how many were written.
/// `cancelled` is asked between chunks.
pub fn gpts(
    db: &Db,
    snapshot_id: i64,
    rowids: &[u32],
    format: Format,
    out: &mut dyn Write,
    cancelled: &dyn Fn() -> bool,
) -> Result<usize> {
    let mut sink = Sink::new(out, format, &GPT_FIELDS)?;
    each_gpt(db, snapshot_id, rowids, cancelled, &mut |g| {
        sink.row(&g, || g.cells().to_vec())
    })?;
    sink.finish()
}

/// Reads the GPTs `rowids` of a snapshot, a chunk at a time, and hands each to `row` in that
/// order: what every format writes. `cancelled` is asked between chunks.
pub fn each_gpt(
    db: &Db,
    snapshot_id: i64,
    rowids: &[u32],
    cancelled: &dyn Fn() -> bool,
    row: &mut dyn FnMut(GptOut) -> Result<()>,
) -> Result<()> {
    let at_once = rowids.len() >= AUTHORS_AT_ONCE;
    read_gpts(db, snapshot_id, rowids, at_once, cancelled, row)
}

/// [`each_gpt`], the authors read at once or joined as asked.
fn read_gpts(
    db: &Db,
    snapshot_id: i64,
    rowids: &[u32],
    authors_at_once: bool,
    cancelled: &dyn Fn() -> bool,
    row: &mut dyn FnMut(GptOut) -> Result<()>,
) -> Result<()> {
    let conn = db.conn();
    let _mapped = Mapped::new(conn);
    let e = |e| db.err(e);
    let mut actions = conn
        .prepare_cached("SELECT domain FROM detail_action WHERE detail = ?1 ORDER BY pos")
        .map_err(e)?;
    // A long export reads the snapshot's authors once; a short one joins each GPT's.
    let authors = if authors_at_once {
        Some(Authors::load(db, snapshot_id)?)
    } else {
        None
    };
    let (author_columns, author_join) = match authors {
        Some(_) => ("NULL, NULL".to_owned(), String::new()),
        None => (
            "a.display_name, a.verified".to_owned(),
            format!(
                "LEFT JOIN {}",
                super::versions::author_join("a", "g.author_id", snapshot_id)
            ),
        ),
    };
    for chunk in rowids.chunks(CHUNK) {
        if cancelled() {
            return Err(super::StoreError::Invalid("export cancelled".into()));
        }
        let placeholders = vec!["?"; chunk.len()].join(",");
        let mut st = conn
            .prepare(&format!(
                "SELECT g.rowid, g.id, d.short_url, g.name, d.description, g.author_id,
                        {author_columns}, g.categories, g.tools, g.actions, g.detail,
                        g.files, g.conv_bucket, g.conv, g.rating, g.review_count, g.review_total,
                        g.created_at, g.updated_at, g.signals, g.available, g.fetch_status,
                        g.lang
                 FROM {} g JOIN detail d ON d.hash = g.detail
                 {author_join}
                 WHERE g.rowid IN ({placeholders})",
                gpt_table(snapshot_id),
            ))
            .map_err(e)?;
        let mut found: rustc_hash::FxHashMap<u32, GptOut> = Default::default();
        let mut rows = st
            .query(rusqlite::params_from_iter(chunk.iter()))
            .map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            let rowid: u32 = r.get(0).map_err(e)?;
            let id: String = r.get(1).map_err(e)?;
            let short: Option<String> = r.get(2).map_err(e)?;
            let categories: Option<String> = r.get(8).map_err(e)?;
            let tools = ToolMask(r.get(9).map_err(e)?);
            let action_count: i64 = r.get(10).map_err(e)?;
            let action_domains = if action_count > 0 {
                let detail: Vec<u8> = r.get(11).map_err(e)?;
                actions
                    .query_map([detail], |r| r.get::<_, Option<String>>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .map_err(e)?
                    .into_iter()
                    .map(|d| d.unwrap_or_default())
                    .collect()
            } else {
                Vec::new()
            };
            let signals: u8 = r.get::<_, u32>(20).map_err(e)? as u8;
            let time = |t: Option<i64>| t.map(crate::time::format_datetime);
            let (created, updated): (Option<i64>, Option<i64>) =
                (r.get(18).map_err(e)?, r.get(19).map_err(e)?);
            let url = gpt_url(short.as_deref().unwrap_or(&id));
            let author_id: Option<String> = r.get(5).map_err(e)?;
            let (author_name, author_verified) =
                match &authors {
                    Some(all) => author_id.as_deref().and_then(|a| all.position(a)).map_or(
                        (None, false),
                        |i| {
                            let i = i as usize;
                            (all.name(i).map(str::to_owned), all.verified(i))
                        },
                    ),
                    None => (
                        r.get(6).map_err(e)?,
                        r.get::<_, Option<bool>>(7).map_err(e)?.unwrap_or(false),
                    ),
                };
            found.insert(
                rowid,
                GptOut {
                    url,
                    id,
                    name: r.get(3).map_err(e)?,
                    description: r.get(4).map_err(e)?,
                    author_id,
                    author_name,
                    author_verified,
                    categories: categories
                        .and_then(|c| serde_json::from_str(&c).ok())
                        .unwrap_or_default(),
                    tools: ToolMask::NAMED
                        .iter()
                        .filter(|(_, bit)| tools.has(*bit))
                        .map(|(n, _)| *n)
                        .collect(),
                    action_domains,
                    knowledge_files: r.get(12).map_err(e)?,
                    conversations: r.get(13).map_err(e)?,
                    conversations_lower_bound: r.get(14).map_err(e)?,
                    rating: r.get(15).map_err(e)?,
                    review_count: r.get(16).map_err(e)?,
                    review_total: r.get(17).map_err(e)?,
                    created_at: time(created),
                    updated_at: time(updated),
                    created_unix: created,
                    updated_unix: updated,
                    signals: SignalKind::ALL
                        .iter()
                        .filter(|k| signals & k.bit() != 0)
                        .map(|k| k.name())
                        .collect(),
                    available: r.get(21).map_err(e)?,
                    fetch_status: r.get(22).map_err(e)?,
                    language: r.get(23).map_err(e)?,
                    snapshot_id,
                },
            );
        }
        for rowid in chunk {
            if let Some(g) = found.remove(rowid) {
                row(g)?;
            }
        }
    }
    Ok(())
}

/// The file memory-mapped while an export reads it: its rows are found by id and their
/// details by hash, at random places, and through SQLite's cache each page was copied out of
/// the kernel's (a fifth of a 1M export's time in that copy, perf). Put back as it was when
/// the export ends, so the explorer's resident memory does not keep counting the file.
struct Mapped<'c> {
    conn: &'c rusqlite::Connection,
    before: Option<i64>,
}

impl<'c> Mapped<'c> {
    fn new(conn: &'c rusqlite::Connection) -> Mapped<'c> {
        let before = conn.query_row("PRAGMA mmap_size", [], |r| r.get(0)).ok();
        // Without mapping the export still works, only slower.
        let _ = conn.pragma_update(None, "mmap_size", 1_i64 << 40);
        Mapped { conn, before }
    }
}

impl Drop for Mapped<'_> {
    fn drop(&mut self) {
        if let Some(b) = self.before {
            let _ = self.conn.pragma_update(None, "mmap_size", b);
        }
    }
}

/// Writes the authors `ids` (positions in `authors`), in that order.
pub fn authors(
    authors: &Authors,
    ids: &[u32],
    format: Format,
    out: &mut dyn Write,
) -> Result<usize> {
    let mut sink = Sink::new(out, format, &AUTHOR_FIELDS)?;
    for &i in ids {
        let i = i as usize;
        if i >= authors.len() {
            continue;
        }
        let tools = authors.tools(i);
        let a = AuthorOut {
            user_id: authors.user_id(i),
            name: authors.name(i),
            verified: authors.verified(i),
            website: authors.website(i),
            gpts: authors.gpts(i),
            conversations_total: authors.conv_total(i),
            conversations_median: authors.conv_median(i),
            rating: authors.rating(i),
            review_count: authors.ratings(i),
            tools: ToolMask::NAMED
                .iter()
                .filter(|(_, bit)| tools.has(*bit))
                .map(|(n, _)| *n)
                .collect(),
        };
        sink.row(&a, || {
            vec![
                a.user_id.to_owned(),
                a.name.unwrap_or_default().to_owned(),
                a.verified.to_string(),
                a.website.unwrap_or_default().to_owned(),
                a.gpts.to_string(),
                a.conversations_total.to_string(),
                a.conversations_median
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                a.rating.map(|r| format!("{r:.2}")).unwrap_or_default(),
                a.review_count.to_string(),
                a.tools.join(";"),
            ]
        })?;
    }
    sink.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_read_at_once_or_joined_give_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        // One author verified and named, so both ways have something to find.
        db.conn()
            .execute(
                "UPDATE author_version SET verified = 1, display_name = 'Ada'
                 WHERE user_id = (SELECT author_id FROM gpt WHERE author_id IS NOT NULL LIMIT 1)",
                [],
            )
            .unwrap();
        let ids = crate::store::view::Columns::load(&db, 1).unwrap().all_ids();
        let read = |at_once| {
            let mut rows = Vec::new();
            read_gpts(&db, 1, &ids, at_once, &|| false, &mut |g| {
                rows.push(format!("{g:?}"));
                Ok(())
            })
            .unwrap();
            rows
        };
        let joined = read(false);
        assert_eq!(joined.len(), 397);
        assert!(
            joined
                .iter()
                .any(|r| r.contains("author_name: Some(\"Ada\"), author_verified: true"))
        );
        assert_eq!(read(true), joined);
    }

    #[test]
    fn csv_quotes_commas_quotes_newlines_and_keeps_cjk() {
        let mut buf = Vec::new();
        let mut sink = Sink::new(&mut buf, Format::Csv, &["a", "b"]).unwrap();
        sink.row(&(), || vec!["x, \"y\"\nz".into(), "名前 😀 한국어".into()])
            .unwrap();
        assert_eq!(sink.finish().unwrap(), 1);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "a,b\n\"x, \"\"y\"\"\nz\",名前 😀 한국어\n"
        );
    }

    #[test]
    fn json_is_one_array_and_jsonl_one_object_a_line() {
        for (format, want) in [
            (Format::Json, "[\n{\"n\":1},\n{\"n\":2}\n]\n"),
            (Format::Jsonl, "{\"n\":1}\n{\"n\":2}\n"),
        ] {
            let mut buf = Vec::new();
            let mut sink = Sink::new(&mut buf, format, &["n"]).unwrap();
            for n in [1, 2] {
                sink.row(&serde_json::json!({ "n": n }), Vec::new).unwrap();
            }
            sink.finish().unwrap();
            assert_eq!(String::from_utf8(buf).unwrap(), want);
        }
        let mut buf = Vec::new();
        Sink::new(&mut buf, Format::Json, &["n"])
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "[\n]\n",
            "no rows: an empty array"
        );
    }
}
