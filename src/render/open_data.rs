//! Open data: `data/policies.json` (every policy: metadata, lifecycle, links) and
//! `data/<slug>.json` (a policy's outline with clause ids, labels as written, units and their
//! roles, deadlines, targets, the passages and progress items citing each clause, its
//! revisions), with the JSON Schemas describing them under `data/schema/`. The records are
//! borrowed views of the model, serialised with serde, so the data says what the pages say.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::revision::row_anchor;
use super::OutFile;
use crate::model::lifecycle::Lifecycle;
use crate::model::types::{FlatNode, Policy, Site};
use crate::model::urls;

/// The version of the data format, in the schema file names; a change that a consumer could
/// trip over (a field removed, renamed or retyped) takes the next number.
pub const VERSION: u32 = 1;

/// Path of the schema of `data/policies.json`.
pub fn policies_schema() -> String {
    format!("data/schema/policies-v{VERSION}.json")
}

/// Path of the schema of `data/<slug>.json`.
pub fn policy_schema() -> String {
    format!("data/schema/policy-v{VERSION}.json")
}

/// Path of the list of every policy.
pub const POLICIES: &str = "data/policies.json";

const POLICIES_SCHEMA: &str = include_str!("open_data/policies.schema.json");
const POLICY_SCHEMA: &str = include_str!("open_data/policy.schema.json");

/// Every open data file: path and content. With the previous render of `jiedu serve`, a policy
/// whose data cannot have changed (the same policy, the same passages citing its clauses, the
/// same revisions, the same site settings) keeps its file: an edit makes one file again, not
/// hundreds.
pub fn files(
    site: &Site,
    previous: Option<(&Site, &FxHashMap<String, Arc<OutFile>>)>,
) -> Vec<(String, Arc<OutFile>)> {
    let same_config = previous.filter(|(old, _)| old.config == site.config);
    let old_policies: FxHashMap<&str, &Arc<Policy>> = same_config
        .map(|(old, _)| old.policies.iter().map(|p| (p.slug.as_str(), p)).collect())
        .unwrap_or_default();
    let bytes = |text: String| Arc::new(OutFile::Bytes(text.into_bytes()));
    let mut out: Vec<(String, Arc<OutFile>)> = site
        .policies
        .par_iter()
        .map(|p| {
            let path = urls::policy_data(&p.slug);
            let kept = same_config.and_then(|(old_site, old_files)| {
                let old = old_policies.get(p.slug.as_str())?;
                unchanged(old_site, old, site, p).then(|| old_files.get(&path).cloned())?
            });
            let file = kept.unwrap_or_else(|| bytes(to_json(&policy_record(site, p))));
            (path, file)
        })
        .collect();
    out.extend(site_wide(site));
    out
}

/// The files that are not one policy's: the list of every policy and the two schemas.
fn site_wide(site: &Site) -> [(String, Arc<OutFile>); 3] {
    let bytes = |text: String| Arc::new(OutFile::Bytes(text.into_bytes()));
    [
        (POLICIES.to_string(), bytes(to_json(&policies_record(site)))),
        (policies_schema(), bytes(POLICIES_SCHEMA.to_string())),
        (policy_schema(), bytes(POLICY_SCHEMA.to_string())),
    ]
}

/// What a build recorded of each policy's data file (`data/<slug>.json` → the key of what it
/// was made from, [`inputs_key`], and its length), so that the next build keeps the file of a
/// policy whose key reads the same from the output it replaces instead of making it again.
pub type DataRecord = FxHashMap<String, (u64, u64)>;

/// The data files of a build: those made now, those kept from the previous output (path there),
/// and the record of every policy's data file for the next build.
#[derive(Default)]
pub struct Built {
    pub made: Vec<(String, Arc<OutFile>)>,
    pub kept: Vec<(String, std::path::PathBuf)>,
    pub record: DataRecord,
}

/// [`files`] for `jiedu build`: a policy's data file whose [`inputs_key`] is the one `previous`
/// (the previous build's record and the output it wrote) holds, and whose file there still has
/// the recorded length, is kept from there rather than made again.
pub fn files_recorded(site: &Site, previous: Option<(&DataRecord, &std::path::Path)>) -> Built {
    let config = crate::model::debug_digest(&site.config);
    // Each policy's file: made now (its bytes) or kept from the previous output (its path
    // there), with its key and length for the record.
    type One = (String, u64, u64, Result<Vec<u8>, std::path::PathBuf>);
    let each: Vec<One> = site
        .policies
        .par_iter()
        .map(|p| {
            let path = urls::policy_data(&p.slug);
            let key = inputs_key(site, p, config);
            let kept = previous.and_then(|(record, dir)| {
                let &(_, len) = record.get(&path).filter(|(k, _)| *k == key)?;
                let file = dir.join(&path);
                std::fs::symlink_metadata(&file)
                    .is_ok_and(|m| m.is_file() && m.len() == len)
                    .then_some((file, len))
            });
            match kept {
                Some((old, len)) => (path, key, len, Err(old)),
                None => {
                    let bytes = to_json(&policy_record(site, p)).into_bytes();
                    (path, key, bytes.len() as u64, Ok(bytes))
                }
            }
        })
        .collect();
    let mut built = Built::default();
    for (path, key, len, file) in each {
        built.record.insert(path.clone(), (key, len));
        match file {
            Ok(bytes) => built.made.push((path, Arc::new(OutFile::Bytes(bytes)))),
            Err(old) => built.kept.push((path, old)),
        }
    }
    built.made.extend(site_wide(site));
    built
}

