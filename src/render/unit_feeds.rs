//! One Atom feed per unit (`unit/<slug>/atom.xml`, "订阅" on the unit's page), so that a
//! department can follow what concerns it: the policies giving it tasks, and every
//! interpretation, answer and progress item citing one of those tasks, newest first.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::feeds::{document, Entry, FEED_ENTRIES};
use crate::model::types::{Policy, Unit};
use crate::model::urls;
use crate::model::Site;

/// Every unit's feed: path and text.
pub fn files(site: &Site) -> Vec<(String, String)> {
    let dates = page_dates(site);
    // Each feed reads the whole site and none another's: made side by side.
    site.units
        .par_iter()
        .map(|u| (urls::unit_feed(&u.slug), feed(site, u, &dates)))
        .collect()
}

/// A policy's date: published, else signed.
fn policy_date(p: &Policy) -> &str {
    p.meta
        .published
        .as_deref()
        .or(p.meta.signed.as_deref())
        .unwrap_or_default()
}

/// The date of every page a passage can come from (interpretation, question, progress item),
/// by its link as passages give it (the progress item with its anchor).
fn page_dates(site: &Site) -> FxHashMap<String, &str> {
    let href = |rel: &str| site.urls.href(rel);
    let mut dates = FxHashMap::default();
    for p in &site.policies {
        for i in &p.interpretations {
            let date = i.published.as_deref().unwrap_or(policy_date(p));
            dates.insert(href(&urls::interpretation(&p.slug, i.kind)), date);
            for q in &i.questions {
                dates.insert(href(&urls::question(&p.slug, &q.id)), date);
            }
        }
        for x in &p.progress {
            let date = x.date.as_deref().unwrap_or(policy_date(p));
            dates.insert(
                format!("{}#{}", href(&urls::progress(&p.slug)), x.anchor),
                date,
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
            Some((policy_date(p), tail, From::Policy(p, *n)))
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
    candidates.sort_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(&b.1)));
    candidates.truncate(FEED_ENTRIES);
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
