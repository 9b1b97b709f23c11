//! One Q&A question's page: the question, its answer, the clauses it rests on (their text,
//! also from other bundles), related questions; a shareable permalink.

use super::{At, PageKind};
use crate::model::{urls, Question, Site};
use crate::render::chrome::{self, crumb, wrap, Article};
use crate::render::context::*;
use crate::render::cx::Cx;
use crate::render::json_ld;

pub const QUESTION: PageKind = PageKind {
    name: "question",
    template: "question.html",
    in_sitemap: true,
    pages: |s: &Site| {
        let mut v = Vec::new();
        for (pi, p) in s.policies.iter().enumerate() {
            for (ii, i) in p.interpretations.iter().enumerate() {
                v.extend((0..i.questions.len()).map(|qi| [pi, ii, qi]));
            }
        }
        v
    },
    url: |s, at| {
        let p = &s.policies[at[0]];
        urls::question(&p.slug, &p.interpretations[at[1]].questions[at[2]].id)
    },
    origin: |s, at| Some(&s.policies[at[0]].interpretations[at[1]].source),
    context,
};

fn context<'a>(cx: &Cx<'a>, at: At) -> Result<tera::Context, tera::Error> {
    let [pi, ii, qi] = at;
    let p = cx.policy(pi);
    let i = cx.interpretation(pi, ii);
    let q = &i.questions[qi];
    let link = |x: &'a Question| QuestionLink {
        question: &x.question,
        href: cx.urls().href(&urls::question(p.slug, &x.id)),
        topic: &x.topic,
    };
    let shares_clause = |x: &Question| {
        x.cites
            .iter()
            .any(|c| q.cites.iter().any(|d| d.key == c.key))
    };
    let mut related: Vec<QuestionLink<'_>> = i
        .questions
        .iter()
        .filter(|x| x.id != q.id && shares_clause(x))
        .map(link)
        .collect();
    related.extend(
        i.questions
            .iter()
            .filter(|x| x.id != q.id && !shares_clause(x) && x.topic == q.topic)
            .map(link),
    );
    related.truncate(6);
    let clauses = q
        .cites
        .iter()
        .map(|c| CitedClause {
            link: c,
            paragraphs_html: cx
                .node(&c.key)
                .map_or(&[][..], |(_, n)| n.paragraphs_html.as_slice()),
        })
        .collect();
    let rel = urls::question(p.slug, &q.id);
    let canonical = format!("{}{}", cx.config().base(), rel);
    let json_ld = json_ld::question(q, &canonical, i.published.as_deref());
    let article = Article {
        column: i.kind.column(),
        column_type: "政策解读",
        published: i.published.as_deref(),
        source: i.publisher.as_deref(),
        description: &q.answer.plain,
    };
    let crumbs = vec![
        crumb(cx, "首页", Some(urls::home())),
        crumb(cx, "政务公开", None),
        crumb(cx, "简明问答", Some(urls::interpretation(p.slug, i.kind))),
        crumb(cx, &format!("问题 {}", q.number), None),
    ];
    let chrome = chrome::chrome(
        cx,
        &q.question,
        crumbs,
        "page-question",
        Some(article),
        &rel,
    );
    let data = QuestionData {
        policy: PolicyBrief::new(cx, pi),
        q,
        qa_title: &i.title,
        qa_href: cx.urls().href(&urls::interpretation(p.slug, i.kind)),
        published: i.published.as_deref(),
        publisher: i.publisher.as_deref(),
        clauses,
        related,
        prev: qi.checked_sub(1).map(|j| link(&i.questions[j])),
        next: i.questions.get(qi + 1).map(link),
        json_ld,
    };
    wrap(cx, chrome, data)
}
