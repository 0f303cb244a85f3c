//! The command line: arguments (clap), opening the database (creating it from the bundled
//! sample when it does not exist), and the subcommands, each printing text or `--json`.
//! Errors are one line on stderr; exit codes are 0 success, 1 failure, 2 usage.

mod filter;
mod live;
mod output;
mod sql;

use crate::signals::Rules;
use crate::store::Db;
use crate::store::db::{DEFAULT_LOCK_TIMEOUT, StoreError};
use crate::store::import::{self, ImportError, ImportOptions};
use crate::store::parse::input::Format;
use crate::store::query;
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "gptscope",
    version,
    about = "A terminal explorer of OpenAI's GPT Store: snapshots, search, histograms, history",
    long_about = None
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub live: live::LiveArgs,
    /// The snapshot the explorer opens [default: the one written last]
    #[arg(long)]
    pub snapshot: Option<i64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The snapshot database [default: $XDG_DATA_HOME/gptscope/gptscope.db]
    #[arg(long, global = true, env = "GPTSCOPE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Seconds to wait for another process holding the database's write lock
    #[arg(long, global = true, value_name = "SECS", default_value_t = DEFAULT_LOCK_TIMEOUT.as_secs_f64())]
    pub lock_timeout: f64,
    /// Your funnel-domain list (adds to, or with `-domain` drops from, the shipped one)
    /// [default: $XDG_CONFIG_HOME/gptscope/funnel_domains.txt when it exists]
    #[arg(
        long,
        global = true,
        env = "GPTSCOPE_FUNNEL_DOMAINS",
        value_name = "PATH"
    )]
    pub funnel_domains: Option<PathBuf>,
    /// The config file [default: $XDG_CONFIG_HOME/gptscope/config.toml when it exists]
    #[arg(long, global = true, env = "GPTSCOPE_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// How much goes to the log file (gptscope.log beside the database): off, error, warn,
    /// info, debug, trace
    #[arg(long, global = true, env = "GPTSCOPE_LOG_LEVEL", default_value = "info",
          value_parser = clap::builder::PossibleValuesParser::new(["off", "error", "warn", "info", "debug", "trace"]))]
    pub log_level: String,
    /// The config file's settings, read once at the start.
    #[arg(skip)]
    pub settings: crate::config::Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import files or directories (JSON, JSONL, CSV, .zst) as one new snapshot
    Import(ImportArgs),
    /// List the snapshots; `snapshots rm ID` removes one
    Snapshots(SnapshotsArgs),
    /// What changed from snapshot A to B: added, removed, changed (typed), shelf moves
    Diff(DiffArgs),
    /// One GPT across every snapshot: conversations, rating, reviews; implausible jumps flagged
    History {
        /// A GPT id (g-…) or store URL
        gpt: String,
        #[arg(long)]
        json: bool,
    },
    /// The store front's history: what entered, left, rose or fell on each shelf, from each
    /// snapshot with shelves to the next
    ShelfMoves {
        /// Only this shelf (its id, as listed)
        #[arg(long)]
        shelf: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show everything stored about one GPT
    Show(ShowArgs),
    /// Tools, categories, ratings and conversations of a snapshot
    Stats(StatsArgs),
    /// Fuzzy search of GPT names (or authors'); a leading ' asks for the exact text
    Search(SearchArgs),
    /// Monetisation signals of the snapshots; --recompute computes them again
    Signals(SignalsArgs),
    /// What the store shows now (read-only): a GPT, an author's GPTs, the store front
    Live {
        #[command(subcommand)]
        what: live::LiveCommand,
    },
    /// Fetch the live store into a new snapshot (checkpointed: --resume continues)
    Refresh {
        #[command(subcommand)]
        what: live::RefreshCommand,
    },
    /// Write a view (filters and sort applied) as CSV, JSON or JSONL, streamed
    Export(ExportArgs),
    /// One read-only SQL statement over the documented views (snapshots, gpts, authors, actions, shelves, signals)
    Sql(sql::SqlArgs),
    /// The landscape as one HTML page (inline SVG charts) or Markdown with SVG files: the numbers of stats
    Report(ReportArgs),
    /// The configuration file: where it is read from, the documented default
    Config(ConfigArgs),
    /// Shell completions (bash, zsh, fish, elvish, powershell) on stdout
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page (roff) on stdout: gptscope man | man -l -
    Man,
}

