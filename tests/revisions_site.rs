//! The 新旧对照 pages of a site built from real revision pairs (tests/fixtures/revisions), with
//! the real binary: the page's alignment is the one `jiedu compare` makes from the raw files,
//! the page links to both policies and to their clauses, both policies, the lifecycle banner and
//! every changed clause page link back to its rows, 修改说明 with a wrong clause id fail the
//! build with file and line, and the page passes the Nu checker, the browser checks, the link
//! check and is found by search.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::browser::{run_browser_checks, screenshot_dir, Plan, PlannedPage, Screenshots};
use common::compare::Row;
use common::html::{parse_file, selector};
use common::vnu::nu_errors;
use common::{build_with_binary, empty_site, jiedu, stderr};

const PAIRS: &[&str] = &[
    "sh-xinjian-zhuzhai",
    "sh-fengmao-tiaoli",
    "sh-zhufang-zulin",
];

fn fixtures(pair: &str) -> PathBuf {
    common::repo().join("tests/fixtures/revisions").join(pair)
}

/// The table of contents (目录) some regulations open with repeats the chapter headings; the
/// recogniser takes them for duplicate chapters (its own issue). An editor deletes it from the
/// imported file; so does this.
fn drop_table_of_contents(policy_md: &Path) {
    let text = std::fs::read_to_string(policy_md).unwrap();
    let Some(at) = text.find("\n目") else { return };
    let line_end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
    if text[at + 1..line_end].replace([' ', '\u{3000}'], "") != "目录" {
        return;
    }
    let first = text[line_end..].find("## 第一章").map(|i| line_end + i);
    let second = first.and_then(|f| text[f + 1..].find("## 第一章").map(|i| f + 1 + i));
    if let Some(second) = second {
        let cut = format!("{}{}", &text[..at + 1], &text[second..]);
        std::fs::write(policy_md, cut).unwrap();
    }
}

/// Adds front-matter lines after `kind: policy`.
fn add_front_matter(policy_md: &Path, lines: &str) {
    let text = std::fs::read_to_string(policy_md).unwrap();
    let text = text.replacen("kind: policy\n", &format!("kind: policy\n{lines}"), 1);
    std::fs::write(policy_md, text).unwrap();
}

