//! Compact columns of the GPT versions, and which versions each snapshot holds: what
//! [`super::view::Columns`] loads, so that the explorer's lists, the histogram screen and a
//! filtered `stats` read a few megabytes instead of scanning every row of a snapshot.
//!
//! Why: the columns a list or a count needs (numbers, tool and signal bits, category, author,
//! Actions, the name's sort key) are ~40 bytes of each version's ~800-byte row (with its
//! details and raw source). Scanning a 1M-GPT snapshot's rows through SQLite took ~1.2 s before
//! any counting (`stats --category writing` 1.6 s at 1M, 23 s at 5M); read from these columns
//! it is one zstd blob per part and chunk.
//!
//! Layout:
//! - `vcolumn`: version ids are cut into chunks of [`CHUNK`] (`1..=CHUNK` is chunk 0); each
//!   chunk holds one zstd blob per [`Part`] (key `chunk * 8 + part`), the column for every
//!   version id of the chunk (a version id with no row holds defaults). A version's content
//!   never changes once written, so a chunk is shared by every snapshot the way rows are, and
//!   an import rebuilds only the chunks its new versions fall in (the last partial one and the
//!   new ones). A signal recompute, which rewrites versions in place, rebuilds theirs.
//! - `snapshot_vids`: per snapshot, a zstd bit set of the version ids it holds (the validity
//!   intervals, which a commit changes for versions anywhere, answered once: bit `vid - 1`).
//!   An import writes its own; a recompute or a migration, which move versions between
//!   snapshots, write every snapshot's again from the intervals.
//!
//! Both are derived from the `gpt` table, in the same transaction as the rows they describe;
//! a chunk or set that is missing (or unreadable) is computed from the rows instead, so a
//! reader never depends on them being there.

use super::versions::alive_in;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeSet;

/// Version ids per chunk.
pub const CHUNK: i64 = 32_768;
/// The encoding of a part; a part of another format is computed from the rows again.
const FORMAT: u8 = 1;
/// zstd level of the parts: level 1 compresses these arrays nearly as well as 3, twice as fast.
const LEVEL: i32 = 1;

/// The parts of a chunk, each stored and read on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Conversations (and whether known), rating, ratings, stars, created, updated, tool
    /// bits, signal bits, available.
    Numbers = 0,
    /// The first category and the others of GPTs with several.
    Categories = 1,
    /// The author's user id.
    Authors = 2,
    /// Each Action's domain and auth kind.
    Actions = 3,
    /// The name's sort key.
    Names = 4,
    /// The main language's code (schema 11).
    Languages = 5,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::Numbers,
        Part::Categories,
        Part::Authors,
        Part::Actions,
        Part::Names,
        Part::Languages,
    ];
    /// What counts and filters need (no names).
    pub const COUNTS: [Part; 5] = [
        Part::Numbers,
        Part::Categories,
        Part::Authors,
        Part::Actions,
        Part::Languages,
    ];
}

fn key(chunk: i64, part: Part) -> i64 {
    chunk * 8 + part as i64
}

/// The chunk version id `vid` falls in.
pub fn chunk_of(vid: i64) -> i64 {
    (vid - 1).div_euclid(CHUNK)
}

/// The tables (schema 6).
pub(crate) const DDL: &str = "
CREATE TABLE IF NOT EXISTS vcolumn (key INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot_vids (snapshot_id INTEGER PRIMARY KEY, vids BLOB NOT NULL);
";

/// No category / author / domain in a chunk's dictionary.
pub const NONE16: u16 = u16::MAX;
pub const NONE32: u32 = u32::MAX;

/// One chunk's columns, by slot (`vid - first_vid`). Strings are in per-chunk dictionaries.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Chunk {
    pub len: usize,
    pub conv: Vec<u32>,
    pub conv_known: Vec<bool>,
    pub rating: Vec<f32>,
    pub reviews: Vec<u32>,
    pub review_total: Vec<u32>,
    pub created: Vec<u32>,
    pub updated: Vec<u32>,
    pub tools: Vec<u8>,
    pub signals: Vec<u8>,
    pub available: Vec<bool>,
    /// Category names; `category[slot]` indexes them ([`NONE16`]: none).
    pub category_names: Vec<String>,
    pub category: Vec<u16>,
    /// The other categories of GPTs with several: (slot, categories besides the first).
    pub more_categories: Vec<(u32, Vec<u16>)>,
    /// Authors' user ids; `author[slot]` indexes them ([`NONE32`]: none).
    pub author_ids: Vec<String>,
    pub author: Vec<u32>,
    /// Actions of slot `s`: `actions[action_start[s]..action_start[s + 1]]`, each (domain
    /// index or [`NONE32`], auth index).
    pub action_start: Vec<u32>,
    pub actions: Vec<(u32, u8)>,
    pub domains: Vec<String>,
    pub auths: Vec<String>,
    /// Sort keys of the names (empty unless read).
    pub names: Vec<String>,
    /// Language codes; `lang[slot]` indexes them ([`NONE8`]: no version there).
    pub lang_codes: Vec<String>,
    pub lang: Vec<u8>,
}

/// No language in a chunk's dictionary (a version id with no row).
pub const NONE8: u8 = u8::MAX;

/// A language code's place in a chunk's dictionary, one byte (past 254 codes in one chunk, which
/// the detector's ~70 languages never reach, the last place is shared).
fn lang_slot(langs: &mut Dict, code: &str) -> u8 {
    langs.id(code).min(u32::from(NONE8) - 1) as u8
}

/// Saturating clamp to the u32 range the columns hold (times in seconds, counts).
fn clamp_u32(v: Option<i64>) -> u32 {
    v.map_or(0, |v| v.clamp(0, i64::from(u32::MAX)) as u32)
}

fn secs(t: Option<i64>) -> u32 {
    t.map_or(0, |t| t.clamp(1, i64::from(u32::MAX)) as u32)
}

/// A dictionary being built: strings in first-seen order.
#[derive(Default)]
pub struct Dict {
    names: Vec<String>,
    ids: rustc_hash::FxHashMap<String, u32>,
}

