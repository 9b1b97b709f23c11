//! The 文稿解读's expected parts: 起草背景/目的, 决策依据, 主要内容, 关键词解释, and 新旧政策差异
//! when the policy amends or replaces another. A part counts as present when a heading of the
//! text (a Markdown heading, a `一、` line, a bold line) names it.

use super::rules::WRITTEN_PARTS;
use super::source::SourceText;
use super::Finding;
use crate::model::{Kind, Policy, Site};

/// A part and the words by which a heading names it (the seed portal's headings first, then
/// what local 解读工作制度 call the same part).
pub struct Part {
    pub name: &'static str,
    pub words: &'static [&'static str],
}

pub static PARTS: [Part; 4] = [
    Part {
        name: "起草背景/目的",
        words: &["背景", "目的", "必要性", "意义"],
    },
    Part {
        name: "决策依据",
        words: &["依据"],
    },
    Part {
        name: "主要内容",
        words: &["主要内容", "主要措施", "重点任务", "主要任务", "核心内容"],
    },
    Part {
        name: "关键词解释",
        words: &["关键词", "名词解释", "术语", "词语解释"],
    },
];

pub static DIFFERENCES: Part = Part {
    name: "新旧政策差异",
    words: &[
        "新旧",
        "新老",
        "差异",
        "变化",
        "主要区别",
        "修订内容",
        "调整",
    ],
};

/// Whether the policy changes another one, so its 文稿解读 should say what changed.
pub fn changes_another(policy: &Policy) -> bool {
    !policy.lifecycle.amends.is_empty() || !policy.lifecycle.replaces.is_empty()
}

/// The heading lines of a text, with their line numbers.
pub fn headings(text: &SourceText) -> Vec<(usize, String)> {
    text.body_lines()
        .filter_map(|(n, l)| {
            let l = l.trim();
            let heading = l.starts_with('#')
                || (l.starts_with("**") && l.ends_with("**") && l.len() > 4)
                || l.split_once('、')
                    .is_some_and(|(num, _)| !num.is_empty() && num.chars().all(is_cn_digit))
                || (l.starts_with('（')
                    && l.split_once('）').is_some_and(|(num, _)| {
                        num.trim_start_matches('（').chars().all(is_cn_digit)
                    }));
            heading.then(|| (n, l.trim_start_matches('#').trim().to_string()))
        })
        .collect()
}

fn is_cn_digit(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

pub fn has_part(headings: &[(usize, String)], part: &Part) -> bool {
    headings
        .iter()
        .any(|(_, h)| part.words.iter().any(|w| h.contains(w)))
}

pub fn check(site: &Site) -> Vec<Finding> {
    let mut out = Vec::new();
    for policy in &site.policies {
        let changes = changes_another(policy);
        for interp in policy
            .interpretations
            .iter()
            .filter(|i| i.kind == Kind::Document)
        {
            let text = SourceText::read(&interp.source);
            let found = headings(&text);
            let expected = PARTS.iter().chain(changes.then_some(&DIFFERENCES));
            for part in expected.filter(|p| !has_part(&found, p)) {
                let why = if part.name == DIFFERENCES.name {
                    "（本政策修改或替代了另一文件）"
                } else {
                    ""
                };
                out.push(Finding::at(
                    WRITTEN_PARTS,
                    &interp.source,
                    text.body_line(),
                    format!("文稿解读缺少「{}」部分{why}", part.name),
                    format!(
                        "加一个小标题写明{}，如「## {}」；已有这部分内容但标题不同的，请在标题中用上其中的词：{}。",
                        part.name,
                        part.name.split('/').next().unwrap_or(part.name),
                        part.words.join("、")
                    ),
                ));
            }
        }
    }
    out
}