/// Everything `data/<slug>.json` of policy `p` is made of, as one number: the policy's inputs
/// ([`crate::model::Policy::input_digest`], which covers all its model but its lifecycle), its
/// lifecycle, the config (`config`, its digest: the URLs and anything else the model read),
/// the passages citing each of its nodes and the revisions it is part of — what
/// [`policy_record`] reads, and what [`unchanged`] compares in `jiedu serve`.
fn inputs_key(site: &Site, p: &Policy, config: u64) -> u64 {
    use crate::model::{debug_digest, hash_digest};
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&VERSION.to_le_bytes());
    h.update(&config.to_le_bytes());
    h.update(&p.input_digest.to_le_bytes());
    h.update(&hash_digest(&p.lifecycle).to_le_bytes());
    for n in &p.nodes {
        h.update(&hash_digest(&(&n.key, site.backlinks.get(&n.key))).to_le_bytes());
    }
    let revisions: Vec<_> = site
        .revisions
        .iter()
        .filter(|r| r.involves(&p.slug))
        .collect();
    h.update(&debug_digest(&revisions).to_le_bytes());
    h.digest()
}

/// Whether policy `p` of `site` has the data its previous version `old` of `old_site` had: the
/// record is made of the policy (the same one when unedited: `serve` keeps its `Arc`), the
/// passages citing its nodes and the revisions it is in.
fn unchanged<'a>(old_site: &'a Site, old: &Arc<Policy>, site: &'a Site, p: &Arc<Policy>) -> bool {
    let revisions = |s: &'a Site| s.revisions.iter().filter(|r| r.involves(&p.slug));
    Arc::ptr_eq(old, p)
        && (Arc::ptr_eq(&old_site.backlinks, &site.backlinks)
            || p.nodes
                .iter()
                .all(|n| old_site.backlinks.get(&n.key) == site.backlinks.get(&n.key)))
        && revisions(old_site).eq(revisions(site))
}

/// Compact JSON: the files are downloads, not pages, and a large portal's list stays small.
fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs (string keys, no maps with other keys) cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

#[derive(Serialize)]
struct PoliciesFile<'a> {
    schema: String,
    version: u32,
    site: &'a str,
    publisher: &'a str,
    /// Absolute base of the site, that the `url` fields (site paths) are resolved against.
    base_url: String,
    policies: Vec<PolicySummary<'a>>,
}

#[derive(Serialize)]
struct PolicySummary<'a> {
    slug: &'a str,
    #[serde(flatten)]
    meta: Meta<'a>,
    lifecycle: LifecycleRecord<'a>,
    clauses: usize,
    url: String,
    data: String,
}

#[derive(Serialize)]
struct Meta<'a> {
    title: &'a str,
    doc_number: Option<&'a str>,
    issuer: &'a str,
    addressee: Option<&'a str>,
    signed: Option<&'a str>,
    published: Option<&'a str>,
    index_number: Option<&'a str>,
    topic: Option<&'a str>,
    /// 有效 / 失效 / 废止 / 已修订, as the metadata table shows it.
    validity: &'static str,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct LifecycleRecord<'a> {
    date: Option<&'a str>,
    replaced_by: &'a [String],
    replaces: &'a [String],
    amends: &'a [String],
    amended_by: &'a [String],
    related: &'a [String],
}

#[derive(Serialize)]
struct PolicyFile<'a> {
    schema: String,
    version: u32,
    slug: &'a str,
    url: String,
    #[serde(flatten)]
    meta: Meta<'a>,
    lifecycle: LifecycleRecord<'a>,
    nodes: Vec<NodeRecord<'a>>,
    interpretations: Vec<InterpretationRecord<'a>>,
    progress: Vec<ProgressRecord<'a>>,
    revisions: Vec<RevisionRecord<'a>>,
}

