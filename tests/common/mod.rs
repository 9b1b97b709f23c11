//! Shared helpers for integration tests: run the real `jiedu` binary on real sites, list and
//! classify the built pages, and the checkers run over built HTML.
#![allow(dead_code)] // each test crate uses a different part

pub mod browser;
pub mod compare;
pub mod corpus;
pub mod html;
pub mod links;
pub mod open_data;
pub mod page_types;
pub mod portal_meta;
pub mod realdoc;
pub mod vnu;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use tempfile::TempDir;

use jiedu::build::{self, BuildOptions};
use jiedu::model::Site;
use jiedu::render::{OutFile, RenderOptions};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn jiedu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(args)
        .output()
        .expect("run jiedu")
}

/// A fresh site root holding only a minimal `jiedu.yaml`, for importing documents into.
pub fn empty_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("jiedu.yaml"),
        "name: 测试站点\nbase_url: \"https://example.org/\"\npublisher: 测试\n",
    )
    .unwrap();
    dir
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Builds `site` into `public` with the real binary (no search index, for speed).
pub fn build_with_binary(site: &Path, public: &Path) -> Output {
    jiedu(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
        "--no-search",
    ])
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temp copy of the example portal (`content/` with `themes/` beside it), safe to edit.
pub struct ExampleSite {
    pub dir: tempfile::TempDir,
}

impl ExampleSite {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("content"), &dir.path().join("content"));
        copy_dir(&repo().join("themes"), &dir.path().join("themes"));
        ExampleSite { dir }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn file(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let path = self.file(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, f(text)).unwrap();
    }

    pub fn build_to(&self, out: &Path) -> Output {
        jiedu(&[
            "build",
            "--root",
            self.root().to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ])
    }

    pub fn build(&self) -> Output {
        self.build_to(&self.out())
    }

    pub fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

/// Every file of a built site: relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A finished build: the site model, and the files the build wrote, read back from disk.
pub struct Built {
    pub site: Site,
    pub rendered: Written,
}

pub struct Written {
    /// Relative path → content, without the output marker.
    pub files: BTreeMap<String, OutFile>,
}

/// Builds `root` into `<dir>/public` with or without the search index.
pub fn build_site(root: &Path, dir: &Path, search: bool) -> (Built, PathBuf) {
    let output = dir.join("public");
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: output.clone(),
        base_url: None,
        render: RenderOptions::default(),
        search,
    };
    let (built, _) = build::build(&opts).unwrap_or_else(|d| panic!("build failed:\n{d}"));
    let files = snapshot(&output)
        .into_iter()
        .filter(|(path, _)| path != jiedu::write::MARKER)
        .map(|(path, bytes)| (path, OutFile::Bytes(bytes)))
        .collect();
    let built = Built {
        site: built.site,
        rendered: Written { files },
    };
    (built, output)
}

/// Installs the browser tests' Node packages once per test binary (tests/run does it too).
fn node_modules() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = repo().join("tests/browser");
        if !dir.join("node_modules/playwright-core").is_dir() {
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&dir)
                .status()
                .expect("npm is needed for the browser tests");
            assert!(status.success(), "npm ci in tests/browser failed");
        }
        dir
    })
}

/// Runs `node tests/browser/<script> <site> <expectations.json>`; panics with its output if
/// any check failed. Returns its standard output (the figures it reports).
pub fn run_browser_script(script: &str, site: &Path, expectations: &serde_json::Value) -> String {
    let dir = node_modules();
    let tmp = tempfile::tempdir().unwrap();
    let expect_file = tmp.path().join("expect.json");
    std::fs::write(
        &expect_file,
        serde_json::to_vec_pretty(expectations).unwrap(),
    )
    .unwrap();
    let out = Command::new("node")
        .arg(dir.join(script))
        .arg(site)
        .arg(&expect_file)
        .current_dir(dir)
        .output()
        .expect("node is needed for the browser tests");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    stdout
}

/// A fixture directory under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests").join("fixtures").join(name)
}

/// The example portal, built by the `jiedu` binary into a temporary directory.
pub struct BuiltSite {
    _dir: TempDir,
    pub root: PathBuf,
}

pub fn build_example() -> BuiltSite {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let output = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .current_dir(repo())
        .args(["build", "--root", "content", "--output"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "jiedu build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    BuiltSite { _dir: dir, root }
}

/// Every `.html` file under `root`, sorted, as paths relative to `root` with `/` separators.
pub fn html_pages(root: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path.strip_prefix(root).unwrap();
                pages.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    pages.sort();
    pages
}

/// The URL path a browser uses for a page file: `a/index.html` → `/a/`, `404.html` → `/404.html`.
pub fn url_path(page: &str) -> String {
    match page.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{page}"),
    }
}

/// A second policy bundle beside the example's, so that edits cross bundles: a copy of it
/// under `yiliao-gaodi-b` whose Q&A (front matter and inline), infographic panel and one
/// progress item cite clauses of the first bundle. Its title and 文号 are marked as a copy:
/// a build refuses two policies with the same ones. Returns the new bundle's folder.
pub fn add_citing_bundle(root: &Path) -> PathBuf {
    let b = root.join("yiliao-gaodi-b");
    copy_dir(&root.join("yiliao-gaodi"), &b);
    let cross = [
        (
            "policy.md",
            "title: 关于加快推进卫生健康事业高质量发展",
            "title: （测试副本）关于加快推进卫生健康事业高质量发展",
        ),
        (
            "policy.md",
            "doc_number: 聊政字〔2023〕25号",
            "doc_number: 聊政字〔2023〕25号（测试副本）",
        ),
        (
            "qa.md",
            "cites: [4.2.1, 4.1.1]",
            "cites: [4.2.1, \"yiliao-gaodi:4.1.1\"]",
        ),
        ("qa.md", "（[[4.1.1]]）", "（[[yiliao-gaodi:4.1.1]]）"),
        (
            "infographic.md",
            "cites: [\"2\", 4.1.1]",
            "cites: [\"2\", \"yiliao-gaodi:4.1.1\"]",
        ),
        (
            "progress/2025-xinsanbao.md",
            "cites: [4.6.2, 4.6.3]",
            "cites: [4.6.2, \"yiliao-gaodi:4.6.3\"]",
        ),
    ];
    for (file, from, to) in cross {
        let path = b.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} does not contain {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    b
}
