//! The search prompt over a list (`/`): what is typed, the newest results' figures, and where
//! the list was before (Esc goes back there). The keys that are the same for every list are
//! here; what a list does with a query or a restore is its own.

use super::input::{Edit, LineInput};
use crate::store::authors::AuthorSort;
use crate::store::view::Sort;
use crate::tui::keys::Action;
use crate::tui::msg::{Ctx, Effect, ScreenId, SearchRequest, Target};
use crossterm::event::{KeyCode, KeyEvent};
use std::sync::Arc;
use std::time::Duration;

/// A search over a list: what is typed, the newest results, and what to go back to on Esc.
#[derive(Debug, Clone)]
pub struct Search {
    pub input: LineInput,
    /// The prompt has the keys.
    pub typing: bool,
    /// Generation of the newest query sent.
    pub generation: u64,
    /// Matches of the newest results, and how long they took.
    pub matches: Option<usize>,
    pub took: Option<Duration>,
    /// The results are a substring match (the index is still loading).
    pub fallback: bool,
    /// The list as it was when the search began.
    pub before: Before,
}

/// Where a list was before a search: restored by Esc.
#[derive(Debug, Clone)]
pub enum Before {
    Gpts {
        rowids: Option<Arc<[u32]>>,
        search: Option<String>,
        sort: Sort,
        selected: Option<u32>,
    },
    Authors {
        ids: Option<Arc<[u32]>>,
        search: Option<String>,
        sort: AuthorSort,
        selected: Option<String>,
    },
}

impl Search {
    pub fn new(before: Before, text: &str) -> Search {
        Search {
            input: LineInput::new(text),
            typing: true,
            generation: 0,
            matches: None,
            took: None,
            fallback: false,
            before,
        }
    }

    /// The figures of the newest results.
    pub fn note(&mut self, matches: usize, took: Duration, fallback: bool) {
        self.matches = Some(matches);
        self.took = Some(took);
        self.fallback = fallback;
    }

    /// The query to highlight: what the shown results answer.
    pub fn query(&self) -> crate::search::Query {
        crate::search::Query::parse(&self.input.text)
    }
}

/// What a key did in a search prompt.
pub enum SearchKey {
    /// Esc: the search is over; the list goes back to this.
    Restore(Before),
    /// A new query to send, with its generation.
    Query(u64, String),
    /// Ctrl-C: quit.
    Quit,
    Nothing,
}

/// The part of a prompt key that is the same for every list.
pub fn search_edit(slot: &mut Option<Search>, key: &KeyEvent) -> SearchKey {
    let Some(search) = slot else {
        return SearchKey::Nothing;
    };
    if key.code == KeyCode::Char('c')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL)
    {
        return SearchKey::Quit;
    }
    match key.code {
        KeyCode::Esc => slot
            .take()
            .map_or(SearchKey::Nothing, |s| SearchKey::Restore(s.before)),
        KeyCode::Enter => {
            search.typing = false;
            if search.input.text.is_empty() {
                *slot = None;
            }
            SearchKey::Nothing
        }
        _ => match search.input.key(key) {
            Edit::Changed => {
                search.generation += 1;
                SearchKey::Query(search.generation, search.input.text.clone())
            }
            Edit::Moved | Edit::Ignored => SearchKey::Nothing,
        },
    }
}

/// A list with a search prompt: what differs between the GPT list and the authors table.
pub trait Searchable {
    /// What the searcher looks through for it.
    const TARGET: Target;
    fn list_id(&self) -> ScreenId;
    fn search_mut(&mut self) -> &mut Option<Search>;
    /// Puts filter and sort back as they were before the search; `select`: the selection too.
    fn restore(&mut self, before: &Before, select: bool);
    /// The list narrowed to the matches `ids` of `query`, best first.
    fn narrow(&mut self, query: String, ids: Arc<[u32]>);
    /// The selection back to the top, nothing to keep (new results).
    fn to_top(&mut self);
    /// A new order for the list (a new generation).
    fn request(&mut self) -> Effect;
    /// A moving key while the prompt has the keyboard.
    fn act(&mut self, action: Action, ctx: &mut Ctx) -> Option<Vec<Effect>>;
}

/// A key while `list`'s prompt is typing (`None`: it is not): moving keys move the list, Esc
/// goes back to where it was, Enter keeps the matches, the rest edits and sends a query.
pub fn prompt_key<L: Searchable>(
    list: &mut L,
    key: &KeyEvent,
    ctx: &mut Ctx,
) -> Option<Vec<Effect>> {
    if !list.search_mut().as_ref().is_some_and(|s| s.typing) {
        return None;
    }
    if let Some(action) = prompt_move(key) {
        return list.act(action, ctx);
    }
    Some(match search_edit(list.search_mut(), key) {
        SearchKey::Restore(before) => {
            list.restore(&before, true);
            vec![list.request()]
        }
        SearchKey::Query(generation, query) => vec![Effect::Search(SearchRequest {
            screen: list.list_id(),
            generation,
            target: L::TARGET,
            query,
        })],
        SearchKey::Quit => vec![Effect::Quit],
        SearchKey::Nothing => Vec::new(),
    })
}

/// New results for `list`: dropped when a newer query is on its way; else the list shows them
/// (within its other filters), best first; an empty query puts it back.
pub fn on_results<L: Searchable>(
    list: &mut L,
    generation: u64,
    query: String,
    ids: Arc<[u32]>,
    fallback: bool,
    took: Duration,
) -> Vec<Effect> {
    let Some(s) = list.search_mut() else {
        return Vec::new();
    };
    if s.generation != generation {
        return Vec::new();
    }
    s.note(ids.len(), took, fallback);
    if query.is_empty() {
        let before = s.before.clone();
        list.restore(&before, false);
    } else {
        list.narrow(query, ids);
    }
    list.to_top();
    vec![list.request()]
}

/// The keys that move the list while the search prompt has the keyboard.
pub fn prompt_move(key: &KeyEvent) -> Option<Action> {
    let ctrl = key
        .modifiers
        .contains(crossterm::event::KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Char('p') if ctrl => Some(Action::Up),
        KeyCode::Char('n') if ctrl => Some(Action::Down),
        _ => None,
    }
}
