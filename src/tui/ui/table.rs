//! The list screens: a filter bar (filters, sort, position "1,204 of 397,112"), a header with
//! the sort and the focused column marked, and only the rows that fit, each cell sanitised and
//! fitted to its column by display width.

use super::{spinner, thousands};
use crate::config::Theme;
use crate::search::Query;
use crate::store::record::ToolMask;
use crate::store::view::GptRow;
use crate::text;
use crate::tui::state::{AuthorColumn, AuthorList, GptColumn, GptList, Search};
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
enum Align {
    Left,
    Right,
}

/// Column widths for the space available: the name takes what is left, narrow terminals drop
/// the least important columns first.
fn gpt_layout(width: u16) -> Vec<(usize, u16)> {
    let fixed = |c: GptColumn| -> u16 {
        match c {
            GptColumn::Name => 0,
            GptColumn::Author => 18,
            GptColumn::Category => 12,
            GptColumn::Tools => 7,
            GptColumn::Signals => 7,
            GptColumn::Conversations => 6,
            GptColumn::Rating => 6,
            GptColumn::Reviews => 8,
            GptColumn::Updated => 10,
        }
    };
    // Dropped in this order when space runs out.
    let drop_order = [
        GptColumn::Updated,
        GptColumn::Signals,
        GptColumn::Reviews,
        GptColumn::Category,
        GptColumn::Tools,
        GptColumn::Author,
        GptColumn::Rating,
    ];
    let mut shown: Vec<GptColumn> = GptColumn::ALL.to_vec();
    let min_name = 22u16;
    let need =
        |cols: &[GptColumn]| -> u16 { cols.iter().map(|c| fixed(*c) + 1).sum::<u16>() + min_name };
    for d in drop_order {
        if need(&shown) <= width {
            break;
        }
        shown.retain(|c| *c != d);
    }
    let name = width.saturating_sub(need(&shown) - min_name);
    shown
        .iter()
        .map(|c| {
            let idx = GptColumn::ALL.iter().position(|x| x == c).unwrap_or(0);
            (
                idx,
                if *c == GptColumn::Name {
                    name
                } else {
                    fixed(*c)
                },
            )
        })
        .collect()
}

fn gpt_cell(row: &GptRow, column: GptColumn) -> (String, Align) {
    match column {
        GptColumn::Name => (text::line(&row.name).into_owned(), Align::Left),
        GptColumn::Author => {
            let name = row
                .author
                .as_deref()
                .or(row.author_id.as_deref())
                .unwrap_or("");
            let mark = if row.verified { "✓ " } else { "" };
            (format!("{mark}{}", text::line(name)), Align::Left)
        }
        GptColumn::Category => (
            row.category
                .as_deref()
                .map(|c| text::line(c).into_owned())
                .unwrap_or_default(),
            Align::Left,
        ),
        GptColumn::Tools => (tool_marks(row.tools), Align::Left),
        GptColumn::Signals => (signal_marks(row.signals), Align::Left),
        GptColumn::Conversations => (row.conv_bucket.clone().unwrap_or_default(), Align::Right),
        GptColumn::Rating => (
            row.rating
                .map(|r| format!("{r:.2}"))
                .unwrap_or_else(|| "–".into()),
            Align::Right,
        ),
        GptColumn::Reviews => (row.reviews.map(thousands).unwrap_or_default(), Align::Right),
        GptColumn::Updated => (
            row.updated_at
                .map(crate::time::format_date)
                .unwrap_or_default(),
            Align::Left,
        ),
    }
}

fn put(buf: &mut Buffer, x: u16, y: u16, width: u16, content: &str, align: Align, style: Style) {
    let fitted = text::fit(content, usize::from(width));
    let w = text::width(&fitted) as u16;
    let x = match align {
        Align::Left => x,
        Align::Right => x + width.saturating_sub(w),
    };
    buf.set_stringn(x, y, fitted, usize::from(width), style);
}

/// A column of a header row.
struct HeaderCell {
    title: &'static str,
    width: u16,
    right: bool,
    focused: bool,
    /// Some(descending) when the list is sorted by this column.
    sorted: Option<bool>,
}

