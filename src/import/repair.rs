//! Rebuilds paragraphs from source lines ([`glue_fragments`] first puts back numbers a web page
//! cut onto lines of their own, before page noise is judged). A line that ends without sentence-final punctuation
//! and is followed by a line that starts no new numbered item is a paragraph broken by a line
//! wrap or a page break: the pieces are joined (no text is added or removed) and each join
//! across a blank line is recorded for the report.

use crate::clause::{numbering, units};

use super::source::{LineKind, SourceLine};
use super::structure::is_box_title;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParaKind {
    Text,
    Heading,
    TableRow(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub text: String,
    /// Source line of the paragraph's first line.
    pub line: usize,
    pub kind: ParaKind,
}

/// A paragraph joined across a blank line (a page break in the source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    pub line: usize,
    pub next_line: usize,
    /// The last characters before the break and the first after it.
    pub before: String,
    pub after: String,
}

#[derive(Debug, Default)]
pub struct Repaired {
    pub paras: Vec<Para>,
    pub joins: Vec<Join>,
    /// Lines joined to the line before without a blank between (hard line wraps).
    pub wrapped: usize,
}

/// Headings, numbered items and short lines end their paragraph even without punctuation.
const HEADING_MAX_CHARS: usize = 40;
const SHORT_LINE_CHARS: usize = 20;
const SNIPPET_CHARS: usize = 10;

pub fn repair(lines: &[SourceLine]) -> Repaired {
    let mut out = Repaired::default();
    let mut blank_since_last = false;
    let mut last_line = 0;
    for l in lines {
        let kind = match &l.kind {
            LineKind::Blank => {
                blank_since_last = true;
                continue;
            }
            LineKind::Text => ParaKind::Text,
            LineKind::Heading => ParaKind::Heading,
            LineKind::TableRow(cells) => ParaKind::TableRow(cells.clone()),
        };
        match out.paras.last_mut() {
            Some(prev) if kind == ParaKind::Text && continues(prev, &l.text) => {
                if blank_since_last {
                    out.joins.push(Join {
                        line: last_line,
                        next_line: l.line,
                        before: tail(&prev.text, SNIPPET_CHARS),
                        after: l.text.chars().take(SNIPPET_CHARS).collect(),
                    });
                } else {
                    out.wrapped += 1;
                }
                join_pieces(&mut prev.text, &l.text);
            }
            _ => out.paras.push(Para {
                text: l.text.clone(),
                line: l.line,
                kind,
            }),
        }
        blank_since_last = false;
        last_line = l.line;
    }
    out
}

/// Longest line that can be a fragment cut out of a sentence (`2021`, `（`, `1`).
const FRAGMENT_MAX_CHARS: usize = 8;

/// A piece of a sentence that a web page or a converter put on a line of its own: digits and
/// the signs that go with them (`2021`, `0:00`, `1.2`, `50%`), or a lone bracket or mark.
fn is_fragment(text: &str) -> bool {
    // `- 3 -`, `-3-`: a page number set off by dashes; bare digits are read by their context.
    if text.contains('-') && super::noise::is_page_number(text) {
        return false;
    }
    let n = text.chars().count();
    (1..=FRAGMENT_MAX_CHARS).contains(&n)
        && (text
            .chars()
            .all(|c| c.is_ascii_digit() || ".:%~-/".contains(c))
            && text.chars().any(|c| c.is_ascii_digit())
            || (n == 1 && "（(〔[）)〕]、，；：。．/".contains(text)))
}

/// A line that cannot start a sentence: it begins with a closing mark or the `．` of a label.
fn starts_inside(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| "）)〕]、，,；;：:。．%".contains(c))
}

