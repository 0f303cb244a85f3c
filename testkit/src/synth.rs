//! Synthetic GPT Store resources for benchmarks and large tests, in the store's real JSON shape
//! (`{gizmo, tools, files, product_features}`), deterministic for a seed. The distributions
//! follow the real sample: heavy-tailed conversations and reviews, a long tail of authors (a few
//! with hundreds of GPTs), BeeTrove's tool mix (browser 86%, dalle 75%, python 56%, Actions 11%,
//! none 5%), Actions with domains and auth kinds, names in Latin, CJK, Korean, emoji and mixed
//! scripts, and some pricing words and links in descriptions.

use serde_json::{Value, json};
use std::io::{self, Write};

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    pub count: u64,
    pub seed: u64,
}

const LATIN: &[&str] = &[
    "Scholar",
    "Code",
    "Copilot",
    "Writer",
    "Tutor",
    "Logo",
    "Designer",
    "Research",
    "Assistant",
    "Wizard",
    "Coach",
    "Translator",
    "Planner",
    "Chef",
    "Doctor",
    "Legal",
    "SEO",
    "Email",
    "Story",
    "Math",
    "Python",
    "Resume",
    "Travel",
    "Fitness",
    "Finance",
    "Marketing",
    "Image",
    "Video",
    "Music",
    "Poem",
    "Essay",
    "Study",
    "Data",
    "Analyst",
    "Prompt",
    "Tarot",
    "Astrology",
    "Game",
    "Quiz",
    "Debate",
    "Startup",
    "Pitch",
    "Slides",
    "Diagram",
    "Excel",
    "SQL",
    "Rust",
    "Java",
];
const CJK: &[&str] = &[
    "小红书",
    "学习",
    "助手",
    "写作",
    "翻译",
    "论文",
    "编程",
    "绘画",
    "占卜",
    "英语",
    "日本語",
    "先生",
    "数学",
    "文案",
    "爆款",
    "健身",
    "旅行",
];
const KOREAN: &[&str] = &[
    "타로",
    "운세",
    "박사",
    "번역",
    "글쓰기",
    "코딩",
    "공부",
    "영어",
];
const EMOJI: &[&str] = &["🧙‍♂️", "🚀", "📚", "🎨", "🤖", "💡", "🔮", "✍️", "📈", "🇯🇵"];
const CATEGORIES: &[&str] = &[
    "writing",
    "productivity",
    "research",
    "programming",
    "education",
    "lifestyle",
    "dalle",
    "other",
];
const DOMAINS: &[&str] = &[
    "api.example-tools.com",
    "actions.zapier.com",
    "api.github.com",
    "whimsical.com",
    "slidesgpt.com",
    "api.popai.pro",
    "server.searchweb.keymate.ai",
    "plugin.wolframalpha.com",
    "api.bypassgpt.ai",
    "hix.ai",
    "gumroad.com",
    "api.stripe.com",
    "app.netlify.com",
    "api.notion.com",
    "maps.googleapis.com",
    "api.openweathermap.org",
];
const PRICING: &[&str] = &[
    "Upgrade to premium for unlimited use.",
    "Subscribe at our website for the pro version.",
    "Free trial, then $9.99/month.",
    "Buy credits to unlock all features.",
    "See pricing for paid plans.",
];
const MIME: &[&str] = &[
    "text/plain",
    "text/x-script.python",
    "text/x-typescript",
    "application/json",
    "text/x-c++",
    "text/x-ruby",
    "text/x-tex",
    "text/x-csharp",
    "application/pdf",
    "text/markdown",
    "text/x-c",
    "text/javascript",
    "text/html",
    "text/x-java",
    "text/x-php",
    "application/msword",
    "text/x-sh",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// 2023-11-06, the day GPTs launched.
const LAUNCH: i64 = 1_699_228_800;
/// 2026-04-14, the newest real data.
const NEWEST: i64 = 1_776_124_800;

/// A GPT name: Latin words mostly, CJK, Korean, emoji and mixed scripts as in the store.
pub fn name(rng: &mut Rng) -> String {
    let roll = rng.unit();
    let latin = |rng: &mut Rng| format!("{} {}", rng.pick(LATIN), rng.pick(LATIN));
    if roll < 0.70 {
        latin(rng)
    } else if roll < 0.82 {
        format!("{}{}", rng.pick(CJK), rng.pick(CJK))
    } else if roll < 0.88 {
        format!("{} {}", rng.pick(KOREAN), rng.pick(KOREAN))
    } else if roll < 0.95 {
        format!("{} {}", rng.pick(EMOJI), latin(rng))
    } else {
        format!("{} {} {}", rng.pick(LATIN), rng.pick(CJK), rng.pick(EMOJI))
    }
}

/// The language a synthetic GPT is written in, in the shares measured on the real fixtures
/// (2,924 GPTs of BeeTrove and the crawler dataset, `gptscope::language`): English 80 %,
/// Chinese 15.8 %, then Japanese, Korean, Spanish, French, Portuguese, Italian, German;
/// Vietnamese stands for the languages without function-word lists (the detector's slow path,
/// its trigrams), and a bare name for the texts too short to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextLanguage {
    English,
    Chinese,
    Japanese,
    Korean,
    Spanish,
    French,
    Portuguese,
    Italian,
    German,
    Vietnamese,
    NameOnly,
}

