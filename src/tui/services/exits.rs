//! The explorer's ways out to the rest of the desktop: copying text (OSC 52, which terminals
//! pass to the clipboard even over SSH; inside tmux wrapped in its passthrough; plus the system
//! clipboard tool where one runs) and opening a URL in the browser (`xdg-open` / `open`), only
//! for http(s) addresses.

use std::io::Write;
use std::process::{Command, Stdio};

/// Base64 (standard alphabet, padded), for OSC 52.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(A[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that sets the clipboard to `text`; inside tmux, wrapped so tmux passes
/// it to the terminal.
pub fn osc52(text: &str, tmux: bool) -> String {
    let seq = format!("\x1b]52;c;{}\x07", base64(text.as_bytes()));
    if tmux {
        format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
    } else {
        seq
    }
}

/// Whether a URL may be handed to the browser: http or https only.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url
            .split_once("://")
            .is_some_and(|(_, host)| !host.is_empty())
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Copies `text`: OSC 52 to the terminal, and the system clipboard tool when there is one.
pub fn copy(text: &str) {
    let tmux = std::env::var_os("TMUX").is_some();
    let mut out = std::io::stdout();
    let _ = out.write_all(osc52(text, tmux).as_bytes());
    let _ = out.flush();
    let tool: Option<(&str, &[&str])> = if cfg!(target_os = "macos") {
        Some(("pbcopy", &[]))
    } else if std::env::var_os("WAYLAND_DISPLAY").is_some() {
        Some(("wl-copy", &[]))
    } else if std::env::var_os("DISPLAY").is_some() {
        Some(("xclip", &["-selection", "clipboard"]))
    } else {
        None
    };
    if let Some((program, args)) = tool {
        let text = text.to_owned();
        let program = program.to_owned();
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        // Off the UI thread: a clipboard tool may linger.
        std::thread::spawn(move || {
            let child = Command::new(&program)
                .args(&args)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            if let Ok(mut child) = child {
                if let Some(mut stdin) = child.stdin.take() {
                    let _ = stdin.write_all(text.as_bytes());
                }
                let _ = child.wait();
            }
        });
    }
}

/// Opens an http(s) URL in the browser; the error says why not.
pub fn open(url: &str) -> Result<(), String> {
    if !is_web_url(url) {
        return Err(format!("not an http(s) address: {url}"));
    }
    let program = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let mut child = Command::new(program)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_known_strings() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
            ("名前", "5ZCN5YmN"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn osc52_bytes() {
        assert_eq!(
            osc52("https://chatgpt.com/g/g-kZ0eYXlJe", false),
            "\x1b]52;c;aHR0cHM6Ly9jaGF0Z3B0LmNvbS9nL2cta1owZVlYbEpl\x07"
        );
        assert_eq!(
            osc52("foo", true),
            "\x1bPtmux;\x1b\x1b]52;c;Zm9v\x07\x1b\\",
            "tmux passthrough doubles the inner ESC"
        );
    }

    #[test]
    fn only_web_urls_open() {
        assert!(is_web_url("https://chatgpt.com/g/g-kZ0eYXlJe"));
        assert!(is_web_url("HTTP://example.com"));
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://x.org",
            "https://",
            "https://a.com/\x1b[31m",
            "https://a.com/ b",
            "-https://a.com",
        ] {
            assert!(!is_web_url(bad), "{bad:?}");
        }
        assert!(open("file:///etc/passwd").is_err());
    }
}
