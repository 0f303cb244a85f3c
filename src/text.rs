//! Making untrusted text (GPT names, descriptions, anything a source or the store sent) safe to
//! print on a terminal: escape sequences and control characters removed, bidirectional
//! overrides removed (they can make text read differently from what it is), everything else,
//! including zero-width joiners of emoji sequences, kept. And fitting text into a number of
//! terminal cells: measured per grapheme cluster, the way ratatui lays text out, so CJK, emoji
//! sequences and combining marks line up.

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// `s` cut to at most `max` cells, with `…` when something was cut; never splits a grapheme or
/// leaves half of a wide character.
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true) {
        let w = g.width();
        if used + w > max {
            // Room for the ellipsis: drop graphemes until it fits.
            let mut cut = &s[..i];
            let mut cut_w = used;
            while cut_w + 1 > max {
                let Some((j, last)) = cut.grapheme_indices(true).next_back() else {
                    break;
                };
                cut_w -= last.width();
                cut = &cut[..j];
            }
            return Cow::Owned(format!("{cut}…"));
        }
        used += w;
    }
    Cow::Borrowed(s)
}

/// Untrusted text made safe and fitted to one line of `max` cells.
pub fn cell(s: &str, max: usize) -> String {
    fit(&line(s), max).into_owned()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn needs_work(s: &str, keep_newlines: bool) -> bool {
    s.chars()
        .any(|c| (c.is_control() && !(keep_newlines && c == '\n')) || is_bidi_control(c))
}

/// One line of display text: escape sequences and controls removed, tabs and newlines become
/// spaces.
pub fn line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Multi-line display text: like [`line`] but newlines kept (tabs become spaces, `\r` dropped).
pub fn multiline(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !needs_work(s, keep_newlines) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 CSI / OSC / DCS introducers carry sequences too.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' if keep_newlines => out.push('\n'),
            '\n' | '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | '^' | '_' | 'X') => {
            chars.next();
            skip_string(chars);
        }
        // Two-character escapes (ESC c, ESC 7, …).
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// Parameters and intermediates up to the final byte (`@`..`~`).
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// A string sequence up to BEL or ST (ESC \\ or U+009C).
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The host of a URL (`https://www.example.com/x` → `www.example.com`).
pub fn domain_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim().to_lowercase();
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_controls() {
        assert_eq!(line("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(line("x\u{1b}]52;c;ZXZpbA==\u{7}y"), "xy");
        assert_eq!(
            line("x\u{1b}]8;;http://e\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "xlink"
        );
        assert_eq!(line("tab\there\nnew"), "tab here new");
        assert_eq!(line("bell\u{7}\u{0}"), "bell");
        assert_eq!(line("c1\u{9b}2Jdone"), "c1done");
        assert_eq!(line("bidi\u{202E}txt.exe"), "biditxt.exe");
        assert_eq!(multiline("a\r\nb"), "a\nb");
    }

    #[test]
    fn fits_by_display_width() {
        assert_eq!(fit("Scholar GPT", 20), "Scholar GPT");
        assert_eq!(fit("Scholar GPT", 8), "Scholar…");
        assert_eq!(width("小红书"), 6);
        assert_eq!(fit("小红书爆款", 5), "小红…");
        assert_eq!(fit("小红书爆款", 6), "小红…");
        assert_eq!(
            fit("타로 운세박사", 7),
            "타로 …",
            "a wide char that does not fit is left out"
        );
        assert_eq!(fit("🧙‍♂️ Grimoire", 4), "🧙‍♂️ …");
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("abc", 0), "");
        assert_eq!(fit("abc", 1), "…");
        for s in [
            "小红书爆款",
            "🧙‍♂️ Grimoire",
            "타로 운세박사",
            "mixed 小 🚀 text",
        ] {
            for max in 0..12 {
                assert!(width(&fit(s, max)) <= max, "{s:?} in {max}");
            }
        }
    }

    #[test]
    fn keeps_ordinary_and_wide_text_untouched() {
        for s in [
            "Scholar GPT",
            "小红书爆款",
            "타로 운세박사",
            "🧙‍♂️ Grimoire",
            "zero\u{200b}width",
        ] {
            assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(
            domain_of("https://www.Example.com/a?b").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(domain_of("example.com").as_deref(), Some("example.com"));
        assert_eq!(domain_of("https://u:p@host:8080/").as_deref(), Some("host"));
        assert_eq!(domain_of(""), None);
    }
}
