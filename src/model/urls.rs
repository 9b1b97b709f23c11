//! Every URL of the site, in one place. Paths are relative to the site root and end in `/`
//! (a folder with `index.html`); [`Urls::href`] adds the site's path prefix.

use super::kind::Kind;

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
pub fn interpretation(slug: &str, kind: Kind) -> String {
    format!("{slug}/{}/", kind.slug())
}
pub fn question(slug: &str, id: &str) -> String {
    format!("{slug}/qa/{id}/")
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
pub fn search() -> String {
    "search/".to_string()
}
pub fn page(slug: &str) -> String {
    format!("{slug}/")
}

/// Top-level URL segments the generator itself uses; policy and page slugs may not take them.
pub const RESERVED: [&str; 8] = [
    "column",
    "library",
    "sitemap",
    "unit",
    "search",
    "static",
    "pages",
    "search-index",
];
