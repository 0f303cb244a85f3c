//! `gptscope sql "SELECT …"`: one read-only statement over the database's documented views
//! (`snapshots`, `gpts`, `authors`, `actions`, `shelves`, `signals`: see
//! [`crate::store::sql_views`]) and its tables, printed as an aligned table, JSON or CSV.
//!
//! Read-only by construction: the statement runs on a second connection opened read-only
//! ([`crate::store::Db::reader`]), and a statement SQLite says would write is refused before
//! it runs, with a line saying so. A long query is cancelled by Ctrl-C or `--timeout`
//! (SQLite's interrupt, from a watcher thread). An error in the SQL says where: line and
//! column of the offending token, and that line. A query naming a snapshot that does not
//! exist (`snapshot_id = 99`) is refused: it would answer zero, which reads like a fact.

use crate::store::Db;
use crate::text;
use rusqlite::types::ValueRef;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct SqlArgs {
    /// One SQL statement (read-only); `-` reads it from standard input
    pub query: String,
    /// JSON: an array of objects, one a row, keys the column names
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// CSV with a header row
    #[arg(long)]
    pub csv: bool,
    /// Cancel the query after this many seconds (Ctrl-C cancels it any time)
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}

/// How many rows the table form reads before it fixes its column widths.
const WIDTH_ROWS: usize = 200;
/// The widest a table cell gets (cells beyond end in `…`; JSON and CSV are never cut).
const MAX_CELL: usize = 60;

/// Why the query stopped early.
const RUNNING: u8 = 0;
const TIMED_OUT: u8 = 1;
const CTRL_C: u8 = 2;

pub fn run(db: &Db, args: &SqlArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let sql = if args.query == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| anyhow::anyhow!("sql: reading the statement from standard input: {e}"))?
    } else {
        args.query.clone()
    };
    if sql.trim().is_empty() {
        anyhow::bail!("sql: no statement given");
    }
    if let Some(t) = args.timeout
        && !(t.is_finite() && t > 0.0)
    {
        anyhow::bail!("sql: --timeout {t}: a number of seconds above 0");
    }
    let conn = db.reader()?;
    check_snapshots(&conn, &sql)?;
    let mut st = conn.prepare(&sql).map_err(|e| located(&sql, e))?;
    if !st.readonly() {
        anyhow::bail!(
            "sql: this statement would change the database ({}…), and sql only reads; \
             gptscope's own commands change it (import, snapshots rm, signals --recompute)",
            first_words(&sql)
        );
    }
    let names: Vec<String> = st.column_names().map(str::to_owned).collect();
    let stop = Arc::new(AtomicU8::new(RUNNING));
    let watcher = Watcher::start(conn.get_interrupt_handle(), args.timeout, stop.clone());
    let mut rows = st.query([]).map_err(|e| located(&sql, e))?;
    let mut sink: Box<dyn Sink + '_> = if args.json {
        Box::new(Json::new(out, &names)?)
    } else if args.csv {
        Box::new(Csv::new(out, &names)?)
    } else {
        Box::new(Table::new(out, &names))
    };
    let result = (|| -> anyhow::Result<()> {
        while let Some(row) = rows.next()? {
            let values: Vec<ValueRef<'_>> = (0..names.len())
                .map(|i| row.get_ref(i))
                .collect::<Result<_, _>>()?;
            sink.row(&values)?;
        }
        sink.end()
    })();
    drop(watcher);
    match result {
        Ok(()) => Ok(()),
        Err(e) if is_interrupt(&e) => Err(match stop.load(Ordering::SeqCst) {
            TIMED_OUT => anyhow::anyhow!(
                "sql: cancelled after {} s (--timeout)",
                args.timeout.unwrap_or_default()
            ),
            _ => anyhow::anyhow!("sql: cancelled (Ctrl-C)"),
        }),
        Err(e) => match e.downcast::<rusqlite::Error>() {
            Ok(e) => Err(located(&sql, e)),
            Err(e) => Err(e),
        },
    }
}

fn is_interrupt(e: &anyhow::Error) -> bool {
    e.downcast_ref::<rusqlite::Error>()
        .and_then(rusqlite::Error::sqlite_error_code)
        == Some(rusqlite::ErrorCode::OperationInterrupted)
}

/// The statement's first words, for a message (whitespace folded, at most 30 characters).
fn first_words(sql: &str) -> String {
    let folded = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.chars().take(30).collect()
}

