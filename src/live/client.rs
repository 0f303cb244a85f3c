//! The HTTP client of the live store: one reqwest client (rustls) with a browser-like
//! User-Agent and timeouts, a rate limit shared by every request, a concurrency cap, retries
//! with exponential backoff and jitter on 429, 5xx and timeouts (honouring `Retry-After`), and
//! typed errors whose messages say what to do. The bearer token goes only to `/backend-api/`
//! paths and never into a message, a log line or `Debug` output.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// The store's default address.
pub const DEFAULT_BASE_URL: &str = "https://chatgpt.com";
/// Polite by default: about one request a second.
pub const DEFAULT_RATE: f64 = 1.0;
pub const DEFAULT_CONCURRENCY: usize = 4;
const USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                          Chrome/131.0 Safari/537.36 gptscope";

/// A bearer token: shown as `[redacted]` everywhere it could be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token from text (trimmed; `Bearer ` prefix removed); none when empty.
    pub fn new(text: &str) -> Option<Token> {
        let t = text.trim();
        let t = t.strip_prefix("Bearer ").unwrap_or(t).trim();
        (!t.is_empty()).then(|| Token(t.to_owned()))
    }

    fn header(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// Removes the token from a text that might contain it (an error from below).
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "[redacted]")
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// A browser session: what a signed-in browser sends the store beside the token (its cookies,
/// any headers the user names, and the device id the web app keeps), so `/backend-api/` answers
/// as it does to the browser. Secrets like the token: sent only to the store, never written to
/// the database, a log line, a message or `Debug` output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Session {
    /// The `Cookie` header's value.
    pub cookie: Option<String>,
    /// More headers, `(name, value)`; they win over the browser-like defaults.
    pub headers: Vec<(String, String)>,
    /// `oai-device-id`: made once and kept in the state directory.
    pub device_id: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("cookie", &self.cookie.as_ref().map(|_| "[redacted]"))
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Session {
    /// Whether anything of a browser's session (cookies, headers) is sent.
    pub fn is_set(&self) -> bool {
        self.cookie.is_some() || !self.headers.is_empty()
    }

    /// The secret values, for taking them out of any text that could show them.
    fn secrets(&self) -> impl Iterator<Item = &str> {
        self.cookie
            .iter()
            .map(String::as_str)
            .chain(self.headers.iter().map(|(_, v)| v.as_str()))
            .filter(|v| v.len() >= 4)
    }

    /// The `Cookie` value from a cookie file: Netscape `cookies.txt` (as browser extensions
    /// export it; the cookies for `host` and its parent domains), or one `Cookie:` line.
    pub fn cookie_from_file(text: &str, host: &str) -> Option<String> {
        let text = text.trim_start_matches('\u{feff}');
        if let Some(line) = text
            .lines()
            .map(str::trim)
            .find(|l| l.to_ascii_lowercase().starts_with("cookie:"))
        {
            let v = line["cookie:".len()..].trim();
            return (!v.is_empty()).then(|| v.to_owned());
        }
        let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
        let mut pairs = Vec::new();
        for line in text.lines() {
            let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 7 {
                continue;
            }
            let domain = f[0].trim_start_matches('.').to_ascii_lowercase();
            if host == domain || host.ends_with(&format!(".{domain}")) {
                pairs.push(format!("{}={}", f[5], f[6].trim_end()));
            }
        }
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// A device id like the web app's (a random UUID), kept in `dir/device-id` from the first
    /// use on; none when the directory cannot be written (the request goes without).
    pub fn device_id_in(dir: &std::path::Path) -> Option<String> {
        let path = dir.join("device-id");
        if let Ok(id) = std::fs::read_to_string(&path) {
            let id = id.trim().to_owned();
            if id.len() == 36 {
                return Some(id);
            }
        }
        let id = random_uuid();
        std::fs::create_dir_all(dir).ok()?;
        std::fs::write(&path, &id).ok()?;
        Some(id)
    }
}

/// `20 s`, `0.8 s`: a wait in words.
fn seconds(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// Whether `name` can be an HTTP header's name.
pub fn is_header_name(name: &str) -> bool {
    reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
}

/// A version-4 UUID from the process's random hashing keys, the clock and the pid.
fn random_uuid() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for (i, half) in bytes.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        h.write_usize(i);
        half.copy_from_slice(&h.finish().to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// How to reach the store and how hard to push it.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    pub base_url: String,
    pub token: Option<Token>,
    /// A browser session sent along (cookies, headers, device id).
    pub session: Session,
    /// Requests per second (0: no limit).
    pub rate: f64,
    pub concurrency: usize,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Tries after the first, on 429, 5xx and timeouts.
    pub max_retries: u32,
    /// The first backoff; doubled each retry (plus up to 50% jitter).
    pub backoff: Duration,
    /// The longest wait a `Retry-After` may ask for before we give up instead.
    pub max_retry_after: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token: None,
            session: Session::default(),
            rate: DEFAULT_RATE,
            concurrency: DEFAULT_CONCURRENCY,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            max_retries: 4,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What went wrong with a request, in words a user can act on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LiveError {
    #[error("token missing or expired: set GPTSCOPE_TOKEN to a fresh one (HTTP 401)")]
    Unauthorized,
    #[error(
        "blocked by the store's bot protection (HTTP 403){}",
        if *with_session {
            ", even with the browser session: its cookies may have expired; copy fresh ones from a \
             signed-in chatgpt.com tab, or save what the browser saw (DevTools: Save all as HAR) \
             and `gptscope import FILE.har`"
        } else {
            ": send a browser session (GPTSCOPE_COOKIE or [live] cookie_file with a signed-in \
             chatgpt.com tab's cookies), or save what the browser saw (DevTools: Save all as HAR) \
             and `gptscope import FILE.har`"
        }
    )]
    Forbidden { with_session: bool },
    #[error("{0}")]
    NotFound(String),
    #[error("rate limited by the store; gave up after {retries} retries (HTTP 429)")]
    RateLimited { retries: u32 },
    #[error("the store failed (HTTP {status} {detail}) {tries} times in a row")]
    Server {
        status: u16,
        tries: u32,
        /// The answer's `detail`, else the status's reason (`Internal Server Error`).
        detail: String,
    },
    #[error("the store did not answer within {}", seconds(*.0))]
    /// How long it waited, in milliseconds.
    Timeout(u64),
    #[error("cannot reach {host}: {reason}")]
    Unreachable { host: String, reason: String },
    #[error("the store answered something unexpected ({what}; first bytes: {first:?})")]
    Unexpected { what: String, first: String },
    #[error("cancelled")]
    Cancelled,
}

impl LiveError {
    /// Whether a refresh should record the GPT as gone (rather than carry it forward).
    pub fn is_not_found(&self) -> bool {
        matches!(self, LiveError::NotFound(_))
    }

    /// The error in a few words, for a list of what failed: `500 Internal Server Error`,
    /// `404 Not Found`, `timed out after 20 s`.
    pub fn brief(&self) -> String {
        match self {
            LiveError::Server { status, detail, .. } => format!("{status} {detail}"),
            LiveError::NotFound(_) => "404 Not Found".to_owned(),
            LiveError::RateLimited { .. } => "429 Too Many Requests".to_owned(),
            LiveError::Timeout(ms) => format!("timed out after {}", seconds(*ms)),
            other => other.to_string(),
        }
    }

    /// The body's first bytes, for an "unexpected" message.
    pub fn unexpected(what: impl Into<String>, body: &[u8]) -> LiveError {
        let head = &body[..body.len().min(60)];
        LiveError::Unexpected {
            what: what.into(),
            first: crate::text::line(&String::from_utf8_lossy(head)).into_owned(),
        }
    }
}

/// Something worth telling the user while a request is under way.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// Retrying `path` in `wait` (why).
    Retrying {
        path: String,
        wait: Duration,
        why: String,
    },
}

