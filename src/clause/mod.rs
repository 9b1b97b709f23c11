//! Parses a policy's text into its clause tree: parts, task groups and task clauses, each with a
//! stable id made of the written ordinals (`4.1.1` = part 四, group （一）, clause 1), and the unit
//! note of each clause parsed into lead and responsible units.

pub mod numbering;
pub mod outline;
pub mod units;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use numbering::Style;
pub use units::{Role, UnitGroup};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    /// Markdown source of the paragraph, lines already joined.
    pub text: String,
    /// 1-based line in the source file.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
                })
            }
        }
    }
    out.extend(current);
    out
}

/// A Markdown table row or block quote line, which must keep its own line.
fn is_line_block(line: &str) -> bool {
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

/// Decides which numbering styles form the tree and which one is the task-clause level.
struct Levels {
    level_of: HashMap<Style, usize>,
    clause_level: usize,
}

fn levels(styles_in_order: &[Style]) -> Levels {
    let mut seen: Vec<Style> = Vec::new();
    for s in styles_in_order {
        if !seen.contains(s) {
            seen.push(*s);
        }
    }
    let clause_style = [Style::Article, Style::Arabic]
        .into_iter()
        .find(|s| seen.contains(s))
        .or_else(|| {
            seen.iter()
                .rev()
                .find(|s| **s != Style::ArabicParen)
                .copied()
        })
        .or_else(|| seen.last().copied());
    let Some(clause_style) = clause_style else {
        return Levels {
            level_of: HashMap::new(),
            clause_level: 0,
        };
    };
    // Chapters and sections always sit above articles, whatever order they first appear in.
    let clause_pos = seen.iter().position(|s| *s == clause_style).unwrap_or(0);
    let mut structural: Vec<Style> = seen[..clause_pos].to_vec();
    for s in [Style::Chapter, Style::Section] {
        if seen.contains(&s) && !structural.contains(&s) && clause_style == Style::Article {
            structural.push(s);
        }
    }
    structural.sort_by_key(|s| match s {
        Style::Chapter => 0,
        Style::Section => 1,
        _ => 2 + seen.iter().position(|x| x == s).unwrap_or(0),
    });
    let mut level_of: HashMap<Style, usize> = structural
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i))
        .collect();
    level_of.insert(clause_style, structural.len());
    Levels {
        level_of,
        clause_level: structural.len(),
    }
}

/// Splits a numbered paragraph into its heading and the rest of its text.
fn split_heading(text: &str) -> (String, Option<String>, bool) {
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
        (text.to_string(), None, false)
    } else {
        (String::new(), Some(text.to_string()), false)
    }
}

