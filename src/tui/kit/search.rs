//! The search prompt over a list (`/`): what is typed, the newest results' figures, and where
//! the list was before (Esc goes back there). The keys that are the same for every list are
//! here; what a list does with a query or a restore is its own.

use super::input::{Edit, LineInput};
use crate::store::authors::AuthorSort;
use crate::store::view::Sort;
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
