//! Reading one cell of a list as a value of its field: ids in any of the forms lists write them,
//! counts like `1K+` or `1,234`, ratings like `4,5` or `4.5/5`, dates in the common written forms,
//! lists as `a, b` or a JSON array, and names with HTML left in them. Each reader says
//! [`Value::Empty`] for the placeholders lists use for "nothing" (`-`, `n/a`…) and
//! [`Value::Bad`] for what it cannot read, so the mapping report can count both.

use crate::store::record::{Conversations, IdKind, ToolKind, id_from_short_url, id_kind};
use std::borrow::Cow;

/// A cell as read for its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<T> {
    Empty,
    Read(T),
    Bad,
}

/// Text lists put where there is no value.
pub fn is_blank(s: &str) -> bool {
    let t = s.trim().trim_matches('"').trim();
    t.is_empty()
        || matches!(t, "-" | "–" | "—" | "?" | "/" | ".")
        || [
            "n/a",
            "na",
            "n.a.",
            "null",
            "none",
            "nil",
            "nan",
            "unknown",
            "undefined",
            "#n/a",
        ]
        .iter()
        .any(|w| t.eq_ignore_ascii_case(w))
}

/// A GPT id and, when the cell held one, its short URL (`g-abc123XYZ-chef`): from `g-…` ids,
/// 9-character store ids without `g-`, 32-hex-digit ids without `g-`, short URLs, and store URLs
/// (`https://chat.openai.com/g/g-…-slug`, `chatgpt.com/g/…`, with or without a query).
pub fn normalise_id(cell: &str) -> Option<(String, Option<String>)> {
    let s = cell
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '<' || c == '>');
    if let Some(pos) = s.find("/g/") {
        // A store URL anywhere in the cell (also inside a Markdown or HTML link).
        let tail = &s[pos + 3..];
        let tail = &tail[..tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len())];
        let tail = tail.trim_end_matches('-');
        let id = id_from_short_url(tail)?;
        let short = (tail.len() > id.len() + 1).then(|| tail.to_owned());
        return Some((id, short));
    }
    let s = s
        .split(['?', '#'])
        .next()
        .unwrap_or(s)
        .trim_end_matches('/');
    if let Some(rest) = s.strip_prefix("g-") {
        let kind = id_kind(s);
        if kind != IdKind::Project
            && rest.contains('-')
            && let Some(id) = id_from_short_url(s)
        {
            let short = (s.len() > id.len() + 1 && s.as_bytes().get(id.len()) == Some(&b'-'))
                .then(|| s.to_owned());
            return Some((id, short));
        }
        return (kind != IdKind::Invalid).then(|| (s.to_owned(), None));
    }
    let bare = s.len() == 9 && s.bytes().all(|b| b.is_ascii_alphanumeric())
        || s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit());
    bare.then(|| (format!("g-{s}"), None))
}

/// The GPTs named in a line of text (a README's list, notes, a saved web page): store URLs, with
/// the text of the Markdown link (`[Chef](https://chatgpt.com/g/g-…)`) or HTML anchor
/// (`<a href="…/g/g-…">Chef</a>`) around each; else `g-` ids of the store's two shapes standing
/// as words. Each GPT once per line (the first link with text wins). Stricter than
/// [`normalise_id`]: a nine-letter word is not an id here.
pub fn find_store_ids(line: &str) -> Vec<(String, Option<String>)> {
    fn add(found: &mut Vec<(String, Option<String>)>, token: String, text: Option<String>) {
        let id = id_from_short_url(&token);
        match found
            .iter_mut()
            .find(|(t, _)| id.is_some() && id_from_short_url(t) == id)
        {
            Some(seen) => {
                if seen.1.is_none() {
                    seen.1 = text;
                }
            }
            None => found.push((token, text)),
        }
    }
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    let mut from = 0;
    while let Some(rel) = line[from..].find("/g/g-") {
        let pos = from + rel;
        let before = &line[from..pos];
        let tail = &line[pos + 3..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        let after = &tail[end..];
        let text = markdown_text_before(before).or_else(|| anchor_text_after(before, after));
        add(
            &mut found,
            tail[..end].trim_end_matches('-').to_owned(),
            text,
        );
        from = pos + 3 + end;
    }
    if found.is_empty() {
        for w in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
            if w.starts_with("g-")
                && let Some(id) = id_from_short_url(w)
                && matches!(id_kind(&id), IdKind::Old | IdKind::New)
            {
                add(&mut found, w.trim_end_matches('-').to_owned(), None);
            }
        }
    }
    found
}

