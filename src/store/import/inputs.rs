//! What an import reads: the paths named, folders walked (recursively, sorted, hidden files
//! left out), grouped by the date in their path for `--by-date`, and the default label.
//!
//! A folder's files that are **not data by their name** are not read: documentation (a file
//! named like `README.md`, `SOURCE.md`, `LICENSE`, `CITATION.cff`: a documentation name with a
//! text extension or none), code and configuration (`make.py`, `scrape.ipynb`, `config.toml`),
//! images and PDFs. A walk lists them as not read and leaves them out. A dataset's folder keeps
//! its provenance and scripts beside its data, and read as lists they gave nonsense: a
//! provenance table's rows were "skipped records" and a script a "file not imported" (so
//! `--strict` refused the folder), a store link quoted as an example became a GPT, and under
//! `--by-date` a README at the archive's root, in no dated folder, failed the whole import.
//! Everything else is read and its format told by its content, as before: the rule only leaves
//! out names no GPT list has. A file named on the command line is always read (a README that
//! *is* a list of GPTs imports when named: `gptscope import awesome-gpts/README.md`).

use super::{ImportError, Input};
use std::path::{Path, PathBuf};

/// The inputs of an import, and the files the walk of a folder left out.
#[derive(Debug, Default)]
pub struct Expanded {
    pub inputs: Vec<Input>,
    /// Files found in the folders walked that are not data by their names ([`not_data`]).
    pub not_read: Vec<PathBuf>,
}

/// File names (without extension, any case, `-` as `_`) that name documentation. Only names
/// no list of GPTs goes by: not `history`, `authors` or `sources`, which a crawl's files may be.
const DOC_NAMES: [&str; 12] = [
    "readme",
    "source",
    "provenance",
    "license",
    "licence",
    "copying",
    "notice",
    "changelog",
    "contributing",
    "citation",
    "code_of_conduct",
    "datasheet",
];

/// File names of code's own files (`requirements.txt`, `Makefile`), likewise.
const CODE_NAMES: [&str; 4] = ["requirements", "makefile", "dockerfile", "pipfile"];

/// Extensions a documentation file has (or none): text, not data.
const DOC_EXTENSIONS: [&str; 8] = ["md", "markdown", "txt", "rst", "adoc", "org", "cff", "html"];

/// Extensions of code, notebooks and configuration: no GPT list is one.
const CODE_EXTENSIONS: [&str; 27] = [
    "py", "ipynb", "r", "rmd", "rs", "js", "mjs", "cjs", "ts", "sh", "bash", "ps1", "bat", "go",
    "java", "rb", "pl", "php", "c", "h", "cpp", "toml", "yaml", "yml", "ini", "cfg", "lock",
];

/// Extensions of images and documents: no GPT list is one either.
const MEDIA_EXTENSIONS: [&str; 9] = [
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "pdf", "docx",
];

/// Why a file found in a folder is not data by its name, or `None` when it may be (its content
/// then tells its format): `"documentation"` for a [`DOC_NAMES`] name with a
/// [`DOC_EXTENSIONS`] extension or none (`README.md`, `LICENSE`; not `readme.json`), `"code"`
/// for a [`CODE_NAMES`] name so (`requirements.txt`) or a [`CODE_EXTENSIONS`] extension
/// (`make.py`), `"media"` for a [`MEDIA_EXTENSIONS`] one.
pub fn not_data(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    let (stem, ext) = match name.split_once('.') {
        Some((stem, ext)) => (stem, Some(ext.to_ascii_lowercase())),
        None => (name, None),
    };
    let stem = stem.to_ascii_lowercase().replace('-', "_");
    if ext.as_deref().is_none_or(|e| DOC_EXTENSIONS.contains(&e)) {
        if DOC_NAMES.contains(&stem.as_str()) {
            return Some("documentation");
        }
        if CODE_NAMES.contains(&stem.as_str()) {
            return Some("code");
        }
    }
    let last = name.rsplit_once('.')?.1.to_ascii_lowercase();
    if CODE_EXTENSIONS.contains(&last.as_str()) {
        Some("code")
    } else if MEDIA_EXTENSIONS.contains(&last.as_str()) {
        Some("media")
    } else {
        None
    }
}

/// Expands folders (recursively, sorted, hidden files and files not data by their names left
/// out) and checks that the paths exist. An error when nothing is left to read, naming a file
/// left out.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Expanded, ImportError> {
    fn walk(dir: &Path, out: &mut Expanded) -> std::io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| !n.starts_with('.'))
            })
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out)?;
            } else if not_data(&p).is_some() {
                out.not_read.push(p);
            } else {
                out.inputs.push(Input::Path(p));
            }
        }
        Ok(())
    }
    let mut out = Expanded::default();
    for p in paths {
        let meta = std::fs::metadata(p)
            .map_err(|e| ImportError::Input(format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            walk(p, &mut out).map_err(|e| ImportError::Input(format!("{}: {e}", p.display())))?;
        } else {
            out.inputs.push(Input::Path(p.clone()));
        }
    }
    if out.inputs.is_empty() {
        let named = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ImportError::Input(match out.not_read.first() {
            None => format!("no files to import in {named}"),
            Some(doc) => format!(
                "no files to import in {named}: only files that are not data by their names \
                 ({}{}), read only when named",
                doc.display(),
                match out.not_read.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                }
            ),
        }));
    }
    Ok(out)
}

