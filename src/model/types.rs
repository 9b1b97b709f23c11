//! The model: plain data that the render stage turns into pages and tests inspect directly.

use std::path::PathBuf;

use serde::Serialize;

use super::urls::Urls;
use super::Kind;
use crate::clause::ClauseTree;
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::load::front_matter::Author;
use crate::load::Asset;
use crate::markdown::RichText;

#[derive(Debug, Clone)]
pub struct Site {
    /// The site root as given (`--root`), which every source path of the model begins with:
    /// the build cache digests paths within it ([`super::within`]).
    pub root: PathBuf,
    pub config: Config,
    pub urls: Urls,
    pub policies: Vec<std::sync::Arc<Policy>>,
    pub pages: Vec<Page>,
    /// Every unit named in a unit note, sorted by name. Shared with the previous model of
    /// `jiedu serve` while no unit note and no clause changed, so an edit elsewhere neither
    /// rebuilds nor compares it.
    pub units: std::sync::Arc<Vec<Unit>>,
    /// For each clause key (`slug:id`), the passages that cite it, in a stable order. Shared
    /// with the previous model like [`Site::units`] while no passage citing a clause changed.
    pub backlinks: std::sync::Arc<Backlinks>,
    /// For each policy (in the order of `policies`), clause key → index into its `nodes`; made
    /// with the policy's bundle, so a rebuild that reuses the bundle reuses it too.
    pub node_positions: Vec<std::sync::Arc<NodePositions>>,
    /// Policy slug → index into `policies`: pages that look policies up by slug (a unit's
    /// parts, lifecycle and revision links) would otherwise scan every policy, which made the
    /// unit pages quadratic in the portal's size.
    pub policy_positions: rustc_hash::FxHashMap<String, usize>,
    /// Redirect pages from `aliases:`, sorted by the old path.
    pub redirects: Vec<Redirect>,
    /// Every policy that amends or replaces another, compared clause by clause with it.
    pub revisions: Vec<super::revisions::Revision>,
    pub warnings: Diagnostics,
}

/// An earlier URL of a page, kept as a redirect to where it is now.
#[derive(Debug, Clone)]
pub struct Redirect {
    /// The old path, in the form of [`super::urls`] (`old-slug/expert/`).
    pub from: String,
    /// Where it leads now, in the same form.
    pub to: String,
    pub title: String,
    pub source: PathBuf,
}

impl Site {
    /// Frees every policy's clause tree, for a run that only renders and writes the site
    /// (`jiedu build`): the pages, feeds, data files and search index read the flat
    /// [`Policy::nodes`], and the model's own uses of the tree (revisions) are done. Each tree
    /// repeats the text its nodes hold; at 1,000 generated policies they were about a tenth of
    /// the build's peak memory, held through the render and search stages. A policy shared
    /// with another owner (a model kept for reuse) keeps its tree.
    pub fn free_clause_trees(&mut self) {
        for p in self.policies.iter_mut().filter_map(std::sync::Arc::get_mut) {
            p.tree = ClauseTree::default();
        }
    }

    /// The node with clause key `slug:id`, and its policy.
    pub fn node(&self, key: &str) -> Option<(&Policy, &FlatNode)> {
        let (p, n) = self.node_place(key)?;
        let policy = self.policies.get(p)?;
        Some((policy, policy.nodes.get(n)?))
    }

    /// Where the node with clause key `slug:id` is: its policy's index in `policies` and its
    /// index in that policy's `nodes`.
    pub fn node_place(&self, key: &str) -> Option<(usize, usize)> {
        let (slug, _) = key.split_once(':')?;
        let p = *self.policy_positions.get(slug)?;
        let n = *self.node_positions.get(p)?.get(key)?;
        Some((p, n))
    }

    pub fn page_count_hint(&self) -> usize {
        self.policies
            .iter()
            .map(|p| p.nodes.len() + p.interpretations.len() + 4)
            .sum::<usize>()
            + self.units.len()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Hash)]
pub struct PolicyMeta {
    pub title: String,
    pub doc_number: Option<String>,
    pub issuer: String,
    pub addressee: Option<String>,
    pub signed: Option<String>,
    pub published: Option<String>,
    pub index_number: Option<String>,
    pub topic: Option<String>,
    pub validity: String,
    pub note: Option<String>,
}

/// Clause key → the passages citing it ([`Site::backlinks`]).
pub type Backlinks = rustc_hash::FxHashMap<String, Vec<std::sync::Arc<Passage>>>;

/// Clause key → index into its policy's `nodes` ([`Site::node_positions`]).
pub type NodePositions = rustc_hash::FxHashMap<String, usize>;

