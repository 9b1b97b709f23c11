//! `jiedu serve` as editors use it: the real binary on a free loopback port, a temporary copy
//! of the example portal with a second bundle citing the first, real HTTP (raw requests over TcpStream, so that malformed paths reach
//! the server unchanged), real file edits, and real Chromium for live reload.

use crate::common;

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

/// A temporary copy of the example portal plus a second bundle citing its clauses, with the
/// theme beside it as in the repository.
struct SiteCopy {
    dir: tempfile::TempDir,
}

impl SiteCopy {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        common::copy_dir(&repo.join("content"), &dir.path().join("content"));
        common::copy_dir(&repo.join("themes"), &dir.path().join("themes"));
        common::add_citing_bundle(&dir.path().join("content"));
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
    /// `jiedu build` of the site into `public/`, run by `command` (the binary itself, or a
    /// wrapper running it as another user).
    fn build_by(&self, mut command: Command) -> std::process::Output {
        command
            .args(["build", "--no-search", "--root"])
            .arg(self.root())
            .arg("--output")
            .arg(self.dir.path().join("public"))
            .output()
            .unwrap()
    }
    /// Builds the site with `jiedu build` and returns every file, relative path → bytes.
    /// The preview leaves the search index out (it stays off the edit-to-reload path), so the
    /// comparison build does too.
    fn full_build(&self) -> BTreeMap<String, Vec<u8>> {
        let out = self.dir.path().join("public");
        assert!(self.build_by(Command::new(JIEDU)).status.success());
        let mut files = BTreeMap::new();
        collect(&out, &out, &mut files);
        files.remove(".jiedu-output");
        // The list of published URLs is the build's record for the next build, not a page.
        files.remove(jiedu::published::URL_LIST);
        // So is the build cache.
        files.remove(jiedu::pipeline::disk::CACHE_FILE);
        // And the clause trees it recognised.
        files.remove(jiedu::pipeline::trees::FILE);
        // And the list of the files it wrote.
        files.remove(jiedu::write::FILE_LIST);
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
    /// The lines printed after the address.
    stdout: Receiver<String>,
}

impl Preview {
    fn start(root: &Path, extra: &[&str]) -> Self {
        Preview::start_by(Command::new(JIEDU), root, extra)
    }
    /// `jiedu serve` run by `command` (the binary, or a wrapper running it as another user).
    fn start_by(mut command: Command, root: &Path, extra: &[&str]) -> Self {
        // Port 0: the system picks a free one, which the preview prints.
        let port: &[&str] = if extra.contains(&"--port") {
            &[]
        } else {
            &["--port", "0"]
        };
        let mut child = command
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
            stdout: rx,
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
    // The policy's open data carries the clause's text.
    let mut allowed = vec![
        clause_page.clone(),
        "yiliao-gaodi/index.html".to_string(),
        "data/yiliao-gaodi.json".to_string(),
    ];
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
        changed.iter().any(|p| p.starts_with("yiliao-gaodi/qa/")),
        "a question citing 4.1.1 quotes it: {changed:?}"
    );
    assert!(
        changed.iter().any(|p| p.starts_with("yiliao-gaodi-b/qa/")),
        "a question of the other bundle citing 4.1.1 quotes it: {changed:?}"
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

/// The open data of a policy that was not edited changes when a passage of another policy
/// citing its clause does: the preview makes that file again (and only keeps the files whose
/// data cannot have changed), serving what a full build writes.
#[test]
fn open_data_follows_an_edit_to_a_passage_of_another_policy_citing_it() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let data = |slug: &str| preview.get(&format!("/data/{slug}.json")).text();
    let (cited, citing) = (data("yiliao-gaodi"), data("yiliao-gaodi-b"));
    assert!(!cited.contains("（副本修改）"));

    site.edit(
        "content/yiliao-gaodi-b/qa.md",
        "question: 北京积水潭医院聊城医院什么时候投入使用？",
        "question: 北京积水潭医院聊城医院什么时候投入使用？（副本修改）",
    );
    wait_until("the cited clause's page lists the edited question", || {
        preview
            .get("/yiliao-gaodi/clause/4-1-1/")
            .text()
            .contains("（副本修改）")
    });
    assert!(
        data("yiliao-gaodi").contains("（副本修改）"),
        "data/yiliao-gaodi.json kept the old question"
    );
    assert_ne!(data("yiliao-gaodi-b"), citing);
    assert_serves_the_full_build(&site, &preview);
}

/// The preview against a full build of the same sources: every file the build writes is
/// served with the same bytes, and nothing else is.
fn assert_serves_the_full_build(site: &SiteCopy, preview: &Preview) {
    let full = site.full_build();
    let served = preview.served(full.keys().cloned());
    for (path, bytes) in &full {
        assert!(
            served[path] == *bytes,
            "{path}: preview differs from jiedu build"
        );
    }
}

#[test]
fn files_added_renamed_and_removed_while_serving_are_seen_as_by_a_build() {
    // A rebuild told which files changed skips the walk of the tree only when each is a file
    // the last walk found: a new, renamed or removed file must be walked for.
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let video = site.file("content/yiliao-gaodi/video.md");
    let text = fs::read_to_string(&video).unwrap();
    assert_eq!(preview.get("/yiliao-gaodi/video/").status, 200);

    fs::remove_file(&video).unwrap();
    wait_until("the removed video page is gone", || {
        preview.get("/yiliao-gaodi/video/").status == 404
    });
    assert_serves_the_full_build(&site, &preview);
    assert_eq!(preview.get("/yiliao-gaodi/video/").status, 404);

    let other = site.file("content/yiliao-gaodi/shipin.md");
    fs::write(&other, &text).unwrap();
    wait_until("the added video page is served", || {
        preview.get("/yiliao-gaodi/video/").status == 200
    });
    assert_serves_the_full_build(&site, &preview);

    fs::rename(&other, &video).unwrap();
    site.edit(
        "content/yiliao-gaodi/video.md",
        "title: 视频解读：",
        "title: 改名后的视频解读：",
    );
    wait_until("the renamed file's edit is served", || {
        preview
            .get("/yiliao-gaodi/video/")
            .text()
            .contains("改名后的视频解读")
    });
    assert_serves_the_full_build(&site, &preview);
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
fn a_broken_link_in_a_template_is_shown_as_in_the_build_and_the_last_good_site_kept() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let stream = events(preview.addr);
    let good = preview.get("/unit/").body;
    site.edit(
        "themes/default/templates/units.html",
        "{% block main %}",
        "{% block main %}<a href=\"/nowhere/#x\">x</a>",
    );
    let data = next_event(&stream, "problem");
    let message = "页面 /unit/index.html 中的链接「/nowhere/#x」指向不存在的页面或文件";
    assert!(data.contains(message), "{data}");
    assert!(preview.problem().is_some_and(|p| p.contains(message)));
    assert_eq!(
        preview.get("/unit/").body,
        good,
        "the last good page is still served"
    );
    let out = site.file("public");
    let build = common::jiedu(&[
        "build",
        "--no-search",
        "--root",
        site.root().to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!build.status.success());
    assert!(
        common::stderr(&build).contains(message),
        "jiedu build says the same"
    );

    site.edit(
        "themes/default/templates/units.html",
        "{% block main %}<a href=\"/nowhere/#x\">x</a>",
        "{% block main %}",
    );
    next_event(&stream, "ok");
    assert_eq!(preview.problem(), None);
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

    for open_bind in [&["--bind", "0.0.0.0"][..], &["--lan"]] {
        let open = Preview::start(&site.root(), open_bind);
        let port = open.addr.port();
        let loopback = SocketAddr::from(([127, 0, 0, 1], port));
        assert_eq!(request(loopback, "GET", "/").status, 200);
        wait_until("the network warning is printed", || {
            open.stderr.lock().unwrap().contains("其他设备也能访问")
        });
        // The phone address and its QR code, when the machine has a LAN address at all.
        match open.stdout.recv_timeout(Duration::from_secs(5)) {
            Ok(line) => {
                let url = line
                    .strip_prefix("局域网地址：http://")
                    .unwrap_or_else(|| panic!("{line}"));
                let host = url.trim_end_matches('/');
                assert!(host.ends_with(&format!(":{port}")), "{line}");
                assert_eq!(
                    get_with(loopback, "/", host, "").status,
                    200,
                    "Host: {host}"
                );
                let qr: Vec<String> = open.stdout.iter().skip(1).take(8).collect();
                assert!(qr.iter().all(|l| l.contains('█')), "{qr:?}");
            }
            Err(_) => wait_until("the missing LAN address is explained", || {
                open.stderr
                    .lock()
                    .unwrap()
                    .contains("没有找到本机的局域网地址")
            }),
        }
    }
}

/// Runs a script of tests/browser against a running preview with `args`; returns its output
/// after checking that it succeeded.
fn run_in_chromium(
    script: &str,
    preview: &Preview,
    args: &[&dyn AsRef<std::ffi::OsStr>],
) -> String {
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        browser_dir.join("node_modules/playwright-core").is_dir(),
        "run tests/run (it installs Chromium and the Node packages) or `npm ci` in tests/browser"
    );
    let mut node = Command::new("node");
    node.arg(browser_dir.join(script));
    for a in args {
        node.arg(a);
    }
    let output = node.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        preview.stderr.lock().unwrap()
    );
    stdout
}

#[test]
fn live_reload_in_chromium() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let stdout = run_in_chromium(
        "serve-live-reload.mjs",
        &preview,
        &[
            &preview.url("/yiliao-gaodi/clause/4-1-1/"),
            &site.file("content/yiliao-gaodi/policy.md"),
            &site.file("content/yiliao-gaodi/qa.md"),
            &site.file("themes/default/static/jiedu.css"),
        ],
    );
    assert!(stdout.contains("ok - new text appears without a manual reload"));
}

