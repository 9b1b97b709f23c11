//! The 新旧对照 as the site shows it outside its own page: the changed text marked character by
//! character with a text cue that needs no colour, and the line on a clause page that says
//! what the revision did to the clause and links to its row of the 对照表.

use serde::Serialize;

use super::cx::Cx;
use crate::compare::diff::Run;
use crate::compare::table::{Row, Side};
use crate::compare::{Article, Class};
use crate::markdown::escape as esc;
use crate::model::revisions::Revision;
use crate::model::{urls, FlatNode};

/// A clause's text with the revision's changes: deleted characters on the old side, inserted
/// ones on the new, each inside `<del>`/`<ins>` and between 〔删：…〕/〔增：…〕 written in the
/// text (read aloud, printed in black and white, copied with the text).
pub fn marked_html(row: &Row, side: Side) -> String {
    let article = match side {
        Side::Old => &row.old,
        Side::New => &row.new,
    };
    let Some(article) = article else {
        return String::new();
    };
    if row.runs.is_empty() {
        return esc(&article.text).replace('\n', "<br>");
    }
    let mut out = String::new();
    for run in &row.runs {
        match (run, side) {
            (Run::Same(t), _) => out.push_str(&esc(t).replace('\n', "<br>")),
            (Run::Del(t), Side::Old) => out.push_str(&format!(
                "<del><span class=\"cue\">〔删：</span>{}<span class=\"cue\">〕</span></del>",
                esc(t).replace('\n', "<br>")
            )),
            (Run::Ins(t), Side::New) => out.push_str(&format!(
                "<ins><span class=\"cue\">〔增：</span>{}<span class=\"cue\">〕</span></ins>",
                esc(t).replace('\n', "<br>")
            )),
            _ => {}
        }
    }
    out
}

/// The id of a row on the 对照 page: the new clause's, or the old one's for a deleted clause.
pub fn row_anchor(row: &Row) -> String {
    match (&row.new, &row.old) {
        (Some(n), _) => format!("new-{}", n.id.replace('.', "-")),
        (None, Some(o)) => format!("old-{}", o.id.replace('.', "-")),
        (None, None) => "row".to_string(),
    }
}

/// One line on a clause page about a revision: what happened to the clause, the clause it
/// became (on a clause of the older policy), and its row of the 对照表.
#[derive(Debug, Serialize)]
pub struct ClauseRevision {
    /// 本条已修改, 本条为新增, 原第五条已删除, …
    pub text: String,
    pub successor: Option<ClauseHref>,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct ClauseHref {
    pub label: String,
    pub href: String,
}

/// What each revision the policy `pi` is part of did to its clause `node` — or, where the
/// 对照表 compares articles (`第五条`) and the clause is an item of one (`第五条（一）`), to the
/// article it belongs to.
pub fn clause_lines(cx: &Cx, pi: usize, node: &FlatNode) -> Vec<ClauseRevision> {
    let slug = &cx.policy(pi).slug;
    let mut out = Vec::new();
    for r in cx.revisions(pi) {
        // The clause itself, else its nearest ancestor that is a row of the table.
        let old_side = r.new != *slug;
        let own = std::iter::once(node.id.as_str());
        let ancestors = node
            .ancestors
            .iter()
            .rev()
            .filter_map(|k| k.split_once(':'));
        let Some(id) = own
            .chain(ancestors.map(|(_, id)| id))
            .find(|id| r.row_of(id, old_side).is_some())
        else {
            continue;
        };
        let this = if id == node.id {
            "本条".to_string()
        } else {
            let row = r.row_of(id, old_side).map(|at| &r.table.rows[at]);
            let side = row.map(|row| if old_side { &row.old } else { &row.new });
            format!("本条所在的{}", side.map_or("", |a| label(a)))
        };
        let id = id.to_string();
        let id = id.as_str();
        let page = cx.urls().href(&urls::compare(&r.new, &r.old));
        let href = |row: &Row| format!("{page}#{}", row_anchor(row));
        let rows = &r.table.rows;
        if r.new == *slug {
            let Some(at) = r.row_of(id, false) else {
                continue;
            };
            let row = &rows[at];
            let old_label = row.old.as_ref().map(|a| a.label.as_str()).unwrap_or("");
            let text = match row.class {
                Class::修改 if old_label != label(&row.new) => {
                    Some(format!("{this}已修改（原{old_label}）"))
                }
                Class::修改 => Some(format!("{this}已修改")),
                Class::移动 => Some(format!("{this}由原{old_label}调整而来，内容未变")),
                Class::新增 => Some(format!("{this}为新增")),
                Class::未变 | Class::删除 => None,
            };
            if let Some(text) = text {
                out.push(ClauseRevision {
                    text,
                    successor: None,
                    href: href(row),
                });
            }
            // Old clauses deleted right after this one (or, for the first, before it); named
            // on the article's own page, or on the first item of it.
            let first_item = id == node.id
                || cx
                    .outline(pi)
                    .iter()
                    .find(|n| {
                        n.is_clause && n.ancestors.iter().any(|k| k.ends_with(&format!(":{id}")))
                    })
                    .is_some_and(|n| n.id == node.id);
            for deleted in deleted_next_to(r, at).into_iter().filter(|_| first_item) {
                out.push(ClauseRevision {
                    text: format!("原{}已删除", label(&deleted.old)),
                    successor: None,
                    href: href(deleted),
                });
            }
        } else if let Some(at) = r.row_of(id, true) {
            let row = &rows[at];
            let new_policy = cx.policy_index(&r.new).map(|ni| cx.policy(ni));
            let title = new_policy.map_or(String::new(), |p| format!("新文件《{}》", p.meta.title));
            let text = match row.class {
                Class::修改 => format!("{this}在{title}中已修改，现为"),
                Class::未变 | Class::移动 => format!("{this}在{title}中内容未变，现为"),
                Class::删除 => format!("{this}在{title}中已删除"),
                Class::新增 => continue,
            };
            let successor = row.new.as_ref().and_then(|a| successor(cx, r, a));
            out.push(ClauseRevision {
                text,
                successor,
                href: href(row),
            });
        }
    }
    out
}

fn label(a: &Option<Article>) -> &str {
    a.as_ref().map_or("", |a| a.label.as_str())
}

/// The deleted rows that the 对照表 lists right after row `at` (before it, when `at` is the
/// first row with a new clause), so each deleted clause is named on one clause page.
fn deleted_next_to(r: &Revision, at: usize) -> Vec<&Row> {
    let rows = &r.table.rows;
    let first_new = rows.iter().position(|row| row.new.is_some());
    let mut out: Vec<&Row> = Vec::new();
    if first_new == Some(at) {
        out.extend(rows[..at].iter().filter(|row| row.class == Class::删除));
    }
    out.extend(
        rows[at + 1..]
            .iter()
            .take_while(|row| row.new.is_none())
            .filter(|row| row.class == Class::删除),
    );
    out
}

/// The clause of the newer policy that an old clause became, with its page.
fn successor(cx: &Cx, r: &Revision, a: &Article) -> Option<ClauseHref> {
    let ni = cx.policy_index(&r.new)?;
    let node = cx.outline(ni).iter().find(|n| n.id == a.id)?;
    Some(ClauseHref {
        label: a.label.clone(),
        href: cx.urls().href(&node.url(&r.new)),
    })
}
