//! The 政务公开 chrome every page carries: breadcrumb, the portal's head metadata
//! (SiteName, ColumnName, ArticleTitle, …), Open Graph tags and the share QR code.

use serde::Serialize;

use super::context::{Chrome, Crumb, Meta, PageCtx};
use super::cx::Cx;
use crate::markdown::excerpt;
use crate::model::urls;

/// What makes a page an article in the portal's metadata.
pub struct Article<'a> {
    pub column: &'a str,
    pub column_type: &'a str,
    pub published: Option<&'a str>,
    pub source: Option<&'a str>,
    pub description: &'a str,
}

/// The Tera context of a page: the site-wide context, the chrome and the page's own data.
pub fn wrap<T: Serialize>(cx: &Cx, page: Chrome, data: T) -> Result<tera::Context, tera::Error> {
    // The site part is copied from a context made once; the page's own keys are added after
    // it, so that one named `site` would win as it did when both were serialized together.
    let mut ctx = cx.site_ctx().context()?.clone();
    ctx.extend(tera::Context::from_serialize(PageCtx { page, data })?);
    Ok(ctx)
}

pub fn crumb(cx: &Cx, label: &str, rel: Option<String>) -> Crumb {
    Crumb {
        label: label.to_string(),
        href: rel.map(|r| cx.urls().href(&r)),
    }
}

/// 首页 > 政务公开 > [column >] here.
pub fn crumbs(cx: &Cx, column: Option<(&str, String)>, here: &str) -> Vec<Crumb> {
    let mut v = vec![
        crumb(cx, "首页", Some(urls::home())),
        crumb(cx, "政务公开", None),
    ];
    if let Some((label, rel)) = column {
        v.push(crumb(cx, label, Some(rel)));
    }
    v.push(crumb(cx, here, None));
    v
}

/// `2024-01-09 14:43:45` → `2024-01-09 14:43`; a date without a time gives no PubDate.
fn pub_date(published: Option<&str>) -> Option<String> {
    let p = published?;
    let (date, time) = p.split_once(' ')?;
    (date.len() == 10 && time.len() >= 5).then(|| format!("{date} {}", &time[..5]))
}

fn host(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

fn meta(name: &str, content: impl Into<String>) -> Meta {
    Meta {
        name: name.into(),
        content: content.into(),
    }
}

/// Chrome with the portal's head metadata; `rel` is the page's URL relative to the site.
pub fn chrome(
    cx: &Cx,
    title: &str,
    breadcrumb: Vec<Crumb>,
    kind: &'static str,
    article: Option<Article<'_>>,
    rel: &str,
) -> Chrome {
    let cfg = cx.config();
    let canonical = format!("{}{}", cfg.base(), rel.trim_start_matches('/'));
    let mut meta_tags = vec![
        meta("SiteName", cfg.name.clone()),
        meta("SiteDomain", host(&cfg.base_url)),
    ];
    if let Some(code) = cfg.site_id_code.as_ref().filter(|c| !c.is_empty()) {
        meta_tags.push(meta("SiteIDCode", code.clone()));
    }
    let mut description = cfg.description.clone().unwrap_or_else(|| cfg.name.clone());
    if let Some(a) = &article {
        meta_tags.push(meta("ColumnName", a.column));
        meta_tags.push(meta("ColumnType", a.column_type));
        meta_tags.push(meta("ArticleTitle", title));
        if let Some(d) = pub_date(a.published) {
            meta_tags.push(meta("PubDate", d));
        }
        if let Some(s) = a.source {
            meta_tags.push(meta("ContentSource", s));
        }
        if !a.description.is_empty() {
            description = excerpt(a.description, 120);
        }
    }
    meta_tags.push(meta("Description", description.clone()));
    meta_tags.push(meta("Url", canonical.clone()));
    let (og_image, og_image_alt) = super::share_image::og_image(cx, rel);
    let og = vec![
        meta(
            "og:type",
            if article.is_some() {
                "article"
            } else {
                "website"
            },
        ),
        meta("og:title", title),
        meta("og:description", description.clone()),
        meta("og:url", canonical.clone()),
        meta("og:site_name", cfg.name.clone()),
        meta("og:locale", "zh_CN"),
        meta("og:image", og_image),
        meta("og:image:alt", og_image_alt),
    ];
    let qr_svg = super::qr::svg_for(&canonical);
    Chrome {
        title: title.to_string(),
        breadcrumb,
        meta: meta_tags,
        og,
        canonical,
        qr_svg,
        kind,
        description,
    }
}

/// Chrome of a site-wide page that sits directly under 政务公开 and is no article.
pub fn site_page(cx: &Cx, title: &str, kind: &'static str, rel: &str) -> Chrome {
    chrome(cx, title, crumbs(cx, None, title), kind, None, rel)
}

/// Adds a column's own metadata (ColumnName, ColumnType, …) to its chrome.
pub fn column_meta(chrome: &mut Chrome, column: &str, kind_name: &str) {
    chrome.meta.push(meta("ColumnName", column));
    chrome.meta.push(meta("ColumnType", "政策解读"));
    chrome.meta.push(meta(
        "ColumnDescription",
        format!("{column}栏目：各项政策的{kind_name}"),
    ));
    chrome
        .meta
        .push(meta("ColumnKeywords", format!("政策解读,{kind_name}")));
}
