//! The open data of a site built by the real binary (`data/policies.json`, `data/<slug>.json`
//! and their JSON Schemas under `data/schema/`), read as an outside consumer reads it: a Python
//! script starting from `data/policies.json` with the stock `jsonschema` validator
//! (tests/open_data/consume.py). The files validate, and every clause page, with the units,
//! deadlines, targets, passages and progress it shows, is in the data as the page shows it.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::html::{normalized_text, parse_file, selector};
use common::open_data::{consume, consumed};
use common::{add_citing_bundle, ExampleSite};
use scraper::ElementRef;
use serde_json::Value;

/// The example portal with a second bundle citing the first, built by the binary.
fn built_example() -> ExampleSite {
    let site = ExampleSite::new();
    add_citing_bundle(&site.root());
    let o = site.build();
    assert!(o.status.success(), "{}", common::stderr(&o));
    site
}

fn text(e: ElementRef) -> String {
    normalized_text(e.text())
}

fn without_spaces(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The site file a site path names (`/a/b/` → `a/b/index.html`, fragment dropped).
fn file_of(public: &Path, url: &str) -> std::path::PathBuf {
    let path = url.split('#').next().unwrap().trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        public.join(path).join("index.html")
    } else {
        public.join(path)
    }
}

/// What a clause page shows, read from its HTML.
#[derive(Debug, PartialEq)]
struct Shown {
    short_label: String,
    heading: String,
    text: String,
    /// (role word, unit names, unit page links).
    units: Vec<(String, Vec<String>, Vec<Option<String>>)>,
    /// Deadline and targets, each as `标签 文字`.
    milestones: Vec<String>,
    passages: Vec<String>,
    progress: Vec<String>,
}

fn shown_on_page(page: &Path) -> Shown {
    let doc = parse_file(page);
    let h1 = doc.select(&selector("h1")).next().unwrap();
    let num = text(h1.select(&selector(".num")).next().unwrap());
    let heading = text(h1).strip_prefix(&num).unwrap().trim().to_string();
    let units = doc
        .select(&selector(".unit-note .units"))
        .map(|g| {
            let label = text(g.select(&selector(".units-label")).next().unwrap());
            let items: Vec<ElementRef> = g.select(&selector("li")).collect();
            (
                label.trim_end_matches('：').to_string(),
                items.iter().map(|li| text(*li)).collect(),
                items
                    .iter()
                    .map(|li| {
                        li.select(&selector("a"))
                            .next()
                            .and_then(|a| a.value().attr("href"))
                            .map(str::to_string)
                    })
                    .collect(),
            )
        })
        .collect();
    let links = |section: &str| -> Vec<String> {
        doc.select(&selector(&format!(
            "section[aria-labelledby=\"{section}\"] ul.passages > li > a"
        )))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
    };
    Shown {
        short_label: num,
        heading,
        text: without_spaces(
            &doc.select(&selector(".clause-text"))
                .next()
                .map(text)
                .unwrap_or_default(),
        ),
        units,
        milestones: doc.select(&selector(".milestones li")).map(text).collect(),
        passages: links("h-interp"),
        progress: links("h-progress"),
    }
}

fn shown_in_data(node: &Value) -> Shown {
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let labelled = |m: &Value| format!("{} {}", s(&m["label"]), s(&m["text"]));
    let urls = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| s(&x["url"]))
            .collect()
    };
    Shown {
        short_label: s(&node["short_label"]),
        heading: s(&node["heading"]),
        text: without_spaces(&s(&node["text"])),
        units: node["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                let units = g["units"].as_array().unwrap();
                (
                    s(&g["label"]),
                    units.iter().map(|u| s(&u["name"])).collect(),
                    units
                        .iter()
                        .map(|u| u["url"].as_str().map(str::to_string))
                        .collect(),
                )
            })
            .collect(),
        milestones: node["deadline"]
            .as_object()
            .map(|_| labelled(&node["deadline"]))
            .into_iter()
            .chain(node["milestones"].as_array().unwrap().iter().map(labelled))
            .collect(),
        passages: urls(&node["passages"]),
        progress: urls(&node["progress"]),
    }
}

