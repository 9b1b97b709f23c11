//! What a page was made from: the model objects and templates its context builder read
//! (recorded by [`super::cx::Cx`] as it reads them), and whether each is the same in a new
//! model. A page none of whose dependencies changed is the same page, byte for byte.

use std::collections::HashMap;
use std::sync::Arc;

use super::cx::{InterpretationHead, NodePlace, PolicyHead, QuestionHead};
use crate::model::{Kind, Policy, Site};

/// One thing a page read. Policies, clauses, formats, units and pages are named by their slug
/// or key, never by position, so that a bundle added in front does not change them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// The config and the site-wide context (navigation, footer): every page.
    Site,
    /// Which policies the site has, in order.
    Policies,
    /// A policy's file, metadata and the text around its clauses.
    Policy(Box<str>),
    /// Every node of a policy, complete.
    Nodes(Box<str>),
    /// The shape of a policy's clause tree: each node's key, id, labels, heading, depth,
    /// anchor, slug, whether it is a clause, and its ancestors; not its text.
    Outline(Box<str>),
    /// One node (by clause key), complete.
    Node(Box<str>),
    /// The interpretations a policy has: each one's format, title, date and summary.
    Interpretations(Box<str>),
    /// One interpretation of a policy, complete.
    Interpretation(Box<str>, Kind),
    /// The questions of a policy's interpretations: id, number, question and topic.
    Questions(Box<str>),
    /// A policy's 落实进展 items, complete.
    Progress(Box<str>),
    /// Whether a policy has 落实进展 items.
    HasProgress(Box<str>),
    /// How many task clauses a policy has.
    ClauseCount(Box<str>),
    /// The passages citing a clause (by clause key).
    Backlinks(Box<str>),
    /// The unit index, complete.
    Units,
    /// One unit (by slug), complete.
    Unit(Box<str>),
    /// One standalone page (by slug), complete.
    Page(Box<str>),
    /// The page types the search page offers as filters.
    SearchKinds,
    /// Every revision (新旧对照) a policy is part of, old or new side, complete.
    Revisions(Box<str>),
    /// A template's text.
    Template(&'static str),
}

/// Template name → fingerprint of its text.
pub type Fingerprints = HashMap<&'static str, u64>;

/// Dependencies interned once, so that each page keeps small numbers and each dependency is
/// compared once per rebuild however many pages read it.
#[derive(Debug, Default, Clone)]
pub struct DepTable {
    deps: Vec<Dep>,
    ids: rustc_hash::FxHashMap<Dep, u32>,
}

/// Interns `dep` in a shared table, copying the table only when `dep` is new to it.
pub fn intern(table: &mut std::sync::Arc<DepTable>, dep: Dep) -> u32 {
    match table.ids.get(&dep) {
        Some(&id) => id,
        None => std::sync::Arc::make_mut(table).intern(dep),
    }
}

impl DepTable {
    pub fn intern(&mut self, dep: Dep) -> u32 {
        if let Some(&id) = self.ids.get(&dep) {
            return id;
        }
        let id = self.deps.len() as u32;
        self.deps.push(dep.clone());
        self.ids.insert(dep, id);
        id
    }

    pub fn deps(&self) -> &[Dep] {
        &self.deps
    }

    /// The table again with only the dependencies in `used`, and each old index's new index
    /// (`u32::MAX` for one dropped); `None` while at least half the table is in use. A preview
    /// session interns the dependencies of pages that are later gone (a renamed policy, a deleted
    /// answer), and every rebuild compares each entry once: pruning keeps both the table and
    /// that work the size of the site, not of the session.
    pub fn pruned(&self, used: impl Iterator<Item = u32>) -> Option<(DepTable, Vec<u32>)> {
        let mut live = vec![false; self.deps.len()];
        let mut count = 0;
        for id in used {
            if let Some(slot) = live.get_mut(id as usize) {
                count += usize::from(!*slot);
                *slot = true;
            }
        }
        if count * 2 >= self.deps.len() {
            return None;
        }
        let mut table = DepTable::default();
        let remap = self
            .deps
            .iter()
            .zip(live)
            .map(|(dep, live)| match live {
                true => table.intern(dep.clone()),
                false => u32::MAX,
            })
            .collect();
        Some((table, remap))
    }
}

