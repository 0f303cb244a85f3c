//! gptscope: a terminal explorer of OpenAI's GPT Store.
//!
//! Data flows one way: source files and the live API are parsed into one normalised record
//! ([`store::record::GptRecord`]), written as immutable snapshots into SQLite ([`store`]), and
//! read back through one query layer by the CLI ([`cli`]) and, later, the TUI. See
//! `../shared/DESIGN.md` for the whole picture; each module's doc says what it owns.

pub mod assets;
pub mod cli;
pub mod stats;
pub mod store;
pub mod synth;
pub mod text;
pub mod time;
