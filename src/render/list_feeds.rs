//! One Atom feed per issuing body and per topic (主题分类), beside its 政策文件库 list
//! (`library/issuer/<slug>/atom.xml`, "订阅" on the list): a department or a newsroom follows
//! what one 发文机关 publishes or what appears on one subject — each policy and each of its
//! interpretations, newest first.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::feed_reuse::{keep_newest, Changed, Cutoff, Feed};
use super::feeds::{document, Entry};
use super::pages::library::{date, topic};
use super::OutFile;
use crate::model::types::{Interpretation, Policy};
use crate::model::urls;
use crate::model::Site;

/// Which list a feed follows.
#[derive(Clone, Copy)]
enum List<'a> {
    Issuer(&'a str),
    Topic(&'a str),
}

impl List<'_> {
    fn url(self) -> String {
        match self {
            List::Issuer(name) => urls::library_issuer(name),
            List::Topic(name) => urls::library_topic(name),
        }
    }

    fn title(self, site: &Site) -> String {
        match self {
            List::Issuer(name) => format!("{}：{name}发布的政策和解读", site.config.name),
            List::Topic(name) => format!("{}：{name}方面的政策和解读", site.config.name),
        }
    }
}

/// The policies of each issuer and each topic, in a stable order.
fn lists(site: &Site) -> Vec<(List<'_>, Vec<&Policy>)> {
    let mut issuers: BTreeMap<&str, Vec<&Policy>> = BTreeMap::new();
    let mut topics: BTreeMap<&str, Vec<&Policy>> = BTreeMap::new();
    for p in &site.policies {
        issuers.entry(&p.meta.issuer).or_default().push(p);
        if let Some(t) = topic(&p.meta) {
            topics.entry(t).or_default().push(p);
        }
    }
    let issuers = issuers.into_iter().map(|(n, ps)| (List::Issuer(n), ps));
    let topics = topics.into_iter().map(|(n, ps)| (List::Topic(n), ps));
    issuers.chain(topics).collect()
}

/// Every issuer's and topic's feed: path, file and cutoff. With `changed`, a list whose
/// policies are the same as before (none added, removed or moved to another list) and none of
/// them redescribed keeps its previous file; so does a full one whose changed policies' entries,
/// before and after the edit, all sort after its cutoff.
pub fn files(site: &Site, changed: Option<&Changed>) -> Vec<Feed> {
    let before: FxHashMap<String, Vec<&Policy>> = changed
        .map(|c| {
            lists(c.old)
                .into_iter()
                .map(|(list, ps)| (urls::list_feed(&list.url()), ps))
                .collect()
        })
        .unwrap_or_default();
    lists(site)
        .into_par_iter()
        .map(|(list, policies)| {
            let path = urls::list_feed(&list.url());
            let kept = changed
                .filter(|c| {
                    before
                        .get(&path)
                        .is_some_and(|old| unchanged(c, old, &policies, c.cutoff(&path)))
                })
                .and_then(|c| c.kept(&path));
            let (file, cutoff) = kept.unwrap_or_else(|| {
                let (text, cutoff) = feed(site, list, &policies);
                (Arc::new(OutFile::Bytes(text.into_bytes())), cutoff)
            });
            (path, file, cutoff)
        })
        .collect()
}

/// Whether a list's feed shows what it showed: every policy that was or is on the list and
/// changed — added, removed, redescribed — has its entries, before and after, where a full feed
/// leaves them out (none when the feed was not full).
fn unchanged(c: &Changed, old: &[&Policy], now: &[&Policy], cutoff: Option<&Cutoff>) -> bool {
    fn slugs<'p>(ps: &[&'p Policy]) -> FxHashSet<&'p str> {
        ps.iter().map(|p| p.slug.as_str()).collect()
    }
    let (was, is) = (slugs(old), slugs(now));
    let left_out = |p: &Policy| cutoff.is_some_and(|cut| entries_left_out(p, cut));
    let changed_now = now
        .iter()
        .filter(|p| !was.contains(p.slug.as_str()) || c.redescribed(&p.slug));
    let changed_then = old
        .iter()
        .filter(|p| !is.contains(p.slug.as_str()) || c.redescribed(&p.slug));
    changed_now.chain(changed_then).all(|p| left_out(p))
}

/// Whether every entry of policy `p` in a list's feed sorts after `cut`.
fn entries_left_out(p: &Policy, cut: &Cutoff) -> bool {
    let filed = date(&p.meta).unwrap_or_default();
    cut.leaves_out(filed, &urls::policy(&p.slug))
        && p.interpretations.iter().all(|i| {
            let when = i.published.as_deref().unwrap_or(filed);
            cut.leaves_out(when, &urls::interpretation(&p.slug, i.kind))
        })
}

/// The feed of a list, and its cutoff when it is full.
fn feed(site: &Site, list: List, policies: &[&Policy]) -> (String, Option<Cutoff>) {
    let base = site.config.base();
    // Candidates first, by date and address below the base, without their texts: only the
    // newest are written out (a summary may be an excerpt of a long text).
    enum From<'a> {
        Policy(&'a Policy),
        Interpretation(&'a Interpretation),
    }
    let mut candidates: Vec<(&str, String, From)> = Vec::new();
    for p in policies {
        let filed = date(&p.meta).unwrap_or_default();
        candidates.push((filed, urls::policy(&p.slug), From::Policy(p)));
        for i in &p.interpretations {
            let when = i.published.as_deref().unwrap_or(filed);
            let tail = urls::interpretation(&p.slug, i.kind);
            candidates.push((when, tail, From::Interpretation(i)));
        }
    }
    let cutoff = keep_newest(&mut candidates);
    let entries: Vec<Entry> = candidates
        .into_iter()
        .map(|(date, tail, from)| {
            let url = format!("{base}{tail}");
            match from {
                From::Policy(p) => Entry {
                    updated: date.to_string(),
                    url,
                    title: format!("《{}》", p.meta.title),
                    summary: match &p.meta.doc_number {
                        Some(n) => format!("{}印发，文号{n}。", p.meta.issuer),
                        None => format!("{}印发。", p.meta.issuer),
                    },
                },
                From::Interpretation(i) => Entry::interpretation(date, url, i),
            }
        })
        .collect();
    let page = format!("{base}{}", list.url());
    let text = document(
        &list.title(site),
        &page,
        &format!("{base}{}", urls::list_feed(&list.url())),
        &site.config.publisher,
        &entries,
    );
    (text, cutoff)
}
