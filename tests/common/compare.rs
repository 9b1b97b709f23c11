//! `jiedu compare` as an editor runs it: two texts in, the 对照表 as JSON out.

use std::path::Path;

use serde_json::Value;

/// One row of the table: old label, new label (each `None` when the clause has no
/// counterpart), and the class (未变 / 修改 / 新增 / 删除 / 移动).
pub type Row = (Option<String>, Option<String>, String);

/// Runs `jiedu compare OLD NEW --output <out>` (a `.json` path) and returns its rows.
pub fn alignment(old: &Path, new: &Path, out: &Path) -> Vec<Row> {
    let o = super::jiedu(&[
        "compare",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", super::stderr(&o));
    let table: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let label = |v: &Value| v["label"].as_str().map(str::to_string);
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                label(&r["old"]),
                label(&r["new"]),
                r["class"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
