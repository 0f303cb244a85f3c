//! `gptscope report`: the landscape of a snapshot (or of the GPTs a filter keeps) in the shape
//! of the study — tools, categories, ratings, conversations, GPTs per author and concentration,
//! monetisation signals with their top domains and examples, top GPTs and authors, and with a
//! second snapshot what changed — as one self-contained HTML file (charts as inline SVG, no
//! script, no network) or Markdown with the SVGs as files beside it.
//!
//! Every number comes from the [`Landscape`] `stats` prints (the same code, the same
//! filter), so the report and `stats --json` cannot disagree; the lists (top GPTs, authors,
//! examples) come from the same columns and the same filtered list. Gathering ([`gather`]) is
//! apart from drawing ([`svg`]) and writing ([`html`], [`markdown`]): a drawing is a
//! function of a [`Report`].

pub mod html;
pub mod markdown;
pub mod svg;
pub mod tables;

use crate::signals::SignalKind;
use crate::stats::{ChartId, Landscape};
use crate::store::StoreError;
use crate::store::db::{Db, Result};
use crate::store::query::{self, SnapshotInfo};
use crate::store::view::{Columns, Filter};
use std::path::{Path, PathBuf};

/// How many GPTs and authors the top lists name, and examples a signal kind shows.
pub const TOP: usize = 20;
pub const EXAMPLES: usize = 5;

/// The charts a report draws, in order; `Conversations` on a log scale.
pub const CHARTS: [ChartId; 9] = [
    ChartId::Tools,
    ChartId::Categories,
    ChartId::Ratings,
    ChartId::Conversations,
    ChartId::AuthorsByGpts,
    ChartId::Signals,
    ChartId::ActionDomains,
    ChartId::Languages,
    ChartId::CreatedMonth,
];

/// A GPT in a top list or an example.
#[derive(Debug, Clone, PartialEq)]
pub struct GptLine {
    pub id: String,
    pub name: String,
    pub author: String,
    pub conversations: String,
    pub rating: Option<f64>,
    /// The evidence of the signal it is an example of.
    pub evidence: String,
}

/// An author in the top list.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorLine {
    pub label: String,
    pub user_id: String,
    pub gpts: u64,
    pub conversations: u64,
}

/// What changed from an earlier snapshot.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub before: Landscape,
    /// The diff's totals and counts by change type (whole snapshots).
    pub counts: std::collections::BTreeMap<String, usize>,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub snapshot: SnapshotInfo,
    pub landscape: Landscape,
    pub compare: Option<Comparison>,
    pub top_gpts: Vec<GptLine>,
    pub top_authors: Vec<AuthorLine>,
    pub examples: Vec<(SignalKind, Vec<GptLine>)>,
}

