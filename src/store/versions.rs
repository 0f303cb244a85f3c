//! Rows shared between snapshots: a GPT (or an author's roll-up) is stored once per distinct
//! content, as a *version* valid over an interval of snapshot ids, `first ..= last` (`last`
//! NULL: through the newest snapshot). A snapshot's rows are the versions whose interval holds
//! its id (the `gpt_<id>` views, the `author` view).
//!
//! Why intervals (and not a membership list per snapshot, or rows shared by hash with a
//! per-snapshot table of references): a daily snapshot in which 1 % of a million GPTs changed
//! writes those 10,000 versions and closes the 10,000 they replace; the 990,000 unchanged ones
//! are not touched at all (an open interval already covers the new id), so an identical import
//! adds nothing but its snapshot row. Any per-snapshot row per GPT, however narrow, costs
//! ~10 bytes × 1M a day in SQLite's B-trees. The intervals stay plain columns that SQL reads
//! (`first <= S AND (last IS NULL OR last >= S)`), so the views need no extension, and two
//! snapshots' difference is the versions that start or end between them (indexes on `first` and
//! `last`): a diff reads what changed, a GPT's history reads its versions.
//!
//! The rules that keep intervals true:
//! - a new snapshot's id is above every id any interval names ([`next_snapshot_id`]), so an
//!   interval that ends at a deleted snapshot never reaches a later one;
//! - an import compares each record with the version alive in the newest complete snapshot
//!   (the base, [`Base`]): equal content keeps that version (reopened when it had been closed),
//!   anything else writes a new version from the new id; a base version no record kept is closed
//!   at the base;
//! - deleting a snapshot deletes the versions no remaining snapshot falls in
//!   (`prune`); the others keep their bounds (a bound at a missing id is harmless).
//!
//! Content equality is a 64-bit hash of the stored column values ([`ValueHash`]), computed the
//! same way from a record being written and from a row read back (migration, recompute), so the
//! two always agree. Where and when a version was read (`src`, `file_no`, `line`,
//! `observed_at`, `fetched_at`: [`super::schema::GPT_SOURCE`]) is not content: a GPT read
//! unchanged from the next day's file (or fetched again) keeps the source and time it was first
//! read with, which is "unchanged since"; each snapshot keeps its own date. Had they been
//! content, a daily crawl whose files are dated (every record then observed a day later) or
//! ordered differently would share nothing.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use rustc_hash::FxHashMap;
use std::sync::Arc;
use xxhash_rust::xxh3::xxh3_64;

/// A hash of column values, laid end to end with their types (NULL, an integer and a text
/// never hash alike) and hashed at once.
#[derive(Default)]
pub struct ValueHash {
    buf: Vec<u8>,
}

thread_local! {
    /// [`ValueHash::of`]'s buffer: one a thread, not one a record.
    static BUF: std::cell::RefCell<ValueHash> = std::cell::RefCell::default();
}

impl ValueHash {
    pub fn put(&mut self, v: ValueRef<'_>) {
        let buf = &mut self.buf;
        match v {
            ValueRef::Null => buf.push(0),
            ValueRef::Integer(i) => {
                buf.push(1);
                buf.extend_from_slice(&i.to_le_bytes());
            }
            ValueRef::Real(f) => {
                buf.push(2);
                buf.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            ValueRef::Text(t) => {
                buf.push(3);
                buf.extend_from_slice(&(t.len() as u32).to_le_bytes());
                buf.extend_from_slice(t);
            }
            ValueRef::Blob(b) => {
                buf.push(4);
                buf.extend_from_slice(&(b.len() as u32).to_le_bytes());
                buf.extend_from_slice(b);
            }
        }
    }

    /// The hash, as SQLite stores it (a signed 64-bit integer).
    pub fn finish(&self) -> i64 {
        xxh3_64(&self.buf) as i64
    }

    /// The hash of `values` (in a buffer kept by the thread: this runs for every record of an
    /// import).
    pub fn of<'a>(values: impl IntoIterator<Item = ValueRef<'a>>) -> i64 {
        BUF.with(|h| {
            let mut h = h.borrow_mut();
            h.buf.clear();
            for v in values {
                h.put(v);
            }
            h.finish()
        })
    }
}

/// A text column's value (NULL when absent).
pub fn text(t: Option<&str>) -> ValueRef<'_> {
    t.map_or(ValueRef::Null, |t| ValueRef::Text(t.as_bytes()))
}

/// An integer column's value (NULL when absent).
pub fn int(i: Option<i64>) -> ValueRef<'static> {
    i.map_or(ValueRef::Null, ValueRef::Integer)
}

