//! GPT lists in shapes the store never sent: third-party directories, rankings, datasets and
//! spreadsheets (CSV, TSV, JSON arrays or JSON Lines of flat objects, JSON arrays of arrays).
//! Their columns are matched to the fields of the normalised record through one synonym table
//! ([`SYNONYMS`]): headers are compared without case, spaces, `_`, `-` or `.`, and a leading
//! `gpt`/`gizmo` is optional (`GPT Name`, `gpt_name` and `name` are one column). `--map
//! field=column` names a column the table does not know. Each file says what it understood
//! ([`Mapping`]): which column became which field, which were ignored, and how many values of
//! each field were empty or unreadable.
//!
//! Why one table rather than a parser per site: the lists differ in names, not in meaning, and a
//! new site's list then imports without code; the store's own shapes and BeeTrove's tables keep
//! their own parsers (they carry nesting and conventions a column name cannot say).

mod list;
mod record;
mod report;
mod values;

pub(super) use list::object_record;
pub use list::{Layout, ListTable, flatten, object_columns, row_json};
pub use record::{FieldRecord, NAME_KEY, Row, field_record, key_author_by_name};
pub use report::{ColumnUse, Mapping, ValueCounts};
pub use values::{find_store_ids, normalise_id, unhtml_text};

use std::collections::HashMap;
use std::sync::OnceLock;

/// A field of the normalised record a column can become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Id,
    Url,
    Name,
    Description,
    AuthorId,
    Author,
    AuthorWebsite,
    Categories,
    Tools,
    Conversations,
    Rating,
    ReviewCount,
    ReviewTotal,
    Created,
    Updated,
    Observed,
    PromptStarters,
    WelcomeMessage,
    Shelf,
    Position,
}

/// Every field with the column names that mean it (as people write them; compared by
/// [`norm`]). A column named `prompt starter 1`, `starter 2`… adds to the prompt starters.
pub const SYNONYMS: &[(Target, &[&str])] = &[
    (
        Target::Id,
        &[
            "id",
            "gpt_id",
            "gizmo_id",
            "GPT Id",
            "gpts_id",
            "identifier",
        ],
    ),
    (
        Target::Url,
        &[
            "url",
            "short_url",
            "link",
            "store_url",
            "chat_url",
            "share_url",
            "href",
            "permalink",
            "gpt_link",
            "openai_url",
            "chatgpt_url",
        ],
    ),
    (Target::Name, &["name", "title", "GPT Name", "gpt_title"]),
    (
        Target::Description,
        &[
            "description",
            "desc",
            "summary",
            "about",
            "tagline",
            "subtitle",
            "short_description",
        ],
    ),
    (
        Target::AuthorId,
        &[
            "author_id",
            "author_user_id",
            "user_id",
            "creator_id",
            "builder_id",
            "owner_id",
        ],
    ),
    (
        Target::Author,
        &[
            "author",
            "author_name",
            "author_display_name",
            "creator",
            "creator_name",
            "builder",
            "builder_name",
            "by",
            "made_by",
            "created_by",
            "owner",
            "publisher",
            "developer",
            "maker",
        ],
    ),
    (
        Target::AuthorWebsite,
        &[
            "author_website",
            "author_url",
            "author_link",
            "author_domain",
            "website",
            "creator_url",
            "creator_website",
            "builder_url",
            "builder_website",
            "link_to",
            "author_link_to",
        ],
    ),
    (
        Target::Categories,
        &["categories", "category", "genre", "topic", "topics"],
    ),
    (
        Target::Tools,
        &[
            "tools",
            "tool",
            "capabilities",
            "capabilities_types",
            "features",
        ],
    ),
    (
        Target::Conversations,
        &[
            "conversations",
            "chats",
            "num_conversations",
            "num_conversations_str",
            "conversations_str",
            "conversation_count",
            "conversations_count",
            "chat_count",
            "num_chats",
            "total_chats",
            "usage",
            "uses",
        ],
    ),
    (
        Target::Rating,
        &[
            "rating",
            "review_average",
            "avg_rating",
            "average_rating",
            "rating_average",
            "rating_avg",
            "rating_value",
            "stars",
            "avg_stars",
            "average_stars",
        ],
    ),
    (
        Target::ReviewCount,
        &[
            "review_count",
            "reviews",
            "reviews_count",
            "ratings",
            "rating_count",
            "ratings_count",
            "num_reviews",
            "num_ratings",
            "total_reviews",
            "total_ratings",
            "votes",
            "review_stats_count",
        ],
    ),
    (
        Target::ReviewTotal,
        &[
            "review_total",
            "total_stars",
            "stars_total",
            "sum_stars",
            "review_stats_total",
        ],
    ),
    (
        Target::Created,
        &[
            "created",
            "created_at",
            "creation_date",
            "creation_datetime",
            "date_created",
            "published",
            "published_at",
            "publish_date",
            "release_date",
        ],
    ),
    (
        Target::Updated,
        &[
            "updated",
            "updated_at",
            "last_updated",
            "update_date",
            "update_datetime",
            "modified",
            "modified_at",
            "date_modified",
            "last_modified",
        ],
    ),
    (
        Target::Observed,
        &[
            "observed_at",
            "crawled",
            "crawled_at",
            "last_crawled_date",
            "scraped",
            "scraped_at",
            "fetched_at",
            "collected_at",
            "retrieved_at",
        ],
    ),
    (
        Target::PromptStarters,
        &[
            "prompt_starters",
            "conversation_starters",
            "starters",
            "prompts",
            "example_prompts",
            "suggested_prompts",
        ],
    ),
    (
        Target::WelcomeMessage,
        &["welcome_message", "welcome", "greeting"],
    ),
    (
        Target::Shelf,
        &[
            "shelf",
            "shelf_name",
            "list",
            "list_name",
            "collection",
            "section",
        ],
    ),
    (
        Target::Position,
        &[
            "position",
            "rank",
            "ranking",
            "position_in_list",
            "gpt_position_in_list",
        ],
    ),
];

