//! The preview's HTTP side, on hyper with tokio: the built site from memory, the live-reload
//! script, its event stream and a status endpoint. Only GET and HEAD; a request path is looked
//! up in the site's file map after decoding, so nothing outside the built site can ever be
//! served. Every request is first checked for a `Host` that names this machine (see
//! [`super::hosts`]). The server's limits: a request head of at most [`MAX_HEAD`] bytes that
//! must arrive within [`HEAD_TIMEOUT`] (also the idle time a kept-alive connection may wait), no
//! request body over [`MAX_BODY`], and a task, never a thread, per connection.

use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use percent_encoding::percent_decode_str;
use serde::Serialize;

use super::files;
use super::hosts::{origin_refusal, Hosts};
use super::limits::{Budget, Counter, TimedWrites, REFUSAL};
use super::live::{Hub, Message, SCRIPT};
use crate::markdown::escape;
use crate::pipeline::Snapshot;
use crate::render::OutFile;

pub const EVENTS_PATH: &str = "/__jiedu/events";
pub const SCRIPT_PATH: &str = crate::render::LIVE_SCRIPT;
pub const STATUS_PATH: &str = "/__jiedu/status";

/// The whole request head (request line and headers). Browsers send a few kilobytes.
pub const MAX_HEAD: usize = 64 * 1024;
/// Time for a request head to arrive, and for an idle kept-alive connection to send the next.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// The preview takes no request bodies; a larger declared one is refused before any is read.
pub const MAX_BODY: u64 = 1024 * 1024;
/// Threads answering requests; they never block on a client, so two serve many.
const WORKERS: usize = 2;

/// What the server shares with the rebuild loop.
#[derive(Default)]
pub struct State {
    /// The last good build; `None` until the first build succeeds.
    pub site: RwLock<Option<Arc<Snapshot>>>,
    /// The error of the last save, shown in the browser until a good save.
    pub problem: Mutex<Option<String>>,
    /// Counts finished rebuilds (good or not), for the status endpoint.
    pub generation: AtomicU64,
    pub hub: Hub,
}

impl State {
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.site.read().ok().and_then(|s| s.clone())
    }

    pub fn problem(&self) -> Option<String> {
        self.problem.lock().ok().and_then(|p| p.clone())
    }
}

/// The content type of a file, by its extension; text types are UTF-8.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Where a request goes, decided from its raw path alone.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Script,
    Events,
    Status,
    /// A site file: the decoded path (with its leading `/`).
    Site(String),
    /// Malformed or an attempt to leave the site (`..`, `\`, NUL, invalid UTF-8).
    Bad,
}

/// Decodes a request path and refuses every spelling of path traversal: `..` and `.` segments
/// (also as `%2e%2e`, `..%2f`), backslashes (also `%5c`), NUL, empty segments and paths that are
/// not absolute URL paths.
pub fn route(raw_url: &str) -> Route {
    let raw = raw_url.split(['?', '#']).next().unwrap_or_default();
    match raw {
        SCRIPT_PATH => return Route::Script,
        EVENTS_PATH => return Route::Events,
        STATUS_PATH => return Route::Status,
        _ => {}
    }
    if !raw.starts_with('/') || raw.contains('\\') {
        return Route::Bad;
    }
    let Ok(decoded) = percent_decode_str(raw).decode_utf8() else {
        return Route::Bad;
    };
    let segments: Vec<&str> = decoded[1..].split('/').collect();
    let last = segments.len() - 1;
    let bad_segment = segments
        .iter()
        .enumerate()
        .any(|(i, seg)| *seg == ".." || *seg == "." || (seg.is_empty() && i < last));
    if bad_segment || decoded.contains(['\\', '\0']) {
        return Route::Bad;
    }
    Route::Site(decoded.into_owned())
}

