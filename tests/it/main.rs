//! The integration tests, one binary (the crate links once): whole flows through the real
//! binary, the real SQLite file and real HTTP over loopback to the mock store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod bad_input;
mod cli;
mod e2e;
mod export;
mod formats;
mod history;
mod languages;
mod lists;
mod live;
mod migrate;
mod parquet_export;
mod report;
mod sigkill;
mod sql;