impl Dict {
    pub fn with_capacity(n: usize) -> Dict {
        Dict {
            names: Vec::with_capacity(n),
            ids: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// The strings, by number.
    pub fn into_names(self) -> Vec<String> {
        self.names
    }

    /// The number of `s`, given when first met.
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.to_owned());
        self.ids.insert(s.to_owned(), i);
        i
    }
}

/// One version's values as the columns take them: what [`Chunk::build`] reads off a row, and
/// what an import's writer has in hand when it writes that row ([`Builder`]): one
/// conversion, so the two cannot disagree.
pub struct Row<'a> {
    pub conv: Option<i64>,
    pub rating: Option<f64>,
    pub reviews: Option<i64>,
    pub created: Option<i64>,
    pub updated: Option<i64>,
    pub tools: u32,
    pub available: bool,
    /// The first category.
    pub category: Option<&'a str>,
    pub author: Option<&'a str>,
    pub name_key: Option<&'a str>,
    /// The language's code (`gpt.lang`).
    pub lang: &'a str,
    pub signals: u32,
    /// Every category (the first among them), when there are several; may be empty.
    pub categories: &'a [String],
    pub review_total: Option<i64>,
}

/// A chunk being filled slot by slot, in slot order, with its dictionaries.
struct Fill {
    c: Chunk,
    cats: Dict,
    authors: Dict,
    domains: Dict,
    auths: Dict,
    langs: Dict,
    /// One past the highest slot set.
    top: usize,
    /// The first slot whose Actions have not started.
    next: usize,
}

impl Fill {
    fn new() -> Fill {
        Fill {
            c: Chunk::empty(CHUNK as usize),
            cats: Dict::default(),
            authors: Dict::default(),
            domains: Dict::default(),
            auths: Dict::default(),
            langs: Dict::default(),
            top: 0,
            next: 0,
        }
    }

    fn set(&mut self, s: usize, r: &Row<'_>) {
        let c = &mut self.c;
        if s >= c.len {
            return;
        }
        self.top = self.top.max(s + 1);
        c.conv_known[s] = r.conv.is_some();
        c.conv[s] = clamp_u32(r.conv);
        c.rating[s] = r.rating.map_or(f32::NAN, |v| v as f32);
        c.reviews[s] = clamp_u32(r.reviews);
        c.created[s] = secs(r.created);
        c.updated[s] = secs(r.updated);
        c.tools[s] = r.tools as u8;
        c.available[s] = r.available;
        let first = match r.category {
            Some(cat) => {
                let id = self.cats.id(cat) as u16;
                c.category[s] = id;
                id
            }
            None => NONE16,
        };
        if let Some(a) = r.author {
            c.author[s] = self.authors.id(a);
        }
        if let Some(name) = r.name_key {
            name.clone_into(&mut c.names[s]);
        }
        c.signals[s] = r.signals as u8;
        c.lang[s] = lang_slot(&mut self.langs, r.lang);
        if r.categories.len() > 1 {
            let more: Vec<u16> = r
                .categories
                .iter()
                .map(|cat| self.cats.id(cat) as u16)
                .filter(|id| *id != first)
                .collect();
            if !more.is_empty() {
                c.more_categories.push((s as u32, more));
            }
        }
        c.review_total[s] = clamp_u32(r.review_total);
    }

    /// The next Action of slot `s` (slots in order, each one's Actions in position order).
    fn action(&mut self, s: usize, domain: Option<&str>, auth: &str) {
        let c = &mut self.c;
        if s >= c.len || s + 1 < self.next {
            return;
        }
        for st in &mut c.action_start[self.next..=s] {
            *st = c.actions.len() as u32;
        }
        self.next = s + 1;
        let domain = domain.map_or(NONE32, |d| self.domains.id(d));
        let auth = self.auths.id(auth).min(255) as u8;
        c.actions.push((domain, auth));
    }

    fn finish(self) -> Chunk {
        let Fill {
            mut c,
            cats,
            authors,
            domains,
            auths,
            langs,
            top,
            next,
        } = self;
        let end = c.actions.len() as u32;
        for st in &mut c.action_start[next..] {
            *st = end;
        }
        c.truncate(top);
        c.category_names = cats.names;
        c.author_ids = authors.names;
        c.domains = domains.names;
        c.auths = auths.names;
        c.lang_codes = langs.names;
        c
    }
}

impl Chunk {
    fn empty(len: usize) -> Chunk {
        Chunk {
            len,
            conv: vec![0; len],
            conv_known: vec![false; len],
            rating: vec![f32::NAN; len],
            reviews: vec![0; len],
            review_total: vec![0; len],
            created: vec![0; len],
            updated: vec![0; len],
            tools: vec![0; len],
            signals: vec![0; len],
            available: vec![false; len],
            category: vec![NONE16; len],
            author: vec![NONE32; len],
            action_start: vec![0; len + 1],
            names: vec![String::new(); len],
            lang: vec![NONE8; len],
            ..Chunk::default()
        }
    }

    /// Chunk `chunk`'s columns read from the version rows.
    pub fn build(conn: &Connection, chunk: i64) -> rusqlite::Result<Chunk> {
        let lo = chunk * CHUNK + 1;
        let mut fill = Fill::new();
        let mut st = conn.prepare_cached(
            "SELECT vid, conv, rating, review_count, created_at, updated_at, tools, available,
                    category, author_id, name_key, signals,
                    CASE WHEN categories LIKE '%,%' THEN categories END, review_total, lang
             FROM gpt WHERE vid BETWEEN ?1 AND ?2",
        )?;
        let mut rows = st.query(params![lo, lo + CHUNK - 1])?;
        while let Some(r) = rows.next()? {
            let s = (r.get::<_, i64>(0)? - lo) as usize;
            let str_at = |i: usize| -> rusqlite::Result<Option<&str>> {
                Ok(r.get_ref(i)?.as_str_or_null().ok().flatten())
            };
            let categories: Vec<String> = match str_at(12)? {
                Some(list) => serde_json::from_str(list).unwrap_or_default(),
                None => Vec::new(),
            };
            fill.set(
                s,
                &Row {
                    conv: r.get(1)?,
                    rating: r.get(2)?,
                    reviews: r.get(3)?,
                    created: r.get(4)?,
                    updated: r.get(5)?,
                    tools: r.get(6)?,
                    available: r.get(7)?,
                    category: str_at(8)?,
                    author: str_at(9)?,
                    name_key: str_at(10)?,
                    lang: str_at(14)?.unwrap_or("und"),
                    signals: r.get(11)?,
                    categories: &categories,
                    review_total: r.get(13)?,
                },
            );
        }
        drop(rows);
        // Actions, in version and position order.
        let mut st = conn.prepare_cached(
            "SELECT g.vid, a.domain, a.auth FROM gpt g JOIN detail_action a ON a.detail = g.detail
             WHERE g.vid BETWEEN ?1 AND ?2 AND g.actions > 0 ORDER BY g.vid, a.pos",
        )?;
        let mut rows = st.query(params![lo, lo + CHUNK - 1])?;
        while let Some(r) = rows.next()? {
            let s = (r.get::<_, i64>(0)? - lo) as usize;
            let domain = r.get_ref(1)?.as_str_or_null().ok().flatten();
            fill.action(s, domain, r.get_ref(2)?.as_str().unwrap_or(""));
        }
        Ok(fill.finish())
    }

