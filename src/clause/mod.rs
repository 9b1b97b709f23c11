//! Parses a policy's text into its clause tree: parts, task groups and task clauses, each with a
//! stable id made of the written ordinals (`4.1.1` = part 四, group （一）, clause 1), and the unit
//! note of each clause parsed into lead and responsible units.

mod appended;
mod articles;
mod attachment_list;
mod issuing_notice;
mod notes;
pub mod numbering;
pub mod outline;
pub mod stored;
mod structure;
pub mod task_table;
pub mod unit_name;
pub mod units;
mod verify;
mod verify_flat_table;
mod verify_form;
mod verify_letter_digit;
mod verify_levels;

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::Diagnostics;
use numbering::Style;
pub use units::{Role, UnitGroup};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    /// Markdown source of the paragraph, lines already joined.
    pub text: String,
    /// 1-based line in the source file.
    pub line: usize,
}

/// A clause's deadline as a task table gives it (`完成时限：2025年底前`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The column header as written (`完成时限`, `时间节点`).
    pub label: String,
    pub text: String,
}

/// A node made from a task table: a group (a group cell or spanning row) or a row (a clause).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TablePart {
    Group,
    Row,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Stable id, e.g. `4.1.1`.
    pub id: String,
    /// Normalised numbering label, e.g. `（一）` or `1.`.
    pub label: String,
    /// Nesting depth, 0 for the top level.
    pub depth: usize,
    /// Title: a heading line, or a clause's first sentence without its `。`.
    pub heading: String,
    /// Body paragraphs; the first continues the heading's sentence when `heading_ends_sentence`.
    pub paragraphs: Vec<Paragraph>,
    /// True when the heading was cut from a sentence and `。` belongs after it.
    pub heading_ends_sentence: bool,
    pub units: Vec<UnitGroup>,
    /// A task clause: the level that carries tasks (`1.` or `第一条`).
    pub is_clause: bool,
    pub children: Vec<Node>,
    pub line: usize,
    /// Numbering style and ordinal; `None` for an unnumbered heading (`附则`) or paragraph.
    #[serde(skip)]
    pub style: Option<Style>,
    #[serde(skip)]
    pub ordinal: u32,
    /// Numbered straight through the document (`1.`–`45.` across parts), so its own label
    /// names it without its parents'.
    #[serde(skip)]
    pub numbered_through: bool,
    /// Line of the node's last unit note (0 when it has none), and whether that note stands in a
    /// paragraph of its own after the text (`责任单位：…` on its own line).
    #[serde(skip)]
    pub note_line: usize,
    #[serde(skip)]
    pub note_alone: bool,
    /// The deadline a task table gives the clause.
    pub deadline: Option<Deadline>,
    /// Made from a task table rather than numbered text.
    #[serde(skip)]
    pub table: Option<TablePart>,
    /// An unnumbered heading standing where the document's part numbering was lost (a web
    /// copy that dropped `一、`): its numbered items are the document's levels below it.
    #[serde(skip)]
    pub lost_number: bool,
}

impl Node {
    /// HTML anchor on the full-text page, e.g. `c4-1-1`.
    pub fn anchor(&self) -> String {
        format!("c{}", self.id.replace('.', "-"))
    }

    /// URL segment of a clause page, e.g. `4-1-1`.
    pub fn slug(&self) -> String {
        self.id.replace('.', "-")
    }

    pub fn units_with_role(&self, role: Role) -> impl Iterator<Item = &String> {
        self.units
            .iter()
            .filter(move |g| g.role == role)
            .flat_map(|g| g.names.iter())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClauseTree {
    /// Paragraphs before the first numbered heading.
    pub preamble: Vec<Paragraph>,
    pub roots: Vec<Node>,
    /// Signature, date and notes after the last clause.
    pub closing: Vec<Paragraph>,
    /// A second complete document written after the signature (a compilation's next notice):
    /// kept on the page after the closing lines, outside the outline.
    pub appended: Vec<Paragraph>,
}

impl ClauseTree {
    /// Every node in document order.
    pub fn walk(&self) -> Vec<&Node> {
        fn go<'a>(nodes: &'a [Node], out: &mut Vec<&'a Node>) {
            for n in nodes {
                out.push(n);
                go(&n.children, out);
            }
        }
        let mut out = Vec::new();
        go(&self.roots, &mut out);
        out
    }

    pub fn clauses(&self) -> Vec<&Node> {
        self.walk().into_iter().filter(|n| n.is_clause).collect()
    }

    /// The chain of ancestors of the node with `id`, outermost first, excluding the node.
    pub fn ancestors(&self, id: &str) -> Vec<&Node> {
        let mut chain = Vec::new();
        let mut nodes = &self.roots;
        'outer: loop {
            for n in nodes {
                if n.id == id {
                    return chain;
                }
                if id.starts_with(&format!("{}.", n.id)) {
                    chain.push(n);
                    nodes = &n.children;
                    continue 'outer;
                }
            }
            return chain;
        }
    }
}

/// A paragraph block of the source with its first line number.
struct Block {
    text: String,
    line: usize,
    /// Number of `#` of a Markdown heading line; 0 for a paragraph.
    hashes: usize,
}

