//! Lists over a snapshot, for screens that page through a million GPTs: the columns that sorts
//! and filters need, held in memory as plain arrays (about 40 bytes a GPT), so that a sort is a
//! cached ordering, a filter is one pass over arrays, and a page is a few rowids fetched from
//! SQLite. Orderings are sorted once per column (with the rowid as tie-break, so equal keys keep
//! a stable order) and reversed for free; a filter keeps the ordering's order.
//!
//! Why not `ORDER BY … LIMIT … OFFSET`: an offset deep into 1M rows walks the index, jumping to
//! the end or to the selection's new position after a sort would cost a full scan each time,
//! and combined filters cannot use one index. Here every one of those is an array operation.

use super::authors::Authors;
use super::chunks::{Chunk, Dict};
use super::db::{Db, Result};
use super::record::ToolMask;
use super::schema::gpt_table;
use rusqlite::params_from_iter;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// What a GPT list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// The order of a search's results (best first); only with [`Filter::rowids`].
    Relevance,
    Conversations,
    Rating,
    Reviews,
    Name,
    Author,
    Category,
    Tools,
    Signals,
    Created,
    Updated,
    Language,
}

impl SortKey {
    pub const ALL: [SortKey; 11] = [
        SortKey::Name,
        SortKey::Author,
        SortKey::Category,
        SortKey::Tools,
        SortKey::Signals,
        SortKey::Conversations,
        SortKey::Rating,
        SortKey::Reviews,
        SortKey::Created,
        SortKey::Updated,
        SortKey::Language,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Relevance => "relevance",
            SortKey::Conversations => "conversations",
            SortKey::Rating => "rating",
            SortKey::Reviews => "reviews",
            SortKey::Name => "name",
            SortKey::Author => "author",
            SortKey::Category => "category",
            SortKey::Tools => "tools",
            SortKey::Signals => "signals",
            SortKey::Created => "created",
            SortKey::Updated => "updated",
            SortKey::Language => "language",
        }
    }
}

/// A sort: a column and a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Conversations,
            descending: true,
        }
    }
}

/// Filters over a GPT list; every set field must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub category: Option<String>,
    /// Tool bits ([`ToolMask`]) the GPT must have.
    pub tools_has: u32,
    /// Tool bits the GPT must not have.
    pub tools_not: u32,
    /// Monetisation-signal bits ([`crate::signals::SignalKind::bit`]) the GPT must have.
    pub signals_has: u8,
    /// Signal bits it must not have.
    pub signals_not: u8,
    pub verified: Option<bool>,
    pub min_rating: Option<f32>,
    pub min_reviews: Option<u32>,
    pub min_conversations: Option<u64>,
    /// Unix-second ranges, inclusive.
    pub created: (Option<i64>, Option<i64>),
    pub updated: (Option<i64>, Option<i64>),
    /// Case-insensitive text in the name or the description.
    pub text: Option<String>,
    /// Only this author's GPTs (a user id).
    pub author: Option<String>,
    /// Only GPTs in this language ([`crate::language::Language::Unknown`]: those too short to
    /// tell).
    pub language: Option<crate::language::Language>,
    /// Only these rowids (a search result kept as a filter), in the search's order.
    pub rowids: Option<Arc<[u32]>>,
    /// The query those rowids answer, for showing.
    pub search: Option<String>,
    /// Only the GPTs the bars of charts count (drill-downs from the histogram screen); each
    /// must hold.
    pub bins: Vec<Bin>,
}

/// One bar of a chart as a filter: its key, and its label for the filter bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub key: BinKey,
    /// `tools: browser`, `rating: 4.0–4.5`.
    pub label: String,
}

/// What a bar counts (see `crate::stats`, which makes them); every variant is a test on one
/// GPT, except [`BinKey::AuthorGpts`], which counts within the list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum BinKey {
    /// Has this tool ([`ToolMask`] bit).
    Tool(u8),
    /// No tool at all (knowledge files are not a tool).
    NoTool,
    /// Exactly this set of tool bits.
    ToolSet(u8),
    /// Any of its categories is this one.
    Category(String),
    Uncategorized,
    /// The half-star bin of [`rating_bin`].
    Rating(u8),
    Unrated,
    /// Conversations (lower bound) in `lo..hi`.
    Conversations {
        lo: u32,
        hi: u32,
    },
    ConversationsUnknown,
    /// Reviews in `lo..hi`.
    Reviews {
        lo: u32,
        hi: u32,
    },
    /// Its author has `lo..=hi` GPTs in the list.
    AuthorGpts {
        lo: u32,
        hi: u32,
    },
    Author(String),
    /// No author given.
    NoAuthor,
    /// Created (or updated) in this [`crate::time::month_index`].
    CreatedMonth(i64),
    CreatedUnknown,
    UpdatedMonth(i64),
    UpdatedUnknown,
    /// Has this monetisation signal ([`crate::signals::SignalKind::bit`]).
    Signal(u8),
    NoSignal,
    /// Exactly this set of signal bits.
    SignalSet(u8),
    /// Has an Action with this auth kind.
    ActionAuth(String),
    /// Has an Action calling this domain.
    ActionDomain(String),
    /// Written in this language (its code; `und`: too short to tell).
    Language(String),
}

/// What a bar of an authors-table frequency table counts: a test on one author's row.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum AuthorBinKey {
    /// The website's domain; `None`: no website.
    Website(Option<String>),
    /// GPTs in `lo..=hi`.
    Gpts { lo: i64, hi: i64 },
    /// Conversations in all in `lo..hi`.
    ConvTotal { lo: i64, hi: i64 },
    /// Median conversations in `lo..hi`; `None`: not known.
    ConvMedian(Option<(i64, i64)>),
    /// The half-star bin of the review-weighted rating; `None`: unrated.
    Rating(Option<u8>),
    /// Exactly this tool mix.
    Tools(u32),
}

impl AuthorBinKey {
    /// Whether author `i` falls in this bin.
    pub fn matches(&self, a: &Authors, i: usize) -> bool {
        match self {
            AuthorBinKey::Website(w) => a.website(i) == w.as_deref(),
            AuthorBinKey::Gpts { lo, hi } => (*lo..=*hi).contains(&a.gpts(i)),
            AuthorBinKey::ConvTotal { lo, hi } => (*lo..*hi).contains(&a.conv_total(i)),
            AuthorBinKey::ConvMedian(range) => match (range, a.conv_median(i)) {
                (Some((lo, hi)), Some(m)) => (*lo..*hi).contains(&m),
                (None, None) => true,
                _ => false,
            },
            AuthorBinKey::Rating(bin) => *bin == a.rating(i).map(|x| rating_bin(x as f32)),
            AuthorBinKey::Tools(t) => a.tools(i).0 == *t,
        }
    }
}

/// The half-star bin of a rating: 2 (1.0–1.5) … 10 (5.0).
pub fn rating_bin(r: f32) -> u8 {
    ((r * 2.0).floor() as i32).clamp(2, 10) as u8
}

