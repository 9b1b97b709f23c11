//! The search page: the search box, filters by page type and unit, and browsing entries.

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

fn context(cx: &Cx, _: At) -> Result<tera::Context, tera::Error> {
    let qa_hrefs = cx
        .policies()
        .flat_map(|pi| {
            let p = cx.policy(pi);
            InterpLink::all(cx, pi)
                .into_iter()
                .filter(|l| l.kind == Kind::Qa)
                .map(move |l| NavLink {
                    label: l.title.to_string(),
                    href: cx.urls().href(&urls::interpretation(&p.slug, l.kind)),
                })
        })
        .collect();
    let chrome = chrome::site_page(cx, "站内搜索", "page-search", &urls::search());
    let data = SearchData {
        qa_hrefs,
        formats: cx.search_kinds(),
        units: cx.units().iter().map(|u| u.name.clone()).collect(),
        engine_js: cx.urls().href(crate::search::ENGINE),
    };
    wrap(cx, chrome, data)
}
