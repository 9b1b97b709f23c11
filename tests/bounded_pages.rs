//! A portal of many policies keeps every page light: the home page shows the latest policies,
//! the 政策文件库, its facet pages, the format columns and the 网站地图 come in pages of
//! [`LIST_PAGE_SIZE`], the feed carries the latest [`FEED_ENTRIES`] interpretations, and past
//! [`SITEMAP_URLS`] pages `sitemap.xml` is a sitemap index. Checked on a generated portal big
//! enough to need a sitemap index; and paginated lists rebuild incrementally to exactly what a
//! full build makes.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::corpus::generate;
use common::html::{parse_file, selector};

use jiedu::build::{self, BuildOptions};
use jiedu::pipeline::{rebuild, Snapshot};
use jiedu::render::pages::LIST_PAGE_SIZE;
use jiedu::render::sink::Collect;
use jiedu::render::RenderOptions;

/// The most URLs one sitemap file may list (the sitemaps.org protocol).
const SITEMAP_URLS: usize = 50_000;
/// The feed carries the latest 50 interpretations.
const FEED_ENTRIES: usize = 50;
/// Enough policies for more than [`SITEMAP_URLS`] pages (about 46 a policy).
const POLICIES: usize = 1_100;
/// The largest HTML page a phone should have to download.
const MAX_PAGE_BYTES: u64 = 150 * 1024;
/// Page numbers a pager may show: the first, the last, this page and two on each side.
const PAGER_NUMBERS_MAX: usize = 9;
/// Policies the home page shows.
const HOME_POLICIES: usize = 10;

fn options(root: &Path, output: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: output.to_path_buf(),
        base_url: None,
        render: RenderOptions::default(),
        search: false,
    }
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// The texts between `open` and `close`, in order.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    text.split(open)
        .skip(1)
        .filter_map(|rest| rest.split(close).next())
        .collect()
}

/// `/library/2/` → `<out>/library/2/index.html`.
fn file_of(out: &Path, href: &str) -> PathBuf {
    let rel = href.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        out.join(rel).join("index.html")
    } else {
        out.join(rel)
    }
}

/// The hrefs of the links `css` selects on a page.
fn hrefs(page: &Path, css: &str) -> Vec<String> {
    parse_file(page)
        .select(&selector(css))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

/// Follows a list's pager from its first page by its 下一页 links: every page's items (`css`),
/// page by page. Checks that each page marks itself current, links the first and the last page
/// and its neighbours, and shows a bounded number of page numbers however long the list is.
fn list_pages(out: &Path, first: &str, css: &str) -> Vec<Vec<String>> {
    let mut pages = vec![first.to_string()];
    while let Some(next) = hrefs(
        &file_of(out, pages.last().unwrap()),
        "nav.pager a[rel=next]",
    )
    .first()
    .cloned()
    {
        assert!(
            !pages.contains(&next),
            "{first}: the pager goes round to {next}"
        );
        pages.push(next);
    }
    let last = pages.last().unwrap().clone();
    pages
        .iter()
        .enumerate()
        .map(|(i, href)| {
            let page = file_of(out, href);
            if pages.len() > 1 {
                let numbered = hrefs(&page, "nav.pager a:not([rel])");
                assert_eq!(
                    hrefs(&page, "nav.pager a[aria-current=page]"),
                    vec![href.clone()],
                    "{}",
                    page.display()
                );
                assert_eq!(numbered.first(), Some(&pages[0]), "{}", page.display());
                assert_eq!(numbered.last(), Some(&last), "{}", page.display());
                assert!(
                    numbered.len() <= PAGER_NUMBERS_MAX,
                    "{}: {numbered:?}",
                    page.display()
                );
                let previous = hrefs(&page, "nav.pager a[rel=prev]");
                assert_eq!(
                    previous,
                    pages[i.saturating_sub(1)..i].to_vec(),
                    "{}",
                    page.display()
                );
            }
            hrefs(&page, css)
        })
        .collect()
}

/// Every item of a paginated list appears once, and each page but the last is full.
fn check_pages(what: &str, pages: &[Vec<String>], expected: usize) {
    let all: Vec<&String> = pages.iter().flatten().collect();
    let distinct: BTreeSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), expected, "{what}: items over all pages");
    assert_eq!(distinct.len(), expected, "{what}: an item listed twice");
    assert_eq!(
        pages.len(),
        expected.div_ceil(LIST_PAGE_SIZE).max(1),
        "{what}"
    );
    for (i, p) in pages.iter().enumerate() {
        if i + 1 < pages.len() {
            assert_eq!(p.len(), LIST_PAGE_SIZE, "{what}: page {}", i + 1);
        }
    }
}

