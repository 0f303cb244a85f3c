//! Opening the snapshot database: telling SQLite files from other files and our databases from
//! other SQLite databases, WAL mode, the busy timeout, migrations, and turning SQLite's error
//! codes into messages that say what to do.

use super::schema;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What can go wrong with the database, each a one-line message naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}: not a SQLite database (is --db pointing at the right file?)")]
    NotSqlite(PathBuf),
    #[error("{0}: a SQLite database, but not one of gptscope's")]
    Foreign(PathBuf),
    #[error("{path}: written by a newer gptscope (schema {found}; this build knows {known})")]
    TooNew {
        path: PathBuf,
        found: i32,
        known: i32,
    },
    #[error("{0}: disk full: nothing was written")]
    DiskFull(PathBuf),
    #[error("{0}: the database is read-only (check the file's and its folder's permissions)")]
    ReadOnly(PathBuf),
    #[error(
        "{0}: the database is locked by another process (an import still running?); try again when it is done"
    )]
    Locked(PathBuf),
    #[error("{path}: cannot open the database: {reason}")]
    CannotOpen { path: PathBuf, reason: String },
    #[error("writing the export: {0}")]
    Write(#[source] std::io::Error),
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("no snapshot #{0} (gptscope snapshots lists them)")]
    NoSuchSnapshot(i64),
    #[error("the database holds no complete snapshot yet (gptscope import PATH adds one)")]
    NoSnapshots,
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// Classifies a SQLite error for the database at `path`.
    pub fn from_sqlite(path: &Path, e: rusqlite::Error) -> StoreError {
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotSqlite(path),
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(path),
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(path),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked(path),
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => StoreError::CannotOpen {
                path,
                reason: e.to_string(),
            },
            _ => StoreError::Sqlite { path, source: e },
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open snapshot database.
pub struct Db {
    conn: Connection,
    path: PathBuf,
    /// True when this open created the file.
    created: bool,
    lock_timeout: Duration,
}

/// How long a command waits for another writer before giving up.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(5);

impl Db {
    /// Opens (creating when missing) and migrates the database at `path`.
    pub fn open(path: &Path, lock_timeout: Duration) -> Result<Db> {
        let existed = path.exists();
        let empty = existed && std::fs::metadata(path).is_ok_and(|m| m.len() == 0);
        if existed {
            check_header(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::CannotOpen {
                path: path.to_path_buf(),
                reason: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let err = |e| StoreError::from_sqlite(path, e);
        let opened = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            conn.busy_timeout(lock_timeout)?;
            // Reading the schema is the first real read: it fails on non-databases.
            let identity = read_identity(&conn)?;
            Ok((conn, identity))
        });
        let (mut conn, (app_id, version, tables)) = match opened {
            Ok(opened) => opened,
            // A database we may not write (nor create its WAL index next to): it can still be
            // read, as an immutable file; writing commands then fail with "read-only".
            Err(e)
                if existed
                    && matches!(
                        e.sqlite_error_code(),
                        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
                    ) =>
            {
                let conn = open_immutable(path).map_err(err)?;
                let identity = read_identity(&conn).map_err(err)?;
                (conn, identity)
            }
            Err(e) => return Err(err(e)),
        };
        if version > schema::SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: schema::SCHEMA_VERSION,
            });
        }
        if app_id != schema::APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(StoreError::Foreign(path.to_path_buf()));
        }
        let readonly = conn.is_readonly(rusqlite::MAIN_DB).map_err(err)?;
        if version < schema::SCHEMA_VERSION {
            if readonly {
                return Err(StoreError::ReadOnly(path.to_path_buf()));
            }
            if version == 0 {
                // Bigger pages: shallower B-trees for the per-record inserts of an import.
                conn.pragma_update(None, "page_size", 16_384).map_err(err)?;
            }
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(err)?;
            let mut progress = |unit: &str, done: usize, total: usize| {
                if done < total {
                    eprintln!(
                        "gptscope: moving {} to schema {}: {unit} {} of {total}",
                        path.display(),
                        schema::SCHEMA_VERSION,
                        done + 1
                    );
                }
            };
            schema::migrate(&mut conn, &mut progress).map_err(err)?;
            if version > 0 {
                eprintln!(
                    "gptscope: {} is at schema {}",
                    path.display(),
                    schema::SCHEMA_VERSION
                );
            }
        }
        // References between tables are kept by the writer (a snapshot is written once, by one
        // writer) rather than checked by SQLite on every insert.
        conn.pragma_update(None, "foreign_keys", false)
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(err)?;
        conn.pragma_update(None, "cache_size", -65_536)
            .map_err(err)?;
        // A bulk load writes under a rollback journal and puts WAL back when it ends
        // (`writer::Journal`); one killed before that left the file in rollback mode, its
        // journal already played back by the first read above.
        if !conn.is_readonly(rusqlite::MAIN_DB).map_err(err)? {
            let mode: String = conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .map_err(err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                conn.pragma_update(None, "journal_mode", "WAL")
                    .map_err(err)?;
            }
        }
        let db = Db {
            conn,
            path: path.to_path_buf(),
            created: !existed || empty,
            lock_timeout,
        };
        if !db.is_read_only() {
            db.write_old_summaries();
        }
        Ok(db)
    }

    /// Computes the summaries missing (a file from before schema 6 had none) or stored in an
    /// older shape (`summary.version` below [`crate::stats::summary::SUMMARY_VERSION`]: a
    /// build that counts something more, as schema 11's languages), so the histogram screen and `stats` read them as before rather
    /// than count a whole snapshot on every open. One indexed look when there are none. A
    /// failure leaves the old ones, which are then counted when read: said, not fatal.
    fn write_old_summaries(&self) {
        let ids: rusqlite::Result<Vec<i64>> = self
            .conn
            .prepare(
                "SELECT s.id FROM snapshot s LEFT JOIN summary m ON m.snapshot_id = s.id
                 WHERE s.status = 'complete' AND (m.version IS NULL OR m.version < ?1)
                 ORDER BY s.id",
            )
            .and_then(|mut st| {
                st.query_map([crate::stats::summary::SUMMARY_VERSION], |r| r.get(0))?
                    .collect()
            });
        let ids = match ids {
            Ok(ids) if ids.is_empty() => return,
            other => other,
        };
        let written = ids.map_err(|e| self.err(e)).and_then(|ids| {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| self.err(e))?;
            let all = ids.iter().enumerate().try_for_each(|(k, id)| {
                eprintln!(
                    "gptscope: {}: the landscape of snapshot {} of {}",
                    self.path.display(),
                    k + 1,
                    ids.len()
                );
                crate::stats::summary::write(self, *id)
            });
            let end = if all.is_ok() { "COMMIT" } else { "ROLLBACK" };
            self.conn.execute_batch(end).map_err(|e| self.err(e))?;
            all
        });
        if let Err(e) = written {
            tracing::warn!("summaries not written again: {e}");
            eprintln!("gptscope: the snapshots' summaries will be counted when read ({e})");
        }
    }

    /// True when this process cannot write the database.
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How long a statement waits for another connection's lock.
    pub fn lock_timeout(&self) -> Duration {
        self.lock_timeout
    }

    /// True when this open created the database file.
    pub fn was_created(&self) -> bool {
        self.created
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Wraps a SQLite error with this database's path.
    pub fn err(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, e)
    }

    /// A second connection to the file that cannot write anything, for SQL typed by people
    /// (`gptscope sql`): opened read-only (no statement can undo that, unlike `PRAGMA
    /// query_only`, which it also sets), with no room to `ATTACH` another file. A file this
    /// process may not write is opened immutable, as [`Db::open`] does.
    pub fn reader(&self) -> Result<Connection> {
        let err = |e| self.err(e);
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| read_identity(&c).map(|_| c))
        .or_else(|_| open_immutable(&self.path))
        .map_err(err)?;
        conn.busy_timeout(self.lock_timeout).map_err(err)?;
        conn.pragma_update(None, "query_only", true).map_err(err)?;
        // Grouping and DISTINCT build their b-trees in memory, as on the main connection. The
        // page cache stays SQLite's 2 MB: a scan of 1M versions (`count(*)` of a snapshot)
        // took 0.07 s through it and 0.11 s through 64 MB (fresh pages to fault in).
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(err)?;
        conn.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED, 0)
            .map_err(err)?;
        Ok(conn)
    }
}

/// Opens a database read-only and immutable (no WAL index needed).
fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::CannotOpen {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let n = file.read(&mut header).map_err(|e| StoreError::CannotOpen {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    if n == 0 {
        return Ok(()); // An empty file is an empty database to SQLite.
    }
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    Ok(())
}

fn read_identity(conn: &Connection) -> rusqlite::Result<(i32, i32, i64)> {
    let app_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    Ok((app_id, version, tables))
}
