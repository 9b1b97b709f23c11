//! Removes what page layout left in extracted text: page numbers (`- 3 -`, `第 3 页 共 9 页`)
//! and running headers repeated on every page. Each removal is recorded for the report.

use std::collections::HashMap;

use crate::clause::{numbering, units};

use super::repair::ends_sentence;
use super::source::{LineKind, SourceLine};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub line: usize,
    pub text: String,
    pub reason: &'static str,
}

/// A line seen this many times (and short, not a sentence) is a running header.
const HEADER_REPEATS: usize = 3;
const HEADER_MAX_CHARS: usize = 40;
/// The first occurrence of a repeated line among the first lines is the real title: keep it.
const TITLE_AREA_LINES: usize = 6;

/// Blanks out page numbers and running headers in place (they become page boundaries).
pub fn remove_noise(lines: &mut [SourceLine]) -> Vec<Dropped> {
    let mut dropped = site_footer(lines);
    for l in lines.iter_mut() {
        if l.kind == LineKind::Text && is_page_number(&l.text) {
            dropped.push(Dropped {
                line: l.line,
                text: std::mem::take(&mut l.text),
                reason: "页码",
            });
            l.kind = LineKind::Blank;
        }
    }

    let mut counts: HashMap<String, usize> = HashMap::new();
    for l in lines.iter().filter(|l| could_be_header(l)) {
        *counts.entry(l.text.clone()).or_default() += 1;
    }
    let table_headers = task_table_headers(lines);
    let mut seen_nonblank = 0;
    let mut kept_title: Vec<String> = Vec::new();
    for (i, l) in lines.iter_mut().enumerate() {
        if l.is_blank() {
            continue;
        }
        seen_nonblank += 1;
        if !could_be_header(l)
            || counts.get(&l.text).copied().unwrap_or(0) < HEADER_REPEATS
            || table_headers.contains(&i)
        {
            continue;
        }
        if seen_nonblank <= TITLE_AREA_LINES && !kept_title.contains(&l.text) {
            kept_title.push(l.text.clone());
            continue;
        }
        dropped.push(Dropped {
            line: l.line,
            text: std::mem::take(&mut l.text),
            reason: "重复的页眉",
        });
        l.kind = LineKind::Blank;
    }
    dropped.sort_by_key(|d| d.line);
    dropped
}

/// Lines of a flattened task table's header (`序号` / `工作任务` / `牵头单位` …, one cell a line),
/// which a table spanning pages repeats on every page: the table's own header, read by the
/// table reader, never page furniture. Returns their indexes.
fn task_table_headers(lines: &[SourceLine]) -> std::collections::HashSet<usize> {
    use crate::clause::task_table::{self, HEADER_CELL_MAX_CHARS};
    let is_cell = |l: &SourceLine| {
        l.kind == LineKind::Text
            && (2..=HEADER_CELL_MAX_CHARS).contains(&l.text.chars().count())
            && !l
                .text
                .chars()
                .any(|c| c.is_ascii_digit() || "，。、：；（）".contains(c))
    };
    let mut out = std::collections::HashSet::new();
    let mut i = 0;
    while i < lines.len() {
        // A run of cells, blank lines between them allowed.
        let mut run: Vec<usize> = Vec::new();
        let mut j = i;
        while j < lines.len() && (lines[j].is_blank() || is_cell(&lines[j])) {
            if !lines[j].is_blank() {
                run.push(j);
            }
            j += 1;
        }
        let header: Vec<String> = run.iter().map(|&k| lines[k].text.clone()).collect();
        if run.len() >= 3 && task_table::is_task_header(&header) {
            out.extend(run);
        }
        i = j.max(i + 1);
    }
    out
}

