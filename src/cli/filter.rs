//! The filter flags `gptscope stats` shares with the TUI's filter form: the same [`Filter`],
//! so a number on the histogram screen and one printed by the CLI agree.

use crate::signals::SignalKind;
use crate::store::record::{Conversations, ToolMask};
use crate::store::view::Filter;
use clap::Args;

#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Only GPTs in this category (a slug: writing, productivity, …)
    #[arg(long, value_name = "SLUG")]
    pub category: Option<String>,
    /// Only GPTs with this tool; `no-NAME` for those without (repeatable)
    #[arg(long, value_name = "NAME")]
    pub tool: Vec<String>,
    /// Only GPTs with this monetisation signal; `no-KIND` for those without (repeatable)
    #[arg(long, value_name = "KIND")]
    pub signal: Vec<String>,
    /// Only GPTs rated at least this (0–5)
    #[arg(long, value_name = "STARS")]
    pub min_rating: Option<f32>,
    /// Only GPTs with at least this many conversations (500, 10K, 1M)
    #[arg(long, value_name = "COUNT")]
    pub min_conversations: Option<String>,
    /// Only GPTs whose name or description contains this text (any case)
    #[arg(long)]
    pub text: Option<String>,
    /// Only this author's GPTs (a user id, user-…)
    #[arg(long, value_name = "USER_ID")]
    pub author: Option<String>,
    /// Only GPTs in this language: a code (en, zh, ja), an English name, or `unknown` for those
    /// too short to tell
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
}

/// `no-x` → (false, "x"), `x` → (true, "x").
fn polarity(s: &str) -> (bool, &str) {
    match s.strip_prefix("no-").or_else(|| s.strip_prefix('!')) {
        Some(rest) => (false, rest),
        None => (true, s),
    }
}

impl FilterArgs {
    pub fn to_filter(&self) -> anyhow::Result<Filter> {
        let mut f = Filter {
            category: self.category.clone(),
            text: self.text.clone().filter(|t| !t.is_empty()),
            author: self.author.clone(),
            ..Filter::default()
        };
        for t in &self.tool {
            let (has, name) = polarity(t);
            let bit = ToolMask::bit_of(name).ok_or_else(|| {
                let names: Vec<&str> = ToolMask::NAMED.iter().map(|(n, _)| *n).collect();
                anyhow::anyhow!("--tool {t:?}: not a tool ({})", names.join(", "))
            })?;
            if has {
                f.tools_has |= bit;
            } else {
                f.tools_not |= bit;
            }
        }
        for s in &self.signal {
            let (has, name) = polarity(s);
            let kind = SignalKind::parse(name).ok_or_else(|| {
                let names: Vec<&str> = SignalKind::ALL.iter().map(|k| k.name()).collect();
                anyhow::anyhow!("--signal {s:?}: not a signal kind ({})", names.join(", "))
            })?;
            if has {
                f.signals_has |= kind.bit();
            } else {
                f.signals_not |= kind.bit();
            }
        }
        if let Some(r) = self.min_rating {
            if !(0.0..=5.0).contains(&r) {
                anyhow::bail!("--min-rating {r}: a rating is from 0 to 5");
            }
            f.min_rating = Some(r);
        }
        if let Some(l) = &self.language {
            f.language = Some(crate::language::Language::parse(l).ok_or_else(|| {
                anyhow::anyhow!(
                    "--language {l:?}: not a language (a code such as en, zh, ja, an English \
                     name, or unknown)"
                )
            })?);
        }
        if let Some(c) = &self.min_conversations {
            let n = Conversations::parse(c).ok_or_else(|| {
                anyhow::anyhow!("--min-conversations {c:?}: not a count like 500, 10K or 1M")
            })?;
            f.min_conversations = Some(n.lower_bound);
        }
        Ok(f)
    }
}