/// Parses a policy body (Markdown) whose first line is line `first_line` of `file`.
pub fn parse(body: &str, first_line: usize, file: &Path) -> (ClauseTree, Diagnostics) {
    let mut diags = Diagnostics::new();
    let blocks = blocks(body, first_line);
    let detected: Vec<Option<numbering::Numbering>> =
        blocks.iter().map(|b| numbering::detect(&b.text)).collect();
    let styles: Vec<Style> = detected.iter().flatten().map(|n| n.style).collect();
    let lv = levels(&styles);

    let mut tree = ClauseTree::default();
    // Open nodes, outermost first, with the level of their style.
    let mut stack: Vec<(usize, Node)> = Vec::new();

    fn close_to(stack: &mut Vec<(usize, Node)>, level: usize, roots: &mut Vec<Node>) {
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            let Some((_, node)) = stack.pop() else { break };
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(node),
                None => roots.push(node),
            }
        }
    }

    for (block, num) in blocks.iter().zip(detected) {
        let level = num
            .as_ref()
            .and_then(|n| lv.level_of.get(&n.style).copied());
        let (Some(num), Some(level)) = (num, level) else {
            let para = Paragraph {
                text: block.text.clone(),
                line: block.line,
            };
            match stack.last_mut() {
                Some((_, node)) => node.paragraphs.push(para),
                None => tree.preamble.push(para),
            }
            continue;
        };
        close_to(&mut stack, level, &mut tree.roots);
        let parent_id = stack.last().map(|(_, n)| n.id.clone());
        let siblings: Vec<&Node> = match stack.last() {
            Some((_, p)) => p.children.iter().collect(),
            None => tree.roots.iter().collect(),
        };
        let id = match &parent_id {
            Some(p) => format!("{p}.{}", num.ordinal),
            None => num.ordinal.to_string(),
        };
        let label = num.style.label(&num.written, num.ordinal);
        if let Some(twin) = siblings.iter().find(|n| n.id == id) {
            diags.push(
                Diagnostic::error(format!(
                    "编号「{label}」重复，条款编号 {id} 已在第 {} 行使用",
                    twin.line
                ))
                .at(file, block.line)
                .hint("同一层级下的编号不能重复；请检查是否漏改了序号。"),
            );
        } else if let Some(prev) = siblings.last() {
            let prev_ordinal = prev
                .id
                .rsplit('.')
                .next()
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(0);
            if num.ordinal != prev_ordinal + 1 {
                diags.push(
                    Diagnostic::warning(format!("编号不连续：「{}」之后是「{label}」", prev.label))
                        .at(file, block.line)
                        .hint("请核对原文是否漏了条目或编号有误。"),
                );
            }
        } else if num.ordinal != 1 {
            diags.push(
                Diagnostic::warning(format!("本层级的第一个编号是「{label}」，不是从 1 开始"))
                    .at(file, block.line)
                    .hint("请核对原文是否漏了条目。"),
            );
        }
        let text = block.text[num.len..].trim();
        let (heading, rest, heading_ends_sentence) = split_heading(text);
        let mut node = Node {
            id,
            label,
            depth: stack.len(),
            heading,
            paragraphs: Vec::new(),
            heading_ends_sentence,
            units: Vec::new(),
            is_clause: level == lv.clause_level,
            children: Vec::new(),
            line: block.line,
        };
        if let Some(rest) = rest {
            node.paragraphs.push(Paragraph {
                text: rest,
                line: block.line,
            });
        }
        stack.push((level, node));
    }
    close_to(&mut stack, 0, &mut tree.roots);

    move_closing_lines(&mut tree);
    for_each_node_mut(&mut tree.roots, &mut |node| {
        extract_unit_note(node, file, &mut diags)
    });
    (tree, diags)
}

fn for_each_node_mut(nodes: &mut [Node], f: &mut dyn FnMut(&mut Node)) {
    for n in nodes {
        f(n);
        for_each_node_mut(&mut n.children, f);
    }
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
            && units::find_note_start(&p.text).is_none()
    };
    let keep = last
        .paragraphs
        .iter()
        .rposition(|p| !is_closing(p))
        .map_or(0, |i| i + 1);
    tree.closing = last.paragraphs.split_off(keep);
}

/// Cuts the unit note off the end of a node's text; a note broken over two paragraphs is joined.
fn extract_unit_note(node: &mut Node, file: &Path, diags: &mut Diagnostics) {
    // Tables and boxes after the note belong to the clause, not to the note.
    let text_end = node
        .paragraphs
        .iter()
        .rposition(|p| !is_line_block(&p.text))
        .map_or(0, |i| i + 1);
    let trailing_blocks = node.paragraphs.split_off(text_end);
    extract_note_from_text(node, file, diags);
    node.paragraphs.extend(trailing_blocks);
}

fn extract_note_from_text(node: &mut Node, file: &Path, diags: &mut Diagnostics) {
    let n = node.paragraphs.len();
    for i in (n.saturating_sub(2)..n).rev() {
        let Some(start) = units::find_note_start(&node.paragraphs[i].text) else {
            continue;
        };
        let mut note = node.paragraphs[i].text[start..].to_string();
        for p in &node.paragraphs[i + 1..] {
            join_line(&mut note, &p.text);
        }
        let line = node.paragraphs[i].line;
        node.paragraphs.truncate(i + 1);
        let kept = node.paragraphs[i].text[..start].trim_end().to_string();
        if kept.is_empty() {
            node.paragraphs.pop();
        } else {
            node.paragraphs[i].text = kept;
        }
        let (groups, unknown) = units::parse_note(&note);
        for label in unknown {
            diags.push(
                Diagnostic::warning(format!(
                    "条款 {} 的单位说明中有未知标签「{label}」，已按责任单位处理",
                    node.id
                ))
                .at(file, line)
                .hint("可用的标签：牵头单位、牵头部门、责任单位、参与部门、参与单位、配合部门。"),
            );
        }
        node.units = groups;
        return;
    }
}

#[cfg(test)]
mod tests;
