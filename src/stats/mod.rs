//! The landscape of a list of GPTs (a snapshot, or any filter and search of it): the histogram
//! screen's charts, signal counts, describe lines and concentration. One code path for the TUI
//! (`h`, `F`) and `gptscope stats` (text and `--json`): both hand a list of rowids over the
//! snapshot's in-memory [`Columns`] to [`Landscape::of`].
//!
//! Why in memory rather than SQL: the TUI's lists (filters, fuzzy-search results) already live
//! as rowid arrays over those columns, so a chart is one pass over arrays (a few ms for 1M
//! GPTs) and every bar can be drilled into with the same filter code the lists use.
//!
//! Definitions (also in README): counts are over available GPTs; a tool count is the number of
//! GPTs with at least one tool of that kind; `knowledge` is GPTs with at least one file; `none`
//! is GPTs with no tool at all (knowledge files alone are not a tool); a GPT counts in each of its
//! categories, `uncategorized` when it has none; `mean` is the mean of per-GPT averages over
//! rated GPTs, `weighted_mean` total stars over total ratings; a signal count is the number of
//! GPTs with at least one signal of that kind.

pub mod charts;
pub mod numbers;
pub mod summary;

use crate::store::query::SnapshotInfo;
use crate::store::view::Columns;
use charts::Tally;
use numbers::{Concentration, Describe};
use serde_json::{Map, Value};

pub use charts::{
    AuthorFreqColumn, Bar, Chart, ChartId, Drill, FreqColumn, author_frequency, frequency,
};

pub use crate::store::query::SnapshotRef;

/// Everything the histogram screen and `gptscope stats` show of one list. Stored whole with a
/// snapshot's summary ([`summary`]), so the histogram screen's first answer is read, not
/// counted.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Landscape {
    pub snapshot: SnapshotRef,
    /// The list's filters as phrases (empty: the whole snapshot).
    pub filter: Vec<String>,
    pub gpts: u64,
    /// Distinct authors the GPTs name.
    pub authors: u64,
    /// GPTs that name no author (lists that do not say who made them): not counted as authors.
    pub authors_unknown: u64,
    /// GPTs of the snapshot no longer public (not in any list).
    pub unavailable: i64,
    /// The charts asked for, in that order.
    pub charts: Vec<Chart>,
    pub rated: u64,
    pub mean: Option<f64>,
    pub weighted_mean: Option<f64>,
    pub total_ratings: u64,
    #[serde(deserialize_with = "described")]
    pub describe: Vec<(Name, Describe)>,
    pub concentration: Concentration,
}

/// One of a fixed set of names. (An alias: serde's derive takes a `&'static str` field for
/// one borrowed from the input, which a stored landscape cannot be; these are read back by
/// [`known_name`].)
pub type Name = &'static str;

/// A name of `known` read back (fields that name one of a fixed set of things); another name
/// is an error.
fn known_name<'de, D: serde::Deserializer<'de>>(d: D, known: &[Name]) -> Result<Name, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    known
        .iter()
        .find(|k| **k == s)
        .copied()
        .ok_or_else(|| serde::de::Error::custom(format!("unknown name {s:?}")))
}

/// The describe lines read back: their names are [`numbers::DESCRIBED`].
fn described<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(Name, Describe)>, D::Error> {
    let lines = <Vec<(String, Describe)> as serde::Deserialize>::deserialize(d)?;
    lines
        .into_iter()
        .map(|(name, v)| {
            numbers::DESCRIBED
                .iter()
                .find(|k| **k == name)
                .map(|k| (*k, v))
                .ok_or_else(|| serde::de::Error::custom(format!("unknown describe line {name:?}")))
        })
        .collect()
}

impl Landscape {
    /// The landscape of the GPTs `ids` (rowids) of `snapshot`, with the charts `which`
    /// ([`ChartId::SCREEN`] for the histogram screen).
    pub fn of(
        c: &Columns,
        ids: &[u32],
        snapshot: &SnapshotInfo,
        filter: Vec<String>,
        which: &[ChartId],
    ) -> Self {
        let tally = Tally::count(c, ids);
        let charts = which.iter().map(|id| tally.chart(c, *id)).collect();
        let (mut rated, mut sum, mut stars, mut ratings) = (0u64, 0f64, 0u64, 0u64);
        for id in ids {
            let i = (*id - 1) as usize;
            let r = c.rating[i];
            if !r.is_nan() {
                rated += 1;
                sum += f64::from(r);
                stars += u64::from(c.review_total[i]);
                ratings += u64::from(c.reviews[i]);
            }
        }
        Landscape {
            snapshot: SnapshotRef::from(snapshot),
            filter,
            gpts: ids.len() as u64,
            authors: tally.authors(),
            authors_unknown: tally.authorless,
            unavailable: snapshot.unavailable,
            charts,
            rated,
            mean: (rated > 0).then(|| sum / rated as f64),
            weighted_mean: (ratings > 0).then(|| stars as f64 / ratings as f64),
            total_ratings: ratings,
            describe: numbers::describe(c, ids, &tally.per_author),
            concentration: numbers::concentration(c, ids),
        }
    }