    /// Drops the slots from `len` on (past the chunk's last version).
    fn truncate(&mut self, len: usize) {
        self.len = len;
        self.conv.truncate(len);
        self.conv_known.truncate(len);
        self.rating.truncate(len);
        self.reviews.truncate(len);
        self.review_total.truncate(len);
        self.created.truncate(len);
        self.updated.truncate(len);
        self.tools.truncate(len);
        self.signals.truncate(len);
        self.available.truncate(len);
        self.category.truncate(len);
        self.author.truncate(len);
        self.action_start.truncate(len + 1);
        self.names.truncate(len);
        self.lang.truncate(len);
    }

    /// The encoded (uncompressed) bytes of one part.
    fn encode(&self, part: Part) -> Vec<u8> {
        let mut e = Enc(Vec::with_capacity(self.len * 8));
        e.0.push(FORMAT);
        e.u32(self.len as u32);
        match part {
            Part::Numbers => {
                e.u32s(&self.conv);
                e.bools(&self.conv_known);
                for r in &self.rating {
                    e.0.extend_from_slice(&r.to_le_bytes());
                }
                e.u32s(&self.reviews);
                e.u32s(&self.review_total);
                e.u32s(&self.created);
                e.u32s(&self.updated);
                e.0.extend_from_slice(&self.tools);
                e.0.extend_from_slice(&self.signals);
                e.bools(&self.available);
            }
            Part::Categories => {
                e.strs(&self.category_names);
                for c in &self.category {
                    e.0.extend_from_slice(&c.to_le_bytes());
                }
                e.u32(self.more_categories.len() as u32);
                for (s, more) in &self.more_categories {
                    e.u32(*s);
                    e.u32(more.len() as u32);
                    for c in more {
                        e.0.extend_from_slice(&c.to_le_bytes());
                    }
                }
            }
            Part::Authors => {
                e.strs(&self.author_ids);
                e.u32s(&self.author);
            }
            Part::Actions => {
                e.strs(&self.domains);
                e.strs(&self.auths);
                e.u32s(&self.action_start);
                e.u32(self.actions.len() as u32);
                for (d, a) in &self.actions {
                    e.u32(*d);
                    e.0.push(*a);
                }
            }
            Part::Names => e.strs(&self.names),
            Part::Languages => {
                e.strs(&self.lang_codes);
                e.0.extend_from_slice(&self.lang);
            }
        }
        e.0
    }

    /// Reads one part's bytes into `self` (whose `len` it sets); `None` when they are not a
    /// part of this format.
    fn decode(&mut self, part: Part, bytes: &[u8]) -> Option<()> {
        let mut d = Dec { b: bytes, at: 0 };
        if d.take(1)?[0] != FORMAT {
            return None;
        }
        let n = d.u32()? as usize;
        self.len = n;
        match part {
            Part::Numbers => {
                d.u32s(n, &mut self.conv)?;
                d.bools(n, &mut self.conv_known)?;
                d.fill(n, &mut self.rating, f32::from_le_bytes)?;
                d.u32s(n, &mut self.reviews)?;
                d.u32s(n, &mut self.review_total)?;
                d.u32s(n, &mut self.created)?;
                d.u32s(n, &mut self.updated)?;
                d.bytes(n, &mut self.tools)?;
                d.bytes(n, &mut self.signals)?;
                d.bools(n, &mut self.available)?;
            }
            Part::Categories => {
                d.strs(&mut self.category_names)?;
                d.u16s(n, &mut self.category)?;
                let m = d.u32()? as usize;
                self.more_categories.clear();
                for _ in 0..m {
                    let s = d.u32()?;
                    let k = d.u32()? as usize;
                    let mut more = Vec::with_capacity(k.min(64));
                    d.u16s(k, &mut more)?;
                    self.more_categories.push((s, more));
                }
            }
            Part::Authors => {
                d.strs(&mut self.author_ids)?;
                d.u32s(n, &mut self.author)?;
            }
            Part::Actions => {
                d.strs(&mut self.domains)?;
                d.strs(&mut self.auths)?;
                d.u32s(n + 1, &mut self.action_start)?;
                let m = d.u32()? as usize;
                d.fill(m, &mut self.actions, |b: [u8; 5]| {
                    (u32::from_le_bytes([b[0], b[1], b[2], b[3]]), b[4])
                })?;
                if self.action_start.last().copied()? as usize > self.actions.len() {
                    return None;
                }
            }
            Part::Names => d.strs(&mut self.names)?,
            Part::Languages => {
                d.strs(&mut self.lang_codes)?;
                d.bytes(n, &mut self.lang)?;
            }
        }
        (d.at == bytes.len()).then_some(())
    }
}

struct Enc(Vec<u8>);

impl Enc {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32s(&mut self, v: &[u32]) {
        for x in v {
            self.u32(*x);
        }
    }
    fn bools(&mut self, v: &[bool]) {
        self.0.extend(v.iter().map(|b| u8::from(*b)));
    }
    fn strs(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        for s in v {
            self.u32(s.len() as u32);
        }
        for s in v {
            self.0.extend_from_slice(s.as_bytes());
        }
    }
}