/// Marks of a government website's footer, which 政府网站发展指引 requires on every page:
/// the site code (网站标识码), the ICP record and the public-security record.
const FOOTER_MARKS: [&str; 3] = ["网站标识码", "ICP备", "公网安备"];
/// The fields and links of such a footer (`主办单位：…`, `联系电话：…`, `法律声明`).
const FOOTER_FIELDS: [&str; 16] = [
    "主办",
    "承办",
    "协办",
    "技术支持",
    "运维",
    "联系电话",
    "电话",
    "地址",
    "邮编",
    "信箱",
    "邮箱",
    "版权所有",
    "联系我们",
    "关于我们",
    "法律声明",
    "网站地图",
];
/// How many lines a footer spans at most, marks and fields together.
const FOOTER_MAX_LINES: usize = 16;

/// A web page's footer copied with its text (`主办单位：四川省发展和改革委员会` / `联系电话：…` /
/// `网站标识码：…` / `蜀ICP备…`): site furniture, not the policy's. Left in, its `主办单位：` reads
/// as a unit note of the last clause. The footer is the run of short field lines around the first
/// mark in the last lines of the text; everything from its first field to the end is dropped.
fn site_footer(lines: &mut [SourceLine]) -> Vec<Dropped> {
    let text: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_blank()).collect();
    let tail_start = text.len().saturating_sub(FOOTER_MAX_LINES);
    let Some(mark) = text[tail_start..]
        .iter()
        .position(|&i| FOOTER_MARKS.iter().any(|m| lines[i].text.contains(m)))
        .map(|k| tail_start + k)
    else {
        return Vec::new();
    };
    // A footer's lines are short and hold no sentence (`（蜀ICP备…）` ends in a bracket).
    let short = |i: usize| {
        lines[i].text.chars().count() <= HEADER_MAX_CHARS
            && !lines[i].text.contains(['。', '；', '！', '？'])
    };
    // Everything after the mark is the footer's too, as long as none of it is a sentence.
    if !text[mark..].iter().all(|&i| short(i)) {
        return Vec::new();
    }
    let mut start = mark;
    while start > 0 {
        let i = text[start - 1];
        let field =
            FOOTER_FIELDS.iter().any(|f| lines[i].text.contains(f)) || lines[i].text.trim() == "|";
        if !(field && short(i)) || mark - (start - 1) > FOOTER_MAX_LINES {
            break;
        }
        start -= 1;
    }
    let mut dropped = Vec::new();
    for &i in &text[start..] {
        let l = &mut lines[i];
        dropped.push(Dropped {
            line: l.line,
            text: std::mem::take(&mut l.text),
            reason: "网站页脚",
        });
        l.kind = LineKind::Blank;
    }
    dropped
}

/// A short line that could be a header: not a sentence end, not a numbered item, and not the
/// tail of a wrapped sentence (which starts with punctuation).
fn could_be_header(l: &SourceLine) -> bool {
    let starts_with_punctuation = l
        .text
        .chars()
        .next()
        .is_some_and(|c| "，。、；：,.;:)）》”’".contains(c));
    matches!(l.kind, LineKind::Text | LineKind::Heading)
        && l.text.chars().count() <= HEADER_MAX_CHARS
        && !ends_sentence(&l.text)
        && !starts_with_punctuation
        && numbering::detect(&l.text).is_none()
        // The same unit note after several clauses is the document's text, not a header.
        && units::own_line_note(&l.text).is_none()
        && units::find_notes(&l.text).is_empty()
}