#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    #[command(subcommand)]
    pub action: Option<SnapshotsAction>,
    /// Print JSON instead of text (the complete snapshots; with --resumable, the unfinished
    /// refreshes instead)
    #[arg(long)]
    pub json: bool,
    /// Only the refreshes stopped before their snapshot was made, and how to resume each
    #[arg(long)]
    pub resumable: bool,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotsAction {
    /// Remove a snapshot (its rows, and shared rows no other snapshot uses; the file shrinks)
    Rm { id: i64 },
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The snapshot before
    pub a: i64,
    /// The snapshot after
    pub b: i64,
    /// Only these change types (comma-separated): conversations, rating, reviews, name,
    /// description, tools, actions, categories, signals, author, availability, shelves, added,
    /// removed
    #[arg(long = "type", value_delimiter = ',', value_name = "TYPE")]
    pub types: Vec<String>,
    /// How many of each list the text shows
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// The whole diff as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Every change as one CSV row (id, name, field, kind, from, to)
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// csv, json, jsonl or parquet [default: the --out file's extension, else csv]
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["csv", "json", "jsonl", "parquet"]))]
    pub format: Option<String>,
    /// Every snapshot, as DIR/snapshot_id=N/part-0.parquet (--out DIR; Parquet only)
    #[arg(long)]
    pub all_snapshots: bool,
    /// The file to write (written beside and renamed when complete) [default: stdout]
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Snapshot id [default: the one written last]
    #[arg(long)]
    pub snapshot: Option<i64>,
    /// The order: conversations, rating, reviews, name, author, category, tools, signals,
    /// created, updated
    #[arg(long, default_value = "conversations")]
    pub sort: String,
    /// Smallest first (the default is biggest first, as in the explorer)
    #[arg(long)]
    pub ascending: bool,
    /// Export the authors table instead (GPT count, conversations, rating, tools)
    #[arg(long)]
    pub authors: bool,
    #[command(flatten)]
    pub filter: filter::FilterArgs,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the documented default config file
    #[arg(long)]
    pub print_default: bool,
}

#[derive(Debug, Args)]
pub struct SignalsArgs {
    /// Compute the signals again with the current rules and funnel-domain list
    #[arg(long)]
    pub recompute: bool,
    /// The snapshot to recompute [default: the one written last]
    #[arg(long, conflicts_with = "all")]
    pub snapshot: Option<i64>,
    /// Recompute every snapshot
    #[arg(long, requires = "recompute")]
    pub all: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for ("scholr", "cde copilot", "'exact text")
    pub query: String,
    /// Search authors instead of GPTs
    #[arg(long)]
    pub authors: bool,
    /// How many matches to print
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Snapshot id [default: the one written last]
    #[arg(long)]
    pub snapshot: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or directories to import (directories: every file in them)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The snapshot's label [default: the first file's name]
    #[arg(long)]
    pub label: Option<String>,
    /// Skip format detection (`table`: read any list by its column names)
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(Format::NAMES))]
    pub format: Option<String>,
    /// Read a list's COLUMN as FIELD (repeatable): `--map id=Link --map author=Maker`. Fields:
    /// id url name description author_id author author_website categories tools conversations
    /// rating review_count review_total created updated observed prompt_starters
    /// welcome_message shelf position
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Fail on the first bad record or file, writing nothing
    #[arg(long)]
    pub strict: bool,
    /// The date the data describes (YYYY-MM-DD or RFC 3339) [default: read off the data]
    #[arg(long, value_name = "DATE", conflicts_with = "by_date")]
    pub taken_at: Option<String>,
    /// One snapshot per date found in the paths (…/YYYY-MM-DD/…), taken at that date: daily
    /// archives become a time series
    #[arg(long)]
    pub by_date: bool,
    /// Print the import summary as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A GPT id (g-…) or store URL
    pub gpt: String,
    /// Snapshot id [default: the one written last]
    #[arg(long)]
    pub snapshot: Option<i64>,
    /// Print the stored source record instead
    #[arg(long, conflicts_with = "json")]
    pub raw: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Snapshot id [default: the one written last]
    #[arg(long)]
    pub snapshot: Option<i64>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: filter::FilterArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Snapshot id [default: the one written last]
    #[arg(long)]
    pub snapshot: Option<i64>,
    /// An earlier snapshot to compare with: what changed, on every chart
    #[arg(long, value_name = "ID")]
    pub compare: Option<i64>,
    /// FILE.html (one self-contained page) or FILE.md (with FILE-<chart>.svg beside it)
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: filter::FilterArgs,
}

fn cmd_report(global: &GlobalArgs, args: &ReportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let filter = args.filter.to_filter()?;
    if crate::report::Form::of(&args.out).is_none() {
        anyhow::bail!(
            "--out {}: a report is FILE.html or FILE.md",
            args.out.display()
        );
    }
    let db = open_db(global)?;
    let snap = query::snapshot(&db, args.snapshot)?;
    let report = crate::report::gather(&db, snap.id, &filter, args.compare)?;
    let files = crate::report::write(&report, &args.out)?;
    if args.json {
        let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        return output::json(
            out,
            &serde_json::json!({"snapshot": snap.id, "gpts": report.landscape.gpts, "files": files}),
        );
    }
    for f in files {
        writeln!(out, "{}", f.display())?;
    }
    Ok(())
}

