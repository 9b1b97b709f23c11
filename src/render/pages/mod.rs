//! The page map: every kind of page the site has, each in a module of its own that says which
//! pages of its kind there are, their URLs and how to build one's context (through the
//! recording view [`Cx`], so that what a page was made from is known). Adding a kind of page
//! is one module and one line in [`KINDS`].

mod clause;
mod column;
mod home;
mod interpretation;
pub mod library;
mod page;
mod policy;
mod progress;
mod question;
mod search;
pub mod sitemap;
mod unit;

use std::path::Path;

use rayon::prelude::*;

use super::context::{Pager, PagerLink, SiteCtx};
use super::cx::Cx;
use super::deps::Dep;
use crate::model::{urls, Site};

/// Where a page sits in the model: indices into policies, interpretations, questions, …, as
/// each kind defines them.
pub type At = [usize; 3];

/// One kind of page.
pub struct PageKind {
    /// For messages and tests, e.g. `clause`.
    pub name: &'static str,
    pub template: &'static str,
    pub in_sitemap: bool,
    /// Every page of this kind the site has.
    pub pages: fn(&Site) -> Vec<At>,
    /// The page's URL relative to the site root (`""` for the home page).
    pub url: fn(&Site, At) -> String,
    /// The content file a problem on the page is reported against.
    pub origin: for<'a> fn(&'a Site, At) -> Option<&'a Path>,
    /// The page's template context, read from the model through `cx`.
    pub context: fn(&Cx, At) -> Result<tera::Context, tera::Error>,
}

/// Every kind of page, in the order the page map lists them.
pub const KINDS: &[&PageKind] = &[
    &home::HOME,
    &unit::UNITS,
    &search::SEARCH,
    &page::NOT_FOUND,
    &column::COLUMN,
    &policy::POLICY,
    &clause::CLAUSE,
    &interpretation::INTERPRETATION,
    &question::QUESTION,
    &progress::PROGRESS,
    &unit::UNIT,
    &page::PAGE,
    &library::LIBRARY,
    &sitemap::SITEMAP,
];

/// The kinds of page that belong to a policy's bundle, each with the policy at `at[0]`.
const BUNDLE_KINDS: &[&PageKind] = &[
    &policy::POLICY,
    &clause::CLAUSE,
    &interpretation::INTERPRETATION,
    &question::QUESTION,
    &progress::PROGRESS,
];

/// One page of the site.
#[derive(Clone, Copy)]
pub struct Job {
    pub kind: &'static PageKind,
    pub at: At,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:?}", self.kind.name, self.at)
    }
}

impl Job {
    pub fn url(&self, site: &Site) -> String {
        (self.kind.url)(site, self.at)
    }

    /// The output file for the URL.
    pub fn output_path(&self, site: &Site) -> String {
        urls::file_of(&self.url(site))
    }

    /// The policy whose bundle the page belongs to.
    pub fn bundle(&self) -> Option<usize> {
        BUNDLE_KINDS
            .iter()
            .any(|k| std::ptr::eq(*k, self.kind))
            .then_some(self.at[0])
    }

    pub fn template(&self) -> &'static str {
        self.kind.template
    }

    pub fn origin<'a>(&self, site: &'a Site) -> Option<&'a Path> {
        (self.kind.origin)(site, self.at)
    }

    /// The page's context and, when `recording`, what building it read.
    pub fn context(
        &self,
        site: &Site,
        sc: &SiteCtx,
        recording: bool,
    ) -> (Result<tera::Context, tera::Error>, Vec<Dep>) {
        let cx = Cx::new(site, sc, recording);
        let ctx = (self.kind.context)(&cx, self.at).map(|mut ctx| {
            if let Some(pi) = self.bundle() {
                super::lifecycle::decorate(&mut ctx, &cx, pi, self.kind.name == "policy");
            }
            ctx
        });
        (ctx, cx.into_deps())
    }
}

/// A planned page: its job and output path.
pub struct Planned {
    pub job: Job,
    pub output: String,
}

/// The page map with each page's output path.
pub fn plan(site: &Site) -> Vec<Planned> {
    let jobs: Vec<Job> = KINDS
        .iter()
        .flat_map(|kind| {
            (kind.pages)(site)
                .into_iter()
                .map(move |at| Job { kind, at })
        })
        .collect();
    jobs.into_par_iter()
        .map(|job| Planned {
            output: job.output_path(site),
            job,
        })
        .collect()
}

