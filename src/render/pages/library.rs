//! The 政策文件库: every policy in a table, and static pages per year, issuing body, topic
//! (主题分类) and validity, so that each filter works without JavaScript. Each list is cut into
//! pages of [`super::LIST_PAGE_SIZE`] policies. When all policies fit on one page, that page
//! also carries a filter form that `library.js` turns into combined filters (the script can
//! only filter the rows it has).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{At, PageKind};
use crate::model::lifecycle::Validity;
use crate::model::types::PolicyMeta;
use crate::model::urls::Urls;
use crate::model::{unit_slug, urls, Site};
use crate::render::chrome::{self, crumbs, wrap};
use crate::render::cx::Cx;
use crate::render::cx::{Interpretations, PolicyHead};

/// Every page of the 政策文件库: all policies or those of one year, issuer, topic or validity.
pub const LIBRARY: PageKind = PageKind {
    name: "library",
    template: "library.html",
    in_sitemap: true,
    pages: |s: &Site| {
        pages(s)
            .into_iter()
            .flat_map(|(f, n)| {
                let [variant, value, _] = at_of(f);
                super::each_page(variant, value, n)
            })
            .collect()
    },
    url: |s, at| super::list_page_url(&url(s, facet_of(at)), at[2]),
    origin: super::no_origin,
    context: |cx, at| context(facet_of(at), at[2], cx),
};

/// A facet as a page position: `[variant, value, page]` with page 0.
fn at_of(f: Facet) -> At {
    match f {
        Facet::All => [0, 0, 0],
        Facet::Oldest => [1, 0, 0],
        Facet::Year(y) => [2, y as usize, 0],
        Facet::Issuer(i) => [3, i, 0],
        Facet::Topic(i) => [4, i, 0],
        Facet::Validity(v) => [
            5,
            Validity::ALL.iter().position(|x| *x == v).unwrap_or(0),
            0,
        ],
    }
}

fn facet_of(at: At) -> Facet {
    match at[0] {
        1 => Facet::Oldest,
        2 => Facet::Year(u16::try_from(at[1]).unwrap_or(0)),
        3 => Facet::Issuer(at[1]),
        4 => Facet::Topic(at[1]),
        5 => Facet::Validity(Validity::ALL.get(at[1]).copied().unwrap_or(Validity::Valid)),
        _ => Facet::All,
    }
}

pub const URL: &str = "library/";
const TITLE: &str = "政策文件库";

/// Which policies a library page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// Every policy, newest first.
    All,
    /// Every policy, oldest first.
    Oldest,
    Year(u16),
    /// Index into the sorted issuing bodies.
    Issuer(usize),
    /// Index into the sorted topics.
    Topic(usize),
    Validity(Validity),
}

/// The values each filter offers, with how many policies have each.
struct Facets<'a> {
    /// Newest first.
    years: Vec<(u16, usize)>,
    issuers: Vec<(&'a str, usize)>,
    topics: Vec<(&'a str, usize)>,
    validities: Vec<(Validity, usize)>,
}

/// The date a policy is sorted and filed by: its 发布日期, else its 成文日期.
pub fn date(m: &PolicyMeta) -> Option<&str> {
    m.published.as_deref().or(m.signed.as_deref())
}

fn year(m: &PolicyMeta) -> Option<u16> {
    date(m)?.get(..4)?.parse().ok()
}

/// A policy's topic as the library files it (blank means none).
pub fn topic(m: &PolicyMeta) -> Option<&str> {
    m.topic.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn counts<K: Ord>(keys: impl Iterator<Item = K>) -> Vec<(K, usize)> {
    let mut map = BTreeMap::new();
    for k in keys {
        *map.entry(k).or_insert(0) += 1;
    }
    map.into_iter().collect()
}

fn facets<'a>(ps: &[PolicyHead<'a>]) -> Facets<'a> {
    let mut years = counts(ps.iter().filter_map(|p| year(p.meta)));
    years.reverse();
    Facets {
        years,
        issuers: counts(ps.iter().map(|p| p.meta.issuer.as_str())),
        topics: counts(ps.iter().filter_map(|p| topic(p.meta))),
        validities: counts(ps.iter().map(|p| p.lifecycle.validity)),
    }
}

