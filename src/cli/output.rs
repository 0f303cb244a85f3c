//! Text and JSON renderings of the CLI's results. Text from the data goes through
//! [`crate::text`] first: it came from the internet.

use crate::stats::Landscape;
use crate::stats::charts::Chart;
use crate::store::import::{ImportReport, Input};
use crate::store::query::{GptView, SnapshotInfo};
use crate::text::{self, thousands};
use crate::time::format_datetime;
use serde::Serialize;
use std::io::Write;

pub fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn snapshots(
    out: &mut dyn Write,
    snaps: &[SnapshotInfo],
    unfinished: &[crate::live::refresh::Unfinished],
) -> anyhow::Result<()> {
    if snaps.is_empty() && unfinished.is_empty() {
        writeln!(out, "no snapshots yet: gptscope import PATH adds one")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>4}  {:<10}  {:>9}  {:>8}  {:<9}  label / source",
        "id", "taken", "gpts", "authors", "status"
    )?;
    for s in snaps {
        writeln!(
            out,
            "{:>4}{} {:<10}  {:>9}  {:>8}  {:<9}  {}",
            s.id,
            if s.default { '*' } else { ' ' },
            &s.taken_at[..10.min(s.taken_at.len())],
            thousands(s.gpts),
            thousands(s.authors),
            s.status,
            text::line(&s.label)
        )?;
        writeln!(out, "{:>48}{}", "", text::line(&s.source))?;
        if let Some(incomplete) = &s.shelves_incomplete {
            writeln!(out, "{:>48}{}", "", text::line(incomplete))?;
        }
    }
    for u in unfinished {
        writeln!(
            out,
            "{:>4}  {:<10}  {:>9}  {:>8}  {:<9}  {} (from {}, {} pages so far)",
            "–",
            u.started_at.get(..10).unwrap_or(&u.started_at),
            thousands(u.gpts as i64),
            "–",
            "resumable",
            text::line(&u.plan),
            text::line(&u.base_url),
            u.pages
        )?;
        writeln!(out, "{:>48}{}", "", u.resume)?;
    }
    if snaps.iter().any(|s| s.default) {
        writeln!(
            out,
            "* the default (written last): what gptscope, stats, show… open without --snapshot"
        )?;
    }
    Ok(())
}

pub fn import_report(
    out: &mut dyn Write,
    r: &ImportReport,
    _inputs: &[Input],
) -> anyhow::Result<()> {
    writeln!(
        out,
        "imported {} GPTs into snapshot #{} \"{}\" (data of {})",
        thousands(r.gpts as i64),
        r.snapshot,
        text::line(&r.label),
        &r.taken_at[..10.min(r.taken_at.len())]
    )?;
    writeln!(
        out,
        "  {} records read, {} authors, {} duplicates merged{}",
        thousands(r.records as i64),
        thousands(r.authors as i64),
        thousands(r.duplicates_merged as i64),
        if r.unavailable > 0 {
            format!(", {} unavailable", thousands(r.unavailable as i64))
        } else {
            String::new()
        }
    )?;
    if r.shelves > 0 {
        writeln!(
            out,
            "  store front: {} shelves, {} positions",
            r.shelves, r.shelf_entries
        )?;
    }
    if r.skipped > 0 {
        let reasons: Vec<String> = r
            .skipped_by_reason
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        writeln!(
            out,
            "  skipped {} records: {}",
            r.skipped,
            reasons.join(", ")
        )?;
    }
    if r.fields_ignored > 0 {
        writeln!(
            out,
            "  {} fields of the wrong type ignored (records kept)",
            r.fields_ignored
        )?;
    }
    if let Some(first) = r.not_read.first() {
        writeln!(
            out,
            "  not read: {} file{} in the folders, not data by their names ({}{}); a file \
             named is read",
            r.not_read.len(),
            if r.not_read.len() == 1 { "" } else { "s" },
            text::line(first),
            if r.not_read.len() > 1 { ", …" } else { "" }
        )?;
    }
    for f in &r.files {
        if let (Some(m), Some(format)) = (&f.mapping, &f.format) {
            writeln!(
                out,
                "  {}: {format}, {} records",
                text::line(&f.path),
                thousands(f.records as i64)
            )?;
            for l in m.lines() {
                writeln!(out, "    {}", text::line(&l))?;
            }
        }
        if let (Some(note), Some(format)) = (&f.note, &f.format) {
            writeln!(
                out,
                "  {}: {format}, {}",
                text::line(&f.path),
                text::line(note)
            )?;
        }
    }
    for f in r.files.iter().filter(|f| f.error.is_some()) {
        writeln!(
            out,
            "  file not imported: {}: {}",
            text::line(&f.path),
            f.error.as_deref().unwrap_or("")
        )?;
    }
    if !r.examples.is_empty() {
        writeln!(out, "  first problems:")?;
        for e in &r.examples {
            writeln!(out, "    {}", text::line(e))?;
        }
    }
    Ok(())
}

