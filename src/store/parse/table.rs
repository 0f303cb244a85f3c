//! Flat tables: BeeTrove's "final table" (JSON objects or CSV rows with columns like `GPT Id`,
//! `GPT Conversations`, `GPT Capabilities Types`), BeeTrove's homepage-monitoring CSV (store-front
//! shelves, by name, without ids), and GPTracker's CSV (`gizmo_id, from, json, status, round`, the
//! `json` column holding the store's own resource).

use super::{
    Context, FieldPath, Issue, IssueKind, LineIndex, RecordIssues, ShelfEntry, ShelfInfo, Sink,
    SkipReason, parse_json_value, resource, snippet,
};
use crate::store::record::{
    Action, Author, Availability, Conversations, GptRecord, ToolKind, category_slug,
    id_from_short_url,
};
use crate::time::parse_timestamp;
use std::collections::HashMap;
use std::io::Read;

/// Which table a CSV header announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Beetrove,
    Homepage,
    Gptracker,
}

impl TableKind {
    pub fn detect(headers: &[&str]) -> Option<TableKind> {
        let has = |name: &str| headers.iter().any(|h| h.trim() == name);
        if has("gizmo_id") && has("json") {
            Some(TableKind::Gptracker)
        } else if has("GPT Id") || (has("GPT Url") && has("GPT Name") && !has("List Name")) {
            Some(TableKind::Beetrove)
        } else if has("List Name") && has("GPT Position in List") {
            Some(TableKind::Homepage)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TableKind::Beetrove => "BeeTrove table (CSV)",
            TableKind::Homepage => "BeeTrove homepage monitoring (CSV)",
            TableKind::Gptracker => "GPTracker (CSV)",
        }
    }
}

/// One BeeTrove row, whatever it was read from. `get` returns a column's text, `None` when the
/// column is absent or empty.
pub fn beetrove_record(
    get: impl Fn(&str) -> Option<String>,
    issues: &mut RecordIssues,
) -> Option<GptRecord> {
    let root = FieldPath::ROOT;
    let url = get("GPT Url");
    let id = get("GPT Id")
        .map(|s| s.trim().to_owned())
        .or_else(|| url.as_deref().and_then(id_from_short_url));
    let Some(id) = id else {
        issues.skip(SkipReason::MissingId, "row has no `GPT Id`");
        return None;
    };
    resource::check_id(&id, issues)?;
    let mut rec = GptRecord {
        id,
        name: get("GPT Name").unwrap_or_default(),
        description: get("GPT Description"),
        short_url: url.map(|u| u.rsplit("/g/").next().unwrap_or(&u).to_owned()),
        share_recipient: get("GPT Sharing Method"),
        author: Author {
            user_id: get("Author User Id"),
            display_name: get("Author Display Name").or_else(|| get("GPT Author")),
            ..Author::default()
        },
        ..GptRecord::default()
    };
    super::fields::key_author_by_name(&mut rec.author);
    if let Some(cat) = get("GPT Category").as_deref().and_then(category_slug) {
        rec.categories.push(cat);
    }
    rec.prompt_starters = (1..=4)
        .filter_map(|i| get(&format!("GPT Prompt Starter {i}")))
        .collect();
    if let Some(c) = get("GPT Conversations") {
        rec.conversations = match c.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => Some(Conversations::from_lower_bound(n as u64)),
            _ => Conversations::parse(&c),
        };
        if rec.conversations.is_none() {
            issues.field(
                &root,
                "GPT Conversations",
                format!("{:?} is not a count", snippet(&c)),
            );
        }
    }
    rec.review_total = count_column(&get, "GPT Total Stars", issues);
    rec.review_count = count_column(&get, "GPT Total Reviews", issues);
    rec.created_at = time_column(
        &get,
        &["GPT Creation Datetime", "GPT Creation Date"],
        issues,
    );
    rec.updated_at = time_column(&get, &["GPT Update Datetime", "GPT Update Date"], issues);
    rec.observed_at = time_column(&get, &["Last crawled date"], issues);

    let kinds: Vec<ToolKind> = split_list(get("GPT Capabilities Types"))
        .map(|k| ToolKind::parse(&k))
        .collect();
    let domains: Vec<String> = split_list(get("GPT Capabilities Actions Domains"))
        .map(|d| d.to_lowercase())
        .collect();
    let mut actions_added = false;
    for kind in kinds {
        if kind == ToolKind::Actions {
            if !actions_added {
                add_actions(&mut rec, &domains);
                actions_added = true;
            }
        } else if !rec.tools.contains(&kind) {
            rec.tools.push(kind);
        }
    }
    if !actions_added && !domains.is_empty() {
        add_actions(&mut rec, &domains);
    }
    resource::fill_created_from_id(&mut rec);
    Some(rec)
}

