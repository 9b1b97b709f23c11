//! `jiedu check --inspect`, through the real binary on copies of the example portal: the
//! example's report lists only what it really lacks, and each planted fault adds exactly its
//! finding (text and rule). Also --strict, --json, --report and the sync tolerance.

use crate::common;

use std::collections::BTreeSet;
use std::process::Output;

use common::{jiedu, repo, stderr, ExampleSite};

/// A finding as compared: rule id, `file:line` relative to the site root, message.
type Found = (String, String, String);

fn run_inspect(site: &ExampleSite, extra: &[&str]) -> (Output, serde_json::Value) {
    let root = site.root();
    let mut args = vec![
        "check",
        "--inspect",
        "--json",
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = jiedu(&args);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        )
    });
    (out, json)
}

fn findings(site: &ExampleSite) -> BTreeSet<Found> {
    let (_, json) = run_inspect(site, &[]);
    let root = format!("{}/", site.root().display());
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or("").replace(&root, "");
            (
                f["rule"]["id"].as_str().unwrap().to_string(),
                format!("{file}:{}", f["line"]),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn found(rule: &str, at: &str, message: &str) -> Found {
    (rule.into(), at.into(), message.into())
}

/// What the example portal really lacks: the policy's own 发布日期 and 索引号 are not in the
/// seed material, the animation has no 发布日期 either, and the two video files are not in the
/// repository (the pages show their transcripts).
fn example_lacks() -> BTreeSet<Found> {
    [
        found(
            "sync",
            "yiliao-gaodi/policy.md:2",
            "政策《关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见》没有填写发布日期（published），无法核对解读是否与政策同步发布",
        ),
        found(
            "sync",
            "yiliao-gaodi/animation.md:2",
            "动漫解读没有填写发布日期（published），无法核对是否与政策同步发布",
        ),
        found(
            "media",
            "yiliao-gaodi/video.md:7",
            "视频解读的视频文件 media/video.mp4 不存在，页面上只能看文字稿",
        ),
        found(
            "media",
            "yiliao-gaodi/animation.md:6",
            "动漫解读的视频文件 media/animation.mp4 不存在，页面上只能看文字稿",
        ),
        found(
            "metadata",
            "yiliao-gaodi/policy.md:2",
            "政策《关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见》没有填写索引号（index_number）",
        ),
    ]
    .into_iter()
    .collect()
}

/// (added, removed) against the example portal's findings.
fn difference(site: &ExampleSite) -> (BTreeSet<Found>, BTreeSet<Found>) {
    let now = findings(site);
    let base = example_lacks();
    (
        now.difference(&base).cloned().collect(),
        base.difference(&now).cloned().collect(),
    )
}

/// A second policy in force with no interpretation (the lifecycle test fixture, without its
/// links to the other fixtures).
fn add_second_policy(site: &ExampleSite) {
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/lifecycle/fixture-xiangcun/policy.md"))
            .unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("related:") && !l.starts_with("amends:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::create_dir_all(site.file("xiangcun")).unwrap();
    std::fs::write(site.file("xiangcun/policy.md"), text).unwrap();
}

const XIANGCUN: &str = "【测试样例】乡村医疗卫生服务能力提质增效三年行动方案（测试用节选）";

#[test]
fn the_example_portal_reports_only_what_it_lacks() {
    let site = ExampleSite::new();
    assert_eq!(findings(&site), example_lacks());
    let (out, json) = run_inspect(&site, &[]);
    assert!(
        out.status.success(),
        "without --strict findings do not fail"
    );
    let summary = &json["policies"][0];
    assert_eq!(summary["formats"].as_array().unwrap().len(), 7);
    assert_eq!(
        summary["document_parts"],
        serde_json::json!([
            ["起草背景/目的", true],
            ["决策依据", true],
            ["主要内容", true],
            ["关键词解释", true]
        ])
    );
    assert!(summary["questions"].as_u64().unwrap() > 0);
    // The editors' guide links to gov.cn: listed, not a finding.
    let external = json["external_links"].as_array().unwrap();
    assert_eq!(external.len(), 1, "{external:#?}");
    assert_eq!(external[0]["href"], "https://www.gov.cn/");
    assert!(external[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("pages/guide.md"));
    let (strict, _) = run_inspect(&site, &["--strict"]);
    assert!(!strict.status.success(), "--strict fails on findings");
}

#[test]
fn a_late_expert_interpretation_is_reported_with_its_delay() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen(
            "signed: \"2023-12-30\"\n",
            "signed: \"2023-12-30\"\npublished: \"2024-01-09\"\n",
            1,
        )
    });
    site.edit("yiliao-gaodi/expert.md", |t| {
        t.replace(
            "published: \"2024-01-09 14:50:22\"",
            "published: \"2024-07-09 14:50:22\"",
        )
    });
    let (added, removed) = difference(&site);
    assert_eq!(
        added,
        [
            found(
                "sync",
                "yiliao-gaodi/expert.md:4",
                "专家解读发布于 2024-07-09，比政策发布日期 2024-01-09 晚 182 天（应同日发布）"
            ),
            found(
                "sync",
                "yiliao-gaodi/document.md:4",
                "文稿解读发布于 2024-01-15，比政策发布日期 2024-01-09 晚 6 天（应同日发布）"
            ),
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(
        removed,
        [found(
            "sync",
            "yiliao-gaodi/policy.md:2",
            "政策《关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见》没有填写发布日期（published），无法核对解读是否与政策同步发布",
        )]
        .into_iter()
        .collect()
    );
    // The site's tolerance: within 10 days the 文稿解读 passes, the expert one still does not.
    site.edit("jiedu.yaml", |t| {
        format!("{t}inspection:\n  sync_days: 10\n")
    });
    let (added, _) = difference(&site);
    assert_eq!(
        added,
        [found(
            "sync",
            "yiliao-gaodi/expert.md:4",
            "专家解读发布于 2024-07-09，比政策发布日期 2024-01-09 晚 182 天（本站允许 10 天）"
        )]
        .into_iter()
        .collect()
    );
}

#[test]
fn a_policy_without_any_interpretation_is_reported() {
    let site = ExampleSite::new();
    add_second_policy(&site);
    let (added, removed) = difference(&site);
    assert!(removed.is_empty(), "{removed:#?}");
    assert_eq!(
        added,
        [
            found(
                "coverage",
                "xiangcun/policy.md:2",
                &format!("政策《{XIANGCUN}》现行有效，但没有任何解读")
            ),
            found(
                "metadata",
                "xiangcun/policy.md:2",
                &format!("政策《{XIANGCUN}》没有填写索引号（index_number）")
            ),
        ]
        .into_iter()
        .collect()
    );
}

#[test]
fn replaced_by_on_a_policy_still_in_force_is_reported() {
    let site = ExampleSite::new();
    add_second_policy(&site);
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen(
            "validity: 有效\n",
            "validity: 有效\nreplaced_by: xiangcun\n",
            1,
        )
    });
    let (added, _) = difference(&site);
    let lifecycle: Vec<&Found> = added.iter().filter(|f| f.0 == "lifecycle").collect();
    assert_eq!(
        lifecycle,
        vec![&found(
            "lifecycle",
            "yiliao-gaodi/policy.md:10",
            &format!("政策写了 replaced_by: xiangcun（被《{XIANGCUN}》替代），但有效性仍是「有效」，页面上不会标注已被替代"),
        )]
    );
}

#[test]
fn a_doc_number_in_square_brackets_is_reported_with_its_correct_form() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replace("聊政字〔2023〕25号", "聊政字[2023]25号")
    });
    let (added, removed) = difference(&site);
    assert!(removed.is_empty(), "{removed:#?}");
    assert_eq!(
        added,
        [found(
            "doc-number",
            "yiliao-gaodi/policy.md:4",
            "文号「聊政字[2023]25号」不符合公文格式"
        )]
        .into_iter()
        .collect()
    );
    let (_, json) = run_inspect(&site, &[]);
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"]["id"] == "doc-number")
        .unwrap();
    assert!(finding["fix"]
        .as_str()
        .unwrap()
        .starts_with("写作「聊政字〔2023〕25号」"));
    assert!(finding["rule"]["source"]
        .as_str()
        .unwrap()
        .starts_with("GB/T 9704-2012"));
}