#[derive(Debug, Clone)]
pub struct Policy {
    pub slug: String,
    pub source: PathBuf,
    pub meta: PolicyMeta,
    pub tree: ClauseTree,
    /// Every node of the tree in document order, ready for pages.
    pub nodes: Vec<FlatNode>,
    pub preamble_html: String,
    pub closing_html: String,
    /// Links written in the policy text, with their lines (see [`RichText::links`]).
    pub links: Vec<crate::markdown::SourceLink>,
    /// Interpretations in the portal's format order.
    pub interpretations: Vec<Interpretation>,
    pub progress: Vec<Progress>,
    pub assets: Vec<Asset>,
    /// Validity and the links to the policies replacing, amending or related to this one.
    pub lifecycle: super::lifecycle::Lifecycle,
    /// Digest of everything this policy was modelled from except its [`Policy::lifecycle`]
    /// (which the site links afterwards): its bundle's files and assets, the path prefix and
    /// raw-HTML setting, and what its clause references found ([`super::input_digest`]) — what
    /// `jiedu serve` reuses a bundle's model on. Equal digests mean an equal policy, so the build
    /// cache compares these instead of the policy itself.
    pub input_digest: u64,
}

/// A unit as listed on a clause.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnitRef {
    pub name: String,
    pub slug: String,
    /// The label the note used, e.g. 牵头单位 or 参与部门.
    pub label: String,
}

/// One role of a clause's unit note as the document writes it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnitGroupRef {
    pub label: String,
    /// `lead`, `responsible` or `guide` (guiding units have no unit page).
    pub role: &'static str,
    pub units: Vec<UnitRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlatNode {
    pub key: String,
    pub id: String,
    /// Short label that names the node unambiguously inside its policy, e.g. `（三）1`.
    pub short_label: String,
    pub label: String,
    pub heading: String,
    pub heading_ends_sentence: bool,
    pub depth: usize,
    pub is_clause: bool,
    pub anchor: String,
    pub slug: String,
    pub paragraphs_html: Vec<String>,
    /// Plain text of the node's own paragraphs (search, excerpts, targets).
    pub plain: String,
    /// Deadlines and quantified targets in a clause's text.
    pub milestones: Vec<super::milestones::Milestone>,
    /// The deadline a task table gives the clause (`完成时限`).
    pub deadline: Option<crate::clause::Deadline>,
    pub lead_units: Vec<UnitRef>,
    pub responsible_units: Vec<UnitRef>,
    /// The note's groups in order, each with its role word as written (`配合单位`, `负责`).
    pub unit_groups: Vec<UnitGroupRef>,
    /// Keys of the ancestors, outermost first.
    pub ancestors: Vec<String>,
    pub line: usize,
}

/// A link to a clause as it appears on an interpretation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct ClauseLink {
    pub key: String,
    pub href: String,
    pub label: String,
    pub heading: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Media {
    pub src: String,
    pub src_exists: bool,
    pub poster: Option<String>,
    pub poster_alt: Option<String>,
    pub captions: Option<String>,
    pub duration: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    pub src: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Question {
    pub id: String,
    pub number: usize,
    pub topic: String,
    pub question: String,
    pub answer: RichText,
    pub cites: Vec<ClauseLink>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub anchor: String,
    pub heading: String,
    pub figure: Option<String>,
    pub unit: Option<String>,
    pub text: String,
    pub cites: Vec<ClauseLink>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Interpretation {
    pub kind: Kind,
    pub source: PathBuf,
    pub title: String,
    pub published: Option<String>,
    pub publisher: Option<String>,
    pub index_number: Option<String>,
    pub summary: Option<String>,
    pub author: Option<Author>,
    pub cites: Vec<ClauseLink>,
    pub body: RichText,
    pub questions: Vec<Question>,
    pub panels: Vec<Panel>,
    pub image: Option<Image>,
    pub media: Option<Media>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Hash)]
pub struct Progress {
    pub anchor: String,
    #[serde(skip)]
    pub path: PathBuf,
    pub title: String,
    pub date: Option<String>,
    pub source: Option<String>,
    pub cites: Vec<ClauseLink>,
    pub body: RichText,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub slug: String,
    pub source: PathBuf,
    pub title: String,
    pub nav: bool,
    pub body: RichText,
}

#[derive(Debug, Clone, PartialEq, Serialize, Hash)]
pub struct Unit {
    pub name: String,
    pub slug: String,
    /// Clause keys it leads, in document order.
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
}

/// A passage that cites a clause: what the clause page lists and links to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct Passage {
    /// Format name (专家解读, 简明问答, 落实进展, …) shown as the passage's type.
    pub source_kind: String,
    pub title: String,
    pub excerpt: String,
    /// Link to the page and, where there is one, the passage's anchor.
    pub href: String,
    /// The content file the passage comes from (for the dependency map).
    #[serde(skip)]
    pub source: PathBuf,
}
