//! The documented SQL views: the database as an analyst's artefact, read from `sqlite3`,
//! DuckDB (`ATTACH … (TYPE sqlite)`), Datasette or `gptscope sql` without knowing how we
//! store things (versions with validity intervals, bit sets, content-addressed details).
//!
//! Six views, one row per thing an analyst counts, readable columns (names as in the CSV
//! export; times as ISO-8601 UTC text; tools, categories and signals as JSON arrays of names):
//!
//! | view | one row per | columns |
//! |---|---|---|
//! | `snapshots` | complete snapshot | `snapshot_id`, `label`, `source`, `taken_at`, `created_at`, `gpts` (available), `unavailable`, `authors`, `shelves`, `merged`, `skipped`, `locale` |
//! | `gpts` | GPT in a snapshot | `snapshot_id`, `gpt_id`, `url`, `name`, `description`, `author_id`, `author_name`, `author_verified`, `category`, `categories`, `tools`, `action_count`, `knowledge_files`, `conversations` (the store's bucket, `1K+`), `conversations_lower_bound`, `rating`, `review_count`, `review_total`, `created_at`, `updated_at`, `signals`, `available` (0/1), `fetch_status`, `language` (ISO 639-1 code, `und` too short to tell) |
//! | `authors` | author with an available GPT in a snapshot | `snapshot_id`, `author_id`, `display_name`, `link_to`, `verified`, `socials`, `gpts`, `conversations_total`, `conversations_median`, `review_total`, `review_count`, `tools` |
//! | `actions` | Action of a GPT in a snapshot | `snapshot_id`, `gpt_id`, `position`, `domain`, `auth`, `privacy_policy_url`, `available` |
//! | `shelves` | GPT at a position of a store-front shelf | `snapshot_id`, `shelf_id`, `shelf_title`, `display_group`, `page_position`, `position`, `gpt_id`, `name`, `author` |
//! | `signals` | monetisation signal kind of a GPT in a snapshot | `snapshot_id`, `gpt_id`, `kind`, `evidence` (JSON array), `available` |
//!
//! `stats` counts available GPTs: `gpts WHERE available` gives its figures (a test holds the
//! two together on the bundled sample).
//!
//! Written for SQLite and DuckDB alike: DuckDB's `ATTACH … (TYPE sqlite)` binds a view's SQL
//! itself where it can, so every join has `ON` or is a `CROSS JOIN`, JSON is read with `->>`
//! (text in both; `json_extract` quotes strings in DuckDB), and each computed column is a
//! `CAST` (a view with one column of no declared type reads as all text in DuckDB). DuckDB has
//! none of SQLite's date functions, so the two views with ISO times (`snapshots`, `gpts`) still
//! read as text there (checked with DuckDB 1.5.5); ISO text for every SQLite reader won over
//! integer seconds for DuckDB's sake (the Parquet export is DuckDB's typed path).
//!
//! Why views and not tables: they cost nothing to keep current (every import, refresh and
//! delete changes the tables under them), and a snapshot is the versions whose interval holds
//! its id, the very condition the explorer reads with ([`super::versions::alive_in`]). The
//! columns that need a lookup (author name, description) are scalar subqueries, which SQLite
//! evaluates only when a query names them: `SELECT count(*) FROM gpts WHERE snapshot_id = N`
//! scans the versions alone. Tool and signal names come from the code's own tables
//! ([`ToolMask::NAMED`], [`SignalKind::ALL`]), so the views cannot disagree with them.

use crate::signals::SignalKind;
use crate::store::record::ToolMask;
use rusqlite::Connection;

/// The views' names, in the order they are documented.
pub const VIEWS: [&str; 6] = [
    "snapshots",
    "gpts",
    "authors",
    "actions",
    "shelves",
    "signals",
];

/// `strftime` of unix seconds as ISO-8601 UTC, NULL stays NULL.
fn iso(column: &str) -> String {
    format!("CAST(strftime('%Y-%m-%dT%H:%M:%SZ', {column}, 'unixepoch') AS TEXT)")
}

/// A JSON array of the names whose bits `column` has: `["browser","python"]`, `[]`.
fn names_of_bits<'a>(column: &str, named: impl Iterator<Item = (&'a str, u32)>) -> String {
    let parts: Vec<String> = named
        .map(|(name, bit)| format!("CASE WHEN {column} & {bit} THEN ',\"{name}\"' ELSE '' END"))
        .collect();
    format!(
        "CAST('[' || substr({}, 2) || ']' AS TEXT)",
        parts.join(" || ")
    )
}

/// Tools as the CSV export lists them: every kind but knowledge files (a count of their own).
fn tools(column: &str) -> String {
    names_of_bits(
        column,
        ToolMask::NAMED
            .into_iter()
            .filter(|(_, bit)| *bit != ToolMask::KNOWLEDGE),
    )
}

