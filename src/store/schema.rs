//! The SQLite schema and its migrations (`PRAGMA user_version`).
//!
//! Layout, and why:
//! - `snapshot`: one row per snapshot; `status = 'complete'` only once its transaction commits.
//!   `top` names its [`TOP`] most used GPTs (JSON array of version ids, by conversations then
//!   version id, both descending): the explorer's first page before its columns load, written
//!   at import from what the writer already holds. (Until schema 9 an index of every version by
//!   conversations served that page; building it was 0.5 s of a 1M first import, and a name
//!   search walking it read rows at random: 0.36 s against 0.16 s for a scan.)
//! - `gpt`: GPT *versions*, one row per distinct content of a GPT, valid over the snapshot ids
//!   `first ..= last` (see [`super::versions`] for why intervals): what lists sort and filter on
//!   (name, numbers, a tool bit set, dates), where and when it was first read; long text is not
//!   here. Indexed by id, author and each bound (see [`VERSION_INDEXES`] for why not by every
//!   sort column). `gpt_<snapshot id>` is a view of one snapshot's versions with
//!   the version id as `rowid`, so every list reads a snapshot as it read schema 4's
//!   per-snapshot table. (Schema 4 copied every row into a table per snapshot: a daily 1M
//!   snapshot cost ~320 MB whatever changed.)
//! - `detail` (+ `detail_action`): description, welcome message, starters, tools and Actions,
//!   content-addressed by a 128-bit hash (xxh3) of that content, so a GPT whose text did not
//!   change between snapshots shares one row. GPT rows refer to it by the hash itself, so a
//!   batch of rows is written with `INSERT OR IGNORE` and never needs to read ids back. (Rowid
//!   tables with a unique hash index measured 40% cheaper to fill than WITHOUT ROWID tables
//!   keyed by the hash: appending 300-byte rows beats inserting them at random places.) The
//!   unique index is a named one ([`HASHED`]), so a first import drops it and sorts it at commit.
//! - `blob`: the records' raw source JSON, zstd-compressed and content-addressed the same way.
//!   Since schema 8 a row is a frame: the sources of a batch of records (a parser unit, ~1 MB)
//!   compressed together, which a version names by the frame's hash, the offset and the length
//!   (`writer::Frame`: 16x against the 10.6x of one record with a dictionary, one row per ~400
//!   records). Rows from before hold one record each, many compressed with a dictionary
//!   trained on the import's first records (`zdict`, kept for them).
//! - `author_version` (and the `author` view, by snapshot): the author's profile and roll-ups
//!   (GPT count, conversations, ratings, tool mix) computed once at import so author screens
//!   never aggregate 1M rows, versioned like the GPTs.
//! - `shelf`, `shelf_entry`: the store front: shelves and who was at which position (numbered
//!   by the one rule of [`super::shelves`]); a shelf a refresh could not finish says how
//!   (`status` failed / cut, `note`).
//! - `summary`: a snapshot's whole landscape (`stats --json`), written at import
//!   (`crate::stats::summary`).
//! - `vcolumn`, `snapshot_vids`: the columns lists and counts read, compact, by chunk of
//!   version ids, and which versions each snapshot holds ([`super::chunks`]).
//! - `source_file`: the files a snapshot was read from; a version's `src`/`file_no`/`line` point
//!   into it (kept while a version still names it).
//!
//! References between tables are kept by the writer, not by foreign keys (see `db`).

use rusqlite::Connection;

/// Our `PRAGMA application_id` ("GPTS"), to tell our databases from other SQLite files.
pub const APPLICATION_ID: i32 = 0x4750_5453;

/// The newest schema this build knows.
pub const SCHEMA_VERSION: i32 = 11;

/// How many GPTs `snapshot.top` names: the explorer's quick first page.
pub const TOP: usize = 500;

/// The version of the monetisation-signal rules snapshots were computed with (see
/// `snapshot.signals_version`); a snapshot below it needs `gptscope signals --recompute`.
pub const SIGNALS_VERSION: i32 = 1;

