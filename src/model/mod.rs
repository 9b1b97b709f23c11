//! Stage 2, model: policies with their clause trees, interpretations with resolved clause
//! references, back-links from every clause to the passages citing it, and the unit index.
//! Entry point: [`build_model`].

mod consistency;
mod documents;
pub mod kind;
pub mod lifecycle;
mod milestones;
mod policy;
mod redirects;
mod references;
pub mod types;
pub mod urls;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{SourceDoc, SourceSite};
pub use kind::Kind;
pub use policy::unit_slug;
pub use types::*;
use urls::Urls;

/// What a content file is, decided by its `kind`.
enum DocRole<'a> {
    Interpretation(Kind, &'a SourceDoc),
    Progress(&'a SourceDoc),
    Page(&'a SourceDoc),
}

pub fn build_model(source: &SourceSite) -> Result<Site, Diagnostics> {
    let mut diags = source.diagnostics.clone();
    diags.extend(consistency::check(source));
    let urls = Urls::new(&source.config.path_prefix());

    // Policies first: every reference resolves against their clause trees.
    let mut bundles: BTreeMap<&str, Vec<&SourceDoc>> = BTreeMap::new();
    let mut roles: Vec<(Option<&str>, DocRole<'_>)> = Vec::new();
    for doc in &source.documents {
        match (doc.front.kind.as_str(), doc.bundle.as_deref()) {
            ("policy" | "政策", Some(b)) => bundles.entry(b).or_default().push(doc),
            ("page" | "页面", None) => roles.push((None, DocRole::Page(doc))),
            ("progress" | "落实进展", Some(b)) => roles.push((Some(b), DocRole::Progress(doc))),
            (k, bundle) => match (Kind::parse(k), bundle) {
                (Some(kind), Some(b)) => roles.push((Some(b), DocRole::Interpretation(kind, doc))),
                (None, _) => diags.push(
                    Diagnostic::error(format!("未知的内容类型 kind: {k}"))
                        .at(&doc.path, doc.line_of("kind"))
                        .hint("可用的类型：policy、leader、expert、document、qa、infographic、video、animation、progress、page。"),
                ),
                (Some(_), None) => diags.push(
                    Diagnostic::error(format!("「{k}」类型的文件必须放在政策目录里"))
                        .at(&doc.path, doc.line_of("kind"))
                        .hint("content/pages/ 里只放独立页面（kind: page）。"),
                ),
            },
        }
    }
    for doc in &source.documents {
        if doc.bundle.is_some() && matches!(doc.front.kind.as_str(), "page" | "页面") {
            diags.push(
                Diagnostic::error("独立页面（kind: page）应放在 content/pages/ 目录")
                    .at(&doc.path, doc.line_of("kind"))
                    .hint("政策目录里只放政策原文、解读和落实进展。"),
            );
        }
    }
    let bundle_names: Vec<&str> = source
        .documents
        .iter()
        .filter_map(|d| d.bundle.as_deref())
        .collect();
    for name in bundle_names {
        if !bundles.contains_key(name) {
            bundles.insert(name, Vec::new());
        }
    }

    for slug in bundles.keys() {
        if urls::RESERVED.contains(slug) {
            let first = source
                .documents
                .iter()
                .find(|d| d.bundle.as_deref() == Some(*slug));
            let mut d =
                Diagnostic::error(format!("政策目录名「{slug}」是系统保留的网址")).hint(format!(
                    "请改用其他目录名；保留的名称有：{}。",
                    urls::RESERVED.join("、")
                ));
            if let Some(f) = first {
                d = d.in_file(&f.path);
            }
            diags.push(d);
        }
    }
    let parsed: Vec<(policy::PolicyDraft, Diagnostics)> = bundles
        .par_iter()
        .filter_map(|(slug, docs)| policy::parse_bundle(slug, docs, source))
        .collect();
    let mut drafts = Vec::new();
    for (draft, d) in parsed {
        diags.extend(d);
        drafts.push(draft);
    }
    // A bundle whose policy file did not load would only add follow-on errors (every reference
    // into it unresolved); its load error already names the cause.
    let broken: Vec<&str> = bundles
        .iter()
        .filter(|(slug, docs)| docs.is_empty() && source.unreadable_bundles.contains(**slug))
        .map(|(slug, _)| *slug)
        .collect();
    bundles.retain(|slug, _| !broken.contains(slug));
    roles.retain(|(bundle, _)| !bundle.is_some_and(|b| broken.contains(&b)));
    for (slug, docs) in &bundles {
        if docs.is_empty() {
            let first = source
                .documents
                .iter()
                .find(|d| d.bundle.as_deref() == Some(*slug));
            let mut d =
                Diagnostic::error(format!("政策目录「{slug}」中没有政策原文（kind: policy）"))
                    .hint("每个政策目录需要一个 policy.md，前置元数据写 kind: policy。");
            if let Some(f) = first {
                d = d.in_file(&f.path);
            }
            diags.push(d);
        } else if docs.len() > 1 {
            for extra in &docs[1..] {
                diags.push(
                    Diagnostic::error(format!(
                        "政策目录「{slug}」中有多个政策原文文件，它们会占用同一个网址"
                    ))
                    .at(&extra.path, extra.line_of("kind"))
                    .hint(format!(
                        "一个政策目录只能有一个 kind: policy 的文件；第一个是 {}。",
                        docs[0].path.display()
                    )),
                );
            }
        }
    }

    let index = references::ClauseIndex::new(&drafts, &urls);
    let policy_slugs: Vec<String> = drafts.iter().map(|d| d.slug.clone()).collect();
    let raw_html = source.config.raw_html();
    let rendered: Vec<(documents::Built, Diagnostics)> = roles
        .par_iter()
        .map(|(bundle, role)| {
            let resolver = index.resolver(*bundle);
            match role {
                DocRole::Interpretation(kind, doc) => {
                    documents::interpretation(*kind, doc, &resolver, &urls, source)
                }
                DocRole::Progress(doc) => documents::progress(doc, &resolver, raw_html),
                DocRole::Page(doc) => documents::page(doc, &resolver, &policy_slugs, raw_html),
            }
        })
        .collect();
    let policy_html: Vec<(policy::PolicyHtml, Diagnostics)> = drafts
        .par_iter()
        .map(|d| policy::render_text(d, &index.resolver(Some(&d.slug)), raw_html))
        .collect();

    let mut policies: Vec<Policy> = Vec::new();
    for (draft, (html, d)) in drafts.into_iter().zip(policy_html) {
        diags.extend(d);
        policies.push(policy::finish(draft, html));
    }
    let position: HashMap<String, usize> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    let mut pages = Vec::new();
    for ((bundle, _), (built, d)) in roles.iter().zip(rendered) {
        diags.extend(d);
        let target = bundle
            .and_then(|b| position.get(b))
            .and_then(|&i| policies.get_mut(i));
        match (built, target) {
            (documents::Built::Interpretation(i), Some(p)) => p.interpretations.push(*i),
            (documents::Built::Progress(pr), Some(p)) => p.progress.push(pr),
            (documents::Built::Page(page), _) => pages.push(page),
            _ => {}
        }
    }
    for p in &mut policies {
        p.interpretations
            .sort_by(|a, b| (a.kind, &a.source).cmp(&(b.kind, &b.source)));
        for pair in p.interpretations.windows(2) {
            if pair[0].kind == pair[1].kind {
                diags.push(
                    Diagnostic::error(format!(
                        "「{}」有两个文件，它们会占用同一个网址",
                        pair[1].kind.name()
                    ))
                    .in_file(&pair[1].source)
                    .hint(format!(
                        "每个政策只能有一个 {} 文件；另一个是 {}。",
                        pair[1].kind.slug(),
                        pair[0].source.display()
                    )),
                );
            }
        }
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    for pair in pages.windows(2) {
        if pair[0].slug == pair[1].slug {
            diags.push(
                Diagnostic::error(format!("两个独立页面都使用网址 /{}/", pair[1].slug))
                    .in_file(&pair[1].source)
                    .hint(format!(
                        "请修改其中一个的 slug；另一个是 {}。",
                        pair[0].source.display()
                    )),
            );
        }
    }

    let (redirects, d) = redirects::collect(source, &policies, &pages);
    diags.extend(d);
    lifecycle::link(&mut policies, &mut diags);
    let clause_index = references::flat_index(&policies);
    let backlinks = references::backlinks(&policies, &urls);
    let units = references::units(&policies);

    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(Site {
        config: source.config.clone(),
        urls,
        policies,
        pages,
        units,
        backlinks,
        clause_index,
        redirects,
        warnings: diags.sorted(),
    })
}
