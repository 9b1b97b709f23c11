//! What the search index holds: one record per passage a citizen may want to land on — a
//! clause page, a question page, a section of an interpretation, an infographic panel, a
//! progress item, a part of the policy full text — built from the model's plain text.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::markdown::RichText;
use crate::model::types::{ClauseLink, FlatNode, Interpretation, Policy};
use crate::model::{urls, Kind, Site};

/// The page type shown on a hit and offered as a filter (条款, 简明问答, 专家解读, …).
pub const CLAUSE: &str = "条款";
pub const POLICY_TEXT: &str = "政策原文";
pub const PROGRESS: &str = "落实进展";
pub const PAGE: &str = "网站页面";
pub const UNIT: &str = "责任单位";
pub const COMPARE: &str = "新旧对照";

/// Text is borrowed from the model where it is used as is: a large portal's records would
/// otherwise hold a second copy of all its text while the index is built.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    /// Site-relative URL (`yiliao-gaodi/qa/talent-housing/`), with the passage's anchor where
    /// the passage is part of a longer page (`yiliao-gaodi/progress/#jinzhan-…`).
    pub url: String,
    pub title: Cow<'a, str>,
    /// Where the passage is (the document it belongs to, a Q&A topic), shown under the
    /// title but not indexed, so a long document title does not match in every section.
    pub context: Option<Cow<'a, str>>,
    /// The page type: a format name (简明问答, 专家解读, …) or [`CLAUSE`], [`PROGRESS`], ….
    pub kind: &'static str,
    /// The passage's text (the title is indexed with it).
    pub text: Cow<'a, str>,
    /// Responsible units: the clause's own, or those of the clauses the passage cites.
    pub units: Vec<&'a str>,
    /// How much a match here counts: [`PRIMARY`] for the rule itself (a clause) and a
    /// citizen's question answered, [`SECONDARY`] for commentary, so that a question such as
    /// 购房补贴 lists the answer and the clause before the explanations around them.
    pub weight: f32,
    /// The validity of a policy no longer in force (废止, 失效, 已修订), shown on every hit of
    /// its bundle; `None` while it is in force.
    pub status: Option<&'static str>,
    /// The page lists passages that have pages of their own (a policy's full text, a Q&A
    /// list): the engine shows it only where none of those passages matched.
    pub listing: bool,
}

pub const PRIMARY: f32 = 2.0;
pub const SECONDARY: f32 = 1.0;
/// The whole policy text on its full-text page: it repeats every clause, so a match there
/// counts least, and the engine lists it only when no passage of its policy matched.
pub const WHOLE_TEXT: f32 = 0.5;

/// The page types the site's records have, in the order the search page offers them.
pub fn kinds(site: &Site) -> Vec<&'static str> {
    let mut kinds = vec![CLAUSE, POLICY_TEXT];
    for k in Kind::ALL {
        let present = site.policies.iter().any(|p| {
            p.interpretations
                .iter()
                .any(|i| i.kind == k || (k == Kind::Qa && !i.questions.is_empty()))
        });
        if present {
            kinds.push(k.name());
        }
    }
    if site.policies.iter().any(|p| !p.progress.is_empty()) {
        kinds.push(PROGRESS);
    }
    if site.pages.iter().any(|p| p.nav) {
        kinds.push(PAGE);
    }
    if !site.units.is_empty() {
        kinds.push(UNIT);
    }
    if !site.revisions.is_empty() {
        kinds.push(COMPARE);
    }
    kinds
}

/// Every record of the site, in page-map order.
pub fn records(site: &Site) -> Vec<Record<'_>> {
    // Each policy's records need nothing of another's: made side by side (on one thread this
    // was most of the search stage's serial time), then joined in policy order.
    let per_policy: Vec<Vec<Record>> = site
        .policies
        .par_iter()
        .map(|p| {
            let mut out = Vec::new();
            policy_records(site, p, &mut out);
            let validity = p.lifecycle.validity;
            if !validity.in_force() {
                for r in &mut out {
                    r.status = Some(validity.label());
                }
            }
            out
        })
        .collect();
    let mut out = Vec::with_capacity(per_policy.iter().map(Vec::len).sum::<usize>() + 1024);
    for records in per_policy {
        out.extend(records);
    }
    for r in &site.revisions {
        out.push(revision_record(site, r));
    }
    for unit in site.units.iter() {
        out.push(unit_record(site, unit));
    }
    // Pages kept out of the public navigation (the editors' guide) stay out of search too.
    for page in site.pages.iter().filter(|p| p.nav) {
        out.push(Record {
            url: urls::page(&page.slug),
            title: page.title.as_str().into(),
            context: None,
            kind: PAGE,
            text: page.body.plain.as_str().into(),
            units: Vec::new(),
            weight: SECONDARY,
            status: None,
            listing: false,
        });
    }
    out.retain(|r| !r.text.trim().is_empty() || !r.title.trim().is_empty());
    by_page(out)
}