/// The key a version is found by in a base (a 64-bit hash of the GPT id or the user id; a
/// collision only costs a version written again, as content hashes include the key itself).
pub fn key(text: &str) -> u64 {
    xxh3_64(text.as_bytes())
}

/// The two versioned tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `gpt`: one version of a GPT; key `id`.
    Gpt,
    /// `author_version`: one version of an author's profile and roll-ups; key `user_id`.
    Author,
}

impl Kind {
    pub fn table(self) -> &'static str {
        match self {
            Kind::Gpt => "gpt",
            Kind::Author => "author_version",
        }
    }

    /// The version id column.
    pub fn vid_column(self) -> &'static str {
        match self {
            Kind::Gpt => "vid",
            Kind::Author => "avid",
        }
    }

    fn key_column(self) -> &'static str {
        match self {
            Kind::Gpt => "id",
            Kind::Author => "user_id",
        }
    }
}

/// The SQL condition "this version is in snapshot `s`" (for a table aliased `alias`, or none;
/// `s` a snapshot id, or an expression naming one, as the analysts' views join `s.id`).
/// The bounds are written `+first`, `+last` so that SQLite does not read them off their
/// indexes: a snapshot holds most versions, and a scan in table order beats an index walk with a
/// table lookup per row. (The diff, which wants the indexes, has [`only_in`].)
pub fn alive_in(alias: &str, s: impl std::fmt::Display) -> String {
    let p = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    format!("+{p}first <= {s} AND (+{p}last IS NULL OR +{p}last >= {s})")
}

/// The SQL of a join on snapshot `s`'s author versions, aliased `alias`, on `user`: what
/// `JOIN author a ON a.snapshot_id = s AND a.user_id = user` reads, written against the table
/// itself. (The `author` view is a join of two tables; SQLite cannot flatten such a view on
/// the right of a LEFT JOIN, and materialised all of a snapshot's authors for every page of
/// GPTs: 333k rows a page at 1M GPTs.)
pub fn author_join(alias: &str, user: &str, s: i64) -> String {
    format!(
        "author_version {alias} ON {alias}.user_id = {user} AND {}",
        alive_in(alias, s)
    )
}

/// The SQL condition "this version is in snapshot `s` and not in `other`", written so that
/// SQLite reads it off the index on one bound (the versions that end between the two, or start
/// between them) rather than scanning every version.
pub fn only_in(s: i64, other: i64) -> String {
    use std::cmp::Ordering;
    match s.cmp(&other) {
        Ordering::Less => format!("last >= {s} AND last < {other} AND first <= {s}"),
        Ordering::Greater => {
            format!("first > {other} AND first <= {s} AND (last IS NULL OR last >= {s})")
        }
        Ordering::Equal => "0".to_owned(),
    }
}

/// The id the next snapshot gets: above every snapshot id and every bound any version names.
pub fn next_snapshot_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT max(coalesce((SELECT max(id) FROM snapshot), 0),
                    coalesce((SELECT max(first) FROM gpt), 0),
                    coalesce((SELECT max(last) FROM gpt), 0),
                    coalesce((SELECT max(first) FROM author_version), 0),
                    coalesce((SELECT max(last) FROM author_version), 0)) + 1",
        [],
        |r| r.get(0),
    )
}

/// The newest complete snapshot below `below`: what a new snapshot is compared with.
pub fn base_snapshot(conn: &Connection, below: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT max(id) FROM snapshot WHERE status = 'complete' AND id < ?1",
        [below],
        |r| r.get(0),
    )
}

#[derive(Clone, Copy)]
struct Entry {
    vid: i64,
    hash: i64,
    /// `last` is NULL.
    open: bool,
}

/// The versions alive in a base snapshot, by key: read-only, so the threads preparing records
/// share it with the writer (a record whose content the base has keeps no new source).
#[derive(Default)]
pub struct Versions {
    by_key: FxHashMap<u64, u32>,
    entries: Vec<Entry>,
}

impl Versions {
    /// The content hash of `key`'s version.
    pub fn hash_of(&self, key: u64) -> Option<i64> {
        self.by_key
            .get(&key)
            .map(|&i| self.entries[i as usize].hash)
    }
}

/// The versions of one table alive in the base snapshot, and which of them the new snapshot
/// keeps.
pub struct Base {
    kind: Kind,
    snapshot: Option<i64>,
    versions: Arc<Versions>,
    /// By entry: a record of the new snapshot had this content.
    kept: Vec<bool>,
}

impl Base {
    /// Nothing to compare with (the first snapshot, or a migration's first step).
    pub fn empty(kind: Kind) -> Base {
        Base {
            kind,
            snapshot: None,
            versions: Arc::default(),
            kept: Vec::new(),
        }
    }

