//! The configuration file: TOML at `$XDG_CONFIG_HOME/gptscope/config.toml` (else
//! `~/.config/gptscope/config.toml`), or `--config PATH` / `GPTSCOPE_CONFIG`. It holds keymap
//! overrides by Action name, theme colours, the mouse switch, the live client's defaults (base
//! URL, rate, concurrency, retries, where the token comes from) and changes to the funnel-domain
//! list. The documented default file is `assets/config.toml` (`gptscope config
//! --print-default`); a test holds it equal to [`Config::default`].
//!
//! The file is read and checked in full before the terminal is touched: an unknown key, a value
//! of the wrong type, an Action or key that does not exist, a colour that is not one, each stops
//! the program with one line naming the file, the line and the key. The token itself is never
//! in this file: only where to find it (an environment variable, or a file of its own).

use crate::tui::keys::{self as action, Action, KeySpec};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The documented default configuration.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// The configuration, checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The file it was read from; `None`: built-in defaults.
    pub path: Option<PathBuf>,
    pub mouse: bool,
    /// Extra key bindings, in the file's order.
    pub keys: Vec<(KeySpec, Action)>,
    pub theme: Theme,
    pub live: LiveDefaults,
    /// Changes to the shipped funnel-domain list (`example.com`, `-example.com`).
    pub funnel_domains: Vec<String>,
}

/// The explorer's colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    /// Titles and the focused column.
    pub accent: Color,
    /// A value that differs between the snapshot and the store now.
    pub changed: Color,
    pub added: Color,
    pub removed: Color,
    /// The selected row.
    pub selection: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: Color::Cyan,
            changed: Color::Yellow,
            added: Color::Green,
            removed: Color::Red,
            selection: Style::new().add_modifier(Modifier::REVERSED),
        }
    }
}

impl Theme {
    /// The same theme without colours (`NO_COLOR`): the selection stays reversed.
    pub fn monochrome() -> Theme {
        Theme {
            accent: Color::Reset,
            changed: Color::Reset,
            added: Color::Reset,
            removed: Color::Reset,
            selection: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// A foreground style of one of the theme's colours (nothing for `Reset`).
    pub fn fg(color: Color) -> Style {
        if color == Color::Reset {
            Style::new()
        } else {
            Style::new().fg(color)
        }
    }
}

/// The live client's settings from the file (flags and environment variables win).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveDefaults {
    pub base_url: String,
    pub rate: f64,
    pub concurrency: usize,
    pub retries: u32,
    /// The environment variable holding the token.
    pub token_env: String,
    /// A file holding the token (when the variable is not set).
    pub token_file: Option<PathBuf>,
    /// A browser's cookies (Netscape cookies.txt or one `Cookie:` line).
    pub cookie_file: Option<PathBuf>,
    /// More headers to send the store, `(name, value)`.
    pub headers: Vec<(String, String)>,
}

impl Default for LiveDefaults {
    fn default() -> Self {
        LiveDefaults {
            base_url: crate::live::client::DEFAULT_BASE_URL.to_owned(),
            rate: crate::live::client::DEFAULT_RATE,
            concurrency: crate::live::client::DEFAULT_CONCURRENCY,
            retries: 4,
            token_env: "GPTSCOPE_TOKEN".to_owned(),
            token_file: None,
            cookie_file: None,
            headers: Vec::new(),
        }
    }
}

impl LiveDefaults {
    /// The browser session: the cookie from `GPTSCOPE_COOKIE`, else the cookie file (the
    /// cookies for `host`); the file's headers, then `extra` (flags); the device id kept in
    /// `state_dir`. Errors name the file, never its contents.
    pub fn session(
        &self,
        host: &str,
        extra: &[(String, String)],
        state_dir: Option<&std::path::Path>,
    ) -> Result<crate::live::Session, String> {
        let cookie =
            match std::env::var("GPTSCOPE_COOKIE")
                .ok()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
            {
                Some(c) => Some(c),
                None => match &self.cookie_file {
                    Some(path) => {
                        let text = std::fs::read_to_string(path).map_err(|e| {
                            format!("{}: cannot read the cookie file: {e}", path.display())
                        })?;
                        Some(crate::live::Session::cookie_from_file(&text, host).ok_or_else(|| {
                        format!(
                            "{}: no cookie for {host} in it (a Netscape cookies.txt or one \
                             `Cookie:` line)",
                            path.display()
                        )
                    })?)
                    }
                    None => None,
                },
            };
        let mut headers = self.headers.clone();
        headers.extend(extra.iter().cloned());
        Ok(crate::live::Session {
            cookie,
            headers,
            device_id: state_dir.and_then(crate::live::Session::device_id_in),
        })
    }

