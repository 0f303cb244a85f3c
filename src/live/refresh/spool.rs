//! A refresh's spool: every answer appended as it arrives, one JSON line each in the envelope
//! the importer reads ([`FetchHead`] + the answer's bytes), in a work directory beside the
//! database. The spool *is* the checkpoint: resuming reads the envelopes back (not the answers)
//! and continues from exactly what was answered, so a killed refresh asks nothing twice. A line
//! cut short by a kill is dropped on resume (only whole lines count).
//!
//! Syncing: the file is fsynced at the first append after a second has passed since the last
//! sync (on a thread of its own, so the fetching does not wait for the disk), and at the end. A
//! SIGKILL loses nothing written (the kernel holds it); the sync bounds what a power cut could
//! lose to about a second. `meta.json` (plan, store, start, and the
//! counts as of the last sync, for `snapshots --resumable`) is rewritten at each sync.

use super::RefreshError;
use crate::store::parse::FetchHead;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often the spool is synced at most (and so at least, while answers come).
const SYNC_EVERY: Duration = Duration::from_secs(1);

/// What the work directory is for, and how far it is (as of the last sync).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Meta {
    pub plan: String,
    pub base_url: String,
    pub started_at: i64,
    #[serde(default)]
    pub answers: u64,
    #[serde(default)]
    pub gpts: u64,
}

pub(super) struct Spool {
    dir: PathBuf,
    file: std::fs::File,
    pub meta: Meta,
    last_sync: Instant,
    dirty: bool,
    /// Time spent appending and syncing, all told.
    pub spent: Duration,
    /// A sync running on its own thread.
    syncing: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

/// One envelope read back: the head only (serde skips the answer without keeping it).
#[derive(Deserialize)]
struct Line {
    gptscope_fetch: FetchHead,
}

fn err(dir: &Path, e: impl std::fmt::Display) -> RefreshError {
    RefreshError::Spool {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    }
}

impl Spool {
    pub fn data(dir: &Path) -> PathBuf {
        dir.join("answers.jsonl")
    }

    pub fn meta_path(dir: &Path) -> PathBuf {
        dir.join("meta.json")
    }

    /// Opens the work directory: with `resume`, continuing what is there (the envelopes it holds,
    /// in order, are returned); else starting over.
    pub fn open(
        dir: &Path,
        plan_key: &str,
        base_url: &str,
        resume: bool,
    ) -> Result<(Spool, Vec<FetchHead>), RefreshError> {
        let mut meta = None;
        if resume {
            match std::fs::read(Self::meta_path(dir)) {
                Ok(bytes) => {
                    let m: Meta = serde_json::from_slice(&bytes)
                        .map_err(|e| err(dir, format!("unreadable meta.json: {e}")))?;
                    if m.plan != plan_key || m.base_url != base_url {
                        return Err(err(
                            dir,
                            format!(
                                "the unfinished refresh there is of {} from {}: run it with the \
                                 same arguments, or without --resume to start over",
                                m.plan, m.base_url
                            ),
                        ));
                    }
                    meta = Some(m);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if dir.join("checkpoint.json").exists() {
                        return Err(err(
                            dir,
                            "an unfinished refresh of an older gptscope: run without --resume \
                             to start over",
                        ));
                    }
                }
                Err(e) => return Err(err(dir, e)),
            }
        }
        if meta.is_none() {
            let _ = std::fs::remove_dir_all(dir);
        }
        std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
        let fresh = meta.is_none();
        let meta = meta.unwrap_or_else(|| Meta {
            plan: plan_key.to_owned(),
            base_url: base_url.to_owned(),
            started_at: crate::time::now(),
            ..Meta::default()
        });
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(Self::data(dir))
            .map_err(|e| err(dir, e))?;
        let heads = if fresh {
            Vec::new()
        } else {
            read_back(&mut file).map_err(|e| err(dir, e))?
        };
        file.seek(std::io::SeekFrom::End(0))
            .map_err(|e| err(dir, e))?;
        let mut spool = Spool {
            dir: dir.to_path_buf(),
            file,
            meta,
            last_sync: Instant::now(),
            dirty: false,
            spent: Duration::ZERO,
            syncing: None,
        };
        spool.meta.answers = heads.len() as u64;
        spool.meta.gpts = heads.iter().map(gpts_in).sum();
        spool.save_meta()?;
        Ok((spool, heads))
    }

    /// Appends one answer (its envelope and, when there is one, its bytes).
    pub fn append(&mut self, head: &FetchHead, data: Option<&[u8]>) -> Result<(), RefreshError> {
        let started = Instant::now();
        let result = self.append_timed(head, data);
        self.spent += started.elapsed();
        result
    }

    fn append_timed(&mut self, head: &FetchHead, data: Option<&[u8]>) -> Result<(), RefreshError> {
        let mut head_json = b"{\"gptscope_fetch\":".to_vec();
        serde_json::to_writer(&mut head_json, head).map_err(|e| err(&self.dir, e))?;
        let data = data.unwrap_or_default();
        if !data.is_empty() {
            head_json.extend_from_slice(b",\"data\":");
        }
        // A JSON text's line breaks are whitespace between tokens: spaces keep it one line. The
        // store's answers are compact, so the answer usually goes out as it came, not copied.
        let mut owned: Vec<u8>;
        let mut body = data;
        if memchr::memchr2(b'\n', b'\r', data).is_some() {
            owned = data.to_vec();
            for at in memchr::memchr2_iter(b'\n', b'\r', data) {
                owned[at] = b' ';
            }
            body = &owned;
        }
        write_all_parts(&mut self.file, &[&head_json, body, b"}\n"])
            .map_err(|e| err(&self.dir, e))?;
        self.meta.answers += 1;
        self.meta.gpts += gpts_in(head);
        self.dirty = true;
        if self.last_sync.elapsed() >= SYNC_EVERY {
            self.sync_behind()?;
        }
        Ok(())
    }

