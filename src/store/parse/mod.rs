//! Parsers of every real GPT Store format into [`GptRecord`]s, store-front shelves and issues.
//!
//! A JSON value is recognised by its keys, wherever it appears (a whole file, an array element, a
//! JSONL line, an item of a shelf): a resource `{gizmo, tools, files}`, a bare gizmo (2023 page
//! data), a wrapped export `{id, …, data: resource}`, a discovery response `{cuts}`, a shelf
//! `{info, list}`, a list `{items | hits, cursor}`, a BeeTrove row `{"GPT Id", …}` or a flat object of a
//! list (`{id, name, chats, review_average…}`, read by its keys' synonyms: [`fields`]). Tables (BeeTrove, homepage monitoring, GPTracker) are in
//! [`table`]. Everything is handed to a [`Sink`] as it is found, so parsers never hold a file's
//! records in memory and the caller decides what "bad" costs (`--strict`).

pub mod fields;
pub mod har;
pub mod input;
pub mod lenient;
pub(crate) mod resource;
pub mod table;

use crate::store::record::{Conversations, GptRecord};
use lenient::Field;
use resource::ObjectJ;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::cell::Cell;
use std::fmt;

/// Receives what a parser finds, in input order.
pub trait Sink {
    /// A GPT with the exact source text it was read from (kept for provenance).
    fn gpt(&mut self, gpt: GptRecord, raw: &[u8], line: u64);
    /// A store-front shelf (a "cut" of the discovery page).
    fn shelf(&mut self, shelf: ShelfInfo);
    /// A GPT's position on a shelf.
    fn shelf_entry(&mut self, entry: ShelfEntry);
    /// A record skipped, or a field ignored.
    fn issue(&mut self, issue: Issue);
    /// True when the receiver wants no more (parsers check it between records).
    fn stopped(&self) -> bool {
        false
    }
    /// A top-level JSON value (a JSON Lines line, an element of a JSON array) starting at
    /// `line`: parse it now ([`parse_top_value`]), or hand it to another thread.
    fn value(&mut self, text: &str, line: u64);
    /// Whole JSON Lines, the first on `first_line`: by default each non-empty line is a value.
    fn lines(&mut self, text: &str, first_line: u64) {
        for_each_line(text, first_line, &mut |value, line| self.value(value, line));
    }
    /// The same, the text handed over (a sink that keeps it saves a copy).
    fn lines_owned(&mut self, text: String, first_line: u64) {
        self.lines(&text, first_line);
    }
    /// Where a list's column mapping is counted ([`fields::Mapping`]); none: not counted.
    fn mapping(&mut self) -> Option<&mut fields::Mapping> {
        None
    }
    /// How lists are read (`--map`, `--format table`); none: by the synonyms alone.
    fn field_options(&self) -> Option<&fields::FieldOptions> {
        None
    }
}

/// Calls `f(value, line)` for each non-empty line of a JSON Lines text.
pub fn for_each_line(text: &str, first_line: u64, f: &mut dyn FnMut(&str, u64)) {
    for (i, raw) in text.split('\n').enumerate() {
        let value = raw.trim_ascii();
        if !value.is_empty() {
            f(value, first_line + i as u64);
        }
    }
}

/// Parses a top-level JSON value into the sink (what most sinks do with [`Sink::value`]).
pub fn parse_top_value(text: &str, line: u64, sink: &mut dyn Sink) {
    parse_json_value(text, &LineIndex::new(text, line), &Context::default(), sink);
}

/// A store-front shelf.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShelfInfo {
    /// The store's cut id (`trending`, `featured_store`, `writing`, …).
    pub id: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub display_type: Option<String>,
    pub display_group: Option<String>,
    /// 1-based position of the shelf on the store front, when known.
    pub page_position: Option<u32>,
    pub observed_at: Option<i64>,
    /// The store front's locale (`global`, …), when the answer says.
    pub locale: Option<String>,
    /// How a refresh ended this shelf, when it did not simply reach the end.
    pub outcome: Option<ShelfOutcome>,
}

/// A shelf a refresh could not page to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShelfOutcome {
    /// Every try failed (`500 Internal Server Error`); its front positions are kept.
    Failed(String),
    /// Stopped before the end, and why (a page cap, a cursor that repeats).
    Cut(String),
}

