//! What changed between a GPT as a snapshot has it and as the store shows it now: the fields an
//! analyst watches (conversations, rating, reviews, name, description, tools, Actions,
//! categories), each with both values as text.

use crate::store::GptRecord;
use serde::Serialize;

/// One field, then and now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: &'static str,
    pub snapshot: String,
    pub live: String,
    pub changed: bool,
}

fn rating(r: &GptRecord) -> String {
    match (r.rating(), r.review_count) {
        (Some(avg), Some(n)) => format!("{avg:.2} ({n} ratings)"),
        _ => "not rated".to_owned(),
    }
}

fn tools(r: &GptRecord) -> String {
    let mut names: Vec<&str> = r.tools.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(", ")
}

fn actions(r: &GptRecord) -> String {
    let mut d: Vec<String> = r
        .actions
        .iter()
        .map(|a| a.domain.clone().unwrap_or_else(|| "?".to_owned()))
        .collect();
    d.sort();
    d.join(", ")
}

/// The watched fields of `snapshot` (none: not in the snapshot) against `live`. A field the
/// live answer does not give (the public endpoint has no conversation counts) is not a change.
pub fn compare(snapshot: Option<&GptRecord>, live: &GptRecord) -> Vec<Field> {
    type Get = fn(&GptRecord) -> Option<String>;
    let fields: [(&'static str, Get); 8] = [
        ("conversations", |r| {
            r.conversations.as_ref().map(|c| c.bucket.clone())
        }),
        ("rating", |r| r.review_count.map(|_| rating(r))),
        ("reviews", |r| r.review_count.map(|n| n.to_string())),
        ("name", |r| Some(r.name.clone())),
        ("description", |r| {
            Some(r.description.clone().unwrap_or_default())
        }),
        ("tools", |r| Some(tools(r))),
        ("actions", |r| Some(actions(r))),
        ("categories", |r| Some(r.categories.join(", "))),
    ];
    fields
        .iter()
        .map(|(name, get)| {
            let now = get(live);
            let then = snapshot.map(|s| get(s).unwrap_or_else(|| "not shown".to_owned()));
            Field {
                name,
                changed: matches!((&then, &now), (Some(t), Some(n)) if t != n),
                snapshot: then.unwrap_or_else(|| "not in the snapshot".to_owned()),
                live: now.unwrap_or_else(|| "not shown by this endpoint".to_owned()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::Conversations;

    #[test]
    fn changes_are_marked() {
        let then = GptRecord {
            name: "Scholar".into(),
            conversations: Conversations::parse("1K+"),
            review_total: Some(40),
            review_count: Some(10),
            ..GptRecord::default()
        };
        let mut now = then.clone();
        now.conversations = Conversations::parse("5K+");
        let f = compare(Some(&then), &now);
        let changed: Vec<&str> = f.iter().filter(|x| x.changed).map(|x| x.name).collect();
        assert_eq!(changed, ["conversations"]);
        let conv = &f[0];
        assert_eq!((conv.snapshot.as_str(), conv.live.as_str()), ("1K+", "5K+"));
        assert!(compare(None, &now).iter().all(|x| !x.changed));
    }
}
