//! The one normalised GPT record every source parses into, and the small value types it is made
//! of (tool kinds, Action auth kinds, conversation buckets, GPT ids). Nothing downstream of the
//! parsers knows which source a record came from.

use serde::Serialize;

/// A GPT as gptscope understands it, whatever file or endpoint it came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GptRecord {
    /// `g-` + 9 base62 characters (old) or `g-` + 32 hex digits (new).
    pub id: String,
    /// `g-XXXX-slug`; the URL is `https://chatgpt.com/g/<short_url>`.
    pub short_url: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub welcome_message: Option<String>,
    pub prompt_starters: Vec<String>,
    pub author: Author,
    /// Lowercase category slugs (`Other` becomes `other`), in the store's order, no duplicates.
    pub categories: Vec<String>,
    /// Tool kinds in the store's order, actions included once per Action.
    pub tools: Vec<ToolKind>,
    pub actions: Vec<Action>,
    /// Knowledge files attached to the GPT.
    pub file_count: u32,
    /// Unix seconds, UTC.
    pub created_at: Option<i64>,
    /// True when `created_at` was read off a new-format id, not given by the source.
    pub created_from_id: bool,
    pub updated_at: Option<i64>,
    pub conversations: Option<Conversations>,
    /// Sum of stars (`review_stats.total`).
    pub review_total: Option<u64>,
    /// Number of ratings (`review_stats.count`).
    pub review_count: Option<u64>,
    /// Ratings by star, index 0 = one star, when the source gives the split.
    pub rating_by_star: Option<[u64; 5]>,
    /// `marketplace` (public in the store) or `link`.
    pub share_recipient: Option<String>,
    pub default_model: Option<String>,
    pub availability: Availability,
    /// When the source observed this GPT (crawl date, export time), Unix seconds.
    pub observed_at: Option<i64>,
    /// How a refresh got this record (none for imported files).
    pub fetch: Option<Fetch>,
    /// The store's about answer for the GPT, when the source had it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<About>,
}

/// What the store's about answer (`/backend-api/gizmos/{id}/about`) says of a GPT beside its
/// record: the rating it shows, its rank in its category, the conversations it shows, and the
/// split of its ratings by star.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct About {
    /// The average the store shows (`rating` block `avg`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<f64>,
    /// How many ratings, as the store words it (`count_str`: `Ratings (1K+)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratings: Option<String>,
    /// `#3` in …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_rank: Option<u32>,
    /// … `Productivity` (`category_str`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The other blocks, `(title, subtitle)`: `("1M+", "Conversations")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<(String, String)>,
    /// Fractions of ratings by star, one star first (`review_stats.by_rating`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_rating: Vec<f64>,
}

impl About {
    /// `★ 4.3 (Ratings (1K+)) · #3 in Productivity · 1M+ Conversations`.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = self.rating {
            parts.push(match &self.ratings {
                Some(n) => format!("★ {r:.1} ({n})"),
                None => format!("★ {r:.1}"),
            });
        }
        match (self.category_rank, &self.category) {
            (Some(rank), Some(c)) => parts.push(format!("#{rank} in {c}")),
            (None, Some(c)) => parts.push(c.clone()),
            _ => {}
        }
        for (t, sub) in &self.blocks {
            parts.push(format!("{t} {sub}"));
        }
        parts.join(" · ")
    }

    /// `5★ 65% · 4★ 20% · 3★ 8% · 2★ 3% · 1★ 4%` (none when the store gave no split).
    pub fn split_line(&self) -> Option<String> {
        (!self.by_rating.is_empty()).then(|| {
            self.by_rating
                .iter()
                .enumerate()
                .rev()
                .map(|(i, f)| format!("{}★ {:.0}%", i + 1, f * 100.0))
                .collect::<Vec<_>>()
                .join(" · ")
        })
    }

    /// The conversations the store shows in its blocks (`1M+`), if it does.
    pub fn conversations(&self) -> Option<&str> {
        self.blocks
            .iter()
            .find(|(_, sub)| sub.eq_ignore_ascii_case("conversations"))
            .map(|(t, _)| t.as_str())
    }
}

