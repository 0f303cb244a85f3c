//! One row of a list (a table row, a flat object's values) as a [`GptRecord`], each cell read by
//! its column's field ([`super::values`]) and counted in the file's [`Mapping`].
//!
//! Choices: an author known only by name is keyed `name:<name>` (the same name is the same
//! author, as a reader of the list would count them); a rating average with a count and no star
//! total becomes the total (`average × count`, rounded), so it weighs in the review-weighted mean;
//! an average alone is kept as the rating shown (it counts as rated, not in the weighted mean);
//! a position without a shelf is a place in the list's own ranking (shelf `ranking`).

use super::report::{Mapping, Outcome};
use super::values::{self, Value};
use super::{Columns, Target};
use crate::store::parse::{FieldPath, RecordIssues, SkipReason, resource, snippet};
use crate::store::record::{About, Action, GptRecord, ToolKind};

/// A row's cells with the columns they sit in.
pub struct Row<'a> {
    pub columns: &'a Columns,
    pub cells: &'a [&'a str],
}

/// A row read: the GPT, and the shelf and position it names (a ranking's list), if any.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRecord {
    pub record: GptRecord,
    pub shelf: Option<(String, Option<u32>)>,
}

/// What the row's cells gave, before they are put together.
#[derive(Default)]
struct Cells {
    id: Option<(String, Option<String>)>,
    url: Option<(String, Option<String>)>,
    bad_id: Option<String>,
    /// The text of a Markdown link the id was in: the name when no column gives one.
    link_name: Option<String>,
    rating: Option<f64>,
    shelf: Option<String>,
    position: Option<u32>,
}

/// Reads `row` into a record, counting each value in `mapping` (per column `slots[i]`, the
/// column's row in the mapping). None when the row has no usable id (said in `issues`).
pub fn field_record(
    row: &Row<'_>,
    slots: &[Option<usize>],
    mapping: &mut Mapping,
    issues: &mut RecordIssues,
) -> Option<FieldRecord> {
    let mut rec = GptRecord::default();
    let mut got = Cells::default();
    for (i, target) in row.columns.fields.iter().enumerate() {
        let Some(target) = *target else { continue };
        let text = row.cells.get(i).copied().unwrap_or("");
        let column = &row.columns.uses[i].column;
        let outcome = read_cell(target, text, &mut rec, &mut got);
        if outcome == Outcome::Unreadable && !target.identifies() {
            issues.field(
                &FieldPath::ROOT,
                column,
                format!("{:?} is not a {}", snippet(text), what(target)),
            );
        }
        if let Some(slot) = slots.get(i).copied().flatten() {
            mapping.count(slot, outcome, text);
        }
    }
    let (id, short) = match (got.id, got.url) {
        (Some((id, short)), url) => {
            let short = short.or_else(|| url.filter(|(u, _)| *u == id).and_then(|(_, s)| s));
            (id, short)
        }
        (None, Some(url)) => url,
        (None, None) => {
            match got.bad_id {
                Some(bad) => issues.skip(
                    SkipReason::InvalidId,
                    format!("{:?} is not a GPT id or store URL", snippet(&bad)),
                ),
                None => issues.skip(
                    SkipReason::MissingId,
                    "row has no id (the id cell is empty)",
                ),
            }
            return None;
        }
    };
    resource::check_id(&id, issues)?;
    rec.id = id;
    rec.short_url = short;
    if rec.name.is_empty()
        && let Some(name) = got.link_name
    {
        rec.name = name;
    }
    finish(&mut rec, got.rating);
    Some(FieldRecord {
        record: rec,
        // A rank without a list is the file's own ranking.
        shelf: got
            .shelf
            .or_else(|| got.position.map(|_| RANKING.to_owned()))
            .map(|s| (s, got.position)),
    })
}

/// What a field's values are, for messages (`"lots" is not a count`).
fn what(t: Target) -> &'static str {
    match t {
        Target::Conversations => "conversation count",
        Target::Rating => "rating (0–5)",
        Target::ReviewCount | Target::ReviewTotal => "count",
        Target::Created | Target::Updated | Target::Observed => "date",
        Target::Position => "position",
        _ => "value",
    }
}

/// A cell's text as display text: HTML left by the list's scraper removed, a Markdown link's
/// text, trimmed.
fn text_of(s: &str) -> Option<String> {
    let s = values::markdown_link_text(s).unwrap_or(s);
    let t = values::unhtml_text(s);
    let t = t.trim();
    (!t.is_empty() && !values::is_blank(t)).then(|| t.to_owned())
}

