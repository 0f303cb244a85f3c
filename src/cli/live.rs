//! `gptscope live …`: what the store shows now, read-only, beside what the newest snapshot
//! has. Runs the live client on a tokio runtime of its own for the one command.

use super::{GlobalArgs, open_db, output};
use crate::live::api::{self, Found};
use crate::live::compare::compare;
use crate::live::{Client, LiveConfig};
use crate::store::query;
use crate::text;
use clap::{Args, Subcommand};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

#[derive(Debug, Args, Clone)]
pub struct LiveArgs {
    /// The store's address [default: the config file's, else https://chatgpt.com]
    #[arg(long, global = true, env = "GPTSCOPE_BASE_URL")]
    pub base_url: Option<String>,
    /// Requests per second at most, 0: no limit [default: the config file's, else 1]
    #[arg(long, global = true)]
    pub rate: Option<f64>,
    /// Requests in flight at most [default: the config file's, else 4]
    #[arg(long, global = true)]
    pub concurrency: Option<usize>,
    /// Retries of a request that met 429, 5xx or a timeout, with exponential backoff
    /// [default: the config file's, else 4]
    #[arg(long, global = true)]
    pub retries: Option<u32>,
    /// A header to send the store, 'Name: value' (repeatable; a browser session's, say). The
    /// session's cookie comes from GPTSCOPE_COOKIE or the config file's [live] cookie_file
    #[arg(long = "header", global = true, value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
}

impl LiveArgs {
    /// The client's configuration: flags (and their environment variables) over the config
    /// file's `[live]` over the defaults; the token from the configured variable or file.
    pub fn config(&self, file: &crate::config::LiveDefaults) -> anyhow::Result<LiveConfig> {
        let base_url = self
            .base_url
            .clone()
            .unwrap_or_else(|| file.base_url.clone());
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            anyhow::bail!("--base-url {base_url:?}: not an http(s) address");
        }
        let rate = self.rate.unwrap_or(file.rate);
        if !(rate >= 0.0 && rate.is_finite()) {
            anyhow::bail!("--rate {rate}: requests per second, 0 or more");
        }
        let mut extra = Vec::new();
        for h in &self.headers {
            match h.split_once(':') {
                Some((k, v)) if crate::live::client::is_header_name(k.trim()) => {
                    extra.push((k.trim().to_owned(), v.trim().to_owned()));
                }
                // The value may be a secret: only the name is shown.
                _ => anyhow::bail!(
                    "--header {:?}…: expected 'Name: value'",
                    h.split(':')
                        .next()
                        .unwrap_or("")
                        .chars()
                        .take(30)
                        .collect::<String>()
                ),
            }
        }
        let host = base_url
            .split_once("://")
            .map_or(base_url.as_str(), |(_, r)| r)
            .split('/')
            .next()
            .unwrap_or("")
            .to_owned();
        let session = file
            .session(&host, &extra, state_dir().as_deref())
            .map_err(anyhow::Error::msg)?;
        Ok(LiveConfig {
            session,
            base_url,
            token: file.token().map_err(anyhow::Error::msg)?,
            rate,
            concurrency: self.concurrency.unwrap_or(file.concurrency).max(1),
            max_retries: self.retries.unwrap_or(file.retries),
            ..LiveConfig::default()
        })
    }
}

/// Where gptscope keeps state between runs (the browser-like device id):
/// `$XDG_STATE_HOME/gptscope`, else `~/.local/state/gptscope`.
fn state_dir() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/state"))
        })?;
    Some(base.join("gptscope"))
}