/// Gathers the report of `snapshot`'s GPTs that pass `filter`, compared with `compare` when
/// given. A filter that keeps no GPT is an error: there would be nothing to draw.
pub fn gather(db: &Db, snapshot: i64, filter: &Filter, compare: Option<i64>) -> Result<Report> {
    let snap = query::snapshot(db, Some(snapshot))?;
    let (columns, ids) = filtered(db, snap.id, filter)?;
    if ids.is_empty() {
        let said = filter.describe().join(", ");
        return Err(StoreError::Invalid(format!(
            "report: the filter keeps no GPT of snapshot {} ({said}): nothing to report",
            snap.id
        )));
    }
    let landscape = Landscape::of(&columns, &ids, &snap, filter.describe(), &CHARTS);
    let compare = match compare {
        Some(a) => {
            let before = query::snapshot(db, Some(a))?;
            let (c, ids) = filtered(db, before.id, filter)?;
            let diff = crate::store::diff::diff(db, &before, &snap)?;
            Some(Comparison {
                before: Landscape::of(&c, &ids, &before, filter.describe(), &CHARTS),
                counts: diff.counts,
            })
        }
        None => None,
    };
    let mut by_conv = ids.clone();
    by_conv.sort_unstable_by_key(|id| {
        let i = (*id - 1) as usize;
        (std::cmp::Reverse(columns.conv[i]), *id)
    });
    let top_gpts = gpt_lines(db, snap.id, &by_conv[..TOP.min(by_conv.len())], None)?;
    let examples = SignalKind::ALL
        .into_iter()
        .map(|kind| {
            let some: Vec<u32> = by_conv
                .iter()
                .copied()
                .filter(|id| columns.signals[(*id - 1) as usize] & kind.bit() != 0)
                .take(EXAMPLES)
                .collect();
            Ok((kind, gpt_lines(db, snap.id, &some, Some(kind))?))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Report {
        top_authors: top_authors(&columns, &ids),
        snapshot: snap,
        landscape,
        compare,
        top_gpts,
        examples,
    })
}

/// The columns of `snapshot` (with author profiles, for names) and the ids `filter` keeps.
fn filtered(db: &Db, snapshot: i64, filter: &Filter) -> Result<(Columns, Vec<u32>)> {
    let columns = Columns::load_counts(db, snapshot, true)?;
    let hits = match &filter.text {
        Some(t) => Some(crate::store::view::text_matches(db, snapshot, t)?),
        None => None,
    };
    let ids = columns.filter(&columns.all_ids(), filter, hits.as_deref());
    Ok((columns, ids))
}

/// The GPTs `rowids` of `snapshot` as lines, with `kind`'s evidence when asked.
fn gpt_lines(
    db: &Db,
    snapshot: i64,
    rowids: &[u32],
    kind: Option<SignalKind>,
) -> Result<Vec<GptLine>> {
    let mut st = db
        .conn()
        .prepare_cached(&format!(
            "SELECT g.id, g.name, coalesce(a.display_name, g.author_id, ''), g.conv_bucket,
                    g.rating, g.evidence
             FROM {} g LEFT JOIN {} WHERE g.rowid = ?1",
            crate::store::schema::gpt_table(snapshot),
            crate::store::versions::author_join("a", "g.author_id", snapshot)
        ))
        .map_err(|e| db.err(e))?;
    let mut lines = Vec::with_capacity(rowids.len());
    for id in rowids {
        let line = st
            .query_row([id], |r| {
                let evidence: Option<String> = r.get(5)?;
                Ok(GptLine {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    author: r.get(2)?,
                    conversations: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    rating: r.get(4)?,
                    evidence: kind
                        .and_then(|k| evidence_of(evidence.as_deref(), k))
                        .unwrap_or_default(),
                })
            })
            .map_err(|e| db.err(e))?;
        lines.push(line);
    }
    Ok(lines)
}

/// The evidence of signal `kind` in a GPT's stored evidence (JSON), as one line.
fn evidence_of(json: Option<&str>, kind: SignalKind) -> Option<String> {
    let signals: Vec<crate::signals::Signal> = serde_json::from_str(json?).ok()?;
    signals
        .into_iter()
        .find(|s| s.kind == kind)
        .map(|s| s.evidence.join(", "))
}

/// The authors with the most GPTs in `ids` (then conversations, then user id).
fn top_authors(c: &Columns, ids: &[u32]) -> Vec<AuthorLine> {
    let mut per: rustc_hash::FxHashMap<u32, (u64, u64)> = Default::default();
    for id in ids {
        let i = (*id - 1) as usize;
        let a = c.author[i];
        if (a as usize) < c.authors.len() {
            let e = per.entry(a).or_default();
            e.0 += 1;
            e.1 += u64::from(c.conv[i]);
        }
    }
    let mut all: Vec<(u32, (u64, u64))> = per.into_iter().collect();
    all.sort_unstable_by(|(a, x), (b, y)| {
        (y.0, y.1).cmp(&(x.0, x.1)).then_with(|| {
            c.authors
                .user_id(*a as usize)
                .cmp(c.authors.user_id(*b as usize))
        })
    });
    all.into_iter()
        .take(TOP)
        .map(|(a, (gpts, conversations))| AuthorLine {
            label: c.authors.label(a as usize).to_owned(),
            user_id: c.authors.user_id(a as usize).to_owned(),
            gpts,
            conversations,
        })
        .collect()
}

/// The file forms a report takes, by the output's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Html,
    Markdown,
}

impl Form {
    pub fn of(path: &Path) -> Option<Form> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(Form::Html),
            "md" | "markdown" => Some(Form::Markdown),
            _ => None,
        }
    }
}

/// Writes `report` to `out` (HTML, or Markdown with its charts as SVG files beside it, named
/// `<stem>-<chart>.svg`). Each file goes through [`crate::store::export::to_file`] (`NAME.part`,
/// renamed when whole), so a failure (a full disk) leaves no half-written report. Returns the
/// files written.
pub fn write(report: &Report, out: &Path) -> Result<Vec<PathBuf>> {
    let form = Form::of(out).ok_or_else(|| {
        StoreError::Invalid(format!(
            "{}: a report is FILE.html or FILE.md",
            out.display()
        ))
    })?;
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    match form {
        Form::Html => files.push((out.to_path_buf(), html::page(report))),
        Form::Markdown => {
            let stem = out
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "report".to_owned());
            let dir = out.parent().unwrap_or(Path::new(""));
            let (text, charts) = markdown::page(report, &stem);
            for (name, svg) in charts {
                files.push((dir.join(name), svg));
            }
            files.push((out.to_path_buf(), text));
        }
    }
    if let Some((taken, _)) = files.iter().find(|(p, _)| p.is_dir()) {
        return Err(StoreError::Invalid(format!(
            "{}: is a directory",
            taken.display()
        )));
    }
    for (path, content) in &files {
        crate::store::export::to_file(path, |f| {
            std::io::Write::write_all(f, content.as_bytes()).map_err(StoreError::Write)?;
            Ok(content.len())
        })?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Text for HTML and SVG: made safe for display ([`crate::text::line`]) and escaped.
pub fn escape(s: &str) -> String {
    let line = crate::text::line(s);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count with thousands separators.
pub fn count(n: u64) -> String {
    crate::text::thousands(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The chart `id` of a landscape, when it drew it.
fn chart(l: &Landscape, id: ChartId) -> Option<&crate::stats::Chart> {
    l.charts.iter().find(|c| c.id == id)
}

/// The charts a report draws, in [`CHARTS`] order: each with the earlier snapshot's, when
/// there is a comparison.
pub fn drawn(
    r: &Report,
) -> impl Iterator<Item = (ChartId, &crate::stats::Chart, Option<&crate::stats::Chart>)> {
    CHARTS.into_iter().filter_map(|id| {
        let now = chart(&r.landscape, id)?;
        let before = r.compare.as_ref().and_then(|c| chart(&c.before, id));
        Some((id, now, before))
    })
}