/// How a refresh got a record: fetched now, answered "not found", or carried forward from the
/// snapshot it refreshed because the fetch failed (with why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fetch {
    pub status: FetchStatus,
    pub error: Option<String>,
    /// When it was asked for (Unix seconds).
    pub at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchStatus {
    Ok,
    Unavailable,
    Stale,
}

impl FetchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FetchStatus::Ok => "ok",
            FetchStatus::Unavailable => "unavailable",
            FetchStatus::Stale => "stale",
        }
    }

    pub fn parse(s: &str) -> Option<FetchStatus> {
        match s {
            "ok" => Some(FetchStatus::Ok),
            "unavailable" => Some(FetchStatus::Unavailable),
            "stale" => Some(FetchStatus::Stale),
            _ => None,
        }
    }
}

impl GptRecord {
    /// Average stars, `total / count`; none when nobody rated.
    pub fn rating(&self) -> Option<f64> {
        rating_average(self.review_total, self.review_count)
    }

    /// Bit set of the tool kinds (see [`ToolMask`]), with knowledge when files are attached.
    pub fn tool_mask(&self) -> ToolMask {
        let mut mask = ToolMask::default();
        for tool in &self.tools {
            mask.insert(tool.mask_bit());
        }
        if self.file_count > 0 {
            mask.insert(ToolMask::KNOWLEDGE);
        }
        mask
    }

    /// `https://chatgpt.com/g/<short_url>` (or the id when the short URL is unknown).
    pub fn url(&self) -> String {
        gpt_url(self.short_url.as_deref().unwrap_or(&self.id))
    }
}

/// The store's public URL of a GPT from its short URL or id.
pub fn gpt_url(short_url_or_id: &str) -> String {
    // A GPT without a slug: `g-abc-` is `g-abc` (the store's URL has no trailing dash).
    format!(
        "https://chatgpt.com/g/{}",
        short_url_or_id.trim_end_matches('-')
    )
}

/// Average stars from `review_stats.total` (sum of stars) and `count`; none when count is 0.
pub fn rating_average(total: Option<u64>, count: Option<u64>) -> Option<f64> {
    match (total, count) {
        (Some(total), Some(count)) if count > 0 => Some(total as f64 / count as f64),
        _ => None,
    }
}

/// Whether the store still serves the GPT.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    #[default]
    Available,
    /// The store answered "not found" (GPTracker `status = unavailable`, a live 404).
    Unavailable,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Unavailable => "unavailable",
        }
    }
}

/// The GPT's builder as the store shows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Author {
    pub user_id: Option<String>,
    pub display_name: Option<String>,
    /// The author's website when `selected_display = website`.
    pub link_to: Option<String>,
    /// `name` or `website`.
    pub selected_display: Option<String>,
    pub verified: Option<bool>,
    pub socials: Vec<Social>,
}

/// A verified social account shown on the author's profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Social {
    /// `twitter`, `linkedin`, `github`, …
    pub kind: String,
    pub username: Option<String>,
    pub link_to: Option<String>,
    pub verified: bool,
}

/// One custom Action (`plugins_prototype` tool) of a GPT.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Action {
    /// The API host the Action calls; none when the source does not say.
    pub domain: Option<String>,
    pub auth: AuthKind,
    pub privacy_policy_url: Option<String>,
}

/// How an Action authenticates with its API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AuthKind {
    None,
    ServiceHttp,
    Oauth,
    /// A kind the store added later, kept verbatim.
    Other(String),
    /// The source does not say (BeeTrove's flattened table lists only domains).
    #[default]
    Unknown,
}

impl AuthKind {
    pub fn parse(s: &str) -> AuthKind {
        match s.trim() {
            "none" => AuthKind::None,
            "service_http" => AuthKind::ServiceHttp,
            "oauth" => AuthKind::Oauth,
            "" => AuthKind::Unknown,
            other => AuthKind::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            AuthKind::None => "none",
            AuthKind::ServiceHttp => "service_http",
            AuthKind::Oauth => "oauth",
            AuthKind::Other(s) => s,
            AuthKind::Unknown => "unknown",
        }
    }
}

/// The kinds of tools a GPT can have.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ToolKind {
    Browser,
    Python,
    Dalle,
    /// A custom Action (`plugins_prototype` in the store's JSON).
    Actions,
    Canvas,
    ImageGen,
    /// A kind the store added after this code was written, kept verbatim.
    Other(String),
}

