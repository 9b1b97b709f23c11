//! A format column (专家解读, 简明问答, …): every interpretation of that format across policies,
//! newest first, in pages of [`super::LIST_PAGE_SIZE`].

use super::{At, PageKind};
use crate::model::{urls, Kind, Site};
use crate::render::chrome::{self, crumbs};
use crate::render::context::ColumnData;
use crate::render::cx::Cx;

/// `[format, page, 0]`.
pub const COLUMN: PageKind = PageKind {
    name: "column",
    template: "column.html",
    in_sitemap: true,
    pages: |s: &Site| {
        Kind::ALL
            .iter()
            .enumerate()
            .flat_map(|(ki, k)| super::each_page(ki, 0, of_kind_count(s, *k)))
            .map(|[ki, _, page]| [ki, page, 0])
            .collect()
    },
    url: |_, at| super::list_page_url(&urls::column(Kind::ALL[at[0]]), at[1]),
    origin: super::no_origin,
    context,
};

/// How many interpretations of `kind` the site has.
fn of_kind_count(site: &Site, kind: Kind) -> usize {
    site.policies
        .iter()
        .flat_map(|p| &p.interpretations)
        .filter(|i| i.kind == kind)
        .count()
}

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let k = Kind::ALL[at[0]];
    let page = at[1];
    let items = super::home::of_kind(cx, k);
    let first = urls::column(k);
    let pager = super::pager(cx, &first, super::page_count(items.len()), page);
    let title = super::list_page_title(k.column(), page);
    let column = (page > 0).then(|| (k.column(), first.clone()));
    let mut chrome = chrome::chrome(
        cx,
        &title,
        crumbs(cx, column, &title),
        "page-column",
        None,
        &super::list_page_url(&first, page),
    );
    chrome::column_meta(&mut chrome, k.column(), k.name());
    chrome::wrap(
        cx,
        chrome,
        ColumnData {
            kind_name: k.name(),
            column: k.column(),
            total: items.len(),
            items: super::page_of(items, page),
            pager,
        },
    )
}
