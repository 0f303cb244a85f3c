//! Everything about one GPT, and an author's profile above their GPTs. Dates carry their age at
//! the snapshot's date (not today's: a snapshot describes its own moment, and drawing stays a
//! pure function of state).

use super::{signal_marks, thousands, tool_marks};
use crate::store::query::GptView;
use crate::text;
use crate::time::format_date;
use crate::tui::state::{AuthorPage, Detail};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
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
    let a = &r.author;
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
    push(&mut lines, "author", author);
    if let Some(link) = &a.link_to {
        push(&mut lines, "  website", text::line(link).into_owned());
    }
    for s in &a.socials {
        let handle = s.link_to.as_deref().or(s.username.as_deref()).unwrap_or("");
        push(
            &mut lines,
            "  social",
            format!("{} {}", text::line(&s.kind), text::line(handle)),
        );
    }
    if let Some(user) = &a.user_id {
        push(&mut lines, "  user id", user.clone());
    }
    push(
        &mut lines,
        "categories",
        if r.categories.is_empty() {
            "none".into()
        } else {
            text::line(&r.categories.join(", ")).into_owned()
        },
    );
    let tools: Vec<&str> = r.tools.iter().map(|t| t.as_str()).collect();
    push(
        &mut lines,
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
        push(&mut lines, "  action", s);
    }
    push(&mut lines, "knowledge", format!("{} files", r.file_count));
    // Monetisation signals: the kinds' marks, then each kind with what set it.
    if v.signals_computed && !v.signals.is_empty() {
        push(
            &mut lines,
            "monetisation",
            format!(
                "{}  signals",
                signal_marks(crate::signals::mask(&v.signals))
            ),
        );
        for s in &v.signals {
            push(
                &mut lines,
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
        push(&mut lines, "monetisation", what.to_owned());
    }
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
    push(
        &mut lines,
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
                &mut lines,
                "",
                format!("{}★ {bar} {}", i + 1, thousands(*n as i64)),
            );
        }
    }
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

/// Rows `lines` take when wrapped to `width` (an estimate that errs high).
fn wrapped_height(lines: &[Line<'_>], width: u16) -> usize {
    let w = usize::from(width.max(1));
    lines.iter().map(|l| l.width().div_ceil(w).max(1)).sum()
}

pub struct DetailView<'a> {
    pub detail: &'a Detail,
}

impl Widget for DetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let d = self.detail;
        let block = Block::new()
            .borders(Borders::LEFT | Borders::TOP)
            .title(" GPT ");
        let inner = block.inner(area);
        block.render(area, buf);
        let lines = match (&d.view, &d.error) {
            (Some(v), _) => {
                let at = crate::time::parse_timestamp(&v.provenance.taken_at).unwrap_or(0);
                detail_lines(v, at)
            }
            (None, Some(e)) => vec![Line::raw(text::line(e).into_owned())],
            (None, None) => vec![Line::styled(
                format!("loading {}", d.gpt_id),
                Style::new().dim(),
            )],
        };
        let max_scroll =
            wrapped_height(&lines, inner.width).saturating_sub(usize::from(inner.height));
        let scroll = usize::from(d.scroll).min(max_scroll) as u16;
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .render(inner, buf);
    }
}

pub struct ProfileView<'a> {
    pub page: &'a AuthorPage,
}

impl Widget for ProfileView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let p = self.page;
        let block = Block::new().borders(Borders::ALL).title(" Author ");
        let inner = block.inner(area);
        block.render(area, buf);
        let Some(row) = &p.row else {
            Line::styled(format!("loading {}", p.user_id), Style::new().dim()).render(inner, buf);
            return;
        };
        let name = text::line(row.name.as_deref().unwrap_or(&row.user_id)).into_owned();
        let mut first = vec![Span::styled(name, Style::new().bold())];
        if row.verified {
            first.push(Span::raw(" ✓ verified"));
        }
        if row.name.is_some() {
            first.push(Span::styled(
                format!("  {}", row.user_id),
                Style::new().dim(),
            ));
        }
        if let Some(w) = &row.website {
            first.push(Span::raw(format!("  {}", text::line(w))));
        }
        if let Some(profile) = &p.profile {
            for s in &profile.socials {
                first.push(Span::raw(format!(
                    "  {} {}",
                    text::line(&s.kind),
                    text::line(s.username.as_deref().unwrap_or(""))
                )));
            }
        }
        let second = format!(
            "{} GPT{} · conversations {} in all, median {} · rating {} · tools {}",
            thousands(row.gpts),
            if row.gpts == 1 { "" } else { "s" },
            thousands(row.conv_total),
            row.conv_median
                .map_or("–".to_owned(), |m| crate::store::record::bucket_label(
                    m.max(0) as u64
                )),
            row.rating.map_or("–".to_owned(), |r| format!(
                "{r:.2} ({} ratings)",
                thousands(row.ratings)
            )),
            tool_marks(row.tools)
        );
        let lines = vec![Line::from(first), Line::raw(second)];
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
    }
}
