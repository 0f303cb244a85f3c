//! The store's endpoints (DESIGN §3), fetched with [`Client`] and parsed by the import parsers
//! (one code path: a live answer is read exactly like the same answer saved to a file). Paged
//! endpoints are followed to their end; shelf positions come from the offsets we asked for.

use super::client::{Client, LiveError};
use crate::store::GptRecord;
use crate::store::parse::{Collected, ShelfEntry, ShelfInfo, parse_top_value};
use serde::Deserialize;

/// Items asked for per page of a shelf.
pub const SHELF_PAGE: usize = 24;
/// Pages followed at most (a cursor that never ends is a store bug, not a reason to loop).
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
    let body = client.get(&path, "this GPT is no longer public").await?;
    let fetched_at = crate::time::now();
    let found = parse(&body, "a GPT")?;
    let mut gpts = gpts_of(found, fetched_at);
    let at = gpts.iter().position(|g| g.record.id == id).unwrap_or(0);
    if gpts.is_empty() {
        return Err(LiveError::unexpected("no GPT in the answer", &body));
    }
    Ok(gpts.swap_remove(at))
}

/// One page of a paged endpoint: what it held (shelf positions from `offset`, where the page
/// starts) and the cursor of the next page.
async fn fetch_page(
    client: &Client,
    path: &str,
    what: &str,
    not_found: &str,
    offset: usize,
) -> Result<(Found, Option<String>), LiveError> {
    let body = client.get(path, not_found).await?;
    let fetched_at = crate::time::now();
    let mut found = parse(&body, what)?;
    // Positions from the offset we asked for (the last page's cursor is null).
    for (i, e) in found.entries.iter_mut().enumerate() {
        e.position = u32::try_from(offset + i + 1).unwrap_or(u32::MAX);
    }
    let next = next_cursor(&body);
    let page = Found {
        shelves: std::mem::take(&mut found.shelves),
        entries: std::mem::take(&mut found.entries),
        gpts: gpts_of(found, fetched_at),
        pages: 1,
    };
    Ok((page, next))
}

/// A GPT's "about" answer (`/backend-api/gizmos/{id}/about`, needs a token): about blocks and
/// the rating histogram, kept as the store sent them (checked to be JSON) — no importer reads
/// this shape yet.
pub async fn about(client: &Client, id: &str) -> Result<serde_json::Value, LiveError> {
    let path = format!("/backend-api/gizmos/{}/about", encode(id));
    let body = client.get(&path, "this GPT is no longer public").await?;
    serde_json::from_slice(&body).map_err(|e| {
        let what = if e.is_eof() {
            "its about: the answer was cut short"
        } else {
            "its about: not valid JSON"
        };
        LiveError::unexpected(what, &body)
    })
}

/// Follows a paged endpoint to its end; `page(cursor)` makes the path of a page.
async fn paged(
    client: &Client,
    what: &str,
    not_found: &str,
    page: impl Fn(Option<&str>) -> String,
    mut on_page: impl FnMut(&Found),
) -> Result<Found, LiveError> {
    let mut out = Found::default();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let offset: usize = cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
        let (mut found, next) =
            fetch_page(client, &page(cursor.as_deref()), what, not_found, offset).await?;
        let n = found.gpts.len();
        out.pages += 1;
        out.entries.append(&mut found.entries);
        for s in found.shelves.drain(..) {
            if !out.shelves.iter().any(|x| x.id == s.id) {
                out.shelves.push(s);
            }
        }
        out.gpts.append(&mut found.gpts);
        on_page(&out);
        match next {
            Some(next) if n > 0 && Some(&next) != cursor.as_ref() => cursor = Some(next),
            _ => break,
        }
    }
    Ok(out)
}

/// The store front: every shelf with its first items.
pub async fn store_front(client: &Client) -> Result<Found, LiveError> {
    let body = client
        .get(
            "/public-api/gizmos/discovery?locale=global",
            "the store front is not there",
        )
        .await?;
    let fetched_at = crate::time::now();
    let found = parse(&body, "the store front")?;
    let shelves = found.shelves.clone();
    let entries = found.entries.clone();
    Ok(Found {
        gpts: gpts_of(found, fetched_at),
        shelves,
        entries,
        pages: 1,
    })
}

fn shelf_path(cut: &str, cursor: Option<&str>) -> String {
    format!(
        "/public-api/gizmos/discovery/{}?cursor={}&limit={SHELF_PAGE}&locale=global",
        encode(cut),
        encode(cursor.unwrap_or("0"))
    )
}

const NO_SHELF: &str = "this shelf is not in the store";

/// One shelf, paged to its end.
pub async fn shelf(
    client: &Client,
    cut: &str,
    on_page: impl FnMut(&Found),
) -> Result<Found, LiveError> {
    paged(client, "a shelf", NO_SHELF, |c| shelf_path(cut, c), on_page).await
}

/// One page of a shelf from `cursor` (an offset), and the cursor of the next page.
pub async fn shelf_page(
    client: &Client,
    cut: &str,
    cursor: &str,
) -> Result<(Found, Option<String>), LiveError> {
    let offset = cursor.parse().unwrap_or(0);
    fetch_page(
        client,
        &shelf_path(cut, Some(cursor)),
        "a shelf",
        NO_SHELF,
        offset,
    )
    .await
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

/// An author's GPTs (needs a token), paged to the end.
pub async fn author_gpts(
    client: &Client,
    user_id: &str,
    on_page: impl FnMut(&Found),
) -> Result<Found, LiveError> {
    paged(
        client,
        "an author's GPTs",
        NO_AUTHOR,
        |c| author_path(user_id, c),
        on_page,
    )
    .await
}

/// One page of an author's GPTs, and the cursor of the next.
pub async fn author_page(
    client: &Client,
    user_id: &str,
    cursor: Option<&str>,
) -> Result<(Found, Option<String>), LiveError> {
    fetch_page(
        client,
        &author_path(user_id, cursor),
        "an author's GPTs",
        NO_AUTHOR,
        0,
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
        client,
        "search results",
        NO_SEARCH,
        |c| search_path(query, c),
        on_page,
    )
    .await
}

/// One page of search results, and the cursor of the next.
pub async fn search_page(
    client: &Client,
    query: &str,
    cursor: Option<&str>,
) -> Result<(Found, Option<String>), LiveError> {
    fetch_page(
        client,
        &search_path(query, cursor),
        "search results",
        NO_SEARCH,
        0,
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
