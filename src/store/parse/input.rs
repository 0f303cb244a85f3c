//! Files as they come: plain or zstd-compressed (by magic bytes, not by name), a JSON document, a
//! JSON array (streamed element by element, so a multi-gigabyte array never sits in memory),
//! JSON Lines, or a CSV table recognised by its header. Each value found is handed to the JSON
//! dispatcher in [`super`]; line numbers are those of the (decompressed) file.

use super::fields::{Columns, ListTable, no_id_message};
use super::table::{CsvShape, TableKind, parse_csv, parse_links, parse_list_csv};
use super::{
    Context, Issue, IssueKind, LineIndex, Sink, SkipReason, json_error_issue, parse_json_value,
};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// A format named by the user (`--format`), overriding detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A JSON document or a JSON array of records.
    Json,
    /// One JSON record per line.
    Jsonl,
    BeetroveCsv,
    HomepageCsv,
    GptrackerCsv,
    /// A browser's HAR file.
    Har,
    /// Any list read by its column names (CSV, TSV, JSON arrays or objects), even when it looks
    /// like one of the shapes above.
    Table,
}

impl Format {
    pub const NAMES: [&'static str; 7] = [
        "json",
        "jsonl",
        "beetrove-csv",
        "homepage-csv",
        "gptracker-csv",
        "har",
        "table",
    ];

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::Jsonl,
            "beetrove-csv" | "beetrove" => Format::BeetroveCsv,
            "homepage-csv" | "homepage" => Format::HomepageCsv,
            "gptracker-csv" | "gptracker" => Format::GptrackerCsv,
            "har" => Format::Har,
            "table" | "list" | "csv" | "tsv" => Format::Table,
            _ => return None,
        })
    }
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    JsonDocument,
    JsonArray,
    Jsonl,
    Table(TableKind),
    /// A list read by its column names ([`super::fields`]).
    List(ListShape),
    Har(super::har::HarCounts),
}

/// How a list read by its column names was laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListShape {
    /// Text cells split by this byte (`,`, tab, `;`, `|`).
    Delimited(u8),
    /// A JSON array of arrays, the header one of them.
    JsonArrays,
    /// A spreadsheet's sheet.
    Spreadsheet,
    /// Lines of text with store links or ids in them (a README's list).
    Links,
}

impl Detected {
    pub fn name(self) -> &'static str {
        match self {
            Detected::JsonDocument => "JSON document",
            Detected::JsonArray => "JSON array",
            Detected::Jsonl => "JSON Lines",
            Detected::Table(t) => t.name(),
            Detected::List(ListShape::Delimited(b'\t')) => "list (TSV)",
            Detected::List(ListShape::Delimited(b';')) => "list (CSV, `;`)",
            Detected::List(ListShape::Delimited(b'|')) => "list (CSV, `|`)",
            Detected::List(ListShape::Delimited(_)) => "list (CSV)",
            Detected::List(ListShape::JsonArrays) => "list (JSON arrays)",
            Detected::List(ListShape::Spreadsheet) => "list (spreadsheet)",
            Detected::List(ListShape::Links) => "list (links in text)",
            Detected::Har(_) => "HAR",
        }
    }

    /// What the file held beyond its format, when worth saying (a HAR's store answers).
    pub fn note(self) -> Option<String> {
        match self {
            Detected::Har(c) => Some(c.note()),
            _ => None,
        }
    }
}

/// Why a whole file could not be read.
#[derive(Debug)]
pub enum FileError {
    Io(io::Error),
    Empty,
    /// Not a format gptscope knows; the first bytes say what it looked like.
    Unrecognised(String),
    /// A file of a known kind with nothing gptscope can read in it, and why.
    Nothing(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io(e) => write!(f, "cannot read: {e}"),
            FileError::Empty => f.write_str("empty file (no records)"),
            FileError::Unrecognised(start) => write!(
                f,
                "not a GPT list (starts with {start:?}; expected JSON, JSON Lines, a HAR, or a \
                 table with a GPT id column; --format overrides detection)"
            ),
            FileError::Nothing(why) => f.write_str(why),
        }
    }
}