/// Entry point of the binary.
/// The command line as the log keeps it: a header's value (`--header 'Cookie: …'`) may be a
/// secret, so only its name is kept.
fn logged_args(args: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut header_next = false;
    for a in args {
        let (flag, value) = match a.split_once('=') {
            Some(("--header", v)) => (true, v.to_owned()),
            _ if header_next => (false, a.clone()),
            _ => {
                header_next = a == "--header";
                out.push(a);
                continue;
            }
        };
        header_next = false;
        let name = value.split(':').next().unwrap_or("").trim();
        let kept = format!("{name}: [redacted]");
        out.push(if flag {
            format!("--header={kept}")
        } else {
            kept
        });
    }
    out
}

pub fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // The config file first: a bad one stops everything, before a terminal is touched.
    match crate::config::Config::load(cli.global.config.as_deref()) {
        Ok(c) => cli.global.settings = c,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "gptscope: {e}");
            return ExitCode::from(1);
        }
    }
    init_log(&cli.global);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        args = ?logged_args(std::env::args().skip(1)),
        config = ?cli.global.settings.path,
        "start"
    );
    let result = run(cli);
    match &result {
        Ok(()) => tracing::info!("done"),
        Err(e) => tracing::error!(error = %format!("{e:#}"), "failed"),
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nothing left to say to it.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "gptscope: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// The log: `gptscope.log` beside the database, appended to, at `--log-level`. A log that
/// cannot be opened is not a reason to stop. Nothing logged carries the token: the client logs
/// paths, never headers, and its errors are redacted.
fn init_log(global: &GlobalArgs) {
    use tracing::level_filters::LevelFilter;
    let level = match global.log_level.as_str() {
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "info" => LevelFilter::INFO,
        "debug" => LevelFilter::DEBUG,
        "trace" => LevelFilter::TRACE,
        _ => return,
    };
    let db = match &global.db {
        Some(p) => p.clone(),
        None => match default_db_path() {
            Ok(p) => p,
            Err(_) => return,
        },
    };
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("gptscope.log"))
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_max_level(level)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // JSON written to a closed pipe fails inside serde_json.
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// The default database path: `$XDG_DATA_HOME/gptscope/gptscope.db`, else
/// `~/.local/share/gptscope/gptscope.db`.
pub fn default_db_path() -> anyhow::Result<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".local/share"))
        })
        .ok_or_else(|| {
            anyhow::anyhow!("cannot find a data directory: set --db, GPTSCOPE_DB or HOME")
        })?;
    Ok(base.join("gptscope").join("gptscope.db"))
}

/// The user's funnel-domain list: `--funnel-domains`, else the config directory's file.
fn funnel_file(global: &GlobalArgs) -> Option<PathBuf> {
    if let Some(p) = &global.funnel_domains {
        return Some(p.clone());
    }
    crate::config::config_dir()
        .map(|d| d.join("funnel_domains.txt"))
        .filter(|p| p.exists())
}

/// The monetisation-signal rules with the user's funnel-domain changes (config file, then list
/// file).
pub fn signal_rules(global: &GlobalArgs) -> anyhow::Result<std::sync::Arc<Rules>> {
    let domains = crate::signals::funnel_domains(
        &global.settings.funnel_domains,
        funnel_file(global).as_deref(),
    )
    .map_err(anyhow::Error::msg)?;
    Ok(std::sync::Arc::new(Rules::new(&domains)))
}

