//! A policy bundle's `policy.md`: metadata checks, the clause tree, and its text as HTML.

use std::path::PathBuf;

use super::lifecycle::Lifecycle;
use super::references::Resolver;
use super::types::{FlatNode, Policy, PolicyMeta, UnitRef};
use crate::clause::{self, Node, Paragraph, Role};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{Asset, SourceDoc, SourceSite};
use crate::markdown;

pub struct PolicyDraft {
    pub slug: String,
    pub source: PathBuf,
    pub meta: PolicyMeta,
    pub tree: clause::ClauseTree,
    pub nodes: Vec<FlatNode>,
    pub assets: Vec<Asset>,
    pub lifecycle: Lifecycle,
}

pub struct PolicyHtml {
    nodes: Vec<Vec<String>>,
    preamble: String,
    closing: String,
}

pub fn parse_bundle(
    slug: &str,
    docs: &[&SourceDoc],
    site: &SourceSite,
) -> Option<(PolicyDraft, Diagnostics)> {
    let doc = docs.first()?;
    let mut diags = Diagnostics::new();
    let fm = &doc.front;
    let required =
        |value: &Option<String>, key: &str, what: &str, diags: &mut Diagnostics| -> String {
            match value.as_deref().map(str::trim) {
                Some(v) if !v.is_empty() => v.to_string(),
                _ => {
                    diags.push(
                        Diagnostic::error(format!("政策原文缺少{what}（{key}）"))
                            .at(&doc.path, doc.yaml_line)
                            .hint(format!("请在前置元数据中写上 {key}: …")),
                    );
                    String::new()
                }
            }
        };
    let title = required(&fm.title, "title", "标题", &mut diags);
    let issuer = required(&fm.issuer, "issuer", "发文机关", &mut diags);
    let lifecycle = super::lifecycle::read(doc, &mut diags);
    if let Some(n) = &fm.doc_number {
        if !is_doc_number(n) {
            diags.push(
                Diagnostic::warning(format!("文号「{n}」不符合「机关代字〔年份〕序号号」的格式"))
                    .at(&doc.path, doc.line_of("doc_number"))
                    .hint("年份用六角括号〔〕，如 聊政字〔2023〕25号。"),
            );
        }
    }
    for (key, value) in [("signed", &fm.signed), ("published", &fm.published)] {
        check_date(value, key, doc, &mut diags);
    }
    let meta = PolicyMeta {
        title,
        doc_number: fm.doc_number.clone(),
        issuer,
        addressee: fm.addressee.clone(),
        signed: fm.signed.clone(),
        published: fm.published.clone(),
        index_number: fm.index_number.clone(),
        topic: fm.topic.clone(),
        validity: lifecycle.validity.label().to_string(),
        note: fm.note.clone(),
    };
    let (tree, tree_diags) = clause::parse(&doc.body, doc.body_line, &doc.path);
    diags.extend(tree_diags);
    if tree.clauses().is_empty() {
        diags.push(
            Diagnostic::warning("政策原文中没有识别出任何任务条款")
                .at(&doc.path, doc.body_line)
                .hint("条款以编号开头并单独成段，如「1. 全力建设……。」；部分用「一、」，任务组用「（一）」。"),
        );
    }
    let nodes = flatten(slug, &tree);
    let assets = site
        .assets
        .iter()
        .filter(|a| a.bundle == slug)
        .cloned()
        .collect();
    Some((
        PolicyDraft {
            slug: slug.to_string(),
            source: doc.path.clone(),
            meta,
            tree,
            nodes,
            assets,
            lifecycle,
        },
        diags,
    ))
}