/// A temporary folder in memory where the machine has one: the large portal writes about a
/// gigabyte, which a loaded disk takes minutes to absorb.
fn memory_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

#[test]
fn a_large_portal_keeps_every_page_light() {
    let tmp = memory_tempdir();
    let root = tmp.path().join("site");
    let out = tmp.path().join("public");
    generate(POLICIES, 1, &root);
    let (built, _) = build::build(&options(&root, &out)).unwrap_or_else(|d| panic!("{d}"));
    // Unique titles and 文号 at this size: no duplicate warnings or errors.
    assert!(built.warnings.is_empty(), "{}", built.warnings);
    assert!(built.pages > SITEMAP_URLS, "{} pages", built.pages);

    // No HTML page above the bound.
    let html = html_files(&out);
    let (largest, size) = html
        .iter()
        .map(|p| (p, std::fs::metadata(p).unwrap().len()))
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(
        size <= MAX_PAGE_BYTES,
        "{}: {size} bytes",
        largest.display()
    );

    // The home page: the latest policies and a link to the 政策文件库.
    let home = out.join("index.html");
    let latest = hrefs(&home, ".home-policies tbody a");
    assert_eq!(latest.len(), HOME_POLICIES);
    assert!(hrefs(&home, ".home-policies .more-link a")
        .iter()
        .any(|h| h == "/library/"));

    // The 政策文件库, newest first, and the first policies of its list are the home page's.
    let library = list_pages(&out, "/library/", ".library-table tbody td:first-child a");
    check_pages("政策文件库", &library, POLICIES);
    assert_eq!(library[0][..HOME_POLICIES], latest[..]);
    let oldest = list_pages(
        &out,
        "/library/oldest/",
        ".library-table tbody td:first-child a",
    );
    check_pages("政策文件库（从旧到新）", &oldest, POLICIES);
    let mut reversed: Vec<&String> = library.iter().flatten().collect();
    reversed.reverse();
    assert_eq!(oldest.iter().flatten().collect::<Vec<_>>(), reversed);
    // Without JavaScript a paginated list offers no combined filter that would see one page.
    let all_page = std::fs::read_to_string(out.join("library/index.html")).unwrap();
    assert!(!all_page.contains("library-filter"));
    // Each facet's pages list exactly its policies: the issuers' pages together list them all.
    let issuers: Vec<String> = hrefs(&out.join("library/index.html"), ".facet-group a")
        .into_iter()
        .filter(|h| h.contains("/issuer/"))
        .collect();
    assert!(issuers.len() > 1);
    let mut by_issuer = 0;
    for first in &issuers {
        let pages = list_pages(&out, first, ".library-table tbody td:first-child a");
        let n: usize = pages.iter().map(Vec::len).sum();
        check_pages(first, &pages, n);
        by_issuer += n;
    }
    assert_eq!(by_issuer, POLICIES);

    // A format column lists every interpretation of its format, once.
    let column = list_pages(&out, "/column/expert/", ".column-list > li > a");
    check_pages("专家解读栏目", &column, POLICIES);
    // The 网站地图 lists every policy, once.
    let sitemap_page = list_pages(&out, "/sitemap/", ".sitemap-policies > ul > li > a");
    check_pages("网站地图", &sitemap_page, POLICIES);

    // The feed: the latest interpretations, newest first, the newest of the site first.
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    let updated: Vec<&str> = between(&atom, "<entry>", "</entry>")
        .iter()
        .flat_map(|e| between(e, "<updated>", "</updated>"))
        .collect();
    assert_eq!(updated.len(), FEED_ENTRIES);
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
    let newest = built
        .site
        .policies
        .iter()
        .flat_map(|p| &p.interpretations)
        .filter_map(|i| i.published.clone())
        .max()
        .unwrap();
    assert_eq!(updated[0], newest.replacen(' ', "T", 1) + "+08:00");

    // sitemap.xml: an index of files of at most SITEMAP_URLS URLs that together list every page
    // but the 404 page, once; robots.txt points at the index.
    let index = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let files = between(&index, "<sitemap><loc>", "</loc>");
    assert_eq!(files.len(), built.pages.div_ceil(SITEMAP_URLS), "{files:?}");
    let mut listed: BTreeMap<String, usize> = BTreeMap::new();
    for loc in files {
        let name = loc.rsplit('/').next().unwrap();
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert!(text.contains("<urlset"), "{name}");
        let urls = between(&text, "<url><loc>", "</loc>");
        assert!(urls.len() <= SITEMAP_URLS, "{name}: {} URLs", urls.len());
        for u in urls {
            *listed.entry(u.to_string()).or_default() += 1;
        }
    }
    assert!(listed.values().all(|&n| n == 1));
    assert_eq!(listed.len(), built.pages - 1);
    for u in listed.keys() {
        let href = u.split_once("://").map_or(u.as_str(), |(_, rest)| {
            rest.find('/').map_or("/", |i| &rest[i..])
        });
        assert!(file_of(&out, href).is_file(), "sitemap lists missing {u}");
    }
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("sitemap.xml"));
}