#[test]
fn a_policy_declared_repealed_in_another_text_must_be_marked() {
    let site = ExampleSite::new();
    add_second_policy(&site);
    site.edit("xiangcun/policy.md", |t| {
        format!("{t}\n《关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见》（聊政字〔2023〕25号）同时废止。\n")
    });
    let (added, _) = difference(&site);
    let lifecycle: Vec<&Found> = added.iter().filter(|f| f.0 == "lifecycle").collect();
    assert_eq!(lifecycle.len(), 1, "{added:#?}");
    assert_eq!(lifecycle[0].1, "yiliao-gaodi/policy.md:9");
    assert!(lifecycle[0].2.contains("写明本文件废止或失效，但本文件没有标注：有效性是「有效」，也没有 replaced_by: xiangcun"), "{lifecycle:?}");
}

#[test]
fn terms_images_and_external_links_are_reported() {
    let site = ExampleSite::new();
    site.edit("jiedu.yaml", |t| {
        format!("{t}inspection:\n  terms:\n    - 区域医疗高地 → 区域医疗中心\n")
    });
    site.edit("yiliao-gaodi/expert.md", |t| {
        format!("{t}\n参见[中国政府网](https://www.gov.cn/)。\n\n![](/yiliao-gaodi/media/video-poster.svg)\n")
    });
    let (out, json) = run_inspect(&site, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Every line of the site's own texts that uses the wrong term, as grep finds them; the
    // policy text is published as issued and left alone.
    let mut expected = 0;
    for entry in walkdir::WalkDir::new(site.root()) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") && !path.ends_with("policy.md") {
            let text = std::fs::read_to_string(path).unwrap();
            expected += text.lines().filter(|l| l.contains("区域医疗高地")).count();
        }
    }
    let terms: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"]["id"] == "terms")
        .collect();
    assert!(expected > 0);
    assert_eq!(terms.len(), expected);
    assert_eq!(
        terms[0]["message"],
        "「区域医疗高地」应写作「区域医疗中心」"
    );
    let media: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"]["id"] == "media" && f["message"].as_str().unwrap().contains("没有替代文字")
        })
        .collect();
    assert_eq!(media.len(), 1, "{media:#?}");
    assert!(
        media[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("video-poster.svg 没有替代文字（alt）"),
        "{media:#?}"
    );
    let external: Vec<&str> = json["external_links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        external.len(),
        2,
        "the guide's link and the planted one: {external:?}"
    );
    assert!(external
        .iter()
        .any(|f| f.ends_with("yiliao-gaodi/expert.md")));
}

