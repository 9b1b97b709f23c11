//! An issuing notice (印发通知) that writes its own numbered requirements before the document
//! it issues: `现将《X》印发给你们，并就有关事项通知如下：一、… 二、… 三、…`, the signature, then
//! X's title and X's own numbering from `一、` again. The form of the 政府工作报告 任务分解 notices
//! (蔡甸区 蔡政办〔2023〕1号, 武汉市 武政办〔2020〕1号, 嘉鱼县 嘉政办发〔2024〕1号, 上饶市广丰区
//! 2021 重点工作责任分工). Read together, X's `一、` repeats the notice's and the policy cannot be
//! built; the notice's items are how the notice asks for X to be carried out, not X's tasks.
//! They stay on the page before X's title, outside the outline, and are named once.

use std::path::Path;

use super::{numbering, Block, Paragraph};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::meta;

/// Letters and digits only: `2023年区《政府工作报告》确定的…` and `区〈政府工作报告〉确定的…`
/// compare equal where their words do.
fn words(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The names `《X》` of the documents a notice issues (`现将《X》印发给你们`, `《X》已经…同意，
/// 现印发给你们`), from the paragraph that says so.
fn issued_names(text: &str) -> Vec<String> {
    if !text.contains("印发") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('《') {
        let after = &rest[open + '《'.len_utf8()..];
        // The name may quote another (`《区〈政府工作报告〉…方案》`).
        let Some(close) = after.find('》') else {
            break;
        };
        let name = words(&after[..close]);
        if name.chars().count() >= 6 {
            out.push(name);
        }
        rest = &after[close + '》'.len_utf8()..];
    }
    out
}

/// Where the issued document's title is among `texts` (paragraphs in order), when numbered
/// paragraphs of the notice come between the paragraph naming it and the title. `restart` is
/// whether the numbering after the title starts again in a style the notice used.
fn title_index(texts: &[&str], restart: impl Fn(usize) -> bool) -> Option<usize> {
    let first_numbered = texts.iter().position(|t| numbering::detect(t).is_some())?;
    let names: Vec<String> = texts[..first_numbered]
        .iter()
        .flat_map(|t| issued_names(t))
        .collect();
    if names.is_empty() {
        return None;
    }
    (first_numbered + 1..texts.len()).find(|&i| {
        let t = texts[i];
        numbering::detect(t).is_none()
            && meta::is_title(t)
            && names.iter().any(|n| words(t).contains(n.as_str()))
            && restart(i)
    })
}

/// Splits the notice's own part off the blocks: returns it as paragraphs for the preamble (the
/// blocks left begin at the issued document's title) and names its numbered items once.
pub(super) fn split(
    blocks: &mut Vec<Block>,
    file: &Path,
    diags: &mut Diagnostics,
) -> Vec<Paragraph> {
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    let restart = |title: usize| {
        let Some(next) = texts[title + 1..].iter().find_map(|t| numbering::detect(t)) else {
            return false;
        };
        next.ordinal == 1
            && texts[..title]
                .iter()
                .filter_map(|t| numbering::detect(t))
                .any(|n| n.style == next.style)
    };
    let Some(at) = title_index(&texts, restart) else {
        return Vec::new();
    };
    let numbered: Vec<(String, usize)> = blocks[..at]
        .iter()
        .filter_map(|b| numbering::detect(&b.text).map(|n| (n.written.trim().to_string(), b.line)))
        .collect();
    if let (Some((first, line)), Some((last, _))) = (numbered.first(), numbered.last()) {
        let title: String = blocks[at].text.chars().take(40).collect();
        let span = if numbered.len() > 1 {
            format!("「{first}」至「{last}」")
        } else {
            format!("「{first}」")
        };
        diags.push(
            Diagnostic::warning(format!(
                "{span}写在印发通知中、所印发的「{title}」的标题之前，其后的编号从头开始：它们是通知本身的事项，没有列为本政策的条款，保留在正文开头"
            ))
            .at(file, *line)
            .hint("如果它们也是本政策的任务，请把它们移到所印发文件的正文中并接续编号；否则请核对后保留。"),
        );
    }
    blocks
        .drain(..at)
        .map(|b| Paragraph {
            text: match b.hashes {
                0 => b.text,
                n => format!("{} {}", "#".repeat(n), b.text),
            },
            line: b.line,
        })
        .collect()
}

/// Lines of the notice's numbered items among the paragraphs before the outline, which
/// [`split`] has named already.
pub(super) fn item_lines(preamble: &[Paragraph]) -> Vec<usize> {
    let texts: Vec<&str> = preamble.iter().map(|p| p.text.as_str()).collect();
    let Some(at) = title_index(&texts, |_| true) else {
        return Vec::new();
    };
    preamble[..at]
        .iter()
        .filter(|p| numbering::detect(&p.text).is_some())
        .map(|p| p.line)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issued_name_matches_its_title_however_the_quotes_are_nested() {
        let names = issued_names(
            "2023年《区〈政府工作报告〉确定的主要目标任务责任分解方案》已报经区人民政府同意,现印发给你们,并就有关事项通知如下:",
        );
        assert_eq!(names, ["区政府工作报告确定的主要目标任务责任分解方案"]);
        assert!(
            words("2023年区《政府工作报告》确定的主要目标任务责任分解方案").contains(&names[0])
        );
        // A notice that issues nothing names nothing.
        assert!(issued_names("请《各单位》认真贯彻执行。").is_empty());
    }

    #[test]
    fn the_notices_items_are_cut_only_where_the_numbering_starts_again() {
        let texts = [
            "现将《某区重点工作责任分解方案》印发给你们，并就有关事项通知如下：",
            "一、各责任单位要制订工作方案。",
            "二、各责任单位要按季度报送进展。",
            "某区重点工作责任分解方案",
            "一、主要预期目标",
        ];
        assert_eq!(title_index(&texts, |_| true), Some(3));
        assert_eq!(title_index(&texts, |_| false), None);
        // The title before any numbered item is the usual 印发通知: nothing to cut.
        let usual = [texts[0], texts[3], texts[4]];
        assert_eq!(title_index(&usual, |_| true), None);
    }
}
