//! The filter form's popup (`f`): the form (`kit::form`) drawn as a column of fields, the focused
//! one marked, the error naming the field that does not parse.

use super::view::centered;
use crate::text;
use crate::tui::kit::form::{FieldKind, Form};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

pub fn render(form: &Form, area: Rect, buf: &mut Buffer) {
    let height = form.fields.len() as u16 + 4;
    let rect = centered(area, 70, height);
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .title(" Filters ")
        .title_bottom(" ↑↓ field · ←→/Space change · type text · Enter apply · Esc cancel ");
    let inner = block.inner(rect);
    block.render(rect, buf);
    let label_w = form
        .fields
        .iter()
        .map(|f| text::width(&f.label))
        .max()
        .unwrap_or(0)
        + 2;
    let value_w = usize::from(inner.width).saturating_sub(label_w + 2);
    let mut lines: Vec<Line> = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let value = match &f.kind {
            FieldKind::Choice { options, index } => {
                let v = options.get(*index).map_or("", String::as_str);
                if focused {
                    format!("‹ {v} ›")
                } else {
                    v.to_owned()
                }
            }
            FieldKind::Text { value, placeholder } => {
                if value.is_empty() && !focused {
                    format!("({placeholder})")
                } else if focused {
                    format!("{value}▏")
                } else {
                    value.clone()
                }
            }
        };
        let style = if focused {
            Style::new().reversed()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{:<label_w$}", if focused { "›" } else { " " }, f.label),
                style.bold(),
            ),
            Span::styled(text::cell(&value, value_w), style),
        ]));
    }
    if let Some(e) = &form.error {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            text::cell(e, usize::from(inner.width)),
            Style::new().bold(),
        ));
    }
    Paragraph::new(lines).render(inner, buf);
}
