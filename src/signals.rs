//! Monetisation signals: what in a GPT's record suggests it earns money outside the store's
//! revenue sharing, each kind with the evidence that set it (never a bare yes/no, and never
//! called "paywalled": a signal is a reason to look, not a verdict).
//!
//! - `action_third_party`: an Action calls a domain that is not the store's own;
//! - `business_author`: the author is shown by a website;
//! - `external_link`: a URL or a bare domain in the name, description, starters or welcome;
//! - `pricing_language`: words of selling in those texts, matched as whole words (so
//!   "professional" or "subscriber count" do not count), in several languages, and prices;
//! - `funnel_domain`: a payment or funnel site (an editable list) among the links, the Action
//!   domains or the author's website.
//!
//! The texts are scanned with Aho-Corasick automatons built once, so the rules cost a few
//! microseconds a record at import.

use crate::store::record::GptRecord;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};

/// The kinds of signals, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    ActionThirdParty,
    BusinessAuthor,
    ExternalLink,
    PricingLanguage,
    FunnelDomain,
}

impl SignalKind {
    pub const ALL: [SignalKind; 5] = [
        SignalKind::ActionThirdParty,
        SignalKind::BusinessAuthor,
        SignalKind::ExternalLink,
        SignalKind::PricingLanguage,
        SignalKind::FunnelDomain,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SignalKind::ActionThirdParty => "action_third_party",
            SignalKind::BusinessAuthor => "business_author",
            SignalKind::ExternalLink => "external_link",
            SignalKind::PricingLanguage => "pricing_language",
            SignalKind::FunnelDomain => "funnel_domain",
        }
    }

    pub fn parse(s: &str) -> Option<SignalKind> {
        SignalKind::ALL.iter().copied().find(|k| k.name() == s)
    }

    /// Its bit in a GPT's signal set.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// One character for compact table columns.
    pub fn mark(self) -> char {
        match self {
            SignalKind::ActionThirdParty => 'A',
            SignalKind::BusinessAuthor => 'B',
            SignalKind::ExternalLink => 'L',
            SignalKind::PricingLanguage => '$',
            SignalKind::FunnelDomain => 'F',
        }
    }
}

/// One signal of a GPT and what set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub kind: SignalKind,
    /// The matched words, links or domains (Action domains with their auth kind).
    pub evidence: Vec<String>,
}

impl Signal {
    /// The evidence as one line (`premium, $9.99`).
    pub fn evidence_text(&self) -> String {
        self.evidence.join(", ")
    }
}

/// What to say of a GPT's signals, one `(kind name, evidence)` pair a line; a snapshot from
/// before signals existed says so instead of showing none.
pub fn summary_lines(signals: &[Signal], computed: bool) -> Vec<(String, String)> {
    if !computed {
        return vec![(
            "not computed".to_owned(),
            "run `gptscope signals --recompute`".to_owned(),
        )];
    }
    if signals.is_empty() {
        return vec![("none".to_owned(), String::new())];
    }
    signals
        .iter()
        .map(|s| (s.kind.name().to_owned(), s.evidence_text()))
        .collect()
}

/// Signals as stored: their bits, and their evidence as JSON (none when there are none).
pub fn encode(found: &[Signal]) -> (u8, Option<String>) {
    let evidence = (!found.is_empty()).then(|| serde_json::to_string(found).unwrap_or_default());
    (mask(found), evidence)
}

/// The signal kinds of a set of signals, as bits.
pub fn mask(signals: &[Signal]) -> u8 {
    signals.iter().fold(0, |m, s| m | s.kind.bit())
}

/// The default funnel and payment domains (`assets/funnel_domains.txt`).
pub const DEFAULT_FUNNEL_DOMAINS: &str = include_str!("../assets/funnel_domains.txt");

/// Domains that belong to the store itself.
const STORE_DOMAINS: [&str; 5] = [
    "openai.com",
    "chatgpt.com",
    "oaistatic.com",
    "oaiusercontent.com",
    "chat.openai.com",
];