const V1: &str = r#"
CREATE TABLE snapshot (
    id          INTEGER PRIMARY KEY,
    label       TEXT NOT NULL,
    source      TEXT NOT NULL,
    taken_at    INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    status      TEXT NOT NULL,
    gpts        INTEGER NOT NULL DEFAULT 0,
    unavailable INTEGER NOT NULL DEFAULT 0,
    authors     INTEGER NOT NULL DEFAULT 0,
    shelves     INTEGER NOT NULL DEFAULT 0,
    merged      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    report      TEXT
);

CREATE TABLE source_file (
    snapshot_id INTEGER NOT NULL,
    file_no     INTEGER NOT NULL,
    path        TEXT NOT NULL,
    format      TEXT NOT NULL,
    records     INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, file_no)
) WITHOUT ROWID;

CREATE TABLE zdict (
    id   INTEGER PRIMARY KEY,
    dict BLOB NOT NULL
);

CREATE TABLE detail_action (
    detail    BLOB NOT NULL,
    pos       INTEGER NOT NULL,
    domain    TEXT,
    auth      TEXT NOT NULL,
    privacy_policy_url TEXT,
    PRIMARY KEY (detail, pos)
) WITHOUT ROWID;

CREATE TABLE author (
    snapshot_id      INTEGER NOT NULL,
    user_id          TEXT NOT NULL,
    display_name     TEXT,
    link_to          TEXT,
    selected_display TEXT,
    verified         INTEGER,
    socials          TEXT NOT NULL,
    gpts             INTEGER NOT NULL,
    conv_total       INTEGER NOT NULL,
    conv_median      INTEGER,
    review_total     INTEGER NOT NULL,
    review_count     INTEGER NOT NULL,
    tools            INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, user_id)
) WITHOUT ROWID;

CREATE TABLE shelf (
    snapshot_id   INTEGER NOT NULL,
    shelf_id      TEXT NOT NULL,
    title         TEXT,
    description   TEXT,
    display_type  TEXT,
    display_group TEXT,
    page_position INTEGER,
    PRIMARY KEY (snapshot_id, shelf_id)
) WITHOUT ROWID;

CREATE TABLE shelf_entry (
    snapshot_id INTEGER NOT NULL,
    shelf_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    gpt_id      TEXT,
    name        TEXT,
    author      TEXT,
    PRIMARY KEY (snapshot_id, shelf_id, position)
) WITHOUT ROWID;
CREATE INDEX shelf_entry_gpt ON shelf_entry(snapshot_id, gpt_id);
"#;

/// The content-addressed tables: each record's raw source (zstd, `blob`) and the slow-changing
/// text of a GPT (`detail`), one row per distinct 128-bit hash, which a named unique index
/// (`blob_hash`, `detail_hash`) keeps distinct. Named, not an inline `UNIQUE`, so that a bulk
/// load can drop it and build it at commit by sorting ([`drop_for_bulk_load`]): kept up to date
/// row by row, at random places, it was a quarter of a first import's writer (schema 6 and
/// before had the inline constraint; schema 7 rebuilds the tables without it).
const HASHED: [(&str, &str); 2] = [
    (
        "blob",
        "id INTEGER PRIMARY KEY, hash BLOB NOT NULL, dict_id INTEGER, z BLOB NOT NULL",
    ),
    (
        "detail",
        "id INTEGER PRIMARY KEY, hash BLOB NOT NULL, short_url TEXT, description TEXT, \
         welcome_message TEXT, prompt_starters TEXT NOT NULL, tools TEXT NOT NULL, \
         default_model TEXT, share_recipient TEXT, rating_by_star TEXT",
    ),
];

/// Creates `blob` and `detail` (see [`HASHED`]) with their unique hash indexes.
fn create_hashed(conn: &Connection) -> rusqlite::Result<()> {
    for (table, columns) in HASHED {
        conn.execute_batch(&format!("CREATE TABLE {table} ({columns});"))?;
    }
    create_hash_indexes(conn)
}

