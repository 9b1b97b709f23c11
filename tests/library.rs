//! A portal of several policies over years (the example's real policy plus the test fixtures
//! of tests/fixtures/lifecycle): the 政策文件库 and its filters with and without JavaScript,
//! a policy's validity on every page of its bundle and in search, links between policies in
//! both directions, the HTML 网站地图, and the navigation leaving out empty columns.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::browser::{run_browser_checks, Plan, PlannedPage};
use common::html::{normalized_text, parse_file, selector};
use common::page_types::page_type;
use common::vnu::nu_errors;
use common::{copy_dir, fixture, html_pages, stderr, url_path, ExampleSite};
use scraper::Html;

const OLD: &str = "/fixture-old/";
const GAODI: &str = "/yiliao-gaodi/";
/// The 对照 page of yiliao-gaodi against the policy it replaces, linked beside it.
const GAODI_COMPARE: &str = "/yiliao-gaodi/compare/fixture-old/";
const XIANGCUN_COMPARE: &str = "/fixture-xiangcun/compare/fixture-revised/";
const XIANGCUN: &str = "/fixture-xiangcun/";
const REVISED: &str = "/fixture-revised/";

/// The example portal with the lifecycle fixtures added as further policy bundles.
fn portal() -> ExampleSite {
    let site = ExampleSite::new();
    for bundle in ["fixture-old", "fixture-xiangcun", "fixture-revised"] {
        copy_dir(
            &fixture("lifecycle").join(bundle),
            &site.root().join(bundle),
        );
    }
    site
}

fn built_portal() -> ExampleSite {
    let site = portal();
    let out = site.build();
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    site
}

fn doc(site: &ExampleSite, rel: &str) -> Html {
    parse_file(&site.out().join(rel))
}

fn texts(d: &Html, css: &str) -> Vec<String> {
    d.select(&selector(css))
        .map(|e| normalized_text(e.text()))
        .collect()
}