/// A SQLite error as one line saying where in `sql` it is (line, column, and that line).
fn located(sql: &str, e: rusqlite::Error) -> anyhow::Error {
    match e {
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            let offset = usize::try_from(offset).unwrap_or(0).min(sql.len());
            let before = sql.get(..offset).unwrap_or(sql);
            let line_no = before.matches('\n').count() + 1;
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[line_start..].chars().count() + 1;
            let line = sql[line_start..].lines().next().unwrap_or("");
            anyhow::anyhow!(
                "sql: {msg} at line {line_no}, column {column}: {}",
                text::cell(line.trim_end(), 100)
            )
        }
        rusqlite::Error::MultipleStatement => {
            anyhow::anyhow!("sql: one statement at a time (found more after the first `;`)")
        }
        e if e.to_string().contains("too many attached databases") => {
            anyhow::anyhow!("sql: ATTACH is refused here: sql reads this database alone")
        }
        e => anyhow::anyhow!("sql: {e}"),
    }
}

/// Refuses a query that names, as `snapshot_id = N`, a snapshot the database does not have.
fn check_snapshots(conn: &rusqlite::Connection, sql: &str) -> anyhow::Result<()> {
    let named = named_snapshots(sql);
    if named.is_empty() {
        return Ok(());
    }
    let have: Vec<i64> = conn
        .prepare("SELECT id FROM snapshot WHERE status = 'complete' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if let Some(missing) = named.iter().find(|n| !have.contains(n)) {
        let list = have.iter().map(i64::to_string).collect::<Vec<_>>();
        anyhow::bail!(
            "sql: there is no snapshot {missing} (the query asks for snapshot_id = {missing}); \
             the snapshots are {}",
            if list.is_empty() {
                "none yet".to_owned()
            } else {
                list.join(", ")
            }
        );
    }
    Ok(())
}