impl ToolKind {
    /// From the store's `tools[].type`.
    pub fn parse(s: &str) -> ToolKind {
        match s.trim() {
            "browser" => ToolKind::Browser,
            "python" => ToolKind::Python,
            "dalle" => ToolKind::Dalle,
            "plugins_prototype" | "actions" => ToolKind::Actions,
            "canvas" => ToolKind::Canvas,
            "image_gen" => ToolKind::ImageGen,
            other => ToolKind::Other(other.to_owned()),
        }
    }

    /// Our name of the kind (`actions`, not `plugins_prototype`).
    pub fn as_str(&self) -> &str {
        match self {
            ToolKind::Browser => "browser",
            ToolKind::Python => "python",
            ToolKind::Dalle => "dalle",
            ToolKind::Actions => "actions",
            ToolKind::Canvas => "canvas",
            ToolKind::ImageGen => "image_gen",
            ToolKind::Other(s) => s,
        }
    }

    fn mask_bit(&self) -> u32 {
        match self {
            ToolKind::Browser => ToolMask::BROWSER,
            ToolKind::Python => ToolMask::PYTHON,
            ToolKind::Dalle => ToolMask::DALLE,
            ToolKind::Actions => ToolMask::ACTIONS,
            ToolKind::Canvas => ToolMask::CANVAS,
            ToolKind::ImageGen => ToolMask::IMAGE_GEN,
            ToolKind::Other(_) => ToolMask::OTHER,
        }
    }
}

impl Serialize for AuthKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for ToolKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The tool kinds of a GPT as a bit set, stored in one integer column so that tool filters and
/// tool histograms are a bit test, not a join.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ToolMask(pub u32);

impl ToolMask {
    pub const BROWSER: u32 = 1;
    pub const PYTHON: u32 = 1 << 1;
    pub const DALLE: u32 = 1 << 2;
    pub const ACTIONS: u32 = 1 << 3;
    pub const CANVAS: u32 = 1 << 4;
    pub const IMAGE_GEN: u32 = 1 << 5;
    /// At least one knowledge file (not a tool, but shown with them).
    pub const KNOWLEDGE: u32 = 1 << 6;
    pub const OTHER: u32 = 1 << 7;
    /// Every bit that is a tool proper (knowledge files are not a tool).
    pub const TOOLS: u32 = Self::BROWSER
        | Self::PYTHON
        | Self::DALLE
        | Self::ACTIONS
        | Self::CANVAS
        | Self::IMAGE_GEN
        | Self::OTHER;

    /// Names and bits in display order.
    pub const NAMED: [(&'static str, u32); 8] = [
        ("browser", Self::BROWSER),
        ("python", Self::PYTHON),
        ("dalle", Self::DALLE),
        ("actions", Self::ACTIONS),
        ("canvas", Self::CANVAS),
        ("image_gen", Self::IMAGE_GEN),
        ("knowledge", Self::KNOWLEDGE),
        ("other", Self::OTHER),
    ];

    pub fn insert(&mut self, bit: u32) {
        self.0 |= bit;
    }

    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    /// No tool at all (knowledge files alone do not count as a tool).
    pub fn is_toolless(self) -> bool {
        self.0 & Self::TOOLS == 0
    }

    /// The bit of a tool name (`knowledge` included), for filters typed by people.
    pub fn bit_of(name: &str) -> Option<u32> {
        let name = match name {
            "plugins_prototype" | "action" => "actions",
            "files" => "knowledge",
            other => other,
        };
        Self::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bit)| *bit)
    }
}

/// The store's conversation count: a bucket string (`"80+"`, `"1K+"`, `"25K+"`, `"1M+"`, or a
/// plain integer) kept as shown, with its lower bound for sorting and sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversations {
    pub bucket: String,
    pub lower_bound: u64,
}

impl Conversations {
    /// Parses a bucket string; `None` when it is not one (the caller reports it).
    pub fn parse(bucket: &str) -> Option<Conversations> {
        let trimmed = bucket.trim();
        let lower_bound = parse_bucket(trimmed)?;
        Some(Conversations {
            bucket: trimmed.to_owned(),
            lower_bound,
        })
    }

