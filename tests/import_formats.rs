//! `jiedu import` of the formats policies arrive in — PDF, OFD, old Word through LibreOffice —
//! and of task tables, end to end with the real binary: each real file must give the same
//! outline as the clean text of the same document, and task-table rows must come out of
//! `jiedu build` as clause pages with their units and deadline.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    common::repo().join("tests/fixtures").join(rel)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn import_into(file: &Path, root: &Path) -> Output {
    common::realdoc::import_raw(root, file)
}

/// Imports `file` into a new site and gives the site, after checking the import succeeded.
fn imported(file: &Path) -> (tempfile::TempDir, String) {
    let dir = common::empty_site();
    let out = import_into(file, dir.path());
    assert!(
        out.status.success(),
        "{}\n{}",
        stdout(&out),
        common::stderr(&out)
    );
    (dir, stdout(&out))
}

/// The outline of the site's one policy (`jiedu check --json`), each node reduced to what the
/// recogniser decided: id, label, path, whether a clause, heading, text without spaces, units.
fn outline(root: &Path) -> Vec<String> {
    let out = common::jiedu(&["check", "--root", root.to_str().unwrap(), "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", stdout(&out), common::stderr(&out));
    });
    let mut lines = Vec::new();
    fn walk(nodes: &Value, out: &mut Vec<String>) {
        for n in nodes.as_array().into_iter().flatten() {
            let squeeze = |v: &Value| -> String {
                v.as_str()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect()
            };
            out.push(format!(
                "{} {} {} clause={} heading={} text={} units={}",
                n["id"].as_str().unwrap_or(""),
                n["label"].as_str().unwrap_or(""),
                n["path"],
                n["clause"],
                squeeze(&n["heading"]),
                squeeze(&n["text"]),
                n["units"]
            ));
            walk(&n["children"], out);
        }
    }
    walk(&json["policies"][0]["nodes"], &mut lines);
    lines
}

fn same_outline(clean: &Path, other: &Path) -> String {
    let (a, _) = imported(clean);
    let (b, report) = imported(other);
    let want = outline(a.path());
    let got = outline(b.path());
    assert!(want.len() >= 10, "{want:#?}");
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(
            w, g,
            "first difference between the clean text and {other:?}"
        );
    }
    assert_eq!(want.len(), got.len(), "{got:#?}");
    report
}

#[test]
fn a_pdf_printed_by_chromium_imports_to_the_outline_of_its_clean_text() {
    let report = same_outline(
        &fixture("formats/fengxian.txt"),
        &fixture("formats/fengxian.pdf"),
    );
    assert!(report.contains("PDF 文字层（pdftotext）"), "{report}");
    // The running header and the `-1-` page numbers were removed and said so.
    assert!(report.contains("页码"), "{report}");
    assert!(report.contains("重复的页眉"), "{report}");
}

#[test]
fn a_real_typeset_pdf_gives_the_clauses_of_its_ground_truth() {
    // GovDoc-CN's PDF of 发改办财金规〔2019〕860号: red header over two lines, `—1—` page numbers,
    // lines broken every ~26 characters.
    let (dir, _) = imported(&fixture("formats/geshui-nashui-xinyong.pdf"));
    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("formats/geshui-nashui-xinyong.json")).unwrap(),
    )
    .unwrap();
    let got = outline(dir.path());
    let clauses: Vec<&String> = got.iter().filter(|l| l.contains("clause=true")).collect();
    let want = truth["clause_list"].as_array().unwrap();
    assert_eq!(clauses.len(), want.len(), "{got:#?}");
    for (c, w) in clauses.iter().zip(want) {
        let start: String = w["title_start"].as_str().unwrap().chars().take(6).collect();
        assert!(c.contains(&start), "{c} should start with {start}");
        let path: Vec<&str> = w["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert!(c.contains(path.last().unwrap()), "{c} vs {path:?}");
    }
}

#[test]
fn an_ofd_imports_to_the_outline_of_its_clean_text() {
    let report = same_outline(
        &fixture("formats/zhelin.txt"),
        &fixture("formats/zhelin.ofd"),
    );
    assert!(report.contains("OFD 版式文件（GB/T 33190）"), "{report}");
    assert!(report.contains("页码"), "{report}");
}

