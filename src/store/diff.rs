//! What changed between two snapshots: GPTs added, removed (gone, or become unavailable), and
//! changed, each change typed (conversation bucket up/down, rating and reviews up/down, name or
//! description edited, tools / Actions / signals gained or lost, categories or author changed),
//! plus store-front shelf moves (entered, left, position up/down).
//!
//! How: the two GPT tables are scanned at once, a thread and a connection each, every row
//! reduced to (id hash, rowid, hash of its compared columns), and joined as they stream (a
//! symmetric hash join, see [`join`]); only the GPTs whose hashes differ are read again in full,
//! in sorted rowid batches, and the detail rows (description, Action domains) only for those
//! whose detail key changed. A SQL join on the id index was the first version: 13–15 s for two
//! 1M snapshots, against about 2 s this way; the streaming join also gives the diff screen its
//! first page while the scans go on.

use super::db::{Db, Result};
use super::query::{SnapshotInfo, SnapshotRef};
use super::record::ToolMask;
use super::schema::gpt_table;
use crate::signals::SignalKind;
use rustc_hash::FxHashMap;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

/// The change types, as `--type` and the diff screen (its `←`/`→` order) name them: a changed
/// GPT's fields, then GPTs added and removed, shelf moves, and the rising list.
pub const FIELDS: [&str; 14] = [
    "conversations",
    "rating",
    "reviews",
    "name",
    "description",
    "tools",
    "actions",
    "categories",
    "signals",
    "author",
    "added",
    "removed",
    "shelves",
    "rising",
];

/// One typed change of one GPT.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: &'static str,
    /// `up`, `down`, `edited`, `added`, `removed`, `gained`, `lost`, `changed`, `unavailable`,
    /// `available`.
    pub kind: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A GPT in one snapshot only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub conversations: Option<String>,
    /// Added: `new` or `available again`; removed: `gone` or `unavailable`.
    pub status: &'static str,
}

/// A GPT in both, changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub id: String,
    pub name: String,
    /// How big the change is (the order of the list): conversation decades moved, times 3,
    /// plus one a change.
    pub size: f64,
    pub changes: Vec<Change>,
}

/// A GPT's move on a store-front shelf.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShelfMove {
    pub shelf: String,
    pub id: String,
    pub name: Option<String>,
    /// `entered`, `left`, `up`, `down`.
    pub kind: &'static str,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// A GPT whose conversation bucket went up, and how fast for its age.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rising {
    pub id: String,
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Days from its creation to the later snapshot, when its creation date is known.
    pub age_days: Option<i64>,
    /// Decades of conversations climbed (log10 of the lower bounds, plus one).
    pub decades: f64,
    /// The order of the rising list: see [`RISING_RULE`].
    pub score: f64,
}

impl Rising {
    /// "N days old", or "age unknown".
    pub fn age(&self) -> String {
        self.age_days
            .map_or_else(|| "age unknown".to_owned(), |d| format!("{d} days old"))
    }
}

/// How the rising list is ordered.
pub const RISING_RULE: &str = "decades of conversations climbed (log10 of the lower bounds) per \
                               month of age at the later snapshot; under a month counts as one";

/// The diff of snapshot `a` (before) to `b` (after).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub a: SnapshotRef,
    pub b: SnapshotRef,
    pub added: Vec<Entry>,
    /// Gone from `b`, or there but unavailable.
    pub removed: Vec<Entry>,
    pub changed: Vec<Changed>,
    pub shelves: Vec<ShelfMove>,
    /// The GPTs whose conversation bucket went up, fastest for their age first.
    pub rising: Vec<Rising>,
    /// GPTs with each change type, and the totals (`added`, `removed`, `changed`).
    pub counts: std::collections::BTreeMap<String, usize>,
    /// False for the first page a screen gets while the rest is computed.
    #[serde(skip)]
    pub complete: bool,
}

