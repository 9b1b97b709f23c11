//! A policy's life: whether it is in force (有效 / 失效 / 废止 / 已修订), since when, and the
//! policies that replace it, that it amends, or that relate to it — each link resolved to a
//! policy of the site and recorded on both policies.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use super::policy::check_date;
use super::types::Policy;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceDoc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Validity {
    Valid,
    Revised,
    Expired,
    Repealed,
}

impl Validity {
    pub const ALL: [Validity; 4] = [
        Validity::Valid,
        Validity::Revised,
        Validity::Expired,
        Validity::Repealed,
    ];

    /// The value as editors write it; the past-tense forms that 政府信息公开 pages and older
    /// imports use (已失效, 已废止) mean the same.
    pub fn parse(s: &str) -> Option<Validity> {
        Some(match s.trim() {
            "有效" | "现行有效" => Validity::Valid,
            "失效" | "已失效" => Validity::Expired,
            "废止" | "已废止" => Validity::Repealed,
            "已修订" | "修订" | "已修改" => Validity::Revised,
            _ => return None,
        })
    }

    /// The label shown in the metadata table and the library.
    pub fn label(self) -> &'static str {
        match self {
            Validity::Valid => "有效",
            Validity::Expired => "失效",
            Validity::Repealed => "废止",
            Validity::Revised => "已修订",
        }
    }

    /// URL segment of the library's page for this validity.
    pub fn slug(self) -> &'static str {
        match self {
            Validity::Valid => "valid",
            Validity::Expired => "expired",
            Validity::Repealed => "repealed",
            Validity::Revised => "revised",
        }
    }

    pub fn in_force(self) -> bool {
        self == Validity::Valid
    }

    /// schema.org `legislationLegalForce`.
    pub fn legal_force(self) -> &'static str {
        match self {
            Validity::Valid => "InForce",
            Validity::Revised => "PartiallyInForce",
            Validity::Expired | Validity::Repealed => "NotInForce",
        }
    }
}

/// A policy slug as written in front matter, with its line for error messages.
#[derive(Debug, Clone, Default, PartialEq, Hash)]
pub struct Declared {
    pub replaced_by: Vec<(String, usize)>,
    pub amends: Vec<(String, usize)>,
    pub related: Vec<(String, usize)>,
}

/// The lifecycle of one policy. Links are policy slugs; each declared link also appears,
/// reversed, on the other policy (`replaced_by` ↔ `replaces`, `amends` ↔ `amended_by`,
/// `related` ↔ `related`).
#[derive(Debug, Clone, PartialEq, Serialize, Hash)]
pub struct Lifecycle {
    pub validity: Validity,
    pub date: Option<String>,
    pub replaced_by: Vec<String>,
    pub replaces: Vec<String>,
    pub amends: Vec<String>,
    pub amended_by: Vec<String>,
    pub related: Vec<String>,
    #[serde(skip)]
    pub declared: Declared,
    /// The 修改说明 the policy's front matter gives for clauses of a revision it makes; checked
    /// against the revision's clauses by [`super::revisions::compare`].
    #[serde(skip)]
    pub revision_notes: Vec<super::revisions::RevisionNote>,
}

impl Lifecycle {
    pub fn has_links(&self) -> bool {
        !(self.replaced_by.is_empty()
            && self.replaces.is_empty()
            && self.amends.is_empty()
            && self.amended_by.is_empty()
            && self.related.is_empty())
    }
}

/// Reads the lifecycle fields of a policy file. An unknown validity is a warning: the page
/// is shown as in force, and the message says so.
pub fn read(doc: &SourceDoc, diags: &mut Diagnostics) -> Lifecycle {
    let fm = &doc.front;
    let validity = match fm.validity.as_deref() {
        None => Validity::Valid,
        Some(v) => Validity::parse(v).unwrap_or_else(|| {
            diags.push(
                Diagnostic::warning(format!("有效性「{v}」无法识别，已按「有效」处理"))
                    .at(&doc.path, doc.line_of("validity"))
                    .hint("有效性可写：有效、失效、废止、已修订（也接受 已失效、已废止）。"),
            );
            Validity::Valid
        }),
    };
    check_date(&fm.validity_date, "validity_date", doc, diags);
    if validity.in_force() && fm.validity_date.is_some() {
        diags.push(
            Diagnostic::warning("写了 validity_date，但有效性是「有效」，该日期不会显示")
                .at(&doc.path, doc.line_of("validity_date"))
                .hint("validity_date 是文件失效、废止或修订的日期；仍然有效的文件不必写。"),
        );
    }
    if validity.in_force() && !fm.replaced_by.is_empty() {
        diags.push(
            Diagnostic::warning("写了 replaced_by，但有效性是「有效」，页面仍按有效文件显示")
                .at(&doc.path, doc.line_of("replaced_by"))
                .hint("被替代的文件通常应写 validity: 废止 或 validity: 失效。"),
        );
    }
    let lines = |key: &str, slugs: &[String]| -> Vec<(String, usize)> {
        slugs
            .iter()
            .map(|s| (s.clone(), line_of_value(doc, key, s)))
            .collect()
    };
    Lifecycle {
        validity,
        date: fm.validity_date.clone().filter(|_| !validity.in_force()),
        replaced_by: Vec::new(),
        replaces: Vec::new(),
        amends: Vec::new(),
        amended_by: Vec::new(),
        related: Vec::new(),
        declared: Declared {
            replaced_by: lines("replaced_by", &fm.replaced_by),
            amends: lines("amends", &fm.amends),
            related: lines("related", &fm.related),
        },
        revision_notes: super::revisions::read_notes(doc),
    }
}

