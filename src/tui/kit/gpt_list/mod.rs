//! A list of GPTs: the main table, and the lower half of an author page. Its state (filter,
//! sort, the order in pages, the rows cached around the view, the search prompt) and what it
//! does with keys and replies, shared by both screens. The order comes in two steps (a quick
//! first page, then the whole list), each checked against the list's generation by the router;
//! rows are fetched for what is on screen and a page either side, and older ones dropped.

pub mod view;

use super::cursor::{Cursor, move_in};
use super::search::{Before, Search, Searchable, on_results, prompt_key};
use super::viewport::Viewport;
use crate::stats::{ChartId, FreqColumn};
use crate::store::view::{Filter, GptRow, Sort, SortKey};
use crate::tui::keys::Action;
use crate::tui::msg::{Ctx, Effect, LiveKind, Msg, Of, Open, Request, ScreenId, Target, Ui};
use crossterm::event::KeyEvent;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;
use std::time::Duration;

/// Rows kept per list beyond what is on screen; older ones are dropped.
const ROW_CACHE: usize = 4096;

/// The columns of a GPT list, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GptColumn {
    Name,
    Author,
    Category,
    Language,
    Tools,
    Signals,
    Conversations,
    Rating,
    Reviews,
    Updated,
}

impl GptColumn {
    pub const ALL: [GptColumn; 10] = [
        GptColumn::Name,
        GptColumn::Author,
        GptColumn::Category,
        GptColumn::Language,
        GptColumn::Tools,
        GptColumn::Signals,
        GptColumn::Conversations,
        GptColumn::Rating,
        GptColumn::Reviews,
        GptColumn::Updated,
    ];

    /// Where the column is in [`GptColumn::ALL`].
    pub fn index(self) -> usize {
        GptColumn::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            GptColumn::Name => "Name",
            GptColumn::Author => "Author",
            GptColumn::Category => "Category",
            GptColumn::Language => "Lang",
            GptColumn::Tools => "Tools",
            GptColumn::Signals => "Signals",
            GptColumn::Conversations => "Convs",
            GptColumn::Rating => "Rating",
            GptColumn::Reviews => "Reviews",
            GptColumn::Updated => "Updated",
        }
    }

    pub fn sort_key(self) -> SortKey {
        match self {
            GptColumn::Name => SortKey::Name,
            GptColumn::Author => SortKey::Author,
            GptColumn::Category => SortKey::Category,
            GptColumn::Language => SortKey::Language,
            GptColumn::Tools => SortKey::Tools,
            GptColumn::Signals => SortKey::Signals,
            GptColumn::Conversations => SortKey::Conversations,
            GptColumn::Rating => SortKey::Rating,
            GptColumn::Reviews => SortKey::Reviews,
            GptColumn::Updated => SortKey::Updated,
        }
    }
}

/// A list of GPTs: the main table, and the lower half of an author page.
pub struct GptList {
    pub id: ScreenId,
    pub filter: Filter,
    pub sort: Sort,
    /// Generation of the newest order request; older replies are dropped.
    pub generation: u64,
    /// Rowids in display order (the first page only until `complete`).
    pub order: Option<Arc<[u32]>>,
    pub complete: bool,
    /// Length of the whole list (known before the whole order is).
    pub total: usize,
    pub loading: bool,
    pub cursor: Cursor,
    pub column: usize,
    /// The rowid to keep selected when the order changes.
    pub keep: Option<u32>,
    pub rows: FxHashMap<u32, GptRow>,
    pub requested: FxHashSet<u32>,
    /// How long the last order took to compute (shown in the filter bar).
    pub took: Option<Duration>,
    pub search: Option<Search>,
    /// Where the rows were last drawn.
    pub viewport: Viewport,
}

impl GptList {
    pub fn new(id: ScreenId, filter: Filter) -> GptList {
        GptList {
            id,
            filter,
            sort: Sort::default(),
            generation: 0,
            order: None,
            complete: false,
            total: 0,
            loading: true,
            cursor: Cursor::default(),
            column: GptColumn::Conversations.index(),
            keep: None,
            rows: FxHashMap::default(),
            requested: FxHashSet::default(),
            took: None,
            search: None,
            viewport: Viewport::default(),
        }
    }

