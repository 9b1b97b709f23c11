//! The W3C Nu HTML Checker (npm vnu-jar, run on Java), once over a whole directory in one JVM.

use std::fmt;
use std::path::Path;
use std::process::Command;

use serde::Deserialize;

use super::browser::node_modules;

#[derive(Debug, Deserialize)]
pub struct NuMessage {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub url: String,
    #[serde(rename = "lastLine")]
    pub line: Option<u64>,
    pub message: String,
}

impl fmt::Display for NuMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line.map(|l| format!(":{l}")).unwrap_or_default();
        write!(f, "{}{line}: {}", self.url, self.message)
    }
}

#[derive(Deserialize)]
struct NuReport {
    messages: Vec<NuMessage>,
}

/// Every error the checker finds in the HTML files under `dir` (warnings are not asked for).
pub fn nu_errors(dir: &Path) -> Vec<NuMessage> {
    let jar = node_modules().join("vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "{} is missing: run tests/run (npm ci in tests/browser)",
        jar.display()
    );
    // A run checks a few to a hundred pages: the JVM's optimising compiler and parallel
    // collector cost more CPU than they save there (5.2 s -> 2.4 s user+sys on the example
    // portal, the same report). The quick compiler's larger frames need more than the default
    // thread stack for Nu's schema.
    let output = Command::new("java")
        .args(["-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"])
        .arg("-jar")
        .arg(&jar)
        .args([
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
            "--stdout",
        ])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run java ({e}): run tests/run, which installs default-jre-headless")
        });
    let report: NuReport = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON report ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report
        .messages
        .into_iter()
        .filter(|m| m.kind == "error" || m.kind == "non-document-error")
        .collect()
}