impl From<io::Error> for FileError {
    fn from(e: io::Error) -> Self {
        FileError::Io(e)
    }
}

/// Counts bytes read from the file (compressed bytes for `.zst`), for progress.
struct Counting<'a, R> {
    inner: R,
    counter: &'a AtomicU64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
const BUF: usize = 1 << 20;

/// Opens a file, decompressing zstd when the magic bytes say so.
fn open<'a>(path: &Path, counter: &'a AtomicU64) -> io::Result<Box<dyn BufRead + 'a>> {
    let file = File::open(path)?;
    let mut raw = BufReader::with_capacity(
        BUF,
        Counting {
            inner: file,
            counter,
        },
    );
    let head = raw.fill_buf()?;
    if head.starts_with(&ZSTD_MAGIC) {
        let decoder = zstd::Decoder::with_buffer(raw)?;
        Ok(Box::new(BufReader::with_capacity(BUF, decoder)))
    } else {
        Ok(Box::new(raw))
    }
}

/// Parses one file into the sink; returns what it was.
pub fn parse_file(
    path: &Path,
    format: Option<Format>,
    counter: &AtomicU64,
    sink: &mut dyn Sink,
) -> Result<Detected, FileError> {
    let mut reader = open(path, counter)?;
    parse_reader(&mut reader, format, sink)
}

/// Parses an already opened (decompressed) stream.
pub fn parse_reader(
    reader: &mut dyn BufRead,
    format: Option<Format>,
    sink: &mut dyn Sink,
) -> Result<Detected, FileError> {
    // Skip a byte-order mark and leading blank space, counting the lines it covers.
    let mut line = 1u64;
    let first = loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Err(FileError::Empty);
        }
        let skip = buf
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(buf.len());
        line += memchr::memchr_iter(b'\n', &buf[..skip]).count() as u64;
        let done = skip < buf.len();
        let bom = buf[skip..].starts_with(&[0xEF, 0xBB, 0xBF]);
        reader.consume(if bom { skip + 3 } else { skip });
        if done && !bom {
            break reader.fill_buf()?[0];
        }
    };
    // Zip (XLSX, ODS) and OLE (XLS) containers: a spreadsheet.
    let head = reader.fill_buf()?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return parse_spreadsheet(reader, sink);
    }
    let detected = match format {
        Some(Format::Har) => return parse_har_file(reader, line, sink),
        Some(Format::Jsonl) => Detected::Jsonl,
        Some(Format::BeetroveCsv) => Detected::Table(TableKind::Beetrove),
        Some(Format::HomepageCsv) => Detected::Table(TableKind::Homepage),
        Some(Format::GptrackerCsv) => Detected::Table(TableKind::Gptracker),
        Some(Format::Json | Format::Table) | None if first == b'[' => {
            return parse_array(reader, line, sink);
        }
        Some(Format::Json) => Detected::JsonDocument,
        Some(Format::Table) | None if first == b'{' => {
            return parse_object_stream(reader, line, sink);
        }
        Some(Format::Table) => return parse_text_table(reader, line, true, sink),
        None => return parse_text_table(reader, line, false, sink),
    };
    let shape = CsvShape {
        header_line: line,
        ..CsvShape::default()
    };
    match detected {
        Detected::JsonDocument => parse_document(reader, line, sink)?,
        Detected::Jsonl => parse_lines(reader, line, Vec::new(), sink)?,
        Detected::Table(kind) => parse_csv(reader, kind, shape, sink)?,
        Detected::JsonArray | Detected::List(_) | Detected::Har(_) => {}
    }
    Ok(detected)
}

/// Lines looked at for a table's header (the lines before it are a preamble: a title, notes).
const HEADER_SEARCH_LINES: usize = 200;
/// How far into a text without a header store links are looked for.
const LINKS_SEARCH_BYTES: usize = 16 << 20;
/// The longest line looked at as a header.
const HEADER_MAX_BYTES: u64 = 1 << 20;