/// Opens the database; a new one gets the bundled sample as snapshot 1.
pub fn open_db(global: &GlobalArgs) -> anyhow::Result<Db> {
    let path = match &global.db {
        Some(p) => p.clone(),
        None => default_db_path()?,
    };
    let mut db = Db::open(&path, lock_timeout(global)?)?;
    if db.was_created() {
        let opts = ImportOptions {
            label: Some(crate::assets::SAMPLE_LABEL.to_owned()),
            source: Some(crate::assets::SAMPLE_SOURCE.to_owned()),
            rules: Some(signal_rules(global)?),
            ..ImportOptions::default()
        };
        import::import(&mut db, &crate::assets::sample_inputs(), &opts, &|_| {}).map_err(|e| {
            anyhow::anyhow!("importing the bundled sample into {}: {e}", path.display())
        })?;
    }
    Ok(db)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let out = &mut std::io::stdout().lock();
    match cli.command {
        None => explore(&cli.global, &cli.live, cli.snapshot),
        Some(Command::Import(args)) => cmd_import(&cli.global, args, out),
        Some(Command::Snapshots(args)) => {
            let mut db = open_db(&cli.global)?;
            if let Some(SnapshotsAction::Rm { id }) = args.action {
                let r = crate::store::prune::remove_snapshot(&mut db, id)?;
                tracing::info!(snapshot = id, "snapshot removed");
                return if args.json {
                    output::json(out, &r)
                } else {
                    writeln!(
                        out,
                        "removed snapshot #{} \"{}\"; the database went from {:.1} MB to {:.1} MB",
                        r.snapshot,
                        crate::text::line(&r.label),
                        r.bytes_before as f64 / 1e6,
                        r.bytes_after as f64 / 1e6
                    )
                    .map_err(Into::into)
                };
            }
            let snaps = query::snapshots(&db)?;
            let unfinished = crate::live::refresh::unfinished(db.path());
            // JSON keeps one shape a list: snapshots, or (--resumable) unfinished refreshes.
            match (args.json, args.resumable) {
                (true, true) => output::json(out, &unfinished),
                (true, false) => output::json(out, &snaps),
                (false, true) if unfinished.is_empty() => {
                    writeln!(out, "no unfinished refresh to resume")?;
                    Ok(())
                }
                (false, true) => output::snapshots(out, &[], &unfinished),
                (false, false) => output::snapshots(out, &snaps, &unfinished),
            }
        }
        Some(Command::Diff(args)) => cmd_diff(&cli.global, &args, out),
        Some(Command::History { gpt, json }) => {
            let db = open_db(&cli.global)?;
            let id = crate::store::record::gpt_id_of(&gpt);
            let points = crate::store::diff::history(&db, &id)?;
            if points.is_empty() {
                anyhow::bail!("{id}: in no snapshot (gptscope snapshots lists them)");
            }
            if json {
                return output::json(
                    out,
                    &serde_json::json!({"id": id, "spike_rule": crate::store::diff::SPIKE_RULE, "points": points}),
                );
            }
            writeln!(
                out,
                "{id} in {} snapshots (spike rule: {})",
                points.len(),
                crate::store::diff::SPIKE_RULE
            )?;
            for p in &points {
                writeln!(
                    out,
                    "  #{:<4} {}  {:>8}  {:>5}  {:>8} reviews  {}{}",
                    p.snapshot,
                    p.taken_at.get(..10).unwrap_or(&p.taken_at),
                    p.conversations.as_deref().unwrap_or("–"),
                    p.rating.map_or("–".to_owned(), |r| format!("{r:.2}")),
                    p.review_count.map_or("–".to_owned(), |n| n.to_string()),
                    crate::text::line(&p.name),
                    p.spike
                        .as_ref()
                        .map_or(String::new(), |s| format!("  SPIKE: {s}"))
                )?;
            }
            Ok(())
        }
        Some(Command::ShelfMoves { shelf, json }) => {
            cmd_shelf_moves(&cli.global, shelf.as_deref(), json, out)
        }
        Some(Command::Show(args)) => cmd_show(&cli.global, args, out),
        Some(Command::Search(args)) => cmd_search(&cli.global, args, out),
        Some(Command::Stats(args)) => cmd_stats(&cli.global, args, out),
        Some(Command::Signals(args)) => cmd_signals(&cli.global, args, out),
        Some(Command::Live { what }) => live::run(&cli.global, &cli.live, what, out),
        Some(Command::Refresh { what }) => live::refresh(&cli.global, &cli.live, what, out),
        Some(Command::Config(args)) => cmd_config(&cli.global, &args, out),
        Some(Command::Export(args)) => cmd_export(&cli.global, &args, out),
        Some(Command::Sql(args)) => sql::run(&open_db(&cli.global)?, &args, out),
        Some(Command::Report(args)) => cmd_report(&cli.global, &args, out),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Into memory first: the generator panics on a write error (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "gptscope", &mut script);
            out.write_all(&script)?;
            Ok(())
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(out)?;
            Ok(())
        }
    }
}

