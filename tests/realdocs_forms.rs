//! Forms of real documents met in round two, through the real binary (`jiedu import` →
//! `jiedu check --json` → `jiedu build`) on real texts from `tests/fixtures/realdocs-more/`
//! (tuned parts only): task tables copied from a web page or a PDF arrive flattened, one cell
//! per line, and become one task clause per row; and what the recogniser cannot settle from the
//! form is named in a warning, never left silent.

use crate::common;

use common::realdoc::{
    check_json as check, clauses, fixture, import_as_p as import, located, policy_line, strings,
};

use std::path::PathBuf;

use serde_json::Value;

fn doc(set: &str, stem: &str) -> PathBuf {
    fixture(&format!("realdocs-more/{set}"), stem)
}

/// The clause whose heading or text starts with `start`.
fn clause<'a>(all: &'a [Value], start: &str) -> &'a Value {
    all.iter()
        .find(|n| {
            let text = format!(
                "{}{}",
                n["heading"].as_str().unwrap_or(""),
                n["text"].as_str().unwrap_or("")
            );
            text.starts_with(start)
        })
        .unwrap_or_else(|| panic!("no clause starting {start}"))
}

/// Whether some clause's heading starts with `start` (a title line that holds tasks is none).
fn a_clause_headed(all: &[Value], start: &str) -> bool {
    all.iter()
        .any(|n| n["heading"].as_str().unwrap_or("").starts_with(start))
}

/// `(label or verb, names)` of each unit group of a clause.
fn units(n: &Value) -> Vec<(String, Vec<String>)> {
    n["units"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                // A verb note (`A牵头负责`) has its role word under `word`, not `label`.
                g["label"]
                    .as_str()
                    .or(g["word"].as_str())
                    .unwrap()
                    .to_string(),
                strings(&g["names"]),
            )
        })
        .collect()
}