/// A header row: titles aligned like their columns, the sort column's direction marked, the
/// focused column highlighted.
fn draw_header(buf: &mut Buffer, area: Rect, cells: impl IntoIterator<Item = HeaderCell>) {
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

fn header_style(focused: bool) -> Style {
    let s = Style::new().add_modifier(Modifier::BOLD);
    if focused {
        s.add_modifier(Modifier::UNDERLINED | Modifier::REVERSED)
    } else {
        s
    }
}

/// The search prompt, when one is open: what is typed, with the cursor.
fn prompt(search: &Search, ready: bool) -> Option<String> {
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

fn filter_bar(
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

fn position(selected: usize, len: usize, loading: bool, tick: u64) -> String {
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
fn highlighted(
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

/// A list of GPTs.
pub struct GptListView<'a> {
    pub list: &'a GptList,
    pub tick: u64,
    pub search_ready: bool,
    pub theme: &'a Theme,
}

impl Widget for GptListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let list = self.list;
        let [bar, header, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        let sort = format!(
            "by {} {}",
            list.sort.key.label(),
            if list.sort.descending { "↓" } else { "↑" }
        );
        let mut pos = position(list.cursor.selected, list.len(), list.loading, self.tick);
        if list.loading && !list.is_empty() {
            pos = format!("{} {pos}", spinner(self.tick));
        }
        let typed = list
            .search
            .as_ref()
            .and_then(|s| prompt(s, self.search_ready));
        filter_bar(buf, bar, &list.filter.describe(), typed, sort, pos);
        let query = list
            .search
            .as_ref()
            .map(Search::query)
            .filter(|q| !q.is_empty());
        let layout = gpt_layout(area.width);
        draw_header(
            buf,
            header,
            layout.iter().map(|&(idx, w)| {
                let col = GptColumn::ALL[idx];
                HeaderCell {
                    title: col.title(),
                    width: w,
                    right: matches!(
                        col,
                        GptColumn::Conversations | GptColumn::Rating | GptColumn::Reviews
                    ),
                    focused: idx == list.column,
                    sorted: (col.sort_key() == list.sort.key).then_some(list.sort.descending),
                }
            }),
        );
        let Some(order) = &list.order else {
            if !list.loading {
                put(
                    buf,
                    body.x + 1,
                    body.y,
                    body.width.saturating_sub(1),
                    "nothing here",
                    Align::Left,
                    Style::new().dim(),
                );
            }
            return;
        };
        if order.is_empty() {
            let msg = if list.filter.is_empty() {
                "this snapshot has no GPTs".to_owned()
            } else {
                "no GPT matches these filters (x: clear them, f: change them)".to_owned()
            };
            put(
                buf,
                body.x + 1,
                body.y,
                body.width.saturating_sub(1),
                &msg,
                Align::Left,
                Style::new().dim(),
            );
            return;
        }
        let visible = order
            .iter()
            .skip(list.cursor.offset)
            .take(usize::from(body.height));
        for (i, rowid) in visible.enumerate() {
            let y = body.y + i as u16;
            let selected = list.cursor.offset + i == list.cursor.selected;
            let style = if selected {
                self.theme.selection
            } else {
                Style::new()
            };
            if selected {
                buf.set_style(Rect::new(body.x, y, body.width, 1), style);
            }
            let Some(row) = list.rows.get(rowid) else {
                put(buf, body.x, y, body.width, "…", Align::Left, style.dim());
                continue;
            };
            let mut x = body.x;
            for &(idx, w) in &layout {
                let column = GptColumn::ALL[idx];
                match (&query, column) {
                    (Some(q), GptColumn::Name) => highlighted(buf, x, y, w, &row.name, q, style),
                    _ => {
                        let (content, align) = gpt_cell(row, column);
                        put(buf, x, y, w, &content, align, style);
                    }
                }
                x += w + 1;
            }
        }
    }
}

fn author_layout(width: u16) -> Vec<(usize, u16)> {
    let fixed = [0u16, 22, 5, 11, 7, 6, 8];
    let drop_order = [
        AuthorColumn::Tools,
        AuthorColumn::ConvMedian,
        AuthorColumn::Website,
    ];
    let mut shown: Vec<AuthorColumn> = AuthorColumn::ALL.to_vec();
    let idx = |c: &AuthorColumn| AuthorColumn::ALL.iter().position(|x| x == c).unwrap_or(0);
    let min_name = 22u16;
    let need =
        |cols: &[AuthorColumn]| cols.iter().map(|c| fixed[idx(c)] + 1).sum::<u16>() + min_name;
    for d in drop_order {
        if need(&shown) <= width {
            break;
        }
        shown.retain(|c| *c != d);
    }
    let name = width.saturating_sub(need(&shown) - min_name);
    shown
        .iter()
        .map(|c| {
            (
                idx(c),
                if *c == AuthorColumn::Name {
                    name
                } else {
                    fixed[idx(c)]
                },
            )
        })
        .collect()
}

/// The authors table.
pub struct AuthorListView<'a> {
    pub list: &'a AuthorList,
    pub tick: u64,
    pub theme: &'a Theme,
}

impl Widget for AuthorListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let list = self.list;
        let [bar, header, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(area);
        let col = AuthorColumn::ALL.iter().find(|c| c.key() == list.sort.key);
        let sort = format!(
            "by {} {}",
            col.map_or("relevance", |c| c.title()).to_lowercase(),
            if list.sort.descending { "↓" } else { "↑" }
        );
        let mut pos = position(list.cursor.selected, list.len(), list.loading, self.tick)
            .replace("GPTs", "authors");
        if let Some(n) = list.rows.as_ref().map(|r| r.authorless).filter(|n| *n > 0) {
            pos.push_str(&format!(" · {} GPTs name none", thousands(n as i64)));
        }
        let typed = list.search.as_ref().and_then(|s| prompt(s, true));
        filter_bar(buf, bar, &list.filter.describe(), typed, sort, pos);
        let query = list
            .search
            .as_ref()
            .map(Search::query)
            .filter(|q| !q.is_empty());
        let layout = author_layout(area.width);
        draw_header(
            buf,
            header,
            layout.iter().map(|&(idx, w)| {
                let c = AuthorColumn::ALL[idx];
                HeaderCell {
                    title: c.title(),
                    width: w,
                    right: !matches!(
                        c,
                        AuthorColumn::Name | AuthorColumn::Website | AuthorColumn::Tools
                    ),
                    focused: idx == list.column,
                    sorted: (c.key() == list.sort.key).then_some(list.sort.descending),
                }
            }),
        );
        if list.is_empty() {
            let msg = if list.loading {
                ""
            } else {
                "no author matches these filters"
            };
            put(
                buf,
                body.x + 1,
                body.y,
                body.width.saturating_sub(1),
                msg,
                Align::Left,
                Style::new().dim(),
            );
            return;
        }
        for i in 0..usize::from(body.height) {
            let index = list.cursor.offset + i;
            let Some(row) = list.row_at(index) else { break };
            let y = body.y + i as u16;
            let selected = index == list.cursor.selected;
            let style = if selected {
                self.theme.selection
            } else {
                Style::new()
            };
            if selected {
                buf.set_style(Rect::new(body.x, y, body.width, 1), style);
            }
            let mut x = body.x;
            for &(idx, w) in &layout {
                if let (Some(q), AuthorColumn::Name) = (&query, AuthorColumn::ALL[idx]) {
                    let name = row.name.as_deref().unwrap_or(&row.user_id);
                    let mark = if row.verified { 2 } else { 0 };
                    if mark > 0 {
                        put(buf, x, y, 2, "✓ ", Align::Left, style);
                    }
                    highlighted(buf, x + mark, y, w.saturating_sub(mark), name, q, style);
                    x += w + 1;
                    continue;
                }
                let (content, align) = match AuthorColumn::ALL[idx] {
                    AuthorColumn::Name => (
                        format!(
                            "{}{}",
                            if row.verified { "✓ " } else { "" },
                            text::line(row.name.as_deref().unwrap_or(&row.user_id))
                        ),
                        Align::Left,
                    ),
                    AuthorColumn::Website => (row.website.clone().unwrap_or_default(), Align::Left),
                    AuthorColumn::Gpts => (thousands(row.gpts), Align::Right),
                    AuthorColumn::ConvTotal => (thousands(row.conv_total), Align::Right),
                    AuthorColumn::ConvMedian => (
                        row.conv_median
                            .map(|m| crate::store::record::bucket_label(m.max(0) as u64))
                            .unwrap_or_default(),
                        Align::Right,
                    ),
                    AuthorColumn::Rating => (
                        row.rating
                            .map(|r| format!("{r:.2}"))
                            .unwrap_or_else(|| "–".into()),
                        Align::Right,
                    ),
                    AuthorColumn::Tools => (tool_marks(row.tools), Align::Left),
                };
                put(buf, x, y, w, &content, align, style);
                x += w + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_fill_the_width_and_drop_columns_when_narrow() {
        for width in [40u16, 60, 80, 120, 200] {
            let l = gpt_layout(width);
            let used: u16 = l.iter().map(|(_, w)| w + 1).sum::<u16>() - 1;
            assert!(used <= width, "{width}: {used}");
            assert!(l.iter().any(|(i, _)| *i == 0), "the name always shows");
        }
        assert_eq!(gpt_layout(200).len(), 9);
        assert!(gpt_layout(60).len() < 9);
    }

    #[test]
    fn tool_marks_line_up() {
        assert_eq!(
            tool_marks(ToolMask(ToolMask::BROWSER | ToolMask::ACTIONS)),
            "B··A···"
        );
        assert_eq!(tool_marks(ToolMask(0)), "·······");
    }
}