#[test]
fn search_in_chromium_finds_the_words_of_a_saved_answer() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let stdout = run_in_chromium(
        "serve-search.mjs",
        &preview,
        &[
            &preview.url("/search/"),
            &site.file("content/yiliao-gaodi/qa.md"),
            &"/yiliao-gaodi/qa/jishuitan-opening/",
        ],
    );
    assert!(stdout.contains("checks: 5 passed, 0 failed"), "{stdout}");
}

// ---- Robustness of the HTTP side: raw sockets, so that malformed and slow clients reach the
// server exactly as written. ----

/// A media file large enough (32 MB) that a client which stops reading fills the socket buffers
/// and the server's write to it blocks.
const BIG_MEDIA: &str = "content/yiliao-gaodi/media/big.mp4";
const BIG_MEDIA_URL: &str = "/yiliao-gaodi/media/big.mp4";

fn write_big_media(site: &SiteCopy) -> Vec<u8> {
    let bytes: Vec<u8> = (0..32u32 << 20)
        .map(|i| (i.wrapping_mul(7) % 251) as u8)
        .collect();
    fs::write(site.file(BIG_MEDIA), &bytes).unwrap();
    bytes
}

/// Sends `raw` and reads one response: the head, then the body by its `Content-Length` (or up
/// to `Connection: close`). `None` when no complete response head arrives within `wait` (the
/// server held the socket) or the connection was dropped without one.
fn exchange(stream: &mut TcpStream, raw: &[u8], wait: Duration) -> Option<Reply> {
    stream.set_read_timeout(Some(wait)).unwrap();
    // A server that refuses early may close before the whole request is written.
    let _ = stream.write_all(raw);
    read_reply(stream)
}

