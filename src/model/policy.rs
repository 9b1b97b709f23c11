//! A policy bundle's `policy.md`: metadata checks, the clause tree, and its text as HTML.

use std::path::PathBuf;

use super::lifecycle::Lifecycle;
use super::references::Resolver;
use super::types::{FlatNode, Policy, PolicyMeta, UnitGroupRef, UnitRef};
use crate::clause::{self, Node, Paragraph, Role};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::formats::{self, DateError};
use crate::load::{Asset, SourceDoc, SourceSite};
use crate::markdown::{self, RawHtml};

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
    links: Vec<markdown::SourceLink>,
    preamble: String,
    closing: String,
}

pub fn parse_bundle(
    slug: &str,
    docs: &[&SourceDoc],
    site: &SourceSite,
    recall: &clause::stored::Recall,
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
        if !formats::is_doc_number(n) {
            diags.push(
                Diagnostic::warning(format!("文号「{n}」不符合「机关代字〔年份〕序号号」的格式"))
                    .at(&doc.path, doc.line_of("doc_number"))
                    .hint("年份用六角括号〔〕，如 聊政字〔2023〕25号。"),
            );
        }
    }
    if let Some(n) = &fm.index_number {
        check_index_number(n, doc, &mut diags);
    }
    for (key, value) in [
        ("signed", &fm.signed),
        ("published", &fm.published),
        ("validity_date", &fm.validity_date),
    ] {
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
    let levels = fm.levels.as_deref().map(|l| (l, doc.line_of("levels")));
    let (tree, tree_diags) = recall.parse(&doc.body, doc.body_line, &doc.path, levels);
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

/// A date field in the one format of [`formats::parse_date`]: an error if it is malformed or
/// names a day that does not exist.
/// 索引号 not in the national `前段码/年份-序号` form: a warning, since local schemes exist.
pub fn check_index_number(n: &str, doc: &SourceDoc, diags: &mut Diagnostics) {
    if !formats::is_index_number(n) {
        diags.push(
            Diagnostic::warning(format!("索引号「{n}」不符合「机构代码/年份-五位序号」的格式"))
                .at(&doc.path, doc.line_of("index_number"))
                .hint("如 000014349/2017-00110（9 位组织机构代码或 18 位统一社会信用代码，斜杠，年份，连字符，5 位序号）。"),
        );
    }
}

pub fn check_date(value: &Option<String>, key: &str, doc: &SourceDoc, diags: &mut Diagnostics) {
    let Some(v) = value else { return };
    let message = match formats::parse_date(v) {
        Ok(_) => return,
        Err(DateError::Format) => format!("日期「{v}」格式不对"),
        Err(DateError::Impossible) => format!("日期「{v}」不存在"),
    };
    diags.push(
        Diagnostic::error(message)
            .at(&doc.path, doc.line_of(key))
            .hint("日期写成 \"2023-12-30\" 或 \"2024-01-09 14:43:45\"（加引号），月份 01–12，日不超过当月天数。"),
    );
}

fn short_label(node: &Node, parent: Option<&Node>) -> String {
    let own = node.label.trim_end_matches(['.', '、']).to_string();
    // A clause numbered straight through the document is named by its own number (`10`).
    if node.label.starts_with('第') || node.numbered_through || node.table.is_some() {
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

fn unit_groups(node: &Node) -> Vec<UnitGroupRef> {
    node.units
        .iter()
        .map(|g| UnitGroupRef {
            label: g.label.clone(),
            role: match g.role {
                Role::Lead => "lead",
                Role::Responsible => "responsible",
                Role::Guide => "guide",
            },
            units: g
                .names
                .iter()
                .map(|n| UnitRef {
                    name: n.clone(),
                    slug: unit_slug(n),
                    label: g.label.clone(),
                })
                .collect(),
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
                deadline: n.deadline.clone(),
                lead_units: unit_refs(n, Role::Lead),
                responsible_units: unit_refs(n, Role::Responsible),
                unit_groups: unit_groups(n),
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
    raw_html: RawHtml,
    links: &mut Vec<markdown::SourceLink>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    paragraphs
        .iter()
        .map(|p| {
            let (rt, d) = markdown::render(&p.text, p.line, &draft.source, "", raw_html, &|id| {
                resolver.resolve(id)
            });
            diags.extend(d);
            links.extend(rt.links);
            rt.html
        })
        .collect()
}

pub fn render_text(
    draft: &PolicyDraft,
    resolver: &Resolver<'_>,
    raw_html: RawHtml,
) -> (PolicyHtml, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut links = Vec::new();
    let mut html = |paragraphs: &[Paragraph]| {
        paragraphs_html(
            paragraphs, draft, resolver, raw_html, &mut links, &mut diags,
        )
    };
    let nodes = draft
        .tree
        .walk()
        .into_iter()
        .map(|n| html(&n.paragraphs))
        .collect();
    let preamble = html(&draft.tree.preamble).concat();
    let closing = [html(&draft.tree.closing), html(&draft.tree.appended)]
        .concat()
        .concat();
    (
        PolicyHtml {
            nodes,
            links,
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
        links: html.links,
        interpretations: Vec::new(),
        progress: Vec::new(),
        assets: draft.assets,
        lifecycle: draft.lifecycle,
        // Set by the model once the bundle's references are resolved.
        input_digest: 0,
    }
}