impl Diff {
    /// Keeps only changes of the given types (and the GPTs that still have one).
    pub fn only(&mut self, fields: &[String]) {
        if fields.is_empty() {
            return;
        }
        let keep = |f: &str| fields.iter().any(|x| x == f);
        for c in &mut self.changed {
            c.changes.retain(|ch| keep(ch.field));
        }
        self.changed.retain(|c| !c.changes.is_empty());
        if !keep("shelves") {
            self.shelves.clear();
        }
        if !keep("rising") && !keep("conversations") {
            self.rising.clear();
        }
        if !keep("added") {
            self.added.clear();
        }
        if !keep("removed") {
            self.removed.clear();
        }
        self.count();
    }

    fn count(&mut self) {
        let mut counts = std::collections::BTreeMap::new();
        counts.insert("added".to_owned(), self.added.len());
        counts.insert("removed".to_owned(), self.removed.len());
        counts.insert("changed".to_owned(), self.changed.len());
        counts.insert("shelf_moves".to_owned(), self.shelves.len());
        counts.insert("rising".to_owned(), self.rising.len());
        for c in &self.changed {
            let mut seen: Vec<&str> = c.changes.iter().map(|ch| ch.field).collect();
            seen.dedup();
            for f in seen {
                *counts.entry(f.to_owned()).or_insert(0) += 1;
            }
        }
        self.counts = counts;
    }
}

fn tool_names(mask: u32) -> Vec<&'static str> {
    ToolMask::NAMED
        .iter()
        .filter(|(_, b)| mask & b != 0)
        .map(|(n, _)| *n)
        .collect()
}

fn decades(conv: Option<i64>) -> f64 {
    ((conv.unwrap_or(0).max(0) + 1) as f64).log10()
}

/// The compared columns of one GPT.
struct Row {
    id: String,
    name: String,
    bucket: Option<String>,
    conv: Option<i64>,
    rating: Option<f64>,
    reviews: Option<i64>,
    tools: u32,
    categories: Option<String>,
    author: Option<String>,
    signals: u32,
    available: bool,
    detail: Vec<u8>,
    created: Option<i64>,
}

/// The columns read: id, then the compared ones (hashed by the scan), then `created_at`.
const ROW_COLUMNS: &str = "id, name, conv_bucket, conv, rating, review_count, tools, categories, \
                           author_id, signals, available, detail, created_at";

/// Rows by rowid, read in sorted batches (far quicker than one query a row).
fn rows_by_rowid(db: &Db, snapshot: i64, rowids: &[u32]) -> Result<FxHashMap<u32, Row>> {
    let mut sorted = rowids.to_vec();
    sorted.sort_unstable();
    let mut out = FxHashMap::default();
    for chunk in sorted.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut st = db
            .conn()
            .prepare_cached(&format!(
                "SELECT rowid, {ROW_COLUMNS} FROM {} WHERE rowid IN ({marks})",
                gpt_table(snapshot)
            ))
            .map_err(|e| db.err(e))?;
        let mut rows = st
            .query(rusqlite::params_from_iter(chunk))
            .map_err(|e| db.err(e))?;
        while let Some(r) = rows.next().map_err(|e| db.err(e))? {
            let rowid: u32 = r.get(0).map_err(|e| db.err(e))?;
            let values = Row {
                id: r.get(1).map_err(|e| db.err(e))?,
                name: r.get(2).map_err(|e| db.err(e))?,
                bucket: r.get(3).map_err(|e| db.err(e))?,
                conv: r.get(4).map_err(|e| db.err(e))?,
                rating: r.get(5).map_err(|e| db.err(e))?,
                reviews: r.get(6).map_err(|e| db.err(e))?,
                tools: r.get(7).map_err(|e| db.err(e))?,
                categories: r.get(8).map_err(|e| db.err(e))?,
                author: r.get(9).map_err(|e| db.err(e))?,
                signals: r.get(10).map_err(|e| db.err(e))?,
                available: r.get(11).map_err(|e| db.err(e))?,
                detail: r.get(12).map_err(|e| db.err(e))?,
                created: r.get(13).map_err(|e| db.err(e))?,
            };
            out.insert(rowid, values);
        }
    }
    Ok(out)
}

/// Descriptions and Action domains of detail rows (by hash), read in batches.
type Details = FxHashMap<Vec<u8>, (Option<String>, Vec<String>)>;

