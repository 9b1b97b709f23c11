//! A format column (专家解读, 简明问答, …): every interpretation of that format across policies.

use super::{no_origin, At, PageKind};
use crate::model::{urls, Kind, Site};
use crate::render::chrome::{self, wrap};
use crate::render::context::ColumnData;
use crate::render::cx::Cx;

pub const COLUMN: PageKind = PageKind {
    name: "column",
    template: "column.html",
    in_sitemap: true,
    pages: |_: &Site| super::each(Kind::ALL.len()),
    url: |_, at| urls::column(Kind::ALL[at[0]]),
    origin: no_origin,
    context,
};

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let k = Kind::ALL[at[0]];
    let items = super::home::of_kind(cx, k);
    let mut chrome = chrome::site_page(cx, k.column(), "page-column", &urls::column(k));
    chrome::column_meta(&mut chrome, k.column(), k.name());
    wrap(
        cx,
        chrome,
        ColumnData {
            kind_name: k.name(),
            column: k.column(),
            items,
        },
    )
}
