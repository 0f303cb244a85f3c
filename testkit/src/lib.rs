//! Test tools for gptscope, kept out of the product's library: a mock GPT Store over loopback
//! HTTP ([`mock`]) and a generator of synthetic store data ([`synth`]). The tests, benchmarks
//! and examples depend on this crate; the `gptscope` binary and library do not.

pub mod mock;
pub mod synth;
