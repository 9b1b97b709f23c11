//! The home page: the latest policies with a link to the 政策文件库 (which lists them all), the
//! latest interpretations of each format and the first questions; its size does not grow with
//! the portal.

use super::{no_origin, one, PageKind};
use crate::model::{urls, Kind};
use crate::render::chrome::{self, crumb, wrap};
use crate::render::context::*;
use crate::render::cx::Cx;

pub const HOME: PageKind = PageKind {
    name: "home",
    template: "home.html",
    in_sitemap: true,
    pages: one,
    url: |_, _| urls::home(),
    origin: no_origin,
    context,
};

/// Every interpretation of `kind` across policies, newest first (also the column pages).
pub fn of_kind<'a>(cx: &Cx<'a>, kind: Kind) -> Vec<InterpLink<'a>> {
    // Every column page lists from all interpretations: only those of `kind` get a link made.
    let mut items: Vec<InterpLink<'a>> = cx
        .policies()
        .flat_map(|pi| InterpLink::of_kind(cx, pi, kind))
        .collect();
    items.sort_by(|a, b| b.published.cmp(&a.published).then(a.href.cmp(&b.href)));
    items
}

/// Links to the questions of a policy's interpretations.
pub fn question_links<'a>(cx: &Cx<'a>, pi: usize) -> Vec<QuestionLink<'a>> {
    let p = cx.policy(pi);
    cx.questions(pi)
        .map(|q| QuestionLink {
            question: q.question,
            href: cx.urls().href(&urls::question(p.slug, q.id)),
            topic: q.topic,
        })
        .collect()
}

/// How many of the latest policies the home page shows.
pub const HOME_POLICIES: usize = 10;

/// Reads which policies the site has and every policy's metadata (to find the latest).
fn context(cx: &Cx, _: super::At) -> Result<tera::Context, tera::Error> {
    let mut latest: Vec<usize> = cx.policies().collect();
    latest.sort_by(|&a, &b| {
        let date = |pi| super::library::date(cx.policy(pi).meta);
        date(b).cmp(&date(a)).then(a.cmp(&b))
    });
    let policy_total = latest.len();
    latest.truncate(HOME_POLICIES);
    let policies = latest
        .into_iter()
        .map(|pi| HomePolicy {
            brief: PolicyBrief::new(cx, pi),
            clause_count: cx.clause_count(pi),
            interpretations: InterpLink::all(cx, pi),
        })
        .collect();
    let formats = Kind::ALL
        .iter()
        .map(|k| {
            let mut items = of_kind(cx, *k);
            items.truncate(5);
            FormatGroup {
                name: k.name(),
                href: cx.urls().href(&urls::column(*k)),
                items,
            }
        })
        .collect();
    let mut questions: Vec<QuestionLink<'_>> = cx
        .policies()
        .flat_map(|pi| question_links(cx, pi))
        .collect();
    questions.truncate(8);
    let name = &cx.config().name;
    let chrome = chrome::chrome(
        cx,
        name,
        vec![crumb(cx, "首页", None)],
        "page-home",
        None,
        "",
    );
    wrap(
        cx,
        chrome,
        HomeData {
            policies,
            policy_total,
            library_href: cx.urls().href(super::library::URL),
            formats,
            questions,
        },
    )
}