    /// The token: the environment variable, else the token file; `None` when neither has one.
    /// The error names the file, never its contents.
    pub fn token(&self) -> Result<Option<crate::live::Token>, String> {
        if let Some(t) = std::env::var(&self.token_env)
            .ok()
            .and_then(|t| crate::live::Token::new(&t))
        {
            return Ok(Some(t));
        }
        let Some(path) = &self.token_file else {
            return Ok(None);
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the token file: {e}", path.display()))?;
        Ok(crate::live::Token::new(&text))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Raw {
    mouse: Option<bool>,
    keys: BTreeMap<String, Spanned<String>>,
    theme: RawTheme,
    live: RawLive,
    signals: RawSignals,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawTheme {
    accent: Option<Spanned<String>>,
    changed: Option<Spanned<String>>,
    added: Option<Spanned<String>>,
    removed: Option<Spanned<String>>,
    selection: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawLive {
    base_url: Option<Spanned<String>>,
    rate: Option<Spanned<f64>>,
    concurrency: Option<Spanned<i64>>,
    retries: Option<Spanned<i64>>,
    token_env: Option<Spanned<String>>,
    token_file: Option<Spanned<String>>,
    cookie_file: Option<Spanned<String>>,
    headers: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawSignals {
    funnel_domains: Vec<Spanned<String>>,
}

/// The default path: `$XDG_CONFIG_HOME/gptscope/config.toml`, else `~/.config/…`.
pub fn default_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// gptscope's directory in the user's config dir.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })
        .map(|b| b.join("gptscope"))
}

impl Config {
    /// Reads `explicit` (which must exist), else the default path when a file is there, else
    /// the defaults. `NO_COLOR` (set and not empty) turns the theme's colours off.
    pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => default_path().filter(|p| p.exists()),
        };
        let mut config = match path {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| format!("{}: cannot read the config file: {e}", p.display()))?;
                Config::parse(&text, &p)?
            }
            None => Config::default(),
        };
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            config.theme = Theme::monochrome();
        }
        Ok(config)
    }

    /// Parses a config file's text; errors name `path`, the line and the key.
    pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
        let at = |span: std::ops::Range<usize>| -> String {
            let line = text
                .get(..span.start)
                .map_or(1, |t| t.matches('\n').count() + 1);
            format!("{}:{line}", path.display())
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            match e.span() {
                Some(span) => match key_at(text, span.start) {
                    Some(key) => format!("{}: {key}: {message}", at(span)),
                    None => format!("{}: {message}", at(span)),
                },
                None => format!("{}: {message}", path.display()),
            }
        })?;
        let mut c = Config {
            path: Some(path.to_path_buf()),
            mouse: raw.mouse.unwrap_or(false),
            ..Config::default()
        };
        for (key, name) in &raw.keys {
            let spec = KeySpec::parse(key).ok_or_else(|| {
                format!(
                    "{}: [keys] {key:?}: not a key (like \"y\", \"ctrl-y\", \"pagedown\", \"f2\")",
                    at(name.span())
                )
            })?;
            let action = action::by_name(name.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = action::ACTIONS.iter().map(|a| a.name).collect();
                format!(
                    "{}: [keys] {key:?}: no Action named {:?} (the Actions: {})",
                    at(name.span()),
                    name.get_ref(),
                    names.join(", ")
                )
            })?;
            c.keys.push((spec, action));
        }
        let color = |field: &str, v: &Option<Spanned<String>>, default: Color| {
            match v {
            None => Ok(default),
            Some(s) => parse_color(s.get_ref()).ok_or_else(|| {
                format!(
                    "{}: [theme] {field}: {:?} is not a colour (a name like \"cyan\", \"#rrggbb\" or \"default\")",
                    at(s.span()),
                    s.get_ref()
                )
            }),
        }
        };
        let d = Theme::default();
        c.theme.accent = color("accent", &raw.theme.accent, d.accent)?;
        c.theme.changed = color("changed", &raw.theme.changed, d.changed)?;
        c.theme.added = color("added", &raw.theme.added, d.added)?;
        c.theme.removed = color("removed", &raw.theme.removed, d.removed)?;
        if let Some(s) = &raw.theme.selection {
            c.theme.selection = match s.get_ref().as_str() {
                "reversed" => d.selection,
                other => Style::new().bg(parse_color(other).ok_or_else(|| {
                    format!(
                        "{}: [theme] selection: {other:?} is neither \"reversed\" nor a colour",
                        at(s.span())
                    )
                })?),
            };
        }
        parse_live(&raw.live, &at, &mut c.live)?;
        let mut check = crate::signals::default_funnel_domains();
        for entry in &raw.signals.funnel_domains {
            crate::signals::edit_domains(&mut check, entry.get_ref())
                .map_err(|why| format!("{}: [signals] funnel_domains: {why}", at(entry.span())))?;
            c.funnel_domains.push(entry.get_ref().trim().to_lowercase());
        }
        Ok(c)
    }
}

