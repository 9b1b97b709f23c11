//! The recording view of the model that every page's context is built through: each accessor
//! notes what it hands out, so a page's dependencies are exactly what its builder read.
//! Page modules get a [`Cx`] and nothing else of the site; an accessor's doc says which part
//! of what it returns it stands for, and a builder reads no more of it than that.

use std::cell::RefCell;

use super::context::SiteCtx;
use super::deps::Dep;
use crate::config::Config;
use crate::model::revisions::Revision;
use crate::model::types::*;
use crate::model::urls::Urls;
use crate::model::{Kind, Site};

/// What [`Dep::Policy`] stands for: the fields of a policy a page may read through
/// [`Cx::policy`]. Pages get this view, not the policy, and [`super::deps::Changes`] compares
/// the same view, so a page can read no field whose change would leave it stale.
#[derive(Clone, Copy, PartialEq)]
pub struct PolicyHead<'a> {
    pub slug: &'a str,
    pub source: &'a std::path::Path,
    pub meta: &'a PolicyMeta,
    pub preamble_html: &'a str,
    pub closing_html: &'a str,
    pub lifecycle: &'a crate::model::lifecycle::Lifecycle,
}

impl<'a> PolicyHead<'a> {
    pub fn of(p: &'a Policy) -> Self {
        PolicyHead {
            slug: &p.slug,
            source: &p.source,
            meta: &p.meta,
            preamble_html: &p.preamble_html,
            closing_html: &p.closing_html,
            lifecycle: &p.lifecycle,
        }
    }
}

/// What [`Dep::Outline`] stands for: a node's place in its policy's tree, without its text.
/// [`Cx::outline`] hands out only this, and [`super::deps::Changes`] compares the same view.
#[derive(Clone, Copy, PartialEq)]
pub struct NodePlace<'a> {
    pub key: &'a str,
    pub id: &'a str,
    pub short_label: &'a str,
    pub label: &'a str,
    pub heading: &'a str,
    pub heading_ends_sentence: bool,
    pub depth: usize,
    pub is_clause: bool,
    pub anchor: &'a str,
    pub slug: &'a str,
    pub ancestors: &'a [String],
}

impl<'a> NodePlace<'a> {
    pub fn of(n: &'a FlatNode) -> Self {
        NodePlace {
            key: &n.key,
            id: &n.id,
            short_label: &n.short_label,
            label: &n.label,
            heading: &n.heading,
            heading_ends_sentence: n.heading_ends_sentence,
            depth: n.depth,
            is_clause: n.is_clause,
            anchor: &n.anchor,
            slug: &n.slug,
            ancestors: &n.ancestors,
        }
    }

    /// Where the node is shown (see [`crate::model::urls::node`]).
    pub fn url(&self, policy_slug: &str) -> String {
        crate::model::urls::node_parts(policy_slug, self.is_clause, self.slug, self.anchor)
    }
}

/// A policy's nodes in document order, each as its [`NodePlace`].
#[derive(Clone, Copy)]
pub struct Outline<'a>(&'a [FlatNode]);

impl<'a> Outline<'a> {
    pub fn iter(self) -> impl DoubleEndedIterator<Item = NodePlace<'a>> + ExactSizeIterator {
        self.0.iter().map(NodePlace::of)
    }
}

/// What [`Dep::Interpretations`] stands for: an interpretation as its policy's list of
/// formats shows it.
#[derive(Clone, Copy, PartialEq)]
pub struct InterpretationHead<'a> {
    pub kind: Kind,
    pub title: &'a str,
    pub published: Option<&'a str>,
    pub summary: Option<&'a str>,
}

impl<'a> InterpretationHead<'a> {
    pub fn of(i: &'a Interpretation) -> Self {
        InterpretationHead {
            kind: i.kind,
            title: &i.title,
            published: i.published.as_deref(),
            summary: i.summary.as_deref(),
        }
    }
}

