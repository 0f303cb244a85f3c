//! A live pane: its state in the title (loading with a spinner, loaded at a time, error), then
//! a GPT's watched fields as the snapshot has them and as the store shows them now (changes
//! marked), an author's current GPTs (new and vanished marked) or the store front's shelves
//! (GPTs not in the snapshot marked). Fetched text is sanitised like everything else.

use super::{Fetched, LivePane, LiveState};
use crate::config::Theme;
use crate::live::api::Found;
use crate::text;
use crate::tui::kit::spinner;
use crate::tui::msg::{LiveAnswer, LiveKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

pub struct LiveView<'a> {
    pub pane: &'a LivePane,
    pub tick: u64,
    pub snapshot_id: i64,
    pub theme: &'a Theme,
    /// The terminal's height (recorded with the pane's size).
    pub height: u16,
}

fn clock(t: i64) -> String {
    let dt = crate::time::format_datetime(t);
    format!("{} UTC", dt.get(11..19).unwrap_or(&dt))
}

impl LiveView<'_> {
    fn state(&self) -> String {
        match &self.pane.state {
            LiveState::Loading => format!("{} loading", spinner(self.tick)),
            LiveState::Loaded(Fetched { at, .. }) => format!("loaded at {}", clock(*at)),
            LiveState::Failed(_) => "error".to_owned(),
        }
    }

    fn lines(&self, width: usize) -> Vec<Line<'static>> {
        let p = self.pane;
        let dim = Style::new().add_modifier(Modifier::DIM);
        match &p.state {
            LiveState::Loading => {
                let mut out = vec![Line::raw("Asking the store…")];
                if let Some(n) = &p.note {
                    out.push(Line::styled(text::cell(n, width), dim));
                }
                out.push(Line::styled("Esc goes back (and stops asking).", dim));
                out
            }
            LiveState::Failed(e) => vec![
                Line::raw("The store could not be asked:"),
                Line::styled(text::cell(e, width), Style::new().bold()),
                Line::raw(""),
                Line::styled(
                    "The snapshot is unaffected: Esc goes back to it; l tries again.",
                    dim,
                ),
            ],
            LiveState::Loaded(Fetched { answer, .. }) => match answer.as_ref() {
                LiveAnswer::Gpt(g) => self.gpt_lines(&g.record.name, width),
                LiveAnswer::List(found) => match &p.kind {
                    LiveKind::StoreFront => self.shelf_lines(found, width),
                    _ => self.author_lines(found, width),
                },
            },
        }
    }

    fn gpt_lines(&self, name: &str, width: usize) -> Vec<Line<'static>> {
        let p = self.pane;
        let mut out = vec![Line::styled(text::cell(name, width), Style::new().bold())];
        let Some(fields) = p.changes() else {
            return out;
        };
        let changed = fields.iter().filter(|f| f.changed).count();
        out.push(Line::styled(
            match (&p.snapshot, changed) {
                (None, _) => "not in the snapshot: the store's values only".to_owned(),
                (Some(_), 0) => format!("no change since snapshot #{}", self.snapshot_id),
                (Some(_), n) => format!(
                    "{n} field{} changed since snapshot #{}",
                    if n == 1 { "" } else { "s" },
                    self.snapshot_id
                ),
            },
            Style::new().add_modifier(Modifier::DIM),
        ));
        out.push(Line::raw(""));
        let col = width.saturating_sub(18) / 2;
        out.push(Line::styled(
            format!(
                "  {:<14}  {:<col$}  now",
                "",
                format!("snapshot #{}", self.snapshot_id)
            ),
            Style::new().add_modifier(Modifier::DIM),
        ));
        for f in fields {
            let before = text::cell(&f.snapshot, col.max(1));
            let pad = " ".repeat(col.saturating_sub(text::width(&before)));
            let now = text::cell(&f.live, col.max(1));
            let style = if f.changed {
                Theme::fg(self.theme.changed).add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            out.push(Line::from(vec![
                Span::styled(
                    format!("{} {:<14}  ", if f.changed { "*" } else { " " }, f.name),
                    style,
                ),
                Span::raw(format!("{before}{pad}  ")),
                Span::styled(now, style),
            ]));
        }
        out
    }

    fn author_lines(&self, found: &Found, width: usize) -> Vec<Line<'static>> {
        let p = self.pane;
        let known = p.known.as_ref();
        let now: Vec<&str> = found.gpts.iter().map(|g| g.record.id.as_str()).collect();
        let new = known.map_or(0, |k| now.iter().filter(|id| !k.contains(**id)).count());
        let mut vanished: Vec<&String> = known
            .map(|k| k.iter().filter(|id| !now.contains(&id.as_str())).collect())
            .unwrap_or_default();
        vanished.sort();
        let mut out = vec![Line::styled(
            format!(
                "{} GPTs now · {new} new (+) · {} vanished (−) since snapshot #{}",
                found.gpts.len(),
                vanished.len(),
                self.snapshot_id
            ),
            Style::new().bold(),
        )];
        for g in &found.gpts {
            let is_new = known.is_some_and(|k| !k.contains(&g.record.id));
            let conv = g
                .record
                .conversations
                .as_ref()
                .map_or("?".to_owned(), |c| c.bucket.clone());
            out.push(Line::styled(
                text::cell(
                    &format!(
                        "{} {conv:>6}  {}  ({})",
                        if is_new { "+" } else { " " },
                        g.record.name,
                        g.record.id
                    ),
                    width,
                ),
                if is_new {
                    Theme::fg(self.theme.added)
                } else {
                    Style::new()
                },
            ));
        }
        for id in vanished {
            out.push(Line::styled(
                format!("− {id}  (in the snapshot, not in the store now)"),
                Theme::fg(self.theme.removed),
            ));
        }
        out
    }

    fn shelf_lines(&self, found: &Found, width: usize) -> Vec<Line<'static>> {
        let known = self.pane.known.as_ref();
        let mut out = Vec::new();
        for s in &found.shelves {
            out.push(Line::styled(
                text::cell(
                    &format!("{} ({})", s.title.as_deref().unwrap_or(&s.id), s.id),
                    width,
                ),
                Style::new().bold(),
            ));
            for e in found.entries.iter().filter(|e| e.shelf_id == s.id) {
                let id = e.gpt_id.as_deref().unwrap_or("");
                let new = known.is_some_and(|k| !k.contains(id));
                out.push(Line::from(vec![
                    Span::raw(text::cell(
                        &format!("  {:>3}. {}", e.position, e.name.as_deref().unwrap_or(id)),
                        width.saturating_sub(24),
                    )),
                    Span::styled(
                        if new { "  not in the snapshot" } else { "" },
                        Theme::fg(self.theme.added),
                    ),
                ]));
            }
            out.push(Line::raw(""));
        }
        out
    }
}

impl Widget for LiveView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = Block::new().borders(Borders::ALL).title(format!(
            " {} · {} ",
            text::line(&self.pane.name()),
            self.state()
        ));
        let inner = block.inner(area);
        self.pane.viewport.record(inner, self.height);
        block.render(area, buf);
        let lines = self.lines(usize::from(inner.width));
        let max = (lines.len() as u16).saturating_sub(inner.height);
        Paragraph::new(lines)
            .scroll((self.pane.scroll.min(max), 0))
            .render(inner, buf);
    }
}
