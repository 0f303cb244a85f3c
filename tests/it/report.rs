//! `gptscope report`: the landscape as HTML (inline SVG) or Markdown (SVG files), with the
//! numbers of `stats`; bad input loses nothing.

use crate::common::*;
use scraper::{Html, Selector};
use serde_json::Value;
use std::collections::BTreeMap;

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Each chart's bars as drawn: section id → label → count (`data-label`, `data-count`), and
/// checked that the printed number is the same count.
fn drawn(doc: &Html) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut charts = BTreeMap::new();
    for section in doc.select(&sel("section[id]")) {
        let Some(svg) = section.select(&sel("svg.chart")).next() else {
            continue;
        };
        let mut bars = BTreeMap::new();
        for bar in svg.select(&sel("g.bar")) {
            let label = bar.value().attr("data-label").unwrap().to_owned();
            let count: u64 = bar.value().attr("data-count").unwrap().parse().unwrap();
            let printed: String = bar
                .select(&sel("text.count"))
                .next()
                .unwrap()
                .text()
                .collect();
            let digits: String = printed
                .split(' ')
                .next()
                .unwrap()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            assert_eq!(digits.parse::<u64>().unwrap(), count, "{label}: {printed}");
            bars.insert(label, count);
        }
        charts.insert(section.value().attr("id").unwrap().to_owned(), bars);
    }
    charts
}

fn counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
        .collect()
}

/// `stats --json`'s counts under the report's section names.
fn stats_counts(stats: &Value) -> BTreeMap<String, BTreeMap<String, u64>> {
    let mut ratings = counts(&stats["ratings"]["histogram"]);
    ratings.insert(
        "unrated".into(),
        stats["ratings"]["unrated"].as_u64().unwrap(),
    );
    let mut conversations = counts(&stats["conversations"]["histogram"]);
    let unknown = stats["conversations"]["unknown"].as_u64().unwrap();
    if unknown > 0 {
        conversations.insert("unknown".into(), unknown);
    }
    let mut signals = counts(&stats["signals"]);
    signals.insert("none".into(), stats["no_signal"].as_u64().unwrap());
    // `stats` keys languages by code, the chart labels them by name.
    let languages = counts(&stats["languages"])
        .into_iter()
        .map(|(code, n)| {
            let name = gptscope::language::Language::from_code(&code).name();
            (name.to_owned(), n)
        })
        .collect();
    BTreeMap::from([
        ("tools".into(), counts(&stats["tools"])),
        ("category".into(), counts(&stats["categories"])),
        ("rating".into(), ratings),
        ("conversations".into(), conversations),
        ("gpts-per-author".into(), counts(&stats["authors_by_gpts"])),
        ("signal".into(), signals),
        ("action-domain".into(), counts(&stats["action_domains"])),
        ("created".into(), counts(&stats["created_month"])),
        ("language".into(), languages),
    ])
}

