//! 新旧对照 in the model: for every policy that amends or replaces another, the clause-by-clause
//! alignment of the two ([`crate::compare`], the very table `jiedu compare` makes from the same
//! clause trees), with the 修改说明 the editor wrote in the newer policy's front matter, each
//! note's clause checked against the clauses of the revision.

use std::sync::Arc;

use serde::Serialize;

use super::types::Policy;
use crate::compare::table::Table;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceDoc;

/// One 修改说明 as written: the clause id (`3.2`, or `old-slug:5` for a clause of the revised
/// policy) and its line in the front matter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RevisionNote {
    pub clause: String,
    pub note: String,
    pub line: usize,
}

/// A policy (`new`) and one policy it amends or replaces (`old`), clause by clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    pub old: String,
    pub new: String,
    /// `修订` (amends) or `替代` (replaces).
    pub relation: &'static str,
    pub table: Table,
    /// The editor's 修改说明 for each row of the table.
    pub notes: Vec<Option<String>>,
}

impl Revision {
    /// The row of a clause of the old (`old_side`) or the new policy, by clause id.
    pub fn row_of(&self, id: &str, old_side: bool) -> Option<usize> {
        self.table.rows.iter().position(|r| {
            let side = if old_side { &r.old } else { &r.new };
            side.as_ref().is_some_and(|a| a.id == id)
        })
    }

    /// Whether the revision involves the policy `slug`.
    pub fn involves(&self, slug: &str) -> bool {
        self.old == slug || self.new == slug
    }
}

/// The 修改说明 of a policy file, each with the line of its clause id.
pub fn read_notes(doc: &SourceDoc) -> Vec<RevisionNote> {
    let lines: Vec<&str> = doc.yaml.lines().collect();
    let key_at = lines
        .iter()
        .position(|l| l.starts_with("revision_notes:") || l.starts_with("修改说明:"))
        .unwrap_or(0);
    let mut from = key_at;
    doc.front
        .revision_notes
        .iter()
        .map(|n| {
            // The notes' clause lines in order: each found after the one before.
            let at = lines
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, l)| {
                    let t = l.trim_start().trim_start_matches("- ").trim_start();
                    (t.starts_with("clause:") || t.starts_with("条款:")) && l.contains(&n.clause)
                })
                .map_or(key_at, |(i, _)| i);
            from = at + 1;
            RevisionNote {
                clause: n.clause.clone(),
                note: n.note.trim().to_string(),
                line: doc.yaml_line + at,
            }
        })
        .collect()
}

/// Every revision of the site, sorted by the new policy's slug and then the old one's, and the
/// problems with the 修改说明: a note whose clause is no clause of the revision is an error.
pub fn compare(policies: &[Arc<Policy>], diags: &mut Diagnostics) -> Vec<Revision> {
    let find = |slug: &str| policies.iter().find(|p| p.slug == slug);
    let mut pairs: Vec<(&Policy, &Policy, &'static str)> = Vec::new();
    for new in policies {
        let l = &new.lifecycle;
        let revised = l.amends.iter().map(|s| (s, "修订"));
        for (slug, relation) in revised.chain(l.replaces.iter().map(|s| (s, "替代"))) {
            if let Some(old) = find(slug) {
                if !pairs
                    .iter()
                    .any(|(o, n, _)| o.slug == old.slug && n.slug == new.slug)
                {
                    pairs.push((old, new, relation));
                }
            }
        }
    }
    pairs.sort_by(|a, b| (&a.1.slug, &a.0.slug).cmp(&(&b.1.slug, &b.0.slug)));
    let mut revisions: Vec<Revision> = pairs
        .iter()
        .map(|(old, new, relation)| Revision {
            old: old.slug.clone(),
            new: new.slug.clone(),
            relation,
            table: Table::build(&old.meta.title, &old.tree, &new.meta.title, &new.tree),
            notes: Vec::new(),
        })
        .collect();
    for r in &mut revisions {
        r.notes = vec![None; r.table.rows.len()];
    }
    for p in policies {
        for note in &p.lifecycle.revision_notes {
            if let Err(d) = place_note(p, note, &mut revisions) {
                diags.push(d.at(&p.source, note.line));
            }
        }
    }
    revisions
}

/// Puts a note on its row: `3.2` names a clause of `p` in a revision `p` makes, `old:5` a
/// clause of a policy `p` revises.
fn place_note(
    p: &Policy,
    note: &RevisionNote,
    revisions: &mut [Revision],
) -> Result<(), Diagnostic> {
    let (slug, id) = match note.clause.split_once(':') {
        Some((slug, id)) => (slug.trim(), id.trim()),
        None => (p.slug.as_str(), note.clause.trim()),
    };
    let own: Vec<usize> = (0..revisions.len())
        .filter(|&i| revisions[i].new == p.slug)
        .collect();
    if own.is_empty() {
        return Err(Diagnostic::error(format!(
            "写了修改说明（条款「{}」），但本政策没有修订或替代其他政策",
            note.clause
        ))
        .hint("修改说明写在修订后的新政策中，并在前置元数据中写 amends: 旧政策目录名（修订），或在旧政策中写 replaced_by: 本政策目录名（替代）。"));
    }
    for &i in &own {
        let r = &mut revisions[i];
        let old_side = slug != p.slug;
        if old_side && slug != r.old {
            continue;
        }
        if let Some(row) = r.row_of(id, old_side) {
            r.notes[row] = Some(note.note.clone());
            return Ok(());
        }
    }
    let ids = |i: usize, old_side: bool| -> String {
        let rows = &revisions[i].table.rows;
        let list: Vec<&str> = rows
            .iter()
            .filter_map(|r| if old_side { &r.old } else { &r.new }.as_ref())
            .map(|a| a.id.as_str())
            .collect();
        match (list.first(), list.last()) {
            (Some(first), Some(last)) => format!("{first} 到 {last}"),
            _ => "（没有识别出条款）".to_string(),
        }
    };
    let old = &revisions[own[0]].old;
    Err(Diagnostic::error(format!(
        "修改说明中的条款「{}」不是新旧对照中的条款",
        note.clause
    ))
    .hint(format!(
        "本政策可写修改说明的条款编号从 {}；已删除的原条款写作 旧政策目录名:编号，如 {old}:{}。",
        ids(own[0], false),
        revisions[own[0]]
            .table
            .rows
            .iter()
            .find_map(|r| r.old.as_ref())
            .map_or("1", |a| a.id.as_str())
    )))
}
