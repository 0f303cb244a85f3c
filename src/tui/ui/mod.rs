//! Drawing: a pure function of [`App`]. Each part is a small widget over borrowed state
//! (`Widget for &T`-style structs), laid out in named areas; lists draw only their visible rows.
//! All text from the data goes through [`crate::text`] (sanitised, fitted by display width).

mod charts;
mod detail;
mod history;
mod live;
mod popup;
mod table;

use super::action::{Action, info};
use super::state::{App, MIN_HEIGHT, MIN_WIDTH, SIDE_PANE_WIDTH, Screen};
use crate::config::Theme;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

#[cfg(test)]
pub(crate) use detail::detail_lines;
pub(crate) use table::{signal_marks, tool_marks};

const SPINNER: [&str; 4] = ["⠋", "⠙", "⠸", "⠴"];

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(AppView(app), area);
}

/// The whole app as a widget.
pub struct AppView<'a>(pub &'a App);

impl Widget for AppView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self.0, area, buf);
    }
}

/// Draws the app into a buffer (what `draw` does, usable without a terminal).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(area, buf);
        return;
    }
    let [title, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    TitleBar(app).render(title, buf);
    let n = app.screens.len();
    match app.screens.last() {
        // Two versions side by side take the whole width.
        Some(Screen::Detail(d))
            if area.width >= SIDE_PANE_WIDTH && n >= 2 && d.compare.is_none() =>
        {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(body);
            render_screen(app, &app.screens[n - 2], left, buf);
            detail::DetailView {
                detail: d,
                theme: &app.theme,
            }
            .render(right, buf);
        }
        Some(screen) => render_screen(app, screen, body, buf),
        None => {}
    }
    Footer(app).render(footer, buf);
    if let Some(popup) = &app.popup {
        popup::render(app, popup, area, buf);
    }
}

fn render_screen(app: &App, screen: &Screen, area: Rect, buf: &mut Buffer) {
    match screen {
        Screen::Gpts(list) => table::GptListView {
            list,
            tick: app.tick,
            search_ready: app.search_ready,
            theme: &app.theme,
        }
        .render(area, buf),
        Screen::Authors(list) => table::AuthorListView {
            list,
            tick: app.tick,
            theme: &app.theme,
        }
        .render(area, buf),
        Screen::Author(page) => {
            let [profile, rest] = Layout::vertical([
                Constraint::Length(super::state::PROFILE_LINES),
                Constraint::Min(1),
            ])
            .areas(area);
            detail::ProfileView { page }.render(profile, buf);
            table::GptListView {
                list: &page.list,
                tick: app.tick,
                search_ready: app.search_ready,
                theme: &app.theme,
            }
            .render(rest, buf);
        }
        Screen::Detail(d) => detail::DetailView {
            detail: d,
            theme: &app.theme,
        }
        .render(area, buf),
        Screen::Charts(c) => charts::ChartsView {
            screen: c,
            tick: app.tick,
        }
        .render(area, buf),
        Screen::History(h) => history::HistoryView {
            screen: h,
            open: app.snapshot.id,
            theme: &app.theme,
        }
        .render(area, buf),
        Screen::Live(pane) => live::LiveView {
            pane,
            tick: app.tick,
            snapshot_id: app.snapshot.id,
            theme: &app.theme,
        }
        .render(area, buf),
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let msg = format!(
        "terminal too small ({}×{}): gptscope needs {MIN_WIDTH}×{MIN_HEIGHT}",
        area.width, area.height
    );
    Paragraph::new(
        crate::text::fit(&msg, usize::from(area.width) * usize::from(area.height)).into_owned(),
    )
    .wrap(ratatui::widgets::Wrap { trim: true })
    .render(area, buf);
}

pub(crate) use crate::text::thousands;

pub(crate) fn spinner(tick: u64) -> &'static str {
    SPINNER[(tick % SPINNER.len() as u64) as usize]
}

/// The top line: what is open, and where in the screen stack we are.
struct TitleBar<'a>(&'a App);

