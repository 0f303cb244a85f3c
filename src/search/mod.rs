//! Fuzzy search of GPT and author names, built to stay interactive on a million names:
//!
//! - the names live in one buffer with offsets ([`NameIndex`]), not a `Vec<String>`, with a
//!   64-bit mask per name of the letters and digits it holds;
//! - a query first has to pass the mask test (every letter of the query is in the name) and a
//!   subsequence test, both a few nanoseconds; only then is it scored (the scorer is one file,
//!   [`engine`]);
//! - when a query extends the previous one, only the previous matches are searched;
//! - the work is split over every core, and abandoned as soon as a newer query arrives;
//! - results are positions in the index and scores, never copies of names.
//!
//! Ranking: a name equal to the query first, then names starting with it, then by the fuzzy score;
//! ties by conversations (or an author's total), then by position. Smart case: case matters only
//! when the query has capitals. A leading `'` (as in fzf) asks for the exact substring instead.

pub mod engine;

use crate::store::Db;
use crate::store::db::Result;
use crate::store::schema::gpt_table;
use engine::{Scorer, Skim};

/// Names to search, in one buffer.
#[derive(Default)]
pub struct NameIndex {
    text: String,
    ends: Vec<u32>,
    /// What each name stands for: a GPT's rowid, an author's position (by user id).
    ids: Vec<u32>,
    /// Tie-break: bigger first (conversations).
    ranks: Vec<u32>,
    masks: Vec<u64>,
}

/// Letters and digits present (ASCII, case folded), and one bit for "has other characters".
fn char_mask(s: &str) -> u64 {
    let mut m = 0u64;
    for b in s.bytes() {
        m |= match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            b'A'..=b'Z' => 1 << (b - b'A'),
            b'0'..=b'9' => 1 << (26 + b - b'0'),
            0x80..=0xFF => 1 << 63,
            _ => 0,
        };
    }
    m
}

impl NameIndex {
    /// Builds an index from (id, name, rank) entries.
    pub fn build<'a>(entries: impl IntoIterator<Item = (u32, &'a str, u32)>) -> NameIndex {
        let mut index = NameIndex::default();
        for (id, name, rank) in entries {
            index.push(id, name, rank);
        }
        index
    }

    fn push(&mut self, id: u32, name: &str, rank: u32) {
        self.text.push_str(name);
        self.ends.push(self.text.len() as u32);
        self.ids.push(id);
        self.ranks.push(rank);
        self.masks.push(char_mask(name));
    }

    /// The available GPTs of a snapshot: id = rowid, rank = conversations.
    pub fn load_gpts(db: &Db, snapshot_id: i64) -> Result<NameIndex> {
        let mut index = NameIndex::default();
        let mut st = db
            .conn()
            .prepare(&format!(
                "SELECT rowid, name, coalesce(conv, 0) FROM {} WHERE available = 1",
                gpt_table(snapshot_id)
            ))
            .map_err(|e| db.err(e))?;
        let mut rows = st.query([]).map_err(|e| db.err(e))?;
        while let Some(r) = rows.next().map_err(|e| db.err(e))? {
            let id: u32 = r.get(0).map_err(|e| db.err(e))?;
            let name = r.get_ref(1).map_err(|e| db.err(e))?.as_str().unwrap_or("");
            let rank = r
                .get::<_, i64>(2)
                .map_err(|e| db.err(e))?
                .clamp(0, i64::from(u32::MAX)) as u32;
            index.push(id, name, rank);
        }
        Ok(index)
    }

    /// The authors of a snapshot, by user id (the order of [`crate::store::authors::Authors`]):
    /// id = position, name = display name (or user id), rank = total conversations.
    pub fn load_authors(db: &Db, snapshot_id: i64) -> Result<NameIndex> {
        let mut index = NameIndex::default();
        let mut st = db
            .conn()
            .prepare(
                "SELECT coalesce(display_name, user_id), conv_total FROM author
                 WHERE snapshot_id = ?1 ORDER BY user_id",
            )
            .map_err(|e| db.err(e))?;
        let mut rows = st.query([snapshot_id]).map_err(|e| db.err(e))?;
        let mut i = 0u32;
        while let Some(r) = rows.next().map_err(|e| db.err(e))? {
            let name = r.get_ref(0).map_err(|e| db.err(e))?.as_str().unwrap_or("");
            let rank = r
                .get::<_, i64>(1)
                .map_err(|e| db.err(e))?
                .clamp(0, i64::from(u32::MAX)) as u32;
            index.push(i, name, rank);
            i += 1;
        }
        Ok(index)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn name(&self, pos: u32) -> &str {
        let p = pos as usize;
        let start = if p == 0 { 0 } else { self.ends[p - 1] as usize };
        // Offsets are pushed at name boundaries, so this never fails.
        self.text
            .get(start..self.ends[p] as usize)
            .unwrap_or_default()
    }

    pub fn id(&self, pos: u32) -> u32 {
        self.ids[pos as usize]
    }

    /// Bytes held, for the curious (the benchmark reports it).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + (self.ends.capacity() + self.ids.capacity() + self.ranks.capacity()) * 4
            + self.masks.capacity() * 8
    }
}

