//! The HTML 网站地图 the footer links to: the site's columns and site-wide pages, then every
//! policy with the pages of its bundle (clauses are reached from the full text, so a portal of
//! a thousand policies keeps a readable map).

use serde::Serialize;

use super::{one, PageKind};
use crate::model::urls;
use crate::render::chrome::{self, wrap};
use crate::render::context::NavLink;
use crate::render::cx::Cx;

pub const URL: &str = "sitemap/";

/// The HTML 网站地图.
pub const SITEMAP: PageKind = PageKind {
    name: "sitemap",
    template: "sitemap.html",
    in_sitemap: true,
    pages: one,
    url: |_, _| URL.to_string(),
    origin: super::no_origin,
    context: |cx, _| context(cx),
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
}

/// Reads every policy (title, 文号, validity), its interpretations' list and its progress.
fn context(cx: &Cx) -> Result<tera::Context, tera::Error> {
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
    let policies = cx
        .policies()
        .map(|pi| {
            let p = cx.policy(pi);
            let mut pages: Vec<NavLink> = cx
                .interpretations(pi)
                .iter()
                .map(|i| link(i.kind.name(), &urls::interpretation(&p.slug, i.kind)))
                .collect();
            if cx.has_progress(pi) {
                pages.push(link("落实进展", &urls::progress(&p.slug)));
            }
            PolicyEntry {
                title: &p.meta.title,
                href: u.href(&urls::policy(&p.slug)),
                doc_number: p.meta.doc_number.as_deref(),
                validity: p.lifecycle.validity.label(),
                pages,
            }
        })
        .collect();
    let chrome = chrome::site_page(cx, "网站地图", "page-sitemap", URL);
    wrap(cx, chrome, SiteMapData { sections, policies })
}
