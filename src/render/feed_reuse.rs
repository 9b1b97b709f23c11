//! Which feeds an edit in `jiedu serve` can have changed. A feed is made of site settings, of
//! what policies say about themselves (metadata, the dates of their pages, their
//! interpretations' titles and summaries) and, for a unit, of the passages citing its clauses
//! (compared by the unit feeds themselves). `serve` keeps an unedited policy as the very same
//! `Arc`; only the others are compared with the previous render's. A feed that reads nothing
//! that changed keeps its previous file: an answer edited among thousands of policies makes
//! the feeds of the cited clause's units again, not every unit's, issuer's and topic's.
//!
//! A feed shows only its newest [`FEED_ENTRIES`] entries. A full one remembers the oldest it
//! shows (its [`Cutoff`]); a change to entries that sort after it, before and after the edit,
//! cannot enter the feed, which keeps its previous file too: an edit in an older policy of a
//! large portal makes no feed again.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::feeds::FEED_ENTRIES;
use super::OutFile;
use crate::model::types::Policy;
use crate::model::Site;

/// The oldest entry a full feed shows: its date as written and its address below the base.
/// Entries are newest first, then by address, so every entry that sorts after this one is
/// left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoff {
    date: String,
    tail: String,
}

impl Cutoff {
    /// The cutoff of a feed whose entries, newest first, end with `last`: `None` when the feed
    /// is not full, as any entry added to it would show.
    pub fn of_full(entries: usize, last: Option<(&str, &str)>) -> Option<Cutoff> {
        let (date, tail) = last.filter(|_| entries >= FEED_ENTRIES)?;
        Some(Cutoff {
            date: date.to_string(),
            tail: tail.to_string(),
        })
    }

    /// Whether an entry dated `date` at address `tail` sorts after the cutoff, so that the
    /// feed does not show it.
    pub fn leaves_out(&self, date: &str, tail: &str) -> bool {
        match date.cmp(&self.date) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => tail > self.tail.as_str(),
        }
    }
}

/// Keeps the newest [`FEED_ENTRIES`] of a feed's `candidates` (date, address below the base,
/// what the entry is made from), newest first and then by address, and returns the feed's
/// cutoff. The newest are chosen first, then only they are sorted.
pub fn keep_newest<S: AsRef<str>, T>(candidates: &mut Vec<(&str, S, T)>) -> Option<Cutoff> {
    let newest_first = |a: &(&str, S, T), b: &(&str, S, T)| {
        b.0.cmp(a.0).then_with(|| a.1.as_ref().cmp(b.1.as_ref()))
    };
    if candidates.len() > FEED_ENTRIES {
        candidates.select_nth_unstable_by(FEED_ENTRIES - 1, newest_first);
        candidates.truncate(FEED_ENTRIES);
    }
    candidates.sort_by(newest_first);
    let last = candidates
        .last()
        .map(|(date, tail, _)| (*date, tail.as_ref()));
    Cutoff::of_full(candidates.len(), last)
}

/// Each full feed's cutoff, by the feed's output path.
pub type Cutoffs = FxHashMap<String, Cutoff>;

/// A feed made or kept: output path, file, and its cutoff when it is full.
pub type Feed = (String, Arc<OutFile>, Option<Cutoff>);

/// What the previous render left for the feeds: its site, its files besides pages and its
/// feeds' cutoffs.
pub type Previous<'a> = (&'a Site, &'a FxHashMap<String, Arc<OutFile>>, &'a Cutoffs);

pub struct Changed<'a> {
    /// The previous render's site.
    pub old: &'a Site,
    files: &'a FxHashMap<String, Arc<OutFile>>,
    cutoffs: &'a Cutoffs,
    /// Policies added, removed, or whose metadata or page dates changed.
    dated: FxHashSet<&'a str>,
    /// Those and the policies whose interpretations' titles, summaries or texts changed.
    described: FxHashSet<&'a str>,
}

impl<'a> Changed<'a> {
    /// `None` when there is no previous render to keep from, or the site settings (name,
    /// address, publisher: in every feed) changed.
    pub fn since(site: &'a Site, previous: Option<Previous<'a>>) -> Option<Self> {
        let (old, files, cutoffs) = previous?;
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
            cutoffs,
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

    /// The previous render's file at `path`, with its cutoff: what a feed that keeps it
    /// returns.
    pub fn kept(&self, path: &str) -> Option<(Arc<OutFile>, Option<Cutoff>)> {
        let file = self.files.get(path).cloned()?;
        Some((file, self.cutoffs.get(path).cloned()))
    }

    /// The cutoff of the previous render's feed at `path`, when it was full.
    pub fn cutoff(&self, path: &str) -> Option<&Cutoff> {
        self.cutoffs.get(path)
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