/// Evenly spaced request start times: at most `rate` starts a second, shared by every task.
struct RateLimiter {
    interval: Option<Duration>,
    next: Mutex<Instant>,
}

impl RateLimiter {
    fn new(rate: f64) -> RateLimiter {
        let interval =
            (rate > 0.0 && rate.is_finite()).then(|| Duration::from_secs_f64(1.0 / rate));
        RateLimiter {
            interval,
            next: Mutex::new(Instant::now()),
        }
    }

    async fn wait(&self) {
        let Some(interval) = self.interval else {
            return;
        };
        let at = {
            let mut next = match self.next.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            let at = (*next).max(Instant::now());
            *next = at + interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// Counters of a client's life, for summaries and benchmarks.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
}

/// The live store's client. Cheap to clone (shares its connection pool, limits and counters).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Arc<LiveConfig>,
    limiter: Arc<RateLimiter>,
    permits: Arc<Semaphore>,
    pub counters: Arc<Counters>,
    events: Option<Arc<dyn Fn(LiveEvent) + Send + Sync>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish()
    }
}

/// A small random number from the clock, for jitter (no need for a random-number crate).
fn jitter(max: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let frac = f64::from(nanos % 1000) / 1000.0;
    max.mul_f64(frac)
}

/// `Retry-After` in seconds (the HTTP-date form is rare here and taken as "a while").
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    match v.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s)),
        _ => Some(Duration::from_secs(30)),
    }
}