    pub fn len(&self) -> usize {
        match &self.order {
            Some(o) if self.complete => o.len(),
            Some(o) => o.len().max(self.total),
            None => self.total,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected_rowid(&self) -> Option<u32> {
        self.order.as_ref()?.get(self.cursor.selected).copied()
    }

    pub fn selected_row(&self) -> Option<&GptRow> {
        self.rows.get(&self.selected_rowid()?)
    }
}

/// The frequency table of a GPT-table column (none for names: they are searched, not counted).
pub fn freq_column(c: GptColumn) -> Option<FreqColumn> {
    match c {
        GptColumn::Name => None,
        GptColumn::Author => Some(FreqColumn::Author),
        GptColumn::Category => Some(FreqColumn::Category),
        GptColumn::Language => Some(FreqColumn::Language),
        GptColumn::Tools => Some(FreqColumn::Tools),
        GptColumn::Signals => Some(FreqColumn::Signals),
        GptColumn::Conversations => Some(FreqColumn::Conversations),
        GptColumn::Rating => Some(FreqColumn::Rating),
        GptColumn::Reviews => Some(FreqColumn::Reviews),
        GptColumn::Updated => Some(FreqColumn::Updated),
    }
}

/// Copied cells as one tab-separated line (tabs and newlines in them made spaces).
pub fn tsv(cells: Vec<String>) -> String {
    cells
        .into_iter()
        .map(|c| c.replace(['\t', '\n', '\r'], " "))
        .collect::<Vec<_>>()
        .join("\t")
}

/// What `y` (the id), `Y` (the store URL) or `c` (`row`: what it is and its cells, as
/// tab-separated values) copies of a GPT, and what that is ("the GPT URL").
pub fn copy_gpt(
    action: Action,
    id: &str,
    url: String,
    row: (&'static str, Vec<String>),
) -> (&'static str, String) {
    match action {
        Action::CopyId => ("the GPT id", id.to_owned()),
        Action::CopyUrl => ("the GPT URL", url),
        _ => (row.0, tsv(row.1)),
    }
}

/// What `y`, `Y` or `c` copies of a GPT row.
pub fn copy_row(r: &GptRow, action: Action) -> (&'static str, String) {
    copy_gpt(
        action,
        &r.id,
        crate::store::record::gpt_url(&r.id),
        (
            "the row",
            vec![
                r.id.clone(),
                r.name.clone(),
                r.author.clone().or(r.author_id.clone()).unwrap_or_default(),
                r.category.clone().unwrap_or_default(),
                crate::store::record::ToolMask::NAMED
                    .iter()
                    .filter(|(_, b)| r.tools.has(*b))
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(";"),
                r.conv_bucket.clone().unwrap_or_default(),
                r.rating.map(|x| format!("{x:.2}")).unwrap_or_default(),
                r.reviews.map(|x| x.to_string()).unwrap_or_default(),
                r.updated_at
                    .map(crate::time::format_date)
                    .unwrap_or_default(),
            ],
        ),
    )
}

impl GptList {
    /// Rows of the list on screen in a terminal `height` rows high.
    pub fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }

    /// A new generation of the order; replies to older ones will be dropped.
    pub fn request_order(&mut self) -> Effect {
        self.generation += 1;
        self.loading = true;
        Effect::Send(Request::Gpts {
            screen: self.id,
            generation: self.generation,
            filter: self.filter.clone(),
            sort: self.sort,
        })
    }

    /// Asks for the rows around the visible ones that are not cached yet.
    pub fn fetch_rows(&mut self, page: usize) -> Vec<Effect> {
        let Some(order) = &self.order else {
            return Vec::new();
        };
        let start = self.cursor.offset.saturating_sub(page);
        let end = (self.cursor.offset + 2 * page + 1).min(order.len());
        let want: Vec<u32> = order
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|id| !self.rows.contains_key(id) && !self.requested.contains(id))
            .collect();
        if want.is_empty() {
            return Vec::new();
        }
        if self.rows.len() + want.len() > ROW_CACHE {
            let keep: FxHashSet<u32> = order
                .get(start..end)
                .unwrap_or(&[])
                .iter()
                .copied()
                .collect();
            self.rows.retain(|id, _| keep.contains(id));
        }
        self.requested.extend(want.iter().copied());
        vec![Effect::Send(Request::Rows {
            screen: self.id,
            rowids: want,
        })]
    }

    /// Moves the cursor with `apply(cursor, len, page)` and asks for the rows that came into
    /// view. Until the whole order is known, only its first page can be reached.
    pub fn move_with(
        &mut self,
        height: u16,
        apply: impl Fn(&mut Cursor, usize, usize),
    ) -> Vec<Effect> {
        let page = self.page(height);
        let len = self.order.as_ref().map_or(0, |o| o.len());
        apply(&mut self.cursor, len, page);
        self.fetch_rows(page)
    }

    /// The terminal was resized (or the list is on top again): the selection stays in view.
    pub fn fit(&mut self, height: u16) -> Vec<Effect> {
        let page = self.page(height);
        self.cursor.select(self.cursor.selected, self.len(), page);
        self.fetch_rows(page)
    }

    /// A click `dy` rows below the first row selects that row.
    pub fn click(&mut self, y: u16, height: u16) -> Vec<Effect> {
        let Some(dy) = self.viewport.top().and_then(|top| y.checked_sub(top)) else {
            return Vec::new();
        };
        self.move_with(height, |c, len, page| {
            let at = c.offset + usize::from(dy);
            if at < len {
                c.select(at, len, page);
            }
        })
    }

    /// The keys a GPT list gives a meaning; `None`: not one of them.
    pub fn on_action(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        let cycle = |c: usize, step: isize| {
            (c as isize + step).rem_euclid(GptColumn::ALL.len() as isize) as usize
        };
        Some(match action {
            _ if action.moves() => {
                self.move_with(ctx.height, |c, len, page| move_in(c, action, len, page))
            }
            Action::ColumnLeft => {
                self.column = cycle(self.column, -1);
                Vec::new()
            }
            Action::ColumnRight => {
                self.column = cycle(self.column, 1);
                Vec::new()
            }
            Action::SortAscending | Action::SortDescending => {
                self.sort_by_column(action == Action::SortDescending)
            }
            Action::ClearFilters => self.clear_filters(),
            Action::Search => {
                self.open_search();
                Vec::new()
            }
            Action::Filters => vec![Effect::Ui(Ui::Form(crate::tui::kit::form::Form::for_gpts(
                self.id,
                &self.filter,
                ctx.categories,
            )))],
            Action::Open => match self.selected_row() {
                Some(r) => vec![Effect::Ui(Ui::Push(Open::Detail(r.id.clone())))],
                None => Vec::new(),
            },
            Action::Histograms => vec![Effect::Ui(Ui::Push(Open::Charts {
                of: Of::Gpts(self.filter.clone()),
                which: ChartId::SCREEN.to_vec(),
            }))],
            Action::Frequency => {
                let c = GptColumn::ALL[self.column];
                match freq_column(c) {
                    Some(f) => vec![Effect::Ui(Ui::Push(Open::Charts {
                        of: Of::Gpts(self.filter.clone()),
                        which: vec![ChartId::Frequency(f)],
                    }))],
                    None => {
                        ctx.say(format!(
                            "no frequency table of {}: / searches them",
                            c.title().to_lowercase()
                        ));
                        Vec::new()
                    }
                }
            }
            _ => return None,
        })
    }

    /// Sorts by the focused column (the same direction again turns it round).
    fn sort_by_column(&mut self, descending: bool) -> Vec<Effect> {
        let key = GptColumn::ALL[self.column].sort_key();
        let descending = if self.sort.key == key && self.sort.descending == descending {
            !descending
        } else {
            descending
        };
        self.sort = Sort { key, descending };
        self.keep = self.selected_rowid();
        vec![self.request_order()]
    }

    /// Clears the filters and the search (an author page keeps its author).
    fn clear_filters(&mut self) -> Vec<Effect> {
        let kept = Filter {
            author: self.filter.author.clone(),
            ..Filter::default()
        };
        self.search = None;
        if self.sort.key == SortKey::Relevance {
            self.sort = Sort::default();
        }
        if self.filter == kept {
            return Vec::new();
        }
        self.filter = kept;
        self.keep = self.selected_rowid();
        vec![self.request_order()]
    }

    /// The filter form was applied.
    pub fn apply_form(
        &mut self,
        form: &crate::tui::kit::form::Form,
    ) -> Result<Vec<Effect>, String> {
        let filter = form.gpt_filter(&self.filter)?;
        if self.filter == filter {
            return Ok(Vec::new());
        }
        self.filter = filter;
        self.keep = self.selected_rowid();
        Ok(vec![self.request_order()])
    }

    /// Opens the search prompt (again, if a search is kept).
    fn open_search(&mut self) {
        match &mut self.search {
            Some(s) => s.typing = true,
            None => {
                let before = Before::Gpts {
                    rowids: self.filter.rowids.clone(),
                    search: self.filter.search.clone(),
                    sort: self.sort,
                    selected: self.selected_rowid(),
                };
                self.search = Some(Search::new(before, ""));
            }
        }
    }

    /// A key while the search prompt has it; `None` when no prompt is typing.
    pub fn search_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        prompt_key(self, key, ctx)
    }