/// Shares out of 10,000.
const LANGUAGE_SHARES: [(TextLanguage, u64); 11] = [
    (TextLanguage::Chinese, 1_580),
    (TextLanguage::Japanese, 90),
    (TextLanguage::Korean, 50),
    (TextLanguage::Spanish, 40),
    (TextLanguage::French, 35),
    (TextLanguage::Portuguese, 30),
    (TextLanguage::Italian, 10),
    (TextLanguage::German, 10),
    (TextLanguage::Vietnamese, 10),
    (TextLanguage::NameOnly, 70),
    (TextLanguage::English, 8_075),
];

pub fn text_language(rng: &mut Rng) -> TextLanguage {
    let mut roll = rng.below(10_000);
    for (l, share) in LANGUAGE_SHARES {
        if roll < share {
            return l;
        }
        roll -= share;
    }
    TextLanguage::English
}

impl TextLanguage {
    /// The language code the detector should give (`und` for a name alone).
    pub fn code(self) -> &'static str {
        match self {
            TextLanguage::English => "en",
            TextLanguage::Chinese => "zh",
            TextLanguage::Japanese => "ja",
            TextLanguage::Korean => "ko",
            TextLanguage::Spanish => "es",
            TextLanguage::French => "fr",
            TextLanguage::Portuguese => "pt",
            TextLanguage::Italian => "it",
            TextLanguage::German => "de",
            TextLanguage::Vietnamese => "vi",
            TextLanguage::NameOnly => "und",
        }
    }

    fn description(self, name: &str, topic: &str) -> String {
        match self {
            TextLanguage::English => format!(
                "{name} helps you with {topic} tasks: ask a question and get a clear answer."
            ),
            TextLanguage::Chinese => {
                format!("{name}帮助你完成{topic}相关的任务，提供专业的建议和详细的解答。")
            }
            TextLanguage::Japanese => {
                format!("{name}は{topic}の作業をお手伝いします。わかりやすく丁寧に説明します。")
            }
            TextLanguage::Korean => {
                format!("{name}은 {topic} 작업을 도와드립니다. 친절하고 자세하게 설명해 드려요.")
            }
            TextLanguage::Spanish => {
                format!("{name} te ayuda con las tareas de {topic} y responde a tus preguntas.")
            }
            TextLanguage::French => {
                format!("{name} vous aide dans vos tâches de {topic} et répond à vos questions.")
            }
            TextLanguage::Portuguese => {
                format!("{name} ajuda você com tarefas de {topic} e responde às suas perguntas.")
            }
            TextLanguage::Italian => {
                format!("{name} ti aiuta con le attività di {topic} e risponde alle tue domande.")
            }
            TextLanguage::German => format!(
                "{name} hilft dir bei Aufgaben rund um {topic} und beantwortet deine Fragen."
            ),
            TextLanguage::Vietnamese => format!(
                "{name} giúp bạn với các công việc về {topic} và trả lời câu hỏi của bạn một \
                 cách nhanh chóng."
            ),
            TextLanguage::NameOnly => String::new(),
        }
    }

    fn starter(self, topic: &str, s: u64) -> String {
        match self {
            TextLanguage::English | TextLanguage::NameOnly => format!("Help me with {topic} #{s}"),
            TextLanguage::Chinese => format!("请帮我处理{topic}的问题 #{s}"),
            TextLanguage::Japanese => format!("{topic}について教えてください #{s}"),
            TextLanguage::Korean => format!("{topic}에 대해 알려주세요 #{s}"),
            TextLanguage::Spanish => format!("Ayúdame con {topic} #{s}"),
            TextLanguage::French => format!("Aide-moi avec {topic} #{s}"),
            TextLanguage::Portuguese => format!("Me ajude com {topic} #{s}"),
            TextLanguage::Italian => format!("Aiutami con {topic} #{s}"),
            TextLanguage::German => format!("Hilf mir bei {topic} #{s}"),
            TextLanguage::Vietnamese => format!("Giúp tôi với {topic} #{s}"),
        }
    }
}

