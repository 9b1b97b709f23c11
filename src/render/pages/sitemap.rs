//! The HTML 网站地图 the footer links to: the site's columns and site-wide pages, then every
//! policy with the pages of its bundle (clauses are reached from the full text, so a portal of
//! a thousand policies keeps a readable map), [`super::LIST_PAGE_SIZE`] policies a page.

use serde::Serialize;

use super::PageKind;
use crate::model::urls;
use crate::model::Site;
use crate::render::chrome::{self, crumbs, wrap};
use crate::render::context::{NavLink, Pager};
use crate::render::cx::Cx;

pub const URL: &str = "sitemap/";

/// The HTML 网站地图: `[0, page, 0]`.
pub const SITEMAP: PageKind = PageKind {
    name: "sitemap",
    template: "sitemap.html",
    in_sitemap: true,
    pages: |s: &Site| {
        super::each_page(0, 0, s.policies.len())
            .map(|[_, _, page]| [0, page, 0])
            .collect()
    },
    url: |_, at| super::list_page_url(URL, at[1]),
    origin: super::no_origin,
    context: |cx, at| context(cx, at[1]),
};

#[derive(Debug, Serialize)]
struct PolicyEntry<'a> {
    title: &'a str,
    href: String,
    doc_number: Option<&'a str>,
    validity: &'static str,
    pages: Vec<NavLink>,
}

#[derive(Debug, Serialize)]
struct SiteMapData<'a> {
    sections: Vec<NavLink>,
    policies: Vec<PolicyEntry<'a>>,
    pager: Option<Pager>,
}

/// Reads the page's policies (title, 文号, validity), their interpretations' list and progress,
/// and which policies the site has.
fn context(cx: &Cx, page: usize) -> Result<tera::Context, tera::Error> {
    let u = cx.urls();
    let sc = cx.site_ctx();
    let link = |label: &str, rel: &str| NavLink {
        label: label.to_string(),
        href: u.href(rel),
    };
    let mut sections = vec![link("首页", &urls::home())];
    if !cx.policies().is_empty() {
        sections.push(link("政策文件库", super::library::URL));
    }
    sections.extend(sc.columns.iter().cloned());
    sections.push(link("责任单位", &urls::units()));
    sections.push(link("站内搜索", &urls::search()));
    sections.extend(sc.pages.iter().cloned());
    let all = cx.policies();
    let count = super::page_count(all.len());
    let policies = super::page_of(all.collect(), page)
        .into_iter()
        .map(|pi| {
            let p = cx.policy(pi);
            let mut pages: Vec<NavLink> = cx
                .interpretations(pi)
                .iter()
                .map(|i| link(i.kind.name(), &urls::interpretation(p.slug, i.kind)))
                .collect();
            if cx.has_progress(pi) {
                pages.push(link("落实进展", &urls::progress(p.slug)));
            }
            PolicyEntry {
                title: &p.meta.title,
                href: u.href(&urls::policy(p.slug)),
                doc_number: p.meta.doc_number.as_deref(),
                validity: p.lifecycle.validity.label(),
                pages,
            }
        })
        .collect();
    let title = super::list_page_title("网站地图", page);
    let column = (page > 0).then(|| ("网站地图", URL.to_string()));
    let chrome = chrome::chrome(
        cx,
        &title,
        crumbs(cx, column, &title),
        "page-sitemap",
        None,
        &super::list_page_url(URL, page),
    );
    let pager = super::pager(cx, URL, count, page);
    wrap(
        cx,
        chrome,
        SiteMapData {
            sections,
            policies,
            pager,
        },
    )
}