/// `[text](https://chatgpt.com` right before a URL's `/g/…`: the text.
fn markdown_text_before(before: &str) -> Option<String> {
    let close = before.rfind("](")?;
    if before[close + 2..].contains(char::is_whitespace) {
        return None;
    }
    let open = before[..close].rfind('[')?;
    let text = before[open + 1..close].trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `<a href="https://chatgpt.com` before the URL and `">text</a>` after it: the text, its tags
/// removed.
fn anchor_text_after(before: &str, after: &str) -> Option<String> {
    let href = before.rfind("href=")?;
    if before[href..].contains('>') {
        return None;
    }
    let start = after.find('>')? + 1;
    let end = after[start..].find("</a")? + start;
    let text = unhtml_text(&after[start..end]).trim().to_owned();
    (!text.is_empty() && text.len() <= 200).then_some(text)
}

/// The text of a cell that is one Markdown link (`[Chef](https://…)` → `Chef`).
pub fn markdown_link_text(cell: &str) -> Option<&str> {
    let t = cell.trim();
    let inner = t.strip_prefix('[')?;
    let close = inner.find("](")?;
    t.ends_with(')').then(|| inner[..close].trim())
}

/// The number at the start of a count-like cell (`1,234`, `1.2K+`, `~5k chats`, `(12)`): the
/// run of digits, separators and a K/M/B suffix after any leading sign or bracket.
fn count_text(s: &str) -> Option<&str> {
    let t = s.trim();
    let start = t.find(|c: char| c.is_ascii_digit())?;
    if !t[..start]
        .chars()
        .all(|c| matches!(c, '~' | '≈' | '(' | '[' | '>' | '+' | ' ' | '#'))
    {
        return None;
    }
    let rest = &t[start..];
    let mut end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, ',' | '.' | '_' | ' ')))
        .unwrap_or(rest.len());
    if let Some(c) = rest[end..].chars().next()
        && matches!(c, 'k' | 'K' | 'm' | 'M' | 'b' | 'B')
    {
        end += c.len_utf8();
        if rest[end..].starts_with('+') {
            end += 1;
        }
    } else if rest[end..].starts_with('+') {
        end += 1;
    }
    Some(rest[..end].trim())
}

/// A count (`1234`, `1,234`, `1K+` as its lower bound).
pub fn count(s: &str) -> Value<u64> {
    if is_blank(s) {
        return Value::Empty;
    }
    let plain = count_text(s).map(|t| t.replace(' ', ""));
    match plain.as_deref().and_then(Conversations::parse) {
        Some(c) => Value::Read(c.lower_bound),
        None => Value::Bad,
    }
}

/// Conversations: the store's bucket kept as written (`25K+`), a plain number rebuilt as one.
pub fn conversations(s: &str) -> Value<Conversations> {
    if is_blank(s) {
        return Value::Empty;
    }
    let Some(text) = count_text(s) else {
        return Value::Bad;
    };
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' '))
        .collect();
    if let Ok(n) = plain.parse::<u64>() {
        return Value::Read(Conversations::from_lower_bound(n));
    }
    match Conversations::parse(text) {
        Some(c) => Value::Read(c),
        None => Value::Bad,
    }
}

