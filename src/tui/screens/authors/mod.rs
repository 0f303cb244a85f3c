//! The authors screen (`A`): every author of the snapshot with their GPTs, conversations,
//! rating and tool mix; sortable by each column, filtered by the form, searched by name; Enter
//! opens an author's page, `F` counts the focused column.

pub mod view;

use crate::stats::{AuthorFreqColumn, ChartId};
use crate::store::authors::{AuthorFilter, AuthorKey, AuthorSort, Authors};
use crate::store::view::AuthorRow;
use crate::tui::keys::{Action, Context};
use crate::tui::kit::cursor::{Cursor, move_in};
use crate::tui::kit::gpt_list::tsv;
use crate::tui::kit::search::{Before, Search, Searchable, on_results, prompt_key};
use crate::tui::kit::viewport::Viewport;
use crate::tui::msg::{Ctx, Effect, Msg, Of, Open, Request, ScreenId, Target, Ui};
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;
use std::sync::Arc;

use super::{Component, Paint};

/// A column of the authors table is the sort key it sorts by (every key but relevance).
pub type AuthorColumn = AuthorKey;

/// The columns, in order.
pub const COLUMNS: [AuthorColumn; 7] = [
    AuthorKey::Name,
    AuthorKey::Website,
    AuthorKey::Gpts,
    AuthorKey::ConvTotal,
    AuthorKey::ConvMedian,
    AuthorKey::Rating,
    AuthorKey::Tools,
];

/// A column's header.
pub fn title(c: AuthorColumn) -> &'static str {
    match c {
        AuthorKey::Relevance => "Relevance",
        AuthorKey::Name => "Author",
        AuthorKey::Website => "Website",
        AuthorKey::Gpts => "GPTs",
        AuthorKey::ConvTotal => "Convs total",
        AuthorKey::ConvMedian => "Median",
        AuthorKey::Rating => "Rating",
        AuthorKey::Tools => "Tool mix",
    }
}

/// The frequency table of a column (none for names: they are searched).
pub fn author_freq_column(c: AuthorColumn) -> Option<AuthorFreqColumn> {
    match c {
        AuthorKey::Relevance | AuthorKey::Name => None,
        AuthorKey::Website => Some(AuthorFreqColumn::Website),
        AuthorKey::Gpts => Some(AuthorFreqColumn::Gpts),
        AuthorKey::ConvTotal => Some(AuthorFreqColumn::ConvTotal),
        AuthorKey::ConvMedian => Some(AuthorFreqColumn::ConvMedian),
        AuthorKey::Rating => Some(AuthorFreqColumn::Rating),
        AuthorKey::Tools => Some(AuthorFreqColumn::Tools),
    }
}

pub struct AuthorList {
    pub id: ScreenId,
    pub generation: u64,
    pub filter: AuthorFilter,
    pub sort: AuthorSort,
    pub rows: Option<Arc<Authors>>,
    pub order: Option<Arc<[u32]>>,
    pub loading: bool,
    pub cursor: Cursor,
    pub column: usize,
    /// The user id to keep selected when the order changes.
    pub keep: Option<String>,
    pub search: Option<Search>,
    /// Where the rows were last drawn.
    pub viewport: Viewport,
}

