//! Importing files into one new snapshot: a parser thread reads, parses and prepares records
//! (hash, zstd) while the calling thread writes them to SQLite, so the two halves of the work use
//! both cores. Bad records are counted by reason with their first examples (`file:line: …`);
//! `--strict` turns the first one into a failure that writes nothing.

use super::db::{Db, StoreError};
mod inputs;
mod pipeline;

pub use inputs::{
    Expanded, date_of, default_label, expand_paths, folder_label, group_by_date, not_data,
};

use super::parse::IssueKind;
use super::parse::input::Format;
use super::writer::{Added, NewSnapshot, SnapshotCounts, SnapshotWriter};
use pipeline::{Msg, Ordered};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

/// Something to import.
#[derive(Debug, Clone)]
pub enum Input {
    Path(PathBuf),
    /// Bytes compiled into the binary (the bundled sample).
    Memory {
        name: &'static str,
        bytes: &'static [u8],
    },
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Memory { name, .. } => (*name).to_owned(),
        }
    }

    fn len(&self) -> u64 {
        match self {
            Input::Path(p) => std::fs::metadata(p).map(|m| m.len()).unwrap_or(0),
            Input::Memory { bytes, .. } => bytes.len() as u64,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub label: Option<String>,
    pub source: Option<String>,
    pub format: Option<Format>,
    pub strict: bool,
    /// Overrides the snapshot time read off the data.
    pub taken_at: Option<i64>,
    /// Monetisation-signal rules (the default funnel list when none).
    pub rules: Option<std::sync::Arc<crate::signals::Rules>>,
    /// The store front's locale, over what the answers say (a refresh's `--locale`).
    pub locale: Option<String>,
    /// How lists are read: `--map field=column`, and `--format table`.
    pub fields: crate::store::parse::fields::FieldOptions,
}

/// How far an import is, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub records: u64,
}

/// One input file's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    /// The detected format, or none when the file could not be read.
    pub format: Option<String>,
    pub records: u64,
    pub error: Option<String>,
    /// What it held beyond its format (a HAR: store answers read, other entries ignored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A list read by its column names: which column became which field, and how its values
    /// read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<crate::store::parse::fields::Mapping>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub snapshot: i64,
    pub label: String,
    pub taken_at: String,
    /// GPT records read (before merging duplicates).
    pub records: u64,
    /// Distinct GPTs in the new snapshot, available ones.
    pub gpts: u64,
    pub unavailable: u64,
    pub authors: u64,
    /// Records that repeated an id already in this import and were merged into it.
    pub duplicates_merged: u64,
    pub shelves: u64,
    pub shelf_entries: u64,
    pub skipped: u64,
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Records imported without a field that had the wrong type.
    pub fields_ignored: u64,
    /// The first examples of each kind of problem, as `file:line: reason: message`.
    pub examples: Vec<String>,
    pub files: Vec<FileReport>,
    /// Files found in the folders walked that are not data by their names, left out
    /// ([`not_data`]); filled by the caller that walked them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_read: Vec<String>,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Input(String),
    /// `--strict` and a bad record or file.
    #[error("{0} (--strict: nothing was imported)")]
    Strict(String),
    /// The disk (or the database's size limit) filled up: the import's transaction was rolled
    /// back, every earlier snapshot is as it was.
    #[error("{path}: disk full: nothing was written; about {needed_mb} MB needed")]
    DiskFull { path: String, needed_mb: u64 },
}

/// What a snapshot takes in the database per byte of JSON Lines read, about (a first snapshot
/// of synthetic store records: 464 MB of JSON Lines made 159 MB of database, `benches/scale`).
const DB_BYTES_PER_INPUT_BYTE: f64 = 0.35;

const EXAMPLES_PER_KIND: usize = 3;

/// Imports the inputs as one new snapshot.
pub fn import(
    db: &mut Db,
    inputs: &[Input],
    opts: &ImportOptions,
    progress: &dyn Fn(Progress),
) -> Result<ImportReport, ImportError> {
    match import_all(db, inputs, opts, progress) {
        Err(ImportError::Store(StoreError::DiskFull(path))) => {
            let bytes: u64 = inputs.iter().map(Input::len).sum();
            Err(ImportError::DiskFull {
                path: path.display().to_string(),
                needed_mb: ((bytes as f64 * DB_BYTES_PER_INPUT_BYTE) / 1e6)
                    .ceil()
                    .max(1.0) as u64,
            })
        }
        other => other,
    }
}