/// An average of up to five stars: `4.5`, `4,5`, `4.5/5`, `★ 4.5`, `4.5 stars`. Zero is "no
/// rating" (lists write 0 for unrated GPTs); above five is unreadable.
pub fn rating(s: &str) -> Value<f64> {
    if is_blank(s) {
        return Value::Empty;
    }
    let t = s.trim().trim_start_matches(['★', '⭐', '☆', ' ']);
    let t = t.split(['/', ' ', '(']).next().unwrap_or(t);
    let t = if t.contains('.') {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.replacen(',', ".", 1))
    };
    match t.parse::<f64>() {
        Ok(0.0) => Value::Empty,
        Ok(r) if r.is_finite() && (0.0..=5.0).contains(&r) => Value::Read(r),
        _ => Value::Bad,
    }
}

/// A 1-based position (`3`, `#3`, `3.`).
pub fn position(s: &str) -> Value<u32> {
    if is_blank(s) {
        return Value::Empty;
    }
    let t = s
        .trim()
        .trim_start_matches('#')
        .trim_end_matches('.')
        .trim();
    match t.parse::<u32>() {
        Ok(n) if n > 0 => Value::Read(n),
        _ => Value::Bad,
    }
}

/// A date (any, see [`store_date`]): what [`crate::time::parse_timestamp`] reads (ISO 8601, Unix seconds or
/// milliseconds), `2024/01/31`, `31.01.2024`, `Jan 31, 2024`, `31 January 2024`. A day and month
/// that could be either way round (`03/04/2024`) is unreadable rather than guessed.
pub fn date(s: &str) -> Value<i64> {
    if is_blank(s) {
        return Value::Empty;
    }
    let t = s.trim();
    if let Some(v) = crate::time::parse_timestamp(t) {
        return Value::Read(v);
    }
    match written_date(t) {
        Some(v) => Value::Read(v),
        None => Value::Bad,
    }
}

/// 2020-01-01: no GPT date is older (a small number read as Unix seconds, or a spreadsheet's
/// day count, is not a date of the store's).
const EARLIEST: i64 = 1_577_836_800;

/// A date as [`date`] reads it, refused when before 2020.
pub fn store_date(s: &str) -> Value<i64> {
    match date(s) {
        Value::Read(t) if t < EARLIEST => Value::Bad,
        other => other,
    }
}

fn written_date(t: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let parts: Vec<&str> = t
        .split(['/', '.', ',', ' ', '-'])
        .filter(|p| !p.is_empty())
        .take(3)
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let month_of = |w: &str| {
        let w = w.to_ascii_lowercase();
        MONTHS
            .iter()
            .position(|m| w.len() >= 3 && w.starts_with(m))
            .map(|i| i as u32 + 1)
    };
    let num = |w: &str| w.parse::<u32>().ok();
    let (y, m, d) = if let (Some(m), Some(d), Some(y)) = (month_of(a), num(b), num(c)) {
        (y, m, d)
    } else if let (Some(d), Some(m), Some(y)) = (num(a), month_of(b), num(c)) {
        (y, m, d)
    } else {
        let (x, y_, z) = (num(a)?, num(b)?, num(c)?);
        if x > 31 {
            (x, y_, z)
        } else if x > 12 && y_ <= 12 {
            (z, y_, x)
        } else if y_ > 12 && x <= 12 {
            (z, x, y_)
        } else {
            return None;
        }
    };
    if !(1970..=2100).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    crate::time::parse_timestamp(&format!("{y:04}-{m:02}-{d:02}"))
}

