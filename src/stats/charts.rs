//! The charts: one pass over a list's GPTs (the snapshot's in-memory columns) counts every bar
//! of the histogram screen; a frequency table counts one column's values. Every bar carries the
//! [`BinKey`] that selects the GPTs it counts, so a drill-down is a filter, and the same code
//! serves the TUI and `gptscope stats`.

use crate::signals::SignalKind;
use crate::store::authors::Authors;
use crate::store::record::{ToolMask, bucket_label};
use crate::store::view::{AuthorBinKey, BinKey, Columns, rating_bin};
use crate::time::{month_index, month_label};
use rustc_hash::FxHashMap;

/// The charts of the histogram screen, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ChartId {
    Tools,
    Ratings,
    Conversations,
    Categories,
    AuthorsByGpts,
    CreatedMonth,
    Signals,
    ActionAuth,
    ActionDomains,
    Languages,
    /// A frequency table of one column of a GPT table.
    Frequency(FreqColumn),
    /// A frequency table of one column of the authors table.
    AuthorFrequency(AuthorFreqColumn),
}

impl ChartId {
    pub const SCREEN: [ChartId; 10] = [
        ChartId::Tools,
        ChartId::Ratings,
        ChartId::Conversations,
        ChartId::Categories,
        ChartId::AuthorsByGpts,
        ChartId::CreatedMonth,
        ChartId::Signals,
        ChartId::ActionAuth,
        ChartId::ActionDomains,
        ChartId::Languages,
    ];

    /// The chart's name in a drill-down's filter phrase (`tools: browser`).
    pub fn short(self) -> &'static str {
        match self {
            ChartId::Tools => "tools",
            ChartId::Ratings => "rating",
            ChartId::Conversations => "conversations",
            ChartId::Categories => "category",
            ChartId::AuthorsByGpts => "GPTs per author",
            ChartId::CreatedMonth => "created",
            ChartId::Signals => "signal",
            ChartId::ActionAuth => "action auth",
            ChartId::ActionDomains => "action domain",
            ChartId::Languages => "language",
            ChartId::Frequency(c) => c.label(),
            ChartId::AuthorFrequency(c) => c.label(),
        }
    }

    pub fn title(self) -> String {
        match self {
            ChartId::Tools => "Tools (GPTs with at least one)".into(),
            ChartId::Ratings => "Rating (half-star bins by lower edge)".into(),
            ChartId::Conversations => "Conversations (the store's buckets)".into(),
            ChartId::Categories => "Categories (a GPT counts in each of its own)".into(),
            ChartId::AuthorsByGpts => "GPTs per author (authors)".into(),
            ChartId::CreatedMonth => "Created (month)".into(),
            ChartId::Signals => "Monetisation signals (GPTs with at least one of the kind)".into(),
            ChartId::ActionAuth => "Action auth kinds (GPTs with an Action of the kind)".into(),
            ChartId::ActionDomains => format!("Top {TOP_DOMAINS} Action domains (GPTs)"),
            ChartId::Languages => "Languages (of name, description and starters)".into(),
            ChartId::Frequency(c) => format!("Frequency of {}", c.label()),
            ChartId::AuthorFrequency(c) => format!("Frequency of authors' {}", c.label()),
        }
    }
}

/// The GPT-table columns a frequency table can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FreqColumn {
    Author,
    Category,
    Tools,
    Signals,
    Conversations,
    Rating,
    Reviews,
    Created,
    Updated,
    Language,
}

impl FreqColumn {
    pub fn label(self) -> &'static str {
        match self {
            FreqColumn::Author => "author",
            FreqColumn::Category => "category",
            FreqColumn::Tools => "tool sets",
            FreqColumn::Signals => "signal sets",
            FreqColumn::Conversations => "conversations",
            FreqColumn::Rating => "rating",
            FreqColumn::Reviews => "reviews",
            FreqColumn::Created => "created month",
            FreqColumn::Updated => "updated month",
            FreqColumn::Language => "language",
        }
    }
}

