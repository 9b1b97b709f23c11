//! Outside checkers over the built example portal, the way a citizen's browser and the 政务
//! accessibility rules (GB/T 37668-2019 ≈ WCAG 2.1 AA, 适老化) see it: the W3C Nu HTML Checker
//! over every page, and in Chromium (tests/browser/run-checks.mjs) axe-core, clean loading,
//! 375-px reflow, the title on a phone's first screen (h1 within 260 px, also in 长辈版) and
//! keyboard use, every page tool worked by keyboard alone (no pop-ups) and the 特大鼠标 cursor on
//! one page of every type, plus 长辈版, 语音阅读 and print on
//! the reading pages. Screenshots for people go to target/screenshots/. The same code must fail
//! on tests/fixtures/broken/, which proves each check can fail.

use crate::common;

use common::browser::{run_browser_checks, screenshot_dir, Plan, PlannedPage, Report, Screenshots};
use common::page_types::{representative_pages, EXAMPLE_PAGE_TYPES};
use common::vnu::nu_errors;
use common::{build_example, fixture};

/// Run on one page of every type.
const EVERY_TYPE: &[&str] = &[
    "axe",
    "load",
    "overflow",
    "keyboard",
    "phone-top",
    "tools",
    "cursor",
];
/// 长辈版 numbers on the pages people read (the chrome is the same everywhere else).
const ELDER_TYPES: &[&str] = &[
    "home",
    "policy",
    "clause",
    "question",
    "interpretation-qa",
    "interpretation-infographic",
    "interpretation-video",
    "column",
    "unit",
    "library",
];
const SPEECH_TYPES: &[&str] = &["policy", "clause", "question"];
const PRINT_TYPES: &[&str] = &["policy", "clause"];
const SCREENSHOT_TYPES: &[&str] = &["home", "clause", "question", "interpretation-infographic"];
const ALL_CHECKS: &[&str] = &[
    "axe",
    "load",
    "overflow",
    "keyboard",
    "phone-top",
    "elder",
    "speech",
    "print",
    "tools",
    "cursor",
];

fn checks_for(kind: &str) -> Vec<&'static str> {
    let mut checks = EVERY_TYPE.to_vec();
    for (check, types) in [
        ("elder", ELDER_TYPES),
        ("speech", SPEECH_TYPES),
        ("print", PRINT_TYPES),
    ] {
        if types.contains(&kind) {
            checks.push(check);
        }
    }
    checks
}