    /// Starts a sync on a thread of its own (the fetching goes on meanwhile), unless the last
    /// one is still running; its failure is reported by the next.
    fn sync_behind(&mut self) -> Result<(), RefreshError> {
        if self.syncing.as_ref().is_some_and(|t| !t.is_finished()) {
            return Ok(());
        }
        self.finish_sync()?;
        let file = self.file.try_clone().map_err(|e| err(&self.dir, e))?;
        self.syncing = Some(std::thread::spawn(move || file.sync_data()));
        self.save_meta()?;
        self.dirty = false;
        self.last_sync = Instant::now();
        Ok(())
    }

    /// Waits for a sync running behind, and says if it failed.
    fn finish_sync(&mut self) -> Result<(), RefreshError> {
        match self.syncing.take().map(std::thread::JoinHandle::join) {
            Some(Ok(Err(e))) => Err(err(&self.dir, e)),
            Some(Err(_)) => Err(err(&self.dir, "the sync thread failed")),
            _ => Ok(()),
        }
    }

    /// Syncs the answers to disk and records the counts.
    pub fn sync(&mut self) -> Result<(), RefreshError> {
        self.finish_sync()?;
        if self.dirty {
            self.file.sync_data().map_err(|e| err(&self.dir, e))?;
            self.save_meta()?;
            self.dirty = false;
        }
        self.last_sync = Instant::now();
        Ok(())
    }

    fn save_meta(&self) -> Result<(), RefreshError> {
        let tmp = self.dir.join("meta.json.tmp");
        let text = serde_json::to_vec(&self.meta).map_err(|e| err(&self.dir, e))?;
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, Self::meta_path(&self.dir)))
            .map_err(|e| err(&self.dir, e))
    }
}

/// Writes the parts one after the other with as few system calls as the kernel allows.
fn write_all_parts(file: &mut std::fs::File, parts: &[&[u8]]) -> std::io::Result<()> {
    let mut parts: Vec<&[u8]> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    while !parts.is_empty() {
        let slices: Vec<std::io::IoSlice<'_>> =
            parts.iter().map(|p| std::io::IoSlice::new(p)).collect();
        let mut n = file.write_vectored(&slices)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        while let Some(first) = parts.first_mut() {
            if n >= first.len() {
                n -= first.len();
                parts.remove(0);
            } else {
                *first = &first[n..];
                break;
            }
        }
    }
    Ok(())
}

/// GPTs an answer brought (for progress): a list's ids, or one fetched GPT.
fn gpts_in(h: &FetchHead) -> u64 {
    match (h.req.as_str(), h.status.as_str()) {
        ("gpt", "ok") => 1,
        ("gpt", _) => 0,
        _ => h.ids.len() as u64,
    }
}

/// Reads the envelopes of the whole lines; a last line cut short by a kill (or unreadable) is
/// cut off the file, so appending resumes after the last whole answer.
fn read_back(file: &mut std::fs::File) -> std::io::Result<Vec<FetchHead>> {
    file.seek(std::io::SeekFrom::Start(0))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, &mut *file);
    let mut heads = Vec::new();
    let mut line = Vec::new();
    let mut good: u64 = 0;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break;
        }
        match serde_json::from_slice::<Line>(&line) {
            Ok(l) => heads.push(l.gptscope_fetch),
            Err(_) => break,
        }
        good += n as u64;
    }
    drop(reader);
    file.set_len(good)?;
    Ok(heads)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(key: &str) -> FetchHead {
        FetchHead {
            req: "shelf".into(),
            key: key.into(),
            status: "ok".into(),
            ids: vec!["g-a".into()],
            ..FetchHead::default()
        }
    }

    #[test]
    fn a_line_cut_short_is_dropped_and_appending_goes_on_after_the_whole_ones() {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("w");
        let (mut s, heads) = Spool::open(&work, "p", "u", false).unwrap();
        assert!(heads.is_empty());
        s.append(&head("a"), Some(b"{\"x\":\n1}")).unwrap();
        s.append(&head("b"), None).unwrap();
        s.sync().unwrap();
        drop(s);
        // A kill in the middle of the third line.
        let data = Spool::data(&work);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&data)
            .unwrap();
        f.write_all(b"{\"gptscope_fetch\":{\"req\":\"sh").unwrap();
        drop(f);
        let (mut s, heads) = Spool::open(&work, "p", "u", true).unwrap();
        assert_eq!(
            heads.iter().map(|h| h.key.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(s.meta.gpts, 2);
        s.append(&head("c"), None).unwrap();
        drop(s);
        let text = std::fs::read_to_string(&data).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(
            text.lines()
                .all(|l| serde_json::from_str::<Line>(l).is_ok())
        );
        // Another plan's work is not resumed.
        let e = Spool::open(&work, "q", "u", true).err().unwrap();
        assert!(
            e.to_string()
                .contains("the unfinished refresh there is of p"),
            "{e}"
        );
    }
}