impl Widget for TitleBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        let s = &app.snapshot;
        let snap = format!(
            " {} · {} · {} GPTs ",
            crate::text::line(&s.label),
            s.taken_at.get(..10).unwrap_or(&s.taken_at),
            thousands(s.gpts)
        );
        let crumbs: Vec<String> = app.screens.iter().map(Screen::title).collect();
        let loading = if app.is_loading() {
            format!(" {} ", spinner(app.tick))
        } else {
            String::new()
        };
        let width = usize::from(area.width);
        let head = " gptscope ";
        let room = width.saturating_sub(head.len() + crate::text::width(&snap) + loading.len());
        let line = Line::from(vec![
            Span::styled(
                head,
                Theme::fg(app.theme.accent)
                    .add_modifier(Modifier::BOLD)
                    .reversed(),
            ),
            Span::raw(snap),
            Span::raw("│ "),
            Span::styled(
                crate::text::fit(&crumbs.join(" › "), room.saturating_sub(2)).into_owned(),
                Style::new().bold(),
            ),
        ]);
        line.render(area, buf);
        if !loading.is_empty() {
            let x = area.right().saturating_sub(loading.chars().count() as u16);
            buf.set_string(x, area.y, &loading, Style::new());
        }
    }
}

/// The bottom line: a transient status message, or the keys that matter here.
struct Footer<'a>(&'a App);

/// The actions hinted in the footer of each screen.
fn hints(app: &App) -> &'static [Action] {
    if app.popup.is_some() {
        return &[];
    }
    match app.top() {
        Some(Screen::Gpts(_)) => &[
            Action::Open,
            Action::Search,
            Action::Filters,
            Action::SortDescending,
            Action::Histograms,
            Action::Frequency,
            Action::Authors,
            Action::AuthorOfGpt,
            Action::StoreFront,
            Action::Help,
            Action::Quit,
        ],
        Some(Screen::Author(_)) => &[
            Action::Open,
            Action::Filters,
            Action::SortDescending,
            Action::Histograms,
            Action::Live,
            Action::Back,
            Action::Help,
        ],
        Some(Screen::Charts(_)) => &[Action::Open, Action::Down, Action::Back, Action::Help],
        Some(Screen::Live(_)) => &[Action::Down, Action::Live, Action::Back, Action::Help],
        Some(Screen::History(h)) if h.diff.is_some() => &[
            Action::Open,
            Action::ColumnRight,
            Action::Filters,
            Action::Back,
            Action::Help,
        ],
        Some(Screen::History(_)) => &[
            Action::Open,
            Action::Mark,
            Action::Diff,
            Action::DeleteSnapshot,
            Action::Back,
            Action::Help,
        ],
        Some(Screen::Authors(_)) => &[
            Action::Open,
            Action::Search,
            Action::Filters,
            Action::SortDescending,
            Action::Back,
            Action::Help,
        ],
        Some(Screen::Detail(_)) => &[
            Action::Down,
            Action::AuthorOfGpt,
            Action::Live,
            Action::Back,
            Action::Help,
        ],
        None => &[],
    }
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.0;
        if let Some(status) = &app.status {
            let text = crate::text::cell(status, usize::from(area.width));
            Line::from(Span::styled(text, Style::new().reversed())).render(area, buf);
            return;
        }
        if let Some(run) = &app.refresh {
            // The refresh's gauge: a bar of done / total, then the figures.
            let p = &run.progress;
            let width = 20usize;
            let filled = if p.total > 0 {
                (p.done as usize * width / p.total as usize).min(width)
            } else {
                0
            };
            let gauge = format!("[{}{}] ", "█".repeat(filled), "·".repeat(width - filled));
            let text = crate::text::cell(
                &format!(" {} {gauge}{}", spinner(app.tick), run.line()),
                usize::from(area.width),
            );
            Line::from(Span::styled(text, Style::new().reversed())).render(area, buf);
            return;
        }
        let mut spans = Vec::new();
        for &action in hints(app) {
            let keys = app.keymap.keys_for(action);
            let Some(key) = keys.first() else { continue };
            spans.push(Span::styled(format!(" {key} "), Style::new().reversed()));
            spans.push(Span::raw(format!(" {} ", info(action).hint)));
        }
        Line::from(spans).render(area, buf);
    }
}