/// A query as typed: `'text` asks for an exact substring; capitals make it case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub text: String,
    pub exact: bool,
    pub case_sensitive: bool,
}

impl Query {
    pub fn parse(input: &str) -> Query {
        let (text, exact) = match input.strip_prefix('\'') {
            Some(rest) => (rest, true),
            None => (input, false),
        };
        Query {
            text: text.to_owned(),
            exact,
            case_sensitive: text.chars().any(char::is_uppercase),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Every match of `self` is a match of `previous` (so only those need searching).
    pub fn narrows(&self, previous: &Query) -> bool {
        self.exact == previous.exact
            && !previous.is_empty()
            && self.text.starts_with(&previous.text)
            && (self.case_sensitive || !previous.case_sensitive)
    }
}

/// A match: a position in the index, its score, and the name's tie-break rank (carried in the
/// hit so that sorting millions of hits compares values at hand instead of looking each rank up
/// at a random place: a third of a one-letter query's time at 10M names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub pos: u32,
    pub rank: u32,
    pub score: i64,
}

impl Hit {
    /// The ranking as one number, bigger first: score, then rank, then the earlier position
    /// (one comparison of two words where sorting millions of hits made three).
    fn key(&self) -> u128 {
        let score = (self.score as u64) ^ (1 << 63); // order-preserving for signed scores
        (u128::from(score) << 64) | (u128::from(self.rank) << 32) | u128::from(!self.pos)
    }
}

const EXACT_NAME: i64 = 1 << 40;
const PREFIX: i64 = 1 << 36;

/// A score in words: how the name matched (`exact`, `prefix`, `fuzzy`) and the matcher's points
/// (higher is better; the bonuses that rank exact names and prefixes first taken out).
pub fn describe_score(score: i64) -> (&'static str, i64) {
    if score >= EXACT_NAME {
        ("exact", score - EXACT_NAME)
    } else if score >= PREFIX {
        ("prefix", score - PREFIX)
    } else {
        ("fuzzy", score)
    }
}
/// Names between cancellation checks.
const CHECK_EVERY: usize = 2048;

fn fold(c: char, case_sensitive: bool) -> char {
    if case_sensitive {
        c
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// The query's characters appear in the name in order (the cheap test before scoring).
fn is_subsequence(name: &str, query: &str, case_sensitive: bool) -> bool {
    if name.is_ascii() && query.is_ascii() {
        let mut q = query.bytes().peekable();
        for b in name.bytes() {
            match q.peek() {
                None => return true,
                Some(&c) => {
                    let hit = if case_sensitive {
                        b == c
                    } else {
                        b.eq_ignore_ascii_case(&c)
                    };
                    if hit {
                        q.next();
                    }
                }
            }
        }
        return q.peek().is_none();
    }
    let mut q = query.chars().map(|c| fold(c, case_sensitive)).peekable();
    for c in name.chars() {
        match q.peek() {
            None => return true,
            Some(&want) if fold(c, case_sensitive) == want => {
                q.next();
            }
            Some(_) => {}
        }
    }
    q.peek().is_none()
}

/// Where `query` occurs in `name` as a substring (smart case), as a char position.
fn find_exact(name: &str, query: &Query) -> Option<usize> {
    let at = if query.case_sensitive {
        name.find(&query.text)
    } else if name.is_ascii() && query.text.is_ascii() {
        let n = query.text.len();
        name.as_bytes()
            .windows(n.max(1))
            .position(|w| w.eq_ignore_ascii_case(query.text.as_bytes()))
            .filter(|_| n > 0)
    } else {
        // Characters counted in the lowercased name (the same count but for rare letters
        // whose lowercase is longer).
        let lower = name.to_lowercase();
        let b = lower.find(&query.text.to_lowercase())?;
        return Some(lower[..b].chars().count());
    }?;
    Some(name[..at].chars().count())
}

/// Scores one name; `None` when it does not match.
fn score(name: &str, query: &Query, mask: u64, qmask: u64, scorer: &mut dyn Scorer) -> Option<i64> {
    if mask & qmask != qmask {
        return None;
    }
    let base = if query.exact {
        let at = find_exact(name, query)?;
        1000 - (at.min(999) as i64)
    } else {
        if !is_subsequence(name, &query.text, query.case_sensitive) {
            return None;
        }
        scorer.score(name, &query.text)?
    };
    let bonus = match prefix_of(name.trim(), &query.text, query.case_sensitive) {
        Some(true) => EXACT_NAME,
        Some(false) => PREFIX,
        None => 0,
    };
    Some(base + bonus)
}

/// Whether the name starts with the query (`Some(true)` when it is the whole name), comparing
/// characters the way the query asks (smart case), without allocating.
fn prefix_of(name: &str, query: &str, case_sensitive: bool) -> Option<bool> {
    if name.is_ascii() && query.is_ascii() {
        let (n, q) = (name.as_bytes(), query.as_bytes());
        let head = n.get(..q.len())?;
        let same = if case_sensitive {
            head == q
        } else {
            head.eq_ignore_ascii_case(q)
        };
        return same.then_some(n.len() == q.len());
    }
    let mut chars = name.chars();
    for want in query.chars() {
        let got = chars.next()?;
        if fold(got, case_sensitive) != fold(want, case_sensitive) {
            return None;
        }
    }
    Some(chars.next().is_none())
}

/// Searches the index (or only `within`, positions of an earlier search), on `threads` threads,
/// giving up (None) as soon as `cancelled()` says a newer query came. Hits best first.
pub fn search(
    index: &NameIndex,
    query: &Query,
    within: Option<&[u32]>,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Hit>> {
    let qmask = char_mask(&query.text);
    let all: Vec<u32>;
    let candidates: &[u32] = match within {
        // The previous hits come best first, scattered over the names: read in index order
        // (through a bit set, cheaper than sorting), the names stream from memory instead of
        // each costing a cache miss. The hits are sorted afterwards anyway.
        Some(w) if w.len() > 100_000 => {
            let set: crate::store::chunks::VidSet = w.iter().map(|&p| i64::from(p) + 1).collect();
            all = set
                .range(1, index.len() as i64)
                .map(|v| (v - 1) as u32)
                .collect();
            &all
        }
        Some(w) => w,
        None => {
            all = (0..index.len() as u32).collect();
            &all
        }
    };
    let threads = threads
        .clamp(1, 16)
        .min(candidates.len().div_ceil(10_000).max(1));
    let chunk = candidates.len().div_ceil(threads).max(1);
    let order = |a: &Hit, b: &Hit| b.key().cmp(&a.key());
    let parts: Vec<Option<Vec<Hit>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = candidates
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut scorer = Skim::default();
                    let mut hits = Vec::new();
                    for (i, &pos) in part.iter().enumerate() {
                        if i % CHECK_EVERY == 0 && cancelled() {
                            return None;
                        }
                        let p = pos as usize;
                        let score = if query.is_empty() {
                            Some(0)
                        } else {
                            score(index.name(pos), query, index.masks[p], qmask, &mut scorer)
                        };
                        if let Some(score) = score {
                            let rank = index.ranks[p];
                            hits.push(Hit { pos, rank, score });
                        }
                    }
                    hits.sort_unstable_by_key(|h| std::cmp::Reverse(h.key()));
                    Some(hits)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten())
            .collect()
    });
    let mut parts: Vec<Vec<Hit>> = parts.into_iter().collect::<Option<Vec<_>>>()?;
    if cancelled() {
        return None;
    }
    // Merge the sorted parts.
    while parts.len() > 1 {
        let b = parts.pop().unwrap_or_default();
        let a = parts.pop().unwrap_or_default();
        let mut merged = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if order(&a[i], &b[j]) != std::cmp::Ordering::Greater {
                merged.push(a[i]);
                i += 1;
            } else {
                merged.push(b[j]);
                j += 1;
            }
        }
        merged.extend_from_slice(&a[i..]);
        merged.extend_from_slice(&b[j..]);
        parts.push(merged);
    }
    Some(parts.pop().unwrap_or_default())
}

