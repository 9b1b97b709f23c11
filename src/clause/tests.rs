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
    // The clause without a note among clauses with notes is pointed out, nothing else.
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("条款 1.2（没有说明的条款）没有单位说明"),
        "{msgs:?}"
    );
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

fn messages(diags: &Diagnostics) -> Vec<String> {
    diags.iter().map(|d| d.to_string()).collect()
}

fn clause_labels(tree: &ClauseTree) -> Vec<(String, String)> {
    tree.clauses()
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect()
}

/// After 11 (Guangzhou 2012): a clause before the first group, groups with intro text, clauses
/// numbered straight through, `11.121…` as a clause start.
#[test]
fn structure_from_the_whole_document_with_numbering_straight_through() {
    let text = "\
一、总体目标

1. 目标。5年内实施人才工程。

二、实施人才行动计划

（一）产业提升人才行动计划。围绕发展战略性主导产业，实施如下重点项目：

2. 紧缺人才开发项目。建设人才库。（牵头单位：市发展改革委，配合单位：市委组织部，各区、县级市）

（二）科技创新人才行动计划。实施如下重点项目：

3. 百人计划拓展项目。引进人才。（牵头单位：市委组织部）

4.121人才梯队项目。培养人才。（牵头单位：市科技和信息化局）

三、强化组织实施

5. 加强组织领导。落实责任。（牵头单位：市委组织部）
";
    let (tree, diags) = parse_str(text);
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("policy.md:15")
            && msgs[0].contains("「4.121人才梯队项目。」后紧跟数字")
            && msgs[0].contains("已作为第 4 条的开头"),
        "{msgs:?}"
    );
    assert_eq!(
        clause_labels(&tree),
        vec![
            // 总体目标's `1.` is a goal, no task (shared 11 lists it as an other item).
            ("2.1.2".into(), "2.".into()),
            ("2.2.3".into(), "3.".into()),
            ("2.2.4".into(), "4.".into()),
            ("3.5".into(), "5.".into()),
        ]
    );
    let groups = &tree.roots[1].children;
    assert_eq!(groups.len(), 2);
    assert!(groups[0].paragraphs[0].text.contains("实施如下重点项目："));
    assert!(groups.iter().all(|g| g.units.is_empty()));
    let c4 = tree.clauses()[2];
    assert_eq!(c4.heading, "121人才梯队项目");
    assert!(c4.numbered_through);
    assert_eq!(c4.units[0].names, vec!["市科技和信息化局"]);
    assert_eq!(
        tree.clauses()[0].units[1].names,
        vec!["市委组织部", "各区、县级市"]
    );
}

#[test]
fn straight_through_numbers_are_the_ids_where_unique_and_gaps_still_warn() {
    // 02-style: parts 一、二, items （一）… straight through; a gap after （三）.
    let text = "第一章 总则\n\n第一条 目的。\n\n第二条 范围。\n\n第二章 附则\n\n第三条 施行。\n\n第五条 解释。\n";
    let (tree, diags) = parse_str(text);
    // 第一条… 1, 2, 3 collide with the chapters' ids 1, 2: the ordinals' path stays.
    assert_eq!(tree.clauses()[2].id, "2.3");
    assert!(tree.clauses()[2].numbered_through);
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("policy.md:11")
            && msgs[0].contains("编号不连续：「第三条」之后是「第五条」")
    );
    // Items （三）–（五） under parts 一–三 with nothing else numbered 3–5: bare numbers.
    let text = "一、甲\n\n（一）子一。\n\n（二）子二。\n\n二、乙\n\n（三）子三。\n";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    let ids: Vec<_> = tree.clauses().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec!["1.1", "1.2", "2.3"]);
}

#[test]
fn numbering_that_restarts_and_a_restart_inside_straight_numbering_warn() {
    let text = "一、甲\n\n1. 子一。\n\n2. 子二。\n\n二、乙\n\n1. 子三。\n\n3. 子四。\n";
    let (tree, diags) = parse_str(text);
    assert_eq!(
        clause_labels(&tree)
            .iter()
            .map(|(i, _)| i.as_str())
            .collect::<Vec<_>>(),
        vec!["1.1", "1.2", "2.1", "2.3"]
    );
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("policy.md:11") && msgs[0].contains("编号不连续：「1.」之后是「3.」"));
}