/// A site with both texts of every pair imported as found; the newer one `amends` the older,
/// except the first pair, whose older text says `replaced_by` (both relations are in use).
fn revision_site() -> tempfile::TempDir {
    let site = empty_site();
    for (i, pair) in PAIRS.iter().enumerate() {
        for side in ["old", "new"] {
            let o = jiedu(&[
                "import",
                fixtures(pair).join(format!("{side}.txt")).to_str().unwrap(),
                "--root",
                site.path().to_str().unwrap(),
                "--policy-slug",
                &format!("{pair}-{side}"),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            let md = site.path().join(format!("{pair}-{side}/policy.md"));
            drop_table_of_contents(&md);
            let text = std::fs::read_to_string(&md).unwrap();
            // The importer writes validity: 有效; the older text is the revised one.
            let text = if side == "old" {
                text.replacen("validity: 有效\n", "validity: 已修订\n", 1)
            } else {
                text
            };
            std::fs::write(&md, text).unwrap();
            let mut lines = "issuer: 上海市人民代表大会常务委员会\n".to_string();
            match (i, side) {
                (0, "old") => lines.push_str(&format!("replaced_by: {pair}-new\n")),
                (_, "new") if i > 0 => lines.push_str(&format!("amends: {pair}-old\n")),
                _ => {}
            }
            add_front_matter(&md, &lines);
        }
    }
    site
}

/// `jiedu compare` on the raw files: (old label, new label, class) per row.
fn raw_alignment(pair: &str, dir: &Path) -> Vec<Row> {
    common::compare::alignment(
        &fixtures(pair).join("old.txt"),
        &fixtures(pair).join("new.txt"),
        &dir.join(format!("{pair}.json")),
    )
}

struct PageRow {
    anchor: String,
    row: Row,
    /// The clause links of the old and new cells.
    old_href: Option<String>,
    new_href: Option<String>,
}

fn page_rows(page: &Path) -> Vec<PageRow> {
    let doc = parse_file(page);
    let cell_link = |tr: scraper::ElementRef, n: usize| -> Option<String> {
        let td = tr.select(&selector("td")).nth(n)?;
        let a = td.select(&selector("a.clause-label")).next()?;
        a.value().attr("href").map(str::to_string)
    };
    doc.select(&selector("table.compare-table tbody tr"))
        .map(|tr| {
            let attr = |name: &str| {
                Some(tr.value().attr(name).unwrap_or("").to_string()).filter(|s| !s.is_empty())
            };
            PageRow {
                anchor: attr("id").unwrap(),
                row: (
                    attr("data-old"),
                    attr("data-new"),
                    attr("data-class").unwrap(),
                ),
                old_href: cell_link(tr, 0),
                new_href: cell_link(tr, 1),
            }
        })
        .collect()
}

/// Every `href` of a built page.
fn hrefs(page: &Path) -> BTreeSet<String> {
    let doc = parse_file(page);
    doc.select(&selector("a[href]"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

fn file_of(public: &Path, href: &str) -> PathBuf {
    let path = href.split('#').next().unwrap().trim_start_matches('/');
    public.join(path).join("index.html")
}

#[test]
fn compare_pages_of_real_revisions_link_both_ways_and_align_as_jiedu_compare() {
    let site = revision_site();
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let built = build_with_binary(site.path(), &public);
    assert!(built.status.success(), "{}", stderr(&built));
    let mut seen_classes = BTreeSet::new();
    for pair in PAIRS {
        let (old, new) = (format!("{pair}-old"), format!("{pair}-new"));
        let href = format!("/{new}/compare/{old}/");
        let page = file_of(&public, &href);
        assert!(page.is_file(), "no 对照 page at {href}");
        let rows = page_rows(&page);
        let raw = raw_alignment(pair, tmp.path());
        let on_page: Vec<Row> = rows.iter().map(|r| r.row.clone()).collect();
        assert_eq!(
            on_page, raw,
            "{pair}: the page and jiedu compare align differently"
        );

        let html = std::fs::read_to_string(&page).unwrap();
        for needle in [
            "<th scope=\"col\">原条款</th>",
            "<th scope=\"col\">新条款</th>",
            "<th scope=\"col\">修改说明</th>",
        ] {
            assert!(html.contains(needle), "{pair}: no {needle}");
        }
        if raw.iter().any(|r| r.2 == "修改") {
            assert!(
                html.contains("<del><span class=\"cue\">〔删：</span>")
                    || html.contains("<ins><span class=\"cue\">〔增：</span>"),
                "{pair}: no marked change"
            );
        }
        if raw.iter().any(|r| r.2 == "未变") {
            assert!(
                html.contains("<details class=\"fold\"><summary>未修改，展开全文</summary>"),
                "{pair}: unchanged clauses not folded"
            );
        }

        // The page links to both policies; both policy pages link to it.
        let links = hrefs(&page);
        for slug in [&old, &new] {
            assert!(
                links.contains(&format!("/{slug}/")),
                "{pair}: 对照 page does not link /{slug}/"
            );
            assert!(
                hrefs(&file_of(&public, &format!("/{slug}/"))).contains(&href),
                "{pair}: policy page /{slug}/ does not link its 对照 page"
            );
        }
        // The older policy is 已修订: its banner links to the 对照 page on every page of it.
        let old_page = std::fs::read_to_string(file_of(&public, &format!("/{old}/"))).unwrap();
        let banner = old_page
            .split("validity-banner")
            .nth(1)
            .expect("no lifecycle banner");
        let banner = banner.split("</div>").next().unwrap();
        assert!(
            banner.contains(&format!("href=\"{href}\"")),
            "{pair}: banner has no 对照 link: {banner}"
        );

        // Every changed clause links back to its row: the clause's page, or for an article
        // whose items have the pages, the first item's page.
        for r in &rows {
            seen_classes.insert(r.row.2.clone());
            let target = format!("{href}#{}", r.anchor);
            let (side_href, slug) = match r.row.2.as_str() {
                "修改" | "新增" | "移动" => (&r.new_href, &new),
                "删除" => (&r.old_href, &old),
                _ => continue,
            };
            let side_href = side_href.as_ref().expect("changed row without clause link");
            let page = if side_href.contains("/clause/") {
                Some(file_of(&public, side_href))
            } else {
                // `/slug/#c5`: the article is no clause page; its items (`clause/5-1/`) are.
                let article = side_href.split("#c").nth(1).unwrap();
                let dir = public.join(slug).join("clause");
                let mut items: Vec<String> = std::fs::read_dir(&dir)
                    .map(|d| {
                        d.filter_map(|e| e.ok())
                            .map(|e| e.file_name().to_string_lossy().to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                items.retain(|i| i.starts_with(&format!("{article}-")));
                items.sort_by_key(|i| i[article.len() + 1..].parse::<u32>().unwrap_or(u32::MAX));
                items.first().map(|i| dir.join(i).join("index.html"))
            };
            let Some(page) = page else { continue };
            let text = std::fs::read_to_string(&page).unwrap();
            assert!(
                text.contains(&format!("href=\"{target}\"")),
                "{pair}: {} ({}) does not link {target}",
                page.display(),
                r.row.2
            );
            let said = match r.row.2.as_str() {
                "修改" => "已修改",
                "新增" => "为新增",
                "移动" => "调整而来",
                _ => "已删除",
            };
            assert!(
                text.contains(said),
                "{pair}: {} does not say {said}",
                page.display()
            );
        }
    }
    for class in ["修改", "新增", "删除", "未变"] {
        assert!(
            seen_classes.contains(class),
            "no {class} row in the real pairs"
        );
    }
}

/// Stable clause addresses: every clause page of the older text stays, and one whose clause
/// lives on (修改, 未变, 移动) points to the clause it became in the newer text; the open data
/// of both policies, read by the outside consumer, lists the 对照表's rows as the page does.
#[test]
fn old_clause_pages_point_to_their_successor_clause_and_the_open_data_lists_every_row() {
    let site = revision_site();
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let built = build_with_binary(site.path(), &public);
    assert!(built.status.success(), "{}", stderr(&built));
    let data = common::open_data::consumed(&public);
    let mut successors = 0;
    for pair in PAIRS {
        let (old, new) = (format!("{pair}-old"), format!("{pair}-new"));
        let href = format!("/{new}/compare/{old}/");
        let rows = page_rows(&file_of(&public, &href));
        for r in &rows {
            let (Some(old_href), Some(new_href)) = (&r.old_href, &r.new_href) else {
                continue;
            };
            if !old_href.contains("/clause/") {
                continue;
            }
            let page = parse_file(&file_of(&public, old_href));
            let lines: Vec<(String, Vec<String>)> = page
                .select(&selector("ul.revision-lines li"))
                .map(|li| {
                    (
                        li.text().collect::<String>(),
                        li.select(&selector("a"))
                            .filter_map(|a| a.value().attr("href").map(str::to_string))
                            .collect(),
                    )
                })
                .collect();
            let target = format!("{href}#{}", r.anchor);
            assert!(
                lines.iter().any(|(text, links)| text.contains("现为")
                    && links.first() == Some(new_href)
                    && links.last() == Some(&target)),
                "{pair}: {old_href} ({}) does not point to its successor {new_href}: {lines:?}",
                r.row.2
            );
            successors += 1;
        }

        // The open data of both policies lists the rows, each linking its row of the page.
        let on_page: Vec<(String, bool, bool, String)> = rows
            .iter()
            .map(|r| {
                (
                    r.row.2.clone(),
                    r.row.0.is_some(),
                    r.row.1.is_some(),
                    format!("{href}#{}", r.anchor),
                )
            })
            .collect();
        for slug in [&old, &new] {
            let revisions = data["policies"][slug.as_str()]["revisions"]
                .as_array()
                .unwrap_or_else(|| panic!("{slug}: no revisions in its data"));
            assert_eq!(revisions.len(), 1, "{slug}");
            let revision = &revisions[0];
            assert_eq!(revision["old"], old.as_str());
            assert_eq!(revision["new"], new.as_str());
            assert_eq!(revision["url"], href.as_str());
            let in_data: Vec<(String, bool, bool, String)> = revision["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    (
                        x["class"].as_str().unwrap().to_string(),
                        x["old"].is_string(),
                        x["new"].is_string(),
                        x["url"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(in_data, on_page, "{slug}: data and 对照 page differ");
        }
    }
    eprintln!("{successors} old clause pages point to their successor clause");
    assert!(successors >= 20, "only {successors} successor links");
}

/// 修改说明 in the newer policy's front matter: shown in the row of its clause; a clause id the
/// revision does not have is an error naming the file and the line.
#[test]
fn revision_notes_are_shown_and_their_clause_ids_checked() {
    let site = revision_site();
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let pair = "sh-xinjian-zhuzhai";
    let md = site.path().join(format!("{pair}-new/policy.md"));
    let original = std::fs::read_to_string(&md).unwrap();
    // 第五条 of the 2023 text: the telephone and cable lines are now to be built to the
    // 通信、有线电视 engineering standards (read from the two texts).
    add_front_matter(
        &md,
        "revision_notes:\n  - clause: 5\n    note: 通信、有线电视设施改为按照工程标准和规范建设。\n",
    );
    let built = build_with_binary(site.path(), &public);
    assert!(built.status.success(), "{}", stderr(&built));
    let page = std::fs::read_to_string(file_of(
        &public,
        &format!("/{pair}-new/compare/{pair}-old/"),
    ))
    .unwrap();
    let row = page
        .split("<tr id=\"new-5\"")
        .nth(1)
        .expect("no row of 第五条");
    let row = row.split("</tr>").next().unwrap();
    assert!(
        row.contains("<p class=\"editor-note\">通信、有线电视设施改为按照工程标准和规范建设。</p>"),
        "{row}"
    );

    std::fs::write(&md, &original).unwrap();
    add_front_matter(
        &md,
        "revision_notes:\n  - clause: 2.10\n    note: 编号写错的说明\n",
    );
    let failed = build_with_binary(site.path(), &public);
    assert!(!failed.status.success());
    let err = stderr(&failed);
    let line = std::fs::read_to_string(&md)
        .unwrap()
        .lines()
        .position(|l| l.contains("clause: 2.10"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "{}:{line}：修改说明中的条款「2.10」不是新旧对照中的条款",
            md.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "已删除的原条款写作 旧政策目录名:编号，如 {pair}-old:1"
        )),
        "{err}"
    );
}

/// The 对照 page passes what every page of the site passes: the Nu HTML Checker, axe, clean
/// loading, 375-px reflow, keyboard, phone top, the tools, print; every internal link resolves;
/// and search finds it. Screenshots (375 px and desktop) go to target/screenshots/compare-*.png.
#[test]
fn compare_page_passes_the_site_checks_and_is_found_by_search() {
    let site = revision_site();
    let tmp = tempfile::tempdir().unwrap();
    let (built, public) = common::build_site(site.path(), tmp.path(), true);
    let pair = "sh-fengmao-tiaoli";
    let path = format!("/{pair}-new/compare/{pair}-old/");
    let clause = std::fs::read_dir(public.join(format!("{pair}-new/clause")))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| format!("/{pair}-new/clause/{}/", e.file_name().to_string_lossy()))
        .find(|p| {
            std::fs::read_to_string(file_of(&public, p))
                .unwrap()
                .contains("revision-lines")
        })
        .expect("a clause page with a 新旧对照 line");

    let nu_dir = tmp.path().join("nu");
    std::fs::create_dir_all(&nu_dir).unwrap();
    for (i, p) in [&path, &clause, &format!("/{pair}-old/")]
        .iter()
        .enumerate()
    {
        std::fs::copy(file_of(&public, p), nu_dir.join(format!("{i}.html"))).unwrap();
    }
    let errors: Vec<String> = nu_errors(&nu_dir).iter().map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "Nu HTML Checker errors:\n{}",
        errors.join("\n")
    );

    let report = common::links::check_links(&public, None);
    let problems: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );

    let checks = vec![
        "axe",
        "load",
        "overflow",
        "keyboard",
        "phone-top",
        "tools",
        "cursor",
        "print",
    ];
    let plan = Plan {
        root: public.clone(),
        pages: vec![
            PlannedPage {
                kind: "compare".into(),
                path: path.clone(),
                checks: checks.clone(),
            },
            PlannedPage {
                kind: "clause".into(),
                path: clause.clone(),
                checks: checks.clone(),
            },
        ],
        screenshots: Some(Screenshots {
            dir: screenshot_dir(),
            types: vec!["compare".into()],
        }),
    };
    let report = run_browser_checks(&plan, tmp.path());
    let list: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        list.is_empty(),
        "browser check problems:\n{}",
        list.join("\n")
    );
    for check in &checks {
        assert_eq!(report.checked.get(*check).copied(), Some(2), "{check}");
    }
    assert!(report
        .screenshots
        .iter()
        .any(|s| s.to_string_lossy().contains("compare-375")));

    // Search: the 对照 page is a record of its own, typed 新旧对照, offered as a filter.
    let records = jiedu::search::records(&built.site);
    let url = path.trim_start_matches('/');
    let record = records
        .iter()
        .find(|r| r.url == url)
        .expect("no search record of the 对照 page");
    assert_eq!(record.kind, "新旧对照");
    assert!(record.text.contains("修订新旧对照"), "{}", record.text);
    assert!(jiedu::search::kinds(&built.site).contains(&"新旧对照"));
    assert!(public.join("search-index").is_dir() || public.join("search").is_dir());
}
