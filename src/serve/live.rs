//! Live reload over Server-Sent Events: every open page holds one `/__jiedu/events` stream;
//! a rebuild broadcasts what changed, a content error broadcasts the problem.

use std::convert::Infallible;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::HeaderValue;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use tokio::sync::mpsc::{channel, Receiver, Sender};

/// The browser side, served at `/__jiedu/live.js`.
pub const SCRIPT: &str = include_str!("live.js");

/// How often an idle stream gets a comment line, so a closed tab is noticed and dropped.
const KEEPALIVE: Duration = Duration::from_secs(15);
/// How soon a browser reconnects after the stream ends (a restart, a dropped page).
const RETRY: Duration = Duration::from_millis(500);
/// Messages waiting for one page. A page that reads none (a frozen tab) is dropped once its
/// queue is full; its browser reconnects when it wakes up.
const QUEUE: usize = 64;

/// A message to every open page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// These page URLs changed (`all` when too many to list).
    Reload { paths: Vec<String>, all: bool },
    /// Only these stylesheets changed: swap them without a reload.
    Stylesheets { paths: Vec<String> },
    /// The last save has an error; the text is shown in an overlay.
    Problem { text: String },
    /// The error is fixed.
    Ok,
}

impl Message {
    /// The event name and its data: one line of JSON, whatever the message contains.
    pub fn parts(&self) -> (&'static str, String) {
        #[derive(Serialize)]
        struct Paths<'a> {
            paths: &'a [String],
            all: bool,
        }
        #[derive(Serialize)]
        struct Text<'a> {
            text: &'a str,
        }
        let (event, data) = match self {
            Message::Reload { paths, all } => {
                ("reload", serde_json::to_string(&Paths { paths, all: *all }))
            }
            Message::Stylesheets { paths } => {
                ("css", serde_json::to_string(&Paths { paths, all: false }))
            }
            Message::Problem { text } => ("problem", serde_json::to_string(&Text { text })),
            Message::Ok => ("ok", Ok("{}".to_string())),
        };
        (event, data.unwrap_or_default())
    }

    fn event(&self) -> Event {
        let (name, data) = self.parts();
        Event::default().event(name).data(data)
    }
}

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Message>>>,
}

impl Hub {
    pub fn broadcast(&self, message: &Message) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.try_send(message.clone()).is_ok());
        }
    }

    fn subscribe(&self) -> Receiver<Message> {
        let (tx, rx) = channel(QUEUE);
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }

    /// The `text/event-stream` answer for one page, open until the page goes away. `first` is
    /// sent at once (the current problem, so a page opened during an error shows it).
    pub fn stream(&self, first: Option<Message>) -> Response {
        let rx = self.subscribe();
        let opening = std::iter::once(Event::default().retry(RETRY))
            .chain(first.map(|m| m.event()))
            .map(Ok::<Event, Infallible>);
        let updates = stream::unfold(rx, |mut rx| async move {
            let message = rx.recv().await?;
            Some((Ok(message.event()), rx))
        });
        let sse = Sse::new(stream::iter(opening).chain(updates))
            .keep_alive(KeepAlive::new().interval(KEEPALIVE).text("keepalive"));
        let mut response = sse.into_response();
        // Proxies in front of the preview must not hold events back.
        response
            .headers_mut()
            .insert("X-Accel-Buffering", HeaderValue::from_static("no"));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_text_is_one_json_line_whatever_it_contains() {
        let m = Message::Problem {
            text: "第 3 行\n<script>alert(1)</script>\n\ndata: x".into(),
        };
        let (name, data) = m.parts();
        assert_eq!(name, "problem");
        // One data line: the text cannot end the event early or inject a second one.
        assert!(!data.contains(['\n', '\r']), "{data}");
        let back: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(
            back["text"],
            "第 3 行\n<script>alert(1)</script>\n\ndata: x"
        );
    }
}
