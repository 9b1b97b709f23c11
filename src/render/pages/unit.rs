//! The unit index and one page per unit: the clauses it leads and those it is responsible for.

use super::{no_origin, one, At, PageKind};
use crate::model::{urls, Site};
use crate::render::chrome::{self, crumbs, wrap};
use crate::render::context::*;
use crate::render::cx::Cx;

pub const UNITS: PageKind = PageKind {
    name: "units",
    template: "units.html",
    in_sitemap: true,
    pages: one,
    url: |_, _| urls::units(),
    origin: no_origin,
    context: units,
};

/// One page per unit and part: a unit of a large site has tasks in hundreds of policies, so its
/// list is cut into parts of whole policies, about [`TASKS_PER_PART`] tasks each. A page a
/// citizen can read on a phone; and an edit to one policy makes only its part again.
pub const UNIT: PageKind = PageKind {
    name: "unit",
    template: "unit.html",
    in_sitemap: true,
    pages: |s: &Site| {
        let position: rustc_hash::FxHashMap<&str, usize> = s
            .policies
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.as_str(), i))
            .collect();
        (0..s.units.len())
            .flat_map(|ui| {
                let u = &s.units[ui];
                let parts = parts(&u.lead, &u.responsible, |slug| position.get(slug).copied());
                (0..parts.len().max(1)).map(move |part| [ui, part, 0])
            })
            .collect()
    },
    url: |s, at| urls::unit_part(&s.units[at[0]].slug, at[1]),
    origin: no_origin,
    context: unit,
};

/// About this many tasks make one part of a unit's list.
pub const TASKS_PER_PART: usize = 60;

/// The policy a clause key belongs to (a key is `slug:id`).
fn slug_of(key: &str) -> &str {
    key.split_once(':').map_or(key, |(slug, _)| slug)
}

/// The parts of a unit's list: each the slugs of consecutive policies (in site order) whose
/// tasks for the unit come to about [`TASKS_PER_PART`]; a policy is never split.
fn parts<'k>(
    lead: &'k [String],
    responsible: &'k [String],
    position: impl Fn(&str) -> Option<usize>,
) -> Vec<Vec<&'k str>> {
    let mut count: rustc_hash::FxHashMap<&str, usize> = Default::default();
    for k in lead.iter().chain(responsible) {
        *count.entry(slug_of(k)).or_default() += 1;
    }
    let mut slugs: Vec<(usize, &str)> = count
        .keys()
        .map(|s| (position(s).unwrap_or(usize::MAX), *s))
        .collect();
    slugs.sort_unstable();
    let mut parts: Vec<Vec<&str>> = Vec::new();
    let mut in_part = 0;
    for (_, slug) in slugs {
        if parts.is_empty() || in_part >= TASKS_PER_PART {
            parts.push(Vec::new());
            in_part = 0;
        }
        in_part += count[slug];
        if let Some(part) = parts.last_mut() {
            part.push(slug);
        }
    }
    parts
}

fn unit_clauses<'a>(
    cx: &Cx<'a>,
    keys: &'a [String],
    part: &rustc_hash::FxHashSet<&str>,
) -> Vec<UnitClause<'a>> {
    keys.iter()
        .filter(|k| part.contains(slug_of(k)))
        .filter_map(|k| cx.node(k))
        .map(|(pi, n)| {
            let p = cx.policy(pi);
            UnitClause {
                label: &n.short_label,
                heading: &n.heading,
                href: cx.urls().href(&urls::node(p.slug, n)),
                policy_title: &p.meta.title,
            }
        })
        .collect()
}

fn unit(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let u = cx.unit(at[0]);
    let parts = parts(&u.lead, &u.responsible, |slug| cx.policy_index(slug));
    let part = at[1];
    let title = match part {
        0 => u.name.clone(),
        n => format!("{}（第{}页）", u.name, n + 1),
    };
    let chrome = chrome::chrome(
        cx,
        &title,
        crumbs(cx, Some(("责任单位", urls::units())), &title),
        "page-unit",
        None,
        &urls::unit_part(&u.slug, part),
    );
    // A set: every part checks each of the unit's keys against its slugs, and a unit of a
    // large portal has thousands of keys and parts of dozens of policies.
    let slugs: rustc_hash::FxHashSet<&str> = parts
        .get(part)
        .map(|p| p.iter().copied().collect())
        .unwrap_or_default();
    let pager = super::pager(cx, &urls::unit(&u.slug), parts.len(), part);
    let data = UnitData {
        name: &u.name,
        feed_href: cx.urls().href(&urls::unit_feed(&u.slug)),
        lead_total: u.lead.len(),
        responsible_total: u.responsible.len(),
        lead: unit_clauses(cx, &u.lead, &slugs),
        responsible: unit_clauses(cx, &u.responsible, &slugs),
        pager,
    };
    wrap(cx, chrome, data)
}

fn units(cx: &Cx, _: At) -> Result<tera::Context, tera::Error> {
    let units = cx
        .units()
        .iter()
        .map(|u| UnitLink {
            name: &u.name,
            href: cx.urls().href(&urls::unit(&u.slug)),
            lead: u.lead.len(),
            responsible: u.responsible.len(),
        })
        .collect();
    let chrome = chrome::site_page(cx, "责任单位", "page-units", &urls::units());
    wrap(cx, chrome, UnitsData { units })
}