fn read_reply(stream: &mut TcpStream) -> Option<Reply> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let no_body = status == 304 || (100..200).contains(&status);
    match length {
        Some(_) | None if no_body => body.clear(),
        Some(n) => {
            while body.len() < n {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => return None,
                    Ok(k) => body.extend_from_slice(&chunk[..k]),
                }
            }
        }
        None => {
            // An event stream or a body ended by closing: take what arrives.
            if let Ok(n) = stream.read(&mut chunk) {
                body.extend_from_slice(&chunk[..n]);
            }
        }
    }
    Some(Reply {
        status,
        headers,
        body,
    })
}

/// One request with extra header lines, on a fresh connection.
fn request_with(addr: SocketAddr, head: &str, wait: Duration) -> Option<Reply> {
    let mut stream = TcpStream::connect(addr).unwrap();
    exchange(&mut stream, head.as_bytes(), wait)
}

fn get_with(addr: SocketAddr, path: &str, host: &str, extra: &str) -> Reply {
    request_with(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"),
        TIMEOUT,
    )
    .unwrap_or_else(|| panic!("no reply to GET {path} (Host: {host})"))
}

#[test]
fn malformed_and_oversized_requests_are_refused_and_the_preview_keeps_serving() {
    let site = SiteCopy::new();
    let mut preview = Preview::start(&site.root(), &[]);
    let addr = preview.addr;
    let wait = Duration::from_secs(10);

    // A declared body of 100 GB: refused from the header alone, nothing is allocated for it.
    let huge = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 99999999999\r\n\r\n");
    let reply = request_with(addr, &huge, wait).expect("a reply to the huge Content-Length");
    assert!(
        reply.status == 413 || reply.status == 400,
        "huge Content-Length answered {}",
        reply.status
    );

    // Two Content-Length headers that disagree: the request is ambiguous.
    let twice = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"
    );
    let reply = request_with(addr, &twice, wait).expect("a reply to two Content-Lengths");
    assert_eq!(reply.status, 400);

    // A protocol version the preview does not speak gets an answer, not a held socket.
    let h2 = format!("GET / HTTP/2.0\r\nHost: {addr}\r\n\r\n");
    let reply = request_with(addr, &h2, wait).expect("a reply to HTTP/2.0");
    assert!(reply.status >= 400, "HTTP/2.0 answered {}", reply.status);

    // A 2 MB header is not read into memory to the end: refused or cut off.
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(2 << 20)
    );
    if let Some(reply) = request_with(addr, &big_header, wait) {
        assert!(
            reply.status == 431 || reply.status == 400,
            "a 2 MB header answered {}",
            reply.status
        );
    }

    assert!(
        preview.child.try_wait().unwrap().is_none(),
        "the preview died"
    );
    assert_eq!(preview.get("/").status, 200);
}