impl ShelfOutcome {
    /// The status stored for the shelf, and the words that go with it.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            ShelfOutcome::Failed(e) => ("failed", e),
            ShelfOutcome::Cut(e) => ("cut", e),
        }
    }
}

/// A GPT seen at a position on a shelf. Sources without ids (BeeTrove's homepage monitoring)
/// give a name and author instead; the snapshot writer resolves those to ids where it can.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShelfEntry {
    pub shelf_id: String,
    /// Where the position comes from: the store front, a shelf page, or the source.
    pub slot: crate::store::shelves::Slot,
    /// 1-based position in the shelf, once numbered ([`crate::store::shelves::ShelfOrder`]).
    pub position: u32,
    pub gpt_id: Option<String>,
    pub name: Option<String>,
    pub author: Option<String>,
    pub line: u64,
}

/// Something wrong with one record of an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub line: u64,
    pub kind: IssueKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IssueKind {
    /// The record was not imported.
    Skipped(SkipReason),
    /// The record was imported without a field of the wrong type.
    FieldIgnored,
}

impl IssueKind {
    pub fn label(self) -> &'static str {
        match self {
            IssueKind::Skipped(r) => r.label(),
            IssueKind::FieldIgnored => "field of the wrong type ignored",
        }
    }
}

/// Why a record was not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    NotJson,
    Truncated,
    InvalidUtf8,
    MissingId,
    InvalidId,
    Project,
    Unrecognised,
    BadRow,
    /// A store request in a HAR without an answer to read (not 200, no body, not JSON).
    NoAnswer,
}

impl SkipReason {
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::NotJson => "not JSON",
            SkipReason::Truncated => "truncated record",
            SkipReason::InvalidUtf8 => "invalid UTF-8",
            SkipReason::MissingId => "no id",
            SkipReason::InvalidId => "invalid id",
            SkipReason::Project => "project, not a GPT",
            SkipReason::Unrecognised => "not a GPT Store record",
            SkipReason::BadRow => "unreadable table row",
            SkipReason::NoAnswer => "store request without an answer",
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.label(), self.message)
    }
}

/// The first characters of a value, for messages.
pub fn snippet(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// A field's path inside a record (`data.gizmo.display.categories`), built on the stack and only
/// rendered when something has to be reported.
#[derive(Clone, Copy)]
pub struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    name: &'a str,
}

impl<'a> FieldPath<'a> {
    pub const ROOT: FieldPath<'static> = FieldPath {
        parent: None,
        name: "",
    };

    pub fn child(&'a self, name: &'a str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            name,
        }
    }

    pub fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut node = Some(self);
        while let Some(n) = node {
            if !n.name.is_empty() {
                parts.push(n.name);
            }
            node = n.parent;
        }
        parts.reverse();
        let mut out = String::new();
        for p in parts {
            if !out.is_empty() && !p.starts_with('[') {
                out.push('.');
            }
            out.push_str(p);
        }
        out
    }
}

/// What went wrong while normalising one record.
#[derive(Debug, Default)]
pub struct RecordIssues {
    pub skipped: Option<(SkipReason, String)>,
    pub fields: Vec<String>,
}

impl RecordIssues {
    pub fn skip(&mut self, reason: SkipReason, message: impl Into<String>) {
        if self.skipped.is_none() {
            self.skipped = Some((reason, message.into()));
        }
    }

    pub fn field(&mut self, parent: &FieldPath<'_>, name: &str, message: impl fmt::Display) {
        self.fields.push(format!(
            "field `{}`: {message} (ignored)",
            parent.child(name).render()
        ));
    }

    /// The value of a field, reporting a wrong type.
    pub fn take<T>(&mut self, f: Field<T>, parent: &FieldPath<'_>, name: &str) -> Option<T> {
        match f {
            Field::Present(v) => Some(v),
            Field::Missing => None,
            Field::Bad(msg) => {
                self.field(parent, name, msg);
                None
            }
        }
    }

    /// A list of strings, dropping (and reporting) elements that are not strings, and empties.
    pub fn take_strings(
        &mut self,
        f: Field<Vec<Field<String>>>,
        parent: &FieldPath<'_>,
        name: &str,
    ) -> Vec<String> {
        let Some(items) = self.take(f, parent, name) else {
            return Vec::new();
        };
        let path = parent.child(name);
        items
            .into_iter()
            .filter_map(|item| self.take(item, &path, "[]"))
            .filter(|s| !s.trim().is_empty())
            .collect()
    }

