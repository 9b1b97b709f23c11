//! Unit notes read by their grammar, and the verifier that names every doubt: each form goes
//! through the real binary (`jiedu import` → `jiedu check --json` / `jiedu build`) and the
//! clause pages or the outline are read back. Real passages come from `tests/fixtures/realdocs`;
//! forms not among them are written the way the real notes are.

use crate::common;

use common::realdoc::{check_json as check, fixture, import_as_p as import};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn import_text(root: &Path, text: &str) -> String {
    let file = root.join("source.txt");
    std::fs::write(&file, text).unwrap();
    import(root, &file)
}

fn nodes(outline: &Value) -> Vec<Value> {
    fn go(v: &Value, out: &mut Vec<Value>) {
        for n in v.as_array().into_iter().flatten() {
            out.push(n.clone());
            go(&n["children"], out);
        }
    }
    let mut out = Vec::new();
    go(&outline["policies"][0]["nodes"], &mut out);
    out
}

/// (role, names) of each unit group of the clause whose path ends with `path`.
fn units(outline: &Value, path: &[&str]) -> Vec<(String, Vec<String>)> {
    let node = nodes(outline)
        .into_iter()
        .find(|n| {
            let p: Vec<&str> = n["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            p.ends_with(path)
        })
        .unwrap_or_else(|| panic!("no node {path:?}"));
    assert!(node["clause"].as_bool().unwrap(), "{node}");
    node["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["role"].as_str().unwrap().to_string(),
                g["names"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn messages(outline: &Value) -> Vec<(usize, String)> {
    outline["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0) as usize,
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn v(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn realdoc(stem: &str) -> PathBuf {
    fixture("realdocs", stem)
}

fn build(root: &Path) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root, &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    (out, public)
}

#[test]
fn deng_he_splits_into_each_unit_on_the_clause_page() {
    // 05 (国务院办公厅 消费扶贫): `（扶贫办、…、全国总工会等和各省级人民政府负责）`.
    let root = common::empty_site();
    import(root.path(), &realdoc("05-"));
    let outline = check(root.path());
    assert_eq!(
        units(&outline, &["二、", "（一）"]),
        vec![(
            "other".to_string(),
            v(&[
                "扶贫办",
                "中央统战部",
                "中央和国家机关工委",
                "教育部",
                "卫生健康委",
                "人民银行",
                "国资委",
                "国管局",
                "中央军委政治工作部",
                "全国总工会",
                "各省级人民政府"
            ])
        )]
    );
    let (_out, public) = build(root.path());
    let c1 = clause_page(&public, "推动各级机关");
    assert!(c1.contains(">全国总工会</a>"), "{c1}");
    assert!(c1.contains(">各省级人民政府</a>"), "{c1}");
    assert!(!c1.contains("等和"), "{c1}");
}

#[test]
fn a_star_marks_the_lead_also_in_a_clause_with_inline_items() {
    // 22 (苍南): clause 二 holds （1）…（4） in its paragraph, then `（责任单位：*县人力社保局、…）`.
    let root = common::empty_site();
    import(root.path(), &realdoc("22-"));
    let outline = check(root.path());
    assert_eq!(
        units(&outline, &["二、"]),
        vec![
            ("lead".to_string(), v(&["县人力社保局"])),
            (
                "other".to_string(),
                v(&["县金融服务中心", "县大数据管理中心"])
            )
        ]
    );
    assert_eq!(
        units(&outline, &["七、"])[0],
        ("lead".to_string(), v(&["县委组织部〔人才办〕"]))
    );
    let (_out, public) = build(root.path());
    let c2 = clause_page(&public, "多方位资金支持");
    assert!(c2.contains(">县人力社保局</a>"), "{c2}");
    assert!(!c2.contains("*县"), "{c2}");
}

#[test]
fn huitong_and_stacked_verbs_with_a_rule_for_later_notes() {
    let root = common::empty_site();
    let report = import_text(
        root.path(),
        "某市关于加快数字经济发展的实施方案\n\n\
一、重点任务\n\n\
（一）夯实数字基础设施。加快千兆光网和5G网络建设，推进算力中心集约化布局。（市数据局牵头负责;市通信管理办负责配合落实，以下均需市通信管理办配合落实，不再列出）\n\n\
（二）推动数据要素流通。建立公共数据授权运营机制，培育数据交易市场主体。（市发展改革委会同有关部门负责）\n\n\
（三）培育数字产业集群。围绕软件和信息服务业，引进培育一批骨干企业。（市经信局、市科技局按职责分工负责）\n",
    );
    let outline = check(root.path());
    assert_eq!(
        units(&outline, &["（一）"]),
        vec![
            ("lead".to_string(), v(&["市数据局"])),
            ("other".to_string(), v(&["市通信管理办"]))
        ]
    );
    assert_eq!(
        units(&outline, &["（二）"]),
        vec![
            ("lead".to_string(), v(&["市发展改革委"])),
            ("other".to_string(), v(&["有关部门"]))
        ]
    );
    assert_eq!(
        units(&outline, &["（三）"]),
        vec![("other".to_string(), v(&["市经信局", "市科技局"]))]
    );
    // Nothing in these notes is doubtful.
    assert!(!report.contains("的单位「"), "{report}");
}

#[test]
fn a_note_after_each_groups_last_item_covers_the_whole_group() {
    let root = common::empty_site();
    let report = import_text(
        root.path(),
        "某县关于推进农村人居环境整治的实施方案\n\n\
一、重点任务\n\n\
（一）推进农村生活垃圾治理\n\n\
1．健全收运处置体系。完善村收集、镇转运、县处理的垃圾收运处置体系。\n\n\
2．推进垃圾分类减量。在具备条件的村开展生活垃圾分类试点。\n\n\
3．加强日常保洁管理。建立村庄保洁长效机制。\n\n\
（责任单位：县城管局、县农业农村局，各乡镇人民政府）\n\n\
（二）推进农村生活污水治理\n\n\
4．科学编制治理规划。统筹县域农村生活污水治理。\n\n\
5．加快治理设施建设。优先治理水源保护区内的村庄生活污水。\n\n\
（责任单位：县生态环境局、县水利局，各乡镇人民政府）\n\n\
二、保障措施\n\n\
各乡镇、各部门要加强组织领导，确保各项任务落到实处。\n",
    );
    let outline = check(root.path());
    for item in ["1.", "2.", "3."] {
        assert_eq!(
            units(&outline, &["（一）", item]),
            vec![(
                "other".to_string(),
                v(&["县城管局", "县农业农村局", "各乡镇人民政府"])
            )],
            "{item}"
        );
    }
    assert_eq!(
        units(&outline, &["（二）", "4."]),
        vec![(
            "other".to_string(),
            v(&["县生态环境局", "县水利局", "各乡镇人民政府"])
        )]
    );
    assert!(
        report.contains("全文 2 个分组都只在最后一条之后写了单位说明，已把每条说明作为整组各条的单位说明（第一组为「（一）」）"),
        "{report}"
    );
    let (_out, public) = build(root.path());
    let c1 = clause_page(&public, "健全收运处置体系");
    assert!(c1.contains(">县农业农村局</a>"), "{c1}");
}

/// The built clause page whose text holds `words`.
fn clause_page(public: &Path, words: &str) -> String {
    walkdir::WalkDir::new(public.join("p/clause"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        // Its own title, not a neighbour's in the 上一条/下一条 links.
        .find(|html| {
            html.find("</title>")
                .is_some_and(|t| html[..t].contains(words))
        })
        .unwrap_or_else(|| panic!("no clause page with {words}"))
}

#[test]
fn a_note_line_is_not_joined_to_the_noise_line_after_it() {
    let root = common::empty_site();
    let report = import_text(
        root.path(),
        "某市关于推进政务服务提质增效的实施方案\n\n\
一、主要任务\n\n\
1．推进高效办成一件事。围绕企业和群众全生命周期重点事项，优化办事流程。\n\
责任单位：市政务服务局、市数据局\n\
H5解读：https://www.example.gov.cn/h5/2025/001.html\n\n\
2．提升窗口服务水平。推行帮办代办服务。\n\
责任单位：市政务服务局\n",
    );
    let outline = check(root.path());
    assert_eq!(
        units(&outline, &["1."]),
        vec![("other".to_string(), v(&["市政务服务局", "市数据局"]))]
    );
    assert!(!report.contains("H5解读：https://www」"), "{report}");
}

#[test]
fn the_verifier_names_a_planted_wrong_unit_and_a_planted_numbering_fault() {
    // A policy written by hand with three faults: a unit that is no organ, a numbered line run
    // into the paragraph before it, and a skipped number.
    let root = common::empty_site();
    std::fs::create_dir_all(root.path().join("p")).unwrap();
    std::fs::write(
        root.path().join("p/policy.md"),
        "---\nkind: policy\ntitle: 某市测试实施方案\nissuer: 某市人民政府\n---\n\n\
一、主要任务\n\n\
1. 建设平台。推进平台建设。（责任单位：市科技局、加快建设）\n\n\
2. 完善机制。健全工作机制。（责任单位：市发展改革委）\n\
3. 强化保障。加强经费保障。（责任单位：市财政局）\n\n\
5. 加强宣传。做好政策解读。（责任单位：市委宣传部）\n",
    )
    .unwrap();
    let outline = check(root.path());
    let msgs = messages(&outline);
    let expected = [
        (9, "「1.」的单位「加快建设」没有机关名称的结尾（如部、委、局、厅、办、中心、政府、管委会、公司）"),
        (12, "以编号「3.」开头的一段没有成为条款或标题：它与上一行连成了一段"),
        (14, "编号不连续：「2.」之后是「5.」"),
    ];
    for (line, msg) in expected {
        assert!(
            msgs.iter().any(|(l, m)| *l == line && m == msg),
            "{line} {msg}: {msgs:?}"
        );
    }
    // The same verifier speaks in the import report, so it never ends with 需要核对：无.
    let report = import(&root.path().join("again"), &{
        std::fs::create_dir_all(root.path().join("again")).unwrap();
        let f = root.path().join("again/src.txt");
        std::fs::write(
                &f,
                "某市测试实施方案\n\n一、主要任务\n\n1. 建设平台。推进平台建设。（责任单位：市科技局、加快建设）\n",
            )
            .unwrap();
        f
    });
    assert!(
        report.contains("「1.」的单位「加快建设」没有机关名称的结尾"),
        "{report}"
    );
    assert!(!report.contains("需要核对：无"), "{report}");
}

#[test]
fn a_clean_real_document_raises_no_unit_doubt() {
    // 12 (宁波): every note is well formed; the verifier must not flood it.
    let root = common::empty_site();
    let report = import(root.path(), &realdoc("12-"));
    assert!(!report.contains("的单位「"), "{report}");
    let outline = check(root.path());
    assert!(
        messages(&outline)
            .iter()
            .all(|(_, m)| !m.contains("的单位「")),
        "{:?}",
        messages(&outline)
    );
}
