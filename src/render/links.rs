//! Checks every internal link and anchor of the rendered site, after rendering, so a broken
//! link is a build error rather than a citizen's dead end.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::SourceLink;
use crate::model::Site as Model;

/// Every link written in the site's Markdown, with the file and line that hold it.
pub fn written_links(site: &Model) -> Vec<&SourceLink> {
    let mut out: Vec<&SourceLink> = Vec::new();
    for p in &site.policies {
        out.extend(&p.links);
        for i in &p.interpretations {
            out.extend(&i.body.links);
            for q in &i.questions {
                out.extend(&q.answer.links);
            }
        }
        for pr in &p.progress {
            out.extend(&pr.body.links);
        }
    }
    for page in &site.pages {
        out.extend(&page.body.links);
    }
    out
}

/// The attributes the check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Id,
    Link,
}

/// Values of `id="…"`, `href="…"` and `src="…"` in HTML we generated ourselves (attribute
/// values are always quoted and escaped, so a plain scan is exact), in one pass: every page
/// of the site goes through here, and one `memmem` scan for `="` is several times cheaper
/// than a substring search per attribute.
fn attr_values(html: &str) -> impl Iterator<Item = (Attr, &str)> + '_ {
    static OPEN: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let open = OPEN.get_or_init(|| memchr::memmem::Finder::new(b"=\""));
    let bytes = html.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let eq = at + open.find(&bytes[at..])?;
        let start = eq + 2;
        let end = start + memchr::memchr(b'"', &bytes[start..])?;
        at = end + 1;
        let name = &html[..eq];
        let attr = if name.ends_with(" id") {
            Attr::Id
        } else if name.ends_with(" href") || name.ends_with(" src") {
            Attr::Link
        } else {
            continue;
        };
        return Some((attr, &html[start..end]));
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
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
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
    Cow::Owned(out)
}

/// The link facts of the pages rendered so far: by the time links are checked, each page's
/// HTML has long been written out, so only what the check needs is kept, compactly.
#[derive(Debug, Default)]
pub struct Links(Mutex<Table>);

#[derive(Debug, Default)]
struct Table {
    pages: Vec<Page>,
    /// Each distinct link text (unescaped) once: most pages repeat the same navigation links.
    /// Shared with the pages' [`PageLinks`] made by [`Links::scan`].
    hrefs: HashMap<Arc<str>, u32>,
    /// (link, page) for every distinct link of every page, as indices into `hrefs` and `pages`.
    uses: Vec<(u32, u32)>,
}

#[derive(Debug)]
struct Page {
    path: Box<str>,
    /// The file the page is made from, for the diagnostic.
    origin: Option<PathBuf>,
    /// The page's ids joined by NUL, which no HTML id can contain.
    ids: Box<str>,
}

/// The ids and the distinct internal links (sorted) of a page, unescaped, borrowing from it.
fn scan(html: &str) -> (Vec<Cow<'_, str>>, Vec<Cow<'_, str>>) {
    let mut ids: Vec<Cow<str>> = Vec::new();
    let mut hrefs: Vec<Cow<str>> = Vec::new();
    for (attr, value) in attr_values(html) {
        let value = unescape(value);
        match attr {
            Attr::Id => ids.push(value),
            Attr::Link if !is_external(&value) && !value.starts_with("/__jiedu/") => {
                hrefs.push(value)
            }
            Attr::Link => {}
        }
    }
    hrefs.sort_unstable();
    hrefs.dedup();
    (ids, hrefs)
}

/// The ids and internal links of one rendered page, as the check needs them: kept by
/// `jiedu serve` for pages it does not render again, so the whole site is checked each time.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PageLinks {
    path: Box<str>,
    origin: Option<PathBuf>,
    /// The page's ids joined by NUL, which no HTML id can contain.
    ids: Box<str>,
    /// Its distinct internal links (unescaped), sorted. Made by [`Links::scan`], each text
    /// is shared by every page that has the link: a build keeps every page's facts until it
    /// is recorded, and at 1,000 policies the pages had over three million links, most of
    /// them the same navigation links.
    hrefs: Box<[Arc<str>]>,
}

