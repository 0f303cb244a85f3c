//! A list of GPTs drawn: the filter bar, the header, and only the rows that fit (records the
//! body's size for paging and clicks).

use super::{GptColumn, GptList};
use crate::config::Theme;
use crate::store::view::GptRow;
use crate::text::{self, thousands};
use crate::tui::kit::search::Search;
use crate::tui::kit::spinner;
use crate::tui::kit::table::{
    Align, HeaderCell, areas, draw_header, filter_bar, highlighted, position, prompt, put,
    signal_marks, sorted_by, tool_marks,
};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

/// Column widths for the space available: the name takes what is left, narrow terminals drop
/// the least important columns first.
fn gpt_layout(width: u16) -> Vec<(usize, u16)> {
    let fixed = |c: GptColumn| -> u16 {
        match c {
            GptColumn::Name => 0,
            GptColumn::Author => 18,
            GptColumn::Category => 12,
            GptColumn::Language => 4,
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
        GptColumn::Language,
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
            let idx = c.index();
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
        GptColumn::Language => (
            match row.language {
                crate::language::Language::Unknown => "–".to_owned(),
                known => known.code().to_owned(),
            },
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

/// A list of GPTs.
pub struct GptListView<'a> {
    pub list: &'a GptList,
    pub tick: u64,
    pub search_ready: bool,
    pub theme: &'a Theme,
    /// The terminal's height (recorded with the body's size).
    pub height: u16,
}

impl Widget for GptListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let list = self.list;
        let [bar, header, body] = areas(area);
        list.viewport.record(body, self.height);
        let sort = sorted_by(list.sort.key.label(), list.sort.descending);
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
        assert_eq!(gpt_layout(200).len(), GptColumn::ALL.len());
        assert!(gpt_layout(60).len() < GptColumn::ALL.len());
    }
}
