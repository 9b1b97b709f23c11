//! Clause references: resolving ids to links, and turning every citation into a back-link on
//! the cited clause. Both passes are linear in the number of references.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};

use super::types::{ClauseLink, FlatNode, Passage, Policy, Unit};
use super::urls::{self, Urls};
use crate::diagnostics::Diagnostic;
use crate::markdown::{excerpt, ResolvedRef};

/// What references find in one bundle: each node's link by key (`slug:id`), and the first and
/// last task-clause id, for hints. Made with the bundle's model, so that a rebuild reusing the
/// bundle does not make it again (the links of every node of a large site took a tenth of a
/// preview rebuild).
#[derive(Debug, Default)]
pub struct BundleTargets {
    links: rustc_hash::FxHashMap<String, ClauseLink>,
    range: Option<(String, String)>,
}

impl BundleTargets {
    pub fn new(slug: &str, nodes: &[FlatNode], u: &Urls) -> Self {
        let mut links = rustc_hash::FxHashMap::default();
        links.reserve(nodes.len());
        for n in nodes {
            let link = ClauseLink {
                key: n.key.clone(),
                href: u.href(&urls::node(slug, n)),
                label: n.short_label.clone(),
                heading: n.heading.clone(),
            };
            links.insert(n.key.clone(), link);
        }
        let mut clauses = nodes.iter().filter(|n| n.is_clause).map(|n| &n.id);
        let first = clauses.next();
        let range = first.map(|f| (f.clone(), clauses.next_back().unwrap_or(f).clone()));
        BundleTargets { links, range }
    }
}

/// Every node of every policy by key (`slug:id`), bundle by bundle.
pub struct ClauseIndex<'a> {
    bundles: HashMap<&'a str, &'a BundleTargets>,
}

impl<'a> ClauseIndex<'a> {
    /// The index of every bundle's nodes: `(slug, targets)`.
    pub fn new(bundles: &[(&'a str, &'a BundleTargets)]) -> Self {
        ClauseIndex {
            bundles: bundles.iter().copied().collect(),
        }
    }

    /// The link of the node with key `slug:id`.
    fn get(&self, key: &str) -> Option<&ClauseLink> {
        let (slug, _) = key.split_once(':')?;
        self.bundles.get(slug)?.links.get(key)
    }

    pub fn resolver(&'a self, bundle: Option<&'a str>) -> Resolver<'a> {
        Resolver {
            index: self,
            bundle,
            read: Mutex::new(Vec::new()),
        }
    }

    /// Whether every lookup a resolver made still finds the same.
    pub fn same_lookups(&self, lookups: &[Lookup]) -> bool {
        lookups
            .iter()
            .all(|(key, link)| self.get(key) == link.as_ref())
    }
}

/// A clause key a document looked up, and what it found.
pub type Lookup = (String, Option<ClauseLink>);

/// Resolves ids written in one bundle: `4.1.1` means that bundle's clause, `slug:4.1.1` another's.
/// It notes every key it looks up, so that a bundle's model can be reused while they all
/// resolve the same.
pub struct Resolver<'a> {
    index: &'a ClauseIndex<'a>,
    bundle: Option<&'a str>,
    read: Mutex<Vec<Lookup>>,
}

impl Resolver<'_> {
    /// The keys looked up, and what each found.
    pub fn into_lookups(self) -> Vec<Lookup> {
        let mut v = self
            .read
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v
    }
}

impl Resolver<'_> {
    pub fn link(&self, id: &str) -> Result<ClauseLink, Diagnostic> {
        let id = id.trim();
        let key = match (id.split_once(':'), self.bundle) {
            (Some((slug, rest)), _) => format!("{}:{}", slug.trim(), rest.trim()),
            (None, Some(b)) => format!("{b}:{id}"),
            (None, None) => {
                return Err(
                    Diagnostic::error(format!("无法确定条款「{id}」属于哪个政策"))
                        .hint("独立页面里引用条款要写明政策目录，如 [[yiliao-gaodi:4.1.1]]。"),
                );
            }
        };
        let found = self.index.get(&key);
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((key.clone(), found.cloned()));
        match found {
            Some(link) => Ok(link.clone()),
            None => {
                let slug = key.split(':').next().unwrap_or_default();
                let range = self.index.bundles.get(slug).and_then(|b| b.range.as_ref());
                let hint = match range {
                    Some((first, last)) => format!(
                        "政策「{slug}」的任务条款编号从 {first} 到 {last}（部分、任务组也可引用，如 4、4.1）；请核对编号。"
                    ),
                    None => format!("没有名为「{slug}」的政策目录；请核对目录名。"),
                };
                Err(Diagnostic::error(format!("引用了不存在的条款「{id}」")).hint(hint))
            }
        }
    }

    pub fn resolve(&self, id: &str) -> Result<ResolvedRef, Diagnostic> {
        let l = self.link(id)?;
        let text = if l.heading.is_empty() {
            l.label.clone()
        } else {
            format!("{} {}", l.label, l.heading)
        };
        Ok(ResolvedRef {
            key: l.key,
            href: l.href,
            text,
        })
    }
}

/// Each node of one policy by clause key, with its index in `nodes`.
pub fn node_positions(nodes: &[super::types::FlatNode]) -> super::types::NodePositions {
    let mut map = rustc_hash::FxHashMap::default();
    map.reserve(nodes.len());
    for (ni, n) in nodes.iter().enumerate() {
        map.insert(n.key.clone(), ni);
    }
    map
}

/// Whether two versions of a policy give the unit index ([`units`]) the same: the same nodes
/// by key with the same lead and responsible units.
pub fn same_units(a: &Policy, b: &Policy) -> bool {
    a.nodes.len() == b.nodes.len()
        && a.nodes.iter().zip(&b.nodes).all(|(x, y)| {
            x.key == y.key
                && x.lead_units == y.lead_units
                && x.responsible_units == y.responsible_units
        })
}

