//! The GPTs screen: the snapshot's GPTs as a table (the first screen, and what a chart's bar
//! opens). The list itself is [`GptList`] in `kit` (an author page shows one too); this is what
//! makes it a screen: its title, hints, and the keys a GPT row gives (the row's author, live).

use crate::tui::keys::{Action, Context};
use crate::tui::kit::gpt_list::{GptList, copy_row, view::GptListView};
use crate::tui::msg::{Ctx, Effect, Msg, ScreenId};
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::sync::Arc;

use super::{Component, Paint};

impl Component for GptList {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        "GPTs".to_owned()
    }

    fn context(&self) -> Context {
        Context::Gpts
    }

    fn hints(&self) -> &'static [Action] {
        &[
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
        ]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        GptListView {
            list: self,
            tick: paint.tick,
            search_ready: paint.search_ready,
            theme: paint.theme,
            height: paint.height,
        }
        .render(area, buf);
    }

    fn generation(&self) -> u64 {
        self.generation
    }

    fn is_loading(&self) -> bool {
        self.loading
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        match action {
            Action::Live => Some(self.live()),
            _ => GptList::on_action(self, action, ctx),
        }
    }

    fn on_reply(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect> {
        GptList::on_reply(self, msg, ctx)
    }

    fn on_failed(&mut self, _message: &str) -> bool {
        self.loading = false;
        true
    }

    fn prompt_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        self.search_key(key, ctx)
    }

    fn fit(&mut self, height: u16) -> Vec<Effect> {
        GptList::fit(self, height)
    }

    fn click(&mut self, y: u16, height: u16) -> Vec<Effect> {
        GptList::click(self, y, height)
    }

    fn copy_text(&self, action: Action) -> Option<(&'static str, String)> {
        self.selected_row().map(|r| copy_row(r, action))
    }

    fn focused_author(&self) -> Option<String> {
        self.selected_row().and_then(|r| r.author_id.clone())
    }

    fn list_ids(&self) -> Option<(Arc<[u32]>, bool)> {
        self.complete_order().map(|o| (o, false))
    }

    fn apply_form(&mut self, form: &crate::tui::kit::form::Form) -> Result<Vec<Effect>, String> {
        GptList::apply_form(self, form)
    }

    fn page(&self, height: u16) -> usize {
        GptList::page(self, height)
    }
}