#[derive(Serialize)]
struct NodeRecord<'a> {
    id: &'a str,
    /// The label as written (`（三）`, `1.`, `第五条`).
    label: &'a str,
    /// The label that names the node inside its policy (`（三）1`).
    short_label: &'a str,
    heading: &'a str,
    depth: usize,
    /// Id of the node above, if any.
    parent: Option<&'a str>,
    /// A task clause (it has a page of its own).
    clause: bool,
    url: String,
    text: &'a str,
    deadline: Option<Labelled<'a>>,
    milestones: Vec<Labelled<'a>>,
    units: Vec<UnitGroupRecord<'a>>,
    passages: Vec<PassageRecord<'a>>,
    progress: Vec<PassageRecord<'a>>,
}

/// A deadline or target: the kind or column label, and the text.
#[derive(Serialize)]
struct Labelled<'a> {
    label: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct UnitGroupRecord<'a> {
    /// The role word as written (`牵头单位`, `配合部门`).
    label: &'a str,
    /// `lead`, `responsible` or `guide`.
    role: &'a str,
    units: Vec<UnitRecord<'a>>,
}

#[derive(Serialize)]
struct UnitRecord<'a> {
    name: &'a str,
    /// The unit's page; guiding units have none.
    url: Option<String>,
}

#[derive(Serialize)]
struct PassageRecord<'a> {
    kind: &'a str,
    title: &'a str,
    excerpt: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct InterpretationRecord<'a> {
    kind: &'static str,
    kind_name: &'static str,
    title: &'a str,
    url: String,
    published: Option<&'a str>,
    publisher: Option<&'a str>,
    summary: Option<&'a str>,
    cites: Vec<&'a str>,
    questions: Vec<QuestionRecord<'a>>,
    /// The panels of a 一图读懂, each with the clauses it cites.
    panels: Vec<PanelRecord<'a>>,
}

#[derive(Serialize)]
struct PanelRecord<'a> {
    heading: &'a str,
    figure: Option<&'a str>,
    unit: Option<&'a str>,
    text: &'a str,
    url: String,
    cites: Vec<&'a str>,
}

#[derive(Serialize)]
struct QuestionRecord<'a> {
    number: usize,
    question: &'a str,
    topic: &'a str,
    url: String,
    cites: Vec<&'a str>,
}

#[derive(Serialize)]
struct ProgressRecord<'a> {
    title: &'a str,
    date: Option<&'a str>,
    source: Option<&'a str>,
    url: String,
    cites: Vec<&'a str>,
}

#[derive(Serialize)]
struct RevisionRecord<'a> {
    old: &'a str,
    new: &'a str,
    /// 修订 or 替代.
    relation: &'a str,
    url: String,
    rows: Vec<RowRecord<'a>>,
}

#[derive(Serialize)]
struct RowRecord<'a> {
    /// 未变 / 修改 / 新增 / 删除 / 移动.
    class: &'static str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    note: Option<&'a str>,
    url: String,
}

fn meta(p: &Policy) -> Meta<'_> {
    let m = &p.meta;
    Meta {
        title: &m.title,
        doc_number: m.doc_number.as_deref(),
        issuer: &m.issuer,
        addressee: m.addressee.as_deref(),
        signed: m.signed.as_deref(),
        published: m.published.as_deref(),
        index_number: m.index_number.as_deref(),
        topic: m.topic.as_deref(),
        validity: p.lifecycle.validity.label(),
        note: m.note.as_deref(),
    }
}

fn lifecycle(l: &Lifecycle) -> LifecycleRecord<'_> {
    LifecycleRecord {
        date: l.date.as_deref(),
        replaced_by: &l.replaced_by,
        replaces: &l.replaces,
        amends: &l.amends,
        amended_by: &l.amended_by,
        related: &l.related,
    }
}

fn policies_record(site: &Site) -> PoliciesFile<'_> {
    let href = |rel: &str| site.urls.href(rel);
    PoliciesFile {
        schema: href(&policies_schema()),
        version: VERSION,
        site: &site.config.name,
        publisher: &site.config.publisher,
        base_url: site.config.base(),
        policies: site
            .policies
            .iter()
            .map(|p| PolicySummary {
                slug: &p.slug,
                meta: meta(p),
                lifecycle: lifecycle(&p.lifecycle),
                clauses: p.nodes.iter().filter(|n| n.is_clause).count(),
                url: href(&urls::policy(&p.slug)),
                data: href(&urls::policy_data(&p.slug)),
            })
            .collect(),
    }
}

/// Clause keys (`slug:id`) as the data of policy `slug` names them: its own clauses by id (as
/// `nodes[].id`), another policy's by the whole key, so a consumer never takes one for the other.
fn ids<'a>(slug: &str, keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    keys.map(|k| match k.split_once(':') {
        Some((s, id)) if s == slug => id,
        _ => k,
    })
    .collect()
}