/// Compares what the pages of an old render read with the same things in a new model.
pub struct Changes<'a> {
    old: &'a Site,
    new: &'a Site,
    old_templates: &'a Fingerprints,
    new_templates: &'a Fingerprints,
    site_same: bool,
    old_pos: HashMap<&'a str, usize>,
    new_pos: HashMap<&'a str, usize>,
}

fn positions(site: &Site) -> HashMap<&str, usize> {
    site.policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.as_str(), i))
        .collect()
}

pub fn clause_count(p: &Policy) -> usize {
    p.nodes.iter().filter(|n| n.is_clause).count()
}

impl<'a> Changes<'a> {
    /// `site_same`: whether the config and site-wide context are unchanged.
    pub fn new(
        old: &'a Site,
        new: &'a Site,
        old_templates: &'a Fingerprints,
        new_templates: &'a Fingerprints,
        site_same: bool,
    ) -> Self {
        Changes {
            old,
            new,
            old_templates,
            new_templates,
            site_same,
            old_pos: positions(old),
            new_pos: positions(new),
        }
    }

    fn policies(&self, slug: &str) -> Option<(&'a Policy, &'a Policy)> {
        let old = self.old.policies.get(*self.old_pos.get(slug)?)?;
        let new = self.new.policies.get(*self.new_pos.get(slug)?)?;
        Some((old, new))
    }

    /// Whether `dep` reads the same in the new model as in the old one; something that is
    /// gone, or new, is not the same.
    pub fn same(&self, dep: &Dep) -> bool {
        let (old, new) = (self.old, self.new);
        // A bundle the model reused is the very same policy: nothing in it changed.
        let policy = |slug: &str, f: &dyn Fn(&Policy, &Policy) -> bool| {
            self.policies(slug)
                .is_some_and(|(a, b)| std::ptr::eq(a, b) || f(a, b))
        };
        match dep {
            Dep::Site => self.site_same,
            Dep::Policies => old
                .policies
                .iter()
                .map(|p| &p.slug)
                .eq(new.policies.iter().map(|p| &p.slug)),
            Dep::Policy(s) => policy(s, &|a, b| PolicyHead::of(a) == PolicyHead::of(b)),
            Dep::Nodes(s) => policy(s, &|a, b| a.nodes == b.nodes),
            Dep::Outline(s) => policy(s, &|a, b| {
                a.nodes.len() == b.nodes.len()
                    && a.nodes
                        .iter()
                        .zip(&b.nodes)
                        .all(|(x, y)| NodePlace::of(x) == NodePlace::of(y))
            }),
            Dep::Node(key) => match (old.node(key), new.node(key)) {
                (Some((pa, a)), Some((pb, b))) => {
                    std::ptr::eq(a, b) || (pa.slug == pb.slug && a == b)
                }
                _ => false,
            },
            Dep::Interpretations(s) => policy(s, &|a, b| {
                fn heads(p: &Policy) -> impl Iterator<Item = InterpretationHead<'_>> {
                    p.interpretations.iter().map(InterpretationHead::of)
                }
                heads(a).eq(heads(b))
            }),
            Dep::Interpretation(s, k) => policy(s, &|a, b| {
                let x = a.interpretations.iter().find(|i| i.kind == *k);
                let y = b.interpretations.iter().find(|i| i.kind == *k);
                x.is_some() && x == y
            }),
            Dep::Questions(s) => policy(s, &|a, b| {
                fn heads(p: &Policy) -> impl Iterator<Item = QuestionHead<'_>> {
                    p.interpretations
                        .iter()
                        .flat_map(|i| &i.questions)
                        .map(QuestionHead::of)
                }
                heads(a).eq(heads(b))
            }),
            Dep::Progress(s) => policy(s, &|a, b| a.progress == b.progress),
            Dep::HasProgress(s) => {
                policy(s, &|a, b| a.progress.is_empty() == b.progress.is_empty())
            }
            Dep::ClauseCount(s) => policy(s, &|a, b| clause_count(a) == clause_count(b)),
            // Indexes the model shared with the previous one are the same throughout.
            Dep::Backlinks(key) => {
                Arc::ptr_eq(&old.backlinks, &new.backlinks)
                    || old.backlinks.get(&**key) == new.backlinks.get(&**key)
            }
            Dep::Units => Arc::ptr_eq(&old.units, &new.units) || old.units == new.units,
            Dep::Unit(_) if Arc::ptr_eq(&old.units, &new.units) => true,
            Dep::Unit(slug) => {
                let find = |s: &'a Site| s.units.iter().find(|u| *u.slug == **slug);
                find(old).is_some_and(|a| find(new) == Some(a))
            }
            Dep::Page(slug) => {
                let find = |s: &'a Site| s.pages.iter().find(|p| *p.slug == **slug);
                find(old).is_some_and(|a| find(new) == Some(a))
            }
            Dep::SearchKinds => crate::search::kinds(old) == crate::search::kinds(new),
            Dep::Revisions(slug) => {
                let of = |s: &'a Site| s.revisions.iter().filter(|r| r.involves(slug));
                of(old).eq(of(new))
            }
            Dep::Template(name) => {
                let a = self.old_templates.get(name);
                a.is_some() && a == self.new_templates.get(name)
            }
        }
    }
}

