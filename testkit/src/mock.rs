//! A mock GPT Store for tests and for trying the live panes offline: real HTTP on 127.0.0.1,
//! serving a real discovery answer (read from a file at start) on every endpoint of the store's API,
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
    /// Every header as sent (name lowercased), for checking a browser session.
    pub headers: Vec<(String, String)>,
    /// Status answered; 0 until the whole answer was written (a request cut off by the
    /// client's death stays 0).
    pub status: u16,
}

#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The token `/backend-api/` wants (`Bearer <token>`); none: any or no token passes.
    pub token: Option<String>,
    /// Synthetic GPTs added at the end of every shelf.
    pub extra_per_shelf: usize,
    /// GPTs listed per page of an author's GPTs and of search.
    pub list_page: usize,
    /// A store of synthetic GPTs behind the front: `(gpts, authors)`. Each GPT's name holds
    /// one of the first hundred common words (`assets/common_words.txt`), so searching them
    /// reaches every author, as a crawl with `--common-words 100` does.
    pub graph: Option<(usize, usize)>,
    pub faults: Vec<FaultRule>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            token: None,
            extra_per_shelf: 0,
            list_page: 10,
            graph: None,
            faults: Vec::new(),
        }
    }
}

struct Shelf {
    info: Value,
    ids: Vec<String>,
    /// Saved answers of the shelf's own endpoint, served in order along their cursors
    /// (replaying a saved day); none: pages are cut from `ids`.
    saved: Option<Vec<Value>>,
    /// The store front's cursor of the shelf, for saved answers.
    front_cursor: Value,
}

/// The store the mock serves.
struct Data {
    gpts: HashMap<String, Value>,
    /// In store-front order.
    shelves: Vec<Shelf>,
    authors: HashMap<String, Vec<String>>,
    /// The store front's answer as saved, when replaying a saved day.
    front: Option<Value>,
    /// Lowercase words of GPT names, and the GPTs (sorted ids) whose names hold them.
    words: HashMap<String, Vec<String>>,
}

/// The lowercase words of a name.
fn words_of(name: &str) -> impl Iterator<Item = String> + '_ {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

impl Data {
    fn empty() -> Data {
        Data {
            gpts: HashMap::new(),
            shelves: Vec::new(),
            authors: HashMap::new(),
            front: None,
            words: HashMap::new(),
        }
    }