/// Numbered columns that add to the prompt starters (`Prompt Starter 1`).
const STARTER_STEMS: &[&str] = &[
    "promptstarter",
    "conversationstarter",
    "starter",
    "prompt",
    "exampleprompt",
];

impl Target {
    pub const ALL: [Target; 20] = [
        Target::Id,
        Target::Url,
        Target::Name,
        Target::Description,
        Target::AuthorId,
        Target::Author,
        Target::AuthorWebsite,
        Target::Categories,
        Target::Tools,
        Target::Conversations,
        Target::Rating,
        Target::ReviewCount,
        Target::ReviewTotal,
        Target::Created,
        Target::Updated,
        Target::Observed,
        Target::PromptStarters,
        Target::WelcomeMessage,
        Target::Shelf,
        Target::Position,
    ];

    /// The field's name in `--map`, reports and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Target::Id => "id",
            Target::Url => "url",
            Target::Name => "name",
            Target::Description => "description",
            Target::AuthorId => "author_id",
            Target::Author => "author",
            Target::AuthorWebsite => "author_website",
            Target::Categories => "categories",
            Target::Tools => "tools",
            Target::Conversations => "conversations",
            Target::Rating => "rating",
            Target::ReviewCount => "review_count",
            Target::ReviewTotal => "review_total",
            Target::Created => "created",
            Target::Updated => "updated",
            Target::Observed => "observed",
            Target::PromptStarters => "prompt_starters",
            Target::WelcomeMessage => "welcome_message",
            Target::Shelf => "shelf",
            Target::Position => "position",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        let n = norm(s);
        Target::ALL.into_iter().find(|t| norm(t.name()) == n)
    }

    /// Several columns may add to it (numbered prompt starters); others take the first.
    fn many(self) -> bool {
        self == Target::PromptStarters
    }

    /// Whether the column can say which GPT a row is.
    pub fn identifies(self) -> bool {
        matches!(self, Target::Id | Target::Url)
    }
}

/// A header as compared: lowercase letters and digits only (`GPT Id` → `gptid`).
pub fn norm(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn table() -> &'static HashMap<String, Target> {
    static TABLE: OnceLock<HashMap<String, Target>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for (target, names) in SYNONYMS {
            for n in *names {
                m.entry(norm(n)).or_insert(*target);
            }
        }
        m
    })
}

/// Prefixes a column name may carry before a field's name: `GPT Name`, `gizmo_id`, and the
/// dotted paths of flattened store JSON (`display.name`, `vanity_metrics.review_count`).
const PREFIXES: &[&str] = &[
    "gpt",
    "gizmo",
    "display",
    "vanitymetrics",
    "data",
    "resource",
];