/// The numbers `N` of every `snapshot_id = N` in `sql` (any case, any spaces; qualified
/// names too: `g.snapshot_id=2`).
fn named_snapshots(sql: &str) -> Vec<i64> {
    let lower = sql.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("snapshot_id") {
        let after = from + at + "snapshot_id".len();
        let before_ok = lower[..from + at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let rest = lower[after..].trim_start();
        if before_ok && let Some(rest) = rest.strip_prefix('=') {
            let rest = rest.trim_start();
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let ends = rest[digits.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'));
            if !digits.is_empty()
                && ends
                && let Ok(n) = digits.parse()
            {
                found.push(n);
            }
        }
        from = after;
    }
    found
}

/// Interrupts the running statement on Ctrl-C or when the timeout passes; stops watching when
/// dropped.
struct Watcher {
    done: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    fn start(
        handle: rusqlite::InterruptHandle,
        timeout: Option<f64>,
        stop: Arc<AtomicU8>,
    ) -> Watcher {
        let (done, mut finished) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("gptscope-sql-watch".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    let deadline = async {
                        match timeout {
                            Some(t) => tokio::time::sleep(Duration::from_secs_f64(t)).await,
                            None => std::future::pending().await,
                        }
                    };
                    let why = tokio::select! {
                        _ = &mut finished => return,
                        _ = deadline => TIMED_OUT,
                        r = tokio::signal::ctrl_c() => match r {
                            Ok(()) => CTRL_C,
                            Err(_) => return,
                        },
                    };
                    stop.store(why, Ordering::SeqCst);
                    handle.interrupt();
                });
            })
            .ok();
        Watcher {
            done: Some(done),
            thread,
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Where rows go.
trait Sink {
    fn row(&mut self, values: &[ValueRef<'_>]) -> anyhow::Result<()>;
    fn end(&mut self) -> anyhow::Result<()>;
}

/// A value as text: NULL empty, a blob as `x'…'` hex (as SQLite writes blob literals).
fn as_text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(b) => format!("x'{}'", hex(b)),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A JSON array of objects, streamed: one row a line.
struct Json<'o> {
    out: &'o mut dyn Write,
    names: Vec<String>,
    rows: u64,
}

impl<'o> Json<'o> {
    fn new(out: &'o mut dyn Write, names: &[String]) -> anyhow::Result<Json<'o>> {
        write!(out, "[")?;
        Ok(Json {
            out,
            names: names.to_vec(),
            rows: 0,
        })
    }
}

impl Sink for Json<'_> {
    fn row(&mut self, values: &[ValueRef<'_>]) -> anyhow::Result<()> {
        use serde_json::Value;
        let mut obj = serde_json::Map::with_capacity(values.len());
        for (name, v) in self.names.iter().zip(values) {
            let value = match *v {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) => Value::from(i),
                ValueRef::Real(f) => {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::from(hex(b)),
            };
            obj.insert(name.clone(), value);
        }
        let sep = if self.rows == 0 { "\n  " } else { ",\n  " };
        write!(self.out, "{sep}")?;
        serde_json::to_writer(&mut *self.out, &obj)?;
        self.rows += 1;
        Ok(())
    }

    fn end(&mut self) -> anyhow::Result<()> {
        writeln!(self.out, "{}]", if self.rows == 0 { "" } else { "\n" })?;
        Ok(())
    }
}

struct Csv<'o> {
    w: csv::Writer<&'o mut dyn Write>,
}

impl<'o> Csv<'o> {
    fn new(out: &'o mut dyn Write, names: &[String]) -> anyhow::Result<Csv<'o>> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(names)?;
        Ok(Csv { w })
    }
}

impl Sink for Csv<'_> {
    fn row(&mut self, values: &[ValueRef<'_>]) -> anyhow::Result<()> {
        self.w.write_record(values.iter().map(|v| as_text(*v)))?;
        Ok(())
    }

    fn end(&mut self) -> anyhow::Result<()> {
        self.w.flush()?;
        Ok(())
    }
}

/// Aligned columns for people: widths from the first [`WIDTH_ROWS`] rows, the rest streamed
/// to those widths; text made safe for a terminal ([`text::cell`]); numbers right-aligned.
struct Table<'o> {
    out: &'o mut dyn Write,
    names: Vec<String>,
    /// Rows held until the widths are known: (cell, right-aligned).
    held: Vec<Vec<(String, bool)>>,
    widths: Option<Vec<usize>>,
    rows: u64,
}

impl<'o> Table<'o> {
    fn new(out: &'o mut dyn Write, names: &[String]) -> Table<'o> {
        Table {
            out,
            names: names.iter().map(|n| text::cell(n, MAX_CELL)).collect(),
            held: Vec::new(),
            widths: None,
            rows: 0,
        }
    }

    fn fix_widths(&mut self) -> anyhow::Result<()> {
        if self.names.is_empty() {
            // A statement without result columns (a PRAGMA setting something).
            self.widths = Some(Vec::new());
            return Ok(());
        }
        let mut widths: Vec<usize> = self.names.iter().map(|n| text::width(n)).collect();
        for row in &self.held {
            for (w, (cell, _)) in widths.iter_mut().zip(row) {
                *w = (*w).max(text::width(cell));
            }
        }
        let header: Vec<(String, bool)> = self.names.iter().map(|n| (n.clone(), false)).collect();
        write_line(self.out, &widths, &header)?;
        let rule: Vec<(String, bool)> = widths.iter().map(|w| ("─".repeat(*w), false)).collect();
        write_line(self.out, &widths, &rule)?;
        for row in std::mem::take(&mut self.held) {
            write_line(self.out, &widths, &row)?;
        }
        self.widths = Some(widths);
        Ok(())
    }
}

fn write_line(
    out: &mut dyn Write,
    widths: &[usize],
    cells: &[(String, bool)],
) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, (w, (cell, right))) in widths.iter().zip(cells).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        let cell = text::fit(cell, *w);
        let pad = w.saturating_sub(text::width(&cell));
        if *right {
            line.extend(std::iter::repeat_n(' ', pad));
            line.push_str(&cell);
        } else {
            line.push_str(&cell);
            if i + 1 < widths.len() {
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
    }
    writeln!(out, "{}", line.trim_end())
}

impl Sink for Table<'_> {
    fn row(&mut self, values: &[ValueRef<'_>]) -> anyhow::Result<()> {
        let cells: Vec<(String, bool)> = values
            .iter()
            .map(|v| {
                let right = matches!(v, ValueRef::Integer(_) | ValueRef::Real(_));
                (text::cell(&as_text(*v), MAX_CELL), right)
            })
            .collect();
        self.rows += 1;
        match &self.widths {
            Some(widths) => write_line(self.out, widths, &cells)?,
            None => {
                self.held.push(cells);
                if self.held.len() >= WIDTH_ROWS {
                    self.fix_widths()?;
                }
            }
        }
        Ok(())
    }

    fn end(&mut self) -> anyhow::Result<()> {
        if self.widths.is_none() {
            self.fix_widths()?;
        }
        writeln!(
            self.out,
            "({} row{})",
            text::thousands(self.rows as i64),
            if self.rows == 1 { "" } else { "s" }
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_ids_named_in_a_query_are_found_whatever_the_spacing_and_case() {
        assert_eq!(
            named_snapshots("select * from gpts where snapshot_id = 3"),
            [3]
        );
        assert_eq!(
            named_snapshots("SELECT 1 FROM gpts g WHERE g.SNAPSHOT_ID=12 OR snapshot_id =\n 4"),
            [12, 4]
        );
        // Not a snapshot id: another column, a comparison, an expression.
        assert!(named_snapshots("select my_snapshot_id = 3, snapshot_id > 2").is_empty());
        assert!(named_snapshots("select * from gpts where snapshot_id = 3.5").is_empty());
        assert!(named_snapshots("where snapshot_id = 3x").is_empty());
    }

    #[test]
    fn an_error_in_the_sql_names_its_line_and_column() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let sql = "SELECT 1,\n  2 FORM nothing";
        let e = conn.prepare(sql).map(|_| ()).unwrap_err();
        // `2 FORM` reads as `2 AS FORM`: SQLite stops at the word after.
        assert_eq!(
            located(sql, e).to_string(),
            "sql: near \"nothing\": syntax error at line 2, column 10:   2 FORM nothing"
        );
    }
}
