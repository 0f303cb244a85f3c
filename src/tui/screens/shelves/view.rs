//! The store front's history drawn: a line of totals, then one row per move (the step, the
//! shelf, what happened, the positions, the GPT), only the rows that fit.

use super::{Moves, ShelvesScreen};
use crate::config::Theme;
use crate::text::{self, thousands};
use crate::tui::kit::load::Load;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Widget;

pub struct ShelvesView<'a> {
    pub screen: &'a ShelvesScreen,
    pub theme: &'a Theme,
    /// The terminal's height (recorded with the rows' size).
    pub height: u16,
}

/// What a move looks like: `↑ up`, `+ entered`, …
fn kind_mark(kind: &str) -> &'static str {
    match kind {
        "entered" => "+ entered",
        "left" => "− left",
        "up" => "↑ up",
        "down" => "↓ down",
        _ => "· moved",
    }
}

fn summary(m: &Moves) -> String {
    if m.steps.is_empty() {
        return "no store-front history: it takes two snapshots with shelves (gptscope refresh \
                shelves, or store-front archives imported with --by-date)"
            .to_owned();
    }
    let count = |k: &str| {
        m.steps
            .iter()
            .flat_map(|s| &s.moves)
            .filter(|x| x.kind == k)
            .count() as i64
    };
    format!(
        "{} moves in {} steps, newest first: {} entered · {} left · {} up · {} down",
        thousands(m.rows.len() as i64),
        thousands(m.steps.len() as i64),
        thousands(count("entered")),
        thousands(count("left")),
        thousands(count("up")),
        thousands(count("down"))
    )
}

impl Widget for ShelvesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        s.viewport.record(body, self.height);
        let width = usize::from(area.width);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let m = match &s.moves {
            Load::Loading => {
                Line::styled("reading the shelves…", Style::new().dim()).render(head, buf);
                return;
            }
            Load::Failed(e) => {
                Line::styled(text::cell(e, width), bold).render(head, buf);
                return;
            }
            Load::Loaded(m) => m,
        };
        Line::styled(text::cell(&summary(m), width), bold).render(head, buf);
        let visible = (s.cursor.offset..m.rows.len()).take(usize::from(body.height));
        for (row, i) in visible.enumerate() {
            let Some((step, mv)) = m.row(i) else { break };
            let pos = |p: Option<i64>| p.map_or("–".to_owned(), |p| format!("#{p}"));
            let line = format!(
                " #{:<4} → #{:<4} {:<10}  {:<22} {:<10} {:>5} → {:<5}  {}",
                step.from.id,
                step.to.id,
                step.to.taken_at.get(..10).unwrap_or(&step.to.taken_at),
                text::cell(&mv.shelf, 22),
                kind_mark(mv.kind),
                pos(mv.from),
                pos(mv.to),
                text::line(mv.name.as_deref().unwrap_or(&mv.id)),
            );
            let style = if i == s.cursor.selected {
                self.theme.selection
            } else {
                Style::new()
            };
            let rect = Rect::new(body.x, body.y + row as u16, body.width, 1);
            buf.set_style(rect, style);
            Line::styled(text::cell(&line, width), style).render(rect, buf);
        }
    }
}