#[test]
fn the_html_report_is_written_outside_the_site_only() {
    let site = ExampleSite::new();
    let root = site.root();
    let inside = root.join("yiliao-gaodi/report.html");
    let out = jiedu(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--report",
        inside.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("检查报告不能写在"),
        "{}",
        stderr(&out)
    );
    assert!(!inside.exists());

    let report = site.dir.path().join("检查报告.html");
    let out = jiedu(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&report).unwrap();
    for expected in [
        "政策解读检查报告",
        "没有填写索引号（index_number）",
        "各政策解读情况（编辑用汇总）",
        "国办发〔2016〕80号",
        "无解读的条款",
    ] {
        assert!(html.contains(expected), "report lacks {expected}");
    }
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "self-contained, nothing fetched"
    );
    // The terminal says the same with place, fix and source.
    let text = stderr(&out);
    assert!(
        text.contains("【政府信息的元数据：索引号、发布机构、日期】"),
        "{text}"
    );
    assert!(
        text.contains("    依据：《政府信息公开目录系统实施指引（试行）》"),
        "{text}"
    );
}

#[test]
fn a_written_interpretation_missing_a_part_is_reported() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/document.md", |t| {
        t.replace("## 决策依据", "## 其他说明")
    });
    let (added, removed) = difference(&site);
    assert!(removed.is_empty(), "{removed:#?}");
    assert_eq!(
        added,
        [found(
            "written-parts",
            "yiliao-gaodi/document.md:9",
            "文稿解读缺少「决策依据」部分"
        )]
        .into_iter()
        .collect()
    );
    // A policy that amends another: its 文稿解读 should also say what changed.
    add_second_policy(&site);
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("validity: 有效\n", "validity: 有效\namends: xiangcun\n", 1)
    });
    let (added, _) = difference(&site);
    assert!(
        added.contains(&found(
            "written-parts",
            "yiliao-gaodi/document.md:9",
            "文稿解读缺少「新旧政策差异」部分（本政策修改或替代了另一文件）"
        )),
        "{added:#?}"
    );
}

#[test]
fn a_broken_internal_link_is_the_first_finding_and_fails_the_run() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/qa.md", |t| format!("{t}\n"));
    site.edit("yiliao-gaodi/expert.md", |t| {
        format!("{t}\n另见[简明问答](/yiliao-gaodi/wenda/)。\n")
    });
    let (out, json) = run_inspect(&site, &[]);
    assert!(
        !out.status.success(),
        "a site that does not build fails the check"
    );
    assert_eq!(json["built"], false);
    let links: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"]["id"] == "links")
        .collect();
    assert_eq!(links.len(), 1, "{json:#}");
    assert!(links[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("yiliao-gaodi/expert.md"));
    assert!(
        links[0]["message"]
            .as_str()
            .unwrap()
            .contains("/yiliao-gaodi/wenda/"),
        "{json:#}"
    );
}
