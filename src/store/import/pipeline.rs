//! The import's threads. A reader goes through the files: JSON Lines lines and JSON array
//! elements are cut into units and parsed by worker threads (one per core), everything else is
//! parsed by the reader itself. Every batch of results carries a sequence number given in input
//! order, and the writer ([`super::write_all`]) puts them back in that order, so parallel
//! parsing changes nothing about which duplicate wins or which file an issue belongs to.
//!
//! Each batch's records' raw sources travel as one compressed frame ([`Frame`]), sealed where
//! the batch was parsed and sent ahead of its records.

use super::Input;
use crate::store::parse::fields::{FieldOptions, Mapping};
use crate::store::parse::input::{Format, parse_file, parse_reader};
use crate::store::parse::{Issue, ShelfEntry, ShelfInfo, Sink, parse_top_value};
use crate::store::record::GptRecord;
use crate::store::writer::{Frame, Prep, PreparedGpt, RAW_ZSTD_LEVEL, SealedFrame, prepare};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// What the parsing side tells the writer.
pub(super) enum Msg {
    FileStart {
        name: String,
    },
    /// The raw sources of the records that follow it in its batch.
    Frame(SealedFrame),
    Gpt(Box<PreparedGpt>),
    Shelf(ShelfInfo),
    Entry(ShelfEntry),
    Issue(Issue),
    /// What a list's columns became (a part of the current file's).
    Mapping(Box<Mapping>),
    FileDone {
        format: Result<&'static str, String>,
        /// What the file held beyond its format (a HAR's store answers and other entries).
        note: Option<String>,
    },
    Failed(String),
}

/// Messages and their place in the input order.
pub(super) struct Ordered {
    pub seq: u64,
    pub msgs: Vec<Msg>,
}

/// Top-level JSON values for a worker to parse.
struct Unit {
    seq: u64,
    file_no: u32,
    text: String,
    /// (start, end, line) of each value in `text`.
    spans: Vec<(usize, usize, u64)>,
}

/// Values per unit, and the size at which a unit is sent anyway.
const UNIT_VALUES: usize = 256;
const UNIT_BYTES: usize = 1 << 20;
/// Messages per batch of the reader's own results.
const BATCH: usize = 256;

/// Runs the reader and the workers until every input is read (or `stop` is raised), sending
/// results to `out`. Called inside a thread scope by `import`.
pub(super) fn run(
    inputs: &[Input],
    format: Option<Format>,
    counter: &AtomicU64,
    stop: &AtomicBool,
    prep: &Prep<'_>,
    fields: &FieldOptions,
    out: SyncSender<Ordered>,
) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (work_tx, work_rx) = sync_channel::<Unit>(workers * 2);
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for i in 0..workers {
            let worker_out = out.clone();
            let work_rx = &work_rx;
            let spawned = std::thread::Builder::new()
                .name(format!("gptscope-parse-{i}"))
                .spawn_scoped(scope, move || {
                    worker(work_rx, stop, (prep, fields), worker_out)
                });
            if let Err(e) = spawned {
                let _ = out.send(Ordered {
                    seq: 0,
                    msgs: vec![Msg::Failed(format!("cannot start a parser thread: {e}"))],
                });
                stop.store(true, Ordering::Relaxed);
                return;
            }
        }
        let mut reader = Reader::new(out, work_tx, stop, prep, fields);
        for (i, input) in inputs.iter().enumerate() {
            if reader.stopped() {
                break;
            }
            reader.file_no = i as u32;
            reader.direct(Msg::FileStart { name: input.name() });
            let result = match input {
                Input::Path(p) => parse_file(p, format, counter, &mut reader),
                Input::Memory { bytes, .. } => {
                    let mut r = std::io::BufReader::new(*bytes);
                    let r = parse_reader(&mut r, format, &mut reader);
                    counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    r
                }
            };
            let mapping = std::mem::take(&mut reader.mapping);
            if !mapping.is_empty() {
                reader.direct(Msg::Mapping(Box::new(mapping)));
            }
            reader.direct(Msg::FileDone {
                note: result.as_ref().ok().and_then(|d| d.note()),
                format: result.map(|d| d.name()).map_err(|e| e.to_string()),
            });
        }
        reader.finish();
        // Dropping the reader closes the work queue: workers finish what is queued and exit.
    });
}

