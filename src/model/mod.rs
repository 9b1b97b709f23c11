//! Stage 2, model: policies with their clause trees, interpretations with resolved clause
//! references, back-links from every clause to the passages citing it, and the unit index.
//! Entry point: [`build_model`].

mod consistency;
mod documents;
mod fingerprint;
pub mod lifecycle;
mod milestones;
mod policy;
mod redirects;
mod references;
pub mod revisions;
pub mod types;
pub mod urls;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::clause::stored::Recall;
use crate::diagnostics::{Diagnostic, Diagnostics};
/// The interpretation formats are told apart once, at load; the model uses the same type.
pub use crate::load::Kind;
use crate::load::{DocKind, SourceDoc, SourceSite};
pub use fingerprint::{debug_digest, hash_digest, input_digest, within};
pub use policy::unit_slug;
use references::BundleTargets;
pub use types::*;
use urls::Urls;

/// What a content file is, decided by its `kind`.
enum DocRole<'a> {
    Interpretation(Kind, &'a SourceDoc),
    Progress(&'a SourceDoc),
    Page(&'a SourceDoc),
}

pub fn build_model(source: &SourceSite) -> Result<Site, Diagnostics> {
    build_model_recalling(source, &Recall::default())
}

/// [`build_model`], reading back the clause trees `recall` holds of unchanged policy texts
/// (`jiedu build` with the previous build's trees) instead of recognising them again.
pub fn build_model_recalling(source: &SourceSite, recall: &Recall) -> Result<Site, Diagnostics> {
    model(source, &ModelCache::default(), recall).map(|(site, _)| site)
}

/// What the model of each policy bundle was made from, so that the next model of the same
/// site (`jiedu serve`, after a save) reuses a bundle none of whose files, assets and clause
/// lookups changed.
#[derive(Debug, Clone, Default)]
pub struct ModelCache {
    prefix: String,
    /// `raw_html` of the config: how every bundle's Markdown was rendered.
    raw_html: crate::markdown::RawHtml,
    bundles: HashMap<String, Arc<BundleModel>>,
    /// The site-wide indexes of the last model, with what they were made from.
    indexes: Option<Arc<Indexes>>,
}

/// The unit index and the back-links, with the policies and passages they were made from: the
/// next model shares them while those read the same (an edit to one clause's text or one
/// answer changes neither), instead of making them again from every policy.
#[derive(Debug)]
struct Indexes {
    policies: Vec<Arc<Policy>>,
    parts: Vec<Arc<Part>>,
    units: Arc<Vec<Unit>>,
    backlinks: Arc<Backlinks>,
}

#[derive(Debug, Clone)]
struct BundleModel {
    /// The bundle's documents (shared with the load that read them) and assets.
    docs: Vec<Arc<SourceDoc>>,
    assets: Vec<crate::load::Asset>,
    /// Every clause key its documents looked up, and what each found.
    lookups: Vec<references::Lookup>,
    policy: Arc<Policy>,
    diags: Diagnostics,
    /// Its passages citing clauses, for the site's back-links.
    passages: Arc<Part>,
    /// Its nodes by clause key ([`Site::node_positions`]).
    node_positions: Arc<NodePositions>,
    /// What references into it find.
    targets: Arc<BundleTargets>,
}

/// [`build_model`], reusing the bundles of `previous` whose inputs are unchanged.
/// One bundle's passages citing clauses, with the clause key ([`references::passages`]).
type Part = Vec<(String, Arc<Passage>)>;

pub fn build_model_reusing(
    source: &SourceSite,
    previous: &ModelCache,
) -> Result<(Site, ModelCache), Diagnostics> {
    model(source, previous, &Recall::default())
}

fn model(
    source: &SourceSite,
    previous: &ModelCache,
    recall: &Recall,
) -> Result<(Site, ModelCache), Diagnostics> {
    let mut t = crate::timing::Phases::new("model");
    let mut diags = source.diagnostics.clone();
    diags.extend(consistency::check(source));
    t.step("consistency");
    let urls = Urls::new(&source.config.path_prefix());

    // Policies first: every reference resolves against their clause trees.
    let mut bundles: BTreeMap<&str, Vec<&SourceDoc>> = BTreeMap::new();
    let mut roles: Vec<(Option<&str>, DocRole<'_>)> = Vec::new();
    for doc in &source.documents {
        match (doc.kind(), doc.bundle.as_deref()) {
            (Some(DocKind::Policy), Some(b)) => bundles.entry(b).or_default().push(doc),
            (Some(DocKind::Page), None) => roles.push((None, DocRole::Page(doc))),
            (Some(DocKind::Progress), Some(b)) => roles.push((Some(b), DocRole::Progress(doc))),
            (Some(DocKind::Interpretation(kind)), Some(b)) => {
                roles.push((Some(b), DocRole::Interpretation(kind, doc)))
            }
            // A page inside a bundle is reported below.
            (Some(DocKind::Page), Some(_)) => {}
            (None, _) => diags.push(
                Diagnostic::error(format!("未知的内容类型 kind: {}", doc.front.kind))
                    .at(&doc.path, doc.line_of("kind"))
                    .hint("可用的类型：policy、leader、expert、document、qa、infographic、video、animation、progress、page。"),
            ),
            (Some(_), None) => diags.push(
                Diagnostic::error(format!("「{}」类型的文件必须放在政策目录里", doc.front.kind))
                    .at(&doc.path, doc.line_of("kind"))
                    .hint("content/pages/ 里只放独立页面（kind: page）。"),
            ),
        }
    }
    for doc in &source.documents {
        if doc.bundle.is_some() && doc.kind() == Some(DocKind::Page) {
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
    // A bundle whose documents (the same loaded files), assets and path prefix are unchanged
    // may be reused, if the clause lookups it made still find the same (checked below).
    let prefix = source.config.path_prefix();
    let raw_html = source.config.raw_html();
    type Inputs = (Vec<Arc<SourceDoc>>, Vec<crate::load::Asset>);
    let mut inputs: HashMap<&str, Inputs> = HashMap::new();
    for d in &source.documents {
        if let Some(b) = d.bundle.as_deref() {
            inputs.entry(b).or_default().0.push(Arc::clone(d));
        }
    }
    for a in &source.assets {
        inputs
            .entry(a.bundle.as_str())
            .or_default()
            .1
            .push(a.clone());
    }
    let candidates: HashMap<&str, &Arc<BundleModel>> = bundles
        .keys()
        .filter_map(|slug| {
            let old = previous
                .bundles
                .get(*slug)
                .filter(|_| previous.prefix == prefix && previous.raw_html == raw_html)?;
            let (docs, assets) = inputs.get(slug)?;
            let same = old.docs.len() == docs.len()
                && old.docs.iter().zip(docs).all(|(a, b)| Arc::ptr_eq(a, b))
                && old.assets == *assets;
            same.then_some((*slug, old))
        })
        .collect();
    let parsed: Vec<(policy::PolicyDraft, Diagnostics)> = bundles
        .par_iter()
        .filter(|(slug, _)| !candidates.contains_key(*slug))
        .filter_map(|(slug, docs)| policy::parse_bundle(slug, docs, source, recall))
        .collect();
    // A bundle's own problems are kept with its model, to be reported again when it is reused.
    let mut drafts = Vec::new();
    let mut parse_diags: HashMap<String, Diagnostics> = HashMap::new();
    for (draft, d) in parsed {
        parse_diags.insert(draft.slug.clone(), d);
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

    // What references find in each bundle: made for the bundles parsed now, taken from the
    // model of the others.
    let targets: HashMap<String, Arc<BundleTargets>> = drafts
        .par_iter()
        .map(|d| {
            let t = BundleTargets::new(&d.slug, &d.nodes, &urls);
            (d.slug.clone(), Arc::new(t))
        })
        .collect();
    let mut targets_of: Vec<(&str, &BundleTargets)> = targets
        .iter()
        .map(|(slug, t)| (slug.as_str(), t.as_ref()))
        .collect();
    targets_of.extend(
        candidates
            .iter()
            .map(|(slug, old)| (*slug, old.targets.as_ref())),
    );
    t.step("parse");
    let index = references::ClauseIndex::new(&targets_of);
    t.step("index");
    type Candidate<'c> = (&'c str, &'c Arc<BundleModel>);
    let (reused, stale): (Vec<Candidate>, Vec<Candidate>) = candidates
        .into_iter()
        .partition(|(_, old)| index.same_lookups(&old.lookups));
    // A candidate whose lookups changed is modelled again from its (unchanged) files.
    let reparsed: Vec<(policy::PolicyDraft, Diagnostics)> = stale
        .par_iter()
        .filter_map(|(slug, _)| policy::parse_bundle(slug, bundles.get(slug)?, source, recall))
        .collect();
    for (draft, d) in reparsed {
        parse_diags.insert(draft.slug.clone(), d);
        drafts.push(draft);
    }
    let rebuilt: HashSet<String> = drafts.iter().map(|d| d.slug.clone()).collect();
    let policy_slugs: Vec<String> = bundles
        .keys()
        .filter(|s| rebuilt.contains(**s) || reused.iter().any(|(r, _)| r == *s))
        .map(|s| s.to_string())
        .collect();

    // The documents of the bundles modelled now, and the standalone pages (always: they are
    // few, and may cite any bundle).
    let reused: HashMap<&str, &Arc<BundleModel>> = reused.into_iter().collect();
    let todo: Vec<&(Option<&str>, DocRole<'_>)> = roles
        .iter()
        .filter(|(bundle, _)| bundle.is_none_or(|b| !reused.contains_key(b)))
        .collect();
    let assets = documents::Assets::new(source);
    let rendered: Vec<(documents::Built, Diagnostics, Vec<references::Lookup>)> = todo
        .par_iter()
        .map(|(bundle, role)| {
            let resolver = index.resolver(*bundle);
            let (built, d) = match role {
                DocRole::Interpretation(kind, doc) => {
                    documents::interpretation(*kind, doc, &resolver, &urls, source, &assets)
                }
                DocRole::Progress(doc) => documents::progress(doc, &resolver, raw_html),
                DocRole::Page(doc) => documents::page(doc, &resolver, &policy_slugs, raw_html),
            };
            (built, d, resolver.into_lookups())
        })
        .collect();
    let policy_html: Vec<(policy::PolicyHtml, Diagnostics, Vec<references::Lookup>)> = drafts
        .par_iter()
        .map(|d| {
            let resolver = index.resolver(Some(&d.slug));
            let (html, diags) = policy::render_text(d, &resolver, raw_html);
            (html, diags, resolver.into_lookups())
        })
        .collect();

    t.step("html");
    struct Fresh {
        policy: Policy,
        diags: Diagnostics,
        lookups: Vec<references::Lookup>,
    }
    let mut fresh: BTreeMap<String, Fresh> = BTreeMap::new();
    for (draft, (html, d, lookups)) in drafts.into_iter().zip(policy_html) {
        let slug = draft.slug.clone();
        let mut own = parse_diags.remove(&slug).unwrap_or_default();
        own.extend(d);
        let policy = policy::finish(draft, html);
        fresh.insert(
            slug,
            Fresh {
                policy,
                diags: own,
                lookups,
            },
        );
    }
    let mut pages = Vec::new();
    for ((bundle, _), (built, d, lookups)) in todo.iter().zip(rendered) {
        let target = bundle.and_then(|b| fresh.get_mut(b));
        match (built, target) {
            (documents::Built::Interpretation(i), Some(f)) => {
                f.policy.interpretations.push(*i);
                f.diags.extend(d);
                f.lookups.extend(lookups);
            }
            (documents::Built::Progress(pr), Some(f)) => {
                f.policy.progress.push(pr);
                f.diags.extend(d);
                f.lookups.extend(lookups);
            }
            (documents::Built::Page(page), _) => {
                pages.push(page);
                diags.extend(d);
            }
            (_, Some(f)) => f.diags.extend(d),
            (_, None) => diags.extend(d),
        }
    }
    for f in fresh.values_mut() {
        let p = &mut f.policy;
        p.interpretations
            .sort_by(|a, b| (a.kind, &a.source).cmp(&(b.kind, &b.source)));
        for pair in p.interpretations.windows(2) {
            if pair[0].kind == pair[1].kind {
                f.diags.push(
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
        f.lookups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        f.lookups.dedup_by(|a, b| a.0 == b.0);
    }

    // Every policy in bundle order, each with its part of the back-links.
    let mut cache = ModelCache {
        prefix,
        raw_html,
        bundles: HashMap::new(),
        indexes: None,
    };
    let mut policies: Vec<Arc<Policy>> = Vec::new();
    let mut parts: Vec<Arc<Part>> = Vec::new();
    let mut node_positions: Vec<Arc<NodePositions>> = Vec::new();
    // Each modelled policy's passages citing clauses, side by side.
    let mut passages: HashMap<String, Arc<Part>> = fresh
        .par_iter()
        .map(|(slug, f)| {
            (
                slug.clone(),
                Arc::new(references::passages(&f.policy, &urls)),
            )
        })
        .collect();
    // What the whole site gives every bundle's model, which a reused bundle shares too.
    let site_inputs = debug_digest(&(&cache.prefix, &cache.raw_html));
    for slug in bundles.keys() {
        let model = if let Some(mut f) = fresh.remove(*slug) {
            let passages = passages.remove(*slug).unwrap_or_default();
            let (docs, assets) = inputs.remove(slug).unwrap_or_default();
            f.policy.input_digest =
                input_digest(&source.root, site_inputs, &docs, &assets, &f.lookups);
            Arc::new(BundleModel {
                docs,
                assets,
                lookups: f.lookups,
                node_positions: Arc::new(references::node_positions(&f.policy.nodes)),
                // A bundle modelled again because its lookups changed was not parsed with
                // the others: its targets are made here.
                targets: targets
                    .get(*slug)
                    .cloned()
                    .unwrap_or_else(|| Arc::new(BundleTargets::new(slug, &f.policy.nodes, &urls))),
                policy: Arc::new(f.policy),
                diags: f.diags,
                passages,
            })
        } else if let Some(old) = reused.get(*slug) {
            Arc::clone(old)
        } else {
            continue;
        };
        diags.extend(model.diags.clone());
        policies.push(Arc::clone(&model.policy));
        parts.push(Arc::clone(&model.passages));
        node_positions.push(Arc::clone(&model.node_positions));
        cache.bundles.insert(slug.to_string(), model);
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

    t.step("assemble");
    let (redirects, d) = redirects::collect(source, &policies, &pages);
    diags.extend(d);
    lifecycle::link(&mut policies, &mut diags);
    let revisions = revisions::compare(&policies, &mut diags);
    t.step("redirects, lifecycle, revisions");
    // The site-wide indexes read the policies and nothing of each other: made side by side,
    // or taken from the previous model when what they read is the same.
    let previous_indexes = previous.indexes.as_deref();
    let units_same = previous_indexes
        .is_some_and(|ix| same_items(&ix.policies, &policies, references::same_units));
    let backlinks_same =
        previous_indexes.is_some_and(|ix| same_items(&ix.parts, &parts, |a, b| a == b));
    let (units, backlinks) = rayon::join(
        || match (units_same, previous_indexes) {
            (true, Some(ix)) => Arc::clone(&ix.units),
            _ => Arc::new(references::units(&policies)),
        },
        || match (backlinks_same, previous_indexes) {
            (true, Some(ix)) => Arc::clone(&ix.backlinks),
            _ => Arc::new(references::backlinks(parts.iter().map(|p| p.as_slice()))),
        },
    );
    cache.indexes = Some(Arc::new(Indexes {
        policies: policies.clone(),
        parts,
        units: Arc::clone(&units),
        backlinks: Arc::clone(&backlinks),
    }));
    t.step("indexes");

    if diags.has_errors() {
        return Err(diags.sorted());
    }
    // Reversed, so that the first of two policies with one slug is the one found.
    let policy_positions = policies
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    let site = Site {
        root: source.root.clone(),
        config: source.config.clone(),
        urls,
        policy_positions,
        policies,
        pages,
        units,
        backlinks,
        node_positions,
        redirects,
        revisions,
        warnings: diags.sorted(),
    };
    Ok((site, cache))
}

/// Whether two lists of shared items hold the same items pair by pair: the very same `Arc`, or
/// equal as `same` reads them.
fn same_items<T>(before: &[Arc<T>], now: &[Arc<T>], same: impl Fn(&T, &T) -> bool) -> bool {
    before.len() == now.len()
        && before
            .iter()
            .zip(now)
            .all(|(a, b)| Arc::ptr_eq(a, b) || same(a, b))
}