fn soffice_installed() -> bool {
    Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn an_old_word_doc_imports_through_libreoffice_to_the_outline_of_its_clean_text() {
    if !soffice_installed() {
        eprintln!("跳过：本机没有安装 LibreOffice（soffice），无法测试 .doc 导入");
        return;
    }
    let report = same_outline(
        &fixture("formats/fengxian.txt"),
        &fixture("formats/fengxian.doc"),
    );
    assert!(report.contains("经 LibreOffice 转换为 .docx"), "{report}");
}

#[test]
fn without_libreoffice_a_doc_is_refused_naming_the_package() {
    let dir = common::empty_site();
    let empty_path = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .env("PATH", empty_path.path())
        .args(["import"])
        .arg(fixture("formats/fengxian.doc"))
        .arg("--root")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(
        err.contains("导入 .doc 文件需要 LibreOffice 把它转换为 .docx：本机没有安装 LibreOffice（找不到 soffice 命令）"),
        "{err}"
    );
    assert!(
        err.contains("sudo apt-get install libreoffice-writer-nogui"),
        "{err}"
    );
    assert!(!dir.path().join("p").exists());
}

#[test]
fn a_scanned_pdf_is_an_error_not_an_empty_policy() {
    let dir = common::empty_site();
    let out = import_into(&fixture("formats/scanned.pdf"), dir.path());
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(
        err.contains("这份 PDF 没有文字层（可能是扫描件或图片），无法提取正文"),
        "{err}"
    );
    assert!(err.contains("OCR"), "{err}");
    assert!(!dir.path().join("p/policy.md").exists());
}

fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let out_dir = tempfile::tempdir().unwrap();
    let public = out_dir.path().join("public");
    let out = common::build_with_binary(root, &public);
    assert!(out.status.success(), "{}", common::stderr(&out));
    (out_dir, public)
}

/// Every clause page of policy `p`, by the clause's own label.
fn clause_pages(public: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(public.join("p/clause"))
        .unwrap()
        .flatten()
    {
        let page = e.path().join("index.html");
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        let label = html
            .split("<span class=\"num\">")
            .nth(1)
            .and_then(|s| s.split("</span>").next())
            .unwrap_or("")
            .to_string();
        out.push((label, html));
    }
    // Document order: by the number, Arabic or Chinese, in the label.
    let order = |l: &str| -> u32 {
        l.parse::<u32>().unwrap_or_else(|_| {
            l.chars()
                .find_map(|c| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1))
                .unwrap_or(0)
        })
    };
    out.sort_by_key(|(l, _)| order(l));
    out
}

fn unit_note(html: &str) -> String {
    let block = html.find("class=\"unit-note\"").expect("a unit note block");
    let start = block + html[block..].find('>').unwrap() + 1;
    let end = html[start..]
        .find("在政策原文中查看本条")
        .map_or(html.len(), |e| start + e);
    // Tags out: what a reader sees.
    let mut text = String::new();
    let mut in_tag = false;
    // Names are list items: shown here as the document writes them, joined by 、.
    let note = html[start..end].replace("</li>", "、");
    for c in note.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => text.push(c),
            _ => {}
        }
    }
    text.trim_end_matches('、').to_string()
}

/// The clause pages of the 静安 行动三 rows: nine clauses 9–17 under their 任务类型, with the
/// 推进单位 of a merged cell on every row it spans.
fn assert_jingan_pages(public: &Path) {
    let pages = clause_pages(public);
    let labels: Vec<&str> = pages.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        ["9", "10", "11", "12", "13", "14", "15", "16", "17"],
        "{labels:?}"
    );
    let page = |l: &str| &pages.iter().find(|(x, _)| x == l).unwrap().1;
    assert!(page("9").contains("示范性街镇"));
    assert!(
        page("9").contains("公共服务设施提升改造"),
        "the group is the clause's context"
    );
    assert!(page("9").contains("行动三：智创和谐新境行动"));
    assert_eq!(unit_note(page("9")), "推进单位：区规划资源局、各相关街镇");
    assert_eq!(unit_note(page("13")), "推进单位：区绿化市容局");
    assert!(page("13").contains("公共空间优化"));
    assert_eq!(
        unit_note(page("17")),
        "推进单位：区建设管理委、区绿化市容局、区国动办、区应急局、各相关街镇"
    );
}

