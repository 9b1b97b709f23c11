//! The citizens' Q&A over the built example portal: structured data of question pages and
//! the Q&A index, and the links between questions and the clauses they rest on.

use crate::common;

use std::path::Path;

use jiedu::model::{urls, Kind, Site};

/// A built page, with the `/` that Tera escapes in attributes decoded again.
fn html(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel).join("index.html"))
        .unwrap_or_else(|e| panic!("/{rel}: {e}"))
        .replace("&#x2F;", "/")
}

/// The parsed JSON-LD blocks of a page.
fn json_ld(page: &str) -> Vec<serde_json::Value> {
    const OPEN: &str = "<script type=\"application/ld+json\">";
    page.match_indices(OPEN)
        .map(|(i, _)| {
            let rest = &page[i + OPEN.len()..];
            let end = rest.find("</script>").expect("script is closed");
            serde_json::from_str(&rest[..end])
                .unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{}", &rest[..end]))
        })
        .collect()
}

fn built() -> (tempfile::TempDir, Site, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (built, out) = common::build_site(&common::repo().join("content"), tmp.path(), false);
    (tmp, built.site, out)
}

#[test]
fn every_question_page_names_its_question_and_answer_in_json_ld() {
    let (_tmp, site, out) = built();
    let mut checked = 0;
    for p in &site.policies {
        for q in p.interpretations.iter().flat_map(|i| &i.questions) {
            let page = html(&out, &urls::question(&p.slug, &q.id));
            let docs = json_ld(&page);
            assert_eq!(docs.len(), 1, "{}: one JSON-LD block", q.id);
            let d = &docs[0];
            assert_eq!(d["@type"], "QAPage", "{}", q.id);
            assert_eq!(d["mainEntity"]["@type"], "Question");
            assert_eq!(d["mainEntity"]["name"], q.question.as_str());
            let answer = d["mainEntity"]["acceptedAnswer"]["text"].as_str().unwrap();
            assert!(!answer.is_empty(), "{}: empty answer", q.id);
            assert_eq!(answer, q.answer.plain, "{}", q.id);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} question pages");
}

#[test]
fn the_qa_index_is_grouped_by_topic_and_carries_faq_page_json_ld() {
    let (_tmp, site, out) = built();
    for p in &site.policies {
        for i in p.interpretations.iter().filter(|i| i.kind == Kind::Qa) {
            let page = html(&out, &urls::interpretation(&p.slug, i.kind));
            let docs = json_ld(&page);
            assert_eq!(docs.len(), 1);
            assert_eq!(docs[0]["@type"], "FAQPage");
            let entities = docs[0]["mainEntity"].as_array().unwrap();
            assert_eq!(entities.len(), i.questions.len());
            for (e, q) in entities.iter().zip(&i.questions) {
                assert_eq!(e["name"], q.question.as_str());
                assert_eq!(e["acceptedAnswer"]["text"], q.answer.plain.as_str());
                let own = format!("{}{}", site.config.base(), urls::question(&p.slug, &q.id));
                assert_eq!(e["url"], own.as_str());
            }
            // One heading per topic, in the order the topics first appear.
            let mut topics: Vec<&str> = Vec::new();
            for q in &i.questions {
                if !topics.contains(&q.topic.as_str()) {
                    topics.push(&q.topic);
                }
            }
            let positions: Vec<usize> = topics
                .iter()
                .map(|t| {
                    page.find(&format!("<h2>{t}</h2>"))
                        .unwrap_or_else(|| panic!("no topic heading {t}"))
                })
                .collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{topics:?}");
        }
    }
}

#[test]
fn questions_and_their_clauses_link_both_ways_with_the_clause_text_at_hand() {
    let (_tmp, site, out) = built();
    for p in &site.policies {
        for q in p.interpretations.iter().flat_map(|i| &i.questions) {
            let q_rel = urls::question(&p.slug, &q.id);
            let q_page = html(&out, &q_rel);
            assert!(!q.cites.is_empty(), "{} cites no clause", q.id);
            for c in &q.cites {
                let (_, node) = site.node(&c.key).unwrap();
                assert!(
                    q_page.contains(&format!("href=\"{}\"", c.href)),
                    "{} → {}",
                    q.id,
                    c.key
                );
                let first_paragraph = &node.paragraphs_html[0];
                assert!(
                    q_page.contains(first_paragraph.as_str()),
                    "{}: the text of {} is not on the question page",
                    q.id,
                    c.key
                );
                // A task clause has its own page; a part such as 一、指导思想 lives in the full text.
                let clause_page = if node.is_clause {
                    html(&out, &urls::clause(&p.slug, &node.slug))
                } else {
                    html(&out, &urls::policy(&p.slug))
                };
                let back = format!("href=\"{}\"", site.urls.href(&q_rel));
                assert!(clause_page.contains(&back), "{} ← {}", c.key, q.id);
            }
        }
    }
}