/// The characters of `name` a query matched, as char positions (for highlighting).
pub fn positions(name: &str, query: &Query) -> Vec<usize> {
    if query.is_empty() {
        return Vec::new();
    }
    if query.exact {
        let Some(at) = find_exact(name, query) else {
            return Vec::new();
        };
        return (at..at + query.text.chars().count()).collect();
    }
    Skim::default()
        .positions(name, &query.text)
        .map(|(_, p)| p)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[(&str, u32)]) -> NameIndex {
        NameIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, (n, r))| (i as u32, *n, *r)),
        )
    }

    fn run(ix: &NameIndex, q: &str) -> Vec<String> {
        search(ix, &Query::parse(q), None, 2, &|| false)
            .unwrap()
            .iter()
            .map(|h| ix.name(h.pos).to_owned())
            .collect()
    }

    #[test]
    fn exact_above_prefix_above_scattered() {
        let ix = index(&[
            ("Scholar GPT Pro", 10),
            ("School Helper Of Lyrics", 1_000_000),
            ("Scholar GPT", 5),
            ("The Scholar GPT Guide", 100),
        ]);
        let got = run(&ix, "scholar gpt");
        assert_eq!(got[0], "Scholar GPT", "exact name first");
        assert_eq!(got[1], "Scholar GPT Pro", "then the prefix");
        assert_eq!(got[2], "The Scholar GPT Guide");
        assert_eq!(
            run(&ix, "scholr")[0],
            "Scholar GPT Pro",
            "prefix-less fuzzy: score, then conversations"
        );
    }

    #[test]
    fn smart_case_and_exact_mode() {
        let ix = index(&[("Code Copilot", 1), ("code helper", 2), ("CodeX", 3)]);
        assert_eq!(run(&ix, "code").len(), 3);
        assert_eq!(
            run(&ix, "Code"),
            vec!["CodeX", "Code Copilot"],
            "capitals: case matters; equal scores by rank"
        );
        assert_eq!(run(&ix, "cdcp"), vec!["Code Copilot"]);
        assert_eq!(
            run(&ix, "'cdcp"),
            Vec::<String>::new(),
            "exact mode is a substring"
        );
        assert_eq!(run(&ix, "'e cop"), vec!["Code Copilot"]);
    }

    #[test]
    fn cjk_korean_and_emoji() {
        let ix = index(&[
            ("小红书爆款文案", 1),
            ("타로 운세박사", 2),
            ("🧙‍♂️ Grimoire", 3),
            ("Résumé Écrivain", 4),
        ]);
        assert_eq!(run(&ix, "小红书"), vec!["小红书爆款文案"]);
        assert_eq!(run(&ix, "红文"), vec!["小红书爆款文案"], "scattered CJK");
        assert_eq!(run(&ix, "운세"), vec!["타로 운세박사"]);
        assert_eq!(run(&ix, "🧙"), vec!["🧙‍♂️ Grimoire"]);
        assert_eq!(
            run(&ix, "écri"),
            vec!["Résumé Écrivain"],
            "non-ASCII case folding"
        );
        // Highlights count characters, not bytes.
        assert_eq!(
            positions("小红书爆款文案", &Query::parse("红文")),
            vec![1, 5]
        );
        assert_eq!(
            positions("타로 운세박사", &Query::parse("'운세")),
            vec![3, 4]
        );
        let p = positions("🧙‍♂️ Grimoire", &Query::parse("gri"));
        assert_eq!(p, vec![5, 6, 7]);
    }

    #[test]
    fn empty_query_lists_everything_by_rank() {
        let ix = index(&[("a", 1), ("b", 3), ("c", 2)]);
        assert_eq!(run(&ix, ""), vec!["b", "c", "a"]);
    }

    #[test]
    fn narrowing_searches_only_previous_matches() {
        let ix = index(&[("scholar", 1), ("school", 2), ("schema", 3), ("other", 4)]);
        let first = search(&ix, &Query::parse("sch"), None, 1, &|| false).unwrap();
        let within: Vec<u32> = first.iter().map(|h| h.pos).collect();
        assert_eq!(within.len(), 3);
        let q2 = Query::parse("scho");
        assert!(q2.narrows(&Query::parse("sch")));
        let narrowed = search(&ix, &q2, Some(&within), 1, &|| false).unwrap();
        let full = search(&ix, &q2, None, 1, &|| false).unwrap();
        assert_eq!(narrowed, full);
        assert!(
            !Query::parse("'scho").narrows(&Query::parse("sch")),
            "mode change"
        );
        assert!(!Query::parse("ab").narrows(&Query::parse("b")));

        // Many previous matches are read in index order: the same hits, in the same order.
        let words = ["school", "scholar", "schema", "sketch", "scheme", "other"];
        let names: Vec<String> = (0..150_000u32)
            .map(|i| format!("{} {}", words[(i % 6) as usize], i % 977))
            .collect();
        let ix = NameIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as u32, n.as_str(), i as u32 % 13)),
        );
        let first = search(&ix, &Query::parse("sch"), None, 2, &|| false).unwrap();
        let within: Vec<u32> = first.iter().map(|h| h.pos).collect();
        assert!(within.len() > 100_000, "{}", within.len());
        let q2 = Query::parse("scho 9");
        let narrowed = search(&ix, &q2, Some(&within), 2, &|| false).unwrap();
        assert!(!narrowed.is_empty());
        assert_eq!(narrowed, search(&ix, &q2, None, 2, &|| false).unwrap());
    }

    #[test]
    fn cancelled_searches_give_nothing() {
        let names: Vec<(String, u32)> = (0..50_000).map(|i| (format!("name {i}"), i)).collect();
        let ix = NameIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, (n, r))| (i as u32, n.as_str(), *r)),
        );
        assert!(search(&ix, &Query::parse("nm"), None, 2, &|| true).is_none());
    }

    #[test]
    fn the_sort_key_ranks_by_score_then_rank_then_position() {
        let mut hits = Vec::new();
        for score in [-40, -1, 0, 1, 35, PREFIX + 3, EXACT_NAME] {
            for rank in [0, 7, u32::MAX] {
                for pos in [0, 5, u32::MAX] {
                    hits.push(Hit { pos, rank, score });
                }
            }
        }
        let mut by_key = hits.clone();
        by_key.sort_unstable_by_key(|h| std::cmp::Reverse(h.key()));
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.rank.cmp(&a.rank))
                .then(a.pos.cmp(&b.pos))
        });
        assert_eq!(by_key, hits);
    }

    #[test]
    fn prefilter_agrees_with_the_scorer() {
        let names = ["Scholar GPT", "小红书", "ÉCOLE", "a-b_c", "Grimoire 🧙"];
        let mut s = Skim::default();
        for n in names {
            for q in ["sc", "gpt", "红", "école", "abc", "gr🧙", "z"] {
                let query = Query::parse(q);
                let fast = score(n, &query, char_mask(n), char_mask(q), &mut s).is_some();
                assert_eq!(fast, s.score(n, q).is_some(), "{n:?} / {q:?}");
            }
        }
    }
}
