//! The report's tables as data (title, columns, rows of plain text), drawn by both forms
//! ([`super::html`], [`super::markdown`]) so the two cannot say different things.

use super::{Report, count};
use crate::signals::SignalKind;
use crate::stats::ChartId;

/// One table: cells are plain text (each form escapes its own way).
pub struct Table {
    pub title: String,
    /// Column names, and whether each is a number (right-aligned).
    pub columns: Vec<(&'static str, bool)>,
    pub rows: Vec<Vec<String>>,
}

fn pct(f: f64) -> String {
    format!("{:.1}%", f * 100.0)
}

fn mean(m: Option<f64>) -> String {
    m.map_or_else(|| "–".to_owned(), |m| format!("{m:.3}"))
}

/// The sentence under the ratings chart.
fn ratings_line(r: &Report) -> String {
    let l = &r.landscape;
    format!(
        "Rated: {} of {}; mean {}, weighted by ratings {} over {} ratings.",
        count(l.rated),
        count(l.gpts),
        mean(l.mean),
        mean(l.weighted_mean),
        count(l.total_ratings)
    )
}

/// The sentence under the conversations chart.
fn conversations_line(r: &Report) -> String {
    format!(
        "Conversations (the buckets' lower bounds): {} in all. Bar lengths on a log scale.",
        count(r.landscape.concentration.total)
    )
}

/// The sentence under the languages chart: how languages were told, and how many could not be.
fn languages_line(r: &Report) -> String {
    let unknown = r
        .landscape
        .language_codes()
        .get(crate::language::Language::Unknown.code())
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    format!(
        "Each GPT's main language, told from its name, description and prompt starters; {} too \
         short to tell are counted as unknown, not guessed.",
        count(unknown)
    )
}

/// The report's opening sentence (and the comparison's, when there is one).
pub fn intro(r: &Report) -> Vec<String> {
    let l = &r.landscape;
    let mut lines = vec![format!(
        "Snapshot {} taken {}: {} GPTs by {} authors{}{}.",
        r.snapshot.id,
        r.snapshot.taken_at,
        count(l.gpts),
        count(l.authors),
        if l.filter.is_empty() {
            String::new()
        } else {
            format!(", filtered: {}", l.filter.join("; "))
        },
        if l.unavailable > 0 {
            format!(" ({} more no longer public)", l.unavailable)
        } else {
            String::new()
        }
    )];
    if let Some(c) = &r.compare {
        lines.push(format!(
            "Compared with snapshot {} taken {} ({} GPTs): grey bars and signed numbers are the \
             change.",
            c.before.snapshot.id,
            c.before.snapshot.taken_at,
            count(c.before.gpts)
        ));
    }
    lines
}

pub fn changes(r: &Report) -> Option<Table> {
    let c = r.compare.as_ref()?;
    Some(Table {
        title: "What changed (whole snapshots)".into(),
        columns: vec![("change", false), ("GPTs", true)],
        rows: c
            .counts
            .iter()
            .map(|(k, n)| vec![k.clone(), count(*n as u64)])
            .collect(),
    })
}

fn concentration(r: &Report) -> Table {
    let c = &r.landscape.concentration;
    Table {
        title: "Concentration".into(),
        columns: vec![("share of conversations held by", false), ("", true)],
        rows: [
            ("the top GPT", c.top_1_gpt),
            ("the top 10 GPTs", c.top_10_gpts),
            ("the top 100 GPTs", c.top_100_gpts),
            ("the top 1% of authors", c.top_1pct_authors),
            ("the top 10% of authors", c.top_10pct_authors),
        ]
        .into_iter()
        .map(|(what, f)| vec![what.to_owned(), pct(f)])
        .collect(),
    }
}

/// The most used GPTs of each signal kind, with what set it.
fn examples(r: &Report) -> Vec<Table> {
    r.examples
        .iter()
        .filter(|(_, gpts)| !gpts.is_empty())
        .map(|(kind, gpts): &(SignalKind, _)| Table {
            title: format!("{}: the most used", kind.name()),
            columns: vec![
                ("GPT", false),
                ("id", false),
                ("author", false),
                ("evidence", false),
            ],
            rows: gpts
                .iter()
                .map(|g| {
                    vec![
                        g.name.clone(),
                        g.id.clone(),
                        g.author.clone(),
                        g.evidence.clone(),
                    ]
                })
                .collect(),
        })
        .collect()
}

pub fn top_gpts(r: &Report) -> Table {
    Table {
        title: format!("Top {} GPTs by conversations", r.top_gpts.len()),
        columns: vec![
            ("#", true),
            ("GPT", false),
            ("id", false),
            ("author", false),
            ("conversations", true),
            ("rating", true),
        ],
        rows: r
            .top_gpts
            .iter()
            .enumerate()
            .map(|(i, g)| {
                vec![
                    (i + 1).to_string(),
                    g.name.clone(),
                    g.id.clone(),
                    g.author.clone(),
                    g.conversations.clone(),
                    g.rating.map_or_else(String::new, |r| format!("{r:.2}")),
                ]
            })
            .collect(),
    }
}

pub fn top_authors(r: &Report) -> Table {
    Table {
        title: format!("Top {} authors by GPTs", r.top_authors.len()),
        columns: vec![
            ("#", true),
            ("author", false),
            ("user id", false),
            ("GPTs", true),
            ("conversations", true),
        ],
        rows: r
            .top_authors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                vec![
                    (i + 1).to_string(),
                    a.label.clone(),
                    a.user_id.clone(),
                    count(a.gpts),
                    count(a.conversations),
                ]
            })
            .collect(),
    }
}

/// What a chart's section says under its bars, in both forms: sentences, then tables.
pub fn under_chart(r: &Report, id: ChartId) -> (Vec<String>, Vec<Table>) {
    match id {
        ChartId::Ratings => (vec![ratings_line(r)], Vec::new()),
        ChartId::Conversations => (vec![conversations_line(r)], Vec::new()),
        ChartId::AuthorsByGpts => (Vec::new(), vec![concentration(r)]),
        ChartId::Signals => (Vec::new(), examples(r)),
        ChartId::Languages => (vec![languages_line(r)], Vec::new()),
        _ => (Vec::new(), Vec::new()),
    }
}
