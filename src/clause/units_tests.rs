//! Every unit-note form, each with a passage of a real document (tests/fixtures/realdocs) or
//! the seed policy.

use super::*;

fn notes(text: &str) -> Vec<Note> {
    find_notes(text)
}

fn groups(text: &str) -> Vec<(String, Role, Vec<String>)> {
    let found = notes(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found[0]
        .groups
        .iter()
        .map(|g| (g.label.clone(), g.role, g.names.clone()))
        .collect()
}

fn v(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn labelled_with_semicolon_and_bracketed_names_kept_whole() {
    // Seed policy 聊政字〔2023〕25号, half-width punctuation.
    let text = "……三级甲等医院。(牵头单位:市卫生健康委;责任单位:市委组织部、市财政局,江北水城旅游度假区管委会、各县〔市、区〕人民政府)";
    let g = groups(text);
    assert_eq!(g[0], ("牵头单位".into(), Role::Lead, v(&["市卫生健康委"])));
    assert_eq!(
        g[1],
        (
            "责任单位".into(),
            Role::Responsible,
            v(&[
                "市委组织部",
                "市财政局",
                "江北水城旅游度假区管委会",
                "各县〔市、区〕人民政府"
            ])
        )
    );
    assert_eq!(notes(text)[0].end, text.len());
}

#[test]
fn labelled_with_a_comma_between_roles_and_a_collective_name() {
    // 11 (Guangzhou 2012), clause 2.
    let g = groups(
        "（牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局，各区、县级市）",
    );
    assert_eq!(g[0], ("牵头单位".into(), Role::Lead, v(&["市发展改革委"])));
    assert_eq!(
        g[1],
        (
            "配合单位".into(),
            Role::Responsible,
            v(&["市委组织部", "市人力资源和社会保障局", "各区、县级市"])
        )
    );
}

#[test]
fn labelled_with_spaces_between_roles() {
    let g = groups("（牵头部门：市教育局 参与部门：市财政局、市人社局 协办单位：团市委）");
    let labels: Vec<_> = g
        .iter()
        .map(|(l, r, n)| (l.as_str(), *r, n.len()))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("牵头部门", Role::Lead, 1),
            ("参与部门", Role::Responsible, 2),
            ("协办单位", Role::Responsible, 1)
        ]
    );
}

#[test]
fn a_field_that_is_not_a_role_is_no_unit() {
    // 04 (国发〔2018〕38号), （四十五）: 负责部门 plus 适用范围, `等部门` is no unit.
    let g = groups("（负责部门：人民银行等部门，适用范围：浙江自贸试验区）");
    assert_eq!(
        g,
        vec![("负责部门".into(), Role::Responsible, v(&["人民银行"]))]
    );
    // （一）: 适用范围 after a semicolon, with a comma inside its text.
    let g = groups("（负责部门：人力资源社会保障部、住房城乡建设部、商务部；适用范围：所有自贸试验区，以下除标注适用于特定自贸试验区的措施外，适用范围均为所有自贸试验区）");
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].2.len(), 3);
}