fn owned(groups: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    groups
        .iter()
        .map(|(l, n)| (l.to_string(), n.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// `want` is one of the warnings, word for word.
fn assert_warned(msgs: &[String], want: &str) {
    assert!(msgs.iter().any(|m| m == want), "{want} not in {msgs:?}");
}

fn messages(outline: &Value) -> Vec<String> {
    outline["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_flattened_table_with_merged_group_cells_becomes_one_clause_per_row() {
    // 51 (宝山区生活垃圾全程分类实施方案), 附件2: `序号 / 任务名称 / 任务内容 / 牵头部门 /
    // 配合部门 / 时间节点`, one cell per line, 任务名称 merged over rows 1–4.
    let root = common::empty_site();
    let report = import(root.path(), &doc("tune", "51-"));
    assert!(
        report.contains("有 1 个任务分工表是逐格分行的文字（网页或 PDF 复制），已按表头和序号重建为表格；合并单元格按“沿用上一行”处理，请核对各行的单位与时限。"),
        "{report}"
    );
    let outline = check(root.path());
    let all = clauses(&outline);
    let second = clause(&all, "将生活垃圾管理作为生态文明建设");
    assert_eq!(strings(&second["path"]), ["加强组织领导", "2"]);
    assert_eq!(
        units(second),
        owned(&[
            ("牵头部门", &["区委组织部〔区公务员局〕"]),
            ("配合部门", &["区绿化市容局"])
        ])
    );
    // Rows 14 and 23 hold three unit cells for two unit columns: the extra one is read into
    // the last unit column and named, never placed silently.
    let msgs = messages(&outline);
    for extra in ["区党政机关、公共机构", "区绿化市容局"] {
        assert_warned(
            &msgs,
            &format!("任务分工表的这一行单位单元格比表头的单位列多，多出的「{extra}」已按最后一个单位列读入，无法确定它们属于哪一列"),
        );
    }
    let row23 = clause(&all, "排摸本区农贸市场、标准化菜场现状");
    assert_eq!(
        units(row23),
        owned(&[
            ("牵头部门", &["区市场监管局"]),
            ("配合部门", &["区商务委", "区绿化市容局"])
        ])
    );
    // Its clause page names the units under the table's own column words.
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = second["id"].as_str().unwrap();
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("将生活垃圾管理作为生态文明建设"), "{page}");
    assert!(
        page.contains("牵头部门") && page.contains("区绿化市容局"),
        "{page}"
    );
}

#[test]
fn rows_under_one_merged_number_are_clauses_of_that_number() {
    // 63 (广州市家庭医生签约服务实施方案), 附件2: `序号` and `工作事项` merged over the rows of a
    // task, each row with its own 主要内容 and four unit cells (`/` for none), the last two
    // the 市卫健委内 offices.
    let root = common::empty_site();
    import(root.path(), &doc("heldout2", "63-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "现阶段家庭医生包括全科医生");
    let second = clause(&all, "根据服务人口、功能定位等因素");
    assert_eq!(strings(&first["path"]), ["1"]);
    assert_eq!(strings(&second["path"]), ["1"]);
    assert_eq!(
        units(second),
        owned(&[
            ("牵头单位", &["各区政府"]),
            ("配合单位", &["市卫生健康委", "市人社局"]),
            ("市卫健委内牵头处室", &["人事处"]),
            ("市卫健委内配合处室", &["基层处"]),
        ])
    );
    // One lead: the 牵头单位 column; the office column is not a second lead.
    let leads: Vec<&str> = second["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["role"] == "lead")
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert_eq!(leads, ["牵头单位"]);
    // `/` is no unit: row 3's second measure has no 配合单位 — the column keeps its label
    // with no names, as the table states it.
    let none = clause(&all, "做实做细基层医生全科能力提升工程");
    assert_eq!(
        units(none),
        owned(&[
            ("牵头单位", &["各区政府", "市卫生健康委"]),
            ("配合单位", &[]),
            ("市卫健委内牵头处室", &["基层处"]),
            ("市卫健委内配合处室", &[]),
        ])
    );
    // The merged 工作事项 is the task's title, kept with each of its rows.
    assert!(
        second["text"]
            .as_str()
            .unwrap()
            .contains("工作事项：有序扩大家庭医生来源。"),
        "{second}"
    );
}

#[test]
fn article_numbers_in_spaced_or_arabic_digits_are_articles_under_their_parts() {
    // 56 (柳河县重点产业实施意见), HTML made from a PDF: `第 1 0 条` (the text layer's
    // letter-spacing), `第19条`, `二 、`; its 一、 parts and (一) groups number the articles
    // straight through (第1条 under 一、, 第2条 under 二、(一)), so they are levels above them.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "56-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(all.len(), 26, "{all:?}");
    let first = clause(&all, "设立总规模不低于1亿元");
    assert_eq!(strings(&first["path"]), ["一、", "第1条"]);
    let tenth = clause(&all, "鼓励企业标准创制和品牌建设");
    assert_eq!(strings(&tenth["path"]), ["二、", "（四）", "第10条"]);
    assert_eq!(tenth["label"], "第10条");
    let nineteenth = clause(&all, "对各乡镇(街道)招商引进");
    assert_eq!(strings(&nineteenth["path"]), ["二、", "（六）", "第19条"]);
    let last = clause(&all, "本政策自发布之日起施行");
    assert_eq!(strings(&last["path"]), ["五、", "第26条"]);
    // Nothing is left for the spoiled-number warning to name.
    let msgs = messages(&outline);
    assert!(
        !msgs.iter().any(|m| m.contains("未能识别为条款编号")),
        "{msgs:?}"
    );
}

#[test]
fn groups_without_items_beside_groups_of_tasks_are_named() {
    // 51: 三、 holds （一）1.–4. …; 四、 holds （一）推动源头减量。一是… with no items and no
    // note. Most groups of the document hold no items, so it and 五、's （一）… (保障) are read
    // as tasks — each named, since the form cannot settle it.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "51-"));
    let outline = check(root.path());
    let msgs = messages(&outline);
    let want = "「四、」下的「（一）」（推动源头减量）没有分项，已作为一项任务条款：本文这一级编号多数没有分项；而「三、（一）」下分列了任务条款";
    assert_warned(&msgs, want);
    let also = "「五、」下的「（一）」（明确工作责任）没有分项，已作为一项任务条款：本文这一级编号多数没有分项；而「三、（一）」下分列了任务条款";
    assert_warned(&msgs, also);
    let all = clauses(&outline);
    assert_eq!(
        strings(&clause(&all, "推动源头减量")["path"]),
        ["四、", "（一）"]
    );
    assert_eq!(
        strings(&clause(&all, "明确工作责任")["path"]),
        ["五、", "（一）"]
    );
}

#[test]
fn a_flattened_header_whose_rows_cannot_be_anchored_is_named() {
    // 42 (静安卓越城区更新行动方案), its flattened table with the bare 序号 cells taken out (as
    // a copy that lost them would be): no row can be anchored, so none becomes a clause, and
    // the header is named rather than its rows read silently as text.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(doc("tune", "42-")).unwrap();
    let unnumbered: String = text
        .lines()
        .filter(|l| !(1..=2).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_digit()))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(unnumbered.len() < text.len());
    let file = dir.path().join("42-unnumbered.txt");
    std::fs::write(&file, unnumbered).unwrap();
    let root = common::empty_site();
    import(root.path(), &file);
    let msgs = messages(&check(root.path()));
    let want = "「任务类型 / 序号 / 工作任务 / 推进单位」像是逐格分行的任务分工表表头，但它下面的各行没有读成任务条款";
    assert_warned(&msgs, want);
}

#[test]
fn a_web_page_footer_gives_no_unit_and_run_in_titles_on_their_own_lines_are_clauses() {
    // 78 (四川新能源上网电价实施方案), a crawled page: its footer `主办单位：四川省发展和改革委员会`
    // / `网站标识码` / `蜀ICP备…` is site furniture, not the last clause's note.
    let root = common::empty_site();
    let report = import(root.path(), &doc("heldout3", "78-"));
    assert!(
        report.contains("第 385 行 网站页脚「主办单位：四川省发展和改革委员会」"),
        "{report}"
    );
    let outline = check(root.path());
    let all = clauses(&outline);
    let last = clause(&all, "做好跟踪评估");
    assert_eq!(units(last), owned(&[]));
    // Its groups mostly hold no items: （六） and （七） hold 1.–3., named.
    let msgs = messages(&outline);
    let want = "「（六）」（存量新能源项目机制电量、电价和执…）下的编号分项已各作为一项任务条款，它本身不是任务条款；而同级的「（五）」没有分项，本身就是任务条款";
    assert_warned(&msgs, want);

    // 79 (获得电力意见): `（一）巩固提升“三零”服务。拓展“三零”服务对象。` then a paragraph, then
    // `提高“三零”服务质效。` alone on its line and its paragraph…: one clause per run-in title.
    let root = common::empty_site();
    import(root.path(), &doc("heldout3", "79-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let second = clause(&all, "提高“三零”服务质效");
    assert_eq!(strings(&second["path"]), ["二、", "（一）", "¶2"]);
    assert!(second["text"]
        .as_str()
        .unwrap()
        .starts_with("低压用户全过程办电时间"));
    let msgs = messages(&outline);
    let want = "「（一）」中有 2 个独占一行的小标题句（如「提高“三零”服务质效。」），已把每个小标题及其下面的段落作为一个无编号条款（¶2…¶3）";
    assert_warned(&msgs, want);
    // The clause page of ¶2 is built with its own text.
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = second["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("提高“三零”服务质效"), "{page}");
    assert!(page.contains("低压用户全过程办电时间"), "{page}");
}

/// The path of a clause as labels, e.g. `["五、", "（一）"]`.
fn path(n: &Value) -> Vec<String> {
    strings(&n["path"])
}

#[test]
fn a_group_level_that_never_holds_items_is_the_task_level_and_a_part_skipping_it_is_named() {
    // heldout11 192 (头桥街道减量化方案): 五、 六、 八、 hold （一）前期准备阶段… with no items
    // of their own anywhere in the document; 四、 and 七、 number 1.、2. straight under the part.
    // The （一） level never holds items, so its groups are the tasks of their parts (they were
    // left as text, merely named). 四、工作内容's 1.–2. define its scope: the part skips the
    // level the others' tasks use, so it is named (it was silent).
    let root = common::empty_site();
    import(root.path(), &doc("heldout11", "192-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(path(clause(&all, "前期准备阶段")), ["五、", "（一）"]);
    assert_eq!(path(clause(&all, "拆房服务")), ["六、", "（三）"]);
    assert_eq!(path(clause(&all, "加强领导，提高认识")), ["八、", "（一）"]);
    // 二、基本原则's principles state aims: never tasks, never named.
    assert!(!a_clause_headed(&all, "统筹规划原则"));
    let msgs = messages(&outline);
    assert!(!msgs.iter().any(|m| m.contains("「二、」")), "{msgs:?}");
    let want = "「四、」（工作内容）下的「1.」等各作为一项任务条款，而「五、」的任务在「（一）」一级：这一部分越过了「（一）」一级，它的编号分项可能只是这一部分的内容（类别、范围、步骤的列举），这一部分本身才是任务";
    assert_warned(&msgs, want);
}

#[test]
fn a_closing_parts_groups_are_named_where_the_task_level_is_mixed() {
    // heldout12 213 (崇明基层消防安全综合治理实施意见): 二、's groups （一）–（六） hold the tasks
    // as items, and their 1. items are tasks in （一）（四）–（六） but hold （1）… in （二）（三）;
    // the closing 三、工作要求 （一）–（三） assign work (`各乡镇、各部门、各单位要…`) and are
    // tasks by its truth. Truths differ on such closing groups (heldout5 97/99, heldout8 141
    // count them as text), so they stay text; but where the document's own level is mixed they
    // are named (they were silent).
    let root = common::empty_site();
    import(root.path(), &doc("heldout12", "213-"));
    let outline = check(root.path());
    assert!(!a_clause_headed(&clauses(&outline), "加强组织领导"));
    let msgs = messages(&outline);
    let want = "「三、」下的「（一）」（加强组织领导）没有分项，没有列为任务条款；而别的部分中同一级编号下写有任务分项";
    assert_warned(&msgs, want);
    // heldout5 97 (环城生态公园带实施意见): 五、保障措施 （一）–（三） beside parts whose groups
    // hold the tasks, no level mixed: left as text without a word, as before.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "97-"));
    let outline = check(root.path());
    assert!(!a_clause_headed(&clauses(&outline), "加强组织领导"));
    let msgs = messages(&outline);
    assert!(!msgs.iter().any(|m| m.contains("「五、」下的")), "{msgs:?}");
}

#[test]
fn items_whose_sub_items_were_made_tasks_are_named_beside_items_without_any() {
    // heldout12 213: under 二、（三）, 1.火灾隐患网格化排查机制 lists （1）第一类–（3）第三类 (kinds
    // of place, each with 排查对象/主体/重点) and 2. lists three real tasks; in （一）（四）–（六）
    // the 1. items have no items and are tasks. The leaves were named; the items whose
    // sub-items were made tasks were not, so 1.'s kinds stood as three silent tasks.
    let root = common::empty_site();
    import(root.path(), &doc("heldout12", "213-"));
    let msgs = messages(&check(root.path()));
    let want = "「（三）1.」（火灾隐患网格化排查机制）下的编号分项已各作为一项任务条款，它本身不是任务条款；而同一级的「（一）1.」没有分项：这一级编号是任务本身还是任务的分组，本文前后不一";
    assert_warned(&msgs, want);
    // Where no level is mixed, no holder is named (heldout5 97: 五、保障措施's groups beside
    // 四、's groups of tasks).
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "97-"));
    let msgs = messages(&check(root.path()));
    assert!(!msgs.iter().any(|m| m.contains("本文前后不一")), "{msgs:?}");
}

#[test]
fn a_division_of_duties_headed_by_body_names_does_not_decide_the_task_level() {
    // heldout12 212 (古美路街道独居老人消防安全实施方案): 二、职责分工 lists 1.街道消委办。…
    // 7.居委会。… — what each body does; the tasks are the （一） groups of 三、四、五、. Read
    // as the deepest level, the duty list made every （一） group text: 0 of 12 tasks found.
    let root = common::empty_site();
    import(root.path(), &doc("heldout12", "212-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(path(clause(&all, "逐级责任落地")), ["四、", "（一）"]);
    assert_eq!(path(clause(&all, "统一思想认识")), ["五、", "（一）"]);
    assert!(!a_clause_headed(&all, "街道消委办"));
    let msgs = messages(&outline);
    let want = "「二、」（职责分工）下的 7 项（「1.」起）各以单位名称开头，已作为各单位的职责分工，没有列为任务条款";
    assert_warned(&msgs, want);
}

#[test]
fn parts_without_items_beside_parts_of_tasks_are_named() {
    // 76 (2021年电力中长期合同通知): 二、三、九、十 hold （一）…; 一、四、–八、 are paragraphs
    // of their own. Task or text cannot be told from the form: each is named.
    let root = common::empty_site();
    import(root.path(), &doc("heldout3", "76-"));
    let msgs = messages(&check(root.path()));
    let want =
        "「四、」（拉大峰谷差价）没有分项，没有列为任务条款；而同级的「二、」下分列了任务条款";
    assert_warned(&msgs, want);
}

#[test]
fn parts_without_items_beside_a_part_whose_tasks_lie_deeper_are_named() {
    // heldout11 202 (智能监管改革试点通知, PDF text): 四、试点目标 holds （一）（二） and their
    // items 1.–7.; 三、试点方式 and 五、工作要求 are paragraphs of instructions. No part holds
    // tasks directly under it, so the check of parts beside task-holding parts was silent on
    // them: a part holding tasks anywhere below is as much a reason to name them.
    let root = common::empty_site();
    import(root.path(), &doc("heldout11", "202-"));
    let msgs = messages(&check(root.path()));
    let want =
        "「三、」（试点方式）没有分项，没有列为任务条款；而同级的「四、」的分项下分列了任务条款";
    assert_warned(&msgs, want);
    let also =
        "「五、」（工作要求）没有分项，没有列为任务条款；而同级的「四、」的分项下分列了任务条款";
    assert_warned(&msgs, also);
}

#[test]
fn a_table_of_contents_and_a_restarting_annex_build() {
    // 35 (天津春节电力需求响应实施细则): 目录 listing 一、–七、 and 附录1–3 with dot leaders,
    // then the body, then 附录2 竞价指引 numbered 一、–五、 again. Left as found, every part
    // would be listed twice and `jiedu build` would refuse the duplicates.
    let root = common::empty_site();
    let report = import(
        root.path(),
        &fixture("search-realpolicies", "35-tianjin-chunjie"),
    );
    assert!(
        report.contains("第 78–110 行是目录（列出的 8 个标题在正文中再次出现），已从正文中删去；请核对正文的标题是否完整。"),
        "{report}"
    );
    assert!(
        report.contains("第 390 行「附录2：竞价指引」是附件的标题，其后的编号从头开始，已把它作为最高一级的标题，附件中的条目归在它下面；请核对。"),
        "{report}"
    );
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "需求响应结束后");
    assert_eq!(strings(&first["path"]), ["六、", "1."]);
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = first["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("需求响应结束后"), "{page}");
}

#[test]
fn word_labelled_actions_and_tasks_are_levels() {
    // 90 (2026年上海市城市更新规划资源行动方案): `一、` parts hold `行动1：` groups holding
    // `——任务1：` tasks, both numbered straight through; each title broken before its `。`.
    let root = common::empty_site();
    let report = import(root.path(), &doc("heldout4", "90-"));
    assert!(
        report.contains("大纲（层级：一、 5 个、无编号标题 1 个 → 行动1： 10 个 → 任务1： 21 个；任务条款 21 条）"),
        "{report}"
    );
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(all.len(), 21);
    let first = clause(&all, "协同开展《上海市城市更新专项规划》编制工作");
    assert_eq!(strings(&first["path"]), ["一、", "行动1", "任务1"]);
    // Task 4 is the first of action 2: the numbers run straight through the groups.
    let fourth = clause(&all, "推动重点地区更新提升");
    assert_eq!(strings(&fourth["path"]), ["一、", "行动2", "任务4"]);
    let last = clause(&all, "加大宣传交流");
    assert_eq!(strings(&last["path"]), ["五、", "行动10", "任务21"]);
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = fourth["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("推动重点地区更新提升"), "{page}");
    assert!(page.contains("任务4"), "{page}");
}

#[test]
fn an_attached_table_with_section_rows_takes_its_path_from_the_table() {
    // 83 (上海交通领域光伏推广应用实施方案), 附表1 任务分工表 `序号 / 事项 / 工作措施 / 责任单位`,
    // flattened, with section rows (`推进实施“光伏+”示范工程`, `建立健全“光伏+”推进机制`) and
    // merged 事项 and unit cells. The table follows `附表1`, not the body's last heading.
    let root = common::empty_site();
    import(root.path(), &doc("heldout4", "83-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "充分利用轨道交通内既有高架车站");
    assert_eq!(
        strings(&first["path"]),
        ["推进实施“光伏+”示范工程", "“光伏+地铁”工程", "1"]
    );
    // The second section row sits between row 29's task cell and row 30.
    let thirtieth = clause(&all, "建立以市场化竞争配置为主的项目开发管理机制");
    assert_eq!(
        strings(&thirtieth["path"]),
        ["建立健全“光伏+”推进机制", "健全商业运营模式", "30"]
    );
    assert_eq!(
        units(thirtieth),
        owned(&[("责任单位", &["市交通委", "市经济信息化委"])])
    );
    // A collective `各…主体` is a unit, not a cell that fits no column.
    let fortieth = clause(&all, "按照事前风险评估、事中安全管理");
    assert_eq!(
        units(fortieth),
        owned(&[("责任单位", &["市交通委", "各区政府", "各项目实施主体"])])
    );
    let last = clause(&all, "提高发展光伏在各类评优推先中的权重");
    assert_eq!(
        strings(&last["path"]),
        ["建立健全“光伏+”推进机制", "完善考核评估机制", "48"]
    );
}

#[test]
fn fields_of_a_note_ended_by_full_stops_are_all_read() {
    // 97 (上海市环城生态公园带实施意见): `（牵头单位：A，B、C政府。配合单位：D、E）` — a full
    // stop, not `；`, between the two fields of one note, on every task of the document.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "97-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(
        units(clause(&all, "改造提升已建外环绿带")),
        owned(&[
            (
                "牵头单位",
                &[
                    "市绿化市容局",
                    "浦东新区",
                    "徐汇区",
                    "长宁区",
                    "普陀区",
                    "宝山区",
                    "闵行区",
                    "嘉定区政府"
                ]
            ),
            (
                "配合单位",
                &["市发展改革委", "市水务局", "市文化旅游局", "市体育局"]
            )
        ])
    );
}

#[test]
fn a_full_stop_sentence_of_a_note_that_names_no_role_is_named() {
    // 97 again, with the second field's label taken away (`。市交通委、市水务局`): what the
    // sentence holds cannot be given a role, so it is named, not dropped in silence.
    let root = common::empty_site();
    let src = doc("heldout5", "97-");
    let text = std::fs::read_to_string(&src).unwrap().replacen(
        "嘉定区政府。配合单位：市交通委、市水务局）",
        "嘉定区政府。另由市交通委、市水务局保障）",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join(src.file_name().unwrap());
    std::fs::write(&changed, text).unwrap();
    import(root.path(), &changed);
    let msgs = messages(&check(root.path()));
    assert_warned(
        &msgs,
        "「2.」的单位说明中「另由市交通委、市水务局保障」未能读成单位，其中的单位没有列出",
    );
}

#[test]
fn role_notes_without_labels_read_every_role_verb() {
    // 99 (上海市城镇燃气安全专项整治实施方案): `（A牵头负责，B、C组织落实）` on 48 tasks, the
    // role groups also separated by `、`, with `按职责（分工）` before the verb.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "99-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(
        units(clause(&all, "对非法经营燃气的")),
        owned(&[
            ("牵头负责", &["市公安局"]),
            (
                "组织落实",
                &["市市场监管局", "市住房城乡建设管理委", "各区政府"]
            )
        ])
    );
    assert_eq!(
        units(clause(&all, "推进10万户高龄独居老人")),
        owned(&[
            ("牵头负责", &["市住房城乡建设管理委", "市财政局"]),
            ("按职责组织配合", &["市民政局"])
        ])
    );
    let both_leads = units(clause(&all, "开展燃气安全进学校"));
    assert_eq!(
        both_leads
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>(),
        ["牵头负责", "按职责牵头负责", "组织落实"]
    );
    assert_eq!(both_leads[2].1, ["各区政府"]);
    assert_eq!(
        units(clause(&all, "对学校、民政服务机构、")),
        owned(&[(
            "牵头负责",
            &[
                "市教委",
                "市民政局",
                "市文化旅游局",
                "市卫生健康委",
                "各区政府"
            ]
        )])
    );
    assert_eq!(
        units(clause(&all, "督促指导属地街道、乡镇对")),
        owned(&[
            ("牵头负责", &["市消防救援总队"]),
            ("组织落实", &["市公安局", "各区政府"])
        ])
    );
}

#[test]
fn a_bracket_that_reads_like_a_role_note_but_yields_no_unit_is_named() {
    // 99 with one role verb the recogniser does not know (`抓好落实` for `组织落实`): the note
    // cannot be read whole, so its units are not published and the editor is told where.
    let root = common::empty_site();
    let src = doc("heldout5", "99-");
    let text = std::fs::read_to_string(&src).unwrap().replacen(
        "（市住房城乡建设管理委牵头负责，各区政府组织落实）",
        "（市住房城乡建设管理委牵头负责，各区政府抓好落实）",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join(src.file_name().unwrap());
    std::fs::write(&changed, text).unwrap();
    let report = import(root.path(), &changed);
    let want = "「1.」中的括注「（市住房城乡建设管理委牵头负责，各区政府抓好落实」像是单位说明，但未能读出单位";
    assert!(report.contains(want), "{report}");
    assert_warned(&messages(&check(root.path())), want);
}

#[test]
fn a_deadline_field_after_a_full_stop_in_a_note_is_no_unit_and_no_doubt() {
    // 44 (高效办成大件运输“一件事”实施方案): `（牵头单位：…。时间节点：2025年3月）` — the
    // sentence after the full stop is a field of its own that names no unit.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "44-"));
    let msgs = messages(&check(root.path()));
    assert!(!msgs.iter().any(|m| m.contains("未能读成单位")), "{msgs:?}");
}

/// The clause at `path` (labels from the top).
fn at_path<'a>(all: &'a [Value], path: &[&str]) -> &'a Value {
    all.iter()
        .find(|n| strings(&n["path"]) == path)
        .unwrap_or_else(|| panic!("no clause at {path:?}"))
}

#[test]
fn a_flattened_table_with_numbered_group_rows_reads_every_row() {
    // 127 (静安区2025年碳达峰碳中和及节能减排重点工作安排), 附表: `序号 / 重点任务 / 具体工作 /
    // 时间进度 / 责任部门`, one cell per paragraph. Group rows `一` / `推进碳达峰碳中和综合管理`
    // (a Chinese numeral in the 序号 column, the group in 重点任务) span the rows below them;
    // the task is the 具体工作 column, 时间进度 its deadline.
    let root = common::empty_site();
    import(root.path(), &doc("heldout7", "127-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let sixth = at_path(&all, &["加快推进能源绿色低碳转型", "6"]);
    assert!(
        sixth["heading"]
            .as_str()
            .unwrap()
            .starts_with("推动可再生能源发展"),
        "{sixth}"
    );
    let names = &units(sixth)[0];
    assert_eq!(names.0, "责任部门");
    assert_eq!(names.1.len(), 14, "{names:?}");
    assert_eq!(names.1.last().map(String::as_str), Some("各街镇"));
    assert_eq!(sixth["deadline"]["text"], "全年推进", "{sixth}");
    // A group title holding a time word (`持续…`) is a group all the same.
    let eleventh = at_path(&all, &["持续推动节能降碳增效", "11"]);
    assert_eq!(eleventh["deadline"]["text"], "年内完成", "{eleventh}");
    let last = at_path(&all, &["强化责任落实和监督执法", "70"]);
    assert!(!units(last).is_empty(), "{last}");
}

#[test]
fn a_task_number_column_heads_a_flattened_table() {
    // 128 (关于推进上海市公园城市建设的指导意见), 附表2: `任务编号 / 分项任务 / 工作任务 /
    // 主要部门`, 分项任务 merged, unit cells broken over paragraphs.
    let root = common::empty_site();
    import(root.path(), &doc("heldout7", "128-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let second = at_path(&all, &["重点发展区域", "2"]);
    assert_eq!(
        units(second),
        owned(&[(
            "主要部门",
            &[
                "嘉定区",
                "青浦区",
                "松江区",
                "奉贤区政府",
                "临港新片区管委会"
            ]
        )])
    );
    let ninth = at_path(&all, &["重要提升举措", "9"]);
    assert_eq!(units(ninth)[0].1.len(), 8, "{ninth}");
}

#[test]
fn paragraphs_with_their_own_notes_under_a_title_only_item_are_clauses() {
    // 128 二（三）: `1．重点发展区域` on its own line, then three paragraphs each ending with its
    // own `（责任部门：…）`: the first is the item's text, the others are clauses ¶2, ¶3.
    let root = common::empty_site();
    import(root.path(), &doc("heldout7", "128-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let item = clause(&all, "重点发展区域");
    assert_eq!(
        units(item),
        owned(&[("责任部门", &["相关区政府", "市绿化市容局", "市一江一河办"])])
    );
    let mut path = strings(&item["path"]);
    path.push("¶2".to_string());
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let second = at_path(&all, &path);
    assert_eq!(
        units(second)[0].1.last().map(String::as_str),
        Some("临港新片区管委会")
    );
}

/// Names of a clause's unit groups that carry neither a label nor a verb (a bare list).
fn bare_units(n: &Value) -> Vec<String> {
    n["units"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["label"].is_null() && g["word"].is_null())
        .flat_map(|g| strings(&g["names"]))
        .collect()
}

#[test]
fn a_closing_bracket_of_unit_names_without_a_label_is_the_note() {
    // 122 (嘉定区盘活低效用地提升产业能级行动方案): every item ends `。（各街镇、区规划资源局、
    // 区土储中心）` — no label, no role word, only unit names.
    let root = common::empty_site();
    import(root.path(), &doc("heldout7", "122-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "开展收储出让");
    assert_eq!(bare_units(first), ["各街镇", "区规划资源局", "区土储中心"]);
    assert_eq!(bare_units(clause(&all, "发挥国企领军作用")), ["区属国企"]);
    // `…各街镇等）`: the named units only.
    let last = clause(&all, "加强综合监管力度");
    assert_eq!(bare_units(last).last().map(String::as_str), Some("各街镇"));
    // The clause page lists them.
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    // The page of clause `4.1.1` is `p/clause/4-1-1/`.
    let id = first["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("区土储中心"), "{page}");
}

#[test]
fn a_closing_bracket_of_names_that_are_not_all_units_is_named() {
    // 122 with one name of item 8's bracket made no unit name: it may still be a note, so it
    // is named, and no unit is read from it.
    let root = common::empty_site();
    let src = doc("heldout7", "122-");
    let text = std::fs::read_to_string(&src).unwrap().replacen(
        "排放减少等成效。（区经委）",
        "排放减少等成效。（区经委、技改项目）",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join(src.file_name().unwrap());
    std::fs::write(&changed, text).unwrap();
    import(root.path(), &changed);
    let outline = check(root.path());
    assert_warned(
        &messages(&outline),
        "「8.」末尾的括注「（区经委、技改项目）」像是不带标签的单位名单，但其中「技改项目」不像单位名称，没有读作单位说明",
    );
    let all = clauses(&outline);
    assert!(bare_units(clause(&all, "鼓励转型升级")).is_empty());
}

/// Imports `tests/fixtures/verify-doubts/<stem>*.txt` as policy `p` of an empty site and
/// returns the warnings of `jiedu check`.
fn doubts_of(stem: &str) -> Vec<String> {
    let root = common::empty_site();
    import(root.path(), &fixture("verify-doubts", stem));
    messages(&check(root.path()))
}

#[test]
fn a_number_written_in_an_unknown_form_is_named() {
    // 98 (国卫办医政发〔2024〕21号, PDF text): `1。加强上下联动。…` under `（四）`; `1。` is no
    // numbering the reader knows, so the three tasks stay in the text of `（四）`.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "98-"));
    let msgs = messages(&check(root.path()));
    assert_warned(
        &msgs,
        "以「1。」开头的一段像是编号，但这种写法未能识别为条款编号，没有成为条款：它留在了「（四）」（落实双向转诊机制）的正文中",
    );
    assert_warned(
        &msgs,
        "以「3。」开头的一段像是编号，但这种写法未能识别为条款编号，没有成为条款：它留在了「（四）」（落实双向转诊机制）的正文中",
    );
}

#[test]
fn a_part_titled_as_the_tasks_without_any_task_is_named() {
    // 98: the notice's `二、主要任务` holds `（一）`–`（六）`; the 管理办法 after its signature,
    // here without the 文号 that marks it as a document of its own, is read with it, its
    // articles make the articles the task level, and none of the notice's items is a task.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(doc("heldout5", "98-")).unwrap();
    let no_number = text.replacen("（国卫医发〔2022〕6 号）\n", "", 1);
    assert!(no_number.len() < text.len());
    let file = dir.path().join("98-no-number.txt");
    std::fs::write(&file, no_number).unwrap();
    let root = common::empty_site();
    import(root.path(), &file);
    let msgs = messages(&check(root.path()));
    assert_warned(
        &msgs,
        "「二、」（主要任务）下的「（一）」（完善首诊负责制）没有列为任务条款：这一部分的标题表明它列的是任务，但其下没有识别出任何任务条款",
    );
    assert_warned(
        &msgs,
        "「二、」（主要任务）下的「（六）」（促进医疗服务体系协同）没有列为任务条款：这一部分的标题表明它列的是任务，但其下没有识别出任何任务条款",
    );
}

#[test]
fn unit_cells_left_as_paragraphs_of_a_clause_are_named() {
    let msgs = doubts_of("units-cells");
    assert_warned(
        &msgs,
        "条款 1.1.2（提升消纳处置能力）的正文中有一段只列了单位「区土方工作专班」，没有读成它的单位说明",
    );
    assert_warned(
        &msgs,
        "条款 1.1.2（提升消纳处置能力）的正文中有一段只列了单位「区绿化市容局、区规划资源局、区建设管理委」，没有读成它的单位说明",
    );
}

#[test]
fn items_after_a_heading_that_lost_its_number_are_named() {
    // One such heading: with two or more the recogniser reads them as parts that lost their
    // numbers (`part_headings_whose_numbers_were_lost_are_parts_and_warned`).
    let msgs = doubts_of("lost-heading");
    assert_warned(
        &msgs,
        "「1.」（对养老服务机构未落实消防安全责任…）前面的「重点整治内容」没有编号，像是丢了编号的上一级标题；本条没有归入它下面，所在层级和编号可能有误",
    );
}

#[test]
fn a_task_written_in_the_text_and_again_in_a_table_is_named() {
    let msgs = doubts_of("repeated-task");
    assert_warned(
        &msgs,
        "以「提升消纳处置能力」开头的任务在本文中写了不止一处（另见第 28 行），条款的单位和层级取自其中一处",
    );
}

#[test]
fn decimals_and_place_names_in_a_table_raise_no_form_doubt() {
    // 43 (嘉定区海绵城市实施方案): a table of sites (`马陆社区`, `北部科技驿站（朱桥片区）`) and
    // areas (`1.38`, `19.23`) read as text: neither is a unit list nor a numbering.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "43-"));
    let msgs = messages(&check(root.path()));
    assert!(
        !msgs
            .iter()
            .any(|m| m.contains("像是编号") || m.contains("只列了单位")),
        "{msgs:?}"
    );
}

#[test]
fn paren_items_running_through_their_title_lines_are_the_task_level() {
    // 54 (杨浦生活秀带三年行动计划): under `四、（二）`, `1.`–`5.` are title lines (`1.落实规划
    // 保护清单，…“强基石”`) and the tasks are `（1）`–`（16）`, numbered straight through them. A
    // clause's own list would start again at `（1）` under every `1.`: these are a level.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "54-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let fourth = clause(&all, "实施历史资料抢救性保护");
    assert_eq!(strings(&fourth["path"]), ["四、", "（二）", "2.", "（4）"]);
    assert_eq!(
        strings(&clause(&all, "激发多元力量参与")["path"]),
        ["四、", "（二）", "5.", "（16）"]
    );
    // The title lines hold tasks and are none themselves; `（一）`'s `1.`–`3.` hold none and are.
    assert!(!a_clause_headed(&all, "落实规划保护清单"));
    assert_eq!(
        strings(&clause(&all, "以开展第四次全国文物普查为基础")["path"]),
        ["四、", "（一）", "1."]
    );
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = fourth["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("实施历史资料抢救性保护"), "{page}");
}

#[test]
fn a_paren_item_with_its_own_unit_note_is_a_task_clause() {
    // 55 (奉贤区公园城市建设实施意见): `2.推进“公园+”“+公园”建设。…` holds `(1)`, `(2)`, each
    // ending with its own `(牵头单位：…;配合单位：…)`: they are the tasks, not items of 2.'s text.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "55-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "以“公园+”推动全面功能融合");
    assert_eq!(strings(&first["path"]), ["二、", "（三）", "2.", "（1）"]);
    let lead: Vec<String> = first["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["role"] == "lead")
        .flat_map(|g| strings(&g["names"]))
        .collect();
    assert_eq!(lead, ["区绿化市容局"]);
    assert!(!a_clause_headed(&all, "推进“公园+”"));
}

#[test]
fn part_headings_whose_numbers_were_lost_are_parts_and_warned() {
    // 100 (奉贤区养老服务机构燃气安全专项整治工作方案), as the web copy stores it: the parts
    // `总体要求`, `重点整治内容`, `工作安排`, `工作要求` lost their `一、`–`四、`, and under them
    // `1.`–`4.` and `(一)`–`(三)` start again at 1. They are parts, named in the path by their
    // words, and each is named in a warning since the number is the recogniser's inference.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "100-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "对养老服务机构未落实消防安全责任制");
    assert_eq!(strings(&first["path"]), ["重点整治内容", "1."]);
    let stage = clause(&all, "集中攻坚阶段");
    assert_eq!(strings(&stage["path"]), ["工作安排", "（一）"]);
    let msgs = messages(&outline);
    for part in ["重点整治内容", "工作安排", "工作要求"] {
        assert_warned(
            &msgs,
            &format!("「{part}」没有编号，其后的编号从头开始，本文各部分的标题都是这样：已把它作为最高一级的无编号标题（原文的部分编号可能在复制时丢失）"),
        );
    }
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = stage["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("集中攻坚阶段"), "{page}");
}

#[test]
fn a_body_named_before_its_duties_is_no_role_label() {
    // heldout6 114 (崇明区集体经营性建设用地入市试点工作方案), under 组织架构:
    // `（二）协调监管机构：参照…要求，建立入市监管制度；制定…` — a name ending in 机构 with no role
    // word (牵头, 责任, 配合…) names a body, and its duties are no unit list.
    let root = common::empty_site();
    import(root.path(), &doc("heldout6", "114-"));
    let all = clauses(&check(root.path()));
    let names: Vec<String> = all
        .iter()
        .flat_map(|n| n["units"].as_array().cloned().unwrap_or_default())
        .flat_map(|g| strings(&g["names"]))
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("监管制度") || n.contains("参照")),
        "{names:?}"
    );
    // The notes of the same document are still read: `（责任单位：区财政局）`.
    assert!(names.iter().any(|n| n == "区财政局"), "{names:?}");
}

#[test]
fn a_task_breakdown_table_under_its_title_reads_merged_content_cells_and_none_marks() {
    // heldout7 120 (上海市城市综合交通体系建设工作方案), 任务分解表 after its title line (no
    // `附件`), flattened one cell per line: `序号 | 内容 | 牵头部门 | 配合部门 | 2024年工作任务 |
    // 2025年工作计划 | 备注`, group rows `一、…`, the 内容 cell merged over 1–3 rows, `—` for
    // no 配合部门, and three rows with more unit paragraphs than unit columns.
    let root = common::empty_site();
    import(root.path(), &doc("heldout7", "120-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let rows = table_rows(&all);
    assert_eq!(rows.len(), 17, "{rows:?}");
    // The group cell `一、科学编制…` groups its rows under its title without the number.
    let first = clause(&all, "科学编制城市综合交通体系规划");
    assert_eq!(
        strings(&first["path"]),
        ["科学编制并实施城市综合交通体系规划", "1"]
    );
    // `委内各相关处室`: the offices inside the commission, a unit.
    assert_eq!(
        units(first),
        owned(&[
            ("牵头部门", &["综合规划处"]),
            ("配合部门", &["委内各相关处室"])
        ])
    );
    // Row 3 has no 内容 cell (merged with row 2's): its unit cells stand before its own text,
    // and they are its own, not row 2's.
    let third = clause(&all, "有序推进漕宝路快速路项目建设");
    assert_eq!(
        strings(&third["path"]),
        ["科学编制并实施城市综合交通体系规划", "3"]
    );
    assert_eq!(
        units(third),
        owned(&[("牵头部门", &["交通建设处"]), ("配合部门", &["设施养护处"])])
    );
    // `—`: no 配合部门, the column's label kept with no names.
    let second = clause(&all, "有序推进城市快速干线交通系统建设");
    assert_eq!(
        units(second),
        owned(&[("牵头部门", &["综合规划处"]), ("配合部门", &[])])
    );
    // Row 7: three unit paragraphs for two columns, read and named, not placed silently.
    let seventh = clause(&all, "加快开展城市绿色慢行交通系统建设");
    assert_eq!(
        units(seventh),
        owned(&[
            ("牵头部门", &["设施运行处"]),
            ("配合部门", &["综合规划处", "设施养护处"])
        ])
    );
    let msgs = messages(&outline);
    assert_warned(
        &msgs,
        "任务分工表的这一行单位单元格比表头的单位列多，多出的「设施养护处」已按最后一个单位列读入，无法确定它们属于哪一列",
    );
    // The clause page of row 2 names its lead and shows no empty 配合部门 list.
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = second["id"].as_str().unwrap();
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("加快推进轨道交通19号线工可调整"), "{page}");
    assert!(page.contains("综合规划处"), "{page}");
    assert!(!page.contains("配合部门："), "{page}");
}

#[test]
fn a_task_list_numbered_in_its_item_column_gives_each_row_its_item_number() {
    // heldout7 124 (杨浦区基层消防安全综合治理实施意见), 附件 重点任务清单, flattened:
    // `类别 | 项目 | 主要任务 | 牵头单位 | 配合单位`, no 序号 column: the 项目 cell carries the
    // number (`2.完善规章标准`) and is merged over the rows of its item.
    let root = common::empty_site();
    import(root.path(), &doc("heldout7", "124-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let rows = table_rows(&all);
    assert_eq!(rows.len(), 19, "{rows:?}");
    // Both rows of item 2 are clauses numbered 2., under the 类别 without its `一、`.
    for start in ["细化街道消防安全委员会", "贯彻执行本市基层消防综合治理"]
    {
        let row = clause(&all, start);
        assert_eq!(strings(&row["path"]), ["做好政策保障", "2."], "{row}");
        assert_eq!(
            units(row),
            owned(&[("牵头单位", &["区消防救援支队"]), ("配合单位", &["各街道"])])
        );
    }
    // `各街道、相关委、办、局`: the collective `相关委、办、局` is one unit.
    let fourth = clause(&all, "向区委、区政府专题报告");
    assert_eq!(
        units(fourth),
        owned(&[
            ("牵头单位", &["区消防救援支队"]),
            ("配合单位", &["各街道", "相关委、办、局"])
        ])
    );
    // Row 10 repeats a lead (各街道) in its 配合单位: listed once, as lead.
    let tenth = clause(&all, "区级层面每年定期分批");
    assert_eq!(
        units(tenth),
        owned(&[
            ("牵头单位", &["区消防救援支队", "各街道"]),
            ("配合单位", &["区财政局"])
        ])
    );
    // The last two rows of item 12 write no unit cell: inherited, and said so.
    let last = clause(&all, "指导街道充分发挥多种形式消防队伍作用");
    assert_eq!(
        strings(&last["path"]),
        ["加强基层综合管理和能力提升", "12."]
    );
    assert_eq!(
        units(last),
        owned(&[("牵头单位", &["区消防救援支队"]), ("配合单位", &["各街道"])])
    );
    let inherited = messages(&outline)
        .iter()
        .filter(|m| *m == "任务分工表的这一行没有写单位，已按合并单元格沿用上一行的单位")
        .count();
    assert_eq!(inherited, 2);
}

#[test]
fn a_value_cell_of_a_flattened_data_table_is_no_clause() {
    // tune 43 (嘉定区海绵城市实施方案), 表 of areas one cell per line: `4.42` (km²) after
    // items 1.–3. is a value, not item 4 whose text is `42`.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "43-"));
    let all = clauses(&check(root.path()));
    assert!(
        !all.iter().any(|n| {
            let text = format!(
                "{}{}",
                n["heading"].as_str().unwrap_or(""),
                n["text"].as_str().unwrap_or("")
            );
            text == "42" || text.starts_with("42")
        }),
        "{all:?}"
    );
}

#[test]
fn cells_after_a_row_of_a_table_grouped_before_its_number_open_the_next_group() {
    // tune 42 (静安区“卓越城区”城市更新行动方案), flattened `任务类型 | 序号 | 工作任务 |
    // 推进单位`: row 23 has no unit cell (merged with row 22's) and is followed by the section
    // row `行动五：…` and the group cell `产业园区`, which open row 24's group — they are no
    // task and no unit of row 23.
    let root = common::empty_site();
    import(root.path(), &doc("tune", "42-"));
    let all = clauses(&check(root.path()));
    let row24 = clause(&all, "对产业用地综合绩效评估分类");
    assert_eq!(
        strings(&row24["path"]),
        [
            "行动五：提档园区新产行动（产业园区提质增效行动）",
            "产业园区",
            "24"
        ]
    );
    assert!(
        !all.iter().any(|n| n["heading"]
            .as_str()
            .is_some_and(|h| h.starts_with("行动五"))),
        "{all:?}"
    );
    let names: Vec<String> = all
        .iter()
        .flat_map(|n| n["units"].as_array().cloned().unwrap_or_default())
        .flat_map(|g| strings(&g["names"]))
        .collect();
    assert!(!names.iter().any(|n| n == "产业园区"), "{names:?}");
}

#[test]
fn a_short_item_that_ends_with_its_unit_note_is_a_titled_task_clause() {
    // 114 (崇明区集体经营性建设用地入市试点工作方案), 四、（一）: six items, each a document to
    // draft and its note, with no full stop between (`1.《…管理办法》(责任单位：区规划资源局）`).
    let root = common::empty_site();
    import(root.path(), &doc("heldout6", "114-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "《崇明区农村集体经营性建设用地入市管理办法》");
    assert_eq!(strings(&first["path"]), ["四、", "（一）", "1."]);
    assert_eq!(
        first["heading"],
        "《崇明区农村集体经营性建设用地入市管理办法》"
    );
    assert_eq!(units(first), owned(&[("责任单位", &["区规划资源局"])]));
    let fourth = clause(&all, "《崇明区农村集体经营性建设用地入市集体收益分配");
    assert_eq!(units(fourth), owned(&[("责任单位", &["区农业农村委"])]));
}

#[test]
fn schedule_items_that_open_with_their_year_are_items() {
    // 94 (上海市花白玉兰推广应用三年行动计划), 四、计划安排: `1.2024年8月底前，各区…` — the date
    // right after the number, no space — under （一）制定方案阶段 and （二）实施阶段.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "94-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "2024年8月底前，各区绿化管理部门");
    assert_eq!(strings(&first["path"]), ["四、", "（一）", "1."]);
    let range = clause(&all, "2025年7月至2025年12月");
    assert_eq!(strings(&range["path"]), ["四、", "（二）", "2."]);
    // The groups that hold them are no clauses of their own; the one without items is.
    assert!(
        !all.iter().any(|n| n["heading"] == "制定方案阶段"),
        "{all:?}"
    );
    assert_eq!(
        strings(&clause(&all, "总结阶段")["path"]),
        ["四、", "（三）"]
    );
}

#[test]
fn a_notices_attachment_list_names_files_not_tasks() {
    // 89 (上海市零碳园区建设工作方案): the plan ends `（三）评价验收。…` then `附件：` /
    // `1.上海市零碳园区建设基本条件` / `2.上海市零碳园区建设指标体系`. The list is no item of
    // 四、（三）: the group is a task clause of its own, the titles are no clauses and no doubt.
    let root = common::empty_site();
    import(root.path(), &doc("heldout4", "89-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let group = clause(&all, "评价验收");
    assert_eq!(strings(&group["path"]), ["四、", "（三）"]);
    assert!(
        !all.iter()
            .any(|n| n["heading"] == "上海市零碳园区建设指标体系"),
        "{all:?}"
    );
    let msgs = messages(&outline);
    assert!(
        !msgs.iter().any(|m| m.contains("零碳园区建设指标体系")
            || m.contains("以编号「2.」开头的一段没有成为条款")),
        "{msgs:?}"
    );
    // 106 (市场监管局城镇燃气安全专项整治实施方案): the same list after the last group.
    let root = common::empty_site();
    import(root.path(), &doc("heldout6", "106-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert!(
        !all.iter()
            .any(|n| n["heading"].as_str().unwrap_or("").contains("成果统计表")),
        "{all:?}"
    );
    let msgs = messages(&outline);
    assert!(
        !msgs
            .iter()
            .any(|m| m.starts_with("以编号「1.」开头的一段没有成为条款")),
        "{msgs:?}"
    );
}

#[test]
fn a_number_alone_in_a_flattened_table_opens_no_item() {
    // 43 (嘉定区海绵城市实施方案分解表): a table of areas flattened one cell per line, whose
    // `4.42` (square kilometres) follows item 3.; 55 (奉贤区公园城市实施意见): `9.16` after an
    // item 8. A number and nothing else is a cell, not the next item.
    for (stem, cell) in [("43-", "4.42"), ("55-", "9.16")] {
        let root = common::empty_site();
        import(root.path(), &doc("tune", stem));
        let outline = check(root.path());
        let all = clauses(&outline);
        let tail = &cell[2..];
        assert!(
            !all.iter()
                .any(|n| n["heading"] == tail || n["text"] == tail),
            "{cell}: {all:?}"
        );
        let msgs = messages(&outline);
        assert!(
            !msgs
                .iter()
                .any(|m| m.contains(&format!("「{cell}」后紧跟数字"))),
            "{cell}: {msgs:?}"
        );
    }
}

/// The clauses read from a task table: their ids are `s…`, the body's items their numbers.
fn table_rows(all: &[Value]) -> Vec<&Value> {
    all.iter()
        .filter(|n| n["id"].as_str().unwrap().starts_with('s'))
        .collect()
}

/// Builds the site and returns the text of the clause page of `node`.
fn clause_page(root: &std::path::Path, node: &Value) -> String {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root, &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = node["id"].as_str().unwrap().replace('.', "-");
    std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap()
}

#[test]
fn heading_only_items_are_the_tasks_when_only_the_principles_go_deeper() {
    // heldout9 155 (轨道交通安全运行实施意见): every item of the task parts is a title line
    // (`（一）健全管理体制机制`) followed by its paragraphs; the only `1.` items are the principles
    // under `一、明确总体要求 （二）基本原则`. The principles do not make `1.` the task level: the
    // `（一）` items are the tasks, and the aims part's own items are none.
    let root = common::empty_site();
    let report = import(root.path(), &doc("heldout9", "155-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "健全管理体制机制");
    assert_eq!(strings(&first["path"]), ["二、", "（一）"]);
    assert_eq!(
        strings(&clause(&all, "加强高品质运营服务")["path"]),
        ["七、", "（三）"]
    );
    for framing in ["指导思想", "基本原则", "以人为本"] {
        assert!(!a_clause_headed(&all, framing), "{framing} is no task");
    }
    // Nothing left to doubt about the levels: no mixed-level warning on the task items.
    assert!(!report.contains("没有列为任务条款"), "{report}");
    let page = clause_page(root.path(), first);
    assert!(page.contains("健全管理体制机制"), "{page}");
}

#[test]
fn paren_items_under_title_lines_are_the_tasks() {
    // heldout9 160 (宝山区建筑垃圾运输处置实施办法): `三、（三）` holds `1．消纳场所管理`,
    // `2．资源化处置与中转场所管理`, `3．渣土中转码头管理` — title lines, each followed straight away
    // by `（1）`… paragraphs that assign the duties. The `（n）` are the tasks; the titles are none.
    // `（一）`'s run-in `1．`–`5．` hold no `（n）` and stay tasks themselves.
    let root = common::empty_site();
    import(root.path(), &doc("heldout9", "160-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    let first = clause(&all, "建设工程或者低洼地");
    assert_eq!(strings(&first["path"]), ["三、", "（三）", "1.", "（1）"]);
    assert_eq!(
        strings(&clause(&all, "为解决本区工程渣土处置出")["path"]),
        ["三、", "（三）", "3.", "（3）"]
    );
    assert!(!a_clause_headed(&all, "消纳场所管理"));
    assert_eq!(
        strings(&clause(&all, "在建筑垃圾行政许可审批流")["path"]),
        ["三、", "（一）", "2."]
    );
    let page = clause_page(root.path(), first);
    assert!(page.contains("建设工程或者低洼地"), "{page}");
}

#[test]
fn a_division_of_duties_without_items_is_named() {
    // heldout4 84 (徐汇区装修垃圾处理工作方案): `三、职责分工` is four paragraphs, each opening with
    // a body (`区绿化市容局负责…`), between `二、重点任务` with its `（一）`–`（三）` and
    // `四、保障措施`. Whether it is a task of its own the form cannot tell: it is named.
    let root = common::empty_site();
    let report = import(root.path(), &doc("heldout4", "84-"));
    assert!(
        report.contains("「三、」（职责分工）没有分项，没有列为任务条款"),
        "{report}"
    );
}

#[test]
fn a_second_document_after_the_signature_stays_out_of_the_outline() {
    // heldout10 180 (医保定点医疗机构管理通知, PDF text): `二、`–`四、` with `（一）`–`（十三）`
    // numbered straight through, the signature and its date, then a whole second notice of the
    // compilation — title and 文号, addressee, signature, and a 规程 of 第一章–第十章 and
    // 第一条–第五十九条. Read together, its articles made the notice's items groups: no task at
    // all, no word said. The second document is cut off at its head, named once, and kept on
    // the page.
    let root = common::empty_site();
    import(root.path(), &doc("heldout10", "180-"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(all.len(), 13, "{all:?}");
    assert_eq!(
        strings(&clause(&all, "合理确定定点医疗机构资源配置")["path"]),
        ["二、", "（一）"]
    );
    assert_eq!(
        strings(&clause(&all, "推动行行、行刑、行纪衔接")["path"]),
        ["四、", "（十三）"]
    );
    let head = policy_line(root.path(), "国家医疗保障局办公室关于印发");
    let named = located(&outline).into_iter().any(|(line, m)| {
        line == head
            && m.starts_with("从这里起是另一份完整的文件「国家医疗保障局办公室关于印发《")
            && m.contains("处编号没有列为本政策的条款")
    });
    assert!(named, "{:?}", located(&outline));
    // The appended text is still on the policy's page, after the notice's own text.
    let page = clause_page(root.path(), &all[0]);
    assert!(page.contains("合理确定定点医疗机构资源配置"), "{page}");
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let full = std::fs::read_to_string(public.join("p/index.html")).unwrap();
    assert!(full.contains("本规程自2025年1月1日起施行"), "{full}");

    // heldout5 98: the signature and its date on one line (`…综合司 2024年10月28日`), the next
    // notice's title right under it. The import ends the signature's paragraph at the date, so
    // the next document's head is seen and cut off too.
    let root = common::empty_site();
    import(root.path(), &doc("heldout5", "98-"));
    let policy = std::fs::read_to_string(root.path().join("p/policy.md")).unwrap();
    assert!(
        policy.contains(
            "\n国家卫生健康委办公厅 国家中医药局综合司 国家疾控局综合司 2024年10月28日\n"
        ),
        "{policy}"
    );
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(
        strings(&clause(&all, "完善首诊负责制")["path"]),
        ["二、", "（一）"]
    );
    assert!(
        !all.iter().any(|n| n["label"].as_str() == Some("第一条")),
        "{all:?}"
    );
}

#[test]
fn the_rows_of_a_flattened_table_that_was_not_rebuilt_are_named() {
    // heldout4 85 (青浦建筑垃圾管理实施意见), 附件3: `序号 / 工作任务 / 主要工作内容 / 牵头单位 /
    // 配合单位` one cell per paragraph (the first header run into the table's title by a
    // page-break join), rows numbered `（一）` under group rows `—` / `二`…: no row is anchored,
    // so the table stays text. Each row's task, and each clause of 附件1 that the table repeats
    // with its units, is named — none is left wrong without a word.
    let root = common::empty_site();
    import(root.path(), &doc("heldout4", "85-"));
    let outline = check(root.path());
    let diags = located(&outline);
    let warned_at = |line: u64, start: &str| {
        diags
            .iter()
            .any(|(l, m)| *l == line && m.starts_with(start))
    };
    let row = policy_line(root.path(), "梳理评估本区出土项目和综合利用潜力一张图");
    assert!(
        warned_at(row, "这一段在第 ")
            && diags.iter().any(|(_, m)| m.contains(
                "行起逐格分行的任务分工表中，像是表中一行的工作内容：它没有读成任务条款，它的牵头单位和配合单位也没有读入"
            )),
        "{diags:?}"
    );
    // 附件1's `2．加强建设工地监督管理` is a table row too.
    let all = clauses(&outline);
    let item = clause(&all, "加强建设工地监督管理");
    let line = item["line"].as_u64().unwrap();
    assert!(
        warned_at(line, "「加强建设工地监督管理")
            && diags
                .iter()
                .any(|(l, m)| *l == line && m.contains("逐格分行的任务分工表中")),
        "{diags:?}"
    );
}

#[test]
fn a_collective_listing_its_divisions_before_the_organ_is_one_unit_on_the_clause_page() {
    // The form of 滁州市 2020 重点工作分解 (`各县、市、区政府`) and of 乐山市 乐府办函〔2020〕8号
    // (`各区、市、县、自治县人民政府`): the divisions one by one, their organ once. On main the
    // first was published as two units `各县、市` and `区政府`, and the second lost its note.
    let root = common::empty_site();
    import(root.path(), &fixture("note-forms", "collective-divisions"));
    let outline = check(root.path());
    let all = clauses(&outline);
    assert_eq!(
        units(clause(&all, "推进通关便利化")),
        owned(&[
            ("牵头", &["市商务局"]),
            ("负责", &["某某海关", "各县、市、区政府"])
        ])
    );
    assert_eq!(
        units(clause(&all, "优化口岸营商环境")),
        owned(&[
            ("牵头", &["市商务局", "某某海关"]),
            ("负责", &["各区、市、县、自治县人民政府"])
        ])
    );
    assert_eq!(
        units(clause(&all, "扩大有效投资")),
        owned(&[
            ("牵头单位", &["市发展改革委"]),
            ("责任单位", &["市财政局", "各县、市、区政府"])
        ])
    );
    let msgs = messages(&outline);
    assert!(
        !msgs
            .iter()
            .any(|m| m.contains("各县、市") || m.contains("海关") || m.contains("未能读出单位")),
        "{msgs:?}"
    );
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = clause(&all, "优化口岸营商环境")["id"]
        .as_str()
        .unwrap()
        .replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("各区、市、县、自治县人民政府"), "{page}");
}

#[test]
fn an_issuing_notices_own_items_before_the_issued_title_stay_out_of_the_outline() {
    // The form of the 政府工作报告 责任分解 notices (蔡甸区 蔡政办〔2023〕1号, 武汉市 武政办〔2020〕1号,
    // 嘉鱼县 嘉政办发〔2024〕1号): `并就有关事项通知如下：一、…三、…`, the signature, then the
    // issued document's title and its own `一、` again. On main the second `一、` was a duplicate
    // number and `jiedu build` refused the policy.
    let root = common::empty_site();
    import(root.path(), &fixture("note-forms", "issuing-notice-items"));
    let outline = check(root.path());
    let msgs = messages(&outline);
    assert_warned(
        &msgs,
        "「一、」至「三、」写在印发通知中、所印发的「区《政府工作报告》确定的主要目标任务责任分解方案」的标题之前，其后的编号从头开始：它们是通知本身的事项，没有列为本政策的条款，保留在正文开头",
    );
    assert!(!msgs.iter().any(|m| m.contains("重复")), "{msgs:?}");
    // Named once: no other warning on the notice's items.
    assert_eq!(
        msgs.iter().filter(|m| m.contains("各责任单位要")).count(),
        0,
        "{msgs:?}"
    );
    let all = clauses(&outline);
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(
        strings(&clause(&all, "推进重大项目建设")["path"]),
        ["二、", "（一）"]
    );
    assert_eq!(
        units(clause(&all, "推进重大项目建设")),
        owned(&[
            ("牵头单位", &["区发展和改革局"]),
            ("责任单位", &["区住房和城乡建设局", "各街道办事处"])
        ])
    );
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    // The notice's items stay on the policy page, before the outline.
    let page = std::fs::read_to_string(public.join("p/index.html")).unwrap();
    assert!(page.contains("区绩效考评机构要将确定的目标任务"), "{page}");
}
