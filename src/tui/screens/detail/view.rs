//! Everything about one GPT drawn, or two versions of it side by side. Dates carry their age at
//! the snapshot's date (not today's: a snapshot describes its own moment, and drawing stays a
//! pure function of state).

use super::{Compare, Detail};
use crate::store::query::GptView;
use crate::text::{self, thousands};
use crate::time::format_date;
use crate::tui::kit::load::Load;
use crate::tui::kit::table::{signal_marks, tool_marks};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

fn age(t: i64, at: i64) -> String {
    let days = (at - t) / 86_400;
    match days {
        d if d < 0 => "after the snapshot".to_owned(),
        0 => "that day".to_owned(),
        1..=59 => format!("{days} days before"),
        60..=729 => format!("{} months before", days / 30),
        _ => format!("{} years before", days / 365),
    }
}

fn field<'a>(label: &'a str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(
            format!("{label:<15}"),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(value),
    ])
}

/// The lines of a GPT's detail (unwrapped).
pub fn detail_lines(v: &GptView, snapshot_time: i64) -> Vec<Line<'static>> {
    let r = &v.record;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let push = |lines: &mut Vec<Line<'static>>, label: &'static str, value: String| {
        lines.push(field(label, value));
    };
    lines.push(Line::from(Span::styled(
        text::line(&r.name).into_owned(),
        Style::new().bold(),
    )));
    push(&mut lines, "id", r.id.clone());
    push(&mut lines, "url", text::line(&v.url).into_owned());
    if r.availability != crate::store::record::Availability::Available {
        push(
            &mut lines,
            "availability",
            "no longer public in the store".to_owned(),
        );
    }
    // A refresh could not fetch it: what is shown is the earlier snapshot's record.
    if let Some(f) = &r.fetch
        && f.status == crate::store::record::FetchStatus::Stale
    {
        push(
            &mut lines,
            "refreshed",
            format!(
                "stale: carried forward ({})",
                text::line(f.error.as_deref().unwrap_or("the fetch failed"))
            ),
        );
    }
    author_lines(&r.author, &mut lines);
    push(
        &mut lines,
        "categories",
        if r.categories.is_empty() {
            "none".into()
        } else {
            text::line(&r.categories.join(", ")).into_owned()
        },
    );
    push(&mut lines, "language", v.language.describe());
    tool_lines(r, &mut lines);
    push(&mut lines, "knowledge", format!("{} files", r.file_count));
    signal_lines(v, &mut lines);
    push(
        &mut lines,
        "conversations",
        r.conversations
            .as_ref()
            .map_or("not shown".to_owned(), |c| {
                format!(
                    "{} (at least {})",
                    c.bucket,
                    thousands(c.lower_bound as i64)
                )
            }),
    );
    rating_lines(v, &mut lines);
    let date = |t: Option<i64>| {
        t.map_or("unknown".to_owned(), |t| {
            format!("{} ({})", format_date(t), age(t, snapshot_time))
        })
    };
    let mut created = date(r.created_at);
    if r.created_from_id {
        created.push_str(", read off the id");
    }
    push(&mut lines, "created", created);
    push(&mut lines, "updated", date(r.updated_at));
    if let Some(m) = &r.default_model {
        push(&mut lines, "default model", text::line(m).into_owned());
    }
    if let Some(s) = &r.share_recipient {
        push(&mut lines, "sharing", text::line(s).into_owned());
    }
    for s in &v.shelves {
        push(
            &mut lines,
            "on shelf",
            format!(
                "#{} of {}",
                s.position,
                text::line(s.title.as_deref().unwrap_or(&s.shelf_id))
            ),
        );
    }
    text_lines(r, &mut lines);
    let p = &v.provenance;
    lines.push(Line::from(Span::styled(
        format!(
            "snapshot #{} \"{}\" of {}, from {}:{}",
            p.snapshot,
            text::line(&p.snapshot_label),
            p.taken_at.get(..10).unwrap_or(&p.taken_at),
            text::line(p.file.as_deref().unwrap_or("?")),
            p.line
        ),
        Style::new().dim(),
    )));
    lines
}