impl PageLinks {
    /// Scans one page (`path` relative to the site root).
    pub fn scan(path: &str, origin: Option<&Path>, html: &str) -> PageLinks {
        let (ids, hrefs) = scan(html);
        PageLinks {
            path: path.into(),
            origin: origin.map(Path::to_path_buf),
            ids: ids.join("\0").into(),
            hrefs: hrefs.into_iter().map(|h| h.into_owned().into()).collect(),
        }
    }
}

impl Links {
    /// Notes the ids and internal links of one page (`path` relative to the site root),
    /// copying only links the table does not have yet (most pages repeat the same ones).
    pub fn record(&self, path: &str, origin: Option<&Path>, html: &str) {
        let (ids, hrefs) = scan(html);
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let page = table.pages.len() as u32;
        table.pages.push(Page {
            path: path.into(),
            origin: origin.map(Path::to_path_buf),
            ids: ids.join("\0").into(),
        });
        for href in hrefs {
            let next = table.hrefs.len() as u32;
            let id = match table.hrefs.get(&*href) {
                Some(&id) => id,
                None => *table.hrefs.entry(href.into_owned().into()).or_insert(next),
            };
            table.uses.push((id, page));
        }
    }

    /// Scans one page as [`PageLinks::scan`] does, its links' texts shared with the table
    /// (and every page scanned so); with `add`, notes its facts as [`Links::add`] does.
    pub fn scan(&self, path: &str, origin: Option<&Path>, html: &str, add: bool) -> PageLinks {
        let (ids, found) = scan(html);
        let ids: Box<str> = ids.join("\0").into();
        let mut hrefs = Vec::with_capacity(found.len());
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let page = table.pages.len() as u32;
        for href in found {
            let (text, id) = match table.hrefs.get_key_value(&*href) {
                Some((text, &id)) => (Arc::clone(text), id),
                None => {
                    let id = table.hrefs.len() as u32;
                    let text: Arc<str> = href.into_owned().into();
                    table.hrefs.insert(Arc::clone(&text), id);
                    (text, id)
                }
            };
            if add {
                table.uses.push((id, page));
            }
            hrefs.push(text);
        }
        if add {
            table.pages.push(Page {
                path: path.into(),
                origin: origin.map(Path::to_path_buf),
                ids: ids.clone(),
            });
        }
        drop(table);
        PageLinks {
            path: path.into(),
            origin: origin.map(Path::to_path_buf),
            ids,
            hrefs: hrefs.into(),
        }
    }

    /// Notes the facts of one page scanned before.
    pub fn add(&self, facts: &PageLinks) {
        // One lock per page, after the scanning, keeps the render threads out of each other's way.
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let page = table.pages.len() as u32;
        table.pages.push(Page {
            path: facts.path.clone(),
            origin: facts.origin.clone(),
            ids: facts.ids.clone(),
        });
        for href in facts.hrefs.iter() {
            let next = table.hrefs.len() as u32;
            let id = match table.hrefs.get(href) {
                Some(&id) => id,
                None => *table.hrefs.entry(href.clone()).or_insert(next),
            };
            table.uses.push((id, page));
        }
    }