#[test]
fn verb_forms() {
    // 08 (无废城市): lead and participants.
    let g = groups("（生态环境部牵头，国家发展改革委、工业和信息化部、住房城乡建设部、农业农村部、国家统计局参与）");
    assert_eq!(g[0], ("牵头".into(), Role::Lead, v(&["生态环境部"])));
    assert_eq!(g[1].0, "参与");
    assert_eq!(g[1].2.len(), 5);
    // 09 (广东): a list broken by a comma before its verb.
    let g = groups("（省发展改革委牵头负责，省工业和信息化厅、财政厅、政务和数据局，各地级以上市人民政府配合）");
    assert_eq!(g[0], ("牵头负责".into(), Role::Lead, v(&["省发展改革委"])));
    assert_eq!(
        g[1],
        (
            "配合".into(),
            Role::Responsible,
            v(&[
                "省工业和信息化厅",
                "财政厅",
                "政务和数据局",
                "各地级以上市人民政府"
            ])
        )
    );
    // 09, clause 4: no lead.
    let g = groups("（省科技厅，各地级以上市人民政府按职责分工负责）");
    assert_eq!(g[0].0, "按职责分工负责");
    assert_eq!(g[0].2, v(&["省科技厅", "各地级以上市人民政府"]));
    // 06 (体育竞赛): units and 负责.
    let g = groups("（体育总局、民政部、人力资源社会保障部负责）");
    assert_eq!(
        g[0],
        (
            "负责".into(),
            Role::Responsible,
            v(&["体育总局", "民政部", "人力资源社会保障部"])
        )
    );
    // 08: guiding ministries are neither lead nor responsible.
    let g = groups("（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）");
    assert_eq!(g[0], ("指导".into(), Role::Guide, v(&["生态环境部"])));
    assert_eq!(
        g[1],
        ("负责落实".into(), Role::Responsible, v(&["试点城市政府"]))
    );
}

#[test]
fn trailing_etc_and_generic_units() {
    // 02 (国发〔2018〕42号): `等负责` drops 等.
    let g = groups("（农业农村部、工业和信息化部、发展改革委等负责）");
    assert_eq!(g[0].2, v(&["农业农村部", "工业和信息化部", "发展改革委"]));
    // 01: `等有关部门` is the named units plus the generic one.
    let g = groups("（海关总署、财政部等有关部门负责）");
    assert_eq!(g[0].2, v(&["海关总署", "财政部", "有关部门"]));
}

#[test]
fn brackets_that_are_not_notes() {
    // 04: parentheticals inside clause text.
    assert!(notes(
        "资设立建筑业（包括设计、施工、监理、检测、造价咨询等所有工程建设相关主体）资质许可"
    )
    .is_empty());
    assert!(notes("推进县级医院(含中医医院)建设。").is_empty());
    assert!(notes("（须经交易双方确认）").is_empty());
    assert!(notes("（PPP）").is_empty());
    assert!(notes("（具体由各地负责）").is_empty());
    assert!(notes("（并由市财政局配合）").is_empty());
    // 20: 责任单位 in running text is no note.
    assert!(own_line_note("由上述支持措施责任单位根据实际情况制定工作指引。").is_none());
}

#[test]
fn several_notes_in_one_paragraph_each_found() {
    // 13 (武汉): two notes in one clause, a remark in 〈〉 dropped from the name.
    let text = "加大普惠算力供给,建设涵盖…的算力服务体系（责任单位：市数据局、市经信局）。各区在OPC生态社区集聚区…（责任单位：各区人民政府〈含开发区、长江新区、风景区管委会,下同〉）";
    let found = notes(text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].groups[0].names, v(&["市数据局", "市经信局"]));
    assert_eq!(found[1].groups[0].names, v(&["各区人民政府"]));
    let merged = merge(&found);
    assert_eq!(merged.len(), 1);
    assert_eq!(
        merged[0].names,
        v(&["市数据局", "市经信局", "各区人民政府"])
    );
}

#[test]
fn a_note_on_its_own_line() {
    // 14 (郑州): no brackets, commas and 顿号 mixed, brackets inside a name.
    let note =
        own_line_note("责任单位：市科技局、市工信局，各开发区管委会，各区县（市）政府").unwrap();
    assert_eq!(
        note.groups[0].names,
        v(&["市科技局", "市工信局", "各开发区管委会", "各区县〔市〕政府"])
    );
    assert!(own_line_note("本方案所称OPC，是指……").is_none());
}

#[test]
fn tortoise_shell_brackets_hold_a_note_with_brackets_inside() {
    // 16 (南充), clause 9.
    let g = groups("〔责任单位：市经信局、各县（市、区）政府，市科技局〕");
    assert_eq!(g[0].2, v(&["市经信局", "各县〔市、区〕政府", "市科技局"]));
}