/// `gptscope export`: the view's rows, streamed to stdout or to a file that appears only when
/// complete.
fn cmd_export(global: &GlobalArgs, args: &ExportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    use crate::store::export::{self, Format};
    use crate::store::view::{Sort, SortKey};
    let parquet = match (&args.format, &args.out) {
        (Some(f), _) => f == "parquet",
        (None, Some(path)) => path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet")),
        (None, None) => false,
    };
    let format = match (&args.format, &args.out) {
        // Parquet has its own writer: the text format is not used.
        _ if parquet => Some(Format::Csv),
        (Some(f), _) => Format::parse(f),
        (None, Some(path)) => Some(Format::of_path(path).unwrap_or(Format::Csv)),
        (None, None) => Some(Format::Csv),
    }
    .ok_or_else(|| anyhow::anyhow!("--format: csv, json, jsonl or parquet"))?;
    if parquet && args.authors {
        anyhow::bail!("--authors: the authors table exports as csv, json or jsonl");
    }
    if args.all_snapshots && !parquet {
        anyhow::bail!("--all-snapshots writes Parquet: add --format parquet");
    }
    if parquet && args.out.is_none() {
        anyhow::bail!(
            "--format parquet is binary: give --out FILE (or --out DIR with --all-snapshots)"
        );
    }
    let key = SortKey::ALL
        .into_iter()
        .find(|k| k.label() == args.sort)
        .ok_or_else(|| {
            let names: Vec<&str> = SortKey::ALL.iter().map(|k| k.label()).collect();
            anyhow::anyhow!("--sort {:?}: one of {}", args.sort, names.join(", "))
        })?;
    let sort = Sort {
        key,
        descending: !args.ascending,
    };
    let filter = args.filter.to_filter()?;
    let db = open_db(global)?;
    let snap = query::snapshot(&db, args.snapshot)?;
    let what = if args.authors { "authors" } else { "GPTs" };
    // The GPTs of snapshot `sid` the view shows, in its order.
    let view = |sid: i64| -> anyhow::Result<Vec<u32>> {
        let columns = crate::store::view::Columns::load(&db, sid)?;
        let hits = match &filter.text {
            Some(t) => Some(crate::store::view::text_matches(&db, sid, t)?),
            None => None,
        };
        let mut ids = columns.filter(&columns.ordering(sort.key), &filter, hits.as_deref());
        if sort.descending {
            ids.reverse();
        }
        Ok(ids)
    };
    let to_parquet = |sid: i64, path: &std::path::Path| -> anyhow::Result<usize> {
        let ids = view(sid)?;
        Ok(export::to_file(path, |file| {
            let mut p = export::parquet::ParquetGpts::new(file)?;
            export::each_gpt(&db, sid, &ids, &|| false, &mut |g| p.push(&g))?;
            p.finish()
        })?)
    };
    let written = match &args.out {
        Some(dir) if args.all_snapshots => {
            if dir.is_file() {
                anyhow::bail!(
                    "{}: is a file; --all-snapshots writes a folder (snapshot_id=N/part-0.parquet)",
                    dir.display()
                );
            }
            let mut total = 0;
            for s in query::snapshots(&db)? {
                let folder = dir.join(format!("snapshot_id={}", s.id));
                std::fs::create_dir_all(&folder)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", folder.display()))?;
                total += to_parquet(s.id, &folder.join("part-0.parquet"))?;
            }
            Some((total, dir))
        }
        Some(path) if parquet => Some((to_parquet(snap.id, path)?, path)),
        Some(path) => {
            let written = export::to_file(path, |file| {
                if args.authors {
                    return export_authors(&db, snap.id, format, file);
                }
                let ids = view(snap.id)
                    .map_err(|e| crate::store::StoreError::Invalid(format!("{e:#}")))?;
                export::gpts(&db, snap.id, &ids, format, file, &|| false)
            })?;
            Some((written, path))
        }
        None => {
            if args.authors {
                export_authors(&db, snap.id, format, out)?;
            } else {
                export::gpts(&db, snap.id, &view(snap.id)?, format, out, &|| false)?;
            }
            None
        }
    };
    if let Some((written, path)) = written {
        tracing::info!(rows = written, path = %path.display(), "export written");
        let _ = writeln!(
            std::io::stderr(),
            "wrote {written} {what} to {}",
            path.display()
        );
    }
    Ok(())
}

/// The authors table of a snapshot, in its default order.
fn export_authors(
    db: &Db,
    snapshot: i64,
    format: crate::store::export::Format,
    out: &mut dyn Write,
) -> crate::store::db::Result<usize> {
    let authors = crate::store::authors::Authors::load(db, snapshot)?;
    let ids = crate::store::authors::author_order(
        &authors,
        &crate::store::authors::AuthorFilter::default(),
        crate::store::authors::AuthorSort::default(),
    );
    crate::store::export::authors(&authors, &ids, format, out)
}

/// `gptscope diff A B`.
fn cmd_diff(global: &GlobalArgs, args: &DiffArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let known = crate::store::diff::FIELDS;
    if let Some(bad) = args.types.iter().find(|t| !known.contains(&t.as_str())) {
        anyhow::bail!("--type {bad:?}: one of {}", known.join(", "));
    }
    let db = open_db(global)?;
    let a = query::snapshot(&db, Some(args.a))?;
    let b = query::snapshot(&db, Some(args.b))?;
    let mut d = crate::store::diff::diff(&db, &a, &b)?;
    d.only(&args.types);
    if args.json {
        return output::json(out, &d);
    }
    if args.csv {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["id", "name", "field", "kind", "from", "to"])?;
        for (list, kind) in [(&d.added, "added"), (&d.removed, "removed")] {
            for e in list {
                w.write_record([e.id.as_str(), &e.name, "gpt", kind, e.status, ""])?;
            }
        }
        for c in &d.changed {
            for ch in &c.changes {
                w.write_record([
                    c.id.as_str(),
                    &c.name,
                    ch.field,
                    ch.kind,
                    ch.from.as_deref().unwrap_or(""),
                    ch.to.as_deref().unwrap_or(""),
                ])?;
            }
        }
        for r in &d.rising {
            w.write_record([
                r.id.as_str(),
                &r.name,
                "rising",
                "up",
                r.from.as_deref().unwrap_or(""),
                r.to.as_deref().unwrap_or(""),
            ])?;
        }
        for m in &d.shelves {
            let pos = |p: Option<i64>| p.map(|x| x.to_string()).unwrap_or_default();
            w.write_record([
                m.id.as_str(),
                m.name.as_deref().unwrap_or(""),
                &format!("shelf:{}", m.shelf),
                m.kind,
                &pos(m.from),
                &pos(m.to),
            ])?;
        }
        w.flush()?;
        return Ok(());
    }
    output::diff(out, &d, args.limit)
}