#[derive(Debug, Subcommand)]
pub enum LiveCommand {
    /// One GPT now, beside the newest snapshot's
    Gpt {
        /// A GPT id (g-…) or store URL
        id: String,
        /// By its about answer: also the rating the store shows, its category ranking, the
        /// rating split (needs GPTSCOPE_TOKEN)
        #[arg(long)]
        about: bool,
        #[arg(long)]
        json: bool,
    },
    /// An author's GPTs now (needs GPTSCOPE_TOKEN); new and vanished ones marked
    Author {
        user_id: String,
        #[arg(long)]
        json: bool,
    },
    /// The store front now and every shelf paged to its end, numbered as a refresh numbers
    /// them (the front's items first, then each shelf's pages)
    Shelves {
        /// Only the store front's first items of each shelf (one request)
        #[arg(long)]
        front: bool,
        /// The store front's locale
        #[arg(long, default_value = "global")]
        locale: String,
        /// Pages of one shelf asked for at most
        #[arg(long, default_value_t = crate::live::api::MAX_PAGES_DEFAULT)]
        max_pages: usize,
        #[arg(long)]
        json: bool,
    },
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

#[derive(Serialize)]
struct LiveGptOut<'a> {
    id: &'a str,
    fetched_at: String,
    snapshot: Option<i64>,
    changes: Vec<crate::live::compare::Field>,
    signals: Vec<crate::signals::Signal>,
    record: &'a crate::store::GptRecord,
    /// What the about answer shows (`--about`).
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<crate::store::record::About>,
}

#[derive(Serialize)]
struct ListedGpt {
    id: String,
    name: String,
    conversations: Option<String>,
    /// Not in the snapshot.
    new: bool,
}

#[derive(Serialize)]
struct AuthorOut {
    user_id: String,
    snapshot: i64,
    gpts: Vec<ListedGpt>,
    /// In the snapshot, not in the store now.
    vanished: Vec<String>,
}

#[derive(Serialize)]
struct ShelfOut {
    id: String,
    title: Option<String>,
    /// Why the shelf was not paged to its end (`failed: 500 Internal Server Error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<String>,
    gpts: Vec<(u32, ListedGpt)>,
}

pub fn run(
    global: &GlobalArgs,
    live: &LiveArgs,
    cmd: LiveCommand,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let client = Client::new(live.config(&global.settings.live)?)?;
    let rt = runtime()?;
    let db = open_db(global)?;
    let snap = query::snapshot(&db, None)?;
    match cmd {
        LiveCommand::Gpt { id, about, json } => {
            let id = crate::store::record::gpt_id_of(&id);
            // The about answer holds the GPT too: one request either way.
            let got = if about {
                rt.block_on(api::about(&client, &id))?
            } else {
                rt.block_on(api::gpt(&client, &id))?
            };
            let about = got.record.about.clone();
            let then = query::gpt(&db, &snap, &id)?;
            let changes = compare(then.as_ref().map(|v| &v.record), &got.record);
            let rules = super::signal_rules(global)?;
            let o = LiveGptOut {
                id: &got.record.id,
                fetched_at: crate::time::format_datetime(got.fetched_at),
                snapshot: then.as_ref().map(|_| snap.id),
                changes,
                signals: rules.evaluate(&got.record),
                record: &got.record,
                about,
            };
            if json {
                return output::json(out, &o);
            }
            print_live_gpt(out, &o, &snap)
        }
        LiveCommand::Author { user_id, json } => {
            let found = rt.block_on(api::author_gpts(&client, &user_id, |_| {}))?;
            let known: HashSet<String> = query::known_ids(&db, snap.id, Some(&user_id), &[])?
                .into_iter()
                .collect();
            let now: HashSet<String> = found.gpts.iter().map(|g| g.record.id.clone()).collect();
            let mut vanished: Vec<String> = known.difference(&now).cloned().collect();
            vanished.sort();
            let o = AuthorOut {
                user_id,
                snapshot: snap.id,
                gpts: listed(&found, &known),
                vanished,
            };
            if json {
                return output::json(out, &o);
            }
            writeln!(out, "{}: {} GPTs now", o.user_id, o.gpts.len())?;
            for g in &o.gpts {
                writeln!(
                    out,
                    "{} {:>6}  {}  ({})",
                    if g.new { "+" } else { " " },
                    g.conversations.as_deref().unwrap_or("?"),
                    text::line(&g.name),
                    g.id
                )?;
            }
            for id in &o.vanished {
                writeln!(
                    out,
                    "- {id} (in snapshot #{}, not in the store now)",
                    o.snapshot
                )?;
            }
            Ok(())
        }
        LiveCommand::Shelves {
            front,
            locale,
            max_pages,
            json,
        } => {
            let found = if front {
                rt.block_on(api::store_front(&client, &locale))?
            } else {
                rt.block_on(api::shelves(&client, &locale, max_pages, |_| {}))?
            };
            let on_shelves: Vec<String> = found
                .entries
                .iter()
                .filter_map(|e| e.gpt_id.clone())
                .collect();
            let known: HashSet<String> = query::known_ids(&db, snap.id, None, &on_shelves)?
                .into_iter()
                .collect();
            let shelves: Vec<ShelfOut> = shelves_of(&found, &known);
            if json {
                return output::json(out, &shelves);
            }
            for s in &shelves {
                writeln!(
                    out,
                    "{} ({}){}",
                    text::line(s.title.as_deref().unwrap_or(&s.id)),
                    s.id,
                    match &s.outcome {
                        Some(why) => format!("  [{}]", text::line(why)),
                        None => String::new(),
                    }
                )?;
                for (pos, g) in &s.gpts {
                    writeln!(
                        out,
                        "  {pos:>3}. {}{}  ({})",
                        text::line(&g.name),
                        if g.new { "  [not in the snapshot]" } else { "" },
                        g.id
                    )?;
                }
            }
            Ok(())
        }
    }
}