/// A text table: the header is the first of the first lines that names a known table
/// (BeeTrove, homepage monitoring, GPTracker; not when `force`) or has a GPT id column; its
/// delimiter is the one it holds most of (`,`, tab, `;`, `|`; a line starting with `|` is a
/// Markdown table). Text with no header but store links or `g-` ids in its lines (a README's
/// list) is read line by line.
fn parse_text_table(
    reader: &mut dyn BufRead,
    first_line: u64,
    force: bool,
    sink: &mut dyn Sink,
) -> Result<Detected, FileError> {
    let overrides = sink
        .field_options()
        .map(|o| o.overrides.clone())
        .unwrap_or_default();
    let mut head = Vec::new();
    let mut starts = Vec::new();
    for _ in 0..HEADER_SEARCH_LINES {
        let start = head.len();
        if !read_line(reader, &mut head)? {
            break;
        }
        starts.push(start);
    }
    let mut table_like: Option<Vec<String>> = None;
    let (mut seen_text, mut first_is_header) = (0usize, false);
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(head.len());
        let text = String::from_utf8_lossy(&head[start..end]);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() {
            continue;
        }
        let markdown = text.trim_start().starts_with('|');
        let delimiter = if markdown {
            b'|'
        } else {
            guess_delimiter(text)
        };
        let cells = split_line(text, delimiter, !markdown);
        let shape = CsvShape {
            delimiter,
            header_line: first_line + k as u64,
            markdown,
        };
        if !force {
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            if let Some(kind) = TableKind::detect(&refs) {
                let rest = io::Cursor::new(&head[start..]).chain(&mut *reader);
                parse_csv(rest, kind, shape, sink)?;
                return Ok(Detected::Table(kind));
            }
        }
        // What a header looks like: several short names, none empty (a title or a note of the
        // preamble may name a column in passing); a Markdown table's outer pipes leave empty
        // names at the ends.
        let inner = if markdown {
            let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
            let last = cells
                .iter()
                .rposition(|c| !c.is_empty())
                .map_or(0, |i| i + 1);
            &cells[first..last.max(first)]
        } else {
            &cells[..]
        };
        let header_like = inner.len() > 1
            && inner
                .iter()
                .all(|c| !c.is_empty() && c.chars().count() <= 60);
        if (header_like || cells.len() == 1) && Columns::of(&cells, &overrides).identifies() {
            if links_before(&head[..start]) {
                // A text (a README) with links before its table: all of it is a list of links.
                let mut rest = io::Cursor::new(&head[..]).chain(&mut *reader);
                parse_links(&mut rest, first_line, sink)?;
                return Ok(Detected::List(ListShape::Links));
            }
            let rest = io::Cursor::new(&head[start..]).chain(&mut *reader);
            parse_list_csv(rest, shape, k as u64, sink)?;
            return Ok(Detected::List(ListShape::Delimited(delimiter)));
        }
        if header_like && table_like.is_none() {
            table_like = Some(inner.to_vec());
        }
        first_is_header |= seen_text == 0 && header_like;
        seen_text += 1;
    }
    // A file that starts like a table is one whose id column is not known: better said than
    // read as text. Other text with store links in it is a list of links.
    // Links may come late (a saved web page's list after its head and navigation): look on,
    // line by line, up to 16 MB.
    let mut links = !first_is_header && links_before(&head);
    while !first_is_header && !links && head.len() < LINKS_SEARCH_BYTES {
        let start = head.len();
        if !read_line(reader, &mut head)? {
            break;
        }
        links = links_before(&head[start..]);
    }
    if links {
        let mut rest = io::Cursor::new(&head[..]).chain(&mut *reader);
        parse_links(&mut rest, first_line, sink)?;
        return Ok(Detected::List(ListShape::Links));
    }
    match table_like {
        Some(cells) => Err(FileError::Nothing(no_id_message("column", &cells))),
        None => {
            let first = String::from_utf8_lossy(&head[..head.len().min(200)]).into_owned();
            Err(FileError::Unrecognised(super::snippet(first.trim_end())))
        }
    }
}

/// Appends the next line (at most [`HEADER_MAX_BYTES`] of it) to `head`; false at the end.
fn read_line(reader: &mut dyn BufRead, head: &mut Vec<u8>) -> io::Result<bool> {
    Ok((&mut *reader)
        .take(HEADER_MAX_BYTES)
        .read_until(b'\n', head)?
        > 0)
}