#[test]
fn slow_and_stalled_clients_do_not_delay_other_requests() {
    let site = SiteCopy::new();
    write_big_media(&site);
    let preview = Preview::start(&site.root(), &[]);
    let addr = preview.addr;
    let mut held = Vec::new();
    // Eight requests announcing a body that never comes.
    for _ in 0..8 {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 100000\r\n\r\n"
        )
        .unwrap();
        held.push(s);
    }
    // Eight readers of a large video that stop reading (a paused player).
    for _ in 0..8 {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET {BIG_MEDIA_URL} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
        held.push(s);
    }
    // One client pipelining 200 requests without reading any answer.
    let mut pipeline = TcpStream::connect(addr).unwrap();
    let many = format!("GET {BIG_MEDIA_URL} HTTP/1.1\r\nHost: {addr}\r\n\r\n").repeat(200);
    pipeline.write_all(many.as_bytes()).unwrap();
    held.push(pipeline);
    std::thread::sleep(Duration::from_millis(500));

    for path in ["/", "/yiliao-gaodi/clause/4-1-1/", "/__jiedu/status"] {
        let start = Instant::now();
        let reply = request_with(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
            Duration::from_secs(5),
        );
        let took = start.elapsed();
        assert_eq!(reply.map(|r| r.status), Some(200), "{path} not answered");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
    }
    drop(held);
}

#[test]
fn a_kept_alive_connection_answers_the_next_request_at_once() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let addr = preview.addr;
    let mut stream = TcpStream::connect(addr).unwrap();
    let get = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let first = exchange(&mut stream, get.as_bytes(), TIMEOUT).expect("first reply");
    assert_eq!(first.status, 200);
    // The fastest of several: a busy machine may delay one, a protocol stall (Nagle's
    // algorithm against delayed ACKs, about 40 ms) delays every one.
    let fastest = (0..5)
        .map(|_| {
            let start = Instant::now();
            let reply = exchange(&mut stream, get.as_bytes(), TIMEOUT).expect("next reply");
            assert_eq!(reply.status, 200);
            assert_eq!(reply.body, first.body);
            start.elapsed()
        })
        .min()
        .unwrap();
    assert!(
        fastest < Duration::from_millis(10),
        "a kept-alive request took {fastest:?}"
    );
}

