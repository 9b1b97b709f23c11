//! One Atom feed per unit (`unit/<slug>/atom.xml`, "订阅" on the unit's page), so that a
//! department can follow what concerns it: the policies giving it tasks, and every
//! interpretation, answer and progress item citing one of those tasks, newest first.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::feed_reuse::{keep_newest, Changed, Cutoff, Feed};
use super::feeds::{document, Entry};
use super::pages::library::date;
use super::OutFile;
use crate::model::types::{Policy, Unit};
use crate::model::urls;
use crate::model::Site;

/// Every unit's feed: path, file and cutoff. With `changed`, a unit whose feed reads no
/// changed policy, or only passages it leaves out, keeps its previous file.
pub fn files(site: &Site, changed: Option<&Changed>) -> Vec<Feed> {
    let old_units: FxHashMap<&str, &Unit> = changed
        .map(|c| c.old.units.iter().map(|u| (u.slug.as_str(), u)).collect())
        .unwrap_or_default();
    // Made only when a feed is made again: on most preview edits none is.
    let dates = OnceLock::new();
    // Each feed reads the whole site and none another's: made side by side.
    site.units
        .par_iter()
        .map(|u| {
            let path = urls::unit_feed(&u.slug);
            let kept = changed.and_then(|c| {
                let old = old_units.get(u.slug.as_str())?;
                unchanged(c, old, site, u, c.cutoff(&path)).then(|| c.kept(&path))?
            });
            let (file, cutoff) = kept.unwrap_or_else(|| {
                let (text, cutoff) = feed(site, u, dates.get_or_init(|| page_dates(site)));
                (Arc::new(OutFile::Bytes(text.into_bytes())), cutoff)
            });
            (path, file, cutoff)
        })
        .collect()
}

fn policy_of(k: &str) -> &str {
    k.split_once(':').map_or(k, |(s, _)| s)
}

/// Whether unit `u`'s feed shows only what the previous render's did: the same unit (name and
/// tasks), no task in a changed policy, and for each task the same passages citing it, none of
/// them on a changed policy's pages (whose dates the feed reads) — or, when the feed was full
/// (`cutoff`), passages that before and after the edit are all on pages it leaves out.
fn unchanged(c: &Changed, old: &Unit, site: &Site, u: &Unit, cutoff: Option<&Cutoff>) -> bool {
    // A unit index the model shared with the previous one holds the very same units.
    (std::ptr::eq(old, u) || old == u)
        && u.lead.iter().chain(&u.responsible).all(|k| {
            !c.redated(policy_of(k))
                && (same_passages(c, site, k)
                    || cutoff.is_some_and(|cut| passages_left_out(c, site, k, cut)))
        })
}

/// Whether the passages citing clause `k` are the previous render's and on pages whose dates
/// are unchanged. A passage `serve` kept as the same `Arc` comes from an unedited bundle, so
/// only the others are compared and looked up: this runs for every unit on every edit.
fn same_passages(c: &Changed, site: &Site, k: &str) -> bool {
    // Back-links the model shared with the previous one hold the very same passages.
    if Arc::ptr_eq(&site.backlinks, &c.old.backlinks) {
        return true;
    }
    let now = site.backlinks.get(k).map_or(&[][..], Vec::as_slice);
    let old = c.old.backlinks.get(k).map_or(&[][..], Vec::as_slice);
    now.len() == old.len()
        && now
            .iter()
            .zip(old)
            .all(|(a, b)| Arc::ptr_eq(a, b) || (a == b && !c.redated_page(&a.href)))
}

/// Whether every passage citing clause `k`, now and in the previous render, is on a page whose
/// date did not change and that a feed cut at `cut` leaves out (or on no dated page, which no
/// feed shows). Then whatever changed among them, the feed's entries are the same: its newest
/// pages, and the first passage on each of them, come from other clauses.
fn passages_left_out(c: &Changed, site: &Site, k: &str, cut: &Cutoff) -> bool {
    let now = site.backlinks.get(k).map_or(&[][..], Vec::as_slice);
    let old = c.old.backlinks.get(k).map_or(&[][..], Vec::as_slice);
    // The dates of the pages of only the policies these passages are on (mostly the clause's
    // own): an edit looks here for a few clauses, not for every page of the site.
    let mut dates = FxHashMap::default();
    let mut dated: FxHashSet<&str> = FxHashSet::default();
    now.iter().chain(old).all(|passage| {
        if c.redated_page(&passage.href) {
            return false;
        }
        let rel = passage.href.strip_prefix(site.urls.prefix());
        let slug = rel.map_or("", |r| r.split(['/', '#']).next().unwrap_or_default());
        if dated.insert(slug) {
            if let Some(p) = site.policies.iter().find(|p| p.slug == slug) {
                add_page_dates(site, p, &mut dates);
            }
        }
        match page_of(&dates, &passage.href) {
            Some((link, date)) => cut.leaves_out(date, tail(site, link)),
            None => true,
        }
    })
}