struct Dec<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Dec<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.b.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// `n` values of `W` bytes each, decoded by `f`, into `out` (its allocation reused: a
    /// load decodes every chunk into the same vectors).
    fn fill<T, const W: usize>(
        &mut self,
        n: usize,
        out: &mut Vec<T>,
        f: impl Fn([u8; W]) -> T,
    ) -> Option<()> {
        let b = self.take(n.checked_mul(W)?)?;
        out.clear();
        out.extend(b.chunks_exact(W).map(|c| {
            let mut a = [0u8; W];
            a.copy_from_slice(c);
            f(a)
        }));
        Some(())
    }
    fn u32s(&mut self, n: usize, out: &mut Vec<u32>) -> Option<()> {
        self.fill(n, out, u32::from_le_bytes)
    }
    fn u16s(&mut self, n: usize, out: &mut Vec<u16>) -> Option<()> {
        self.fill(n, out, u16::from_le_bytes)
    }
    fn bools(&mut self, n: usize, out: &mut Vec<bool>) -> Option<()> {
        self.fill(n, out, |[b]: [u8; 1]| b != 0)
    }
    fn bytes(&mut self, n: usize, out: &mut Vec<u8>) -> Option<()> {
        self.fill(n, out, |[b]: [u8; 1]| b)
    }
    fn strs(&mut self, out: &mut Vec<String>) -> Option<()> {
        let n = self.u32()? as usize;
        let mut lens = Vec::new();
        self.u32s(n, &mut lens)?;
        out.clear();
        for l in lens {
            out.push(std::str::from_utf8(self.take(l as usize)?).ok()?.to_owned());
        }
        Some(())
    }
}

/// Writes chunk `chunk` (every part) from the version rows.
fn store(conn: &Connection, chunk: i64) -> rusqlite::Result<()> {
    put(conn, chunk, &Chunk::build(conn, chunk)?)
}

/// Writes chunk `chunk`'s parts.
fn put(conn: &Connection, chunk: i64, c: &Chunk) -> rusqlite::Result<()> {
    put_parts(conn, chunk, c, &Part::ALL)
}

fn put_parts(conn: &Connection, chunk: i64, c: &Chunk, parts: &[Part]) -> rusqlite::Result<()> {
    let mut st =
        conn.prepare_cached("INSERT OR REPLACE INTO vcolumn (key, data) VALUES (?1, ?2)")?;
    for &part in parts {
        let z = zstd::bulk::compress(&c.encode(part), LEVEL)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        st.execute(params![key(chunk, part), z])?;
    }
    Ok(())
}

/// Writes the language part of every chunk from the rows (schema 11 fills `gpt.lang`, then
/// this): one column read, the other parts left as they are.
pub fn write_languages(conn: &Connection) -> rusqlite::Result<()> {
    let top = max_vid(conn)?;
    if top < 1 {
        return Ok(());
    }
    let mut st = conn.prepare("SELECT vid, lang FROM gpt WHERE vid BETWEEN ?1 AND ?2")?;
    for chunk in 0..=chunk_of(top) {
        let lo = chunk * CHUNK + 1;
        let mut c = Chunk {
            len: CHUNK as usize,
            lang: vec![NONE8; CHUNK as usize],
            ..Chunk::default()
        };
        let mut langs = Dict::default();
        let mut top_slot = 0;
        let mut rows = st.query(params![lo, lo + CHUNK - 1])?;
        while let Some(r) = rows.next()? {
            let s = (r.get::<_, i64>(0)? - lo) as usize;
            let code = r.get_ref(1)?.as_str().unwrap_or("und");
            c.lang[s] = lang_slot(&mut langs, code);
            top_slot = top_slot.max(s + 1);
        }
        c.len = top_slot;
        c.lang.truncate(top_slot);
        c.lang_codes = langs.into_names();
        put_parts(conn, chunk, &c, &[Part::Languages])?;
    }
    Ok(())
}

fn max_vid(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(vid), 0) FROM gpt", [], |r| r.get(0))
}

/// Rebuilds the chunks of every version id from `from_vid` on (an import's new versions; 1:
/// all of them).
pub fn refresh_from(conn: &Connection, from_vid: i64) -> rusqlite::Result<()> {
    let top = max_vid(conn)?;
    if top < from_vid.max(1) {
        return Ok(());
    }
    for chunk in chunk_of(from_vid.max(1))..=chunk_of(top) {
        store(conn, chunk)?;
    }
    Ok(())
}

/// An import's chunks, filled from the versions as the writer writes them rather than read
/// back from the rows at commit (1.3 s of a 1M first import's 7.5 s commit went to reading
/// them back). Each chunk is stored as soon as the versions move past it, so this holds one
/// chunk. A chunk the writer cannot fill alone is built from the rows at [`Builder::finish`]:
/// the one the import's first version falls in when earlier imports' versions share it, and
/// any chunk a version was deleted from (a duplicate merged into a newer record).
#[derive(Default)]
pub struct Builder {
    /// The chunk being filled, and its number.
    open: Option<(i64, Fill)>,
    /// The chunk earlier versions share with the first new one, if any.
    shared: Option<i64>,
    from_rows: BTreeSet<i64>,
}

impl Builder {
    /// For versions from `first_vid` on.
    pub fn new(first_vid: i64) -> Builder {
        Builder {
            shared: ((first_vid - 1).rem_euclid(CHUNK) != 0).then(|| chunk_of(first_vid)),
            ..Builder::default()
        }
    }

