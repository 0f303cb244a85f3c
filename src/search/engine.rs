//! The scoring engine behind a small trait, so that it is one file: fuzzy-matcher's
//! SkimMatcherV2 (smart case), which scores a subsequence match higher for matches at word starts
//! and for consecutive letters, and gives the matched characters' positions.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Scores how well a name matches a query.
pub trait Scorer: Send + Sync {
    /// `None` when the query's characters are not all in the name, in order.
    fn score(&self, name: &str, query: &str) -> Option<i64>;
    /// The score and the matched positions, counted in characters (not bytes).
    fn positions(&self, name: &str, query: &str) -> Option<(i64, Vec<usize>)>;
}

/// fuzzy-matcher's Skim algorithm, smart case: case matters only when the query has capitals.
pub struct Skim(SkimMatcherV2);

impl Default for Skim {
    fn default() -> Self {
        Skim(SkimMatcherV2::default().smart_case())
    }
}

impl Scorer for Skim {
    fn score(&self, name: &str, query: &str) -> Option<i64> {
        self.0.fuzzy_match(name, query)
    }

    fn positions(&self, name: &str, query: &str) -> Option<(i64, Vec<usize>)> {
        self.0.fuzzy_indices(name, query)
    }
}