/// A conversation count shaped like the store's (heavy tail), as the store's bucket string.
pub fn conversations(rng: &mut Rng) -> String {
    let n = (3.0 * (1.0 / (1.0 - rng.unit()).max(1e-9)).powf(1.25)) as u64;
    let bucket = match n {
        0..=9 => return n.to_string(),
        10..=99 => n / 10 * 10,
        100..=999 => n / 100 * 100,
        1000..=9999 => n / 1000 * 1000,
        10_000..=99_999 => n / 5000 * 5000,
        100_000..=999_999 => n / 100_000 * 100_000,
        _ => n.min(12_000_000) / 1_000_000 * 1_000_000,
    };
    gptscope::store::record::bucket_label(bucket)
}

fn old_id(rng: &mut Rng) -> String {
    let mut id = String::from("g-");
    for _ in 0..9 {
        id.push(*rng.pick(BASE62) as char);
    }
    id
}

fn new_id(rng: &mut Rng, created: i64) -> String {
    format!(
        "g-{:08x}{:024x}",
        created,
        rng.next_u64() as u128 * 0x1_0000 + rng.below(0x1_0000) as u128
    )
}

/// One resource, number `i` of the run.
pub fn resource(rng: &mut Rng, i: u64, authors: u64) -> Value {
    let created = LAUNCH + rng.below((NEWEST - LAUNCH) as u64) as i64;
    let updated = created + rng.below((NEWEST - created).max(1) as u64) as i64;
    let new_format = created > 1_720_000_000 && rng.chance(0.8);
    let id = if new_format {
        new_id(rng, created)
    } else {
        old_id(rng)
    };
    // Long tail: author 0 gets the most GPTs, most authors one or two.
    let author_no = (authors as f64 * rng.unit().powf(2.5)) as u64;
    let website = author_no % 7 == 0;
    let display_name = if website {
        format!("builder{author_no}.example.com")
    } else {
        format!("Builder {author_no}")
    };
    let name = name(rng);
    let slug: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect::<String>()
        .trim()
        .to_lowercase()
        .replace(' ', "-");
    let topic = rng.pick(LATIN).to_lowercase();
    // The language of the text, from its own stream (the rest of the record is as before).
    let mut lrng = Rng::new(i ^ 0x4C41_4E47_5541_4745);
    let language = text_language(&mut lrng);
    let mut description = language.description(&name, &topic);
    if rng.chance(0.06) {
        description.push(' ');
        let pitch = *rng.pick::<&str>(PRICING);
        description.push_str(pitch);
    }
    if rng.chance(0.05) {
        description.push_str(&format!(" More at https://{}/", rng.pick(DOMAINS)));
    }
    let mut tools = Vec::new();
    let mut tool = |kind: &str, metadata: Value| {
        tools.push(json!({"id": format!("gzm_tool_{i}_{}", tools.len()), "type": kind, "settings": null, "metadata": metadata}));
    };
    if !rng.chance(0.05) {
        if rng.chance(0.86) {
            tool("browser", Value::Null);
        }
        if rng.chance(0.75) {
            tool("dalle", Value::Null);
        }
        if rng.chance(0.56) {
            tool("python", Value::Null);
        }
        if created > 1_730_000_000 && rng.chance(0.3) {
            tool("canvas", Value::Null);
        }
        if created > 1_745_000_000 && rng.chance(0.3) {
            tool("image_gen", Value::Null);
        }
        if rng.chance(0.11) {
            for _ in 0..1 + rng.below(2) {
                let auth = *rng.pick(&["none", "none", "service_http", "oauth"]);
                tool(
                    "plugins_prototype",
                    json!({"action_id": format!("g-{:x}", rng.next_u64()), "domain": rng.pick(DOMAINS),
                           "auth": {"type": auth}, "privacy_policy_url": format!("https://{}/privacy", rng.pick(DOMAINS))}),
                );
            }
        }
    }
    let files: Vec<Value> = if rng.chance(0.3) {
        (0..1 + rng.below(20))
            .map(|f| json!({"id": format!("gzm_file_{i}_{f}"), "type": "", "file_id": "", "location": ""}))
            .collect()
    } else {
        Vec::new()
    };
    let conv = conversations(rng);
    let review_count = if rng.chance(0.12) {
        0
    } else {
        let lower =
            gptscope::store::record::Conversations::parse(&conv).map_or(0, |c| c.lower_bound);
        (lower as f64 * (0.01 + rng.unit() * 0.04)) as u64
    };
    let avg = (4.1 + (rng.unit() - 0.5) * 1.6).clamp(1.0, 5.0);
    let categories: Vec<&str> = if rng.chance(0.3) {
        Vec::new()
    } else {
        vec![*rng.pick(CATEGORIES)]
    };
    let mut starters: Vec<String> = (0..rng.below(5))
        .map(|s| language.starter(&rng.pick(LATIN).to_lowercase(), s))
        .collect();
    if language == TextLanguage::NameOnly {
        starters.clear();
    }
    let mime: Vec<&str> = MIME.to_vec();
    json!({
        "gizmo": {
            "id": id,
            "organization_id": format!("org-{author_no:024}"),
            "short_url": format!("{id}-{slug}"),
            "author": {
                "user_id": format!("user-{author_no:024}"),
                "display_name": display_name,
                "link_to": if website { Value::String(format!("https://{display_name}")) } else { Value::Null },
                "is_verified": website || rng.chance(0.3),
                "selected_display": if website { "website" } else { "name" },
                "will_receive_support_emails": null,
                "display_socials": [],
            },
            "voice": {"id": "ember"},
            "workspace_id": null,
            "model": null,
            "instructions": null,
            "display": {
                "name": name,
                "description": description,
                "prompt_starters": starters,
                "profile_pic_id": null,
                "profile_picture_url": format!("https://files.oaiusercontent.com/file-{:x}?se=2124-01-01&sig=x", rng.next_u64()),
                "categories": categories,
            },
            "share_recipient": "marketplace",
            "created_at": gptscope::time::format_datetime(created),
            "updated_at": gptscope::time::format_datetime(updated),
            "last_interacted_at": null,
            "num_interactions": null,
            "tags": ["public", "reportable"],
            "version": null,
            "live_version": null,
            "training_disabled": null,
            "sharing_targets": null,
            "appeal_info": null,
            "vanity_metrics": {
                "num_conversations": null,
                "num_conversations_str": conv,
                "created_ago_str": "3 months ago",
                "review_stats": {"total": (review_count as f64 * avg).round() as u64, "count": review_count, "by_rating": {}},
            },
            "workspace_approval_date": null,
            "workspace_approved": null,
            "sharing": null,
            "current_user_permission": null,
        },
        "tools": tools,
        "files": files,
        "product_features": {"attachments": {"type": "retrieval", "accepted_mime_types": mime,
            "image_mime_types": ["image/png", "image/gif", "image/jpeg", "image/webp"], "can_accept_all_mime_types": true}},
    })
}