    /// Version `vid`, written now (version ids rising) with `actions` (domain, auth) in
    /// position order.
    pub fn add<'a>(
        &mut self,
        conn: &Connection,
        vid: i64,
        row: &Row<'_>,
        actions: impl Iterator<Item = (Option<&'a str>, &'a str)>,
    ) -> rusqlite::Result<()> {
        let chunk = chunk_of(vid);
        if self.shared == Some(chunk) {
            self.from_rows.insert(chunk);
        }
        if self.from_rows.contains(&chunk) {
            return Ok(());
        }
        if self.open.as_ref().is_some_and(|(c, _)| *c != chunk) {
            self.store_open(conn)?;
        }
        let (_, fill) = self.open.get_or_insert_with(|| (chunk, Fill::new()));
        let s = (vid - 1 - chunk * CHUNK) as usize;
        fill.set(s, row);
        for (domain, auth) in actions {
            fill.action(s, domain, auth);
        }
        Ok(())
    }

    /// Version `vid`, written by this import, was deleted: its chunk comes from the rows.
    pub fn deleted(&mut self, vid: i64) {
        let chunk = chunk_of(vid);
        self.from_rows.insert(chunk);
        if self.open.as_ref().is_some_and(|(c, _)| *c == chunk) {
            self.open = None;
        }
    }

    fn store_open(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        match self.open.take() {
            Some((chunk, fill)) => put(conn, chunk, &fill.finish()),
            None => Ok(()),
        }
    }

    /// Stores the last chunk, and builds from the rows those the writer could not fill.
    pub fn finish(mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.store_open(conn)?;
        for chunk in std::mem::take(&mut self.from_rows) {
            store(conn, chunk)?;
        }
        Ok(())
    }
}

/// Rebuilds the chunks that version ids `vids` fall in (versions rewritten in place).
pub fn refresh_vids(
    conn: &Connection,
    vids: impl IntoIterator<Item = i64>,
) -> rusqlite::Result<()> {
    let chunks: BTreeSet<i64> = vids.into_iter().map(chunk_of).collect();
    for chunk in chunks {
        store(conn, chunk)?;
    }
    Ok(())
}

/// Reads chunks, reusing one set of buffers for all of them.
#[derive(Default)]
pub struct Reader {
    chunk: Chunk,
    bytes: Vec<u8>,
    zstd: Option<zstd::bulk::Decompressor<'static>>,
    /// Chunks read from the rows because they were not stored (or not readable).
    pub rebuilt: u32,
}

/// Decompresses `z` into `out`, reusing its allocation and the decompressor.
fn unpack(
    z: &[u8],
    out: &mut Vec<u8>,
    zstd: &mut Option<zstd::bulk::Decompressor<'static>>,
) -> Option<()> {
    let size = zstd::zstd_safe::get_frame_content_size(z).ok()??;
    out.clear();
    out.reserve(usize::try_from(size).ok()?);
    if zstd.is_none() {
        *zstd = zstd::bulk::Decompressor::new().ok();
    }
    zstd.as_mut()?.decompress_to_buffer(z, out).ok()?;
    Some(())
}

impl Reader {
    /// Chunk `chunk` with `parts` read: from `vcolumn`, or from the rows when it is not there
    /// (or not readable).
    pub fn read(
        &mut self,
        conn: &Connection,
        chunk: i64,
        parts: &[Part],
    ) -> rusqlite::Result<&Chunk> {
        let mut st = conn.prepare_cached("SELECT data FROM vcolumn WHERE key = ?1")?;
        let Reader {
            chunk: c,
            bytes,
            zstd,
            ..
        } = self;
        for &part in parts {
            // Decompressed straight from SQLite's buffer into the reused one.
            let ok = st
                .query_row([key(chunk, part)], |r| {
                    let z = r.get_ref(0)?.as_blob()?;
                    Ok(unpack(z, bytes, zstd).and_then(|()| c.decode(part, bytes)))
                })
                .optional()?
                .flatten();
            if ok.is_none() {
                tracing::warn!("version columns of chunk {chunk} not stored: read from the rows");
                self.rebuilt += 1;
                self.chunk = Chunk::build(conn, chunk)?;
                break;
            }
        }
        Ok(&self.chunk)
    }
}

/// Bit `b` set where `test` holds for `column[64k + b]`: block `k` of a column as one word of a
/// [`VidSet`] (a column indexed by `vid - 1`). Whole blocks go through a fixed-length loop the
/// compiler unrolls and vectorises.
#[inline]
pub fn bits<T: Copy>(column: &[T], k: usize, test: impl Fn(T) -> bool) -> u64 {
    let start = (k * 64).min(column.len());
    let block = &column[start..(start + 64).min(column.len())];
    let mut w = 0u64;
    if let Ok(whole) = <&[T; 64]>::try_from(block) {
        for (b, &x) in whole.iter().enumerate() {
            w |= u64::from(test(x)) << b;
        }
    } else {
        for (b, &x) in block.iter().enumerate() {
            w |= u64::from(test(x)) << b;
        }
    }
    w
}

/// The positions of the bits set in `w`, lowest first.
pub fn ones(mut w: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (w != 0).then(|| {
            let b = w.trailing_zeros() as usize;
            w &= w - 1;
            b
        })
    })
}

/// A set of version ids (bit `vid - 1`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VidSet {
    words: Vec<u64>,
}

impl FromIterator<i64> for VidSet {
    fn from_iter<I: IntoIterator<Item = i64>>(vids: I) -> VidSet {
        let mut set = VidSet::default();
        for vid in vids {
            set.insert(vid);
        }
        set
    }
}