#[test]
fn foreign_host_names_and_cross_origin_requests_are_refused() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &["--allowed-host", "yulan.example"]);
    let addr = preview.addr;
    let port = addr.port();
    for path in [
        "/",
        "/__jiedu/status",
        "/__jiedu/events",
        "/static/jiedu.css",
    ] {
        let reply = get_with(addr, path, "evil.example", "");
        assert_eq!(reply.status, 403, "{path} with Host: evil.example");
        let text = reply.text();
        assert!(text.contains("evil.example"), "{path}: {text}");
        assert!(text.contains("--allowed-host"), "{path}: {text}");
        let reply = get_with(addr, path, &format!("evil.example:{port}"), "");
        assert_eq!(reply.status, 403, "{path} with Host: evil.example:{port}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
        "yulan.example".to_string(),
        format!("yulan.example:{port}"),
    ] {
        assert_eq!(get_with(addr, "/", &host, "").status, 200, "Host: {host}");
    }
    // A page elsewhere may not read the status or listen to the event stream.
    for path in ["/__jiedu/status", "/__jiedu/events"] {
        for origin in [
            "http://evil.example",
            "null",
            "http://localhost.evil.example",
        ] {
            let reply = get_with(
                addr,
                path,
                &addr.to_string(),
                &format!("Origin: {origin}\r\n"),
            );
            assert_eq!(reply.status, 403, "{path} with Origin: {origin}");
        }
    }
    let same = format!("Origin: http://{addr}\r\n");
    assert_eq!(
        get_with(addr, "/__jiedu/status", &addr.to_string(), &same).status,
        200
    );
}

#[test]
fn media_and_pages_answer_range_and_conditional_requests() {
    let site = SiteCopy::new();
    let bytes = write_big_media(&site);
    let preview = Preview::start(&site.root(), &[]);
    let addr = preview.addr;
    let host = addr.to_string();
    let total = bytes.len();

    let full = get_with(addr, BIG_MEDIA_URL, &host, "");
    assert_eq!(full.status, 200);
    assert_eq!(full.header("Accept-Ranges"), Some("bytes"));
    assert_eq!(full.header("Content-Type"), Some("video/mp4"));
    assert!(full.body == bytes, "the whole video is served unchanged");

    let part = get_with(
        addr,
        BIG_MEDIA_URL,
        &host,
        "Range: bytes=1000000-1000999\r\n",
    );
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("Content-Range"),
        Some(format!("bytes 1000000-1000999/{total}").as_str())
    );
    assert!(part.body == bytes[1_000_000..1_001_000]);

    let tail = get_with(addr, BIG_MEDIA_URL, &host, "Range: bytes=-100\r\n");
    assert_eq!(tail.status, 206);
    assert!(tail.body == bytes[total - 100..]);

    let beyond = get_with(
        addr,
        BIG_MEDIA_URL,
        &host,
        &format!("Range: bytes={total}-\r\n"),
    );
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("Content-Range"),
        Some(format!("bytes */{total}").as_str())
    );

    // Conditional requests, for a copied media file and for a page held in memory.
    for path in [BIG_MEDIA_URL, "/", "/static/jiedu.css"] {
        let first = get_with(addr, path, &host, "Range: bytes=0-9\r\n");
        assert_eq!(first.status, 206, "{path}");
        assert_eq!(first.body.len(), 10, "{path}");
        let etag = first.header("ETag").expect("an ETag").to_string();
        let again = get_with(addr, path, &host, &format!("If-None-Match: {etag}\r\n"));
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let other = get_with(addr, path, &host, "If-None-Match: \"something-else\"\r\n");
        assert_eq!(other.status, 200, "{path}");
    }
}

#[test]
fn the_site_root_deleted_and_created_again_is_watched_again() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let page = "/yiliao-gaodi/clause/4-1-1/";
    assert_eq!(preview.get(page).status, 200);

    // As `git checkout` of another branch or a sync tool does it: the folder goes away and a
    // new one with other text takes its place.
    let saved = site.file("saved-content");
    common::copy_dir(&site.root(), &saved);
    fs::remove_dir_all(site.root()).unwrap();
    wait_until("the missing root is reported", || {
        preview.problem().is_some_and(|p| p.contains("不存在"))
    });
    common::copy_dir(&saved, &site.root());
    wait_until("the re-created root is built", || {
        preview.problem().is_none()
    });
    site.edit(
        "content/yiliao-gaodi/policy.md",
        "指导思想",
        "指导思想（新目录）",
    );
    wait_until("an edit in the new folder is served", || {
        preview
            .get("/yiliao-gaodi/")
            .text()
            .contains("指导思想（新目录）")
    });
}

