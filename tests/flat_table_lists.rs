//! Task lists (任务清单) copied one cell per line whose task cell is itself a numbered list
//! (`1. …` / `2. …`, one item a line, then the row's unit cell): each item is a task of the
//! row's units, a clause under the row's number — through the real binary (`jiedu import` →
//! `jiedu check --json` → `jiedu build`).

use crate::common;

use common::realdoc::{check_json as check, clauses, fixture, import_as_p as import, strings};

use serde_json::Value;

/// (path, heading, unit names) of every clause made from the table.
fn table_clauses(outline: &Value) -> Vec<(Vec<String>, String, Vec<String>)> {
    clauses(outline)
        .iter()
        .filter(|n| {
            n["line"].as_u64().unwrap_or(0) > 0 && !n["units"].as_array().unwrap().is_empty()
        })
        .map(|n| {
            let names = n["units"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|g| strings(&g["names"]))
                .collect();
            (
                strings(&n["path"]),
                n["heading"].as_str().unwrap_or("").to_string(),
                names,
            )
        })
        .collect()
}

#[test]
fn numbered_tasks_in_one_cell_are_clauses_of_the_rows_units() {
    let root = common::empty_site();
    import(root.path(), &fixture("flat-tables", "listed-tasks"));
    let outline = check(root.path());
    let got = table_clauses(&outline);
    let want: Vec<(Vec<String>, String, Vec<String>)> = [
        (
            ["1", "1."].as_slice(),
            "完善全区生活垃圾分类多方参与机制，将生活垃圾分类纳入基层治理工作",
            ["区绿化市容局"].as_slice(),
        ),
        (
            &["1", "2."],
            "推动源头设施便利化改造，完成全区投放点微更新和专项更新",
            &["区绿化市容局"],
        ),
        (
            &["1", "3."],
            "优化废物箱设置布局，探索在重点区域设置智能化废物箱",
            &["区绿化市容局"],
        ),
        (
            &["2"],
            "督促辖区单位落实分类投放管理责任人制度，提升公共区域分类实效",
            &["区商务委"],
        ),
        // Full-width `1．` and `1、` lists are lists as well.
        (
            &["3", "1."],
            "加大对餐饮服务提供者主动提供一次性餐具行为的执法力度",
            &["区市场监管局"],
        ),
        (
            &["3", "2."],
            "加大对过度包装商品的抽查力度",
            &["区市场监管局"],
        ),
        (
            &["4", "1."],
            "完善沿街商铺分类收集模式，优化上门收集频次",
            &["区城发集团", "区环卫公司"],
        ),
        (
            &["4", "2."],
            "严格落实分类收运作业要求，规范收运作业",
            &["区城发集团", "区环卫公司"],
        ),
    ]
    .iter()
    .map(|(p, h, u)| {
        (
            p.iter().map(|s| s.to_string()).collect(),
            h.to_string(),
            u.iter().map(|s| s.to_string()).collect(),
        )
    })
    .collect();
    assert_eq!(got, want);

    // Each listed task has its own clause page naming the row's unit.
    let all = clauses(&outline);
    let second = all
        .iter()
        .find(|n| {
            n["heading"]
                .as_str()
                .unwrap_or("")
                .starts_with("推动源头设施便利化改造")
        })
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = second["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("推动源头设施便利化改造"), "{page}");
    assert!(
        page.contains("责任单位") && page.contains("区绿化市容局"),
        "{page}"
    );
}

/// `(line, message)` of every diagnostic of the site.
fn diagnostics(outline: &Value) -> Vec<(usize, String)> {
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

/// The 1-based line of policy.md that starts with `start`.
fn line_of(root: &std::path::Path, start: &str) -> usize {
    let text = std::fs::read_to_string(root.join("p/policy.md")).unwrap();
    text.lines()
        .position(|l| l.trim_start_matches(['|', ' ']).starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start}"))
        + 1
}

#[test]
fn a_list_with_yearly_sub_rows_and_restarting_numbers_names_every_row_it_could_not_read() {
    // A three-year plan's 任务清单: the 类别 cell written one character a line, each 序号 with
    // one sub-row per year (节点 / 指标数), unit cells merged over the sub-rows, and 序号
    // starting again at 1 in each 类别. The rebuild cannot place the sub-rows; every task row
    // whose units were lost, and every task left behind as loose paragraphs, is named on its
    // own line — none is silent.
    let root = common::empty_site();
    import(root.path(), &fixture("flat-tables", "yearly-subrows"));
    let outline = check(root.path());
    let diags = diagnostics(&outline);
    let warned = |line: usize, start: &str| {
        assert!(
            diags
                .iter()
                .any(|(l, m)| *l == line && m.starts_with(start)),
            "no warning「{start}…」on line {line}: {diags:?}"
        );
    };
    let no_units = "任务分工表的这一行没有读到任何单位，上面也没有可沿用的单位";
    warned(
        line_of(root.path(), "1.分类投放 | 1 | 垃圾分类绿色账户"),
        no_units,
    );
    warned(
        line_of(root.path(), "13.5万户 | 2 | 创建达标分类小区"),
        no_units,
    );
    let first_left = line_of(root.path(), "120个");
    warned(first_left, &format!("第 {first_left}–"));
    for task in ["有害垃圾专用车辆配置", "湿垃圾收运车辆新增（累计数）"] {
        warned(line_of(root.path(), task), &format!("「{task}」像是第 "));
    }
    // Another table after the attachment heading `附表2` is not the task table's remainder.
    assert!(
        !diags.iter().any(|(_, m)| m.contains("车辆配置一览表")),
        "{diags:?}"
    );
    // Cells the rebuild put in the group column that are a figure or a unit list are named.
    warned(
        line_of(root.path(), "13.5万户 | 2 | 创建达标分类小区"),
        "任务分工表这一行的分组位置写的是「13.5万户」，它像一个指标数，不像分组名称",
    );
    // A figure or a unit name left behind is no task: not named one by one.
    let unit_line = line_of(root.path(), "区文明办");
    assert!(!diags.iter().any(|(l, _)| *l == unit_line), "{diags:?}");
}

/// Unit names by label, as a clause lists them.
type Units = Vec<(String, Vec<String>)>;

/// (path, units) of every clause of the table (those with a `¶` label).
fn unnumbered_rows(outline: &Value) -> Vec<(Vec<String>, Units)> {
    clauses(outline)
        .iter()
        .filter(|n| n["label"].as_str().unwrap_or("").starts_with('¶'))
        .map(|n| {
            let units = n["units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| {
                    (
                        g["label"].as_str().unwrap().to_string(),
                        strings(&g["names"]),
                    )
                })
                .collect();
            (strings(&n["path"]), units)
        })
        .collect()
}

#[test]
fn a_list_whose_number_column_is_empty_is_read_row_by_row_and_said_so() {
    // 静安 任务清单 (heldout13 242, the 序号 cells dropped in the copy; rows from its first four
    // 任务名称 groups and the fifth's, as found): the 任务名称 cell merged over its rows, one
    // 责任 cell naming two units on two lines, a 配合 cell `/`.
    let root = common::empty_site();
    import(root.path(), &fixture("flat-tables", "unnumbered"));
    let outline = check(root.path());
    let rows = unnumbered_rows(&outline);
    assert_eq!(rows.len(), 18, "{rows:?}");
    let row = |group: &str, k: usize| {
        rows.iter()
            .find(|(p, _)| p == &[group.to_string(), format!("¶{k}")])
            .unwrap_or_else(|| panic!("no row {group} ¶{k}: {rows:?}"))
            .1
            .clone()
    };
    let units = |pairs: &[(&str, &[&str])]| -> Units {
        pairs
            .iter()
            .map(|(l, n)| (l.to_string(), n.iter().map(|s| s.to_string()).collect()))
            .collect()
    };
    assert_eq!(
        row("深入开展宣传教育", 2),
        units(&[
            ("责任单位", &["区教育局", "团区委"]),
            ("配合单位", &["各街镇"])
        ])
    );
    // `/`: the column is stated empty.
    assert_eq!(
        row("深入开展宣传教育", 3),
        units(&[("责任单位", &["各街镇"]), ("配合单位", &[])])
    );
    // The numbering starts again in each group.
    assert_eq!(
        row("强化志愿者宣传服务", 1),
        units(&[("责任单位", &["区社工部"]), ("配合单位", &["各街镇"])])
    );
    // `区绿化市容局` / `区商务委` on two lines of one cell: two units, not one name.
    assert_eq!(
        row("推广湿垃圾就地消纳处置", 2),
        units(&[
            ("责任单位", &["区绿化市容局", "区商务委"]),
            ("配合单位", &["开开集团"])
        ])
    );
    // The invented running numbers are gone, and the editor is told why the rows have none.
    let diags = diagnostics(&outline);
    let header = line_of(root.path(), "序号 | 任务名称");
    assert!(
        diags.iter().any(|(l, m)| *l == header
            && m == "任务分工表有「序号」列，但没有一行写了序号：各行已按所在分组编为无编号条款（¶1、¶2…）"),
        "{diags:?}"
    );
    // The indicator table of 附件2 after it is no part of the task table.
    assert!(!clauses(&outline)
        .iter()
        .any(|n| n["heading"].as_str().unwrap_or("").contains("宝山路街道")));
    assert!(
        !diags.iter().any(|(_, m)| m.contains("不像分组名称")),
        "{diags:?}"
    );

    // Each row has its clause page with its group and its units.
    let node = clauses(&outline)
        .into_iter()
        .find(|n| strings(&n["path"]) == ["推广湿垃圾就地消纳处置".to_string(), "¶2".to_string()])
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root.path(), &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let id = node["id"].as_str().unwrap().replace('.', "-");
    let page = std::fs::read_to_string(public.join(format!("p/clause/{id}/index.html"))).unwrap();
    assert!(page.contains("以新建项目环卫设施配套建设为契机"), "{page}");
    assert!(
        page.contains("区商务委")
            && page.contains("开开集团")
            && !page.contains("区绿化市容局区商务委"),
        "{page}"
    );
}

#[test]
fn an_unnumbered_list_with_a_lost_unit_cell_is_not_guessed_but_named() {
    // Planted fault: the same list with one 责任 cell dropped (`区社工部`). That row no longer
    // reads as task + two unit cells, so the cells after it cannot be placed: no row is guessed
    // (none before the fault either, which would leave the rest as loose text), and the header
    // and every task cell of the table are named.
    let text = std::fs::read_to_string(fixture("flat-tables", "unnumbered")).unwrap();
    let cut = text.replacen("区社工部\n\n", "", 1);
    assert_ne!(cut, text);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unnumbered-cut.txt");
    std::fs::write(&file, cut).unwrap();
    let root = common::empty_site();
    import(root.path(), &file);
    let outline = check(root.path());
    assert_eq!(unnumbered_rows(&outline), vec![]);
    let diags = diagnostics(&outline);
    assert!(
        diags
            .iter()
            .any(|(_, m)| m
                .ends_with("像是逐格分行的任务分工表表头，但它下面的各行没有读成任务条款")),
        "{diags:?}"
    );
    let row_cells = diags
        .iter()
        .filter(|(_, m)| m.contains("像是表中一行的工作内容：它没有读成任务条款"))
        .count();
    assert!(row_cells >= 15, "{diags:?}");
}