use crate::model::{debug_digest, hash_digest, within};

/// A 落实进展 item's fields as the build cache digests them: its path [`within`] the site.
/// Every field is named (no `..`), so that a field added to the item is a compile error here
/// rather than one the cache silently ignores.
fn progress<'a>(
    root: &std::path::Path,
    item: &'a crate::model::Progress,
) -> impl std::hash::Hash + 'a {
    let crate::model::Progress {
        anchor,
        path,
        title,
        date,
        source,
        cites,
        body,
    } = item;
    let path = within(root, path);
    (
        anchor,
        path,
        title,
        date,
        source,
        cites,
        rich_text(root, body),
    )
}

/// Markdown made into a page's text, as the build cache digests it: the files its links were
/// written in [`within`] the site (see [`progress`]).
fn rich_text<'a>(
    root: &std::path::Path,
    text: &'a crate::markdown::RichText,
) -> impl std::hash::Hash + 'a {
    let crate::markdown::RichText {
        html,
        plain,
        citing_blocks,
        headings,
        links,
    } = text;
    let links: Vec<_> = links
        .iter()
        .map(|l| (&l.href, within(root, &l.file), l.line))
        .collect();
    (html, plain, citing_blocks, headings, links)
}

/// A passage citing a clause, as the build cache digests it (see [`progress`]).
fn passage<'a>(root: &std::path::Path, p: &'a crate::model::Passage) -> impl std::hash::Hash + 'a {
    let crate::model::Passage {
        source_kind,
        title,
        excerpt,
        href,
        source,
    } = p;
    (source_kind, title, excerpt, href, within(root, source))
}

/// What `dep` reads in `site`, as a number: equal digests in two builds mean the dep reads the
/// same (or more than the same: a dep on part of a policy is told by the whole policy's
/// digest). `jiedu build` keeps these on disk, where the previous model is not at hand.
/// `site_ctx` is the site-wide context as templates get it, `templates` the theme's
/// fingerprints. `None` when the thing is gone (a dep on it is never the same).
pub struct Digests<'a> {
    site: &'a Site,
    templates: &'a Fingerprints,
    site_ctx: &'a str,
    policies: HashMap<&'a str, usize>,
    /// Per policy (in site order): what anything of it reads ([`policy_digest`]).
    policy_digests: Vec<u64>,
    /// The config's digest, mixed into every part of a policy ([`part_digest`]).
    config: u64,
    units: HashMap<&'a str, usize>,
}

/// Everything a page can read of a policy, as one number: the policy's inputs
/// ([`Policy::input_digest`]), the lifecycle the site linked it with, and the config (which
/// the model may have read besides the settings the input digest names).
fn policy_digest(p: &Policy, config: u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&p.input_digest.to_le_bytes());
    h.update(&hash_digest(&p.lifecycle).to_le_bytes());
    h.update(&config.to_le_bytes());
    h.digest()
}

/// One part of a policy, as one number: `part` of `p`, with the config (which the model may
/// have read besides). A different kind of dep on the same policy is a different entry in the
/// record, so parts need not be told apart by their digests.
fn part_digest(config: u64, p: &Policy, part: impl FnOnce(&Policy) -> u64) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&config.to_le_bytes());
    h.update(&part(p).to_le_bytes());
    h.digest()
}

