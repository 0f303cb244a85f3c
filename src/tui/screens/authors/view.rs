//! The authors table drawn: the filter bar, the header, and only the rows that fit.

use super::{AuthorColumn, AuthorList, COLUMNS, title};
use crate::config::Theme;
use crate::text::{self, thousands};
use crate::tui::kit::table::{
    Align, HeaderCell, areas, draw_header, filter_bar, highlighted, position, prompt, put,
    sorted_by, tool_marks,
};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

fn author_layout(width: u16) -> Vec<(usize, u16)> {
    let fixed = [0u16, 22, 5, 11, 7, 6, 8];
    let drop_order = [
        AuthorColumn::Tools,
        AuthorColumn::ConvMedian,
        AuthorColumn::Website,
    ];
    let mut shown: Vec<AuthorColumn> = COLUMNS.to_vec();
    let idx = |c: &AuthorColumn| COLUMNS.iter().position(|x| x == c).unwrap_or(0);
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
    pub height: u16,
}

impl Widget for AuthorListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let list = self.list;
        let [bar, header, body] = areas(area);
        list.viewport.record(body, self.height);
        let label = title(list.sort.key).to_lowercase();
        let sort = sorted_by(&label, list.sort.descending);
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
            .map(crate::tui::kit::search::Search::query)
            .filter(|q| !q.is_empty());
        let layout = author_layout(area.width);
        draw_header(
            buf,
            header,
            layout.iter().map(|&(idx, w)| {
                let c = COLUMNS[idx];
                HeaderCell {
                    title: title(c),
                    width: w,
                    right: !matches!(
                        c,
                        AuthorColumn::Name | AuthorColumn::Website | AuthorColumn::Tools
                    ),
                    focused: idx == list.column,
                    sorted: (c == list.sort.key).then_some(list.sort.descending),
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
                if let (Some(q), AuthorColumn::Name) = (&query, COLUMNS[idx]) {
                    let name = row.name.as_deref().unwrap_or(&row.user_id);
                    let mark = if row.verified { 2 } else { 0 };
                    if mark > 0 {
                        put(buf, x, y, 2, "✓ ", Align::Left, style);
                    }
                    highlighted(buf, x + mark, y, w.saturating_sub(mark), name, q, style);
                    x += w + 1;
                    continue;
                }
                let (content, align) = match COLUMNS[idx] {
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
                    // Not a column: the order of a search's results.
                    AuthorColumn::Relevance => (String::new(), Align::Left),
                };
                put(buf, x, y, w, &content, align, style);
                x += w + 1;
            }
        }
    }
}