/// Words of selling, matched as whole words, ASCII case folded.
/// Words about prices in general ("price", "discount", "checkout") are left out on purpose:
/// shopping and finance assistants use them without selling anything themselves.
const PRICING_WORDS: &[&str] = &[
    "premium",
    "pro version",
    "pro plan",
    "pro subscription",
    "pro tier",
    "subscribe",
    "subscription",
    "subscriptions",
    "pricing",
    "paid",
    "paid plan",
    "paid version",
    "credits",
    "free trial",
    "trial period",
    "upgrade",
    "unlock",
    "buy",
    "purchase",
    "per month",
    "/month",
    "/mo",
    "monthly plan",
    "lifetime deal",
    "one-time payment",
    "paywall",
    "donate",
    "tip jar",
    "tipjar",
    "affiliate",
    // Other languages (whole words where words have spaces around them).
    "suscripción",
    "suscribirse",
    "suscríbete",
    "abonnement",
    "abonnieren",
    "kostenpflichtig",
    "assinatura",
    "assine",
    "payant",
    "подписка",
    "платно",
    "платная",
    "купить",
    "abbonamento",
    "abbonati",
];

/// Selling words in scripts without spaces between words (matched anywhere).
const PRICING_WORDS_UNSPACED: &[&str] = &[
    "付费",
    "订阅",
    "购买",
    "充值",
    "优惠",
    "会员价",
    "收费",
    "구독",
    "유료",
    "결제",
    "구매",
    "할인",
    "有料",
    "購入",
    "課金",
    "サブスク",
    "月額",
];

/// Top-level domains recognised in bare domains ("example.com" without http://). File
/// extensions that are also TLDs (md, py, sh, …) are left out on purpose.
const TLDS: &[&str] = &[
    "com", "net", "org", "io", "ai", "app", "co", "dev", "me", "gg", "xyz", "info", "biz", "site",
    "online", "store", "shop", "tech", "so", "to", "ly", "cc", "tv", "us", "uk", "de", "fr", "jp",
    "cn", "kr", "in", "br", "ru", "es", "it", "nl", "ca", "au", "page", "link", "ee", "club",
    "space", "live", "cloud", "tools", "studio", "agency", "academy", "ink", "fyi",
];

/// The rules, with their automatons built once.
pub struct Rules {
    funnel: Vec<String>,
    // Built from this file's fixed patterns; `None` only if the automaton could not be built
    // (it can fail on size limits, which these small sets are far from), then it matches nothing.
    pricing: Option<AhoCorasick>,
    pricing_unspaced: Option<AhoCorasick>,
    links: Option<AhoCorasick>,
    tlds: Option<AhoCorasick>,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rules")
            .field("funnel", &self.funnel)
            .finish_non_exhaustive()
    }
}

/// The shipped funnel-domain list.
pub fn default_funnel_domains() -> Vec<String> {
    parse_domain_list(DEFAULT_FUNNEL_DOMAINS)
}

/// Applies one change to a domain list: `example.com` adds a domain, `-example.com` drops one.
/// The error says why the entry is not one.
pub fn edit_domains(list: &mut Vec<String>, entry: &str) -> Result<(), String> {
    let line = entry.trim().to_lowercase();
    let (drop, domain) = match line.strip_prefix('-') {
        Some(d) => (true, d.trim().to_owned()),
        None => (false, line),
    };
    let valid = domain.contains('.')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    if !valid {
        return Err(format!(
            "{entry:?} is not a domain (like gumroad.com, or -gumroad.com to drop one)"
        ));
    }
    list.retain(|d| *d != domain);
    if !drop {
        list.push(domain);
    }
    Ok(())
}

/// The funnel-domain list the rules use: the shipped defaults, changed by the config file's
/// entries, then by the user's list file when there is one: a line `example.com` adds a domain,
/// `-example.com` drops one, `#` starts a comment. A line that is not a domain is an error
/// naming the file and line.
pub fn funnel_domains(
    config: &[String],
    user_file: Option<&std::path::Path>,
) -> Result<Vec<String>, String> {
    let mut list = default_funnel_domains();
    for entry in config {
        edit_domains(&mut list, entry)?;
    }
    let Some(path) = user_file else {
        return Ok(list);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read the funnel-domain list: {e}",
            path.display()
        )
    })?;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        edit_domains(&mut list, line)
            .map_err(|why| format!("{}:{}: {why}", path.display(), n + 1))?;
    }
    Ok(list)
}

impl Default for Rules {
    fn default() -> Self {
        Rules::new(&parse_domain_list(DEFAULT_FUNNEL_DOMAINS))
    }
}

/// Domains from a list file: one per line, `#` comments, blank lines ignored.
pub fn parse_domain_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

fn automaton(patterns: &[&str], ascii_fold: bool) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(ascii_fold)
        .match_kind(MatchKind::LeftmostLongest)
        .build(patterns)
        .ok()
}

/// The matches of an automaton that may be missing (then none).
fn matches<'a>(
    ac: &'a Option<AhoCorasick>,
    text: &'a str,
) -> impl Iterator<Item = aho_corasick::Match> + 'a {
    ac.iter().flat_map(move |ac| ac.find_iter(text))
}

