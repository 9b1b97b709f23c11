//! A second complete document written after the first one's signature: compilations of
//! policies (a notice, then the earlier notices it builds on, each with its title, 文号,
//! addressee, text and signature) arrive as one file. The appended document's numbering is not
//! the policy's: read together, its `第一条…` would turn the policy's own items into groups of
//! articles. Its head is the form every document opens with — a title and a bracketed 文号,
//! after a signature ending in a date or before an addressee line — after the first document's
//! numbered text began.

use std::path::Path;

use super::{numbering, Block, Paragraph};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::import::meta;

/// Index of the block that opens an appended document (its title), if there is one.
fn start(blocks: &[Block]) -> Option<usize> {
    let first_numbered = blocks
        .iter()
        .position(|b| numbering::detect(&b.text).is_some())?;
    (first_numbered + 1..blocks.len()).find_map(|i| {
        let b = &blocks[i];
        if b.hashes > 0 || numbering::detect(&b.text).is_some() {
            return None;
        }
        let (_, rest) = meta::find_doc_number(&b.text)?;
        // The number closes its block, in brackets (`…的通知（医保办发〔2024〕34 号）`).
        if !b.text.trim_end().ends_with(['）', ')']) {
            return None;
        }
        let title_at = if rest.is_empty() {
            i.checked_sub(1)
                .filter(|&t| t > first_numbered && meta::is_title(&blocks[t].text))?
        } else if meta::is_title(&rest) {
            i
        } else {
            return None;
        };
        // Its head: the first document's signature ending in a date just above, or — where a
        // PDF compilation set the date elsewhere (`国家医疗保障局` / title / 文号 / 主送 / text /
        // `2025年8月11日`) — the addressee line right below the 文号, which only a document's
        // head holds.
        let signed = title_at
            .checked_sub(1)
            .is_some_and(|d| meta::ends_with_date(&blocks[d].text));
        let addressed = blocks.get(i + 1).is_some_and(|b| is_addressee(&b.text));
        (signed || addressed).then_some(title_at)
    })
}

/// `各省、自治区、直辖市及新疆生产建设兵团医疗保障局：` — a short line of names ending in a colon.
fn is_addressee(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(['：', ':'])
        && t.chars().count() <= 120
        && !t.contains(['。', '；'])
        && numbering::detect(t).is_none()
}

/// Splits `body` (read into `blocks`) before an appended document: cuts both, returns the first
/// document's text and the appended one's blocks as closing paragraphs (kept on the page,
/// outside the outline), and warns once where it starts. Blocks begin only after a blank line or
/// at a heading, so the blocks left are those of the text left.
pub(super) fn split<'a>(
    body: &'a str,
    blocks: &mut Vec<Block>,
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) -> (&'a str, Vec<Paragraph>) {
    let Some(at) = start(blocks) else {
        return (body, Vec::new());
    };
    let line = blocks[at].line;
    let cut: usize = body
        .split_inclusive('\n')
        .take(line - first_line)
        .map(str::len)
        .sum();
    let title: String = blocks[at].text.chars().take(40).collect();
    let articles = blocks[at..]
        .iter()
        .filter(|b| numbering::detect(&b.text).is_some())
        .count();
    diags.push(
        Diagnostic::warning(format!(
            "从这里起是另一份完整的文件「{title}」：它接在本文之后，有自己的标题和文号；其中 {articles} 处编号没有列为本政策的条款，全文照录在正文末尾"
        ))
        .at(file, line)
        .hint("一份 policy.md 只收一份文件：如果这份文件也要解读，请把它从这里删去，另行导入（jiedu import）为一项政策；如果它属于本政策（如附件），请在它前面写明「附件」。"),
    );
    let rest = blocks
        .split_off(at)
        .into_iter()
        .map(|b| Paragraph {
            text: match b.hashes {
                0 => b.text,
                n => format!("{} {}", "#".repeat(n), b.text),
            },
            line: b.line,
        })
        .collect();
    (&body[..cut], rest)
}
