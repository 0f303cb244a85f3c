//! An author's page (Enter on the authors table, `a` on a GPT): who they are (the profile from
//! the snapshot: name, verified, website, socials, their figures), then their GPTs as a list
//! with everything a GPT list does; `l` asks the store for the author's GPTs now.

pub mod view;

use crate::store::record::Author;
use crate::store::view::{AuthorRow, Filter};
use crate::tui::keys::{Action, Context};
use crate::tui::kit::gpt_list::{GptList, copy_row};
use crate::tui::kit::load::Load;
use crate::tui::msg::{Ctx, Effect, LiveKind, Msg, Open, Request, ScreenId, Ui};
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::sync::Arc;

use super::{Component, Paint};

/// Lines the profile takes above the list.
pub const PROFILE_LINES: u16 = 5;

/// What the snapshot says of the author.
#[derive(Debug, Clone)]
pub struct About {
    pub row: Option<AuthorRow>,
    pub profile: Option<Author>,
}

/// An author's page: who they are, then their GPTs.
pub struct AuthorPage {
    pub user_id: String,
    pub about: Load<About>,
    pub list: GptList,
}

impl AuthorPage {
    /// The page of `user` (screen `id`), and its first requests.
    pub fn open(id: ScreenId, user: String) -> (AuthorPage, Vec<Effect>) {
        let filter = Filter {
            author: Some(user.clone()),
            ..Filter::default()
        };
        let mut page = AuthorPage {
            user_id: user.clone(),
            about: Load::Loading,
            list: GptList::new(id, filter),
        };
        let fx = vec![
            Effect::Send(Request::AuthorProfile {
                screen: id,
                user_id: user,
            }),
            page.list.request_order(),
        ];
        (page, fx)
    }

    /// The author's row of the authors table, once loaded.
    pub fn row(&self) -> Option<&AuthorRow> {
        self.about.as_ref().and_then(|a| a.row.as_ref())
    }
}

impl Component for AuthorPage {
    fn id(&self) -> ScreenId {
        self.list.id
    }

    fn title(&self) -> String {
        self.row()
            .and_then(|r| r.name.clone())
            .map(|n| crate::text::line(&n).into_owned())
            .unwrap_or_else(|| self.user_id.clone())
    }

    fn context(&self) -> Context {
        Context::Author
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Filters,
            Action::SortDescending,
            Action::Histograms,
            Action::Live,
            Action::Back,
            Action::Help,
        ]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::render(self, area, buf, paint);
    }

    fn generation(&self) -> u64 {
        self.list.generation
    }

    fn is_loading(&self) -> bool {
        self.list.loading || self.about.is_loading()
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        match action {
            Action::Live
                if self
                    .user_id
                    .starts_with(crate::store::parse::fields::NAME_KEY) =>
            {
                ctx.say(
                    "this author is known by name only (the list gave no store id): nothing to \
                     ask the store",
                );
                Some(Vec::new())
            }
            Action::Live => Some(vec![Effect::Ui(Ui::Push(Open::Live {
                kind: LiveKind::Author(self.user_id.clone()),
                record: None,
            }))]),
            // The selected GPT's author (the same one, as the list says it).
            Action::AuthorOfGpt => Some(
                match self.list.selected_row().and_then(|r| r.author_id.clone()) {
                    Some(user) => vec![Effect::Ui(Ui::Push(Open::Author(user)))],
                    None => {
                        ctx.say("no author known for this GPT");
                        Vec::new()
                    }
                },
            ),
            _ => self.list.on_action(action, ctx),
        }
    }

    fn on_reply(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect> {
        match msg {
            Msg::AuthorProfile { row, profile, .. } => {
                self.about = Load::Loaded(About { row, profile });
                Vec::new()
            }
            msg => self.list.on_reply(msg, ctx),
        }
    }

    fn on_failed(&mut self, _message: &str) -> bool {
        self.list.loading = false;
        true
    }

    fn prompt_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        self.list.search_key(key, ctx)
    }

    fn fit(&mut self, height: u16) -> Vec<Effect> {
        self.list.fit(height)
    }

    fn click(&mut self, y: u16, height: u16) -> Vec<Effect> {
        self.list.click(y, height)
    }

    fn copy_text(&self, action: Action) -> Option<(&'static str, String)> {
        self.list.selected_row().map(|r| copy_row(r, action))
    }

    fn focused_author(&self) -> Option<String> {
        Some(self.user_id.clone())
    }

    fn list_ids(&self) -> Option<(Arc<[u32]>, bool)> {
        self.list.complete_order().map(|o| (o, false))
    }

    fn apply_form(&mut self, form: &crate::tui::kit::form::Form) -> Result<Vec<Effect>, String> {
        self.list.apply_form(form)
    }

    fn page(&self, height: u16) -> usize {
        self.list.page(height)
    }
}