/// One Action per domain (BeeTrove does not say how they authenticate), at least one.
fn add_actions(rec: &mut GptRecord, domains: &[String]) {
    if domains.is_empty() {
        rec.actions.push(Action::default());
        rec.tools.push(ToolKind::Actions);
    }
    for d in domains {
        rec.actions.push(Action {
            domain: Some(d.clone()),
            ..Action::default()
        });
        rec.tools.push(ToolKind::Actions);
    }
}

fn split_list(s: Option<String>) -> impl Iterator<Item = String> {
    s.unwrap_or_default()
        .split(',')
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

fn count_column(
    get: &impl Fn(&str) -> Option<String>,
    col: &str,
    issues: &mut RecordIssues,
) -> Option<u64> {
    let text = get(col)?;
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Some(n as u64),
        _ => {
            issues.field(
                &FieldPath::ROOT,
                col,
                format!("{:?} is not a count", snippet(&text)),
            );
            None
        }
    }
}

fn time_column(
    get: &impl Fn(&str) -> Option<String>,
    cols: &[&str],
    issues: &mut RecordIssues,
) -> Option<i64> {
    for col in cols {
        if let Some(text) = get(col) {
            match parse_timestamp(&text) {
                Some(t) => return Some(t),
                None => issues.field(
                    &FieldPath::ROOT,
                    col,
                    format!("{:?} is not a date", snippet(&text)),
                ),
            }
        }
    }
    None
}

/// The store's cut id for a shelf title as BeeTrove's homepage monitoring writes it, so shelves
/// line up with those of discovery responses.
pub fn shelf_id_for_title(title: &str) -> String {
    match title.trim() {
        "Featured" => "featured_store".to_owned(),
        "By ChatGPT" => "featured".to_owned(),
        "Research & Analysis" => "research".to_owned(),
        "DALL·E" | "DALL-E" => "dalle".to_owned(),
        other => {
            let mut slug = String::new();
            for c in other.chars() {
                if c.is_alphanumeric() {
                    slug.extend(c.to_lowercase());
                } else if !slug.ends_with('_') && !slug.is_empty() {
                    slug.push('_');
                }
            }
            slug.trim_end_matches('_').to_owned()
        }
    }
}

/// How a text table is laid out: its delimiter and the file line its header is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvShape {
    pub delimiter: u8,
    pub header_line: u64,
    /// A Markdown table (`| a | b |`): `"` does not quote cells (its text has quotes of its
    /// own), and lines without pipes are text, not rows.
    pub markdown: bool,
}

impl Default for CsvShape {
    fn default() -> Self {
        CsvShape {
            delimiter: b',',
            header_line: 1,
            markdown: false,
        }
    }
}

/// Reads a CSV table of the given kind. Rows that cannot be read are reported, not fatal.
pub fn parse_csv(
    reader: impl Read,
    kind: TableKind,
    shape: CsvShape,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let mut shelves_seen: HashMap<String, ()> = HashMap::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    read_rows(reader, shape, sink, &mut |headers, cells, line, sink| {
        if index.is_empty() {
            index = headers
                .iter()
                .enumerate()
                .map(|(i, h)| (h.clone(), i))
                .collect();
        }
        let get = |col: &str| -> Option<String> {
            let v = cells.get(*index.get(col)?)?;
            (!v.trim().is_empty()).then(|| (*v).to_owned())
        };
        match kind {
            TableKind::Beetrove => {
                let mut issues = RecordIssues::default();
                let rec = beetrove_record(get, &mut issues);
                let raw = row_json(headers, cells);
                super::emit(rec, issues, &raw, line, &Context::default(), sink);
            }
            TableKind::Homepage => homepage_row(&get, line, &mut shelves_seen, sink),
            TableKind::Gptracker => gptracker_row(&get, headers, cells, line, sink),
        }
    })
    .map(|_| ())
}