fn details(db: &Db, hashes: &[&[u8]]) -> Result<Details> {
    let mut out: Details = FxHashMap::default();
    let mut unique: Vec<&[u8]> = hashes.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let e = |e| db.err(e);
    for chunk in unique.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut st = db
            .conn()
            .prepare_cached(&format!(
                "SELECT hash, description FROM detail WHERE hash IN ({marks})"
            ))
            .map_err(e)?;
        let mut rows = st.query(rusqlite::params_from_iter(chunk)).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            out.insert(r.get(0).map_err(e)?, (r.get(1).map_err(e)?, Vec::new()));
        }
        let mut st = db
            .conn()
            .prepare_cached(&format!(
                "SELECT detail, coalesce(domain, '') FROM detail_action
                 WHERE detail IN ({marks}) ORDER BY detail, pos"
            ))
            .map_err(e)?;
        let mut rows = st.query(rusqlite::params_from_iter(chunk)).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            let hash: Vec<u8> = r.get(0).map_err(e)?;
            let domain: String = r.get(1).map_err(e)?;
            out.entry(hash).or_default().1.push(domain);
        }
    }
    Ok(out)
}

/// Runs `work(db, false)` here and `work(db, true)` on a second connection in a thread, at
/// once: the two snapshots' sides of a diff.
fn both<T: Send>(db: &Db, work: impl Fn(&Db, bool) -> Result<T> + Sync) -> Result<(T, T)> {
    let path = db.path().to_path_buf();
    let (here, there) = std::thread::scope(|s| {
        let work = &work;
        let other = s.spawn(move || {
            let second = open_mapped(&path)?;
            work(&second, true)
        });
        let here = work(db, false);
        let there = other.join().unwrap_or_else(|_| Err(stopped()));
        (here, there)
    });
    Ok((here?, there?))
}

/// A second connection for a diff's reads, the file memory-mapped: pages are read in place
/// rather than copied into the connection's cache (a fifth of a 1M scan's time went to that
/// copy). Only for the diff's own short-lived connections, so the explorer's resident memory
/// does not count the mapped file.
fn open_mapped(path: &std::path::Path) -> Result<Db> {
    let db = Db::open(path, std::time::Duration::from_secs(5))?;
    db.conn()
        .pragma_update(None, "mmap_size", 1_i64 << 40)
        .map_err(|e| db.err(e))?;
    Ok(db)
}

fn stopped() -> super::StoreError {
    super::StoreError::Invalid("a diff thread stopped".into())
}

/// One GPT of a scan: where it is, whether it is available, a hash of its compared columns
/// and one of its detail row's key.
#[derive(Clone, Copy)]
struct Facts {
    rowid: u32,
    available: bool,
    hash: u64,
    detail: u64,
}

/// Rows a scan sends at a time.
const SCAN_CHUNK: usize = 4096;

/// Changed GPTs found before the diff screen gets its first page.
pub const FIRST_PAGE: usize = 200;

/// Every GPT version of `snapshot` that `other` does not share (a version in both is the same
/// row: nothing changed), by id (a 64-bit hash of it: no allocation a row), the compared
/// columns hashed as read, sent on in chunks. Found by the versions' bounds, so a diff of two
/// daily snapshots reads the day's changes, not the snapshots.
fn scan(
    db: &Db,
    snapshot: i64,
    other: i64,
    send: &mut dyn FnMut(Vec<(u64, Facts)>) -> bool,
) -> Result<()> {
    use rusqlite::types::ValueRef;
    let e = |e| db.err(e);
    let mut st = db
        .conn()
        .prepare(&format!(
            "SELECT vid, {ROW_COLUMNS} FROM gpt WHERE {}",
            super::versions::only_in(snapshot, other)
        ))
        .map_err(e)?;
    let mut rows = st.query([]).map_err(e)?;
    let mut out = Vec::with_capacity(SCAN_CHUNK);
    // The compared columns laid end to end, hashed at once (quicker than a streaming hash).
    let mut buf: Vec<u8> = Vec::with_capacity(512);
    while let Some(r) = rows.next().map_err(e)? {
        buf.clear();
        for i in 2..=12 {
            match r.get_ref(i).map_err(e)? {
                ValueRef::Null => buf.push(0),
                ValueRef::Integer(v) => buf.extend_from_slice(&v.to_le_bytes()),
                ValueRef::Real(v) => buf.extend_from_slice(&v.to_bits().to_le_bytes()),
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    buf.extend_from_slice(&(t.len() as u32).to_le_bytes());
                    buf.extend_from_slice(t);
                }
            }
        }
        let id = xxh3_64(r.get_ref(1).map_err(e)?.as_bytes().unwrap_or(b""));
        let detail = xxh3_64(r.get_ref(12).map_err(e)?.as_bytes().unwrap_or(b""));
        out.push((
            id,
            Facts {
                rowid: r.get(0).map_err(e)?,
                available: r.get(11).map_err(e)?,
                hash: xxh3_64(&buf),
                detail,
            },
        ));
        if out.len() == SCAN_CHUNK
            && !send(std::mem::replace(&mut out, Vec::with_capacity(SCAN_CHUNK)))
        {
            return Ok(());
        }
    }
    if !out.is_empty() {
        send(out);
    }
    Ok(())
}