/// `3`, `- 3 -`, `—3—`, `－ 3 －`, `3/9`, `第3页`, `第 3 页 共 9 页`, `Page 3`.
pub fn is_page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(['-', '—', '–', '－', '·', '•']);
    let digits = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    if digits(t) {
        return t.chars().count() <= 3;
    }
    if let Some((a, b)) = t.split_once('/') {
        return digits(a) && digits(b);
    }
    if let Some(rest) = t.strip_prefix("Page").or_else(|| t.strip_prefix("page")) {
        return digits(rest);
    }
    if let Some(rest) = t.strip_prefix('第') {
        if let Some((n, tail)) = rest.split_once('页') {
            let tail_ok = tail.is_empty()
                || tail
                    .strip_prefix('共')
                    .and_then(|x| x.strip_suffix('页'))
                    .is_some_and(digits);
            return digits(n) && tail_ok;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::text_lines;

    #[test]
    fn recognises_page_numbers_but_not_years_or_clauses() {
        for p in [
            "3",
            "- 3 -",
            "—12—",
            "－ 3 －",
            "3/9",
            "第3页",
            "第 3 页 共 9 页",
        ] {
            assert!(is_page_number(p), "{p}");
        }
        for t in ["2023", "2023年12月30日", "1. 全力建设", "第一章", "25号"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn drops_running_headers_but_keeps_the_title() {
        let text = "某市人民政府文件\n\n正文一。\n\n- 1 -\n\n某市人民政府文件\n\n正文二。\n\n某市人民政府文件\n\n正文三。\n";
        let mut lines = text_lines(text);
        let dropped = remove_noise(&mut lines);
        let what: Vec<_> = dropped.iter().map(|d| (d.line, d.reason)).collect();
        assert_eq!(
            what,
            vec![(5, "页码"), (7, "重复的页眉"), (11, "重复的页眉")]
        );
        assert_eq!(lines[0].text, "某市人民政府文件");
    }

    #[test]
    fn a_task_table_header_repeated_on_every_page_is_kept() {
        // As 85 (heldout4): a three-page 任务职责分工表 flattened one cell a line, its header
        // repeated on each page; the page number alone is furniture.
        let header = "序号\n\n工作任务\n\n主要工作内容\n\n牵头单位\n\n配合单位\n\n";
        let rows = [
            "（一）\n\n推动源头减量\n\n增加工程土方消纳平衡内容。\n\n区建设管理委\n\n区水务局\n\n- 1 -\n\n",
            "（二）\n\n提升消纳处置能力\n\n开展消纳场所备案工作。\n\n区土方工作专班\n\n区绿化市容局\n\n- 2 -\n\n",
            "（三）\n\n拓展土方消纳空间\n\n拓展区域土方消纳空间。\n\n区发展改革委\n\n区规划资源局\n\n- 3 -\n\n",
        ];
        let text: String = rows.iter().map(|r| format!("{header}{r}")).collect();
        let mut lines = text_lines(&text);
        let dropped = remove_noise(&mut lines);
        let reasons: Vec<_> = dropped.iter().map(|d| d.reason).collect();
        assert_eq!(reasons, ["页码", "页码", "页码"]);
        assert_eq!(lines.iter().filter(|l| l.text == "牵头单位").count(), 3);
    }

    #[test]
    fn drops_a_website_footer_after_the_text() {
        let text = "（十七）做好跟踪评估。省发展改革委密切跟踪。\n本方案自印发之日起执行。\n关于我们\n|\n法律声明\n主办单位：四川省发展和改革委员会\n联系电话：028-86705500\n网站标识码 ：5100000018\n（蜀ICP备12016782号-10）\n";
        let mut lines = text_lines(text);
        let dropped = remove_noise(&mut lines);
        let what: Vec<_> = dropped.iter().map(|d| (d.line, d.reason)).collect();
        assert_eq!(
            what,
            vec![
                (3, "网站页脚"),
                (4, "网站页脚"),
                (5, "网站页脚"),
                (6, "网站页脚"),
                (7, "网站页脚"),
                (8, "网站页脚"),
                (9, "网站页脚")
            ]
        );
        assert_eq!(lines[1].text, "本方案自印发之日起执行。");
    }

    #[test]
    fn repeated_tails_of_wrapped_sentences_are_text() {
        let text = "甲。(牵头单位\n:市卫生健康委)\n\n乙。(牵头单位\n:市卫生健康委)\n\n丙。(牵头单位\n:市卫生健康委)\n";
        let mut lines = text_lines(text);
        assert!(remove_noise(&mut lines).is_empty());
    }
}
