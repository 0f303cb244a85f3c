//! Files compiled into the binary: the bundled BeeTrove sample (Apache-2.0, see `assets/NOTICE`),
//! imported as snapshot 1 of a new database so gptscope works from any directory, offline.

use crate::store::Db;
use crate::store::import::{ImportError, ImportOptions, ImportReport, Input, import};

/// 397 GPTs with >= 300 conversations from BeeTrove's 5% sample, crawled 2024-01..2024-03.
pub const SAMPLE_GPTS: &[u8] = include_bytes!("../assets/beetrove_sample_2024-03.json");
/// BeeTrove's monitoring of the store front on 2024-03-28.
pub const SAMPLE_HOMEPAGE: &[u8] = include_bytes!("../assets/beetrove_homepage_2024-03-28.csv");
/// The most common words of the sample's GPT names, descriptions and prompt starters (counted
/// from it; Apache-2.0 as the sample), most common first: a crawl's search terms.
pub const COMMON_WORDS: &str = include_str!("../assets/common_words.txt");

/// [`COMMON_WORDS`] as a list.
pub fn common_words() -> Vec<&'static str> {
    COMMON_WORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The attribution the sample's licence asks for.
pub const NOTICE: &str = include_str!("../assets/NOTICE");

pub const SAMPLE_LABEL: &str = "BeeTrove sample (2024-03)";
pub const SAMPLE_SOURCE: &str = "bundled: BeeTrove OpenAI GPTs Dataset (Apache-2.0), Mafei 2024";

/// The bundled sample as import inputs.
pub fn sample_inputs() -> Vec<Input> {
    vec![
        Input::Memory {
            name: "assets/beetrove_sample_2024-03.json",
            bytes: SAMPLE_GPTS,
        },
        Input::Memory {
            name: "assets/beetrove_homepage_2024-03-28.csv",
            bytes: SAMPLE_HOMEPAGE,
        },
    ]
}

/// For unit tests: a new database in `dir` holding the bundled sample as snapshot 1, and its
/// path.
#[cfg(test)]
pub(crate) fn sample_db(dir: &std::path::Path) -> (std::path::PathBuf, Db) {
    let path = dir.join("sample.db");
    let mut db = Db::open(&path, std::time::Duration::from_secs(1)).expect("a new database");
    import_sample(&mut db).expect("the bundled sample imports");
    (path, db)
}

/// Imports the bundled sample as a new snapshot (what a new database starts with).
pub fn import_sample(db: &mut Db) -> Result<ImportReport, ImportError> {
    let opts = ImportOptions {
        label: Some(SAMPLE_LABEL.to_owned()),
        source: Some(SAMPLE_SOURCE.to_owned()),
        ..ImportOptions::default()
    };
    import(db, &sample_inputs(), &opts, &|_| {})
}
