//! Page types of a built portal, read from the pages themselves: the body class the theme sets
//! (`page-clause`, …) and, for interpretations, the article's `kind-…` class.

use std::collections::BTreeMap;
use std::path::Path;

use super::html::{parse_file, selector};
use super::{html_pages, url_path};

/// Every page type the example portal must have (the issue's list), so a check "on every page
/// type" cannot silently shrink.
pub const EXAMPLE_PAGE_TYPES: &[&str] = &[
    "home",
    "policy",
    "clause",
    "interpretation-leader",
    "interpretation-expert",
    "interpretation-document",
    "interpretation-qa",
    "interpretation-infographic",
    "interpretation-video",
    "interpretation-animation",
    "question",
    "progress",
    "column",
    "units",
    "unit",
    "search",
    "page",
    "library",
    "sitemap",
    "404",
];

/// The type of one page file, e.g. `clause` or `interpretation-video`; `None` for HTML that is
/// not a theme page.
pub fn page_type(path: &Path) -> Option<String> {
    let doc = parse_file(path);
    let body = doc.select(&selector("body")).next()?;
    let kind = body
        .value()
        .classes()
        .find_map(|c| c.strip_prefix("page-"))?
        .to_string();
    if kind != "interpretation" {
        return Some(kind);
    }
    let article = doc.select(&selector("article[class*=kind-]")).next()?;
    let format = article
        .value()
        .classes()
        .find_map(|c| c.strip_prefix("kind-"))?;
    Some(format!("interpretation-{format}"))
}

/// One representative URL path per page type: the first page of that type in path order.
pub fn representative_pages(root: &Path) -> BTreeMap<String, String> {
    let mut chosen = BTreeMap::new();
    for page in html_pages(root) {
        if let Some(kind) = page_type(&root.join(&page)) {
            chosen.entry(kind).or_insert_with(|| url_path(&page));
        }
    }
    chosen
}
