//! Checks every internal link and anchor of the rendered site, after rendering, so a broken
//! link is a build error rather than a citizen's dead end.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use super::OutFile;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Values of `attr="…"` in HTML we generated ourselves (attribute values are always quoted
/// and escaped, so a plain scan is exact).
fn attr_values<'a>(html: &'a str, attr: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let needle = format!(" {attr}=\"");
    let mut rest = html;
    std::iter::from_fn(move || {
        let start = rest.find(&needle)? + needle.len();
        let end = rest[start..].find('"')? + start;
        let value = &rest[start..end];
        rest = &rest[end..];
        Some(value)
    })
}

fn is_external(href: &str) -> bool {
    [
        "http://",
        "https://",
        "mailto:",
        "tel:",
        "data:",
        "javascript:",
        "//",
    ]
    .iter()
    .any(|p| href.starts_with(p))
}

/// Decodes the character references templates produce (`&amp;`, `&#x2F;`, `&#39;`, …).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Returns one diagnostic per broken link, naming the page and the target.
pub fn check(
    files: &BTreeMap<String, OutFile>,
    prefix: &str,
    origin: &HashMap<String, std::path::PathBuf>,
) -> Diagnostics {
    let html_pages: Vec<(&String, &str)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .filter_map(|(p, f)| match f {
            OutFile::Bytes(b) => std::str::from_utf8(b).ok().map(|s| (p, s)),
            OutFile::Copy(_) => None,
        })
        .collect();
    let ids: HashMap<&str, HashSet<String>> = html_pages
        .par_iter()
        .map(|(p, html)| (p.as_str(), attr_values(html, "id").map(unescape).collect()))
        .collect();
    let problems: Vec<Diagnostic> = html_pages
        .par_iter()
        .flat_map_iter(|(page, html)| {
            let mut out = Vec::new();
            let mut seen = HashSet::new();
            for value in attr_values(html, "href").chain(attr_values(html, "src")) {
                let href = unescape(value);
                if is_external(&href) || href.starts_with("/__jiedu/") || !seen.insert(href.clone())
                {
                    continue;
                }
                if let Some(problem) = broken(&href, page, prefix, files, &ids) {
                    let mut d =
                        Diagnostic::error(format!("页面 /{page} 中的链接「{href}」{problem}"))
                            .hint("请检查引用的条款、问题 id 或模板中的链接地址。");
                    if let Some(src) = origin.get(page.as_str()) {
                        d = d.in_file(src);
                    }
                    out.push(d);
                }
            }
            out
        })
        .collect();
    problems.into_iter().collect()
}

fn broken(
    href: &str,
    page: &str,
    prefix: &str,
    files: &BTreeMap<String, OutFile>,
    ids: &HashMap<&str, HashSet<String>>,
) -> Option<String> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let target = if path.is_empty() {
        page.to_string()
    } else {
        let Some(rel) = path.strip_prefix(prefix) else {
            return Some(format!("不以站点路径 {prefix} 开头"));
        };
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    };
    if !files.contains_key(&target) {
        return Some("指向不存在的页面或文件".to_string());
    }
    match fragment {
        Some(f) if !f.is_empty() && target.ends_with(".html") => {
            let has = ids.get(target.as_str()).is_some_and(|set| set.contains(f));
            (!has).then(|| format!("指向 /{target} 中不存在的锚点 #{f}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(pages: &[(&str, &str)]) -> BTreeMap<String, OutFile> {
        pages
            .iter()
            .map(|(p, h)| (p.to_string(), OutFile::Bytes(h.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn finds_missing_pages_and_anchors() {
        let files = site(&[
            (
                "index.html",
                r##"<a href="&#x2F;a&#x2F;">a</a> <a href="/a/#x">x</a> <a href="/a/#nope">n</a> <a href="/b/">b</a> <a href="https://example.org/">e</a>"##,
            ),
            ("a/index.html", r#"<h2 id="x">x</h2>"#),
        ]);
        let d = check(&files, "/", &HashMap::new());
        let text = d.to_string();
        assert_eq!(d.error_count(), 2, "{text}");
        assert!(text.contains("#nope"));
        assert!(text.contains("「/b/」"));
    }
}