    /// Hands the issues to the sink; true when the record survived.
    fn flush(self, line: u64, sink: &mut dyn Sink) -> bool {
        for message in self.fields {
            sink.issue(Issue {
                line,
                kind: IssueKind::FieldIgnored,
                message,
            });
        }
        match self.skipped {
            Some((reason, message)) => {
                sink.issue(Issue {
                    line,
                    kind: IssueKind::Skipped(reason),
                    message,
                });
                false
            }
            None => true,
        }
    }
}

/// Maps positions inside a JSON text back to line numbers of its file.
pub struct LineIndex<'a> {
    text: &'a str,
    first_line: u64,
    /// (byte offset, line there): positions are asked in increasing order, so counting resumes.
    cursor: Cell<(usize, u64)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, first_line: u64) -> Self {
        LineIndex {
            text,
            first_line,
            cursor: Cell::new((0, first_line)),
        }
    }

    /// The line where `sub` (a slice of the text) starts.
    pub fn line_of(&self, sub: &str) -> u64 {
        let base = self.text.as_ptr() as usize;
        let at = (sub.as_ptr() as usize).wrapping_sub(base);
        if at > self.text.len() {
            return self.first_line;
        }
        let (mut from, mut line) = self.cursor.get();
        if at < from {
            (from, line) = (0, self.first_line);
        }
        line += memchr::memchr_iter(b'\n', &self.text.as_bytes()[from..at]).count() as u64;
        self.cursor.set((at, line));
        line
    }
}

/// Where a value sits: its text, the line it starts on, what encloses it.
#[derive(Clone, Default)]
pub struct Context {
    /// When the enclosing source observed the record (crawl date, export time, round).
    pub observed_at: Option<i64>,
    /// The shelf, when the value is an item of a shelf.
    pub shelf: Option<String>,
}

/// What a value turned out to hold, for the shelf that encloses it.
pub(crate) struct Found {
    id: String,
    name: String,
    author: Option<String>,
}

/// Parses one JSON value (a file, an array element, a JSONL line) and everything inside it.
pub fn parse_json_value(text: &str, lines: &LineIndex<'_>, ctx: &Context, sink: &mut dyn Sink) {
    let line = lines.line_of(text);
    match serde_json::from_str::<ObjectJ<'_>>(text) {
        Ok(obj) => {
            dispatch(obj, text, lines, ctx, &FieldPath::ROOT, sink);
        }
        Err(e) => sink.issue(json_error_issue(&e, text, line)),
    }
}

/// The issue for a value that is not (complete, valid) JSON, at the line serde_json points to.
pub fn json_error_issue(e: &serde_json::Error, text: &str, first_line: u64) -> Issue {
    use serde_json::error::Category;
    let line = first_line + (e.line().max(1) as u64 - 1);
    let msg = lenient::describe_error(e);
    let (reason, message) = match e.classify() {
        Category::Eof => (
            SkipReason::Truncated,
            "the record ends early (truncated JSON)".to_owned(),
        ),
        Category::Data if text.trim_start().starts_with(['{']) => {
            (SkipReason::NotJson, format!("unexpected JSON: {msg}"))
        }
        Category::Data => (
            SkipReason::Unrecognised,
            format!("expected a JSON object, found {:?}", snippet(text.trim())),
        ),
        _ if msg.contains("unicode") || msg.contains("UTF-8") => {
            (SkipReason::InvalidUtf8, format!("invalid UTF-8 ({msg})"))
        }
        _ => (SkipReason::NotJson, format!("not valid JSON: {msg}")),
    };
    Issue {
        line,
        kind: IssueKind::Skipped(reason),
        message,
    }
}

