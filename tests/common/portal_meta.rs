//! The portal head metadata of 《政府网站发展指引》's 网页设计规范 (shared/docs/zhengwu-conventions.md
//! §3): exact-case names, every page's Site* tags, content pages' ArticleTitle (equal to the
//! `<h1>`), ContentSource and ColumnType, and the PubDate format.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::html::{normalized_text, parse_file, selector};
use super::html_pages;
use super::page_types::page_type;

pub const PORTAL_META_NAMES: &[&str] = &[
    "SiteName",
    "SiteDomain",
    "SiteIDCode",
    "ColumnName",
    "ColumnDescription",
    "ColumnKeywords",
    "ColumnType",
    "ArticleTitle",
    "PubDate",
    "ContentSource",
    "Keywords",
    "Author",
    "Description",
    "Image",
    "Url",
];

#[derive(Debug)]
pub struct MetaProblem {
    pub page: String,
    pub message: String,
}

impl fmt::Display for MetaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.page, self.message)
    }
}

/// `YYYY-MM-DD HH:MM`.
pub fn is_pub_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

/// The ColumnType a page type must carry, where the conventions fix one.
fn required_column_type(kind: &str) -> Option<&'static str> {
    match kind {
        "policy" | "clause" => Some("政策文件"),
        k if k == "question" || k.starts_with("interpretation-") => Some("政策解读"),
        _ => None,
    }
}

fn is_content_page(kind: &str) -> bool {
    required_column_type(kind).is_some()
}

/// Checks one page; `page` is its path relative to the site root (for messages).
pub fn check_page(path: &Path, page: &str) -> Vec<MetaProblem> {
    let doc = parse_file(path);
    let mut problems = Vec::new();
    let mut say = |message: String| {
        problems.push(MetaProblem {
            page: page.to_string(),
            message,
        })
    };
    let mut meta: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for element in doc.select(&selector("head meta[name]")) {
        let name = element.value().attr("name").unwrap_or_default();
        let content = element
            .value()
            .attr("content")
            .unwrap_or_default()
            .to_string();
        if let Some(known) = PORTAL_META_NAMES
            .iter()
            .find(|k| k.eq_ignore_ascii_case(name) && **k != name)
        {
            say(format!("meta name \"{name}\" must be spelt \"{known}\""));
        }
        if let Some(known) = PORTAL_META_NAMES.iter().find(|k| **k == name) {
            meta.entry(known).or_default().push(content);
        }
    }
    let one = |name: &str| meta.get(name).and_then(|v| v.first()).map(String::as_str);
    for (name, values) in &meta {
        if values.len() > 1 {
            say(format!("meta {name} appears {} times", values.len()));
        }
    }
    for name in ["SiteName", "SiteDomain"] {
        if one(name).is_none_or(str::is_empty) {
            say(format!("no {name} meta"));
        }
    }
    if let Some(date) = one("PubDate") {
        if !is_pub_date(date) {
            say(format!("PubDate \"{date}\" is not YYYY-MM-DD HH:MM"));
        }
    }
    let h1 = doc
        .select(&selector("h1"))
        .next()
        .map(|h| normalized_text(h.text()));
    if let Some(title) = one("ArticleTitle") {
        let title = normalized_text(std::iter::once(title));
        if h1.as_deref() != Some(title.as_str()) {
            say(format!(
                "ArticleTitle \"{title}\" differs from the <h1> {h1:?}"
            ));
        }
    }
    let kind = page_type(path).unwrap_or_default();
    if is_content_page(&kind) {
        for name in ["ArticleTitle", "ContentSource", "ColumnName"] {
            if one(name).is_none_or(str::is_empty) {
                say(format!("{kind} page without {name} meta"));
            }
        }
    }
    if kind == "column" && one("ColumnName").is_none() {
        say("column page without ColumnName meta".into());
    }
    if let Some(required) = required_column_type(&kind) {
        if one("ColumnType") != Some(required) {
            say(format!(
                "{kind} page has ColumnType {:?}, not {required}",
                one("ColumnType")
            ));
        }
    }
    problems
}

/// Checks every page under `root`; returns the number of pages and the problems.
pub fn check_portal_meta(root: &Path) -> (usize, Vec<MetaProblem>) {
    let pages = html_pages(root);
    let problems = pages
        .iter()
        .flat_map(|p| check_page(&root.join(p), p))
        .collect();
    (pages.len(), problems)
}