/// The field a column name means, if any: the name itself, without [`PREFIXES`], or its last
/// one or two path segments (`a.b.review_stats.count` → `review_stats count`).
pub fn lookup(header: &str) -> Option<Target> {
    let found = |n: &str| -> Option<Target> {
        if let Some(t) = table().get(n) {
            return Some(*t);
        }
        let stem = n.trim_end_matches(|c: char| c.is_ascii_digit());
        (stem.len() < n.len() && STARTER_STEMS.contains(&stem)).then_some(Target::PromptStarters)
    };
    let mut n = norm(header);
    for _ in 0..3 {
        if let Some(t) = found(&n) {
            return Some(t);
        }
        match PREFIXES
            .iter()
            .find_map(|p| n.strip_prefix(p).filter(|rest| !rest.is_empty()))
        {
            Some(rest) => n = rest.to_owned(),
            None => break,
        }
    }
    let segments: Vec<&str> = header
        .split(['.', '/'])
        .filter(|s| !s.trim().is_empty())
        .collect();
    if segments.len() < 2 {
        return None;
    }
    let last = segments[segments.len() - 1];
    let two = format!("{}{last}", segments[segments.len() - 2]);
    found(&norm(&two)).or_else(|| found(&norm(last)))
}

/// The id synonyms, as a user would type them, for messages.
pub fn id_synonyms() -> String {
    SYNONYMS
        .iter()
        .filter(|(t, _)| t.identifies())
        .flat_map(|(_, names)| names.iter().take(4))
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a list that names no GPT id is told: what was seen (`kind`: "column" or "key"), the
/// names an id is read from, and the `--map` hint.
pub fn no_id_message(kind: &str, seen: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut names: Vec<String> = seen.iter().take(SHOWN).map(|c| format!("{c:?}")).collect();
    if seen.len() > SHOWN {
        names.push(format!("… {} more", seen.len() - SHOWN));
    }
    format!(
        "no GPT id {kind}: {kind}s seen: {}; an id is read from {} (or a store URL); \
         --map id=NAME says which {kind} holds it",
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        },
        id_synonyms()
    )
}

/// `--map field=column` (repeatable): the user's word over the synonym table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pairs: Vec<(Target, String)>,
}

impl Overrides {
    /// Parses `field=column` items; the error names the bad one and the fields there are.
    pub fn parse(items: &[String]) -> Result<Overrides, String> {
        let mut pairs = Vec::new();
        for item in items {
            let Some((field, column)) = item.split_once('=') else {
                return Err(format!(
                    "--map {item:?}: expected FIELD=COLUMN (name=Title)"
                ));
            };
            let Some(target) = Target::parse(field) else {
                return Err(format!(
                    "--map {item:?}: no field {field:?}; fields: {}",
                    Target::ALL.map(Target::name).join(", ")
                ));
            };
            if column.trim().is_empty() {
                return Err(format!("--map {item:?}: the column name is empty"));
            }
            pairs.push((target, column.trim().to_owned()));
        }
        Ok(Overrides { pairs })
    }

    /// The field the user gave this column, if any (names compared as written, then by [`norm`]).
    fn target_of(&self, column: &str) -> Option<Target> {
        let c = column.trim();
        self.pairs
            .iter()
            .find(|(_, col)| col == c)
            .or_else(|| self.pairs.iter().find(|(_, col)| norm(col) == norm(c)))
            .map(|(t, _)| *t)
    }

    /// The `--map` columns none of `columns` matched.
    fn missing(&self, columns: &[String]) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(_, col)| {
                !columns
                    .iter()
                    .any(|c| c.trim() == col || norm(c) == norm(col))
            })
            .map(|(t, col)| format!("{}={col}", t.name()))
            .collect()
    }
}

/// Which column feeds which field: built once from a table's header (or an object's keys).
#[derive(Debug, Clone)]
pub struct Columns {
    /// Per column, in order: its field, when it feeds one.
    pub fields: Vec<Option<Target>>,
    /// Per column: what was said about it (the mapping report's part).
    pub uses: Vec<ColumnUse>,
    /// `--map` columns the header did not have.
    pub missing: Vec<String>,
}