fn listed(found: &Found, known: &HashSet<String>) -> Vec<ListedGpt> {
    found
        .gpts
        .iter()
        .map(|g| ListedGpt {
            id: g.record.id.clone(),
            name: g.record.name.clone(),
            conversations: g.record.conversations.as_ref().map(|c| c.bucket.clone()),
            new: !known.contains(&g.record.id),
        })
        .collect()
}

fn shelves_of(found: &Found, known: &HashSet<String>) -> Vec<ShelfOut> {
    found
        .shelves
        .iter()
        .map(|s| ShelfOut {
            id: s.id.clone(),
            title: s.title.clone(),
            outcome: s.outcome.as_ref().map(|o| {
                let (status, why) = o.parts();
                format!("{status}: {why}")
            }),
            gpts: found
                .entries
                .iter()
                .filter(|e| e.shelf_id == s.id)
                .map(|e| {
                    let id = e.gpt_id.clone().unwrap_or_default();
                    let g = found.gpts.iter().find(|g| g.record.id == id);
                    (
                        e.position,
                        ListedGpt {
                            name: e.name.clone().unwrap_or_default(),
                            conversations: g
                                .and_then(|g| g.record.conversations.as_ref())
                                .map(|c| c.bucket.clone()),
                            new: !known.contains(&id),
                            id,
                        },
                    )
                })
                .collect(),
        })
        .collect()
}

#[derive(Debug, Subcommand)]
pub enum RefreshCommand {
    /// The store front and every shelf paged to its end, as a new snapshot of exactly the GPTs
    /// on the shelves, with their positions
    Shelves {
        /// The store front's locale
        #[arg(long, default_value = "global")]
        locale: String,
        /// Pages of one shelf asked for at most (a cursor that never ends is cut there, said)
        #[arg(long, default_value_t = crate::live::api::MAX_PAGES_DEFAULT)]
        max_pages: usize,
        #[command(flatten)]
        common: RefreshArgs,
    },
    /// Every GPT of a snapshot (or those the filters keep) fetched again: a 404 is recorded
    /// unavailable, another failure carries the old record forward marked stale
    Details {
        /// The snapshot whose GPTs to fetch [default: the one written last]
        #[arg(long, value_name = "ID")]
        from_snapshot: Option<i64>,
        /// At most this many GPTs, most conversations first
        #[arg(long)]
        limit: Option<usize>,
        /// By their about answers: also the rating the store shows, the category ranking and the
        /// rating split (needs GPTSCOPE_TOKEN; one request a GPT either way)
        #[arg(long)]
        about: bool,
        #[command(flatten)]
        filter: super::filter::FilterArgs,
        #[command(flatten)]
        common: RefreshArgs,
    },
    /// One author's GPTs (needs GPTSCOPE_TOKEN)
    Author {
        user_id: String,
        #[command(flatten)]
        common: RefreshArgs,
    },
    /// Enumerate the store by search terms, each paged to its end (needs GPTSCOPE_TOKEN)
    Search {
        /// A file of search terms, one a line (`#` starts a comment)
        #[arg(long, value_name = "FILE")]
        terms: std::path::PathBuf,
        #[command(flatten)]
        common: RefreshArgs,
    },
    /// The whole store by snowball (needs GPTSCOPE_TOKEN): the seeds, then every author met
    /// and their GPTs, then the authors those reveal, plus search terms; each list asked once
    Crawl {
        /// Where to start: front, snapshot:ID (its authors) or authors:FILE (one user id a line)
        #[arg(long, default_value = "front", value_name = "SEED")]
        seed: String,
        /// Search terms from a file, one a line
        #[arg(long, value_name = "FILE", conflicts_with = "common_words")]
        terms: Option<std::path::PathBuf>,
        /// Search the N most common words of GPT names and descriptions (bundled list)
        #[arg(long, value_name = "N")]
        common_words: Option<usize>,
        /// Stop once this many requests are answered
        #[arg(long, value_name = "N")]
        max_requests: Option<u64>,
        /// Stop once this many distinct GPTs are found
        #[arg(long, value_name = "N")]
        max_gpts: Option<u64>,
        /// Stop after this long: 90s, 30m, 2h
        #[arg(long, value_name = "DURATION")]
        until: Option<String>,
        /// The store front's locale (for --seed front)
        #[arg(long, default_value = "global")]
        locale: String,
        #[command(flatten)]
        common: RefreshArgs,
    },
}