fn hrefs(d: &Html, css: &str) -> Vec<String> {
    d.select(&selector(css))
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

fn meta(d: &Html, css: &str) -> String {
    d.select(&selector(css))
        .next()
        .and_then(|e| e.value().attr("content"))
        .unwrap_or_default()
        .to_string()
}

/// The policy link of every row of a library page, in order.
fn rows(d: &Html) -> Vec<String> {
    hrefs(d, ".library-table tbody tr td:first-child a")
}

#[test]
fn repealed_bundle_says_so_on_every_page_with_a_link_to_its_replacement() {
    let site = built_portal();
    let pages: Vec<String> = html_pages(&site.out())
        .into_iter()
        .filter(|p| p.starts_with("fixture-old/"))
        .collect();
    let mut types = BTreeSet::new();
    for page in &pages {
        let d = doc(&site, page);
        types.insert(page_type(&site.out().join(page)).unwrap_or_default());
        let banner = texts(&d, "main .validity-banner");
        assert_eq!(
            banner.len(),
            1,
            "{page}: one banner expected, found {banner:?}"
        );
        assert!(
            banner[0].starts_with("本文件已于2023-12-30废止，仅供查阅。 现行文件：《关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见》（聊政字〔2023〕25号）"),
            "{page}: {}",
            banner[0]
        );
        // The replacement, then its 新旧对照 page (yiliao-gaodi revises fixture-old).
        assert_eq!(
            hrefs(&d, "main .validity-banner a"),
            [GAODI, GAODI_COMPARE],
            "{page}"
        );
        for css in ["meta[name=Description]", "meta[property='og:description']"] {
            assert!(
                meta(&d, css).starts_with("【已废止】"),
                "{page}: {css} = {}",
                meta(&d, css)
            );
        }
        let ld: Vec<serde_json::Value> = d
            .select(&selector("script[type='application/ld+json']"))
            .map(|s| serde_json::from_str(&s.inner_html()).unwrap())
            .collect();
        let legislation = ld
            .iter()
            .find(|v| v["@type"] == "Legislation")
            .unwrap_or_else(|| panic!("{page}: no Legislation JSON-LD in {ld:?}"));
        assert_eq!(legislation["legislationLegalForce"], "NotInForce", "{page}");
        assert_eq!(legislation["dateModified"], "2023-12-30", "{page}");
        assert_eq!(legislation["legislationIdentifier"], "聊政办字〔2021〕1号");
    }
    let expected: BTreeSet<String> = [
        "policy",
        "clause",
        "interpretation-qa",
        "interpretation-document",
        "question",
        "progress",
    ]
    .map(String::from)
    .into();
    assert_eq!(types, expected, "page types of the repealed bundle");
    assert_eq!(pages.len(), 8, "{pages:?}");

    // A policy in force has no banner, and its description is its own.
    for page in html_pages(&site.out())
        .iter()
        .filter(|p| p.starts_with("yiliao-gaodi/"))
    {
        let d = doc(&site, page);
        assert!(texts(&d, ".validity-banner").is_empty(), "{page}");
        assert!(
            !meta(&d, "meta[name=Description]").starts_with('【'),
            "{page}"
        );
    }
    let gaodi = doc(&site, "yiliao-gaodi/index.html");
    let ld = gaodi
        .select(&selector("script[type='application/ld+json']"))
        .next()
        .map(|s| serde_json::from_str::<serde_json::Value>(&s.inner_html()).unwrap())
        .unwrap();
    assert_eq!(ld["legislationLegalForce"], "InForce");
    assert_eq!(
        ld["legislationChanges"][0]["url"],
        "https://example.org/fixture-old/"
    );
}

#[test]
fn links_between_policies_show_on_both_policies() {
    let site = built_portal();
    let relations = |slug: &str| -> Vec<(String, Vec<String>)> {
        let d = doc(&site, &format!("{slug}/index.html"));
        d.select(&selector(".policy-relations dl > div"))
            .map(|div| {
                let dt = div
                    .select(&selector("dt"))
                    .next()
                    .map(|e| normalized_text(e.text()))
                    .unwrap_or_default();
                let links = div
                    .select(&selector("dd a"))
                    .filter_map(|a| a.value().attr("href").map(str::to_string))
                    .collect();
                (dt, links)
            })
            .collect()
    };
    let pair = |dt: &str, href: &str| (dt.to_string(), vec![href.to_string()]);
    // fixture-old declares replaced_by: yiliao-gaodi; yiliao-gaodi declares nothing.
    assert_eq!(
        relations("fixture-old"),
        [(
            "本文件已被替代为".to_string(),
            vec![GAODI.to_string(), GAODI_COMPARE.to_string()]
        )]
    );
    // fixture-xiangcun declares related: yiliao-gaodi and amends: fixture-revised.
    assert_eq!(
        relations("yiliao-gaodi"),
        [
            (
                "本文件替代了".to_string(),
                vec![OLD.to_string(), GAODI_COMPARE.to_string()]
            ),
            pair("相关政策", XIANGCUN)
        ]
    );
    assert_eq!(
        relations("fixture-xiangcun"),
        [
            (
                "本文件修订了".to_string(),
                vec![REVISED.to_string(), XIANGCUN_COMPARE.to_string()]
            ),
            pair("相关政策", GAODI)
        ]
    );
    assert_eq!(
        relations("fixture-revised"),
        [(
            "本文件已被修订".to_string(),
            vec![XIANGCUN.to_string(), XIANGCUN_COMPARE.to_string()]
        )]
    );
    // In the page's schema.org Legislation: what it amends (with the title) and what it changes.
    let xiangcun = doc(&site, "fixture-xiangcun/index.html");
    let ld: serde_json::Value = xiangcun
        .select(&selector("script[type='application/ld+json']"))
        .map(|s| serde_json::from_str::<serde_json::Value>(&s.inner_html()).unwrap())
        .find(|v| v["@type"] == "Legislation")
        .unwrap();
    let revised_ld = serde_json::json!([{
        "@type": "Legislation",
        "url": "https://example.org/fixture-revised/",
        "name": "【测试样例】村卫生室建设工作通知（测试用虚构文件）",
    }]);
    assert_eq!(ld["legislationAmends"], revised_ld);
    assert_eq!(ld["legislationChanges"], revised_ld);
    let revised = doc(&site, "fixture-revised/clause/1-1/index.html");
    assert_eq!(
        texts(&revised, ".validity-banner"),
        ["本文件已于2024-06-25修订，请以修订后的内容为准。 修订文件：《【测试样例】乡村医疗卫生服务能力提质增效三年行动方案（测试用节选）》（聊卫字〔2024〕1号） 新旧对照"]
    );
}

#[test]
fn unknown_policy_in_a_link_is_an_error_with_file_and_line() {
    let site = portal();
    site.edit("fixture-xiangcun/policy.md", |t| {
        t.replace(
            "related: yiliao-gaodi",
            "related: [yiliao-gaodi, yiliao-gaodi-2022]",
        )
        .replace("validity: 有效", "validity: 作废")
    });
    let out = site.build();
    assert!(!out.status.success());
    let file = site.file("fixture-xiangcun/policy.md");
    let file = file.display();
    let msg = stderr(&out);
    for expected in [
        format!("警告：{file}:9：有效性「作废」无法识别，已按「有效」处理\n    提示：有效性可写：有效、失效、废止、已修订（也接受 已失效、已废止）。"),
        format!("错误：{file}:10：related 中的政策「yiliao-gaodi-2022」不存在\n    提示：related 写另一个政策的目录名；现有的政策目录有：fixture-old、fixture-revised、fixture-xiangcun、yiliao-gaodi。"),
    ] {
        assert!(msg.contains(&expected), "no {expected:?} in:\n{msg}");
    }
    assert!(!site.out().exists(), "a failed build wrote output");
}

#[test]
fn library_filters_work_without_javascript() {
    let site = built_portal();
    let all = doc(&site, "library/index.html");
    // Newest first by 发布日期 (成文日期 when there is none).
    let newest = [XIANGCUN, GAODI, REVISED, OLD];
    assert_eq!(rows(&all), newest);
    let oldest = doc(&site, "library/oldest/index.html");
    assert_eq!(
        rows(&oldest),
        newest.iter().rev().copied().collect::<Vec<_>>()
    );

    // Each row: 文号, dates, validity (with its date) and links to the interpretations.
    let row_of = |d: &Html, href: &str| -> Vec<String> {
        d.select(&selector(".library-table tbody tr"))
            .find(|tr| {
                tr.select(&selector("td a"))
                    .next()
                    .and_then(|a| a.value().attr("href"))
                    == Some(href)
            })
            .map(|tr| {
                tr.select(&selector("td"))
                    .map(|td| normalized_text(td.text()))
                    .collect()
            })
            .unwrap()
    };
    assert_eq!(
        row_of(&all, OLD),
        [
            "【测试样例】关于推进区域医疗中心建设的旧版意见（测试用虚构文件）",
            "聊政办字〔2021〕1号",
            "聊城市人民政府办公室",
            "2021-06-01",
            "2021-06-08",
            "废止2023-12-30",
            "文稿解读简明问答落实进展",
        ]
    );
    assert_eq!(
        row_of(&all, GAODI)[1..6],
        [
            "聊政字〔2023〕25号",
            "聊城市人民政府",
            "2023-12-30",
            "—",
            "有效"
        ]
    );
    let gaodi_links = all
        .select(&selector(".library-table tbody tr"))
        .find(|tr| tr.html().contains("href=\"/yiliao-gaodi/\""))
        .map(|tr| {
            tr.select(&selector(".row-links a"))
                .filter_map(|a| a.value().attr("href").map(str::to_string))
                .collect::<Vec<_>>()
        })
        .unwrap();
    assert_eq!(
        gaodi_links.len(),
        8,
        "7 formats and 落实进展: {gaodi_links:?}"
    );
    assert!(gaodi_links.contains(&"/yiliao-gaodi/expert/".to_string()));

    // Every facet link leads to a static page listing exactly the policies with that value,
    // as many as the link says.
    let facet_links: Vec<(String, String)> = all
        .select(&selector(".facet-group li a"))
        .map(|a| {
            (
                normalized_text(a.text()),
                a.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expected: &[(&str, &[&str])] = &[
        ("2024年（1）", &[XIANGCUN]),
        ("2023年（1）", &[GAODI]),
        ("2022年（1）", &[REVISED]),
        ("2021年（1）", &[OLD]),
        ("聊城市人民政府（1）", &[GAODI]),
        ("聊城市人民政府办公室（1）", &[OLD]),
        ("聊城市医疗保障局（1）", &[REVISED]),
        ("聊城市卫生健康委员会（1）", &[XIANGCUN]),
        ("卫生、体育\\其他（1）", &[OLD]),
        ("卫生、体育\\医疗保障（1）", &[REVISED]),
        ("卫生、体育\\医药管理（1）", &[GAODI]),
        ("卫生、体育\\卫生（1）", &[XIANGCUN]),
        ("有效（2）", &[XIANGCUN, GAODI]),
        ("已修订（1）", &[REVISED]),
        ("废止（1）", &[OLD]),
    ];
    let labels: Vec<&str> = facet_links.iter().map(|(l, _)| l.as_str()).collect();
    let wanted: Vec<&str> = expected.iter().map(|(l, _)| *l).collect();
    assert_eq!(labels, wanted);
    for ((label, href), (_, policies)) in facet_links.iter().zip(expected) {
        let rel = format!("{}index.html", href.trim_start_matches('/'));
        let page = doc(&site, &rel);
        assert_eq!(rows(&page), *policies, "{label} → {href}");
        let h1 = texts(&page, "h1");
        let value = label.split('（').next().unwrap();
        assert_eq!(h1, [format!("政策文件库：{value}")], "{href}");
        assert_eq!(
            hrefs(&page, ".facet-group a[aria-current=page]"),
            std::slice::from_ref(href),
            "{href} marks itself as current"
        );
    }
    // Nav and the home page lead to the library; 网站地图 is an HTML page.
    let home = doc(&site, "index.html");
    assert!(hrefs(&home, "nav.columns a").contains(&"/library/".to_string()));
    assert_eq!(hrefs(&home, ".site-footer a")[0], "/sitemap/");
}

#[test]
fn library_filters_combine_in_chromium_and_search_hits_carry_the_status() {
    let site = built_portal();
    let library_path = "/library/";
    let key = |name: &str| jiedu::model::unit_slug(name);
    let expectations = serde_json::json!({
        "library": library_path,
        "newest_first": [XIANGCUN, GAODI, REVISED, OLD],
        "combinations": [
            { "select": { "validity": "valid" }, "rows": [XIANGCUN, GAODI] },
            { "select": { "validity": "valid", "year": "2024" }, "rows": [XIANGCUN] },
            { "select": { "year": "2023", "issuer": key("聊城市人民政府") }, "rows": [GAODI] },
            { "select": { "year": "2024", "issuer": key("聊城市人民政府") }, "rows": [] },
            { "select": { "topic": key("卫生、体育\\其他"), "validity": "valid" }, "rows": [] },
            { "select": { "topic": key("卫生、体育\\其他"), "validity": "repealed" }, "rows": [OLD] },
            { "select": { "sort": "asc" }, "rows": [OLD, REVISED, GAODI, XIANGCUN] },
            { "select": { "validity": "valid", "sort": "asc" }, "rows": [GAODI, XIANGCUN] },
        ],
        "facet_pages": [
            { "path": "/library/year/2021/", "rows": [OLD] },
            { "path": "/library/validity/valid/", "rows": [XIANGCUN, GAODI] },
            { "path": format!("/library/issuer/{}/", key("聊城市卫生健康委员会")), "rows": [XIANGCUN] },
            { "path": "/library/oldest/", "rows": [OLD, REVISED, GAODI, XIANGCUN] },
        ],
        "search": {
            "page": "/search/?q=%E5%B8%82%E5%85%AC%E5%85%B1%E5%8D%AB%E7%94%9F%E4%B8%B4%E5%BA%8A%E4%B8%AD%E5%BF%83",
            "repealed_prefix": OLD,
            "status": "本文件已废止",
        },
    });
    let report = common::run_browser_script("library.mjs", &site.out(), &expectations);
    eprintln!("{report}");
}

#[test]
fn search_records_of_a_repealed_policy_carry_its_status() {
    let site = built_portal();
    let dir = site.out().join("search-index/f");
    let mut flagged = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let rows: Vec<Vec<serde_json::Value>> =
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        for row in rows {
            let url = row[0].as_str().unwrap();
            let status = row.get(5).and_then(|s| s.as_str());
            match url {
                u if u.starts_with(OLD) => {
                    assert_eq!(status, Some("废止"), "{u}");
                    flagged += 1;
                }
                u if u.starts_with(REVISED) => assert_eq!(status, Some("已修订"), "{u}"),
                u => assert_eq!(status, None, "{u}"),
            }
        }
    }
    // policy, its two clause records, the section of the 文稿解读, two questions, progress
    assert!(flagged >= 7, "{flagged} records of the repealed policy");
}

#[test]
fn site_map_lists_every_policy_and_bundle_page() {
    let site = built_portal();
    let map = doc(&site, "sitemap/index.html");
    let links: BTreeSet<String> = hrefs(&map, "main a").into_iter().collect();
    for href in [
        "/",
        "/library/",
        "/unit/",
        "/search/",
        OLD,
        "/fixture-old/qa/",
        "/fixture-old/document/",
        "/fixture-old/progress/",
        GAODI,
        "/yiliao-gaodi/infographic/",
        XIANGCUN,
        REVISED,
        "/column/expert/",
    ] {
        assert!(links.contains(href), "网站地图 lacks {href}: {links:?}");
    }
    assert_eq!(texts(&map, "h1"), ["网站地图"]);
}

#[test]
fn navigation_leaves_out_empty_columns() {
    let site = ExampleSite::new();
    for file in ["video.md", "animation.md"] {
        std::fs::remove_file(site.file(&format!("yiliao-gaodi/{file}"))).unwrap();
    }
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let nav = texts(&doc(&site, "index.html"), "nav.columns a");
    assert_eq!(
        nav,
        [
            "首页",
            "政策文件库",
            "领导干部解读",
            "专家解读",
            "文稿解读",
            "简明问答",
            "图文解读",
            "责任单位"
        ]
    );
}

/// The new pages and a banner page through the Nu HTML Checker and, in Chromium, axe, clean
/// loading, 375-px reflow and keyboard use; the example portal's pages are walked by a11y.rs.
#[test]
fn library_and_banner_pages_pass_nu_and_the_browser_checks() {
    let site = built_portal();
    let root = site.out();
    let wanted = |p: &str| {
        p.starts_with("library/")
            || p.starts_with("sitemap/")
            || p.starts_with("fixture-")
            || p == "yiliao-gaodi/index.html"
    };
    let pages: Vec<String> = html_pages(&root)
        .into_iter()
        .filter(|p| wanted(p))
        .collect();
    let nu_dir = tempfile::tempdir().unwrap();
    for p in &pages {
        let target = nu_dir.path().join(p);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(root.join(p), target).unwrap();
    }
    let errors: Vec<String> = nu_errors(nu_dir.path())
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "Nu errors:\n{}", errors.join("\n"));

    let browser_pages = [
        "library/index.html",
        "library/validity/repealed/index.html",
        "sitemap/index.html",
        "fixture-old/index.html",
        "fixture-old/qa/old-center/index.html",
        "yiliao-gaodi/index.html",
    ];
    let plan = Plan {
        root: root.clone(),
        pages: browser_pages
            .iter()
            .map(|p| PlannedPage {
                kind: page_type(&root.join(p)).unwrap_or_default(),
                path: url_path(p),
                checks: vec!["axe", "load", "overflow", "keyboard"],
            })
            .collect(),
        screenshots: None,
    };
    let report = run_browser_checks(&plan, site.dir.path());
    let list: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(list.is_empty(), "browser problems:\n{}", list.join("\n"));
    assert_eq!(
        report.checked.get("axe").copied(),
        Some(browser_pages.len() as u32)
    );
    assert_pages_exist(&root, &browser_pages);
}

fn assert_pages_exist(root: &Path, pages: &[&str]) {
    for p in pages {
        assert!(root.join(p).is_file(), "{p}");
    }
}