/// The GPTs a filter keeps, as a bit set of rowids ([`Columns::passing`]).
pub struct Passing {
    set: super::chunks::VidSet,
    /// Author-count bars (`lo..=hi` GPTs), which count within the ordered list.
    by_author: Vec<(u32, u32)>,
}

impl Passing {
    /// How many GPTs pass, and the first `n` of them in `ordering` (reversed when `reverse`):
    /// a list's first page before the whole order is walked. `None` when an author-count bar
    /// makes both depend on the whole list.
    pub fn first(&self, ordering: &[u32], reverse: bool, n: usize) -> Option<(usize, Vec<u32>)> {
        if !self.by_author.is_empty() {
            return None;
        }
        let keep = |id: &&u32| self.set.contains(i64::from(**id));
        let first: Vec<u32> = if reverse {
            ordering
                .iter()
                .rev()
                .filter(keep)
                .take(n)
                .copied()
                .collect()
        } else {
            ordering.iter().filter(keep).take(n).copied().collect()
        };
        Some((self.set.len(), first))
    }
}

/// A filter's names looked up in the columns once ([`Columns::filter`]).
struct Plan<'a> {
    category: Option<u16>,
    author: Option<u32>,
    /// The search result's rowids.
    only: Option<super::chunks::VidSet>,
    text_hits: Option<&'a [bool]>,
    bins: Vec<Resolved<'a>>,
}

/// A [`BinKey`] with its strings looked up in the columns once per filter.
enum Resolved<'a> {
    Key(&'a BinKey),
    Category(Option<u16>),
    Author(Option<u32>),
    ActionAuth(Option<u8>),
    ActionDomain(Option<u32>),
    Language(u8),
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// The filters as short phrases for a filter bar ("category=writing", "has actions").
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(a) = &self.author {
            out.push(format!("author={a}"));
        }
        if let Some(c) = &self.category {
            out.push(format!("category={c}"));
        }
        if let Some(l) = self.language {
            out.push(format!("language={}", l.code()));
        }
        for (name, bit) in ToolMask::NAMED {
            if self.tools_has & bit != 0 {
                out.push(format!("has {name}"));
            }
            if self.tools_not & bit != 0 {
                out.push(format!("no {name}"));
            }
        }
        for kind in crate::signals::SignalKind::ALL {
            if self.signals_has & kind.bit() != 0 {
                out.push(format!("signal {}", kind.name()));
            }
            if self.signals_not & kind.bit() != 0 {
                out.push(format!("no signal {}", kind.name()));
            }
        }
        match self.verified {
            Some(true) => out.push("verified author".to_owned()),
            Some(false) => out.push("unverified author".to_owned()),
            None => {}
        }
        if let Some(r) = self.min_rating {
            out.push(format!("rating≥{r}"));
        }
        if let Some(n) = self.min_reviews {
            out.push(format!("reviews≥{n}"));
        }
        if let Some(n) = self.min_conversations {
            out.push(format!("conversations≥{}", super::record::bucket_label(n)));
        }
        let range = |name: &str, (a, b): (Option<i64>, Option<i64>), out: &mut Vec<String>| {
            let d = |t: Option<i64>| t.map(crate::time::format_date).unwrap_or_default();
            if a.is_some() || b.is_some() {
                out.push(format!("{name} {}..{}", d(a), d(b)));
            }
        };
        range("created", self.created, &mut out);
        range("updated", self.updated, &mut out);
        if let Some(t) = &self.text {
            out.push(format!("text~{t:?}"));
        }
        for b in &self.bins {
            out.push(b.label.clone());
        }
        if let Some(ids) = &self.rowids {
            match &self.search {
                Some(q) => out.push(format!("search {q:?} ({})", ids.len())),
                None => out.push(format!("search ({} GPTs)", ids.len())),
            }
        }
        out
    }
}

const NO_CATEGORY: u16 = u16::MAX;
const NO_AUTHOR: u32 = u32::MAX;

/// The sortable and filterable columns of one snapshot, by rowid (index = rowid − 1; a
/// snapshot's rowids are its GPT versions' ids, so the arrays span every version id and the
/// versions of other snapshots are gaps, as merged duplicates were before). Kept
/// compact (about 30 bytes a GPT): counts and times as `u32` with 0 for "not known" (so they sort
/// last when biggest come first), and the name and author orders sorted once at load, so their
/// strings need not stay in memory.
///
/// `crate::stats` reads them directly (its charts are passes over these arrays).
pub struct Columns {
    pub snapshot_id: i64,
    pub(crate) conv: Vec<u32>,
    /// False where the source gave no conversation count.
    pub(crate) conv_known: Vec<bool>,
    pub(crate) rating: Vec<f32>,
    pub(crate) reviews: Vec<u32>,
    /// Sum of stars, for the weighted mean.
    pub(crate) review_total: Vec<u32>,
    pub(crate) created: Vec<u32>,
    pub(crate) updated: Vec<u32>,
    pub(crate) tools: Vec<u8>,
    pub(crate) signals: Vec<u8>,
    pub(crate) available: Vec<bool>,
    /// The first category (an index into `categories`).
    pub(crate) category: Vec<u16>,
    /// The other categories of the few GPTs with more than one, by rowid.
    pub(crate) more_categories: FxHashMap<u32, Vec<u16>>,
    /// The rowids `more_categories` has: a bit test before the map (a category filter asks
    /// for every GPT outside that category).
    several: super::chunks::VidSet,
    pub(crate) categories: Vec<String>,
    pub(crate) author: Vec<u32>,
    /// The snapshot's authors (by user id); `author` indexes them.
    pub(crate) authors: Arc<Authors>,
    /// Actions by rowid: GPT `i`'s are `actions[action_start[i]..action_start[i + 1]]`.
    pub(crate) action_start: Vec<u32>,
    pub(crate) actions: Vec<ActionKey>,
    pub(crate) action_domains: Vec<String>,
    pub(crate) action_auths: Vec<String>,
    /// The main language ([`crate::language::Language::index`]; 0: unknown).
    pub(crate) lang: Vec<u8>,
    by_name: Vec<u32>,
    by_author: Vec<u32>,
}

/// One Action: its domain and auth kind, as indexes into the columns' lists.
#[derive(Clone, Copy)]
pub(crate) struct ActionKey {
    /// `u32::MAX` when the source does not give the domain.
    pub(crate) domain: u32,
    pub(crate) auth: u8,
}