fn dispatch(
    mut obj: ObjectJ<'_>,
    text: &str,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
) -> Option<Found> {
    let line = lines.line_of(text);
    let forced = path.parent.is_none() && sink.field_options().is_some_and(|o| o.force);
    if forced
        && obj.gptscope_fetch.is_none()
        && let Some(found) = flat_object(text, line, ctx, true, sink)
    {
        return found;
    }
    if let Some(fetch) = obj.gptscope_fetch {
        parse_fetched(fetch.get(), obj.data, text, lines, ctx, path, sink);
        return None;
    }
    if let Some(cuts) = obj.cuts {
        let locale = match std::mem::take(&mut obj.locale) {
            Field::Present(l) => Some(l),
            _ => None,
        };
        parse_discovery(cuts.get(), locale, lines, ctx, path, sink);
        return None;
    }
    if let (Some(info), Some(list)) = (obj.info, obj.list) {
        parse_shelf(
            info.get(),
            list.get(),
            ShelfFrom::Page,
            lines,
            ctx,
            path,
            sink,
        );
        return None;
    }
    match std::mem::take(&mut obj.gizmo) {
        Field::Present(gizmo) => {
            let mut gizmo = *gizmo;
            let gpath = path.child("gizmo");
            // Search hits sometimes nest a whole resource under `gizmo`.
            if let Field::Present(inner) = std::mem::take(&mut gizmo.gizmo) {
                let tools = std::mem::take(&mut gizmo.tools);
                let files = std::mem::take(&mut gizmo.files);
                let ipath = gpath.child("gizmo");
                return emit_resource(
                    *inner, tools, files, None, text, line, ctx, &gpath, &ipath, sink,
                );
            }
            let tools = std::mem::take(&mut obj.tools);
            let files = std::mem::take(&mut obj.files);
            let about = about_of(obj.about_blocks, obj.review_stats);
            return emit_resource(
                gizmo, tools, files, about, text, line, ctx, path, &gpath, sink,
            );
        }
        Field::Bad(msg) => {
            sink.issue(Issue {
                line,
                kind: IssueKind::Skipped(SkipReason::Unrecognised),
                message: format!("field `{}`: {msg}", path.child("gizmo").render()),
            });
            return None;
        }
        Field::Missing => {}
    }
    if let Some(resource) = obj.resource {
        return parse_nested(resource.get(), lines, ctx, &path.child("resource"), sink);
    }
    if let (Some(data), false) = (obj.data, obj.id.is_missing()) {
        let mut inner = ctx.clone();
        if let Field::Present(t) = &obj.updated_at {
            inner.observed_at = Some(t.0);
        }
        return parse_nested(data.get(), lines, &inner, &path.child("data"), sink);
    }
    if let Some(list) = obj.items.or(obj.hits) {
        parse_list(list.get(), lines, ctx, path, sink);
        return None;
    }
    if obj.beetrove_id.is_some() || obj.beetrove_url.is_some() {
        let mut issues = RecordIssues::default();
        let record = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        {
            Ok(map) => {
                table::beetrove_record(|col| map.get(col).and_then(lenient::cell_text), &mut issues)
            }
            Err(e) => {
                issues.skip(SkipReason::NotJson, lenient::describe_error(&e));
                None
            }
        };
        return emit(record, issues, text, line, ctx, sink);
    }
    if obj.display.is_missing()
        && let Some(found) = flat_object(text, line, ctx, false, sink)
    {
        return found;
    }
    let looks_like_gizmo = !obj.id.is_missing()
        && (!obj.display.is_missing() || !obj.short_url.is_missing() || !obj.author.is_missing());
    if looks_like_gizmo {
        let tools = std::mem::take(&mut obj.tools);
        let files = std::mem::take(&mut obj.files);
        return emit_resource(obj, tools, files, None, text, line, ctx, path, path, sink);
    }
    if path.parent.is_none() && wrapped_lists(text, lines, ctx, path, sink, 0) {
        return None;
    }
    let keys = object_keys(text);
    sink.issue(Issue {
        line,
        kind: IssueKind::Skipped(SkipReason::Unrecognised),
        message: if keys.is_empty() {
            "an empty object".to_owned()
        } else {
            fields::no_id_message("key", &keys)
        },
    });
    None
}

