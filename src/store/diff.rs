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
use super::query::SnapshotInfo;
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub id: i64,
    pub label: String,
    pub taken_at: String,
    pub gpts: i64,
}

impl From<&SnapshotInfo> for Side {
    fn from(s: &SnapshotInfo) -> Side {
        Side {
            id: s.id,
            label: s.label.clone(),
            taken_at: s.taken_at.clone(),
            gpts: s.gpts,
        }
    }
}

/// The diff of snapshot `a` (before) to `b` (after).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub a: Side,
    pub b: Side,
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

/// Computes the diff of `a` to `b`.
pub fn diff(db: &Db, a: &SnapshotInfo, b: &SnapshotInfo) -> Result<Diff> {
    let conn = db.conn();
    let e = |e| db.err(e);
    let (ta, tb) = (gpt_table(a.id), gpt_table(b.id));
    let entries = |sql: &str, added: bool| -> Result<Vec<Entry>> {
        let mut st = conn.prepare(sql).map_err(e)?;
        let rows = st
            .query_map([], |r| {
                let was_there: bool = r.get(3)?;
                Ok(Entry {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    conversations: r.get(2)?,
                    status: match (was_there, added) {
                        (true, _) => "available again",
                        (false, true) => "new",
                        (false, false) => "gone",
                    },
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(e)?;
        Ok(rows)
    };
    let added = entries(
        &format!(
            "SELECT b.id, b.name, b.conv_bucket,
                EXISTS (SELECT 1 FROM {ta} a WHERE a.id = b.id) FROM {tb} b
         WHERE b.available AND NOT EXISTS (SELECT 1 FROM {ta} a WHERE a.id = b.id AND a.available)
         ORDER BY b.conv DESC, b.id"
        ),
        true,
    )?;
    let mut removed = entries(
        &format!(
            "SELECT a.id, a.name, a.conv_bucket, 0 FROM {ta} a
         WHERE a.available AND NOT EXISTS (SELECT 1 FROM {tb} b WHERE b.id = a.id)
         ORDER BY a.conv DESC, a.id"
        ),
        false,
    )?;
    let mut changed = Vec::new();
    let mut detail_pairs: Vec<(usize, Vec<u8>, Vec<u8>)> = Vec::new();
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT a.id, a.name, b.name, a.conv_bucket, b.conv_bucket, a.conv, b.conv,
                        a.rating, b.rating, a.review_count, b.review_count, a.tools, b.tools,
                        a.categories, b.categories, a.author_id, b.author_id, a.signals, b.signals,
                        a.available, b.available, a.detail, b.detail
                 FROM {ta} a JOIN {tb} b ON b.id = a.id
                 WHERE a.name IS NOT b.name OR a.conv_bucket IS NOT b.conv_bucket
                    OR a.rating IS NOT b.rating OR a.review_count IS NOT b.review_count
                    OR a.tools != b.tools OR a.categories IS NOT b.categories
                    OR a.author_id IS NOT b.author_id OR a.signals != b.signals
                    OR a.available != b.available OR a.detail != b.detail"
            ))
            .map_err(e)?;
        let mut rows = st.query([]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            let id: String = r.get(0).map_err(e)?;
            let (na, nb): (String, String) = (r.get(1).map_err(e)?, r.get(2).map_err(e)?);
            let (avail_a, avail_b): (bool, bool) = (r.get(19).map_err(e)?, r.get(20).map_err(e)?);
            if avail_a && !avail_b {
                removed.push(Entry {
                    id,
                    name: na,
                    conversations: r.get(3).map_err(e)?,
                    status: "unavailable",
                });
                continue;
            }
            // Available again: among the added already; unavailable in both: nothing to say.
            if !(avail_a && avail_b) {
                continue;
            }
            let mut changes = Vec::new();
            let mut size = 0.0;
            let (ba, bb): (Option<String>, Option<String>) =
                (r.get(3).map_err(e)?, r.get(4).map_err(e)?);
            let (ca, cb): (Option<i64>, Option<i64>) = (r.get(5).map_err(e)?, r.get(6).map_err(e)?);
            if ba != bb {
                let kind = if cb.unwrap_or(-1) >= ca.unwrap_or(-1) {
                    "up"
                } else {
                    "down"
                };
                size += 3.0 * (decades(cb) - decades(ca)).abs();
                changes.push(Change {
                    field: "conversations",
                    kind,
                    from: ba,
                    to: bb,
                });
            }
            let (ra, rb): (Option<f64>, Option<f64>) = (r.get(7).map_err(e)?, r.get(8).map_err(e)?);
            if ra != rb {
                changes.push(Change {
                    field: "rating",
                    kind: if rb.unwrap_or(0.0) >= ra.unwrap_or(0.0) {
                        "up"
                    } else {
                        "down"
                    },
                    from: ra.map(|x| format!("{x:.2}")),
                    to: rb.map(|x| format!("{x:.2}")),
                });
            }
            let (va, vb): (Option<i64>, Option<i64>) =
                (r.get(9).map_err(e)?, r.get(10).map_err(e)?);
            if va != vb {
                changes.push(Change {
                    field: "reviews",
                    kind: if vb.unwrap_or(0) >= va.unwrap_or(0) {
                        "up"
                    } else {
                        "down"
                    },
                    from: va.map(|x| x.to_string()),
                    to: vb.map(|x| x.to_string()),
                });
            }
            if na != nb {
                changes.push(Change {
                    field: "name",
                    kind: "edited",
                    from: Some(na),
                    to: Some(nb.clone()),
                });
            }
            let (ta_, tb_): (u32, u32) = (r.get(11).map_err(e)?, r.get(12).map_err(e)?);
            for (mask, kind) in [(tb_ & !ta_, "added"), (ta_ & !tb_, "removed")] {
                for t in tool_names(mask) {
                    // Actions are compared by domain below.
                    if t == "actions" {
                        continue;
                    }
                    changes.push(Change {
                        field: "tools",
                        kind,
                        from: (kind == "removed").then(|| t.to_owned()),
                        to: (kind == "added").then(|| t.to_owned()),
                    });
                }
            }
            let (ka, kb): (Option<String>, Option<String>) =
                (r.get(13).map_err(e)?, r.get(14).map_err(e)?);
            if ka != kb {
                let list = |k: Option<String>| {
                    k.and_then(|t| serde_json::from_str::<Vec<String>>(&t).ok())
                        .unwrap_or_default()
                        .join(", ")
                };
                changes.push(Change {
                    field: "categories",
                    kind: "changed",
                    from: Some(list(ka)),
                    to: Some(list(kb)),
                });
            }
            let (aa, ab): (Option<String>, Option<String>) =
                (r.get(15).map_err(e)?, r.get(16).map_err(e)?);
            if aa != ab {
                changes.push(Change {
                    field: "author",
                    kind: "changed",
                    from: aa,
                    to: ab,
                });
            }
            let (sa, sb): (u32, u32) = (r.get(17).map_err(e)?, r.get(18).map_err(e)?);
            for k in SignalKind::ALL {
                let bit = u32::from(k.bit());
                let (had, has) = (sa & bit != 0, sb & bit != 0);
                if had != has {
                    changes.push(Change {
                        field: "signals",
                        kind: if has { "gained" } else { "lost" },
                        from: had.then(|| k.name().to_owned()),
                        to: has.then(|| k.name().to_owned()),
                    });
                }
            }
            let (da, dbb): (Vec<u8>, Vec<u8>) = (r.get(21).map_err(e)?, r.get(22).map_err(e)?);
            if da != dbb {
                detail_pairs.push((changed.len(), da, dbb));
            }
            changed.push(Changed {
                id,
                name: nb,
                size,
                changes,
            });
        }
    }
    // Descriptions and Action domains, only where the detail row changed.
    {
        let mut description = conn
            .prepare_cached("SELECT description FROM detail WHERE hash = ?1")
            .map_err(e)?;
        let mut domains = conn
            .prepare_cached(
                "SELECT coalesce(domain, '') FROM detail_action WHERE detail = ?1 ORDER BY pos",
            )
            .map_err(e)?;
        for (i, da, dbb) in detail_pairs {
            let desc =
                |h: &[u8], st: &mut rusqlite::CachedStatement<'_>| -> Result<Option<String>> {
                    st.query_row([h], |r| r.get::<_, Option<String>>(0))
                        .map_err(e)
                };
            let (xa, xb) = (desc(&da, &mut description)?, desc(&dbb, &mut description)?);
            let c = &mut changed[i];
            if xa != xb {
                c.changes.push(Change {
                    field: "description",
                    kind: "edited",
                    from: xa,
                    to: xb,
                });
            }
            let list = |h: &[u8], st: &mut rusqlite::CachedStatement<'_>| -> Result<Vec<String>> {
                st.query_map([h], |r| r.get::<_, String>(0))
                    .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                    .map_err(e)
            };
            let (la, lb) = (list(&da, &mut domains)?, list(&dbb, &mut domains)?);
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
    }
    changed.retain(|c| !c.changes.is_empty());
    for c in &mut changed {
        c.size += c.changes.len() as f64;
    }
    changed.sort_by(|x, y| y.size.total_cmp(&x.size).then_with(|| x.id.cmp(&y.id)));
    let shelves = shelf_moves(db, a.id, b.id)?;
    let mut d = Diff {
        a: Side::from(a),
        b: Side::from(b),
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
