//! gptscope: a terminal explorer of OpenAI's GPT Store.
//!
//! Data flows one way: source files and the live API are parsed into one normalised record
//! ([`store::record::GptRecord`]), written as immutable snapshots into SQLite ([`store`]), and
//! read back through one query layer by the CLI ([`cli`]) and the explorer ([`tui`]). See
//! `ARCHITECTURE.md` for the whole picture; each module's doc says what it owns.

pub mod assets;
pub mod cli;
pub mod config;
pub mod language;
pub mod live;
pub mod report;
pub mod search;
pub mod signals;
pub mod stats;
pub mod store;
pub mod text;
pub mod time;
pub mod tui;

// Import parses records on one thread and frees them on another: mimalloc handles that traffic
// far better than glibc's malloc (measured: about a quarter less CPU for an import). Set here so
// the binary, the tests and the benchmarks all run with the same allocator. Not in the library's
// own unit-test build: it links the test kit, whose copy of this library already sets it.
#[cfg(not(test))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
