//! The snapshot store: the normalised record ([`record`]), the parsers of every source format
//! ([`parse`]), the SQLite database ([`db`], [`schema`]), the snapshot writer ([`writer`]) and
//! importer ([`import`]), and the query layer ([`query`]) that the TUI and the CLI share.

pub mod authors;
pub mod chunks;
pub mod db;
pub mod diff;
pub mod export;
pub mod import;
pub mod languages;
pub mod parse;
pub mod prune;
pub mod query;
pub mod record;
pub mod resignal;
pub mod schema;
pub mod shelves;
pub mod sql_views;
pub mod upgrade;
pub mod versions;
pub mod view;
pub mod writer;

pub use db::{Db, StoreError};
pub use record::GptRecord;
