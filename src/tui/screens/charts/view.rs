//! The histogram screen and frequency tables: a line saying what list the charts describe,
//! then the charts as horizontal bars (count, percentage, bar), and the numbers (describe lines,
//! concentration) in a panel beside them on wide terminals or below them on narrow ones. Only
//! the lines on screen are built.

use super::ChartsScreen;
use crate::stats::numbers::Describe;
use crate::stats::{Chart, Landscape};
use crate::text::{self, thousands};
use crate::tui::kit::load::Load;
use crate::tui::kit::spinner;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

/// From this width the numbers sit in a panel beside the charts.
const SIDE_NUMBERS_WIDTH: u16 = 110;
const NUMBERS_WIDTH: u16 = 52;
/// Computing times from this long are shown (shorter ones are not worth a word).
const SHOW_TOOK_FROM: std::time::Duration = std::time::Duration::from_millis(50);
/// Widest a bar label gets.
const MAX_LABEL: usize = 28;

pub struct ChartsView<'a> {
    pub screen: &'a ChartsScreen,
    pub tick: u64,
    /// The terminal's height (recorded with the charts' size).
    pub height: u16,
}

impl Widget for ChartsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        Header {
            screen: s,
            tick: self.tick,
        }
        .render(head, buf);
        s.viewport.record(body, self.height);
        let l = match &s.landscape {
            Load::Loaded(l) => l,
            Load::Failed(e) => {
                Line::from(text::cell(e, usize::from(body.width))).render(body, buf);
                return;
            }
            Load::Loading => return,
        };
        let histograms = l.charts.len() > 1;
        let side = histograms && body.width >= SIDE_NUMBERS_WIDTH;
        let (charts_area, numbers_area) = if side {
            let [a, b] =
                Layout::horizontal([Constraint::Min(40), Constraint::Length(NUMBERS_WIDTH)])
                    .areas(body);
            (a, Some(b))
        } else {
            (body, None)
        };
        // Below the charts on narrow terminals.
        let tail = if histograms && !side {
            number_lines(l, usize::from(body.width))
        } else {
            Vec::new()
        };
        let height = usize::from(charts_area.height);
        let mut lines = chart_lines(s, l, usize::from(charts_area.width), height);
        let drawn_charts = lines.len();
        if drawn_charts < height {
            let chart_total: usize = l.charts.iter().map(|c| c.bars.len().max(1) + 2).sum();
            let skip = s.cursor.offset.saturating_sub(chart_total);
            lines.extend(tail.into_iter().skip(skip).take(height - drawn_charts));
        }
        for (i, line) in lines.into_iter().enumerate() {
            let y = charts_area.y + i as u16;
            line.render(Rect::new(charts_area.x, y, charts_area.width, 1), buf);
        }
        if let Some(area) = numbers_area {
            let block = Block::new().borders(Borders::LEFT).title(" Numbers ");
            let inner = block.inner(area);
            block.render(area, buf);
            for (i, line) in number_lines(l, usize::from(inner.width))
                .into_iter()
                .take(usize::from(inner.height))
                .enumerate()
            {
                line.render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
            }
        }
    }
}

/// What the charts are of: the list's size and filters, and how long they took.
struct Header<'a> {
    screen: &'a ChartsScreen,
    tick: u64,
}

impl Widget for Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let s = self.screen;
        let filters = s.of.describe();
        let authors = matches!(s.of, crate::tui::msg::Of::Authors(_));
        let of = match (filters.is_empty(), authors) {
            (true, false) => "all GPTs of the snapshot (no filter)".to_owned(),
            (true, true) => "all authors of the snapshot (no filter)".to_owned(),
            (false, _) => format!("filtered: {}", filters.join(", ")),
        };
        let text = match &s.landscape {
            Load::Loaded(l) => format!(
                " {} · {of}{}",
                if authors {
                    format!("{} authors", thousands(l.authors as i64))
                } else {
                    l.gpts_by_authors()
                },
                s.took
                    .filter(|t| *t >= SHOW_TOOK_FROM)
                    .map(|t| format!(" · {} ms", t.as_millis()))
                    .unwrap_or_default()
            ),
            Load::Failed(_) => format!(" could not compute · {of}"),
            Load::Loading => format!(" {} computing · {of}", spinner(self.tick)),
        };
        Line::from(Span::styled(
            text::cell(&text, usize::from(area.width)),
            Style::new().add_modifier(Modifier::DIM),
        ))
        .render(area, buf);
    }
}