fn node_record<'a>(site: &'a Site, p: &'a Policy, n: &'a FlatNode) -> NodeRecord<'a> {
    let href = |rel: &str| site.urls.href(rel);
    let (progress, passages): (Vec<_>, Vec<_>) = site
        .backlinks
        .get(&n.key)
        .map(|v| v.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|x| PassageRecord {
            kind: &x.source_kind,
            title: &x.title,
            excerpt: &x.excerpt,
            url: &x.href,
        })
        .partition(|x| x.kind == "落实进展");
    NodeRecord {
        id: &n.id,
        label: &n.label,
        short_label: &n.short_label,
        heading: &n.heading,
        depth: n.depth,
        parent: ids(&p.slug, n.ancestors.last().map(String::as_str).into_iter())
            .into_iter()
            .next(),
        clause: n.is_clause,
        url: href(&urls::node(&p.slug, n)),
        text: &n.plain,
        deadline: n.deadline.as_ref().map(|d| Labelled {
            label: &d.label,
            text: &d.text,
        }),
        milestones: n
            .milestones
            .iter()
            .map(|m| Labelled {
                label: if m.kind == "deadline" {
                    "时间节点"
                } else {
                    "量化目标"
                },
                text: &m.text,
            })
            .collect(),
        units: n
            .unit_groups
            .iter()
            .map(|g| UnitGroupRecord {
                label: &g.label,
                role: g.role,
                units: g
                    .units
                    .iter()
                    .map(|u| UnitRecord {
                        name: &u.name,
                        url: (g.role != "guide").then(|| href(&urls::unit(&u.slug))),
                    })
                    .collect(),
            })
            .collect(),
        passages,
        progress,
    }
}

fn policy_record<'a>(site: &'a Site, p: &'a Policy) -> PolicyFile<'a> {
    let href = |rel: &str| site.urls.href(rel);
    let interpretations = p
        .interpretations
        .iter()
        .map(|i| InterpretationRecord {
            kind: i.kind.slug(),
            kind_name: i.kind.name(),
            title: &i.title,
            url: href(&urls::interpretation(&p.slug, i.kind)),
            published: i.published.as_deref(),
            publisher: i.publisher.as_deref(),
            summary: i.summary.as_deref(),
            cites: ids(&p.slug, i.cites.iter().map(|c| c.key.as_str())),
            questions: i
                .questions
                .iter()
                .map(|q| QuestionRecord {
                    number: q.number,
                    question: &q.question,
                    topic: &q.topic,
                    url: href(&urls::question(&p.slug, &q.id)),
                    cites: ids(&p.slug, q.cites.iter().map(|c| c.key.as_str())),
                })
                .collect(),
            panels: i
                .panels
                .iter()
                .map(|panel| PanelRecord {
                    heading: &panel.heading,
                    figure: panel.figure.as_deref(),
                    unit: panel.unit.as_deref(),
                    text: &panel.text,
                    url: format!(
                        "{}#{}",
                        href(&urls::interpretation(&p.slug, i.kind)),
                        panel.anchor
                    ),
                    cites: ids(&p.slug, panel.cites.iter().map(|c| c.key.as_str())),
                })
                .collect(),
        })
        .collect();
    let progress = p
        .progress
        .iter()
        .map(|x| ProgressRecord {
            title: &x.title,
            date: x.date.as_deref(),
            source: x.source.as_deref(),
            url: format!("{}#{}", href(&urls::progress(&p.slug)), x.anchor),
            cites: ids(&p.slug, x.cites.iter().map(|c| c.key.as_str())),
        })
        .collect();
    let revisions = site
        .revisions
        .iter()
        .filter(|r| r.involves(&p.slug))
        .map(|r| {
            let page = href(&urls::compare(&r.new, &r.old));
            RevisionRecord {
                old: &r.old,
                new: &r.new,
                relation: r.relation,
                url: page.clone(),
                rows: r
                    .table
                    .rows
                    .iter()
                    .zip(&r.notes)
                    .map(|(row, note)| RowRecord {
                        class: row.class.name(),
                        old: row.old.as_ref().map(|a| a.id.as_str()),
                        new: row.new.as_ref().map(|a| a.id.as_str()),
                        note: note.as_deref(),
                        url: format!("{page}#{}", row_anchor(row)),
                    })
                    .collect(),
            }
        })
        .collect();
    PolicyFile {
        schema: href(&policy_schema()),
        version: VERSION,
        slug: &p.slug,
        url: href(&urls::policy(&p.slug)),
        meta: meta(p),
        lifecycle: lifecycle(&p.lifecycle),
        nodes: p.nodes.iter().map(|n| node_record(site, p, n)).collect(),
        interpretations,
        progress,
        revisions,
    }
}