/// A secondary index, and whether a bulk load drops it and sorts it at commit (its keys come in
/// random order: maintained row by row, each insert lands at a random place) or keeps it (its
/// keys grow at one end: every new version has the same `first` and no `last`, with a rising
/// version id; building those at commit instead cost two more scans of the table).
struct Index {
    name: &'static str,
    /// `table(column)`.
    on: &'static str,
    unique: bool,
    deferred: bool,
}

impl Index {
    const fn new(name: &'static str, on: &'static str, unique: bool, deferred: bool) -> Index {
        Index {
            name,
            on,
            unique,
            deferred,
        }
    }
}

/// The unique hash indexes of `blob` and `detail` (a bulk load keeps its rows distinct itself).
const HASH_INDEXES: [Index; 2] = [
    Index::new("blob_hash", "blob(hash)", true, true),
    Index::new("detail_hash", "detail(hash)", true, true),
];

/// The GPT versions' indexes: by id (lookups, histories), by author (author pages), and by
/// each bound (a diff reads the versions that start or end between two snapshots). The
/// explorer's first page before its columns load is `snapshot.top`, not an index.
///
/// Sorting by the other columns (rating, reviews, name, created, updated, …) is not done with
/// indexes: the explorer sorts each column once in memory ([`super::view::Columns`]) and then a
/// sort change is a lookup (0.9 ms on 1M GPTs, against ~150 ms to read an index of 1M rows in
/// order), and filters combine with any sort, which no single index serves.
const VERSION_INDEXES: [Index; 4] = [
    Index::new("gpt_id", "gpt(id)", false, true),
    Index::new("gpt_author", "gpt(author_id)", false, true),
    Index::new("gpt_first", "gpt(first)", false, false),
    Index::new("gpt_last", "gpt(last)", false, false),
];

/// The author versions' indexes: by user (an author's history, the base's versions) and by
/// each bound. A bulk load writes its authors in user order and indexes them after: cheaper
/// than three index inserts a row, each a descent from the root.
const AUTHOR_INDEXES: [Index; 3] = [
    Index::new(
        "author_version_user",
        "author_version(user_id)",
        false,
        true,
    ),
    Index::new("author_version_first", "author_version(first)", false, true),
    Index::new("author_version_last", "author_version(last)", false, true),
];

fn create_indexes(conn: &Connection, indexes: &[Index]) -> rusqlite::Result<()> {
    for i in indexes {
        let unique = if i.unique { "UNIQUE " } else { "" };
        conn.execute_batch(&format!(
            "CREATE {unique}INDEX IF NOT EXISTS {} ON {};",
            i.name, i.on
        ))?;
    }
    Ok(())
}

pub(crate) fn create_hash_indexes(conn: &Connection) -> rusqlite::Result<()> {
    create_indexes(conn, &HASH_INDEXES)
}

pub fn index_versions(conn: &Connection) -> rusqlite::Result<()> {
    create_indexes(conn, &VERSION_INDEXES)
}

pub fn index_authors(conn: &Connection) -> rusqlite::Result<()> {
    create_indexes(conn, &AUTHOR_INDEXES)
}

/// Drops the indexes a bulk load builds at commit ([`Index::deferred`]): the writer then
/// creates each list again ([`create_hash_indexes`], [`index_versions`], [`index_authors`]).
pub(crate) fn drop_for_bulk_load(conn: &Connection) -> rusqlite::Result<()> {
    let deferred = HASH_INDEXES
        .iter()
        .chain(&VERSION_INDEXES)
        .chain(&AUTHOR_INDEXES)
        .filter(|i| i.deferred);
    for i in deferred {
        conn.execute_batch(&format!("DROP INDEX IF EXISTS {};", i.name))?;
    }
    Ok(())
}

/// How much of SQLite's page cache [`sorting_in_runs`] leaves: a sorted run's size (KiB).
const RUN_KIB: i64 = 4096;