fn worker(
    units: &Mutex<Receiver<Unit>>,
    stop: &AtomicBool,
    (prep, fields): (&Prep<'_>, &FieldOptions),
    out: SyncSender<Ordered>,
) {
    let mut compressor: Option<zstd::bulk::Compressor<'static>> = None;
    let mut frame = Frame::default();
    loop {
        let unit = match units.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(unit) = unit else { return };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let mut sink = WorkerSink {
            msgs: Vec::with_capacity(unit.spans.len() + 1),
            file_no: unit.file_no,
            frame: &mut frame,
            prep,
            fields,
            mapping: Mapping::default(),
        };
        for &(start, end, line) in &unit.spans {
            parse_top_value(&unit.text[start..end], line, &mut sink);
        }
        let mut msgs = sink.msgs;
        if !sink.mapping.is_empty() {
            msgs.push(Msg::Mapping(Box::new(sink.mapping)));
        }
        seal(&mut frame, &mut compressor, &mut msgs);
        if out
            .send(Ordered {
                seq: unit.seq,
                msgs,
            })
            .is_err()
        {
            stop.store(true, Ordering::Relaxed);
            return;
        }
    }
}

/// Seals `frame` with the records of `msgs` in it, and puts it in front of them; a failure
/// becomes the batch's message.
fn seal(
    frame: &mut Frame,
    compressor: &mut Option<zstd::bulk::Compressor<'static>>,
    msgs: &mut Vec<Msg>,
) {
    let gpts = msgs.iter_mut().filter_map(|m| match m {
        Msg::Gpt(g) => Some(&mut **g),
        _ => None,
    });
    let sealed = match compressor {
        Some(c) => frame.seal(c, gpts),
        None => zstd::bulk::Compressor::new(RAW_ZSTD_LEVEL)
            .and_then(|c| frame.seal(compressor.insert(c), gpts)),
    };
    match sealed {
        Ok(Some(f)) => msgs.insert(0, Msg::Frame(f)),
        Ok(None) => {}
        Err(e) => msgs.push(Msg::Failed(format!("compressing raw sources failed: {e}"))),
    }
}

fn prepared(
    gpt: GptRecord,
    raw: &[u8],
    file_no: u32,
    line: u64,
    frame: &mut Frame,
    prep: &Prep<'_>,
) -> Msg {
    match prepare(gpt, raw, file_no, line, frame, prep) {
        Ok(p) => Msg::Gpt(Box::new(p)),
        Err(e) => Msg::Failed(format!("storing a record's source failed: {e}")),
    }
}

/// A worker's sink: everything found in one unit, records prepared for the writer.
struct WorkerSink<'a> {
    msgs: Vec<Msg>,
    file_no: u32,
    frame: &'a mut Frame,
    prep: &'a Prep<'a>,
    fields: &'a FieldOptions,
    mapping: Mapping,
}

impl Sink for WorkerSink<'_> {
    fn gpt(&mut self, gpt: GptRecord, raw: &[u8], line: u64) {
        let msg = prepared(gpt, raw, self.file_no, line, self.frame, self.prep);
        self.msgs.push(msg);
    }
    fn shelf(&mut self, shelf: ShelfInfo) {
        self.msgs.push(Msg::Shelf(shelf));
    }
    fn shelf_entry(&mut self, entry: ShelfEntry) {
        self.msgs.push(Msg::Entry(entry));
    }
    fn issue(&mut self, issue: Issue) {
        self.msgs.push(Msg::Issue(issue));
    }
    fn value(&mut self, text: &str, line: u64) {
        parse_top_value(text, line, self);
    }
    fn mapping(&mut self) -> Option<&mut Mapping> {
        Some(&mut self.mapping)
    }
    fn field_options(&self) -> Option<&FieldOptions> {
        Some(self.fields)
    }
}

/// The reader's sink: cuts values into units for the workers, parses the rest itself, and
/// numbers everything it sends in input order.
struct Reader<'a> {
    out: SyncSender<Ordered>,
    work: Option<SyncSender<Unit>>,
    stop: &'a AtomicBool,
    prep: &'a Prep<'a>,
    fields: &'a FieldOptions,
    /// What the current file's list columns became, as far as the reader read them itself.
    mapping: Mapping,
    seq: u64,
    file_no: u32,
    unit: Unit,
    direct: Vec<Msg>,
    /// The raw sources of the records in `direct`.
    frame: Frame,
    compressor: Option<zstd::bulk::Compressor<'static>>,
}

