//! The snapshots screen (`s`): every complete snapshot with its date, size and label; Enter
//! opens one, Space marks one, `d` diffs the marked one (or the open one) against the selected
//! one, `x` deletes one (after a confirmation). The diff lists the changed GPTs biggest first,
//! then the added and removed ones and the shelf moves, one row each with its changes; `←`/`→`
//! choose a change type and `]`/`[` jump to the next / previous row with a change of that
//! type; the last type, "rising", lists the GPTs climbing fastest for their age instead. Enter
//! opens the selected GPT's two versions side by side. The first page shows while the rest of
//! the diff is computed.

pub mod diff;
pub mod view;

use crate::store::query::SnapshotInfo;
use crate::text::thousands;
use crate::tui::keys::{Action, Context};
use crate::tui::kit::cursor::{Cursor, move_in};
use crate::tui::kit::load::Load;
use crate::tui::kit::viewport::Viewport;
use crate::tui::msg::{Ctx, Effect, Msg, Open, Request, ScreenId, Ui};
use diff::DiffView;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::{Component, Paint};

pub use diff::{TYPES, has, row, rows};

/// The diff on the screen, if any.
pub enum DiffState {
    /// The snapshot list shows.
    Off,
    /// A diff asked for; nothing of it yet.
    Computing,
    /// A diff shown (still being completed while `diff.complete` is false).
    Shown(DiffView),
    Failed(String),
}

impl DiffState {
    /// The diff shown.
    pub fn as_ref(&self) -> Option<&DiffView> {
        match self {
            DiffState::Shown(d) => Some(d),
            _ => None,
        }
    }
}

pub struct SnapshotsScreen {
    pub id: ScreenId,
    pub generation: u64,
    pub snapshots: Load<Vec<SnapshotInfo>>,
    /// Refreshes stopped before their snapshot was made (listed, not selectable).
    pub unfinished: Vec<crate::live::refresh::Unfinished>,
    pub cursor: Cursor,
    /// The snapshot marked as the diff's "before".
    pub marked: Option<i64>,
    pub diff: DiffState,
    /// Where the rows were last drawn.
    pub viewport: Viewport,
}

impl SnapshotsScreen {
    pub fn new(id: ScreenId) -> SnapshotsScreen {
        SnapshotsScreen {
            id,
            generation: 0,
            snapshots: Load::Loading,
            unfinished: Vec::new(),
            cursor: Cursor::default(),
            marked: None,
            diff: DiffState::Off,
            viewport: Viewport::default(),
        }
    }

    /// The screen (`id`) and its request.
    pub fn open(id: ScreenId) -> (SnapshotsScreen, Vec<Effect>) {
        (
            SnapshotsScreen::new(id),
            vec![Effect::Send(Request::Snapshots { screen: id })],
        )
    }

    pub fn selected_snapshot(&self) -> Option<&SnapshotInfo> {
        self.snapshots.as_ref()?.get(self.cursor.selected)
    }

    /// Diffs the marked (else the open) snapshot against the selected one.
    fn diff(&mut self, ctx: &mut Ctx) -> Vec<Effect> {
        let Some(b) = self.selected_snapshot().map(|s| s.id) else {
            return Vec::new();
        };
        let a = self.marked.unwrap_or(ctx.snapshot.id);
        if a == b {
            ctx.say("mark the snapshot to compare with (Space), then select the other");
            return Vec::new();
        }
        self.generation += 1;
        self.diff = DiffState::Computing;
        vec![Effect::Send(Request::Diff {
            screen: self.id,
            generation: self.generation,
            a,
            b,
        })]
    }

    /// Asks before deleting the selected snapshot (never the open one).
    fn delete(&mut self, ctx: &mut Ctx) -> Vec<Effect> {
        let Some(s) = self.selected_snapshot().cloned() else {
            return Vec::new();
        };
        if s.id == ctx.snapshot.id {
            ctx.say(format!(
                "snapshot #{} is the one open: open another first (Enter)",
                s.id
            ));
            return Vec::new();
        }
        let id = s.id;
        vec![Effect::Ui(Ui::Confirm {
            title: " Delete snapshot ",
            keys: " y deletes · any other key keeps it ",
            question: format!(
                "Delete snapshot #{} \"{}\" ({}, {} GPTs)? Its GPT table goes, and the details no \
                 other snapshot shares; the file shrinks.",
                s.id,
                s.label,
                s.taken_at.get(..10).unwrap_or(&s.taken_at),
                thousands(s.gpts)
            ),
            yes: vec![Effect::Send(Request::RemoveSnapshot {
                screen: self.id,
                id,
            })],
            saying: format!("deleting snapshot #{id}…"),
            no: format!("snapshot #{id} kept"),
        })]
    }

