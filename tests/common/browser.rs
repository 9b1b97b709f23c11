//! Runs tests/browser/run-checks.mjs (axe-core, keyboard, reflow, 长辈版, 语音阅读, print and
//! screenshots in Debian's Chromium) over a directory of HTML and reads its JSON report.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::repo;

pub fn browser_dir() -> PathBuf {
    repo().join("tests").join("browser")
}

pub fn node_modules() -> PathBuf {
    browser_dir().join("node_modules")
}

#[derive(Serialize)]
pub struct PlannedPage {
    #[serde(rename = "type")]
    pub kind: String,
    pub path: String,
    pub checks: Vec<&'static str>,
}

#[derive(Serialize)]
pub struct Screenshots {
    pub dir: PathBuf,
    pub types: Vec<String>,
}

#[derive(Serialize)]
pub struct Plan {
    pub root: PathBuf,
    pub pages: Vec<PlannedPage>,
    pub screenshots: Option<Screenshots>,
}

#[derive(Debug, Deserialize)]
pub struct Problem {
    pub check: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} ({}): {}",
            self.check, self.path, self.kind, self.message
        )
    }
}

#[derive(Debug, Deserialize)]
pub struct Report {
    /// Pages each check ran on.
    pub checked: BTreeMap<String, u32>,
    pub seconds: BTreeMap<String, f64>,
    pub problems: Vec<Problem>,
    pub screenshots: Vec<PathBuf>,
}

impl Report {
    pub fn problems_of(&self, check: &str) -> Vec<&Problem> {
        self.problems.iter().filter(|p| p.check == check).collect()
    }
}

pub fn run_browser_checks(plan: &Plan, work_dir: &Path) -> Report {
    assert!(
        node_modules().join("playwright-core").is_dir(),
        "tests/browser/node_modules is missing: run tests/run (it installs Chromium and the Node packages)"
    );
    let plan_file = work_dir.join("browser-plan.json");
    std::fs::write(&plan_file, serde_json::to_vec(plan).unwrap()).unwrap();
    let output = Command::new("node")
        .current_dir(browser_dir())
        .arg("run-checks.mjs")
        .arg(&plan_file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    assert!(
        output.status.success(),
        "run-checks.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "run-checks.mjs printed no report ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The screenshot directory: target/screenshots (beside target/tmp, never committed).
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map(|target| target.join("screenshots"))
        .unwrap_or_else(|| repo().join("target").join("screenshots"))
}