/// An object holding a list under some key (`{"data": [...]}`, `{"results": {"gpts": [...]}}`, an
/// API's or scraper's envelope): each array whose first element is a record (it names a GPT by
/// its keys, or is one of the store's shapes) is read element by element, in file order. False
/// when there was none.
fn wrapped_lists(
    text: &str,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
    depth: u32,
) -> bool {
    let Ok(map) = serde_json::from_str::<std::collections::HashMap<String, &RawValue>>(text) else {
        return false;
    };
    let mut entries: Vec<(String, &RawValue)> = map.into_iter().collect();
    entries.sort_by_key(|(_, v)| v.get().as_ptr() as usize);
    let opts = sink.field_options().cloned().unwrap_or_default();
    let is_record = |t: &str| {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(t).is_ok_and(|m| {
            ["gizmo", "resource", "display"]
                .iter()
                .any(|k| m.contains_key(*k))
                || fields::object_columns(
                    &fields::flatten(m)
                        .into_iter()
                        .map(|(k, _)| k)
                        .collect::<Vec<_>>(),
                    &opts,
                )
                .identifies()
        })
    };
    let mut any = false;
    for (key, value) in entries {
        let raw = value.get();
        if raw.starts_with('[') {
            let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(raw) else {
                continue;
            };
            if !items.first().is_some_and(|i| is_record(i.get())) {
                continue;
            }
            let ipath = path.child(&key);
            for item in items {
                parse_nested(item.get(), lines, ctx, &ipath, sink);
            }
            any = true;
        } else if raw.starts_with('{') && depth < 3 {
            any |= wrapped_lists(raw, lines, ctx, &path.child(&key), sink, depth + 1);
        }
    }
    any
}

/// A flat object of a list, read by its keys' synonyms ([`fields`]) when a key names the GPT
/// (or always, `force`: `--format table`). `None`: not such an object, try the other shapes.
fn flat_object(
    text: &str,
    line: u64,
    ctx: &Context,
    force: bool,
    sink: &mut dyn Sink,
) -> Option<Option<Found>> {
    let map = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).ok()?;
    let opts = sink.field_options().cloned().unwrap_or_default();
    let flat = fields::flatten(map);
    let keys: Vec<String> = flat.iter().map(|(k, _)| k.clone()).collect();
    let columns = fields::object_columns(&keys, &opts);
    if !force && !columns.identifies() {
        return None;
    }
    Some(fields::object_record(
        &flat, &columns, text, line, ctx, sink,
    ))
}

fn object_keys(text: &str) -> Vec<String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn parse_nested(
    text: &str,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
) -> Option<Found> {
    match serde_json::from_str::<ObjectJ<'_>>(text) {
        Ok(obj) => dispatch(obj, text, lines, ctx, path, sink),
        Err(e) => {
            sink.issue(json_error_issue(&e, text, lines.line_of(text)));
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn emit_resource(
    gizmo: ObjectJ<'_>,
    tools: Field<Vec<Field<resource::ToolJ>>>,
    files: Field<Vec<serde::de::IgnoredAny>>,
    about: Option<crate::store::record::About>,
    raw: &str,
    line: u64,
    ctx: &Context,
    root: &FieldPath<'_>,
    gpath: &FieldPath<'_>,
    sink: &mut dyn Sink,
) -> Option<Found> {
    let mut issues = RecordIssues::default();
    let mut record = resource::normalise(gizmo, tools, files, root, gpath, &mut issues);
    if let (Some(r), Some(a)) = (record.as_mut(), about) {
        // What the about answer shows fills what the gizmo left out.
        if r.conversations.is_none() {
            r.conversations = a.conversations().and_then(Conversations::parse);
        }
        r.about = Some(a);
    }
    emit(record, issues, raw, line, ctx, sink)
}

/// The about answer's blocks and rating split (`{about_blocks: [{type: rating, avg, count_str},
/// {type: category, category_ranking, category_str}, {type: generic_title_subtitle, title,
/// subtitle}], review_stats: {by_rating: [fractions, one star first]}}`); blocks of kinds not
/// known are skipped, as are values of the wrong type.
fn about_of(
    blocks: Option<&RawValue>,
    stats: Option<&RawValue>,
) -> Option<crate::store::record::About> {
    use serde_json::Value;
    let blocks: Vec<Value> = blocks
        .and_then(|b| serde_json::from_str(b.get()).ok())
        .unwrap_or_default();
    let mut a = crate::store::record::About::default();
    let text = |v: &Value| v.as_str().map(|s| crate::text::line(s).into_owned());
    for b in &blocks {
        match b["type"].as_str() {
            Some("rating") => {
                a.rating = b["avg"]
                    .as_f64()
                    .or_else(|| b["avg"].as_str().and_then(|s| s.parse().ok()));
                a.ratings = text(&b["count_str"]);
            }
            Some("category") => {
                a.category_rank = b["category_ranking"]
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok());
                a.category = text(&b["category_str"]);
            }
            Some(_) => {
                if let (Some(t), Some(sub)) = (text(&b["title"]), text(&b["subtitle"])) {
                    a.blocks.push((t, sub));
                }
            }
            None => {}
        }
    }
    if let Some(by) = stats
        .and_then(|s| serde_json::from_str::<Value>(s.get()).ok())
        .and_then(|v| v["by_rating"].as_array().cloned())
    {
        a.by_rating = by.iter().filter_map(Value::as_f64).collect();
    }
    (blocks.len() + a.by_rating.len() > 0).then_some(a)
}

pub(crate) fn emit(
    record: Option<GptRecord>,
    issues: RecordIssues,
    raw: &str,
    line: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Option<Found> {
    let ok = issues.flush(line, sink);
    let mut record = record.filter(|_| ok)?;
    if record.observed_at.is_none() {
        record.observed_at = ctx.observed_at;
    }
    let found = Found {
        id: record.id.clone(),
        name: record.name.clone(),
        author: record.author.display_name.clone(),
    };
    sink.gpt(record, raw.as_bytes(), line);
    Some(found)
}

#[derive(Deserialize)]
struct Cut<'a> {
    #[serde(borrow)]
    info: Option<&'a RawValue>,
    #[serde(borrow)]
    list: Option<&'a RawValue>,
}

fn parse_discovery(
    cuts: &str,
    locale: Option<String>,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
) {
    let cuts = match serde_json::from_str::<Vec<Cut<'_>>>(cuts) {
        Ok(c) => c,
        Err(e) => {
            sink.issue(bad_container(lines.line_of(cuts), path, "cuts", &e));
            return;
        }
    };
    for (i, cut) in cuts.into_iter().enumerate() {
        if let (Some(info), Some(list)) = (cut.info, cut.list) {
            let front = ShelfFrom::Front {
                shelf_at: u32::try_from(i + 1).ok(),
                locale: locale.clone(),
            };
            parse_shelf(info.get(), list.get(), front, lines, ctx, path, sink);
        }
    }
}

