//! One GPT (Enter on a list): everything the snapshot stores about it (scrollable), with its
//! trend across the snapshots below; or, opened from a diff, the GPT as two snapshots have it,
//! side by side. On wide terminals it opens beside the list it came from.

pub mod view;

use crate::store::diff::Point;
use crate::store::query::{GptView, SnapshotRef};
use crate::tui::keys::{Action, Context};
use crate::tui::kit::cursor::scroll;
use crate::tui::kit::gpt_list::copy_gpt;
use crate::tui::kit::load::Load;
use crate::tui::kit::viewport::Viewport;
use crate::tui::msg::{Ctx, Effect, LiveKind, Msg, Open, Request, ScreenId, Ui};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::{Component, Paint};

/// One GPT, everything stored about it.
pub struct Detail {
    pub id: ScreenId,
    pub generation: u64,
    pub gpt_id: String,
    pub view: Load<Box<GptView>>,
    pub scroll: u16,
    /// The GPT across the snapshots (its trends).
    pub history: Load<Vec<Point>>,
    /// Two versions side by side (opened from a diff) instead of one.
    pub compare: Option<Box<Compare>>,
    /// Where the text was last drawn.
    pub viewport: Viewport,
}

/// A GPT in two snapshots, side by side.
pub struct Compare {
    pub a: SnapshotRef,
    pub b: SnapshotRef,
    /// The two versions (`None` where a snapshot lacks the GPT).
    pub versions: Load<[Option<Box<GptView>>; 2]>,
}

impl Detail {
    pub fn new(id: ScreenId, gpt_id: String) -> Detail {
        Detail {
            id,
            generation: 1,
            gpt_id,
            view: Load::Loading,
            scroll: 0,
            history: Load::Loading,
            compare: None,
            viewport: Viewport::default(),
        }
    }

    /// The GPT's page (screen `id`), and its requests: the record and its trend.
    pub fn open(id: ScreenId, gpt: String) -> (Detail, Vec<Effect>) {
        let d = Detail::new(id, gpt.clone());
        let fx = vec![
            Effect::Send(Request::Detail {
                screen: id,
                generation: d.generation,
                id: gpt.clone(),
            }),
            Effect::Send(Request::History {
                screen: id,
                generation: d.generation,
                id: gpt,
            }),
        ];
        (d, fx)
    }

    /// The GPT as snapshots `a` and `b` have it, side by side.
    pub fn versions(
        id: ScreenId,
        gpt: String,
        a: SnapshotRef,
        b: SnapshotRef,
    ) -> (Detail, Vec<Effect>) {
        let (ia, ib) = (a.id, b.id);
        let mut d = Detail::new(id, gpt.clone());
        d.compare = Some(Box::new(Compare {
            a,
            b,
            versions: Load::Loading,
        }));
        let fx = vec![Effect::Send(Request::Versions {
            screen: id,
            generation: d.generation,
            id: gpt,
            a: ia,
            b: ib,
        })];
        (d, fx)
    }
}

impl Component for Detail {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        let name = |v: &GptView| crate::text::line(&v.record.name).into_owned();
        match &self.compare {
            Some(c) => format!(
                "{} #{} ↔ #{}",
                c.versions
                    .as_ref()
                    .into_iter()
                    .flatten()
                    .flatten()
                    .next_back()
                    .map_or_else(|| self.gpt_id.clone(), |v| name(v)),
                c.a.id,
                c.b.id
            ),
            None => self
                .view
                .as_ref()
                .map_or_else(|| self.gpt_id.clone(), |v| name(v)),
        }
    }

    fn context(&self) -> Context {
        Context::Detail
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Down,
            Action::AuthorOfGpt,
            Action::Live,
            Action::Back,
            Action::Help,
        ]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::DetailView {
            detail: self,
            theme: paint.theme,
            height: paint.height,
        }
        .render(area, buf);
    }

    fn generation(&self) -> u64 {
        self.generation
    }

    fn is_loading(&self) -> bool {
        match &self.compare {
            Some(c) => c.versions.is_loading(),
            None => self.view.is_loading(),
        }
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        match action {
            _ if action.moves() => {
                let page = self.viewport.rows(ctx.height);
                scroll(&mut self.scroll, action, page);
                Some(Vec::new())
            }
            Action::Live => Some(vec![Effect::Ui(Ui::Push(Open::Live {
                kind: LiveKind::Gpt(self.gpt_id.clone()),
                record: self.view.as_ref().map(|v| Box::new(v.record.clone())),
            }))]),
            _ => None,
        }
    }

    fn on_reply(&mut self, msg: Msg, _ctx: &mut Ctx) -> Vec<Effect> {
        match msg {
            Msg::Detail { view, .. } => self.view = Load::of(view),
            Msg::History { points, .. } => self.history = Load::Loaded(points),
            Msg::Versions { before, after, .. } => {
                if let Some(c) = &mut self.compare {
                    c.versions = Load::Loaded([before, after]);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_failed(&mut self, message: &str) -> bool {
        match &mut self.compare {
            Some(c) if c.versions.is_loading() => c.versions = Load::Failed(message.to_owned()),
            _ if self.view.is_loading() => self.view = Load::Failed(message.to_owned()),
            _ => self.history = Load::Failed(message.to_owned()),
        }
        true
    }

    fn copy_text(&self, action: Action) -> Option<(&'static str, String)> {
        let r = &self.view.as_ref()?.record;
        let url = crate::store::record::gpt_url(r.short_url.as_deref().unwrap_or(&r.id));
        let row = vec![r.id.clone(), r.name.clone(), url.clone()];
        Some(copy_gpt(action, &r.id, url, ("the GPT", row)))
    }

    fn focused_author(&self) -> Option<String> {
        self.view
            .as_ref()
            .and_then(|v| v.record.author.user_id.clone())
    }

    fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }

    fn beside(&self) -> bool {
        self.compare.is_none()
    }
}
