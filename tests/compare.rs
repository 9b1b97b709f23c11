//! `jiedu compare` on real revision pairs (tests/fixtures/revisions): the real binary aligns the
//! raw texts, the pairing is scored against the hand-made truth of each pair, and the same
//! alignment must come out when the two texts are first imported as bundles.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::compare::Row;
use serde_json::Value;

use crate::common;

const PAIRS: &[&str] = &[
    "sh-fengmao-tiaoli",
    "sh-zhufang-zulin",
    "sh-xinjian-zhuzhai",
];

fn fixtures(pair: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/revisions")
        .join(pair)
}

type Link = (Option<String>, Option<String>);

/// Runs `jiedu compare OLD NEW --output table.json` in `dir` and returns the rows.
fn compare(old: &Path, new: &Path, dir: &Path) -> Vec<Row> {
    common::compare::alignment(old, new, &dir.join("table.json"))
}

fn truth(pair: &str) -> Vec<Row> {
    let t: Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures(pair).join("truth.json")).unwrap())
            .unwrap();
    t["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["old"].as_str().map(str::to_string),
                p["new"].as_str().map(str::to_string),
                p["class"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn links(rows: &[Row]) -> BTreeSet<Link> {
    rows.iter()
        .map(|(o, n, _)| (o.clone(), n.clone()))
        .collect()
}

/// Precision and recall of the predicted links (old↔new, old↔nothing, nothing↔new).
fn score(pred: &BTreeSet<Link>, truth: &BTreeSet<Link>) -> (f64, f64) {
    let hit = pred.intersection(truth).count() as f64;
    (hit / pred.len() as f64, hit / truth.len() as f64)
}

#[test]
fn alignment_of_real_revisions_matches_the_hand_made_truth() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = String::from(
        "| pair | rows | precision | recall | class agreement |\n|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for pair in PAIRS {
        let rows = compare(
            &fixtures(pair).join("old.txt"),
            &fixtures(pair).join("new.txt"),
            dir.path(),
        );
        let truth = truth(pair);
        let (p, r) = score(&links(&rows), &links(&truth));
        let same_class = rows.iter().filter(|row| truth.contains(row)).count();
        report.push_str(&format!(
            "| {pair} | {} | {p:.3} | {r:.3} | {same_class}/{} |\n",
            rows.len(),
            truth.len()
        ));
        if p < 0.95 || r < 0.95 {
            let wrong: Vec<_> = links(&rows).difference(&links(&truth)).cloned().collect();
            failures.push(format!(
                "{pair}: precision {p:.3}, recall {r:.3}; wrong links {wrong:?}"
            ));
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compare_on_built_bundles_gives_the_same_alignment_as_on_raw_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    for pair in PAIRS {
        for side in ["old", "new"] {
            let slug = format!("{pair}-{side}");
            let o = common::jiedu(&[
                "import",
                fixtures(pair).join(format!("{side}.txt")).to_str().unwrap(),
                "--root",
                root.to_str().unwrap(),
                "--policy-slug",
                &slug,
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let raw = compare(
            &fixtures(pair).join("old.txt"),
            &fixtures(pair).join("new.txt"),
            dir.path(),
        );
        let bundles = compare(
            &root.join(format!("{pair}-old")),
            &root.join(format!("{pair}-new")),
            dir.path(),
        );
        assert!(!raw.is_empty());
        assert_eq!(
            raw, bundles,
            "{pair}: raw files and bundles align differently"
        );
    }
}

#[test]
fn markdown_and_html_tables_mark_changes_with_text_cues() {
    let dir = tempfile::tempdir().unwrap();
    let pair = fixtures("sh-zhufang-zulin");
    let md = dir.path().join("对照表.md");
    let html = dir.path().join("对照表.html");
    for out in [&md, &html] {
        let o = common::jiedu(&[
            "compare",
            pair.join("old.txt").to_str().unwrap(),
            pair.join("new.txt").to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success());
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains("未变 16 条，修改 15 条，移动 32 条，新增 2 条，删除 3 条"),
            "{stdout}"
        );
        assert!(stdout.contains("  删除  第五十三条 → —"), "{stdout}");
    }
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("| 原条款 | 新条款 | 修改说明 |"));
    // 第十七条 → 第十八条: 登记备案 became 合同备案, character by character.
    assert!(md.contains("~~〔删：登记〕~~"), "{md}");
    assert!(md.contains("**〔增：合同〕**"), "{md}");
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("<del>登记</del>") && html.contains("<ins>合同</ins>"));
    assert!(
        html.contains("content:'〔增：'"),
        "the cue must not depend on colour"
    );
    assert!(
        html.contains("<details><summary><strong>第一条</strong>（未修改，点击展开）</summary>")
    );
}

/// `jiedu compare … | head -1`: a reader that stops early is no error; the summary's write
/// meets a closed pipe and the command ends quietly (it panicked with "failed printing to
/// stdout: Broken pipe").
#[test]
fn a_closed_pipe_ends_the_summary_quietly() {
    let pair = fixtures("sh-fengmao-tiaoli");
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args([
            "compare",
            pair.join("old.txt").to_str().unwrap(),
            pair.join("new.txt").to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Closed before the comparison is done: its first write finds no reader.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