/// Bars of zero are drawn too; `stats` lists them as well, so the two compare whole.
fn assert_same(drawn: &BTreeMap<String, BTreeMap<String, u64>>, stats: &Value) {
    let expected = stats_counts(stats);
    assert_eq!(
        drawn.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (chart, bars) in &expected {
        let got = &drawn[chart];
        for (label, n) in bars {
            assert_eq!(got.get(label), Some(n), "{chart}: {label}");
        }
        let extra: Vec<_> = got.keys().filter(|k| !bars.contains_key(*k)).collect();
        assert!(
            extra.is_empty(),
            "{chart}: bars stats does not have: {extra:?}"
        );
    }
}

#[test]
fn the_html_report_of_the_sample_is_one_page_whose_charts_carry_the_numbers_of_stats() {
    let (dir, db) = temp_db();
    let out = dir.path().join("landscape.html");
    let o = run(&db, &["report", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"));
    let doc = Html::parse_document(&text);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    assert_eq!(doc.select(&sel("html[lang] > head > title")).count(), 1);
    assert_eq!(doc.select(&sel("head > meta[charset]")).count(), 1);
    // Self-contained: no script, nothing loaded from anywhere.
    assert_eq!(
        doc.select(&sel("script, link, img, iframe, object"))
            .count(),
        0
    );
    assert!(!text.contains("src="));
    let stats = run_json(&db, &["stats", "--json"]);
    let charts = drawn(&doc);
    assert_eq!(
        doc.select(&sel("svg.chart")).count(),
        gptscope::report::CHARTS.len()
    );
    assert_same(&charts, &stats);
    // The sentences carry the same numbers.
    let body: String = doc.root_element().text().collect();
    assert!(body.contains("397 GPTs by 381 authors"), "{body}");
    assert!(body.contains("Rated: 358 of 397; mean 4.024"), "{body}");
    let unknown = &stats["languages"]["und"];
    assert!(
        body.contains(&format!(
            "{unknown} too short to tell are counted as unknown"
        )),
        "{body}"
    );
    assert!(body.contains("2,195,300 in all"), "{body}");
    // Top GPTs: the sample's most used first.
    let first: String = doc
        .select(&sel(
            "section:not([id]) table tr:nth-child(2) td:nth-child(3)",
        ))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(first, "g-kZ0eYXlJe");
}

#[test]
fn the_markdown_report_links_svg_files_that_say_the_same() {
    let (dir, db) = temp_db();
    let out = dir.path().join("landscape.md");
    let o = run(&db, &["report", "--out", out.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said: Value = serde_json::from_slice(&o.stdout).unwrap();
    // The page and one SVG a chart.
    assert_eq!(
        said["files"].as_array().unwrap().len(),
        1 + gptscope::report::CHARTS.len()
    );
    let md = std::fs::read_to_string(&out).unwrap();
    let stats = run_json(&db, &["stats", "--json"]);
    let mut charts = BTreeMap::new();
    for line in md.lines().filter(|l| l.starts_with("![")) {
        let name = &line[line.find("](").unwrap() + 2..line.len() - 1];
        let svg = std::fs::read_to_string(dir.path().join(name)).unwrap();
        // Well-formed XML, an SVG, its bars with their numbers.
        let xml = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(xml.root_element().tag_name().name(), "svg");
        let bars: BTreeMap<String, u64> = xml
            .descendants()
            .filter(|n| n.attribute("class") == Some("bar"))
            .map(|n| {
                (
                    n.attribute("data-label").unwrap().to_owned(),
                    n.attribute("data-count").unwrap().parse().unwrap(),
                )
            })
            .collect();
        let chart = name
            .strip_prefix("landscape-")
            .unwrap()
            .strip_suffix(".svg")
            .unwrap();
        charts.insert(chart.to_owned(), bars);
    }
    assert_same(&charts, &stats);
    assert!(md.contains("| the top GPT | 36.4% |"), "{md}");
    // No `.part` file left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(left.is_empty());
}

#[test]
fn a_report_compared_with_an_earlier_snapshot_says_what_changed() {
    let (dir, db) = temp_db();
    let _ = import_history(&db, dir.path(), ("2024-05-01", "2024-05-02"));
    let ids = snapshot_ids(&db);
    let (a, b) = (ids[ids.len() - 2], ids[ids.len() - 1]);
    let out = dir.path().join("change.html");
    let o = run(
        &db,
        &[
            "report",
            "--snapshot",
            &b.to_string(),
            "--compare",
            &a.to_string(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = Html::parse_document(&std::fs::read_to_string(&out).unwrap());
    let diff = run_json(&db, &["diff", &a.to_string(), &b.to_string(), "--json"]);
    let table: BTreeMap<String, u64> = doc
        .select(&sel("table"))
        .next()
        .unwrap()
        .select(&sel("tr"))
        .skip(1)
        .map(|tr| {
            let cells: Vec<String> = tr
                .select(&sel("td"))
                .map(|td| td.text().collect())
                .collect();
            (cells[0].clone(), cells[1].replace(',', "").parse().unwrap())
        })
        .collect();
    assert_eq!(table, counts(&diff["counts"]));
    // Each bar says what it was: the grey bar's count is snapshot A's.
    let before = run_json(&db, &["stats", "--json", "--snapshot", &a.to_string()]);
    let bars = sel("section#tools g.bar");
    let tools = doc.select(&bars).map(|g| {
        let then: u64 = g
            .select(&sel("rect.before"))
            .next()
            .unwrap()
            .value()
            .attr("data-count")
            .unwrap()
            .parse()
            .unwrap();
        (g.value().attr("data-label").unwrap().to_owned(), then)
    });
    for (tool, then) in tools {
        assert_eq!(before["tools"][&tool].as_u64(), Some(then), "{tool}");
    }
}

#[test]
fn a_report_of_nothing_or_to_nowhere_fails_and_writes_nothing() {
    let (dir, db) = temp_db();
    let out = dir.path().join("r.html");
    let o = run(
        &db,
        &[
            "report",
            "--text",
            "zzqqxxnothing",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    fails_with(&o, "the filter keeps no GPT of snapshot 1");
    assert!(!out.exists());
    let o = run(
        &db,
        &[
            "report",
            "--out",
            dir.path().join("r.txt").to_str().unwrap(),
        ],
    );
    fails_with(&o, "a report is FILE.html or FILE.md");
    // The output is a directory.
    let folder = dir.path().join("taken.html");
    std::fs::create_dir(&folder).unwrap();
    let o = run(&db, &["report", "--out", folder.to_str().unwrap()]);
    fails_with(&o, "is a directory");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "gptscope.db" && !n.starts_with("gptscope.db-") && n != "gptscope.log")
        .collect();
    assert_eq!(names, ["taken.html"]);
}

/// A browser opens the page: headless Chromium reads it without error and builds every chart
/// as SVG. Chromium is required where `GPTSCOPE_REQUIRE_CHROMIUM` is set (CI installs it);
/// elsewhere, without it, the test says so and passes.
#[test]
fn the_report_renders_in_headless_chromium() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if !outside_tool(browser.is_some(), "GPTSCOPE_REQUIRE_CHROMIUM", "Chromium") {
        return;
    }
    let Some(browser) = browser else { return };
    let (dir, db) = temp_db();
    let out = dir.path().join("landscape.html");
    let o = run(&db, &["report", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let profile = dir.path().join("chromium-profile");
    let o = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", out.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        dom.matches("<svg").count(),
        gptscope::report::CHARTS.len(),
        "{dom}"
    );
    assert!(dom.contains("GPT Store landscape: BeeTrove sample"));
    let page = Html::parse_document(&dom);
    assert_same(&drawn(&page), &run_json(&db, &["stats", "--json"]));
}