#[test]
fn a_word_task_table_with_merged_cells_becomes_clause_pages() {
    let (dir, report) = imported(&fixture("task-tables/jingan-action3.docx"));
    assert!(!report.contains("没有找到任务条款"), "{report}");
    // Word marks its merged cells (w:vMerge): nothing is guessed, so nothing is warned.
    assert!(!report.contains("沿用上一行的单位"), "{report}");
    let (_out, public) = build(dir.path());
    assert_jingan_pages(&public);
}

#[test]
fn a_tab_separated_task_table_becomes_clause_pages_and_merged_units_are_warned() {
    let (dir, report) = imported(&fixture("task-tables/jingan-action3.txt"));
    assert!(
        report.contains("任务分工表的这一行没有写单位，已按合并单元格沿用上一行的单位"),
        "{report}"
    );
    let (_out, public) = build(dir.path());
    assert_jingan_pages(&public);
}

#[test]
fn a_markdown_task_table_in_policy_md_gives_units_with_labels_and_deadlines() {
    let dir = common::empty_site();
    let bundle = dir.path().join("p");
    std::fs::create_dir_all(&bundle).unwrap();
    let table = std::fs::read_to_string(fixture("task-tables/dajian-steps-table.md")).unwrap();
    std::fs::write(
        bundle.join("policy.md"),
        format!(
            "---\nkind: policy\ntitle: 上海市交通委员会 上海市公安局关于印发《高效办成大件运输“一件事”实施方案》的通知\nissuer: 上海市交通委员会、上海市公安局\nsigned: 2025-04-03\n---\n\n## 三、实施步骤\n\n按照以下三个阶段，于2025年5月底完成：\n\n{table}"
        ),
    )
    .unwrap();
    let (_out, public) = build(dir.path());
    let pages = clause_pages(&public);
    let labels: Vec<&str> = pages.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["（一）", "（二）", "（三）"], "{labels:?}");
    let (_, second) = &pages[1];
    assert!(second.contains("联调联试阶段"), "{second}");
    assert_eq!(
        unit_note(second),
        "责任部门：市交通委、市公安局、市大数据中心"
    );
    assert!(
        second.contains("<span class=\"tag tag-deadline\">时间节点</span> 2025年4月"),
        "{second}"
    );
}

#[test]
fn a_tab_separated_table_with_deadlines_imports_with_them() {
    let (dir, _) = imported(&fixture("task-tables/dajian-steps.txt"));
    let out = common::jiedu(&["check", "--root", dir.path().to_str().unwrap(), "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut deadlines = Vec::new();
    fn walk(nodes: &Value, out: &mut Vec<String>) {
        for n in nodes.as_array().into_iter().flatten() {
            if n["clause"] == true {
                out.push(format!(
                    "{} {}={}",
                    n["label"].as_str().unwrap_or(""),
                    n["deadline"]["label"].as_str().unwrap_or("-"),
                    n["deadline"]["text"].as_str().unwrap_or("-")
                ));
            }
            walk(&n["children"], out);
        }
    }
    walk(&json["policies"][0]["nodes"], &mut deadlines);
    assert_eq!(
        deadlines,
        [
            "（一） 时间节点=2025年3月",
            "（二） 时间节点=2025年4月",
            "（三） 时间节点=2025年5月"
        ]
    );
}

#[test]
fn a_table_that_looks_like_a_task_table_but_gives_no_clause_is_warned() {
    let dir = common::empty_site();
    let bundle = dir.path().join("p");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(
        bundle.join("policy.md"),
        "---\nkind: policy\ntitle: 测试\nissuer: 测试\n---\n\n## 一、任务分工\n\n| 序号 | 工作任务 | 牵头单位 | 完成时限 |\n| --- | --- | --- | --- |\n| 1 |  | 市发展改革委 | 2025年底前 |\n",
    )
    .unwrap();
    let out = common::jiedu(&["check", "--root", dir.path().to_str().unwrap()]);
    let all = format!("{}{}", stdout(&out), common::stderr(&out));
    assert!(
        all.contains("表格的表头「序号 | 工作任务 | 牵头单位 | 完成时限」像任务分工表，但没有一行能读成任务条款"),
        "{all}"
    );
}