/// A GPT in both snapshots whose compared columns differ: its rowids, and whether its detail
/// row changed.
#[derive(Clone, Copy)]
struct Pair {
    a: u32,
    b: u32,
    detail: bool,
}

/// What the scans found: GPTs gone from `b` (rowids in `a`), GPTs new or available again in
/// `b` (rowids in `b`), and the changed pairs.
#[derive(Default)]
struct Found {
    gone: Vec<u32>,
    added: Vec<(u32, bool)>,
    pairs: Vec<Pair>,
}

/// Scans both snapshots at once (a thread each) and joins them as the rows arrive: a row
/// whose id the other side has already sent is matched at once, else it waits in its side's
/// map. Snapshots of the same store list GPTs in much the same order, so the maps stay small
/// and matches come from the first chunks on; `first` is called with the first
/// [`FIRST_PAGE`] changed pairs, while the scans go on.
fn join(db: &Db, a: i64, b: i64, first: &mut dyn FnMut(&[Pair]) -> Result<()>) -> Result<Found> {
    let path = db.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(usize, Vec<(u64, Facts)>)>>(8);
    std::thread::scope(|s| {
        for (side, snapshot) in [(0usize, a), (1, b)] {
            let (tx, path) = (tx.clone(), path.clone());
            s.spawn(move || {
                let done = Db::open(&path, std::time::Duration::from_secs(5)).and_then(|db| {
                    scan(&db, snapshot, a + b - snapshot, &mut |chunk| {
                        tx.send(Ok((side, chunk))).is_ok()
                    })
                });
                if let Err(err) = done {
                    let _ = tx.send(Err(err));
                }
            });
        }
        drop(tx);
        let mut waiting: [FxHashMap<u64, Facts>; 2] = Default::default();
        let mut found = Found::default();
        let mut shown = false;
        // On an error the receiver is dropped on return, which stops the scans.
        for msg in rx {
            let (side, chunk) = msg?;
            for (id, f) in chunk {
                let Some(g) = waiting[1 - side].remove(&id) else {
                    waiting[side].insert(id, f);
                    continue;
                };
                let (fa, fb) = if side == 1 { (g, f) } else { (f, g) };
                if fa.hash != fb.hash {
                    found.pairs.push(Pair {
                        a: fa.rowid,
                        b: fb.rowid,
                        detail: fa.detail != fb.detail,
                    });
                } else if !fa.available && fb.available {
                    found.added.push((fb.rowid, true));
                }
            }
            if !shown && found.pairs.len() >= FIRST_PAGE {
                shown = true;
                first(&found.pairs)?;
            }
        }
        let [only_a, only_b] = waiting;
        found.gone = only_a
            .values()
            .filter(|f| f.available)
            .map(|f| f.rowid)
            .collect();
        found.added.extend(
            only_b
                .values()
                .filter(|f| f.available)
                .map(|f| (f.rowid, false)),
        );
        Ok(found)
    })
}