/// The running server; dropping it stops it.
pub struct Server {
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Server {
    fn drop(&mut self) {
        // Open event streams and paused video downloads are simply cut: nothing of theirs
        // needs finishing, and Ctrl-C should stop the preview at once.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

struct App {
    state: Arc<State>,
    hosts: Hosts,
    budget: Budget,
    connections: Arc<Counter>,
    /// Media files being sent (each holds a file open).
    streams: Arc<Counter>,
    /// Share images drawn at once, off the request threads (each takes ~60 ms of CPU).
    drawing: Arc<tokio::sync::Semaphore>,
}

/// Share images drawn at the same time when first asked for.
const DRAWING_AT_ONCE: usize = 2;

/// Starts answering on `listener` in a runtime of its own, within `budget`.
pub fn start(
    listener: TcpListener,
    state: Arc<State>,
    hosts: Hosts,
    budget: Budget,
) -> std::io::Result<Server> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .thread_name("jiedu-http")
        .enable_all()
        .build()?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let app = Arc::new(App {
        state,
        hosts,
        budget,
        connections: Arc::default(),
        streams: Arc::default(),
        drawing: Arc::new(tokio::sync::Semaphore::new(DRAWING_AT_ONCE)),
    });
    runtime.spawn(accept(listener, app));
    Ok(Server {
        runtime: Some(runtime),
    })
}

async fn accept(listener: tokio::net::TcpListener, app: Arc<App>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD)
        .max_buf_size(MAX_HEAD.max(8192) * 4)
        .keep_alive(true);
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            // Out of file descriptors, or a connection reset before it was taken: wait a
            // moment instead of spinning, then go on serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(permit) = app.connections.take(app.budget.connections) else {
            // Over the budget: told so at once (the socket has room for these few bytes) and
            // closed, instead of waiting in the queue while the descriptors run out.
            let _ = tcp.try_write(REFUSAL);
            continue;
        };
        // Without it, a response written in two parts waits for the client's delayed ACK
        // (about 40 ms) on every kept-alive request.
        let _ = tcp.set_nodelay(true);
        let app = Arc::clone(&app);
        let connection = http.serve_connection(
            TokioIo::new(TimedWrites::new(tcp, permit)),
            hyper::service::service_fn(move |request| {
                let app = Arc::clone(&app);
                async move { Ok::<_, Infallible>(finish(handle(&app, request).await)) }
            }),
        );
        // A client that goes away or breaks the protocol ends only its own connection.
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}

