//! What changed between two snapshots: GPTs added, removed (gone, or become unavailable), and
//! changed, each change typed (conversation bucket up/down, rating and reviews up/down, name or
//! description edited, tools / Actions / signals gained or lost, categories or author changed),
//! plus store-front shelf moves (entered, left, position up/down).
//!
//! Done in SQL where the data is: one join of the two GPT tables on the id index that keeps
//! only rows whose compared columns differ (two identical 1M snapshots cost one index pass and
//! return nothing), two anti-joins for added and removed, and the detail rows (description,
//! Action domains) read only for GPTs whose detail hash changed.

use super::db::{Db, Result};
use super::query::{SnapshotInfo, SnapshotRef};
use super::record::ToolMask;
use super::schema::gpt_table;
use crate::signals::SignalKind;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// The change types, as `--type` and the diff screen's filter name them.
pub const FIELDS: [&str; 12] = [
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
    "availability",
    "shelves",
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
    /// GPTs with each change type, and the totals (`added`, `removed`, `changed`).
    pub counts: std::collections::BTreeMap<String, usize>,
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
        if !keep("added") {
            self.added.clear();
        }
        if !keep("removed") && !keep("availability") {
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
}

const ROW_COLUMNS: &str = "id, name, conv_bucket, conv, rating, review_count, tools, categories, \
                           author_id, signals, available, detail";

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
            let second = Db::open(&path, std::time::Duration::from_secs(5))?;
            work(&second, true)
        });
        let here = work(db, false);
        let there = other
            .join()
            .unwrap_or_else(|_| Err(super::StoreError::Invalid("a diff thread stopped".into())));
        (here, there)
    });
    Ok((here?, there?))
}

/// One GPT of a scan: where it is, whether it is available, and a hash of its compared columns.
#[derive(Clone, Copy)]
struct Facts {
    rowid: u32,
    available: bool,
    hash: u64,
}

/// Every GPT of a snapshot by id (a 64-bit hash of it: no allocation a row), in one sequential
/// scan, the compared columns hashed as read.
fn scan(db: &Db, snapshot: i64) -> Result<Vec<(u64, Facts)>> {
    use xxhash_rust::xxh3::Xxh3;
    let e = |e| db.err(e);
    let mut st = db
        .conn()
        .prepare(&format!(
            "SELECT rowid, {ROW_COLUMNS} FROM {}",
            gpt_table(snapshot)
        ))
        .map_err(e)?;
    let mut rows = st.query([]).map_err(e)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(e)? {
        let mut h = Xxh3::new();
        for i in 2..=12 {
            match r.get_ref(i).map_err(e)? {
                rusqlite::types::ValueRef::Null => h.update(&[0]),
                rusqlite::types::ValueRef::Integer(v) => h.update(&v.to_le_bytes()),
                rusqlite::types::ValueRef::Real(v) => h.update(&v.to_bits().to_le_bytes()),
                rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                    h.update(&(t.len() as u64).to_le_bytes());
                    h.update(t);
                }
            }
        }
        let id = xxhash_rust::xxh3::xxh3_64(r.get_ref(1).map_err(e)?.as_bytes().unwrap_or(b""));
        out.push((
            id,
            Facts {
                rowid: r.get(0).map_err(e)?,
                available: r.get(11).map_err(e)?,
                hash: h.digest(),
            },
        ));
    }
    Ok(out)
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