impl Columns {
    /// Matches `headers` to fields: the user's `--map` first, then the synonyms; for a field two
    /// columns mean, the first wins and the other is said to be ignored.
    pub fn of(headers: &[String], overrides: &Overrides) -> Columns {
        let mut fields: Vec<Option<Target>> = Vec::with_capacity(headers.len());
        let mut uses = Vec::with_capacity(headers.len());
        let mut taken: HashMap<Target, usize> = HashMap::new();
        // The user's columns claim their fields before any synonym does.
        for h in headers {
            if let Some(t) = overrides.target_of(h)
                && !t.many()
            {
                taken.entry(t).or_insert(usize::MAX);
            }
        }
        for (i, h) in headers.iter().enumerate() {
            let mapped = overrides.target_of(h);
            let target = mapped.or_else(|| lookup(h));
            let mut use_ = ColumnUse {
                column: h.clone(),
                ..ColumnUse::default()
            };
            match target {
                None => use_.note = Some("no field".to_owned()),
                Some(t) if t.many() => use_.field = Some(t.name()),
                Some(t) => match taken.get(&t) {
                    Some(&first) if first != usize::MAX || mapped.is_none() => {
                        let by = if first == usize::MAX {
                            "--map".to_owned()
                        } else {
                            format!("{:?}", headers[first])
                        };
                        use_.note = Some(format!("also {}; {by} is read", t.name()));
                    }
                    _ => {
                        taken.insert(t, i);
                        use_.field = Some(t.name());
                        if mapped.is_some() {
                            use_.note = Some("--map".to_owned());
                        }
                    }
                },
            }
            fields.push(use_.field.and(target));
            uses.push(use_);
        }
        Columns {
            fields,
            uses,
            missing: overrides.missing(headers),
        }
    }

    /// Whether some column says which GPT a row is.
    pub fn identifies(&self) -> bool {
        self.fields.iter().flatten().any(|t| t.identifies())
    }
}

/// How a reader of lists is set up: the user's `--map`, and `--format table` (flat objects
/// read by their keys even when they look like one of the store's own shapes).
#[derive(Debug, Clone, Default)]
pub struct FieldOptions {
    pub overrides: Overrides,
    pub force: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(h: &[&str], map: &[&str]) -> Columns {
        let headers: Vec<String> = h.iter().map(|s| (*s).to_owned()).collect();
        let ov = Overrides::parse(&map.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
            .expect("overrides");
        Columns::of(&headers, &ov)
    }

    #[test]
    fn headers_match_without_case_spaces_underscores_or_a_gpt_prefix() {
        for (h, t) in [
            ("GPT Id", Target::Id),
            ("gpt_id", Target::Id),
            ("gizmo-id", Target::Id),
            ("ID", Target::Id),
            ("short_url", Target::Url),
            ("Title", Target::Name),
            ("GPT Name", Target::Name),
            ("Creator", Target::Author),
            ("Chats", Target::Conversations),
            ("num_conversations_str", Target::Conversations),
            ("review_average", Target::Rating),
            ("Avg. Rating", Target::Rating),
            ("review_count", Target::ReviewCount),
            ("Prompt Starter 3", Target::PromptStarters),
            ("GPT Total Stars", Target::ReviewTotal),
            ("display.name", Target::Name),
            ("gizmo.display.description", Target::Description),
            ("author.display_name", Target::Author),
            ("author.user_id", Target::AuthorId),
            (
                "vanity_metrics.num_conversations_str",
                Target::Conversations,
            ),
            ("vanity_metrics.review_stats.count", Target::ReviewCount),
            ("gizmo.short_url", Target::Url),
            ("display.prompt_starters", Target::PromptStarters),
        ] {
            assert_eq!(lookup(h), Some(t), "{h}");
        }
        assert_eq!(lookup("Icon"), None);
        assert_eq!(lookup("gpt"), None);
    }

    #[test]
    fn the_first_of_two_columns_for_one_field_wins_and_the_other_is_said() {
        let c = cols(&["ID", "Title", "GPT Name", "Icon"], &[]);
        assert_eq!(
            c.fields,
            vec![Some(Target::Id), Some(Target::Name), None, None]
        );
        assert_eq!(
            c.uses[2].note.as_deref(),
            Some("also name; \"Title\" is read")
        );
        assert_eq!(c.uses[3].note.as_deref(), Some("no field"));
    }

    #[test]
    fn map_overrides_the_synonyms_and_reports_missing_columns() {
        let c = cols(
            &["key", "Title", "Label"],
            &["id=key", "name=Label", "author=Maker"],
        );
        assert_eq!(c.fields, vec![Some(Target::Id), None, Some(Target::Name)]);
        assert_eq!(c.uses[1].note.as_deref(), Some("also name; --map is read"));
        assert_eq!(c.missing, vec!["author=Maker".to_owned()]);
        assert!(Overrides::parse(&["colour=x".to_owned()]).is_err());
        assert!(Overrides::parse(&["name".to_owned()]).is_err());
    }
}
