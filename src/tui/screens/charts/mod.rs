//! The histogram screen (`h`) and frequency tables (`F`): what they describe (a list's filter,
//! search included), the computed landscape, and the cursor over their bars. The screen is one
//! scrolling column of charts — a title line, a line per bar, a blank line — and the cursor
//! moves over bars only; Enter on a bar opens the GPT list the bar counts.

pub mod view;

use crate::stats::{Bar, Chart, ChartId, Drill, Landscape};
use crate::store::view::Bin;
use crate::tui::keys::{Action, Context};
use crate::tui::kit::cursor::Cursor;
use crate::tui::kit::load::Load;
use crate::tui::kit::viewport::Viewport;
use crate::tui::msg::{Ctx, Effect, Msg, Of, Open, Request, ScreenId, Ui};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::sync::Arc;
use std::time::Duration;

use super::{Component, Paint};

pub struct ChartsScreen {
    pub id: ScreenId,
    pub generation: u64,
    /// The list the charts describe.
    pub of: Of,
    pub which: Vec<ChartId>,
    pub landscape: Load<Arc<Landscape>>,
    pub took: Option<Duration>,
    /// `selected` is a bar (counted across charts), `offset` the first line on screen.
    pub cursor: Cursor,
    /// Where the charts were last drawn.
    pub viewport: Viewport,
}

/// Lines of the numbers (describe lines, concentration, ratings) under the histograms.
pub const NUMBER_LINES: usize = 14;

/// Lines a chart takes: its title, its bars (or a "none" line), a blank line.
fn chart_lines(c: &Chart) -> usize {
    c.bars.len().max(1) + 2
}

impl ChartsScreen {
    pub fn new(id: ScreenId, of: Of, which: Vec<ChartId>) -> ChartsScreen {
        ChartsScreen {
            id,
            generation: 0,
            of,
            which,
            landscape: Load::Loading,
            took: None,
            cursor: Cursor::default(),
            viewport: Viewport::default(),
        }
    }

    /// The request for the charts (a new generation: older replies will be dropped).
    pub fn request(&mut self) -> Request {
        self.generation += 1;
        match (&self.of, self.which.as_slice()) {
            (Of::Authors(filter), [ChartId::AuthorFrequency(column)]) => Request::AuthorCharts {
                screen: self.id,
                generation: self.generation,
                filter: filter.clone(),
                column: *column,
            },
            (Of::Authors(filter), _) => Request::AuthorCharts {
                screen: self.id,
                generation: self.generation,
                filter: filter.clone(),
                column: crate::stats::AuthorFreqColumn::Gpts,
            },
            (Of::Gpts(filter), _) => Request::Charts {
                screen: self.id,
                generation: self.generation,
                filter: filter.clone(),
                charts: self.which.clone(),
            },
        }
    }

    fn name(&self) -> String {
        match self.which.as_slice() {
            [ChartId::Frequency(c)] => format!("Frequency of {}", c.label()),
            [ChartId::AuthorFrequency(c)] => format!("Frequency of {}", c.label()),
            _ => "Histograms".to_owned(),
        }
    }

    fn charts(&self) -> &[Chart] {
        self.landscape.as_ref().map_or(&[], |l| l.charts.as_slice())
    }

    /// Bars across all charts.
    pub fn bars(&self) -> usize {
        self.charts().iter().map(|c| c.bars.len()).sum()
    }

    /// The chart and bar of bar number `k`.
    pub fn bar(&self, k: usize) -> Option<(&Chart, &Bar)> {
        let mut k = k;
        for c in self.charts() {
            if k < c.bars.len() {
                return Some((c, &c.bars[k]));
            }
            k -= c.bars.len();
        }
        None
    }

    /// Lines of all the charts, and of the numbers drawn below them on narrow terminals.
    pub fn lines(&self) -> usize {
        let numbers = if self.charts().len() > 1 {
            NUMBER_LINES
        } else {
            0
        };
        self.charts().iter().map(chart_lines).sum::<usize>() + numbers
    }

    /// The line bar `k` is drawn on.
    pub fn line_of(&self, k: usize) -> usize {
        let (mut line, mut k) = (0, k);
        for c in self.charts() {
            if k < c.bars.len() {
                return line + 1 + k;
            }
            k -= c.bars.len();
            line += chart_lines(c);
        }
        line
    }

    /// Selects bar `k` (clamped), scrolling just enough to show it and its chart's title.
    pub fn select(&mut self, k: usize, page: usize) {
        let page = page.max(1);
        let bars = self.bars();
        self.cursor.selected = k.min(bars.saturating_sub(1));
        let line = self.line_of(self.cursor.selected);
        let first_bar = self
            .bar(self.cursor.selected)
            .is_some_and(|(c, b)| std::ptr::eq(b, &c.bars[0]));
        // Show the title above a chart's first bar.
        let top = if first_bar {
            line.saturating_sub(1)
        } else {
            line
        };
        if top < self.cursor.offset {
            self.cursor.offset = top;
        } else if line >= self.cursor.offset + page {
            self.cursor.offset = line + 1 - page;
        }
        self.cursor.offset = self.cursor.offset.min(self.lines().saturating_sub(page));
    }

