//! The snapshots screen and a diff on it: the snapshots as a table (the open one and the
//! marked one flagged), or the diff's counts, the focused change type, and the changed GPTs
//! biggest first, each with its changes on one line. Only the visible rows are drawn.

use super::{DiffState, SnapshotsScreen};
use crate::config::Theme;
use crate::text::{self, thousands};
use crate::tui::kit::load::Load;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub struct SnapshotsView<'a> {
    pub screen: &'a SnapshotsScreen,
    pub open: i64,
    pub theme: &'a Theme,
    /// The terminal's height (recorded with the rows' size).
    pub height: u16,
}

impl SnapshotsView<'_> {
    /// The snapshot list: the visible snapshots, then the refreshes that can be resumed.
    fn snapshot_rows(&self, body: Rect, buf: &mut Buffer) {
        let h = self.screen;
        let dim = Style::new().add_modifier(Modifier::DIM);
        let Some(list) = h.snapshots.as_ref() else {
            return;
        };
        let rows: Vec<_> = list
            .iter()
            .enumerate()
            .skip(h.cursor.offset)
            .take(usize::from(body.height))
            .collect();
        let shown = rows.len();
        for (row, u) in h
            .unfinished
            .iter()
            .enumerate()
            .take(usize::from(body.height).saturating_sub(shown))
        {
            let line = format!(
                " resumable  {}: {} GPTs in {} pages so far, started {} · {}",
                text::line(&u.plan),
                thousands(u.gpts as i64),
                thousands(u.pages as i64),
                u.started_at,
                u.resume
            );
            draw_row(&line, dim, body, shown + row, buf);
        }
        for (row, (i, s)) in rows.into_iter().enumerate() {
            let flag = [
                (s.id == self.open, "open"),
                (h.marked == Some(s.id), "marked"),
                (s.default, "default"),
            ]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(", ");
            let mut source = if s.source == s.label {
                String::new()
            } else {
                format!(" · {}", text::line(&s.source))
            };
            if let Some(incomplete) = &s.shelves_incomplete {
                source.push_str(&format!(" · {}", text::line(incomplete)));
            }
            let line = format!(
                " #{:<4} {:<10} {:>11} GPTs {:>9} authors  {:<9} {:<21} {}{source}",
                s.id,
                s.taken_at.get(..10).unwrap_or(&s.taken_at),
                thousands(s.gpts),
                thousands(s.authors),
                s.status,
                flag,
                text::line(&s.label)
            );
            let style = if i == h.cursor.selected {
                self.theme.selection
            } else {
                Style::new()
            };
            draw_row(&line, style, body, row, buf);
        }
    }
}

impl Widget for SnapshotsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let h = self.screen;
        let width = usize::from(area.width);
        let [head, body] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        let dim = Style::new().add_modifier(Modifier::DIM);
        h.viewport.record(body, self.height);
        let error = match (&h.snapshots, &h.diff) {
            (Load::Failed(e), _) | (_, DiffState::Failed(e)) => Some(e),
            _ => None,
        };
        if let Some(e) = error {
            Line::styled(
                text::cell(e, width),
                Style::new().add_modifier(Modifier::BOLD),
            )
            .render(head, buf);
            return;
        }
        let Some(d) = h.diff.as_ref() else {
            let say = if matches!(h.diff, DiffState::Computing) {
                "computing the diff…"
            } else {
                "Enter opens · Space marks the \"before\" · d diffs the marked (else the open) one against the selected"
            };
            Line::styled(text::cell(say, width), dim).render(head, buf);
            self.snapshot_rows(body, buf);
            return;
        };
        let diff = &d.diff;
        let count = |k: &str| diff.counts.get(k).copied().unwrap_or(0) as i64;
        let mut summary = format!(
            "#{} → #{}: {} added · {} removed · {} changed · {} shelf moves",
            diff.a.id,
            diff.b.id,
            thousands(count("added")),
            thousands(count("removed")),
            thousands(count("changed")),
            thousands(count("shelf_moves"))
        );
        if !diff.complete {
            summary = format!(
                "#{} → #{}: the first {} changed GPTs, biggest first · comparing the rest…",
                diff.a.id,
                diff.b.id,
                thousands(count("changed"))
            );
        }
        let focus = if d.rising() {
            format!(
                "rising ({} GPTs): {} · ←/→ change types",
                thousands(d.count() as i64),
                crate::store::diff::RISING_RULE
            )
        } else {
            format!(
                "{}: {} ({} GPTs) · ←/→ another type · ]/[ next/previous such change · f {} · Enter both versions",
                if d.only { "only" } else { "type" },
                d.field(),
                thousands(d.count() as i64),
                if d.only {
                    "shows all"
                } else {
                    "only this type"
                }
            )
        };
        Line::styled(
            text::cell(&summary, width),
            Style::new().add_modifier(Modifier::BOLD),
        )
        .render(Rect::new(head.x, head.y, head.width, 1), buf);
        Line::styled(text::cell(&focus, width), dim)
            .render(Rect::new(head.x, head.y + 1, head.width, 1), buf);
        let visible = d
            .rows
            .iter()
            .enumerate()
            .skip(d.cursor.offset)
            .take(usize::from(body.height));
        for (row, (i, r)) in visible.enumerate() {
            let c = super::row(diff, *r);
            let changes: Vec<String> = c
                .changes
                .iter()
                .map(|ch| {
                    let short = |v: &Option<String>| text::cell(v.as_deref().unwrap_or("–"), 16);
                    match (ch.field, ch.kind) {
                        ("added" | "removed", status) => {
                            format!("{status} · {}", short(&ch.to.clone().or(ch.from.clone())))
                        }
                        ("rising", _) => format!(
                            "{} → {}",
                            short(&ch.from),
                            text::cell(ch.to.as_deref().unwrap_or("–"), 48)
                        ),
                        ("shelves", kind) => {
                            format!("shelf {kind}: {} → {}", short(&ch.from), short(&ch.to))
                        }
                        (f, "edited") => format!("{f} edited"),
                        (f, "added" | "gained") => format!("+{f} {}", short(&ch.to)),
                        (f, "removed" | "lost") => format!("−{f} {}", short(&ch.from)),
                        (f, _) => format!("{f} {} → {}", short(&ch.from), short(&ch.to)),
                    }
                })
                .collect();
            let name = text::cell(c.name, 28);
            let pad = " ".repeat(28usize.saturating_sub(text::width(&name)));
            let line = format!(" {name}{pad} {}", changes.join(" · "));
            let style = if i == d.cursor.selected {
                self.theme.selection
            } else if c.changes.iter().any(|ch| ch.field == d.field()) {
                Theme::fg(self.theme.accent)
            } else {
                Style::new()
            };
            draw_row(&line, style, body, row, buf);
        }
    }
}

/// Row `row` of `body`: `line` clipped to the width, the whole row in `style`.
fn draw_row(line: &str, style: Style, body: Rect, row: usize, buf: &mut Buffer) {
    let rect = Rect::new(body.x, body.y + row as u16, body.width, 1);
    buf.set_style(rect, style);
    Line::styled(text::cell(line, usize::from(body.width)), style).render(rect, buf);
}