impl Facets<'_> {
    fn all(&self) -> Vec<Facet> {
        let mut v = vec![Facet::All, Facet::Oldest];
        v.extend(self.years.iter().map(|(y, _)| Facet::Year(*y)));
        v.extend((0..self.issuers.len()).map(Facet::Issuer));
        v.extend((0..self.topics.len()).map(Facet::Topic));
        v.extend(self.validities.iter().map(|(v, _)| Facet::Validity(*v)));
        v
    }

    /// How many policies a facet's list has.
    fn size(&self, f: Facet) -> usize {
        let count = |list: &[(&str, usize)], i: usize| list.get(i).map_or(0, |(_, n)| *n);
        match f {
            Facet::All | Facet::Oldest => self.validities.iter().map(|(_, n)| n).sum(),
            Facet::Year(y) => self
                .years
                .iter()
                .find(|(x, _)| *x == y)
                .map_or(0, |(_, n)| *n),
            Facet::Issuer(i) => count(&self.issuers, i),
            Facet::Topic(i) => count(&self.topics, i),
            Facet::Validity(v) => self
                .validities
                .iter()
                .find(|(x, _)| *x == v)
                .map_or(0, |(_, n)| *n),
        }
    }

    fn matches(&self, f: Facet, p: PolicyHead) -> bool {
        match f {
            Facet::All | Facet::Oldest => true,
            Facet::Year(y) => year(p.meta) == Some(y),
            Facet::Issuer(i) => self
                .issuers
                .get(i)
                .is_some_and(|(n, _)| *n == p.meta.issuer),
            Facet::Topic(i) => self.topics.get(i).map(|(t, _)| *t) == topic(p.meta),
            Facet::Validity(v) => p.lifecycle.validity == v,
        }
    }

    /// URL relative to the site root.
    fn url(&self, f: Facet) -> String {
        fn name<'a>(list: &[(&'a str, usize)], i: usize) -> Option<&'a str> {
            list.get(i).map(|(n, _)| *n)
        }
        match f {
            Facet::All => URL.to_string(),
            Facet::Oldest => format!("{URL}oldest/"),
            Facet::Year(y) => format!("{URL}year/{y}/"),
            Facet::Issuer(i) => {
                name(&self.issuers, i).map_or_else(String::new, urls::library_issuer)
            }
            Facet::Topic(i) => name(&self.topics, i).map_or_else(String::new, urls::library_topic),
            Facet::Validity(v) => format!("{URL}validity/{}/", v.slug()),
        }
    }

    /// The filter value a page shows, e.g. 2024年 or 聊城市人民政府.
    fn label(&self, f: Facet) -> Option<String> {
        let name = |list: &[(&str, usize)], i: usize| list.get(i).map(|(n, _)| n.to_string());
        match f {
            Facet::All | Facet::Oldest => None,
            Facet::Year(y) => Some(format!("{y}年")),
            Facet::Issuer(i) => name(&self.issuers, i),
            Facet::Topic(i) => name(&self.topics, i),
            Facet::Validity(v) => Some(v.label().to_string()),
        }
    }
}

fn all_policies(site: &Site) -> Vec<PolicyHead<'_>> {
    site.policies.iter().map(|p| PolicyHead::of(p)).collect()
}

/// Every library list with how many policies it has. A site with no policy yet still has the
/// two pages of all policies (saying there are none): the header of every page links to the
/// library.
fn pages(site: &Site) -> Vec<(Facet, usize)> {
    let fs = facets(&all_policies(site));
    fs.all().into_iter().map(|f| (f, fs.size(f))).collect()
}

fn url(site: &Site, f: Facet) -> String {
    facets(&all_policies(site)).url(f)
}

#[derive(Debug, Serialize)]
struct FacetLink {
    label: String,
    /// The value `library.js` filters on (the URL segment of the value's page).
    key: String,
    href: String,
    count: usize,
    current: bool,
}

#[derive(Debug, Serialize)]
struct FacetGroup {
    /// `year`, `issuer`, `topic` or `validity`: the rows' data attribute and the form field.
    key: &'static str,
    name: &'static str,
    items: Vec<FacetLink>,
}

#[derive(Debug, Serialize)]
struct RowLink<'a> {
    name: &'a str,
    href: String,
}

#[derive(Debug, Serialize)]
struct Row<'a> {
    title: &'a str,
    href: String,
    doc_number: Option<&'a str>,
    issuer: &'a str,
    issuer_key: String,
    topic_key: String,
    signed: Option<&'a str>,
    published: Option<&'a str>,
    /// Sort key, `YYYY-MM-DD…`.
    date: &'a str,
    year: String,
    validity: &'static str,
    validity_key: &'static str,
    validity_date: Option<&'a str>,
    interpretations: Vec<RowLink<'a>>,
}

#[derive(Debug, Serialize)]
struct LibraryData<'a> {
    heading: String,
    /// The filter value of a facet page.
    facet: Option<String>,
    /// The list of all policies (newest or oldest first).
    is_all: bool,
    /// The combined-filter form and its script: on the list of all policies when it is one page.
    combined_filter: bool,
    oldest_first: bool,
    count: usize,
    groups: Vec<FacetGroup>,
    rows: Vec<Row<'a>>,
    all_href: String,
    newest_href: String,
    oldest_href: String,
    script: String,
    pager: Option<crate::render::context::Pager>,
    /// The Atom feed of an issuer's or a topic's list.
    feed_href: Option<String>,
}

/// What a list row shows of a policy, each part read through its own accessor.
#[derive(Clone, Copy)]
struct Listed<'a> {
    policy: PolicyHead<'a>,
    interpretations: Interpretations<'a>,
    has_progress: bool,
}

