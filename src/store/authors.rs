//! The authors of a snapshot as columns: one string buffer for the user ids, one for the names,
//! and a plain array per aggregate, in user-id order. The GPT columns ([`super::view::Columns`])
//! and the authors table share one copy.
//!
//! Why columns: a snapshot of 1M GPTs has about 280k authors. As a `Vec` of rows with three
//! `String`s each they took 108 MB resident (the row structs, a heap block per string and the
//! vector's doubling); as columns read into exactly sized arrays they take about 25 MB. A row
//! ([`AuthorRow`]) is made on demand for the few on screen.
//!
//! The authors table's filters and sort orders ([`AuthorFilter`], [`AuthorSort`],
//! [`author_order`]) live here too: the explorer's authors screen and `export --authors` order
//! the same rows the same way.

use super::db::{Db, Result};
use super::record::ToolMask;
use super::view::{AuthorBinKey, AuthorRow};
use crate::text::domain_of;
use std::sync::Arc;

/// Many strings in one buffer: string `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Default, Debug)]
struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    fn with_capacity(n: usize, bytes: usize) -> Strings {
        Strings {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, i: usize) -> &str {
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).copied().unwrap_or(0) as usize,
            None => 0,
        };
        self.text.get(start..end).unwrap_or("")
    }
}

/// A user id's 128-bit hash (xxh3), cut in the table's key and the check kept beside the value.
///
/// Why not the strings: a lookup that compares strings reads them where they live, a second
/// cache miss a lookup (a third of a filtered count's time over 1M GPTs). Two user ids are taken
/// for one only when all 128 bits agree; a key that agrees but for the check goes the slow way.
fn hash128(user_id: &str) -> (u64, u64) {
    let h = xxhash_rust::xxh3::xxh3_128(user_id.as_bytes());
    (h as u64, (h >> 64) as u64)
}

/// Positions by user id hash ([`hash128`]): the first id on a key keeps it; an id whose key
/// another took is not found here (its owner looks it up the slow way).
#[derive(Default)]
struct ByHash(rustc_hash::FxHashMap<u64, (u32, u64)>);

impl ByHash {
    fn with_capacity(n: usize) -> ByHash {
        ByHash(rustc_hash::FxHashMap::with_capacity_and_hasher(
            n,
            Default::default(),
        ))
    }

    fn get(&self, (key, check): (u64, u64)) -> Option<u32> {
        self.0
            .get(&key)
            .and_then(|&(i, c)| (c == check).then_some(i))
    }

    /// Whether the key was free (and now gives `i`).
    fn claim(&mut self, (key, check): (u64, u64), i: u32) -> bool {
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert((i, check));
                true
            }
        }
    }
}

/// Authors' positions by a hash of their user id ([`Authors::lookup`]).
pub struct AuthorLookup(ByHash);

impl AuthorLookup {
    /// The position of `user_id` in `authors` (the ones the map was made of).
    pub fn find(&self, authors: &Authors, user_id: &str) -> Option<u32> {
        self.0
            .get(hash128(user_id))
            .or_else(|| authors.position(user_id))
    }
}

/// User ids numbered as met (authors known by their ids alone: [`Authors::identities`]),
/// looked up by hash as [`AuthorLookup`] is.
#[derive(Default)]
pub struct UserIds {
    ids: Vec<String>,
    by_hash: ByHash,
    /// Ids whose key another id took first (a 64-bit coincidence).
    others: rustc_hash::FxHashMap<String, u32>,
}

impl UserIds {
    pub fn with_capacity(n: usize) -> UserIds {
        UserIds {
            ids: Vec::with_capacity(n),
            by_hash: ByHash::with_capacity(n),
            others: Default::default(),
        }
    }

    /// The number of `user_id`, given when first met.
    pub fn id(&mut self, user_id: &str) -> u32 {
        let hash = hash128(user_id);
        if let Some(i) = self.by_hash.get(hash) {
            return i;
        }
        let next = self.ids.len() as u32;
        if !self.by_hash.claim(hash, next) {
            // Another id holds the key.
            if let Some(&i) = self.others.get(user_id) {
                return i;
            }
            self.others.insert(user_id.to_owned(), next);
        }
        self.ids.push(user_id.to_owned());
        next
    }

