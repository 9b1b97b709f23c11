//! Standalone pages (`content/pages/*.md`) and the 404 page.

use super::{no_origin, one, At, PageKind};
use crate::model::{urls, Site};
use crate::render::chrome::{self, wrap};
use crate::render::context::*;
use crate::render::cx::Cx;

pub const PAGE: PageKind = PageKind {
    name: "page",
    template: "page.html",
    in_sitemap: true,
    pages: |s: &Site| super::each(s.pages.len()),
    url: |s, at| urls::page(&s.pages[at[0]].slug),
    origin: |s, at| Some(&s.pages[at[0]].source),
    context: page,
};

pub const NOT_FOUND: PageKind = PageKind {
    name: "404",
    template: "404.html",
    in_sitemap: false,
    pages: one,
    url: |_, _| "404.html".to_string(),
    origin: no_origin,
    context: not_found,
};

fn page(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let pg = cx.page(at[0]);
    let chrome = chrome::site_page(cx, &pg.title, "page-page", &urls::page(&pg.slug));
    let data = PageData {
        title: &pg.title,
        body_html: &pg.body.html,
        headings: &pg.body.headings,
    };
    wrap(cx, chrome, data)
}

fn not_found(cx: &Cx, _: At) -> Result<tera::Context, tera::Error> {
    let chrome = chrome::chrome(cx, "页面未找到", vec![], "page-404", None, "");
    wrap(cx, chrome, Empty {})
}
