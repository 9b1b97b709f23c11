//! The portal head metadata (shared/docs/zhengwu-conventions.md §3) on every built page, and the
//! same checker failing on tests/fixtures/broken/.

use crate::common;

use common::portal_meta::{check_page, check_portal_meta, is_pub_date};
use common::{build_example, fixture};

#[test]
fn example_portal_pages_carry_valid_portal_meta() {
    let site = build_example();
    let (pages, problems) = check_portal_meta(&site.root);
    eprintln!("portal meta: {pages} pages, {} problems", problems.len());
    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(
        list.is_empty(),
        "portal meta problems:\n{}",
        list.join("\n")
    );
}

#[test]
fn pub_date_format_is_exactly_date_space_hours_minutes() {
    assert!(is_pub_date("2024-01-09 14:50"));
    for bad in [
        "2024-01-09",
        "2024-01-09 14:50:00",
        "2024/01/09 14:50",
        "2024-1-09 14:50",
        "2024-01-09T14:50",
    ] {
        assert!(!is_pub_date(bad), "{bad}");
    }
}

#[test]
fn broken_fixture_fails_each_meta_rule() {
    let problems = check_page(&fixture("broken").join("index.html"), "index.html");
    let text: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
    let expect = [
        "must be spelt \"SiteName\"",
        "no SiteName meta",
        "PubDate \"2024/01/09\"",
        "ArticleTitle \"另一个标题\" differs",
        "not 政策文件",
    ];
    for e in expect {
        assert!(
            text.iter().any(|t| t.contains(e)),
            "no problem containing {e:?} in {text:#?}"
        );
    }
}