/// Computes the diff of `a` to `b`: both GPT tables scanned at once (two connections, two
/// threads), matched by id through a hash map, and only the GPTs whose hashes differ read
/// again in full.
pub fn diff(db: &Db, a: &SnapshotInfo, b: &SnapshotInfo) -> Result<Diff> {
    let (scan_a, scan_b) = both(db, |db, after| scan(db, if after { b.id } else { a.id }))?;
    let mut before: FxHashMap<u64, (Facts, bool)> = FxHashMap::default();
    before.reserve(scan_a.len());
    for (id, f) in scan_a {
        before.insert(id, (f, false));
    }
    let (mut added_rows, mut pairs) = (Vec::new(), Vec::new());
    for (id, fb) in scan_b {
        match before.get_mut(&id) {
            Some((fa, seen)) => {
                *seen = true;
                if fa.hash != fb.hash {
                    pairs.push((fa.rowid, fb.rowid));
                } else if !fa.available && fb.available {
                    added_rows.push((fb.rowid, true));
                }
            }
            None if fb.available => added_rows.push((fb.rowid, false)),
            None => {}
        }
    }
    let gone: Vec<u32> = before
        .values()
        .filter(|(f, seen)| !seen && f.available)
        .map(|(f, _)| f.rowid)
        .collect();
    drop(before);
    let (mut rows_a, mut rows_b) = {
        let need_a: Vec<u32> = gone
            .iter()
            .copied()
            .chain(pairs.iter().map(|p| p.0))
            .collect();
        let need_b: Vec<u32> = added_rows
            .iter()
            .map(|x| x.0)
            .chain(pairs.iter().map(|p| p.1))
            .collect();
        both(db, |db, after| {
            if after {
                rows_by_rowid(db, b.id, &need_b)
            } else {
                rows_by_rowid(db, a.id, &need_a)
            }
        })?
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
    let mut detail_pairs: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
    for (ra, rb) in pairs {
        let (x, y) = (
            rows_a.remove(&ra).ok_or_else(missing)?,
            rows_b.remove(&rb).ok_or_else(missing)?,
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
        let (changes, size) = classify(&x, &y);
        if x.detail != y.detail {
            detail_pairs.push((changed.len(), x.detail, y.detail));
        }
        changed.push(Changed {
            id: y.id,
            name: y.name,
            size,
            changes,
        });
    }
    let by_conversations = |v: Vec<(Option<i64>, Entry)>| -> Vec<Entry> {
        let mut v = v;
        v.sort_by(|x, y| y.0.cmp(&x.0).then_with(|| x.1.id.cmp(&y.1.id)));
        v.into_iter().map(|(_, e)| e).collect()
    };
    let (added, removed) = (by_conversations(added), by_conversations(removed));
    // Descriptions and Action domains, only where the detail row changed.
    let hashes: Vec<&[u8]> = detail_pairs
        .iter()
        .flat_map(|(_, x, y)| [x.as_slice(), y.as_slice()])
        .collect();
    let found = details(db, &hashes)?;
    let none = (None, Vec::new());
    for (i, da, dbb) in &detail_pairs {
        let (xa, la) = found.get(da).unwrap_or(&none);
        let (xb, lb) = found.get(dbb).unwrap_or(&none);
        let c = &mut changed[*i];
        if xa != xb {
            c.changes.push(Change {
                field: "description",
                kind: "edited",
                from: xa.clone(),
                to: xb.clone(),
            });
        }
        for d in lb.iter().filter(|d| !la.contains(d)) {
            c.changes.push(Change {
                field: "actions",
                kind: "added",
                from: None,
                to: Some(d.clone()),
            });
        }
        for d in la.iter().filter(|d| !lb.contains(d)) {
            c.changes.push(Change {
                field: "actions",
                kind: "removed",
                from: Some(d.clone()),
                to: None,
            });
        }
    }
    changed.retain(|c| !c.changes.is_empty());
    for c in &mut changed {
        c.size += c.changes.len() as f64;
    }
    changed.sort_by(|x, y| y.size.total_cmp(&x.size).then_with(|| x.id.cmp(&y.id)));
    let shelves = shelf_moves(db, a.id, b.id)?;
    let mut d = Diff {
        a: SnapshotRef::from(a),
        b: SnapshotRef::from(b),
        added,
        removed,
        changed,
        shelves,
        counts: Default::default(),
    };
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

/// A GPT across every complete snapshot that has it, oldest first, spikes flagged.
pub fn history(db: &Db, id: &str) -> Result<Vec<Point>> {
    let e = |e| db.err(e);
    let mut out: Vec<Point> = Vec::new();
    for snap in super::query::snapshots(db)? {
        let found = db.conn().query_row(
            &format!(
                "SELECT name, conv_bucket, conv, rating, review_count, available, created_at
                     FROM {} WHERE id = ?1",
                gpt_table(snap.id)
            ),
            [id],
            |r| {
                Ok((
                    Point {
                        snapshot: snap.id,
                        taken_at: snap.taken_at.clone(),
                        name: r.get(0)?,
                        conversations: r.get(1)?,
                        conversations_lower_bound: r.get(2)?,
                        rating: r.get(3)?,
                        review_count: r.get(4)?,
                        available: r.get(5)?,
                        spike: None,
                    },
                    r.get::<_, Option<i64>>(6)?,
                ))
            },
        );
        let (mut p, created) = match found {
            Ok(x) => x,
            Err(rusqlite::Error::QueryReturnedNoRows) => continue,
            Err(err) => return Err(e(err)),
        };
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