/// Runs `build` (index creation) with SQLite's sorter writing sorted runs to temporary files.
///
/// Why: our connections keep temporary storage in memory (`temp_store = MEMORY`), and then
/// SQLite's sorter never splits its work: every key of a `CREATE INDEX` goes into one linked
/// list, merge-sorted on one thread, whose random jumps through ~40 MB of keys miss the cache:
/// ~0.8 s for each index of 1M random keys (three of them in a first 1M import). With
/// temporary files the sorter cuts the keys into runs of the page cache's size, sorts each
/// (4 MB: in cache) on a worker thread (`PRAGMA threads`) while it reads on, and merges the
/// runs in one sequential pass. Measured on a 1M import's file: details' hash 0.92 → 0.33 s,
/// GPT ids 0.68 → 0.34 s, authors 0.71 → 0.36 s; runs of 64 MB 0.51–0.56 s each, of 2 MB as
/// 4 MB. The runs take ~40 MB of temporary files at 1M (SQLite's temporary directory:
/// `SQLITE_TMPDIR`, `TMPDIR`, else `/var/tmp` or `/tmp`), unlinked as they are opened.
///
/// Should the temporary files fail (a full or missing temporary directory) while the
/// transaction survives, `build` runs again with everything in memory, as before; the indexes
/// are created with `IF NOT EXISTS`, so what the first attempt built stays.
pub(crate) fn sorting_in_runs<T>(
    conn: &Connection,
    mut build: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    let memory = |conn: &Connection| {
        conn.execute_batch(&format!(
            "PRAGMA temp_store = MEMORY; PRAGMA cache_size = {cache};"
        ))
    };
    // Refused inside a transaction once SQLite has opened its temporary database (a
    // migration's statements do): then the sort stays in memory, nothing else changed.
    if let Err(e) = conn.execute_batch("PRAGMA temp_store = FILE") {
        tracing::debug!("indexes sorted in memory: {e}");
        return build();
    }
    let runs = conn.execute_batch(&format!(
        "PRAGMA threads = 2; PRAGMA cache_size = -{RUN_KIB};"
    ));
    let built = match runs.and_then(|()| build()) {
        Err(e) if !conn.is_autocommit() => {
            tracing::warn!("sorting in temporary files failed ({e}); sorting in memory");
            memory(conn)?;
            build()
        }
        other => other,
    };
    // Back to memory whatever happened: the connection lives on.
    let back = memory(conn);
    let built = built?;
    back?;
    Ok(built)
}

/// Schema 6 → 7: `blob` and `detail` rebuilt without the inline `UNIQUE` (which no statement
/// can drop), their rows and ids as they were, then the named indexes. `progress` hears of each
/// table.
fn to_v7(conn: &Connection, progress: &mut dyn FnMut(&str, usize, usize)) -> rusqlite::Result<()> {
    for (i, (table, columns)) in HASHED.into_iter().enumerate() {
        progress("table", i, HASHED.len());
        let names: Vec<&str> = columns
            .split(',')
            .filter_map(|c| c.split_whitespace().next())
            .collect();
        let names = names.join(", ");
        conn.execute_batch(&format!(
            "CREATE TABLE {table}_v7 ({columns});
             INSERT INTO {table}_v7 ({names}) SELECT {names} FROM {table} ORDER BY id;
             DROP TABLE {table};
             ALTER TABLE {table}_v7 RENAME TO {table};"
        ))?;
    }
    create_hash_indexes(conn)?;
    progress("table", HASHED.len(), HASHED.len());
    Ok(())
}

/// The columns of a GPT version that are its content (hashed to tell versions apart), in the
/// order the writer binds and the hash reads them.
pub const GPT_CONTENT: [&str; 24] = [
    "id",
    "name",
    "author_id",
    "category",
    "categories",
    "tools",
    "actions",
    "files",
    "conv_bucket",
    "conv",
    "review_total",
    "review_count",
    "rating",
    "created_at",
    "created_from_id",
    "updated_at",
    "available",
    "detail",
    "name_key",
    "signals",
    "evidence",
    "fetch_status",
    "fetch_error",
    "about",
];

/// Where and when a GPT version was first read, and its raw source text as read (`blob`): not
/// content (a GPT read unchanged from the next day's file, or fetched again, shares the version
/// and keeps these, whatever the file's formatting or the fields no column holds). `src` (the
/// snapshot whose `source_file` rows `file_no` names) comes before them.
pub const GPT_SOURCE: [&str; 5] = ["file_no", "line", "observed_at", "fetched_at", "blob"];