    /// A landscape of one chart of authors (a frequency table of the authors table): no GPT
    /// numbers beside it.
    pub fn of_authors(snapshot: &SnapshotInfo, filter: Vec<String>, chart: Chart) -> Self {
        Landscape {
            snapshot: SnapshotRef::from(snapshot),
            filter,
            gpts: 0,
            authors: chart.total,
            authors_unknown: 0,
            unavailable: snapshot.unavailable,
            charts: vec![chart],
            rated: 0,
            mean: None,
            weighted_mean: None,
            total_ratings: 0,
            describe: Vec::new(),
            concentration: Concentration::default(),
        }
    }

    /// `3 GPTs by 2 authors`, and when some GPTs name no author, `(1 GPT names none)`.
    pub fn gpts_by_authors(&self) -> String {
        use crate::text::thousands;
        let mut s = format!(
            "{} GPTs by {} authors",
            thousands(self.gpts as i64),
            thousands(self.authors as i64)
        );
        match self.authors_unknown {
            0 => {}
            1 => s.push_str(" (1 GPT names none)"),
            n => s.push_str(&format!(" ({} GPTs name none)", thousands(n as i64))),
        }
        s
    }

    pub fn chart(&self, id: ChartId) -> Option<&Chart> {
        self.charts.iter().find(|c| c.id == id)
    }

    fn counts(&self, id: ChartId) -> Map<String, Value> {
        self.chart(id).map(Chart::counts).unwrap_or_default()
    }

    /// The languages chart as `code → GPTs` (`und`: too short to tell), most GPTs first.
    pub(crate) fn language_codes(&self) -> Map<String, Value> {
        let Some(chart) = self.chart(ChartId::Languages) else {
            return Map::new();
        };
        chart
            .bars
            .iter()
            .filter_map(|b| match &b.key {
                charts::Drill::Gpts(crate::store::view::BinKey::Language(code)) => {
                    Some((code.clone(), b.count.into()))
                }
                _ => None,
            })
            .collect()
    }

    /// The JSON of `gptscope stats --json`.
    pub fn to_json(&self) -> Value {
        let mut ratings_hist = self.counts(ChartId::Ratings);
        ratings_hist.remove("unrated");
        let mut conv_hist = self.counts(ChartId::Conversations);
        let conv_unknown = conv_hist.remove("unknown");
        let mut signals = self.counts(ChartId::Signals);
        let no_signal = signals.remove("none");
        let mut describe = Map::new();
        for (name, d) in &self.describe {
            describe.insert(
                (*name).to_owned(),
                serde_json::to_value(d).unwrap_or_default(),
            );
        }
        serde_json::json!({
            "snapshot": self.snapshot,
            "filter": self.filter,
            "gpts": self.gpts,
            "authors": self.authors,
            "authors_unknown": self.authors_unknown,
            "unavailable": self.unavailable,
            "tools": self.counts(ChartId::Tools),
            "categories": self.counts(ChartId::Categories),
            "ratings": {
                "rated": self.rated,
                "unrated": self.gpts - self.rated,
                "mean": self.mean,
                "weighted_mean": self.weighted_mean,
                "total_ratings": self.total_ratings,
                "histogram": ratings_hist,
            },
            "conversations": {
                "histogram": conv_hist,
                "unknown": conv_unknown.unwrap_or(Value::from(0)),
                "total_lower_bound": self.concentration.total,
            },
            "signals": signals,
            "no_signal": no_signal.unwrap_or(Value::from(0)),
            "authors_by_gpts": self.counts(ChartId::AuthorsByGpts),
            "created_month": self.counts(ChartId::CreatedMonth),
            "action_auth": self.counts(ChartId::ActionAuth),
            "action_domains": self.counts(ChartId::ActionDomains),
            "languages": self.language_codes(),
            "describe": describe,
            "concentration": self.concentration,
        })
    }
}
