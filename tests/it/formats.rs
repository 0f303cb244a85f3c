//! Every real source format under `tests/fixtures` (copies of public data, see
//! `tests/fixtures/SOURCE.md`) parses, with record counts and field values checked against what
//! the raw files say.

use crate::common::*;
use gptscope::store::parse::input::Detected;
use gptscope::store::parse::table::TableKind;
use gptscope::store::record::{
    AuthKind, Availability, GptRecord, ToolKind, ToolMask, created_from_id,
};
use gptscope::store::shelves::Slot;
use serde_json::Value;

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn tool_kinds(raw_tools: &Value) -> Vec<ToolKind> {
    raw_tools
        .as_array()
        .unwrap()
        .iter()
        .map(|t| ToolKind::parse(t["type"].as_str().unwrap()))
        .collect()
}

/// Checks a record against the raw `{gizmo, tools, files}` it came from.
fn assert_matches_resource(g: &GptRecord, raw: &Value) {
    let gz = &raw["gizmo"];
    let d = &gz["display"];
    assert_eq!(g.id, gz["id"].as_str().unwrap());
    assert_eq!(g.short_url.as_deref(), gz["short_url"].as_str());
    assert_eq!(g.name, d["name"].as_str().unwrap());
    assert_eq!(g.description.as_deref(), d["description"].as_str());
    assert_eq!(g.prompt_starters, str_list(&d["prompt_starters"]));
    let cats: Vec<String> = str_list(&d["categories"])
        .iter()
        .map(|c| c.to_lowercase())
        .collect();
    assert_eq!(g.categories, cats);
    assert_eq!(
        g.author.user_id.as_deref(),
        gz["author"]["user_id"].as_str()
    );
    assert_eq!(
        g.author.display_name.as_deref(),
        gz["author"]["display_name"].as_str()
    );
    assert_eq!(
        g.author.link_to.as_deref(),
        gz["author"]["link_to"].as_str()
    );
    assert_eq!(g.author.verified, gz["author"]["is_verified"].as_bool());
    assert_eq!(g.tools, tool_kinds(&raw["tools"]));
    assert_eq!(
        g.file_count as usize,
        raw["files"].as_array().unwrap().len()
    );
    if let Some(t) = gz["created_at"].as_str() {
        assert_eq!(g.created_at, Some(ts(t)));
    }
    assert_eq!(g.updated_at, gz["updated_at"].as_str().map(ts));
    let actions: Vec<&Value> = raw["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["type"] == "plugins_prototype")
        .collect();
    assert_eq!(g.actions.len(), actions.len());
    for (a, t) in g.actions.iter().zip(actions) {
        assert_eq!(a.domain.as_deref(), t["metadata"]["domain"].as_str());
        assert_eq!(
            a.auth,
            AuthKind::parse(t["metadata"]["auth"]["type"].as_str().unwrap())
        );
        assert_eq!(
            a.privacy_policy_url.as_deref(),
            t["metadata"]["privacy_policy_url"].as_str()
        );
    }
}

#[test]
fn gptracker_single_resource_with_vanity_metrics() {
    let path = fixture("gptracker_readme_g-9upSdCEcq_2024-04.json");
    let raw = read_json(&path);
    let (got, detected) = parse(&path);
    assert_eq!(detected, Detected::JsonDocument);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    assert_eq!(got.gpts.len(), 1);
    let g = &got.gpts[0].0;
    assert_matches_resource(g, &raw);
    assert_eq!(g.name, "Anschreiben Generator");
    let c = g.conversations.as_ref().unwrap();
    assert_eq!((c.bucket.as_str(), c.lower_bound), ("80+", 80));
    assert_eq!((g.review_total, g.review_count), (Some(0), Some(0)));
    assert_eq!(g.rating(), None, "no ratings: no average");
    assert_eq!(g.rating_by_star, None, "by_rating {{}} gives no split");
    assert_eq!(g.tools, vec![ToolKind::Dalle, ToolKind::Browser]);
    assert_eq!(g.share_recipient.as_deref(), Some("marketplace"));
    assert_eq!(g.availability, Availability::Available);
    // The raw text is kept as it was.
    assert_eq!(
        serde_json::from_slice::<Value>(&got.gpts[0].1).unwrap(),
        raw,
        "raw source kept"
    );
}

#[test]
fn gptshunter_wrapped_export() {
    let path = fixture("gptshunter_export_g-2DQzU5UZl_2024-04.json");
    let raw = read_json(&path);
    let (got, detected) = parse(&path);
    assert_eq!(detected, Detected::JsonArray);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    assert_eq!(got.gpts.len(), 1);
    let g = &got.gpts[0].0;
    assert_matches_resource(g, &raw[0]["data"]);
    assert_eq!(g.name, "Code Copilot");
    assert_eq!(g.conversations.as_ref().unwrap().lower_bound, 200_000);
    assert_eq!((g.review_total, g.review_count), (Some(37571), Some(9081)));
    assert!((g.rating().unwrap() - 37571.0 / 9081.0).abs() < 1e-12);
    assert_eq!(g.author.socials.len(), 1);
    let s = &g.author.socials[0];
    assert_eq!(s.kind, "twitter");
    assert_eq!(s.username.as_deref(), Some("@lroolle"));
    assert_eq!(s.link_to.as_deref(), Some("https://twitter.com/lroolle"));
    assert!(s.verified);
    assert!(
        g.tool_mask().has(ToolMask::KNOWLEDGE),
        "2 files = knowledge"
    );
    // The export's own updated_at says when GPTsHunter saw it.
    assert_eq!(
        g.observed_at,
        Some(ts(raw[0]["updated_at"].as_str().unwrap()))
    );
}

#[test]
fn discovery_resource_with_an_action_and_knowledge_2024() {
    let path = fixture("discovery_resource_2024-03-11_g-n7Rs0IK86.json");
    let raw = read_json(&path);
    let (got, _) = parse(&path);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    let g = &got.gpts[0].0;
    assert_matches_resource(g, &raw);
    assert_eq!(g.name, "Grimoire");
    assert_eq!(g.file_count, 18);
    assert_eq!(g.actions.len(), 1);
    assert_eq!(g.actions[0].domain.as_deref(), Some("app.netlify.com"));
    assert_eq!(g.actions[0].auth, AuthKind::ServiceHttp);
    assert_eq!(
        g.actions[0].privacy_policy_url.as_deref(),
        Some("https://www.netlify.com/privacy/")
    );
    assert_eq!(g.conversations, None, "vanity_metrics null in discovery");
    assert_eq!(g.author.socials.len(), 3);
}

#[test]
fn discovery_resource_2026_schema_with_canvas_and_image_gen() {
    let path = fixture("discovery_resource_2026-04-14_g-n7Rs0IK86.json");
    let raw = read_json(&path);
    let (got, _) = parse(&path);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    let g = &got.gpts[0].0;
    assert_matches_resource(g, &raw);
    assert!(g.tools.contains(&ToolKind::Canvas));
    assert!(g.tools.contains(&ToolKind::ImageGen));
    assert_eq!(g.actions.len(), 2);
    assert_eq!(g.file_count, 17);
    assert_eq!(
        g.default_model.as_deref(),
        raw["gizmo"]["default_model"].as_str()
    );
}

#[test]
fn new_hex_ids_carry_their_creation_time() {
    let path = fixture("discovery_resource_2026-04-14_g-67a56d907fc88191814386dac67ed919.json");
    let raw = read_json(&path);
    let (got, _) = parse(&path);
    let g = &got.gpts[0].0;
    assert_matches_resource(g, &raw);
    assert_eq!(g.default_model.as_deref(), Some("gpt-5-instant"));
    assert_eq!(
        g.name,
        "타로 운세박사 - 세계 1위 무료 인공지능 AI 타로 리딩, 궁합, 연애운, 사주, 직업운"
    );
    // The id's first 8 hex digits agree with the store's created_at…
    assert_eq!(created_from_id(&g.id), g.created_at);
    assert!(!g.created_from_id);
    // …and stand in for it when it is missing.
    let mut without = raw.clone();
    without["gizmo"]
        .as_object_mut()
        .unwrap()
        .remove("created_at");
    let got = parse_bytes(&serde_json::to_vec(&without).unwrap());
    let g2 = &got.gpts[0].0;
    assert_eq!(g2.created_at, Some(ts("2025-02-07T02:18:56Z")));
    assert!(g2.created_from_id);
}

#[test]
fn bare_gizmo_page_data_2023() {
    let path = fixture("pagedata_gizmo_only_2023-11_g-09h5uQiFC.json");
    let raw = read_json(&path);
    let (got, _) = parse(&path);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    let g = &got.gpts[0].0;
    assert_eq!(g.id, raw["id"].as_str().unwrap());
    assert_eq!(g.name, "Ms. Roxana");
    assert_eq!(g.welcome_message.as_deref(), Some("Hello"));
    assert_eq!(g.author.selected_display.as_deref(), Some("website"));
    assert_eq!(
        g.author.link_to.as_deref(),
        Some("https://robotsbuildingeducation.com")
    );
    assert!(g.tools.is_empty() && g.categories.is_empty());
    assert_eq!(
        g.created_at, None,
        "old ids do not encode a time, the page data has none"
    );
}

#[test]
fn crawler_jsonl_of_bare_gizmos() {
    let path = fixture("gizmos_2023-11_300.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    let (got, detected) = parse(&path);
    assert_eq!(detected, Detected::Jsonl);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(got.gpts.len(), lines.len());
    assert_eq!(got.gpts.len(), 300);
    for ((g, raw, line), (i, text)) in got.gpts.iter().zip(lines.iter().enumerate()) {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(*line, i as u64 + 1);
        assert_eq!(raw.as_slice(), text.as_bytes());
        assert_eq!(g.id, v["id"].as_str().unwrap());
        assert_eq!(g.name, v["display"]["name"].as_str().unwrap());
        assert_eq!(
            g.welcome_message.as_deref(),
            v["display"]["welcome_message"].as_str()
        );
        assert_eq!(g.updated_at, v["updated_at"].as_str().map(ts));
    }
}

#[test]
fn discovery_store_front_with_shelves_and_positions() {
    let path = fixture("discovery_2026-04-14_global.json");
    let raw = read_json(&path);
    let (got, detected) = parse(&path);
    assert_eq!(detected, Detected::JsonDocument);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    let cuts = raw["cuts"].as_array().unwrap();
    assert_eq!(got.shelves.len(), cuts.len());
    assert_eq!(got.shelves.len(), 10);
    let items: usize = cuts
        .iter()
        .map(|c| c["list"]["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(got.entries.len(), items);
    assert_eq!(got.gpts.len(), 57);
    for (i, (shelf, cut)) in got.shelves.iter().zip(cuts).enumerate() {
        assert_eq!(shelf.id, cut["info"]["id"].as_str().unwrap());
        assert_eq!(shelf.title.as_deref(), cut["info"]["title"].as_str());
        assert_eq!(shelf.page_position, Some(i as u32 + 1));
        let entries: Vec<_> = got
            .entries
            .iter()
            .filter(|e| e.shelf_id == shelf.id)
            .collect();
        let raw_items = cut["list"]["items"].as_array().unwrap();
        assert_eq!(entries.len(), raw_items.len());
        for (j, (e, item)) in entries.iter().zip(raw_items).enumerate() {
            assert_eq!(e.slot, Slot::Front(j as u32 + 1), "{} #{j}", shelf.id);
            assert_eq!(
                e.gpt_id.as_deref(),
                item["resource"]["gizmo"]["id"].as_str()
            );
        }
    }
    assert_eq!(got.shelves[0].id, "featured_store");
    assert_eq!(got.shelves[1].title.as_deref(), Some("Trending"));
}

#[test]
fn one_shelf_response_2024() {
    let path = fixture("trending_2024-03-11_global.json");
    let raw = read_json(&path);
    let (got, _) = parse(&path);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    assert_eq!(got.shelves.len(), 1);
    assert_eq!(got.shelves[0].id, "trending");
    assert_eq!(got.shelves[0].display_group.as_deref(), Some("Top Picks"));
    let items = raw["list"]["items"].as_array().unwrap();
    assert_eq!(got.entries.len(), items.len());
    assert_eq!(got.gpts.len(), 10);
    for (i, (e, item)) in got.entries.iter().zip(items).enumerate() {
        // A shelf's own page: numbered after the store front's items, by the shelf rule.
        assert_eq!(e.slot, Slot::Page);
        assert_eq!(
            e.gpt_id.as_deref(),
            item["resource"]["gizmo"]["id"].as_str()
        );
        assert_matches_resource(&got.gpts[i].0, &item["resource"]);
    }
}

#[test]
fn per_gpt_summary_rows() {
    let path = fixture("num_conversations_str_2024-12-07.json");
    let raw = read_json(&path);
    let rows = raw.as_array().unwrap();
    let (got, _) = parse(&path);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    assert_eq!(got.gpts.len(), rows.len());
    assert_eq!(got.gpts.len(), 125);
    for ((g, _, _), r) in got.gpts.iter().zip(rows) {
        assert_eq!(g.id, r["id"].as_str().unwrap());
        assert_eq!(g.name, r["name"].as_str().unwrap());
        assert_eq!(g.review_total, r["review_total"].as_u64());
        assert_eq!(g.review_count, r["review_count"].as_u64());
        assert_eq!(
            g.conversations.as_ref().map(|c| c.bucket.as_str()),
            r["num_conversations_str"].as_str()
        );
    }
    let unknown = got
        .gpts
        .iter()
        .filter(|(g, _, _)| g.conversations.is_none())
        .count();
    assert_eq!(unknown, 16);
    let code = got.gpt("g-2DQzU5UZl").unwrap();
    assert_eq!(code.conversations.as_ref().unwrap().lower_bound, 4_000_000);
    // review_average "4.2" is total / count rounded, which is what we compute.
    assert_eq!(format!("{:.1}", code.rating().unwrap()), "4.2");
}

#[test]
fn beetrove_table_as_json() {
    let path = asset("beetrove_sample_2024-03.json");
    let raw = read_json(&path);
    let rows = raw.as_array().unwrap();
    let (got, detected) = parse(&path);
    assert_eq!(detected, Detected::JsonArray);
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    assert_eq!(got.gpts.len(), 397);
    for ((g, _, _), r) in got.gpts.iter().zip(rows) {
        assert_eq!(g.id, r["GPT Id"].as_str().unwrap());
        assert_eq!(g.name, r["GPT Name"].as_str().unwrap());
        assert_eq!(g.author.user_id.as_deref(), r["Author User Id"].as_str());
        assert_eq!(
            g.conversations.as_ref().unwrap().lower_bound,
            r["GPT Conversations"].as_u64().unwrap()
        );
        assert_eq!(g.review_count, r["GPT Total Reviews"].as_u64());
        assert_eq!(g.review_total, r["GPT Total Stars"].as_u64());
        let types = r["GPT Capabilities Types"].as_str().unwrap();
        assert_eq!(g.tools.is_empty(), types.is_empty());
        assert_eq!(
            g.tools.contains(&ToolKind::Actions),
            types.contains("plugins_prototype")
        );
    }
    let scholar = got.gpt("g-kZ0eYXlJe").unwrap();
    assert_eq!(scholar.name, "Scholar GPT");
    assert_eq!(scholar.conversations.as_ref().unwrap().bucket, "800K+");
    assert_eq!(scholar.categories, vec!["research"]);
    assert_eq!(scholar.actions.len(), 1);
    assert_eq!(
        scholar.actions[0].domain.as_deref(),
        Some("actions.sider.ai")
    );
    assert_eq!(scholar.actions[0].auth, AuthKind::Unknown);
    assert_eq!(
        scholar.short_url.as_deref(),
        Some("g-kZ0eYXlJe-scholar-gpt")
    );
    assert_eq!(
        scholar.created_at,
        Some(ts("2023-11-15T09:04:21.004009+00:00"))
    );
    assert_eq!(scholar.observed_at, Some(ts("2024-03-19")));
    assert_eq!(scholar.prompt_starters.len(), 4);
    let other = got
        .gpts
        .iter()
        .filter(|(g, _, _)| g.categories == ["other"])
        .count();
    assert_eq!(other, 63, "`Other` and `other` are one category");
}

#[test]
fn beetrove_table_as_csv_equals_the_json() {
    let (csv, detected) = parse(&fixture("beetrove_table_60.csv"));
    assert_eq!(detected, Detected::Table(TableKind::Beetrove));
    assert!(csv.issues.is_empty(), "{:?}", csv.issues);
    assert_eq!(csv.gpts.len(), 60);
    let (json, _) = parse(&asset("beetrove_sample_2024-03.json"));
    for ((c, _, line), (j, _, _)) in csv.gpts.iter().zip(&json.gpts) {
        assert_eq!(c, j, "CSV line {line} reads like its JSON row");
    }
}

#[test]
fn beetrove_homepage_monitoring_shelves() {
    let (got, detected) = parse(&asset("beetrove_homepage_2024-03-28.csv"));
    assert_eq!(detected, Detected::Table(TableKind::Homepage));
    assert!(got.issues.is_empty(), "{:?}", got.issues);
    assert!(
        got.gpts.is_empty(),
        "the homepage CSV names GPTs, it does not describe them"
    );
    assert_eq!(got.shelves.len(), 10);
    assert_eq!(got.entries.len(), 119);
    let ids: Vec<&str> = got.shelves.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "featured_store",
            "trending",
            "featured",
            "dalle",
            "writing",
            "productivity",
            "research",
            "programming",
            "education",
            "lifestyle"
        ]
    );
    let first = &got.entries[0];
    assert_eq!(
        (first.shelf_id.as_str(), first.position),
        ("featured_store", 1)
    );
    assert_eq!(first.name.as_deref(), Some("MapGPT"));
    assert_eq!(first.author.as_deref(), Some("mapgpt.chatsuite.ai"));
    assert_eq!(got.shelves[0].observed_at, Some(ts("2024-03-28")));
}

#[test]
fn gptracker_csv_plain_and_zstd() {
    let (plain, detected) = parse(&fixture("gptracker_rounds.csv"));
    assert_eq!(detected, Detected::Table(TableKind::Gptracker));
    let (zst, _) = parse(&fixture("gptracker_rounds.csv.zst"));
    assert!(plain.issues.is_empty(), "{:?}", plain.issues);
    assert_eq!(
        plain.gpts, zst.gpts,
        "the .zst reads exactly like the plain file"
    );
    assert_eq!(plain.gpts.len(), 5);
    let avail: Vec<_> = plain
        .gpts
        .iter()
        .map(|(g, _, _)| (g.id.as_str(), g.availability))
        .collect();
    assert_eq!(
        avail,
        [
            ("g-9upSdCEcq", Availability::Available),
            ("g-2DQzU5UZl", Availability::Available),
            ("g-n7Rs0IK86", Availability::Available),
            ("g-3ofhyPBR2", Availability::Unavailable),
            ("g-9upSdCEcq", Availability::Unavailable),
        ]
    );
    // The `json` column is the store's resource: it reads like the resource file…
    let (readme, _) = parse(&fixture("gptracker_readme_g-9upSdCEcq_2024-04.json"));
    let mut from_csv = plain.gpts[0].0.clone();
    assert_eq!(
        from_csv.observed_at,
        Some(ts("2024-04-09")),
        "round = observed"
    );
    from_csv.observed_at = None;
    assert_eq!(from_csv, readme.gpts[0].0);
    // …and `round` dates the unavailable rows.
    assert_eq!(plain.gpts[4].0.observed_at, Some(ts("2024-05-15")));
}

/// A shelf's positions in a snapshot: (position, GPT name), in order.
pub fn shelf_of(db: &std::path::Path, snapshot: i64, shelf: &str) -> Vec<(u32, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn
        .prepare(&format!(
            "SELECT e.position, g.name FROM shelf_entry e JOIN gpt_{snapshot} g ON g.id = e.gpt_id
             WHERE e.snapshot_id = ?1 AND e.shelf_id = ?2 ORDER BY e.position"
        ))
        .unwrap();
    st.query_map(rusqlite::params![snapshot, shelf], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The real day of 2024-01-31: the front's six items of each shelf, then the shelf's own page
/// continuing at #7 (files read in name order: dalle.json comes before discovery.json, and
/// still numbers after the front).
#[test]
fn a_saved_day_numbers_every_shelf_by_the_rule() {
    let (_dir, db) = temp_db();
    let day = fixture("gptstore_2024-01-31_global");
    let r = run_json(&db, &["import", day.to_str().unwrap(), "--json"]);
    assert_eq!(r["skipped"], 0, "{r}");
    assert_eq!(r["gpts"], 130, "the day's distinct GPTs");
    let writing = shelf_of(&db, 2, "writing");
    assert_eq!(writing.len(), 16);
    assert_eq!(writing[0], (1, "Write For Me".to_owned()));
    assert_eq!(writing[6], (7, "Automated Blog Post Writer".to_owned()));
    let positions: Vec<u32> = writing.iter().map(|(p, _)| *p).collect();
    assert_eq!(positions, (1..=16).collect::<Vec<u32>>());
    // Trending's front GPTs have positions too, and its page follows them.
    let trending = shelf_of(&db, 2, "trending");
    assert_eq!(trending[0], (1, "Canva".to_owned()));
    assert_eq!(trending[6], (7, "Video GPT by VEED".to_owned()));
    // Every shelf: the front's items, then its page (featured_store has no page: 4).
    for (shelf, n) in [
        ("featured_store", 4),
        ("featured", 16),
        ("dalle", 16),
        ("research", 16),
    ] {
        assert_eq!(shelf_of(&db, 2, shelf).len(), n, "{shelf}");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let locale: String = conn
        .query_row("SELECT locale FROM snapshot WHERE id = 2", [], |r| r.get(0))
        .unwrap();
    assert_eq!(locale, "global");
}

/// A shelf page saved without the front counts from 1, and the shelf says why.
#[test]
fn a_shelf_page_without_its_front_counts_from_one_and_says_so() {
    let (_dir, db) = temp_db();
    let page = fixture("trending_2024-03-11_global.json");
    run_json(&db, &["import", page.to_str().unwrap(), "--json"]);
    let trending = shelf_of(&db, 2, "trending");
    assert_eq!(trending.first().map(|t| t.0), Some(1));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let note: String = conn
        .query_row(
            "SELECT note FROM shelf WHERE snapshot_id = 2 AND shelf_id = 'trending'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        note.contains("store front's first items were not in this import"),
        "{note}"
    );
}

/// A HAR of the saved day: the same positions as the saved files, other entries counted and
/// ignored, the session's cookie and token nowhere.
#[test]
fn a_har_of_the_saved_day_imports_like_the_saved_files() {
    let (dir, db) = temp_db();
    let day = fixture("gptstore_2024-01-31_global");
    run_json(&db, &["import", day.to_str().unwrap(), "--json"]);
    let har = write(dir.path(), "store.har", har_of_saved_day());
    let r = run_json(&db, &["import", har.to_str().unwrap(), "--json"]);
    assert_eq!(r["files"][0]["format"], "HAR", "{r}");
    assert_eq!(
        r["files"][0]["note"], "10 store answers, 2 other entries ignored",
        "{r}"
    );
    assert_eq!(r["skipped"], 0, "{r}");
    for shelf in [
        "writing",
        "trending",
        "featured",
        "featured_store",
        "lifestyle",
    ] {
        assert_eq!(shelf_of(&db, 3, shelf), shelf_of(&db, 2, shelf), "{shelf}");
    }
    let text = stdout(&run(&db, &["import", har.to_str().unwrap()]));
    assert!(
        text.contains("store.har: HAR, 10 store answers, 2 other entries ignored"),
        "{text}"
    );
    // The browser session's secrets are not kept anywhere a record is shown.
    for args in [
        vec!["show", "g-82ALdp8Nj", "--raw", "--snapshot", "3"],
        vec!["export", "--format", "jsonl", "--snapshot", "3"],
        vec!["snapshots", "--json"],
    ] {
        let out = stdout(&run(&db, &args));
        assert!(!out.is_empty(), "{args:?}");
        assert!(
            !out.contains("HAR-SECRET") && !out.contains("next-auth"),
            "{args:?}: {out}"
        );
    }
}

/// HARs that are cut short, not JSON, hold no store answer, or HTML where JSON was expected.
#[test]
fn bad_hars_say_what_is_wrong() {
    let (dir, db) = temp_db();
    let whole = har_of_saved_day();
    // Cut in the middle of the fifth store answer: the whole entries before it are read.
    let at = whole.match_indices("\"startedDateTime\"").nth(7).unwrap().0;
    let cut = write(dir.path(), "cut.har", &whole[..at + 5]);
    let r = run_json(&db, &["import", cut.to_str().unwrap(), "--json"]);
    assert_eq!(r["skipped_by_reason"]["truncated record"], 1, "{r}");
    assert!(
        r["examples"][0]
            .as_str()
            .unwrap()
            .contains("the HAR ends here, inside an entry"),
        "{r}"
    );
    assert_eq!(
        r["files"][0]["note"], "4 store answers, 2 other entries ignored",
        "{r}"
    );
    // No store answer at all: one line naming the file.
    let none = write(
        dir.path(),
        "none.har",
        har(&[HarEntry {
            url: "https://example.com/",
            status: 200,
            body: "<html></html>",
            base64: false,
        }]),
    );
    let o = run(&db, &["import", none.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("a HAR with no GPT Store answer in its 1 entries"),
        "{}",
        stderr(&o)
    );
    // Not JSON after its start.
    let garbage = write(
        dir.path(),
        "garbage.har",
        "{\"log\": {\"entries\": [ nope ]}}",
    );
    let o = run(&db, &["import", garbage.to_str().unwrap()]);
    assert!(stderr(&o).contains("not a readable HAR"), "{}", stderr(&o));
    // A bot wall where JSON was expected, and a 403: counted, said, the rest imported.
    let walled = write(
        dir.path(),
        "walled.har",
        har(&[
            HarEntry {
                url: "https://chatgpt.com/backend-api/gizmos/g-abcdefghi",
                status: 200,
                body: "<!DOCTYPE html><title>Just a moment...</title>",
                base64: false,
            },
            HarEntry {
                url: "https://chatgpt.com/backend-api/gizmos/g-bcdefghij",
                status: 403,
                body: "{\"detail\":\"forbidden\"}",
                base64: false,
            },
            HarEntry {
                url: "https://chatgpt.com/public-api/gizmos/discovery?locale=global",
                status: 200,
                body: &std::fs::read_to_string(fixture("discovery_2026-04-14_global.json"))
                    .unwrap(),
                base64: false,
            },
        ]),
    );
    let r = run_json(&db, &["import", walled.to_str().unwrap(), "--json"]);
    assert_eq!(
        r["skipped_by_reason"]["store request without an answer"], 2,
        "{r}"
    );
    let examples = r["examples"].to_string();
    assert!(
        examples.contains("HTML or text where JSON was expected"),
        "{examples}"
    );
    assert!(
        examples.contains("HTTP 403, no answer to read"),
        "{examples}"
    );
    assert_eq!(r["records"], 57, "the front's GPTs imported all the same");
}
