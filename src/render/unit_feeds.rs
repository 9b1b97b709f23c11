//! One Atom feed per unit (`unit/<slug>/atom.xml`, "订阅" on the unit's page), so that a
//! department can follow what concerns it: the policies giving it tasks, and every
//! interpretation, answer and progress item citing one of those tasks, newest first.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::feed_reuse::Changed;
use super::feeds::{document, Entry, FEED_ENTRIES};
use super::pages::library::date;
use super::OutFile;
use crate::model::types::{Policy, Unit};
use crate::model::urls;
use crate::model::Site;

/// Every unit's feed: path and file. With `changed`, a unit whose feed reads no changed policy
/// keeps its previous file.
pub fn files(site: &Site, changed: Option<&Changed>) -> Vec<(String, Arc<OutFile>)> {
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
                unchanged(c, old, site, u).then(|| c.kept(&path))?
            });
            let file = kept.unwrap_or_else(|| {
                let text = feed(site, u, dates.get_or_init(|| page_dates(site)));
                Arc::new(OutFile::Bytes(text.into_bytes()))
            });
            (path, file)
        })
        .collect()
}

/// Whether unit `u`'s feed reads only what the previous render had: the same unit (name and
/// tasks), no task in a changed policy, and the same passages citing its tasks, none of them on
/// a changed policy's pages (whose dates the feed reads).
fn unchanged(c: &Changed, old: &Unit, site: &Site, u: &Unit) -> bool {
    fn policy_of(k: &str) -> &str {
        k.split_once(':').map_or(k, |(s, _)| s)
    }
    old == u
        && u.lead
            .iter()
            .chain(&u.responsible)
            .all(|k| !c.redated(policy_of(k)) && same_passages(c, site, k))
}

/// Whether the passages citing clause `k` are the previous render's and on pages whose dates
/// are unchanged. A passage `serve` kept as the same `Arc` comes from an unedited bundle, so
/// only the others are compared and looked up: this runs for every unit on every edit.
fn same_passages(c: &Changed, site: &Site, k: &str) -> bool {
    let now = site.backlinks.get(k).map_or(&[][..], Vec::as_slice);
    let old = c.old.backlinks.get(k).map_or(&[][..], Vec::as_slice);
    now.len() == old.len()
        && now
            .iter()
            .zip(old)
            .all(|(a, b)| Arc::ptr_eq(a, b) || (a == b && !c.redated_page(&a.href)))
}

/// The date of every page a passage can come from (interpretation, question, progress item),
/// by its link as passages give it (the progress item with its anchor).
fn page_dates(site: &Site) -> FxHashMap<String, &str> {
    let href = |rel: &str| site.urls.href(rel);
    let mut dates = FxHashMap::default();
    for p in &site.policies {
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
    dates
}

fn feed(site: &Site, u: &Unit, dates: &FxHashMap<String, &str>) -> String {
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
        let page = passage.href.split('#').next().unwrap_or_default();
        let Some((link, date)) = dates
            .get_key_value(passage.href.as_str())
            .or_else(|| dates.get_key_value(page))
        else {
            continue;
        };
        if seen.insert(link) {
            let tail = link.strip_prefix(site.urls.prefix()).unwrap_or(link);
            candidates.push((date, Cow::Borrowed(tail), From::Passage(passage)));
        }
    }
    // Only the newest are kept: chosen first, then only they are sorted.
    let newest_first =
        |a: &(&str, Cow<str>, From), b: &(&str, Cow<str>, From)| b.0.cmp(a.0).then(a.1.cmp(&b.1));
    if candidates.len() > FEED_ENTRIES {
        candidates.select_nth_unstable_by(FEED_ENTRIES - 1, newest_first);
        candidates.truncate(FEED_ENTRIES);
    }
    candidates.sort_by(newest_first);
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
    document(
        &format!("{}：{}的政策、解读和落实进展", site.config.name, u.name),
        &page,
        &format!("{base}{}", urls::unit_feed(&u.slug)),
        &site.config.publisher,
        &entries,
    )
}
