//! The preview's HTTP side (tiny_http): the built site from memory, the live-reload script,
//! its event stream and a status endpoint. Only GET and HEAD; a request path is looked up in
//! the site's file map after decoding, so nothing outside the built site can ever be served.

use std::io::Cursor;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use percent_encoding::percent_decode_str;
use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::incremental::Snapshot;
use super::live::{Hub, Message, SCRIPT};
use crate::markdown::escape;
use crate::render::OutFile;

pub const EVENTS_PATH: &str = "/__jiedu/events";
pub const SCRIPT_PATH: &str = crate::render::LIVE_SCRIPT;
pub const STATUS_PATH: &str = "/__jiedu/status";

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

fn header(name: &str, value: &str) -> Header {
    // Only fixed names and values built from request paths that tiny_http already accepted.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Jiedu"[..], &b"-"[..]).expect("static header"))
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

pub fn handle(request: Request, state: &Arc<State>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("只支持 GET 和 HEAD 请求。\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"))
            .with_header(header("Content-Type", "text/plain; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"));
        let _ = request.respond(response);
        return;
    }
    let route = route(request.url());
    match route {
        Route::Events => {
            let first = state.problem().map(|text| Message::Problem { text });
            let state = Arc::clone(state);
            let writer = request.into_writer();
            std::thread::spawn(move || state.hub.stream(writer, first));
        }
        Route::Script => respond(request, 200, "live.js", SCRIPT.as_bytes().to_vec(), None),
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
                files: state.current().map_or(0, |s| s.files.len()),
            };
            let body = serde_json::to_vec(&status).unwrap_or_default();
            respond(request, 200, "status.json", body, None);
        }
        Route::Bad => {
            let body = "请求的路径不合法。\n".as_bytes().to_vec();
            respond(request, 400, "400.txt", body, None);
        }
        Route::Site(path) => serve_site_file(request, state, &path),
    }
}

fn serve_site_file(request: Request, state: &State, path: &str) {
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
        respond(request, 503, "error.html", body.into_bytes(), None);
        return;
    };
    let prefix = site.site.urls.prefix().to_string();
    let Some(rel) = path.strip_prefix(&prefix) else {
        if format!("{path}/") == prefix {
            redirect(request, &prefix);
        } else {
            not_found(request, &site);
        }
        return;
    };
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    match site.file(&key) {
        Some(file) => send_file(request, 200, &key, &file),
        None if site.file(&format!("{key}/index.html")).is_some() => {
            let raw = request
                .url()
                .split(['?', '#'])
                .next()
                .unwrap_or("/")
                .to_string();
            redirect(request, &format!("{raw}/"));
        }
        None => not_found(request, &site),
    }
}

fn not_found(request: Request, site: &Snapshot) {
    match site.file("404.html") {
        Some(file) => send_file(request, 404, "404.html", &file),
        None => respond(
            request,
            404,
            "404.txt",
            "页面不存在。\n".as_bytes().to_vec(),
            None,
        ),
    }
}

fn redirect(request: Request, location: &str) {
    respond(request, 301, "redirect.txt", Vec::new(), Some(location));
}

fn send_file(request: Request, status: u16, key: &str, file: &OutFile) {
    match file {
        OutFile::Bytes(bytes) => respond(request, status, key, bytes.clone(), None),
        OutFile::Copy(source) => match read_asset(source) {
            Some(bytes) => respond(request, status, key, bytes, None),
            None => respond(
                request,
                404,
                "404.txt",
                "文件已被删除。\n".as_bytes().to_vec(),
                None,
            ),
        },
    }
}

/// Assets are listed by the model from inside the site root; they are read when asked for,
/// so a replaced video or image is served as it is now.
fn read_asset(source: &Path) -> Option<Vec<u8>> {
    std::fs::read(source).ok()
}

fn respond(request: Request, status: u16, name: &str, body: Vec<u8>, location: Option<&str>) {
    let length = body.len();
    let mut response = Response::new(
        StatusCode(status),
        vec![
            header("Content-Type", content_type(name)),
            header("Cache-Control", "no-store"),
            header("X-Content-Type-Options", "nosniff"),
            // tiny_http leaves some of many parallel keep-alive requests unanswered (the search
            // page fetches a dozen index files at once); a connection per request avoids it.
            header("Connection", "close"),
        ],
        Cursor::new(body),
        Some(length),
        None,
    )
    // Always a Content-Length, never chunked: the whole body is in memory anyway.
    .with_chunked_threshold(usize::MAX);
    if let Some(l) = location {
        response = response.with_header(header("Location", l));
    }
    // A browser that went away is no error of the preview.
    let _ = request.respond(response);
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
