//! Sending one file of the built site: a page or stylesheet from memory, or a copied media file
//! streamed from the content tree (read when asked for, so a replaced video is served as it is
//! now). Both answer `If-None-Match` with 304 and a single `Range` with 206, so a video player
//! can seek without downloading the whole file.

use std::io::SeekFrom;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;
use xxhash_rust::xxh3::xxh3_64;

use super::http::plain;
use super::limits::Counter;
use crate::render::OutFile;
use futures_util::StreamExt;

/// Read size when streaming a media file.
const CHUNK: usize = 64 * 1024;

/// What a request gets, decided from its conditional and range headers.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    NotModified,
    Unsatisfiable,
    Whole,
    Part(RangeInclusive<u64>),
}

/// A page held by the snapshot, lent to the response body without copying.
struct Held(Arc<OutFile>);

impl AsRef<[u8]> for Held {
    fn as_ref(&self) -> &[u8] {
        match &*self.0 {
            OutFile::Bytes(bytes) => bytes,
            // Never lent: `send` resolves drawings first.
            OutFile::Copy(_) | OutFile::Drawn(_) => &[],
        }
    }
}

/// The media files being sent and how many may be at once (each holds a file open).
pub struct Streams<'a> {
    pub open: &'a Arc<Counter>,
    pub max: usize,
}

/// Answers with `file` (its bytes, or the file it names). `status` is 200, or 404 for the
/// site's own not-found page (which takes no conditions or ranges).
pub async fn send(
    file: Arc<OutFile>,
    status: StatusCode,
    content_type: &'static str,
    request: &HeaderMap,
    streams: Streams<'_>,
) -> Response {
    let file = file.resolved();
    match &*file {
        OutFile::Bytes(bytes) => {
            let len = bytes.len() as u64;
            let etag = format!("\"{:016x}-{len:x}\"", xxh3_64(bytes));
            let plan = plan(request, &etag, len, status);
            let all = Bytes::from_owner(Held(Arc::clone(&file)));
            let body = match &plan {
                Plan::Part(r) => all.slice(*r.start() as usize..=*r.end() as usize),
                _ => all,
            };
            answer(plan, status, content_type, &etag, len, Body::from(body))
        }
        OutFile::Copy(path) => {
            // Taken before the file is opened; held by the body until it is sent or dropped.
            let Some(permit) = streams.open.take(streams.max) else {
                let mut busy = plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "正在发送的媒体文件过多，请稍后重试。\n",
                );
                busy.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
                return busy;
            };
            let Ok(mut source) = tokio::fs::File::open(path).await else {
                return gone();
            };
            let Ok(meta) = source.metadata().await else {
                return gone();
            };
            let len = meta.len();
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let etag = format!("\"m{modified:x}-{len:x}\"");
            let plan = plan(request, &etag, len, status);
            let (start, count) = match &plan {
                Plan::Part(r) => (*r.start(), r.end() - r.start() + 1),
                _ => (0, len),
            };
            if start > 0 && source.seek(SeekFrom::Start(start)).await.is_err() {
                return gone();
            }
            let stream = ReaderStream::with_capacity(source.take(count), CHUNK).map(move |chunk| {
                let _held = &permit;
                chunk
            });
            answer(
                plan,
                status,
                content_type,
                &etag,
                len,
                Body::from_stream(stream),
            )
        }
        // `resolved` above drew it already.
        OutFile::Drawn(_) => gone(),
    }
}

fn answer(
    plan: Plan,
    status: StatusCode,
    content_type: &'static str,
    etag: &str,
    len: u64,
    body: Body,
) -> Response {
    let builder = Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ETAG, etag)
        .header(header::ACCEPT_RANGES, "bytes");
    let built = match plan {
        Plan::NotModified => builder.status(StatusCode::NOT_MODIFIED).body(Body::empty()),
        Plan::Unsatisfiable => builder
            .status(StatusCode::RANGE_NOT_SATISFIABLE)
            .header(header::CONTENT_RANGE, format!("bytes */{len}"))
            .body(Body::empty()),
        Plan::Whole => builder
            .status(status)
            .header(header::CONTENT_LENGTH, len)
            .body(body),
        Plan::Part(r) => builder
            .status(StatusCode::PARTIAL_CONTENT)
            .header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{len}", r.start(), r.end()),
            )
            .header(header::CONTENT_LENGTH, r.end() - r.start() + 1)
            .body(body),
    };
    built.unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "无法发送文件。\n"))
}