fn signals(column: &str) -> String {
    names_of_bits(
        column,
        SignalKind::ALL
            .into_iter()
            .map(|k| (k.name(), u32::from(k.bit()))),
    )
}

/// "Version `alias` is in the joined snapshot `s`": the explorer's condition, bounds unindexed.
fn alive(alias: &str) -> String {
    super::versions::alive_in(alias, "s.id")
}

/// Complete snapshots `s` joined with their GPT versions `g`, and `and` on the versions.
fn snapshot_gpts(and: &str) -> String {
    format!(
        "snapshot s JOIN gpt g ON s.status = 'complete' AND {}{and}",
        alive("g")
    )
}

/// The `CREATE VIEW` statements, in [`VIEWS`] order.
pub fn ddl() -> Vec<String> {
    let author = |column: &str| {
        format!(
            "(SELECT a.{column} FROM author_version a WHERE a.user_id = g.author_id AND {})",
            alive("a")
        )
    };
    vec![
        format!(
            "CREATE VIEW snapshots AS
             SELECT id AS snapshot_id, label, source, {taken} AS taken_at,
                    {created} AS created_at, gpts, unavailable, authors, shelves, merged, skipped,
                    locale
             FROM snapshot WHERE status = 'complete'",
            taken = iso("taken_at"),
            created = iso("created_at"),
        ),
        format!(
            "CREATE VIEW gpts AS
             SELECT s.id AS snapshot_id, g.id AS gpt_id,
                    CAST('https://chatgpt.com/g/' || coalesce(
                        (SELECT d.short_url FROM detail d WHERE d.hash = g.detail), g.id)
                        AS TEXT) AS url,
                    g.name,
                    (SELECT d.description FROM detail d WHERE d.hash = g.detail) AS description,
                    g.author_id, {author_name} AS author_name,
                    {author_verified} AS author_verified,
                    g.category, CAST(coalesce(g.categories, '[]') AS TEXT) AS categories,
                    {tools} AS tools, g.actions AS action_count, g.files AS knowledge_files,
                    g.conv_bucket AS conversations, g.conv AS conversations_lower_bound,
                    g.rating, g.review_count, g.review_total,
                    {created} AS created_at, {updated} AS updated_at,
                    {signals} AS signals, g.available, g.fetch_status, g.lang AS language
             FROM {join}",
            author_name = author("display_name"),
            author_verified = author("verified"),
            tools = tools("g.tools"),
            created = iso("g.created_at"),
            updated = iso("g.updated_at"),
            signals = signals("g.signals"),
            join = snapshot_gpts(""),
        ),
        format!(
            "CREATE VIEW authors AS
             SELECT s.id AS snapshot_id, a.user_id AS author_id, a.display_name, a.link_to,
                    a.verified, a.socials, a.gpts, a.conv_total AS conversations_total,
                    a.conv_median AS conversations_median, a.review_total, a.review_count,
                    {tools} AS tools
             FROM snapshot s JOIN author_version a ON s.status = 'complete' AND {alive}",
            tools = tools("a.tools"),
            alive = alive("a"),
        ),
        format!(
            "CREATE VIEW actions AS
             SELECT s.id AS snapshot_id, g.id AS gpt_id, x.pos AS position, x.domain, x.auth,
                    x.privacy_policy_url, g.available
             FROM {join}
             JOIN detail_action x ON x.detail = g.detail",
            join = snapshot_gpts(" AND g.actions > 0"),
        ),
        "CREATE VIEW shelves AS
         SELECT e.snapshot_id, e.shelf_id, h.title AS shelf_title, h.display_group,
                h.page_position, e.position, e.gpt_id, e.name, e.author
         FROM shelf_entry e
         JOIN snapshot s ON s.id = e.snapshot_id AND s.status = 'complete'
         LEFT JOIN shelf h ON h.snapshot_id = e.snapshot_id AND h.shelf_id = e.shelf_id"
            .to_owned(),
        format!(
            "CREATE VIEW signals AS
             SELECT s.id AS snapshot_id, g.id AS gpt_id, CAST(k.value ->> '$.kind' AS TEXT) AS kind,
                    CAST(k.value -> '$.evidence' AS TEXT) AS evidence, g.available
             FROM {join}
             CROSS JOIN json_each(g.evidence) AS k",
            join = snapshot_gpts(" AND g.signals != 0"),
        ),
    ]
}

/// (Re)creates the views (inside the caller's transaction).
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    for (name, sql) in VIEWS.iter().zip(ddl()) {
        conn.execute_batch(&format!("DROP VIEW IF EXISTS {name}; {sql};"))?;
    }
    Ok(())
}