    /// A saved day: `discovery.json` (the front) and the shelves' own answers (`{info, list}`,
    /// any other name), each shelf's pages in file-name order.
    fn replay(dir: &Path) -> std::io::Result<Data> {
        let read = |p: &Path| -> std::io::Result<Value> {
            let text = std::fs::read_to_string(p)?;
            serde_json::from_str(&text)
                .map_err(|e| std::io::Error::other(format!("{}: not JSON: {e}", p.display())))
        };
        let front_path = dir.join("discovery.json");
        let front = read(&front_path)?;
        let mut data = Data::load_front(&front, 0)?;
        let mut files: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json") && *p != front_path)
            .collect();
        files.sort();
        for f in files {
            let page = read(&f)?;
            let Some(id) = page["info"]["id"].as_str().map(str::to_owned) else {
                continue;
            };
            for item in page["list"]["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
            {
                data.add(item.get("resource").cloned().unwrap_or(item));
            }
            match data
                .shelves
                .iter_mut()
                .find(|s| s.info["id"] == id.as_str())
            {
                Some(s) => s.saved.get_or_insert_with(Vec::new).push(page),
                None => data.shelves.push(Shelf {
                    info: page["info"].clone(),
                    ids: Vec::new(),
                    saved: Some(vec![page]),
                    front_cursor: Value::Null,
                }),
            }
        }
        data.front = Some(front);
        data.index_words();
        Ok(data)
    }

    fn load(discovery: &Path, extra_per_shelf: usize) -> std::io::Result<Data> {
        let text = std::fs::read_to_string(discovery)?;
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            std::io::Error::other(format!(
                "{}: not a discovery answer: {e}",
                discovery.display()
            ))
        })?;
        Data::load_front(&v, extra_per_shelf)
    }

    fn load_front(v: &Value, extra_per_shelf: usize) -> std::io::Result<Data> {
        let mut data = Data::empty();
        let cuts = v["cuts"].as_array().cloned().unwrap_or_default();
        let mut rng = crate::synth::Rng::new(7);
        let mut synthetic = 0u64;
        for cut in cuts {
            let mut shelf = Shelf {
                info: cut["info"].clone(),
                ids: Vec::new(),
                saved: None,
                front_cursor: cut["list"]["cursor"].clone(),
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
        data.index_words();
        Ok(data)
    }

    /// Adds `gpts` synthetic GPTs by `authors` authors (every author has one at least, then a
    /// long tail), each name holding one of the first hundred common words.
    fn add_graph(&mut self, gpts: usize, authors: usize) {
        let words = gptscope::assets::common_words();
        let mut rng = crate::synth::Rng::new(11);
        let authors = authors.max(1);
        let mut made = 0usize;
        let mut i = 0u64;
        while made < gpts {
            i += 1;
            let mut r = crate::synth::resource(&mut rng, 1_000_000 + i, authors as u64);
            let Some(id) = r["gizmo"]["id"].as_str().map(str::to_owned) else {
                continue;
            };
            if self.gpts.contains_key(&id) {
                continue;
            }
            let author = if made < authors {
                made
            } else {
                (authors as f64 * rng.unit().powf(2.5)) as usize % authors
            };
            let first = words
                .get(made % 100.min(words.len()))
                .copied()
                .unwrap_or("gpt");
            let second = words
                .get(rng.below(words.len() as u64) as usize)
                .copied()
                .unwrap_or("helper");
            r["gizmo"]["display"]["name"] = json!(format!("{first} {second} {made}"));
            r["gizmo"]["author"]["user_id"] = json!(format!("user-graph{author:06}"));
            r["gizmo"]["author"]["display_name"] = json!(format!("Graph Builder {author}"));
            self.add(r);
            made += 1;
        }
        self.index_words();
    }

    fn index_words(&mut self) {
        self.words.clear();
        for (id, r) in &self.gpts {
            let name = r["gizmo"]["display"]["name"].as_str().unwrap_or("");
            let mut seen = std::collections::HashSet::new();
            for w in words_of(name) {
                if seen.insert(w.clone()) {
                    self.words.entry(w).or_default().push(id.clone());
                }
            }
        }
        for ids in self.words.values_mut() {
            ids.sort();
        }
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
        let mut data = Data::load(discovery, config.extra_per_shelf)?;
        if let Some((gpts, authors)) = config.graph {
            data.add_graph(gpts, authors);
        }
        Self::serve_data(data, config, port)
    }

    /// Serves a saved day of the store as it answered: `dir/discovery.json` for the front, the
    /// shelves' own saved answers (`{info, list}`, in file-name order) for their pages, each
    /// page at the cursor the one before it gave (the first at the front's cursor); a cursor
    /// past the saved pages gets an empty last page.
    pub fn replay(dir: &Path, config: MockConfig, port: u16) -> std::io::Result<MockStore> {
        Self::serve_data(Data::replay(dir)?, config, port)
    }

    fn serve_data(data: Data, config: MockConfig, port: u16) -> std::io::Result<MockStore> {
        let shared = Arc::new(Shared {
            data,
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

    /// The authors it knows (of the front's GPTs and of the graph).
    pub fn author_count(&self) -> usize {
        self.shared.data.authors.len()
    }

    /// The shelves of its store front.
    pub fn shelf_count(&self) -> usize {
        self.shared.data.shelves.len()
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

/// Reads one request's head: the path and the headers (names lowercased).
async fn read_head(
    stream: &mut TcpStream,
) -> std::io::Result<Option<(String, Vec<(String, String)>)>> {
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
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Some((path, headers)))
}

async fn handle(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let Some((path, headers)) = read_head(&mut stream).await? else {
        return Ok(());
    };
    let auth = headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .map(|(_, v)| v.clone());
    let hit_no = {
        let mut log = lock(&shared.log);
        log.push(Hit {
            path: path.clone(),
            at: Instant::now(),
            authorization: auth.clone(),
            headers,
            status: 0,
        });
        log.len() - 1
    };
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
        Some(Fault::Status(s)) => (s, String::new(), json!({"detail": reason(s)}).to_string()),
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
    stream.shutdown().await?;
    if let Some(h) = lock(&shared.log).get_mut(hit_no) {
        h.status = status;
    }
    Ok(())
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
        ["public-api", "gizmos", "discovery"] if data.front.is_some() => {
            ok(data.front.clone().unwrap_or_default())
        }
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
            if let Some(saved) = &s.saved {
                return ok(saved_page(s, saved, query_param(query, "cursor")));
            }
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
            // Whole words of the name, every word of the query (as the store's search does).
            let q = query_param(query, "q")
                .unwrap_or("")
                .replace("%20", " ")
                .replace('+', " ");
            let mut terms = words_of(&q);
            let mut ids: Vec<String> = terms
                .next()
                .and_then(|w| data.words.get(&w).cloned())
                .unwrap_or_default();
            for w in terms {
                let more = data.words.get(&w).cloned().unwrap_or_default();
                ids.retain(|id| more.binary_search(id).is_ok());
            }
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
            Some(r) => ok(about_answer(r)),
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

/// A saved shelf answer for `cursor`: the first page at the front's cursor (or none), each
/// next one at the cursor the page before it gave; past them, an empty last page.
fn saved_page(s: &Shelf, saved: &[Value], cursor: Option<&str>) -> Value {
    let text = |v: &Value| match v {
        Value::String(t) => Some(t.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut expect = text(&s.front_cursor);
    for page in saved {
        if cursor.is_none() || cursor.map(str::to_owned) == expect {
            return page.clone();
        }
        expect = text(&page["list"]["cursor"]);
    }
    json!({"info": s.info, "list": {"items": [], "cursor": null}})
}

/// The about answer as the store sends it: the GPT, its tools, the about blocks (rating,
/// category ranking, conversations) and the rating split as fractions (one star first).
fn about_answer(r: &Value) -> Value {
    let g = &r["gizmo"];
    let stats = &g["vanity_metrics"]["review_stats"];
    let (total, count) = (
        stats["total"].as_f64().unwrap_or(0.0),
        stats["count"].as_f64().unwrap_or(0.0),
    );
    let mut blocks = Vec::new();
    if count > 0.0 {
        let avg = (total / count * 10.0).round() / 10.0;
        let count_str = if count >= 1000.0 {
            format!("{}K+", (count / 1000.0).floor())
        } else {
            format!("{count}")
        };
        blocks.push(
            json!({"type": "rating", "avg": avg, "count_str": format!("Ratings ({count_str})")}),
        );
    }
    if let Some(cat) = g["display"]["categories"]
        .as_array()
        .and_then(|c| c.first())
        .and_then(Value::as_str)
    {
        let rank = (g["id"].as_str().unwrap_or("").len() % 9 + 1) as u64;
        let mut title: Vec<char> = cat.chars().collect();
        if let Some(c) = title.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        blocks.push(json!({"type": "category", "category_ranking": rank,
            "category_str": title.into_iter().collect::<String>(), "category_locale_str": "(Global)"}));
    }
    if let Some(conv) = g["vanity_metrics"]["num_conversations_str"].as_str() {
        blocks.push(
            json!({"type": "generic_title_subtitle", "title": conv, "subtitle": "Conversations"}),
        );
    }
    let by_rating = if count > 0.0 {
        json!([0.04, 0.03, 0.08, 0.2, 0.65])
    } else {
        json!([])
    };
    json!({"gizmo": g, "tools": r["tools"], "files": r["files"], "product_features": r["product_features"],
           "about_blocks": blocks, "review_stats": {"by_rating": by_rating}})
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
