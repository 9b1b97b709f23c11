//! One interpretation of a policy (one page per format): author block, body, cited clauses,
//! and for a Q&A its questions by topic.

use super::{At, PageKind};
use crate::model::{urls, Kind, Site};
use crate::render::chrome::{self, crumbs, wrap, Article};
use crate::render::context::*;
use crate::render::cx::Cx;
use crate::render::json_ld;

pub const INTERPRETATION: PageKind = PageKind {
    name: "interpretation",
    template: "interpretation.html",
    in_sitemap: true,
    pages: |s: &Site| {
        let mut v = Vec::new();
        for (pi, p) in s.policies.iter().enumerate() {
            v.extend((0..p.interpretations.len()).map(|ii| [pi, ii, 0]));
        }
        v
    },
    url: |s, at| {
        let p = &s.policies[at[0]];
        urls::interpretation(&p.slug, p.interpretations[at[1]].kind)
    },
    origin: |s, at| Some(&s.policies[at[0]].interpretations[at[1]].source),
    context,
};

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let [pi, ii, _] = at;
    let p = cx.policy(pi);
    let i = cx.interpretation(pi, ii);
    let mut topics: Vec<TopicGroup<'_>> = Vec::new();
    for q in &i.questions {
        let view = QuestionView {
            q,
            href: cx.urls().href(&urls::question(p.slug, &q.id)),
        };
        match topics.iter_mut().find(|t| t.topic == q.topic) {
            Some(t) => t.questions.push(view),
            None => topics.push(TopicGroup {
                topic: &q.topic,
                questions: vec![view],
            }),
        }
    }
    let rel = urls::interpretation(p.slug, i.kind);
    let description = i.summary.as_deref().unwrap_or(&i.body.plain);
    let article = Article {
        column: i.kind.column(),
        column_type: "政策解读",
        published: i.published.as_deref(),
        source: i.publisher.as_deref(),
        description,
    };
    let chrome = chrome::chrome(
        cx,
        &i.title,
        crumbs(
            cx,
            Some((i.kind.column(), urls::column(i.kind))),
            i.kind.name(),
        ),
        "page-interpretation",
        Some(article),
        &rel,
    );
    let data = InterpData {
        policy: PolicyBrief::new(cx, pi),
        kind: i.kind,
        kind_name: i.kind.name(),
        title: &i.title,
        published: i.published.as_deref(),
        publisher: i.publisher.as_deref(),
        index_number: i.index_number.as_deref(),
        summary: i.summary.as_deref(),
        author: i.author.as_ref(),
        cites: &i.cites,
        body_html: &i.body.html,
        headings: &i.body.headings,
        topics,
        panels: &i.panels,
        long_image: (i.kind == Kind::Infographic && !i.panels.is_empty())
            .then(|| crate::render::share_image::long_image_href(cx, p.slug)),
        image: i.image.as_ref(),
        media: i.media.as_ref(),
        siblings: InterpLink::all(cx, pi)
            .into_iter()
            .filter(|l| l.kind != i.kind)
            .collect(),
        json_ld: (!i.questions.is_empty()).then(|| {
            let base = cx.config().base();
            json_ld::faq(&i.questions, |q| {
                format!("{base}{}", urls::question(p.slug, &q.id))
            })
        }),
    };
    wrap(cx, chrome, data)
}