/// One side's rows for a diff, and the detail rows (description, Action domains) of those
/// whose detail changed.
fn read_side(
    db: &Db,
    snapshot: i64,
    rowids: &[u32],
    detail_of: &[u32],
) -> Result<(FxHashMap<u32, Row>, Details)> {
    let rows = rows_by_rowid(db, snapshot, rowids)?;
    let hashes: Vec<&[u8]> = detail_of
        .iter()
        .filter_map(|r| rows.get(r).map(|x| x.detail.as_slice()))
        .collect();
    let found = details(db, &hashes)?;
    Ok((rows, found))
}

/// The GPTs of `found` read, compared and sorted: the diff without its shelf moves (and
/// uncounted: the caller counts once it is whole).
fn resolve(
    db: &Db,
    a: &SnapshotInfo,
    b: &SnapshotInfo,
    found: Found,
    parallel: bool,
) -> Result<Diff> {
    let Found {
        gone,
        added: added_rows,
        pairs,
    } = found;
    let need_a: Vec<u32> = gone
        .iter()
        .copied()
        .chain(pairs.iter().map(|p| p.a))
        .collect();
    let need_b: Vec<u32> = added_rows
        .iter()
        .map(|x| x.0)
        .chain(pairs.iter().map(|p| p.b))
        .collect();
    let detail_a: Vec<u32> = pairs.iter().filter(|p| p.detail).map(|p| p.a).collect();
    let detail_b: Vec<u32> = pairs.iter().filter(|p| p.detail).map(|p| p.b).collect();
    let side = |db: &Db, after: bool| {
        if after {
            read_side(db, b.id, &need_b, &detail_b)
        } else {
            read_side(db, a.id, &need_a, &detail_a)
        }
    };
    let ((mut rows_a, details_a), (mut rows_b, details_b)) = if parallel {
        both(db, side)?
    } else {
        (side(db, false)?, side(db, true)?)
    };
    let missing = || super::StoreError::Invalid("a GPT vanished while diffing".into());
    let entry = |r: Row, status: &'static str| Entry {
        id: r.id,
        name: r.name,
        conversations: r.bucket,
        status,
    };
    let mut added = Vec::new();
    for (rowid, again) in added_rows {
        let r = rows_b.remove(&rowid).ok_or_else(missing)?;
        added.push((
            r.conv,
            entry(r, if again { "available again" } else { "new" }),
        ));
    }
    let mut removed = Vec::new();
    for rowid in gone {
        let r = rows_a.remove(&rowid).ok_or_else(missing)?;
        removed.push((r.conv, entry(r, "gone")));
    }
    let mut changed = Vec::new();
    let mut rising = Vec::new();
    let none = (None, Vec::new());
    for p in pairs {
        let (x, y) = (
            rows_a.remove(&p.a).ok_or_else(missing)?,
            rows_b.remove(&p.b).ok_or_else(missing)?,
        );
        match (x.available, y.available) {
            (true, false) => {
                removed.push((x.conv, entry(x, "unavailable")));
                continue;
            }
            (false, true) => {
                added.push((y.conv, entry(y, "available again")));
                continue;
            }
            (false, false) => continue,
            (true, true) => {}
        }
        if let Some(r) = rise(&x, &y, b.taken_at_unix) {
            rising.push(r);
        }
        let (mut changes, size) = classify(&x, &y);
        if p.detail {
            let (da, la) = details_a.get(&x.detail).unwrap_or(&none);
            let (db_, lb) = details_b.get(&y.detail).unwrap_or(&none);
            detail_changes(&mut changes, (da, la), (db_, lb));
        }
        if changes.is_empty() {
            continue;
        }
        changed.push(Changed {
            id: y.id,
            name: y.name,
            size: size + changes.len() as f64,
            changes,
        });
    }
    let by_conversations = |v: Vec<(Option<i64>, Entry)>| -> Vec<Entry> {
        let mut v = v;
        v.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.id.cmp(&y.1.id)));
        v.into_iter().map(|(_, e)| e).collect()
    };
    changed.sort_by(|x, y| y.size.total_cmp(&x.size).then_with(|| x.id.cmp(&y.id)));
    rising.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.id.cmp(&y.id)));
    Ok(Diff {
        a: SnapshotRef::from(a),
        b: SnapshotRef::from(b),
        added: by_conversations(added),
        removed: by_conversations(removed),
        changed,
        shelves: Vec::new(),
        rising,
        counts: Default::default(),
        complete: false,
    })
}