fn apply_in_order(texts: &[&str]) -> Vec<Vec<UnitGroup>> {
    let mut rule: Option<LeadRule> = None;
    texts
        .iter()
        .map(|t| {
            let mut found = notes(t);
            for n in found.iter_mut() {
                if let Some(r) = &n.rule {
                    rule = Some(r.clone());
                }
                if let Some(r) = &rule {
                    n.apply_rule(r, t);
                }
            }
            merge(&found)
        })
        .collect()
}

#[test]
fn a_lead_named_by_first_place_rule_stated_once() {
    // 01 (国发〔2019〕3号), clauses 1 and 2.
    let got = apply_in_order(&[
        "（税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同）",
        "（海关总署、财政部、税务总局负责）",
    ]);
    assert_eq!(got[0][0].label, "牵头部门");
    assert!(!got[0][0].verb);
    assert_eq!(got[0][0].names, v(&["税务总局"]));
    assert_eq!(got[0][1].names, v(&["财政部", "海关总署"]));
    // Later notes: lead by the rule, labelled with their own word.
    assert_eq!(
        (got[1][0].role, got[1][0].label.as_str()),
        (Role::Lead, "负责")
    );
    assert_eq!(got[1][0].names, v(&["海关总署"]));
    // 02: 列第一位者为牵头单位 after a full stop.
    let got = apply_in_order(&[
        "（工业和信息化部、发展改革委、科技部、农业农村部等负责。列第一位者为牵头单位，下同）",
    ]);
    assert_eq!(got[0][0].label, "牵头单位");
    assert_eq!(got[0][0].names, v(&["工业和信息化部"]));
}

#[test]
fn a_lead_named_by_the_first_comma_rule() {
    // 16 (南充), clauses 1, 2 and 3.
    let got = apply_in_order(&[
        "（责任单位：市科技局、市数据局，市委网信办、中国移动南充分公司；第一个逗号前为牵头单位，多个牵头部门的按照职责分工负责，下同）",
        "（责任单位：市数据局，市科技局）",
        "（责任单位：市科技局、市经信局）",
    ]);
    assert_eq!(got[0][0].label, "牵头单位");
    assert_eq!(got[0][0].names, v(&["市科技局", "市数据局"]));
    assert_eq!(got[0][1].names, v(&["市委网信办", "中国移动南充分公司"]));
    assert_eq!(
        (got[1][0].role, got[1][0].label.as_str()),
        (Role::Lead, "责任单位")
    );
    assert_eq!(got[1][1].names, v(&["市科技局"]));
    assert_eq!(got[2].len(), 1);
    assert_eq!(got[2][0].role, Role::Lead);
}

#[test]
fn a_lead_marked_with_a_star() {
    let got = apply_in_order(&[
        "（责任单位：市财政局、*市发展改革委；带*的为牵头单位）",
        "（责任单位：*市教育局、市人社局）",
    ]);
    assert_eq!(got[0][0].names, v(&["市发展改革委"]));
    assert_eq!(got[0][0].role, Role::Lead);
    assert_eq!(got[0][1].names, v(&["市财政局"]));
    assert_eq!(got[1][0].names, v(&["市教育局"]));
}

#[test]
fn implausible_names_are_rejected_not_accepted() {
    let found = notes("（责任单位：市财政局、各区人民政府组织实施年度人才开发重点项目计划并报市人才工作领导小组备案）");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].groups[0].names, v(&["市财政局"]));
    assert_eq!(found[0].rejected.len(), 1);
}

#[test]
fn an_unclosed_note_is_found() {
    assert_eq!(
        unclosed_note_start("推进建设。（牵头单位：市科技局，配合单位：市财政局"),
        Some(15)
    );
    assert_eq!(
        unclosed_note_start("推进建设。（牵头单位：市科技局）"),
        None
    );
}

