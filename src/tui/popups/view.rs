//! Popups drawn over the screen: each popup's own drawing is in its file; here the dispatch and
//! what they share (a centred box, a framed dialog, a message box for errors and questions).

use super::Popup;
use crate::text;
use crate::tui::app::App;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};

use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
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
        Popup::Help { scroll } => super::help::render(app, *scroll, area, buf),
        Popup::Filter(form) => super::filters::render(form, area, buf),
        Popup::Export(dialog) => super::export::render(dialog, area, buf),
        Popup::Error(message) => message_box(
            message,
            " Something went wrong ",
            " any key closes ",
            area,
            buf,
        ),
        Popup::Confirm(c) => message_box(&c.question, c.title, c.keys, area, buf),
        Popup::Refresh(dialog) => super::refresh::render(app, dialog, area, buf),
    }
}

/// A bordered dialog of `lines`, centred, at most `width` wide.
pub(super) fn framed(
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

/// A message in a bordered box, wrapped (the box as tall as the wrapped text).
pub(super) fn message_box(message: &str, title: &str, bottom: &str, area: Rect, buf: &mut Buffer) {
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