/// The authors-table columns a frequency table can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AuthorFreqColumn {
    Website,
    Gpts,
    ConvTotal,
    ConvMedian,
    Rating,
    Tools,
}

impl AuthorFreqColumn {
    pub fn label(self) -> &'static str {
        match self {
            AuthorFreqColumn::Website => "website",
            AuthorFreqColumn::Gpts => "GPT count",
            AuthorFreqColumn::ConvTotal => "conversations in all",
            AuthorFreqColumn::ConvMedian => "median conversations",
            AuthorFreqColumn::Rating => "rating",
            AuthorFreqColumn::Tools => "tool mix",
        }
    }
}

/// How many Action domains the domains chart shows.
pub const TOP_DOMAINS: usize = 20;

/// How many authors a frequency table of the author column lists.
pub const TOP_AUTHORS: usize = 200;

/// One bar: what it is called, how many it counts, and which GPTs (or authors) those are.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bar {
    pub label: String,
    pub count: u64,
    pub key: Drill,
}

/// What a bar opens: GPTs (a filter of a GPT list) or authors (of the authors table).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Drill {
    Gpts(BinKey),
    Authors(AuthorBinKey),
}

/// A chart: bars, and what their percentages are of.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chart {
    pub id: ChartId,
    /// What is counted: "GPTs" or "authors".
    #[serde(deserialize_with = "unit")]
    pub unit: super::Name,
    /// The denominator of the percentages (GPTs in the list, or their authors).
    pub total: u64,
    pub bars: Vec<Bar>,
}

/// A chart's unit read back (a stored landscape, [`crate::stats::summary`]).
fn unit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    super::known_name(d, &["GPTs", "authors"])
}

impl Chart {
    pub fn pct(&self, count: u64) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            count as f64 * 100.0 / self.total as f64
        }
    }

    /// The bars as `label → count`, for JSON.
    pub fn counts(&self) -> serde_json::Map<String, serde_json::Value> {
        self.bars
            .iter()
            .map(|b| (b.label.clone(), b.count.into()))
            .collect()
    }
}

/// GPTs-per-author bins: (low, high, label).
pub const AUTHOR_BINS: [(u32, u32, &str); 5] = [
    (1, 1, "1"),
    (2, 5, "2–5"),
    (6, 20, "6–20"),
    (21, 100, "21–100"),
    (101, u32::MAX, "over 100"),
];

/// More distinct conversation counts than this (plain integers rather than the store's
/// buckets) and the chart groups them by powers of ten.
const MAX_LADDER: usize = 40;

/// Everything one pass over the list counts.
pub(crate) struct Tally<'a> {
    ids: &'a [u32],
    pub gpts: u64,
    pub tools: [u64; 8],
    pub toolless: u64,
    pub categories: Vec<u64>,
    pub uncategorized: u64,
    pub rating_bins: [u64; 11],
    pub unrated: u64,
    pub conv: FxHashMap<u32, u64>,
    pub conv_unknown: u64,
    pub months: FxHashMap<i64, u64>,
    pub created_unknown: u64,
    pub signals: [u64; 5],
    pub no_signal: u64,
    pub auths: Vec<u64>,
    pub domains: Vec<u64>,
    pub domain_unknown: u64,
    pub per_author: Vec<u32>,
    pub authorless: u64,
    /// GPTs by language ([`crate::language::Language::index`]).
    pub languages: [u64; 256],
}