    /// The authors met, in the order of their numbers.
    pub fn into_authors(self) -> Authors {
        Authors::identities(&self.ids)
    }
}

/// `conv_median` when the author has no GPT with a known count.
const NO_MEDIAN: i64 = i64::MIN;
/// `website` when the author shows none.
const NO_WEBSITE: u32 = u32::MAX;

/// Every author of one snapshot, by user id.
#[derive(Default)]
pub struct Authors {
    ids: Strings,
    names: Strings,
    has_name: Vec<bool>,
    verified: Vec<bool>,
    /// Index into `domains`, or [`NO_WEBSITE`].
    website: Vec<u32>,
    domains: Vec<Box<str>>,
    gpts: Vec<u32>,
    conv_total: Vec<i64>,
    conv_median: Vec<i64>,
    review_total: Vec<i64>,
    review_count: Vec<i64>,
    tools: Vec<u32>,
    /// Available GPTs of the snapshot that name no author (not authors themselves).
    pub authorless: u64,
    /// The ids are not in order ([`Authors::identities`]): found by a scan.
    unordered: bool,
}

impl std::fmt::Debug for Authors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Authors({})", self.len())
    }
}

impl Authors {
    /// Reads the author table of a snapshot in one scan.
    pub fn load(db: &Db, snapshot_id: i64) -> Result<Authors> {
        let conn = db.conn();
        let e = |e| db.err(e);
        // Sized up front: a growing buffer would leave its smaller copies behind, resident.
        let (n, id_bytes, name_bytes): (i64, i64, i64) = conn
            .query_row(
                "SELECT count(*), coalesce(sum(octet_length(user_id)), 0),
                        coalesce(sum(octet_length(display_name)), 0)
                 FROM author WHERE snapshot_id = ?1",
                [snapshot_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(e)?;
        let n = n.max(0) as usize;
        let mut a = Authors {
            ids: Strings::with_capacity(n, id_bytes.max(0) as usize),
            names: Strings::with_capacity(n, name_bytes.max(0) as usize),
            has_name: Vec::with_capacity(n),
            verified: Vec::with_capacity(n),
            website: Vec::with_capacity(n),
            domains: Vec::new(),
            gpts: Vec::with_capacity(n),
            conv_total: Vec::with_capacity(n),
            conv_median: Vec::with_capacity(n),
            review_total: Vec::with_capacity(n),
            review_count: Vec::with_capacity(n),
            tools: Vec::with_capacity(n),
            authorless: 0,
            unordered: false,
        };
        let mut domain_ids: rustc_hash::FxHashMap<String, u32> = Default::default();
        let mut st = conn
            .prepare(
                "SELECT user_id, display_name, verified, link_to, gpts, conv_total, conv_median,
                        review_total, review_count, tools
                 FROM author WHERE snapshot_id = ?1 ORDER BY user_id",
            )
            .map_err(e)?;
        let mut rows = st.query([snapshot_id]).map_err(e)?;
        while let Some(r) = rows.next().map_err(e)? {
            let text = |i: usize| -> Result<Option<&str>> {
                Ok(r.get_ref(i).map_err(e)?.as_str_or_null().ok().flatten())
            };
            a.ids.push(text(0)?.unwrap_or(""));
            let name = text(1)?;
            a.names.push(name.unwrap_or(""));
            a.has_name.push(name.is_some());
            a.verified
                .push(r.get::<_, Option<bool>>(2).map_err(e)?.unwrap_or(false));
            let website = match text(3)?.and_then(domain_of) {
                None => NO_WEBSITE,
                Some(d) => match domain_ids.get(&d) {
                    Some(&k) => k,
                    None => {
                        let k = a.domains.len() as u32;
                        a.domains.push(d.clone().into_boxed_str());
                        domain_ids.insert(d, k);
                        k
                    }
                },
            };
            a.website.push(website);
            a.gpts
                .push(r.get::<_, i64>(4).map_err(e)?.clamp(0, i64::from(u32::MAX)) as u32);
            a.conv_total.push(r.get(5).map_err(e)?);
            a.conv_median
                .push(r.get::<_, Option<i64>>(6).map_err(e)?.unwrap_or(NO_MEDIAN));
            a.review_total.push(r.get(7).map_err(e)?);
            a.review_count.push(r.get(8).map_err(e)?);
            a.tools.push(r.get(9).map_err(e)?);
        }
        a.domains.shrink_to_fit();
        Ok(a)
    }

    /// Authors known by their user ids alone (`ids`, distinct, in any order): what counts
    /// need (who made which GPT), without reading the authors' rows. Their names, websites and
    /// roll-ups read as absent; [`Authors::position`] scans (sorting 280k ids cost more than
    /// the one lookup a filter by author makes).
    pub fn identities(ids: &[String]) -> Authors {
        let bytes = ids.iter().map(String::len).sum();
        let mut a = Authors {
            ids: Strings::with_capacity(ids.len(), bytes),
            unordered: true,
            ..Authors::default()
        };
        for id in ids {
            a.ids.push(id);
        }
        a
    }

    pub fn len(&self) -> usize {
        self.ids.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn user_id(&self, i: usize) -> &str {
        self.ids.get(i)
    }

    pub fn name(&self, i: usize) -> Option<&str> {
        self.has_name
            .get(i)
            .copied()
            .unwrap_or(false)
            .then(|| self.names.get(i))
    }

    /// The name, or the user id when the author shows none.
    pub fn label(&self, i: usize) -> &str {
        self.name(i).unwrap_or_else(|| self.user_id(i))
    }

    pub fn verified(&self, i: usize) -> bool {
        self.verified.get(i).copied().unwrap_or(false)
    }

    /// The website's domain.
    pub fn website(&self, i: usize) -> Option<&str> {
        let k = *self.website.get(i)?;
        self.domains.get(k as usize).map(|d| &**d)
    }

    pub fn gpts(&self, i: usize) -> i64 {
        self.gpts.get(i).map_or(0, |&n| i64::from(n))
    }

    pub fn conv_total(&self, i: usize) -> i64 {
        self.conv_total.get(i).copied().unwrap_or(0)
    }

    pub fn conv_median(&self, i: usize) -> Option<i64> {
        self.conv_median.get(i).copied().filter(|&m| m != NO_MEDIAN)
    }

    /// Total stars over total ratings of their GPTs.
    pub fn rating(&self, i: usize) -> Option<f64> {
        let count = self.ratings(i);
        (count > 0).then(|| self.review_total.get(i).copied().unwrap_or(0) as f64 / count as f64)
    }

    pub fn ratings(&self, i: usize) -> i64 {
        self.review_count.get(i).copied().unwrap_or(0)
    }

    pub fn tools(&self, i: usize) -> ToolMask {
        ToolMask(self.tools.get(i).copied().unwrap_or(0))
    }

    /// A map from user ids to positions, for finding many: a binary search per GPT over the
    /// sorted ids was a quarter of loading a 1M-GPT snapshot's columns.
    pub fn lookup(&self) -> AuthorLookup {
        let mut map = ByHash::with_capacity(self.len());
        for i in 0..self.len() {
            // A second id on a key is found the slow way (`position`).
            map.claim(hash128(self.user_id(i)), i as u32);
        }
        AuthorLookup(map)
    }

    /// The position of a user id.
    pub fn position(&self, user_id: &str) -> Option<u32> {
        if self.unordered {
            return (0..self.len())
                .find(|&i| self.user_id(i) == user_id)
                .map(|i| i as u32);
        }
        let (mut lo, mut hi) = (0usize, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.user_id(mid).cmp(user_id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    /// Author `i` as a row (for display).
    pub fn row(&self, i: usize) -> Option<AuthorRow> {
        (i < self.len()).then(|| AuthorRow {
            user_id: self.user_id(i).to_owned(),
            name: self.name(i).map(str::to_owned),
            verified: self.verified(i),
            website: self.website(i).map(str::to_owned),
            gpts: self.gpts(i),
            conv_total: self.conv_total(i),
            conv_median: self.conv_median(i),
            rating: self.rating(i),
            ratings: self.ratings(i),
            tools: self.tools(i),
        })
    }

    /// Each author's rank by lowercased label (name or user id), ties by user id.
    pub(crate) fn label_ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_by_cached_key(|&i| self.label(i as usize).to_lowercase());
        let mut rank = vec![0u32; self.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        rank
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_are_numbered_as_met_even_when_their_keys_coincide() {
        let mut ids = UserIds::with_capacity(4);
        assert_eq!(ids.id("user-a"), 0);
        assert_eq!(ids.id("user-b"), 1);
        assert_eq!(ids.id("user-a"), 0);
        // Another id on "user-c"'s key (the first 64 bits alike, the check not).
        let (key, check) = hash128("user-c");
        ids.by_hash.0.insert(key, (1, !check));
        assert_eq!(ids.id("user-c"), 2);
        assert_eq!(ids.id("user-c"), 2);
        assert_eq!(ids.id("user-b"), 1);
        let authors = ids.into_authors();
        assert_eq!(authors.len(), 3);
        assert_eq!(authors.user_id(2), "user-c");
        // Found by hash, and the slow way when the check disagrees.
        let lookup = authors.lookup();
        assert_eq!(lookup.find(&authors, "user-b"), Some(1));
        assert_eq!(lookup.find(&authors, "user-z"), None);
        let mut wrong = authors.lookup();
        wrong.0.0.insert(key, (0, !check));
        assert_eq!(wrong.find(&authors, "user-c"), Some(2));
    }

    #[test]
    fn strings_keep_each_piece() {
        let mut s = Strings::default();
        for x in ["user-b", "", "名前 ✓", "x"] {
            s.push(x);
        }
        assert_eq!(
            (0..4).map(|i| s.get(i)).collect::<Vec<_>>(),
            ["user-b", "", "名前 ✓", "x"]
        );
        assert_eq!(s.get(9), "");
    }

    /// Every author of the sample, read as columns, equals the same author read as one row.
    #[test]
    fn columns_agree_with_the_author_rows() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        let snap = crate::store::query::snapshot(&db, None).unwrap();
        let authors = Authors::load(&db, snap.id).unwrap();
        assert_eq!(authors.len(), 381);
        for i in 0..authors.len() {
            let id = authors.user_id(i);
            let one = crate::store::view::author(&db, snap.id, id).unwrap();
            assert_eq!(authors.row(i), one, "author {id}");
            assert_eq!(authors.position(id), Some(i as u32));
        }
        assert!(authors.row(authors.len()).is_none());
        assert_eq!(authors.position("no-such-user"), None);
        let ranks = authors.label_ranks();
        let mut by_rank: Vec<usize> = (0..authors.len()).collect();
        by_rank.sort_by_key(|&i| ranks[i]);
        assert!(
            by_rank.windows(2).all(|w| {
                authors.label(w[0]).to_lowercase() <= authors.label(w[1]).to_lowercase()
            })
        );
    }
}

/// Sorting the authors table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorKey {
    /// The order of a search's results.
    Relevance,
    Name,
    Website,
    Gpts,
    ConvTotal,
    ConvMedian,
    Rating,
    Tools,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthorSort {
    pub key: AuthorKey,
    pub descending: bool,
}

impl Default for AuthorSort {
    fn default() -> Self {
        AuthorSort {
            key: AuthorKey::Gpts,
            descending: true,
        }
    }
}

/// Filters of the authors table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthorFilter {
    pub verified: Option<bool>,
    pub with_website: Option<bool>,
    pub min_gpts: Option<i64>,
    pub text: Option<String>,
    /// Only these authors (positions by user id: a search result), in the search's order.
    pub ids: Option<Arc<[u32]>>,
    /// The query those ids answer.
    pub search: Option<String>,
    /// Drill-downs from frequency tables, with their labels; each must hold.
    pub bins: Vec<(AuthorBinKey, String)>,
}

impl AuthorFilter {
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.verified {
            Some(true) => out.push("verified".to_owned()),
            Some(false) => out.push("unverified".to_owned()),
            None => {}
        }
        match self.with_website {
            Some(true) => out.push("with website".to_owned()),
            Some(false) => out.push("no website".to_owned()),
            None => {}
        }
        if let Some(n) = self.min_gpts {
            out.push(format!("GPTs≥{n}"));
        }
        if let Some(t) = &self.text {
            out.push(format!("name~{t:?}"));
        }
        if let (Some(ids), Some(q)) = (&self.ids, &self.search) {
            out.push(format!("search {q:?} ({})", ids.len()));
        }
        out.extend(self.bins.iter().map(|(_, label)| label.clone()));
        out
    }
}

/// The authors table's order: indexes into `rows`, filtered and sorted (ties by user id).
pub fn author_order(rows: &Authors, filter: &AuthorFilter, sort: AuthorSort) -> Vec<u32> {
    let text = filter.text.as_ref().map(|t| t.to_lowercase());
    let keep = |i: usize| {
        i < rows.len()
            && filter.verified.is_none_or(|v| rows.verified(i) == v)
            && filter
                .with_website
                .is_none_or(|w| rows.website(i).is_some() == w)
            && filter.min_gpts.is_none_or(|n| rows.gpts(i) >= n)
            && filter.bins.iter().all(|(b, _)| b.matches(rows, i))
            && text.as_ref().is_none_or(|t| {
                rows.user_id(i).to_lowercase().contains(t)
                    || rows.name(i).is_some_and(|n| n.to_lowercase().contains(t))
            })
    };
    if let Some(ranked) = &filter.ids {
        let in_order = ranked.iter().copied().filter(|&i| keep(i as usize));
        if sort.key == AuthorKey::Relevance {
            let mut ids: Vec<u32> = in_order.collect();
            if !sort.descending {
                ids.reverse();
            }
            return ids;
        }
        let mut ids: Vec<u32> = in_order.collect();
        sort_authors(rows, &mut ids, sort);
        return ids;
    }
    let mut ids: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| keep(i as usize))
        .collect();
    sort_authors(rows, &mut ids, sort);
    ids
}

fn sort_authors(rows: &Authors, ids: &mut [u32], sort: AuthorSort) {
    // Positions are in user-id order: the tie-break is the position.
    let at = |i: &u32| *i as usize;
    match sort.key {
        AuthorKey::Relevance => {}
        AuthorKey::Name => ids.sort_by_cached_key(|i| (rows.label(at(i)).to_lowercase(), *i)),
        AuthorKey::Website => ids.sort_by(|a, b| {
            let w = |i: &u32| rows.website(at(i));
            (w(a).is_none(), w(a), a).cmp(&(w(b).is_none(), w(b), b))
        }),
        AuthorKey::Gpts => ids.sort_by_key(|i| (rows.gpts(at(i)), *i)),
        AuthorKey::ConvTotal => ids.sort_by_key(|i| (rows.conv_total(at(i)), *i)),
        AuthorKey::ConvMedian => ids.sort_by_key(|i| (rows.conv_median(at(i)), *i)),
        AuthorKey::Rating => ids.sort_by(|a, b| {
            let r = |i: &u32| rows.rating(at(i)).unwrap_or(f64::NEG_INFINITY);
            r(a).total_cmp(&r(b)).then(a.cmp(b))
        }),
        AuthorKey::Tools => ids.sort_by_key(|i| {
            let t = rows.tools(at(i)).0;
            (t.count_ones(), t, *i)
        }),
    }
    if sort.descending && sort.key != AuthorKey::Relevance {
        ids.reverse();
    }
}