    /// Returns one diagnostic per broken link: at the file and line that wrote it for a link
    /// in `written` (Markdown), else naming the page and the target; `exists` tells whether
    /// the site has a file at a path.
    pub fn check(
        self,
        prefix: &str,
        written: &Written,
        exists: impl Fn(&str) -> bool + Sync,
    ) -> Diagnostics {
        let Table { pages, hrefs, uses } =
            self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        let mut texts = vec![""; hrefs.len()];
        for (text, &i) in &hrefs {
            texts[i as usize] = text;
        }
        let ids: HashMap<&str, HashSet<&str>> = pages
            .par_iter()
            .map(|p| (&*p.path, p.ids.split('\0').collect()))
            .collect();
        let has_id = |page: &str, id: &str| ids.get(page).is_some_and(|set| set.contains(id));
        let site = Site {
            prefix,
            exists: &exists,
            has_id: &has_id,
        };
        let uses = by_link(uses, texts.len());
        let problems = uses
            .par_chunk_by(|a, b| a.0 == b.0)
            .flat_map_iter(|users| {
                let href = texts[users[0].0 as usize];
                // Only a link without a path ("#top", "?x") depends on the page it is on.
                let shared = (!href.split(['#', '?']).next().unwrap_or("").is_empty())
                    .then(|| site.broken(href, ""));
                let (pages, site) = (&pages, &site);
                users.iter().filter_map(move |&(_, page)| {
                    let page = &pages[page as usize];
                    let problem = match &shared {
                        Some(p) => p.clone(),
                        None => site.broken(href, &page.path),
                    }?;
                    Some(diagnostics(
                        &page.path,
                        page.origin.as_deref(),
                        href,
                        &problem,
                        written,
                    ))
                })
            })
            .collect::<Vec<Vec<Diagnostic>>>();
        problems
            .into_iter()
            .flatten()
            .collect::<Diagnostics>()
            .sorted()
    }
}

/// `uses` in order, by link then page: a counting sort on the link, as there are as many uses as
/// distinct links of every page (over a million at 300 policies) and few links: a comparison
/// sort of them all cost about 0.2 G instructions at 300 policies. The table is filled a
/// page at a time, pages in order, so placing the uses by link in the order they come leaves
/// each link's pages in order already; a link whose pages are not is sorted.
fn by_link(uses: Vec<(u32, u32)>, links: usize) -> Vec<(u32, u32)> {
    let mut ends = vec![0usize; links + 1];
    for &(link, _) in &uses {
        ends[link as usize + 1] += 1;
    }
    for i in 0..links {
        ends[i + 1] += ends[i];
    }
    let mut next = ends.clone();
    let mut sorted = vec![(0, 0); uses.len()];
    for u in uses {
        let slot = &mut next[u.0 as usize];
        sorted[*slot] = u;
        *slot += 1;
    }
    for w in ends.windows(2) {
        let group = &mut sorted[w[0]..w[1]];
        if !group.is_sorted() {
            group.sort_unstable();
        }
    }
    sorted
}

/// Every link written in the site's Markdown, by its target, with the files and lines that
/// hold it. Gathered from the whole site only when a broken link is to be reported: a preview
/// rebuild checks links on every edit and mostly finds none.
#[derive(Default)]
pub struct Written<'a> {
    site: Option<&'a Model>,
    sources: std::sync::OnceLock<HashMap<&'a str, Vec<&'a SourceLink>>>,
}

impl<'a> Written<'a> {
    pub fn new(site: &'a Model) -> Self {
        Written {
            site: Some(site),
            sources: std::sync::OnceLock::new(),
        }
    }

    /// Where the Markdown wrote `href`, if it did.
    fn get(&self, href: &str) -> Option<&Vec<&'a SourceLink>> {
        let sources = self.sources.get_or_init(|| {
            let mut sources: HashMap<&str, Vec<&SourceLink>> = HashMap::new();
            for l in self.site.into_iter().flat_map(written_links) {
                sources.entry(l.href.as_str()).or_default().push(l);
            }
            sources
        });
        sources.get(href)
    }
}

/// A broken link: at the file and line that wrote it when Markdown did, else on the page.
fn diagnostics(
    page: &str,
    origin: Option<&Path>,
    href: &str,
    problem: &str,
    written: &Written,
) -> Vec<Diagnostic> {
    if let Some(origins) = written.get(href) {
        return origins
            .iter()
            .map(|l| {
                Diagnostic::error(format!("链接「{href}」{problem}"))
                    .at(&l.file, l.line)
                    .hint("请检查链接地址：站内链接以 / 开头，如 /yiliao-gaodi/qa/；条款请用 [[4.1.1]] 引用。")
            })
            .collect();
    }
    let d = Diagnostic::error(format!("页面 /{page} 中的链接「{href}」{problem}"))
        .hint("请检查引用的条款、问题 id 或模板中的链接地址。");
    vec![match origin {
        Some(src) => d.in_file(src),
        None => d,
    }]
}

