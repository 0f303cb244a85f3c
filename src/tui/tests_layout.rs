//! The explorer's layering, checked on its source: a screen depends on `kit`, `keys` and the
//! effect types only (never on another screen, the app, a popup or a service); `kit` knows no
//! screen; the router stays small and no function grows past what a reader takes in at once.

use std::path::{Path, PathBuf};

fn tui() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui")
}

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn screens_depend_on_kit_keys_and_the_effect_types_only() {
    let screens = tui().join("screens");
    let names: Vec<String> = std::fs::read_dir(&screens)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 7, "{names:?}");
    for name in &names {
        for (path, text) in sources(&screens.join(name)) {
            for other in names.iter().filter(|o| *o != name) {
                for uses in [
                    format!("screens::{other}"),
                    format!("super::super::{other}"),
                ] {
                    assert!(!text.contains(&uses), "{}: uses {uses}", path.display());
                }
            }
            for layer in ["tui::app", "tui::popups", "tui::services"] {
                assert!(!text.contains(layer), "{}: uses {layer}", path.display());
            }
        }
    }
    for (path, text) in sources(&tui().join("kit")) {
        for layer in ["tui::screens", "tui::app", "tui::popups", "tui::services"] {
            assert!(!text.contains(layer), "{}: uses {layer}", path.display());
        }
    }
}

#[test]
fn the_router_is_small_and_functions_are_short() {
    let router = std::fs::read_to_string(tui().join("app/router.rs")).unwrap();
    assert!(
        router.lines().count() < 400,
        "router: {} lines",
        router.lines().count()
    );
    for (path, text) in sources(&tui()) {
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let code = line.trim_start();
            let indent = line.len() - code.len();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "async fn ",
            ]
            .iter()
            .any(|p| code.starts_with(p))
                && !code.ends_with(';');
            if is_fn {
                let close = format!("{}}}", " ".repeat(indent));
                let end = (i + 1..lines.len())
                    .find(|&j| lines[j].starts_with(&close) && lines[j].trim_end() == close)
                    .unwrap_or(i);
                let long = end - i + 1;
                let test_file = path
                    .file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with("tests"));
                assert!(
                    test_file || long <= 120,
                    "{}:{}: a function of {long} lines",
                    path.display(),
                    i + 1
                );
                i = end;
            }
            i += 1;
        }
    }
}