fn gone() -> Response {
    plain(StatusCode::NOT_FOUND, "文件已被删除。\n")
}

/// `If-None-Match` first (a match is 304), then `Range` (one range; several or a malformed one
/// get the whole file, as the standard allows), unless `If-Range` names another version.
fn plan(request: &HeaderMap, etag: &str, len: u64, status: StatusCode) -> Plan {
    if status != StatusCode::OK {
        return Plan::Whole;
    }
    let text = |name| request.get(name).and_then(|v| v.to_str().ok());
    if let Some(tags) = text(header::IF_NONE_MATCH) {
        let matches = tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
        if matches {
            return Plan::NotModified;
        }
    }
    let Some(range) = text(header::RANGE) else {
        return Plan::Whole;
    };
    if text(header::IF_RANGE).is_some_and(|v| v.trim() != etag) {
        return Plan::Whole;
    }
    // RFC 9110 §14.1.1: a range whose last position is before its first is invalid syntax,
    // and a Range with invalid syntax is ignored (200, whole file), not unsatisfiable.
    if reversed(range) {
        return Plan::Whole;
    }
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return Plan::Whole;
    };
    match parsed.validate(len) {
        Ok(ranges) if ranges.len() == 1 => {
            ranges.into_iter().next().map_or(Plan::Whole, Plan::Part)
        }
        Ok(_) => Plan::Whole,
        Err(_) => Plan::Unsatisfiable,
    }
}

/// Whether any `first-last` of a `bytes=` Range has last < first.
fn reversed(range: &str) -> bool {
    let Some(specs) = range.trim().strip_prefix("bytes=") else {
        return false;
    };
    specs.split(',').any(|spec| {
        let Some((first, last)) = spec.trim().split_once('-') else {
            return false;
        };
        match (first.trim().parse::<u64>(), last.trim().parse::<u64>()) {
            (Ok(first), Ok(last)) => last < first,
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(n.clone(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn conditions_and_ranges_pick_the_answer() {
        let tag = "\"abc-10\"";
        let ok = StatusCode::OK;
        let plan_of = |pairs: &[(header::HeaderName, &str)]| plan(&with(pairs), tag, 100, ok);
        assert_eq!(plan_of(&[]), Plan::Whole);
        assert_eq!(
            plan_of(&[(header::IF_NONE_MATCH, "\"x\", W/\"abc-10\"")]),
            Plan::NotModified
        );
        assert_eq!(
            plan_of(&[(header::RANGE, "bytes=10-19")]),
            Plan::Part(10..=19)
        );
        assert_eq!(
            plan_of(&[(header::RANGE, "bytes=-10")]),
            Plan::Part(90..=99)
        );
        assert_eq!(
            plan_of(&[(header::RANGE, "bytes=90-500")]),
            Plan::Part(90..=99)
        );
        assert_eq!(
            plan_of(&[(header::RANGE, "bytes=100-")]),
            Plan::Unsatisfiable
        );
        assert_eq!(plan_of(&[(header::RANGE, "bytes=0-1,5-6")]), Plan::Whole);
        assert_eq!(plan_of(&[(header::RANGE, "bytes=5-1")]), Plan::Whole);
        assert_eq!(plan_of(&[(header::RANGE, "bytes=0-1,9-3")]), Plan::Whole);
        assert_eq!(plan_of(&[(header::RANGE, "lines=1-2")]), Plan::Whole);
        assert_eq!(
            plan_of(&[(header::RANGE, "bytes=0-9"), (header::IF_RANGE, "\"old\"")]),
            Plan::Whole
        );
        let not_found = plan(
            &with(&[(header::RANGE, "bytes=0-9")]),
            tag,
            100,
            StatusCode::NOT_FOUND,
        );
        assert_eq!(not_found, Plan::Whole);
    }
}