/// Columns derived from a version's content when it is written, so not hashed (their inputs
/// are): `lang`, the main language of its name, description and prompt starters
/// ([`crate::language`], an ISO 639-1 code, `und` when too short to tell).
pub const GPT_DERIVED: [&str; 1] = ["lang"];

/// The content columns of an author version, likewise.
pub const AUTHOR_CONTENT: [&str; 12] = [
    "user_id",
    "display_name",
    "link_to",
    "selected_display",
    "verified",
    "socials",
    "gpts",
    "conv_total",
    "conv_median",
    "review_total",
    "review_count",
    "tools",
];

/// The versioned tables of schema 5 (see [`super::versions`]) and the `author` view over them.
/// `gpt` and `author_version` have no secondary index here: [`index_versions`] and
/// [`index_authors`] build them (after a bulk load, by sorting).
pub(crate) const V5: &str = r#"
CREATE TABLE gpt (
    vid          INTEGER PRIMARY KEY,
    first        INTEGER NOT NULL,
    last         INTEGER,
    hash         INTEGER NOT NULL,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    author_id    TEXT,
    category     TEXT,
    categories   TEXT,
    tools        INTEGER NOT NULL,
    actions      INTEGER NOT NULL,
    files        INTEGER NOT NULL,
    conv_bucket  TEXT,
    conv         INTEGER,
    review_total INTEGER,
    review_count INTEGER,
    rating       REAL,
    created_at   INTEGER,
    created_from_id INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER,
    observed_at  INTEGER,
    available    INTEGER NOT NULL DEFAULT 1,
    detail       BLOB NOT NULL,
    blob         BLOB NOT NULL,
    name_key     TEXT NOT NULL,
    signals      INTEGER NOT NULL DEFAULT 0,
    evidence     TEXT,
    fetch_status TEXT,
    fetch_error  TEXT,
    fetched_at   INTEGER,
    about        TEXT,
    src          INTEGER NOT NULL,
    file_no      INTEGER NOT NULL,
    line         INTEGER NOT NULL
);

CREATE TABLE author_version (
    avid             INTEGER PRIMARY KEY,
    first            INTEGER NOT NULL,
    last             INTEGER,
    hash             INTEGER NOT NULL,
    user_id          TEXT NOT NULL,
    display_name     TEXT,
    link_to          TEXT,
    selected_display TEXT,
    verified         INTEGER,
    socials          TEXT NOT NULL,
    gpts             INTEGER NOT NULL,
    conv_total       INTEGER NOT NULL,
    conv_median      INTEGER,
    review_total     INTEGER NOT NULL,
    review_count     INTEGER NOT NULL,
    tools            INTEGER NOT NULL
);

CREATE TABLE summary (
    snapshot_id INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL,
    stats       TEXT NOT NULL
);

CREATE VIEW author AS
    SELECT s.id AS snapshot_id, v.user_id, v.display_name, v.link_to, v.selected_display,
           v.verified, v.socials, v.gpts, v.conv_total, v.conv_median, v.review_total,
           v.review_count, v.tools
    FROM snapshot s JOIN author_version v
      ON +v.first <= s.id AND (+v.last IS NULL OR +v.last >= s.id);
"#;

/// The view holding a snapshot's GPTs (schema 4 had a table of that name). Snapshot ids come
/// from the database (integers), so the name is always a plain identifier.
pub fn gpt_table(snapshot_id: i64) -> String {
    format!("gpt_{snapshot_id}")
}

/// Creates the view of snapshot `snapshot_id`'s GPTs: its versions, the version id as `rowid`
/// (what every list keeps), the content columns, and where and when each was first read
/// ([`GPT_SOURCE`]).
pub fn create_gpt_view(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE VIEW IF NOT EXISTS {t} AS SELECT vid AS rowid, {content}, {derived}, src, {source}
         FROM gpt WHERE {alive};",
        t = gpt_table(snapshot_id),
        content = GPT_CONTENT.join(", "),
        derived = GPT_DERIVED.join(", "),
        source = GPT_SOURCE.join(", "),
        alive = super::versions::alive_in("", snapshot_id),
    ))
}