/// A GPT's climb from `a` to `b`, when its conversation bucket went up ([`RISING_RULE`]).
fn rise(a: &Row, b: &Row, at: i64) -> Option<Rising> {
    if a.bucket == b.bucket || b.conv.unwrap_or(0) <= a.conv.unwrap_or(0) {
        return None;
    }
    let decades = decades(b.conv) - decades(a.conv);
    let age_days = b.created.map(|c| (at - c).max(0) / 86_400);
    let months = age_days.map_or(1.0, |d| (d as f64 / 30.0).max(1.0));
    Some(Rising {
        id: b.id.clone(),
        name: b.name.clone(),
        from: a.bucket.clone(),
        to: b.bucket.clone(),
        age_days,
        decades,
        score: decades / months,
    })
}

/// The description edit and the Action domains added or removed, from the two detail rows.
fn detail_changes(
    changes: &mut Vec<Change>,
    (xa, la): (&Option<String>, &Vec<String>),
    (xb, lb): (&Option<String>, &Vec<String>),
) {
    if xa != xb {
        changes.push(Change {
            field: "description",
            kind: "edited",
            from: xa.clone(),
            to: xb.clone(),
        });
    }
    for d in lb.iter().filter(|d| !la.contains(d)) {
        changes.push(Change {
            field: "actions",
            kind: "added",
            from: None,
            to: Some(d.clone()),
        });
    }
    for d in la.iter().filter(|d| !lb.contains(d)) {
        changes.push(Change {
            field: "actions",
            kind: "removed",
            from: Some(d.clone()),
            to: None,
        });
    }
}

/// The typed changes from `a` to `b` (Action domains and descriptions come later, from the
/// detail rows), and the size of the conversation move.
fn classify(a: &Row, b: &Row) -> (Vec<Change>, f64) {
    let mut changes = Vec::new();
    let mut size = 0.0;
    let up = |up: bool| if up { "up" } else { "down" };
    if a.bucket != b.bucket {
        size += 3.0 * (decades(b.conv) - decades(a.conv)).abs();
        changes.push(Change {
            field: "conversations",
            kind: up(b.conv.unwrap_or(-1) >= a.conv.unwrap_or(-1)),
            from: a.bucket.clone(),
            to: b.bucket.clone(),
        });
    }
    if a.rating != b.rating {
        changes.push(Change {
            field: "rating",
            kind: up(b.rating.unwrap_or(0.0) >= a.rating.unwrap_or(0.0)),
            from: a.rating.map(|x| format!("{x:.2}")),
            to: b.rating.map(|x| format!("{x:.2}")),
        });
    }
    if a.reviews != b.reviews {
        changes.push(Change {
            field: "reviews",
            kind: up(b.reviews.unwrap_or(0) >= a.reviews.unwrap_or(0)),
            from: a.reviews.map(|x| x.to_string()),
            to: b.reviews.map(|x| x.to_string()),
        });
    }
    if a.name != b.name {
        changes.push(Change {
            field: "name",
            kind: "edited",
            from: Some(a.name.clone()),
            to: Some(b.name.clone()),
        });
    }
    for (mask, kind) in [
        (b.tools & !a.tools, "added"),
        (a.tools & !b.tools, "removed"),
    ] {
        // Actions are compared by domain, from the detail rows.
        for t in tool_names(mask).into_iter().filter(|t| *t != "actions") {
            changes.push(Change {
                field: "tools",
                kind,
                from: (kind == "removed").then(|| t.to_owned()),
                to: (kind == "added").then(|| t.to_owned()),
            });
        }
    }
    if a.categories != b.categories {
        let list = |k: &Option<String>| {
            k.as_deref()
                .and_then(|t| serde_json::from_str::<Vec<String>>(t).ok())
                .unwrap_or_default()
                .join(", ")
        };
        changes.push(Change {
            field: "categories",
            kind: "changed",
            from: Some(list(&a.categories)),
            to: Some(list(&b.categories)),
        });
    }
    if a.author != b.author {
        changes.push(Change {
            field: "author",
            kind: "changed",
            from: a.author.clone(),
            to: b.author.clone(),
        });
    }
    for k in SignalKind::ALL {
        let bit = u32::from(k.bit());
        let (had, has) = (a.signals & bit != 0, b.signals & bit != 0);
        if had != has {
            changes.push(Change {
                field: "signals",
                kind: if has { "gained" } else { "lost" },
                from: had.then(|| k.name().to_owned()),
                to: has.then(|| k.name().to_owned()),
            });
        }
    }
    (changes, size)
}

