//! sitemap.xml (a sitemap index over numbered files when the site outgrows one), the Atom feed
//! of the latest interpretations, robots.txt.

use crate::markdown::{escape, excerpt};
use crate::model::types::{Interpretation, Policy};
use crate::model::urls;
use crate::model::Site;

/// The most URLs one sitemap file may list (the sitemaps.org protocol).
pub const SITEMAP_URLS: usize = 50_000;

/// The most entries the feed carries: the latest interpretations, not the whole archive.
pub const FEED_ENTRIES: usize = 50;

/// `sitemap.xml` listing every page; past [`SITEMAP_URLS`] pages, `sitemap.xml` is a sitemap
/// index of `sitemap-1.xml`, `sitemap-2.xml`, … each listing up to that many. Returns each
/// file's path and text.
pub fn sitemaps(site: &Site, page_urls: &[String]) -> Vec<(String, String)> {
    let base = escape(&site.config.base());
    if page_urls.len() <= SITEMAP_URLS {
        return vec![("sitemap.xml".to_string(), urlset(&base, page_urls))];
    }
    let mut files: Vec<(String, String)> = page_urls
        .chunks(SITEMAP_URLS)
        .enumerate()
        .map(|(i, chunk)| (format!("sitemap-{}.xml", i + 1), urlset(&base, chunk)))
        .collect();
    let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (path, _) in &files {
        index.push_str(&format!("  <sitemap><loc>{base}{path}</loc></sitemap>\n"));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".to_string(), index));
    files
}

/// One sitemap file; `base` is escaped.
fn urlset(base: &str, page_urls: &[String]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in page_urls {
        // Written in place: a large site's sitemap is made again on every preview rebuild.
        out.push_str("  <url><loc>");
        out.push_str(base);
        out.push_str(&escape(u));
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `2024-01-09 14:43:45` → RFC 3339 in China Standard Time; dates without time get midnight.
fn rfc3339(date: &str) -> String {
    let (d, t) = date.split_once(' ').unwrap_or((date, "00:00:00"));
    let d = match d.len() {
        4 => format!("{d}-01-01"),
        7 => format!("{d}-01"),
        _ => d.to_string(),
    };
    let t = if t.len() == 5 {
        format!("{t}:00")
    } else {
        t.to_string()
    };
    format!("{d}T{t}+08:00")
}

/// The feed of the latest [`FEED_ENTRIES`] interpretations, newest first.
pub fn atom(site: &Site) -> String {
    let base = site.config.base();
    let mut latest: Vec<(&str, String, &Policy, &Interpretation)> = Vec::new();
    for p in &site.policies {
        for i in &p.interpretations {
            let updated = i
                .published
                .as_deref()
                .or(p.meta.published.as_deref())
                .or(p.meta.signed.as_deref())
                .unwrap_or_default();
            let url = format!("{base}{}", urls::interpretation(&p.slug, i.kind));
            latest.push((updated, url, p, i));
        }
    }
    latest.sort_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(&b.1)));
    latest.truncate(FEED_ENTRIES);
    let entries: Vec<Entry> = latest
        .into_iter()
        .map(|(updated, url, _, i)| Entry::interpretation(updated, url, i))
        .collect();
    document(
        &format!("{}：政策解读", site.config.name),
        &base,
        &format!("{base}atom.xml"),
        &site.config.publisher,
        &entries,
    )
}

/// One entry of an Atom feed; `updated` as written in the content (a date, maybe with a time).
#[derive(Debug, Clone)]
pub struct Entry {
    pub updated: String,
    pub url: String,
    pub title: String,
    pub summary: String,
}

impl Entry {
    /// An interpretation's entry: its summary, else the start of its text.
    pub fn interpretation(updated: &str, url: String, i: &Interpretation) -> Entry {
        Entry {
            updated: updated.to_string(),
            url,
            title: i.title.clone(),
            summary: i
                .summary
                .clone()
                .unwrap_or_else(|| excerpt(&i.body.plain, 200)),
        }
    }
}

/// An Atom feed of `entries` (newest first), about the page at `page_url` (also its id), found
/// at `self_url`. Every text is escaped.
pub fn document(
    title: &str,
    page_url: &str,
    self_url: &str,
    author: &str,
    entries: &[Entry],
) -> String {
    let feed_updated = entries
        .first()
        .map(|e| rfc3339(&e.updated))
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".to_string());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    out.push_str(&format!("  <title>{}</title>\n", escape(title)));
    out.push_str(&format!(
        "  <id>{}</id>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}\"/>\n",
        escape(page_url),
        escape(page_url),
        escape(self_url)
    ));
    out.push_str(&format!(
        "  <updated>{feed_updated}</updated>\n  <author><name>{}</name></author>\n",
        escape(author)
    ));
    for e in entries {
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&e.title),
            escape(&e.url),
            escape(&e.url),
            rfc3339(&e.updated),
            escape(&e.summary)
        ));
    }
    out.push_str("</feed>\n");
    out
}

pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        site.config.base()
    )
}
