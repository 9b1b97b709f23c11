//! `jiedu serve` as editors use it: the real binary on a free loopback port, a temporary copy
//! of the example portal, real HTTP (raw requests over TcpStream, so that malformed paths reach
//! the server unchanged), real file edits, and real Chromium for live reload.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const JIEDU: &str = env!("CARGO_BIN_EXE_jiedu");
/// Generous: CI machines are slow and busy. Polling ends as soon as the condition holds.
const TIMEOUT: Duration = Duration::from_secs(60);
const LIVE_SCRIPT_TAG: &str = "<script src=\"/__jiedu/live.js\" defer></script>";

/// A temporary copy of the example portal, with the theme beside it as in the repository.
struct SiteCopy {
    dir: tempfile::TempDir,
}

impl SiteCopy {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        common::copy_dir(&repo.join("content"), &dir.path().join("content"));
        common::copy_dir(&repo.join("themes"), &dir.path().join("themes"));
        SiteCopy { dir }
    }
    fn root(&self) -> PathBuf {
        self.dir.path().join("content")
    }
    fn file(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.file(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        // Written as editors with "atomic save" do: a temporary file renamed over the original.
        let tmp = path.with_file_name(".jiedu-test-save.tmp");
        fs::write(&tmp, text.replacen(from, to, 1)).unwrap();
        fs::rename(&tmp, &path).unwrap();
    }
    /// Builds the site with `jiedu build` and returns every file, relative path → bytes.
    /// The preview leaves the search index out (it stays off the edit-to-reload path), so the
    /// comparison build does too.
    fn full_build(&self) -> BTreeMap<String, Vec<u8>> {
        let out = self.dir.path().join("public");
        let status = Command::new(JIEDU)
            .args(["build", "--no-search", "--root"])
            .arg(self.root())
            .arg("--output")
            .arg(&out)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let mut files = BTreeMap::new();
        collect(&out, &out, &mut files);
        files.remove(".jiedu-output");
        // The list of published URLs is the build's record for the next build, not a page.
        files.remove(jiedu::published::URL_LIST);
        files
    }
}

fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(&path).unwrap());
        }
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request, sent byte for byte as given (no client-side normalisation of `..`).
fn request(addr: SocketAddr, method: &str, raw_path: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    write!(
        stream,
        "{method} {raw_path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// A running `jiedu serve`, stopped when dropped.
struct Preview {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl Preview {
    fn start(root: &Path, extra: &[&str]) -> Self {
        // Port 0: the system picks a free one, which the preview prints.
        let port: &[&str] = if extra.contains(&"--port") {
            &[]
        } else {
            &["--port", "0"]
        };
        let mut child = Command::new(JIEDU)
            .arg("serve")
            .args(port)
            .arg("--root")
            .arg(root)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let (tx, rx) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let url = rx
            .recv_timeout(TIMEOUT)
            .expect("jiedu serve prints its address");
        let addr = url
            .trim_start_matches("预览地址：http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|_| panic!("unexpected first line {url:?}"));
        Preview {
            child,
            addr,
            stderr,
        }
    }
    fn get(&self, path: &str) -> Reply {
        request(self.addr, "GET", path)
    }
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    fn problem(&self) -> Option<String> {
        let status: serde_json::Value =
            serde_json::from_slice(&self.get("/__jiedu/status").body).unwrap();
        status["problem"].as_str().map(str::to_string)
    }
    /// Every file of `paths` as served now, with the live-reload tag taken out of pages.
    fn served(&self, paths: impl Iterator<Item = String>) -> BTreeMap<String, Vec<u8>> {
        paths
            .map(|p| {
                let reply = self.get(&format!("/{p}"));
                assert_eq!(reply.status, 200, "{p}");
                let body = if p.ends_with(".html") {
                    let text = reply.text();
                    if p != "404.html" {
                        assert!(text.contains(LIVE_SCRIPT_TAG), "{p} has no live reload");
                    }
                    text.replace(LIVE_SCRIPT_TAG, "").into_bytes()
                } else {
                    reply.body
                };
                (p, body)
            })
            .collect()
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < TIMEOUT, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An open `/__jiedu/events` stream, read line by line in the background.
fn events(addr: SocketAddr) -> Receiver<String> {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /__jiedu/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Reads events until one named `name` arrives; returns its data line.
fn next_event(rx: &Receiver<String>, name: &str) -> String {
    let deadline = Instant::now() + TIMEOUT;
    let mut current = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {name} event"));
        if let Some(e) = line.strip_prefix("event: ") {
            current = e.to_string();
        } else if let Some(data) = line.strip_prefix("data: ") {
            if current == name {
                return data.to_string();
            }
        }
    }
}

#[test]
fn serves_pages_with_types_index_pages_404_and_no_caching() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);

    let home = preview.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    assert!(home.text().contains("聊城市政策解读"));
    assert!(home.text().contains(LIVE_SCRIPT_TAG));

    let clause = preview.get("/yiliao-gaodi/clause/4-1-1/");
    assert_eq!(clause.status, 200);
    assert!(clause.text().contains("<h1><span class=\"num\">"));
    let redirect = preview.get("/yiliao-gaodi/clause/4-1-1");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("Location"),
        Some("/yiliao-gaodi/clause/4-1-1/")
    );

    for (path, ty) in [
        ("/static/jiedu.css", "text/css; charset=utf-8"),
        ("/static/jiedu.js", "text/javascript; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        (
            "/yiliao-gaodi/media/video-poster.svg",
            "image/svg+xml; charset=utf-8",
        ),
        ("/__jiedu/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = preview.get(path);
        assert_eq!(
            (r.status, r.header("Content-Type")),
            (200, Some(ty)),
            "{path}"
        );
        assert_eq!(r.header("Cache-Control"), Some("no-store"), "{path}");
    }

    let missing = preview.get("/yiliao-gaodi/clause/99-9/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body, preview.get("/404.html").body);
    assert!(missing.text().contains("页面未找到"));

    let head = request(preview.addr, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(request(preview.addr, method, "/").status, 405, "{method}");
    }

    // The live-reload script exists only in the preview, never in a build.
    for (path, bytes) in site.full_build() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("/__jiedu/"),
            "{path} of jiedu build mentions the preview"
        );
    }
}

#[test]
fn refuses_path_traversal_in_every_spelling() {
    let site = SiteCopy::new();
    // A file beside the site root, which no request may reach.
    fs::write(site.file("secret.txt"), "机密：不得外传").unwrap();
    fs::write(site.root().join("secret.txt"), "机密：不得外传").unwrap();
    let preview = Preview::start(&site.root(), &[]);
    for raw in [
        "/../secret.txt",
        "/yiliao-gaodi/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2Fsecret.txt",
        "/.%2e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/static/..%5c..%5csecret.txt",
        "//secret.txt",
        "/secret.txt",
        "/jiedu.yaml",
        "/yiliao-gaodi/policy.md",
        &format!("/{}", site.file("secret.txt").display()),
        &format!("/%2F{}", site.file("secret.txt").display()),
        "/%00",
        "/C:/Windows/win.ini",
    ] {
        let reply = preview.get(raw);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{raw} answered {}",
            reply.status
        );
        assert!(!reply.text().contains("机密"), "{raw} leaked a file");
    }
}

#[test]
fn editing_a_clause_changes_exactly_the_clause_and_its_citing_pages() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let all: Vec<String> = site.full_build().into_keys().collect();
    let before = preview.served(all.iter().cloned());

    // The clause's text, its page, and the pages citing it, from the model.
    let model = jiedu::build::model(&site.root(), None, &mut Default::default()).unwrap();
    let (_, node) = model.node("yiliao-gaodi:4.1.1").unwrap();
    let sentence: String = node.plain.chars().take(12).collect();
    let clause_page = "yiliao-gaodi/clause/4-1-1/index.html".to_string();
    let mut allowed = vec![clause_page.clone(), "yiliao-gaodi/index.html".to_string()];
    for passage in &model.backlinks["yiliao-gaodi:4.1.1"] {
        let path = passage
            .href
            .split('#')
            .next()
            .unwrap()
            .trim_start_matches('/');
        allowed.push(format!("{path}index.html"));
    }

    site.edit(
        "content/yiliao-gaodi/policy.md",
        &sentence,
        &format!("{sentence}（预览修改）"),
    );
    wait_until("the clause page shows the edit", || {
        preview
            .get("/yiliao-gaodi/clause/4-1-1/")
            .text()
            .contains("（预览修改）")
    });
    let after = preview.served(all.iter().cloned());
    let changed: Vec<&String> = all.iter().filter(|p| before[*p] != after[*p]).collect();
    assert!(changed.contains(&&clause_page));
    assert!(
        changed.iter().any(|p| p.contains("/qa/")),
        "a question citing 4.1.1 quotes it: {changed:?}"
    );
    for page in &changed {
        assert!(
            allowed.contains(page),
            "{page} changed but neither is nor cites 4.1.1"
        );
    }

    // What the preview serves now is what a full build of the edited sources writes.
    let full = site.full_build();
    assert_eq!(
        full.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &full {
        assert!(
            after[path] == *bytes,
            "{path}: preview differs from jiedu build"
        );
    }
}

#[test]
fn a_broken_save_keeps_the_last_good_site_and_the_fix_clears_the_error() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let stream = events(preview.addr);
    let page = "/yiliao-gaodi/qa/new-hospital-projects/";
    let good = preview.get(page).body;
    assert_eq!(preview.problem(), None);

    // Malformed YAML (an unclosed list) in the Q&A file.
    site.edit(
        "content/yiliao-gaodi/qa.md",
        "cites: [4.2.2]",
        "cites: [4.2.2",
    );
    let data = next_event(&stream, "problem");
    let problem = preview.problem().expect("the status reports the error");
    assert!(problem.contains("qa.md:"), "{problem}");
    assert!(problem.contains("提示"), "{problem}");
    assert!(data.contains("qa.md:"), "{data}");
    assert_eq!(
        preview.get(page).body,
        good,
        "the last good page is still served"
    );
    wait_until("the terminal shows the error", || {
        preview.stderr.lock().unwrap().contains("qa.md:")
    });

    // An unknown clause id: still an error, still the old site.
    site.edit(
        "content/yiliao-gaodi/qa.md",
        "cites: [4.2.2",
        "cites: [4.2.9]",
    );
    wait_until("the error names the unknown clause", || {
        preview.problem().is_some_and(|p| p.contains("4.2.9"))
    });
    assert_eq!(preview.get(page).body, good);

    // The fix clears the error, in the status and over the stream.
    site.edit(
        "content/yiliao-gaodi/qa.md",
        "cites: [4.2.9]",
        "cites: [4.2.2]",
    );
    next_event(&stream, "ok");
    assert_eq!(preview.problem(), None);
    assert_eq!(preview.get(page).status, 200);
}

#[test]
fn a_taken_port_moves_to_the_next_and_an_open_bind_warns() {
    let site = SiteCopy::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let preview = Preview::start(&site.root(), &["--port", &port]);
    assert_ne!(preview.addr.port().to_string(), port);
    assert_eq!(preview.get("/").status, 200);
    wait_until("the move is announced", || {
        preview
            .stderr
            .lock()
            .unwrap()
            .contains(&format!("端口 {port} 已被占用"))
    });

    let open = Preview::start(&site.root(), &["--bind", "0.0.0.0"]);
    assert_eq!(
        request(
            SocketAddr::from(([127, 0, 0, 1], open.addr.port())),
            "GET",
            "/"
        )
        .status,
        200
    );
    wait_until("the network warning is printed", || {
        open.stderr.lock().unwrap().contains("其他设备也能访问")
    });
}

#[test]
fn live_reload_in_chromium() {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "run tests/run (it installs Chromium and the Node packages) or `npm ci` in tests/browser"
    );
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let output = Command::new("node")
        .arg(browser_dir.join("serve-live-reload.mjs"))
        .arg(preview.url("/yiliao-gaodi/clause/4-1-1/"))
        .arg(site.file("content/yiliao-gaodi/policy.md"))
        .arg(site.file("content/yiliao-gaodi/qa.md"))
        .arg(site.file("themes/default/static/jiedu.css"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        preview.stderr.lock().unwrap()
    );
    assert!(stdout.contains("ok - new text appears without a manual reload"));
}
