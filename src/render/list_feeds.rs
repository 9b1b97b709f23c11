//! One Atom feed per issuing body and per topic (主题分类), beside its 政策文件库 list
//! (`library/issuer/<slug>/atom.xml`, "订阅" on the list): a department or a newsroom follows
//! what one 发文机关 publishes or what appears on one subject — each policy and each of its
//! interpretations, newest first.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::feed_reuse::Changed;
use super::feeds::{document, Entry, FEED_ENTRIES};
use super::pages::library::{date, topic};
use super::OutFile;
use crate::markdown::excerpt;
use crate::model::types::Policy;
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

/// Every issuer's and topic's feed: path and file. With `changed`, a list that has the same
/// policies as before (none added, removed or moved to another list) and none of them
/// redescribed keeps its previous file.
pub fn files(site: &Site, changed: Option<&Changed>) -> Vec<(String, Arc<OutFile>)> {
    let slugs = |ps: &[&Policy]| -> Vec<String> { ps.iter().map(|p| p.slug.clone()).collect() };
    let before: FxHashMap<String, Vec<String>> = changed
        .map(|c| {
            lists(c.old)
                .into_iter()
                .map(|(list, ps)| (urls::list_feed(&list.url()), slugs(&ps)))
                .collect()
        })
        .unwrap_or_default();
    lists(site)
        .into_par_iter()
        .map(|(list, policies)| {
            let path = urls::list_feed(&list.url());
            let kept = changed
                .filter(|c| {
                    before.get(&path) == Some(&slugs(&policies))
                        && policies.iter().all(|p| !c.redescribed(&p.slug))
                })
                .and_then(|c| c.kept(&path));
            let file = kept.unwrap_or_else(|| {
                Arc::new(OutFile::Bytes(feed(site, list, &policies).into_bytes()))
            });
            (path, file)
        })
        .collect()
}

fn feed(site: &Site, list: List, policies: &[&Policy]) -> String {
    let base = site.config.base();
    let mut entries: Vec<Entry> = Vec::new();
    for p in policies {
        let summary = match &p.meta.doc_number {
            Some(n) => format!("{}印发，文号{n}。", p.meta.issuer),
            None => format!("{}印发。", p.meta.issuer),
        };
        entries.push(Entry {
            updated: date(&p.meta).unwrap_or_default().to_string(),
            url: format!("{base}{}", urls::policy(&p.slug)),
            title: format!("《{}》", p.meta.title),
            summary,
        });
        for i in &p.interpretations {
            entries.push(Entry {
                updated: i
                    .published
                    .as_deref()
                    .unwrap_or(date(&p.meta).unwrap_or_default())
                    .to_string(),
                url: format!("{base}{}", urls::interpretation(&p.slug, i.kind)),
                title: i.title.clone(),
                summary: i
                    .summary
                    .clone()
                    .unwrap_or_else(|| excerpt(&i.body.plain, 200)),
            });
        }
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.url.cmp(&b.url)));
    entries.truncate(FEED_ENTRIES);
    let page = format!("{base}{}", list.url());
    document(
        &list.title(site),
        &page,
        &format!("{base}{}", urls::list_feed(&list.url())),
        &site.config.publisher,
        &entries,
    )
}