/// Whether some line of `text` names a GPT by a store link or a `g-` id.
fn links_before(text: &[u8]) -> bool {
    String::from_utf8_lossy(text)
        .lines()
        .any(|l| !super::fields::find_store_ids(l).is_empty())
}

/// The delimiter a header line holds most of, outside quotes (a comma when it holds none).
fn guess_delimiter(line: &str) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b'\t', b';', b'|'];
    let mut quoted = false;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = candidates.iter().position(|c| *c == b) {
            counts[i] += 1;
        }
    }
    let mut best = 0;
    for i in 1..candidates.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

/// One line's cells, trimmed (a byte-order mark dropped).
fn split_line(line: &str, delimiter: u8, quoting: bool) -> Vec<String> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .quoting(quoting)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match csv.read_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').trim().to_owned())
            .collect(),
        _ => vec![line.trim().to_owned()],
    }
}

/// A file starting with `{`: JSON Lines when its first line is a whole value (or the next line
/// starts a new object at column 0), else one pretty-printed document.
fn parse_object_stream(
    reader: &mut dyn BufRead,
    line: u64,
    sink: &mut dyn Sink,
) -> Result<Detected, FileError> {
    if starts_har(reader.fill_buf()?) {
        return parse_har_file(reader, line, sink);
    }
    let mut first = Vec::new();
    reader.read_until(b'\n', &mut first)?;
    let first_is_whole = serde_json::from_slice::<serde::de::IgnoredAny>(&first).is_ok();
    let next_starts_object = {
        let buf = reader.fill_buf()?;
        buf.first() == Some(&b'{')
    };
    if first_is_whole || next_starts_object {
        parse_lines(reader, line, first, sink)?;
        Ok(Detected::Jsonl)
    } else {
        let mut rest = io::Cursor::new(first).chain(reader);
        parse_document(&mut rest, line, sink)?;
        Ok(Detected::JsonDocument)
    }
}

/// A HAR starts with its `log`: `{"log": {` (Chrome pretty-prints, Firefox and Safari do not).
fn starts_har(buf: &[u8]) -> bool {
    let rest = buf.strip_prefix(b"{").unwrap_or(buf);
    let rest = &rest[rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len())..];
    rest.starts_with(b"\"log\"")
}

fn parse_har_file(
    reader: &mut dyn BufRead,
    line: u64,
    sink: &mut dyn Sink,
) -> Result<Detected, FileError> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    super::har::parse_har(&text, line, sink)
        .map(Detected::Har)
        .map_err(FileError::Nothing)
}

fn parse_document(reader: &mut dyn Read, line: u64, sink: &mut dyn Sink) -> io::Result<()> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => parse_json_value(text, &LineIndex::new(text, line), &Context::default(), sink),
        Err(e) => sink.issue(utf8_issue(&bytes, e, line)),
    }
    Ok(())
}

fn utf8_issue(bytes: &[u8], e: std::str::Utf8Error, first_line: u64) -> Issue {
    let at = e.valid_up_to();
    Issue {
        line: first_line + memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64,
        kind: IssueKind::Skipped(SkipReason::InvalidUtf8),
        message: format!("invalid UTF-8 at byte {at} of the record"),
    }
}

/// Bytes of JSON Lines handed over at once: whole lines, about this many bytes.
const LINES_BLOCK: usize = 1 << 20;

