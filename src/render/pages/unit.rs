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

pub const UNIT: PageKind = PageKind {
    name: "unit",
    template: "unit.html",
    in_sitemap: true,
    pages: |s: &Site| super::each(s.units.len()),
    url: |s, at| urls::unit(&s.units[at[0]].slug),
    origin: no_origin,
    context: unit,
};

fn unit_clauses<'a>(cx: &Cx<'a>, keys: &'a [String]) -> Vec<UnitClause<'a>> {
    keys.iter()
        .filter_map(|k| cx.node(k))
        .map(|(pi, n)| {
            let p = cx.policy(pi);
            UnitClause {
                label: &n.short_label,
                heading: &n.heading,
                href: cx.urls().href(&urls::node(&p.slug, n)),
                policy_title: &p.meta.title,
            }
        })
        .collect()
}

fn unit(cx: &Cx, at: At) -> Result<tera::Context, tera::Error> {
    let u = cx.unit(at[0]);
    let chrome = chrome::chrome(
        cx,
        &u.name,
        crumbs(cx, Some(("责任单位", urls::units())), &u.name),
        "page-unit",
        None,
        &urls::unit(&u.slug),
    );
    let data = UnitData {
        name: &u.name,
        lead: unit_clauses(cx, &u.lead),
        responsible: unit_clauses(cx, &u.responsible),
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
