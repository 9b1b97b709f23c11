//! The preview's descriptor budget. Each connection holds a socket, and each media file being
//! sent holds the file open as well; with the common limit of 1,024 open files, about 510
//! clients that opened a video and stopped reading once locked everyone else out. So:
//! the soft open-file limit is raised to the hard one at start; connections beyond
//! [`Budget::connections`] are refused at once with a short 503; media streams beyond
//! [`Budget::streams`] get a 503 of their own, which leaves room for pages (served from memory);
//! and a response the client stops reading is cut after [`WRITE_TIMEOUT`].

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Descriptors kept for everything else: the listener, the watcher, the runtime, the rebuild
/// reading files.
const RESERVED: usize = 96;
/// How long a response may wait for the client to take more of it.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

/// Raises the soft limit on open files to the hard limit; returns the soft limit now in force.
#[cfg(unix)]
pub fn raise_open_file_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read or write the one struct passed, which lives across each
    // call.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

#[cfg(not(unix))]
pub fn raise_open_file_limit() -> usize {
    1024
}

/// How many connections and media streams the preview takes at once.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub connections: usize,
    pub streams: usize,
}

impl Budget {
    /// Splits the open-file limit: a stream costs a connection and a file, so a quarter of
    /// what is left goes to streams and the rest to connections; the totals never exceed it.
    /// Capped so a huge limit does not mean unbounded memory (each connection ~0.4 MB at worst).
    pub fn for_open_files(limit: usize) -> Budget {
        let usable = limit.saturating_sub(RESERVED).clamp(16, 8192);
        let streams = (usable / 4).max(4);
        Budget {
            connections: usable - streams,
            streams,
        }
    }
}

/// Counts what is open; a [`Permit`] gives its place back when dropped.
#[derive(Debug, Default)]
pub struct Counter(AtomicUsize);

impl Counter {
    /// A place if fewer than `max` are taken.
    pub fn take(self: &Arc<Self>, max: usize) -> Option<Permit> {
        let mut now = self.0.load(Ordering::Relaxed);
        loop {
            if now >= max {
                return None;
            }
            match self
                .0
                .compare_exchange_weak(now, now + 1, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => return Some(Permit(Arc::clone(self))),
                Err(seen) => now = seen,
            }
        }
    }
}

#[derive(Debug)]
pub struct Permit(Arc<Counter>);

impl Drop for Permit {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The answer to a connection over the budget, written straight to the socket: hyper never
/// sees the connection, so it costs no task and no buffer.
pub const REFUSAL: &[u8] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 2\r\nConnection: close\r\nContent-Length: 52\r\n\r\n预览服务器的连接已满，请稍后重试。\n".as_bytes();

/// A connection whose writes fail after [`WRITE_TIMEOUT`] without progress: a client that
/// stops reading a long response no longer holds its socket and file forever. Reads are
/// bounded by hyper's own header timeout.
pub struct TimedWrites<T> {
    inner: T,
    stalled_since: Option<Pin<Box<Sleep>>>,
    /// Held for the connection's life: its place in the connection budget.
    _permit: Permit,
}

impl<T> TimedWrites<T> {
    pub fn new(inner: T, permit: Permit) -> Self {
        TimedWrites {
            inner,
            stalled_since: None,
            _permit: permit,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for TimedWrites<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> TimedWrites<T> {
    /// After a write that could not proceed: an error once the client has taken nothing for
    /// [`WRITE_TIMEOUT`], else pending (woken by the socket or by the timer).
    fn stalled<R>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<R>> {
        let timer = self.stalled_since.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep_until(Instant::now() + WRITE_TIMEOUT))
        });
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

use std::future::Future;

impl<T: AsyncWrite + Unpin> AsyncWrite for TimedWrites<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Pending => self.stalled(cx),
            done => {
                self.stalled_since = None;
                done
            }
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.stalled(cx),
            done => {
                self.stalled_since = None;
                done
            }
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending => self.stalled(cx),
            done => {
                self.stalled_since = None;
                done
            }
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_stays_within_the_limit() {
        for limit in [256, 1024, 4096, 1_048_576] {
            let b = Budget::for_open_files(limit);
            assert!(b.connections + b.streams + RESERVED <= limit.max(RESERVED + 16));
            assert!(b.connections > b.streams);
        }
        let b = Budget::for_open_files(1024);
        assert!(b.connections >= 600, "{b:?}");
    }

    #[test]
    fn the_refusal_declares_its_length() {
        let text = std::str::from_utf8(REFUSAL).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
    }
}