/// Clause pages of a policy, as site paths (`/<slug>/clause/<x>/`).
fn clause_pages(public: &Path, slug: &str) -> BTreeSet<String> {
    std::fs::read_dir(public.join(slug).join("clause"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("index.html").is_file())
        .map(|e| format!("/{slug}/clause/{}/", e.file_name().to_string_lossy()))
        .collect()
}

#[test]
fn open_data_validates_with_a_stock_validator_and_says_what_the_clause_pages_say() {
    let site = built_example();
    let public = site.out();
    let data = consumed(&public);

    let listed: Vec<&str> = data["list"]["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["yiliao-gaodi", "yiliao-gaodi-b"]);

    let (mut clauses, mut units, mut passages, mut cross_cites) = (0, BTreeSet::new(), 0, 0);
    let mut panels = 0;
    for (slug, doc) in data["policies"].as_object().unwrap() {
        // The policy page offers the download and its schema.
        let page = parse_file(&file_of(&public, doc["url"].as_str().unwrap()));
        let offered: Vec<&str> = page
            .select(&selector(".data-download a"))
            .map(|a| a.value().attr("href").unwrap())
            .collect();
        assert_eq!(
            offered,
            [
                format!("/data/{slug}.json").as_str(),
                "/data/schema/policy-v1.json"
            ],
            "{slug}: 数据下载 links"
        );

        let nodes = doc["nodes"].as_array().unwrap();
        let in_data: BTreeSet<String> = nodes
            .iter()
            .filter(|n| n["clause"] == true)
            .map(|n| n["url"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(in_data, clause_pages(&public, slug), "{slug}: clause pages");
        for node in nodes.iter().filter(|n| n["clause"] == true) {
            let url = node["url"].as_str().unwrap();
            let shown = shown_on_page(&file_of(&public, url));
            assert_eq!(shown_in_data(node), shown, "{url}: data and page differ");
            clauses += 1;
            passages += shown.passages.len() + shown.progress.len();
            for (_, names, links) in &shown.units {
                for (name, link) in names.iter().zip(links) {
                    units.insert(name.clone());
                    // A linked unit's page is there and is that unit's.
                    if let Some(link) = link {
                        let unit_page = parse_file(&file_of(&public, link));
                        let h1 = text(unit_page.select(&selector("h1")).next().unwrap());
                        assert!(
                            h1.contains(name.as_str()),
                            "{link}: h1 {h1:?} is not {name}"
                        );
                    }
                }
            }
        }
        // Every clause an interpretation, answer or progress item cites is in the data: its
        // own by id, another policy's as `slug:id`.
        let resolves = |cite: &str| {
            let (policy, id) = cite.split_once(':').unwrap_or((slug.as_str(), cite));
            data["policies"][policy]["nodes"]
                .as_array()
                .is_some_and(|n| n.iter().any(|n| n["id"] == id))
        };
        let interpretations = doc["interpretations"].as_array().unwrap();
        let cites = interpretations
            .iter()
            .flat_map(|i| {
                std::iter::once(i)
                    .chain(i["questions"].as_array().unwrap())
                    .chain(i["panels"].as_array().unwrap())
            })
            .chain(doc["progress"].as_array().unwrap())
            .flat_map(|x| x["cites"].as_array().unwrap())
            .map(|c| c.as_str().unwrap());
        for cite in cites {
            assert!(resolves(cite), "{slug}: cites {cite}, which is in no data");
            cross_cites += usize::from(cite.contains(':'));
        }
        // Every infographic panel the data lists is on its page, and is a passage of each
        // clause of this policy it cites.
        for i in interpretations {
            for panel in i["panels"].as_array().unwrap() {
                let url = panel["url"].as_str().unwrap();
                let (page, anchor) = url.split_once('#').unwrap();
                let html = std::fs::read_to_string(file_of(&public, page)).unwrap();
                assert!(html.contains(&format!("id=\"{anchor}\"")), "{slug}: {url}");
                panels += 1;
                for cite in panel["cites"].as_array().unwrap() {
                    let cite = cite.as_str().unwrap();
                    let (policy, id) = cite.split_once(':').unwrap_or((slug.as_str(), cite));
                    let node = data["policies"][policy]["nodes"]
                        .as_array()
                        .and_then(|n| n.iter().find(|n| n["id"] == id))
                        .unwrap_or_else(|| panic!("{slug}: panel cites {cite}, in no data"));
                    assert!(
                        node["passages"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|p| p["url"] == panel["url"]),
                        "{slug}: {url} is not among the passages of {cite}"
                    );
                }
            }
        }
        // Every interpretation and Q&A the data lists is a page of the site.
        for i in doc["interpretations"].as_array().unwrap() {
            let urls = std::iter::once(&i["url"])
                .chain(i["questions"].as_array().unwrap().iter().map(|q| &q["url"]));
            for url in urls {
                let url = url.as_str().unwrap();
                assert!(file_of(&public, url).is_file(), "{slug}: {url} is no page");
            }
        }
    }
    eprintln!(
        "open data: {} policies, {clauses} clause pages, {} units, {passages} passages and progress items round-trip",
        listed.len(),
        units.len()
    );
    assert!(clauses >= 50 && units.len() >= 20 && passages >= 100);
    // add_citing_bundle cites the first bundle's clauses from a question, a progress item and
    // an infographic panel.
    assert_eq!(cross_cites, 3, "citations of another policy's clauses");
    assert!(panels >= 4, "{panels} infographic panels");
}

/// Replaces the first occurrence of `from` in a built file.
fn tamper(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn the_consumer_refuses_data_that_breaks_the_schema() {
    let site = built_example();
    let public = site.out();
    let file = public.join("data/yiliao-gaodi.json");
    tamper(&file, "\"role\":\"lead\"", "\"role\":\"boss\"");
    tamper(&file, "\"milestones\":[],", "");
    let o = consume(&public);
    assert!(!o.status.success(), "tampered data passed");
    let errors = common::stderr(&o);
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(lines.len(), 2, "{errors}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("data/yiliao-gaodi.json ['nodes']")
                && l.ends_with("['role']: 'boss' is not one of ['lead', 'responsible', 'guide']")),
        "{errors}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("data/yiliao-gaodi.json ['nodes']")
                && l.ends_with("'milestones' is a required property")),
        "{errors}"
    );
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// The first child of an Atom element named `name`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    n.children()
        .find(|c| c.has_tag_name((ATOM, name)))
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", n.tag_name().name()))
}

/// A page's Atom feed as a reader finds and reads it.
struct Feed {
    url: String,
    title: String,
    /// Each entry's link, newest first.
    links: Vec<String>,
}

/// The feed `page` offers: its 订阅 link and its head link both name `<page>atom.xml`; the feed
/// parses as Atom, links to itself, and its entries have titles, come newest first and link
/// each page once.
fn offered_feed(public: &Path, page: &str, absolute: &dyn Fn(&str) -> String) -> Feed {
    let url = format!("{page}atom.xml");
    let html = parse_file(&file_of(public, page));
    let offered: Vec<&str> = html
        .select(&selector(".subscribe a[type=\"application/atom+xml\"]"))
        .chain(html.select(&selector(
            "head link[rel=alternate][type=\"application/atom+xml\"]",
        )))
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(
        offered.iter().filter(|h| **h == url).count(),
        2,
        "{page}: 订阅 link and head link to {url}: {offered:?}"
    );
    let text = std::fs::read_to_string(file_of(public, &url)).unwrap();
    let xml = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{url}: {e}"));
    let feed = xml.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{url}: not an Atom feed");
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"))
        .and_then(|l| l.attribute("href"));
    assert_eq!(self_link, Some(absolute(&url).as_str()));
    let list: Vec<(String, String)> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| {
            assert!(!child(e, "title").text().unwrap_or("").is_empty());
            (
                child(e, "updated").text().unwrap().to_string(),
                child(e, "link").attribute("href").unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        list.windows(2).all(|w| w[0].0 >= w[1].0),
        "{url}: not newest first"
    );
    let links: Vec<String> = list.into_iter().map(|(_, l)| l).collect();
    let unique: BTreeSet<&String> = links.iter().collect();
    assert_eq!(unique.len(), links.len(), "{url}: a link twice");
    Feed {
        title: child(feed, "title").text().unwrap_or("").to_string(),
        url,
        links,
    }
}

/// The feed lists every expected link when there are at most 50, else 50 of them; returns
/// whether it lists them all.
fn lists_expected(feed: &Feed, expected: &BTreeSet<String>) -> bool {
    let got: BTreeSet<String> = feed.links.iter().cloned().collect();
    if expected.len() <= 50 {
        assert_eq!(&got, expected, "{}", feed.url);
        true
    } else {
        assert_eq!(got.len(), 50, "{}", feed.url);
        assert!(
            got.is_subset(expected),
            "{}: {:?}",
            feed.url,
            got.difference(expected)
        );
        false
    }
}

/// Every unit page offers its Atom feed ("订阅"), and the feed, read with an XML parser, lists
/// the policies giving the unit tasks and every page citing one of them (each progress item on
/// its own), as the open data says them: newest first, at most 50.
#[test]
fn every_unit_page_offers_a_feed_of_what_concerns_the_unit() {
    let site = built_example();
    let public = site.out();
    let data = consumed(&public);
    let base = data["list"]["base_url"].as_str().unwrap();
    let absolute = |url: &str| format!("{base}{}", url.trim_start_matches('/'));
    // Unit page → the links its feed should carry.
    let mut expected: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (_, doc) in data["policies"].as_object().unwrap() {
        for node in doc["nodes"].as_array().unwrap() {
            let units = node["units"].as_array().unwrap().iter();
            for unit in units.flat_map(|g| g["units"].as_array().unwrap()) {
                let Some(page) = unit["url"].as_str() else {
                    continue;
                };
                let links = expected.entry(page.to_string()).or_default();
                links.insert(absolute(doc["url"].as_str().unwrap()));
                for p in node["passages"].as_array().unwrap() {
                    let url = p["url"].as_str().unwrap();
                    links.insert(absolute(url.split('#').next().unwrap()));
                }
                for p in node["progress"].as_array().unwrap() {
                    links.insert(absolute(p["url"].as_str().unwrap()));
                }
            }
        }
    }
    assert!(expected.len() >= 20, "{} units", expected.len());
    let (mut full, mut entries) = (0, 0);
    for (page, links) in &expected {
        let feed = offered_feed(&public, page, &absolute);
        full += usize::from(lists_expected(&feed, links));
        entries += feed.links.len();
    }
    eprintln!(
        "unit feeds: {} units, {full} listing everything, {entries} entries",
        expected.len()
    );
    assert!(full >= 10);
}

/// Every issuer's and topic's list in the 政策文件库 offers its Atom feed ("订阅" and a head
/// link), and the feed, read with an XML parser, lists what the list shows: each policy and each
/// of its interpretations, newest first, at most 50, under the list's name.
#[test]
fn every_issuer_and_topic_list_offers_a_feed_of_its_policies_and_interpretations() {
    let site = built_example();
    let public = site.out();
    let data = consumed(&public);
    let base = data["list"]["base_url"].as_str().unwrap();
    let absolute = |url: &str| format!("{base}{}", url.trim_start_matches('/'));
    let library = parse_file(&public.join("library/index.html"));
    let lists: BTreeSet<String> = library
        .select(&selector(".library-facets a"))
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.contains("/issuer/") || h.contains("/topic/"))
        .map(str::to_string)
        .collect();
    let (issuers, topics) = lists
        .iter()
        .partition::<Vec<_>, _>(|h| h.contains("/issuer/"));
    assert!(
        !issuers.is_empty() && !topics.is_empty(),
        "issuer and topic lists: {lists:?}"
    );
    for page in &lists {
        let html = parse_file(&file_of(&public, page));
        let heading = text(html.select(&selector("h1")).next().unwrap());
        // What the list shows: each policy's page and its interpretations (not its progress).
        let mut shown: BTreeSet<String> = BTreeSet::new();
        for row in html.select(&selector(".policy-library tbody tr")) {
            let policy = row.select(&selector("td a")).next().unwrap();
            shown.insert(absolute(policy.value().attr("href").unwrap()));
            for link in row.select(&selector(".row-links a")) {
                if text(link) != "落实进展" {
                    shown.insert(absolute(link.value().attr("href").unwrap()));
                }
            }
        }
        assert!(!shown.is_empty(), "{page}: no policy listed");

        let feed = offered_feed(&public, page, &absolute);
        let value = heading.trim_start_matches("政策文件库：");
        assert!(
            feed.title.contains(value),
            "{}: title {:?} names {value:?}",
            feed.url,
            feed.title
        );
        lists_expected(&feed, &shown);
    }
}