/// After 20 (罗湖): articles as the top level, some with （一） items, some whose note ends the
/// body paragraph, and a 附则 without number whose numbering restarts.
#[test]
fn articles_with_and_without_items_and_an_unnumbered_heading() {
    let text = "\
第一条 办公空间支持

依托社区，提供办公空间。（责任单位：区科技和工业信息化局、各OPC社区）

第二条 人才支持

（一）青年人才引育支持专项。给予补贴。（责任单位：区人力资源局、各产业主管部门）

（二）菁英奖励。给予奖励。（责任单位：区人力资源局）

附则

（一）适用范围

1.人工智能OPC：以人工智能技术为核心业务的企业。

（二）解释权

由上述支持措施责任单位解释。
";
    let (tree, diags) = parse_str(text);
    let msgs = messages(&diags);
    // 附则's `（一）适用范围` states scope: its `1.` is no task (shared 20 lists it as an other
    // item), so no level is mixed there any more.
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("policy.md:11") && msgs[0].contains("「附则」没有编号"),
        "{msgs:?}"
    );
    let paths: Vec<String> = tree
        .clauses()
        .iter()
        .take(3)
        .map(|c| c.id.clone())
        .collect();
    assert_eq!(paths, vec!["1", "2.1", "2.2"]);
    assert_eq!(tree.roots[0].heading, "办公空间支持");
    assert_eq!(
        tree.roots[0].units[0].names,
        vec!["区科技和工业信息化局", "各OPC社区"]
    );
    assert!(!tree.roots[1].is_clause);
    let fuze = &tree.roots[2];
    assert_eq!(
        (fuze.label.as_str(), fuze.heading.as_str(), fuze.id.as_str()),
        ("", "附则", "s1")
    );
    assert_eq!(fuze.children.len(), 2);
    assert!(!fuze.is_clause);
    // 责任单位 in running text is not a note.
    assert!(fuze.children[1].units.is_empty());
}

/// After 08 (无废城市): a group whose paragraphs each end with their own note.
#[test]
fn paragraphs_with_their_own_notes_become_unnumbered_clauses() {
    let text = "\
一、主要任务

（一）强化顶层设计引领，发挥政府宏观指导作用。建立指标体系。（生态环境部牵头，国家统计局参与）

优化固体废物管理体制机制，强化部门分工协作。明确责任。（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）

加强制度政策集成创新。落实规划。(生态环境部指导)

二、实施步骤

（一）确定试点城市。筛选城市。
";
    let (tree, diags) = parse_str(text);
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("policy.md:3") && msgs[0].contains("已把每段作为一个无编号条款（¶2…¶3）")
    );
    let labels: Vec<_> = clause_labels(&tree)
        .into_iter()
        .map(|(i, l)| format!("{i} {l}"))
        .collect();
    assert_eq!(
        labels,
        vec!["1.1 （一）", "1.1.p2 ¶2", "1.1.p3 ¶3", "2.1 （一）"]
    );
    let group = &tree.roots[0].children[0];
    assert_eq!(group.units[0].names, vec!["生态环境部"]);
    let p2 = &group.children[0];
    assert_eq!(p2.heading, "优化固体废物管理体制机制，强化部门分工协作");
    assert_eq!(
        p2.units_with_role(Role::Guide).collect::<Vec<_>>(),
        vec!["生态环境部"]
    );
    assert_eq!(
        p2.units_with_role(Role::Responsible).collect::<Vec<_>>(),
        vec!["试点城市政府"]
    );
}

#[test]
fn single_level_documents_and_own_line_notes() {
    // 13 (武汉): the top level is the task level.
    let text = "一、强化算力服务支撑。加大供给（责任单位：市数据局）。支持社区（责任单位：各区人民政府）。\n\n二、畅通数据供给。夯实底座。（责任单位：市数据局）\n";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    assert_eq!(tree.clauses().len(), 2);
    assert_eq!(
        tree.roots[0].units[0].names,
        vec!["市数据局", "各区人民政府"]
    );
    // 14 (郑州): the note on its own line after the clause.
    let text = "一、任务\n\n（一）建设社区\n\n1．打造创业带。依托高校。\n\n责任单位：市科技局、市工信局，各区县（市）政府\n\n2．建设社区。推进。\n\n责任单位：各开发区管委会\n";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    let c = tree.clauses();
    assert_eq!(
        c[0].units[0].names,
        vec!["市科技局", "市工信局", "各区县〔市〕政府"]
    );
    assert_eq!(c[0].paragraphs.len(), 1);
    assert_eq!(c[1].units[0].label, "责任单位");
}

