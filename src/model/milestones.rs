//! Deadlines and measurable targets in a clause's text (到2025年年底…, 25%以上…), shown on the
//! clause page so a reader sees at a glance what is due when.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// `deadline` for a sentence naming a year, `target` for one with a quantity.
    pub kind: &'static str,
    pub text: String,
}

const MEASURES: [char; 12] = [
    '个', '%', '％', '家', '所', '名', '元', '项', '处', '支', '人', '倍',
];

fn has_year(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars
        .windows(5)
        .any(|w| w[..4].iter().all(|c| c.is_ascii_digit()) && w[4] == '年')
}

fn has_quantity(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars
        .windows(2)
        .any(|w| w[0].is_ascii_digit() && MEASURES.contains(&w[1]))
        || chars.windows(3).any(|w| {
            w[0].is_ascii_digit() && (w[1] == '万' || w[1] == '亿') && MEASURES.contains(&w[2])
        })
}

/// Sentences (split at 。；) that carry a year or a quantity, in text order.
pub fn extract(text: &str) -> Vec<Milestone> {
    text.split(['。', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .filter_map(|s| {
            let kind = if has_year(s) {
                "deadline"
            } else if has_quantity(s) {
                "target"
            } else {
                return None;
            };
            Some(Milestone {
                kind,
                text: format!("{s}。"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_deadlines_and_targets() {
        let m = extract("加强规范化建设，到2025年年底，全部达到国家基本标准，25%以上达到国家推荐标准。各县至少建成1家社区医院。健全临床科室设置。");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].kind, "deadline");
        assert!(m[0].text.starts_with("加强规范化建设"));
        assert_eq!(m[1].kind, "target");
        assert_eq!(m[1].text, "各县至少建成1家社区医院。");
    }

    #[test]
    fn money_and_plain_text() {
        assert_eq!(extract("给予50万元一次性购房补贴")[0].kind, "target");
        assert!(extract("坚持中西医并重，大力发展中医药事业").is_empty());
    }
}