/// A policy's interpretations, each as its [`InterpretationHead`].
#[derive(Clone, Copy)]
pub struct Interpretations<'a>(&'a [Interpretation]);

impl<'a> Interpretations<'a> {
    pub fn iter(self) -> impl Iterator<Item = InterpretationHead<'a>> {
        self.0.iter().map(InterpretationHead::of)
    }
}

/// What [`Dep::Questions`] stands for: a question as a list of questions shows it.
#[derive(Clone, Copy, PartialEq)]
pub struct QuestionHead<'a> {
    pub id: &'a str,
    pub number: usize,
    pub question: &'a str,
    pub topic: &'a str,
}

impl<'a> QuestionHead<'a> {
    pub fn of(q: &'a Question) -> Self {
        QuestionHead {
            id: &q.id,
            number: q.number,
            question: &q.question,
            topic: &q.topic,
        }
    }
}

pub struct Cx<'a> {
    site: &'a Site,
    sc: &'a SiteCtx,
    /// Off for `jiedu build`, which keeps no page to reuse.
    recording: bool,
    read: RefCell<Vec<Dep>>,
}

impl<'a> Cx<'a> {
    pub fn new(site: &'a Site, sc: &'a SiteCtx, recording: bool) -> Self {
        Cx {
            site,
            sc,
            recording,
            read: RefCell::new(Vec::new()),
        }
    }

    fn note(&self, dep: impl FnOnce() -> Dep) {
        if self.recording {
            self.read.borrow_mut().push(dep());
        }
    }

    /// What the page read, sorted and each once.
    pub fn into_deps(self) -> Vec<Dep> {
        let mut v = self.read.into_inner();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The site-wide context every template gets.
    pub fn site_ctx(&self) -> &'a SiteCtx {
        self.note(|| Dep::Site);
        self.sc
    }

