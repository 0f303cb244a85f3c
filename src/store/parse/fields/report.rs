//! What an import understood of one list: each column (or key) and the field it became, what was
//! not read and why, and per column how many values were read, empty, or unreadable (with the
//! first unreadable one). Kept per file in the import report (`--json`: `mapping`).

use serde::Serialize;

/// Columns of JSON objects listed at most (objects with ever-new keys would list without end).
const MAX_COLUMNS: usize = 200;

/// One column and what became of its values.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ColumnUse {
    pub column: String,
    /// The field it feeds; none when it feeds none.
    pub field: Option<&'static str>,
    /// Why it is not read (`no field`, `also name; "Title" is read`), or `--map`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(flatten)]
    pub values: ValueCounts,
}

/// Values of one column: read, empty (or a placeholder like `-`, `n/a`), unreadable.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ValueCounts {
    pub read: u64,
    pub empty: u64,
    pub unreadable: u64,
    /// The first unreadable value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
}

/// What one file's columns became.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Mapping {
    pub columns: Vec<ColumnUse>,
    /// `--map` columns the file did not have (`author=Maker`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Lines before the header (a title, notes) that were skipped.
    pub preamble_lines: u64,
    /// Rows that repeated the header (concatenated exports), skipped.
    pub repeated_headers: u64,
    /// Rows with fewer or more cells than the header (read as far as they go).
    pub ragged_rows: u64,
    /// Lines of a text of links that named no GPT, skipped.
    #[serde(skip_serializing_if = "is_zero")]
    pub lines_without_gpt: u64,
    /// Keys of JSON objects beyond the first 200 distinct ones, not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_keys: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How one value was read, for [`Mapping::count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Read,
    Empty,
    Unreadable,
}

impl Mapping {
    /// The column's row, added (with what the columns said of it) when new.
    pub fn column(&mut self, use_: &ColumnUse) -> Option<usize> {
        if let Some(i) = self.columns.iter().position(|c| c.column == use_.column) {
            return Some(i);
        }
        if self.columns.len() >= MAX_COLUMNS {
            self.more_keys += 1;
            return None;
        }
        self.columns.push(ColumnUse {
            values: ValueCounts::default(),
            ..use_.clone()
        });
        Some(self.columns.len() - 1)
    }

    /// Counts one value of column `i`.
    pub fn count(&mut self, i: usize, outcome: Outcome, text: &str) {
        let Some(c) = self.columns.get_mut(i) else {
            return;
        };
        match outcome {
            Outcome::Read => c.values.read += 1,
            Outcome::Empty => c.values.empty += 1,
            Outcome::Unreadable => {
                c.values.unreadable += 1;
                if c.values.example.is_none() {
                    c.values.example = Some(crate::store::parse::snippet(text));
                }
            }
        }
    }

    /// Adds another part of the same file (JSON objects are read in parallel units).
    pub fn merge(&mut self, other: Mapping) {
        for c in other.columns {
            if let Some(i) = self.column(&c) {
                let v = &mut self.columns[i].values;
                v.read += c.values.read;
                v.empty += c.values.empty;
                v.unreadable += c.values.unreadable;
                if v.example.is_none() {
                    v.example = c.values.example;
                }
            }
        }
        for m in other.missing {
            if !self.missing.contains(&m) {
                self.missing.push(m);
            }
        }
        self.preamble_lines += other.preamble_lines;
        self.repeated_headers += other.repeated_headers;
        self.ragged_rows += other.ragged_rows;
        self.lines_without_gpt += other.lines_without_gpt;
        self.more_keys += other.more_keys;
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty() && self.missing.is_empty()
    }

    /// The report in lines of text: `ID → id, Chats → conversations (21 empty)`, what was not
    /// read, and the table's oddities.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let read: Vec<String> = self
            .columns
            .iter()
            .filter_map(|c| {
                let field = c.field?;
                let mut s = format!("{} → {field}", c.column);
                let mut extra = Vec::new();
                if c.values.empty > 0 {
                    extra.push(format!("{} empty", c.values.empty));
                }
                if c.values.unreadable > 0 {
                    extra.push(match &c.values.example {
                        Some(e) => format!("{} unreadable, first {e:?}", c.values.unreadable),
                        None => format!("{} unreadable", c.values.unreadable),
                    });
                }
                if c.note.as_deref() == Some("--map") {
                    extra.push("--map".to_owned());
                }
                if !extra.is_empty() {
                    s.push_str(&format!(" ({})", extra.join(", ")));
                }
                Some(s)
            })
            .collect();
        out.push(format!("columns: {}", read.join(", ")));
        let unused: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.field.is_none())
            .map(|c| match c.note.as_deref() {
                Some(n) if n != "no field" => format!("{} ({n})", c.column),
                _ => c.column.clone(),
            })
            .collect();
        if !unused.is_empty() || self.more_keys > 0 {
            let mut s = format!("not read: {}", unused.join(", "));
            if self.more_keys > 0 {
                s.push_str(&format!(" and {} more keys", self.more_keys));
            }
            out.push(s);
        }
        if !self.missing.is_empty() {
            out.push(format!(
                "--map columns not in the file: {}",
                self.missing.join(", ")
            ));
        }
        let mut odd = Vec::new();
        if self.preamble_lines > 0 {
            odd.push(format!(
                "{} lines before the header skipped",
                self.preamble_lines
            ));
        }
        if self.repeated_headers > 0 {
            odd.push(format!(
                "{} repeated header rows skipped",
                self.repeated_headers
            ));
        }
        if self.ragged_rows > 0 {
            odd.push(format!(
                "{} rows with more or fewer cells than the header",
                self.ragged_rows
            ));
        }
        if self.lines_without_gpt > 0 {
            odd.push(format!(
                "{} lines without a GPT skipped",
                self.lines_without_gpt
            ));
        }
        if !odd.is_empty() {
            out.push(odd.join("; "));
        }
        out
    }
}