pub fn gpt(out: &mut dyn Write, v: &GptView) -> anyhow::Result<()> {
    let r = &v.record;
    let opt = |s: &Option<String>| {
        s.as_deref()
            .map(text::line)
            .unwrap_or_default()
            .into_owned()
    };
    writeln!(out, "{}  ({})", text::line(&r.name), r.id)?;
    writeln!(out, "  url            {}", text::line(&v.url))?;
    writeln!(out, "  availability   {}", r.availability.as_str())?;
    if let Some(f) = &r.fetch {
        writeln!(
            out,
            "  refreshed      {}{}{}",
            f.at.map(|t| format!("{} ", format_datetime(t)))
                .unwrap_or_default(),
            f.status.as_str(),
            f.error
                .as_deref()
                .map(|e| format!(": {}", text::line(e)))
                .unwrap_or_default()
        )?;
    }
    gpt_author(out, &r.author)?;
    writeln!(
        out,
        "  categories     {}",
        text::line(&r.categories.join(", "))
    )?;
    writeln!(out, "  language       {}", v.language.describe())?;
    let tools: Vec<&str> = r.tools.iter().map(|t| t.as_str()).collect();
    writeln!(out, "  tools          {}", tools.join(", "))?;
    for a in &r.actions {
        writeln!(
            out,
            "    action       {} (auth {}){}",
            text::line(a.domain.as_deref().unwrap_or("?")),
            a.auth.as_str(),
            a.privacy_policy_url
                .as_deref()
                .map(|p| format!("  privacy: {}", text::line(p)))
                .unwrap_or_default()
        )?;
    }
    writeln!(out, "  knowledge      {} files", r.file_count)?;
    gpt_numbers(out, v)?;
    let date = |t: Option<i64>| t.map(format_datetime).unwrap_or_else(|| "?".to_owned());
    writeln!(
        out,
        "  created        {}{}",
        date(r.created_at),
        if r.created_from_id {
            " (from the id)"
        } else {
            ""
        }
    )?;
    writeln!(out, "  updated        {}", date(r.updated_at))?;
    writeln!(out, "  sharing        {}", opt(&r.share_recipient))?;
    writeln!(out, "  default model  {}", opt(&r.default_model))?;
    if let Some(d) = &r.description {
        writeln!(out, "  description    {}", text::line(d))?;
    }
    if let Some(w) = &r.welcome_message {
        writeln!(out, "  welcome        {}", text::line(w))?;
    }
    for s in &r.prompt_starters {
        writeln!(out, "  starter        {}", text::line(s))?;
    }
    for s in &v.shelves {
        writeln!(
            out,
            "  shelf          #{} on {}",
            s.position,
            text::line(s.title.as_deref().unwrap_or(&s.shelf_id))
        )?;
    }
    let p = &v.provenance;
    writeln!(
        out,
        "  source         snapshot #{} \"{}\", {}:{}",
        p.snapshot,
        text::line(&p.snapshot_label),
        text::line(p.file.as_deref().unwrap_or("?")),
        p.line
    )?;
    Ok(())
}

/// The author lines of `show`: name (✓ when verified), website, social accounts.
fn gpt_author(out: &mut dyn Write, author: &crate::store::record::Author) -> anyhow::Result<()> {
    writeln!(
        out,
        "  author         {}{}{}",
        text::line(
            author
                .display_name
                .as_deref()
                .or(author.user_id.as_deref())
                .unwrap_or("?")
        ),
        if author.verified == Some(true) {
            " ✓"
        } else {
            ""
        },
        author
            .link_to
            .as_deref()
            .map(|l| format!("  {}", text::line(l)))
            .unwrap_or_default()
    )?;
    for s in &author.socials {
        writeln!(
            out,
            "                 {} {}",
            text::line(&s.kind),
            text::line(s.link_to.as_deref().or(s.username.as_deref()).unwrap_or(""))
        )?;
    }
    Ok(())
}

