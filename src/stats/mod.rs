//! Aggregates over a snapshot: tool use, categories, ratings, conversation buckets. One code path
//! for `gptscope stats` (text and JSON) and the TUI's histogram screens.
//!
//! Definitions (also in README): counts are over the snapshot's available GPTs; a tool count is
//! the number of GPTs with at least one tool of that kind; `knowledge` is GPTs with at least one
//! file; `none` is GPTs with no tool at all (knowledge files alone are not a tool); a GPT counts in
//! each of its categories, `uncategorized` when it has none; `mean` is the mean of per-GPT
//! averages over rated GPTs, `weighted_mean` total stars over total ratings.

use crate::store::db::{Db, Result};
use crate::store::query::SnapshotInfo;
use crate::store::record::ToolMask;
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize)]
pub struct SnapshotRef {
    pub id: i64,
    pub label: String,
    pub taken_at: String,
}

/// The numbers of `gptscope stats`.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub snapshot: SnapshotRef,
    pub gpts: i64,
    pub authors: i64,
    pub unavailable: i64,
    /// Tool name → GPTs having it, in display order, then `none`.
    pub tools: Map<String, Value>,
    /// Slug → GPTs, most common first, `uncategorized` last.
    pub categories: Map<String, Value>,
    pub ratings: Ratings,
    pub conversations: ConversationStats,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ratings {
    pub rated: i64,
    pub unrated: i64,
    pub mean: Option<f64>,
    pub weighted_mean: Option<f64>,
    pub total_ratings: i64,
    /// Half-star bins by lower edge (`"4.0"` holds 4.0 ≤ r < 4.5; `"5.0"` holds 5.0).
    pub histogram: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConversationStats {
    /// GPTs per bucket as the store shows it, smallest bucket first; `unknown` when not given.
    pub histogram: Map<String, Value>,
    /// Sum of the buckets' lower bounds.
    pub total_lower_bound: i64,
}

/// Computes the overview of a snapshot.
pub fn overview(db: &Db, snap: &SnapshotInfo) -> Result<Overview> {
    let conn = db.conn();
    let e = |e| db.err(e);
    let t = crate::store::schema::gpt_table(snap.id);

    let mut tool_sql = String::from("SELECT count(*)");
    for (_, bit) in ToolMask::NAMED {
        tool_sql.push_str(&format!(", coalesce(sum((tools & {bit}) != 0), 0)"));
    }
    tool_sql.push_str(&format!(
        ", coalesce(sum((tools & {}) = 0), 0) FROM {t} WHERE available = 1",
        ToolMask::TOOLS
    ));
    let counts: Vec<i64> = conn
        .query_row(&tool_sql, [], |r| {
            (0..ToolMask::NAMED.len() + 2)
                .map(|i| r.get::<_, i64>(i))
                .collect()
        })
        .map_err(e)?;
    let gpts = counts.first().copied().unwrap_or(0);
    let mut tools = Map::new();
    for (i, (name, _)) in ToolMask::NAMED.iter().enumerate() {
        let n = counts.get(i + 1).copied().unwrap_or(0);
        // Kinds the store no longer (or not yet) uses are shown only when present.
        if *name != "other" || n > 0 {
            tools.insert((*name).to_owned(), n.into());
        }
    }
    tools.insert(
        "none".to_owned(),
        counts.last().copied().unwrap_or(0).into(),
    );

    let authors: i64 = conn
        .query_row(
            &format!("SELECT count(DISTINCT author_id) FROM {t} WHERE available = 1"),
            [],
            |r| r.get(0),
        )
        .map_err(e)?;
    let unavailable: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM {t} WHERE available = 0"),
            [],
            |r| r.get(0),
        )
        .map_err(e)?;

    // A GPT counts in each of its categories; few distinct lists exist, so they are split here.
    let mut categories = Map::new();
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT categories, count(*) FROM {t} WHERE available = 1 GROUP BY categories"
            ))
            .map_err(e)?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(e)?;
        let mut counts: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        let mut uncategorized = 0;
        for (list, n) in rows {
            let slugs: Vec<String> = list
                .and_then(|l| serde_json::from_str(&l).ok())
                .unwrap_or_default();
            if slugs.is_empty() {
                uncategorized += n;
            }
            for slug in slugs {
                *counts.entry(slug).or_default() += n;
            }
        }
        let mut sorted: Vec<(String, i64)> = counts.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (slug, n) in sorted {
            categories.insert(slug, n.into());
        }
        categories.insert("uncategorized".to_owned(), uncategorized.into());
    }

    let (rated, mean, stars, ratings_count): (i64, Option<f64>, i64, i64) = conn
        .query_row(
            &format!(
                "SELECT count(rating), avg(rating),
                        coalesce(sum(CASE WHEN review_count > 0 THEN review_total END), 0),
                        coalesce(sum(CASE WHEN review_count > 0 THEN review_count END), 0)
                 FROM {t} WHERE available = 1"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(e)?;
    let mut rating_hist = Map::new();
    for half in 2..=10 {
        rating_hist.insert(format!("{:.1}", f64::from(half) / 2.0), 0.into());
    }
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT min(max(CAST(rating * 2 AS INTEGER), 2), 10) AS bin, count(*)
                 FROM {t} WHERE available = 1 AND rating IS NOT NULL
                 GROUP BY bin"
            ))
            .map_err(e)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(e)?;
        for (bin, n) in rows {
            rating_hist.insert(format!("{:.1}", bin as f64 / 2.0), n.into());
        }
    }

    let mut conv_hist = Map::new();
    let mut total_lower_bound = 0i64;
    {
        let mut st = conn
            .prepare(&format!(
                "SELECT conv_bucket, min(conv), count(*), coalesce(sum(conv), 0) FROM {t}
                 WHERE available = 1
                 GROUP BY conv_bucket ORDER BY min(conv) IS NULL, min(conv)"
            ))
            .map_err(e)?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(e)?;
        for (bucket, n, sum) in rows {
            total_lower_bound += sum;
            conv_hist.insert(bucket.unwrap_or_else(|| "unknown".to_owned()), n.into());
        }
    }

    Ok(Overview {
        snapshot: SnapshotRef {
            id: snap.id,
            label: snap.label.clone(),
            taken_at: snap.taken_at.clone(),
        },
        gpts,
        authors,
        unavailable,
        tools,
        categories,
        ratings: Ratings {
            rated,
            unrated: gpts - rated,
            mean,
            weighted_mean: (ratings_count > 0).then(|| stars as f64 / ratings_count as f64),
            total_ratings: ratings_count,
            histogram: rating_hist,
        },
        conversations: ConversationStats {
            histogram: conv_hist,
            total_lower_bound,
        },
    })
}