fn outcome<T>(v: Value<T>, put: impl FnOnce(T)) -> Outcome {
    match v {
        Value::Empty => Outcome::Empty,
        Value::Bad => Outcome::Unreadable,
        Value::Read(x) => {
            put(x);
            Outcome::Read
        }
    }
}

fn text_outcome(s: &str, put: impl FnOnce(String)) -> Outcome {
    match text_of(s) {
        Some(t) => {
            put(t);
            Outcome::Read
        }
        None => Outcome::Empty,
    }
}

fn read_cell(target: Target, text: &str, rec: &mut GptRecord, got: &mut Cells) -> Outcome {
    match target {
        Target::Id | Target::Url => {
            if values::is_blank(text) {
                return Outcome::Empty;
            }
            if got.link_name.is_none() {
                got.link_name = values::markdown_link_text(text).and_then(text_of);
            }
            match values::normalise_id(text) {
                Some(found) => {
                    let slot = if target == Target::Id {
                        &mut got.id
                    } else {
                        &mut got.url
                    };
                    *slot = Some(found);
                    Outcome::Read
                }
                None => {
                    got.bad_id.get_or_insert_with(|| text.to_owned());
                    Outcome::Unreadable
                }
            }
        }
        Target::Name => text_outcome(text, |t| rec.name = t),
        Target::Description => text_outcome(text, |t| rec.description = Some(t)),
        Target::WelcomeMessage => text_outcome(text, |t| rec.welcome_message = Some(t)),
        Target::AuthorId => text_outcome(text, |t| rec.author.user_id = Some(t)),
        Target::Author => text_outcome(text, |t| {
            let t = t
                .strip_prefix("By ")
                .map_or(t.clone(), |s| s.trim().to_owned());
            rec.author.display_name = Some(t);
        }),
        Target::AuthorWebsite => text_outcome(text, |t| rec.author.link_to = Some(t)),
        Target::Categories => {
            let items = values::list(text);
            for c in items.iter().filter_map(|c| values::category(c)) {
                if !rec.categories.contains(&c) {
                    rec.categories.push(c);
                }
            }
            if items.is_empty() {
                Outcome::Empty
            } else {
                Outcome::Read
            }
        }
        Target::Tools => {
            let items = values::list(text);
            for kind in items.iter().map(|t| values::tool(t)) {
                if kind == ToolKind::Actions {
                    rec.actions.push(Action::default());
                    rec.tools.push(kind);
                } else if !rec.tools.contains(&kind) {
                    rec.tools.push(kind);
                }
            }
            if items.is_empty() {
                Outcome::Empty
            } else {
                Outcome::Read
            }
        }
        Target::Conversations => {
            outcome(values::conversations(text), |c| rec.conversations = Some(c))
        }
        Target::Rating => outcome(values::rating(text), |r| got.rating = Some(r)),
        Target::ReviewCount => outcome(values::count(text), |n| rec.review_count = Some(n)),
        Target::ReviewTotal => outcome(values::count(text), |n| rec.review_total = Some(n)),
        Target::Created => outcome(values::store_date(text), |t| rec.created_at = Some(t)),
        Target::Updated => outcome(values::store_date(text), |t| rec.updated_at = Some(t)),
        Target::Observed => outcome(values::store_date(text), |t| rec.observed_at = Some(t)),
        Target::PromptStarters => {
            let t = text.trim();
            let items: Vec<String> = if t.starts_with('[') {
                values::list(t)
            } else {
                t.split(['|', '\n']).filter_map(text_of).collect()
            };
            if items.is_empty() {
                return Outcome::Empty;
            }
            rec.prompt_starters.extend(items);
            Outcome::Read
        }
        Target::Shelf => text_outcome(text, |t| got.shelf = Some(t)),
        Target::Position => outcome(values::position(text), |p| got.position = Some(p)),
    }
}

/// Puts the row's parts together: the rating into the star total (or the rating shown), an
/// author known by name only keyed by it, the creation time off a new-format id.
fn finish(rec: &mut GptRecord, rating: Option<f64>) {
    if let Some(avg) = rating {
        match (rec.review_total, rec.review_count) {
            (None, Some(n)) if n > 0 => rec.review_total = Some((avg * n as f64).round() as u64),
            (Some(_), Some(n)) if n > 0 => {}
            _ => {
                rec.about = Some(About {
                    rating: Some(avg),
                    ..About::default()
                })
            }
        }
    }
    key_author_by_name(&mut rec.author);
    resource::fill_created_from_id(rec);
}

