//! The store's own JSON: a gizmo resource `{gizmo, tools, files, …}` or a bare gizmo object (2023
//! page data), as typed tolerant structs, normalised into a [`GptRecord`]. Wrong-typed fields are
//! reported with their path and ignored; a record is only refused when it has no usable id.

use super::lenient::{Count, Field, Stamp};
use super::{FieldPath, RecordIssues, SkipReason};
use crate::store::record::{
    Action, AuthKind, Author, Conversations, GptRecord, IdKind, Social, ToolKind, category_slug,
    created_from_id, id_kind,
};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// Any JSON object of the store's, read in one pass: the fields of a gizmo (a bare gizmo, or
/// the `gizmo` of a resource), the parts of a resource, and the keys that announce the other
/// shapes (kept raw, parsed only when present). One struct for all shapes means the common case,
/// a resource, is read once instead of being sniffed and then parsed again.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(crate) struct ObjectJ<'a> {
    pub id: Field<String>,
    pub short_url: Field<String>,
    pub author: Field<AuthorJ>,
    pub display: Field<DisplayJ>,
    share_recipient: Field<String>,
    created_at: Field<Stamp>,
    pub updated_at: Field<Stamp>,
    vanity_metrics: Field<VanityJ>,
    default_model: Field<String>,

    #[serde(borrow)]
    pub gizmo: Field<Box<ObjectJ<'a>>>,
    pub tools: Field<Vec<Field<ToolJ>>>,
    pub files: Field<Vec<IgnoredAny>>,

    #[serde(borrow)]
    pub resource: Option<&'a RawValue>,
    #[serde(borrow)]
    pub data: Option<&'a RawValue>,
    #[serde(borrow)]
    pub cuts: Option<&'a RawValue>,
    #[serde(borrow)]
    pub info: Option<&'a RawValue>,
    #[serde(borrow)]
    pub list: Option<&'a RawValue>,
    #[serde(borrow)]
    pub items: Option<&'a RawValue>,
    #[serde(borrow)]
    pub hits: Option<&'a RawValue>,
    #[serde(borrow, rename = "GPT Id")]
    pub beetrove_id: Option<&'a RawValue>,
    #[serde(borrow, rename = "GPT Url")]
    pub beetrove_url: Option<&'a RawValue>,
    /// Our refresh's envelope: how the record in `data` was fetched.
    #[serde(borrow)]
    pub gptscope_fetch: Option<&'a RawValue>,
    /// The store front's locale (`global`).
    pub locale: Field<String>,
    /// A HAR file (`{log: {entries}}`): what a browser saw.
    #[serde(borrow)]
    pub log: Option<&'a RawValue>,
    /// The about answer's blocks (rating, category ranking, conversations).
    #[serde(borrow)]
    pub about_blocks: Option<&'a RawValue>,
    /// The about answer's rating split (`{by_rating: [fractions]}`).
    #[serde(borrow)]
    pub review_stats: Option<&'a RawValue>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(crate) struct AuthorJ {
    user_id: Field<String>,
    display_name: Field<String>,
    link_to: Field<String>,
    selected_display: Field<String>,
    is_verified: Field<bool>,
    display_socials: Field<Vec<Field<SocialJ>>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct SocialJ {
    #[serde(rename = "type")]
    kind: Field<String>,
    verified: Field<bool>,
    verified_data: Field<VerifiedDataJ>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct VerifiedDataJ {
    username: Field<String>,
    link_to: Field<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(crate) struct DisplayJ {
    name: Field<String>,
    description: Field<String>,
    welcome_message: Field<String>,
    prompt_starters: Field<Vec<Field<String>>>,
    categories: Field<Vec<Field<String>>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct VanityJ {
    num_conversations: Field<Count>,
    num_conversations_str: Field<String>,
    review_stats: Field<ReviewStatsJ>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct ReviewStatsJ {
    total: Field<Count>,
    count: Field<Count>,
    by_rating: Field<serde_json::Value>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub(crate) struct ToolJ {
    #[serde(rename = "type")]
    kind: Field<String>,
    metadata: Field<ToolMetaJ>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct ToolMetaJ {
    domain: Field<String>,
    auth: Field<AuthJ>,
    privacy_policy_url: Field<String>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(default)]
struct AuthJ {
    #[serde(rename = "type")]
    kind: Field<String>,
}

/// Normalises a gizmo (with its tools and files when the source has them) into a record.
/// `None` when the record has to be skipped; the reason is in `issues`.
pub(crate) fn normalise(
    gizmo: ObjectJ<'_>,
    tools: Field<Vec<Field<ToolJ>>>,
    files: Field<Vec<IgnoredAny>>,
    root: &FieldPath<'_>,
    gpath: &FieldPath<'_>,
    issues: &mut RecordIssues,
) -> Option<GptRecord> {
    let id = match gizmo.id {
        Field::Present(id) => id,
        Field::Missing => {
            issues.skip(SkipReason::MissingId, "record has no id");
            return None;
        }
        Field::Bad(msg) => {
            issues.skip(
                SkipReason::InvalidId,
                format!("field `{}`: {msg}", gpath.child("id").render()),
            );
            return None;
        }
    };
    check_id(&id, issues)?;

    let mut rec = GptRecord {
        id,
        ..GptRecord::default()
    };
    rec.short_url = issues.take(gizmo.short_url, gpath, "short_url");
    rec.share_recipient = issues.take(gizmo.share_recipient, gpath, "share_recipient");
    rec.default_model = issues.take(gizmo.default_model, gpath, "default_model");
    rec.created_at = issues
        .take(gizmo.created_at, gpath, "created_at")
        .map(|s| s.0);
    rec.updated_at = issues
        .take(gizmo.updated_at, gpath, "updated_at")
        .map(|s| s.0);

    if let Some(author) = issues.take(gizmo.author, gpath, "author") {
        rec.author = normalise_author(author, &gpath.child("author"), issues);
    }
    if let Some(display) = issues.take(gizmo.display, gpath, "display") {
        let dpath = gpath.child("display");
        rec.name = issues
            .take(display.name, &dpath, "name")
            .unwrap_or_default();
        rec.description = issues.take(display.description, &dpath, "description");
        rec.welcome_message = issues.take(display.welcome_message, &dpath, "welcome_message");
        rec.prompt_starters =
            issues.take_strings(display.prompt_starters, &dpath, "prompt_starters");
        for c in issues.take_strings(display.categories, &dpath, "categories") {
            if let Some(slug) = category_slug(&c)
                && !rec.categories.contains(&slug)
            {
                rec.categories.push(slug);
            }
        }
    }
    if let Some(vanity) = issues.take(gizmo.vanity_metrics, gpath, "vanity_metrics") {
        normalise_vanity(vanity, &gpath.child("vanity_metrics"), issues, &mut rec);
    }
    if let Some(tools) = issues.take(tools, root, "tools") {
        let tpath = root.child("tools");
        for tool in tools {
            if let Some(tool) = issues.take(tool, &tpath, "[]") {
                normalise_tool(tool, &tpath, issues, &mut rec);
            }
        }
    }
    if let Some(files) = issues.take(files, root, "files") {
        rec.file_count = u32::try_from(files.len()).unwrap_or(u32::MAX);
    }
    fill_created_from_id(&mut rec);
    Some(rec)
}

/// Refuses project ids and ids that are not GPT ids, with a counted reason.
pub(crate) fn check_id(id: &str, issues: &mut RecordIssues) -> Option<()> {
    match id_kind(id) {
        IdKind::Project => {
            issues.skip(SkipReason::Project, format!("{id} is a project, not a GPT"));
            None
        }
        IdKind::Invalid => {
            issues.skip(
                SkipReason::InvalidId,
                format!("{:?} is not a GPT id", super::snippet(id)),
            );
            None
        }
        IdKind::Old | IdKind::New | IdKind::OtherGpt => Some(()),
    }
}

/// New-format ids carry their creation time; used when the source does not give it.
pub(crate) fn fill_created_from_id(rec: &mut GptRecord) {
    if rec.created_at.is_none()
        && let Some(t) = created_from_id(&rec.id)
    {
        rec.created_at = Some(t);
        rec.created_from_id = true;
    }
}

fn normalise_author(a: AuthorJ, path: &FieldPath<'_>, issues: &mut RecordIssues) -> Author {
    let mut author = Author {
        user_id: issues.take(a.user_id, path, "user_id"),
        display_name: issues.take(a.display_name, path, "display_name"),
        link_to: issues.take(a.link_to, path, "link_to"),
        selected_display: issues.take(a.selected_display, path, "selected_display"),
        verified: issues.take(a.is_verified, path, "is_verified"),
        socials: Vec::new(),
    };
    if let Some(socials) = issues.take(a.display_socials, path, "display_socials") {
        let spath = path.child("display_socials");
        for s in socials {
            let Some(s) = issues.take(s, &spath, "[]") else {
                continue;
            };
            let Some(kind) = issues.take(s.kind, &spath, "type") else {
                continue;
            };
            let data = issues.take(s.verified_data, &spath, "verified_data");
            let (username, link_to) = match data {
                Some(d) => (
                    issues.take(d.username, &spath, "verified_data.username"),
                    issues.take(d.link_to, &spath, "verified_data.link_to"),
                ),
                None => (None, None),
            };
            author.socials.push(Social {
                kind,
                username,
                link_to,
                verified: issues.take(s.verified, &spath, "verified").unwrap_or(false),
            });
        }
    }
    author
}

fn normalise_vanity(
    v: VanityJ,
    path: &FieldPath<'_>,
    issues: &mut RecordIssues,
    rec: &mut GptRecord,
) {
    let exact = issues.take(v.num_conversations, path, "num_conversations");
    if let Some(bucket) = issues.take(v.num_conversations_str, path, "num_conversations_str") {
        rec.conversations = Conversations::parse(&bucket);
        if rec.conversations.is_none() {
            issues.field(
                path,
                "num_conversations_str",
                format!("{:?} is not a conversation bucket", super::snippet(&bucket)),
            );
        }
    }
    if rec.conversations.is_none()
        && let Some(Count(n)) = exact
    {
        rec.conversations = Some(Conversations {
            bucket: n.to_string(),
            lower_bound: n,
        });
    }
    if let Some(stats) = issues.take(v.review_stats, path, "review_stats") {
        let spath = path.child("review_stats");
        rec.review_total = issues.take(stats.total, &spath, "total").map(|c| c.0);
        rec.review_count = issues.take(stats.count, &spath, "count").map(|c| c.0);
        if let Some(by) = issues.take(stats.by_rating, &spath, "by_rating") {
            rec.rating_by_star = by_rating(&by);
        }
    }
}

/// `by_rating` is `{}` (no split), `{"1": n, …, "5": n}` or `[n1, …, n5]`.
fn by_rating(v: &serde_json::Value) -> Option<[u64; 5]> {
    let mut out = [0u64; 5];
    let mut any = false;
    match v {
        serde_json::Value::Object(map) => {
            for (k, n) in map {
                let star = k
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|s| (1..=5).contains(s));
                if let (Some(star), Some(n)) = (star, n.as_u64()) {
                    out[star - 1] = n;
                    any = true;
                }
            }
        }
        serde_json::Value::Array(items) if items.len() == 5 => {
            for (slot, n) in out.iter_mut().zip(items) {
                *slot = n.as_u64()?;
            }
            any = true;
        }
        _ => {}
    }
    any.then_some(out)
}

fn normalise_tool(t: ToolJ, path: &FieldPath<'_>, issues: &mut RecordIssues, rec: &mut GptRecord) {
    let Some(kind) = issues.take(t.kind, path, "type") else {
        return;
    };
    let kind = ToolKind::parse(&kind);
    if kind == ToolKind::Actions {
        let mut action = Action::default();
        if let Some(meta) = issues.take(t.metadata, path, "metadata") {
            let mpath = path.child("metadata");
            action.domain = issues
                .take(meta.domain, &mpath, "domain")
                .map(|d| d.trim().to_lowercase())
                .filter(|d| !d.is_empty());
            action.privacy_policy_url =
                issues.take(meta.privacy_policy_url, &mpath, "privacy_policy_url");
            if let Some(auth) = issues.take(meta.auth, &mpath, "auth") {
                action.auth = issues
                    .take(auth.kind, &mpath, "auth.type")
                    .map(|k| AuthKind::parse(&k))
                    .unwrap_or_default();
            }
        }
        rec.actions.push(action);
    }
    rec.tools.push(kind);
}