fn row<'a>(u: &Urls, listed: &Listed<'a>) -> Row<'a> {
    let p = listed.policy;
    let mut interpretations: Vec<RowLink<'a>> = listed
        .interpretations
        .iter()
        .map(|i| RowLink {
            name: i.kind.name(),
            href: u.href(&urls::interpretation(p.slug, i.kind)),
        })
        .collect();
    if listed.has_progress {
        interpretations.push(RowLink {
            name: "落实进展",
            href: u.href(&urls::progress(p.slug)),
        });
    }
    Row {
        title: &p.meta.title,
        href: u.href(&urls::policy(p.slug)),
        doc_number: p.meta.doc_number.as_deref(),
        issuer: &p.meta.issuer,
        issuer_key: unit_slug(&p.meta.issuer),
        topic_key: topic(p.meta).map(unit_slug).unwrap_or_default(),
        signed: p.meta.signed.as_deref(),
        published: p.meta.published.as_deref(),
        date: date(p.meta).unwrap_or(""),
        year: year(p.meta).map(|y| y.to_string()).unwrap_or_default(),
        validity: p.lifecycle.validity.label(),
        validity_key: p.lifecycle.validity.slug(),
        validity_date: p.lifecycle.date.as_deref(),
        interpretations,
    }
}

/// Reads every policy (metadata, validity), its interpretations' list and whether it has
/// progress items: every page of a list depends on which policies come before it.
fn context(f: Facet, page: usize, cx: &Cx) -> Result<tera::Context, tera::Error> {
    let listed: Vec<Listed> = cx
        .policies()
        .map(|pi| Listed {
            policy: cx.policy(pi),
            interpretations: cx.interpretations(pi),
            has_progress: cx.has_progress(pi),
        })
        .collect();
    let all: Vec<PolicyHead> = listed.iter().map(|l| l.policy).collect();
    let u = cx.urls();
    let fs = facets(&all);
    let href = |g: Facet| u.href(&fs.url(g));
    let link = |g: Facet, key: String, label: String, count: usize| FacetLink {
        label,
        key,
        href: href(g),
        count,
        current: g == f,
    };
    let groups = vec![
        FacetGroup {
            key: "year",
            name: "年份",
            items: fs
                .years
                .iter()
                .map(|(y, n)| link(Facet::Year(*y), y.to_string(), format!("{y}年"), *n))
                .collect(),
        },
        FacetGroup {
            key: "issuer",
            name: "发文机关",
            items: fs
                .issuers
                .iter()
                .enumerate()
                .map(|(i, (name, n))| link(Facet::Issuer(i), unit_slug(name), name.to_string(), *n))
                .collect(),
        },
        FacetGroup {
            key: "topic",
            name: "主题分类",
            items: fs
                .topics
                .iter()
                .enumerate()
                .map(|(i, (name, n))| link(Facet::Topic(i), unit_slug(name), name.to_string(), *n))
                .collect(),
        },
        FacetGroup {
            key: "validity",
            name: "有效性",
            items: fs
                .validities
                .iter()
                .map(|(v, n)| {
                    let g = Facet::Validity(*v);
                    link(g, v.slug().to_string(), v.label().to_string(), *n)
                })
                .collect(),
        },
    ];
    let mut policies: Vec<&Listed> = listed.iter().filter(|l| fs.matches(f, l.policy)).collect();
    policies.sort_by(|a, b| {
        let (a, b) = (a.policy, b.policy);
        date(b.meta).cmp(&date(a.meta)).then(a.slug.cmp(b.slug))
    });
    if f == Facet::Oldest {
        policies.reverse();
    }
    let facet = fs.label(f);
    let heading = match &facet {
        Some(value) => format!("{TITLE}：{value}"),
        None => TITLE.to_string(),
    };
    let first = fs.url(f);
    let count = policies.len();
    let page_count = super::page_count(count);
    let is_all = matches!(f, Facet::All | Facet::Oldest);
    let data = LibraryData {
        heading: heading.clone(),
        facet,
        is_all,
        combined_filter: is_all && page_count == 1,
        oldest_first: f == Facet::Oldest,
        count,
        groups,
        rows: super::page_of(policies, page)
            .into_iter()
            .map(|p| row(u, p))
            .collect(),
        all_href: href(Facet::All),
        newest_href: href(Facet::All),
        oldest_href: href(Facet::Oldest),
        script: u.href("static/library.js"),
        pager: super::pager(cx, &first, page_count, page),
        feed_href: matches!(f, Facet::Issuer(_) | Facet::Topic(_))
            .then(|| u.href(&urls::list_feed(&first))),
    };
    let column = (!data.is_all || page > 0).then(|| (TITLE, URL.to_string()));
    let rel = super::list_page_url(&first, page);
    let title = super::list_page_title(&heading, page);
    let chrome = chrome::chrome(
        cx,
        &title,
        crumbs(cx, column, &title),
        "page-library",
        None,
        &rel,
    );
    wrap(cx, chrome, data)
}