impl<'a> Digests<'a> {
    pub fn new(site: &'a Site, templates: &'a Fingerprints, site_ctx: &'a str) -> Self {
        use rayon::prelude::*;
        let config = debug_digest(&site.config);
        Digests {
            site,
            templates,
            site_ctx,
            policies: positions(site),
            policy_digests: site
                .policies
                .par_iter()
                .map(|p| policy_digest(p, config))
                .collect(),
            config,
            units: site
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| (&*u.slug, i))
                .collect(),
        }
    }

    /// The site root the digests read paths within ([`crate::model::within`]).
    pub fn root(&self) -> &std::path::Path {
        &self.site.root
    }

    pub fn of(&self, dep: &Dep) -> Option<u64> {
        let (site, templates, site_ctx) = (self.site, self.templates, self.site_ctx);
        let policy = |slug: &str| -> Option<(&Policy, u64)> {
            let at = *self.policies.get(slug)?;
            Some((site.policies.get(at)?, *self.policy_digests.get(at)?))
        };
        digest(
            dep,
            site,
            templates,
            site_ctx,
            self.config,
            &policy,
            &|slug| site.units.get(*self.units.get(slug)?),
        )
    }
}

fn digest<'a>(
    dep: &Dep,
    site: &'a Site,
    templates: &Fingerprints,
    site_ctx: &str,
    config: u64,
    policy: &dyn Fn(&str) -> Option<(&'a Policy, u64)>,
    unit: &dyn Fn(&str) -> Option<&'a crate::model::Unit>,
) -> Option<u64> {
    Some(match dep {
        Dep::Site => debug_digest(&(site_ctx, &site.config)),
        Dep::Policies => hash_digest(&site.policies.iter().map(|p| &p.slug).collect::<Vec<_>>()),
        // The parts of a policy that lists of policies read (the library, the columns, the
        // home page) are digested by themselves, exactly the fields [`Changes::same`] compares,
        // so that an edit to one answer does not re-render every page that lists its policy.
        Dep::Policy(s) => part_digest(config, policy(s)?.0, |p| {
            hash_digest(&(
                within(&site.root, &p.source),
                &p.meta,
                &p.preamble_html,
                &p.closing_html,
                &p.lifecycle,
            ))
        }),
        Dep::Outline(s) => part_digest(config, policy(s)?.0, |p| {
            let outline: Vec<_> = p
                .nodes
                .iter()
                .map(|n| {
                    (
                        (&n.key, &n.id, &n.short_label, &n.label, &n.heading),
                        (n.heading_ends_sentence, n.depth, n.is_clause),
                        (&n.anchor, &n.slug, &n.ancestors),
                    )
                })
                .collect();
            hash_digest(&outline)
        }),
        Dep::Interpretations(s) => part_digest(config, policy(s)?.0, |p| {
            let heads: Vec<_> = p
                .interpretations
                .iter()
                .map(|i| (i.kind, &i.title, &i.published, &i.summary))
                .collect();
            hash_digest(&heads)
        }),
        Dep::Questions(s) => part_digest(config, policy(s)?.0, |p| {
            let heads: Vec<_> = p
                .interpretations
                .iter()
                .flat_map(|i| &i.questions)
                .map(|q| (&q.id, q.number, &q.question, &q.topic))
                .collect();
            hash_digest(&heads)
        }),
        Dep::Progress(s) => part_digest(config, policy(s)?.0, |p| {
            let items: Vec<_> = p.progress.iter().map(|i| progress(&site.root, i)).collect();
            hash_digest(&items)
        }),
        Dep::HasProgress(s) => part_digest(config, policy(s)?.0, |p| p.progress.is_empty() as u64),
        Dep::ClauseCount(s) => part_digest(config, policy(s)?.0, |p| clause_count(p) as u64),
        // Whatever else of a policy a page read (its nodes, an interpretation), the policy's
        // digest tells whether it is the same; only a part that is not there at all makes the
        // dep gone.
        Dep::Nodes(s) => policy(s)?.1,
        Dep::Node(key) => {
            let (p, _) = site.node(key)?;
            policy(&p.slug)?.1
        }
        Dep::Interpretation(s, k) => {
            let (p, digest) = policy(s)?;
            p.interpretations.iter().find(|i| i.kind == *k)?;
            digest
        }
        Dep::Backlinks(key) => {
            let passages = site.backlinks.get(&**key).map(|list| {
                list.iter()
                    .map(|p| passage(&site.root, p))
                    .collect::<Vec<_>>()
            });
            hash_digest(&passages)
        }
        Dep::Units => hash_digest(&site.units),
        Dep::Unit(slug) => hash_digest(unit(slug)?),
        Dep::Page(slug) => {
            let crate::model::Page {
                slug,
                source,
                title,
                nav,
                body,
            } = site.pages.iter().find(|p| *p.slug == **slug)?;
            let body = rich_text(&site.root, body);
            hash_digest(&(slug, within(&site.root, source), title, nav, body))
        }
        Dep::SearchKinds => debug_digest(&crate::search::kinds(site)),
        Dep::Revisions(slug) => debug_digest(
            &site
                .revisions
                .iter()
                .filter(|r| r.involves(slug))
                .collect::<Vec<_>>(),
        ),
        Dep::Template(name) => *templates.get(name)?,
    })
}