fn summary(report: &Report) -> String {
    report
        .checked
        .iter()
        .map(|(check, pages)| {
            let problems = report.problems_of(check).len();
            let secs = report.seconds.get(check).copied().unwrap_or_default();
            format!("{check}: {pages} pages, {problems} problems, {secs:.1} s")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn nu_html_checker_finds_no_errors_in_any_page() {
    let site = build_example();
    let errors = nu_errors(&site.root);
    let pages = common::html_pages(&site.root).len();
    eprintln!("vnu: {pages} pages, {} errors", errors.len());
    let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        list.is_empty(),
        "Nu HTML Checker errors:\n{}",
        list.join("\n")
    );
}

#[test]
fn every_page_type_passes_the_browser_checks() {
    let site = build_example();
    let pages = representative_pages(&site.root);
    for kind in EXAMPLE_PAGE_TYPES {
        assert!(
            pages.contains_key(*kind),
            "no {kind} page in the example portal: {pages:?}"
        );
    }
    let plan = Plan {
        root: site.root.clone(),
        pages: pages
            .iter()
            .map(|(kind, path)| PlannedPage {
                kind: kind.clone(),
                path: path.clone(),
                checks: checks_for(kind),
            })
            .collect(),
        screenshots: Some(Screenshots {
            dir: screenshot_dir(),
            types: SCREENSHOT_TYPES.iter().map(|s| s.to_string()).collect(),
        }),
    };
    let report = run_browser_checks(&plan, site.root.parent().unwrap());
    eprintln!("browser checks:\n{}", summary(&report));
    eprintln!(
        "screenshots: {} in {}",
        report.screenshots.len(),
        screenshot_dir().display()
    );
    let list: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        list.is_empty(),
        "browser check problems:\n{}",
        list.join("\n")
    );
    for check in ALL_CHECKS {
        assert!(
            report.checked.get(*check).copied().unwrap_or(0) > 0,
            "{check} ran on no page"
        );
    }
    assert_eq!(
        report.screenshots.len(),
        SCREENSHOT_TYPES.len() * 4 + PRINT_TYPES.len()
    );
    for shot in &report.screenshots {
        assert!(
            std::fs::metadata(shot)
                .map(|m| m.len() > 1000)
                .unwrap_or(false),
            "{}",
            shot.display()
        );
    }
}

/// The pages of a list cut in parts (政策文件库, a facet, a format column, the 网站地图) on a
/// generated portal with more policies than fit on one page: their pager passes the Nu HTML
/// Checker and the browser checks, 长辈版 targets included.
#[test]
fn paginated_lists_pass_the_checkers() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("site");
    let root = tmp.path().join("public");
    common::corpus::generate(jiedu::render::pages::LIST_PAGE_SIZE + 5, 1, &source);
    let built = common::build_with_binary(&source, &root);
    assert!(built.status.success(), "{}", common::stderr(&built));
    let pages = [
        ("library", "/library/"),
        ("library", "/library/2/"),
        ("library", "/library/oldest/2/"),
        ("column", "/column/expert/2/"),
        ("sitemap", "/sitemap/2/"),
    ];
    // Nu over just these pages (a copy keeps the JVM's run short).
    let nu_dir = tmp.path().join("nu");
    for (i, (_, path)) in pages.iter().enumerate() {
        let page = root.join(path.trim_start_matches('/')).join("index.html");
        let html = std::fs::read_to_string(&page).unwrap();
        assert!(
            i == 0 || html.contains("class=\"pager\""),
            "{path} has no pager"
        );
        std::fs::create_dir_all(&nu_dir).unwrap();
        std::fs::write(nu_dir.join(format!("{i}.html")), html).unwrap();
    }
    let errors: Vec<String> = nu_errors(&nu_dir).iter().map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "Nu HTML Checker errors:\n{}",
        errors.join("\n")
    );

    let mut checks = EVERY_TYPE.to_vec();
    checks.push("elder");
    let plan = Plan {
        root: root.clone(),
        pages: pages
            .iter()
            .map(|(kind, path)| PlannedPage {
                kind: kind.to_string(),
                path: path.to_string(),
                checks: checks.clone(),
            })
            .collect(),
        screenshots: None,
    };
    let report = run_browser_checks(&plan, tmp.path());
    eprintln!("browser checks:\n{}", summary(&report));
    let list: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        list.is_empty(),
        "browser check problems:\n{}",
        list.join("\n")
    );
    for check in &checks {
        assert_eq!(
            report.checked.get(*check).copied(),
            Some(pages.len() as u32),
            "{check}"
        );
    }
}

#[test]
fn nu_html_checker_reports_the_broken_fixture() {
    let errors = nu_errors(&fixture("broken"));
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    for expected in ["alt", "Duplicate ID"] {
        assert!(
            text.iter()
                .any(|t| t.contains(expected) && t.contains("index.html")),
            "no Nu error about {expected:?}: {text:#?}"
        );
    }
    assert!(
        !text.iter().any(|t| t.contains("other.html")),
        "other.html is valid: {text:#?}"
    );
}

#[test]
fn every_browser_check_fails_on_the_broken_fixture() {
    let work = tempfile::tempdir().unwrap();
    let plan = Plan {
        root: fixture("broken"),
        pages: vec![PlannedPage {
            kind: "broken".into(),
            path: "/".into(),
            checks: ALL_CHECKS.to_vec(),
        }],
        screenshots: None,
    };
    let report = run_browser_checks(&plan, work.path());
    let expectations: &[(&str, &[&str])] = &[
        ("axe", &["image-alt", "color-contrast"]),
        ("load", &["/missing.png answered 404"]),
        ("overflow", &["div.wide"]),
        (
            "keyboard",
            &[
                "not a skip link",
                "no visible focus indicator",
                "focus is stuck",
            ],
        ),
        (
            "elder",
            &[
                "body text under 20px",
                "floating overlays",
                "not remembered",
                "line height under 1.5",
            ],
        ),
        ("speech", &["aria-pressed", "does not start with the title"]),
        (
            "phone-top",
            &["normal: <h1> starts at", "长辈版: <h1> starts at"],
        ),
        ("print", &["shows chrome", "canonical"]),
        (
            "tools",
            &[
                "no 特大鼠标 tool",
                "pop-up while using the tools: alert(这是弹窗)",
            ],
        ),
        ("cursor", &["no 特大鼠标 switch"]),
    ];
    for (check, needles) in expectations {
        let found: Vec<&str> = report
            .problems_of(check)
            .iter()
            .map(|p| p.message.as_str())
            .collect();
        for needle in *needles {
            assert!(
                found.iter().any(|m| m.contains(needle)),
                "{check} did not report {needle:?}; it reported {found:#?}"
            );
        }
    }
}