impl Client {
    pub fn new(config: LiveConfig) -> Result<Client, LiveError> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .pool_max_idle_per_host(config.concurrency.max(1))
            .build()
            .map_err(|e| LiveError::Unreachable {
                host: config.base_url.clone(),
                reason: format!("cannot set up HTTP: {e}"),
            })?;
        Ok(Client {
            http,
            limiter: Arc::new(RateLimiter::new(config.rate)),
            permits: Arc::new(Semaphore::new(config.concurrency.max(1))),
            counters: Arc::new(Counters::default()),
            config: Arc::new(config),
            events: None,
        })
    }

    /// Tells `f` about retries while requests run (for a status line).
    pub fn with_events(mut self, f: impl Fn(LiveEvent) + Send + Sync + 'static) -> Client {
        self.events = Some(Arc::new(f));
        self
    }

    pub fn config(&self) -> &LiveConfig {
        &self.config
    }

    pub fn has_token(&self) -> bool {
        self.config.token.is_some()
    }

    fn host(&self) -> String {
        let url = &self.config.base_url;
        url.split_once("://")
            .map_or(url.as_str(), |(_, r)| r)
            .trim_end_matches('/')
            .to_owned()
    }

    fn redact(&self, text: &str) -> String {
        let mut out = match &self.config.token {
            Some(t) => t.redact(text),
            None => text.to_owned(),
        };
        for secret in self.config.session.secrets() {
            out = out.replace(secret, "[redacted]");
        }
        out
    }

    /// The headers a browser on the store sends: what it accepts, its language, where it came
    /// from, the device id; then the session's cookie and headers (which win).
    fn browser_headers(&self) -> reqwest::header::HeaderMap {
        use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
        let base = self.config.base_url.trim_end_matches('/');
        let mut h = HeaderMap::new();
        let mut put = |name: &str, value: &str| {
            if let (Ok(n), Ok(mut v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                v.set_sensitive(true);
                h.insert(n, v);
            }
        };
        put("accept", "application/json, text/plain, */*");
        put("accept-language", "en-US,en;q=0.9");
        put("referer", &format!("{base}/gpts"));
        put("origin", base);
        put("oai-language", "en-US");
        let s = &self.config.session;
        if let Some(id) = &s.device_id {
            put("oai-device-id", id);
        }
        if let Some(c) = &s.cookie {
            put("cookie", c);
        }
        for (k, v) in &s.headers {
            put(k, v);
        }
        h
    }

    /// GETs `path` (with its query), retrying what is worth retrying; the body on 200.
    /// `not_found` is the message for a 404.
    pub async fn get(&self, path: &str, not_found: &str) -> Result<Vec<u8>, LiveError> {
        let url = format!("{}{path}", self.config.base_url.trim_end_matches('/'));
        let auth = path.starts_with("/backend-api/");
        let mut retries = 0u32;
        loop {
            let outcome = {
                let _permit = self
                    .permits
                    .acquire()
                    .await
                    .map_err(|_| LiveError::Cancelled)?;
                self.limiter.wait().await;
                self.counters.requests.fetch_add(1, Ordering::Relaxed);
                let mut req = self.http.get(&url).headers(self.browser_headers());
                if auth && let Some(t) = &self.config.token {
                    req = req.header(reqwest::header::AUTHORIZATION, t.header());
                }
                self.once(req, not_found).await
            };
            // Logged by path only: the headers (and so the token) never are.
            let (err, wait) = match outcome {
                Ok(body) => {
                    tracing::debug!(path, bytes = body.len(), "GET ok");
                    return Ok(body);
                }
                Err(Attempt::Final(e)) => {
                    tracing::warn!(path, error = %e, "GET failed");
                    return Err(e);
                }
                Err(Attempt::Retry(e, after)) => (e, after),
            };
            if retries >= self.config.max_retries {
                return Err(match err {
                    LiveError::RateLimited { .. } => LiveError::RateLimited { retries },
                    LiveError::Server { status, detail, .. } => LiveError::Server {
                        status,
                        tries: retries + 1,
                        detail,
                    },
                    other => other,
                });
            }
            let backoff = self.config.backoff * 2u32.saturating_pow(retries);
            let wait = match wait {
                Some(w) if w > self.config.max_retry_after => {
                    return Err(LiveError::RateLimited { retries });
                }
                Some(w) => w,
                None => backoff + jitter(backoff / 2),
            };
            retries += 1;
            tracing::info!(path, error = %err, wait_ms = wait.as_millis() as u64, "retrying");
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
            if let Some(events) = &self.events {
                events(LiveEvent::Retrying {
                    path: path.to_owned(),
                    wait,
                    why: match &err {
                        LiveError::RateLimited { .. } => {
                            format!("rate limited, retrying in {} s", wait.as_secs_f64().ceil())
                        }
                        other => format!("{other}; retrying in {:.1} s", wait.as_secs_f64()),
                    },
                });
            }
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(
        &self,
        req: reqwest::RequestBuilder,
        not_found: &str,
    ) -> Result<Vec<u8>, Attempt> {
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => {
                return Err(Attempt::Retry(
                    LiveError::Timeout(self.config.timeout.as_millis() as u64),
                    None,
                ));
            }
            Err(e) => {
                // The reason without the URL (which is ours) and never the token.
                let mut reason = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    reason = s.to_string();
                    source = s.source();
                }
                return Err(Attempt::Final(LiveError::Unreachable {
                    host: self.host(),
                    reason: self.redact(&reason),
                }));
            }
        };
        let status = resp.status().as_u16();
        match status {
            200 => {}
            401 => return Err(Attempt::Final(LiveError::Unauthorized)),
            403 => {
                return Err(Attempt::Final(LiveError::Forbidden {
                    with_session: self.config.session.is_set(),
                }));
            }
            404 | 410 => return Err(Attempt::Final(LiveError::NotFound(not_found.to_owned()))),
            429 => {
                let after = retry_after(&resp);
                return Err(Attempt::Retry(LiveError::RateLimited { retries: 0 }, after));
            }
            500..=599 => {
                let after = retry_after(&resp);
                let body = resp.bytes().await.unwrap_or_default();
                return Err(Attempt::Retry(
                    LiveError::Server {
                        status,
                        tries: 1,
                        detail: server_detail(status, &body),
                    },
                    after,
                ));
            }
            other => {
                let body = resp.bytes().await.unwrap_or_default();
                return Err(Attempt::Final(LiveError::unexpected(
                    format!("HTTP {other}"),
                    &body,
                )));
            }
        }
        match resp.bytes().await {
            Ok(b) => Ok(b.to_vec()),
            Err(e) if e.is_timeout() => Err(Attempt::Retry(
                LiveError::Timeout(self.config.timeout.as_millis() as u64),
                None,
            )),
            // A body cut short: what arrived is not worth parsing.
            Err(e) => Err(Attempt::Final(LiveError::Unexpected {
                what: "the answer was cut short".into(),
                first: self.redact(&e.to_string()),
            })),
        }
    }
}

/// What a failing answer says of itself: its JSON `detail` (`{"detail":"Internal Server
/// Error"}`), else the status's reason phrase; made safe to print.
fn server_detail(status: u16, body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Detail {
        detail: String,
    }
    let said = serde_json::from_slice::<Detail>(body)
        .ok()
        .map(|d| {
            crate::text::line(&d.detail)
                .chars()
                .take(80)
                .collect::<String>()
        })
        .filter(|d| !d.trim().is_empty());
    said.unwrap_or_else(|| {
        reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Server Error")
            .to_owned()
    })
}

/// One try's failure: final, or worth another try (after the server's wait, when it says).
enum Attempt {
    Final(LiveError),
    Retry(LiveError, Option<Duration>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let t = Token::new("Bearer eyJhbGciOi.secret.sig").unwrap();
        assert_eq!(format!("{t:?}"), "Token([redacted])");
        let cfg = LiveConfig {
            token: Some(t.clone()),
            ..LiveConfig::default()
        };
        assert!(!format!("{cfg:?}").contains("secret"));
        assert_eq!(
            t.redact("header Bearer eyJhbGciOi.secret.sig sent"),
            "header Bearer [redacted] sent"
        );
        assert!(Token::new("  ").is_none());
    }
}