impl Dep {
    /// The dep as text, for the build cache on disk: a tag, then its key.
    pub fn encode(&self) -> String {
        let (tag, key): (&str, &str) = match self {
            Dep::Site => ("site", ""),
            Dep::Policies => ("policies", ""),
            Dep::Policy(s) => ("policy", s),
            Dep::Nodes(s) => ("nodes", s),
            Dep::Outline(s) => ("outline", s),
            Dep::Node(s) => ("node", s),
            Dep::Interpretations(s) => ("interpretations", s),
            Dep::Interpretation(s, k) => return format!("interpretation:{}:{s}", k.slug()),
            Dep::Questions(s) => ("questions", s),
            Dep::Progress(s) => ("progress", s),
            Dep::HasProgress(s) => ("has-progress", s),
            Dep::ClauseCount(s) => ("clause-count", s),
            Dep::Backlinks(s) => ("backlinks", s),
            Dep::Units => ("units", ""),
            Dep::Unit(s) => ("unit", s),
            Dep::Page(s) => ("page", s),
            Dep::SearchKinds => ("search-kinds", ""),
            Dep::Revisions(s) => ("revisions", s),
            Dep::Template(s) => ("template", s),
        };
        format!("{tag}:{key}")
    }

    /// The dep [`Dep::encode`] wrote; `None` for text it cannot have written, or a template
    /// the theme no longer has (`templates` gives the names).
    pub fn decode(text: &str, templates: &Fingerprints) -> Option<Dep> {
        let (tag, key) = text.split_once(':')?;
        let s = || Box::<str>::from(key);
        Some(match tag {
            "site" => Dep::Site,
            "policies" => Dep::Policies,
            "policy" => Dep::Policy(s()),
            "nodes" => Dep::Nodes(s()),
            "outline" => Dep::Outline(s()),
            "node" => Dep::Node(s()),
            "interpretations" => Dep::Interpretations(s()),
            "interpretation" => {
                let (kind, slug) = key.split_once(':')?;
                let kind = Kind::ALL.into_iter().find(|k| k.slug() == kind)?;
                Dep::Interpretation(slug.into(), kind)
            }
            "questions" => Dep::Questions(s()),
            "progress" => Dep::Progress(s()),
            "has-progress" => Dep::HasProgress(s()),
            "clause-count" => Dep::ClauseCount(s()),
            "backlinks" => Dep::Backlinks(s()),
            "units" => Dep::Units,
            "unit" => Dep::Unit(s()),
            "page" => Dep::Page(s()),
            "search-kinds" => Dep::SearchKinds,
            "revisions" => Dep::Revisions(s()),
            "template" => Dep::Template(templates.keys().copied().find(|t| *t == key)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn a_table_mostly_of_gone_pages_is_pruned_and_the_live_ids_keep_their_deps() {
        let mut table = DepTable::default();
        for i in 0..10 {
            table.intern(Dep::Page(format!("p{i}").into()));
        }
        assert!(
            table.pruned([0u32, 3, 5, 7, 9].into_iter()).is_none(),
            "half in use"
        );
        let (small, remap) = table.pruned([3u32, 7, 3].into_iter()).expect("pruned");
        assert_eq!(small.deps().len(), 2);
        for old in [3usize, 7] {
            assert_eq!(small.deps()[remap[old] as usize], table.deps()[old]);
        }
        assert_eq!(remap[0], u32::MAX);
    }
}