/// Splits Markdown into blank-line separated blocks; a Markdown heading line is a block of its
/// own even when text follows on the next line.
fn blocks(body: &str, first_line: usize) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    for (i, raw) in body.lines().enumerate() {
        let line_no = first_line + i;
        let line = raw.trim();
        if line.is_empty() {
            out.extend(current.take());
            continue;
        }
        let is_heading = line.starts_with('#');
        let stripped = if is_heading {
            line.trim_start_matches('#').trim()
        } else {
            line
        };
        if is_heading {
            out.extend(current.take());
            out.push(Block {
                text: stripped.to_string(),
                line: line_no,
                hashes: line.chars().take_while(|c| *c == '#').count(),
            });
            continue;
        }
        match current.as_mut() {
            // Tables and block quotes are line-based Markdown: their line breaks are structure.
            Some(b) if is_line_block(&b.text) || is_line_block(stripped) => {
                b.text.push('\n');
                b.text.push_str(stripped);
            }
            Some(b) => join_line(&mut b.text, stripped),
            None => {
                current = Some(Block {
                    text: stripped.to_string(),
                    line: line_no,
                    hashes: 0,
                })
            }
        }
    }
    out.extend(current);
    out
}

/// A Markdown table row or block quote line, which must keep its own line.
pub(crate) fn is_line_block(line: &str) -> bool {
    line.starts_with(['|', '>'])
}

/// Joins a wrapped line: Chinese text needs no space between lines, Latin text does.
pub fn join_line(text: &mut String, next: &str) {
    let needs_space = text
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && next
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if needs_space {
        text.push(' ');
    }
    text.push_str(next);
}

/// Splits a numbered paragraph into its heading and the rest of its text.
pub(crate) fn split_heading(text: &str) -> (String, Option<String>, bool) {
    const MAX_HEADING_CHARS: usize = 40;
    if let Some(pos) = text.find('。') {
        let head = &text[..pos];
        let rest = text[pos + '。'.len_utf8()..].trim();
        if head.chars().count() <= MAX_HEADING_CHARS {
            let rest = (!rest.is_empty()).then(|| rest.to_string());
            return (head.to_string(), rest, true);
        }
        return (String::new(), Some(text.to_string()), false);
    }
    if text.chars().count() <= MAX_HEADING_CHARS {
        // `1.《…管理办法》（责任单位：区规划资源局）`: a short item that ends with its unit note
        // is a title and its note, and the note is read as every note is.
        if let Some(note) = units::find_notes(text)
            .last()
            .filter(|n| n.start > 0 && text[n.end..].trim().is_empty())
        {
            let rest = text[note.start..].to_string();
            return (text[..note.start].trim_end().to_string(), Some(rest), false);
        }
        (text.to_string(), None, false)
    } else {
        (String::new(), Some(text.to_string()), false)
    }
}

/// Parses a policy body (Markdown) whose first line is line `first_line` of `file`.
///
/// The whole document is read before anything is decided: levels come from the numbering
/// styles present (`第一部分 > 第一章 > 第一节 > 第一条 > 一、 > （一） > 1. > （1）`), ids from whether each
/// style restarts under its parent or runs straight through, task clauses from the deepest level
/// and the leaves that carry a unit note. Whatever is guessed is a warning.
pub fn parse(body: &str, first_line: usize, file: &Path) -> (ClauseTree, Diagnostics) {
    parse_with_levels(body, first_line, file, None)
}

/// [`parse`], with the levels given by the editor (`levels: ["一、", "（一）", "1."]` in the
/// front matter) instead of the recogniser's reading; `levels_line` is where they are written.
pub fn parse_with_levels(
    body: &str,
    first_line: usize,
    file: &Path,
    levels: Option<(&[String], usize)>,
) -> (ClauseTree, Diagnostics) {
    let mut diags = Diagnostics::new();
    let levels =
        levels.map(|(written, line)| structure::override_levels(written, file, line, &mut diags));
    // The blocks are read once: the split, the outline and the checks all read them.
    let mut blocks = blocks(body, first_line);
    let notice = issuing_notice::split(&mut blocks, file, &mut diags);
    let (body, appended) = appended::split(body, &mut blocks, first_line, file, &mut diags);
    let mut tree = structure::build_tree(&blocks, levels.as_deref(), file, &mut diags);
    tree.preamble.splice(0..0, notice);
    structure::assign_ids(&mut tree.roots, file, &mut diags);
    move_closing_lines(&mut tree);
    tree.appended = appended;
    notes::extract_all(&mut tree.roots, file, &mut diags);
    structure::mark_clauses(&mut tree.roots, levels.as_deref());
    notes::attach_group_notes(&mut tree.roots, file, &mut diags);
    verify::verify(&tree, body, &blocks, first_line, file, &mut diags);
    if levels.is_none() {
        articles::doubts(&tree, file, &mut diags);
    }
    (tree, diags)
}

/// The signature, date and `（此件公开发布）` after the last clause are not part of that clause.
fn move_closing_lines(tree: &mut ClauseTree) {
    let Some(mut last) = tree.roots.last_mut() else {
        return;
    };
    while let Some(child) = last.children.last_mut() {
        last = child;
    }
    let is_closing = |p: &Paragraph| {
        !is_line_block(&p.text)
            && !p.text.contains('。')
            && p.text.chars().count() <= 40
            && units::find_notes(&p.text).is_empty()
            && units::own_line_note(&p.text).is_none()
            && units::unclosed_note_start(&p.text).is_none()
    };
    let keep = last
        .paragraphs
        .iter()
        .rposition(|p| !is_closing(p))
        .map_or(0, |i| i + 1);
    tree.closing = last.paragraphs.split_off(keep);
}

#[cfg(test)]
mod tests;