/// For every clause, the passages that cite it, from each policy's part ([`passages`]) in
/// order. A part lists each passage once per clause, and two parts never share a passage (its
/// link and source file are in its own bundle), so the parts are joined without a search: a
/// search per passage made this quadratic in the citations of the whole site.
pub fn backlinks<'a>(
    parts: impl Iterator<Item = &'a [(String, Arc<Passage>)]>,
) -> rustc_hash::FxHashMap<String, Vec<Arc<Passage>>> {
    let mut map: rustc_hash::FxHashMap<String, Vec<Arc<Passage>>> = Default::default();
    for (key, passage) in parts.flatten() {
        match map.get_mut(key.as_str()) {
            Some(list) => list.push(Arc::clone(passage)),
            None => {
                map.insert(key.clone(), vec![Arc::clone(passage)]);
            }
        }
    }
    map
}

/// The passages of one policy's documents that cite a clause (of any policy), with the clause
/// key: page-level citations, paragraphs with inline references, Q&A questions, infographic
/// panels and progress items.
pub fn passages(p: &Policy, u: &Urls) -> Vec<(String, Arc<Passage>)> {
    let mut out: Vec<(String, Arc<Passage>)> = Vec::new();
    let mut add = |key: &str, passage: Passage| out.push((key.to_string(), Arc::new(passage)));
    {
        for i in &p.interpretations {
            let page = u.href(&urls::interpretation(&p.slug, i.kind));
            let kind = i.kind.name().to_string();
            for c in &i.cites {
                let passage = Passage {
                    source_kind: kind.clone(),
                    title: i.title.clone(),
                    excerpt: i
                        .summary
                        .clone()
                        .map(|s| excerpt(&s, 120))
                        .unwrap_or_default(),
                    href: page.clone(),
                    source: i.source.clone(),
                };
                add(&c.key, passage);
            }
            for b in &i.body.citing_blocks {
                for key in &b.targets {
                    let passage = Passage {
                        source_kind: kind.clone(),
                        title: i.title.clone(),
                        excerpt: b.excerpt.clone(),
                        href: format!("{page}#{}", b.anchor),
                        source: i.source.clone(),
                    };
                    add(key, passage);
                }
            }
            for q in &i.questions {
                let href = u.href(&urls::question(&p.slug, &q.id));
                let answer = excerpt(&q.answer.plain, 120);
                let keys = q.cites.iter().map(|c| c.key.as_str()).chain(
                    q.answer
                        .citing_blocks
                        .iter()
                        .flat_map(|b| b.targets.iter().map(String::as_str)),
                );
                for key in keys {
                    let passage = Passage {
                        source_kind: kind.clone(),
                        title: q.question.clone(),
                        excerpt: answer.clone(),
                        href: href.clone(),
                        source: i.source.clone(),
                    };
                    add(key, passage);
                }
            }
            for panel in &i.panels {
                for c in &panel.cites {
                    let figure = match (&panel.figure, &panel.unit) {
                        (Some(f), Some(un)) => format!("{f}{un}："),
                        (Some(f), None) => format!("{f}："),
                        _ => String::new(),
                    };
                    add(
                        &c.key,
                        Passage {
                            source_kind: kind.clone(),
                            title: panel.heading.clone(),
                            excerpt: format!("{figure}{}", excerpt(&panel.text, 100)),
                            href: format!("{page}#{}", panel.anchor),
                            source: i.source.clone(),
                        },
                    );
                }
            }
        }
        let progress_page = u.href(&urls::progress(&p.slug));
        for item in &p.progress {
            let keys = item.cites.iter().map(|c| c.key.as_str()).chain(
                item.body
                    .citing_blocks
                    .iter()
                    .flat_map(|b| b.targets.iter().map(String::as_str)),
            );
            for key in keys {
                add(
                    key,
                    Passage {
                        source_kind: "落实进展".to_string(),
                        title: item.title.clone(),
                        excerpt: excerpt(&item.body.plain, 120),
                        href: format!("{progress_page}#{}", item.anchor),
                        source: item.path.clone(),
                    },
                );
            }
        }
    }
    // Each passage once per clause (a paragraph may cite a clause twice), first one kept.
    let keep: Vec<bool> = {
        let mut seen = rustc_hash::FxHashSet::default();
        out.iter()
            .map(|(key, p)| seen.insert((key.as_str(), p.as_ref())))
            .collect()
    };
    let mut keep = keep.into_iter();
    out.retain(|_| keep.next().unwrap_or(true));
    out
}

/// Every unit named in a unit note, with the clauses it leads and is responsible for.
pub fn units(policies: &[std::sync::Arc<Policy>]) -> Vec<Unit> {
    let mut by_name: BTreeMap<String, Unit> = BTreeMap::new();
    for p in policies {
        for n in &p.nodes {
            for (refs, lead) in [(&n.lead_units, true), (&n.responsible_units, false)] {
                for r in refs {
                    let unit = by_name.entry(r.name.clone()).or_insert_with(|| Unit {
                        name: r.name.clone(),
                        slug: r.slug.clone(),
                        lead: Vec::new(),
                        responsible: Vec::new(),
                    });
                    let list = if lead {
                        &mut unit.lead
                    } else {
                        &mut unit.responsible
                    };
                    // Node keys are unique, so a repeat can only be this node's, just pushed:
                    // a search of the whole list made this quadratic in a unit's tasks.
                    if list.last() != Some(&n.key) {
                        list.push(n.key.clone());
                    }
                }
            }
        }
    }
    by_name.into_values().collect()
}