/// The author: name (verified), website, socials, user id.
fn author_lines(a: &crate::store::record::Author, lines: &mut Vec<Line<'static>>) {
    let push = |lines: &mut Vec<Line<'static>>, label: &'static str, value: String| {
        lines.push(field(label, value));
    };
    let mut author = text::line(
        a.display_name
            .as_deref()
            .or(a.user_id.as_deref())
            .unwrap_or("?"),
    )
    .into_owned();
    if a.verified == Some(true) {
        author.push_str(" ✓ verified");
    }
    push(lines, "author", author);
    if let Some(link) = &a.link_to {
        push(lines, "  website", text::line(link).into_owned());
    }
    for s in &a.socials {
        let handle = s.link_to.as_deref().or(s.username.as_deref()).unwrap_or("");
        push(
            lines,
            "  social",
            format!("{} {}", text::line(&s.kind), text::line(handle)),
        );
    }
    if let Some(user) = &a.user_id {
        push(lines, "  user id", user.clone());
    }
}

/// The tools (marks, then names) and each Action's domain, auth and privacy policy.
fn tool_lines(r: &crate::store::GptRecord, lines: &mut Vec<Line<'static>>) {
    let push = |lines: &mut Vec<Line<'static>>, label: &'static str, value: String| {
        lines.push(field(label, value));
    };
    let tools: Vec<&str> = r.tools.iter().map(|t| t.as_str()).collect();
    push(
        lines,
        "tools",
        format!(
            "{}  {}",
            tool_marks(r.tool_mask()),
            if tools.is_empty() {
                "none".to_owned()
            } else {
                text::line(&tools.join(", ")).into_owned()
            }
        ),
    );
    for act in &r.actions {
        let mut s = format!(
            "{} (auth: {})",
            text::line(act.domain.as_deref().unwrap_or("unknown domain")),
            act.auth.as_str()
        );
        if let Some(p) = &act.privacy_policy_url {
            s.push_str(&format!("  privacy: {}", text::line(p)));
        }
        push(lines, "  action", s);
    }
}

/// Monetisation signals: the kinds' marks, then each kind with what set it.
fn signal_lines(v: &GptView, lines: &mut Vec<Line<'static>>) {
    let push = |lines: &mut Vec<Line<'static>>, label: &'static str, value: String| {
        lines.push(field(label, value));
    };
    if v.signals_computed && !v.signals.is_empty() {
        push(
            lines,
            "monetisation",
            format!(
                "{}  signals",
                signal_marks(crate::signals::mask(&v.signals))
            ),
        );
        for s in &v.signals {
            push(
                lines,
                "  signal",
                format!("{}: {}", s.kind.name(), text::line(&s.evidence_text())),
            );
        }
    } else {
        let what = if v.signals_computed {
            "no signals"
        } else {
            "signals not computed (gptscope signals --recompute)"
        };
        push(lines, "monetisation", what.to_owned());
    }
}

/// The rating lines: the average, the split by star when the source counted it, and what the
/// store's about page shows.
fn rating_lines(v: &GptView, lines: &mut Vec<Line<'static>>) {
    let r = &v.record;
    let push = |lines: &mut Vec<Line<'static>>, label: &'static str, value: String| {
        lines.push(field(label, value));
    };
    push(
        lines,
        "rating",
        match (v.rating, r.review_count) {
            (Some(avg), Some(n)) => format!("{avg:.2} from {} ratings", thousands(n as i64)),
            _ => "not rated".to_owned(),
        },
    );
    if let Some(by) = r.rating_by_star {
        let total: u64 = by.iter().sum::<u64>().max(1);
        for (i, n) in by.iter().enumerate().rev() {
            let bar = "█".repeat((*n * 20 / total) as usize);
            push(
                lines,
                "",
                format!("{}★ {bar} {}", i + 1, thousands(*n as i64)),
            );
        }
    }
    if let Some(a) = &r.about {
        push(lines, "about", a.line());
        for (i, f) in a.by_rating.iter().enumerate().rev() {
            let bar = "█".repeat((f.clamp(0.0, 1.0) * 20.0).round() as usize);
            push(lines, "", format!("{}★ {bar} {:.0}%", i + 1, f * 100.0));
        }
    }
}