/// `ids` sorted by `key`, ties by `then` (a total order): the keys are computed once into the
/// array being sorted (a comparator reading the columns jumped all over memory: sorting 10M
/// names took seconds), the two halves sorted on two threads and merged.
fn sort_by_key_then(
    ids: Vec<u32>,
    key: impl Fn(u32) -> u64 + Sync,
    then: impl Fn(u32, u32) -> std::cmp::Ordering + Sync,
) -> Vec<u32> {
    let mut keyed: Vec<(u64, u32)> = ids.into_iter().map(|id| (key(id), id)).collect();
    let cmp = |a: &(u64, u32), b: &(u64, u32)| a.0.cmp(&b.0).then_with(|| then(a.1, b.1));
    let mid = keyed.len() / 2;
    if keyed.len() < 100_000 {
        keyed.sort_unstable_by(cmp);
        return keyed.into_iter().map(|(_, id)| id).collect();
    }
    let (lo, hi) = keyed.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| lo.sort_unstable_by(cmp));
        hi.sort_unstable_by(cmp);
    });
    let (lo, hi) = keyed.split_at(mid);
    let mut out = Vec::with_capacity(keyed.len());
    let (mut i, mut j) = (0, 0);
    while i < lo.len() && j < hi.len() {
        if cmp(&lo[i], &hi[j]).is_le() {
            out.push(lo[i].1);
            i += 1;
        } else {
            out.push(hi[j].1);
            j += 1;
        }
    }
    out.extend(lo[i..].iter().map(|p| p.1));
    out.extend(hi[j..].iter().map(|p| p.1));
    out
}

/// What loading the columns keeps between chunks: the dictionaries in the columns' numbering,
/// the names until they are sorted, where the next GPT's Actions start.
struct Load {
    lookup: super::authors::AuthorLookup,
    /// Without profiles: the user ids met, numbered as met ([`Authors::identities`]).
    met: Option<super::authors::UserIds>,
    categories: Dict,
    domains: Dict,
    auths: Vec<String>,
    sorted: bool,
    names: String,
    name_at: Vec<(u32, u32)>,
    /// The first index whose Actions start is not set yet.
    next_start: usize,
}

impl Load {
    /// `authors_hint`: how many authors to expect when they are met rather than read.
    fn new(
        authors: &Authors,
        n: usize,
        sorted: bool,
        profiles: bool,
        authors_hint: impl FnOnce() -> usize,
    ) -> Load {
        Load {
            lookup: authors.lookup(),
            met: (!profiles).then(|| super::authors::UserIds::with_capacity(authors_hint())),
            categories: Dict::default(),
            domains: Dict::default(),
            auths: Vec::new(),
            sorted,
            names: String::new(),
            name_at: if sorted { vec![(0, 0); n] } else { Vec::new() },
            next_start: 0,
        }
    }

    /// Copies the GPTs `vids` (ascending) of chunk `k`, whose first version id is `lo`.
    fn chunk(&mut self, c: &mut Columns, k: &Chunk, lo: i64, vids: impl Iterator<Item = i64>) {
        let n = c.len();
        let cats: Vec<u16> = k
            .category_names
            .iter()
            .map(|name| self.categories.id(name) as u16)
            .collect();
        let who: Vec<u32> = k
            .author_ids
            .iter()
            .map(|a| match &mut self.met {
                Some(met) => met.id(a),
                None => self.lookup.find(&c.authors, a).unwrap_or(NO_AUTHOR),
            })
            .collect();
        let domains: Vec<u32> = k.domains.iter().map(|d| self.domains.id(d)).collect();
        let auths: Vec<u8> = k
            .auths
            .iter()
            .map(|a| match self.auths.iter().position(|x| x == a) {
                Some(p) => p as u8,
                None => {
                    self.auths.push(a.clone());
                    (self.auths.len() - 1).min(255) as u8
                }
            })
            .collect();
        let langs: Vec<u8> = k
            .lang_codes
            .iter()
            .map(|code| crate::language::Language::from_code(code).index())
            .collect();
        let mut more = k.more_categories.iter().peekable();
        for vid in vids {
            let (i, s) = ((vid - 1) as usize, (vid - lo) as usize);
            if s >= k.len || i >= n {
                continue;
            }
            c.conv[i] = k.conv[s];
            c.conv_known[i] = k.conv_known[s];
            c.rating[i] = k.rating[s];
            c.reviews[i] = k.reviews[s];
            c.review_total[i] = k.review_total[s];
            c.created[i] = k.created[s];
            c.updated[i] = k.updated[s];
            c.tools[i] = k.tools[s];
            c.signals[i] = k.signals[s];
            c.available[i] = k.available[s];
            c.category[i] = cats
                .get(k.category[s] as usize)
                .copied()
                .unwrap_or(NO_CATEGORY);
            while more.next_if(|(at, _)| (*at as usize) < s).is_some() {}
            if let Some((_, list)) = more.next_if(|(at, _)| *at as usize == s) {
                let list: Vec<u16> = list
                    .iter()
                    .filter_map(|x| cats.get(*x as usize).copied())
                    .collect();
                c.more_categories.insert(i as u32 + 1, list);
                c.several.insert(vid);
            }
            c.author[i] = who.get(k.author[s] as usize).copied().unwrap_or(NO_AUTHOR);
            c.lang[i] = k
                .lang
                .get(s)
                .and_then(|l| langs.get(*l as usize))
                .copied()
                .unwrap_or(0);
            for st in &mut c.action_start[self.next_start..=i] {
                *st = c.actions.len() as u32;
            }
            self.next_start = i + 1;
            let (a, b) = (k.action_start[s] as usize, k.action_start[s + 1] as usize);
            for &(d, auth) in k.actions.get(a..b).unwrap_or(&[]) {
                c.actions.push(ActionKey {
                    // A chunk's "no domain" is past its dictionary: no domain here too.
                    domain: domains.get(d as usize).copied().unwrap_or(u32::MAX),
                    auth: auths.get(auth as usize).copied().unwrap_or(0),
                });
            }
            if self.sorted
                && let Some(name) = k.names.get(s)
            {
                let start = self.names.len() as u32;
                self.names.push_str(name);
                self.name_at[i] = (start, self.names.len() as u32);
            }
        }
    }

    /// Ends the Actions' starts, hands over the dictionaries and counts the GPTs naming no
    /// author; gives back the names for sorting.
    fn finish(self, c: &mut Columns) -> (String, Vec<(u32, u32)>) {
        let end = c.actions.len() as u32;
        for st in &mut c.action_start[self.next_start..] {
            *st = end;
        }
        c.categories = self.categories.into_names();
        c.action_domains = self.domains.into_names();
        c.action_auths = self.auths;
        if let Some(met) = self.met {
            c.authors = Arc::new(met.into_authors());
        }
        let authorless = (0..c.len())
            .filter(|&i| c.available[i] && c.author[i] == NO_AUTHOR)
            .count() as u64;
        if let Some(a) = Arc::get_mut(&mut c.authors) {
            a.authorless = authorless;
        }
        (self.names, self.name_at)
    }
}

fn secs(t: Option<i64>) -> u32 {
    t.map_or(0, |t| t.clamp(1, i64::from(u32::MAX)) as u32)
}

fn range_secs(r: (Option<i64>, Option<i64>)) -> (Option<u32>, Option<u32>) {
    (r.0.map(|t| secs(Some(t))), r.1.map(|t| secs(Some(t))))
}

