//! A policy's status on every page of its bundle: the banner data (validity, date, the
//! policies replacing or amending it), the relations listed on the policy page, schema.org
//! `Legislation` JSON-LD, and a head description that does not present a repealed policy
//! as current.

use serde::Serialize;

use super::cx::{Cx, PolicyHead};
use crate::model::lifecycle::Validity;
use crate::model::urls;

/// Another policy as linked from a banner or the relations list.
#[derive(Debug, Serialize)]
pub struct PolicyRef<'a> {
    pub title: &'a str,
    pub href: String,
    pub doc_number: Option<&'a str>,
    pub validity: &'static str,
    /// The 新旧对照 of the two policies, where one revises the other.
    pub compare_href: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LifecycleView<'a> {
    pub validity: &'static str,
    pub validity_slug: &'static str,
    pub in_force: bool,
    pub date: Option<&'a str>,
    /// The banner's sentence, e.g. 本文件已于2023-12-30废止，仅供查阅。
    pub sentence: String,
    pub replaced_by: Vec<PolicyRef<'a>>,
    pub replaces: Vec<PolicyRef<'a>>,
    pub amends: Vec<PolicyRef<'a>>,
    pub amended_by: Vec<PolicyRef<'a>>,
    pub related: Vec<PolicyRef<'a>>,
    pub has_links: bool,
    /// schema.org Legislation, safe inside `<script>`: on the policy page, and on every page
    /// of a bundle no longer in force (each of those pages must not read as current; pages of
    /// a policy in force leave it out, which saves ~0.5 KB on each of a large portal's pages).
    pub json_ld: Option<String>,
}

/// The banner's sentence for a policy no longer (fully) in force; `None` when it is in force.
pub fn sentence(validity: Validity, date: Option<&str>) -> Option<String> {
    let when = date.map(|d| format!("于{d}")).unwrap_or_default();
    Some(match validity {
        Validity::Valid => return None,
        Validity::Expired => format!("本文件已{when}失效，仅供查阅。"),
        Validity::Repealed => format!("本文件已{when}废止，仅供查阅。"),
        Validity::Revised => format!("本文件已{when}修订，请以修订后的内容为准。"),
    })
}

/// Reads the policy and each policy it links to (their titles, 文号 and validity are shown).
pub fn view<'a>(cx: &Cx<'a>, p: PolicyHead<'a>, with_json_ld: bool) -> LifecycleView<'a> {
    let l = p.lifecycle;
    // `Some(true)`: the other policy revises this one; `Some(false)`: this one revises it.
    let refs = |slugs: &[String], revises: Option<bool>| -> Vec<PolicyRef<'a>> {
        slugs
            .iter()
            .filter_map(|s| cx.policy_index(s))
            .map(|oi| cx.policy(oi))
            .map(|o| PolicyRef {
                title: &o.meta.title,
                href: cx.urls().href(&urls::policy(o.slug)),
                doc_number: o.meta.doc_number.as_deref(),
                validity: o.lifecycle.validity.label(),
                compare_href: revises.map(|theirs| {
                    let (new, old) = if theirs {
                        (o.slug, p.slug)
                    } else {
                        (p.slug, o.slug)
                    };
                    cx.urls().href(&urls::compare(new, old))
                }),
            })
            .collect()
    };
    LifecycleView {
        validity: l.validity.label(),
        validity_slug: l.validity.slug(),
        in_force: l.validity.in_force(),
        date: l.date.as_deref(),
        sentence: sentence(l.validity, l.date.as_deref()).unwrap_or_default(),
        replaced_by: refs(&l.replaced_by, Some(true)),
        replaces: refs(&l.replaces, Some(false)),
        amends: refs(&l.amends, Some(false)),
        amended_by: refs(&l.amended_by, Some(true)),
        related: refs(&l.related, None),
        has_links: l.has_links(),
        json_ld: (with_json_ld || !l.validity.in_force()).then(|| json_ld(cx, p)),
    }
}

/// schema.org `Legislation` for the policy: 文号, dates, legal force and the policies it
/// changes (`legislationChanges`: amends or replaces), those it amends (`legislationAmends`)
/// and those it is changed by (`legislationChangedBy` is not in schema.org; the successor's
/// own page says it). Each linked policy carries its title, so a reader needs no second fetch.
fn json_ld(cx: &Cx, p: PolicyHead) -> String {
    let base = cx.config().base();
    let url = |slug: &str| format!("{base}{}", urls::policy(slug));
    let linked = |slugs: &mut dyn Iterator<Item = &String>| -> Vec<serde_json::Value> {
        slugs
            .map(|s| {
                let mut v = serde_json::json!({ "@type": "Legislation", "url": url(s) });
                if let Some(o) = cx.policy_index(s).map(|oi| cx.policy(oi)) {
                    v["name"] = o.meta.title.as_str().into();
                }
                v
            })
            .collect()
    };
    let l = &p.lifecycle;
    let mut doc = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Legislation",
        "name": p.meta.title,
        "url": url(p.slug),
        "legislationLegalForce": l.validity.legal_force(),
        "legislationPassedBy": { "@type": "GovernmentOrganization", "name": p.meta.issuer },
    });
    if let Some(n) = &p.meta.doc_number {
        doc["legislationIdentifier"] = n.as_str().into();
    }
    if let Some(d) = &p.meta.signed {
        doc["legislationDate"] = d.as_str().into();
    }
    if let Some(d) = &p.meta.published {
        doc["datePublished"] = d.replace(' ', "T").into();
    }
    if let Some(d) = &l.date {
        doc["dateModified"] = d.replace(' ', "T").into();
    }
    let changes = linked(&mut l.amends.iter().chain(&l.replaces));
    if !changes.is_empty() {
        doc["legislationChanges"] = changes.into();
    }
    let amends = linked(&mut l.amends.iter());
    if !amends.is_empty() {
        doc["legislationAmends"] = amends.into();
    }
    serde_json::to_string(&doc)
        .unwrap_or_default()
        .replace("</", "<\\/")
}

/// Adds the bundle's lifecycle to a page's context; for a policy no longer in force the head
/// description starts with its status, so that a shared link does not present it as current.
pub fn decorate(ctx: &mut tera::Context, cx: &Cx, pi: usize, is_policy_page: bool) {
    let p = cx.policy(pi);
    let view = view(cx, p, is_policy_page);
    if !view.in_force {
        if let Some(mut page) = ctx.get("page").cloned() {
            let status = view.validity.trim_start_matches('已');
            let prefix = format!("【已{status}】");
            for list in ["meta", "og"] {
                let Some(items) = page.get_mut(list).and_then(|v| v.as_array_mut()) else {
                    continue;
                };
                for m in items {
                    let is_description = matches!(
                        m.get("name").and_then(|n| n.as_str()),
                        Some("Description" | "og:description")
                    );
                    if let (true, Some(text)) =
                        (is_description, m.get("content").and_then(|c| c.as_str()))
                    {
                        m["content"] = format!("{prefix}{text}").into();
                    }
                }
            }
            if let Some(text) = page.get("description").and_then(|d| d.as_str()) {
                page["description"] = format!("{prefix}{text}").into();
            }
            ctx.insert("page", &page);
        }
    }
    ctx.insert("lifecycle", &view);
}