impl<'a> Reader<'a> {
    fn new(
        out: SyncSender<Ordered>,
        work: SyncSender<Unit>,
        stop: &'a AtomicBool,
        prep: &'a Prep<'a>,
        fields: &'a FieldOptions,
    ) -> Self {
        Reader {
            out,
            work: Some(work),
            stop,
            prep,
            fields,
            mapping: Mapping::default(),
            seq: 0,
            file_no: 0,
            unit: Self::empty_unit(0),
            direct: Vec::new(),
            frame: Frame::default(),
            compressor: None,
        }
    }

    fn empty_unit(file_no: u32) -> Unit {
        Unit {
            seq: 0,
            file_no,
            text: String::new(),
            spans: Vec::new(),
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq - 1
    }

    fn fail(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Sends the current unit to the workers.
    fn finish_unit(&mut self) {
        if self.unit.spans.is_empty() {
            return;
        }
        let mut unit = std::mem::replace(&mut self.unit, Self::empty_unit(self.file_no));
        self.flush_direct();
        unit.seq = self.next_seq();
        let sent = self.work.as_ref().is_some_and(|w| w.send(unit).is_ok());
        if !sent {
            self.fail();
        }
    }

    /// Sends the reader's own results so far.
    fn flush_direct(&mut self) {
        if self.direct.is_empty() {
            return;
        }
        let mut msgs = std::mem::take(&mut self.direct);
        seal(&mut self.frame, &mut self.compressor, &mut msgs);
        let seq = self.next_seq();
        if self.out.send(Ordered { seq, msgs }).is_err() {
            self.fail();
        }
    }

    /// One of the reader's own results, in order after everything before it.
    fn direct(&mut self, msg: Msg) {
        self.finish_unit();
        self.direct.push(msg);
        if self.direct.len() >= BATCH {
            self.flush_direct();
        }
    }

    fn finish(&mut self) {
        self.finish_unit();
        self.flush_direct();
        self.work = None;
    }
}

impl Sink for Reader<'_> {
    fn gpt(&mut self, gpt: GptRecord, raw: &[u8], line: u64) {
        self.finish_unit();
        let msg = prepared(gpt, raw, self.file_no, line, &mut self.frame, self.prep);
        self.direct(msg);
    }
    fn shelf(&mut self, shelf: ShelfInfo) {
        self.direct(Msg::Shelf(shelf));
    }
    fn shelf_entry(&mut self, entry: ShelfEntry) {
        self.direct(Msg::Entry(entry));
    }
    fn issue(&mut self, issue: Issue) {
        self.direct(Msg::Issue(issue));
    }
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
    fn mapping(&mut self) -> Option<&mut Mapping> {
        Some(&mut self.mapping)
    }
    fn field_options(&self) -> Option<&FieldOptions> {
        Some(self.fields)
    }
    fn lines(&mut self, text: &str, first_line: u64) {
        self.lines_owned(text.to_owned(), first_line);
    }

    /// A block of JSON Lines becomes a unit as it is: spans into the block, no copy.
    fn lines_owned(&mut self, text: String, first_line: u64) {
        let mut spans = Vec::new();
        let base = text.as_ptr() as usize;
        crate::store::parse::for_each_line(&text, first_line, &mut |value, line| {
            let start = value.as_ptr() as usize - base;
            spans.push((start, start + value.len(), line));
        });
        if spans.is_empty() {
            return;
        }
        self.flush_direct();
        self.finish_unit();
        self.unit = Unit {
            seq: 0,
            file_no: self.file_no,
            text,
            spans,
        };
        self.finish_unit();
    }

    fn value(&mut self, text: &str, line: u64) {
        self.flush_direct();
        if self.unit.spans.is_empty() {
            self.unit.file_no = self.file_no;
        }
        let start = self.unit.text.len();
        self.unit.text.push_str(text);
        self.unit.spans.push((start, self.unit.text.len(), line));
        if self.unit.spans.len() >= UNIT_VALUES || self.unit.text.len() >= UNIT_BYTES {
            self.finish_unit();
        }
    }
}
