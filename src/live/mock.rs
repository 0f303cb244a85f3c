//! A mock GPT Store for tests and for trying the live panes offline: real HTTP on 127.0.0.1,
//! serving a real discovery answer (read from a file at start) on every endpoint of DESIGN §3,
//! shelves made as long as asked with synthetic GPTs (cursor paging over many pages), an
//! author's GPTs and search paged the same way, and faults on demand (401, 403, 404, 429 with
//! `Retry-After`, 500, slow, truncated and malformed bodies). It logs every request (path, time,
//! whether a token came) so tests can count what the client did.
//!
//! A small HTTP/1.1 server of our own (one request per connection) rather than a web framework:
//! it needs GET and a few headers, and must be able to misbehave on purpose.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A misbehaviour.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this status and a small JSON error body.
    Status(u16),
    /// 429 with `Retry-After: secs`.
    RateLimit { retry_after: u32 },
    /// Wait this long before answering.
    Slow(Duration),
    /// Promise a longer body than is sent, then close.
    Truncated,
    /// 200 with a body that is not JSON (a bot-wall page).
    Malformed,
}

impl Fault {
    /// `401`, `403`, `404`, `500`, `429:SECS`, `slow:MS`, `truncated`, `malformed`.
    pub fn parse(s: &str) -> Option<Fault> {
        let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
        match kind {
            "429" => Some(Fault::RateLimit {
                retry_after: arg.parse().unwrap_or(1),
            }),
            "slow" => Some(Fault::Slow(Duration::from_millis(arg.parse().ok()?))),
            "truncated" => Some(Fault::Truncated),
            "malformed" => Some(Fault::Malformed),
            code => code.parse().ok().map(Fault::Status),
        }
    }
}

/// A fault for requests whose path contains `path`, `times` times (for ever when none).
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub path: String,
    pub fault: Fault,
    pub times: Option<u32>,
}

impl FaultRule {
    /// `FAULT[@PATH][*TIMES]`: `429:2@/gizmos/*3`, `500`, `slow:300@/discovery`.
    pub fn parse(s: &str) -> Option<FaultRule> {
        let (rest, times) = match s.rsplit_once('*') {
            Some((r, t)) => (r, Some(t.parse().ok()?)),
            None => (s, None),
        };
        let (fault, path) = rest.split_once('@').unwrap_or((rest, ""));
        Some(FaultRule {
            path: path.to_owned(),
            fault: Fault::parse(fault)?,
            times,
        })
    }
}

/// One request the mock saw.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub at: Instant,
    /// The `Authorization` header, as sent.
    pub authorization: Option<String>,
}

#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The token `/backend-api/` wants (`Bearer <token>`); none: any or no token passes.
    pub token: Option<String>,
    /// Synthetic GPTs added at the end of every shelf.
    pub extra_per_shelf: usize,
    /// GPTs listed per page of an author's GPTs and of search.
    pub list_page: usize,
    pub faults: Vec<FaultRule>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            token: None,
            extra_per_shelf: 0,
            list_page: 10,
            faults: Vec::new(),
        }
    }
}

struct Shelf {
    info: Value,
    ids: Vec<String>,
}

/// The store the mock serves.
struct Data {
    gpts: HashMap<String, Value>,
    /// In store-front order.
    shelves: Vec<Shelf>,
    authors: HashMap<String, Vec<String>>,
}

impl Data {
    fn load(discovery: &Path, extra_per_shelf: usize) -> std::io::Result<Data> {
        let text = std::fs::read_to_string(discovery)?;
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            std::io::Error::other(format!(
                "{}: not a discovery answer: {e}",
                discovery.display()
            ))
        })?;
        let mut data = Data {
            gpts: HashMap::new(),
            shelves: Vec::new(),
            authors: HashMap::new(),
        };
        let cuts = v["cuts"].as_array().cloned().unwrap_or_default();
        let mut rng = crate::synth::Rng::new(7);
        let mut synthetic = 0u64;
        for cut in cuts {
            let mut shelf = Shelf {
                info: cut["info"].clone(),
                ids: Vec::new(),
            };
            for item in cut["list"]["items"].as_array().cloned().unwrap_or_default() {
                let resource = item.get("resource").cloned().unwrap_or(item);
                if let Some(id) = resource["gizmo"]["id"].as_str() {
                    shelf.ids.push(id.to_owned());
                    data.add(resource.clone());
                }
            }
            for _ in 0..extra_per_shelf {
                synthetic += 1;
                let r = crate::synth::resource(&mut rng, synthetic, 50);
                if let Some(id) = r["gizmo"]["id"].as_str() {
                    shelf.ids.push(id.to_owned());
                    data.add(r.clone());
                }
            }
            data.shelves.push(shelf);
        }
        Ok(data)
    }

    fn add(&mut self, resource: Value) {
        let Some(id) = resource["gizmo"]["id"].as_str().map(str::to_owned) else {
            return;
        };
        if let Some(user) = resource["gizmo"]["author"]["user_id"].as_str() {
            let list = self.authors.entry(user.to_owned()).or_default();
            if !list.contains(&id) {
                list.push(id.clone());
            }
        }
        self.gpts.insert(id, resource);
    }
}