/// Computes the diff of `a` to `b`.
pub fn diff(db: &Db, a: &SnapshotInfo, b: &SnapshotInfo) -> Result<Diff> {
    diff_with(db, a, b, &mut |_| {})
}

/// Computes the diff of `a` to `b`, calling `first` with a partial diff (the first
/// [`FIRST_PAGE`] changed GPTs found, `complete` false) as soon as it has them: both GPT
/// tables are scanned at once and joined as they stream (see [`join`]), and only the GPTs
/// whose hashes differ are read again in full, each side on its own connection.
pub fn diff_with(
    db: &Db,
    a: &SnapshotInfo,
    b: &SnapshotInfo,
    first: &mut dyn FnMut(Diff),
) -> Result<Diff> {
    let found = join(db, a.id, b.id, &mut |pairs| {
        let some = Found {
            pairs: pairs.to_vec(),
            ..Found::default()
        };
        let mut page = resolve(db, a, b, some, false)?;
        page.count();
        first(page);
        Ok(())
    })?;
    let mut d = resolve(db, a, b, found, true)?;
    d.shelves = shelf_moves(db, a.id, b.id)?;
    d.complete = true;
    d.count();
    Ok(d)
}

/// Shelf positions of two snapshots compared: (shelf, GPT) → position.
fn shelf_moves(db: &Db, a: i64, b: i64) -> Result<Vec<ShelfMove>> {
    type Key = (String, String);
    let read = |snap: i64| -> Result<FxHashMap<Key, (i64, Option<String>)>> {
        let mut st = db
            .conn()
            .prepare(
                "SELECT shelf_id, gpt_id, position, name FROM shelf_entry
                 WHERE snapshot_id = ?1 AND gpt_id IS NOT NULL",
            )
            .map_err(|e| db.err(e))?;
        let rows = st
            .query_map([snap], |r| {
                Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<FxHashMap<_, _>>>())
            .map_err(|e| db.err(e))?;
        Ok(rows)
    };
    let (pa, pb) = (read(a)?, read(b)?);
    let mut out = Vec::new();
    for ((shelf, id), (to, name)) in &pb {
        let (kind, from) = match pa.get(&(shelf.clone(), id.clone())) {
            None => ("entered", None),
            Some((from, _)) if from > to => ("up", Some(*from)),
            Some((from, _)) if from < to => ("down", Some(*from)),
            Some(_) => continue,
        };
        out.push(ShelfMove {
            shelf: shelf.clone(),
            id: id.clone(),
            name: name.clone(),
            kind,
            from,
            to: Some(*to),
        });
    }
    for ((shelf, id), (from, name)) in &pa {
        if !pb.contains_key(&(shelf.clone(), id.clone())) {
            out.push(ShelfMove {
                shelf: shelf.clone(),
                id: id.clone(),
                name: name.clone(),
                kind: "left",
                from: Some(*from),
                to: None,
            });
        }
    }
    out.sort_by(|x, y| (&x.shelf, x.to.or(x.from), &x.id).cmp(&(&y.shelf, y.to.or(y.from), &y.id)));
    Ok(out)
}

/// The store front from one snapshot with shelves to the next: what entered, left, rose or
/// fell on each shelf.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShelfStep {
    pub from: SnapshotRef,
    pub to: SnapshotRef,
    pub moves: Vec<ShelfMove>,
}

