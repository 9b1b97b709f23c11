//! A number typed with a letter that looks like its digit (`l.火灾多发季节…` for `1.`, heldout14
//! 253): the line is read as text, the run of items starts at `2.`, and the first item is lost
//! into the item above it. Only the number's gap is warned where ids are assigned; this names
//! the line itself, when the next item of the outline is the number the letter stands for plus
//! one. The letter is not read as the digit: the form was met in one real document only.

use std::path::Path;

use super::numbering::{self, Style};
use super::ClauseTree;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Letters set for a digit by hand or by text recognition, with the digit.
const LOOKALIKES: [(char, u32); 5] = [('l', 1), ('I', 1), ('|', 1), ('O', 0), ('o', 0)];

/// `l.火灾…` → (`l.`, 1): a look-alike letter, the stop of an Arabic number, then Chinese text.
fn lookalike_number(text: &str) -> Option<(&str, u32)> {
    let mut chars = text.char_indices();
    let (_, letter) = chars.next()?;
    let digit = LOOKALIKES.iter().find(|(c, _)| *c == letter)?.1;
    let (stop_at, stop) = chars.next()?;
    if !matches!(stop, '.' | '．' | '、') {
        return None;
    }
    let (_, word) = chars.next()?;
    numbering::is_cjk(word).then(|| (&text[..stop_at + stop.len_utf8()], digit))
}

/// Names each line that opens with a look-alike number right before the item it would precede.
pub(super) fn verify(
    tree: &ClauseTree,
    body: &str,
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    let mut nodes = tree.walk();
    nodes.sort_by_key(|n| n.line);
    for (i, raw) in body.lines().enumerate() {
        let line = first_line + i;
        let text = raw.trim().trim_start_matches('#').trim_start();
        // The cheap test first: few lines open with a look-alike letter.
        let Some((written, digit)) = lookalike_number(text) else {
            continue;
        };
        if numbering::detect(text).is_some() {
            continue;
        }
        let Some(next) = nodes.iter().find(|n| n.line > line) else {
            continue;
        };
        if next.style != Some(Style::Arabic) || next.ordinal != digit + 1 {
            continue;
        }
        diags.push(
            Diagnostic::warning(format!(
                "以「{written}」开头的一段没有成为条款：「{}」像是数字「{digit}」，下一项编号正是「{}」",
                written.trim_end_matches(['.', '．', '、']),
                next.label
            ))
            .at(file, line)
            .hint(format!("如果它是这一层级的第 {digit} 项，请把编号中的字母改为数字「{digit}」；如果不是，请核对后保留。")),
        );
    }
}
