//! What every table draws the same way: a filter bar (filters or the search prompt, the sort,
//! the position "1,204 of 397,112"), a header with the sort and the focused column marked,
//! cells sanitised and fitted to their column by display width, tool and signal marks, and
//! search hits highlighted.

use super::search::Search;
use super::spinner;
use crate::search::Query;
use crate::store::record::ToolMask;
use crate::text::{self, thousands};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// One letter per tool, `·` when absent: browser, python, dalle, actions, canvas, image_gen,
/// knowledge.
pub fn tool_marks(tools: ToolMask) -> String {
    [
        (ToolMask::BROWSER, 'B'),
        (ToolMask::PYTHON, 'P'),
        (ToolMask::DALLE, 'D'),
        (ToolMask::ACTIONS, 'A'),
        (ToolMask::CANVAS, 'C'),
        (ToolMask::IMAGE_GEN, 'I'),
        (ToolMask::KNOWLEDGE, 'K'),
    ]
    .iter()
    .map(|&(bit, c)| if tools.has(bit) { c } else { '·' })
    .collect()
}

/// One mark per monetisation-signal kind, `·` when absent: A (third-party Action),
/// B (business author), L (external link), $ (pricing language), F (funnel domain).
pub fn signal_marks(signals: u8) -> String {
    crate::signals::SignalKind::ALL
        .iter()
        .map(|k| {
            if signals & k.bit() != 0 {
                k.mark()
            } else {
                '·'
            }
        })
        .collect()
}

#[derive(Clone, Copy)]
pub enum Align {
    Left,
    Right,
}

pub fn put(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    content: &str,
    align: Align,
    style: Style,
) {
    let fitted = text::fit(content, usize::from(width));
    let w = text::width(&fitted) as u16;
    let x = match align {
        Align::Left => x,
        Align::Right => x + width.saturating_sub(w),
    };
    buf.set_stringn(x, y, fitted, usize::from(width), style);
}

/// A column of a header row.
pub struct HeaderCell {
    pub title: &'static str,
    pub width: u16,
    pub right: bool,
    pub focused: bool,
    /// Some(descending) when the list is sorted by this column.
    pub sorted: Option<bool>,
}

/// A header row: titles aligned like their columns, the sort column's direction marked, the
/// focused column highlighted.
pub fn draw_header(buf: &mut Buffer, area: Rect, cells: impl IntoIterator<Item = HeaderCell>) {
    let mut x = area.x;
    for c in cells {
        let mut title = c.title.to_owned();
        if let Some(descending) = c.sorted {
            title.push(if descending { '↓' } else { '↑' });
        }
        let align = if c.right { Align::Right } else { Align::Left };
        put(
            buf,
            x,
            area.y,
            c.width,
            &title,
            align,
            header_style(c.focused),
        );
        x += c.width + 1;
    }
}

pub fn header_style(focused: bool) -> Style {
    let s = Style::new().add_modifier(Modifier::BOLD);
    if focused {
        s.add_modifier(Modifier::UNDERLINED | Modifier::REVERSED)
    } else {
        s
    }
}

/// A table's areas: the filter bar, the header, the rows.
pub fn areas(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(area)
}

/// What the filter bar says of the sort: "by conversations ↓".
pub fn sorted_by(label: &str, descending: bool) -> String {
    format!("by {label} {}", if descending { "↓" } else { "↑" })
}

/// The search prompt, when one is open: what is typed, with the cursor.
pub fn prompt(search: &Search, ready: bool) -> Option<String> {
    if !search.typing {
        return None;
    }
    let i = &search.input;
    let (before, after): (String, String) = (
        i.text.chars().take(i.cursor).collect(),
        i.text.chars().skip(i.cursor).collect(),
    );
    let mut p = format!("/{}▏{}", text::line(&before), text::line(&after));
    if let Some(took) = search.took {
        p.push_str(&format!("  ({} ms)", took.as_millis()));
    }
    if search.fallback || !ready {
        p.push_str("  index loading: substring matches");
    }
    Some(p)
}

pub fn filter_bar(
    buf: &mut Buffer,
    area: Rect,
    filters: &[String],
    prompt: Option<String>,
    sorted: String,
    position: String,
) {
    let left = if let Some(p) = prompt {
        p
    } else if filters.is_empty() {
        "no filters (f: filter, /: search)".to_owned()
    } else {
        format!("filters: {}", filters.join(" · "))
    };
    let right = format!("{sorted}  {position} ");
    let right_w = text::width(&right);
    let room = usize::from(area.width).saturating_sub(right_w + 1);
    let style = if left.starts_with('/') {
        Style::new().bold()
    } else {
        Style::new().italic()
    };
    Line::from(vec![Span::styled(
        format!(" {}", text::fit(&text::line(&left), room.saturating_sub(1))),
        style,
    )])
    .render(area, buf);
    let x = area.right().saturating_sub(right_w as u16);
    buf.set_string(x, area.y, right, Style::new().bold());
}

pub fn position(selected: usize, len: usize, loading: bool, tick: u64) -> String {
    if len == 0 {
        return if loading {
            format!("{} loading", spinner(tick))
        } else {
            "no GPTs match".into()
        };
    }
    format!(
        "{} of {}",
        thousands(selected as i64 + 1),
        thousands(len as i64)
    )
}

/// A name with the characters a query matched in bold and underlined.
pub fn highlighted(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    name: &str,
    query: &Query,
    style: Style,
) {
    let clean = text::line(name);
    let fitted = text::fit(&clean, usize::from(width));
    let hits = crate::search::positions(&clean, query);
    let mark = style.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    let spans: Vec<Span> = fitted
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let on = hits.binary_search(&i).is_ok() && c != '…';
            Span::styled(c.to_string(), if on { mark } else { style })
        })
        .collect();
    Line::from(spans).render(Rect::new(x, y, width, 1), buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_marks_line_up() {
        assert_eq!(
            tool_marks(ToolMask(ToolMask::BROWSER | ToolMask::ACTIONS)),
            "B··A···"
        );
        assert_eq!(tool_marks(ToolMask(0)), "·······");
    }
}