/// Lines of one sentence split around its numbers (`…关于开展` / `2021` / `年电力…`, `（` / `1`
/// / `）对于…`, `1` / `．需求响应…`) are put back together before paragraphs are rebuilt: a
/// fragment joins the line after it, and the line before it unless that ends a sentence.
pub fn glue_fragments(lines: &[SourceLine]) -> Vec<SourceLine> {
    let text_at = |i: usize| {
        lines
            .get(i)
            .filter(|l| l.kind == LineKind::Text)
            .map_or("", |l| l.text.as_str())
    };
    let mut out: Vec<SourceLine> = Vec::new();
    let mut prev_is_fragment = false;
    for (i, l) in lines.iter().enumerate() {
        let is_text = l.kind == LineKind::Text;
        let fragment = is_text && is_fragment(&l.text);
        // `1` before `．…`, `（` before `1` and `）…`: the start of a label, which starts a line.
        let label_start = fragment
            && (is_fragment_label(&l.text) && text_at(i + 1).starts_with(['．', '.', '、'])
                || matches!(l.text.as_str(), "（" | "(")
                    && is_fragment_label(text_at(i + 1))
                    && text_at(i + 2).starts_with(['）', ')']));
        let glue = match out.last() {
            Some(prev) if is_text && prev.kind == LineKind::Text => {
                !label_start
                    && (prev_is_fragment && numbering::detect(&l.text).is_none()
                        || fragment && !ends_sentence(&prev.text))
                    || (starts_inside(&l.text)
                        && (!ends_sentence(&prev.text) || is_fragment_label(&prev.text)))
            }
            _ => false,
        };
        match out.last_mut() {
            Some(prev) if glue => prev.text.push_str(&l.text),
            _ => out.push(l.clone()),
        }
        prev_is_fragment = fragment;
    }
    out
}

/// A bare number or bracketed number that a label's `．` or `）` completes (`1` + `．需求`).
fn is_fragment_label(text: &str) -> bool {
    let t = text.trim_start_matches(['（', '(']);
    !t.is_empty() && t.chars().all(|c| c.is_ascii_digit())
}

/// Whether `next` continues the paragraph `prev`.
fn continues(prev: &Para, next: &str) -> bool {
    prev.kind == ParaKind::Text
        && (has_open_bracket(&prev.text) || !ends_sentence(&prev.text))
        && !is_heading_like(&prev.text)
        // A signature's date ends its line (`…综合司 2024年10月28日`): what follows is the
        // next document of a compilation, not the rest of a sentence.
        && !super::meta::ends_with_date(&prev.text)
        && numbering::detect(next).is_none()
        && !is_box_title(next)
        && !(starts_field(next) && units::own_line_note(&prev.text).is_some())
}

/// `H5解读：https://…` after a note line `责任单位：A、B`: a field of its own, not the rest of
/// the note (a note line ends without punctuation, so it would otherwise be joined).
fn starts_field(next: &str) -> bool {
    next.split_once(['：', ':']).is_some_and(|(label, _)| {
        let n = label.trim().chars().count();
        (1..=8).contains(&n) && !label.contains(['，', '、', '。', '；', ',', ';', '（', '('])
    })
}

/// Ends with `。；：！？…` or a closing bracket, possibly followed by a closing quote.
pub fn ends_sentence(text: &str) -> bool {
    let mut rev = text.trim_end().chars().rev();
    let Some(mut last) = rev.next() else {
        return true;
    };
    if matches!(last, '”' | '’' | '」' | '』' | '"' | '\'') {
        match rev.next() {
            Some(c) => last = c,
            None => return true,
        }
    }
    matches!(
        last,
        '。' | '；' | ';' | '：' | ':' | '！' | '!' | '？' | '?' | '…' | '）' | ')'
    )
}

/// An unfinished bracket, as in a unit note wrapped after `(牵头单位:市卫生健康委;`.
fn has_open_bracket(text: &str) -> bool {
    let open = text.chars().filter(|c| matches!(c, '(' | '（')).count();
    let close = text.chars().filter(|c| matches!(c, ')' | '）')).count();
    open > close
}

/// Joins two pieces of one paragraph. Unlike Markdown line joining, digits split by a wrap
/// (`20` + `25年`) are not separated: only two Latin words get a space between them.
fn join_pieces(text: &mut String, next: &str) {
    let letter_end = text.chars().last().is_some_and(|c| c.is_ascii_alphabetic());
    let letter_start = next.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if letter_end && letter_start {
        text.push(' ');
    }
    text.push_str(next);
}