/// JSON Lines; `pending` is a first line already read. The file is read in blocks of whole
/// lines, checked as UTF-8 once per block and given to the sink as one string
/// ([`Sink::lines`]): no line is copied on its own. A block that is not valid UTF-8 is gone
/// through line by line, so the bad line is named and the others kept.
fn parse_lines(
    reader: &mut dyn BufRead,
    mut line: u64,
    pending: Vec<u8>,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut block = pending;
    let mut eof = false;
    while !eof {
        if sink.stopped() {
            return Ok(());
        }
        // Read a block's worth, and on until it ends a line (a line may be longer than a block).
        let mut searched = 0;
        while block.len() < LINES_BLOCK || memchr::memchr(b'\n', &block[searched..]).is_none() {
            searched = block.len();
            let chunk = reader.fill_buf()?;
            if chunk.is_empty() {
                eof = true;
                break;
            }
            let n = chunk.len();
            block.extend_from_slice(chunk);
            reader.consume(n);
        }
        // Up to the last newline (everything, at the end of the file).
        let cut = if eof {
            block.len()
        } else {
            memchr::memrchr(b'\n', &block).map_or(block.len(), |i| i + 1)
        };
        let rest = block.split_off(cut);
        let lines_here = memchr::memchr_iter(b'\n', &block).count() as u64;
        match String::from_utf8(block) {
            Ok(text) => sink.lines_owned(text, line),
            Err(e) => {
                let block = e.into_bytes();
                for (i, raw) in block.split(|b| *b == b'\n').enumerate() {
                    let trimmed = raw.trim_ascii();
                    if trimmed.is_empty() {
                        continue;
                    }
                    match std::str::from_utf8(trimmed) {
                        Ok(text) => sink.value(text, line + i as u64),
                        Err(e) => sink.issue(utf8_issue(trimmed, e, line + i as u64)),
                    }
                }
            }
        }
        line += lines_here;
        block = rest;
    }
    Ok(())
}

/// A JSON array, element by element: each element is cut out by a small scanner (strings,
/// escapes, nesting) and parsed alone, so one bad element costs only itself.
fn parse_array(
    reader: &mut dyn BufRead,
    line: u64,
    sink: &mut dyn Sink,
) -> Result<Detected, FileError> {
    let mut splitter = ArraySplitter::new(line);
    let mut rows = ArrayRows::Unknown;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() || sink.stopped() {
            break;
        }
        let n = chunk.len();
        let done = splitter.feed(chunk, &mut |line, element| {
            rows.element(element, line, sink)
        });
        reader.consume(n);
        if done {
            break;
        }
    }
    if let Some(line) = splitter.unfinished() {
        sink.issue(Issue {
            line,
            kind: IssueKind::Skipped(SkipReason::Truncated),
            message: "the file ends inside this record (truncated JSON array)".to_owned(),
        });
    }
    rows.finish(sink)
}

/// What a JSON array's elements are: values (objects), or the rows of a table (arrays).
enum ArrayRows {
    Unknown,
    Values,
    Table(TableRows),
}

impl ArrayRows {
    fn element(&mut self, element: &[u8], line: u64, sink: &mut dyn Sink) {
        if let ArrayRows::Unknown = self {
            *self = if element.starts_with(b"[") {
                ArrayRows::Table(TableRows::default())
            } else {
                ArrayRows::Values
            };
        }
        let ArrayRows::Table(rows) = self else {
            return emit_element(element, line, sink);
        };
        match serde_json::from_slice::<Vec<serde_json::Value>>(element) {
            Ok(values) => rows.row(
                values
                    .iter()
                    .map(|v| super::lenient::cell_text(v).unwrap_or_default())
                    .collect(),
                line,
                sink,
            ),
            Err(e) => {
                let text = String::from_utf8_lossy(element);
                sink.issue(Issue {
                    line,
                    kind: IssueKind::Skipped(SkipReason::BadRow),
                    message: format!(
                        "expected a row (a JSON array), found {:?}: {e}",
                        super::snippet(&text)
                    ),
                });
            }
        }
    }

    fn finish(self, sink: &mut dyn Sink) -> Result<Detected, FileError> {
        match self {
            ArrayRows::Unknown | ArrayRows::Values => Ok(Detected::JsonArray),
            ArrayRows::Table(rows) => rows
                .finish(sink)
                .map(|()| Detected::List(ListShape::JsonArrays)),
        }
    }
}

/// Rows of cells whose header is the first row with a GPT id column (a JSON array of arrays, a
/// spreadsheet): the rows before it are a preamble.
#[derive(Default)]
struct TableRows {
    table: Option<Box<ListTable>>,
    /// Rows before the header, and the first of them (for the message when none is one).
    before: u64,
    first: Option<Vec<String>>,
}

