//! The scoring engine behind a small trait, so that it is one file: fuzzy-matcher's
//! SkimMatcherV2 (smart case), which scores a subsequence match higher for matches at word starts
//! and for consecutive letters, and gives the matched characters' positions.
//!
//! Scores of ASCII names come from [`skim_ascii`], the same algorithm as fuzzy-matcher 0.3.7's
//! `SkimMatcherV2::fuzzy` (default configuration, smart case, no positions) step for step, on
//! bytes and buffers the scorer owns: the crate decodes every name into a `Vec<char>` and looks
//! up three thread-local buffers per call, which made scoring 60 % of a keystroke over 10M
//! names. The tests hold the port to the crate's scores on synthetic and real names; anything
//! else (other scripts, names over [`LONGEST`] bytes) is scored by the crate itself.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Scores how well a name matches a query.
pub trait Scorer: Send {
    /// `None` when the query's characters are not all in the name, in order.
    fn score(&mut self, name: &str, query: &str) -> Option<i64>;
    /// The score and the matched positions, counted in characters (not bytes).
    fn positions(&self, name: &str, query: &str) -> Option<(i64, Vec<usize>)>;
}

/// Names longer than this are scored by fuzzy-matcher itself.
const LONGEST: usize = 512;

/// fuzzy-matcher's Skim algorithm, smart case: case matters only when the query has capitals.
pub struct Skim {
    matcher: SkimMatcherV2,
    cells: Vec<Cell>,
    bonus: Vec<i32>,
    first: Vec<usize>,
}

impl Default for Skim {
    fn default() -> Self {
        Skim {
            matcher: SkimMatcherV2::default().smart_case(),
            cells: Vec::new(),
            bonus: Vec::new(),
            first: Vec::new(),
        }
    }
}

impl Scorer for Skim {
    fn score(&mut self, name: &str, query: &str) -> Option<i64> {
        if name.is_ascii() && query.is_ascii() && name.len() <= LONGEST {
            skim_ascii(
                name.as_bytes(),
                query.as_bytes(),
                &mut self.cells,
                &mut self.bonus,
                &mut self.first,
            )
        } else {
            self.matcher.fuzzy_match(name, query)
        }
    }

    fn positions(&self, name: &str, query: &str) -> Option<(i64, Vec<usize>)> {
        self.matcher.fuzzy_indices(name, query)
    }
}

// SkimScoreConfig::default() of fuzzy-matcher 0.3.7.
const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const BONUS_FIRST_CHAR_MULTIPLIER: i32 = 2;
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
const NEG_INFINITY: i32 = i16::MIN as i32;

/// One cell of the two score rows: best score ending in a match (`m`), in a skip (`p`), and the
/// consecutive bonus carried along.
#[derive(Clone, Copy)]
struct Cell {
    m: i32,
    p: i32,
    bonus: i32,
}

const RESET: Cell = Cell {
    m: NEG_INFINITY,
    p: NEG_INFINITY,
    bonus: 0,
};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

fn kind(b: u8) -> Kind {
    match b {
        0 => Kind::Empty,
        b' ' | b'/' | b'\\' | b'|' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Kind::HardSep,
        b'!'..=b'\'' | b'*'..=b'.' | b':'..=b'@' | b'^'..=b'`' | b'~' => Kind::SoftSep,
        b'0'..=b'9' => Kind::Number,
        b'A'..=b'Z' => Kind::Upper,
        _ => Kind::Lower,
    }
}