/// Reads a list by its columns' synonyms ([`super::fields`]); `preamble` lines came before the
/// header.
pub fn parse_list_csv(
    reader: impl Read,
    shape: CsvShape,
    preamble: u64,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let opts = sink.field_options().cloned().unwrap_or_default();
    let mut table: Option<super::fields::ListTable> = None;
    let headers = read_rows(reader, shape, sink, &mut |headers, cells, line, sink| {
        table
            .get_or_insert_with(|| {
                let mut t = super::fields::ListTable::new(headers.to_vec(), &opts, preamble);
                if shape.markdown {
                    t.layout = super::fields::Layout::Markdown;
                }
                t
            })
            .row(cells, line, sink);
    })?;
    table
        .unwrap_or_else(|| super::fields::ListTable::new(headers, &opts, preamble))
        .finish(sink);
    Ok(())
}

/// Lines of text naming GPTs by link or id ([`super::fields::ListTable::links`]), the first on
/// `first_line`.
pub fn parse_links(
    reader: &mut dyn std::io::BufRead,
    first_line: u64,
    sink: &mut dyn Sink,
) -> std::io::Result<()> {
    let opts = sink.field_options().cloned().unwrap_or_default();
    let mut table = super::fields::ListTable::links(&opts);
    let mut buf = Vec::new();
    let mut line = first_line;
    while !sink.stopped() {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&buf);
        table.row(&[text.trim_end_matches(['\r', '\n'])], line, sink);
        line += 1;
    }
    table.finish(sink);
    Ok(())
}

/// The table's rows, each with the header, its cells and its file line; returns the header.
/// Rows that are not valid UTF-8 or not CSV are reported and skipped.
#[allow(clippy::type_complexity)]
fn read_rows(
    reader: impl Read,
    shape: CsvShape,
    sink: &mut dyn Sink,
    on_row: &mut dyn FnMut(&[String], &[&str], u64, &mut dyn Sink),
) -> std::io::Result<Vec<String>> {
    let newlines = NewlineLog::default();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(shape.delimiter)
        .quoting(!shape.markdown)
        .from_reader(Logged {
            inner: reader,
            at: 0,
            log: newlines.clone(),
        });
    let headers: Vec<String> = match csv.byte_headers() {
        Ok(h) => h
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_owned()
            })
            .collect(),
        Err(e) => return Err(csv_io_error(e)),
    };
    // A record's line: the header's, plus the newlines before the record's first byte.
    let line_at = |byte: u64| shape.header_line + newlines.before(byte);
    let mut record = csv::ByteRecord::new();
    while !sink.stopped() {
        let line = line_at(csv.position().byte());
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(csv_io_error(e));
                }
                sink.issue(Issue {
                    line: e.position().map_or(line, |p| line_at(p.byte())),
                    kind: IssueKind::Skipped(SkipReason::BadRow),
                    message: e.to_string(),
                });
                continue;
            }
        }
        let line = record.position().map_or(line, |p| line_at(p.byte()));
        let mut cells: Vec<&str> = Vec::with_capacity(record.len());
        let mut bad_utf8 = None;
        for (i, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => cells.push(s),
                Err(_) => {
                    bad_utf8 = Some(headers.get(i).map_or("?", String::as_str));
                    break;
                }
            }
        }
        if let Some(col) = bad_utf8 {
            sink.issue(Issue {
                line,
                kind: IssueKind::Skipped(SkipReason::InvalidUtf8),
                message: format!("column `{col}` is not valid UTF-8"),
            });
            continue;
        }
        if shape.markdown && is_markdown_rule(&cells) {
            continue;
        }
        on_row(&headers, &cells, line, sink);
    }
    Ok(headers)
}