/// The `[live]` table: the store's address, the request rate and concurrency, retries, where
/// the token and cookies come from, extra headers; errors say where (`at`) and what.
fn parse_live(
    l: &RawLive,
    at: &dyn Fn(std::ops::Range<usize>) -> String,
    live: &mut LiveDefaults,
) -> Result<(), String> {
    if let Some(u) = &l.base_url {
        let url = u.get_ref();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "{}: [live] base_url: {url:?} is not an http(s) address",
                at(u.span())
            ));
        }
        live.base_url = url.trim_end_matches('/').to_owned();
    }
    if let Some(r) = &l.rate {
        let rate = *r.get_ref();
        if !(rate >= 0.0 && rate.is_finite()) {
            return Err(format!(
                "{}: [live] rate: {rate} is not a number of requests per second (0 or more)",
                at(r.span())
            ));
        }
        live.rate = rate;
    }
    if let Some(n) = &l.concurrency {
        live.concurrency = match usize::try_from(*n.get_ref()) {
            Ok(v) if (1..=256).contains(&v) => v,
            _ => {
                return Err(format!(
                    "{}: [live] concurrency: {} is not between 1 and 256",
                    at(n.span()),
                    n.get_ref()
                ));
            }
        };
    }
    if let Some(n) = &l.retries {
        live.retries = match u32::try_from(*n.get_ref()) {
            Ok(v) if v <= 20 => v,
            _ => {
                return Err(format!(
                    "{}: [live] retries: {} is not between 0 and 20",
                    at(n.span()),
                    n.get_ref()
                ));
            }
        };
    }
    if let Some(v) = &l.token_env {
        let name = v.get_ref();
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            return Err(format!(
                "{}: [live] token_env: {name:?} is not an environment variable name",
                at(v.span())
            ));
        }
        live.token_env = name.clone();
    }
    if let Some(f) = &l.token_file {
        let file = expand_home(f.get_ref());
        if !file.is_file() {
            return Err(format!(
                "{}: [live] token_file: {} is not a file",
                at(f.span()),
                file.display()
            ));
        }
        live.token_file = Some(file);
    }
    if let Some(f) = &l.cookie_file {
        let file = expand_home(f.get_ref());
        if !file.is_file() {
            return Err(format!(
                "{}: [live] cookie_file: {} is not a file",
                at(f.span()),
                file.display()
            ));
        }
        live.cookie_file = Some(file);
    }
    for (name, value) in &l.headers {
        if !crate::live::client::is_header_name(name) {
            return Err(format!(
                "{}: [live.headers] {name:?} is not a header name",
                at(value.span())
            ));
        }
        live.headers.push((name.clone(), value.get_ref().clone()));
    }
    Ok(())
}

