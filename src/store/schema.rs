//! The SQLite schema and its migrations (`PRAGMA user_version`).
//!
//! Layout, and why:
//! - `snapshot`: one row per snapshot; `status = 'complete'` only once its transaction commits.
//! - `gpt`: one row per GPT per snapshot, holding what lists sort and filter on (name, numbers,
//!   a tool bit set, dates) and the indexes those sorts need. Long text is not here.
//! - `detail` (+ `detail_category`, `detail_action`): description, welcome message, starters,
//!   categories, tools and Actions, content-addressed by a 128-bit hash, so a GPT whose text did
//!   not change between snapshots shares one row.
//! - `blob`: each record's raw source JSON, zstd-compressed and content-addressed the same way.
//! - `author`: per snapshot, the author's profile and roll-ups (GPT count, conversations,
//!   ratings, tool mix) computed once at import so author screens never aggregate 1M rows.
//! - `shelf`, `shelf_entry`: the store front: shelves and who was at which position.
//! - `source_file`: the files a snapshot was read from; `gpt.file_no`/`gpt.line` point into it.

use rusqlite::Connection;

/// Our `PRAGMA application_id` ("GPTS"), to tell our databases from other SQLite files.
pub const APPLICATION_ID: i32 = 0x4750_5453;

/// The newest schema this build knows.
pub const SCHEMA_VERSION: i32 = 1;

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
    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    file_no     INTEGER NOT NULL,
    path        TEXT NOT NULL,
    format      TEXT NOT NULL,
    records     INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, file_no)
) WITHOUT ROWID;

CREATE TABLE blob (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    z    BLOB NOT NULL
);

CREATE TABLE detail (
    id              INTEGER PRIMARY KEY,
    hash            BLOB NOT NULL UNIQUE,
    short_url       TEXT,
    description     TEXT,
    welcome_message TEXT,
    prompt_starters TEXT NOT NULL,
    categories      TEXT NOT NULL,
    tools           TEXT NOT NULL,
    default_model   TEXT,
    share_recipient TEXT,
    rating_by_star  TEXT
);

CREATE TABLE detail_category (
    detail_id INTEGER NOT NULL,
    slug      TEXT NOT NULL,
    PRIMARY KEY (detail_id, slug)
) WITHOUT ROWID;
CREATE INDEX detail_category_slug ON detail_category(slug);

CREATE TABLE detail_action (
    detail_id INTEGER NOT NULL,
    pos       INTEGER NOT NULL,
    domain    TEXT,
    auth      TEXT NOT NULL,
    privacy_policy_url TEXT,
    PRIMARY KEY (detail_id, pos)
) WITHOUT ROWID;

CREATE TABLE gpt (
    rowid        INTEGER PRIMARY KEY,
    snapshot_id  INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    author_id    TEXT,
    category     TEXT,
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
    detail_id    INTEGER NOT NULL REFERENCES detail(id),
    blob_id      INTEGER NOT NULL REFERENCES blob(id),
    file_no      INTEGER NOT NULL,
    line         INTEGER NOT NULL
);
CREATE UNIQUE INDEX gpt_by_id   ON gpt(snapshot_id, id);
CREATE INDEX gpt_by_conv        ON gpt(snapshot_id, conv);
CREATE INDEX gpt_by_rating      ON gpt(snapshot_id, rating);
CREATE INDEX gpt_by_reviews     ON gpt(snapshot_id, review_count);
CREATE INDEX gpt_by_name        ON gpt(snapshot_id, name COLLATE NOCASE);
CREATE INDEX gpt_by_created     ON gpt(snapshot_id, created_at);
CREATE INDEX gpt_by_updated     ON gpt(snapshot_id, updated_at);
CREATE INDEX gpt_by_author      ON gpt(snapshot_id, author_id);
CREATE INDEX gpt_history        ON gpt(id, snapshot_id);

CREATE TABLE author (
    snapshot_id      INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
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
    snapshot_id   INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    shelf_id      TEXT NOT NULL,
    title         TEXT,
    description   TEXT,
    display_type  TEXT,
    display_group TEXT,
    page_position INTEGER,
    PRIMARY KEY (snapshot_id, shelf_id)
) WITHOUT ROWID;

CREATE TABLE shelf_entry (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    shelf_id    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    gpt_id      TEXT,
    name        TEXT,
    author      TEXT,
    PRIMARY KEY (snapshot_id, shelf_id, position)
) WITHOUT ROWID;
CREATE INDEX shelf_entry_gpt ON shelf_entry(snapshot_id, gpt_id);
"#;

/// Brings a database to [`SCHEMA_VERSION`]. Each step runs in its own transaction.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version < 1 {
        let tx = conn.transaction()?;
        tx.execute_batch(V1)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", 1)?;
        tx.commit()?;
    }
    Ok(())
}