impl AuthorList {
    /// A new authors table (sorted by GPTs, most first), waiting for its rows.
    pub fn new(id: ScreenId, filter: AuthorFilter) -> AuthorList {
        AuthorList {
            id,
            generation: 0,
            filter,
            sort: AuthorSort::default(),
            rows: None,
            order: None,
            loading: true,
            cursor: Cursor::default(),
            column: 2,
            keep: None,
            search: None,
            viewport: Viewport::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.order.as_ref().map_or(0, |o| o.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The author at `index` of the order, as a row (made on demand from the columns).
    pub fn row_at(&self, index: usize) -> Option<AuthorRow> {
        let i = *self.order.as_ref()?.get(index)?;
        self.rows.as_ref()?.row(i as usize)
    }

    pub fn selected(&self) -> Option<AuthorRow> {
        self.row_at(self.cursor.selected)
    }

    /// The selected author's user id.
    pub fn selected_user(&self) -> Option<String> {
        let i = *self.order.as_ref()?.get(self.cursor.selected)?;
        let rows = self.rows.as_ref()?;
        ((i as usize) < rows.len()).then(|| rows.user_id(i as usize).to_owned())
    }
}

impl AuthorList {
    /// A new generation of the table; replies to older ones will be dropped.
    pub fn request(&mut self) -> Effect {
        self.generation += 1;
        self.loading = true;
        Effect::Send(Request::Authors {
            screen: self.id,
            generation: self.generation,
            filter: self.filter.clone(),
            sort: self.sort,
        })
    }

    fn sort_by_column(&mut self, descending: bool) -> Vec<Effect> {
        let key = COLUMNS[self.column];
        let descending = if self.sort.key == key && self.sort.descending == descending {
            !descending
        } else {
            descending
        };
        self.sort = AuthorSort { key, descending };
        self.keep = self.selected_user();
        vec![self.request()]
    }

    fn clear_filters(&mut self) -> Vec<Effect> {
        self.search = None;
        if self.sort.key == AuthorKey::Relevance {
            self.sort = AuthorSort::default();
        }
        if self.filter == AuthorFilter::default() {
            return Vec::new();
        }
        self.filter = AuthorFilter::default();
        self.keep = self.selected_user();
        vec![self.request()]
    }

    fn open_search(&mut self) {
        match &mut self.search {
            Some(s) => s.typing = true,
            None => {
                let before = Before::Authors {
                    ids: self.filter.ids.clone(),
                    search: self.filter.search.clone(),
                    sort: self.sort,
                    selected: self.selected_user(),
                };
                self.search = Some(Search::new(before, ""));
            }
        }
    }

    fn frequency(&self, ctx: &mut Ctx) -> Vec<Effect> {
        match author_freq_column(COLUMNS[self.column]) {
            Some(f) => vec![Effect::Ui(Ui::Push(Open::Charts {
                of: Of::Authors(self.filter.clone()),
                which: vec![ChartId::AuthorFrequency(f)],
            }))],
            None => {
                ctx.say("no frequency table of names: / searches them");
                Vec::new()
            }
        }
    }

    fn on_authors(&mut self, rows: Arc<Authors>, order: Arc<[u32]>, page: usize) {
        let keep = self.keep.take().or_else(|| self.selected_user());
        let at = keep.and_then(|user| {
            order
                .iter()
                .position(|&i| (i as usize) < rows.len() && rows.user_id(i as usize) == user)
        });
        let len = order.len();
        self.rows = Some(rows);
        self.order = Some(order);
        self.loading = false;
        match at {
            Some(i) => self.cursor.reselect_keeping_position(i, len, page),
            None => self.cursor = Cursor::default(),
        }
    }
}

impl Searchable for AuthorList {
    const TARGET: Target = Target::Authors;

    fn list_id(&self) -> ScreenId {
        self.id
    }

    fn search_mut(&mut self) -> &mut Option<Search> {
        &mut self.search
    }

    fn restore(&mut self, before: &Before, select: bool) {
        if let Before::Authors {
            ids,
            search,
            sort,
            selected,
        } = before
        {
            self.filter.ids = ids.clone();
            self.filter.search = search.clone();
            self.sort = *sort;
            if select {
                self.keep = selected.clone();
            }
        }
    }

    fn narrow(&mut self, query: String, ids: Arc<[u32]>) {
        self.filter.ids = Some(ids);
        self.filter.search = Some(query);
        self.sort = AuthorSort {
            key: AuthorKey::Relevance,
            descending: true,
        };
    }

    fn to_top(&mut self) {
        self.keep = None;
        self.cursor = Cursor::default();
    }

    fn request(&mut self) -> Effect {
        AuthorList::request(self)
    }

    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        self.on_action(action, ctx)
    }
}

impl Component for AuthorList {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn title(&self) -> String {
        "Authors".to_owned()
    }

    fn context(&self) -> Context {
        Context::Authors
    }

    fn hints(&self) -> &'static [Action] {
        &[
            Action::Open,
            Action::Search,
            Action::Filters,
            Action::SortDescending,
            Action::Back,
            Action::Help,
        ]
    }

    fn render(&self, area: Rect, buf: &mut Buffer, paint: &Paint) {
        view::AuthorListView {
            list: self,
            tick: paint.tick,
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
        let n = COLUMNS.len() as isize;
        Some(match action {
            _ if action.moves() => {
                let (len, page) = (self.len(), self.page(ctx.height));
                move_in(&mut self.cursor, action, len, page);
                Vec::new()
            }
            Action::ColumnLeft | Action::ColumnRight => {
                let step = if action == Action::ColumnLeft { -1 } else { 1 };
                self.column = (self.column as isize + step).rem_euclid(n) as usize;
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
            Action::Filters => vec![Effect::Ui(Ui::Form(
                crate::tui::kit::form::Form::for_authors(self.id, &self.filter),
            ))],
            Action::Open => match self.selected_user() {
                Some(user) => vec![Effect::Ui(Ui::Push(Open::Author(user)))],
                None => Vec::new(),
            },
            Action::Frequency => self.frequency(ctx),
            _ => return None,
        })
    }

    fn on_reply(&mut self, msg: Msg, ctx: &mut Ctx) -> Vec<Effect> {
        let page = self.page(ctx.height);
        match msg {
            Msg::Authors { rows, order, .. } => {
                self.on_authors(rows, order, page);
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

    fn on_failed(&mut self, _message: &str) -> bool {
        self.loading = false;
        true
    }

    fn prompt_key(&mut self, key: &KeyEvent, ctx: &mut Ctx) -> Option<Vec<Effect>> {
        prompt_key(self, key, ctx)
    }

    fn fit(&mut self, height: u16) -> Vec<Effect> {
        let (len, page) = (self.len(), self.page(height));
        self.cursor.select(self.cursor.selected, len, page);
        Vec::new()
    }

    fn click(&mut self, y: u16, height: u16) -> Vec<Effect> {
        let Some(dy) = self.viewport.top().and_then(|top| y.checked_sub(top)) else {
            return Vec::new();
        };
        let (len, page) = (self.len(), self.page(height));
        let at = self.cursor.offset + usize::from(dy);
        if at < len {
            self.cursor.select(at, len, page);
        }
        Vec::new()
    }

    fn copy_text(&self, action: Action) -> Option<(&'static str, String)> {
        let r: AuthorRow = self.selected()?;
        match action {
            Action::CopyId => Some(("the user id", r.user_id)),
            Action::CopyUrl => Some(("the website", format!("https://{}", r.website?))),
            _ => Some((
                "the row",
                tsv(vec![
                    r.user_id,
                    r.name.unwrap_or_default(),
                    r.website.unwrap_or_default(),
                    r.gpts.to_string(),
                    r.conv_total.to_string(),
                    r.conv_median.map(|m| m.to_string()).unwrap_or_default(),
                    r.rating.map(|x| format!("{x:.2}")).unwrap_or_default(),
                ]),
            )),
        }
    }

    fn focused_author(&self) -> Option<String> {
        self.selected_user()
    }

    fn list_ids(&self) -> Option<(Arc<[u32]>, bool)> {
        self.order.clone().map(|o| (o, true))
    }

    fn apply_form(&mut self, form: &crate::tui::kit::form::Form) -> Result<Vec<Effect>, String> {
        let filter = form.author_filter(&self.filter)?;
        if self.filter == filter {
            return Ok(Vec::new());
        }
        self.filter = filter;
        self.keep = self.selected_user();
        Ok(vec![self.request()])
    }

    fn page(&self, height: u16) -> usize {
        self.viewport.rows(height)
    }
}