/// The key written on the line holding byte `pos`, with its table: `[live] rate`.
fn key_at(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(start..)?.lines().next()?;
    let key = line.split_once('=')?.0.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'));
    Some(match table {
        Some(t) => format!("{t} {key}"),
        None => key.to_owned(),
    })
}

/// `~/x` → `$HOME/x`.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// A colour by name or `#rrggbb`; `default` is the terminal's own.
fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim().to_lowercase();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() != 6 {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    Some(match s.replace(['_', '-', ' '], "").as_str() {
        "default" | "reset" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/home/a/.config/gptscope/config.toml"))
    }

    #[test]
    fn the_documented_default_is_the_default() {
        let mut c = parse(DEFAULT_CONFIG).unwrap();
        c.path = None;
        assert_eq!(c, Config::default());
    }

    #[test]
    fn settings_are_read() {
        let c = parse(
            "mouse = true\n[keys]\n\"ctrl-n\" = \"down\"\n\"Y\" = \"help\"\n\
             [theme]\naccent = \"#ff8000\"\nselection = \"darkgray\"\n\
             [live]\nbase_url = \"http://127.0.0.1:8787/\"\nrate = 0\nconcurrency = 16\n\
             [signals]\nfunnel_domains = [\"Example.com\", \"-gumroad.com\"]\n",
        )
        .unwrap();
        assert!(c.mouse);
        assert_eq!(
            c.keys,
            vec![
                (KeySpec::parse("Y").unwrap(), Action::Help),
                (KeySpec::parse("ctrl-n").unwrap(), Action::Down),
            ]
        );
        assert_eq!(c.theme.accent, Color::Rgb(255, 128, 0));
        assert_eq!(c.theme.selection, Style::new().bg(Color::DarkGray));
        assert_eq!(c.live.base_url, "http://127.0.0.1:8787");
        assert_eq!(c.live.rate, 0.0);
        assert_eq!(c.live.concurrency, 16);
        assert_eq!(c.funnel_domains, ["example.com", "-gumroad.com"]);
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let cases = [
            (
                "mouse = false\n[keys]\n\"ctrl-y\" = \"copy_urll\"\n",
                "config.toml:3: [keys] \"ctrl-y\": no Action named \"copy_urll\"",
            ),
            (
                "[keys]\n\"ctrl-\" = \"down\"\n",
                "config.toml:2: [keys] \"ctrl-\": not a key",
            ),
            (
                "\n[theme]\naccent = \"chartreuse\"\n",
                "config.toml:3: [theme] accent: \"chartreuse\" is not a colour",
            ),
            (
                "[live]\nrate = -1.0\n",
                "config.toml:2: [live] rate: -1 is not a number",
            ),
            (
                "[live]\n\nconcurrency = 0\n",
                "config.toml:3: [live] concurrency: 0 is not between 1 and 256",
            ),
            (
                "[live]\nbase_url = \"ftp://x\"\n",
                "config.toml:2: [live] base_url: \"ftp://x\" is not an http(s) address",
            ),
            (
                "[live]\nrate = \"fast\"\n",
                "config.toml:2: [live] rate: invalid type",
            ),
            (
                "[live]\nratee = 1\n",
                "config.toml:2: [live] ratee: unknown field `ratee`",
            ),
            ("mouse = yes\n", "config.toml:1: mouse: "),
            (
                "[signals]\nfunnel_domains = [\"gumroad\"]\n",
                "config.toml:2: [signals] funnel_domains: \"gumroad\" is not a domain",
            ),
            (
                "[live]\ntoken_file = \"/nonexistent/token\"\n",
                "config.toml:2: [live] token_file: /nonexistent/token is not a file",
            ),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err();
            assert!(e.starts_with("/home/a/.config/gptscope/"), "{e}");
            assert!(e.contains(want), "{text:?}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }

    #[test]
    fn colours_by_name_and_hex() {
        assert_eq!(parse_color("Light_Blue"), Some(Color::LightBlue));
        assert_eq!(parse_color("#00ff7f"), Some(Color::Rgb(0, 255, 127)));
        assert_eq!(parse_color("#00ff7"), None);
        assert_eq!(parse_color("default"), Some(Color::Reset));
    }
}
