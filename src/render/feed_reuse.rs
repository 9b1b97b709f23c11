//! Which feeds an edit in `jiedu serve` can have changed. A feed is made of site settings, of
//! what policies say about themselves (metadata, the dates of their pages, their
//! interpretations' titles and summaries) and, for a unit, of the passages citing its clauses
//! (compared by the unit feeds themselves). `serve` keeps an unedited policy as the very same
//! `Arc`; only the others are compared with the previous render's. A feed that reads nothing
//! that changed keeps its previous file: an answer edited among thousands of policies makes
//! the feeds of the cited clause's units again, not every unit's, issuer's and topic's.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::OutFile;
use crate::model::types::Policy;
use crate::model::Site;

pub struct Changed<'a> {
    /// The previous render's site.
    pub old: &'a Site,
    files: &'a FxHashMap<String, Arc<OutFile>>,
    /// Policies added, removed, or whose metadata or page dates changed.
    dated: FxHashSet<&'a str>,
    /// Those and the policies whose interpretations' titles, summaries or texts changed.
    described: FxHashSet<&'a str>,
}

impl<'a> Changed<'a> {
    /// `None` when there is no previous render to keep from, or the site settings (name,
    /// address, publisher: in every feed) changed.
    pub fn since(
        site: &'a Site,
        previous: Option<(&'a Site, &'a FxHashMap<String, Arc<OutFile>>)>,
    ) -> Option<Self> {
        let (old, files) = previous?;
        if old.config != site.config || old.urls.prefix() != site.urls.prefix() {
            return None;
        }
        let before: FxHashMap<&str, &Arc<Policy>> =
            old.policies.iter().map(|p| (p.slug.as_str(), p)).collect();
        let now: FxHashSet<&str> = site.policies.iter().map(|p| p.slug.as_str()).collect();
        let gone = old
            .policies
            .iter()
            .map(|p| p.slug.as_str())
            .filter(|s| !now.contains(s));
        let mut dated: FxHashSet<&str> = gone.collect();
        let mut described = dated.clone();
        for p in &site.policies {
            let slug = p.slug.as_str();
            match before.get(slug) {
                Some(o) if Arc::ptr_eq(o, p) => {}
                Some(o) if same_dates(o, p) => {
                    if !same_descriptions(o, p) {
                        described.insert(slug);
                    }
                }
                _ => {
                    dated.insert(slug);
                    described.insert(slug);
                }
            }
        }
        Some(Changed {
            old,
            files,
            dated,
            described,
        })
    }

    /// Whether policy `slug` was added or removed, or its metadata or a page date changed.
    pub fn redated(&self, slug: &str) -> bool {
        self.dated.contains(slug)
    }

    /// Whether policy `slug` changed anything a list of policies shows of it.
    pub fn redescribed(&self, slug: &str) -> bool {
        self.described.contains(slug)
    }

    /// Whether the page a passage links to (`href` with the site's prefix) belongs to a policy
    /// whose dates changed. Pages of no policy have no date in a feed.
    pub fn redated_page(&self, href: &str) -> bool {
        let rel = href.strip_prefix(self.old.urls.prefix()).unwrap_or(href);
        self.redated(rel.split(['/', '#']).next().unwrap_or_default())
    }

    /// The previous render's file at `path`.
    pub fn kept(&self, path: &str) -> Option<Arc<OutFile>> {
        self.files.get(path).cloned()
    }
}

/// Whether two versions of a policy have the same metadata and the same dated pages (each
/// interpretation's kind and date, its questions, each progress item's anchor and date).
fn same_dates(a: &Policy, b: &Policy) -> bool {
    a.meta == b.meta
        && a.interpretations.len() == b.interpretations.len()
        && a.interpretations
            .iter()
            .zip(&b.interpretations)
            .all(|(x, y)| {
                x.kind == y.kind
                    && x.published == y.published
                    && x.questions.len() == y.questions.len()
                    && x.questions
                        .iter()
                        .zip(&y.questions)
                        .all(|(q, r)| q.id == r.id)
            })
        && a.progress.len() == b.progress.len()
        && a.progress
            .iter()
            .zip(&b.progress)
            .all(|(x, y)| x.anchor == y.anchor && x.date == y.date)
}

/// Whether each interpretation has the same title, summary and text (a list's feed shows a
/// summary, else the start of the text).
fn same_descriptions(a: &Policy, b: &Policy) -> bool {
    a.interpretations
        .iter()
        .zip(&b.interpretations)
        .all(|(x, y)| x.title == y.title && x.summary == y.summary && x.body.plain == y.body.plain)
}