/// A list: a JSON array (of strings, or of objects named by `type` or `name`), a Python list
/// as pandas writes one (`['a', "b's"]`), or text split at `,`, `;` or `|`.
pub fn list(s: &str) -> Vec<String> {
    let t = s.trim();
    if t.starts_with('[')
        && let Some(items) = python_list(t)
    {
        return items;
    }
    if t.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<serde_json::Value>>(t)
    {
        return items
            .iter()
            .filter_map(|v| match v {
                serde_json::Value::String(s) => Some(s.trim().to_owned()),
                serde_json::Value::Object(o) => o
                    .get("type")
                    .or_else(|| o.get("name"))
                    .and_then(|v| v.as_str())
                    .map(|s| s.trim().to_owned()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty() && !is_blank(s))
            .collect();
    }
    t.split([',', ';', '|'])
        .map(|p| {
            p.trim()
                .trim_matches(['"', '\'', '[', ']'])
                .trim()
                .to_owned()
        })
        .filter(|p| !p.is_empty() && !is_blank(p))
        .collect()
}

/// `['a', "b's", 'c\\'d']`: the strings of a Python list literal; none when it is not one
/// (a JSON array of strings reads the same, so double quotes are taken too).
fn python_list(t: &str) -> Option<Vec<String>> {
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let Some(quote) = chars.next() else {
            break;
        };
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => item.push(chars.next()?),
                c if c == quote => break,
                c => item.push(c),
            }
        }
        let item = item.trim().to_owned();
        if !item.is_empty() && !is_blank(&item) {
            items.push(item);
        }
    }
    Some(items)
}

/// A category as lists write the store's (`DALL·E`, `Research & Analysis`) as the store's slug.
pub fn category(s: &str) -> Option<String> {
    let n: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match n.as_str() {
        "" => None,
        "dalle" | "dalle3" => Some("dalle".to_owned()),
        "researchanalysis" | "researchandanalysis" => Some("research".to_owned()),
        _ => crate::store::record::category_slug(s),
    }
}

/// A tool as lists name it (`Web Browsing`, `Code Interpreter`, `DALL·E`, `Actions`).
pub fn tool(s: &str) -> ToolKind {
    let n: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    match n.as_str() {
        "browser" | "browsing" | "webbrowsing" | "webbrowser" | "websearch" | "search" | "web" => {
            ToolKind::Browser
        }
        "python"
        | "codeinterpreter"
        | "dataanalysis"
        | "advanceddataanalysis"
        | "codeinterpreteranddataanalysis" => ToolKind::Python,
        "dalle" | "dalle3" | "dalleimagegeneration" | "imagegeneration" => ToolKind::Dalle,
        "actions" | "action" | "pluginsprototype" | "customactions" | "plugins" => {
            ToolKind::Actions
        }
        "canvas" => ToolKind::Canvas,
        "imagegen" => ToolKind::ImageGen,
        _ => ToolKind::parse(&s.trim().to_lowercase()),
    }
}

/// A name or description from an HTML-derived list: inline tags removed (a line break or
/// paragraph becomes a space), entities decoded, runs of spaces made one. Text without `<` or
/// `&` is returned as it is.
pub fn unhtml_text(s: &str) -> Cow<'_, str> {
    if !s.contains(['<', '&']) {
        return Cow::Borrowed(s);
    }
    let stripped = strip_tags(s);
    let decoded = decode_entities(&stripped);
    let mut out = String::with_capacity(decoded.len());
    for w in decoded.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Cow::Owned(out)
}

/// Inline and block HTML tags lists leave in text; anything else in angle brackets is text (a
/// real GPT is called "… by <ShowMe>").
const HTML_TAGS: &[&str] = &[
    "a", "abbr", "b", "big", "br", "center", "cite", "code", "del", "div", "em", "font", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "mark", "ol", "p", "q", "s",
    "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "ul", "wbr",
];