/// The date a path is filed under: its last folder named `YYYY-MM-DD`.
pub fn date_of(path: &Path) -> Option<String> {
    let is_date = |c: &str| {
        c.len() == 10
            && c.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    };
    path.parent()?
        .components()
        .rev()
        .filter_map(|c| c.as_os_str().to_str())
        .find(|c| is_date(c))
        .map(str::to_owned)
}

/// Inputs grouped by the date in their path ([`date_of`]), oldest first: a dated archive of
/// daily dumps becomes one snapshot per day. The error names a file whose path has no date.
pub fn group_by_date(inputs: Vec<Input>) -> Result<Vec<(String, i64, Vec<Input>)>, ImportError> {
    let mut groups: std::collections::BTreeMap<String, Vec<Input>> = Default::default();
    for input in inputs {
        let Input::Path(path) = &input else {
            continue;
        };
        let date = date_of(path).ok_or_else(|| {
            ImportError::Input(format!(
                "{}: no YYYY-MM-DD folder in its path (--by-date wants …/2024-03-28/…)",
                path.display()
            ))
        })?;
        groups.entry(date).or_default().push(input);
    }
    groups
        .into_iter()
        .map(|(date, inputs)| {
            let at = crate::time::parse_timestamp(&date)
                .ok_or_else(|| ImportError::Input(format!("{date}: not a date")))?;
            Ok((date, at, inputs))
        })
        .collect()
}

/// The label of an import of one folder: its name and how many files were read in it
/// (`external/ (22 files)`); `None` for anything else (the first file's name is used).
pub fn folder_label(paths: &[PathBuf], files: usize) -> Option<String> {
    let [folder] = paths else {
        return None;
    };
    if !folder.is_dir() {
        return None;
    }
    let name = std::fs::canonicalize(folder)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| folder.display().to_string());
    Some(match files {
        1 => format!("{name}/ (1 file)"),
        n => format!("{name}/ ({n} files)"),
    })
}

/// A default label: the first input's file name, and how many more there are.
pub fn default_label(inputs: &[Input]) -> String {
    let first = match inputs.first() {
        Some(Input::Path(p)) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string()),
        Some(Input::Memory { name, .. }) => (*name).to_owned(),
        None => "empty".to_owned(),
    };
    match inputs.len() {
        0 | 1 => first,
        n => format!("{first} (+{} more)", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_data_are_told_by_name() {
        for (file, why) in [
            ("README.md", "documentation"),
            ("readme", "documentation"),
            ("SOURCE.md", "documentation"),
            ("LICENSE", "documentation"),
            ("LICENSE.txt", "documentation"),
            ("Licence.md", "documentation"),
            ("CITATION.cff", "documentation"),
            ("code-of-conduct.md", "documentation"),
            ("CHANGELOG.rst", "documentation"),
            ("requirements.txt", "code"),
            ("Makefile", "code"),
            ("make.py", "code"),
            ("scrape.ipynb", "code"),
            ("config.TOML", "code"),
            ("logo.png", "media"),
        ] {
            assert_eq!(not_data(Path::new(file)), Some(why), "{file}");
        }
        for data in [
            "gpts.md",
            "history.jsonl",
            "history.md",
            "sources.txt",
            "authors.csv",
            "source.json",
            "README.json",
            "awesome-gpts.md",
            "sources.csv.zst",
            "readme_gpts.md",
            "dump",
            "gpts.xlsx",
            "page.html",
        ] {
            assert_eq!(not_data(Path::new(data)), None, "{data}");
        }
    }

    #[test]
    fn a_walk_leaves_documentation_out_and_a_named_file_in() {
        let dir = tempfile::tempdir().unwrap();
        let day = dir.path().join("2024-03-28");
        std::fs::create_dir(&day).unwrap();
        for f in ["README.md", "gpts.jsonl", "make.py"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        for f in ["SOURCE.md", "LICENSE", "front.json"] {
            std::fs::write(day.join(f), "x").unwrap();
        }
        let e = expand_paths(&[dir.path().to_path_buf()]).unwrap();
        let names = |ps: Vec<&Path>| -> Vec<String> {
            ps.iter()
                .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
                .collect()
        };
        let read = e
            .inputs
            .iter()
            .map(|i| match i {
                Input::Path(p) => p.as_path(),
                Input::Memory { .. } => unreachable!(),
            })
            .collect();
        assert_eq!(names(read), ["2024-03-28/front.json", "gpts.jsonl"]);
        assert_eq!(
            names(e.not_read.iter().map(PathBuf::as_path).collect()),
            [
                "2024-03-28/LICENSE",
                "2024-03-28/SOURCE.md",
                "README.md",
                "make.py"
            ]
        );
        assert_eq!(
            folder_label(std::slice::from_ref(&day), 1).as_deref(),
            Some("2024-03-28/ (1 file)")
        );
        assert_eq!(folder_label(&[day.join("front.json")], 1), None);
        // Named, a README is read.
        let named = expand_paths(&[dir.path().join("README.md")]).unwrap();
        assert_eq!(named.inputs.len(), 1);
        assert!(named.not_read.is_empty());
        // A folder of documentation only: an error that says so.
        let docs = tempfile::tempdir().unwrap();
        std::fs::write(docs.path().join("README.md"), "x").unwrap();
        let err = expand_paths(&[docs.path().to_path_buf()])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not data") && err.contains("README.md"),
            "{err}"
        );
    }
}
