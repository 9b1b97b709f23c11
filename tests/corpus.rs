//! The benchmark corpus (tests/bench/gen-corpus) is real content: it builds without errors or
//! warnings, every internal link of the built site resolves, and it has the pages it promises.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::corpus::generate;

use jiedu::build::{build, BuildOptions};
use jiedu::render::RenderOptions;

const POLICIES: usize = 30;
/// Policy, 25 clauses, 7 interpretations, 12 questions and the progress page.
const PAGES_PER_POLICY: usize = 1 + 25 + 7 + 12 + 1;
/// Home, units index, search, 404, seven columns and the about page.
const SITE_PAGES: usize = 4 + 7 + 1;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every `href="/…"` of a page (Tera escapes `/` as `&#x2F;`), without its fragment.
fn internal_links(html: &str) -> BTreeSet<String> {
    html.replace("&#x2F;", "/")
        .split("href=\"/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn corpus_builds_and_every_link_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let out = tmp.path().join("public");
    generate(POLICIES, 1, &root);
    let opts = BuildOptions {
        root: root.clone(),
        output: out.clone(),
        base_url: None,
        render: RenderOptions::default(),
        search: false,
    };
    let (built, _) = build(&opts).unwrap_or_else(|d| panic!("{d}"));
    assert!(built.warnings.is_empty(), "{}", built.warnings);

    // Units are shared: each unit page lists clauses of several policies.
    let units = built.site.units.len();
    assert!(units > 20, "{units} units");
    let shared = built.site.units.iter().filter(|u| {
        let policies: BTreeSet<&str> = u
            .lead
            .iter()
            .chain(&u.responsible)
            .filter_map(|k| k.split(':').next())
            .collect();
        policies.len() > 1
    });
    assert!(shared.count() > units / 2);
    // The 政策文件库: newest and oldest first, then one page per year, issuer, topic and
    // validity the corpus's policies have; and the HTML 网站地图.
    let distinct = |f: &dyn Fn(&jiedu::model::Policy) -> Option<String>| {
        built
            .site
            .policies
            .iter()
            .filter_map(|p| f(p))
            .collect::<BTreeSet<_>>()
            .len()
    };
    let library =
        2 + distinct(&|p| {
            let date = p.meta.published.as_ref().or(p.meta.signed.as_ref())?;
            Some(date.chars().take(4).collect())
        }) + distinct(&|p| Some(p.meta.issuer.clone()))
            + distinct(&|p| p.meta.topic.clone())
            + distinct(&|p| Some(p.meta.validity.clone()));
    // A unit with tasks in many policies has later parts: unit/<slug>/2/, 3/, …
    let unit_parts = files(&out.join("unit"))
        .iter()
        .filter(|p| {
            p.parent()
                .and_then(|d| d.file_name())
                .is_some_and(|n| n.to_string_lossy().parse::<usize>().is_ok_and(|n| n >= 2))
        })
        .count();
    assert!(unit_parts > 0, "no unit of the corpus has a second part");
    assert_eq!(
        built.pages,
        POLICIES * PAGES_PER_POLICY + SITE_PAGES + units + unit_parts + library + 1
    );

    let html: Vec<PathBuf> = files(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(html.len(), built.pages);
    for bundle in ["zhengce-0001", "zhengce-0030"] {
        let n = html
            .iter()
            .filter(|p| p.starts_with(out.join(bundle)))
            .count();
        assert_eq!(n, PAGES_PER_POLICY, "{bundle}");
    }

    // Every clause page is cited by at least one interpretation passage.
    let clause_pages: Vec<&PathBuf> = html
        .iter()
        .filter(|p| p.to_string_lossy().contains("/clause/"))
        .collect();
    assert_eq!(clause_pages.len(), POLICIES * 25);

    let mut checked = 0;
    for page in &html {
        let text = std::fs::read_to_string(page).unwrap();
        for link in internal_links(&text) {
            let target = out.join(&link);
            let exists = if link.is_empty() || link.ends_with('/') {
                target.join("index.html").is_file()
            } else {
                target.is_file()
            };
            assert!(exists, "{} links to missing /{link}", page.display());
            checked += 1;
        }
    }
    assert!(checked > built.pages * 10, "{checked} links checked");
}

#[test]
fn same_seed_same_corpus_other_seed_other_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate(3, 7, &a);
    generate(3, 7, &b);
    generate(3, 8, &c);
    let read = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files(root)
            .into_iter()
            .map(|p| {
                (
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
}
