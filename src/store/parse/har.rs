//! HAR files: what a browser saw (DevTools "Save all as HAR" in Chrome, Firefox, Safari). Every
//! answer of the store's API in it (the front, shelf pages, a GPT, its about, an author's GPTs,
//! search) is read by its URL's endpoint, in the recorded order, by the same parsers as saved
//! answers (so shelf positions follow the one shelf rule); every other entry is counted and
//! ignored. Only response bodies are read: request headers (cookies, authorization) are never
//! looked at, stored or shown.
//!
//! A HAR cut short (a browser killed while saving) is read up to its last whole entry, and says
//! where it ends. Bodies come as `content.text`, plain or `encoding: "base64"`.

use super::input::ArraySplitter;
use super::{Context, Issue, IssueKind, LineIndex, Sink, SkipReason, parse_json_value};
use serde::Deserialize;
use serde_json::value::RawValue;

/// What a HAR held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HarCounts {
    /// Store answers read.
    pub answers: u32,
    /// Entries that were not the store's API (pages, scripts, images, other sites).
    pub other: u32,
    /// Store requests without an answer to read (not 200, no body saved, not JSON).
    pub unanswered: u32,
}

impl HarCounts {
    pub fn note(&self) -> String {
        let mut s = format!(
            "{} store answers, {} other entries ignored",
            self.answers, self.other
        );
        if self.unanswered > 0 {
            s.push_str(&format!(
                ", {} store requests without an answer",
                self.unanswered
            ));
        }
        s
    }
}

/// The store endpoints a HAR entry's URL can be.
fn is_store_api(path: &str) -> bool {
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        seg.as_slice(),
        ["public-api" | "backend-api", "gizmos", "discovery", ..]
            | ["public-api" | "backend-api", "gizmos", "search"]
            | ["backend-api", "gizmo_creators", _, "gizmos"]
    ) || matches!(
        seg.as_slice(),
        ["public-api" | "backend-api", "gizmos", id] | ["backend-api", "gizmos", id, "about"]
            if id.starts_with("g-")
    )
}

/// The path of a URL (`https://chatgpt.com/public-api/…?x` → `/public-api/…`).
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

#[derive(Deserialize)]
struct HarJ<'a> {
    #[serde(borrow)]
    log: LogJ<'a>,
}

#[derive(Deserialize)]
struct LogJ<'a> {
    #[serde(borrow, default)]
    entries: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct EntryJ {
    #[serde(rename = "startedDateTime")]
    started: Option<String>,
    request: RequestJ,
    response: Option<ResponseJ>,
}

/// The request's method and URL only: its headers are not read.
#[derive(Deserialize)]
struct RequestJ {
    method: Option<String>,
    url: String,
}

#[derive(Deserialize)]
struct ResponseJ {
    status: Option<i64>,
    content: Option<ContentJ>,
}

#[derive(Deserialize)]
struct ContentJ {
    text: Option<String>,
    encoding: Option<String>,
}

/// Parses a HAR document. `Err` when it holds no store answer at all (with the entries seen).
pub fn parse_har(text: &str, first_line: u64, sink: &mut dyn Sink) -> Result<HarCounts, String> {
    let lines = LineIndex::new(text, first_line);
    let mut counts = HarCounts::default();
    let mut entries_seen = 0u32;
    match serde_json::from_str::<HarJ<'_>>(text) {
        Ok(har) => {
            for e in har.log.entries {
                entries_seen += 1;
                entry(e.get(), lines.line_of(e.get()), &mut counts, sink);
            }
        }
        Err(e) if e.is_eof() => {
            // Cut short: the whole entries before the cut are still worth reading.
            let Some(at) = text.find("\"entries\"") else {
                return Err("a HAR cut short before its entries".to_owned());
            };
            let mut splitter = ArraySplitter::new(lines.line_of(&text[at..]));
            splitter.feed(&text.as_bytes()[at..], &mut |line, element| {
                entries_seen += 1;
                if let Ok(el) = std::str::from_utf8(element) {
                    entry(el, line, &mut counts, sink);
                }
            });
            sink.issue(Issue {
                line: splitter.unfinished().unwrap_or(first_line),
                kind: IssueKind::Skipped(SkipReason::Truncated),
                message: format!(
                    "the HAR ends here, inside an entry (a file cut short): the {entries_seen} \
                     whole entries before it were read"
                ),
            });
        }
        Err(e) => {
            return Err(format!(
                "not a readable HAR: {}",
                super::lenient::describe_error(&e)
            ));
        }
    }
    if counts.answers == 0 && counts.unanswered == 0 {
        return Err(format!(
            "a HAR with no GPT Store answer in its {entries_seen} entries (save it on chatgpt.com \
             pages that show GPTs: the store, a GPT, a builder's profile)"
        ));
    }
    Ok(counts)
}

