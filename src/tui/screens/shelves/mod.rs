//! The store front's history (`M`): every GPT that entered, left, rose or fell on a shelf, from
//! each snapshot with a store front to the next, newest step first. Enter opens the GPT (as the
//! open snapshot has it); `y`/`Y`/`c` copy its id, URL or the row. The CLI twin is
//! `gptscope shelf-moves`.

pub mod view;

use crate::store::diff::{ShelfMove, ShelfStep};
use crate::tui::keys::{Action, Context};
use crate::tui::kit::cursor::{Cursor, move_in};
use crate::tui::kit::gpt_list::copy_gpt;
use crate::tui::kit::load::Load;
use crate::tui::kit::viewport::Viewport;
use crate::tui::msg::{Ctx, Effect, Msg, Open, Request, ScreenId, Ui};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::sync::Arc;

use super::{Component, Paint};

/// The loaded history: the steps, and the rows (step, move) newest step first.
pub struct Moves {
    pub steps: Arc<Vec<ShelfStep>>,
    pub rows: Vec<(usize, usize)>,
}

impl Moves {
    fn new(steps: Arc<Vec<ShelfStep>>) -> Moves {
        let rows = (0..steps.len())
            .rev()
            .flat_map(|s| (0..steps[s].moves.len()).map(move |m| (s, m)))
            .collect();
        Moves { steps, rows }
    }

    /// Row `i`: its step and its move.
    pub fn row(&self, i: usize) -> Option<(&ShelfStep, &ShelfMove)> {
        let &(s, m) = self.rows.get(i)?;
        let step = self.steps.get(s)?;
        Some((step, step.moves.get(m)?))
    }
}

pub struct ShelvesScreen {
    pub id: ScreenId,
    pub generation: u64,
    pub moves: Load<Moves>,
    pub cursor: Cursor,
    /// Where the rows were last drawn.
    pub viewport: Viewport,
}

impl ShelvesScreen {
    /// The screen (`id`) and its request.
    pub fn open(id: ScreenId) -> (ShelvesScreen, Vec<Effect>) {
        let screen = ShelvesScreen {
            id,
            generation: 1,
            moves: Load::Loading,
            cursor: Cursor::default(),
            viewport: Viewport::default(),
        };
        let fx = vec![Effect::Send(Request::ShelfHistory {
            screen: id,
            generation: screen.generation,
        })];
        (screen, fx)
    }

    /// The selected move.
    pub fn selected(&self) -> Option<(&ShelfStep, &ShelfMove)> {
        self.moves.as_ref()?.row(self.cursor.selected)
    }

    fn len(&self) -> usize {
        self.moves.as_ref().map_or(0, |m| m.rows.len())
    }
}

impl Component for ShelvesScreen {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        "Shelf moves".to_owned()
    }

    fn context(&self) -> Context {
        Context::Shelves
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Down,
            Action::CopyId,
            Action::Back,
            Action::Help,
        ]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::ShelvesView {
            screen: self,
            theme: paint.theme,
            height: paint.height,
        }
        .render(area, buf);
    }

    fn generation(&self) -> u64 {
        self.generation
    }

    fn is_loading(&self) -> bool {
        self.moves.is_loading()
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        match action {
            _ if action.moves() => {
                let (len, page) = (self.len(), self.page(ctx.height));
                move_in(&mut self.cursor, action, len, page);
                Some(Vec::new())
            }
            Action::Open => Some(match self.selected() {
                Some((_, m)) => vec![Effect::Ui(Ui::Push(Open::Detail(m.id.clone())))],
                None => Vec::new(),
            }),
            _ => None,
        }
    }

    fn on_reply(&mut self, msg: Msg, _ctx: &mut Ctx) -> Vec<Effect> {
        if let Msg::ShelfHistory { steps, .. } = msg {
            self.moves = Load::Loaded(Moves::new(steps));
            self.cursor = Cursor::default();
        }
        Vec::new()
    }

    fn on_failed(&mut self, message: &str) -> bool {
        self.moves = Load::Failed(message.to_owned());
        true
    }

    fn fit(&mut self, height: u16) -> Vec<Effect> {
        let (len, page) = (self.len(), self.page(height));
        self.cursor.select(self.cursor.selected, len, page);
        Vec::new()
    }

    fn copy_text(&self, action: Action) -> Option<(&'static str, String)> {
        let (step, m) = self.selected()?;
        let row = vec![
            step.from.id.to_string(),
            step.to.id.to_string(),
            m.shelf.clone(),
            m.kind.to_owned(),
            m.from.map(|p| p.to_string()).unwrap_or_default(),
            m.to.map(|p| p.to_string()).unwrap_or_default(),
            m.id.clone(),
            m.name.clone().unwrap_or_default(),
        ];
        let url = crate::store::record::gpt_url(&m.id);
        Some(copy_gpt(action, &m.id, url, ("the row", row)))
    }

    fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }
}
