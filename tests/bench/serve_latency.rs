//! Edit-to-reload latency of `jiedu serve`: from writing a content file until the reload
//! message for the edited page arrives on the `/__jiedu/events` stream (over loopback, so this
//! is when it left the server plus well under a millisecond).
//!
//! Sites: the example portal, and a generated site of about 10,000 pages (the example bundle
//! copied under different slugs). Edits: one Q&A answer, and one clause of the policy text.
//!
//! `cargo bench --bench serve_latency` measures; under `cargo test --all-targets` (no `--bench`
//! argument) it runs a short smoke pass on the example portal only.

#[path = "../common/mod.rs"]
mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const JIEDU: &str = env!("CARGO_BIN_EXE_jiedu");
const TIMEOUT: Duration = Duration::from_secs(600);
const BUNDLE: &str = "yiliao-gaodi";

/// The example portal plus `copies` more copies of its bundle (`yiliao-gaodi-001`, …).
fn generate(dir: &Path, copies: usize) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = dir.join("content");
    common::copy_dir(&repo.join("content"), &root);
    common::copy_dir(&repo.join("themes"), &dir.join("themes"));
    for i in 1..=copies {
        let copy = root.join(format!("{BUNDLE}-{i:03}"));
        common::copy_dir(&root.join(BUNDLE), &copy);
        // Each copy is a policy of its own: two with one title or 文号 are an error.
        let policy = copy.join("policy.md");
        let text = fs::read_to_string(&policy).unwrap();
        let text = text
            .replacen("\ntitle: ", &format!("\ntitle: （第{i}份）"), 1)
            .replacen("25号", &format!("25-{i}号"), 1);
        fs::write(&policy, text).unwrap();
    }
    root
}

struct Preview {
    child: Child,
    addr: SocketAddr,
    pages: usize,
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Preview {
    let mut child = Command::new(JIEDU)
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = channel();
    let err = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if let Some(n) = line
                .strip_prefix("已生成 ")
                .and_then(|r| r.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok())
            {
                let _ = tx.send(n);
            }
        }
    });
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .trim_start_matches("预览地址：http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let pages = rx.recv_timeout(TIMEOUT).unwrap();
    Preview { child, addr, pages }
}

fn get(addr: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    body
}

/// The data lines of `reload` events, as they arrive; returns once the stream is open.
fn reloads(addr: SocketAddr) -> Receiver<(Instant, String)> {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET /__jiedu/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    while !line.starts_with("retry:") {
        line.clear();
        reader.read_line(&mut line).unwrap();
    }
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut event = String::new();
        for line in reader.lines().map_while(Result::ok) {
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                if event == "reload" && tx.send((Instant::now(), d.to_string())).is_err() {
                    return;
                }
            }
        }
    });
    rx
}

/// One kind of edit: the file, the text replaced with a numbered marker, and the page to watch.
struct Edit {
    name: &'static str,
    file: &'static str,
    anchor: &'static str,
    page: &'static str,
}

const EDITS: [Edit; 2] = [
    Edit {
        name: "Q&A answer",
        file: "qa.md",
        anchor: "一期投入使用",
        page: "/yiliao-gaodi/qa/jishuitan-opening/",
    },
    Edit {
        name: "policy clause",
        file: "policy.md",
        anchor: "全力建设国家区域医疗中心",
        page: "/yiliao-gaodi/clause/4-1-1/",
    },
];

/// Milliseconds from each write to the reload message for the edited page.
fn measure(preview: &Preview, root: &Path, edit: &Edit, runs: usize) -> Vec<f64> {
    let events = reloads(preview.addr);
    let path = root.join(BUNDLE).join(edit.file);
    let original = fs::read_to_string(&path).unwrap();
    let mut times = Vec::new();
    for run in 0..runs {
        let marker = format!("{}〔第{run}次〕", edit.anchor);
        let text = original.replacen(edit.anchor, &marker, 1);
        while events.try_recv().is_ok() {}
        let start = Instant::now();
        fs::write(&path, text).unwrap();
        loop {
            let (at, data) = events.recv_timeout(TIMEOUT).expect("a reload message");
            if data.contains(edit.page) && get(preview.addr, edit.page).contains(&marker) {
                times.push(at.duration_since(start).as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    fs::write(&path, original).unwrap();
    times
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn report(site: &str, pages: usize, edit: &Edit, mut times: Vec<f64>) {
    let min = times.iter().cloned().fold(f64::MAX, f64::min);
    let max = times.iter().cloned().fold(0.0, f64::max);
    let n = times.len();
    println!(
        "{site:<22} {pages:>6} pages  {:<14} median {:>7.1} ms  (min {min:.1}, max {max:.1}, n={n})",
        edit.name,
        median(&mut times)
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    // About 53 pages per bundle copy: 188 copies give about 10,000 pages.
    let sites: &[(&str, usize, usize)] = if full {
        &[("example portal", 0, 21), ("generated ~10k pages", 188, 11)]
    } else {
        &[("example portal", 0, 3)]
    };
    for &(name, copies, runs) in sites {
        let dir = tempfile::tempdir().unwrap();
        let root = generate(dir.path(), copies);
        let started = Instant::now();
        let preview = start(&root);
        println!(
            "{name}: first build of {} pages took {:.1} s",
            preview.pages,
            started.elapsed().as_secs_f64()
        );
        for edit in &EDITS {
            let times = measure(&preview, &root, edit, runs);
            report(name, preview.pages, edit, times);
        }
    }
}