/// The store front's history, oldest step first: each complete snapshot that has shelf entries
/// against the one before it that has them too (snapshots without a store front are skipped,
/// not counted as an empty front).
pub fn shelf_history(db: &Db) -> Result<Vec<ShelfStep>> {
    let mut st = db
        .conn()
        .prepare("SELECT DISTINCT snapshot_id FROM shelf_entry")
        .map_err(|e| db.err(e))?;
    let with: rustc_hash::FxHashSet<i64> = st
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| db.err(e))?;
    let fronts: Vec<SnapshotInfo> = super::query::snapshots(db)?
        .into_iter()
        .filter(|s| with.contains(&s.id))
        .collect();
    fronts
        .windows(2)
        .map(|w| {
            Ok(ShelfStep {
                from: (&w[0]).into(),
                to: (&w[1]).into(),
                moves: shelf_moves(db, w[0].id, w[1].id)?,
            })
        })
        .collect()
}

/// One GPT in one snapshot, for its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub snapshot: i64,
    pub taken_at: String,
    pub name: String,
    pub conversations: Option<String>,
    pub conversations_lower_bound: Option<i64>,
    pub rating: Option<f64>,
    pub review_count: Option<i64>,
    pub available: bool,
    /// Why this point's conversation jump is implausible, when it is.
    pub spike: Option<String>,
}

/// The spike rule: from one snapshot to the next the conversation lower bound grew at least
/// a hundredfold to 100K or more, or a GPT under 30 days old already shows 1M or more.
pub const SPIKE_RULE: &str = "lower bound ×100 or more to ≥ 100K between snapshots, or ≥ 1M \
                              at under 30 days old";

/// A GPT across every complete snapshot that has it, oldest first, spikes flagged. Reads the
/// GPT's versions (one per change), each spanning the snapshots its interval holds.
pub fn history(db: &Db, id: &str) -> Result<Vec<Point>> {
    let e = |e| db.err(e);
    struct Version {
        first: i64,
        last: Option<i64>,
        name: String,
        bucket: Option<String>,
        conv: Option<i64>,
        rating: Option<f64>,
        reviews: Option<i64>,
        available: bool,
        created: Option<i64>,
    }
    let versions: Vec<Version> = {
        let mut st = db
            .conn()
            .prepare_cached(
                "SELECT first, last, name, conv_bucket, conv, rating, review_count, available,
                        created_at
                 FROM gpt WHERE id = ?1 ORDER BY first",
            )
            .map_err(e)?;
        st.query_map([id], |r| {
            Ok(Version {
                first: r.get(0)?,
                last: r.get(1)?,
                name: r.get(2)?,
                bucket: r.get(3)?,
                conv: r.get(4)?,
                rating: r.get(5)?,
                reviews: r.get(6)?,
                available: r.get(7)?,
                created: r.get(8)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<_>>())
        .map_err(e)?
    };
    let mut out: Vec<Point> = Vec::new();
    if versions.is_empty() {
        return Ok(out);
    }
    for snap in super::query::snapshots(db)? {
        let Some(v) = versions
            .iter()
            .find(|v| v.first <= snap.id && v.last.is_none_or(|l| l >= snap.id))
        else {
            continue;
        };
        let mut p = Point {
            snapshot: snap.id,
            taken_at: snap.taken_at.clone(),
            name: v.name.clone(),
            conversations: v.bucket.clone(),
            conversations_lower_bound: v.conv,
            rating: v.rating,
            review_count: v.reviews,
            available: v.available,
            spike: None,
        };
        let created = v.created;
        let now = p.conversations_lower_bound.unwrap_or(0);
        let before = out
            .last()
            .and_then(|q| q.conversations_lower_bound)
            .unwrap_or(0);
        let young = created.is_some_and(|c| snap.taken_at_unix - c < 30 * 86_400);
        if !out.is_empty() && now >= 100_000 && now >= before.max(1) * 100 {
            p.spike = Some(format!("{before} → {now}: a hundredfold between snapshots"));
        } else if young && now >= 1_000_000 {
            p.spike = Some(format!("{now} at under 30 days old"));
        }
        out.push(p);
    }
    Ok(out)
}