/// Writes `count` resources as JSON Lines.
pub fn write_jsonl(out: &mut dyn Write, opts: SynthOptions) -> io::Result<()> {
    let mut rng = Rng::new(opts.seed);
    let authors = (opts.count / 3).max(1);
    let mut line = Vec::with_capacity(4096);
    for i in 0..opts.count {
        line.clear();
        serde_json::to_writer(&mut line, &resource(&mut rng, i, authors))?;
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

/// Writes `count` GPTs as a third-party directory's CSV would list them: `ID,Title,Description,
/// Icon,Creator,Chats,Rating,Reviews,Updated` (bare ids, creators by name, `1K+` buckets, decimal
/// commas in a tenth of the ratings, blanks as `-`).
pub fn write_list_csv(out: &mut dyn Write, opts: SynthOptions) -> io::Result<()> {
    let mut rng = Rng::new(opts.seed);
    let authors = (opts.count / 3).max(1);
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "ID",
        "Title",
        "Description",
        "Icon",
        "Creator",
        "Chats",
        "Rating",
        "Reviews",
        "Updated",
    ])?;
    for i in 0..opts.count {
        let id = old_id(&mut rng);
        let name = name(&mut rng);
        let creator = if rng.chance(0.1) {
            String::new()
        } else {
            format!("Builder {}", (authors as f64 * rng.unit().powf(2.5)) as u64)
        };
        let chats = if rng.chance(0.05) {
            "-".to_owned()
        } else {
            conversations(&mut rng)
        };
        let (rating, reviews) = if rng.chance(0.4) {
            let r = format!("{:.1}", 3.0 + 2.0 * rng.unit());
            let r = if rng.chance(0.1) {
                r.replace('.', ",")
            } else {
                r
            };
            (r, (1 + rng.below(2000)).to_string())
        } else {
            ("n/a".to_owned(), String::new())
        };
        let updated =
            gptscope::time::format_date(LAUNCH + rng.below((NEWEST - LAUNCH) as u64) as i64);
        w.write_record([
            &id[2..],
            &name,
            &format!("A GPT for {name}, number {i}"),
            &format!("https://files.example.org/{i}.png"),
            &creator,
            &chats,
            &rating,
            &reviews,
            &updated,
        ])?;
    }
    w.flush()
}