/// `90s`, `30m`, `2h`, `1d` (a bare number is seconds).
fn parse_duration(s: &str) -> anyhow::Result<std::time::Duration> {
    let t = s.trim();
    let (num, unit) = t.split_at(
        t.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len()),
    );
    let n: f64 = num
        .parse()
        .map_err(|_| anyhow::anyhow!("--until {s:?}: expected a duration like 90s, 30m, 2h"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        _ => anyhow::bail!("--until {s:?}: the unit is s, m, h or d"),
    };
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// The crawl a command line asks for: seeds resolved (a snapshot's authors, a file's).
#[allow(clippy::too_many_arguments)]
fn crawl_plan(
    db: &crate::store::Db,
    seed: &str,
    terms: Option<&std::path::Path>,
    common_words: Option<usize>,
    max_requests: Option<u64>,
    max_gpts: Option<u64>,
    until: Option<&str>,
    locale: String,
) -> anyhow::Result<crate::live::refresh::CrawlPlan> {
    use crate::live::refresh::{CrawlPlan, Seed};
    let mut plan = CrawlPlan {
        locale,
        max_requests,
        max_gpts,
        until: until.map(parse_duration).transpose()?,
        ..CrawlPlan::default()
    };
    match Seed::parse(seed).map_err(anyhow::Error::msg)? {
        Seed::Front => plan.front = true,
        Seed::Snapshot(id) => {
            let snap = query::snapshot(db, Some(id))?;
            plan.authors = query::author_ids(db, snap.id)?;
        }
        Seed::Authors(file) => {
            plan.authors = read_terms(&file).map_err(|e| {
                anyhow::anyhow!("{}", e.to_string().replace("search terms", "authors"))
            })?;
        }
    }
    plan.terms = match (terms, common_words) {
        (Some(f), _) => read_terms(f)?,
        (None, Some(n)) => crate::assets::common_words()
            .into_iter()
            .take(n)
            .map(str::to_owned)
            .collect(),
        (None, None) => Vec::new(),
    };
    Ok(plan)
}

/// Search terms from a file: one a line, blank lines and `#` comments skipped.
fn read_terms(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read the search terms: {e}", path.display()))?;
    let terms: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if terms.is_empty() {
        anyhow::bail!("{}: no search terms in it (one a line)", path.display());
    }
    Ok(terms)
}

/// The GPT ids a details refresh fetches: the filter's GPTs of snapshot `from`, most
/// conversations first.
fn detail_ids(
    db: &crate::store::Db,
    from: i64,
    filter: &crate::store::view::Filter,
    limit: Option<usize>,
) -> anyhow::Result<Vec<String>> {
    use crate::store::view::{Columns, SortKey, text_matches};
    let columns = Columns::load(db, from)?;
    let hits = match &filter.text {
        Some(t) => Some(text_matches(db, from, t)?),
        None => None,
    };
    // Most conversations first: the ascending order walked backwards.
    let order = columns.ordering(SortKey::Conversations);
    let mut kept = columns.in_order(&columns.passing(filter, hits.as_deref()), &order, true);
    kept.truncate(limit.unwrap_or(usize::MAX));
    let t = crate::store::schema::gpt_table(from);
    let mut by_rowid: Vec<Option<String>> = vec![None; columns.len() + 1];
    let mut st = db.conn().prepare(&format!("SELECT rowid, id FROM {t}"))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let rowid: usize = r.get::<_, i64>(0)? as usize;
        if let Some(slot) = by_rowid.get_mut(rowid) {
            *slot = Some(r.get(1)?);
        }
    }
    Ok(kept
        .iter()
        .filter_map(|id| by_rowid.get(*id as usize).cloned().flatten())
        .collect())
}