/// Adds a column unless the table has it (a migration interrupted between steps, or a table
/// made by a newer `create_gpt_table`, must not stop the next one).
fn add_column(conn: &Connection, table: &str, column: &str, decl: &str) -> rusqlite::Result<()> {
    let has: bool = conn
        .prepare(&format!(
            "SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"
        ))?
        .exists([column])?;
    if !has {
        conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {decl};"))?;
    }
    Ok(())
}

/// The columns schema 4 adds outside the GPT tables.
fn add_v4(conn: &Connection) -> rusqlite::Result<()> {
    add_column(conn, "snapshot", "locale", "TEXT")?;
    add_column(conn, "shelf", "status", "TEXT")?;
    add_column(conn, "shelf", "note", "TEXT")
}

/// The tables and columns schema 6 adds: the versions' compact columns and snapshots' version
/// ids ([`super::chunks`]), the landscape beside a summary.
fn add_v6(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(super::chunks::DDL)?;
    add_column(conn, "summary", "landscape", "TEXT")
}

/// The column schema 11 adds: each version's language (`und` until filled, [`to_v11`]).
fn add_v11(conn: &Connection) -> rusqlite::Result<()> {
    add_column(conn, "gpt", "lang", "TEXT NOT NULL DEFAULT 'und'")
}

/// Schema 11: every version's language detected from its stored text (in batches, on every
/// core), each snapshot's GPT view made again with the column, the compact columns' language
/// part written. The summaries, which need the whole store open, are computed again right after
/// (`Db::open` finds them in the older shape).
fn to_v11(tx: &Connection, progress: &mut dyn FnMut(&str, usize, usize)) -> rusqlite::Result<()> {
    add_v11(tx)?;
    super::languages::fill(tx, progress)?;
    let snapshots: Vec<i64> = tx
        .prepare("SELECT id FROM snapshot")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in snapshots {
        tx.execute_batch(&format!("DROP VIEW IF EXISTS {};", gpt_table(id)))?;
        create_gpt_view(tx, id)?;
    }
    super::chunks::write_languages(tx)
}

/// Every snapshot's GPT table (schema 4 and before: schema 5 has views by those names).
pub(crate) fn gpt_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'gpt_[0-9]*'",
    )?;
    st.query_map([], |r| r.get(0))?.collect()
}

