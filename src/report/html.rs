//! The report as one HTML5 page: styles inline, charts inline SVG, no script, nothing fetched.

use super::svg::{self, Scale};
use super::tables::{self, Table};
use super::{Report, escape};
use crate::stats::ChartId;
use std::fmt::Write as _;

const STYLE: &str = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;\
color:#222}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}\
h3{font-size:1rem}table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;\
text-align:left;border-bottom:1px solid #eee}td.n,th.n{text-align:right}\
.note{color:#666;font-size:.85rem}";

/// The scale each chart is drawn on: conversations on a log scale (a few GPTs hold most).
pub fn scale(id: ChartId) -> Scale {
    if id == ChartId::Conversations {
        Scale::Log
    } else {
        Scale::Linear
    }
}

/// The id of a chart's section (and the Markdown form's file name part).
pub fn anchor(id: ChartId) -> String {
    id.short().replace(' ', "-").to_ascii_lowercase()
}

/// The page.
pub fn page(r: &Report) -> String {
    let mut h = String::new();
    let title = format!("GPT Store landscape: {}", r.snapshot.label);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = escape(&title)
    );
    for line in tables::intro(r) {
        let _ = writeln!(h, "<p>{}</p>", escape(&line));
    }
    if let Some(t) = tables::changes(r) {
        table(&mut h, &t, "h2");
    }
    for (id, now, before) in super::drawn(r) {
        let _ = writeln!(
            h,
            "<section id=\"{}\">\n<h2>{}</h2>",
            anchor(id),
            escape(&id.title())
        );
        h.push_str(&svg::bars(now, scale(id), before));
        let (lines, under) = tables::under_chart(r, id);
        for line in lines {
            let _ = writeln!(h, "<p>{}</p>", escape(&line));
        }
        for t in under {
            table(&mut h, &t, "h3");
        }
        h.push_str("</section>\n");
    }
    for t in [tables::top_gpts(r), tables::top_authors(r)] {
        h.push_str("<section>\n");
        table(&mut h, &t, "h2");
        h.push_str("</section>\n");
    }
    h.push_str(
        "<p class=\"note\">Made by gptscope. Counts are over available GPTs, as \
         <code>gptscope stats</code> counts them: these are its numbers.</p>\n</body>\n</html>\n",
    );
    h
}

fn table(h: &mut String, t: &Table, heading: &str) {
    let _ = writeln!(
        h,
        "<{heading}>{}</{heading}>\n<table>\n<tr>",
        escape(&t.title)
    );
    let class = |number: bool| if number { " class=\"n\"" } else { "" };
    for (name, number) in &t.columns {
        let _ = write!(h, "<th{}>{}</th>", class(*number), escape(name));
    }
    h.push_str("</tr>\n");
    for row in &t.rows {
        h.push_str("<tr>");
        for ((_, number), cell) in t.columns.iter().zip(row) {
            let _ = write!(h, "<td{}>{}</td>", class(*number), escape(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}