    /// From a number that a source already parsed out of a bucket (BeeTrove writes `1000` for
    /// `"1K+"`): the store's string is rebuilt so every source shows the same ladder.
    pub fn from_lower_bound(n: u64) -> Conversations {
        Conversations {
            bucket: bucket_label(n),
            lower_bound: n,
        }
    }
}

/// `1K+` for 1000, `25K+` for 25000, `1.5M+` for 1500000, `80+` for 80.
pub fn bucket_label(n: u64) -> String {
    fn scaled(n: u64, unit: u64, suffix: char) -> String {
        if n % unit == 0 {
            format!("{}{suffix}+", n / unit)
        } else {
            let tenths = n * 10 / unit;
            format!("{}.{}{suffix}+", tenths / 10, tenths % 10)
        }
    }
    if n >= 1_000_000 {
        scaled(n, 1_000_000, 'M')
    } else if n >= 1000 {
        scaled(n, 1000, 'K')
    } else {
        format!("{n}+")
    }
}

fn parse_bucket(s: &str) -> Option<u64> {
    let s = s.strip_suffix('+').unwrap_or(s).trim();
    if s.is_empty() {
        return None;
    }
    let (digits, multiplier) = match s.char_indices().last() {
        Some((i, c)) if c.eq_ignore_ascii_case(&'k') => (&s[..i], 1_000.0),
        Some((i, c)) if c.eq_ignore_ascii_case(&'m') => (&s[..i], 1_000_000.0),
        Some((i, c)) if c.eq_ignore_ascii_case(&'b') => (&s[..i], 1_000_000_000.0),
        _ => (s, 1.0),
    };
    let digits: String = digits
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '_')
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    let n = (value * multiplier).round();
    (n.is_finite() && n >= 0.0 && n < u64::MAX as f64).then_some(n as u64)
}

/// What kind of id a string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// `g-` + 9 base62 characters.
    Old,
    /// `g-` + 32 hex digits, the first 8 the creation time.
    New,
    /// `g-p-…`: a project, not a GPT.
    Project,
    /// Starts with `g-` but has neither shape; kept, the store may add formats.
    OtherGpt,
    /// Not a GPT id at all.
    Invalid,
}

/// Classifies a GPT id.
pub fn id_kind(id: &str) -> IdKind {
    let Some(rest) = id.strip_prefix("g-") else {
        return IdKind::Invalid;
    };
    if rest.starts_with("p-") {
        return IdKind::Project;
    }
    if rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return IdKind::New;
    }
    if rest.len() == 9 && rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return IdKind::Old;
    }
    if !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return IdKind::OtherGpt;
    }
    IdKind::Invalid
}

/// Creation time (Unix seconds) encoded in a new-format id's first 8 hex digits.
pub fn created_from_id(id: &str) -> Option<i64> {
    if id_kind(id) != IdKind::New {
        return None;
    }
    let hex = id.get(2..10)?;
    i64::from_str_radix(hex, 16).ok()
}

/// The id part of a short URL or store URL (`https://chatgpt.com/g/g-abc123XYZ-name` → `g-abc123XYZ`).
pub fn id_from_short_url(s: &str) -> Option<String> {
    let tail = s.rsplit("/g/").next().unwrap_or(s);
    let rest = tail.strip_prefix("g-")?;
    let candidate_new: String = rest.chars().take(32).collect();
    if candidate_new.len() == 32 && candidate_new.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(format!("g-{candidate_new}"));
    }
    let old: String = rest.chars().take(9).collect();
    (old.len() == 9 && old.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| format!("g-{old}"))
}

/// A GPT as a user names it (`g-…`, a 9-character id without `g-`, a short URL, a store URL),
/// as its id; what is none of those is returned trimmed (and will not be found).
pub fn gpt_id_of(s: &str) -> String {
    crate::store::parse::fields::normalise_id(s).map_or_else(|| s.trim().to_owned(), |(id, _)| id)
}