fn is_word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// `host` is `domain` or one of its subdomains.
fn within(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

impl Rules {
    pub fn new(funnel_domains: &[String]) -> Rules {
        let dotted: Vec<String> = TLDS.iter().map(|t| format!(".{t}")).collect();
        let dotted: Vec<&str> = dotted.iter().map(String::as_str).collect();
        Rules {
            funnel: funnel_domains.to_vec(),
            pricing: automaton(PRICING_WORDS, true),
            pricing_unspaced: automaton(PRICING_WORDS_UNSPACED, false),
            links: automaton(&["https://", "http://", "www."], true),
            tlds: automaton(&dotted, true),
        }
    }

    /// The signals of a record, each kind once, in display order.
    pub fn evaluate(&self, r: &GptRecord) -> Vec<Signal> {
        let mut out = Vec::new();
        let texts = std::iter::once(r.name.as_str())
            .chain(r.description.as_deref())
            .chain(r.prompt_starters.iter().map(String::as_str))
            .chain(r.welcome_message.as_deref());
        let mut links: Vec<String> = Vec::new();
        let mut words: Vec<String> = Vec::new();
        for text in texts {
            self.find_links(text, &mut links);
            self.find_pricing(text, &mut words);
        }
        let mut action_domains: Vec<String> = Vec::new();
        for a in &r.actions {
            // Every Action calls an API outside the store; some sources (BeeTrove) do not
            // always say which.
            let domain = a.domain.as_deref().unwrap_or("domain not given");
            if STORE_DOMAINS.iter().any(|s| within(domain, s)) {
                continue;
            }
            let ev = format!("{domain} (auth: {})", a.auth.as_str());
            if !action_domains.contains(&ev) {
                action_domains.push(ev);
            }
        }
        push(&mut out, SignalKind::ActionThirdParty, action_domains);
        let website = (r.author.selected_display.as_deref() == Some("website"))
            .then(|| r.author.link_to.clone())
            .flatten();
        push(
            &mut out,
            SignalKind::BusinessAuthor,
            website.iter().cloned().collect(),
        );
        push(&mut out, SignalKind::ExternalLink, links.clone());
        push(&mut out, SignalKind::PricingLanguage, words);
        let mut funnels: Vec<String> = Vec::new();
        let hosts = links
            .iter()
            .filter_map(|l| crate::text::domain_of(l))
            .chain(r.actions.iter().filter_map(|a| a.domain.clone()))
            .chain(r.author.link_to.as_deref().and_then(crate::text::domain_of));
        for host in hosts {
            if let Some(f) = self.funnel.iter().find(|f| within(&host, f))
                && !funnels.contains(f)
            {
                funnels.push(f.clone());
            }
        }
        push(&mut out, SignalKind::FunnelDomain, funnels);
        out
    }

    /// URLs (http, https, www.) and bare domains, not the store's own, not e-mail addresses.
    fn find_links(&self, text: &str, out: &mut Vec<String>) {
        let bytes = text.as_bytes();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for m in matches(&self.links, text) {
            if found.last().is_some_and(|&(_, b)| m.start() < b) {
                continue; // the "www." of a URL already taken
            }
            let end = bytes[m.start()..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || b"\"'<>()[]{}|`,".contains(b))
                .map_or(bytes.len(), |p| m.start() + p);
            let end = trim_punct(bytes, m.start(), end);
            if end > m.end() {
                found.push((m.start(), end));
            }
        }
        for m in matches(&self.tlds, text) {
            if found.iter().any(|(a, b)| m.start() >= *a && m.start() < *b) {
                continue;
            }
            if bytes
                .get(m.end())
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
            {
                continue; // ".community", ".co-op": not this TLD
            }
            let mut start = m.start();
            while start > 0 && is_domain_char(bytes[start - 1]) {
                start -= 1;
            }
            while start < m.start() && bytes[start] == b'.' {
                start += 1;
            }
            if start == m.start() || (start > 0 && bytes[start - 1] == b'@') {
                continue; // no name before the TLD, or an e-mail address
            }
            if start > 0 && bytes[start - 1] == b'/' {
                continue; // part of a path we already have or of a file name
            }
            found.push((start, m.end()));
        }
        found.sort_unstable();
        for (a, b) in found {
            let link = &text[a..b];
            let host = crate::text::domain_of(link).unwrap_or_default();
            if host.is_empty() || STORE_DOMAINS.iter().any(|s| within(&host, s)) {
                continue;
            }
            let link: String = link.chars().take(120).collect();
            if !out.contains(&link) {
                out.push(link);
            }
        }
    }

    fn find_pricing(&self, text: &str, out: &mut Vec<String>) {
        let mut add = |w: String| {
            if !out.contains(&w) {
                out.push(w);
            }
        };
        for m in matches(&self.pricing, text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let pattern = PRICING_WORDS[m.pattern().as_usize()];
            let needs_left = !pattern.starts_with('/');
            if (needs_left && is_word_char(before)) || is_word_char(after) {
                continue;
            }
            add(pattern.to_owned());
        }
        for m in matches(&self.pricing_unspaced, text) {
            add(PRICING_WORDS_UNSPACED[m.pattern().as_usize()].to_owned());
        }
        for price in prices(text) {
            add(price);
        }
    }
}

fn trim_punct(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b".,;:!?*".contains(&bytes[end - 1]) {
        end -= 1;
    }
    end
}

fn push(out: &mut Vec<Signal>, kind: SignalKind, evidence: Vec<String>) {
    if !evidence.is_empty() {
        out.push(Signal { kind, evidence });
    }
}

/// Prices: a currency sign next to a number ("$9.99", "9,99 €", "¥980").
fn prices(text: &str) -> Vec<String> {
    const SIGNS: [char; 5] = ['$', '€', '£', '¥', '₩'];
    // Most texts hold no sign: the bytes a sign can start with ('$'; 0xC2 for £ and ¥, 0xE2
    // for € and ₩) are looked for first, without decoding the text.
    if memchr::memchr3(b'$', 0xC2, 0xE2, text.as_bytes()).is_none() {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !SIGNS.contains(&c) {
            continue;
        }
        let is_num = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
        // Digits after the sign (maybe one space), or before it.
        let mut j = i + 1;
        if chars.get(j).is_some_and(|(_, c)| *c == ' ') {
            j += 1;
        }
        let after_end = chars[j.min(chars.len())..]
            .iter()
            .take_while(|(_, c)| is_num(*c))
            .count();
        if after_end > 0 && chars[j].1.is_ascii_digit() {
            let end = chars.get(j + after_end).map_or(text.len(), |(b, _)| *b);
            out.push(text[at..end].trim_end_matches(['.', ',']).to_owned());
            continue;
        }
        let mut k = i;
        if k > 0 && chars[k - 1].1 == ' ' {
            k -= 1;
        }
        let before = chars[..k]
            .iter()
            .rev()
            .take_while(|(_, c)| is_num(*c))
            .count();
        if before > 0 && chars[k - 1].1.is_ascii_digit() {
            let start = chars[k - before].0;
            out.push(text[start..at + c.len_utf8()].to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::{Action, AuthKind, Author};

    fn rec(name: &str, description: &str) -> GptRecord {
        GptRecord {
            name: name.into(),
            description: Some(description.into()),
            ..GptRecord::default()
        }
    }

    fn evidence(signals: &[Signal], kind: SignalKind) -> Vec<String> {
        signals
            .iter()
            .find(|s| s.kind == kind)
            .map(|s| s.evidence.clone())
            .unwrap_or_default()
    }

    #[test]
    fn pricing_words_as_whole_words_only() {
        let rules = Rules::default();
        let s = rules.evaluate(&rec(
            "Essay Pro",
            "Upgrade to Premium! Free trial, then $9.99/month. Unlock all features.",
        ));
        let words = evidence(&s, SignalKind::PricingLanguage);
        assert_eq!(
            words,
            [
                "upgrade",
                "premium",
                "free trial",
                "/month",
                "unlock",
                "$9.99"
            ]
        );
        for innocent in [
            "A professional editor for your essays.",
            "Track your subscriber count and grow your channel.",
            "Unlocking potential through premiums-free learning? No: repricing engines.",
            "Prepaid card balance checker",
        ] {
            let s = rules.evaluate(&rec("Helper", innocent));
            assert_eq!(
                evidence(&s, SignalKind::PricingLanguage),
                Vec::<String>::new(),
                "{innocent}"
            );
        }
    }

    #[test]
    fn every_currency_sign_is_found_next_to_its_number() {
        for (text, want) in [
            ("Only $9.99 a month", vec!["$9.99"]),
            ("£5 per lesson", vec!["£5"]),
            ("9,99 € im Monat", vec!["9,99 €"]),
            ("月額¥980", vec!["¥980"]),
            ("₩9900 이용권", vec!["₩9900"]),
            ("both $5 and 7 €", vec!["$5", "7 €"]),
        ] {
            assert_eq!(prices(text), want, "{text}");
        }
        // Bytes a sign starts with, but no sign (curly quotes, a pound of flour is "lb").
        assert!(prices("it’s “free” • no ¢ or lb").is_empty());
        assert!(prices("no money here").is_empty());
    }

    #[test]
    fn pricing_in_other_languages_and_currencies() {
        let rules = Rules::default();
        let s = rules.evaluate(&rec("小红书文案", "付费会员可解锁全部功能，订阅仅需 ¥30"));
        let words = evidence(&s, SignalKind::PricingLanguage);
        assert!(
            words.contains(&"付费".to_owned()) && words.contains(&"订阅".to_owned()),
            "{words:?}"
        );
        assert!(words.contains(&"¥30".to_owned()), "{words:?}");
        let s = rules.evaluate(&rec("타로", "유료 구독 회원 전용"));
        assert_eq!(evidence(&s, SignalKind::PricingLanguage), ["유료", "구독"]);
        let s = rules.evaluate(&rec("Redacción", "Suscripción mensual: 9,99 €"));
        assert_eq!(
            evidence(&s, SignalKind::PricingLanguage),
            ["suscripción", "9,99 €"]
        );
        let s = rules.evaluate(&rec("Math", "Solve 2 + 2 = 4 and $x$ variables"));
        assert_eq!(
            evidence(&s, SignalKind::PricingLanguage),
            Vec::<String>::new()
        );
    }

    #[test]
    fn links_and_bare_domains_not_the_stores_own() {
        let rules = Rules::default();
        let mut r = rec(
            "Grimoire",
            "Tipjar! [https://tipjar.mindgoblinstudios.com/](https://tipjar.mindgoblinstudios.com/) \
             Try git hivemind https://chat.openai.com/g/g-1UkbNbnZm-git-hivemind. Visit aifortunedoctor.com. \
             Mail me: me@example.com. Read Pt1.md, v2.2, e.g. the community.",
        );
        r.prompt_starters = vec!["Download at www.example.ai today".into()];
        let s = rules.evaluate(&r);
        assert_eq!(
            evidence(&s, SignalKind::ExternalLink),
            [
                "https://tipjar.mindgoblinstudios.com/",
                "aifortunedoctor.com",
                "www.example.ai"
            ]
        );
        assert!(evidence(&s, SignalKind::PricingLanguage).contains(&"tipjar".to_owned()));
    }

    #[test]
    fn actions_authors_and_funnels() {
        let rules = Rules::default();
        let mut r = rec("Shop", "Pay at https://buy.stripe.com/abc");
        r.actions = vec![
            Action {
                domain: Some("api.gumroad.com".into()),
                auth: AuthKind::Oauth,
                privacy_policy_url: None,
            },
            Action {
                domain: Some("plugin.chatgpt.com".into()),
                auth: AuthKind::None,
                privacy_policy_url: None,
            },
        ];
        r.author = Author {
            selected_display: Some("website".into()),
            link_to: Some("https://hix.ai".into()),
            ..Author::default()
        };
        let s = rules.evaluate(&r);
        assert_eq!(
            evidence(&s, SignalKind::ActionThirdParty),
            ["api.gumroad.com (auth: oauth)"]
        );
        assert_eq!(evidence(&s, SignalKind::BusinessAuthor), ["https://hix.ai"]);
        assert_eq!(
            evidence(&s, SignalKind::FunnelDomain),
            ["stripe.com", "gumroad.com", "hix.ai"]
        );
        assert_eq!(mask(&s), 0b11111);
        // A name, not a website, shown: no business signal.
        r.author.selected_display = Some("name".into());
        assert!(evidence(&rules.evaluate(&r), SignalKind::BusinessAuthor).is_empty());
    }

    #[test]
    fn nothing_for_a_plain_gpt() {
        let rules = Rules::default();
        let s = rules.evaluate(&rec(
            "Math Tutor",
            "Step-by-step help with algebra and geometry.",
        ));
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn domain_lists_and_kinds() {
        assert_eq!(
            parse_domain_list("# funnels\ngumroad.com\n\n Stripe.com # payments\n"),
            ["gumroad.com", "stripe.com"]
        );
        for k in SignalKind::ALL {
            assert_eq!(SignalKind::parse(k.name()), Some(k));
        }
        assert!(within("api.stripe.com", "stripe.com") && !within("notstripe.com", "stripe.com"));
    }
}