impl TableRows {
    fn row(&mut self, cells: Vec<String>, line: u64, sink: &mut dyn Sink) {
        match &mut self.table {
            Some(t) => {
                let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
                t.row(&refs, line, sink);
            }
            None => {
                let opts = sink.field_options().cloned().unwrap_or_default();
                if Columns::of(&cells, &opts.overrides).identifies() {
                    self.table = Some(Box::new(ListTable::new(cells, &opts, self.before)));
                } else {
                    self.before += 1;
                    if cells.iter().any(|c| !c.is_empty()) {
                        self.first.get_or_insert(cells);
                    }
                }
            }
        }
    }

    /// Hands over the mapping; the error when no row was a header.
    fn finish(self, sink: &mut dyn Sink) -> Result<(), FileError> {
        match self.table {
            Some(t) => {
                t.finish(sink);
                Ok(())
            }
            None => Err(FileError::Nothing(no_id_message(
                "column",
                &self.first.unwrap_or_default(),
            ))),
        }
    }
}

/// A spreadsheet (XLSX, XLS, ODS; read whole): the first sheet with a GPT id column, its rows
/// numbered as the sheet numbers them.
fn parse_spreadsheet(reader: &mut dyn BufRead, sink: &mut dyn Sink) -> Result<Detected, FileError> {
    use calamine::Reader as _;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let mut book = calamine::open_workbook_auto_from_rs(io::Cursor::new(bytes))
        .map_err(|e| FileError::Nothing(format!("not a spreadsheet gptscope can read: {e}")))?;
    let mut first_error = None;
    for name in book.sheet_names() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                first_error.get_or_insert_with(|| format!("sheet {name:?}: {e}"));
                continue;
            }
        };
        let top = range.start().map_or(0, |(row, _)| row);
        let mut rows = TableRows::default();
        for (i, row) in range.rows().enumerate() {
            if sink.stopped() {
                break;
            }
            let cells = row.iter().map(spreadsheet_cell).collect();
            rows.row(cells, u64::from(top) + i as u64 + 1, sink);
        }
        if rows.table.is_some() {
            rows.finish(sink)?;
            return Ok(Detected::List(ListShape::Spreadsheet));
        }
        if first_error.is_none() {
            first_error = rows
                .finish(sink)
                .err()
                .map(|e| format!("sheet {name:?}: {e}"));
        }
    }
    Err(FileError::Nothing(first_error.unwrap_or_else(|| {
        "a spreadsheet without sheets".to_owned()
    })))
}

/// A spreadsheet cell as text: numbers without a trailing `.0`, dates as ISO dates.
fn spreadsheet_cell(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Days since 1899-12-30; 25569 of them is 1970-01-01.
            let secs = ((dt.as_f64() - 25_569.0) * 86_400.0).round() as i64;
            crate::time::format_datetime(secs)
        }
    }
}

fn emit_element(element: &[u8], line: u64, sink: &mut dyn Sink) {
    match std::str::from_utf8(element) {
        Ok(text) => {
            if text.starts_with(['{', '[']) {
                sink.value(text, line);
            } else {
                match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                    Err(e) => sink.issue(json_error_issue(&e, text, line)),
                    Ok(_) => sink.issue(Issue {
                        line,
                        kind: IssueKind::Skipped(SkipReason::Unrecognised),
                        message: format!(
                            "expected a JSON object, found {:?}",
                            super::snippet(text)
                        ),
                    }),
                }
            }
        }
        Err(e) => sink.issue(utf8_issue(element, e, line)),
    }
}