/// The feed's link and date of the page a passage at `href` is on: the progress item with its
/// anchor, any other page without. `None` for a page with no date (no feed shows it).
fn page_of<'d>(dates: &'d FxHashMap<String, &'d str>, href: &str) -> Option<(&'d str, &'d str)> {
    let page = href.split('#').next().unwrap_or_default();
    let (link, date) = dates
        .get_key_value(href)
        .or_else(|| dates.get_key_value(page))?;
    Some((link.as_str(), *date))
}

/// A page's link below the site's prefix: every address of a feed shares the base, so they sort
/// as the full addresses do.
fn tail<'l>(site: &Site, link: &'l str) -> &'l str {
    link.strip_prefix(site.urls.prefix()).unwrap_or(link)
}

/// The date of every page a passage can come from (interpretation, question, progress item),
/// by its link as passages give it (the progress item with its anchor).
fn page_dates(site: &Site) -> FxHashMap<String, &str> {
    let mut dates = FxHashMap::default();
    for p in &site.policies {
        add_page_dates(site, p, &mut dates);
    }
    dates
}

/// Adds the dates of policy `p`'s pages to `dates` (see [`page_dates`]).
fn add_page_dates<'s>(site: &Site, p: &'s Policy, dates: &mut FxHashMap<String, &'s str>) {
    let href = |rel: &str| site.urls.href(rel);
    let filed = date(&p.meta).unwrap_or_default();
    for i in &p.interpretations {
        let when = i.published.as_deref().unwrap_or(filed);
        dates.insert(href(&urls::interpretation(&p.slug, i.kind)), when);
        for q in &i.questions {
            dates.insert(href(&urls::question(&p.slug, &q.id)), when);
        }
    }
    for x in &p.progress {
        let when = x.date.as_deref().unwrap_or(filed);
        dates.insert(
            format!("{}#{}", href(&urls::progress(&p.slug)), x.anchor),
            when,
        );
    }
}

/// The feed of unit `u`, and its cutoff when it is full.
fn feed(site: &Site, u: &Unit, dates: &FxHashMap<String, &str>) -> (String, Option<Cutoff>) {
    let base = site.config.base();
    let keys = u.lead.iter().chain(&u.responsible);
    let mut tasks: FxHashMap<&str, usize> = FxHashMap::default();
    for k in keys.clone() {
        *tasks
            .entry(k.split_once(':').map_or(k.as_str(), |(s, _)| s))
            .or_default() += 1;
    }
    // Candidates first, without their texts: a unit cited by thousands of passages keeps
    // only the newest entries, so only those are written out (this runs on every preview edit).
    enum From<'a> {
        Policy(&'a Policy, usize),
        Passage(&'a crate::model::types::Passage),
    }
    // Each candidate's address below the base, borrowed where the passage has it: every
    // address shares the base, so they sort as the full addresses do.
    let mut candidates: Vec<(&str, Cow<str>, From)> = site
        .policies
        .iter()
        .filter_map(|p| {
            let n = tasks.get(p.slug.as_str())?;
            let tail = Cow::Owned(urls::policy(&p.slug));
            Some((date(&p.meta).unwrap_or_default(), tail, From::Policy(p, *n)))
        })
        .collect();
    // One entry per page citing the unit's tasks (per progress item on a progress page).
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for passage in keys.filter_map(|k| site.backlinks.get(k)).flatten() {
        let Some((link, date)) = page_of(dates, &passage.href) else {
            continue;
        };
        if seen.insert(link) {
            candidates.push((
                date,
                Cow::Borrowed(tail(site, link)),
                From::Passage(passage),
            ));
        }
    }
    let cutoff = keep_newest(&mut candidates);
    let entries: Vec<Entry> = candidates
        .into_iter()
        .map(|(date, tail, from)| {
            let url = format!("{base}{tail}");
            match from {
                From::Policy(p, n) => Entry {
                    updated: date.to_string(),
                    url,
                    title: format!("《{}》", p.meta.title),
                    summary: format!("{}印发，本单位承担其中 {n} 项任务。", p.meta.issuer),
                },
                From::Passage(passage) => Entry {
                    updated: date.to_string(),
                    url,
                    title: passage.title.clone(),
                    summary: passage.excerpt.clone(),
                },
            }
        })
        .collect();
    let page = format!("{base}{}", urls::unit(&u.slug));
    let text = document(
        &format!("{}：{}的政策、解读和落实进展", site.config.name, u.name),
        &page,
        &format!("{base}{}", urls::unit_feed(&u.slug)),
        &site.config.publisher,
        &entries,
    );
    (text, cutoff)
}
