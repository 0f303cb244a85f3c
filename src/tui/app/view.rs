//! Drawing the frame: the title bar (the snapshot, the screens' crumbs, a spinner), the screen on
//! top (beside the one below it on wide terminals when it asks to be), the footer (the status
//! line, the refresh's gauge, or the screen's key hints), and the popup. A pure function of
//! [`App`], except that screens record the sizes they were drawn at (see `kit::viewport`).
//! All text from the data goes through [`crate::text`] (sanitised, fitted by display width).

use super::{App, MIN_HEIGHT, MIN_WIDTH, SIDE_PANE_WIDTH};
use crate::config::Theme;
use crate::text::thousands;
use crate::tui::keys::info;
use crate::tui::kit::spinner;
use crate::tui::screens::{Paint, Screen};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

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
    let paint = Paint {
        tick: app.tick,
        theme: &app.theme,
        search_ready: app.search_ready,
        snapshot: &app.snapshot,
        height: area.height,
    };
    let n = app.screens.len();
    match app.screens.last().map(Screen::component) {
        Some(top) if area.width >= SIDE_PANE_WIDTH && n >= 2 && top.beside() => {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(body);
            app.screens[n - 2].component().render(left, buf, &paint);
            top.render(right, buf, &paint);
        }
        Some(top) => top.render(body, buf, &paint),
        None => {}
    }
    Footer(app).render(footer, buf);
    if let Some(popup) = &app.popup {
        crate::tui::popups::view::render(app, popup, area, buf);
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
        let hints = match (&app.popup, app.top()) {
            (None, Some(top)) => top.component().hints(),
            _ => &[],
        };
        for &action in hints {
            let keys = app.keymap.keys_for(action);
            let Some(key) = keys.first() else { continue };
            spans.push(Span::styled(format!(" {key} "), Style::new().reversed()));
            spans.push(Span::raw(format!(" {} ", info(action).hint)));
        }
        Line::from(spans).render(area, buf);
    }
}