fn import_all(
    db: &mut Db,
    inputs: &[Input],
    opts: &ImportOptions,
    progress: &dyn Fn(Progress),
) -> Result<ImportReport, ImportError> {
    let label = opts.label.clone().unwrap_or_else(|| default_label(inputs));
    let source = opts.source.clone().unwrap_or_else(|| {
        let names: Vec<String> = inputs.iter().take(3).map(Input::name).collect();
        let more = inputs.len().saturating_sub(3);
        let mut s = format!("import: {}", names.join(", "));
        if more > 0 {
            s.push_str(&format!(" and {more} more"));
        }
        s
    });
    let path_date = inputs
        .iter()
        .find_map(|i| crate::time::date_in_path(&i.name()));
    let bytes_total: u64 = inputs.iter().map(Input::len).sum();
    let counter = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let mut writer = SnapshotWriter::begin(
        db,
        &NewSnapshot {
            label: label.clone(),
            source,
        },
    )?;

    if let Some(l) = &opts.locale {
        writer.set_locale(l);
    }
    let (tx, rx) = mpsc::sync_channel::<Ordered>(32);
    let rules = opts.rules.clone().unwrap_or_default();
    let known = writer.known();
    let prep = crate::store::writer::Prep {
        rules: &rules,
        known: &known,
    };
    let format = opts.format;
    let started = std::time::Instant::now();
    let outcome = std::thread::scope(|scope| {
        let parsing = std::thread::Builder::new()
            .name("gptscope-read".into())
            .spawn_scoped(scope, || {
                pipeline::run(inputs, format, &counter, &stop, &prep, &opts.fields, tx)
            });
        let parsing = match parsing {
            Ok(p) => p,
            Err(e) => {
                return Err(ImportError::Input(format!(
                    "cannot start the reader thread: {e}"
                )));
            }
        };
        let result = write_all(
            &mut writer,
            &rx,
            opts.strict,
            &counter,
            bytes_total,
            progress,
        );
        // Unblock and stop the parsing side if the writer gave up early.
        stop.store(true, Ordering::Relaxed);
        drop(rx);
        let _ = parsing.join();
        result
    });
    let tally = outcome?;
    let read = started.elapsed();
    let report_json = serde_json::to_string(&serde_json::json!({
        "skipped_by_reason": tally.skipped_by_reason,
        "fields_ignored": tally.fields_ignored,
        "examples": tally.examples,
        "files": tally.files,
    }))
    .unwrap_or_default();
    let committed = writer.commit(
        opts.taken_at,
        path_date,
        tally.merged,
        tally.skipped,
        &report_json,
        &|sid| crate::stats::summary::write(db, sid),
    );
    let (sid, counts): (i64, SnapshotCounts) = match committed {
        Ok(c) => c,
        // Nothing imported: when a file could not be read, its reason is the news.
        Err(StoreError::Invalid(msg)) => {
            let failed: Vec<&FileReport> =
                tally.files.iter().filter(|f| f.error.is_some()).collect();
            return Err(match failed.first() {
                Some(f) => ImportError::Input(format!(
                    "nothing to import: {}: {}{}",
                    f.path,
                    f.error.as_deref().unwrap_or(""),
                    match failed.len() {
                        1 => String::new(),
                        n => format!(" (and {} more files not read)", n - 1),
                    }
                )),
                None => ImportError::Store(StoreError::Invalid(msg)),
            });
        }
        Err(e) => return Err(e.into()),
    };
    // Where an import's time goes: reading, parsing and writing the rows (all cores), then the
    // commit alone (indexes, columns, authors, summary): what to look at when it is slow.
    tracing::info!(
        snapshot = sid,
        read_s = read.as_secs_f64(),
        commit_s = (started.elapsed() - read).as_secs_f64(),
        "import phases"
    );
    let taken_at: i64 = db
        .conn()
        .query_row("SELECT taken_at FROM snapshot WHERE id = ?1", [sid], |r| {
            r.get(0)
        })
        .map_err(|e| db.err(e))?;
    Ok(ImportReport {
        snapshot: sid,
        label,
        taken_at: crate::time::format_datetime(taken_at),
        records: tally.records,
        gpts: counts.gpts,
        unavailable: counts.unavailable,
        authors: counts.authors,
        duplicates_merged: tally.merged,
        shelves: counts.shelves,
        shelf_entries: counts.shelf_entries,
        skipped: tally.skipped,
        skipped_by_reason: tally.skipped_by_reason,
        fields_ignored: tally.fields_ignored,
        examples: tally.examples,
        files: tally.files,
        not_read: Vec::new(),
    })
}

#[derive(Default)]
struct Tally {
    records: u64,
    merged: u64,
    skipped: u64,
    skipped_by_reason: BTreeMap<String, u64>,
    fields_ignored: u64,
    examples: Vec<String>,
    example_counts: BTreeMap<IssueKind, usize>,
    files: Vec<FileReport>,
}

