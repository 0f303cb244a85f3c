//! A list's rows handed to the sink: a table's rows after its header (CSV, TSV, a JSON array of
//! arrays), or one flat JSON object at a time. Rows repeating the header are skipped and counted,
//! rows of another length read as far as they go, shelf and position columns become store-front
//! entries (a directory's ranking), and the file's [`Mapping`] is handed to the sink at the end.

use super::record::{FieldRecord, Row, field_record};
use super::report::Mapping;
use super::{Columns, FieldOptions};
use crate::store::parse::table::shelf_id_for_title;
use crate::store::parse::{Context, Found, RecordIssues, ShelfEntry, ShelfInfo, Sink, emit};
use crate::store::shelves::Slot;
use std::collections::HashSet;

/// The rows of one table, after its header.
pub struct ListTable {
    headers: Vec<String>,
    columns: Columns,
    slots: Vec<Option<usize>>,
    mapping: Mapping,
    shelves: HashSet<String>,
    pub layout: Layout,
}

/// How a list's rows are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Cells under a header.
    Table,
    /// A Markdown table: lines without a `|` around them are text, not rows.
    Markdown,
    /// Lines of text with links, no header: each line is searched for GPTs.
    Links,
}

impl ListTable {
    /// A table whose header is `headers`, found after `preamble_lines` other lines.
    pub fn new(headers: Vec<String>, opts: &FieldOptions, preamble_lines: u64) -> ListTable {
        let columns = Columns::of(&headers, &opts.overrides);
        let mut mapping = Mapping {
            preamble_lines,
            missing: columns.missing.clone(),
            ..Mapping::default()
        };
        // A Markdown table's outer pipes make nameless columns at its ends: not reported.
        let slots = columns
            .uses
            .iter()
            .map(|u| (!u.column.is_empty()).then(|| mapping.column(u)).flatten())
            .collect();
        ListTable {
            headers,
            columns,
            slots,
            mapping,
            shelves: HashSet::new(),
            layout: Layout::Table,
        }
    }

    /// Lines of text naming GPTs by link or id (a README's list, notes, a saved page): no header;
    /// each store URL or `g-` id in a line is a GPT (named by its link's text), lines without one
    /// are counted and skipped.
    pub fn links(opts: &FieldOptions) -> ListTable {
        let mut t = ListTable::new(vec!["url".to_owned(), "name".to_owned()], opts, 0);
        t.layout = Layout::Links;
        t
    }

    /// One row's cells, read at `line`.
    pub fn row(&mut self, cells: &[&str], line: u64, sink: &mut dyn Sink) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        if self.layout == Layout::Links {
            let text = cells.join(" ");
            let found = super::values::find_store_ids(&text);
            if found.is_empty() {
                self.mapping.lines_without_gpt += 1;
                return;
            }
            let raw = serde_json::json!({ "line": text }).to_string();
            for (token, name) in found {
                let name = name.unwrap_or_default();
                self.read(&[&token, &name], &raw, line, sink);
            }
            return;
        }
        if self.layout == Layout::Markdown && cells.len() < 2 {
            self.mapping.lines_without_gpt += 1;
            return;
        }
        if crate::store::parse::table::is_markdown_rule(cells) {
            return;
        }
        if cells.len() == self.headers.len()
            && cells
                .iter()
                .zip(&self.headers)
                .all(|(c, h)| c.trim().trim_start_matches('\u{feff}') == h)
        {
            self.mapping.repeated_headers += 1;
            return;
        }
        if cells.len() != self.headers.len() {
            self.mapping.ragged_rows += 1;
        }
        let raw = row_json(&self.headers, cells);
        self.read(cells, &raw, line, sink);
    }

    fn read(&mut self, cells: &[&str], raw: &str, line: u64, sink: &mut dyn Sink) {
        let mut issues = RecordIssues::default();
        let found = field_record(
            &Row {
                columns: &self.columns,
                cells,
            },
            &self.slots,
            &mut self.mapping,
            &mut issues,
        );
        put(
            found,
            issues,
            raw,
            line,
            &Context::default(),
            &mut self.shelves,
            sink,
        );
    }

    /// Hands the file's mapping to the sink.
    pub fn finish(self, sink: &mut dyn Sink) {
        if let Some(m) = sink.mapping() {
            m.merge(self.mapping);
        }
    }
}

