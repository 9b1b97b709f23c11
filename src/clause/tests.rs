use super::*;
use std::path::PathBuf;

fn parse_str(text: &str) -> (ClauseTree, Diagnostics) {
    parse(text, 1, Path::new("policy.md"))
}

fn seed_policy() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/001_ac1ff4ea6668311b.txt");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn seed_policy_has_25_task_clauses_with_units() {
    let (tree, diags) = parse_str(&seed_policy());
    assert!(!diags.has_errors(), "{diags}");
    let clauses = tree.clauses();
    let ids: Vec<&str> = clauses.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(clauses.len(), 25, "{ids:?}");
    assert_eq!(ids[0], "4.1.1");
    assert_eq!(ids[24], "4.6.3");
    for c in &clauses {
        assert!(
            c.units_with_role(Role::Lead).count() >= 1,
            "clause {} has no lead unit",
            c.id
        );
    }
    let c411 = clauses[0];
    assert_eq!(c411.heading, "全力建设国家区域医疗中心");
    assert_eq!(
        c411.units_with_role(Role::Lead).collect::<Vec<_>>(),
        vec!["市卫生健康委"]
    );
    let responsible: Vec<_> = c411.units_with_role(Role::Responsible).collect();
    assert_eq!(responsible.len(), 11);
    assert_eq!(
        responsible.last().unwrap().as_str(),
        "江北水城旅游度假区管委会"
    );
    let c414 = tree.walk().into_iter().find(|n| n.id == "4.1.4").unwrap();
    assert!(c414
        .units_with_role(Role::Responsible)
        .any(|u| u == "各县〔市、区〕人民政府"));
    // The unit note of 4.2.2 is broken across a page break.
    let c422 = tree.walk().into_iter().find(|n| n.id == "4.2.2").unwrap();
    assert!(
        c422.units_with_role(Role::Responsible)
            .any(|u| u == "市行政审批局"),
        "{:?}",
        c422.units
    );
    // Two lead units.
    let c444 = tree.walk().into_iter().find(|n| n.id == "4.4.4").unwrap();
    assert_eq!(c444.units_with_role(Role::Lead).count(), 2);
    // Parts and groups.
    let part_titles: Vec<_> = tree.roots.iter().map(|p| p.heading.as_str()).collect();
    assert_eq!(
        part_titles,
        vec!["指导思想", "主要目标", "基本原则", "工作任务", "保障措施"]
    );
    assert_eq!(tree.roots[3].children.len(), 6);
    // The note text is cut off the clause body.
    assert!(!c411.paragraphs.iter().any(|p| p.text.contains("牵头单位")));
    assert!(tree.closing.iter().any(|p| p.text.contains("此件公开发布")));
}

#[test]
fn chapters_articles_and_department_labels() {
    let text = "\
第一章 总则

第一条 为了规范管理，制定本办法。（牵头部门：市教育局；参与部门：市财政局、市人社局）

第二条 本办法适用于全市。

（1）第一项细则。

（2）第二项细则。

第二章 附则

第三条 本办法自印发之日起施行。（牵头部门：市教育局；配合部门：各县(市、区)人民政府）
";
    let (tree, diags) = parse_str(text);
    assert!(!diags.has_errors(), "{diags}");
    let ids: Vec<_> = tree.clauses().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec!["1.1", "1.2", "2.3"]);
    let first = &tree.roots[0].children[0];
    assert_eq!(first.label, "第一条");
    assert_eq!(first.units[1].label, "参与部门");
    assert_eq!(first.units[1].names, vec!["市财政局", "市人社局"]);
    // （1） items below an article stay in the article's text.
    assert_eq!(tree.roots[0].children[1].paragraphs.len(), 2);
    let third = &tree.roots[1].children[0];
    assert_eq!(third.units[1].names, vec!["各县〔市、区〕人民政府"]);
}

#[test]
fn full_width_and_half_width_numbering_mix() {
    let text = "\
一、工作任务

(一)第一组

１．全角编号的条款。内容。(牵头单位:甲局)

2、顿号编号的条款。内容。（牵头单位：乙局；责任单位：丙局，丁局）

（二）第二组

1. 半角编号的条款。内容。
";
    let (tree, diags) = parse_str(text);
    assert!(!diags.has_errors(), "{diags}");
    let ids: Vec<_> = tree
        .clauses()
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("1.1.1".into(), "1.".into()),
            ("1.1.2".into(), "2.".into()),
            ("1.2.1".into(), "1.".into())
        ]
    );
    assert_eq!(tree.roots[0].children[0].label, "（一）");
    assert_eq!(tree.clauses()[1].units[1].names, vec!["丙局", "丁局"]);
}

#[test]
fn unit_note_broken_across_lines_and_a_clause_without_note() {
    let text = "\
一、任务

1. 有说明的条款。推进建设。(牵头单位:市卫生健康委;责任单位:市自然资源和规划局、市行政
审批局,东昌府区人民政府)

2. 没有说明的条款。只有正文。
";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    let c = tree.clauses();
    assert_eq!(
        c[0].units[1].names,
        vec!["市自然资源和规划局", "市行政审批局", "东昌府区人民政府"]
    );
    assert!(c[1].units.is_empty());
    assert_eq!(c[1].paragraphs[0].text, "只有正文。");
}

#[test]
fn duplicate_numbering_is_an_error_and_a_gap_a_warning() {
    let text = "一、甲\n\n1. 第一条。\n\n2. 第二条。\n\n2. 又是第二条。\n\n5. 第五条。\n";
    let (_, diags) = parse_str(text);
    let messages: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(diags.has_errors());
    assert!(
        messages
            .iter()
            .any(|m| m.contains("重复") && m.contains("policy.md:7")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("编号不连续") && m.contains("policy.md:9")),
        "{messages:?}"
    );
}

#[test]
fn tables_and_block_quotes_keep_their_line_breaks() {
    let text = "一、任务\n\n1. 条款。正文\n接续。\n\n| 项目 | 规模 |\n| --- | --- |\n\n> **专栏1 重点项目**\n>\n> 甲项目\n";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    let texts: Vec<&str> = tree.clauses()[0]
        .paragraphs
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(
        texts,
        vec![
            "正文接续。",
            "| 项目 | 规模 |\n| --- | --- |",
            "> **专栏1 重点项目**\n>\n> 甲项目"
        ]
    );
}

#[test]
fn a_table_after_the_unit_note_stays_in_the_clause() {
    let text = "一、任务\n\n1. 条款。正文。（牵头部门：市教育局；配合部门：市工信局）\n\n| 项目 | 规模 |\n| --- | --- |\n";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    let c = tree.clauses()[0];
    assert_eq!(c.units[1].names, vec!["市工信局"]);
    let texts: Vec<&str> = c.paragraphs.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, vec!["正文。", "| 项目 | 规模 |\n| --- | --- |"]);
}