/// Policy `n` of the generated corpus.
fn policy_md(root: &Path, n: usize) -> PathBuf {
    root.join(format!("zhengce-{n:04}/policy.md"))
}

/// An incremental rebuild and a full build of the same sources make the same files.
fn rebuild_and_compare(prev: &Snapshot, root: &Path, what: &str) -> std::sync::Arc<Snapshot> {
    let update = rebuild(Some(prev), root, prev.options(), None).unwrap();
    let full = Collect::default();
    build::render(&options(root, Path::new("unused")), &full).unwrap();
    let full = full.into_files();
    let incremental = update.snapshot.to_files();
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>(),
        "after {what}: same files"
    );
    for (path, file) in &full {
        assert!(
            incremental[path] == *file,
            "after {what}: {path} differs from a full build"
        );
    }
    update.snapshot
}

#[test]
fn paginated_lists_rebuild_to_exactly_the_full_build() {
    let tmp = memory_tempdir();
    let root = tmp.path().join("site");
    // Two pages of the library, columns and 网站地图.
    generate(LIST_PAGE_SIZE + 5, 3, &root);
    let snap = rebuild(None, &root, RenderOptions::default(), None)
        .unwrap()
        .snapshot;
    let has = |s: &Snapshot, path: &str| s.to_files().contains_key(path);
    assert!(has(&snap, "library/2/index.html"));
    assert!(has(&snap, "column/expert/2/index.html"));
    assert!(has(&snap, "sitemap/2/index.html"));

    // A policy published later than all others moves to the top of the first page.
    let path = policy_md(&root, LIST_PAGE_SIZE + 3);
    let text = std::fs::read_to_string(&path).unwrap();
    let published = between(&text, "published: ", "\n")[0].to_string();
    std::fs::write(&path, text.replacen(&published, "'2026-01-05 09:00:00'", 1)).unwrap();
    let snap = rebuild_and_compare(&snap, &root, "a policy's date moved");

    // Fewer policies: the second pages go.
    for n in LIST_PAGE_SIZE - 2..=LIST_PAGE_SIZE + 5 {
        std::fs::remove_dir_all(root.join(format!("zhengce-{n:04}"))).unwrap();
    }
    let snap = rebuild_and_compare(&snap, &root, "policies removed");
    assert!(!has(&snap, "library/2/index.html"));
    assert!(!has(&snap, "sitemap/2/index.html"));
}