    /// Keys on the snapshot list.
    fn list_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        let page = self.page(ctx.height);
        Some(match action {
            _ if action.moves() => {
                let len = self.snapshots.as_ref().map_or(0, Vec::len);
                move_in(&mut self.cursor, action, len, page);
                Vec::new()
            }
            Action::Open => {
                let snap = self.selected_snapshot()?.clone();
                if snap.id == ctx.snapshot.id {
                    ctx.say(format!("snapshot #{} is the one open", snap.id));
                    return Some(Vec::new());
                }
                vec![Effect::Reopen(Box::new(snap))]
            }
            Action::DeleteSnapshot => self.delete(ctx),
            Action::Mark => {
                if let Some(id) = self.selected_snapshot().map(|s| s.id) {
                    self.marked = if self.marked == Some(id) {
                        None
                    } else {
                        Some(id)
                    };
                }
                Vec::new()
            }
            Action::Diff => self.diff(ctx),
            _ => return None,
        })
    }

    /// Keys on a diff (its own context: `f`, `←`/`→`, `[`/`]` mean diff things here).
    fn diff_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        let page = self.page(ctx.height);
        let DiffState::Shown(d) = &mut self.diff else {
            return None;
        };
        match action {
            Action::Back => {
                // Closing a diff still being computed drops its result.
                self.diff = DiffState::Off;
                self.generation += 1;
            }
            _ if action.moves() => {
                let len = d.rows.len();
                move_in(&mut d.cursor, action, len, page);
            }
            Action::Open => {
                let Some(r) = d.selected() else {
                    return Some(Vec::new());
                };
                return Some(vec![Effect::Ui(Ui::Push(Open::Versions {
                    gpt: r.id.to_owned(),
                    a: d.diff.a.clone(),
                    b: d.diff.b.clone(),
                }))]);
            }
            Action::DiffOnly => d.toggle_only(),
            Action::DeleteSnapshot => {
                ctx.say("Esc leaves the diff; then Delete deletes the selected snapshot");
            }
            Action::DiffTypePrevious | Action::DiffTypeNext => {
                d.turn(action == Action::DiffTypeNext)
            }
            Action::DiffNextChange | Action::DiffPreviousChange => {
                let forward = action == Action::DiffNextChange;
                if !d.jump(forward, page) {
                    let field = d.field();
                    ctx.say(format!(
                        "no {} {field} change",
                        if forward { "later" } else { "earlier" }
                    ));
                }
            }
            Action::Mark => {}
            _ => return None,
        }
        Some(Vec::new())
    }
}

impl Component for SnapshotsScreen {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        match &self.diff {
            DiffState::Shown(d) => format!("Diff #{} → #{}", d.diff.a.id, d.diff.b.id),
            _ => "Snapshots".to_owned(),
        }
    }

    fn context(&self) -> Context {
        match self.diff {
            DiffState::Shown(_) => Context::Diff,
            _ => Context::Snapshots,
        }
    }

    fn hints(&self) -> &'static [Action] {
        match self.diff {
            DiffState::Shown(_) => &[
                Action::Open,
                Action::DiffTypeNext,
                Action::DiffOnly,
                Action::Back,
                Action::Help,
            ],
            _ => &[
                Action::Open,
                Action::Mark,
                Action::Diff,
                Action::DeleteSnapshot,
                Action::Back,
                Action::Help,
            ],
        }
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::SnapshotsView {
            screen: self,
            open: paint.snapshot.id,
            theme: paint.theme,
            height: paint.height,
        }
        .render(area, buf);
    }

    fn generation(&self) -> u64 {
        self.generation
    }

    fn is_loading(&self) -> bool {
        self.snapshots.is_loading()
            || match &self.diff {
                DiffState::Computing => true,
                DiffState::Shown(d) => !d.diff.complete,
                DiffState::Off | DiffState::Failed(_) => false,
            }
    }

    fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        match self.diff {
            DiffState::Shown(_) => self.diff_action(action, ctx),
            _ => self.list_action(action, ctx),
        }
    }

    fn on_reply(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect> {
        let page = self.page(ctx.height);
        match msg {
            Msg::Snapshots {
                list, unfinished, ..
            } => {
                // The open snapshot selected first; a deleted mark goes.
                let open = ctx.snapshot.id;
                self.cursor.selected = list.iter().position(|s| s.id == open).unwrap_or(0);
                self.marked = self.marked.filter(|m| list.iter().any(|s| s.id == *m));
                self.snapshots = Load::Loaded(list);
                self.unfinished = unfinished;
            }
            Msg::Diff { diff, .. } => match &mut self.diff {
                // The rest of the diff whose first page is on screen.
                DiffState::Shown(view)
                    if view.diff.a.id == diff.a.id && view.diff.b.id == diff.b.id =>
                {
                    view.update(diff, page)
                }
                _ => self.diff = DiffState::Shown(DiffView::new(diff)),
            },
            _ => {}
        }
        Vec::new()
    }

    fn on_failed(&mut self, message: &str) -> bool {
        if self.snapshots.is_loading() {
            self.snapshots = Load::Failed(message.to_owned());
        } else {
            self.diff = DiffState::Failed(message.to_owned());
        }
        true
    }

    fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }
}