#[derive(Debug, Args)]
pub struct RefreshArgs {
    /// The new snapshot's label [default: "<kind> refresh <time>"]
    #[arg(long)]
    pub label: Option<String>,
    /// Continue the unfinished refresh of this kind without refetching what it has
    #[arg(long)]
    pub resume: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// The plan a refresh command asks for, its common flags, and (details) where old records are
/// carried forward from.
fn refresh_plan(
    global: &GlobalArgs,
    db: &crate::store::Db,
    cmd: RefreshCommand,
) -> anyhow::Result<(
    crate::live::refresh::Plan,
    RefreshArgs,
    Option<crate::live::refresh::CarryForward>,
)> {
    use crate::live::refresh::{self, Plan};
    use std::sync::Arc;
    let mut carry: Option<refresh::CarryForward> = None;
    let (plan, args) = match cmd {
        RefreshCommand::Shelves {
            locale,
            max_pages,
            common,
        } => (Plan::Shelves { locale, max_pages }, common),
        RefreshCommand::Crawl {
            seed,
            terms,
            common_words,
            max_requests,
            max_gpts,
            until,
            locale,
            common,
        } => {
            let plan = crawl_plan(
                db,
                &seed,
                terms.as_deref(),
                common_words,
                max_requests,
                max_gpts,
                until.as_deref(),
                locale,
            )?;
            (Plan::Crawl(Arc::new(plan)), common)
        }
        RefreshCommand::Author { user_id, common } => (Plan::Author(user_id), common),
        RefreshCommand::Search { terms, common } => {
            (Plan::Search(Arc::new(read_terms(&terms)?)), common)
        }
        RefreshCommand::Details {
            from_snapshot,
            limit,
            about,
            filter,
            common,
        } => {
            let from = query::snapshot(db, from_snapshot)?.id;
            let ids = detail_ids(db, from, &filter.to_filter()?, limit)?;
            if ids.is_empty() {
                anyhow::bail!("no GPT of snapshot #{from} passes the filters: nothing to refresh");
            }
            let old = std::sync::Mutex::new(crate::store::Db::open(
                db.path(),
                super::lock_timeout(global)?,
            )?);
            carry = Some(Arc::new(move |id: &str| {
                let db = old.lock().ok()?;
                query::raw_source(&db, from, id).ok().flatten()
            }));
            (
                Plan::Details {
                    from,
                    ids: Arc::new(ids),
                    about,
                },
                common,
            )
        }
    };
    Ok((plan, args, carry))
}

pub fn refresh(
    global: &GlobalArgs,
    live: &LiveArgs,
    cmd: RefreshCommand,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    use crate::live::refresh;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let config = live.config(&global.settings.live)?;
    let base_url = config.base_url.clone();
    let client = Client::new(config)?;
    let rules = super::signal_rules(global)?;
    let mut db = open_db(global)?;
    if db.is_read_only() {
        anyhow::bail!(
            "{}: read-only: a refresh writes a new snapshot",
            db.path().display()
        );
    }
    let (plan, args, carry) = refresh_plan(global, &db, cmd)?;
    let work = refresh::work_dir(db.path(), &plan);
    let rt = runtime()?;
    let cancel = Arc::new(AtomicBool::new(false));
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(0),
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} refreshing {msg} [{bar:30}] {pos}/{len} ({eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let progress = {
        let bar = bar.clone();
        let plan = plan.name();
        move |p: &refresh::Progress| {
            bar.set_length(p.total);
            bar.set_position(p.done);
            let mut msg = format!(
                "{plan}: {} requests, {} GPTs, {:.0}/s",
                p.requests,
                p.gpts,
                p.rate()
            );
            if p.queued > 0 {
                msg.push_str(&format!(", {} lists queued", p.queued));
            }
            if let Some(left) = &p.budget_left {
                msg.push_str(&format!(", budget left: {left}"));
            }
            bar.set_message(msg);
        }
    };
    let fetched = rt.block_on(async {
        let stop = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, Ordering::Relaxed);
            }
        });
        refresh::run(
            &client,
            &plan,
            &work,
            args.resume,
            &progress,
            &cancel,
            carry,
        )
        .await
    });
    bar.finish_and_clear();
    let (_, summary) = fetched?;
    let (_, summary) = refresh::finish(
        &mut db,
        &work,
        &plan,
        &base_url,
        args.label,
        summary,
        Some(rules),
    )?;
    if args.json {
        return output::json(out, &summary);
    }
    print_summary(out, &plan, &summary)
}