/// A 新旧对照 page, found by what changed: the summary, each changed article's label and what
/// happened to it, and the editor's 修改说明 (the clause texts are the clauses' own records).
fn revision_record<'a>(site: &'a Site, r: &'a crate::model::revisions::Revision) -> Record<'a> {
    use crate::compare::{table::Table, Class};
    let title = site
        .policies
        .iter()
        .find(|p| p.slug == r.new)
        .map_or(String::new(), |p| format!("《{}》新旧对照表", p.meta.title));
    let mut text = vec![format!(
        "{}新旧对照，{}",
        r.relation,
        r.table.summary_line()
    )];
    for (row, note) in r.table.rows.iter().zip(&r.notes) {
        if row.class != Class::未变 {
            let label = row
                .new
                .as_ref()
                .or(row.old.as_ref())
                .map_or("", |a| a.label.as_str());
            text.push(format!("{label} {}", Table::note(row)));
        }
        text.extend(note.clone());
    }
    Record {
        url: urls::compare(&r.new, &r.old),
        title: title.into(),
        context: None,
        kind: COMPARE,
        text: text.join("\n").into(),
        units: Vec::new(),
        weight: SECONDARY,
        status: None,
        // Its text is the summary of changes and the 修改说明, found nowhere else.
        listing: false,
    }
}

