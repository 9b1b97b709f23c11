//! Shared by the integration tests: build the example portal into a temp dir and run the
//! Node browser scripts of tests/browser against it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use jiedu::build::{self, BuildOptions, Built};
use jiedu::render::RenderOptions;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