    pub fn move_by(&mut self, delta: isize, page: usize) {
        self.select(self.cursor.selected.saturating_add_signed(delta), page);
    }

    /// Selects the first bar of the next (`step` 1) or previous (`-1`) chart with bars.
    pub fn jump_chart(&mut self, step: isize, page: usize) {
        let charts = self.charts();
        let mut starts = Vec::new();
        let mut k = 0;
        for c in charts {
            if !c.bars.is_empty() {
                starts.push(k);
            }
            k += c.bars.len();
        }
        let current = starts
            .iter()
            .rposition(|s| *s <= self.cursor.selected)
            .unwrap_or(0);
        let target = if step > 0 {
            starts.get(current + 1).copied()
        } else if starts.get(current) == Some(&self.cursor.selected) {
            current.checked_sub(1).and_then(|i| starts.get(i)).copied()
        } else {
            starts.get(current).copied()
        };
        if let Some(t) = target {
            self.select(t, page);
        }
    }

    /// The list the selected bar counts: the screen's list narrowed to the bar.
    pub fn drill(&self) -> Option<Of> {
        let (chart, bar) = self.bar(self.cursor.selected)?;
        let label = format!("{}: {}", chart.id.short(), bar.label);
        Some(match (&self.of, &bar.key) {
            (Of::Gpts(f), Drill::Gpts(key)) => {
                let mut f = f.clone();
                f.bins.push(Bin {
                    key: key.clone(),
                    label,
                });
                Of::Gpts(f)
            }
            (Of::Authors(f), Drill::Authors(key)) => {
                let mut f = f.clone();
                f.bins.push((key.clone(), label));
                Of::Authors(f)
            }
            // A bar of one kind of list on the other's screen: nothing to open.
            _ => return None,
        })
    }
}

impl Component for ChartsScreen {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        self.name()
    }

    fn context(&self) -> Context {
        Context::Charts
    }

    fn hints(&self) -> &'static [Action] {
        &[Action::Open, Action::Down, Action::Back, Action::Help]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::ChartsView {
            screen: self,
            tick: paint.tick,
            height: paint.height,
        }
        .render(area, buf);
    }

    fn generation(&self) -> u64 {
        self.generation
    }

    fn is_loading(&self) -> bool {
        self.landscape.is_loading()
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        let page = self.viewport.rows(ctx.height);
        match action {
            Action::Up => self.move_by(-1, page),
            Action::Down => self.move_by(1, page),
            Action::PageUp => self.move_by(-(page as isize), page),
            Action::PageDown => self.move_by(page as isize, page),
            Action::HalfPageUp => self.move_by(-((page / 2).max(1) as isize), page),
            Action::HalfPageDown => self.move_by((page / 2).max(1) as isize, page),
            Action::Top => {
                self.cursor.offset = 0;
                self.select(0, page);
            }
            Action::Bottom => {
                // The last bar, and below it whatever follows the charts.
                self.select(self.bars(), page);
                self.cursor.offset = self.lines().saturating_sub(page);
            }
            // ←/→ go to the previous or next chart.
            Action::ColumnLeft => self.jump_chart(-1, page),
            Action::ColumnRight => self.jump_chart(1, page),
            // A bar: the GPTs (or authors) it counts, as a new list.
            Action::Open => {
                return Some(match self.drill() {
                    Some(Of::Gpts(filter)) => vec![Effect::Ui(Ui::Push(Open::Gpts(filter)))],
                    Some(Of::Authors(filter)) => {
                        vec![Effect::Ui(Ui::Push(Open::Authors(filter)))]
                    }
                    None => Vec::new(),
                });
            }
            // Already charts: nothing more to open.
            Action::Histograms | Action::Frequency => {}
            _ => return None,
        }
        Some(Vec::new())
    }

    fn on_reply(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect> {
        if let Msg::Charts {
            landscape, took, ..
        } = msg
        {
            self.landscape = Load::Loaded(landscape);
            self.took = Some(took);
            self.select(self.cursor.selected, self.viewport.rows(ctx.height));
        }
        Vec::new()
    }

    fn on_failed(&mut self, message: &str) -> bool {
        self.landscape = Load::Failed(message.to_owned());
        true
    }

    fn fit(&mut self, height: u16) -> Vec<Effect> {
        self.select(self.cursor.selected, self.viewport.rows(height));
        Vec::new()
    }

    fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }
}