struct Shared {
    data: Data,
    config: MockConfig,
    faults: Mutex<Vec<FaultRule>>,
    log: Mutex<Vec<Hit>>,
}

/// A running mock store; stops when dropped.
pub struct MockStore {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockStore {
    /// Starts a mock on a free loopback port, serving `discovery` (a discovery answer file).
    pub fn start(discovery: &Path, config: MockConfig) -> std::io::Result<MockStore> {
        Self::start_on(discovery, config, 0)
    }

    pub fn start_on(discovery: &Path, config: MockConfig, port: u16) -> std::io::Result<MockStore> {
        let shared = Arc::new(Shared {
            data: Data::load(discovery, config.extra_per_shelf)?,
            faults: Mutex::new(config.faults.clone()),
            config,
            log: Mutex::new(Vec::new()),
        });
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = shared.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("mock-store".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(std_listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = serve(listener, serving) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        Ok(MockStore {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds a fault rule.
    pub fn fault(&self, rule: FaultRule) {
        lock(&self.shared.faults).push(rule);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Every request so far.
    pub fn hits(&self) -> Vec<Hit> {
        lock(&self.shared.log).clone()
    }

    /// The GPT ids of a shelf, in order.
    pub fn shelf_ids(&self, cut: &str) -> Vec<String> {
        self.shared
            .data
            .shelves
            .iter()
            .find(|s| s.info["id"] == cut)
            .map(|s| s.ids.clone())
            .unwrap_or_default()
    }

    /// Every GPT id the mock knows.
    pub fn gpt_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.shared.data.gpts.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// Blocks until stopped (for the example binary).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for MockStore {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let _ = handle(stream, &shared).await;
        });
    }
}

/// Reads one request's head: the path and the Authorization header.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<(String, Option<String>)>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 64 * 1024 {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let mut lines = head.lines();
    let path = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/")
        .to_owned();
    let auth = lines
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned());
    Ok(Some((path, auth)))
}

async fn handle(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let Some((path, auth)) = read_head(&mut stream).await? else {
        return Ok(());
    };
    lock(&shared.log).push(Hit {
        path: path.clone(),
        at: Instant::now(),
        authorization: auth.clone(),
    });
    let fault = {
        let mut faults = lock(&shared.faults);
        let at = faults.iter().position(|f| path.contains(&f.path));
        match at {
            Some(i) => {
                let f = faults[i].fault.clone();
                if let Some(t) = &mut faults[i].times {
                    *t = t.saturating_sub(1);
                    if *t == 0 {
                        faults.remove(i);
                    }
                }
                Some(f)
            }
            None => None,
        }
    };
    let (status, mut extra, body) = match fault {
        Some(Fault::Status(s)) => (
            s,
            String::new(),
            json!({"detail": "mock fault"}).to_string(),
        ),
        Some(Fault::RateLimit { retry_after }) => (
            429,
            format!("Retry-After: {retry_after}\r\n"),
            json!({"detail": "Too many requests"}).to_string(),
        ),
        Some(Fault::Malformed) => (
            200,
            String::new(),
            "<!DOCTYPE html><html><title>Just a moment...</title></html>".to_owned(),
        ),
        Some(Fault::Slow(d)) => {
            tokio::time::sleep(d).await;
            answer(&path, auth.as_deref(), shared)
        }
        Some(Fault::Truncated) => {
            let (status, _, body) = answer(&path, auth.as_deref(), shared);
            let cut = body.len() / 2;
            let head = format!(
                "HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body.as_bytes()[..cut]).await?;
            return stream.shutdown().await;
        }
        None => answer(&path, auth.as_deref(), shared),
    };
    extra.push_str("Content-Type: application/json\r\nConnection: close\r\n");
    let head = format!(
        "HTTP/1.1 {status} {}\r\n{extra}Content-Length: {}\r\n\r\n",
        reason(status),
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn not_found() -> (u16, String, String) {
    (
        404,
        String::new(),
        json!({"detail": "Not found"}).to_string(),
    )
}

/// The answer to a well-behaved request.
fn answer(target: &str, auth: Option<&str>, shared: &Shared) -> (u16, String, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let data = &shared.data;
    if path.starts_with("/backend-api/")
        && let Some(want) = &shared.config.token
        && auth != Some(&format!("Bearer {want}"))
    {
        return (
            401,
            String::new(),
            json!({"detail": "Unauthorized"}).to_string(),
        );
    }
    let ok = |v: Value| (200, String::new(), v.to_string());
    let page = |ids: &[String], cursor: usize, limit: usize| -> (Vec<Value>, Value) {
        let items: Vec<Value> = ids
            .iter()
            .skip(cursor)
            .take(limit)
            .filter_map(|id| data.gpts.get(id).cloned())
            .collect();
        let next = cursor + limit;
        let cursor = if next < ids.len() {
            Value::String(next.to_string())
        } else {
            Value::Null
        };
        (items, cursor)
    };
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["public-api", "gizmos", "discovery"] => {
            let cuts: Vec<Value> = data
                .shelves
                .iter()
                .map(|s| {
                    let (items, cursor) = page(&s.ids, 0, 6);
                    let items: Vec<Value> =
                        items.into_iter().map(|r| json!({"resource": r})).collect();
                    json!({"info": s.info, "list": {"items": items, "cursor": cursor}})
                })
                .collect();
            ok(json!({"cuts": cuts, "locale": "global"}))
        }
        ["public-api", "gizmos", "discovery", cut] => {
            let Some(s) = data.shelves.iter().find(|s| s.info["id"] == *cut) else {
                return not_found();
            };
            let cursor = query_param(query, "cursor")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let limit = query_param(query, "limit")
                .and_then(|c| c.parse().ok())
                .unwrap_or(24usize)
                .clamp(1, 100);
            let (items, cursor) = page(&s.ids, cursor, limit);
            let items: Vec<Value> = items.into_iter().map(|r| json!({"resource": r})).collect();
            ok(json!({"info": s.info, "list": {"items": items, "cursor": cursor}}))
        }
        ["public-api" | "backend-api", "gizmos", "search"] => {
            let q = query_param(query, "q").unwrap_or("").to_lowercase();
            let mut ids: Vec<String> = data
                .gpts
                .iter()
                .filter(|(_, r)| {
                    r["gizmo"]["display"]["name"]
                        .as_str()
                        .is_some_and(|n| n.to_lowercase().contains(&q))
                })
                .map(|(id, _)| id.clone())
                .collect();
            ids.sort();
            let cursor = query_param(query, "cursor")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let (items, cursor) = page(&ids, cursor, shared.config.list_page);
            ok(json!({"items": items, "cursor": cursor}))
        }
        ["public-api" | "backend-api", "gizmos", id] => match data.gpts.get(*id) {
            Some(r) => ok(r.clone()),
            None => not_found(),
        },
        ["backend-api", "gizmos", id, "about"] => match data.gpts.get(*id) {
            Some(r) => ok(json!({"gizmo": r["gizmo"], "blocks": []})),
            None => not_found(),
        },
        ["backend-api", "gizmo_creators", user, "gizmos"] => {
            let Some(ids) = data.authors.get(*user) else {
                return not_found();
            };
            let cursor = query_param(query, "cursor")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            let (items, cursor) = page(ids, cursor, shared.config.list_page);
            ok(json!({"items": items, "cursor": cursor}))
        }
        _ => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_rules_from_text() {
        let r = FaultRule::parse("429:2@/gizmos/*3").unwrap();
        assert_eq!(r.fault, Fault::RateLimit { retry_after: 2 });
        assert_eq!((r.path.as_str(), r.times), ("/gizmos/", Some(3)));
        let r = FaultRule::parse("500").unwrap();
        assert_eq!(
            (r.fault, r.path.as_str(), r.times),
            (Fault::Status(500), "", None)
        );
        assert_eq!(
            FaultRule::parse("slow:300@/discovery").unwrap().fault,
            Fault::Slow(Duration::from_millis(300))
        );
        assert!(FaultRule::parse("sometimes").is_none());
    }
}