/// Headers every answer carries: nothing is cached (the preview changes with every save) and
/// no type is guessed from content.
fn finish(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(header::HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    response
}

/// A response with a body built here (never fails: every header value is fixed).
pub fn reply(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    response
}

/// A plain-text answer in Chinese.
pub fn plain(status: StatusCode, text: impl Into<String>) -> Response {
    reply(status, "text/plain; charset=utf-8", text.into())
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

async fn handle(app: &App, request: Request<Incoming>) -> Response {
    let headers = request.headers();
    // RFC 9112 §3.2: exactly one Host; a second one is a bad request, not a choice.
    if headers.get_all(header::HOST).iter().nth(1).is_some() {
        return plain(StatusCode::BAD_REQUEST, "请求中有多个 Host 头。\n");
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let Some(host) = host.filter(|h| app.hosts.allows(h)) else {
        return plain(StatusCode::FORBIDDEN, app.hosts.refusal(host));
    };
    // A target in absolute form (`GET http://evil.example/`) names the host the client means;
    // it must be this machine just as Host must.
    if let Some(authority) = request.uri().authority().map(|a| a.as_str()) {
        if !app.hosts.allows(authority) {
            return plain(StatusCode::FORBIDDEN, app.hosts.refusal(Some(authority)));
        }
    }
    if declared_length(headers).is_some_and(|n| n > MAX_BODY) {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "请求体过大：预览只接受不带请求体的 GET 和 HEAD 请求。\n",
        );
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "只支持 GET 和 HEAD 请求。\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let raw_path = request.uri().path();
    let route = route(raw_path);
    if matches!(route, Route::Events | Route::Status) {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("?");
            if !Hosts::same_origin(origin, host) {
                return plain(StatusCode::FORBIDDEN, origin_refusal(origin));
            }
        }
    }
    let state = &app.state;
    match route {
        Route::Events => {
            let first = state.problem().map(|text| Message::Problem { text });
            state.hub.stream(first)
        }
        Route::Script => reply(StatusCode::OK, content_type("live.js"), SCRIPT),
        Route::Status => {
            #[derive(Serialize)]
            struct Status {
                generation: u64,
                problem: Option<String>,
                files: usize,
            }
            let status = Status {
                generation: state.generation.load(Ordering::SeqCst),
                problem: state.problem(),
                files: state.current().map_or(0, |s| file_count(&s)),
            };
            let body = serde_json::to_vec(&status).unwrap_or_default();
            reply(StatusCode::OK, content_type("status.json"), body)
        }
        Route::Bad => plain(StatusCode::BAD_REQUEST, "请求的路径不合法。\n"),
        Route::Site(path) => site_file(app, &path, raw_path, headers).await,
    }
}

// What the HTTP side asks of a build, all in these three: a file by its output path
// (`a/index.html`), the URL prefix the site is served under, and how many files it has.

fn lookup(site: &Snapshot, key: &str) -> Option<Arc<OutFile>> {
    site.file(key)
}

fn url_prefix(site: &Snapshot) -> &str {
    site.site.urls.prefix()
}

fn file_count(site: &Snapshot) -> usize {
    site.len()
}

async fn site_file(app: &App, path: &str, raw_path: &str, headers: &HeaderMap) -> Response {
    let state = &app.state;
    let Some(site) = state.current() else {
        let text = state
            .problem()
            .unwrap_or_else(|| "正在生成网站……".to_string());
        let body = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>网站未能生成</title></head>\
             <body><h1>网站未能生成</h1><pre>{}</pre><p>修改并保存内容文件后，本页会自动刷新。</p>\
             <script src=\"{SCRIPT_PATH}\" defer></script></body></html>",
            escape(&text)
        );
        return reply(
            StatusCode::SERVICE_UNAVAILABLE,
            content_type("error.html"),
            body,
        );
    };
    let prefix = url_prefix(&site).to_string();
    let Some(rel) = path.strip_prefix(&prefix) else {
        if format!("{path}/") == prefix {
            return redirect(&prefix);
        }
        return not_found(app, &site, headers).await;
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    match lookup(&site, &key) {
        Some(file) => send(app, file, StatusCode::OK, content_type(&key), headers).await,
        None if lookup(&site, &format!("{key}/index.html")).is_some() => {
            redirect(&format!("{raw_path}/"))
        }
        None => not_found(app, &site, headers).await,
    }
}

/// [`files::send`], with a share image drawn first on a blocking thread (at most
/// [`DRAWING_AT_ONCE`] at a time) rather than on a thread that answers requests.
async fn send(
    app: &App,
    file: Arc<OutFile>,
    status: StatusCode,
    content_type: &'static str,
    headers: &HeaderMap,
) -> Response {
    let file = if matches!(*file, OutFile::Drawn(_)) {
        let Ok(_turn) = app.drawing.acquire().await else {
            return plain(StatusCode::SERVICE_UNAVAILABLE, "预览服务器正在停止。\n");
        };
        match tokio::task::spawn_blocking(move || file.resolved()).await {
            Ok(drawn) => drawn,
            Err(_) => return plain(StatusCode::INTERNAL_SERVER_ERROR, "无法绘制图片。\n"),
        }
    } else {
        file
    };
    let streams = files::Streams {
        open: &app.streams,
        max: app.budget.streams,
    };
    files::send(file, status, content_type, headers, streams).await
}

async fn not_found(app: &App, site: &Snapshot, headers: &HeaderMap) -> Response {
    match lookup(site, "404.html") {
        Some(file) => {
            send(
                app,
                file,
                StatusCode::NOT_FOUND,
                content_type("404.html"),
                headers,
            )
            .await
        }
        None => plain(StatusCode::NOT_FOUND, "页面不存在。\n"),
    }
}

fn redirect(location: &str) -> Response {
    let mut response = plain(StatusCode::MOVED_PERMANENTLY, "");
    // The location is a request path that hyper accepted, so it is a valid header value.
    if let Ok(value) = header::HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for raw in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/..%2Fetc/passwd",
            "/.%2e/etc/passwd",
            "/..\\etc\\passwd",
            "/%5c..%5cetc",
            "/a/%00",
            "//etc/passwd",
            "/a//b",
            "etc/passwd",
            "/./index.html",
            "/%ff%fe",
        ] {
            assert_eq!(route(raw), Route::Bad, "{raw}");
        }
    }

    #[test]
    fn ordinary_paths_are_decoded() {
        assert_eq!(route("/"), Route::Site("/".into()));
        assert_eq!(
            route("/yiliao-gaodi/clause/4-1-1/?x=1#c"),
            Route::Site("/yiliao-gaodi/clause/4-1-1/".into())
        );
        assert_eq!(route("/%E6%8C%87%E5%8D%97/"), Route::Site("/指南/".into()));
        assert_eq!(route("/__jiedu/events"), Route::Events);
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
    }
}