#[test]
fn an_unclosed_note_and_an_implausible_unit_are_warnings() {
    let text = "一、任务\n\n1. 条款。推进建设。（牵头单位：市科技局，配合单位：市财政局\n\n2. 条款二。内容。（责任单位：市教育局、各区人民政府组织实施年度人才开发重点项目计划并报市人才工作领导小组备案）\n\n3. 条款三。内容。（牵头单位：）\n";
    let (tree, diags) = parse_str(text);
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert!(
        msgs[2].contains("policy.md:7：「3.」的单位说明「（牵头单位：）」中没有可识别的单位名称"),
        "{msgs:?}"
    );
    assert!(msgs[0].contains("policy.md:3：单位说明「（牵头单位：市科技局，配合单位：」只有左括号，没有右括号；已把它读到段末"), "{msgs:?}");
    assert!(msgs[1].contains("policy.md:5：「2.」的单位说明中「各区人民政府组织实施年度人才开发重点项目」不像单位名称（过长或含标点），未列为单位"), "{msgs:?}");
    let c = tree.clauses();
    assert_eq!(c[0].units[1].names, vec!["市财政局"]);
    assert_eq!(c[1].units[0].names, vec!["市教育局"]);
}

#[test]
fn parts_written_as_di_bufen_sit_above_everything() {
    let text = "第一部分 总体要求\n\n一、指导思想。坚持。\n\n第二部分 重点任务\n\n一、推进建设。建设。（牵头单位：市发展改革委）\n\n二、强化保障。保障。（牵头单位：市财政局）\n";
    let (tree, diags) = parse_str(text);
    assert!(diags.is_empty(), "{diags}");
    let ids: Vec<_> = tree.clauses().iter().map(|c| c.id.clone()).collect();
    // 总体要求's 指导思想 is no task (shared 06, 08: aims items are other items).
    assert_eq!(ids, vec!["2.1", "2.2"]);
    assert_eq!(tree.roots[1].label, "第二部分");
}

#[test]
fn the_editors_levels_override_the_recogniser() {
    let text = "一、任务\n\n1. 说明。以下各项：\n\n（1）甲项。建设。（牵头单位：市发展改革委）\n\n（2）乙项。推进。（牵头单位：市财政局）\n";
    // Read by the recogniser: each （n） ends with its own unit note, so they are the tasks,
    // under the group 1.
    let (tree, _) = parse_str(text);
    let ids: Vec<_> = tree.clauses().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec!["1.1.1", "1.1.2"]);
    let levels = vec!["一、".to_string(), "（1）".to_string(), "甲".to_string()];
    let (tree, diags) = parse_with_levels(text, 1, Path::new("policy.md"), Some((&levels, 4)));
    let msgs = messages(&diags);
    // The `1.` line the editor's levels leave in the text is named too.
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].contains("policy.md:4：层级 levels 中的「甲」不是可识别的编号，已忽略"),
        "{msgs:?}"
    );
    let ids: Vec<_> = tree.clauses().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec!["1.1", "1.2"]);
    assert!(tree.roots[0].paragraphs[0].text.starts_with("1. 说明"));
    assert_eq!(tree.clauses()[1].units[0].names, vec!["市财政局"]);
}

#[test]
fn text_after_a_clauses_note_is_kept_and_warned_about() {
    // After 06 (体育竞赛表演): a closing paragraph without number after the last item.
    let text = "一、任务\n\n（一）加强组织。落实责任。（体育总局负责）\n\n各地区、各有关部门要结合实际抓好落实。\n";
    let (tree, diags) = parse_str(text);
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("policy.md:5：「（一）」的单位说明之后还有 1 段文字（「各地区、各有关部门要结合」），已归入该条款的正文"), "{msgs:?}");
    let c = tree.clauses()[0];
    assert_eq!(c.units[0].names, vec!["体育总局"]);
    assert_eq!(c.paragraphs.len(), 2);
}

/// A Word document whose parts are in a heading style without numbers (imported as `##`).
#[test]
fn headings_without_numbers_are_the_top_level() {
    let text = "## 总体要求\n\n（一）指导思想。坚持。\n\n## 重点任务\n\n（一）推进建设。建设。（牵头单位：市发展改革委）\n\n（二）强化保障。保障。（牵头单位：市财政局）\n";
    let (tree, diags) = parse_str(text);
    let msgs = messages(&diags);
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].contains("policy.md:1：标题「总体要求」没有编号，已作为最高一级的无编号标题"),
        "{msgs:?}"
    );
    let tops: Vec<_> = tree
        .roots
        .iter()
        .map(|n| (n.id.as_str(), n.heading.as_str()))
        .collect();
    assert_eq!(tops, vec![("s1", "总体要求"), ("s2", "重点任务")]);
    let ids: Vec<_> = tree.clauses().iter().map(|c| c.id.clone()).collect();
    // 总体要求's 指导思想 is no task (shared 06, 08: aims items are other items).
    assert_eq!(ids, vec!["s2.1", "s2.2"]);
    // A raw text's lone `#` title before the first numbered item stays preamble.
    let (tree, diags) = parse_str("# 聊城市人民政府\n\n一、任务\n\n1. 甲。乙。\n");
    assert!(diags.is_empty(), "{diags}");
    assert_eq!(tree.preamble.len(), 1);
}
