//! The editors' summary per policy: which formats it has, how many Q&A and progress items,
//! how many clauses an interpretation cites and which none does — what to plan next.

use serde::Serialize;

use super::source::SourceText;
use super::written;
use crate::model::{Kind, Site};

#[derive(Debug, Clone, Serialize)]
pub struct PolicySummary {
    pub slug: String,
    pub title: String,
    pub doc_number: Option<String>,
    pub validity: &'static str,
    /// The formats it has, in the portal's order.
    pub formats: Vec<&'static str>,
    pub missing_formats: Vec<&'static str>,
    pub questions: usize,
    pub progress: usize,
    pub clauses: usize,
    /// Clauses cited by at least one interpretation or Q&A (progress items do not count).
    pub cited_clauses: usize,
    /// Clauses no interpretation cites, by their short label (`（一）1`).
    pub uncited: Vec<String>,
    /// Each expected part of the 文稿解读 and whether it is there (empty without one).
    pub document_parts: Vec<(&'static str, bool)>,
}

pub fn summarise(site: &Site) -> Vec<PolicySummary> {
    site.policies
        .iter()
        .map(|p| {
            let kinds: Vec<Kind> = p.interpretations.iter().map(|i| i.kind).collect();
            let clauses: Vec<_> = p.nodes.iter().filter(|n| n.is_clause).collect();
            let interpreted = |key: &str| {
                site.backlinks
                    .get(key)
                    .is_some_and(|ps| ps.iter().any(|x| x.source_kind != "落实进展"))
            };
            let uncited: Vec<String> = clauses
                .iter()
                .filter(|n| !interpreted(&n.key))
                .map(|n| n.short_label.clone())
                .collect();
            let document_parts = p
                .interpretations
                .iter()
                .find(|i| i.kind == Kind::Document)
                .map(|i| {
                    let found = written::headings(&SourceText::read(&i.source));
                    let changes = written::changes_another(p);
                    written::PARTS
                        .iter()
                        .chain(changes.then_some(&written::DIFFERENCES))
                        .map(|part| (part.name, written::has_part(&found, part)))
                        .collect()
                })
                .unwrap_or_default();
            PolicySummary {
                slug: p.slug.clone(),
                title: p.meta.title.clone(),
                doc_number: p.meta.doc_number.clone(),
                validity: p.lifecycle.validity.label(),
                formats: Kind::ALL
                    .iter()
                    .filter(|k| kinds.contains(k))
                    .map(|k| k.name())
                    .collect(),
                missing_formats: Kind::ALL
                    .iter()
                    .filter(|k| !kinds.contains(k))
                    .map(|k| k.name())
                    .collect(),
                questions: p.interpretations.iter().map(|i| i.questions.len()).sum(),
                progress: p.progress.len(),
                clauses: clauses.len(),
                cited_clauses: clauses.len() - uncited.len(),
                uncited,
                document_parts,
            }
        })
        .collect()
}