impl VidSet {
    pub fn insert(&mut self, vid: i64) {
        if vid < 1 {
            return;
        }
        let i = (vid - 1) as usize;
        if self.words.len() <= i / 64 {
            self.words.resize(i / 64 + 1, 0);
        }
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// The ids `1..=n` for which `keep` holds (tests; the product builds sets a block at a
    /// time: [`VidSet::of_blocks`]).
    #[cfg(test)]
    pub fn of(n: usize, keep: impl Fn(u32) -> bool + Sync) -> VidSet {
        VidSet::of_blocks(n, |k| {
            let base = k * 64;
            let mut w = 0u64;
            for b in 0..64.min(n - base) {
                w |= u64::from(keep((base + b + 1) as u32)) << b;
            }
            w
        })
    }

    /// The set of ids `1..=n` whose word `k` (ids `64k + 1..=64k + 64`) is `block(k)`, the
    /// words computed on every core. Bits past `n` are cleared. A block at a time lets a test
    /// read a column's 64 values in one tight loop (see [`bits`]) and skip the other tests
    /// once no id of the block is left.
    pub fn of_blocks(n: usize, block: impl Fn(usize) -> u64 + Sync) -> VidSet {
        let mut words = vec![0u64; n.div_ceil(64)];
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        // Small sets are not worth a thread.
        let per = if n < 200_000 {
            words.len().max(1)
        } else {
            words.len().div_ceil(threads).max(1)
        };
        let fill = |first_word: usize, out: &mut [u64]| {
            for (k, w) in out.iter_mut().enumerate() {
                *w = block(first_word + k);
            }
        };
        std::thread::scope(|scope| {
            let mut parts = words.chunks_mut(per).enumerate();
            let first = parts.next();
            for (k, part) in parts {
                let fill = &fill;
                scope.spawn(move || fill(k * per, part));
            }
            if let Some((_, part)) = first {
                fill(0, part);
            }
        });
        if n % 64 != 0
            && let Some(last) = words.last_mut()
        {
            *last &= (1u64 << (n % 64)) - 1;
        }
        VidSet { words }
    }

    /// Appends to `out` the ids of `piece` (at most `buf.len()`) in the set.
    #[inline]
    fn keep_piece<'a>(
        &self,
        piece: impl Iterator<Item = &'a u32>,
        buf: &mut [u32],
        out: &mut Vec<u32>,
    ) {
        let mut k = 0;
        for (&id, _) in piece.zip(0..buf.len()) {
            buf[k] = id;
            k += usize::from(self.contains(i64::from(id)));
        }
        out.extend_from_slice(&buf[..k]);
    }

    /// Word `k` of the set: ids `64k + 1..=64k + 64` (0 past the end).
    pub fn word(&self, k: usize) -> u64 {
        self.words.get(k).copied().unwrap_or(0)
    }

    /// The ids of `ordering` in the set, in that order (the ordering cut in one piece a core),
    /// or in the reverse order when `reverse`.
    pub fn keep_in_order(&self, ordering: &[u32], reverse: bool) -> Vec<u32> {
        // Without a branch on the bit (a filter keeping a GPT in ten mispredicts often): each
        // id is written to a small buffer and the cursor moves when it is kept.
        const PIECE: usize = 1024;
        let keep = |part: &[u32]| -> Vec<u32> {
            let mut out = Vec::new();
            let mut buf = [0u32; PIECE];
            if reverse {
                for piece in part.rchunks(PIECE) {
                    self.keep_piece(piece.iter().rev(), &mut buf, &mut out);
                }
            } else {
                for piece in part.chunks(PIECE) {
                    self.keep_piece(piece.iter(), &mut buf, &mut out);
                }
            }
            out
        };
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        if ordering.len() < 200_000 || threads < 2 {
            return keep(ordering);
        }
        let per = ordering.len().div_ceil(threads);
        let mut pieces: Vec<&[u32]> = ordering.chunks(per).collect();
        if reverse {
            pieces.reverse();
        }
        let parts: Vec<Vec<u32>> = std::thread::scope(|scope| {
            let handles: Vec<_> = pieces[1..]
                .iter()
                .map(|&part| scope.spawn(move || keep(part)))
                .collect();
            let mut parts = vec![keep(pieces[0])];
            // A part's thread cannot fail but by a panic, which goes on here.
            parts.extend(handles.into_iter().map(|h| match h.join() {
                Ok(kept) => kept,
                Err(panic) => std::panic::resume_unwind(panic),
            }));
            parts
        });
        parts.concat()
    }

    pub fn contains(&self, vid: i64) -> bool {
        vid >= 1 && {
            let i = (vid - 1) as usize;
            self.words
                .get(i / 64)
                .is_some_and(|w| w & (1 << (i % 64)) != 0)
        }
    }

    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The highest version id in the set (0 when empty).
    pub fn max(&self) -> i64 {
        match self.words.iter().rposition(|w| *w != 0) {
            Some(i) => (i * 64 + 64 - self.words[i].leading_zeros() as usize) as i64,
            None => 0,
        }
    }

    /// The version ids in `lo..=hi`, ascending.
    pub fn range(&self, lo: i64, hi: i64) -> impl Iterator<Item = i64> + '_ {
        let (lo, hi) = (lo.max(1), hi.min(self.words.len() as i64 * 64));
        let (w0, w1) = (((lo - 1) / 64) as usize, ((hi.max(lo) - 1) / 64) as usize);
        self.words
            .get(w0..=w1.min(self.words.len().saturating_sub(1)))
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .flat_map(move |(k, &w)| {
                let base = ((w0 + k) * 64) as i64;
                ones(w).map(move |b| base + b as i64 + 1)
            })
            .filter(move |v| (lo..=hi).contains(v))
    }

    fn to_bytes(&self) -> Vec<u8> {
        self.words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    fn from_bytes(b: &[u8]) -> VidSet {
        VidSet {
            words: b
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        }
    }
}

/// Stores the version ids snapshot `snapshot_id` holds.
pub fn write_members(conn: &Connection, snapshot_id: i64, set: &VidSet) -> rusqlite::Result<()> {
    let z = zstd::bulk::compress(&set.to_bytes(), LEVEL)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute(
        "INSERT OR REPLACE INTO snapshot_vids (snapshot_id, vids) VALUES (?1, ?2)",
        params![snapshot_id, z],
    )?;
    Ok(())
}