/// A Markdown table's line under its header (`|---|:--:|`): not a row, in a table of any kind.
pub(crate) fn is_markdown_rule(cells: &[&str]) -> bool {
    cells
        .iter()
        .all(|c| c.trim().chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
        && cells.iter().any(|c| c.contains('-'))
}

/// The byte offsets of the newlines a reader has passed on and not yet been asked about. (The
/// csv crate's own line count is wrong for CRLF files.)
#[derive(Clone, Default)]
struct NewlineLog(std::rc::Rc<std::cell::RefCell<(std::collections::VecDeque<u64>, u64)>>);

impl NewlineLog {
    /// Newlines before a record starting at `byte` (asked in increasing order). The newline at
    /// `byte` itself counts: a record never starts with one, but csv places a record after
    /// `\r\n` at its `\n`.
    fn before(&self, byte: u64) -> u64 {
        let mut log = self.0.borrow_mut();
        let (pending, passed) = &mut *log;
        while pending.front().is_some_and(|&at| at <= byte) {
            pending.pop_front();
            *passed += 1;
        }
        *passed
    }
}

/// A reader that logs where its newlines are.
struct Logged<R> {
    inner: R,
    at: u64,
    log: NewlineLog,
}

impl<R: Read> Read for Logged<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut log = self.log.0.borrow_mut();
        log.0
            .extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| self.at + i as u64));
        self.at += n as u64;
        Ok(n)
    }
}

fn csv_io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

use super::fields::row_json;

fn homepage_row(
    get: &impl Fn(&str) -> Option<String>,
    line: u64,
    seen: &mut HashMap<String, ()>,
    sink: &mut dyn Sink,
) {
    let Some(title) = get("List Name") else {
        sink.issue(Issue {
            line,
            kind: IssueKind::Skipped(SkipReason::BadRow),
            message: "row has no `List Name`".to_owned(),
        });
        return;
    };
    let shelf_id = shelf_id_for_title(&title);
    let observed_at = get("Crawled Date").as_deref().and_then(parse_timestamp);
    let Some(position) = get("GPT Position in List").and_then(|p| p.trim().parse::<u32>().ok())
    else {
        sink.issue(Issue {
            line,
            kind: IssueKind::Skipped(SkipReason::BadRow),
            message: "`GPT Position in List` is not a number".to_owned(),
        });
        return;
    };
    // A shelf is known by its first row that is read: a row that is skipped names none.
    if seen.insert(shelf_id.clone(), ()).is_none() {
        sink.shelf(ShelfInfo {
            id: shelf_id.clone(),
            title: Some(title),
            description: get("List Description"),
            page_position: get("List Position on Page").and_then(|p| p.trim().parse().ok()),
            observed_at,
            ..ShelfInfo::default()
        });
    }
    let author = get("GPT Author").map(|a| a.strip_prefix("By ").unwrap_or(&a).trim().to_owned());
    sink.shelf_entry(ShelfEntry {
        shelf_id,
        slot: crate::store::shelves::Slot::At(position),
        position,
        gpt_id: get("GPT Id"),
        name: get("GPT Name"),
        author,
        line,
    });
}

fn gptracker_row(
    get: &impl Fn(&str) -> Option<String>,
    headers: &[String],
    cells: &[&str],
    line: u64,
    sink: &mut dyn Sink,
) {
    let observed_at = get("round").as_deref().and_then(parse_timestamp);
    let status = get("status").unwrap_or_default().trim().to_lowercase();
    let unavailable = status == "unavailable" || status == "deleted" || status == "not_found";
    match get("json").filter(|j| !unavailable && j.trim() != "{}") {
        Some(json) => {
            let ctx = Context {
                observed_at,
                shelf: None,
            };
            parse_json_value(&json, &LineIndex::new(&json, line), &ctx, sink);
        }
        None => {
            let mut issues = RecordIssues::default();
            let rec = match get("gizmo_id") {
                Some(id) => resource::check_id(id.trim(), &mut issues).map(|()| GptRecord {
                    id: id.trim().to_owned(),
                    availability: if unavailable {
                        Availability::Unavailable
                    } else {
                        Availability::Available
                    },
                    observed_at,
                    ..GptRecord::default()
                }),
                None => {
                    issues.skip(SkipReason::MissingId, "row has no `gizmo_id`");
                    None
                }
            };
            let raw = row_json(headers, cells);
            super::emit(rec, issues, &raw, line, &Context::default(), sink);
        }
    }
}
