//! sitemap.xml, the Atom feed of interpretations, robots.txt.

use crate::markdown::{escape, excerpt};
use crate::model::urls;
use crate::model::Site;

pub fn sitemap(site: &Site, page_urls: &[String]) -> String {
    let base = site.config.base();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let base = escape(&base);
    for u in page_urls {
        // Written in place: a large site's sitemap is made again on every preview rebuild.
        out.push_str("  <url><loc>");
        out.push_str(&base);
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

pub fn atom(site: &Site) -> String {
    let base = site.config.base();
    let mut entries: Vec<(String, String, String, String)> = Vec::new();
    for p in &site.policies {
        for i in &p.interpretations {
            let updated = i
                .published
                .clone()
                .or_else(|| p.meta.published.clone())
                .or_else(|| p.meta.signed.clone())
                .unwrap_or_default();
            let url = format!("{base}{}", urls::interpretation(&p.slug, i.kind));
            let summary = i
                .summary
                .clone()
                .unwrap_or_else(|| excerpt(&i.body.plain, 200));
            entries.push((updated, url, i.title.clone(), summary));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let feed_updated = entries
        .first()
        .map(|e| rfc3339(&e.0))
        .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".to_string());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    out.push_str(&format!(
        "  <title>{}：政策解读</title>\n",
        escape(&site.config.name)
    ));
    out.push_str(&format!(
        "  <id>{}</id>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}atom.xml\"/>\n",
        escape(&base),
        escape(&base),
        escape(&base)
    ));
    out.push_str(&format!(
        "  <updated>{feed_updated}</updated>\n  <author><name>{}</name></author>\n",
        escape(&site.config.publisher)
    ));
    for (updated, url, title, summary) in entries {
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(&title),
            escape(&url),
            escape(&url),
            rfc3339(&updated),
            escape(&summary)
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
