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
    /// The distinct links of every page, as indices into `hrefs`, page after page: a page's
    /// run starts at its [`Page::uses`]. Over three million at 1,000 policies, so the page
    /// is not repeated in each.
    uses: Vec<u32>,
}

#[derive(Debug)]
struct Page {
    path: Box<str>,
    /// The file the page is made from, for the diagnostic.
    origin: Option<PathBuf>,
    /// The page's ids, sorted, joined by NUL (which no HTML id can contain): looked up by
    /// [`sorted_has`], with no set built of the 700,000 ids of a 1,000-policy site.
    ids: Box<str>,
    /// Where its links start in [`Table::uses`].
    uses: usize,
}

/// The ids joined by NUL, sorted, for [`Page::ids`].
fn sorted_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Box<str> {
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.join("\0").into()
}

/// Whether `id` is one of the sorted NUL-joined `ids`: a bisection over the bytes, each step
/// comparing the id around the middle.
fn sorted_has(ids: &str, id: &str) -> bool {
    let b = ids.as_bytes();
    // The ids still in question are those of b[lo..hi], which holds at least one.
    let (mut lo, mut hi) = (0, b.len());
    loop {
        let mid = lo + (hi - lo) / 2;
        let start = b[lo..mid]
            .iter()
            .rposition(|&c| c == 0)
            .map_or(lo, |i| lo + i + 1);
        let end = b[mid..hi]
            .iter()
            .position(|&c| c == 0)
            .map_or(hi, |i| mid + i);
        match id.as_bytes().cmp(&b[start..end]) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less if start > lo => hi = start - 1,
            std::cmp::Ordering::Greater if end < hi => lo = end + 1,
            _ => return false,
        }
    }
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

    /// The page's source, recorded by a build that read the site through the root `from`, as
    /// it is named through the root `to`: a build that keeps the page names its source, in a
    /// message about a link on it, the way its own root is spelled.
    pub fn move_origin(&mut self, from: &Path, to: &Path) {
        if let Some(rel) = self
            .origin
            .as_deref()
            .and_then(|o| o.strip_prefix(from).ok())
        {
            self.origin = Some(to.join(rel));
        }
    }
}

impl Table {
    /// Starts the run of links of a page with `ids` (sorted, see [`sorted_ids`]).
    fn page(&mut self, path: Box<str>, origin: Option<PathBuf>, ids: Box<str>) {
        let uses = self.uses.len();
        self.pages.push(Page {
            path,
            origin,
            ids,
            uses,
        });
    }

    /// The table's text of link `href` and its index, the text added if the table does not
    /// have it yet (most pages repeat the same links, so few are).
    fn intern(&mut self, href: &str) -> (Arc<str>, u32) {
        if let Some((text, &id)) = self.hrefs.get_key_value(href) {
            return (Arc::clone(text), id);
        }
        let id = self.hrefs.len() as u32;
        let text: Arc<str> = href.into();
        self.hrefs.insert(Arc::clone(&text), id);
        (text, id)
    }

    /// Adds link `href` to the run of the page started last.
    fn link(&mut self, href: &str) -> Arc<str> {
        let (text, id) = self.intern(href);
        self.uses.push(id);
        text
    }
}

impl Links {
    /// Notes the ids and internal links of one page (`path` relative to the site root),
    /// copying only links the table does not have yet (most pages repeat the same ones).
    pub fn record(&self, path: &str, origin: Option<&Path>, html: &str) {
        let (ids, hrefs) = scan(html);
        let ids = sorted_ids(ids.iter().map(|i| &**i));
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        table.page(path.into(), origin.map(Path::to_path_buf), ids);
        for href in hrefs {
            table.link(&href);
        }
    }