/// The numbers of `show`: monetisation signals, conversations, rating, the store's about line.
fn gpt_numbers(out: &mut dyn Write, v: &GptView) -> anyhow::Result<()> {
    let r = &v.record;
    for (i, (kind, evidence)) in crate::signals::summary_lines(&v.signals, v.signals_computed)
        .iter()
        .enumerate()
    {
        writeln!(
            out,
            "  {:<13}  {kind}{}{}",
            if i == 0 { "monetisation" } else { "" },
            if evidence.is_empty() { "" } else { ": " },
            text::line(evidence)
        )?;
    }
    writeln!(
        out,
        "  conversations  {}",
        r.conversations
            .as_ref()
            .map_or("?".to_owned(), |c| c.bucket.clone())
    )?;
    match (v.rating, r.review_count) {
        (Some(avg), Some(n)) => writeln!(
            out,
            "  rating         {avg:.2} from {} ratings",
            thousands(n as i64)
        )?,
        _ => writeln!(out, "  rating         not rated")?,
    }
    if let Some(by) = r.rating_by_star {
        writeln!(
            out,
            "  by star        1★ {} 2★ {} 3★ {} 4★ {} 5★ {}",
            by[0], by[1], by[2], by[3], by[4]
        )?;
    }
    if let Some(a) = &r.about {
        writeln!(out, "  about          {}", text::line(&a.line()))?;
        if let Some(split) = a.split_line() {
            writeln!(out, "  ratings split  {split}")?;
        }
    }
    Ok(())
}

fn bar(n: i64, max: i64, width: usize) -> String {
    if max <= 0 {
        return String::new();
    }
    let cells = (n as f64 / max as f64 * width as f64).round() as usize;
    "█".repeat(cells.min(width))
}

/// A chart as text: label, count, percentage, bar.
fn chart(out: &mut dyn Write, c: &Chart) -> anyhow::Result<()> {
    writeln!(out, "\n{}", c.id.title())?;
    if c.bars.is_empty() {
        writeln!(out, "  (none)")?;
        return Ok(());
    }
    let max = c.bars.iter().map(|b| b.count).max().unwrap_or(0) as i64;
    let width = c
        .bars
        .iter()
        .map(|b| text::width(&text::line(&b.label)))
        .max()
        .unwrap_or(0)
        .min(40);
    for b in &c.bars {
        let label = text::cell(&b.label, width);
        let pad = " ".repeat(width.saturating_sub(text::width(&label)));
        writeln!(
            out,
            "  {label}{pad}  {:>9}  {:>5.1}%  {}",
            thousands(b.count as i64),
            c.pct(b.count),
            bar(b.count as i64, max, 30)
        )?;
    }
    Ok(())
}