#[test]
fn connectors_split_between_whole_names() {
    // 05 (国办发〔2020〕?? 消费扶贫), every clause's note.
    let g = groups("（商务部、发展改革委、农业农村部等和各有关省级人民政府负责）");
    assert_eq!(
        g,
        vec![(
            "负责".into(),
            Role::Responsible,
            v(&["商务部", "发展改革委", "农业农村部", "各有关省级人民政府"])
        )]
    );
    let g = groups("（供销合作总社等和各有关省级人民政府负责）");
    assert_eq!(g[0].2, v(&["供销合作总社", "各有关省级人民政府"]));
    // `和` inside a name stays (15, 成都).
    let g = groups("（牵头单位：市城市运行和政务服务办）");
    assert_eq!(g[0].2, v(&["市城市运行和政务服务办"]));
}

#[test]
fn the_convener_of_huitong_leads() {
    let g = groups("（发展改革委会同有关部门负责）");
    assert_eq!(
        g,
        vec![
            ("会同".into(), Role::Lead, v(&["发展改革委"])),
            ("负责".into(), Role::Responsible, v(&["有关部门"]))
        ]
    );
}

#[test]
fn stacked_verbs_and_a_rule_for_later_notes() {
    let g = groups("（市数据局牵头负责;市经信局负责配合落实，以下均需市经信局配合落实，不再列出）");
    assert_eq!(
        g,
        vec![
            ("牵头负责".into(), Role::Lead, v(&["市数据局"])),
            ("负责配合落实".into(), Role::Responsible, v(&["市经信局"]))
        ]
    );
    // 18 (宿迁): the rule after a comma in a labelled note names no unit.
    let g = groups("（责任单位：市数据局，各县区人民政府、市各功能区管委会，以下均涉及各县区、功能区，不再重复列出）");
    assert_eq!(
        g[0].2,
        v(&["市数据局", "各县区人民政府", "市各功能区管委会"])
    );
}

#[test]
fn a_star_marks_the_lead_without_a_stated_rule() {
    // 22 (苍南), also with a bracketed remark after the starred name.
    let g = groups("（责任单位：*县委组织部（人才办）、县人社局、县住建局）");
    assert_eq!(
        g,
        vec![
            ("责任单位".into(), Role::Lead, v(&["县委组织部〔人才办〕"])),
            (
                "责任单位".into(),
                Role::Responsible,
                v(&["县人社局", "县住建局"])
            )
        ]
    );
}

#[test]
fn a_collective_of_divisions_with_their_governments_stays_whole() {
    // 17 (杭州) and 11 (广州).
    let g = groups(
        "[责任单位：市司法局，各区、县（市）政府。以下均需各区、县（市）政府落实，不再列出]",
    );
    assert_eq!(g[0].2, v(&["市司法局", "各区、县〔市〕政府"]));
    let g = groups("（牵头单位：市农业局，配合单位：市科协，各有关区、县级市）");
    assert_eq!(g[1].2, v(&["市科协", "各有关区、县级市"]));
}

#[test]
fn a_collective_listing_several_divisions_before_its_organ_stays_whole() {
    // 滁州市人民政府 2020 年重点工作及责任分解: the divisions one by one, the organ once.
    let g = groups("（市政府办公室、市行政审批服务局牵头，各县、市、区政府负责）");
    assert_eq!(g[1].2, v(&["各县、市、区政府"]));
    // 乐山市 乐府办函〔2020〕8号 addresses `各区、市、县、自治县人民政府`.
    let g = groups("（市行政审批服务局牵头，各区、市、县、自治县人民政府负责）");
    assert_eq!(g[1].2, v(&["各区、市、县、自治县人民政府"]));
    // A piece that names the organ closes the collective: what follows is a unit of its own.
    let g = groups("（责任单位：各区、县级市政府、市财政局）");
    assert_eq!(g[0].2, v(&["各区、县级市政府", "市财政局"]));
}

#[test]
fn prose_that_ends_in_a_verb_is_no_note() {
    // 07 (职业教育改革): `由` makes it a sentence.
    assert!(notes("（技工院校内由人力资源社会保障行政部门负责）").is_empty());
}