    /// A worker's reply for the list (its staleness already checked by the router).
    pub fn on_reply(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect> {
        let page = self.page(ctx.height);
        match msg {
            Msg::Order {
                order,
                complete,
                total,
                took,
                ..
            } => self.on_order(order, complete, total, took, page),
            Msg::Rows { rows, .. } => {
                for row in rows {
                    self.requested.remove(&row.rowid);
                    self.rows.insert(row.rowid, row);
                }
                Vec::new()
            }
            Msg::SearchResults {
                generation,
                query,
                ids,
                fallback,
                took,
                ..
            } => on_results(self, generation, query, ids, fallback, took),
            _ => Vec::new(),
        }
    }

    fn on_order(
        &mut self,
        order: Arc<[u32]>,
        complete: bool,
        total: usize,
        took: Duration,
        page: usize,
    ) -> Vec<Effect> {
        self.total = if complete { order.len() } else { total };
        self.complete = complete;
        self.loading = !complete;
        self.took = Some(took);
        let keep = self.keep.or_else(|| self.selected_rowid());
        let len = order.len();
        let at = keep.and_then(|id| order.iter().position(|&x| x == id));
        self.order = Some(order);
        match at {
            Some(i) => self.cursor.reselect_keeping_position(i, len, page),
            None if self.keep.is_some() => self.cursor = Cursor::default(),
            None => self.cursor.select(self.cursor.selected, len, page),
        }
        if complete {
            self.keep = None;
        }
        self.fetch_rows(page)
    }

    /// The whole order, once known (what export and a details refresh take).
    pub fn complete_order(&self) -> Option<Arc<[u32]>> {
        self.order.clone().filter(|_| self.complete)
    }

    /// The selected GPT's live pane.
    pub fn live(&self) -> Vec<Effect> {
        match self.selected_row() {
            Some(r) => vec![Effect::Ui(Ui::Push(Open::Live {
                kind: LiveKind::Gpt(r.id.clone()),
                record: None,
            }))],
            None => Vec::new(),
        }
    }
}

impl Searchable for GptList {
    const TARGET: Target = Target::Gpts;

    fn list_id(&self) -> ScreenId {
        self.id
    }

    fn search_mut(&mut self) -> &mut Option<Search> {
        &mut self.search
    }

    fn restore(&mut self, before: &Before, select: bool) {
        if let Before::Gpts {
            rowids,
            search,
            sort,
            selected,
        } = before
        {
            self.filter.rowids = rowids.clone();
            self.filter.search = search.clone();
            self.sort = *sort;
            if select {
                self.keep = *selected;
            }
        }
    }

    fn narrow(&mut self, query: String, ids: Arc<[u32]>) {
        self.filter.rowids = Some(ids);
        self.filter.search = Some(query);
        self.sort = Sort {
            key: SortKey::Relevance,
            descending: true,
        };
    }

    fn to_top(&mut self) {
        self.keep = None;
        self.cursor = Cursor::default();
    }

    fn request(&mut self) -> Effect {
        self.request_order()
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        self.on_action(action, ctx)
    }
}
