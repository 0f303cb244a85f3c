//! The help popup (`?`): every Action by section with the keys bound to it now (generated from
//! the Action table and the live keymap), the marks' legends; j/k scroll, any other key closes.

use super::Outcome;
use super::view::centered;
use crate::tui::app::App;
use crate::tui::keys::{ACTIONS, Action, Section};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

/// A key over help: scroll, quit, or close.
pub fn key(scroll: &mut u16, action: Option<Action>) -> Outcome {
    match action {
        Some(Action::Down) => *scroll = scroll.saturating_add(1),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown | Action::HalfPageDown) => *scroll = scroll.saturating_add(10),
        Some(Action::PageUp | Action::HalfPageUp) => *scroll = scroll.saturating_sub(10),
        Some(Action::Quit) => return Outcome::Quit,
        _ => return Outcome::Close,
    }
    Outcome::Stay
}

/// The help text: every Action by section with the keys bound to it now.
pub fn help_lines(app: &App) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for section in Section::ALL {
        lines.push(Line::from(Span::styled(
            section.title(),
            Style::new().bold().underlined(),
        )));
        for info in ACTIONS.iter().filter(|i| i.section == section) {
            let keys = app.keymap.keys_for(info.action).join(", ");
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {keys:<16}"),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(info.description),
            ]));
        }
        lines.push(Line::raw(""));
    }
    lines.push(Line::from(Span::styled(
        "Tool marks",
        Style::new().bold().underlined(),
    )));
    lines.push(Line::raw(
        "  B browser  P python  D dalle  A actions  C canvas  I image_gen  K knowledge files",
    ));
    lines.push(Line::raw("  ✓ verified author"));
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "Monetisation signal marks",
        Style::new().bold().underlined(),
    )));
    lines.push(Line::raw(format!(
        "  {}",
        crate::signals::SignalKind::ALL
            .iter()
            .map(|k| format!("{} {}", k.mark(), k.name()))
            .collect::<Vec<_>>()
            .join("  ")
    )));
    lines
}

pub fn render(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
    let lines = help_lines(app);
    let rect = centered(area, 90, lines.len() as u16 + 2);
    Clear.render(rect, buf);
    let max = (lines.len() as u16 + 2).saturating_sub(rect.height);
    Paragraph::new(lines)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(" Help ")
                .title_bottom(" j/k scroll · any other key closes "),
        )
        .scroll((scroll.min(max), 0))
        .render(rect, buf);
}
