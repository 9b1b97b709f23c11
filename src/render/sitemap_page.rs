//! The HTML 网站地图 the footer links to: the site's columns and site-wide pages, then every
//! policy with the pages of its bundle (clauses are reached from the full text, so a portal of
//! a thousand policies keeps a readable map).

use serde::Serialize;

use super::context::{NavLink, SiteCtx};
use super::pages::site_page;
use crate::model::{urls, Site};

pub const URL: &str = "sitemap/";

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

pub fn context(site: &Site, sc: &SiteCtx) -> Result<tera::Context, tera::Error> {
    let u = &site.urls;
    let link = |label: &str, rel: &str| NavLink {
        label: label.to_string(),
        href: u.href(rel),
    };
    let mut sections = vec![link("首页", &urls::home())];
    if !site.policies.is_empty() {
        sections.push(link("政策文件库", super::library::URL));
    }
    sections.extend(sc.columns.iter().cloned());
    sections.push(link("责任单位", &urls::units()));
    sections.push(link("站内搜索", &urls::search()));
    sections.extend(sc.pages.iter().cloned());
    let policies = site
        .policies
        .iter()
        .map(|p| {
            let mut pages: Vec<NavLink> = p
                .interpretations
                .iter()
                .map(|i| link(i.kind.name(), &urls::interpretation(&p.slug, i.kind)))
                .collect();
            if !p.progress.is_empty() {
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
    site_page(
        site,
        sc,
        "网站地图",
        None,
        "page-sitemap",
        URL,
        SiteMapData { sections, policies },
    )
}
