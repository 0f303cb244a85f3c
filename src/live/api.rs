//! The store's endpoints, fetched with [`Client`] and parsed by the import parsers (one code
//! path: a live answer is read exactly like the same answer saved to a file). Paged endpoints
//! are followed by a [`Walk`] (the cursor is passed back, never counted; a page cap, a repeated
//! cursor and pages of nothing new stop it, said); shelf positions come from the one shelf rule
//! ([`crate::store::shelves`]), not from cursors.

use super::client::{Client, LiveError};
use crate::store::GptRecord;
use crate::store::parse::{Collected, ShelfEntry, ShelfInfo, ShelfOutcome, parse_top_value};
use crate::store::shelves::ShelfOrder;
use rustc_hash::FxHashSet;
use serde::Deserialize;

/// Items asked for per page of a shelf.
pub const SHELF_PAGE: usize = 24;
/// Pages of an author's GPTs or of search results followed at most.
pub const MAX_PAGES: usize = 10_000;

/// One GPT as the store shows it now.
#[derive(Debug, Clone)]
pub struct LiveGpt {
    pub record: GptRecord,
    /// The answer's bytes for this GPT, kept for provenance.
    pub raw: Vec<u8>,
    /// Unix seconds.
    pub fetched_at: i64,
}

/// What a set of answers held: GPTs, shelves and who was where.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub gpts: Vec<LiveGpt>,
    pub shelves: Vec<ShelfInfo>,
    pub entries: Vec<ShelfEntry>,
    /// Requests made.
    pub pages: usize,
}

/// Parses one answer with the import parsers.
fn parse(body: &[u8], what: &str) -> Result<Collected, LiveError> {
    let text = std::str::from_utf8(body).map_err(|_| LiveError::unexpected(what, body))?;
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return Err(LiveError::unexpected(format!("{what}: not JSON"), body));
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let what = if e.is_eof() {
            format!("{what}: the answer was cut short")
        } else {
            format!("{what}: not valid JSON")
        };
        return Err(LiveError::unexpected(what, body));
    }
    let mut sink = Collected::default();
    parse_top_value(text, 1, &mut sink);
    Ok(sink)
}

