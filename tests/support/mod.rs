//! Helpers shared by the integration tests: build the example portal with the real binary into a
//! temporary directory, list and classify its pages, and the checkers run over built HTML.
#![allow(dead_code)] // each test crate uses a different part

pub mod browser;
pub mod html;
pub mod links;
pub mod page_types;
pub mod portal_meta;
pub mod vnu;

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub fn repo_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory under tests/fixtures/.
pub fn fixture(name: &str) -> PathBuf {
    repo_dir().join("tests").join("fixtures").join(name)
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
        .current_dir(repo_dir())
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
