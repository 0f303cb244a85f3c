//! Text and JSON renderings of the CLI's results. Text from the data goes through
//! [`crate::text`] first: it came from the internet.

use crate::stats::Overview;
use crate::store::import::{ImportReport, Input};
use crate::store::query::{GptView, SnapshotInfo};
use crate::text;
use crate::time::format_datetime;
use serde::Serialize;
use std::io::Write;

pub fn json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn snapshots(out: &mut dyn Write, snaps: &[SnapshotInfo]) -> anyhow::Result<()> {
    if snaps.is_empty() {
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
            "{:>4}  {:<10}  {:>9}  {:>8}  {:<9}  {}",
            s.id,
            &s.taken_at[..10.min(s.taken_at.len())],
            thousands(s.gpts),
            thousands(s.authors),
            s.status,
            text::line(&s.label)
        )?;
        writeln!(out, "{:>48}{}", "", text::line(&s.source))?;
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
    let author = &r.author;
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
    writeln!(
        out,
        "  categories     {}",
        text::line(&r.categories.join(", "))
    )?;
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

fn bar(n: i64, max: i64, width: usize) -> String {
    if max <= 0 {
        return String::new();
    }
    let cells = (n as f64 / max as f64 * width as f64).round() as usize;
    "█".repeat(cells.min(width))
}

fn histogram(
    out: &mut dyn Write,
    title: &str,
    entries: &serde_json::Map<String, serde_json::Value>,
    total: i64,
) -> anyhow::Result<()> {
    writeln!(out, "\n{title}")?;
    let max = entries
        .values()
        .filter_map(|v| v.as_i64())
        .max()
        .unwrap_or(0);
    let width = entries.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    for (k, v) in entries {
        let n = v.as_i64().unwrap_or(0);
        let pct = if total > 0 {
            n as f64 * 100.0 / total as f64
        } else {
            0.0
        };
        writeln!(
            out,
            "  {:<width$}  {:>9}  {:>5.1}%  {}",
            text::line(k),
            thousands(n),
            pct,
            bar(n, max, 30)
        )?;
    }
    Ok(())
}

pub fn overview(out: &mut dyn Write, o: &Overview) -> anyhow::Result<()> {
    writeln!(
        out,
        "snapshot #{} \"{}\" (data of {})",
        o.snapshot.id,
        text::line(&o.snapshot.label),
        &o.snapshot.taken_at[..10.min(o.snapshot.taken_at.len())]
    )?;
    writeln!(
        out,
        "{} GPTs by {} authors{}",
        thousands(o.gpts),
        thousands(o.authors),
        if o.unavailable > 0 {
            format!(" ({} more unavailable)", thousands(o.unavailable))
        } else {
            String::new()
        }
    )?;
    histogram(out, "tools (GPTs with at least one)", &o.tools, o.gpts)?;
    histogram(out, "categories", &o.categories, o.gpts)?;
    let r = &o.ratings;
    writeln!(
        out,
        "\nratings: {} rated, {} unrated; mean {} (per GPT), weighted {} ({} ratings)",
        thousands(r.rated),
        thousands(r.unrated),
        r.mean.map_or("-".to_owned(), |m| format!("{m:.3}")),
        r.weighted_mean
            .map_or("-".to_owned(), |m| format!("{m:.3}")),
        thousands(r.total_ratings)
    )?;
    histogram(out, "rating (half-star bins)", &r.histogram, r.rated)?;
    histogram(
        out,
        "conversations (the store's buckets)",
        &o.conversations.histogram,
        o.gpts,
    )?;
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
    pub score: i64,
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
}

pub fn gpt_hits(out: &mut dyn Write, hits: &[GptHit], total: usize) -> anyhow::Result<()> {
    if hits.is_empty() {
        writeln!(out, "no GPT name matches")?;
        return Ok(());
    }
    for h in hits {
        writeln!(
            out,
            "{:>10}  {:>6}  {}  ({})  {}",
            h.score,
            h.conversations.as_deref().unwrap_or("?"),
            text::line(&h.name),
            h.id,
            text::line(h.author.as_deref().unwrap_or(""))
        )?;
    }
    if total > hits.len() {
        writeln!(
            out,
            "({} of {} matches; --limit shows more)",
            hits.len(),
            thousands(total as i64)
        )?;
    }
    Ok(())
}

pub fn author_hits(out: &mut dyn Write, hits: &[AuthorHit], total: usize) -> anyhow::Result<()> {
    if hits.is_empty() {
        writeln!(out, "no author matches")?;
        return Ok(());
    }
    for h in hits {
        writeln!(
            out,
            "{:>10}  {:>4} GPTs  {}  ({})",
            h.score,
            h.gpts,
            text::line(h.name.as_deref().unwrap_or(&h.user_id)),
            h.user_id
        )?;
    }
    if total > hits.len() {
        writeln!(
            out,
            "({} of {} matches; --limit shows more)",
            hits.len(),
            thousands(total as i64)
        )?;
    }
    Ok(())
}
