//! Popups drawn over the screen: help (generated from the Action table and the live keymap),
//! the filter form, and errors that need reading.

use super::{ExportDialog, Popup};
use crate::text::{self, thousands};
use crate::tui::app::App;
use crate::tui::keys::{ACTIONS, Section};
use crate::tui::kit::form::{FieldKind, Form};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [h] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    h
}

pub fn render(app: &App, popup: &Popup, area: Rect, buf: &mut Buffer) {
    match popup {
        Popup::Help { scroll } => help(app, *scroll, area, buf),
        Popup::Filter(form) => filter_form(form, area, buf),
        Popup::Export(dialog) => export(dialog, area, buf),
        Popup::Error(message) => message_box(
            message,
            " Something went wrong ",
            " any key closes ",
            area,
            buf,
        ),
        Popup::Confirm(c) => message_box(&c.question, c.title, c.keys, area, buf),
        Popup::Refresh(dialog) => refresh(app, dialog, area, buf),
    }
}

fn export(dialog: &ExportDialog, area: Rect, buf: &mut Buffer) {
    let i = &dialog.input;
    let (before, after): (String, String) = (
        i.text.chars().take(i.cursor).collect(),
        i.text.chars().skip(i.cursor).collect(),
    );
    let what = if dialog.authors { "authors" } else { "GPTs" };
    let mut lines = vec![
        Line::raw(format!(
            "Export the {} {what} of the list on screen (its filters, search and sort) to:",
            thousands(dialog.ids.len() as i64)
        )),
        Line::raw(""),
        Line::from(vec![
            Span::raw(" "),
            Span::styled(
                format!("{}▏{}", text::line(&before), text::line(&after)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::raw(""),
        Line::styled(
            "The extension picks the format: .csv (RFC 4180), .json, .jsonl.",
            Style::new().add_modifier(Modifier::DIM),
        ),
    ];
    if let Some(e) = &dialog.error {
        lines.push(Line::styled(
            e.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    framed(
        lines,
        90,
        " Export ",
        " Enter write · Esc cancel ",
        area,
        buf,
    );
}

/// A bordered dialog of `lines`, centred, at most `width` wide.
fn framed(
    lines: Vec<Line<'static>>,
    width: u16,
    title: &str,
    keys: &str,
    area: Rect,
    buf: &mut Buffer,
) {
    let rect = centered(area, width, lines.len() as u16 + 2);
    Clear.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(title.to_owned())
                .title_bottom(keys.to_owned()),
        )
        .render(rect, buf);
}

fn refresh(app: &App, dialog: &super::refresh::Dialog, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![
        Line::raw(format!(
            "Fetch from {} into a new snapshot:",
            text::line(&app.store_url)
        )),
        Line::raw(""),
    ];
    for mode in super::refresh::Mode::ALL {
        let (name, what) = mode.describe();
        let style = if mode == dialog.mode {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {name:<10}"), style.bold()),
            Span::styled(format!(" {what}"), style),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Progress shows below; Esc stops it, r later continues it.",
        Style::new().add_modifier(Modifier::DIM),
    ));
    framed(
        lines,
        100,
        " Refresh ",
        " ↑↓ choose · Enter start · Esc cancel ",
        area,
        buf,
    );
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

fn help(app: &App, scroll: u16, area: Rect, buf: &mut Buffer) {
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

fn filter_form(form: &Form, area: Rect, buf: &mut Buffer) {
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

/// A message in a bordered box, wrapped (the box as tall as the wrapped text).
fn message_box(message: &str, title: &str, bottom: &str, area: Rect, buf: &mut Buffer) {
    let width = 70u16.min(area.width);
    let lines = text::width(message) / usize::from(width.saturating_sub(4).max(1)) + 1;
    let rect = centered(area, width, lines as u16 + 4);
    Clear.render(rect, buf);
    Paragraph::new(text::multiline(message).into_owned())
        .wrap(Wrap { trim: true })
        .block(
            Block::new()
                .borders(Borders::ALL)
                .title(title.to_owned())
                .title_bottom(bottom.to_owned()),
        )
        .render(rect, buf);
}