/// An author the source names but gives no store id: keyed `name:<name>`, so the same name counts
/// as one author and a GPT naming nobody counts as none.
pub fn key_author_by_name(a: &mut crate::store::record::Author) {
    if a.user_id.is_none()
        && let Some(name) = a.display_name.as_deref().filter(|n| !n.trim().is_empty())
    {
        a.user_id = Some(format!("{NAME_KEY}{}", name.trim()));
    }
}

/// The shelf of a list's positions when it names no shelf: the list's own ranking.
pub const RANKING: &str = "Ranking";

/// The prefix of author keys made from a name (no store user id).
pub const NAME_KEY: &str = "name:";

#[cfg(test)]
mod tests {
    use super::super::Overrides;
    use super::*;

    fn read(headers: &[&str], cells: &[&str]) -> (Option<FieldRecord>, RecordIssues, Mapping) {
        let h: Vec<String> = headers.iter().map(|s| (*s).to_owned()).collect();
        let columns = Columns::of(&h, &Overrides::default());
        let mut mapping = Mapping::default();
        let slots: Vec<Option<usize>> = columns.uses.iter().map(|u| mapping.column(u)).collect();
        let mut issues = RecordIssues::default();
        let r = field_record(
            &Row {
                columns: &columns,
                cells,
            },
            &slots,
            &mut mapping,
            &mut issues,
        );
        (r, issues, mapping)
    }

    #[test]
    fn a_directory_row_becomes_a_record_with_every_field_it_carries() {
        let (r, issues, mapping) = read(
            &[
                "ID",
                "Title",
                "Description",
                "Icon",
                "Creator",
                "Chats",
                "Updated",
            ],
            &[
                "2fkFE8rbu",
                "<b>G.PT</b> Chef",
                "Q&amp;A for cooks",
                "https://x/icon.png",
                "Jane Doe",
                "1K+",
                "2024-02-01",
            ],
        );
        let r = r.expect("record").record;
        assert_eq!(r.id, "g-2fkFE8rbu");
        assert_eq!(r.name, "G.PT Chef");
        assert_eq!(r.description.as_deref(), Some("Q&A for cooks"));
        assert_eq!(r.author.display_name.as_deref(), Some("Jane Doe"));
        assert_eq!(r.author.user_id.as_deref(), Some("name:Jane Doe"));
        assert_eq!(r.conversations.map(|c| c.lower_bound), Some(1000));
        assert!(r.updated_at.is_some());
        assert!(issues.skipped.is_none() && issues.fields.is_empty());
        assert_eq!(mapping.columns[3].field, None);
        assert_eq!(mapping.columns[5].values.read, 1);
    }

    #[test]
    fn an_average_with_a_count_becomes_a_star_total() {
        let (r, _, _) = read(
            &["id", "review_average", "review_count"],
            &["g-2fkFE8rbu", "4,5", "10"],
        );
        let r = r.expect("record").record;
        assert_eq!((r.review_total, r.review_count), (Some(45), Some(10)));
        let (r, _, _) = read(&["id", "stars"], &["g-2fkFE8rbu", "4.2"]);
        let r = r.expect("record").record;
        assert_eq!(r.about.and_then(|a| a.rating), Some(4.2));
    }

    #[test]
    fn unreadable_and_empty_values_are_counted_not_fatal() {
        let (r, issues, mapping) =
            read(&["id", "chats", "rating"], &["g-2fkFE8rbu", "lots", "n/a"]);
        assert!(r.is_some());
        assert_eq!(issues.fields.len(), 1);
        assert_eq!(mapping.columns[1].values.unreadable, 1);
        assert_eq!(mapping.columns[1].values.example.as_deref(), Some("lots"));
        assert_eq!(mapping.columns[2].values.empty, 1);
    }

    #[test]
    fn a_row_id_that_is_a_number_falls_back_to_the_url() {
        let (r, _, _) = read(
            &["id", "url"],
            &["17", "https://chatgpt.com/g/g-2fkFE8rbu-chef"],
        );
        let r = r.expect("record").record;
        assert_eq!(r.id, "g-2fkFE8rbu");
        assert_eq!(r.short_url.as_deref(), Some("g-2fkFE8rbu-chef"));
        let (r, issues, _) = read(&["id"], &["17"]);
        assert!(r.is_none());
        assert_eq!(issues.skipped.map(|s| s.0), Some(SkipReason::InvalidId));
        let (r, issues, _) = read(&["id", "name"], &["", "x"]);
        assert!(r.is_none());
        assert_eq!(issues.skipped.map(|s| s.0), Some(SkipReason::MissingId));
    }
}