/// The cursor of the next page, wherever the answer keeps it (`list.cursor`, `cursor`,
/// `hits.cursor`); none at the end.
fn next_cursor(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Inner {
        cursor: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct Outer {
        cursor: Option<serde_json::Value>,
        list: Option<Inner>,
        hits: Option<Inner>,
    }
    let o: Outer = serde_json::from_slice(body).ok()?;
    let c = o
        .list
        .and_then(|l| l.cursor)
        .or_else(|| o.hits.and_then(|h| h.cursor))
        .or(o.cursor)?;
    cursor_text(c)
}

/// A cursor as the text to send back: a string or a number, never read as a position.
fn cursor_text(c: serde_json::Value) -> Option<String> {
    match c {
        serde_json::Value::String(s) if !s.is_empty() => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn gpts_of(c: Collected, fetched_at: i64) -> Vec<LiveGpt> {
    c.gpts
        .into_iter()
        .map(|(record, raw, _)| LiveGpt {
            record,
            raw,
            fetched_at,
        })
        .collect()
}

/// Percent-encodes a path segment or query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One GPT: `/backend-api/gizmos/{id}` with a token (it has the conversation counts), else
/// `/public-api/gizmos/{id}`.
pub async fn gpt(client: &Client, id: &str) -> Result<LiveGpt, LiveError> {
    let path = if client.has_token() {
        format!("/backend-api/gizmos/{}", encode(id))
    } else {
        format!("/public-api/gizmos/{}", encode(id))
    };
    one_gpt(client, &path, id, "a GPT").await
}

/// The GPT `id` of the answer at `path` (a resource, an about answer).
async fn one_gpt(client: &Client, path: &str, id: &str, what: &str) -> Result<LiveGpt, LiveError> {
    let body = client.get(path, "this GPT is no longer public").await?;
    let fetched_at = crate::time::now();
    let found = parse(&body, what)?;
    let mut gpts = gpts_of(found, fetched_at);
    let at = gpts.iter().position(|g| g.record.id == id).unwrap_or(0);
    if gpts.is_empty() {
        return Err(LiveError::unexpected(format!("no GPT in {what}"), &body));
    }
    Ok(gpts.swap_remove(at))
}

/// One answer of a paged endpoint: its bytes (spooled as they came), what it held, and the
/// cursor of the next page (opaque: passed back, never counted).
#[derive(Debug, Clone)]
pub struct Page {
    pub body: Vec<u8>,
    pub found: Found,
    pub next: Option<String>,
    pub fetched_at: i64,
}

impl Page {
    /// The GPT ids it held, in order.
    pub fn ids(&self) -> Vec<String> {
        self.found
            .gpts
            .iter()
            .map(|g| g.record.id.clone())
            .collect()
    }

    /// The distinct authors of its GPTs, in order of first appearance.
    pub fn authors(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for g in &self.found.gpts {
            if let Some(u) = &g.record.author.user_id
                && !out.contains(u)
            {
                out.push(u.clone());
            }
        }
        out
    }
}

async fn fetch_page(
    client: &Client,
    path: &str,
    what: &str,
    not_found: &str,
) -> Result<Page, LiveError> {
    let body = client.get(path, not_found).await?;
    let fetched_at = crate::time::now();
    let mut found = parse(&body, what)?;
    let next = next_cursor(&body);
    let found = Found {
        shelves: std::mem::take(&mut found.shelves),
        entries: std::mem::take(&mut found.entries),
        gpts: gpts_of(found, fetched_at),
        pages: 1,
    };
    Ok(Page {
        body,
        found,
        next,
        fetched_at,
    })
}

/// A GPT by its about answer (`/backend-api/gizmos/{id}/about`, needs a token): the GPT as
/// [`gpt`] gives it, plus what the about page shows (rating, category ranking, conversations,
/// the rating split) in `record.about`; read by the import parsers like a saved about answer.
pub async fn about(client: &Client, id: &str) -> Result<LiveGpt, LiveError> {
    let path = format!("/backend-api/gizmos/{}/about", encode(id));
    one_gpt(client, &path, id, "its about answer").await
}

/// Pages of one list asked for at most, by default (a cursor that never ends is a store bug,
/// not a reason to loop).
pub const MAX_PAGES_DEFAULT: usize = 200;
/// Pages in a row that bring no GPT not already seen before a list is taken as ended.
const EMPTY_RUN: u32 = 3;

/// Where the paging of one list (a shelf, an author's GPTs, a search term) stands: the next
/// cursor to ask for, or how it ended. The same walk drives `live`, `refresh` and a resumed
/// refresh (which replays the answers it has through [`Walk::answered`]).
#[derive(Debug, Clone)]
pub struct Walk {
    pub state: WalkState,
    pub pages: usize,
    max_pages: usize,
    cursors: FxHashSet<String>,
    seen: FxHashSet<String>,
    empty_run: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkState {
    /// Ask for this page next (none: the first page, without a cursor).
    Next(Option<String>),
    Done,
    /// Stopped before the end, and why.
    Cut(String),
    /// The store failed on it after every retry.
    Failed(String),
}

impl Walk {
    /// A list whose first page is asked with `first` (a shelf: the store front's cursor).
    pub fn new(first: Option<String>, max_pages: usize) -> Walk {
        Walk {
            state: WalkState::Next(first),
            pages: 0,
            max_pages: max_pages.max(1),
            cursors: FxHashSet::default(),
            seen: FxHashSet::default(),
            empty_run: 0,
        }
    }

    /// A shelf of the store front: continued from the front's cursor, or already whole when
    /// the front said there is no more.
    pub fn shelf(front_cursor: Option<String>, max_pages: usize) -> Walk {
        let mut w = Walk::new(None, max_pages);
        w.state = match front_cursor {
            Some(c) => WalkState::Next(Some(c)),
            None => WalkState::Done,
        };
        w
    }

    /// The cursor to ask for next (`Some(None)`: the first page), none when the list is over.
    pub fn next(&self) -> Option<Option<&str>> {
        match &self.state {
            WalkState::Next(c) => Some(c.as_deref()),
            _ => None,
        }
    }

    /// Notes GPTs already known on this list (the front's, for a shelf).
    pub fn saw(&mut self, ids: &[String]) {
        self.seen.extend(ids.iter().cloned());
    }

    /// A page answered with `ids` and the cursor `next`.
    pub fn answered(&mut self, ids: &[String], next: Option<String>) {
        if let WalkState::Next(Some(c)) = &self.state {
            self.cursors.insert(c.clone());
        }
        self.pages += 1;
        let fresh = ids
            .iter()
            .filter(|id| self.seen.insert((*id).clone()))
            .count();
        self.empty_run = if fresh == 0 { self.empty_run + 1 } else { 0 };
        self.state = match next {
            None => WalkState::Done,
            Some(n) if self.cursors.contains(&n) => {
                WalkState::Cut(format!("the store sent cursor {n:?} again"))
            }
            Some(_) if self.empty_run >= EMPTY_RUN => WalkState::Cut(format!(
                "{EMPTY_RUN} pages in a row brought no GPT not seen before"
            )),
            Some(_) if self.pages >= self.max_pages => WalkState::Cut(format!(
                "stopped after {} pages (the page cap); the store had more",
                self.pages
            )),
            Some(n) => WalkState::Next(Some(n)),
        };
    }

    pub fn failed(&mut self, e: &LiveError) {
        self.state = WalkState::Failed(e.brief());
    }
}

/// The store front's path.
pub fn front_path(locale: &str) -> String {
    format!("/public-api/gizmos/discovery?locale={}", encode(locale))
}

fn shelf_path(cut: &str, cursor: Option<&str>, locale: &str) -> String {
    let mut p = format!("/public-api/gizmos/discovery/{}?", encode(cut));
    if let Some(c) = cursor {
        p.push_str(&format!("cursor={}&", encode(c)));
    }
    p.push_str(&format!("limit={SHELF_PAGE}&locale={}", encode(locale)));
    p
}

const NO_FRONT: &str = "the store front is not there";
const NO_SHELF: &str = "this shelf is not in the store";

/// The store front's shelves and the cursor each continues from (`list.cursor`), in order.
pub fn front_cursors(body: &[u8]) -> Vec<(String, Option<String>)> {
    #[derive(Deserialize)]
    struct Info {
        id: Option<String>,
    }
    #[derive(Deserialize)]
    struct List {
        cursor: Option<serde_json::Value>,
    }
    #[derive(Deserialize)]
    struct Cut {
        info: Option<Info>,
        list: Option<List>,
    }
    #[derive(Deserialize)]
    struct Front {
        cuts: Vec<Cut>,
    }
    let Ok(front) = serde_json::from_slice::<Front>(body) else {
        return Vec::new();
    };
    front
        .cuts
        .into_iter()
        .filter_map(|c| {
            let id = c.info?.id?;
            let cursor = c.list.and_then(|l| cursor_text(l.cursor?));
            Some((id, cursor))
        })
        .collect()
}

/// The store front's answer.
pub async fn front_page(client: &Client, locale: &str) -> Result<Page, LiveError> {
    fetch_page(client, &front_path(locale), "the store front", NO_FRONT).await
}

/// One page of a shelf.
pub async fn shelf_page(
    client: &Client,
    cut: &str,
    cursor: Option<&str>,
    locale: &str,
) -> Result<Page, LiveError> {
    fetch_page(
        client,
        &shelf_path(cut, cursor, locale),
        "a shelf",
        NO_SHELF,
    )
    .await
}

/// The store front: every shelf with its first items, numbered by the shelf rule.
pub async fn store_front(client: &Client, locale: &str) -> Result<Found, LiveError> {
    let mut found = front_page(client, locale).await?.found;
    found.number();
    Ok(found)
}

/// The store front and every shelf paged to its end (from the front's cursor, by the one shelf
/// rule): what `refresh shelves` would store. A shelf that fails is marked failed and the rest
/// go on; `on_page` hears after each answer.
pub async fn shelves(
    client: &Client,
    locale: &str,
    max_pages: usize,
    mut on_page: impl FnMut(&Found),
) -> Result<Found, LiveError> {
    let front = front_page(client, locale).await?;
    let cursors = front_cursors(&front.body);
    let mut out = front.found;
    on_page(&out);
    for (cut, cursor) in cursors {
        let mut walk = Walk::shelf(cursor, max_pages);
        let on_front: Vec<String> = out
            .entries
            .iter()
            .filter(|e| e.shelf_id == cut)
            .filter_map(|e| e.gpt_id.clone())
            .collect();
        walk.saw(&on_front);
        while let Some(at) = walk.next() {
            match shelf_page(client, &cut, at, locale).await {
                Ok(mut page) => {
                    walk.answered(&page.ids(), page.next.take());
                    out.absorb(page.found);
                    on_page(&out);
                }
                Err(e) if is_fatal(&e) => return Err(e),
                Err(e) => walk.failed(&e),
            }
        }
        let outcome = match walk.state {
            WalkState::Failed(e) => Some(ShelfOutcome::Failed(e)),
            WalkState::Cut(e) => Some(ShelfOutcome::Cut(e)),
            _ => None,
        };
        if let Some(s) = out.shelves.iter_mut().find(|s| s.id == cut) {
            s.outcome = outcome;
        }
    }
    out.number();
    Ok(out)
}

/// Errors that are the same for every request (no token, a bot wall, no network): paging stops
/// at once on them instead of marking every list failed.
pub fn is_fatal(e: &LiveError) -> bool {
    matches!(
        e,
        LiveError::Unauthorized | LiveError::Forbidden { .. } | LiveError::Unreachable { .. }
    )
}

impl Found {
    /// Adds a page's GPTs, shelves and entries (entries keep their recorded order).
    pub fn absorb(&mut self, mut page: Found) {
        self.pages += page.pages;
        self.entries.append(&mut page.entries);
        for s in page.shelves.drain(..) {
            if !self.shelves.iter().any(|x| x.id == s.id) {
                self.shelves.push(s);
            }
        }
        self.gpts.append(&mut page.gpts);
    }

    /// Gives the entries their positions by the one shelf rule ([`ShelfOrder`]).
    pub fn number(&mut self) {
        let mut order = ShelfOrder::default();
        for e in self.entries.drain(..) {
            order.push(e);
        }
        self.entries = order.finish().0;
    }
}

fn author_path(user_id: &str, cursor: Option<&str>) -> String {
    let user = encode(user_id);
    match cursor {
        Some(c) => format!(
            "/backend-api/gizmo_creators/{user}/gizmos?cursor={}",
            encode(c)
        ),
        None => format!("/backend-api/gizmo_creators/{user}/gizmos"),
    }
}

fn search_path(query: &str, cursor: Option<&str>) -> String {
    let q = encode(query);
    match cursor {
        Some(c) => format!("/backend-api/gizmos/search?q={q}&cursor={}", encode(c)),
        None => format!("/backend-api/gizmos/search?q={q}"),
    }
}

const NO_AUTHOR: &str = "this author is not in the store";
const NO_SEARCH: &str = "search is not available";

/// One page of an author's GPTs (needs a token).
pub async fn author_page(
    client: &Client,
    user_id: &str,
    cursor: Option<&str>,
) -> Result<Page, LiveError> {
    fetch_page(
        client,
        &author_path(user_id, cursor),
        "an author's GPTs",
        NO_AUTHOR,
    )
    .await
}

/// One page of search results (needs a token).
pub async fn search_page(
    client: &Client,
    query: &str,
    cursor: Option<&str>,
) -> Result<Page, LiveError> {
    fetch_page(
        client,
        &search_path(query, cursor),
        "search results",
        NO_SEARCH,
    )
    .await
}

/// Follows a list to its end with a [`Walk`]; a failure stops it with the error.
async fn paged<'a, F>(
    page: impl Fn(Option<String>) -> F,
    mut on_page: impl FnMut(&Found),
) -> Result<Found, LiveError>
where
    F: std::future::Future<Output = Result<Page, LiveError>> + 'a,
{
    let mut out = Found::default();
    let mut walk = Walk::new(None, MAX_PAGES);
    while let Some(at) = walk.next() {
        let mut p = page(at.map(str::to_owned)).await?;
        walk.answered(&p.ids(), p.next.take());
        out.absorb(p.found);
        on_page(&out);
    }
    Ok(out)
}

/// An author's GPTs (needs a token), paged to the end.
pub async fn author_gpts(
    client: &Client,
    user_id: &str,
    on_page: impl FnMut(&Found),
) -> Result<Found, LiveError> {
    paged(
        |c| async move { author_page(client, user_id, c.as_deref()).await },
        on_page,
    )
    .await
}

/// Search results for `query` (needs a token), paged to the end.
pub async fn search(
    client: &Client,
    query: &str,
    on_page: impl FnMut(&Found),
) -> Result<Found, LiveError> {
    paged(
        |c| async move { search_page(client, query, c.as_deref()).await },
        on_page,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_wherever_they_are() {
        assert_eq!(
            next_cursor(br#"{"info":{},"list":{"items":[],"cursor":"12"}}"#).as_deref(),
            Some("12")
        );
        assert_eq!(
            next_cursor(br#"{"items":[],"cursor":7}"#).as_deref(),
            Some("7")
        );
        assert_eq!(
            next_cursor(br#"{"hits":{"items":[],"cursor":"abc"}}"#).as_deref(),
            Some("abc")
        );
        assert_eq!(next_cursor(br#"{"list":{"items":[],"cursor":null}}"#), None);
        assert_eq!(next_cursor(b"not json"), None);
    }

    #[test]
    fn a_walk_passes_cursors_back_and_stops_where_it_should() {
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        // A shelf continues from the front's cursor; an empty page with a cursor is not the
        // end (the store filters slots), three in a row are.
        let mut w = Walk::shelf(Some("6".into()), 100);
        assert_eq!(w.next(), Some(Some("6")));
        w.answered(&ids(&["a", "b"]), Some("opaque-1".into()));
        assert_eq!(w.next(), Some(Some("opaque-1")));
        w.answered(&[], Some("opaque-2".into()));
        w.answered(&ids(&["a"]), Some("opaque-3".into()));
        assert_eq!(w.next(), Some(Some("opaque-3")));
        w.answered(&[], Some("opaque-4".into()));
        assert_eq!(
            w.state,
            WalkState::Cut("3 pages in a row brought no GPT not seen before".into())
        );
        // A cursor sent twice would loop.
        let mut w = Walk::new(None, 100);
        w.answered(&ids(&["a"]), Some("x".into()));
        w.answered(&ids(&["b"]), Some("x".into()));
        assert_eq!(
            w.state,
            WalkState::Cut("the store sent cursor \"x\" again".into())
        );
        // The page cap.
        let mut w = Walk::new(None, 2);
        w.answered(&ids(&["a"]), Some("1".into()));
        w.answered(&ids(&["b"]), Some("2".into()));
        assert!(matches!(&w.state, WalkState::Cut(why) if why.contains("the page cap")));
        // A front whose shelf has no more: nothing to ask.
        assert_eq!(Walk::shelf(None, 100).next(), None);
    }

    #[test]
    fn bodies_that_are_not_answers() {
        let e = parse(b"<html>Just a moment...</html>", "a GPT").unwrap_err();
        assert!(
            e.to_string().contains("first bytes: \"<html>Just a moment"),
            "{e}"
        );
        let e = parse(br#"{"gizmo":{"id":"g-abc"#, "a GPT").unwrap_err();
        assert!(e.to_string().contains("cut short"), "{e}");
        assert_eq!(encode("a b/é"), "a%20b%2F%C3%A9");
    }
}
