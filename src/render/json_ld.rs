//! schema.org JSON-LD for the Q&A pages, safe to place inside `<script>`.

use crate::model::Question;

/// QAPage for one question's page.
pub fn question(q: &Question, url: &str, published: Option<&str>) -> String {
    let mut question = serde_json::json!({
        "@type": "Question",
        "name": q.question,
        "text": q.question,
        "answerCount": 1,
        "acceptedAnswer": { "@type": "Answer", "text": q.answer.plain, "url": url },
    });
    if let Some(p) = published {
        question["datePublished"] = serde_json::Value::String(p.replace(' ', "T"));
    }
    let doc = serde_json::json!({ "@context": "https://schema.org", "@type": "QAPage", "mainEntity": question });
    script_safe(&doc)
}

/// FAQPage for a Q&A index: every question with its answer and the URL of its own page.
pub fn faq(questions: &[Question], url: impl Fn(&Question) -> String) -> String {
    let entities: Vec<serde_json::Value> = questions
        .iter()
        .map(|q| {
            serde_json::json!({
                "@type": "Question",
                "name": q.question,
                "url": url(q),
                "acceptedAnswer": { "@type": "Answer", "text": q.answer.plain },
            })
        })
        .collect();
    let doc = serde_json::json!({ "@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities });
    script_safe(&doc)
}

/// JSON text that cannot close the `<script>` element it is placed in.
fn script_safe(doc: &serde_json::Value) -> String {
    serde_json::to_string(doc)
        .unwrap_or_default()
        .replace("</", "<\\/")
}
