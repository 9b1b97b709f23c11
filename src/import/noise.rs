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
    let mut dropped = Vec::new();
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
    let mut seen_nonblank = 0;
    let mut kept_title: Vec<String> = Vec::new();
    for l in lines.iter_mut() {
        if l.is_blank() {
            continue;
        }
        seen_nonblank += 1;
        if !could_be_header(l) || counts.get(&l.text).copied().unwrap_or(0) < HEADER_REPEATS {
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
    fn repeated_tails_of_wrapped_sentences_are_text() {
        let text = "甲。(牵头单位\n:市卫生健康委)\n\n乙。(牵头单位\n:市卫生健康委)\n\n丙。(牵头单位\n:市卫生健康委)\n";
        let mut lines = text_lines(text);
        assert!(remove_noise(&mut lines).is_empty());
    }
}