    /// The versions alive in `snapshot`, in one scan.
    pub fn load(conn: &Connection, kind: Kind, snapshot: Option<i64>) -> rusqlite::Result<Base> {
        let mut base = Base::empty(kind);
        let Some(s) = snapshot else {
            return Ok(base);
        };
        base.snapshot = Some(s);
        // Sized once from the snapshot's counts (growing a map of a million entries rehashed
        // it twenty times, each on fresh pages).
        let size: Option<i64> = conn
            .query_row(
                match kind {
                    Kind::Gpt => "SELECT gpts + unavailable FROM snapshot WHERE id = ?1",
                    Kind::Author => "SELECT authors FROM snapshot WHERE id = ?1",
                },
                [s],
                |r| r.get(0),
            )
            .optional()?;
        let size = size.unwrap_or(0).max(0) as usize;
        let mut v = Versions {
            by_key: FxHashMap::with_capacity_and_hasher(size, Default::default()),
            entries: Vec::with_capacity(size),
        };
        let mut st = conn.prepare(&format!(
            "SELECT {vid}, {key}, hash, last IS NULL FROM {table} WHERE {alive}",
            vid = kind.vid_column(),
            key = kind.key_column(),
            table = kind.table(),
            alive = alive_in("", s),
        ))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let k = key(r.get_ref(1)?.as_str().unwrap_or(""));
            v.by_key.insert(k, v.entries.len() as u32);
            v.entries.push(Entry {
                vid: r.get(0)?,
                hash: r.get(2)?,
                open: r.get(3)?,
            });
        }
        base.kept = vec![false; v.entries.len()];
        base.versions = Arc::new(v);
        Ok(base)
    }

    pub fn snapshot(&self) -> Option<i64> {
        self.snapshot
    }

    /// How many versions the base has.
    pub fn len(&self) -> usize {
        self.versions.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The base's versions, to share with the threads preparing records.
    pub fn versions(&self) -> Arc<Versions> {
        self.versions.clone()
    }

    /// The base's version of `key` when its content hash is `hash` (the new snapshot keeps it);
    /// none when the key is new or its content changed.
    pub fn keep(&mut self, key: u64, hash: i64) -> Option<i64> {
        let i = *self.versions.by_key.get(&key)? as usize;
        let e = self.versions.entries[i];
        if e.hash != hash {
            return None;
        }
        self.kept[i] = true;
        Some(e.vid)
    }

    /// A kept version is not kept after all (a newer record of the same GPT replaced it).
    pub fn unkeep(&mut self, key: u64) {
        if let Some(&i) = self.versions.by_key.get(&key) {
            self.kept[i as usize] = false;
        }
    }

    /// Moves the bounds: kept versions that had been closed are reopened, open versions nothing
    /// kept are closed at the base. Returns how many versions were closed.
    pub fn finish(&self, conn: &Connection) -> rusqlite::Result<u64> {
        let Some(base) = self.snapshot else {
            return Ok(0);
        };
        let vid = self.kind.vid_column();
        let table = self.kind.table();
        let mut close = conn.prepare(&format!("UPDATE {table} SET last = ?2 WHERE {vid} = ?1"))?;
        let mut reopen =
            conn.prepare(&format!("UPDATE {table} SET last = NULL WHERE {vid} = ?1"))?;
        let mut closed = 0;
        let mut todo: Vec<(i64, bool)> = self
            .versions
            .entries
            .iter()
            .zip(&self.kept)
            .filter(|(e, kept)| **kept != e.open)
            .map(|(e, kept)| (e.vid, *kept))
            .collect();
        // In table order: the pages are visited once each.
        todo.sort_unstable();
        for (v, kept) in todo {
            if kept {
                reopen.execute([v])?;
            } else {
                close.execute(params![v, base])?;
                closed += 1;
            }
        }
        Ok(closed)
    }
}