/// Rewrites `s` at each `at` character: `replace(rest after it, out)` writes what stands instead
/// into `out` and says how many bytes of the rest it stood for, or none to keep the character.
fn rewrite(
    s: &str,
    at: char,
    mut replace: impl FnMut(&str, &mut String) -> Option<usize>,
) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(at) {
        out.push_str(&rest[..i]);
        let after = &rest[i + at.len_utf8()..];
        match replace(after, &mut out) {
            Some(used) => rest = &after[used..],
            None => {
                out.push(at);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes `<tag …>` and `</tag>` of the [`HTML_TAGS`] (the `>` within 300 bytes) and comments;
/// other `<…>` stays.
fn strip_tags(s: &str) -> String {
    rewrite(s, '<', |after, out| {
        if let Some(comment) = after.strip_prefix("!--") {
            let end = comment.find("-->").filter(|e| *e < 300)?;
            return Some(3 + end + 3);
        }
        let name_start = after.strip_prefix('/').unwrap_or(after);
        let name: String = name_start
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .flat_map(|c| c.to_lowercase())
            .collect();
        let name_ends = name_start[name.len()..]
            .chars()
            .next()
            .is_some_and(|c| c == '>' || c == '/' || c.is_whitespace());
        if !(HTML_TAGS.contains(&name.as_str()) && name_ends) {
            return None;
        }
        let end = after.find('>').filter(|e| *e < 300)?;
        if matches!(name.as_str(), "br" | "p" | "div" | "li" | "hr") {
            out.push(' ');
        }
        Some(end + 1)
    })
}

fn decode_entities(s: &str) -> String {
    rewrite(s, '&', |after, out| {
        let end = after.find(';').filter(|&e| e > 0 && e <= 10)?;
        out.push(entity(&after[..end])?);
        Some(end + 1)
    })
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || *c == '\n');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "middot" => '·',
        "bull" => '•',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "eacute" => 'é',
        "egrave" => 'è',
        "agrave" => 'à',
        "ccedil" => 'ç',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "szlig" => 'ß',
        "times" => '×',
        "deg" => '°',
        "euro" => '€',
        "pound" => '£',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_every_form_lists_write_them() {
        let id = |s: &str| normalise_id(s);
        assert_eq!(id("2fkFE8rbu"), Some(("g-2fkFE8rbu".into(), None)));
        assert_eq!(id("g-2fkFE8rbu"), Some(("g-2fkFE8rbu".into(), None)));
        assert_eq!(
            id("https://chat.openai.com/g/g-2fkFE8rbu-chef-bot?utm_source=x"),
            Some(("g-2fkFE8rbu".into(), Some("g-2fkFE8rbu-chef-bot".into())))
        );
        assert_eq!(
            id("chatgpt.com/g/g-2fkFE8rbu"),
            Some(("g-2fkFE8rbu".into(), None))
        );
        assert_eq!(
            id("g-2fkFE8rbu-chef-bot"),
            Some(("g-2fkFE8rbu".into(), Some("g-2fkFE8rbu-chef-bot".into())))
        );
        assert_eq!(
            id("[Chef](https://chatgpt.com/g/g-2fkFE8rbu-chef-bot)"),
            Some(("g-2fkFE8rbu".into(), Some("g-2fkFE8rbu-chef-bot".into())))
        );
        assert_eq!(
            find_store_ids("- [Chef Bot](https://chat.openai.com/g/g-2fkFE8rbu-chef) — cooks"),
            vec![("g-2fkFE8rbu-chef".into(), Some("Chef Bot".into()))]
        );
        assert_eq!(
            find_store_ids("see g-2fkFE8rbu, it cooks"),
            vec![("g-2fkFE8rbu".into(), None)]
        );
        assert_eq!(find_store_ids("Something interface big-data"), vec![]);
        let html = r#"<li><a href="https://chatgpt.com/g/g-2fkFE8rbu-chef"><img src="x.png"></a><a href="https://chatgpt.com/g/g-2fkFE8rbu-chef"><b>Chef</b> Bot</a></li><li><a class="x" href='https://chatgpt.com/g/g-abcDEF123'>Other &amp; Co</a></li>"#;
        assert_eq!(
            find_store_ids(html),
            vec![
                ("g-2fkFE8rbu-chef".into(), Some("Chef Bot".into())),
                ("g-abcDEF123".into(), Some("Other & Co".into()))
            ]
        );
        assert_eq!(markdown_link_text("[Chef](https://x)"), Some("Chef"));
        let hex = "67a56d907fc88191814386dac67ed919";
        assert_eq!(id(hex), Some((format!("g-{hex}"), None)));
        assert_eq!(id("hello"), None);
        assert_eq!(id("12345"), None);
    }

    #[test]
    fn counts_buckets_and_placeholders() {
        assert_eq!(count("1,234"), Value::Read(1234));
        assert_eq!(count("1K+"), Value::Read(1000));
        assert_eq!(count("~1.5k chats"), Value::Read(1500));
        assert_eq!(count("-"), Value::Empty);
        assert_eq!(count("n/a"), Value::Empty);
        assert_eq!(count("lots"), Value::Bad);
        assert_eq!(
            conversations("1K+"),
            Value::Read(Conversations::parse("1K+").expect("bucket"))
        );
        assert_eq!(
            conversations("25000"),
            Value::Read(Conversations::from_lower_bound(25_000))
        );
    }

    #[test]
    fn ratings_with_commas_slashes_and_stars() {
        assert_eq!(rating("4,5"), Value::Read(4.5));
        assert_eq!(rating("4.5/5"), Value::Read(4.5));
        assert_eq!(rating("★ 4.2"), Value::Read(4.2));
        assert_eq!(rating("n/a"), Value::Empty);
        assert_eq!(rating("0"), Value::Empty);
        assert_eq!(rating("7"), Value::Bad);
        assert_eq!(rating("good"), Value::Bad);
    }

    #[test]
    fn dates_in_written_forms_and_ambiguous_ones_refused() {
        let day = crate::time::parse_timestamp("2024-01-31");
        for s in [
            "2024-01-31",
            "2024/01/31",
            "31.01.2024",
            "Jan 31, 2024",
            "31 January 2024",
        ] {
            assert_eq!(date(s), Value::Read(day.expect("day")), "{s}");
        }
        assert_eq!(date("03/04/2024"), Value::Bad);
        assert_eq!(store_date("45123"), Value::Bad);
        assert_eq!(date("yesterday"), Value::Bad);
    }

    #[test]
    fn html_is_decoded_and_tags_removed() {
        assert_eq!(unhtml_text("<b>G.PT</b> Chef"), "G.PT Chef");
        assert_eq!(unhtml_text("Q&amp;A &#8211; fast"), "Q&A – fast");
        assert_eq!(unhtml_text("line<br/>two"), "line two");
        assert_eq!(unhtml_text("a < b & c"), "a < b & c");
        assert_eq!(unhtml_text("&lt;b&gt;"), "<b>");
        assert_eq!(
            unhtml_text("Presentation & Diagram Generator by <ShowMe>"),
            "Presentation & Diagram Generator by <ShowMe>"
        );
        assert_eq!(unhtml_text("<span class=\"x\">A</span><!-- c -->B"), "AB");
    }

    #[test]
    fn lists_and_tools() {
        assert_eq!(
            list("Writing, Productivity"),
            vec!["Writing", "Productivity"]
        );
        assert_eq!(list(r#"["a","b"]"#), vec!["a", "b"]);
        assert_eq!(list(r#"[{"type":"browser"}]"#), vec!["browser"]);
        assert_eq!(
            list(r#"['Make a plan', "Don't stop", 'a, b']"#),
            vec!["Make a plan", "Don't stop", "a, b"]
        );
        assert_eq!(category("DALL·E"), Some("dalle".into()));
        assert_eq!(category("Research & Analysis"), Some("research".into()));
        assert_eq!(category("Writing"), Some("writing".into()));
        assert_eq!(tool("Web Browsing"), ToolKind::Browser);
        assert_eq!(tool("DALL·E"), ToolKind::Dalle);
        assert_eq!(tool("Code Interpreter"), ToolKind::Python);
    }
}