/// The page a record's URL is on (without the passage's anchor).
pub fn page_of(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// The records with those of one page next to each other (pages in order of their first
/// record, passages in page order), so the engine can tell a page from its record ids alone
/// and show one result per page.
fn by_page(records: Vec<Record<'_>>) -> Vec<Record<'_>> {
    // Each record's page, as the position of the page's first record (pages keyed by borrowed
    // URLs: a copy of every URL was a third of this step).
    let pages: Vec<usize> = {
        let mut first: FxHashMap<&str, usize> = FxHashMap::default();
        records
            .iter()
            .enumerate()
            .map(|(i, r)| *first.entry(page_of(&r.url)).or_insert(i))
            .collect()
    };
    let mut keyed: Vec<(usize, Record)> = pages.into_iter().zip(records).collect();
    keyed.sort_by_key(|(page, _)| *page);
    keyed.into_iter().map(|(_, r)| r).collect()
}

fn policy_records<'a>(site: &'a Site, p: &'a Policy, out: &mut Vec<Record<'a>>) {
    let m = &p.meta;
    let about = [
        m.doc_number.as_deref(),
        Some(m.issuer.as_str()),
        m.addressee.as_deref(),
        m.topic.as_deref(),
    ];
    // The full-text page with all its text, so a sentence quoted from the policy finds the
    // policy; first among the policy's records, which is how the engine knows it.
    let whole = about
        .into_iter()
        .flatten()
        .chain(
            p.nodes
                .iter()
                .flat_map(|n| [n.heading.as_str(), n.plain.as_str()]),
        )
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    out.push(Record {
        url: urls::policy(&p.slug),
        title: m.title.as_str().into(),
        context: None,
        kind: POLICY_TEXT,
        text: whole.into(),
        units: Vec::new(),
        weight: WHOLE_TEXT,
        status: None,
        listing: true,
    });
    for n in &p.nodes {
        out.push(node_record(p, n));
    }
    for i in &p.interpretations {
        interpretation_records(site, p, i, out);
    }
    for item in &p.progress {
        out.push(Record {
            url: format!("{}#{}", urls::progress(&p.slug), item.anchor),
            title: item.title.as_str().into(),
            context: item.date.as_deref().map(Cow::from),
            kind: PROGRESS,
            text: item.body.plain.as_str().into(),
            units: cited_units(site, &item.cites),
            weight: SECONDARY,
            status: None,
            listing: false,
        });
    }
}

/// A clause is its own page; other nodes (一、指导思想) are found in the full text.
fn node_record<'a>(p: &'a Policy, n: &'a FlatNode) -> Record<'a> {
    let title = format!("{} {}", n.short_label, heading_or_lead(n))
        .trim()
        .to_string();
    let (url, kind, weight) = if n.is_clause {
        (urls::clause(&p.slug, &n.slug), CLAUSE, PRIMARY)
    } else {
        (
            format!("{}#{}", urls::policy(&p.slug), n.anchor),
            POLICY_TEXT,
            SECONDARY,
        )
    };
    Record {
        url,
        title: title.into(),
        context: Some(format!("《{}》", p.meta.title).into()),
        kind,
        text: n.plain.as_str().into(),
        units: n
            .lead_units
            .iter()
            .chain(&n.responsible_units)
            .map(|u| u.name.as_str())
            .collect(),
        weight,
        status: None,
        listing: false,
    }
}

/// Characters of a clause's opening that title a hit when the clause has no heading.
const LEAD_TITLE: usize = 24;

/// The node's heading or, where it has none (（四）1 opens straight into its text), the
/// opening of its text up to the first full stop or semicolon: a hit titled `17` or `（四）1`
/// tells a citizen nothing.
fn heading_or_lead(n: &FlatNode) -> String {
    if !n.heading.trim().is_empty() {
        return n.heading.trim().to_string();
    }
    let first = n
        .plain
        .split(['。', '；', '\n'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or("")
        .trim();
    let mut lead: String = first.chars().take(LEAD_TITLE).collect();
    if first.chars().count() > LEAD_TITLE {
        lead.push('…');
    }
    lead
}

/// A unit's page, found by the unit's name and the headings of the clauses it leads or shares.
fn unit_record<'a>(site: &'a Site, unit: &'a crate::model::types::Unit) -> Record<'a> {
    let clauses: Vec<String> = unit
        .lead
        .iter()
        .chain(&unit.responsible)
        .filter_map(|key| site.node(key))
        .map(|(_, n)| heading_or_lead(n))
        .collect();
    Record {
        url: urls::unit(&unit.slug),
        title: unit.name.as_str().into(),
        context: None,
        kind: UNIT,
        text: clauses.join("\n").into(),
        units: vec![unit.name.as_str()],
        weight: SECONDARY,
        status: None,
        listing: false,
    }
}

fn interpretation_records<'a>(
    site: &'a Site,
    p: &'a Policy,
    i: &'a Interpretation,
    out: &mut Vec<Record<'a>>,
) {
    let page = urls::interpretation(&p.slug, i.kind);
    let units = cited_units(site, &i.cites);
    let mut intro: Vec<&str> = Vec::new();
    intro.extend(i.summary.as_deref());
    if let Some(a) = &i.author {
        intro.push(&a.name);
        intro.extend(a.position.as_deref());
        intro.extend(a.bio.as_deref());
    }
    for (n, section) in sections(&i.body).into_iter().enumerate() {
        let mut text = section.text;
        if n == 0 && !intro.is_empty() {
            text = format!("{}\n{text}", intro.join("\n"));
        }
        let url = match &section.anchor {
            Some(anchor) => format!("{page}#{anchor}"),
            None => page.clone(),
        };
        let (title, context) = match section.heading {
            Some(heading) => (Cow::from(heading), Some(Cow::from(&i.title))),
            None => (Cow::from(&i.title), None),
        };
        out.push(Record {
            url,
            title,
            context,
            kind: i.kind.name(),
            text: text.into(),
            units: units.clone(),
            weight: SECONDARY,
            status: None,
            listing: false,
        });
    }
    for panel in &i.panels {
        let figure = [panel.figure.as_deref(), panel.unit.as_deref()]
            .into_iter()
            .flatten()
            .collect::<String>();
        out.push(Record {
            url: format!("{page}#{}", panel.anchor),
            title: panel.heading.as_str().into(),
            context: Some(i.title.as_str().into()),
            kind: i.kind.name(),
            text: format!("{figure}\n{}", panel.text)
                .trim()
                .to_string()
                .into(),
            units: cited_units(site, &panel.cites),
            weight: SECONDARY,
            status: None,
            listing: false,
        });
    }
    // The Q&A list page with every question and answer on it, so a sentence of an answer
    // finds the list; below the question's own page, which the engine shows instead.
    if !i.questions.is_empty() {
        let text = i
            .questions
            .iter()
            .flat_map(|q| [q.question.as_str(), q.answer.plain.as_str()])
            .collect::<Vec<_>>()
            .join("\n");
        out.push(Record {
            url: page.clone(),
            title: i.title.as_str().into(),
            context: None,
            kind: Kind::Qa.name(),
            text: text.into(),
            units: units.clone(),
            weight: WHOLE_TEXT,
            status: None,
            listing: true,
        });
    }
    for q in &i.questions {
        out.push(Record {
            url: urls::question(&p.slug, &q.id),
            title: q.question.as_str().into(),
            context: Some(q.topic.as_str().into()),
            kind: Kind::Qa.name(),
            text: q.answer.plain.as_str().into(),
            units: cited_units(site, &q.cites),
            weight: PRIMARY,
            status: None,
            listing: false,
        });
    }
}

/// The units responsible for the cited clauses, without repeats, in citation order.
fn cited_units<'a>(site: &'a Site, cites: &[ClauseLink]) -> Vec<&'a str> {
    let mut units: Vec<&str> = Vec::new();
    for (_, n) in cites.iter().filter_map(|c| site.node(&c.key)) {
        for u in n.lead_units.iter().chain(&n.responsible_units) {
            if !units.contains(&u.name.as_str()) {
                units.push(&u.name);
            }
        }
    }
    units
}