/// Whether a shelf's items are the store front's first ones or a page of the shelf's own.
enum ShelfFrom {
    Front {
        /// The shelf's place on the front page.
        shelf_at: Option<u32>,
        locale: Option<String>,
    },
    Page,
}

fn bad_container(line: u64, path: &FieldPath<'_>, name: &str, e: &serde_json::Error) -> Issue {
    Issue {
        line,
        kind: IssueKind::Skipped(SkipReason::Unrecognised),
        message: format!(
            "field `{}`: {}",
            path.child(name).render(),
            lenient::describe_error(e)
        ),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShelfInfoJ {
    id: Field<String>,
    title: Field<String>,
    description: Field<String>,
    display_type: Field<String>,
    display_group: Field<String>,
    locale: Field<String>,
}

#[derive(Deserialize)]
struct ListJ<'a> {
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

/// A shelf's info and items. Positions are not decided here: the items go out with their
/// slot (front or page) and [`crate::store::shelves::ShelfOrder`] numbers them by the one rule;
/// the cursor is never read as a number.
#[allow(clippy::too_many_arguments)]
fn parse_shelf(
    info: &str,
    list: &str,
    from: ShelfFrom,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
) {
    use crate::store::shelves::Slot;
    let line = lines.line_of(info);
    let info: ShelfInfoJ = match serde_json::from_str(info) {
        Ok(i) => i,
        Err(e) => {
            sink.issue(bad_container(line, path, "info", &e));
            return;
        }
    };
    let mut issues = RecordIssues::default();
    let ipath = path.child("info");
    let Some(id) = issues.take(info.id, &ipath, "id") else {
        issues.skip(SkipReason::MissingId, "a shelf without an id");
        issues.flush(line, sink);
        return;
    };
    let (page_position, front_locale, front) = match from {
        ShelfFrom::Front { shelf_at, locale } => (shelf_at, locale, true),
        ShelfFrom::Page => (None, None, false),
    };
    let shelf = ShelfInfo {
        id: id.clone(),
        title: issues.take(info.title, &ipath, "title"),
        description: issues.take(info.description, &ipath, "description"),
        display_type: issues.take(info.display_type, &ipath, "display_type"),
        display_group: issues.take(info.display_group, &ipath, "display_group"),
        page_position,
        observed_at: ctx.observed_at,
        locale: front_locale.or_else(|| issues.take(info.locale, &ipath, "locale")),
        outcome: None,
    };
    issues.flush(line, sink);
    sink.shelf(shelf);
    let list: ListJ<'_> = match serde_json::from_str(list) {
        Ok(l) => l,
        Err(e) => {
            sink.issue(bad_container(lines.line_of(list), path, "list", &e));
            return;
        }
    };
    let lpath = path.child("list.items[]");
    for (i, item) in list.items.unwrap_or_default().into_iter().enumerate() {
        let slot = if front {
            Slot::Front(u32::try_from(i + 1).unwrap_or(u32::MAX))
        } else {
            Slot::Page
        };
        let item_ctx = Context {
            observed_at: ctx.observed_at,
            shelf: Some(id.clone()),
        };
        if let Some(found) = parse_nested(item.get(), lines, &item_ctx, &lpath, sink) {
            sink.shelf_entry(ShelfEntry {
                shelf_id: id.clone(),
                slot,
                position: 0,
                gpt_id: Some(found.id),
                name: Some(found.name),
                author: found.author,
                line: lines.line_of(item.get()),
            });
        }
    }
}

fn parse_list(
    list: &str,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
) {
    // `hits` may itself be `{items, cursor}`.
    if list.trim_start().starts_with('{') {
        parse_nested(list, lines, ctx, path, sink);
        return;
    }
    match serde_json::from_str::<Vec<&RawValue>>(list) {
        Ok(items) => {
            let ipath = path.child("items[]");
            for item in items {
                parse_nested(item.get(), lines, ctx, &ipath, sink);
            }
        }
        Err(e) => sink.issue(bad_container(lines.line_of(list), path, "items", &e)),
    }
}

/// The envelope a refresh writes around each answer it got, one JSON line each:
/// `{"gptscope_fetch": {"req", "key", "cursor", "next", "at", "status", "error", "ids"},
/// "data": answer}`. It says what was asked (`req`: `front`, `shelf`, `gpt`, `author`,
/// `search`; `key`: the shelf, GPT id, author or term; `cursor`: the page asked for) and how it
/// ended (`status`: `ok`, `unavailable`, `stale`, `failed`, `cut`), so a refresh resumes from
/// exactly what was answered and the importer reads the answers as it reads saved files. A GPT's
/// `data` is the answer, or for a stale record the snapshot's old one. Envelopes written before
/// `req` existed (`{"id", "at", "status", "error"}`) are GPT envelopes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
pub struct FetchHead {
    #[serde(default = "FetchHead::gpt_req")]
    pub req: String,
    #[serde(alias = "id")]
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    #[serde(default)]
    pub at: Option<i64>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The GPT ids of a list answer, in its order (for resuming without reading `data`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// The distinct authors of a list answer's GPTs (a crawl's frontier).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// The store front's shelves and the cursor each continues from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shelves: Vec<(String, Option<String>)>,
}

impl FetchHead {
    fn gpt_req() -> String {
        "gpt".to_owned()
    }
}

/// Marks the GPTs of a fetched answer with how they were fetched.
struct Marking<'s> {
    inner: &'s mut dyn Sink,
    fetch: crate::store::record::Fetch,
    at: Option<i64>,
    seen: bool,
}

impl Sink for Marking<'_> {
    fn gpt(&mut self, mut gpt: GptRecord, raw: &[u8], line: u64) {
        use crate::store::record::{Availability, FetchStatus};
        match self.fetch.status {
            FetchStatus::Ok => gpt.observed_at = self.at.or(gpt.observed_at),
            FetchStatus::Unavailable => {
                gpt.availability = Availability::Unavailable;
                gpt.observed_at = self.at.or(gpt.observed_at);
            }
            // Carried forward: its data is as old as it was.
            FetchStatus::Stale => {}
        }
        gpt.fetch = Some(self.fetch.clone());
        self.seen = true;
        self.inner.gpt(gpt, raw, line);
    }
    fn shelf(&mut self, shelf: ShelfInfo) {
        self.inner.shelf(shelf);
    }
    fn shelf_entry(&mut self, entry: ShelfEntry) {
        self.inner.shelf_entry(entry);
    }
    fn issue(&mut self, issue: Issue) {
        self.inner.issue(issue);
    }
    fn value(&mut self, text: &str, line: u64) {
        parse_top_value(text, line, self);
    }
}

