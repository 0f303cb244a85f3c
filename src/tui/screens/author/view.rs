//! An author page drawn: the profile (name, verified, website, socials, their figures) above
//! the list of their GPTs.

use super::{AuthorPage, PROFILE_LINES};
use crate::text::{self, thousands};
use crate::tui::kit::gpt_list::view::GptListView;
use crate::tui::kit::table::tool_marks;
use crate::tui::screens::Paint;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

/// The page: the profile, then the list.
pub fn render(page: &AuthorPage, area: Rect, buf: &mut Buffer, paint: &Paint) {
    let [profile, rest] =
        Layout::vertical([Constraint::Length(PROFILE_LINES), Constraint::Min(1)]).areas(area);
    ProfileView { page }.render(profile, buf);
    GptListView {
        list: &page.list,
        tick: paint.tick,
        search_ready: paint.search_ready,
        theme: paint.theme,
        height: paint.height,
    }
    .render(rest, buf);
}

pub struct ProfileView<'a> {
    pub page: &'a AuthorPage,
}

impl Widget for ProfileView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let p = self.page;
        let block = Block::new().borders(Borders::ALL).title(" Author ");
        let inner = block.inner(area);
        block.render(area, buf);
        let Some(row) = p.row() else {
            Line::styled(format!("loading {}", p.user_id), Style::new().dim()).render(inner, buf);
            return;
        };
        let name = text::line(row.name.as_deref().unwrap_or(&row.user_id)).into_owned();
        let mut first = vec![Span::styled(name, Style::new().bold())];
        if row.verified {
            first.push(Span::raw(" ✓ verified"));
        }
        if row.name.is_some() {
            first.push(Span::styled(
                format!("  {}", row.user_id),
                Style::new().dim(),
            ));
        }
        if let Some(w) = &row.website {
            first.push(Span::raw(format!("  {}", text::line(w))));
        }
        if let Some(profile) = p.about.as_ref().and_then(|a| a.profile.as_ref()) {
            for s in &profile.socials {
                first.push(Span::raw(format!(
                    "  {} {}",
                    text::line(&s.kind),
                    text::line(s.username.as_deref().unwrap_or(""))
                )));
            }
        }
        let second = format!(
            "{} GPT{} · conversations {} in all, median {} · rating {} · tools {}",
            thousands(row.gpts),
            if row.gpts == 1 { "" } else { "s" },
            thousands(row.conv_total),
            row.conv_median
                .map_or("–".to_owned(), |m| crate::store::record::bucket_label(
                    m.max(0) as u64
                )),
            row.rating.map_or("–".to_owned(), |r| format!(
                "{r:.2} ({} ratings)",
                thousands(row.ratings)
            )),
            tool_marks(row.tools)
        );
        let lines = vec![Line::from(first), Line::raw(second)];
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(inner, buf);
    }
}