/// The line of `value` under `key` (a list may continue on the lines below the key).
pub fn line_of_value(doc: &SourceDoc, key: &str, value: &str) -> usize {
    let key_line = doc.line_of(&format!("{key}:"));
    doc.yaml
        .lines()
        .enumerate()
        .skip(key_line.saturating_sub(doc.yaml_line))
        .find(|(_, l)| l.contains(value))
        .map_or(key_line, |(i, _)| doc.yaml_line + i)
}

/// Resolves every declared link to a policy of the site and records it on both policies.
/// An unknown slug or a link to the policy itself is an error at the line that names it.
/// Policies are shared with the model cache of `jiedu serve`, which keeps them as modelled,
/// before linking: only a policy that gains links is copied, so the others stay the very
/// policy the cache holds (and a reused bundle is recognised as unchanged).
pub fn link(policies: &mut [Arc<Policy>], diags: &mut Diagnostics) {
    let position: HashMap<String, usize> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    let mut known: Vec<&str> = position.keys().map(String::as_str).collect();
    known.sort_unstable();
    let known_list = if known.len() > 12 {
        format!("{} 等 {} 个", known[..12].join("、"), known.len())
    } else {
        known.join("、")
    };
    // (from, to, relation), collected first: both ends are written afterwards.
    let mut edges: Vec<(usize, usize, Relation)> = Vec::new();
    for (from, p) in policies.iter().enumerate() {
        let d = &p.lifecycle.declared;
        for (relation, list) in [
            (Relation::ReplacedBy, &d.replaced_by),
            (Relation::Amends, &d.amends),
            (Relation::Related, &d.related),
        ] {
            for (slug, line) in list {
                let error = |message: String| {
                    Diagnostic::error(message)
                        .at(&p.source, *line)
                        .hint(format!(
                            "{} 写另一个政策的目录名；现有的政策目录有：{known_list}。",
                            relation.key()
                        ))
                };
                match position.get(slug.as_str()) {
                    None => diags.push(error(format!(
                        "{} 中的政策「{slug}」不存在",
                        relation.key()
                    ))),
                    Some(&to) if to == from => diags.push(error(format!(
                        "{} 指向了本政策自己（{slug}）",
                        relation.key()
                    ))),
                    Some(&to) => edges.push((from, to, relation)),
                }
            }
        }
    }
    let mut touched: Vec<usize> = Vec::new();
    for (from, to, relation) in edges {
        let (a, b) = (policies[from].slug.clone(), policies[to].slug.clone());
        push_unique(
            relation.forward(&mut Arc::make_mut(&mut policies[from]).lifecycle),
            b,
        );
        push_unique(
            relation.back(&mut Arc::make_mut(&mut policies[to]).lifecycle),
            a,
        );
        touched.extend([from, to]);
    }
    touched.sort_unstable();
    touched.dedup();
    for i in touched {
        let l = &mut Arc::make_mut(&mut policies[i]).lifecycle;
        for list in [
            &mut l.replaced_by,
            &mut l.replaces,
            &mut l.amends,
            &mut l.amended_by,
            &mut l.related,
        ] {
            list.sort();
        }
    }
}

fn push_unique(list: &mut Vec<String>, slug: String) {
    if !list.contains(&slug) {
        list.push(slug);
    }
}

#[derive(Debug, Clone, Copy)]
enum Relation {
    ReplacedBy,
    Amends,
    Related,
}

impl Relation {
    fn key(self) -> &'static str {
        match self {
            Relation::ReplacedBy => "replaced_by",
            Relation::Amends => "amends",
            Relation::Related => "related",
        }
    }

    fn forward(self, l: &mut Lifecycle) -> &mut Vec<String> {
        match self {
            Relation::ReplacedBy => &mut l.replaced_by,
            Relation::Amends => &mut l.amends,
            Relation::Related => &mut l.related,
        }
    }

    fn back(self, l: &mut Lifecycle) -> &mut Vec<String> {
        match self {
            Relation::ReplacedBy => &mut l.replaces,
            Relation::Amends => &mut l.amended_by,
            Relation::Related => &mut l.related,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_todays_values_and_past_tense_forms() {
        assert_eq!(Validity::parse("有效"), Some(Validity::Valid));
        assert_eq!(Validity::parse("已废止"), Some(Validity::Repealed));
        assert_eq!(Validity::parse("废止"), Some(Validity::Repealed));
        assert_eq!(Validity::parse("已失效"), Some(Validity::Expired));
        assert_eq!(Validity::parse("已修订"), Some(Validity::Revised));
        assert_eq!(Validity::parse("作废"), None);
    }
}