/// `gptscope config`: the default file, or which file is read and what it sets.
fn cmd_config(global: &GlobalArgs, args: &ConfigArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if args.print_default {
        out.write_all(crate::config::DEFAULT_CONFIG.as_bytes())?;
        return Ok(());
    }
    let c = &global.settings;
    match &c.path {
        Some(p) => writeln!(out, "config file: {}", p.display())?,
        None => writeln!(
            out,
            "config file: none (the defaults; gptscope reads {} when it exists)",
            crate::config::default_path().map_or_else(
                || "$XDG_CONFIG_HOME/gptscope/config.toml".into(),
                |p| { p.display().to_string() }
            )
        )?,
    }
    writeln!(out, "mouse: {}", if c.mouse { "on" } else { "off" })?;
    for (key, action) in &c.keys {
        writeln!(out, "key {key}: {}", action.name())?;
    }
    writeln!(
        out,
        "live: {} · rate {}/s · concurrency {} · retries {} · token from ${}{}",
        c.live.base_url,
        c.live.rate,
        c.live.concurrency,
        c.live.retries,
        c.live.token_env,
        c.live
            .token_file
            .as_ref()
            .map_or(String::new(), |f| format!(" or {}", f.display()))
    )?;
    if !c.funnel_domains.is_empty() {
        writeln!(out, "funnel domains: {}", c.funnel_domains.join(", "))?;
    }
    writeln!(
        out,
        "print the documented default file: gptscope config --print-default"
    )?;
    Ok(())
}

fn cmd_signals(global: &GlobalArgs, args: SignalsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let rules = signal_rules(global)?;
    let mut db = open_db(global)?;
    let targets: Vec<i64> = if args.all {
        query::snapshots(&db)?.iter().map(|s| s.id).collect()
    } else {
        vec![query::snapshot(&db, args.snapshot)?.id]
    };
    if !args.recompute {
        // The state of the signals: per snapshot, the rules' version and the counts.
        let mut report = Vec::new();
        for snap in query::snapshots(&db)? {
            let columns = crate::store::view::Columns::load_counts(&db, snap.id, false)?;
            let ids = columns.all_ids();
            let l = crate::stats::Landscape::of(
                &columns,
                &ids,
                &snap,
                Vec::new(),
                &[crate::stats::ChartId::Signals],
            );
            report.push(output::SignalState::new(&snap, &l));
        }
        return if args.json {
            output::json(out, &report)
        } else {
            output::signal_states(out, &report)
        };
    }
    let mut done = Vec::new();
    for id in targets {
        done.push(crate::store::resignal::recompute(&mut db, id, &rules)?);
    }
    if args.json {
        output::json(out, &done)
    } else {
        for r in &done {
            writeln!(
                out,
                "snapshot #{}: {} GPTs, {} changed; {}",
                r.snapshot,
                r.gpts,
                r.changed,
                r.signals
                    .iter()
                    .map(|(k, n)| format!("{k} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        Ok(())
    }
}

fn cmd_stats(global: &GlobalArgs, args: StatsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let filter = args.filter.to_filter()?;
    let db = open_db(global)?;
    let snap = query::snapshot(&db, args.snapshot)?;
    if args.json {
        return output::json(
            out,
            &crate::stats::summary::stats_json(&db, snap.id, &filter)?,
        );
    }
    let landscape = crate::stats::summary::filtered(&db, snap.id, &filter)?;
    output::landscape(out, &landscape)
}

/// Opens the explorer; everything that can fail before the terminal is taken over is checked
/// first, so errors read as plain lines.
fn explore(
    global: &GlobalArgs,
    live: &live::LiveArgs,
    snapshot: Option<i64>,
) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the explorer needs a terminal; for scripts use a subcommand (gptscope --help)"
        );
    }
    let live = live.config(&global.settings.live)?;
    let db = open_db(global)?;
    let snapshot = query::snapshot(&db, snapshot)?;
    let db_path = db.path().to_path_buf();
    drop(db);
    crate::tui::run(crate::tui::Options {
        db_path,
        lock_timeout: lock_timeout(global)?,
        snapshot,
        live,
        rules: signal_rules(global)?,
        config: global.settings.clone(),
    })
}

pub(crate) fn lock_timeout(global: &GlobalArgs) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(global.lock_timeout.max(0.0))
        .map_err(|_| anyhow::anyhow!("--lock-timeout: not a number of seconds"))
}