/// The URLs the sitemap lists, sorted.
pub fn sitemap_urls(site: &Site, plan: &[Planned]) -> Vec<String> {
    let mut urls: Vec<String> = plan
        .iter()
        .filter(|p| p.job.kind.in_sitemap)
        .map(|p| p.job.url(site))
        .collect();
    urls.sort();
    urls
}

/// `[0, 0, 0]`, `[1, 0, 0]`, … for a kind with one page per item.
fn each(n: usize) -> Vec<At> {
    (0..n).map(|i| [i, 0, 0]).collect()
}

/// The one page of a site-wide kind.
fn one(_: &Site) -> Vec<At> {
    vec![[0; 3]]
}

fn no_origin(_: &Site, _: At) -> Option<&Path> {
    None
}

/// Items on one page of a long list (the 政策文件库, a format column, the 网站地图): a portal of
/// thousands of policies still sends a phone a page of tens of kilobytes. Every page is a static
/// file, so the list works without JavaScript.
pub const LIST_PAGE_SIZE: usize = 50;

/// How many pages a list of `items` takes; an empty list still has its first page.
pub fn page_count(items: usize) -> usize {
    items.div_ceil(LIST_PAGE_SIZE).max(1)
}

/// `[variant, value, 0]`, `[variant, value, 1]`, … for each page of a list of `items`.
fn each_page(variant: usize, value: usize, items: usize) -> impl Iterator<Item = At> {
    (0..page_count(items)).map(move |page| [variant, value, page])
}

/// The items of page `page` (from 0).
pub fn page_of<T>(items: Vec<T>, page: usize) -> Vec<T> {
    items
        .into_iter()
        .skip(page * LIST_PAGE_SIZE)
        .take(LIST_PAGE_SIZE)
        .collect()
}

/// The URL of page `page` of the list at `first` (a directory URL, `""` for the root): the
/// first page is the list's own URL, page 2 is `first` + `2/`, as unit pages are numbered.
pub fn list_page_url(first: &str, page: usize) -> String {
    match page {
        0 => first.to_string(),
        n => format!("{first}{}/", n + 1),
    }
}

/// A page's title: the list's, with the page number from page 2 on.
pub fn list_page_title(title: &str, page: usize) -> String {
    match page {
        0 => title.to_string(),
        n => format!("{title}（第{}页）", n + 1),
    }
}

/// The pager of page `current` (from 0) of a list of `count` pages whose first page is at
/// `first`; none when the list has one page. A long list (a provincial portal's 政策文件库 has
/// hundreds of pages) does not link every page from every page: that would make each page grow
/// with the portal and give a reader on a phone a wall of numbers. It links the first and last
/// pages, the pages around this one, and the previous and next page, with a gap where numbers
/// are left out — every page is still reached without JavaScript.
pub fn pager(cx: &Cx, first: &str, count: usize, current: usize) -> Option<Pager> {
    if count <= 1 {
        return None;
    }
    let href = |n: usize| cx.urls().href(&list_page_url(first, n));
    let mut pages = Vec::new();
    let mut last_shown: Option<usize> = None;
    for n in pager_window(count, current) {
        if last_shown.is_some_and(|l| n > l + 1) {
            pages.push(PagerLink {
                number: 0,
                href: String::new(),
                current: false,
                gap: true,
            });
        }
        pages.push(PagerLink {
            number: n + 1,
            href: href(n),
            current: n == current,
            gap: false,
        });
        last_shown = Some(n);
    }
    Some(Pager {
        current: current + 1,
        count,
        pages,
        previous: (current > 0).then(|| href(current - 1)),
        next: (current + 1 < count).then(|| href(current + 1)),
    })
}

/// Pages a pager shows by number: all of them up to [`PAGER_ALL_UP_TO`] pages, else the first,
/// the last and [`PAGER_AROUND`] on each side of `current` — the page numbers, from 0, ascending.
fn pager_window(count: usize, current: usize) -> Vec<usize> {
    if count <= PAGER_ALL_UP_TO {
        return (0..count).collect();
    }
    let low = current.saturating_sub(PAGER_AROUND);
    let high = (current + PAGER_AROUND).min(count - 1);
    let mut shown: Vec<usize> = std::iter::once(0)
        .chain(low..=high)
        .chain(std::iter::once(count - 1))
        .collect();
    shown.sort_unstable();
    shown.dedup();
    shown
}

/// A list of up to this many pages links each of them from each.
pub const PAGER_ALL_UP_TO: usize = 9;
/// Page numbers shown on each side of the current page in a longer list.
pub const PAGER_AROUND: usize = 2;