impl<'a> Tally<'a> {
    pub(crate) fn count(c: &Columns, ids: &'a [u32]) -> Tally<'a> {
        let mut t = Tally {
            ids,
            gpts: ids.len() as u64,
            tools: [0; 8],
            toolless: 0,
            categories: vec![0; c.categories.len()],
            uncategorized: 0,
            rating_bins: [0; 11],
            unrated: 0,
            conv: FxHashMap::default(),
            conv_unknown: 0,
            months: FxHashMap::default(),
            created_unknown: 0,
            signals: [0; 5],
            no_signal: 0,
            auths: vec![0; c.action_auths.len()],
            domains: vec![0; c.action_domains.len()],
            domain_unknown: 0,
            per_author: vec![0; c.authors.len()],
            authorless: 0,
            languages: [0; 256],
        };
        // Months change rarely between neighbouring GPTs: remember the last day's month.
        let mut last_day = i64::MIN;
        let mut last_month = 0i64;
        let mut seen_auth: Vec<bool> = vec![false; c.action_auths.len()];
        let mut seen_domain: Vec<u32> = Vec::new();
        for &id in ids {
            let i = (id - 1) as usize;
            let tools = c.tools[i];
            for (b, n) in t.tools.iter_mut().enumerate() {
                *n += u64::from(tools >> b & 1);
            }
            t.toolless += u64::from(u32::from(tools) & ToolMask::TOOLS == 0);
            let cat = c.category[i];
            match t.categories.get_mut(cat as usize) {
                Some(n) => *n += 1,
                None => t.uncategorized += 1,
            }
            if let Some(more) = c.more_categories.get(&id) {
                for &m in more {
                    if let Some(n) = t.categories.get_mut(m as usize) {
                        *n += 1;
                    }
                }
            }
            let r = c.rating[i];
            if r.is_nan() {
                t.unrated += 1;
            } else {
                t.rating_bins[rating_bin(r) as usize] += 1;
            }
            if c.conv_known[i] {
                *t.conv.entry(c.conv[i]).or_default() += 1;
            } else {
                t.conv_unknown += 1;
            }
            let created = c.created[i];
            if created == 0 {
                t.created_unknown += 1;
            } else {
                let day = i64::from(created) / 86_400;
                if day != last_day {
                    last_day = day;
                    last_month = month_index(i64::from(created));
                }
                *t.months.entry(last_month).or_default() += 1;
            }
            let signals = c.signals[i];
            for (b, n) in t.signals.iter_mut().enumerate() {
                *n += u64::from(signals >> b & 1);
            }
            t.no_signal += u64::from(signals == 0);
            let actions = c.actions_of(i);
            if !actions.is_empty() {
                // A GPT counts once per auth kind and once per domain.
                seen_auth.iter_mut().for_each(|s| *s = false);
                seen_domain.clear();
                let mut unknown_domain = false;
                for a in actions {
                    if let Some(s) = seen_auth.get_mut(a.auth as usize)
                        && !*s
                    {
                        *s = true;
                        t.auths[a.auth as usize] += 1;
                    }
                    if a.domain == u32::MAX {
                        unknown_domain = true;
                    } else if !seen_domain.contains(&a.domain) {
                        seen_domain.push(a.domain);
                        if let Some(n) = t.domains.get_mut(a.domain as usize) {
                            *n += 1;
                        }
                    }
                }
                t.domain_unknown += u64::from(unknown_domain);
            }
            match t.per_author.get_mut(c.author[i] as usize) {
                Some(n) => *n += 1,
                None => t.authorless += 1,
            }
            t.languages[c.lang[i] as usize] += 1;
        }
        t
    }

    /// Distinct authors in the list; a GPT that names no author adds none (see
    /// [`Tally::authorless`]).
    pub(crate) fn authors(&self) -> u64 {
        self.per_author.iter().filter(|n| **n > 0).count() as u64
    }

    pub(crate) fn chart(&self, c: &Columns, id: ChartId) -> Chart {
        let bars = match id {
            ChartId::Tools => self.tool_bars(),
            ChartId::Ratings => self.rating_bars(),
            ChartId::Conversations => self.conversation_bars(),
            ChartId::Categories => self.category_bars(c),
            ChartId::AuthorsByGpts => return self.authors_by_gpts(),
            ChartId::CreatedMonth => self.month_bars(),
            ChartId::Signals => self.signal_bars(),
            ChartId::ActionAuth => self.auth_bars(c),
            ChartId::ActionDomains => self.domain_bars(c),
            ChartId::Languages => self.language_bars(),
            ChartId::Frequency(col) => return frequency(c, self.ids, col),
            // Made from the authors table, not from GPTs: see [`author_frequency`].
            ChartId::AuthorFrequency(_) => {
                return Chart {
                    id,
                    unit: "authors",
                    total: 0,
                    bars: Vec::new(),
                };
            }
        };
        Chart {
            id,
            unit: "GPTs",
            total: self.gpts,
            bars,
        }
    }

    fn tool_bars(&self) -> Vec<Bar> {
        let mut bars = Vec::new();
        for (name, bit) in ToolMask::NAMED {
            let n = self.tools[bit.trailing_zeros() as usize];
            // Kinds the store no longer (or not yet) uses only when present.
            if name != "other" || n > 0 {
                bars.push(gpt_bar(name, n, BinKey::Tool(bit as u8)));
            }
        }
        bars.push(gpt_bar("none", self.toolless, BinKey::NoTool));
        bars
    }

    fn rating_bars(&self) -> Vec<Bar> {
        let mut bars: Vec<Bar> = (2..=10u8)
            .map(|half| {
                gpt_bar(
                    &format!("{:.1}", f64::from(half) / 2.0),
                    self.rating_bins[half as usize],
                    BinKey::Rating(half),
                )
            })
            .collect();
        bars.push(gpt_bar("unrated", self.unrated, BinKey::Unrated));
        bars
    }

    fn conversation_bars(&self) -> Vec<Bar> {
        let mut values: Vec<(u32, u64)> = self.conv.iter().map(|(v, n)| (*v, *n)).collect();
        values.sort_unstable();
        let mut bars: Vec<Bar> = if values.len() <= MAX_LADDER {
            values
                .into_iter()
                .map(|(v, n)| {
                    gpt_bar(
                        &bucket_label(u64::from(v)),
                        n,
                        BinKey::Conversations {
                            lo: v,
                            hi: v.saturating_add(1),
                        },
                    )
                })
                .collect()
        } else {
            decades(&values)
        };
        if self.conv_unknown > 0 {
            bars.push(gpt_bar(
                "unknown",
                self.conv_unknown,
                BinKey::ConversationsUnknown,
            ));
        }
        bars
    }

    fn category_bars(&self, c: &Columns) -> Vec<Bar> {
        let mut bars: Vec<Bar> = c
            .categories
            .iter()
            .zip(&self.categories)
            .filter(|(_, n)| **n > 0)
            .map(|(name, n)| gpt_bar(name, *n, BinKey::Category(name.clone())))
            .collect();
        bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        bars.push(gpt_bar(
            "uncategorized",
            self.uncategorized,
            BinKey::Uncategorized,
        ));
        bars
    }

    fn month_bars(&self) -> Vec<Bar> {
        let mut months: Vec<(i64, u64)> = self.months.iter().map(|(m, n)| (*m, *n)).collect();
        months.sort_unstable();
        let mut bars: Vec<Bar> = months
            .into_iter()
            .map(|(m, n)| gpt_bar(&month_label(m), n, BinKey::CreatedMonth(m)))
            .collect();
        if self.created_unknown > 0 {
            bars.push(gpt_bar(
                "unknown",
                self.created_unknown,
                BinKey::CreatedUnknown,
            ));
        }
        bars
    }

    fn signal_bars(&self) -> Vec<Bar> {
        let mut bars: Vec<Bar> = SignalKind::ALL
            .iter()
            .map(|k| {
                gpt_bar(
                    k.name(),
                    self.signals[k.bit().trailing_zeros() as usize],
                    BinKey::Signal(k.bit()),
                )
            })
            .collect();
        bars.push(gpt_bar("none", self.no_signal, BinKey::NoSignal));
        bars
    }

    fn auth_bars(&self, c: &Columns) -> Vec<Bar> {
        let mut bars: Vec<Bar> = c
            .action_auths
            .iter()
            .zip(&self.auths)
            .filter(|(_, n)| **n > 0)
            .map(|(name, n)| gpt_bar(name, *n, BinKey::ActionAuth(name.clone())))
            .collect();
        bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        bars
    }

    fn domain_bars(&self, c: &Columns) -> Vec<Bar> {
        let mut top: Vec<(usize, u64)> = self
            .domains
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect();
        top.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| c.action_domains[a.0].cmp(&c.action_domains[b.0]))
        });
        top.truncate(TOP_DOMAINS);
        top.into_iter()
            .map(|(d, n)| {
                let name = &c.action_domains[d];
                gpt_bar(name, n, BinKey::ActionDomain(name.clone()))
            })
            .collect()
    }

    /// Languages present, most GPTs first (ties by name), unknown last.
    fn language_bars(&self) -> Vec<Bar> {
        use crate::language::Language;
        let bar = |l: Language, n: u64| gpt_bar(l.name(), n, BinKey::Language(l.code().into()));
        let mut bars: Vec<Bar> = Language::all()
            .map(|l| (l, self.languages[l.index() as usize]))
            .filter(|(_, n)| *n > 0)
            .map(|(l, n)| bar(l, n))
            .collect();
        bars.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        bars.push(bar(Language::Unknown, self.languages[0]));
        bars
    }

    /// Authors by how many GPTs they made (the list's GPTs naming none are not authors).
    fn authors_by_gpts(&self) -> Chart {
        let mut counts = [0u64; AUTHOR_BINS.len()];
        for n in self.per_author.iter().copied().filter(|n| *n > 0) {
            if let Some(b) = AUTHOR_BINS
                .iter()
                .position(|(lo, hi, _)| (*lo..=*hi).contains(&n))
            {
                counts[b] += 1;
            }
        }
        Chart {
            id: ChartId::AuthorsByGpts,
            unit: "authors",
            total: self.authors(),
            bars: AUTHOR_BINS
                .iter()
                .zip(counts)
                .map(|((lo, hi, label), n)| {
                    gpt_bar(label, n, BinKey::AuthorGpts { lo: *lo, hi: *hi })
                })
                .collect(),
        }
    }
}