#[test]
#[cfg(unix)]
fn a_symbolic_link_is_reported_by_build_and_serve_and_not_followed() {
    let site = SiteCopy::new();
    let link = site.root().join("yiliao-gaodi/media/system");
    std::os::unix::fs::symlink("/usr", &link).unwrap();
    let expected = format!(
        "警告：{}：这是一个符号链接，jiedu 不读取它指向的内容",
        link.display()
    );

    let out = site.build_by(Command::new(JIEDU));
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!site.file("public/yiliao-gaodi/media/system").exists());

    let preview = Preview::start(&site.root(), &[]);
    wait_until("the preview reports the link", || {
        preview.stderr.lock().unwrap().contains(&expected)
    });
    assert_eq!(preview.get("/yiliao-gaodi/media/system/bin/sh").status, 404);
}

#[test]
#[cfg(unix)]
fn an_unreadable_folder_is_an_error_with_its_path_not_missing_pages() {
    use std::os::unix::fs::PermissionsExt;
    let site = SiteCopy::new();
    // The unprivileged user below must reach the site and write the output.
    fs::set_permissions(site.dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let folder = site.root().join("yiliao-gaodi/progress");
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads every folder whatever its permissions: then jiedu runs as `nobody`.
    let as_root = fs::read_dir(&folder).is_ok();
    let runner = || {
        if as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", JIEDU]);
            c
        } else {
            Command::new(JIEDU)
        }
    };
    let expected = format!("错误：{}：无法读取：", folder.display());
    let out = site.build_by(runner());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        stderr.contains("生成失败，原有的输出目录未被改动。"),
        "{stderr}"
    );

    // The preview shows the same error, in the terminal and in the browser.
    let preview = Preview::start_by(runner(), &site.root(), &[]);
    let problem = preview.problem().expect("the status reports the error");
    assert!(problem.contains(&expected), "{problem}");
    assert_eq!(preview.get("/").status, 503);
    // Readable again: the preview notices without a restart.
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    wait_until("the readable folder is built", || {
        preview.problem().is_none()
    });
    assert!(preview.get("/yiliao-gaodi/").status == 200);
}

// ---- Limits: templates, descriptors, HTTP details. ----

#[test]
fn a_recursive_or_endless_template_is_shown_and_the_preview_keeps_serving() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    let stream = events(preview.addr);
    let good = preview.get("/unit/").body;
    let units = "themes/default/templates/units.html";

    // A template that includes itself: refused before any page renders.
    site.edit(
        units,
        "{% block main %}",
        "{% block main %}{% include \"units.html\" %}",
    );
    let data = next_event(&stream, "problem");
    assert!(data.contains("模板循环引用自身"), "{data}");
    assert!(data.contains("units.html 第"), "{data}");
    assert_eq!(
        preview.get("/unit/").body,
        good,
        "the last good page is still served"
    );

    // Loops that would never end: stopped by the page budget, the error names the page.
    site.edit(
        units,
        "{% block main %}{% include \"units.html\" %}",
        "{% block main %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    wait_until("the budget stops the endless loops", || {
        preview
            .problem()
            .is_some_and(|p| p.contains("渲染页面 /unit/") && p.contains("已停止"))
    });
    let start = Instant::now();
    assert_eq!(preview.get("/unit/").body, good);
    assert!(start.elapsed() < Duration::from_secs(1));

    // The fix is applied: the rebuild loop was never stuck.
    site.edit(
        units,
        "{% block main %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        "{% block main %}",
    );
    wait_until("the fix clears the error", || preview.problem().is_none());
    assert_eq!(preview.get("/unit/").status, 200);
}

/// Raises this test process's own soft limit on open files (it holds hundreds of sockets).
#[cfg(unix)]
fn raise_own_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: both calls take a pointer to the one local struct.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