fn write_all(
    writer: &mut SnapshotWriter<'_>,
    rx: &mpsc::Receiver<Ordered>,
    strict: bool,
    counter: &AtomicU64,
    bytes_total: u64,
    progress: &dyn Fn(Progress),
) -> Result<Tally, ImportError> {
    let mut t = Tally::default();
    // A store resource is 1–5 KB of JSON: room for that many records up front spares growing
    // the map of ids seen a dozen times (0.8 s of a 1M import's writer).
    writer.expect(usize::try_from(bytes_total / 2048).unwrap_or(0));
    let mut file_records = 0u64;
    // Shelves and positions the current file gave, and the first record it could not read: a
    // file that gave nothing is reported by that.
    let mut file_found = 0u64;
    let mut file_skipped: Option<String> = None;
    // Batches arrive in any order from the parser threads; they are written in input order.
    let mut waiting: BTreeMap<u64, Vec<Msg>> = BTreeMap::new();
    let mut next = 0u64;
    for batch in rx {
        waiting.insert(batch.seq, batch.msgs);
        while let Some(msgs) = waiting.remove(&next) {
            next += 1;
            for msg in msgs {
                match msg {
                    Msg::FileStart { name } => {
                        file_records = 0;
                        file_found = 0;
                        file_skipped = None;
                        t.files.push(FileReport {
                            path: name,
                            format: None,
                            records: 0,
                            error: None,
                            note: None,
                            mapping: None,
                        });
                    }
                    Msg::Gpt(g) => {
                        t.records += 1;
                        file_records += 1;
                        match writer.add_gpt(g)? {
                            Added::New => {}
                            Added::MergedNewer | Added::MergedOlder => t.merged += 1,
                        }
                    }
                    Msg::Frame(f) => writer.add_frame(&f)?,
                    Msg::Mapping(m) => {
                        if let Some(f) = t.files.last_mut() {
                            f.mapping.get_or_insert_with(Default::default).merge(*m);
                        }
                    }
                    Msg::Shelf(s) => {
                        file_found += 1;
                        writer.add_shelf(&s)?
                    }
                    Msg::Entry(e) => {
                        file_found += 1;
                        writer.add_shelf_entry(e)
                    }
                    Msg::Issue(issue) => {
                        let file = t.files.last().map_or("?", |f| f.path.as_str());
                        let text = format!("{file}:{}: {issue}", issue.line);
                        if strict {
                            return Err(ImportError::Strict(text));
                        }
                        if let IssueKind::Skipped(reason) = issue.kind {
                            file_skipped.get_or_insert_with(|| {
                                if reason == super::parse::SkipReason::Unrecognised {
                                    issue.message.clone()
                                } else {
                                    format!(
                                        "no record could be read; the first: line {}: {issue}",
                                        issue.line
                                    )
                                }
                            });
                        }
                        match issue.kind {
                            IssueKind::Skipped(reason) => {
                                t.skipped += 1;
                                *t.skipped_by_reason
                                    .entry(reason.label().to_owned())
                                    .or_default() += 1;
                            }
                            IssueKind::FieldIgnored => t.fields_ignored += 1,
                        }
                        let shown = t.example_counts.entry(issue.kind).or_default();
                        if *shown < EXAMPLES_PER_KIND {
                            *shown += 1;
                            t.examples.push(text);
                        }
                    }
                    Msg::FileDone { format, note } => {
                        let file_no = t.files.len().saturating_sub(1) as u32;
                        if let Some(f) = t.files.last_mut() {
                            f.records = file_records;
                            f.note = note;
                            let format = match (format, file_skipped.take()) {
                                (Ok(_), Some(why)) if file_records + file_found == 0 => Err(why),
                                (format, _) => format,
                            };
                            match format {
                                Ok(name) => f.format = Some(name.to_owned()),
                                Err(e) => {
                                    if strict {
                                        return Err(ImportError::Strict(format!(
                                            "{}: {e}",
                                            f.path
                                        )));
                                    }
                                    t.examples.push(format!("{}: {e}", f.path));
                                    f.error = Some(e);
                                }
                            }
                            writer.add_file(
                                file_no,
                                &f.path,
                                f.format.as_deref().unwrap_or("unreadable"),
                                f.records,
                            )?;
                        }
                    }
                    Msg::Failed(e) => return Err(ImportError::Input(e)),
                }
            }
        }
        progress(Progress {
            bytes_done: counter.load(Ordering::Relaxed),
            bytes_total,
            records: t.records,
        });
    }
    Ok(t)
}
