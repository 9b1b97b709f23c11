//! The 新旧对照 page of a revision: the standard 新旧对照表 (原条款 | 新条款 | 修改说明), one row
//! per clause, changes marked character by character, unchanged clauses folded.

use std::collections::HashMap;

use serde::Serialize;

use super::{At, PageKind};
use crate::compare::table::{class_slug, Side, Table};
use crate::compare::{Article, Class};
use crate::model::{urls, Site};
use crate::render::chrome::{self, crumb, wrap};
use crate::render::context::PolicyBrief;
use crate::render::cx::Cx;
use crate::render::cx::NodePlace;
use crate::render::revision::{marked_html, row_anchor};

/// `at`: [new policy, revision, 0].
pub const COMPARE: PageKind = PageKind {
    name: "compare",
    template: "compare.html",
    in_sitemap: true,
    pages: |s: &Site| {
        s.revisions
            .iter()
            .enumerate()
            .filter_map(|(ri, r)| {
                let pi = s.policies.iter().position(|p| p.slug == r.new)?;
                Some([pi, ri, 0])
            })
            .collect()
    },
    url: |s, at| {
        let r = &s.revisions[at[1]];
        urls::compare(&r.new, &r.old)
    },
    origin: |s, at| Some(&s.policies[at[0]].source),
    context,
};

#[derive(Serialize)]
struct Cell {
    label: String,
    href: String,
    html: String,
}

#[derive(Serialize)]
struct RowView {
    anchor: String,
    class: &'static str,
    class_name: &'static str,
    /// Unchanged (未变, 移动): the text is folded, the old cell only names the clause.
    folded: bool,
    old: Option<Cell>,
    new: Option<Cell>,
    /// 内容有修改, 原第五条改为第六条, …
    explanation: String,
    /// The editor's 修改说明.
    note: Option<String>,
    confidence: u32,
}

#[derive(Serialize)]
struct Count {
    name: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct CompareData<'a> {
    title: String,
    relation: &'static str,
    old: PolicyBrief<'a>,
    new: PolicyBrief<'a>,
    counts: Vec<Count>,
    rows: Vec<RowView>,
}

fn context(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let [ni, ri, _] = at;
    let new = cx.policy(ni);
    let r = cx.revision(ni, ri);
    let oi = cx
        .policy_index(&r.old)
        .ok_or_else(|| tera::Error::msg("revised policy not found"))?;
    let old = cx.policy(oi);
    let nodes = |pi: usize| -> HashMap<&str, NodePlace> {
        cx.outline(pi).iter().map(|n| (n.id, n)).collect()
    };
    let (old_nodes, new_nodes) = (nodes(oi), nodes(ni));
    let cell = |a: &Option<Article>, slug: &str, by_id: &HashMap<&str, NodePlace>, html: String| {
        a.as_ref().map(|a| Cell {
            label: a.label.clone(),
            href: by_id
                .get(a.id.as_str())
                .map(|n| cx.urls().href(&n.url(slug)))
                .unwrap_or_else(|| cx.urls().href(&urls::policy(slug))),
            html,
        })
    };
    let rows = r
        .table
        .rows
        .iter()
        .zip(&r.notes)
        .map(|(row, note)| RowView {
            anchor: row_anchor(row),
            class: class_slug(row.class),
            class_name: row.class.name(),
            folded: matches!(row.class, Class::未变 | Class::移动),
            old: cell(&row.old, old.slug, &old_nodes, marked_html(row, Side::Old)),
            new: cell(&row.new, new.slug, &new_nodes, marked_html(row, Side::New)),
            explanation: Table::note(row),
            note: note.clone(),
            confidence: (row.confidence * 100.0).round() as u32,
        })
        .collect();
    let counts = [
        Class::修改,
        Class::新增,
        Class::删除,
        Class::移动,
        Class::未变,
    ]
    .into_iter()
    .map(|c| Count {
        name: c.name(),
        count: r.table.rows.iter().filter(|row| row.class == c).count(),
    })
    .collect();
    let title = format!("《{}》新旧对照表", new.meta.title);
    let rel = urls::compare(new.slug, old.slug);
    let summary = format!(
        "《{}》与《{}》逐条对照：{}。",
        new.meta.title,
        old.meta.title,
        r.table.summary_line()
    );
    let article = chrome::Article {
        column: "政策文件",
        column_type: "政策文件",
        published: new.meta.published.as_deref(),
        source: Some(&new.meta.issuer),
        description: &summary,
    };
    let crumbs = vec![
        crumb(cx, "首页", Some(urls::home())),
        crumb(cx, "政务公开", None),
        crumb(cx, "政策文件", Some(urls::policy(new.slug))),
        crumb(cx, "新旧对照", None),
    ];
    let chrome = chrome::chrome(cx, &title, crumbs, "page-compare", Some(article), &rel);
    let data = CompareData {
        title,
        relation: r.relation,
        old: PolicyBrief::new(cx, oi),
        new: PolicyBrief::new(cx, ni),
        counts,
        rows,
    };
    wrap(cx, chrome, data)
}