/// A category as a slug: trimmed and lowercased (`Other` → `other`); none when empty.
pub fn category_slug(s: &str) -> Option<String> {
    let slug = s.trim().to_lowercase();
    (!slug.is_empty()).then_some(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_parse_to_lower_bounds_and_keep_the_string() {
        let cases = [
            ("80+", 80),
            ("1K+", 1_000),
            ("25K+", 25_000),
            ("1M+", 1_000_000),
            ("7M+", 7_000_000),
            ("12", 12),
            ("1.5K+", 1_500),
            ("1,000+", 1_000),
            (" 200K+ ", 200_000),
        ];
        for (s, n) in cases {
            let c = Conversations::parse(s).unwrap_or_else(|| panic!("{s} should parse"));
            assert_eq!(c.lower_bound, n, "{s}");
            assert_eq!(c.bucket, s.trim());
        }
        for bad in ["", "+", "many", "K+", "-5", "1e9"] {
            assert_eq!(Conversations::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn lower_bounds_rebuild_the_store_ladder() {
        assert_eq!(bucket_label(1000), "1K+");
        assert_eq!(bucket_label(400), "400+");
        assert_eq!(bucket_label(25_000), "25K+");
        assert_eq!(bucket_label(800_000), "800K+");
        assert_eq!(bucket_label(1_000_000), "1M+");
        assert_eq!(bucket_label(1_500_000), "1.5M+");
        for n in [5, 80, 1000, 25_000, 7_000_000] {
            assert_eq!(
                Conversations::parse(&bucket_label(n)).map(|c| c.lower_bound),
                Some(n)
            );
        }
    }

    #[test]
    fn rating_is_total_over_count() {
        assert_eq!(
            rating_average(Some(37571), Some(9081)),
            Some(37571.0 / 9081.0)
        );
        assert_eq!(rating_average(Some(0), Some(0)), None);
        assert_eq!(rating_average(None, Some(3)), None);
    }

    #[test]
    fn ids_of_both_formats_and_projects() {
        assert_eq!(id_kind("g-n7Rs0IK86"), IdKind::Old);
        assert_eq!(id_kind("g-67a56d907fc88191814386dac67ed919"), IdKind::New);
        assert_eq!(
            id_kind("g-p-67a56d907fc88191814386dac67ed919"),
            IdKind::Project
        );
        assert_eq!(id_kind("user-abc"), IdKind::Invalid);
        assert_eq!(id_kind("g-"), IdKind::Invalid);
        // 0x67a56d90 = 2025-02-07T02:18:56Z, the GPT's real created_at.
        assert_eq!(
            created_from_id("g-67a56d907fc88191814386dac67ed919"),
            Some(1_738_894_736)
        );
        assert_eq!(created_from_id("g-n7Rs0IK86"), None);
    }

    #[test]
    fn ids_from_urls() {
        assert_eq!(
            id_from_short_url("https://chat.openai.com/g/g-kZ0eYXlJe-scholar-gpt").as_deref(),
            Some("g-kZ0eYXlJe")
        );
        assert_eq!(
            id_from_short_url("g-67a56d907fc88191814386dac67ed919-taro").as_deref(),
            Some("g-67a56d907fc88191814386dac67ed919")
        );
        assert_eq!(id_from_short_url("https://example.com/"), None);
    }

    #[test]
    fn tools_map_to_kinds_and_masks() {
        assert_eq!(ToolKind::parse("plugins_prototype"), ToolKind::Actions);
        assert_eq!(ToolKind::parse("memory"), ToolKind::Other("memory".into()));
        let rec = GptRecord {
            tools: vec![
                ToolKind::Browser,
                ToolKind::Actions,
                ToolKind::Other("x".into()),
            ],
            file_count: 2,
            ..Default::default()
        };
        let m = rec.tool_mask();
        assert!(m.has(ToolMask::BROWSER) && m.has(ToolMask::ACTIONS) && m.has(ToolMask::OTHER));
        assert!(m.has(ToolMask::KNOWLEDGE) && !m.has(ToolMask::PYTHON));
        assert!(!m.is_toolless());
        assert!(ToolMask(ToolMask::KNOWLEDGE).is_toolless());
    }

    #[test]
    fn category_slugs() {
        assert_eq!(category_slug("Other").as_deref(), Some("other"));
        assert_eq!(category_slug("  "), None);
    }
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn a_gpt_without_a_slug_has_no_trailing_dash() {
        assert_eq!(
            super::gpt_url("g-abc123XYZ-"),
            "https://chatgpt.com/g/g-abc123XYZ"
        );
        assert_eq!(
            super::gpt_url("g-abc123XYZ-cat-helper"),
            "https://chatgpt.com/g/g-abc123XYZ-cat-helper"
        );
    }
}