fn entry(text: &str, line: u64, counts: &mut HarCounts, sink: &mut dyn Sink) {
    let Ok(e) = serde_json::from_str::<EntryJ>(text) else {
        counts.other += 1;
        return;
    };
    let path = url_path(&e.request.url);
    if !is_store_api(path) {
        counts.other += 1;
        return;
    }
    let what = format!("{} {path}", e.request.method.as_deref().unwrap_or("GET"));
    let mut unanswered = |message: String| {
        counts.unanswered += 1;
        sink.issue(Issue {
            line,
            kind: IssueKind::Skipped(SkipReason::NoAnswer),
            message,
        });
    };
    let (status, content) = match e.response {
        Some(r) => (r.status.unwrap_or(0), r.content),
        None => (0, None),
    };
    if status != 200 {
        return unanswered(format!("{what}: HTTP {status}, no answer to read"));
    }
    let Some(c) = content else {
        return unanswered(format!("{what}: no body saved in the HAR"));
    };
    let Some(body_text) = c.text.filter(|t| !t.is_empty()) else {
        return unanswered(format!("{what}: no body saved in the HAR"));
    };
    let body = if c.encoding.as_deref() == Some("base64") {
        match base64_decode(&body_text).map(String::from_utf8) {
            Some(Ok(b)) => b,
            _ => return unanswered(format!("{what}: its base64 body does not decode")),
        }
    } else {
        body_text
    };
    let head = body.trim_start();
    if !(head.starts_with('{') || head.starts_with('[')) {
        let first: String = crate::text::line(head).chars().take(40).collect();
        return unanswered(format!(
            "{what}: HTML or text where JSON was expected (a bot-wall page?), starts {first:?}"
        ));
    }
    counts.answers += 1;
    let ctx = Context {
        observed_at: e.started.as_deref().and_then(crate::time::parse_timestamp),
        shelf: None,
    };
    parse_json_value(&body, &LineIndex::new(&body, line), &ctx, sink);
}

/// Standard base64 (padding optional, whitespace skipped); none when it is not base64.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_what_browsers_write() {
        assert_eq!(base64_decode("eyJhIjoxfQ==").unwrap(), br#"{"a":1}"#);
        assert_eq!(base64_decode("eyJhIjoxfQ").unwrap(), br#"{"a":1}"#);
        assert!(base64_decode("not*base64").is_none());
    }

    #[test]
    fn store_endpoints_by_path() {
        for p in [
            "https://chatgpt.com/public-api/gizmos/discovery?locale=global",
            "https://chatgpt.com/public-api/gizmos/discovery/writing?cursor=6",
            "https://chatgpt.com/backend-api/gizmos/g-abcdefghi",
            "https://chatgpt.com/backend-api/gizmos/g-abcdefghi/about",
            "https://chatgpt.com/backend-api/gizmo_creators/user-x/gizmos?cursor=a",
            "https://chatgpt.com/backend-api/gizmos/search?q=cat",
        ] {
            assert!(is_store_api(url_path(p)), "{p}");
        }
        for p in [
            "https://chatgpt.com/gpts",
            "https://chatgpt.com/backend-api/gizmos/bootstrap",
            "https://cdn.oaistatic.com/app.js",
            "https://chatgpt.com/backend-api/conversation",
        ] {
            assert!(!is_store_api(url_path(p)), "{p}");
        }
    }
}
