//! A task clause's page: its text, place in the tree, units, every passage citing it (from any
//! bundle), progress items, previous and next clause.

use super::{At, PageKind};
use crate::model::{urls, ClauseLink, Passage, Site};
use crate::render::chrome::{self, crumb, wrap, Article};
use crate::render::context::*;
use crate::render::cx::Cx;
use crate::render::cx::NodePlace;

pub const CLAUSE: PageKind = PageKind {
    name: "clause",
    template: "clause.html",
    in_sitemap: true,
    pages: |s: &Site| {
        let mut v = Vec::new();
        for (pi, p) in s.policies.iter().enumerate() {
            let clauses = p.nodes.iter().enumerate().filter(|(_, n)| n.is_clause);
            v.extend(clauses.map(|(ni, _)| [pi, ni, 0]));
        }
        v
    },
    url: |s, at| {
        let p = &s.policies[at[0]];
        urls::clause(&p.slug, &p.nodes[at[1]].slug)
    },
    origin: |s, at| Some(&s.policies[at[0]].source),
    context,
};

fn link(cx: &Cx, slug: &str, n: NodePlace) -> ClauseLink {
    ClauseLink {
        key: n.key.to_string(),
        href: cx.urls().href(&urls::clause(slug, n.slug)),
        label: n.short_label.to_string(),
        heading: n.heading.to_string(),
    }
}

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let [pi, ni, _] = at;
    let p = cx.policy(pi);
    let n = cx.node_at(pi, ni);
    let outline = cx.outline(pi);
    let policy_href = cx.urls().href(&urls::policy(p.slug));
    let ancestors = n
        .ancestors
        .iter()
        .filter_map(|k| outline.iter().find(|a| a.key == k))
        .map(|a| AncestorView {
            label: a.label,
            heading: a.heading,
            href: format!("{policy_href}#{}", a.anchor),
        })
        .collect();
    let (progress, passages): (Vec<&Passage>, Vec<&Passage>) = cx
        .backlinks(&n.key)
        .iter()
        .map(|p| p.as_ref())
        .partition(|x| x.source_kind == "落实进展");
    let prev = outline
        .iter()
        .take(ni)
        .rev()
        .find(|x| x.is_clause)
        .map(|x| link(cx, p.slug, x));
    let next = outline
        .iter()
        .skip(ni + 1)
        .find(|x| x.is_clause)
        .map(|x| link(cx, p.slug, x));
    let title = format!("{} {}", n.short_label, n.heading);
    let rel = urls::clause(p.slug, &n.slug);
    let article = Article {
        column: "政策文件",
        column_type: "政策文件",
        published: p.meta.published.as_deref(),
        source: Some(&p.meta.issuer),
        description: &n.plain,
    };
    let crumbs = vec![
        crumb(cx, "首页", Some(urls::home())),
        crumb(cx, "政务公开", None),
        crumb(cx, "政策文件", Some(urls::policy(p.slug))),
        crumb(cx, &format!("条款 {}", n.short_label), None),
    ];
    let chrome = chrome::chrome(cx, &title, crumbs, "page-clause", Some(article), &rel);
    let data = ClauseData {
        policy: PolicyBrief::new(cx, pi),
        node: n,
        full_text_href: format!("{policy_href}#{}", n.anchor),
        ancestors,
        passages,
        progress,
        prev,
        next,
    };
    let mut ctx = wrap(cx, chrome, data)?;
    let revisions = crate::render::revision::clause_lines(cx, pi, n);
    ctx.insert("revisions", &revisions);
    Ok(ctx)
}