/// The change [`write_history`] makes to GPT `i` when `i % 10 == 0`: kind
/// `MUTATIONS[(i / 10) % 10]`, named as the diff names change types (`removed`: the GPT is gone).
pub const MUTATIONS: [&str; 10] = [
    "name",
    "conversations",
    "removed",
    "tools",
    "actions",
    "categories",
    "description",
    "rating",
    "author",
    "signals",
];

/// The mutation of GPT `i`, if any.
pub fn mutation_of(i: u64) -> Option<&'static str> {
    (i % 10 == 0).then(|| MUTATIONS[((i / 10) % 10) as usize])
}

/// Changes one resource in the way `kind` says.
fn mutate(r: &mut Value, kind: &str) {
    let g = &mut r["gizmo"];
    match kind {
        "name" => {
            let name = format!("{} Reloaded", g["display"]["name"].as_str().unwrap_or(""));
            g["display"]["name"] = json!(name);
        }
        "conversations" => g["vanity_metrics"]["num_conversations_str"] = json!("50M+"),
        "categories" => {
            let now = g["display"]["categories"][0]
                .as_str()
                .unwrap_or("")
                .to_owned();
            let to = if now == "education" {
                "writing"
            } else {
                "education"
            };
            g["display"]["categories"] = json!([to]);
        }
        "description" => {
            let d = format!(
                "{} Now in a second edition.",
                g["display"]["description"].as_str().unwrap_or("")
            );
            g["display"]["description"] = json!(d);
        }
        "signals" => {
            let d = format!(
                "{} Upgrade to premium for the full version.",
                g["display"]["description"].as_str().unwrap_or("")
            );
            g["display"]["description"] = json!(d);
        }
        "rating" => {
            let stats = &mut g["vanity_metrics"]["review_stats"];
            let count = stats["count"].as_u64().unwrap_or(0);
            let total = stats["total"].as_u64().unwrap_or(0);
            *stats = json!({"total": total + 2 * count + 10, "count": count + 10, "by_rating": {}});
        }
        "author" => {
            g["author"]["user_id"] = json!("user-synthmovedauthor000000001");
            g["author"]["display_name"] = json!("moved.example");
        }
        "tools" => {
            let tools = r["tools"].as_array_mut();
            if let Some(tools) = tools {
                let had = tools.iter().any(|t| t["type"] == "python");
                if had {
                    tools.retain(|t| t["type"] != "python");
                } else {
                    tools.push(json!({"id": "gzm_tool_added_python", "type": "python", "settings": null, "metadata": null}));
                }
            }
        }
        "actions" => {
            if let Some(tools) = r["tools"].as_array_mut() {
                tools.push(json!({"id": "gzm_tool_added_action", "type": "plugins_prototype", "settings": null,
                    "metadata": {"action_id": "g-added", "domain": "paid-funnel.example", "auth": {"type": "none"},
                                 "privacy_policy_url": "https://paid-funnel.example/privacy"}}));
            }
        }
        _ => {}
    }
}

