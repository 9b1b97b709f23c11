//! The list of attachments a notice ends with (`附件：` then `1.…管理办法` / `2.…统计表`): its
//! numbers name files, not tasks, so they open no node.

use std::collections::HashSet;

use super::numbering::{self, Numbering, Style};
use super::{units, Block};

/// Longest attachment title read as one (a 任务分工表's name runs to some forty characters).
const MAX_TITLE_CHARS: usize = 60;
/// Longest line that may follow a list: a signature, a date, `附件1`, an attachment's title.
const MAX_AFTER_CHARS: usize = 40;

/// Clears the numbering of the items of every attachment list. A list opens with a paragraph
/// that is `附件：` alone, and runs over arabic items numbered from 1, each a title (no full
/// stop, no unit note); a short unnumbered line between two items is the rest of a title broken
/// over two lines. It must hold two items at least and end the text or stand before a short
/// line (the signature, the date, `附件1`): a numbered list after `附件：` that runs on into
/// body text is the attachment itself, whose items are read as any others.
///
/// `附件：1.…` with the first item inline is left as it was: un-numbering its items takes from
/// the groups of a closing 组织实施 part the item that made them a mixed level (heldout2 63), and
/// whether such groups are tasks the sets answer both ways — the verifier would first have to
/// name them (it leaves the last part alone by convention).
pub(super) fn unnumber(blocks: &[Block], detected: &mut [Option<Numbering>]) {
    for k in items(blocks, detected) {
        detected[k] = None;
    }
}

/// The lines of the items of every attachment list of `blocks`, for the verifier: no clause
/// is missing there.
pub(super) fn item_lines(blocks: &[Block]) -> HashSet<usize> {
    let detected: Vec<Option<Numbering>> =
        blocks.iter().map(|b| numbering::detect(&b.text)).collect();
    items(blocks, &detected)
        .into_iter()
        .map(|k| blocks[k].line)
        .collect()
}

/// Indices of the blocks that are items of an attachment list.
fn items(blocks: &[Block], detected: &[Option<Numbering>]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let Some(mut expected) = opens_list(&blocks[i].text) else {
            i += 1;
            continue;
        };
        let mut items = Vec::new();
        let mut j = i + 1;
        while j < blocks.len() {
            let is_item = |k: usize, want: u32| {
                detected[k].as_ref().is_some_and(|n| {
                    n.style == Style::Arabic && n.ordinal == want && is_title(&blocks[k].text)
                })
            };
            if is_item(j, expected) {
                items.push(j);
                expected += 1;
                j += 1;
            } else if !items.is_empty()
                && detected[j].is_none()
                && is_short_line(&blocks[j].text)
                && j + 1 < blocks.len()
                && is_item(j + 1, expected)
            {
                j += 1;
            } else {
                break;
            }
        }
        let enough = items.len() >= 2;
        let ends_well = blocks.get(j).is_none_or(|b| is_short_line(&b.text));
        if enough && ends_well {
            out.extend(items);
        }
        i = j.max(i + 1);
    }
    out
}

/// `附件：` alone: the first number expected (1).
fn opens_list(text: &str) -> Option<u32> {
    let t = text.trim_start_matches([' ', '\u{3000}']);
    let rest = t.strip_prefix("附件")?;
    let rest = rest.strip_prefix(['：', ':'])?.trim();
    rest.is_empty().then_some(1)
}

fn is_title(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= MAX_TITLE_CHARS
        && !t.contains(['。', '；', ';'])
        && units::find_notes(t).is_empty()
}

fn is_short_line(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= MAX_AFTER_CHARS && !t.contains(['。', '；', ';'])
}