/// The version ids snapshot `snapshot_id` holds: stored, or read off the intervals.
pub fn members(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<VidSet> {
    let z: Option<Vec<u8>> = conn
        .query_row(
            "SELECT vids FROM snapshot_vids WHERE snapshot_id = ?1",
            [snapshot_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(bytes) = z.and_then(|z| zstd::stream::decode_all(&z[..]).ok()) {
        return Ok(VidSet::from_bytes(&bytes));
    }
    conn.prepare(&format!(
        "SELECT vid FROM gpt WHERE {}",
        alive_in("", snapshot_id)
    ))?
    .query_map([], |r| r.get(0))?
    .collect()
}

/// Writes every snapshot's version ids again, from the intervals (after versions moved between
/// snapshots: a recompute's split, a migration).
/// Their stored first pages name version ids too: [`write_all_tops`] after it.
pub fn write_all_members(conn: &Connection) -> rusqlite::Result<()> {
    let snapshots: Vec<i64> = conn
        .prepare("SELECT id FROM snapshot ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sets = vec![VidSet::default(); snapshots.len()];
    let mut st = conn.prepare("SELECT vid, first, last FROM gpt")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (vid, first, last): (i64, i64, Option<i64>) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let from = snapshots.partition_point(|s| *s < first);
        for (k, s) in snapshots.iter().enumerate().skip(from) {
            if last.is_some_and(|l| *s > l) {
                break;
            }
            sets[k].insert(vid);
        }
    }
    drop(rows);
    for (s, set) in snapshots.iter().zip(&sets) {
        write_members(conn, *s, set)?;
    }
    Ok(())
}

/// Writes every complete snapshot's `snapshot.top` again from its version ids and the
/// columns' conversations and availability: after versions moved between snapshots (a
/// recompute's split gives the other snapshots new version ids, so their stored tops would
/// name versions they no longer hold; the migration to schema 9). Reads the numbers part
/// alone: ~31 chunks a 1M snapshot.
pub fn write_all_tops(conn: &Connection) -> rusqlite::Result<()> {
    let snapshots: Vec<i64> = conn
        .prepare("SELECT id FROM snapshot WHERE status = 'complete' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut reader = Reader::default();
    for sid in snapshots {
        let members = members(conn, sid)?;
        let mut top = super::schema::TopByConversations::default();
        for chunk in 0..=(members.max() - 1).div_euclid(CHUNK) {
            let lo = chunk * CHUNK + 1;
            let mut vids = members.range(lo, lo + CHUNK - 1).peekable();
            if vids.peek().is_none() {
                continue;
            }
            let c = reader.read(conn, chunk, &[Part::Numbers])?;
            for vid in vids {
                let slot = (vid - lo) as usize;
                if c.available.get(slot) == Some(&true) {
                    top.push(c.conv_known[slot].then(|| i64::from(c.conv[slot])), vid);
                }
            }
        }
        conn.execute(
            "UPDATE snapshot SET top = ?2 WHERE id = ?1",
            params![sid, top.json()],
        )?;
    }
    Ok(())
}

/// Builds everything from the rows (a migration to schema 6).
pub fn build_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("DELETE FROM vcolumn; DELETE FROM snapshot_vids;")?;
    refresh_from(conn, 1)?;
    write_all_members(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vid_set_iterates_what_it_holds_in_any_range() {
        let mut s = VidSet::default();
        for v in [1, 2, 64, 65, 130, 1000] {
            s.insert(v);
        }
        assert_eq!(s.len(), 6);
        assert_eq!(s.max(), 1000);
        assert!(s.contains(65) && !s.contains(66) && !s.contains(0));
        assert_eq!(
            s.range(1, 2000).collect::<Vec<_>>(),
            [1, 2, 64, 65, 130, 1000]
        );
        assert_eq!(s.range(2, 129).collect::<Vec<_>>(), [2, 64, 65]);
        assert_eq!(s.range(131, 999).count(), 0);
        assert_eq!(VidSet::from_bytes(&s.to_bytes()), s);
        assert_eq!(VidSet::default().max(), 0);
        // Kept in an ordering's order, cut among the cores.
        let big = VidSet::of(1_000_003, |id| id % 3 == 0);
        let order: Vec<u32> = (1..=1_000_003u32).rev().collect();
        let kept = big.keep_in_order(&order, false);
        assert_eq!(kept.len(), 333_334);
        assert!(kept.windows(2).all(|w| w[0] > w[1] && w[0] % 3 == 0));
        let back = big.keep_in_order(&order, true);
        assert_eq!(back, kept.iter().rev().copied().collect::<Vec<_>>());
        assert_eq!(
            VidSet::of(100, |id| id % 3 == 0).keep_in_order(&[9, 1, 3, 99, 4], true),
            [99, 3, 9]
        );
        // Computed on every core, it holds what one pass would.
        for n in [0, 1, 63, 64, 65, 1_000_003] {
            let set = VidSet::of(n, |id| id % 7 == 3 || id == n as u32);
            let mut one = VidSet::default();
            for id in (1..=n as i64).filter(|id| id % 7 == 3 || *id == n as i64) {
                one.insert(id);
            }
            assert_eq!(
                set.range(1, n as i64).collect::<Vec<_>>(),
                one.range(1, n as i64).collect::<Vec<_>>(),
                "{n}"
            );
        }
    }

    /// Every chunk stored in `db` equals the chunk built from its rows.
    fn assert_stored_as_built(db: &crate::store::db::Db) {
        let conn = db.conn();
        let mut reader = Reader::default();
        for chunk in 0..=chunk_of(max_vid(conn).unwrap()) {
            let stored = reader.read(conn, chunk, &Part::ALL).unwrap().clone();
            assert_eq!(reader.rebuilt, 0, "chunk {chunk} stored");
            let built = Chunk::build(conn, chunk).unwrap();
            // Ratings compared bit for bit (unrated is NaN, unequal to itself).
            let bits = |c: &Chunk| c.rating.iter().map(|r| r.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&stored), bits(&built), "chunk {chunk}");
            let no_rating = |c: Chunk| Chunk {
                rating: vec![],
                ..c
            };
            assert_eq!(no_rating(stored), no_rating(built), "chunk {chunk}");
        }
    }

    /// The 300 gizmos of 2023, some in several categories, and `extra` lines after them.
    fn gizmos(dir: &std::path::Path, extra: &[String]) -> std::path::PathBuf {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/gizmos_2023-11_300.jsonl"
        ))
        .unwrap();
        let mut lines: Vec<String> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let cats = match i % 7 {
                0 => serde_json::json!(["writing", "research"]),
                3 => serde_json::json!(["dalle"]),
                5 => serde_json::json!(["programming", "writing", "education"]),
                _ => continue,
            };
            v["display"]["categories"] = cats;
            lines.push(v.to_string());
        }
        lines.extend(extra.iter().cloned());
        let path = dir.join("gizmos.jsonl");
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    }

    fn import_file(db: &mut crate::store::db::Db, path: &std::path::Path) {
        let inputs = [crate::store::import::Input::Path(path.to_owned())];
        crate::store::import::import(db, &inputs, &Default::default(), &|_| {}).unwrap();
    }

    #[test]
    fn columns_filled_while_writing_equal_columns_read_from_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        // The bundled sample, into a new database: Actions, authors, conversations.
        let (_, db) = crate::assets::sample_db(dir.path());
        assert_stored_as_built(&db);
        // Several categories, a first import.
        let path = gizmos(dir.path(), &[]);
        let mut db =
            crate::store::db::Db::open(&dir.path().join("g.db"), Default::default()).unwrap();
        import_file(&mut db, &path);
        let c = Chunk::build(db.conn(), 0).unwrap();
        assert!(c.more_categories.len() > 40, "{}", c.more_categories.len());
        assert_stored_as_built(&db);
        // A later import whose versions share chunk 0 with the first's.
        let mut v: serde_json::Value = serde_json::from_str(
            std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .next()
                .unwrap(),
        )
        .unwrap();
        v["display"]["name"] = "Renamed".into();
        std::fs::write(&path, v.to_string()).unwrap();
        import_file(&mut db, &path);
        assert_stored_as_built(&db);
    }

    #[test]
    fn a_duplicate_merged_in_an_import_leaves_the_newer_record_in_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let first = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/gizmos_2023-11_300.jsonl"
        ))
        .unwrap();
        let mut v: serde_json::Value =
            serde_json::from_str(first.lines().nth(10).unwrap()).unwrap();
        v["display"]["name"] = "Newer Name".into();
        v["updated_at"] = "2023-12-30T00:00:00+00:00".into();
        let path = gizmos(dir.path(), &[v.to_string()]);
        let mut db =
            crate::store::db::Db::open(&dir.path().join("g.db"), Default::default()).unwrap();
        import_file(&mut db, &path);
        assert_stored_as_built(&db);
        let mut reader = Reader::default();
        let names = &reader.read(db.conn(), 0, &[Part::Names]).unwrap().names;
        assert!(names.iter().any(|n| n == "newer name"), "{names:?}");
    }

    #[test]
    fn a_builder_stores_each_chunk_when_the_versions_move_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::db::Db::open(&dir.path().join("b.db"), Default::default()).unwrap();
        let conn = db.conn();
        let stored = || -> Vec<i64> {
            let mut st = conn
                .prepare("SELECT key FROM vcolumn ORDER BY key")
                .unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        let row = |name: &'static str| Row {
            conv: Some(5),
            rating: Some(4.5),
            reviews: Some(2),
            created: Some(1_700_000_000),
            updated: None,
            tools: 3,
            available: true,
            category: Some("writing"),
            author: Some("user-a"),
            name_key: Some(name),
            lang: "en",
            signals: 1,
            categories: &[],
            review_total: Some(9),
        };
        let mut b = Builder::new(1);
        for vid in [CHUNK - 1, CHUNK] {
            b.add(conn, vid, &row("a"), [(Some("x.com"), "none")].into_iter())
                .unwrap();
        }
        assert!(stored().is_empty(), "chunk 0 is still being filled");
        b.add(conn, CHUNK + 1, &row("b"), std::iter::empty())
            .unwrap();
        let parts: Vec<i64> = Part::ALL.iter().map(|p| key(0, *p)).collect();
        assert_eq!(stored(), parts, "chunk 0 stored once version ids left it");
        b.finish(conn).unwrap();
        assert_eq!(stored().len(), 2 * Part::ALL.len());
        let mut reader = Reader::default();
        let c0 = reader.read(conn, 0, &Part::ALL).unwrap().clone();
        assert_eq!(c0.len, CHUNK as usize);
        let last = CHUNK as usize - 1;
        assert_eq!((c0.conv[last], c0.conv_known[0]), (5, false));
        assert_eq!(c0.names[last - 1..], ["a", "a"]);
        assert_eq!(c0.action_start[last - 1..], [0, 1, 2]);
        assert_eq!(c0.domains, ["x.com"]);
        let c1 = reader.read(conn, 1, &Part::ALL).unwrap();
        assert_eq!((c1.len, c1.names[0].as_str(), c1.author[0]), (1, "b", 0));
        assert_eq!(c1.author_ids, ["user-a"]);
    }

    #[test]
    fn every_part_reads_back_what_was_written_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        // A GPT in two categories (the sample has none).
        db.conn()
            .execute(
                r#"UPDATE gpt SET category = 'writing', categories = '["writing","research"]'
                   WHERE vid = 7"#,
                [],
            )
            .unwrap();
        refresh_vids(db.conn(), [7]).unwrap();
        let built = Chunk::build(db.conn(), 0).unwrap();
        assert!(built.len > 300, "{}", built.len);
        assert_eq!(built.actions.len(), 46);
        assert_eq!(built.more_categories.len(), 1);
        let (slot, more) = &built.more_categories[0];
        assert_eq!(*slot, 6);
        assert_eq!(built.category_names[more[0] as usize], "research");
        let mut reader = Reader::default();
        let stored = reader.read(db.conn(), 0, &Part::ALL).unwrap().clone();
        assert_eq!(reader.rebuilt, 0, "read as stored");
        assert_eq!(stored.len, built.len);
        assert_eq!(stored.conv, built.conv);
        assert_eq!(stored.category_names, built.category_names);
        assert_eq!(stored.more_categories, built.more_categories);
        assert_eq!(stored.author, built.author);
        assert_eq!(stored.actions, built.actions);
        assert_eq!(stored.names, built.names);
        let bytes = built.encode(Part::Actions);
        let mut c = Chunk::default();
        assert!(c.decode(Part::Actions, &bytes[..bytes.len() - 1]).is_none());
        assert!(c.decode(Part::Actions, &bytes).is_some());
        // A damaged part stored: the chunk is read from the rows instead.
        db.conn()
            .execute("UPDATE vcolumn SET data = x'00' WHERE key = 3", [])
            .unwrap();
        let again = reader.read(db.conn(), 0, &Part::ALL).unwrap();
        assert_eq!(again.actions, built.actions);
        assert_eq!(reader.rebuilt, 1);
    }
}