/// A numbered heading (`一、总则`, `（一）推进……`), a box title, or a short sub-title.
fn is_heading_like(text: &str) -> bool {
    if is_box_title(text) {
        return true;
    }
    match numbering::detect(text) {
        Some(n) => {
            let rest = &text[n.len..];
            rest.chars().count() <= HEADING_MAX_CHARS && !rest.contains('。')
        }
        // A short unnumbered line without inner punctuation is a sub-title; with a comma it is
        // the start of a sentence.
        None => {
            text.chars().count() <= SHORT_LINE_CHARS && !text.contains(['，', ',', '、', '；', ';'])
        }
    }
}

fn tail(text: &str, n: usize) -> String {
    let count = text.chars().count();
    text.chars().skip(count.saturating_sub(n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::text_lines;

    fn texts(r: &Repaired) -> Vec<&str> {
        r.paras.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn joins_a_paragraph_broken_across_a_page() {
        let text = "一、指导思想\n\n坚持以人民为中心,按照市委\n\n\n\n“三提三敢”要求，提供有力保障。\n\n(一)立足聊城。从我市实际出发，与周\n\n边地区对标对表。\n";
        let r = repair(&text_lines(text));
        assert_eq!(
            texts(&r),
            vec![
                "一、指导思想",
                "坚持以人民为中心,按照市委“三提三敢”要求，提供有力保障。",
                "(一)立足聊城。从我市实际出发，与周边地区对标对表。",
            ]
        );
        assert_eq!(r.joins.len(), 2);
        assert_eq!((r.joins[0].line, r.joins[0].next_line), (3, 7));
        assert!(r.joins[0].before.ends_with("按照市委"));
        assert!(r.joins[0].after.starts_with("“三提三敢”"));
    }

    #[test]
    fn keeps_headings_numbered_items_and_sentences_apart() {
        let text = "（一）强化组织领导\n\n坚持党的领导。\n\n1. 第一项工作\n2. 第二项工作。\n专栏1 重点项目\n项目内容\n";
        let r = repair(&text_lines(text));
        assert_eq!(
            texts(&r),
            vec![
                "（一）强化组织领导",
                "坚持党的领导。",
                "1. 第一项工作",
                "2. 第二项工作。",
                "专栏1 重点项目",
                "项目内容",
            ]
        );
        assert!(r.joins.is_empty());
    }

    #[test]
    fn joins_hard_wrapped_lines_without_reporting_them_as_page_breaks() {
        let text = "1. 全力建设国家区域医疗中心。推进北京积水潭医院聊城医院\n建设。(牵头单位:市卫生健康委)\n";
        let r = repair(&text_lines(text));
        assert_eq!(r.paras.len(), 1);
        assert_eq!(r.wrapped, 1);
        assert!(r.joins.is_empty());
    }

    #[test]
    fn glues_numbers_a_web_page_cut_onto_lines_of_their_own() {
        let text = "特此通知。\n2021\n年\n2\n月\n2\n日\n六、效果评估\n1\n．需求响应结束后，开展计算。\n（\n1\n）对于连续参与的用户，比值不低于\n70%\n，且申报。\n";
        let r = repair(&glue_fragments(&text_lines(text)));
        assert_eq!(
            texts(&r),
            vec![
                "特此通知。",
                "2021年2月2日",
                "六、效果评估",
                "1．需求响应结束后，开展计算。",
                "（1）对于连续参与的用户，比值不低于70%，且申报。",
            ]
        );
    }

    #[test]
    fn joins_inside_an_open_unit_note_and_keeps_split_numbers_whole() {
        let text = "1. 建设。到20\n25年建成。(牵头单位:市卫生健康委;\n责任单位:市财政局)\n";
        let r = repair(&text_lines(text));
        assert_eq!(
            texts(&r),
            vec!["1. 建设。到2025年建成。(牵头单位:市卫生健康委;责任单位:市财政局)"]
        );
    }
}