#[test]
#[cfg(target_os = "linux")]
fn six_hundred_stalled_readers_at_1024_open_files_do_not_lock_others_out() {
    use std::os::unix::process::CommandExt;
    raise_own_open_file_limit();
    let site = SiteCopy::new();
    write_big_media(&site);
    let mut command = Command::new(JIEDU);
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1024,
                rlim_max: 1024,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let preview = Preview::start_by(command, &site.root(), &[]);
    let addr = preview.addr;
    // 600 players that open the video and never read it.
    let mut held = Vec::new();
    for _ in 0..600 {
        let Ok(mut s) = TcpStream::connect(addr) else {
            break;
        };
        let _ = write!(s, "GET {BIG_MEDIA_URL} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        held.push(s);
    }
    assert_eq!(held.len(), 600);
    std::thread::sleep(Duration::from_millis(1500));
    for path in ["/", "/yiliao-gaodi/clause/4-1-1/", "/__jiedu/status"] {
        let start = Instant::now();
        let reply = request_with(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
            Duration::from_secs(5),
        );
        let took = start.elapsed();
        assert_eq!(reply.map(|r| r.status), Some(200), "{path} not answered");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
    }
    // Streams beyond the budget were told so at once rather than held.
    let refused = held
        .iter_mut()
        .rev()
        .take(50)
        .filter_map(|s| {
            s.set_read_timeout(Some(Duration::from_millis(200))).ok()?;
            read_reply(s)
        })
        .filter(|r| r.status == 503)
        .count();
    assert!(refused > 0, "no stream was refused with 503");
    drop(held);
}

#[test]
fn absolute_targets_duplicate_hosts_and_reversed_ranges_follow_the_rfcs() {
    let site = SiteCopy::new();
    let bytes = write_big_media(&site);
    let preview = Preview::start(&site.root(), &[]);
    let addr = preview.addr;
    let host = addr.to_string();

    // An absolute-form target names the host the client means: checked like Host.
    let foreign = request_with(
        addr,
        &format!("GET http://evil.example/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        TIMEOUT,
    )
    .expect("a reply to an absolute-form target");
    assert_eq!(foreign.status, 403);
    assert!(
        foreign.text().contains("evil.example"),
        "{}",
        foreign.text()
    );
    let own = request_with(
        addr,
        &format!("GET http://{host}/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        TIMEOUT,
    )
    .expect("a reply to an absolute-form target naming this preview");
    assert_eq!(own.status, 200);

    // Two Host headers: 400 (RFC 9112 §3.2), whichever comes first.
    for (first, second) in [
        (host.as_str(), "evil.example"),
        ("evil.example", host.as_str()),
    ] {
        let reply = request_with(
            addr,
            &format!(
                "GET / HTTP/1.1\r\nHost: {first}\r\nHost: {second}\r\nConnection: close\r\n\r\n"
            ),
            TIMEOUT,
        )
        .expect("a reply to two Host headers");
        assert_eq!(reply.status, 400, "Host: {first} then {second}");
    }

    // A reversed range is invalid syntax: the Range is ignored and the whole file sent
    // (RFC 9110 §14.1.1, §14.2); one beyond the end is unsatisfiable.
    let reversed = get_with(addr, BIG_MEDIA_URL, &host, "Range: bytes=5-1\r\n");
    assert_eq!(reversed.status, 200);
    assert!(reversed.body == bytes);
    let page = get_with(addr, "/", &host, "Range: bytes=9-3\r\n");
    assert_eq!(page.status, 200);
    let beyond = get_with(addr, "/", &host, "Range: bytes=99999999-\r\n");
    assert_eq!(beyond.status, 416);
}

/// Voluntary context switches of every thread of a process: how often it woke up.
#[cfg(target_os = "linux")]
fn wakeups(pid: u32) -> u64 {
    fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|t| fs::read_to_string(t.path().join("status")).ok())
        .filter_map(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|v| v.trim().parse::<u64>().ok())
        })
        .sum()
}

#[test]
#[cfg(target_os = "linux")]
fn an_idle_preview_sleeps() {
    let site = SiteCopy::new();
    let preview = Preview::start(&site.root(), &[]);
    std::thread::sleep(Duration::from_millis(500));
    let before = wakeups(preview.child.id());
    std::thread::sleep(Duration::from_secs(2));
    let woke = wakeups(preview.child.id()) - before;
    // The directory guard checks 4 times a second; the watcher alone used to wake about 530 times.
    assert!(woke < 40, "woke {woke} times in 2 s while idle");
    // And an edit still arrives.
    let stream = events(preview.addr);
    site.edit(
        "content/yiliao-gaodi/qa.md",
        "cites: [4.2.2]",
        "cites: [4.2.9]",
    );
    next_event(&stream, "problem");
}