fn cmd_import(global: &GlobalArgs, args: ImportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let taken_at = match &args.taken_at {
        Some(t) => Some(
            crate::time::parse_timestamp(t)
                .ok_or_else(|| anyhow::anyhow!("--taken-at: {t:?} is not a date (YYYY-MM-DD)"))?,
        ),
        None => None,
    };
    let import::Expanded { inputs, not_read } = import::expand_paths(&args.paths)?;
    if args.by_date {
        return import_by_date(global, &args, inputs, not_read, out);
    }
    let mut db = open_db(global)?;
    let opts = ImportOptions {
        label: args
            .label
            .clone()
            .or_else(|| import::folder_label(&args.paths, inputs.len())),
        taken_at,
        ..import_options(global, &args)?
    };
    let bar = ProgressBar::new(std::io::stderr().is_terminal());
    let result = import::import(&mut db, &inputs, &opts, &|p| bar.update(p));
    bar.finish();
    let mut report = result.map_err(|e| match e {
        ImportError::Store(StoreError::Invalid(msg)) => anyhow::anyhow!("{msg}"),
        other => anyhow::anyhow!(other),
    })?;
    report.not_read = not_read.iter().map(|p| p.display().to_string()).collect();
    tracing::info!(
        snapshot = report.snapshot,
        gpts = report.gpts,
        skipped = report.skipped,
        "import written"
    );
    if args.json {
        output::json(out, &report)
    } else {
        output::import_report(out, &report, &inputs)
    }
}

/// What `import`'s flags say of how to read: the format, `--map`, `--strict`, the signal rules.
fn import_options(global: &GlobalArgs, args: &ImportArgs) -> anyhow::Result<ImportOptions> {
    let format = args.format.as_deref().and_then(Format::parse);
    Ok(ImportOptions {
        format,
        strict: args.strict,
        rules: Some(signal_rules(global)?),
        fields: crate::store::parse::fields::FieldOptions {
            overrides: crate::store::parse::fields::Overrides::parse(&args.map)
                .map_err(|e| anyhow::anyhow!(e))?,
            force: format == Some(Format::Table),
        },
        ..ImportOptions::default()
    })
}

/// `import --by-date`: one snapshot per dated folder, oldest first. A file the walk left out
/// (not data by its name) is listed with the snapshot of its folder's date, or the first.
fn import_by_date(
    global: &GlobalArgs,
    args: &ImportArgs,
    inputs: Vec<import::Input>,
    not_read: Vec<std::path::PathBuf>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let groups = import::group_by_date(inputs)?;
    let mut docs: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for p in &not_read {
        let date = import::date_of(p);
        let group = groups
            .iter()
            .find(|(d, _, _)| Some(d) == date.as_ref())
            .or(groups.first());
        if let Some((d, _, _)) = group {
            docs.entry(d.clone())
                .or_default()
                .push(p.display().to_string());
        }
    }
    let mut db = open_db(global)?;
    let base = args.label.clone().unwrap_or_else(|| {
        args.paths.first().and_then(|p| p.file_name()).map_or_else(
            || "archive".to_owned(),
            |n| n.to_string_lossy().into_owned(),
        )
    });
    let mut reports = Vec::new();
    for (date, at, inputs) in groups {
        let opts = ImportOptions {
            label: Some(format!("{base} {date}")),
            taken_at: Some(at),
            ..import_options(global, args)?
        };
        let mut report = import::import(&mut db, &inputs, &opts, &|_| {}).map_err(|e| match e {
            ImportError::Store(StoreError::Invalid(msg)) => anyhow::anyhow!("{date}: {msg}"),
            other => anyhow::anyhow!("{date}: {other}"),
        })?;
        report.not_read = docs.remove(&date).unwrap_or_default();
        tracing::info!(snapshot = report.snapshot, date, "import by date written");
        if !args.json {
            output::import_report(out, &report, &inputs)?;
        }
        reports.push(report);
    }
    if args.json {
        output::json(out, &reports)?;
    }
    Ok(())
}