fn parse_fetched(
    fetch: &str,
    data: Option<&RawValue>,
    text: &str,
    lines: &LineIndex<'_>,
    ctx: &Context,
    path: &FieldPath<'_>,
    sink: &mut dyn Sink,
) {
    use crate::store::record::{Availability, Fetch, FetchStatus};
    let line = lines.line_of(text);
    let f: FetchHead = match serde_json::from_str(fetch) {
        Ok(f) => f,
        Err(e) => {
            sink.issue(bad_container(line, path, "gptscope_fetch", &e));
            return;
        }
    };
    if f.req != "gpt" {
        // A page of a list (front, shelf, author, search): its GPTs were fetched now; a shelf
        // that failed or was cut short says so.
        match f.status.as_str() {
            "ok" => {}
            "failed" | "cut" if f.req == "shelf" => {
                let why = f.error.clone().unwrap_or_default();
                sink.shelf(ShelfInfo {
                    id: f.key,
                    observed_at: f.at,
                    outcome: Some(if f.status == "failed" {
                        ShelfOutcome::Failed(why)
                    } else {
                        ShelfOutcome::Cut(why)
                    }),
                    ..ShelfInfo::default()
                });
                return;
            }
            // A list that failed holds nothing to import (the refresh's summary said why).
            _ => return,
        }
        let mut marking = Marking {
            inner: sink,
            fetch: Fetch {
                status: FetchStatus::Ok,
                error: None,
                at: f.at,
            },
            at: f.at,
            seen: false,
        };
        if let Some(d) = data {
            parse_nested(d.get(), lines, ctx, &path.child("data"), &mut marking);
        }
        return;
    }
    let Some(status) = FetchStatus::parse(&f.status) else {
        sink.issue(Issue {
            line,
            kind: IssueKind::Skipped(SkipReason::Unrecognised),
            message: format!(
                "`gptscope_fetch.status`: {:?} is not ok, unavailable or stale",
                snippet(&f.status)
            ),
        });
        return;
    };
    let mut marking = Marking {
        inner: sink,
        fetch: Fetch {
            status,
            error: f.error,
            at: f.at,
        },
        at: f.at,
        seen: false,
    };
    if let Some(d) = data {
        parse_nested(d.get(), lines, ctx, &path.child("data"), &mut marking);
    }
    if !marking.seen {
        // Gone, with no earlier record to carry its name: the id alone.
        let gpt = GptRecord {
            id: f.key,
            availability: Availability::Unavailable,
            observed_at: f.at,
            ..GptRecord::default()
        };
        marking.gpt(gpt, text.as_bytes(), line);
    }
}

