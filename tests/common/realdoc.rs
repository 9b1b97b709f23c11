//! Real documents through `jiedu import` and `jiedu check --json`, as the recogniser's tests
//! run them: one fixture text imported as policy `p` of an empty site, its outline read back.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// The `.txt` fixture of `tests/fixtures/<folder>` whose name starts with `stem`.
pub fn fixture(folder: &str, stem: &str) -> PathBuf {
    let dir = super::repo().join("tests/fixtures").join(folder);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "txt")
                && p.file_name().unwrap().to_string_lossy().starts_with(stem)
        })
        .unwrap_or_else(|| panic!("no fixture {stem}* in {}", dir.display()))
}

/// Imports `file` as policy `p`, adds an issuer when the text names none (the build needs
/// one), and returns the import report.
pub fn import_as_p(root: &Path, file: &Path) -> String {
    let out = import_raw(root, file);
    assert!(out.status.success(), "{}", super::stderr(&out));
    let policy = root.join("p/policy.md");
    let text = std::fs::read_to_string(&policy).unwrap();
    if !text.contains("\nissuer:") {
        std::fs::write(&policy, format!("---\nissuer: 测试机关\n{}", &text[4..])).unwrap();
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `jiedu import <file> --root <root> --policy-slug p`, as it ran.
pub fn import_raw(root: &Path, file: &Path) -> Output {
    super::jiedu(&[
        "import",
        file.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--policy-slug",
        "p",
    ])
}

/// `jiedu check --json` of the site at `root`.
pub fn check_json(root: &Path) -> Value {
    let out = super::jiedu(&["check", "--root", root.to_str().unwrap(), "--json"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every clause node of the first policy in a `check --json` outline, in document order.
pub fn clauses(outline: &Value) -> Vec<Value> {
    fn go(v: &Value, out: &mut Vec<Value>) {
        for n in v.as_array().into_iter().flatten() {
            if n["clause"].as_bool() == Some(true) {
                out.push(n.clone());
            }
            go(&n["children"], out);
        }
    }
    let mut out = Vec::new();
    go(&outline["policies"][0]["nodes"], &mut out);
    out
}

/// A JSON array of strings as strings (a test reads only arrays of strings with it).
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// `(line, message)` of each diagnostic with a line.
pub fn located(outline: &Value) -> Vec<(u64, String)> {
    outline["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| Some((d["line"].as_u64()?, d["message"].as_str()?.to_string())))
        .collect()
}

/// The 1-based line of `policy.md` under `root` that starts with `start`.
pub fn policy_line(root: &Path, start: &str) -> u64 {
    let text = std::fs::read_to_string(root.join("p/policy.md")).unwrap();
    let i = text
        .lines()
        .position(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start}"));
    i as u64 + 1
}
