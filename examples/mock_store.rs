//! A mock GPT Store on 127.0.0.1, for trying the live panes and refreshes offline:
//!
//!     cargo run --example mock_store -- --port 8787 [--extra 200] [--token T] [--faults RULE,...]
//!                                        [--graph GPTS:AUTHORS] [--replay DIR]
//!     gptscope --base-url http://127.0.0.1:8787 ...
//!
//! It serves the real discovery answer in `tests/fixtures/` on every endpoint of the store's
//! API, each shelf lengthened by `--extra` synthetic GPTs; `--graph 50000:10000` adds a store of
//! synthetic GPTs and authors behind it (for `refresh crawl`); `--replay DIR` serves a saved
//! day instead (`DIR/discovery.json` and the shelves' saved pages, as the store answered). Fault rules: `FAULT[@PATH][*TIMES]`
//! with FAULT one of 401, 403, 404, 500, 429:SECS (Retry-After), slow:MS, truncated, malformed;
//! e.g. `--faults 429:2@/gizmos/*3,slow:500@/discovery`.

use gptscope_testkit::mock::{FaultRule, MockConfig, MockStore};
use std::path::PathBuf;

fn main() {
    let mut port = 8787u16;
    let mut config = MockConfig {
        extra_per_shelf: 200,
        ..MockConfig::default()
    };
    let mut discovery = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/discovery_2026-04-14_global.json");
    let mut replay: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--port" => port = value().parse().unwrap_or(port),
            "--extra" => config.extra_per_shelf = value().parse().unwrap_or(0),
            "--token" => config.token = Some(value()),
            "--discovery" => discovery = PathBuf::from(value()),
            "--replay" => replay = Some(PathBuf::from(value())),
            "--graph" => {
                let v = value();
                let parsed = v
                    .split_once(':')
                    .and_then(|(g, a)| Some((g.parse().ok()?, a.parse().ok()?)));
                match parsed {
                    Some(g) => {
                        config.graph = Some(g);
                        config.extra_per_shelf = 0;
                    }
                    None => {
                        eprintln!("mock_store: --graph {v:?}: expected GPTS:AUTHORS");
                        std::process::exit(2);
                    }
                }
            }
            "--faults" => {
                for rule in value().split(',').filter(|r| !r.is_empty()) {
                    match FaultRule::parse(rule) {
                        Some(r) => config.faults.push(r),
                        None => {
                            eprintln!("mock_store: --faults: {rule:?} is not a fault rule");
                            std::process::exit(2);
                        }
                    }
                }
            }
            other => {
                eprintln!("mock_store: unknown argument {other:?}");
                std::process::exit(2);
            }
        }
    }
    let started = match &replay {
        Some(dir) => MockStore::replay(dir, config, port),
        None => MockStore::start_on(&discovery, config, port),
    };
    match started {
        Ok(store) => {
            eprintln!(
                "mock GPT Store at {} ({} GPTs); gptscope --base-url {} …",
                store.url(),
                store.gpt_ids().len(),
                store.url()
            );
            store.wait();
        }
        Err(e) => {
            eprintln!(
                "mock_store: {}: {e}",
                replay.as_ref().unwrap_or(&discovery).display()
            );
            std::process::exit(1);
        }
    }
}