    pub fn config(&self) -> &'a Config {
        self.note(|| Dep::Site);
        &self.site.config
    }

    /// The site's path prefix (part of the config).
    pub fn urls(&self) -> &'a Urls {
        self.note(|| Dep::Site);
        &self.site.urls
    }

    /// Indices of every policy, in site order (for [`Cx::policy`] and the other accessors).
    pub fn policies(&self) -> std::ops::Range<usize> {
        self.note(|| Dep::Policies);
        0..self.site.policies.len()
    }

    /// The index of the policy with `slug` (which policies the site has).
    pub fn policy_index(&self, slug: &str) -> Option<usize> {
        self.note(|| Dep::Policies);
        self.site.policy_positions.get(slug).copied()
    }

    /// A policy's own fields; nodes, interpretations and progress have accessors of their own.
    pub fn policy(&self, pi: usize) -> PolicyHead<'a> {
        let p = &self.site.policies[pi];
        self.note(|| Dep::Policy(p.slug.as_str().into()));
        PolicyHead::of(p)
    }

    /// Every node of a policy, complete.
    pub fn nodes(&self, pi: usize) -> &'a [FlatNode] {
        let p = &self.site.policies[pi];
        self.note(|| Dep::Nodes(p.slug.as_str().into()));
        &p.nodes
    }

    /// The nodes of a policy for their place in the tree (no text).
    pub fn outline(&self, pi: usize) -> Outline<'a> {
        let p = &self.site.policies[pi];
        self.note(|| Dep::Outline(p.slug.as_str().into()));
        Outline(&p.nodes)
    }

    /// One node of a policy, by position, complete.
    pub fn node_at(&self, pi: usize, ni: usize) -> &'a FlatNode {
        let n = &self.site.policies[pi].nodes[ni];
        self.note(|| Dep::Node(n.key.as_str().into()));
        n
    }

    /// A node by clause key (also in another bundle), complete, with its policy's index.
    pub fn node(&self, key: &str) -> Option<(usize, &'a FlatNode)> {
        self.note(|| Dep::Node(key.into()));
        let pi = self.site.node_place(key)?.0;
        Some((pi, self.site.node(key)?.1))
    }

    /// The list of a policy's interpretations.
    pub fn interpretations(&self, pi: usize) -> Interpretations<'a> {
        let p = &self.site.policies[pi];
        self.note(|| Dep::Interpretations(p.slug.as_str().into()));
        Interpretations(&p.interpretations)
    }

    /// One interpretation, complete.
    pub fn interpretation(&self, pi: usize, ii: usize) -> &'a Interpretation {
        let p = &self.site.policies[pi];
        let i = &p.interpretations[ii];
        self.note(|| Dep::Interpretation(p.slug.as_str().into(), i.kind));
        i
    }

    /// Every question of a policy's interpretations, as a list shows it.
    pub fn questions(&self, pi: usize) -> impl Iterator<Item = QuestionHead<'a>> {
        let p = &self.site.policies[pi];
        self.note(|| Dep::Questions(p.slug.as_str().into()));
        p.interpretations
            .iter()
            .flat_map(|i| &i.questions)
            .map(QuestionHead::of)
    }

    /// A policy's 落实进展 items, complete.
    pub fn progress(&self, pi: usize) -> &'a [Progress] {
        let p = &self.site.policies[pi];
        self.note(|| Dep::Progress(p.slug.as_str().into()));
        &p.progress
    }

    /// Whether a policy has 落实进展 items (a page that only links to them).
    pub fn has_progress(&self, pi: usize) -> bool {
        let p = &self.site.policies[pi];
        self.note(|| Dep::HasProgress(p.slug.as_str().into()));
        !p.progress.is_empty()
    }

    /// How many task clauses a policy has.
    pub fn clause_count(&self, pi: usize) -> usize {
        let p = &self.site.policies[pi];
        self.note(|| Dep::ClauseCount(p.slug.as_str().into()));
        super::deps::clause_count(p)
    }

    /// The passages citing a clause, from any bundle.
    pub fn backlinks(&self, key: &str) -> &'a [std::sync::Arc<Passage>] {
        self.note(|| Dep::Backlinks(key.into()));
        self.site.backlinks.get(key).map_or(&[], Vec::as_slice)
    }

    /// The unit index, complete.
    pub fn units(&self) -> &'a [Unit] {
        self.note(|| Dep::Units);
        &self.site.units
    }

    pub fn unit(&self, ui: usize) -> &'a Unit {
        let u = &self.site.units[ui];
        self.note(|| Dep::Unit(u.slug.as_str().into()));
        u
    }

    pub fn page(&self, i: usize) -> &'a Page {
        let p = &self.site.pages[i];
        self.note(|| Dep::Page(p.slug.as_str().into()));
        p
    }

    /// The revisions (新旧对照) a policy is part of, as the old or the new policy, complete.
    pub fn revisions(&self, pi: usize) -> impl Iterator<Item = &'a Revision> {
        let slug = self.site.policies[pi].slug.as_str();
        self.note(|| Dep::Revisions(slug.into()));
        self.site.revisions.iter().filter(move |r| r.involves(slug))
    }

    /// The revision at `ri` of the site, one of those of policy `pi` ([`Cx::revisions`]).
    pub fn revision(&self, pi: usize, ri: usize) -> &'a Revision {
        let slug = self.site.policies[pi].slug.as_str();
        self.note(|| Dep::Revisions(slug.into()));
        &self.site.revisions[ri]
    }

    /// The page types the search page offers as filters.
    pub fn search_kinds(&self) -> Vec<&'static str> {
        self.note(|| Dep::SearchKinds);
        crate::search::kinds(self.site)
    }

    /// Whether a policy has an interpretation of `kind` (part of its interpretations' list).
    pub fn has_kind(&self, pi: usize, kind: Kind) -> bool {
        self.interpretations(pi).iter().any(|i| i.kind == kind)
    }
}