/// The file a link on `page` points at and its fragment; `Err` for a path outside the site.
fn target<'h>(
    prefix: &str,
    href: &'h str,
    page: &str,
) -> Result<(String, Option<&'h str>), String> {
    let (path, fragment) = match href.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (href, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return Ok((page.to_string(), fragment));
    }
    match path.strip_prefix(prefix) {
        Some(rel) => Ok((crate::model::urls::file_of(rel), fragment)),
        None => Err(format!("不以站点路径 {prefix} 开头")),
    }
}

impl PageLinks {
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the ids of two scans are the same (links into the page stay valid).
    pub fn same_ids(&self, other: &PageLinks) -> bool {
        self.ids == other.ids
    }

    fn has_id(&self, id: &str) -> bool {
        self.ids.split('\0').any(|i| i == id)
    }

    /// Checks this page's links on their own, against which files exist and the scans of the
    /// site's pages (`page(path)`); with `only`, just the links into those pages that name an
    /// anchor.
    pub fn check<'a>(
        &self,
        prefix: &str,
        exists: &(dyn Fn(&str) -> bool + Sync),
        page: &(dyn Fn(&str) -> Option<&'a PageLinks> + Sync),
        only: Option<&HashSet<&str>>,
        written: &Written,
    ) -> Vec<Diagnostic> {
        let has_id = |path: &str, id: &str| page(path).is_some_and(|p| p.has_id(id));
        let site = Site {
            prefix,
            exists,
            has_id: &has_id,
        };
        self.hrefs
            .iter()
            .filter(|href| match only {
                None => true,
                Some(set) => target(prefix, href, &self.path)
                    .is_ok_and(|(t, f)| f.is_some() && set.contains(t.as_str())),
            })
            .filter_map(|href| {
                let problem = site.broken(href, &self.path)?;
                Some(diagnostics(
                    &self.path,
                    self.origin.as_deref(),
                    href,
                    &problem,
                    written,
                ))
            })
            .flatten()
            .collect()
    }
}

/// What a link is checked against.
struct Site<'a, F: ?Sized> {
    prefix: &'a str,
    exists: &'a F,
    has_id: &'a (dyn Fn(&str, &str) -> bool + Sync),
}

impl<F: Fn(&str) -> bool + ?Sized> Site<'_, F> {
    fn broken(&self, href: &str, page: &str) -> Option<String> {
        let (target, fragment) = match target(self.prefix, href, page) {
            Ok(t) => t,
            Err(problem) => return Some(problem),
        };
        if !(self.exists)(&target) {
            return Some("指向不存在的页面或文件".to_string());
        }
        match fragment {
            Some(f) if !f.is_empty() && target.ends_with(".html") => {
                (!(self.has_id)(&target, f)).then(|| format!("指向 /{target} 中不存在的锚点 #{f}"))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_pages_and_anchors() {
        let links = Links::default();
        links.record(
            "index.html",
            None,
            r##"<a href="&#x2F;a&#x2F;">a</a> <a href="/a/#x">x</a> <a href="/a/#nope">n</a> <a href="/b/">b</a> <a href="https://example.org/">e</a> <a href="#top">t</a>"##,
        );
        links.record(
            "a/index.html",
            None,
            r##"<h2 id="x">x</h2> <a href="#top">t</a>"##,
        );
        links.record("b.html", None, r#"<p id="top">t</p> <a href="/a/#x">x</a>"#);
        let d = links.check("/", &Written::default(), |p| {
            ["index.html", "a/index.html", "b.html"].contains(&p)
        });
        let text = d.to_string();
        assert_eq!(d.error_count(), 4, "{text}");
        assert!(text.contains("#nope"));
        assert!(text.contains("「/b/」"));
        assert!(text.contains("/index.html 中不存在的锚点 #top"));
        assert!(text.contains("/a/index.html 中不存在的锚点 #top"));
    }
}