    /// Scans one page as [`PageLinks::scan`] does, its links' texts shared with the table
    /// (and every page scanned so); with `add`, notes its facts as [`Links::add`] does.
    pub fn scan(&self, path: &str, origin: Option<&Path>, html: &str, add: bool) -> PageLinks {
        let (found_ids, found) = scan(html);
        let ids: Box<str> = found_ids.join("\0").into();
        let sorted = add.then(|| sorted_ids(found_ids.iter().map(|i| &**i)));
        drop(found_ids);
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sorted) = sorted {
            table.page(path.into(), origin.map(Path::to_path_buf), sorted);
        }
        let hrefs: Box<[Arc<str>]> = found
            .iter()
            .map(|href| match add {
                true => table.link(href),
                false => table.intern(href).0,
            })
            .collect();
        drop(table);
        PageLinks {
            path: path.into(),
            origin: origin.map(Path::to_path_buf),
            ids,
            hrefs,
        }
    }

    /// Notes the facts of one page scanned before.
    pub fn add(&self, facts: &PageLinks) {
        // One lock per page, after the scanning, keeps the render threads out of each other's way.
        let ids = sorted_ids(facts.ids.split('\0'));
        let mut table = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        table.page(facts.path.clone(), facts.origin.clone(), ids);
        for href in facts.hrefs.iter() {
            table.link(href);
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
        let by_path: HashMap<&str, usize> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (&*p.path, i))
            .collect();
        let has_id = |page: &str, id: &str| {
            by_path
                .get(page)
                .is_some_and(|&i| sorted_has(&pages[i].ids, id))
        };
        let site = Site {
            prefix,
            exists: &exists,
            has_id: &has_id,
        };
        let (ends, users) = by_link(&pages, uses, texts.len());
        let problems = (0..texts.len())
            .into_par_iter()
            .flat_map_iter(|link| {
                let users = &users[ends[link]..ends[link + 1]];
                let href = texts[link];
                // Only a link without a path ("#top", "?x") depends on the page it is on.
                let shared = (!href.split(['#', '?']).next().unwrap_or("").is_empty())
                    .then(|| site.broken(href, ""));
                let (pages, site) = (&pages, &site);
                users.iter().filter_map(move |&page| {
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

/// The pages that use each link, in page order: those of link `l` are
/// `users[ends[l]..ends[l + 1]]`. A counting sort on the link, as there are as many uses as
/// distinct links of every page (over a million at 300 policies) and few links; going
/// through the pages in order leaves each link's pages in order.
fn by_link(pages: &[Page], mut uses: Vec<u32>, links: usize) -> (Vec<usize>, Vec<u32>) {
    let mut ends = vec![0usize; links + 1];
    for &link in &uses {
        ends[link as usize + 1] += 1;
    }
    for i in 0..links {
        ends[i + 1] += ends[i];
    }
    let mut next = ends.clone();
    // The table grew `uses` by doubling: its spare capacity goes before the result is made.
    uses.shrink_to_fit();
    let mut users = vec![0u32; uses.len()];
    for (page, p) in pages.iter().enumerate() {
        let end = pages.get(page + 1).map_or(uses.len(), |n| n.uses);
        for &link in &uses[p.uses..end] {
            let slot = &mut next[link as usize];
            users[*slot] = page as u32;
            *slot += 1;
        }
    }
    (ends, users)
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

    #[test]
    fn sorted_ids_are_found_by_bisection() {
        let lists: [&[&str]; 6] = [
            &["x"],
            &["", "a"],
            &["b", "a", "c"],
            &["clause-1", "clause-10", "clause-2", "q-7", "top", "main"],
            &["dup", "dup", "e"],
            &["长", "短", "a-b", "a", "ab"],
        ];
        let probes = [
            "",
            "a",
            "b",
            "c",
            "x",
            "y",
            "clause-1",
            "clause-10",
            "clause-2",
            "clause-3",
            "q-7",
            "top",
            "main",
            "dup",
            "e",
            "长",
            "短",
            "a-b",
            "ab",
            "aa",
            "zzz",
        ];
        for ids in lists {
            let joined = sorted_ids(ids.iter().copied());
            for probe in probes {
                assert_eq!(
                    sorted_has(&joined, probe),
                    ids.contains(&probe),
                    "{probe:?} in {ids:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    #[test]
    fn a_kept_pages_source_is_named_through_the_new_root_and_others_are_left() {
        let mut links =
            PageLinks::scan("a/index.html", Some(Path::new("/srv/site/a/policy.md")), "");
        links.move_origin(Path::new("/srv/site"), Path::new("site"));
        assert_eq!(links.origin.as_deref(), Some(Path::new("site/a/policy.md")));
        // A source outside the old root (none today) keeps its name.
        let mut other = PageLinks::scan("b/index.html", Some(Path::new("/elsewhere/b.md")), "");
        other.move_origin(Path::new("/srv/site"), Path::new("site"));
        assert_eq!(other.origin.as_deref(), Some(Path::new("/elsewhere/b.md")));
    }
}
