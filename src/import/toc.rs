//! A table of contents (目录) before the body: the headings of the document listed once, often
//! with dot leaders and page numbers (`一、实施背景……1`), then the same headings again over
//! their text. Left in, every listed heading is read as an empty part of its own and the real
//! ones as duplicates. An editor deletes the list; so does the import, and says so.

use crate::clause::numbering;

use super::repair::{Para, ParaKind};

/// What was taken out, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    pub first_line: usize,
    pub last_line: usize,
    /// Headings listed (numbered entries and annex entries).
    pub entries: usize,
}

/// Fewest numbered entries that make a list of headings a table of contents.
const MIN_ENTRIES: usize = 3;
/// Longest heading an entry holds once its leaders and page number are cut off.
const ENTRY_MAX_CHARS: usize = 30;

/// The entry's heading without dot leaders, page number or spaces (`一、实施背景……1` → `一、实施背景`).
fn entry_text(text: &str) -> String {
    let leader = |c: char| matches!(c, '.' | '…' | '·' | '．' | '⋯' | '-');
    let mut out = String::new();
    let mut run = 0;
    for c in text.chars() {
        if leader(c) {
            run += 1;
            continue;
        }
        if run >= 3 {
            // Everything after a leader is the page number.
            return compact(&out);
        }
        for _ in 0..run {
            out.push('.');
        }
        run = 0;
        out.push(c);
    }
    compact(&out)
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Dot leaders (`......`) in the text.
fn has_leader(text: &str) -> bool {
    ["...", "……", "···", "．．．", "⋯"]
        .iter()
        .any(|l| text.contains(l))
}

/// A line of leaders or a page number only, left between the entries.
fn is_filler(text: &str) -> bool {
    let t = compact(text);
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '.' | '…' | '·' | '．' | '⋯' | '-' | '—') || c.is_ascii_digit())
}

/// `目录`, `目　　录`, or `目` and `录` on lines of their own.
fn is_contents_marker(paras: &[Para], i: usize) -> usize {
    let t = compact(&paras[i].text);
    if t == "目录" {
        return 1;
    }
    if t == "目" && paras.get(i + 1).is_some_and(|p| compact(&p.text) == "录") {
        return 2;
    }
    0
}

/// Finds the first table of contents and removes it from `paras`.
pub fn remove(paras: &mut Vec<Para>) -> Option<Contents> {
    for start in 0..paras.len() {
        let marker = is_contents_marker(paras, start);
        let first = start + marker;
        let Some((end, entries)) = entries_from(paras, first) else {
            continue;
        };
        let first_line = paras[start].line;
        let last_line = paras[end - 1].line;
        paras.drain(start..end);
        return Some(Contents {
            first_line,
            last_line,
            entries,
        });
    }
    None
}

/// The run of entries from `first` up to the heading that opens the body again: returns its end
/// and the number of entries, when at least [`MIN_ENTRIES`] numbered entries are listed and the
/// first of them comes again after the list.
fn entries_from(paras: &[Para], first: usize) -> Option<(usize, usize)> {
    let opening = paras.get(first)?;
    if opening.kind == ParaKind::Text && numbering::detect(&opening.text).is_none() {
        return None;
    }
    let first_entry = entry_text(&opening.text);
    let mut numbered = 0;
    let mut entries = 0;
    let mut end = first;
    for (i, p) in paras.iter().enumerate().skip(first) {
        if matches!(p.kind, ParaKind::TableRow(_)) {
            break;
        }
        if is_filler(&p.text) {
            end = i + 1;
            continue;
        }
        let heading = entry_text(&p.text);
        // The body starts again with the first heading listed.
        if i > first && heading == first_entry {
            break;
        }
        let short = heading.chars().count() <= ENTRY_MAX_CHARS && !heading.contains('。');
        let is_numbered = numbering::detect(&p.text).is_some();
        if !short || !(is_numbered || has_leader(&p.text)) {
            break;
        }
        numbered += usize::from(is_numbered);
        entries += 1;
        end = i + 1;
    }
    let repeated = paras[end..]
        .iter()
        .any(|p| entry_text(&p.text).starts_with(&first_entry));
    (numbered >= MIN_ENTRIES && repeated).then_some((end, entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Vec<Para> {
        text.lines()
            .enumerate()
            .map(|(i, l)| Para {
                text: l.to_string(),
                line: i + 1,
                kind: ParaKind::Text,
            })
            .collect()
    }

    #[test]
    fn removes_a_listed_table_of_contents_and_keeps_the_body() {
        let mut p = paras("目\n录\n一、实施背景......\n.........\n二、实施方式......\n三、实施流程......\n附录1：方案实施流程图......\n一、实施背景\n为保障用电，制定本细则。\n二、实施方式\n三、实施流程");
        let c = remove(&mut p).expect("a table of contents");
        assert_eq!((c.first_line, c.last_line, c.entries), (1, 7, 4));
        assert_eq!(p[0].text, "一、实施背景");
    }

    #[test]
    fn a_law_lists_its_chapters_before_them() {
        let mut p = paras("目　　录\n第一章　总　　则\n第二章　规划\n第三章　附　　则\n第一章　总　　则\n第一条　为了规范，制定本条例。");
        let c = remove(&mut p).expect("a table of contents");
        assert_eq!((c.first_line, c.last_line, c.entries), (1, 4, 3));
        assert_eq!(p[0].text, "第一章　总　　则");
    }

    #[test]
    fn headings_with_their_text_are_no_contents() {
        let mut p = paras("一、总体要求\n二、主要任务\n三、保障措施\n一、总体要求");
        // Listed and repeated, but each heading here has no text: still a list of three headings
        // followed by the first again, which is what a table of contents is.
        assert!(remove(&mut p).is_some());
        let mut q = paras("一、总体要求\n坚持稳中求进。\n二、主要任务\n三、保障措施");
        assert!(remove(&mut q).is_none());
    }
}