/// A part of a text between two headings; the first part has no heading.
#[derive(Debug, PartialEq, Eq)]
struct Section {
    /// The heading the part is under.
    heading: Option<String>,
    /// Where the part begins on the page: its heading's anchor, or that of its first paragraph.
    anchor: Option<String>,
    text: String,
}

/// A part longer than this is split at its paragraphs with anchors (those citing clauses), so
/// a hit in a long transcript lands on its paragraph rather than at the top of the page.
const LONG_SECTION: usize = 600;

/// Splits a text at its headings (levels 2 and 3), and long parts at their anchored
/// paragraphs, so a hit links to the passage it is in. `plain` holds one block per line and
/// each heading is a block of its own.
fn sections(body: &RichText) -> Vec<Section> {
    let mut parts = vec![Section {
        heading: None,
        anchor: None,
        text: String::new(),
    }];
    let mut headings = body.headings.iter().peekable();
    for line in body.plain.lines() {
        if let Some(h) = headings.next_if(|h| h.text.trim() == line.trim()) {
            parts.push(Section {
                heading: Some(h.text.clone()),
                anchor: Some(h.anchor.clone()),
                text: String::new(),
            });
            continue;
        }
        if let Some(current) = parts.last_mut() {
            if !current.text.is_empty() {
                current.text.push('\n');
            }
            current.text.push_str(line);
        }
    }
    parts.retain(|s| s.heading.is_some() || !s.text.trim().is_empty());
    parts
        .into_iter()
        .flat_map(|s| paragraphs(s, body))
        .collect()
}

/// A long section as passages, each beginning at an anchored paragraph (the first keeps the
/// section's own start); a short one as it is.
fn paragraphs(section: Section, body: &RichText) -> Vec<Section> {
    if section.text.chars().count() <= LONG_SECTION {
        return vec![section];
    }
    let anchor_of = |line: &str| {
        body.citing_blocks.iter().find_map(|b| {
            let start = b.excerpt.trim_end_matches('…');
            (!start.is_empty() && line.trim().starts_with(start)).then(|| b.anchor.clone())
        })
    };
    let mut out = vec![Section {
        heading: section.heading.clone(),
        anchor: section.anchor,
        text: String::new(),
    }];
    for line in section.text.lines() {
        let started = out.last().is_some_and(|s| !s.text.is_empty());
        if let Some(anchor) = anchor_of(line).filter(|_| started) {
            out.push(Section {
                heading: section.heading.clone(),
                anchor: Some(anchor),
                text: String::new(),
            });
        }
        if let Some(current) = out.last_mut() {
            if !current.text.is_empty() {
                current.text.push('\n');
            }
            current.text.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Heading;

    #[test]
    fn sections_follow_headings_and_keep_their_anchors() {
        let body = RichText {
            plain: "导语。\n一、背景\n背景正文。\n二、要点\n要点一。\n要点二。".into(),
            headings: vec![
                Heading {
                    level: 2,
                    text: "一、背景".into(),
                    anchor: "一背景".into(),
                },
                Heading {
                    level: 2,
                    text: "二、要点".into(),
                    anchor: "二要点".into(),
                },
            ],
            ..RichText::default()
        };
        let s = sections(&body);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].heading, None);
        assert_eq!(s[0].text, "导语。");
        assert_eq!(s[2].heading.as_deref(), Some("二、要点"));
        assert_eq!(s[2].anchor.as_deref(), Some("二要点"));
        assert_eq!(s[2].text, "要点一。\n要点二。");
    }

    #[test]
    fn long_sections_split_at_their_anchored_paragraphs() {
        let first = "开头。".repeat(200);
        let cited = "第二段引用条款。".repeat(10);
        let body = RichText {
            plain: format!("{first}\n{cited}\n第三段。"),
            citing_blocks: vec![crate::markdown::CitingBlock {
                anchor: "duan-2".into(),
                excerpt: format!("{}…", cited.chars().take(20).collect::<String>()),
                targets: vec!["p:1".into()],
            }],
            ..RichText::default()
        };
        let s = sections(&body);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            (s[0].anchor.as_deref(), s[0].text.as_str()),
            (None, first.as_str())
        );
        assert_eq!(s[1].anchor.as_deref(), Some("duan-2"));
        assert_eq!(s[1].text, format!("{cited}\n第三段。"));
        let short = RichText {
            plain: format!("短。\n{cited}"),
            ..body
        };
        assert_eq!(sections(&short).len(), 1);
    }
}