/// A bar of GPTs.
fn gpt_bar(label: &str, count: u64, key: BinKey) -> Bar {
    Bar {
        label: label.to_owned(),
        count,
        key: Drill::Gpts(key),
    }
}

/// Conversation counts grouped by powers of ten (`1+` holds 1–9, `10+` 10–99, …).
fn decades(values: &[(u32, u64)]) -> Vec<Bar> {
    let mut bins: Vec<(u32, u32, u64)> = Vec::new();
    for &(v, n) in values {
        let (lo, hi) = if v == 0 {
            (0, 1)
        } else {
            let lo = 10u32.pow(v.ilog10());
            (lo, lo.saturating_mul(10))
        };
        match bins.last_mut() {
            Some(b) if b.0 == lo => b.2 += n,
            _ => bins.push((lo, hi, n)),
        }
    }
    bins.into_iter()
        .map(|(lo, hi, n)| Bar {
            label: bucket_label(u64::from(lo)),
            count: n,
            key: Drill::Gpts(BinKey::Conversations { lo, hi }),
        })
        .collect()
}

/// A frequency table of one column over `ids`, most common value first (dates and numbers in
/// their own order).
pub fn frequency(c: &Columns, ids: &[u32], column: FreqColumn) -> Chart {
    let mut counts: FxHashMap<i64, u64> = FxHashMap::default();
    let key_of = |i: usize| -> i64 {
        match column {
            FreqColumn::Author => i64::from(c.author[i]),
            FreqColumn::Category => i64::from(c.category[i]),
            FreqColumn::Tools => i64::from(c.tools[i]),
            FreqColumn::Signals => i64::from(c.signals[i]),
            FreqColumn::Language => i64::from(c.lang[i]),
            FreqColumn::Conversations => {
                if c.conv_known[i] {
                    i64::from(c.conv[i])
                } else {
                    -1
                }
            }
            FreqColumn::Rating => {
                if c.rating[i].is_nan() {
                    -1
                } else {
                    i64::from(rating_bin(c.rating[i]))
                }
            }
            FreqColumn::Reviews => {
                let n = c.reviews[i];
                if n == 0 { 0 } else { i64::from(n.ilog10()) + 1 }
            }
            FreqColumn::Created | FreqColumn::Updated => {
                let t = if column == FreqColumn::Created {
                    c.created[i]
                } else {
                    c.updated[i]
                };
                if t == 0 {
                    -1
                } else {
                    month_index(i64::from(t))
                }
            }
        }
    };
    for &id in ids {
        *counts.entry(key_of((id - 1) as usize)).or_default() += 1;
    }
    let mut entries: Vec<(i64, u64)> = counts.into_iter().collect();
    let by_value = matches!(
        column,
        FreqColumn::Conversations
            | FreqColumn::Rating
            | FreqColumn::Reviews
            | FreqColumn::Created
            | FreqColumn::Updated
    );
    if by_value {
        // Unknown (-1) last.
        entries.sort_unstable_by_key(|(k, _)| (*k < 0, *k));
    } else {
        entries.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    if column == FreqColumn::Author {
        entries.truncate(TOP_AUTHORS);
    }
    let tool_names = |mask: u8| -> String {
        let names: Vec<&str> = ToolMask::NAMED
            .iter()
            .filter(|(_, b)| u32::from(mask) & b != 0)
            .map(|(n, _)| *n)
            .collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join("+")
        }
    };
    let signal_names = |mask: u8| -> String {
        let names: Vec<&str> = SignalKind::ALL
            .iter()
            .filter(|k| mask & k.bit() != 0)
            .map(|k| k.name())
            .collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join("+")
        }
    };
    let bars = entries
        .into_iter()
        .map(|(k, n)| {
            let (label, key) = match column {
                FreqColumn::Author if (k as usize) < c.authors.len() => (
                    c.authors.label(k as usize).to_owned(),
                    BinKey::Author(c.authors.user_id(k as usize).to_owned()),
                ),
                FreqColumn::Author => ("no author".into(), BinKey::NoAuthor),
                FreqColumn::Category => match c.categories.get(k as usize) {
                    Some(name) => (name.clone(), BinKey::Category(name.clone())),
                    None => ("uncategorized".into(), BinKey::Uncategorized),
                },
                FreqColumn::Tools => (tool_names(k as u8), BinKey::ToolSet(k as u8)),
                FreqColumn::Signals => (signal_names(k as u8), BinKey::SignalSet(k as u8)),
                FreqColumn::Conversations if k < 0 => {
                    ("unknown".into(), BinKey::ConversationsUnknown)
                }
                FreqColumn::Conversations => (
                    bucket_label(k as u64),
                    BinKey::Conversations {
                        lo: k as u32,
                        hi: (k as u32).saturating_add(1),
                    },
                ),
                FreqColumn::Rating if k < 0 => ("unrated".into(), BinKey::Unrated),
                FreqColumn::Rating => (format!("{:.1}", k as f64 / 2.0), BinKey::Rating(k as u8)),
                FreqColumn::Reviews => {
                    let (lo, hi) = if k == 0 {
                        (0, 1)
                    } else {
                        let lo = 10u32.pow(k as u32 - 1);
                        (lo, lo.saturating_mul(10))
                    };
                    let label = if k == 0 {
                        "0".to_owned()
                    } else {
                        format!("{lo}–{}", hi - 1)
                    };
                    (label, BinKey::Reviews { lo, hi })
                }
                FreqColumn::Created if k < 0 => ("unknown".into(), BinKey::CreatedUnknown),
                FreqColumn::Created => (month_label(k), BinKey::CreatedMonth(k)),
                FreqColumn::Updated if k < 0 => ("unknown".into(), BinKey::UpdatedUnknown),
                FreqColumn::Updated => (month_label(k), BinKey::UpdatedMonth(k)),
                FreqColumn::Language => {
                    let l = crate::language::Language::from_index(k as u8);
                    (l.name().to_owned(), BinKey::Language(l.code().to_owned()))
                }
            };
            Bar {
                label,
                count: n,
                key: Drill::Gpts(key),
            }
        })
        .collect();
    Chart {
        id: ChartId::Frequency(column),
        unit: "GPTs",
        total: ids.len() as u64,
        bars,
    }
}

