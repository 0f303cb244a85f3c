//! The live store: what the GPT Store shows now, over its HTTP API. `client` owns the HTTP
//! (rate limit, concurrency, retries, the token), `api` the endpoints (parsed by the import
//! parsers), `mock` a loopback store for tests and offline use.

pub mod api;
pub mod client;
pub mod compare;
pub mod refresh;

pub use client::{Client, LiveConfig, LiveError, LiveEvent, Session, Token};