/// The record (and its shelf entry) to the sink, or its issues.
fn put(
    found: Option<FieldRecord>,
    issues: RecordIssues,
    raw: &str,
    line: u64,
    ctx: &Context,
    shelves: &mut HashSet<String>,
    sink: &mut dyn Sink,
) -> Option<Found> {
    let shelf = found.as_ref().and_then(|f| f.shelf.clone());
    let kept = emit(found.map(|f| f.record), issues, raw, line, ctx, sink)?;
    let Some((title, position)) = shelf else {
        return Some(kept);
    };
    let shelf_id = shelf_id_for_title(&title);
    if shelves.insert(shelf_id.clone()) {
        sink.shelf(ShelfInfo {
            id: shelf_id.clone(),
            title: Some(title),
            ..ShelfInfo::default()
        });
    }
    sink.shelf_entry(ShelfEntry {
        shelf_id,
        slot: position.map_or(Slot::Page, Slot::At),
        position: position.unwrap_or(0),
        gpt_id: Some(kept.id.clone()),
        name: Some(kept.name.clone()),
        author: kept.author.clone(),
        line,
    });
    Some(kept)
}

/// A row as a JSON object (header → text), the raw form kept for provenance.
pub fn row_json(headers: &[String], cells: &[&str]) -> String {
    let map: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .zip(cells.iter())
        .map(|(h, c)| (h.clone(), serde_json::Value::String((*c).to_owned())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// An object's keys and values, nested objects opened into dotted keys (`author.display_name`,
/// three levels at most); arrays stay values.
pub fn flatten(
    map: serde_json::Map<String, serde_json::Value>,
) -> Vec<(String, serde_json::Value)> {
    fn walk(
        prefix: &str,
        map: serde_json::Map<String, serde_json::Value>,
        depth: u32,
        out: &mut Vec<(String, serde_json::Value)>,
    ) {
        for (k, v) in map {
            let key = if prefix.is_empty() {
                k
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                serde_json::Value::Object(inner) if depth < 3 => walk(&key, inner, depth + 1, out),
                other => out.push((key, other)),
            }
        }
    }
    let mut out = Vec::with_capacity(map.len());
    walk("", map, 1, &mut out);
    out
}

/// The columns of flat objects with these keys: worked out once per distinct key set and
/// thread (a list's objects share their keys, and a million of them would otherwise redo it a
/// million times).
pub fn object_columns(keys: &[String], opts: &FieldOptions) -> std::rc::Rc<Columns> {
    type Last = Option<(Vec<String>, super::Overrides, std::rc::Rc<Columns>)>;
    thread_local! {
        static LAST: std::cell::RefCell<Last> = const { std::cell::RefCell::new(None) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((k, o, columns)) = &*last
            && k == keys
            && *o == opts.overrides
        {
            return columns.clone();
        }
        let columns = std::rc::Rc::new(Columns::of(keys, &opts.overrides));
        *last = Some((keys.to_vec(), opts.overrides.clone(), columns.clone()));
        columns
    })
}

/// One flat JSON object ([`flatten`]ed), read by its `columns` ([`object_columns`]). Arrays are
/// read as their JSON text (a list of categories, of tools).
pub(in crate::store::parse) fn object_record(
    fields: &[(String, serde_json::Value)],
    columns: &Columns,
    raw: &str,
    line: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Option<Found> {
    let texts: Vec<String> = fields
        .iter()
        .map(|(_, v)| crate::store::parse::lenient::cell_text(v).unwrap_or_default())
        .collect();
    let cells: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut unused = Mapping::default();
    let mapping = match sink.mapping() {
        Some(m) => m,
        None => &mut unused,
    };
    let slots: Vec<Option<usize>> = columns.uses.iter().map(|u| mapping.column(u)).collect();
    let mut issues = RecordIssues::default();
    let found = field_record(
        &Row {
            columns,
            cells: &cells,
        },
        &slots,
        mapping,
        &mut issues,
    );
    put(found, issues, raw, line, ctx, &mut HashSet::new(), sink)
}