/// The long texts: description, prompt starters, welcome message, each under its heading.
fn text_lines(r: &crate::store::GptRecord, lines: &mut Vec<Line<'static>>) {
    lines.push(Line::raw(""));
    if let Some(d) = &r.description {
        lines.push(Line::from(Span::styled("Description", Style::new().bold())));
        for l in text::multiline(d).lines() {
            lines.push(Line::raw(l.to_owned()));
        }
        lines.push(Line::raw(""));
    }
    if !r.prompt_starters.is_empty() {
        lines.push(Line::from(Span::styled(
            "Prompt starters",
            Style::new().bold(),
        )));
        for s in &r.prompt_starters {
            lines.push(Line::raw(format!("• {}", text::line(s))));
        }
        lines.push(Line::raw(""));
    }
    if let Some(w) = &r.welcome_message {
        lines.push(Line::from(Span::styled(
            "Welcome message",
            Style::new().bold(),
        )));
        for l in text::multiline(w).lines() {
            lines.push(Line::raw(l.to_owned()));
        }
        lines.push(Line::raw(""));
    }
}

/// Rows `lines` take when wrapped to `width` (an estimate that errs high).
fn wrapped_height(lines: &[Line<'_>], width: u16) -> usize {
    let w = usize::from(width.max(1));
    lines.iter().map(|l| l.width().div_ceil(w).max(1)).sum()
}

/// Bars for `values` scaled from their least to their greatest (`·` where a value is missing).
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known = values.iter().flatten();
    let lo = known.clone().copied().fold(f64::INFINITY, f64::min);
    let hi = known.copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(_) if hi <= lo => BARS[3],
            Some(x) => BARS[(((x - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect()
}

/// A GPT's trends across the snapshots: sparklines of its conversations' lower bound (log
/// scale) and rating, then a row a snapshot, spikes flagged with the rule applied.
pub fn trend_lines(points: &[crate::store::diff::Point]) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::raw(""),
        Line::styled(
            format!(
                "History: {} snapshot{}",
                points.len(),
                if points.len() == 1 { "" } else { "s" }
            ),
            bold,
        ),
    ];
    if points.len() < 2 {
        lines.push(Line::styled(
            "only in this snapshot so far: trends need two",
            Style::new().dim(),
        ));
        return lines;
    }
    let first_last = |f: &dyn Fn(&crate::store::diff::Point) -> String| {
        format!(
            "{} → {}",
            points.first().map(f).unwrap_or_default(),
            points.last().map(f).unwrap_or_default()
        )
    };
    let convs: Vec<Option<f64>> = points
        .iter()
        .map(|p| {
            p.conversations_lower_bound
                .map(|c| ((c.max(0) + 1) as f64).log10())
        })
        .collect();
    let ratings: Vec<Option<f64>> = points.iter().map(|p| p.rating).collect();
    let bucket = |p: &crate::store::diff::Point| {
        text::line(p.conversations.as_deref().unwrap_or("–")).into_owned()
    };
    let rating =
        |p: &crate::store::diff::Point| p.rating.map_or("–".to_owned(), |r| format!("{r:.2}"));
    lines.push(field(
        "conversations",
        format!("{}  {}", sparkline(&convs), first_last(&bucket)),
    ));
    lines.push(field(
        "rating",
        format!("{}  {}", sparkline(&ratings), first_last(&rating)),
    ));
    lines.push(Line::styled(
        format!(
            "{:<11} {:<14} {:<7} {:<8} name",
            "date", "conversations", "rating", "reviews"
        ),
        bold,
    ));
    for p in points {
        let mut row = format!(
            "{:<11} {:<14} {:<7} {:<8} {}",
            p.taken_at.get(..10).unwrap_or(&p.taken_at),
            bucket(p),
            rating(p),
            p.review_count.map_or("–".to_owned(), thousands),
            text::line(&p.name)
        );
        if !p.available {
            row.push_str(" (unavailable)");
        }
        lines.push(Line::raw(row));
        if let Some(why) = &p.spike {
            lines.push(Line::styled(
                format!("  ⚠ implausible jump: {why}"),
                Style::new().add_modifier(Modifier::BOLD),
            ));
        }
    }
    if points.iter().any(|p| p.spike.is_some()) {
        lines.push(Line::styled(
            format!("spike rule: {}", crate::store::diff::SPIKE_RULE),
            Style::new().dim(),
        ));
    }
    lines
}

pub struct DetailView<'a> {
    pub detail: &'a Detail,
    pub theme: &'a crate::config::Theme,
    /// The terminal's height (recorded with the text's size).
    pub height: u16,
}

/// `lines` in `area` under `block`, wrapped, scrolled by `scroll` rows at most.
fn scrolled(
    lines: Vec<Line<'static>>,
    block: Block<'_>,
    scroll: u16,
    area: Rect,
    buf: &mut Buffer,
) {
    let inner = block.inner(area);
    block.render(area, buf);
    let max_scroll = wrapped_height(&lines, inner.width).saturating_sub(usize::from(inner.height));
    let scroll = usize::from(scroll).min(max_scroll) as u16;
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

impl Widget for DetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let d = self.detail;
        d.viewport.record(area, self.height);
        if let Some(c) = &d.compare {
            self.versions(c, area, buf);
            return;
        }
        let block = Block::new()
            .borders(Borders::LEFT | Borders::TOP)
            .title(" GPT ");
        let mut lines = match &d.view {
            Load::Loaded(v) => {
                let at = crate::time::parse_timestamp(&v.provenance.taken_at).unwrap_or(0);
                detail_lines(v, at)
            }
            Load::Failed(e) => vec![Line::raw(text::line(e).into_owned())],
            Load::Loading => vec![Line::styled(
                format!("loading {}", d.gpt_id),
                Style::new().dim(),
            )],
        };
        if let Some(points) = d.history.as_ref() {
            lines.extend(trend_lines(points));
        }
        scrolled(lines, block, d.scroll, area, buf);
    }
}