fn number(v: Option<f64>) -> String {
    match v {
        None => "-".to_owned(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => thousands(v as i64),
        Some(v) => format!("{v:.2}"),
    }
}

pub fn landscape(out: &mut dyn Write, l: &Landscape) -> anyhow::Result<()> {
    writeln!(
        out,
        "snapshot #{} \"{}\" (data of {})",
        l.snapshot.id,
        text::line(&l.snapshot.label),
        &l.snapshot.taken_at[..10.min(l.snapshot.taken_at.len())]
    )?;
    if !l.filter.is_empty() {
        writeln!(out, "filtered: {}", text::line(&l.filter.join(", ")))?;
    }
    writeln!(
        out,
        "{}{}",
        l.gpts_by_authors(),
        if l.unavailable > 0 && l.filter.is_empty() {
            format!(" ({} more unavailable)", thousands(l.unavailable))
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "ratings: {} rated, {} unrated; mean {} (per GPT), weighted {} ({} ratings)",
        thousands(l.rated as i64),
        thousands((l.gpts - l.rated) as i64),
        l.mean.map_or("-".to_owned(), |m| format!("{m:.3}")),
        l.weighted_mean
            .map_or("-".to_owned(), |m| format!("{m:.3}")),
        thousands(l.total_ratings as i64)
    )?;
    for c in &l.charts {
        chart(out, c)?;
    }
    writeln!(
        out,
        "\n{:<17} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "describe", "count", "min", "median", "p90", "p99", "max"
    )?;
    for (name, d) in &l.describe {
        writeln!(
            out,
            "  {name:<15} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10}",
            thousands(d.count as i64),
            number(d.min),
            number(d.median),
            number(d.p90),
            number(d.p99),
            number(d.max)
        )?;
    }
    let c = &l.concentration;
    writeln!(
        out,
        "\nconcentration of {} conversations (lower bounds): top GPT {:.1}%, top 10 {:.1}%, \
         top 100 {:.1}%; top 1% of authors {:.1}%, top 10% {:.1}%",
        thousands(c.total as i64),
        c.top_1_gpt * 100.0,
        c.top_10_gpts * 100.0,
        c.top_100_gpts * 100.0,
        c.top_1pct_authors * 100.0,
        c.top_10pct_authors * 100.0
    )?;
    Ok(())
}

/// Where a snapshot's signals stand (`gptscope signals`).
#[derive(Serialize)]
pub struct SignalState {
    pub snapshot: i64,
    pub label: String,
    pub gpts: u64,
    /// False when computed with older rules (or never): `--recompute` brings them up to date.
    pub current: bool,
    pub signals: serde_json::Map<String, serde_json::Value>,
}

impl SignalState {
    pub fn new(snap: &SnapshotInfo, l: &Landscape) -> SignalState {
        let mut signals = l
            .chart(crate::stats::ChartId::Signals)
            .map(Chart::counts)
            .unwrap_or_default();
        signals.remove("none");
        SignalState {
            snapshot: snap.id,
            label: snap.label.clone(),
            gpts: l.gpts,
            current: snap.signals_version >= i64::from(crate::store::schema::SIGNALS_VERSION),
            signals,
        }
    }
}

pub fn signal_states(out: &mut dyn Write, states: &[SignalState]) -> anyhow::Result<()> {
    for s in states {
        writeln!(
            out,
            "#{} \"{}\" · {} GPTs{}",
            s.snapshot,
            text::line(&s.label),
            thousands(s.gpts as i64),
            if s.current {
                ""
            } else {
                " · not computed with the current rules: gptscope signals --recompute"
            }
        )?;
        for (k, v) in &s.signals {
            let n = v.as_i64().unwrap_or(0);
            writeln!(
                out,
                "  {k:<20} {:>9}  {:>5.1}%",
                thousands(n),
                if s.gpts > 0 {
                    n as f64 * 100.0 / s.gpts as f64
                } else {
                    0.0
                }
            )?;
        }
    }
    Ok(())
}

/// A GPT found by `gptscope search`.
#[derive(Serialize)]
pub struct GptHit {
    pub id: String,
    pub name: String,
    pub author: Option<String>,
    pub author_id: Option<String>,
    pub conversations: Option<String>,
    /// The ranking key, best first (exact names and prefixes carry large bonuses).
    pub score: i64,
    /// How the name matched: `exact`, `prefix` or `fuzzy`.
    #[serde(rename = "match")]
    pub matched: &'static str,
    /// The matcher's points, without the bonuses.
    pub points: i64,
    pub url: String,
}

/// An author found by `gptscope search --authors`.
#[derive(Serialize)]
pub struct AuthorHit {
    pub user_id: String,
    pub name: Option<String>,
    pub gpts: i64,
    pub conversations_total: i64,
    pub score: i64,
    #[serde(rename = "match")]
    pub matched: &'static str,
    pub points: i64,
}

pub fn gpt_hits(out: &mut dyn Write, hits: &[GptHit], total: usize) -> anyhow::Result<()> {
    if hits.is_empty() {
        writeln!(out, "no GPT name matches")?;
        return Ok(());
    }
    for h in hits {
        writeln!(
            out,
            "{:<6} {:>4}  {:>6}  {}  ({})  {}",
            h.matched,
            h.points,
            h.conversations.as_deref().unwrap_or("?"),
            text::line(&h.name),
            h.id,
            text::line(h.author.as_deref().unwrap_or(""))
        )?;
    }
    more_matches(out, hits.len(), total)
}

pub fn author_hits(out: &mut dyn Write, hits: &[AuthorHit], total: usize) -> anyhow::Result<()> {
    if hits.is_empty() {
        writeln!(out, "no author matches")?;
        return Ok(());
    }
    for h in hits {
        writeln!(
            out,
            "{:<6} {:>4}  {:>4} GPTs  {}  ({})",
            h.matched,
            h.points,
            h.gpts,
            text::line(h.name.as_deref().unwrap_or(&h.user_id)),
            h.user_id
        )?;
    }
    more_matches(out, hits.len(), total)
}

/// The line saying a search printed only some of its matches.
fn more_matches(out: &mut dyn Write, shown: usize, total: usize) -> anyhow::Result<()> {
    if total > shown {
        writeln!(
            out,
            "({shown} of {} matches; --limit shows more)",
            thousands(total as i64)
        )?;
    }
    Ok(())
}

/// A diff as text: the counts, then the biggest changes, added, removed and shelf moves.
pub fn diff(out: &mut dyn Write, d: &crate::store::diff::Diff, limit: usize) -> anyhow::Result<()> {
    let count = |k: &str| d.counts.get(k).copied().unwrap_or(0);
    writeln!(
        out,
        "#{} \"{}\" ({}) → #{} \"{}\" ({})",
        d.a.id,
        text::line(&d.a.label),
        d.a.taken_at.get(..10).unwrap_or(&d.a.taken_at),
        d.b.id,
        text::line(&d.b.label),
        d.b.taken_at.get(..10).unwrap_or(&d.b.taken_at)
    )?;
    writeln!(
        out,
        "{} added · {} removed · {} changed · {} shelf moves",
        thousands(count("added") as i64),
        thousands(count("removed") as i64),
        thousands(count("changed") as i64),
        thousands(count("shelf_moves") as i64)
    )?;
    // The changed GPTs' fields (added, removed and shelf moves are on the line above).
    let by_type: Vec<String> = crate::store::diff::FIELDS
        .iter()
        .filter(|f| !matches!(**f, "added" | "removed" | "shelves") && count(f) > 0)
        .map(|f| format!("{f} {}", thousands(count(f) as i64)))
        .collect();
    if !by_type.is_empty() {
        writeln!(out, "changed GPTs by type: {}", by_type.join(" · "))?;
    }
    let clip = |s: Option<&str>| text::cell(s.unwrap_or("–"), 40);
    if !d.changed.is_empty() {
        writeln!(out, "\nchanged (biggest first):")?;
        for c in d.changed.iter().take(limit) {
            writeln!(out, "  {}  {}", c.id, text::line(&c.name))?;
            for ch in &c.changes {
                writeln!(
                    out,
                    "      {} {}: {} → {}",
                    ch.field,
                    ch.kind,
                    clip(ch.from.as_deref()),
                    clip(ch.to.as_deref())
                )?;
            }
        }
    }
    for (title, list) in [("added", &d.added), ("removed", &d.removed)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{title}:")?;
        for e in list.iter().take(limit) {
            writeln!(
                out,
                "  {}  {}  {} ({})",
                e.id,
                text::line(&e.name),
                e.conversations.as_deref().unwrap_or("–"),
                e.status
            )?;
        }
    }
    if !d.shelves.is_empty() {
        writeln!(out, "\nshelf moves:")?;
        for m in d.shelves.iter().take(limit) {
            let pos = |p: Option<i64>| p.map_or("–".to_owned(), |x| x.to_string());
            writeln!(
                out,
                "  {}  {} {} {} → {}  {}",
                m.shelf,
                m.id,
                m.kind,
                pos(m.from),
                pos(m.to),
                text::line(m.name.as_deref().unwrap_or(""))
            )?;
        }
    }
    if !d.rising.is_empty() {
        writeln!(
            out,
            "\nrising (fastest for their age first: {}):",
            crate::store::diff::RISING_RULE
        )?;
        for r in d.rising.iter().take(limit) {
            writeln!(
                out,
                "  {}  {}  {} → {}  {:.2} decades, {}  score {:.3}",
                r.id,
                text::line(&r.name),
                r.from.as_deref().unwrap_or("–"),
                r.to.as_deref().unwrap_or("–"),
                r.decades,
                r.age(),
                r.score
            )?;
        }
    }
    Ok(())
}