/// The bonus for a match at a character of kind `cur` after one of kind `prev`: word head,
/// break after punctuation, camel hump, or none.
fn in_place_bonus(prev: Kind, cur: Kind) -> i32 {
    match (prev, cur) {
        (Kind::Empty | Kind::HardSep, _) => BONUS_HEAD,
        (Kind::SoftSep, _) => BONUS_BREAK,
        (Kind::Lower | Kind::Number, Kind::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

fn equal(a: u8, b: u8, case_sensitive: bool) -> bool {
    if case_sensitive {
        a == b
    } else {
        a.eq_ignore_ascii_case(&b)
    }
}

/// The score of a character matching: less when only a case-insensitive query made it match.
fn match_score(c: u8, p: u8, case_sensitive: bool) -> i32 {
    let penalty = if !case_sensitive && p != c {
        PENALTY_CASE_MISMATCH
    } else {
        0
    };
    (SCORE_MATCH + penalty).max(0)
}

/// SkimMatcherV2's score of an ASCII `choice` for an ASCII `pattern`: an affine-gap alignment
/// over two rows, as the crate computes it without positions (including which cells each step
/// reads), so the numbers are the crate's.
fn skim_ascii(
    choice: &[u8],
    pattern: &[u8],
    cells: &mut Vec<Cell>,
    bonus: &mut Vec<i32>,
    first: &mut Vec<usize>,
) -> Option<i64> {
    if pattern.is_empty() {
        return Some(0);
    }
    let case_sensitive = pattern.iter().any(u8::is_ascii_uppercase);
    // Where each pattern character first matches, in order (the cheap test).
    first.clear();
    let mut want = pattern.iter().peekable();
    for (i, &c) in choice.iter().enumerate() {
        match want.peek() {
            Some(&&p) if equal(c, p, case_sensitive) => {
                first.push(i);
                want.next();
            }
            Some(_) => {}
            None => break,
        }
    }
    if want.peek().is_some() {
        return None;
    }
    if let [p] = pattern {
        // One character: the rows reduce to the best match alone, the skip score before it
        // (`GAP_EXTENSION`) plus its place's bonus and the match score.
        let mut best = NEG_INFINITY;
        let mut prev = Kind::Empty;
        for (j, &c) in choice.iter().enumerate() {
            let k = kind(c);
            if equal(c, *p, case_sensitive) {
                let mut in_place = in_place_bonus(prev, k);
                if j == 0 {
                    in_place *= BONUS_FIRST_CHAR_MULTIPLIER;
                }
                best = best.max(GAP_EXTENSION + in_place + match_score(c, *p, case_sensitive));
            }
            prev = k;
        }
        return Some(i64::from(best));
    }
    let cols = choice.len() + 1;
    cells.clear();
    cells.resize(2 * cols, RESET);
    bonus.clear();
    bonus.resize(cols, 0);
    let mut prev = Kind::Empty;
    for (j, &c) in choice.iter().enumerate() {
        let k = kind(c);
        bonus[j + 1] = in_place_bonus(prev, k);
        prev = k;
    }
    if cols > 1 {
        bonus[1] *= BONUS_FIRST_CHAR_MULTIPLIER;
    }
    let at = |row: usize, col: usize| row * cols + col;
    cells[at(0, 0)] = RESET;
    cells[at(1, first[0])] = RESET;
    for col in 0..cols {
        cells[at(0, col)] = Cell {
            p: GAP_EXTENSION,
            ..RESET
        };
    }
    for (i, &p) in pattern.iter().enumerate() {
        let row = (i + 1) & 1;
        let row_prev = i & 1;
        let to_skip = first[i];
        for (j, &c) in choice[to_skip..].iter().enumerate() {
            let col = to_skip + j + 1;
            let col_prev = to_skip + j;
            let (cur, last, before) = (at(row, col), at(row, col_prev), at(row_prev, col_prev));
            if equal(c, p, case_sensitive) {
                let matched = match_score(c, p, case_sensitive);
                let prev_m = cells[before].m;
                let prev_p = cells[before].p;
                let in_place = bonus[col];
                let consecutive = cells[last].bonus.max(in_place.max(BONUS_CONSECUTIVE));
                cells[last].bonus = consecutive;
                let by_match = prev_m + consecutive;
                let by_skip = prev_p + in_place;
                cells[cur].m = by_match.max(by_skip) + matched;
            } else {
                cells[cur].m = NEG_INFINITY;
                cells[cur].bonus = 0;
            }
            let from_m = GAP_START + GAP_EXTENSION + cells[last].m;
            let from_p = GAP_EXTENSION + cells[last].p;
            cells[cur].p = from_m.max(from_p);
        }
    }
    let row = pattern.len() & 1;
    let from = first[pattern.len() - 1];
    cells[at(row, from)..at(row, cols)]
        .iter()
        .map(|c| c.m)
        .max()
        .map(i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our score and the crate's, for every name and each of [`queries`]; the first
    /// disagreement if any.
    fn disagreement(names: &[String]) -> Option<String> {
        let crate_matcher = SkimMatcherV2::default().smart_case();
        let mut ours = Skim::default();
        let queries = queries();
        assert!(!names.is_empty() && !queries.is_empty());
        for name in names {
            for q in &queries {
                let a = ours.score(name, q);
                let b = crate_matcher.fuzzy_match(name, q);
                if a != b {
                    return Some(format!("{name:?} for {q:?}: ours {a:?}, the crate's {b:?}"));
                }
            }
        }
        None
    }

    fn queries() -> Vec<String> {
        let mut q: Vec<String> = ('a'..='z').chain('0'..='9').map(String::from).collect();
        for word in [
            "marketing",
            "pyth tut",
            "scholr g",
            "gpt",
            "GPT",
            "Py",
            "c++",
            "a b",
            "ai-",
            "seo",
            "writer",
            "code",
            "Dall",
            "img gen",
            "xyz",
            "  ",
            "-",
            "(",
            "logo",
            "ChatGPT",
        ] {
            for end in 1..=word.len() {
                q.push(word[..end].to_owned());
            }
        }
        q
    }

    #[test]
    fn ascii_scores_are_the_crates_on_synthetic_names() {
        let mut rng = gptscope_testkit::synth::Rng::new(7);
        let names: Vec<String> = (0..3000)
            .map(|_| gptscope_testkit::synth::name(&mut rng))
            .collect();
        assert_eq!(disagreement(&names), None);
    }

    #[test]
    fn ascii_scores_are_the_crates_on_real_names_and_odd_ones() {
        let text = include_str!("../../tests/fixtures/gizmos_2023-11_300.jsonl");
        let mut names: Vec<String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| {
                v.pointer("/gizmo/display/name")
                    .or_else(|| v.pointer("/display/name"))
                    .and_then(|n| n.as_str())
                    .map(str::to_owned)
            })
            .collect();
        assert!(names.len() > 200, "{} names", names.len());
        for odd in [
            "",
            "a",
            "A",
            "aA",
            "camelCaseName",
            "HTTPServer",
            "snake_case_name",
            "kebab-case--name",
            "  spaced  out  ",
            "(paren) [bracket] {brace} |pipe| /slash\\",
            "dots.and:colons;and@at",
            "123abc456DEF",
            "mmmmmmmmmmmmmmmmmmmm",
            "mamamamamamarketing marketing MARKETING",
            "tab\there",
            "nul\0inside",
            "~tilde^caret`grave",
        ] {
            names.push(odd.to_owned());
        }
        names.push("marketing ".repeat(60)); // over LONGEST: the crate's own score
        assert_eq!(disagreement(&names), None);
    }

    #[test]
    fn other_scripts_are_scored_by_the_crate() {
        let crate_matcher = SkimMatcherV2::default().smart_case();
        let mut ours = Skim::default();
        for (name, q) in [
            ("사주 보기", "사"),
            ("Café crème", "cafe"),
            ("Ünïcode", "n"),
        ] {
            assert_eq!(ours.score(name, q), crate_matcher.fuzzy_match(name, q));
        }
    }
}