/// Brings a database to [`SCHEMA_VERSION`]. Each step runs in its own transaction; `progress`
/// hears of the long ones (`progress(unit, done, total)`: schema 5 moves each snapshot, schema 7
/// rebuilds two tables).
///
/// - 1: the tables above.
/// - 2: monetisation signals: `signals` (a bit set) and `evidence` (JSON) on every GPT table,
///   `snapshot.signals_version`; snapshots from before have version 0 until
///   `gptscope signals --recompute` fills them (a new database starts at the newest directly).
/// - 3: `fetch_status` (ok / unavailable / stale), `fetch_error` and `fetched_at` on every GPT
///   table: how and when a refresh asked for each record (none for imported files).
/// - 4: `about` (the store's about answer: rating, category ranking, rating split; JSON) on every
///   GPT table; `shelf.status` / `shelf.note` (a shelf a refresh could not finish);
///   `snapshot.locale` (the store front's locale).
/// - 5: snapshots share what did not change: the per-snapshot GPT tables and the per-snapshot
///   author rows become versions with validity intervals ([`super::versions`]), `gpt_<id>` and
///   `author` become views of the same columns ([`super::upgrade`]).
/// - 6: the versions' compact columns and each snapshot's version ids ([`super::chunks`]),
///   built from the rows; `summary.landscape` (the histogram screen's whole-snapshot answer).
/// - 7: `blob` and `detail` unique by named indexes a bulk load can drop ([`HASHED`]).
/// - 8: raw sources in frames: a `blob` row may hold the sources of a batch of records
///   compressed together, and a version's `blob` is then 24 bytes (the frame's hash, then the
///   source's offset and length in it; 16 bytes, from before, still name a blob of one source).
///   Nothing stored changes: the number says the file may hold references older builds misread.
/// - 9: `snapshot.top`, a snapshot's most used GPTs, in place of the index by conversations.
/// - 10: the documented views for analysts' SQL ([`super::sql_views`]); nothing stored changes.
/// - 11: `gpt.lang`, each version's main language ([`crate::language`]), filled from the stored
///   text; the compact columns' language part; `gpts.language` in the views.
pub fn migrate(
    conn: &mut Connection,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> rusqlite::Result<()> {
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version < 1 {
        let tx = conn.transaction()?;
        tx.execute_batch(V1)?;
        create_hashed(&tx)?;
        tx.execute_batch(
            "ALTER TABLE snapshot ADD COLUMN signals_version INTEGER NOT NULL DEFAULT 0;",
        )?;
        add_v4(&tx)?;
        super::upgrade::to_v5(&tx, progress)?;
        add_v6(&tx)?;
        to_v9(&tx)?;
        add_v11(&tx)?;
        super::sql_views::create(&tx)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        return Ok(());
    }
    if version < 2 {
        let tx = conn.transaction()?;
        add_column(
            &tx,
            "snapshot",
            "signals_version",
            "INTEGER NOT NULL DEFAULT 0",
        )?;
        for t in gpt_tables(&tx)? {
            add_column(&tx, &t, "signals", "INTEGER NOT NULL DEFAULT 0")?;
            add_column(&tx, &t, "evidence", "TEXT")?;
        }
        tx.pragma_update(None, "user_version", 2)?;
        tx.commit()?;
    }
    if version < 3 {
        let tx = conn.transaction()?;
        for t in gpt_tables(&tx)? {
            add_column(&tx, &t, "fetch_status", "TEXT")?;
            add_column(&tx, &t, "fetch_error", "TEXT")?;
            add_column(&tx, &t, "fetched_at", "INTEGER")?;
        }
        tx.pragma_update(None, "user_version", 3)?;
        tx.commit()?;
    }
    if version < 4 {
        let tx = conn.transaction()?;
        add_v4(&tx)?;
        for t in gpt_tables(&tx)? {
            add_column(&tx, &t, "about", "TEXT")?;
        }
        tx.pragma_update(None, "user_version", 4)?;
        tx.commit()?;
    }
    if version < 11 {
        // 4 → 11 in one transaction: a failure leaves the file as it was.
        let tx = conn.transaction()?;
        if version >= 5 {
            // Before any step reads a chunk from the rows (those read `lang`).
            add_v11(&tx)?;
        }
        if version < 7 {
            to_v7_from(&tx, version, progress)?;
        }
        if version < 9 {
            to_v9(&tx)?;
        }
        to_v11(&tx, progress)?;
        super::sql_views::create(&tx)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
    }
    Ok(())
}

/// Schema 9: each snapshot's [`TOP`] GPTs by conversations in `snapshot.top`, read off its
/// compact columns ([`super::chunks::write_all_tops`]), then the index by conversations goes.
fn to_v9(tx: &Connection) -> rusqlite::Result<()> {
    add_column(tx, "snapshot", "top", "TEXT")?;
    super::chunks::write_all_tops(tx)?;
    tx.execute_batch("DROP INDEX IF EXISTS gpt_conv;")
}

/// The [`TOP`] most used of the GPTs pushed (conversations, version id): by conversations,
/// then version id, both descending, no conversations count last (the explorer's order, and
/// SQL's `ORDER BY conv DESC, rowid DESC`), kept in a bounded heap rather than sorting a
/// million pairs. What `snapshot.top` holds.
#[derive(Default)]
pub(crate) struct TopByConversations(
    std::collections::BinaryHeap<std::cmp::Reverse<(Option<i64>, i64)>>,
);

impl TopByConversations {
    pub(crate) fn push(&mut self, conv: Option<i64>, vid: i64) {
        let g = (conv, vid);
        if self.0.len() < TOP {
            self.0.push(std::cmp::Reverse(g));
        } else if self.0.peek().is_some_and(|least| g > least.0) {
            self.0.pop();
            self.0.push(std::cmp::Reverse(g));
        }
    }

    /// The version ids, most used first; stored as `snapshot.top` (a JSON array).
    pub(crate) fn json(self) -> String {
        let mut top: Vec<(Option<i64>, i64)> = self.0.into_iter().map(|r| r.0).collect();
        top.sort_unstable_by(|a, b| b.cmp(a));
        let vids: Vec<String> = top.iter().map(|(_, vid)| vid.to_string()).collect();
        format!("[{}]", vids.join(","))
    }
}

/// Schema 4, 5 or 6 → 7, inside the caller's transaction.
fn to_v7_from(
    tx: &Connection,
    version: i32,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> rusqlite::Result<()> {
    if version < 6 {
        if version < 5 {
            super::upgrade::to_v5(tx, progress)?;
            add_v11(tx)?;
        }
        add_v6(tx)?;
        super::chunks::build_all(tx)?;
    }
    // Files written while schema 6 was being built may lack the landscape column.
    add_column(tx, "summary", "landscape", "TEXT")?;
    to_v7(tx, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(conn: &Connection, name: &str) -> i64 {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    }

    /// A database of our own with a table of 20k rows in random key order, inside a write
    /// transaction (as an import's commit is).
    fn keys() -> (tempfile::TempDir, crate::store::db::Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::db::Db::open(&dir.path().join("g.db"), Default::default()).unwrap();
        db.conn()
            .execute_batch(
                "BEGIN IMMEDIATE;
                 CREATE TABLE k (x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                 INSERT INTO k SELECT hex(randomblob(8)) FROM n;",
            )
            .unwrap();
        (dir, db)
    }

    #[test]
    fn indexes_sort_in_temporary_files_and_the_connection_gets_its_memory_back() {
        let (_dir, db) = keys();
        let conn = db.conn();
        let cache = pragma(conn, "cache_size");
        let during = sorting_in_runs(conn, || {
            conn.execute_batch("CREATE INDEX IF NOT EXISTS k_x ON k(x)")?;
            Ok((pragma(conn, "temp_store"), pragma(conn, "cache_size")))
        })
        .unwrap();
        // 1 = FILE, 2 = MEMORY.
        assert_eq!(during, (1, -RUN_KIB));
        assert_eq!(pragma(conn, "temp_store"), 2);
        assert_eq!(pragma(conn, "cache_size"), cache);
        let sorted: Vec<String> = conn
            .prepare("SELECT x FROM k INDEXED BY k_x ORDER BY x")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(sorted.len(), 20_000);
        assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn with_the_temporary_database_open_the_sort_stays_in_memory() {
        let (_dir, db) = keys();
        let conn = db.conn();
        conn.execute_batch("CREATE TEMP TABLE t (x)").unwrap();
        let during = sorting_in_runs(conn, || {
            conn.execute_batch("CREATE INDEX IF NOT EXISTS k_x ON k(x)")?;
            Ok(pragma(conn, "temp_store"))
        })
        .unwrap();
        assert_eq!(during, 2);
        assert!(!conn.is_autocommit());
    }

    #[test]
    fn a_failed_sort_in_files_is_done_again_in_memory_within_the_transaction() {
        let (_dir, db) = keys();
        let conn = db.conn();
        let mut tries = Vec::new();
        sorting_in_runs(conn, || {
            tries.push(pragma(conn, "temp_store"));
            if tries.len() == 1 {
                // What a full temporary directory gives.
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                    None,
                ));
            }
            conn.execute_batch("CREATE INDEX IF NOT EXISTS k_x ON k(x)")
        })
        .unwrap();
        assert_eq!(tries, [1, 2]);
        assert!(!conn.is_autocommit(), "the transaction goes on");
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM k INDEXED BY k_x WHERE x > ''",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 20_000);
        assert_eq!(pragma(conn, "temp_store"), 2);
    }
}