/// `gptscope shelf-moves`: the shelves screen's twin.
fn cmd_shelf_moves(
    g: &GlobalArgs,
    shelf: Option<&str>,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let db = open_db(g)?;
    let mut steps = crate::store::diff::shelf_history(&db)?;
    if let Some(only) = shelf {
        for s in &mut steps {
            s.moves.retain(|m| m.shelf == only);
        }
    }
    if json {
        return output::json(out, &serde_json::json!({ "steps": steps }));
    }
    if steps.is_empty() {
        writeln!(
            out,
            "no store-front history: it takes two snapshots with shelves (gptscope refresh \
             shelves, or store-front archives imported with --by-date)"
        )?;
        return Ok(());
    }
    for s in &steps {
        writeln!(
            out,
            "#{} {} → #{} {}: {} moves",
            s.from.id,
            s.from.taken_at.get(..10).unwrap_or(&s.from.taken_at),
            s.to.id,
            s.to.taken_at.get(..10).unwrap_or(&s.to.taken_at),
            s.moves.len()
        )?;
        for m in &s.moves {
            let pos = |p: Option<i64>| p.map_or("–".to_owned(), |p| format!("#{p}"));
            writeln!(
                out,
                "  {:<24} {:<8} {:>5} → {:<5} {}  {}",
                crate::text::line(&m.shelf),
                m.kind,
                pos(m.from),
                pos(m.to),
                m.id,
                crate::text::line(m.name.as_deref().unwrap_or(""))
            )?;
        }
    }
    Ok(())
}

fn cmd_show(global: &GlobalArgs, args: ShowArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let db = open_db(global)?;
    let snap = query::snapshot(&db, args.snapshot)?;
    let id = crate::store::record::gpt_id_of(&args.gpt);
    if args.raw {
        let raw =
            query::raw_source(&db, snap.id, &id)?.ok_or_else(|| not_in_snapshot(&id, &snap))?;
        writeln!(out, "{raw}")?;
        return Ok(());
    }
    let view = query::gpt(&db, &snap, &id)?.ok_or_else(|| not_in_snapshot(&id, &snap))?;
    if args.json {
        output::json(out, &view)
    } else {
        output::gpt(out, &view)
    }
}

fn cmd_search(global: &GlobalArgs, args: SearchArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    use crate::search::{NameIndex, Query, search};
    if args.query.trim().is_empty() {
        anyhow::bail!(
            "search: the query is empty (a name or part of one; `gptscope export` lists every GPT)"
        );
    }
    let db = open_db(global)?;
    let snap = query::snapshot(&db, args.snapshot)?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let q = Query::parse(&args.query);
    if args.authors {
        let index = NameIndex::load_authors(&db, snap.id)?;
        let hits = search(&index, &q, None, threads, &|| false).unwrap_or_default();
        let rows = crate::store::authors::Authors::load(&db, snap.id)?;
        let found: Vec<output::AuthorHit> = hits
            .iter()
            .take(args.limit)
            .filter_map(|h| {
                rows.row(index.id(h.pos) as usize)
                    .map(|r| output::AuthorHit {
                        user_id: r.user_id,
                        name: r.name,
                        gpts: r.gpts,
                        conversations_total: r.conv_total,
                        score: h.score,
                        matched: crate::search::describe_score(h.score).0,
                        points: crate::search::describe_score(h.score).1,
                    })
            })
            .collect();
        return if args.json {
            output::json(out, &found)
        } else {
            output::author_hits(out, &found, hits.len())
        };
    }
    let index = NameIndex::load_gpts(&db, snap.id)?;
    let hits = search(&index, &q, None, threads, &|| false).unwrap_or_default();
    let top: Vec<&crate::search::Hit> = hits.iter().take(args.limit).collect();
    let rowids: Vec<u32> = top.iter().map(|h| index.id(h.pos)).collect();
    let rows = crate::store::view::rows(&db, snap.id, &rowids)?;
    let found: Vec<output::GptHit> = rows
        .into_iter()
        .zip(top)
        .map(|(r, h)| output::GptHit {
            url: crate::store::record::gpt_url(&r.id),
            id: r.id,
            name: r.name,
            author: r.author.or(r.author_id.clone()),
            author_id: r.author_id,
            conversations: r.conv_bucket,
            score: h.score,
            matched: crate::search::describe_score(h.score).0,
            points: crate::search::describe_score(h.score).1,
        })
        .collect();
    if args.json {
        output::json(out, &found)
    } else {
        output::gpt_hits(out, &found, hits.len())
    }
}

fn not_in_snapshot(id: &str, snap: &query::SnapshotInfo) -> anyhow::Error {
    anyhow::anyhow!(
        "{id}: not in snapshot #{} \"{}\" (gptscope snapshots lists the others)",
        snap.id,
        snap.label
    )
}

/// An import progress bar on a terminal, shown only once the import has taken a second.
struct ProgressBar {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
}

impl ProgressBar {
    fn new(terminal: bool) -> Self {
        let bar = terminal.then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(0),
                indicatif::ProgressDrawTarget::hidden(),
            );
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {msg} ({eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        ProgressBar {
            bar,
            started: std::time::Instant::now(),
        }
    }

    fn update(&self, p: import::Progress) {
        let Some(bar) = &self.bar else { return };
        if bar.is_hidden() && self.started.elapsed() >= Duration::from_secs(1) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        bar.set_length(p.bytes_total);
        bar.set_position(p.bytes_done);
        bar.set_message(format!("{} records", p.records));
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
