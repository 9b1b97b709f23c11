//! Link and anchor check over every built page: internal href/src resolve to files, #fragments
//! to ids. The same checker must catch what tests/fixtures/broken/ plants.

use crate::common;

use common::links::check_links;
use common::{build_example, fixture};

#[test]
fn example_portal_has_no_broken_links_or_anchors() {
    let site = build_example();
    let report = check_links(&site.root, Some("https://example.org/"));
    eprintln!(
        "links: {} pages, {} links, {} broken",
        report.pages,
        report.links,
        report.problems.len()
    );
    assert!(report.pages > 50, "only {} pages built", report.pages);
    let list: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        list.is_empty(),
        "broken links or anchors:\n{}",
        list.join("\n")
    );
}

#[test]
fn broken_fixture_reports_each_broken_link_and_anchor_and_nothing_else() {
    let report = check_links(&fixture("broken"), None);
    let mut broken: Vec<&str> = report.problems.iter().map(|p| p.link.as_str()).collect();
    broken.sort();
    assert_eq!(
        broken,
        ["#nowhere", "/missing.png", "/missing/", "other.html#gone"],
        "{:#?}",
        report.problems
    );
}