/// Two snapshots of the same `count` GPTs for diff tests and benchmarks: `before` exactly as
/// [`write_jsonl`] writes it, `after` with every tenth GPT changed in one known way (see
/// [`mutation_of`]) and `count / 20` new GPTs at the end. Returns the number of GPTs of each
/// mutation, and `added`.
pub fn write_history(
    before: &mut dyn Write,
    after: &mut dyn Write,
    opts: SynthOptions,
) -> io::Result<std::collections::BTreeMap<&'static str, usize>> {
    let mut rng = Rng::new(opts.seed);
    let authors = (opts.count / 3).max(1);
    let mut counts = std::collections::BTreeMap::new();
    let mut line = Vec::with_capacity(4096);
    let put = |out: &mut dyn Write, r: &Value, line: &mut Vec<u8>| -> io::Result<()> {
        line.clear();
        serde_json::to_writer(&mut *line, r)?;
        line.push(b'\n');
        out.write_all(line)
    };
    for i in 0..opts.count {
        let mut r = resource(&mut rng, i, authors);
        put(before, &r, &mut line)?;
        match mutation_of(i) {
            Some("removed") => {
                *counts.entry("removed").or_insert(0) += 1;
                continue;
            }
            Some(kind) => {
                mutate(&mut r, kind);
                *counts.entry(kind).or_insert(0) += 1;
            }
            None => {}
        }
        put(after, &r, &mut line)?;
    }
    let extra = opts.count / 20;
    let mut fresh = Rng::new(opts.seed ^ 0x5eed);
    for i in 0..extra {
        let r = resource(&mut fresh, opts.count + i, authors);
        put(after, &r, &mut line)?;
    }
    counts.insert("added", extra as usize);
    Ok(counts)
}

/// Whether GPT `i` changes on day `day` (a deterministic draw: about `fraction` of the GPTs
/// each day, a different few each day).
pub fn changes_on(i: u64, day: u64, fraction: f64) -> bool {
    let mut r =
        Rng::new(i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ day.wrapping_mul(0xc2b2_ae3d_27d4_eb4f));
    r.next_u64();
    r.unit() < fraction
}