/// Makes GPT version `vid` hold snapshot `s` alone, so that it can be rewritten for `s`
/// without changing the other snapshots it is shared with: its content is copied into a
/// version for the snapshots before `s` and one for those after (each only when one of
/// `snapshots`, sorted, falls there).
pub fn isolate(tx: &Connection, vid: i64, s: i64, snapshots: &[i64]) -> rusqlite::Result<()> {
    let (first, last): (i64, Option<i64>) =
        tx.query_row("SELECT first, last FROM gpt WHERE vid = ?1", [vid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let held = |lo: i64, hi: Option<i64>| {
        let at = snapshots.partition_point(|x| *x < lo);
        snapshots
            .get(at)
            .is_some_and(|x| hi.is_none_or(|h| *x <= h))
    };
    let columns = format!(
        "hash, src, {}, {}, {}",
        super::schema::GPT_SOURCE.join(", "),
        super::schema::GPT_CONTENT.join(", "),
        super::schema::GPT_DERIVED.join(", ")
    );
    let copy = |lo: i64, hi: Option<i64>| {
        tx.execute(
            &format!(
                "INSERT INTO gpt (first, last, {columns})
                 SELECT ?2, ?3, {columns} FROM gpt WHERE vid = ?1"
            ),
            params![vid, lo, hi],
        )
    };
    if first < s && held(first, Some(s - 1)) {
        copy(first, Some(s - 1))?;
    }
    if held(s + 1, last) {
        copy(s + 1, last)?;
        tx.execute("UPDATE gpt SET last = ?2 WHERE vid = ?1", params![vid, s])?;
    }
    tx.execute("UPDATE gpt SET first = ?2 WHERE vid = ?1", params![vid, s])?;
    Ok(())
}

/// Computes GPT version `vid`'s content hash again (after its content was rewritten).
pub fn rehash(tx: &Connection, vid: i64) -> rusqlite::Result<()> {
    let hash: i64 = tx.query_row(
        &format!(
            "SELECT {} FROM gpt WHERE vid = ?1",
            super::schema::GPT_CONTENT.join(", ")
        ),
        [vid],
        |r| {
            let mut h = ValueHash::default();
            for i in 0..super::schema::GPT_CONTENT.len() {
                h.put(r.get_ref(i)?);
            }
            Ok(h.finish())
        },
    )?;
    tx.execute(
        "UPDATE gpt SET hash = ?2 WHERE vid = ?1",
        params![vid, hash],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_lengths_are_part_of_the_hash() {
        let h = |v: &[ValueRef<'_>]| ValueHash::of(v.iter().copied());
        assert_ne!(
            h(&[ValueRef::Null]),
            h(&[ValueRef::Integer(0)]),
            "NULL is not 0"
        );
        assert_ne!(h(&[ValueRef::Integer(1)]), h(&[ValueRef::Real(1.0)]));
        assert_ne!(
            h(&[ValueRef::Text(b"ab"), ValueRef::Text(b"c")]),
            h(&[ValueRef::Text(b"a"), ValueRef::Text(b"bc")]),
            "where one text ends is part of the content"
        );
        assert_eq!(
            h(&[ValueRef::Text(b"x"), ValueRef::Integer(7)]),
            h(&[ValueRef::Text(b"x"), ValueRef::Integer(7)])
        );
    }

    /// How SQLite reads a statement.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        st.query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn snapshots_are_read_in_table_order_and_authors_by_their_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&mut conn, &mut |_, _, _| {}).unwrap();
        super::super::schema::index_versions(&conn).unwrap();
        conn.execute_batch(
            "INSERT INTO snapshot (id, label, source, taken_at, created_at, status)
             VALUES (1, 'a', 'x', 0, 0, 'complete');",
        )
        .unwrap();
        super::super::schema::create_gpt_view(&conn, 1).unwrap();
        // A whole snapshot: a scan of the table, not a walk of a bound's index.
        assert_eq!(plan(&conn, "SELECT rowid, conv FROM gpt_1"), "SCAN gpt");
        // A page's authors: looked up by user id. (The `author` view there was materialised,
        // every author of the snapshot, for every page.)
        let page = plan(
            &conn,
            &format!(
                "SELECT g.rowid, a.display_name FROM gpt_1 g LEFT JOIN {}
                 WHERE g.rowid IN (1, 2)",
                author_join("a", "g.author_id", 1)
            ),
        );
        assert!(
            page.contains("author_version_user") && !page.contains("MATERIALIZE"),
            "{page}"
        );
        // The diff reads a bound's index.
        assert!(
            plan(
                &conn,
                &format!("SELECT vid FROM gpt WHERE {}", only_in(1, 2))
            )
            .contains("gpt_last"),
        );
    }

    #[test]
    fn alive_in_reads_open_and_closed_intervals() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE gpt (vid INTEGER PRIMARY KEY, first INT, last INT);
             INSERT INTO gpt VALUES (1, 1, NULL), (2, 1, 2), (3, 3, NULL), (4, 2, 2);",
        )
        .unwrap();
        let alive = |s| -> Vec<i64> {
            let mut st = conn
                .prepare(&format!(
                    "SELECT vid FROM gpt WHERE {} ORDER BY vid",
                    alive_in("", s)
                ))
                .unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(alive(1), [1, 2]);
        assert_eq!(alive(2), [1, 2, 4]);
        assert_eq!(alive(3), [1, 3]);
    }
}