/// The chart lines from the cursor's offset, at most `height` of them.
fn chart_lines(s: &ChartsScreen, l: &Landscape, width: usize, height: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let (mut line, mut bar_no) = (0usize, 0usize);
    let first = s.cursor.offset;
    let last = first + height;
    for c in &l.charts {
        let n = c.bars.len().max(1) + 2;
        if line + n <= first {
            line += n;
            bar_no += c.bars.len();
            continue;
        }
        if line >= last {
            break;
        }
        let label_width = c
            .bars
            .iter()
            .map(|b| text::width(&text::line(&b.label)))
            .max()
            .unwrap_or(0)
            .clamp(4, MAX_LABEL);
        let max = c.bars.iter().map(|b| b.count).max().unwrap_or(0);
        let emit = |at: usize, l: Line<'static>, out: &mut Vec<Line<'static>>| {
            if (first..last).contains(&at) {
                out.push(l);
            }
        };
        emit(line, title_line(c), &mut out);
        if c.bars.is_empty() {
            emit(line + 1, Line::raw("  (none in this list)"), &mut out);
        }
        for (j, b) in c.bars.iter().enumerate() {
            let at = line + 1 + j;
            if !(first..last).contains(&at) {
                continue;
            }
            let selected = bar_no + j == s.cursor.selected;
            let label = text::cell(&b.label, label_width);
            let pad = " ".repeat(label_width.saturating_sub(text::width(&label)));
            let head = format!(
                "  {label}{pad} {:>9} {:>6.1}% ",
                thousands(b.count as i64),
                c.pct(b.count)
            );
            let room = width.saturating_sub(text::width(&head));
            let cells = if max == 0 {
                0
            } else {
                ((b.count as f64 / max as f64) * room as f64).round() as usize
            };
            let bar = "█".repeat(cells.min(room));
            let style = if selected {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            emit(
                at,
                Line::from(vec![Span::styled(head, style), Span::raw(bar)]),
                &mut out,
            );
        }
        emit(line + n - 1, Line::raw(""), &mut out);
        line += n;
        bar_no += c.bars.len();
    }
    out
}

fn title_line(c: &Chart) -> Line<'static> {
    Line::from(vec![
        Span::styled(c.id.title(), Style::new().bold()),
        Span::styled(
            format!("  of {} {}", thousands(c.total as i64), c.unit),
            Style::new().add_modifier(Modifier::DIM),
        ),
    ])
}

/// 812, 9,999, 12.3K, 4.5M: numbers that fit a narrow column.
fn compact(v: f64) -> String {
    if v.fract() != 0.0 && v.abs() < 10.0 {
        return format!("{v:.2}");
    }
    let v = v.round();
    let scaled = |x: f64, unit: char| {
        if (x * 10.0).round() % 10.0 == 0.0 {
            format!("{x:.0}{unit}")
        } else {
            format!("{x:.1}{unit}")
        }
    };
    if v.abs() < 10_000.0 {
        thousands(v as i64)
    } else if v.abs() < 1e6 {
        scaled(v / 1e3, 'K')
    } else {
        scaled(v / 1e6, 'M')
    }
}

/// Describe lines, concentration and rating means.
fn number_lines(l: &Landscape, width: usize) -> Vec<Line<'static>> {
    let bold = Style::new().bold();
    let mut out = vec![Line::from(Span::styled("Describe", bold))];
    out.push(Line::from(Span::styled(
        format!(
            "{:<8}{:>7}{:>7}{:>7}{:>7}{:>7}{:>7}",
            "", "count", "min", "median", "p90", "p99", "max"
        ),
        Style::new().add_modifier(Modifier::DIM),
    )));
    let name = |n: &str| {
        match n {
            "conversations" => "convs",
            "gpts_per_author" => "per auth",
            other => other,
        }
        .to_owned()
    };
    for (n, d) in &l.describe {
        let Describe {
            count,
            min,
            median,
            p90,
            p99,
            max,
        } = *d;
        let f = |v: Option<f64>| v.map_or("–".to_owned(), compact);
        out.push(Line::raw(format!(
            "{:<8}{:>7}{:>7}{:>7}{:>7}{:>7}{:>7}",
            name(n),
            compact(count as f64),
            f(min),
            f(median),
            f(p90),
            f(p99),
            f(max)
        )));
    }
    out.push(Line::raw(""));
    let c = &l.concentration;
    out.push(Line::from(Span::styled(
        "Share of conversations (lower bounds)",
        bold,
    )));
    out.push(Line::raw(format!(
        "  top GPT {:.1}% · top 10 {:.1}% · top 100 {:.1}%",
        c.top_1_gpt * 100.0,
        c.top_10_gpts * 100.0,
        c.top_100_gpts * 100.0
    )));
    out.push(Line::raw(format!(
        "  top 1% of authors {:.1}% · top 10% {:.1}%",
        c.top_1pct_authors * 100.0,
        c.top_10pct_authors * 100.0
    )));
    out.push(Line::raw(format!(
        "  of {} in all",
        thousands(c.total as i64)
    )));
    out.push(Line::raw(""));
    out.push(Line::from(Span::styled("Ratings", bold)));
    out.push(Line::raw(format!(
        "  {} rated · mean {} · weighted {}",
        thousands(l.rated as i64),
        l.mean.map_or("–".to_owned(), |m| format!("{m:.2}")),
        l.weighted_mean
            .map_or("–".to_owned(), |m| format!("{m:.2}"))
    )));
    // Fitted to the width (the text is ours, but the panel may be narrow).
    out.into_iter()
        .map(|line| {
            let s: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            if text::width(&s) <= width {
                line
            } else {
                Line::raw(text::fit(&s, width).into_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_numbers() {
        assert_eq!(compact(812.0), "812");
        assert_eq!(compact(9_999.0), "9,999");
        assert_eq!(compact(12_345.0), "12.3K");
        assert_eq!(compact(100_000.0), "100K");
        assert_eq!(compact(4_500_000.0), "4.5M");
        assert_eq!(compact(4.125), "4.12");
    }
}
