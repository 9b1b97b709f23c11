//! A policy's full text: metadata table, every node with its anchor and the passages citing
//! it, links to every interpretation.

use super::{At, PageKind};
use crate::model::{urls, Site};
use crate::render::chrome::{self, crumbs, wrap, Article};
use crate::render::context::*;
use crate::render::cx::Cx;

pub const POLICY: PageKind = PageKind {
    name: "policy",
    template: "policy.html",
    in_sitemap: true,
    pages: |s: &Site| super::each(s.policies.len()),
    url: |s, at| urls::policy(&s.policies[at[0]].slug),
    origin: |s, at| Some(&s.policies[at[0]].source),
    context,
};

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let pi = at[0];
    let p = cx.policy(pi);
    let nodes = cx
        .nodes(pi)
        .iter()
        .map(|n| NodeView {
            node: n,
            href: n
                .is_clause
                .then(|| cx.urls().href(&urls::clause(p.slug, &n.slug))),
            heading_level: (n.depth + 2).min(6),
            passages: cx.backlinks(&n.key),
        })
        .collect();
    let rel = urls::policy(p.slug);
    let article = Article {
        column: "政策文件",
        column_type: "政策文件",
        published: p.meta.published.as_deref(),
        source: Some(&p.meta.issuer),
        description: &p.meta.title,
    };
    let chrome = chrome::chrome(
        cx,
        &p.meta.title,
        crumbs(cx, Some(("政策文件", urls::home())), "政策原文"),
        "page-policy",
        Some(article),
        &rel,
    );
    let data = PolicyData {
        policy: PolicyBrief::new(cx, pi),
        preamble_html: p.preamble_html,
        closing_html: p.closing_html,
        nodes,
        interpretations: InterpLink::all(cx, pi),
        questions: super::home::question_links(cx, pi),
        progress_href: cx
            .has_progress(pi)
            .then(|| cx.urls().href(&urls::progress(p.slug))),
        data_href: cx.urls().href(&urls::policy_data(p.slug)),
        data_schema_href: cx.urls().href(&crate::render::open_data::policy_schema()),
    };
    wrap(cx, chrome, data)
}
