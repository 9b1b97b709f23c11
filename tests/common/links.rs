//! The link and anchor checker: every internal href/src/poster/action of every built page must
//! name a file that exists, and every #fragment an id (or `<a name>`) in the page it points to.
//! Links to the site's own base URL (canonical links) count as internal.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use super::html::{parse_file, selector};
use super::html_pages;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    /// The page with the link, relative to the site root.
    pub page: String,
    /// The link exactly as written.
    pub link: String,
    pub reason: String,
}

impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} — {}", self.page, self.link, self.reason)
    }
}

/// One parsed page: the ids it defines and the links it makes.
struct PageLinks {
    ids: BTreeSet<String>,
    links: Vec<String>,
}

const LINK_ATTRIBUTES: &[(&str, &str)] = &[
    ("a[href]", "href"),
    ("area[href]", "href"),
    ("link[href]", "href"),
    ("img[src]", "src"),
    ("script[src]", "src"),
    ("source[src]", "src"),
    ("track[src]", "src"),
    ("video[src]", "src"),
    ("audio[src]", "src"),
    ("iframe[src]", "src"),
    ("video[poster]", "poster"),
    ("form[action]", "action"),
];

fn read_page(path: &Path) -> PageLinks {
    let doc = parse_file(path);
    let ids = doc
        .select(&selector("[id], a[name]"))
        .filter_map(|e| e.value().attr("id").or_else(|| e.value().attr("name")))
        .map(str::to_string)
        .collect();
    let links = LINK_ATTRIBUTES
        .iter()
        .flat_map(|(css, attr)| {
            doc.select(&selector(css))
                .filter_map(|e| e.value().attr(attr).map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect();
    PageLinks { ids, links }
}

/// Decodes %XX escapes (URLs may carry Chinese anchors either raw or percent-encoded).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Joins a relative path onto the directory of `page`, resolving `.` and `..`.
/// `None` when the path climbs above the site root.
fn resolve(page: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = page.split('/').collect();
        dir.pop();
        dir
    };
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// What the checker looked at and what it found.
pub struct LinkReport {
    pub pages: usize,
    pub links: usize,
    pub problems: Vec<LinkProblem>,
}

/// Checks every page under `root`. `base_url` (e.g. `https://example.org/`) maps absolute links to
/// the site itself back to files.
pub fn check_links(root: &Path, base_url: Option<&str>) -> LinkReport {
    let pages: BTreeMap<String, PageLinks> = html_pages(root)
        .into_iter()
        .map(|p| {
            let parsed = read_page(&root.join(&p));
            (p, parsed)
        })
        .collect();
    let mut problems = Vec::new();
    for (page, parsed) in &pages {
        for link in &parsed.links {
            let problem = |reason: String| LinkProblem {
                page: page.clone(),
                link: link.clone(),
                reason,
            };
            let internal = match base_url.and_then(|b| link.strip_prefix(b)) {
                Some(rest) => format!("/{rest}"),
                None if link.contains(':') && !link.starts_with('/') && !link.starts_with('#') => {
                    continue; // another site, mailto:, tel:, data:
                }
                None => link.clone(),
            };
            let (path_and_query, fragment) = match internal.split_once('#') {
                Some((p, f)) => (p, Some(percent_decode(f))),
                None => (internal.as_str(), None),
            };
            let path = percent_decode(path_and_query.split('?').next().unwrap_or(""));
            let target = if path.is_empty() {
                page.clone()
            } else {
                let Some(resolved) = resolve(page, &path) else {
                    problems.push(problem("points above the site root".into()));
                    continue;
                };
                let file = root.join(&resolved);
                if resolved.is_empty() || resolved.ends_with('/') || file.is_dir() {
                    let dir = resolved.trim_end_matches('/');
                    let index = if dir.is_empty() {
                        "index.html".to_string()
                    } else {
                        format!("{dir}/index.html")
                    };
                    if !root.join(&index).is_file() {
                        problems.push(problem(format!("no file {index}")));
                        continue;
                    }
                    index
                } else if file.is_file() {
                    resolved
                } else {
                    problems.push(problem(format!("no file {resolved}")));
                    continue;
                }
            };
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                match pages.get(&target) {
                    Some(t) if t.ids.contains(&fragment) => {}
                    Some(_) => problems.push(problem(format!("no id=\"{fragment}\" in {target}"))),
                    None => problems.push(problem(format!(
                        "#{fragment} points into {target}, which is not a page"
                    ))),
                }
            }
        }
    }
    LinkReport {
        pages: pages.len(),
        links: pages.values().map(|p| p.links.len()).sum(),
        problems,
    }
}