/// Day `day` (0 = [`write_jsonl`]'s output) of a daily series of the same `count` GPTs in which
/// about `fraction` of them change from one day to the next: each change gains a GPT ten more
/// reviews (so its review total and count move, nothing else). Returns how many GPTs differ
/// from day `day - 1` (0 on day 0).
pub fn write_day(
    out: &mut dyn Write,
    opts: SynthOptions,
    day: u64,
    fraction: f64,
) -> io::Result<usize> {
    let mut rng = Rng::new(opts.seed);
    let authors = (opts.count / 3).max(1);
    let mut line = Vec::with_capacity(4096);
    let mut changed = 0;
    for i in 0..opts.count {
        let mut r = resource(&mut rng, i, authors);
        let times = (1..=day).filter(|&d| changes_on(i, d, fraction)).count() as u64;
        if day > 0 && changes_on(i, day, fraction) {
            changed += 1;
        }
        if times > 0 {
            let stats = &mut r["gizmo"]["vanity_metrics"]["review_stats"];
            let count = stats["count"].as_u64().unwrap_or(0);
            let total = stats["total"].as_u64().unwrap_or(0);
            *stats =
                json!({"total": total + 40 * times, "count": count + 10 * times, "by_rating": {}});
        }
        line.clear();
        serde_json::to_writer(&mut line, &r)?;
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gptscope::store::parse::{Collected, Context, LineIndex, parse_json_value};

    /// The synthetic texts are in the language they were written in, as the detector reads
    /// them, in about the shares asked (the import bench's language mix is the real one).
    #[test]
    fn synthetic_texts_are_detected_in_the_language_they_were_written_in() {
        let mut rng = Rng::new(11);
        let mut counts = std::collections::BTreeMap::<&str, u32>::new();
        for i in 0..4000u64 {
            let g = resource(&mut rng, i, 500);
            let d = &g["gizmo"]["display"];
            let starters: Vec<String> = d["prompt_starters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect();
            let got = gptscope::language::detect_gpt(
                d["name"].as_str().unwrap(),
                d["description"].as_str(),
                &starters,
            );
            let want = text_language(&mut Rng::new(i ^ 0x4C41_4E47_5541_4745));
            // A name alone is unknown unless the name itself is long enough to tell.
            if want != TextLanguage::NameOnly {
                assert_eq!(got.code(), want.code(), "{d}");
            }
            *counts.entry(got.code()).or_default() += 1;
        }
        let share = |code| f64::from(counts.get(code).copied().unwrap_or(0)) / 4000.0;
        assert!((0.77..0.84).contains(&share("en")), "{counts:?}");
        assert!((0.14..0.18).contains(&share("zh")), "{counts:?}");
        assert!(
            counts.contains_key("vi") && counts.contains_key("und"),
            "{counts:?}"
        );
    }

    #[test]
    fn a_daily_series_changes_about_the_fraction_asked_each_day() {
        let opts = SynthOptions {
            count: 5000,
            seed: 3,
        };
        let day = |d| {
            let mut v = Vec::new();
            let n = write_day(&mut v, opts, d, 0.01).unwrap();
            (String::from_utf8(v).unwrap(), n)
        };
        let (d0, n0) = day(0);
        let mut plain = Vec::new();
        write_jsonl(&mut plain, opts).unwrap();
        assert_eq!(
            (d0.as_bytes(), n0),
            (plain.as_slice(), 0),
            "day 0 is the plain synth"
        );
        let (d1, n1) = day(1);
        let (d2, n2) = day(2);
        let differ = |a: &str, b: &str| a.lines().zip(b.lines()).filter(|(x, y)| x != y).count();
        assert_eq!(differ(&d0, &d1), n1);
        assert_eq!(differ(&d1, &d2), n2);
        assert!(
            (25..=80).contains(&n1) && (25..=80).contains(&n2),
            "{n1} {n2}"
        );
    }

    #[test]
    fn deterministic_for_a_seed_and_parses_cleanly() {
        let generate = |seed| {
            let mut v = Vec::new();
            write_jsonl(&mut v, SynthOptions { count: 300, seed }).unwrap();
            v
        };
        let a = generate(7);
        assert_eq!(a, generate(7));
        assert_ne!(a, generate(8));
        let text = String::from_utf8(a).unwrap();
        let mut sink = Collected::default();
        for (i, line) in text.lines().enumerate() {
            parse_json_value(
                line,
                &LineIndex::new(line, i as u64 + 1),
                &Context::default(),
                &mut sink,
            );
        }
        assert_eq!(
            sink.issues,
            vec![],
            "synthetic records parse without issues"
        );
        assert_eq!(sink.gpts.len(), 300);
        let with_actions = sink
            .gpts
            .iter()
            .filter(|(g, _, _)| !g.actions.is_empty())
            .count();
        let toolless = sink
            .gpts
            .iter()
            .filter(|(g, _, _)| g.tools.is_empty())
            .count();
        assert!(
            (15..=60).contains(&with_actions),
            "{with_actions} of 300 have Actions"
        );
        assert!(toolless < 40, "{toolless} without tools");
        let non_latin = sink
            .gpts
            .iter()
            .filter(|(g, _, _)| !g.name.is_ascii())
            .count();
        assert!(non_latin > 30, "{non_latin} names outside ASCII");
        // New-format ids carry their creation time.
        for (g, _, _) in &sink.gpts {
            if let Some(t) = gptscope::store::record::created_from_id(&g.id) {
                assert_eq!(Some(t), g.created_at, "{}", g.id);
            }
        }
    }
}