/// 文号 like 聊政字〔2023〕25号.
fn is_doc_number(s: &str) -> bool {
    let Some((agency, rest)) = s.split_once('〔') else {
        return false;
    };
    let Some((year, serial)) = rest.split_once('〕') else {
        return false;
    };
    !agency.is_empty()
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && serial.strip_suffix('号').is_some_and(|n| {
            !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Dates are `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, optionally followed by ` HH:MM[:SS]`.
pub fn is_date(s: &str) -> bool {
    let (date, time) = s.split_once(' ').unwrap_or((s, ""));
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = !parts.is_empty()
        && parts.len() <= 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1..].iter().all(|p| p.len() == 2);
    let time_ok = time.is_empty()
        || (parts.len() == 3 && {
            let t: Vec<&str> = time.split(':').collect();
            (2..=3).contains(&t.len())
                && t.iter()
                    .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        });
    date_ok && time_ok
}

pub fn check_date(value: &Option<String>, key: &str, doc: &SourceDoc, diags: &mut Diagnostics) {
    if let Some(v) = value {
        if !is_date(v) {
            diags.push(
                Diagnostic::error(format!("日期「{v}」格式不对"))
                    .at(&doc.path, doc.line_of(key))
                    .hint("日期写成 \"2023-12-30\" 或 \"2024-01-09 14:43:45\"（加引号）。"),
            );
        }
    }
}

fn short_label(node: &Node, parent: Option<&Node>) -> String {
    let own = node.label.trim_end_matches(['.', '、']).to_string();
    if node.label.starts_with('第') {
        return own;
    }
    match parent {
        Some(p) if !p.label.starts_with('第') => {
            format!("{}{}", p.label.trim_end_matches('、'), own)
        }
        _ => node.label.clone(),
    }
}

fn unit_refs(node: &Node, role: Role) -> Vec<UnitRef> {
    node.units
        .iter()
        .filter(|g| g.role == role)
        .flat_map(|g| {
            g.names.iter().map(move |n| UnitRef {
                name: n.clone(),
                slug: unit_slug(n),
                label: g.label.clone(),
            })
        })
        .collect()
}

/// A short, stable URL segment for a unit name.
pub fn unit_slug(name: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(name.as_bytes()))[..10].to_string()
}

fn flatten(slug: &str, tree: &clause::ClauseTree) -> Vec<FlatNode> {
    fn go(
        slug: &str,
        nodes: &[Node],
        parent: Option<&Node>,
        ancestors: &mut Vec<String>,
        out: &mut Vec<FlatNode>,
    ) {
        for n in nodes {
            let plain = n
                .paragraphs
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            out.push(FlatNode {
                key: format!("{slug}:{}", n.id),
                id: n.id.clone(),
                short_label: short_label(n, parent),
                label: n.label.clone(),
                heading: n.heading.clone(),
                heading_ends_sentence: n.heading_ends_sentence,
                depth: n.depth,
                is_clause: n.is_clause,
                anchor: n.anchor(),
                slug: n.slug(),
                paragraphs_html: Vec::new(),
                plain: plain.clone(),
                milestones: if n.is_clause {
                    super::milestones::extract(&plain)
                } else {
                    Vec::new()
                },
                lead_units: unit_refs(n, Role::Lead),
                responsible_units: unit_refs(n, Role::Responsible),
                ancestors: ancestors.clone(),
                line: n.line,
            });
            ancestors.push(format!("{slug}:{}", n.id));
            go(slug, &n.children, Some(n), ancestors, out);
            ancestors.pop();
        }
    }
    let mut out = Vec::new();
    go(slug, &tree.roots, None, &mut Vec::new(), &mut out);
    out
}

fn paragraphs_html(
    paragraphs: &[Paragraph],
    draft: &PolicyDraft,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    paragraphs
        .iter()
        .map(|p| {
            let (rt, d) = markdown::render(&p.text, p.line, &draft.source, "", &|id| {
                resolver.resolve(id)
            });
            diags.extend(d);
            rt.html
        })
        .collect()
}

pub fn render_text(draft: &PolicyDraft, resolver: &Resolver<'_>) -> (PolicyHtml, Diagnostics) {
    let mut diags = Diagnostics::new();
    let nodes = draft
        .tree
        .walk()
        .into_iter()
        .map(|n| paragraphs_html(&n.paragraphs, draft, resolver, &mut diags))
        .collect();
    let preamble = paragraphs_html(&draft.tree.preamble, draft, resolver, &mut diags).concat();
    let closing = paragraphs_html(&draft.tree.closing, draft, resolver, &mut diags).concat();
    (
        PolicyHtml {
            nodes,
            preamble,
            closing,
        },
        diags,
    )
}

pub fn finish(draft: PolicyDraft, html: PolicyHtml) -> Policy {
    let mut nodes = draft.nodes;
    for (node, paragraphs) in nodes.iter_mut().zip(html.nodes) {
        node.paragraphs_html = paragraphs;
    }
    Policy {
        slug: draft.slug,
        source: draft.source,
        meta: draft.meta,
        tree: draft.tree,
        nodes,
        preamble_html: html.preamble,
        closing_html: html.closing,
        interpretations: Vec::new(),
        progress: Vec::new(),
        assets: draft.assets,
        lifecycle: draft.lifecycle,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_doc_numbers_and_dates() {
        assert!(is_doc_number("聊政字〔2023〕25号"));
        assert!(!is_doc_number("聊政字[2023]25号"));
        assert!(!is_doc_number("聊政字〔2023〕025号"));
        assert!(is_date("2023-12-30"));
        assert!(is_date("2024-01-09 14:43:45"));
        assert!(is_date("2024"));
        assert!(!is_date("2023年12月30日"));
        assert!(!is_date("2024 14:00"));
    }
}