impl DetailView<'_> {
    /// Two versions side by side, the lines the other side lacks in the "changed" colour.
    fn versions(&self, c: &Compare, area: Rect, buf: &mut Buffer) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(area);
        let side = |v: &Option<Box<GptView>>, s: &crate::store::query::SnapshotRef| match v {
            Some(v) => {
                let at = crate::time::parse_timestamp(&v.provenance.taken_at).unwrap_or(0);
                detail_lines(v, at)
            }
            None => vec![Line::styled(
                format!(
                    "{} is not in snapshot #{}",
                    text::line(&self.detail.gpt_id),
                    s.id
                ),
                Style::new().dim(),
            )],
        };
        let (mut a, mut b) = match &c.versions {
            Load::Loaded([x, y]) => (side(x, &c.a), side(y, &c.b)),
            other => {
                let say = match other.error() {
                    Some(e) => text::line(e).into_owned(),
                    None => "loading…".to_owned(),
                };
                let say = || vec![Line::styled(say.clone(), Style::new().dim())];
                (say(), say())
            }
        };
        let text_of = |l: &Line<'_>| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        };
        // A `»` before each line the other side lacks (so it shows without colour too).
        let mark = |mine: &mut Vec<Line<'static>>, theirs: &[Line<'static>]| {
            let other: std::collections::HashSet<String> = theirs.iter().map(text_of).collect();
            for l in mine.iter_mut() {
                let differs = !other.contains(&text_of(l));
                let mut spans = vec![Span::raw(if differs { "» " } else { "  " })];
                spans.extend(l.spans.iter().cloned());
                let mut marked = Line::from(spans);
                if differs {
                    marked = marked.patch_style(Style::new().fg(self.theme.changed));
                }
                *l = marked;
            }
        };
        if c.versions.as_ref().is_some() {
            let a0 = a.clone();
            mark(&mut a, &b);
            mark(&mut b, &a0);
        }
        for (lines, s, rect) in [(a, &c.a, left), (b, &c.b, right)] {
            let title = format!(
                " #{} {} ",
                s.id,
                s.taken_at.get(..10).unwrap_or(&s.taken_at)
            );
            let block = Block::new()
                .borders(Borders::LEFT | Borders::TOP)
                .title(title);
            scrolled(lines, block, self.detail.scroll, rect, buf);
        }
    }
}
