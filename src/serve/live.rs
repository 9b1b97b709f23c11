//! Live reload over Server-Sent Events: every open page holds one `/__jiedu/events` stream;
//! a rebuild broadcasts what changed, a content error broadcasts the problem.

use std::io::Write;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

/// The browser side, served at `/__jiedu/live.js`.
pub const SCRIPT: &str = include_str!("live.js");

/// How often an idle stream gets a comment line, so a closed tab is noticed and dropped.
const KEEPALIVE: Duration = Duration::from_secs(15);

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
    /// The message in the `text/event-stream` format (the data is one line of JSON).
    pub fn encode(&self) -> String {
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
        format!("event: {event}\ndata: {}\n\n", data.unwrap_or_default())
    }
}

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
}

impl Hub {
    pub fn broadcast(&self, message: &Message) {
        let text = message.encode();
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(text.clone()).is_ok());
        }
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }

    /// Streams events to one page until it goes away. `first` is sent at once (the current
    /// problem, so a page opened during an error shows it).
    pub fn stream(&self, mut out: Box<dyn Write + Send>, first: Option<Message>) {
        let rx = self.subscribe();
        // tiny_http buffers bodies of unknown length; an event stream must reach the browser
        // at once, so the response head is written here and every event is flushed.
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                    Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n\
                    retry: 500\n\n";
        let mut send = |text: &str| out.write_all(text.as_bytes()).and_then(|_| out.flush());
        if send(head).is_err() {
            return;
        }
        if let Some(m) = first {
            if send(&m.encode()).is_err() {
                return;
            }
        }
        loop {
            let sent = match rx.recv_timeout(KEEPALIVE) {
                Ok(text) => send(&text),
                Err(RecvTimeoutError::Timeout) => send(": keepalive\n\n"),
                Err(RecvTimeoutError::Disconnected) => return,
            };
            if sent.is_err() {
                return;
            }
        }
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
        let encoded = m.encode();
        assert!(encoded.starts_with("event: problem\ndata: {"));
        // One data line, then the blank line ending the event: the text cannot end the event
        // early or inject a second one.
        assert_eq!(encoded.matches('\n').count(), 3, "{encoded}");
        let data = encoded.lines().nth(1).unwrap().trim_start_matches("data: ");
        let back: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(
            back["text"],
            "第 3 行\n<script>alert(1)</script>\n\ndata: x"
        );
    }
}