impl Columns {
    /// Loads a snapshot's columns in one scan (and the author table in another).
    pub fn load(db: &Db, snapshot_id: i64) -> Result<Columns> {
        Columns::load_with(db, snapshot_id, true, true)
    }

    /// Loads what counts and filters need, without the name and author orders (no names read,
    /// nothing sorted): for `stats`, whose lists are never sorted. [`Columns::ordering`] by name
    /// or author is then empty. Without `profiles` the authors are known by their user ids
    /// alone ([`Authors::identities`], read off the columns rather than the author rows): enough
    /// for every count, not for a filter on what authors show (verified).
    pub fn load_counts(db: &Db, snapshot_id: i64, profiles: bool) -> Result<Columns> {
        Columns::load_with(db, snapshot_id, false, profiles)
    }

    fn load_with(db: &Db, snapshot_id: i64, sorted: bool, profiles: bool) -> Result<Columns> {
        use super::chunks::{self, CHUNK, Part};
        let conn = db.conn();
        let e = |e| db.err(e);
        let members = chunks::members(conn, snapshot_id).map_err(e)?;
        let n = members.max() as usize;
        let authors = Arc::new(if profiles {
            Authors::load(db, snapshot_id)?
        } else {
            Authors::default()
        });
        let mut load = Load::new(&authors, n, sorted, profiles, || {
            super::query::snapshot(db, Some(snapshot_id)).map_or(0, |s| s.authors.max(0) as usize)
        });
        let mut c = Columns::empty(snapshot_id, n, authors);
        let parts: &[Part] = if sorted { &Part::ALL } else { &Part::COUNTS };
        let mut reader = chunks::Reader::default();
        for chunk in 0..=(n as i64 - 1).div_euclid(CHUNK).max(-1) {
            let lo = chunk * CHUNK + 1;
            let mut vids = members.range(lo, lo + CHUNK - 1).peekable();
            if vids.peek().is_none() {
                continue;
            }
            let k = reader.read(conn, chunk, parts).map_err(e)?;
            load.chunk(&mut c, k, lo, vids);
        }
        let (names, name_at) = load.finish(&mut c);
        if sorted {
            c.sort_orders(&names, &name_at);
        }
        Ok(c)
    }

    /// Columns of `n` rowids holding nothing yet (no GPT available).
    fn empty(snapshot_id: i64, n: usize, authors: Arc<Authors>) -> Columns {
        Columns {
            snapshot_id,
            conv: vec![0; n],
            conv_known: vec![false; n],
            rating: vec![f32::NAN; n],
            reviews: vec![0; n],
            review_total: vec![0; n],
            created: vec![0; n],
            updated: vec![0; n],
            tools: vec![0; n],
            signals: vec![0; n],
            available: vec![false; n],
            category: vec![NO_CATEGORY; n],
            more_categories: FxHashMap::default(),
            several: Default::default(),
            categories: Vec::new(),
            author: vec![NO_AUTHOR; n],
            authors,
            action_start: vec![0; n + 1],
            actions: Vec::new(),
            action_domains: Vec::new(),
            action_auths: Vec::new(),
            lang: vec![0; n],
            by_name: Vec::new(),
            by_author: Vec::new(),
        }
    }

    /// The name order (names by their `name_at` span of `names`) and the author order.
    fn sort_orders(&mut self, names: &str, name_at: &[(u32, u32)]) {
        let author_rank = self.authors.label_ranks();
        let name = |id: u32| {
            let (a, b) = name_at.get((id - 1) as usize).copied().unwrap_or((0, 0));
            names.get(a as usize..b as usize).unwrap_or("")
        };
        // Names by their first eight bytes, then whole, then rowid.
        let prefix = |id: u32| {
            let mut p = [0u8; 8];
            let n = name(id).as_bytes();
            let k = n.len().min(8);
            p[..k].copy_from_slice(&n[..k]);
            u64::from_be_bytes(p)
        };
        let by_name = sort_by_key_then(self.available_ids(), prefix, |a, b| {
            name(a).cmp(name(b)).then(a.cmp(&b))
        });
        let author_key = |id: u32| {
            u64::from(
                author_rank
                    .get(self.author[(id - 1) as usize] as usize)
                    .copied()
                    .unwrap_or(u32::MAX),
            )
        };
        let by_author = sort_by_key_then(self.available_ids(), author_key, |a, b| a.cmp(&b));
        self.by_name = by_name;
        self.by_author = by_author;
    }

