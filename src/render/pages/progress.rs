//! A policy's 落实进展 page: every progress item with the clauses it reports on.

use super::{At, PageKind};
use crate::model::{urls, Site};
use crate::render::chrome::{self, crumbs, wrap};
use crate::render::context::*;
use crate::render::cx::Cx;

pub const PROGRESS: PageKind = PageKind {
    name: "progress",
    template: "progress.html",
    in_sitemap: true,
    pages: |s: &Site| {
        let with_items = s.policies.iter().enumerate();
        with_items
            .filter(|(_, p)| !p.progress.is_empty())
            .map(|(pi, _)| [pi, 0, 0])
            .collect()
    },
    url: |s, at| urls::progress(&s.policies[at[0]].slug),
    origin: |s, at| Some(&s.policies[at[0]].source),
    context,
};

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let pi = at[0];
    let p = cx.policy(pi);
    let chrome = chrome::chrome(
        cx,
        &format!("落实进展：{}", p.meta.title),
        crumbs(cx, Some(("政策文件", urls::policy(p.slug))), "落实进展"),
        "page-progress",
        None,
        &urls::progress(p.slug),
    );
    let data = ProgressData {
        policy: PolicyBrief::new(cx, pi),
        items: cx.progress(pi),
    };
    wrap(cx, chrome, data)
}