/// `lo..hi` of the power of ten `n` is in (`0..1` for 0).
fn decade(n: i64) -> (i64, i64) {
    if n <= 0 {
        (0, 1)
    } else {
        let lo = 10i64.pow(n.ilog10());
        (lo, lo.saturating_mul(10))
    }
}

/// A frequency table of one column of the authors table over the authors `ids` (indexes into
/// `rows`), most common first (ordered values in their order).
pub fn author_frequency(rows: &Authors, ids: &[u32], column: AuthorFreqColumn) -> Chart {
    let mut counts: FxHashMap<String, (u64, AuthorBinKey, i64)> = FxHashMap::default();
    for i in ids.iter().map(|&i| i as usize).filter(|&i| i < rows.len()) {
        // (label, key, order: where ordered values sort)
        let (label, key, order) = match column {
            AuthorFreqColumn::Website => (
                rows.website(i).unwrap_or("no website").to_owned(),
                AuthorBinKey::Website(rows.website(i).map(str::to_owned)),
                0,
            ),
            AuthorFreqColumn::Gpts => {
                let (lo, hi, label) = AUTHOR_BINS
                    .iter()
                    .find(|(lo, hi, _)| (i64::from(*lo)..=i64::from(*hi)).contains(&rows.gpts(i)))
                    .copied()
                    .unwrap_or((0, 0, "0"));
                (
                    label.to_owned(),
                    AuthorBinKey::Gpts {
                        lo: i64::from(lo),
                        hi: i64::from(hi),
                    },
                    i64::from(lo),
                )
            }
            AuthorFreqColumn::ConvTotal => {
                let (lo, hi) = decade(rows.conv_total(i));
                (
                    bucket_label(lo as u64),
                    AuthorBinKey::ConvTotal { lo, hi },
                    lo,
                )
            }
            AuthorFreqColumn::ConvMedian => match rows.conv_median(i) {
                Some(m) => {
                    let (lo, hi) = decade(m);
                    (
                        bucket_label(lo as u64),
                        AuthorBinKey::ConvMedian(Some((lo, hi))),
                        lo,
                    )
                }
                None => (
                    "unknown".to_owned(),
                    AuthorBinKey::ConvMedian(None),
                    i64::MAX,
                ),
            },
            AuthorFreqColumn::Rating => match rows.rating(i) {
                Some(x) => {
                    let bin = rating_bin(x as f32);
                    (
                        format!("{:.1}", f64::from(bin) / 2.0),
                        AuthorBinKey::Rating(Some(bin)),
                        i64::from(bin),
                    )
                }
                None => ("unrated".to_owned(), AuthorBinKey::Rating(None), i64::MAX),
            },
            AuthorFreqColumn::Tools => {
                let names: Vec<&str> = ToolMask::NAMED
                    .iter()
                    .filter(|(_, b)| rows.tools(i).0 & b != 0)
                    .map(|(n, _)| *n)
                    .collect();
                let label = if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join("+")
                };
                (label, AuthorBinKey::Tools(rows.tools(i).0), 0)
            }
        };
        counts.entry(label).or_insert((0, key, order)).0 += 1;
    }
    let mut entries: Vec<(String, (u64, AuthorBinKey, i64))> = counts.into_iter().collect();
    let ordered = !matches!(column, AuthorFreqColumn::Website | AuthorFreqColumn::Tools);
    if ordered {
        entries.sort_by(|a, b| a.1.2.cmp(&b.1.2).then_with(|| a.0.cmp(&b.0)));
    } else {
        entries.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        entries.truncate(TOP_AUTHORS);
    }
    Chart {
        id: ChartId::AuthorFrequency(column),
        unit: "authors",
        total: ids.len() as u64,
        bars: entries
            .into_iter()
            .map(|(label, (count, key, _))| Bar {
                label,
                count,
                key: Drill::Authors(key),
            })
            .collect(),
    }
}