    /// The Actions of the GPT at index `i` (rowid − 1).
    pub(crate) fn actions_of(&self, i: usize) -> &[ActionKey] {
        match (self.action_start.get(i), self.action_start.get(i + 1)) {
            (Some(&a), Some(&b)) => self.actions.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Whether the GPT at index `i` is in category `id` (first or any other).
    pub(crate) fn in_category(&self, i: usize, id: u16) -> bool {
        self.category[i] == id
            || self.several.contains(i as i64 + 1)
                && self
                    .more_categories
                    .get(&(i as u32 + 1))
                    .is_some_and(|m| m.contains(&id))
    }

    fn category_index(&self, name: &str) -> Option<u16> {
        self.categories
            .iter()
            .position(|x| x == name)
            .map(|p| p as u16)
    }

    pub(crate) fn author_index(&self, user_id: &str) -> Option<u32> {
        self.authors.position(user_id)
    }

    /// Every available GPT's rowid, ascending.
    pub fn all_ids(&self) -> Vec<u32> {
        self.available_ids()
    }

    fn available_ids(&self) -> Vec<u32> {
        (0..self.len())
            .filter(|&i| self.available[i])
            .map(|i| i as u32 + 1)
            .collect()
    }

    /// Number of rowids (including gaps left by merged duplicates).
    pub fn len(&self) -> usize {
        self.conv.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conv.is_empty()
    }

    /// Every available GPT's rowid in ascending order of `key` (ties by rowid).
    pub fn ordering(&self, key: SortKey) -> Vec<u32> {
        let ix = |id: &u32| (*id - 1) as usize;
        match key {
            SortKey::Name => return self.by_name.clone(),
            SortKey::Author => return self.by_author.clone(),
            _ => {}
        }
        let mut ids = self.available_ids();
        match key {
            SortKey::Conversations => ids.sort_by_key(|id| (self.conv[ix(id)], *id)),
            SortKey::Reviews => ids.sort_by_key(|id| (self.reviews[ix(id)], *id)),
            SortKey::Created => ids.sort_by_key(|id| (self.created[ix(id)], *id)),
            SortKey::Updated => ids.sort_by_key(|id| (self.updated[ix(id)], *id)),
            SortKey::Tools => {
                ids.sort_by_key(|id| (self.tools[ix(id)].count_ones(), self.tools[ix(id)], *id))
            }
            SortKey::Signals => {
                ids.sort_by_key(|id| (self.signals[ix(id)].count_ones(), self.signals[ix(id)], *id))
            }
            SortKey::Rating => ids.sort_by(|a, b| {
                // Unrated below every rating.
                let key = |id: &u32| {
                    let r = self.rating[ix(id)];
                    if r.is_nan() { f32::NEG_INFINITY } else { r }
                };
                key(a).total_cmp(&key(b)).then(a.cmp(b))
            }),
            SortKey::Language => {
                ids.sort_by_key(|id| (crate::language::rank_of_index(self.lang[ix(id)]), *id))
            }
            SortKey::Category => ids.sort_by(|a, b| {
                let cat = |id: &u32| {
                    let c = self.category[ix(id)];
                    // No category sorts last.
                    (
                        c == NO_CATEGORY,
                        self.categories.get(c as usize).map_or("", String::as_str),
                    )
                };
                cat(a).cmp(&cat(b)).then(a.cmp(b))
            }),
            // Relevance is the order of a search's results, not of a column.
            SortKey::Name | SortKey::Author | SortKey::Relevance => {}
        }
        ids
    }

    /// Which GPTs of block `k` (indexes `64k..64k + 64`) pass the filter, as a word of bits:
    /// the column tests first, each over the block's 64 values at once, and the tests that
    /// need more than a column (other categories, verified authors, chart bars) only for the
    /// GPTs still in. A test skipped when the filter does not ask for it; the block left as
    /// soon as no GPT is.
    fn block(&self, k: usize, f: &Filter, plan: &Plan<'_>) -> u64 {
        use super::chunks::{bits, ones};
        // Only what a list can show (every ordering holds the available GPTs alone), so that
        // the set's count is the list's length; no bit past the last GPT.
        let mut m = bits(&self.available, k, |a| a);
        if let Some(only) = &plan.only {
            m &= only.word(k);
        }
        if let Some(hits) = plan.text_hits {
            // Indexed by rowid: index 0 is no GPT.
            m &= bits(hits.get(1..).unwrap_or(&[]), k, |h| h);
        }
        let mut test = |on: bool, word: &dyn Fn() -> u64| {
            if on && m != 0 {
                m &= word();
            }
        };
        let (has, not) = (f.tools_has, f.tools_not);
        test(has | not != 0, &|| {
            bits(&self.tools, k, |t| {
                let t = u32::from(t);
                t & has == has && t & not == 0
            })
        });
        let (has, not) = (f.signals_has, f.signals_not);
        test(has | not != 0, &|| {
            bits(&self.signals, k, |s| s & has == has && s & not == 0)
        });
        if let Some(r) = f.min_rating {
            // A NaN (unrated) compares false.
            test(true, &|| bits(&self.rating, k, |x| x >= r));
        }
        if let Some(n) = f.min_reviews {
            test(true, &|| bits(&self.reviews, k, |x| x >= n));
        }
        if let Some(n) = f.min_conversations {
            test(true, &|| bits(&self.conv, k, |x| u64::from(x) >= n));
        }
        for (column, range) in [(&self.created, f.created), (&self.updated, f.updated)] {
            let (lo, hi) = range_secs(range);
            let (lo, hi) = (lo.unwrap_or(0), hi.unwrap_or(u32::MAX));
            // 0 is "not known": outside every range.
            test(range != (None, None), &|| {
                bits(column, k, |t| t != 0 && t >= lo && t <= hi)
            });
        }
        if let Some(a) = plan.author {
            test(true, &|| bits(&self.author, k, |x| x == a));
        }
        if let Some(l) = f.language {
            let l = l.index();
            test(true, &|| bits(&self.lang, k, |x| x == l));
        }
        if let Some(c) = plan.category {
            test(true, &|| {
                let first = bits(&self.category, k, |x| x == c);
                // The few GPTs with several categories, through the map.
                ones(self.several.word(k) & !first)
                    .filter(|b| self.in_category(k * 64 + b, c))
                    .fold(first, |w, b| w | 1 << b)
            });
        }
        if f.verified.is_none() && plan.bins.is_empty() {
            return m;
        }
        ones(m)
            .filter(|b| {
                let i = k * 64 + b;
                f.verified
                    .is_none_or(|v| self.authors.verified(self.author[i] as usize) == v)
                    && plan.bins.iter().all(|bin| self.in_bin(i, bin))
            })
            .fold(0, |w, b| w | 1 << b)
    }

    /// The rows of `ordering` that pass `filter`, in the same order. `text_hits`, when the
    /// filter has text, is the set of rowids whose name or description matched.
    pub fn filter(
        &self,
        ordering: &[u32],
        filter: &Filter,
        text_hits: Option<&[bool]>,
    ) -> Vec<u32> {
        self.in_order(&self.passing(filter, text_hits), ordering, false)
    }

    /// Which GPTs pass `filter`, before they are put in a list's order: in rowid order (the
    /// columns read front to back, a block of 64 at a time, on every core). Reading the
    /// columns in a sort's order jumped all over memory (83 ms for 5M GPTs).
    pub fn passing(&self, filter: &Filter, text_hits: Option<&[bool]>) -> Passing {
        let plan = Plan {
            category: filter
                .category
                .as_ref()
                .map(|c| self.category_index(c).unwrap_or(NO_CATEGORY - 1)),
            author: filter
                .author
                .as_ref()
                .map(|a| self.author_index(a).unwrap_or(NO_AUTHOR - 1)),
            only: filter
                .rowids
                .as_ref()
                .map(|ids| ids.iter().map(|&id| i64::from(id)).collect()),
            text_hits,
            bins: filter.bins.iter().map(|b| self.resolve(&b.key)).collect(),
        };
        Passing {
            set: super::chunks::VidSet::of_blocks(self.len(), |k| self.block(k, filter, &plan)),
            by_author: filter
                .bins
                .iter()
                .filter_map(|b| match b.key {
                    BinKey::AuthorGpts { lo, hi } => Some((lo, hi)),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The GPTs of `ordering` that pass, in that order (reversed when `reverse`): the ordering
    /// walked against the bit set.
    pub fn in_order(&self, pass: &Passing, ordering: &[u32], reverse: bool) -> Vec<u32> {
        self.finish_order(pass, pass.set.keep_in_order(ordering, reverse))
    }

    /// [`Self::in_order`] for `ordering` = `self.ordering(key)`: when few GPTs pass (a
    /// sixteenth or less) and `key` sorts by a number, the passing GPTs are sorted by it instead
    /// of walking the whole ordering. At 10M GPTs a filter keeping 1 % walked 40 MB of order
    /// against the bit set (8.6 ms); sorting its ~90k words is a fraction of that.
    pub fn in_order_by(
        &self,
        pass: &Passing,
        key: SortKey,
        ordering: &[u32],
        reverse: bool,
    ) -> Vec<u32> {
        match self.sorted_passing(pass, key, ordering.len() / 16) {
            Some(mut ids) => {
                if reverse {
                    ids.reverse();
                }
                self.finish_order(pass, ids)
            }
            None => self.in_order(pass, ordering, reverse),
        }
    }

    /// The passing GPTs in ascending order of `key` (ties by rowid, as [`Self::ordering`]),
    /// by sorting them; none when more than `at_most` pass or `key` sorts by text.
    fn sorted_passing(&self, pass: &Passing, key: SortKey, at_most: usize) -> Option<Vec<u32>> {
        self.sort_word(key, 1)?;
        let n = pass.set.len();
        if n > at_most {
            return None;
        }
        let mut words: Vec<u64> = Vec::with_capacity(n);
        for id in pass.set.range(1, self.len() as i64) {
            words.push(self.sort_word(key, id as u32)?);
        }
        words.sort_unstable();
        Some(words.into_iter().map(|w| w as u32).collect())
    }

    /// GPT `id`'s value of `key` above `id` itself, one integer ordered as
    /// [`Self::ordering`] orders ids; none for the keys sorted by text (name, author, category).
    fn sort_word(&self, key: SortKey, id: u32) -> Option<u64> {
        let i = (id as usize).checked_sub(1)?;
        let value: u64 = match key {
            SortKey::Conversations => u64::from(*self.conv.get(i)?),
            SortKey::Reviews => u64::from(*self.reviews.get(i)?),
            SortKey::Created => u64::from(*self.created.get(i)?),
            SortKey::Updated => u64::from(*self.updated.get(i)?),
            SortKey::Language => u64::from(crate::language::rank_of_index(*self.lang.get(i)?)),
            SortKey::Tools => {
                let t = *self.tools.get(i)?;
                u64::from(t.count_ones()) << 8 | u64::from(t)
            }
            SortKey::Signals => {
                let s = *self.signals.get(i)?;
                u64::from(s.count_ones()) << 8 | u64::from(s)
            }
            SortKey::Rating => {
                // Unrated below every rating; the bits of `total_cmp`'s order, made unsigned.
                let r = *self.rating.get(i)?;
                let r = if r.is_nan() { f32::NEG_INFINITY } else { r };
                let b = r.to_bits() as i32;
                let ordered = b ^ (((b >> 31) as u32) >> 1) as i32;
                u64::from(ordered as u32 ^ 0x8000_0000)
            }
            SortKey::Name | SortKey::Author | SortKey::Category | SortKey::Relevance => {
                return None;
            }
        };
        Some(value << 32 | u64::from(id))
    }

    /// A list in order, with the author-count bars applied.
    fn finish_order(&self, pass: &Passing, mut kept: Vec<u32>) -> Vec<u32> {
        // Author-count bars count within the list, so they apply last, in order.
        for &(lo, hi) in &pass.by_author {
            kept = self.by_author_gpts(kept, lo, hi);
        }
        kept
    }

    /// Keeps the GPTs of `ids` whose author has `lo..=hi` GPTs among `ids` (GPTs without an
    /// author count as one author each).
    fn by_author_gpts(&self, ids: Vec<u32>, lo: u32, hi: u32) -> Vec<u32> {
        let counts = self.gpts_per_author(&ids);
        ids.into_iter()
            .filter(|&id| {
                let a = self.author[(id - 1) as usize];
                let n = if a == NO_AUTHOR {
                    1
                } else {
                    counts[a as usize]
                };
                (lo..=hi).contains(&n)
            })
            .collect()
    }

    /// GPTs of each author (by author index) among `ids`.
    pub(crate) fn gpts_per_author(&self, ids: &[u32]) -> Vec<u32> {
        let mut counts = vec![0u32; self.authors.len()];
        for &id in ids {
            if let Some(n) = counts.get_mut(self.author[(id - 1) as usize] as usize) {
                *n += 1;
            }
        }
        counts
    }

    fn resolve<'a>(&self, key: &'a BinKey) -> Resolved<'a> {
        match key {
            BinKey::Category(c) => Resolved::Category(self.category_index(c)),
            BinKey::Author(a) => Resolved::Author(self.author_index(a)),
            BinKey::ActionAuth(a) => Resolved::ActionAuth(
                self.action_auths
                    .iter()
                    .position(|x| x == a)
                    .map(|p| p as u8),
            ),
            BinKey::ActionDomain(d) => Resolved::ActionDomain(
                self.action_domains
                    .iter()
                    .position(|x| x == d)
                    .map(|p| p as u32),
            ),
            BinKey::Language(code) => {
                Resolved::Language(crate::language::Language::from_code(code).index())
            }
            other => Resolved::Key(other),
        }
    }

    /// Whether the GPT at index `i` is counted by the bar `bin` (an author-count bar always
    /// passes here: [`Columns::filter`] applies it to the whole list).
    fn in_bin(&self, i: usize, bin: &Resolved<'_>) -> bool {
        let month = |t: u32| crate::time::month_index(i64::from(t));
        match bin {
            Resolved::Category(c) => c.is_some_and(|c| self.in_category(i, c)),
            Resolved::Author(a) => a.is_some_and(|a| self.author[i] == a),
            Resolved::ActionAuth(a) => {
                a.is_some_and(|a| self.actions_of(i).iter().any(|x| x.auth == a))
            }
            Resolved::ActionDomain(d) => {
                d.is_some_and(|d| self.actions_of(i).iter().any(|x| x.domain == d))
            }
            Resolved::Language(l) => self.lang[i] == *l,
            Resolved::Key(key) => match key {
                BinKey::Tool(bit) => self.tools[i] & bit != 0,
                BinKey::NoTool => u32::from(self.tools[i]) & ToolMask::TOOLS == 0,
                BinKey::ToolSet(set) => self.tools[i] == *set,
                BinKey::Uncategorized => self.category[i] == NO_CATEGORY,
                BinKey::Rating(half) => {
                    !self.rating[i].is_nan() && rating_bin(self.rating[i]) == *half
                }
                BinKey::Unrated => self.rating[i].is_nan(),
                BinKey::Conversations { lo, hi } => {
                    self.conv_known[i] && (*lo..*hi).contains(&self.conv[i])
                }
                BinKey::ConversationsUnknown => !self.conv_known[i],
                BinKey::Reviews { lo, hi } => (*lo..*hi).contains(&self.reviews[i]),
                BinKey::CreatedMonth(m) => self.created[i] != 0 && month(self.created[i]) == *m,
                BinKey::CreatedUnknown => self.created[i] == 0,
                BinKey::UpdatedMonth(m) => self.updated[i] != 0 && month(self.updated[i]) == *m,
                BinKey::UpdatedUnknown => self.updated[i] == 0,
                BinKey::Signal(bit) => self.signals[i] & bit != 0,
                BinKey::NoSignal => self.signals[i] == 0,
                BinKey::SignalSet(set) => self.signals[i] == *set,
                BinKey::AuthorGpts { .. } => true,
                BinKey::NoAuthor => self.author[i] == NO_AUTHOR,
                // Resolved above.
                BinKey::Category(_)
                | BinKey::Author(_)
                | BinKey::ActionAuth(_)
                | BinKey::ActionDomain(_)
                | BinKey::Language(_) => false,
            },
        }
    }

    /// The categories present, most common first.
    pub fn categories(&self) -> Vec<(String, usize)> {
        let mut counts = vec![0usize; self.categories.len()];
        for (i, &c) in self.category.iter().enumerate() {
            if c != NO_CATEGORY && self.available[i] {
                counts[c as usize] += 1;
            }
        }
        for (id, more) in &self.more_categories {
            if self.available[(*id - 1) as usize] {
                for &c in more {
                    counts[c as usize] += 1;
                }
            }
        }
        let mut out: Vec<(String, usize)> = self.categories.iter().cloned().zip(counts).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// The user id of the author of rowid `id`.
    pub fn author_of(&self, id: u32) -> Option<&str> {
        let a = *self.author.get((id as usize).checked_sub(1)?)?;
        ((a as usize) < self.authors.len()).then(|| self.authors.user_id(a as usize))
    }
}

/// Marks the rowids whose name or description contains `text` (case-insensitive; SQLite's LIKE
/// folds ASCII only, so both sides are lowercased here).
pub fn text_matches(db: &Db, snapshot_id: i64, text: &str) -> Result<Vec<bool>> {
    let needle = text.to_lowercase();
    let conn = db.conn();
    let e = |e| db.err(e);
    let t = gpt_table(snapshot_id);
    let max: i64 = conn
        .query_row("SELECT coalesce(max(vid), 0) FROM gpt", [], |r| r.get(0))
        .map_err(e)?;
    let mut hits = vec![false; max as usize + 1];
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut st = conn
        .prepare(&format!(
            "SELECT g.rowid, g.name, d.description FROM {t} g JOIN detail d ON d.hash = g.detail"
        ))
        .map_err(e)?;
    let mut rows = st.query([]).map_err(e)?;
    while let Some(r) = rows.next().map_err(e)? {
        let id = r.get::<_, i64>(0).map_err(e)? as usize;
        let hit = [1, 2].iter().any(|&col| {
            r.get_ref(col)
                .ok()
                .and_then(|v| v.as_str_or_null().ok().flatten())
                .is_some_and(|s| {
                    if s.is_ascii() {
                        s.as_bytes()
                            .windows(needle.len().max(1))
                            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
                    } else {
                        finder.find(s.to_lowercase().as_bytes()).is_some()
                    }
                })
        });
        if let Some(h) = hits.get_mut(id) {
            *h = hit;
        }
    }
    Ok(hits)
}

/// One line of a GPT table.
#[derive(Debug, Clone, PartialEq)]
pub struct GptRow {
    pub rowid: u32,
    pub id: String,
    pub name: String,
    pub author_id: Option<String>,
    pub author: Option<String>,
    pub verified: bool,
    pub category: Option<String>,
    pub tools: ToolMask,
    pub signals: u8,
    pub conv_bucket: Option<String>,
    pub rating: Option<f64>,
    pub reviews: Option<i64>,
    pub created_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub language: crate::language::Language,
}

/// The rows of a page, in the order of `rowids`.
pub fn rows(db: &Db, snapshot_id: i64, rowids: &[u32]) -> Result<Vec<GptRow>> {
    if rowids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = vec!["?"; rowids.len()].join(",");
    let sql = format!(
        "SELECT g.rowid, g.id, g.name, g.author_id, a.display_name, a.verified, g.category,
                g.tools, g.conv_bucket, g.rating, g.review_count, g.created_at, g.updated_at,
                g.signals, g.lang
         FROM {} g LEFT JOIN {authors}
         WHERE g.rowid IN ({placeholders})",
        gpt_table(snapshot_id),
        authors = super::versions::author_join("a", "g.author_id", snapshot_id)
    );
    let mut st = db.conn().prepare_cached(&sql).map_err(|e| db.err(e))?;
    let mut found: FxHashMap<u32, GptRow> = FxHashMap::default();
    let mut q = st
        .query(params_from_iter(rowids.iter()))
        .map_err(|e| db.err(e))?;
    while let Some(r) = q.next().map_err(|e| db.err(e))? {
        let row = (|| -> rusqlite::Result<GptRow> {
            Ok(GptRow {
                rowid: r.get(0)?,
                id: r.get(1)?,
                name: r.get(2)?,
                author_id: r.get(3)?,
                author: r.get(4)?,
                verified: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
                category: r.get(6)?,
                tools: ToolMask(r.get(7)?),
                conv_bucket: r.get(8)?,
                rating: r.get(9)?,
                reviews: r.get(10)?,
                created_at: r.get(11)?,
                updated_at: r.get(12)?,
                signals: r.get::<_, u32>(13)? as u8,
                language: r.get(14)?,
            })
        })()
        .map_err(|e| db.err(e))?;
        found.insert(row.rowid, row);
    }
    Ok(rowids.iter().filter_map(|id| found.remove(id)).collect())
}

/// One line of the authors table.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorRow {
    pub user_id: String,
    pub name: Option<String>,
    pub verified: bool,
    /// The website's domain when the author shows one.
    pub website: Option<String>,
    pub gpts: i64,
    pub conv_total: i64,
    pub conv_median: Option<i64>,
    /// Total stars over total ratings of their GPTs.
    pub rating: Option<f64>,
    pub ratings: i64,
    pub tools: ToolMask,
}

const AUTHOR_COLUMNS: &str = "user_id, display_name, verified, link_to, gpts, conv_total, \
                              conv_median, review_total, review_count, tools";

fn author_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuthorRow> {
    let link: Option<String> = r.get(3)?;
    let total: i64 = r.get(7)?;
    let count: i64 = r.get(8)?;
    Ok(AuthorRow {
        user_id: r.get(0)?,
        name: r.get(1)?,
        verified: r.get::<_, Option<bool>>(2)?.unwrap_or(false),
        website: link.as_deref().and_then(crate::text::domain_of),
        gpts: r.get(4)?,
        conv_total: r.get(5)?,
        conv_median: r.get(6)?,
        rating: (count > 0).then(|| total as f64 / count as f64),
        ratings: count,
        tools: ToolMask(r.get(9)?),
    })
}

/// One author of a snapshot.
pub fn author(db: &Db, snapshot_id: i64, user_id: &str) -> Result<Option<AuthorRow>> {
    use rusqlite::OptionalExtension;
    db.conn()
        .query_row(
            &format!("SELECT {AUTHOR_COLUMNS} FROM author WHERE snapshot_id = ?1 AND user_id = ?2"),
            rusqlite::params![snapshot_id, user_id],
            author_row,
        )
        .optional()
        .map_err(|e| db.err(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorting the few GPTs that pass gives the order walking the whole ordering gives, for
    /// every numeric sort key, both ways, ties (many equal counts in the sample) by rowid.
    #[test]
    fn the_passing_gpts_sorted_alone_are_in_the_orderings_order() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        let c = Columns::load(&db, 1).unwrap();
        let filters = [
            Filter::default(),
            Filter {
                min_rating: Some(4.5),
                ..Filter::default()
            },
            Filter {
                tools_has: 1,
                ..Filter::default()
            },
            Filter {
                min_conversations: Some(100_000),
                ..Filter::default()
            },
        ];
        let mut sorted = 0;
        for f in &filters {
            let pass = c.passing(f, None);
            for key in SortKey::ALL {
                let ordering = c.ordering(key);
                let Some(ids) = c.sorted_passing(&pass, key, usize::MAX) else {
                    assert!(
                        matches!(key, SortKey::Name | SortKey::Author | SortKey::Category),
                        "{key:?}"
                    );
                    continue;
                };
                sorted += 1;
                assert_eq!(ids, c.in_order(&pass, &ordering, false), "{key:?} {f:?}");
                for reverse in [false, true] {
                    assert_eq!(
                        c.in_order_by(&pass, key, &ordering, reverse),
                        c.in_order(&pass, &ordering, reverse),
                        "{key:?} {f:?} {reverse}"
                    );
                }
            }
            // Below a sixteenth of the list, the sorted way is the one taken.
            if pass.set.len() * 16 <= c.ordering(SortKey::Rating).len() {
                assert!(
                    c.sorted_passing(&pass, SortKey::Rating, c.len() / 16)
                        .is_some()
                );
            }
        }
        // Every key but name, author and category (sorted by text).
        assert_eq!(sorted, filters.len() * (SortKey::ALL.len() - 3));
    }

    /// Every test of a filter, alone and together, keeps what SQL over the rows keeps, in the
    /// ordering's order and in its reverse.
    #[test]
    fn a_filter_keeps_what_sql_keeps() {
        let dir = tempfile::tempdir().unwrap();
        let (_, db) = crate::assets::sample_db(dir.path());
        // The sample has no verified author: one of a writing GPT is.
        db.conn()
            .execute(
                "UPDATE author_version SET verified = 1 WHERE user_id =
                   (SELECT author_id FROM gpt WHERE category = 'writing' LIMIT 1)",
                [],
            )
            .unwrap();
        let c = Columns::load(&db, 1).unwrap();
        let sql = |cond: &str| -> Vec<u32> {
            let q = format!(
                "SELECT rowid FROM (SELECT g.*, a.verified AS author_verified
                                    FROM gpt_1 g LEFT JOIN {})
                 WHERE available AND ({cond}) ORDER BY rowid",
                super::super::versions::author_join("a", "g.author_id", 1)
            );
            let mut st = db.conn().prepare(&q).unwrap();
            st.query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let (t0, t1) = (1_700_000_000, 1_704_067_200);
        let dates = format!("created_at BETWEEN {t0} AND {t1} AND updated_at >= {t0}");
        let cases: Vec<(Filter, &str)> = vec![
            (
                Filter {
                    tools_has: 8,
                    min_rating: Some(4.0),
                    ..Filter::default()
                },
                "tools & 8 AND rating >= 4",
            ),
            (
                Filter {
                    tools_not: 4,
                    signals_not: 8,
                    ..Filter::default()
                },
                "tools & 4 = 0 AND signals & 8 = 0",
            ),
            (
                Filter {
                    min_reviews: Some(100),
                    min_conversations: Some(1_000),
                    ..Filter::default()
                },
                "review_count >= 100 AND conv >= 1000",
            ),
            (
                Filter {
                    created: (Some(t0), Some(t1)),
                    updated: (Some(t0), None),
                    ..Filter::default()
                },
                &dates,
            ),
            (
                Filter {
                    category: Some("writing".into()),
                    verified: Some(true),
                    ..Filter::default()
                },
                "category = 'writing' AND author_verified",
            ),
            (
                Filter {
                    verified: Some(false),
                    bins: vec![Bin {
                        key: BinKey::Rating(9),
                        label: String::new(),
                    }],
                    ..Filter::default()
                },
                "NOT coalesce(author_verified, 0) AND rating >= 4.5 AND rating < 5",
            ),
            (
                Filter {
                    language: crate::language::Language::parse("ja"),
                    ..Filter::default()
                },
                "lang = 'ja'",
            ),
            (
                Filter {
                    bins: vec![Bin {
                        key: BinKey::Language("en".into()),
                        label: String::new(),
                    }],
                    tools_not: 4,
                    ..Filter::default()
                },
                "lang = 'en' AND tools & 4 = 0",
            ),
        ];
        let order = c.ordering(SortKey::Name);
        for (f, cond) in cases {
            let mut want = sql(cond);
            assert!(!want.is_empty(), "{cond}: the sample has such GPTs");
            want.sort_by_key(|id| order.iter().position(|o| o == id));
            assert_eq!(c.filter(&order, &f, None), want, "{cond}");
            want.reverse();
            let pass = c.passing(&f, None);
            assert_eq!(c.in_order(&pass, &order, true), want, "{cond} reversed");
        }
        // A search's rowids and the text's hits, with the last (partial) block of 64.
        let last = c.len() as u32;
        let only = Filter {
            rowids: Some(vec![last, 1, 65, 64].into()),
            ..Filter::default()
        };
        let mut hits = vec![false; c.len() + 1];
        hits[64] = true;
        hits[last as usize] = true;
        let ids: Vec<u32> = (1..=last).collect();
        let kept = c.filter(&ids, &only, Some(&hits));
        let available = |id: &u32| c.available[(id - 1) as usize];
        let want: Vec<u32> = [64, last].into_iter().filter(available).collect();
        assert_eq!(kept, want);
        // The first page and the count before the whole order is walked.
        let f = Filter {
            tools_has: 8,
            ..Filter::default()
        };
        let order = c.ordering(SortKey::Conversations);
        let all = c.filter(&order, &f, None);
        let pass = c.passing(&f, None);
        assert_eq!(
            pass.first(&order, false, 5),
            Some((all.len(), all[..5].to_vec()))
        );
        let back: Vec<u32> = all.iter().rev().take(5).copied().collect();
        assert_eq!(pass.first(&order, true, 5), Some((all.len(), back)));
    }

    #[test]
    fn sorting_by_key_on_two_threads_gives_the_one_order() {
        for n in [0u32, 1, 7, 250_001] {
            let ids: Vec<u32> = (1..=n)
                .map(|i| i.wrapping_mul(2_654_435_761) % (n + 1))
                .collect();
            let name = |id: u32| format!("gpt {}", id % 1_000);
            let key = |id: u32| u64::from(id % 13);
            let sorted = sort_by_key_then(ids.clone(), key, |a, b| {
                name(a).cmp(&name(b)).then(a.cmp(&b))
            });
            let mut plain = ids;
            plain.sort_by(|a, b| {
                key(*a)
                    .cmp(&key(*b))
                    .then(name(*a).cmp(&name(*b)))
                    .then(a.cmp(b))
            });
            assert_eq!(sorted, plain, "{n}");
        }
    }
}
