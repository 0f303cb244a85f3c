//! The report as Markdown: the same sections and tables as the HTML page, each chart an SVG
//! file beside it (`<stem>-<chart>.svg`, linked as an image), for a paper's repository or a
//! notebook.

use super::Report;
use super::html::{anchor, scale};
use super::svg;
use super::tables::{self, Table};
use std::fmt::Write as _;

/// The Markdown text and the chart files (name, SVG) it links to.
pub fn page(r: &Report, stem: &str) -> (String, Vec<(String, String)>) {
    let mut m = format!("# GPT Store landscape: {}\n\n", cell(&r.snapshot.label));
    let mut files = Vec::new();
    for line in tables::intro(r) {
        let _ = writeln!(m, "{}\n", cell(&line));
    }
    if let Some(t) = tables::changes(r) {
        table(&mut m, &t, "##");
    }
    for (id, now, before) in super::drawn(r) {
        let name = format!("{stem}-{}.svg", anchor(id));
        let _ = writeln!(
            m,
            "## {}\n\n![{}]({})\n",
            cell(&id.title()),
            cell(&id.title()),
            name.replace(' ', "%20")
        );
        files.push((name, svg::bars(now, scale(id), before)));
        let (lines, under) = tables::under_chart(r, id);
        for line in lines {
            let _ = writeln!(m, "{}\n", cell(&line));
        }
        for t in under {
            table(&mut m, &t, "###");
        }
    }
    table(&mut m, &tables::top_gpts(r), "##");
    table(&mut m, &tables::top_authors(r), "##");
    m.push_str(
        "Made by gptscope. Counts are over available GPTs, as `gptscope stats` counts them: \
         these are its numbers.\n",
    );
    (m, files)
}

/// Text for a Markdown line or table cell: safe for display, with what Markdown would read as
/// markup escaped.
fn cell(s: &str) -> String {
    let line = crate::text::line(s);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn table(m: &mut String, t: &Table, heading: &str) {
    let _ = writeln!(m, "{heading} {}\n", cell(&t.title));
    let head: Vec<String> = t.columns.iter().map(|(n, _)| cell(n)).collect();
    let _ = writeln!(m, "| {} |", head.join(" | "));
    let rule: Vec<&str> = t
        .columns
        .iter()
        .map(|(_, number)| if *number { "---:" } else { "---" })
        .collect();
    let _ = writeln!(m, "| {} |", rule.join(" | "));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(m, "| {} |", cells.join(" | "));
    }
    m.push('\n');
}