/// Cuts the top-level elements out of a JSON array fed in chunks.
pub(super) struct ArraySplitter {
    line: u64,
    started: bool,
    finished: bool,
    element: Vec<u8>,
    element_line: u64,
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl ArraySplitter {
    pub(super) fn new(line: u64) -> Self {
        ArraySplitter {
            line,
            started: false,
            finished: false,
            element: Vec::new(),
            element_line: line,
            depth: 0,
            in_string: false,
            escaped: false,
        }
    }

    /// Feeds a chunk; calls `emit(line, element)` for each complete element. True at the
    /// array's closing bracket.
    pub(super) fn feed(&mut self, chunk: &[u8], emit: &mut dyn FnMut(u64, &[u8])) -> bool {
        let mut i = 0;
        while i < chunk.len() {
            if self.finished {
                return true;
            }
            let b = chunk[i];
            if self.in_string {
                // Jump to the next quote or backslash.
                let rest = &chunk[i..];
                let stop = if self.escaped {
                    0
                } else {
                    memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len())
                };
                self.line += memchr::memchr_iter(b'\n', &rest[..stop]).count() as u64;
                self.element.extend_from_slice(&rest[..stop]);
                i += stop;
                if i >= chunk.len() {
                    break;
                }
                let c = chunk[i];
                self.element.push(c);
                if self.escaped {
                    self.escaped = false;
                } else if c == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 {
                        self.finish_element(emit);
                    }
                }
                i += 1;
                continue;
            }
            if b == b'\n' {
                self.line += 1;
            }
            if !self.started {
                if b == b'[' {
                    self.started = true;
                }
                i += 1;
                continue;
            }
            let in_element = !self.element.is_empty();
            match b {
                b'"' => {
                    if !in_element {
                        self.element_line = self.line;
                    }
                    self.in_string = true;
                    self.element.push(b);
                }
                b'{' | b'[' => {
                    if !in_element {
                        self.element_line = self.line;
                    }
                    self.depth += 1;
                    self.element.push(b);
                }
                b'}' | b']' if self.depth > 0 => {
                    self.depth -= 1;
                    self.element.push(b);
                    if self.depth == 0 {
                        self.finish_element(emit);
                    }
                }
                b']' => {
                    if in_element {
                        self.finish_element(emit);
                    }
                    self.finished = true;
                    return true;
                }
                b',' if self.depth == 0 => {
                    if in_element {
                        self.finish_element(emit);
                    }
                }
                c if c.is_ascii_whitespace() && self.depth == 0 => {
                    if in_element {
                        self.finish_element(emit);
                    }
                }
                _ => {
                    if !in_element {
                        self.element_line = self.line;
                    }
                    self.element.push(b);
                }
            }
            i += 1;
        }
        self.finished
    }

    fn finish_element(&mut self, emit: &mut dyn FnMut(u64, &[u8])) {
        emit(self.element_line, &self.element);
        self.element.clear();
    }

    /// The line of an element the input ended in, if any.
    pub(super) fn unfinished(&self) -> Option<u64> {
        if !self.element.is_empty() {
            Some(self.element_line)
        } else if self.started && !self.finished {
            Some(self.line)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str, chunk: usize) -> (Vec<(u64, String)>, Option<u64>) {
        let mut s = ArraySplitter::new(1);
        let mut out = Vec::new();
        for c in input.as_bytes().chunks(chunk) {
            if s.feed(c, &mut |l, e| {
                out.push((l, String::from_utf8_lossy(e).into_owned()))
            }) {
                break;
            }
        }
        (out, s.unfinished())
    }

    #[test]
    fn splits_elements_with_lines_across_chunk_boundaries() {
        let input = "[\n {\"a\": \"x,]}\\\"\"},\n {\"b\": [1, {\"c\": 2}]},\n 3, \"s\"\n]";
        for chunk in [1, 2, 3, 7, 1000] {
            let (els, unfinished) = split(input, chunk);
            assert_eq!(
                els,
                vec![
                    (2, r#"{"a": "x,]}\""}"#.to_owned()),
                    (3, r#"{"b": [1, {"c": 2}]}"#.to_owned()),
                    (4, "3".to_owned()),
                    (4, "\"s\"".to_owned()),
                ],
                "chunk {chunk}"
            );
            assert_eq!(unfinished, None);
        }
    }

    #[test]
    fn reports_a_truncated_last_element() {
        let (els, unfinished) = split("[{\"a\":1},\n{\"b\":", 4);
        assert_eq!(els.len(), 1);
        assert_eq!(unfinished, Some(2));
        let (els, unfinished) = split("[{\"a\":1}", 4);
        assert_eq!(els.len(), 1);
        assert_eq!(unfinished, Some(1));
    }
}