/// A refresh's summary in words: the snapshot, what was fetched, the lists it could not finish,
/// a crawl's figures.
fn print_summary(
    out: &mut dyn Write,
    plan: &crate::live::refresh::Plan,
    summary: &crate::live::refresh::Summary,
) -> anyhow::Result<()> {
    use crate::live::refresh::Plan;
    writeln!(
        out,
        "snapshot #{} \"{}\": {} GPTs fetched{}{} ({} requests, {} retries{})",
        summary.snapshot,
        text::line(&summary.label),
        summary.fetched,
        match plan {
            Plan::Shelves { .. } => format!(" from {} shelves", summary.shelves),
            Plan::Search(_) => format!(" for {} search terms", summary.shelves),
            _ => String::new(),
        },
        if summary.unavailable + summary.stale > 0 {
            format!(
                ", {} no longer public, {} carried forward stale",
                summary.unavailable, summary.stale
            )
        } else {
            String::new()
        },
        summary.requests,
        summary.retries,
        if summary.resumed_pages > 0 {
            format!(", {} answers from the earlier run", summary.resumed_pages)
        } else {
            String::new()
        }
    )?;
    let what = match plan {
        Plan::Shelves { .. } => "shelves",
        Plan::Search(_) => "search terms",
        _ => "lists",
    };
    if let Some(line) = summary.incomplete_line(what) {
        writeln!(out, "{}", text::line(&line))?;
    }
    if let Some(c) = &summary.crawl {
        writeln!(
            out,
            "crawl: {} authors met, {} listed, {} terms searched, {} lists failed{}",
            c.authors_met,
            c.authors_listed,
            c.terms_searched,
            c.lists_failed,
            match &c.stopped_by {
                Some(why) => format!("; stopped: {why}, {} lists left", c.lists_left),
                None => String::new(),
            }
        )?;
    }
    Ok(())
}

/// A GPT as the store shows it now, beside the snapshot's, in words.
fn print_live_gpt(
    out: &mut dyn Write,
    o: &LiveGptOut<'_>,
    snap: &crate::store::query::SnapshotInfo,
) -> anyhow::Result<()> {
    writeln!(
        out,
        "{}  ({}) live at {}, against snapshot #{} \"{}\"",
        text::line(&o.record.name),
        o.id,
        o.fetched_at,
        snap.id,
        text::line(&snap.label)
    )?;
    for f in &o.changes {
        writeln!(
            out,
            "{} {:<14} {}{}",
            if f.changed { "*" } else { " " },
            f.name,
            text::cell(&f.live, 70),
            if f.changed {
                format!("   (was {})", text::cell(&f.snapshot, 40))
            } else {
                String::new()
            }
        )?;
    }
    for (kind, evidence) in crate::signals::summary_lines(&o.signals, true) {
        writeln!(out, "  signal         {kind} {}", text::line(&evidence))?;
    }
    if let Some(a) = &o.about {
        writeln!(out, "  about          {}", text::line(&a.line()))?;
        if let Some(split) = a.split_line() {
            writeln!(out, "  ratings split  {split}")?;
        }
    }
    Ok(())
}
