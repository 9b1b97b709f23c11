//! The search page: the search box, filters by page type and unit, and browsing entries (the
//! lists a reader without JavaScript can browse instead).

use super::{no_origin, one, At, PageKind};
use crate::model::{urls, Kind};
use crate::render::chrome::{self, wrap};
use crate::render::context::*;
use crate::render::cx::Cx;

pub const SEARCH: PageKind = PageKind {
    name: "search",
    template: "search.html",
    in_sitemap: true,
    pages: one,
    url: |_, _| urls::search(),
    origin: no_origin,
    context,
};

/// Reads whether the site has policies, the page types and the units (not every policy: the
/// page must not grow with the portal).
fn context(cx: &Cx, _: At) -> Result<tera::Context, tera::Error> {
    let u = cx.urls();
    let link = |label: &str, rel: &str| NavLink {
        label: label.to_string(),
        href: u.href(rel),
    };
    let mut browse = Vec::new();
    if !cx.policies().is_empty() {
        browse.push(link("政策文件库", super::library::URL));
    }
    browse.push(link(Kind::Qa.column(), &urls::column(Kind::Qa)));
    browse.push(link("按责任单位查找条款", &urls::units()));
    browse.push(link("网站地图", super::sitemap::URL));
    let chrome = chrome::site_page(cx, "站内搜索", "page-search", &urls::search());
    let data = SearchData {
        browse,
        formats: cx.search_kinds(),
        units: cx.units().iter().map(|u| u.name.clone()).collect(),
        engine_js: u.href(crate::search::ENGINE),
    };
    wrap(cx, chrome, data)
}
