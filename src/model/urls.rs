//! Every URL of the site, in one place. Paths are relative to the site root and end in `/`
//! (a folder with `index.html`); [`Urls::href`] adds the site's path prefix.

use super::types::FlatNode;
use super::Kind;

#[derive(Debug, Clone)]
pub struct Urls {
    prefix: String,
}

impl Urls {
    pub fn new(prefix: &str) -> Self {
        Urls {
            prefix: prefix.to_string(),
        }
    }

    pub fn href(&self, rel: &str) -> String {
        format!("{}{}", self.prefix, rel)
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

pub fn home() -> String {
    String::new()
}
pub fn policy(slug: &str) -> String {
    format!("{slug}/")
}
pub fn clause(slug: &str, clause_slug: &str) -> String {
    format!("{slug}/clause/{clause_slug}/")
}
/// Where a node of a policy is shown: a clause on its own page, any other node (a part or
/// group heading) at its anchor in the full text.
pub fn node(slug: &str, node: &FlatNode) -> String {
    node_parts(slug, node.is_clause, &node.slug, &node.anchor)
}
/// [`node`] from the parts of the node it reads.
pub fn node_parts(slug: &str, is_clause: bool, node_slug: &str, anchor: &str) -> String {
    if is_clause {
        clause(slug, node_slug)
    } else {
        format!("{}#{anchor}", policy(slug))
    }
}
pub fn interpretation(slug: &str, kind: Kind) -> String {
    format!("{slug}/{}/", kind.slug())
}
pub fn question(slug: &str, id: &str) -> String {
    format!("{slug}/qa/{id}/")
}
/// The 新旧对照 of policy `new` with the policy `old` it revises.
pub fn compare(new: &str, old: &str) -> String {
    format!("{new}/compare/{old}/")
}
/// A policy's open data (`data/<slug>.json`).
pub fn policy_data(slug: &str) -> String {
    format!("data/{slug}.json")
}
pub fn progress(slug: &str) -> String {
    format!("{slug}/progress/")
}
pub fn asset(slug: &str, rel: &str) -> String {
    format!("{slug}/{rel}")
}
pub fn column(kind: Kind) -> String {
    format!("column/{}/", kind.slug())
}
pub fn units() -> String {
    "unit/".to_string()
}
pub fn unit(slug: &str) -> String {
    format!("unit/{slug}/")
}
/// A unit's Atom feed.
pub fn unit_feed(slug: &str) -> String {
    format!("unit/{slug}/atom.xml")
}
/// Part `part` (from 0) of a unit's list: the first is the unit's page.
pub fn unit_part(slug: &str, part: usize) -> String {
    match part {
        0 => unit(slug),
        n => format!("unit/{slug}/{}/", n + 1),
    }
}
/// The 政策文件库 list of one issuing body.
pub fn library_issuer(issuer: &str) -> String {
    format!("library/issuer/{}/", super::unit_slug(issuer))
}
/// The 政策文件库 list of one topic (主题分类).
pub fn library_topic(topic: &str) -> String {
    format!("library/topic/{}/", super::unit_slug(topic))
}
/// The Atom feed beside a list page (`list` as [`library_issuer`] or [`library_topic`] give it).
pub fn list_feed(list: &str) -> String {
    format!("{list}atom.xml")
}
pub fn search() -> String {
    "search/".to_string()
}
pub fn page(slug: &str) -> String {
    format!("{slug}/")
}

/// The file a URL path (relative to the site root) is served from: a path ending in `/`, or
/// the empty path of the home page, is the folder's `index.html`.
pub fn file_of(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The URL path (relative to the site root) a file is shown at: the inverse of [`file_of`].
pub fn path_of(file: &str) -> &str {
    file.strip_suffix("index.html")
        .filter(|dir| dir.is_empty() || dir.ends_with('/'))
        .unwrap_or(file)
}

/// Top-level URL segments the generator itself uses; policy and page slugs may not take them.
pub const RESERVED: [&str; 9] = [
    "data",
    "column",
    "library",
    "sitemap",
    "unit",
    "search",
    "static",
    "pages",
    "search-index",
];