/// A sink that keeps everything, for tests and small inputs.
#[derive(Debug, Default)]
pub struct Collected {
    pub gpts: Vec<(GptRecord, Vec<u8>, u64)>,
    pub shelves: Vec<ShelfInfo>,
    pub entries: Vec<ShelfEntry>,
    pub issues: Vec<Issue>,
    pub mapping: fields::Mapping,
    pub options: fields::FieldOptions,
}

impl Sink for Collected {
    fn gpt(&mut self, gpt: GptRecord, raw: &[u8], line: u64) {
        self.gpts.push((gpt, raw.to_vec(), line));
    }
    fn shelf(&mut self, shelf: ShelfInfo) {
        self.shelves.push(shelf);
    }
    fn shelf_entry(&mut self, entry: ShelfEntry) {
        self.entries.push(entry);
    }
    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }
    fn value(&mut self, text: &str, line: u64) {
        parse_top_value(text, line, self);
    }
    fn mapping(&mut self) -> Option<&mut fields::Mapping> {
        Some(&mut self.mapping)
    }
    fn field_options(&self) -> Option<&fields::FieldOptions> {
        Some(&self.options)
    }
}

impl Collected {
    pub fn gpt(&self, id: &str) -> Option<&GptRecord> {
        self.gpts.iter().map(|(g, _, _)| g).find(|g| g.id == id)
    }
}
