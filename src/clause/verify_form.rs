//! Doubts read from the grammar of policy writing rather than from the recogniser's own rules,
//! so that what it gets wrong on a document it has never seen still lands in a warning on the
//! clause concerned: a line that opens with a number written in a form the numbering reader
//! does not know, a paragraph that names only units but was read as text, a part whose title
//! says it lists tasks but where no task was found, and a run of items after a short line that
//! reads like a heading that lost its number.

use std::collections::HashSet;
use std::path::Path;

use super::verify::title_of;
use crate::clause::numbering::{self, is_cjk, parse_chinese_numeral, Style};
use crate::clause::structure::FRAMING_PARTS;
use crate::clause::units::split_top;
use crate::clause::{unit_name, ClauseTree, Node, Paragraph};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Runs every check of this module.
pub(super) fn verify(
    tree: &ClauseTree,
    body: &str,
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    loose_numbers(tree, body, first_line, file, diags);
    unit_only_paragraphs(tree, file, diags);
    taskless_task_parts(tree, file, diags);
    headings_without_numbers(tree, file, diags);
    repeated_tasks(tree, file, diags);
}

fn name_of(n: &Node) -> String {
    if n.label.is_empty() {
        n.heading.chars().take(12).collect()
    } else {
        n.label.clone()
    }
}

fn ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// A number at the start of `text` in a form the numbering reader does not take: `1。`, `1，`,
/// `1)`, `1 加强…`, `一．`, `一 总体要求`, `〔一〕`, `【1】`, or `1.` directly followed by digits
/// (`1.2024年8月底前…`). Returns the token as written and its value.
fn loose_number(text: &str) -> Option<(String, u32)> {
    let first = text.chars().next()?;
    // Bracketed: `〔一〕`, `【1】`, `［2］`.
    if let Some(close) = match first {
        '〔' => Some('〕'),
        '【' => Some('】'),
        '［' | '[' => Some(if first == '［' { '］' } else { ']' }),
        _ => None,
    } {
        let inner: String = text[first.len_utf8()..]
            .chars()
            .take_while(|c| *c != close)
            .collect();
        let value = parse_chinese_numeral(&inner).or_else(|| parse_digits(&inner))?;
        let end = first.len_utf8() + inner.len() + close.len_utf8();
        let after = text.get(end..)?.chars().next()?;
        return (inner.chars().count() <= 3 && is_cjk(after))
            .then(|| (text[..end].to_string(), value));
    }
    let (digits, value) = if ascii_digit(first).is_some() {
        let d: String = text
            .chars()
            .take_while(|c| ascii_digit(*c).is_some())
            .collect();
        let v = parse_digits(&d)?;
        (d, v)
    } else {
        let d: String = text
            .chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .collect();
        let v = parse_chinese_numeral(&d)?;
        (d, v)
    };
    if digits.chars().count() > 3 || value > 60 {
        return None;
    }
    let rest = &text[digits.len()..];
    let sep = rest.chars().next()?;
    let after_sep = &rest[sep.len_utf8()..];
    let next = after_sep.chars().next()?;
    let arabic = ascii_digit(first).is_some();
    let ok = match sep {
        // `1.2024年`: a number whose separator is followed by digits.
        '.' | '．' if arabic => {
            // Not a decimal (`1.38`, `19.23` in a table): digits that run on into words.
            let tail = after_sep.trim_start_matches(|c: char| ascii_digit(c).is_some());
            ascii_digit(next).is_some() && tail.chars().next().is_some_and(is_cjk)
        }
        '.' | '．' => is_cjk(next),
        '。' | '，' | ',' | ')' | '）' | '：' | ':' => is_cjk(next),
        ' ' | '\u{3000}' => {
            let word = after_sep.trim_start();
            word.chars().next().is_some_and(is_cjk)
        }
        _ => false,
    };
    ok.then(|| (format!("{digits}{sep}").trim_end().to_string(), value))
}

fn parse_digits(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    for c in s.chars() {
        v = v.checked_mul(10)?.checked_add(ascii_digit(c)?)?;
    }
    (!s.is_empty() && v > 0).then_some(v)
}

/// The kind of a loose token, for telling a run: its separator and whether it is arabic.
fn kind_of(token: &str) -> (bool, Option<char>) {
    let arabic = token.chars().next().and_then(ascii_digit).is_some();
    (arabic, token.chars().last())
}

/// Lines that open with a number the reader could not take for a numbering (`1。`, `一．`,
/// `1.2024年…`) stay text: the task they start is lost, or is read into the clause before.
/// Named when the number starts a run (1) or continues one (the line before of the same form
/// holds the number before it), so a sentence that happens to open with a number is left alone.
fn loose_numbers(
    tree: &ClauseTree,
    body: &str,
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    let nodes = tree.walk();
    let node_lines: HashSet<usize> = nodes.iter().map(|n| n.line).collect();
    let mut found: Vec<(usize, String, u32)> = Vec::new();
    for (i, raw) in body.lines().enumerate() {
        let line = first_line + i;
        let text = raw.trim().trim_start_matches('#').trim_start();
        if text.starts_with(['|', '>']) || node_lines.contains(&line) {
            continue;
        }
        if numbering::detect(text).is_some() {
            continue;
        }
        if let Some((token, value)) = loose_number(text) {
            found.push((line, token, value));
        }
    }
    let in_run = |i: usize| {
        let (_, token, value) = &found[i];
        let kind = kind_of(token);
        let neighbour = |j: usize, want: u32| {
            found
                .get(j)
                .is_some_and(|(_, t, v)| kind_of(t) == kind && *v == want)
        };
        (i > 0 && neighbour(i - 1, value.wrapping_sub(1))) || neighbour(i + 1, value + 1)
    };
    for i in 0..found.len() {
        if !in_run(i) {
            continue;
        }
        let (line, token, _) = &found[i];
        let place = match enclosing(&nodes, *line) {
            Some(n) => format!("它留在了「{}」（{}）的正文中", name_of(n), title_of(n)),
            None => "它不在任何条款中".to_string(),
        };
        diags.push(
            Diagnostic::warning(format!(
                "以「{token}」开头的一段像是编号，但这种写法未能识别为条款编号，没有成为条款：{place}"
            ))
            .at(file, *line)
            .hint("如果它是一个条款，请把编号改写为「1.」「（一）」「一、」这样的常用写法，编号后不要紧跟数字；如果它不是编号，请核对后保留。"),
        );
    }
}

/// The deepest node whose text holds `line`.
fn enclosing<'a>(nodes: &[&'a Node], line: usize) -> Option<&'a Node> {
    nodes
        .iter()
        .filter(|n| n.line <= line)
        .max_by_key(|n| n.line)
        .filter(|n| n.paragraphs.iter().any(|p| p.line == line) || n.line == line)
        .copied()
}

/// A paragraph that is nothing but unit names (`区发展改革委`, `区规划资源局、区建设管理委`):
/// the unit cells of a task table pasted as text, or a note whose label was lost.
fn names_only(p: &Paragraph) -> Option<Vec<String>> {
    const MAX_CHARS: usize = 80;
    let text = p.text.trim().trim_end_matches(['。', '；', ';']);
    if text.is_empty() || text.chars().count() > MAX_CHARS || text.contains(['\n', '|']) {
        return None;
    }
    let parts: Vec<String> = split_top(text, &['、', '，', ',', '；', ';', ' ', '\u{3000}'])
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let all_units = !parts.is_empty() && parts.iter().all(|s| is_organ(s));
    all_units.then_some(parts)
}

/// Endings of an organ's name (a body that can be given a task), not of a place (`马陆社区`,
/// `北虹桥商务区`) or a thing (`相关政策与解读`).
const ORGAN_ENDINGS: [&str; 24] = [
    "委",
    "局",
    "办",
    "厅",
    "部",
    "署",
    "院",
    "中心",
    "政府",
    "管委会",
    "委员会",
    "办公室",
    "公司",
    "集团",
    "专班",
    "小组",
    "单位",
    "部门",
    "机构",
    "街镇",
    "队",
    "处",
    "联",
    "会",
];

/// A name that reads as an organ: the grammar of unit names holds no doubt about it, it ends
/// like an organ, and it holds no digits (a date, a deadline).
pub(super) fn is_organ(name: &str) -> bool {
    let n = name.chars().count();
    (3..=24).contains(&n)
        && !name.chars().any(|c| ascii_digit(c).is_some())
        && ORGAN_ENDINGS.iter().any(|e| name.ends_with(e))
        && unit_name::doubt(name).is_none()
}

/// A clause whose own text holds a paragraph of unit names that was not read as its unit note:
/// its units are missing or incomplete on its page.
fn unit_only_paragraphs(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    // A run of this many unit-only paragraphs is a list (a web page's directory of links, the
    // members of a group), not the unit cells of one row.
    const LIST_RUN: usize = 4;
    for n in tree.walk().into_iter().filter(|n| n.is_clause) {
        let found: Vec<Option<Vec<String>>> = n.paragraphs.iter().map(names_only).collect();
        for (i, p) in n.paragraphs.iter().enumerate() {
            if p.line == n.line || (n.note_line > 0 && p.line == n.note_line) {
                continue;
            }
            let Some(names) = found[i].clone() else {
                continue;
            };
            let before = found[..i].iter().rev().take_while(|f| f.is_some()).count();
            let after = found[i + 1..].iter().take_while(|f| f.is_some()).count();
            if before + 1 + after >= LIST_RUN {
                continue;
            }
            let read: HashSet<&str> = n
                .units
                .iter()
                .flat_map(|g| g.names.iter().map(String::as_str))
                .collect();
            if names.iter().all(|s| read.contains(s.as_str())) {
                continue;
            }
            diags.push(
                Diagnostic::warning(format!(
                    "条款 {}（{}）的正文中有一段只列了单位「{}」，没有读成它的单位说明",
                    n.id,
                    title_of(n),
                    names.join("、")
                ))
                .at(file, p.line)
                .hint("如果这是任务分工表中的牵头/配合单位，请把表格改写为 Markdown 表格；如果是单位说明，请写成「（牵头单位：…；配合单位：…）」。"),
            );
        }
    }
}

/// Words of a part title that says the part lists the document's tasks.
const TASK_TITLE_WORDS: [&str; 9] = [
    "主要任务",
    "重点任务",
    "工作任务",
    "任务措施",
    "主要措施",
    "重点措施",
    "具体措施",
    "重点工作",
    "主要举措",
];

fn holds_clause(n: &Node) -> bool {
    n.is_clause || n.children.iter().any(holds_clause)
}

/// A part titled as the list of tasks (`二、主要任务`) whose numbered items hold no task clause,
/// while the document has task clauses elsewhere: the document's levels were read so that its
/// tasks are somewhere else (an attached measure in articles, a table), and these are lost.
fn taskless_task_parts(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    let nodes = tree.walk();
    if !nodes.iter().any(|n| n.is_clause) {
        return;
    }
    for n in nodes {
        let titled = TASK_TITLE_WORDS.iter().any(|w| n.heading.contains(w))
            && !FRAMING_PARTS.iter().any(|w| n.heading.contains(w));
        let items: Vec<&Node> = n.children.iter().filter(|c| c.style.is_some()).collect();
        if !titled || items.is_empty() || holds_clause(n) {
            continue;
        }
        for c in items {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」（{}）下的「{}」（{}）没有列为任务条款：这一部分的标题表明它列的是任务，但其下没有识别出任何任务条款",
                    name_of(n),
                    title_of(n),
                    name_of(c),
                    title_of(c)
                ))
                .at(file, c.line)
                .hint("请核对本文的层级：如果这些是任务，请在前置元数据中用 levels 写明各级编号，如 levels: [\"一、\", \"（一）\", \"1.\"]。"),
            );
        }
    }
}

/// A short line without punctuation or digits (`重点整治内容`, `工作安排`): a heading whose
/// number was lost (a web page's list markup, a PDF's drawn numbers).
fn is_heading_line(text: &str) -> bool {
    const TITLE_ENDINGS: [&str; 14] = [
        "通知", "意见", "方案", "办法", "规划", "规定", "细则", "条例", "计划", "措施", "决定",
        "附件", "附表", "目录",
    ];
    let n = text.chars().count();
    (2..=12).contains(&n)
        && text.chars().all(is_cjk)
        && !TITLE_ENDINGS.iter().any(|e| text.ends_with(e))
        && !is_organ(text)
}

/// Items that restart at 1 after a heading-like line that stayed text (`重点整治内容` before
/// `1.`–`4.`): the heading lost its number, so these items were placed under the wrong parent
/// (or at the top) and their ids and paths are wrong. Each item of the run is named.
fn headings_without_numbers(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    // Paragraphs in document order with, for each, the first node that starts after it.
    let nodes = tree.walk();
    let mut paragraphs: Vec<&Paragraph> = tree.preamble.iter().collect();
    for n in &nodes {
        paragraphs.extend(n.paragraphs.iter().filter(|p| p.line != n.line));
    }
    for p in paragraphs {
        if !is_heading_line(p.text.trim()) {
            continue;
        }
        let Some(first_idx) = nodes.iter().position(|n| n.line > p.line) else {
            continue;
        };
        let first = nodes[first_idx];
        // At most one paragraph (an intro) between the line and the run.
        let between = nodes
            .iter()
            .flat_map(|n| n.paragraphs.iter())
            .chain(tree.preamble.iter())
            .filter(|q| q.line > p.line && q.line < first.line)
            .count();
        // Above `一、` or `第一条` a line without number is the document's or an attachment's
        // title, not a lost heading; so is the first line under an unnumbered heading (`附件`).
        let top_kind = matches!(
            first.style,
            None | Some(
                Style::Part | Style::Chapter | Style::Section | Style::Article | Style::CnComma
            )
        );
        let titles_its_section = nodes
            .iter()
            .any(|n| n.style.is_none() && n.paragraphs.first().is_some_and(|q| q.line == p.line));
        if top_kind || titles_its_section || first.ordinal != 1 || between > 1 {
            continue;
        }
        // The run: first and its later siblings of the same style, up to the next heading line.
        let siblings = siblings_of(tree, first);
        let next_heading = tree
            .walk()
            .iter()
            .flat_map(|n| n.paragraphs.iter())
            .filter(|q| q.line > first.line && is_heading_line(q.text.trim()))
            .map(|q| q.line)
            .min()
            .unwrap_or(usize::MAX);
        for m in siblings
            .iter()
            .filter(|m| m.style == first.style && m.line >= first.line && m.line < next_heading)
        {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」（{}）前面的「{}」没有编号，像是丢了编号的上一级标题；本条没有归入它下面，所在层级和编号可能有误",
                    name_of(m),
                    title_of(m),
                    p.text.trim()
                ))
                .at(file, m.line)
                .hint(format!("请核对原文：如果「{}」是上一级标题，请给它补上编号（如「二、」），或在它前面加 ## 使它成为标题。", p.text.trim())),
            );
        }
    }
}

/// The nodes that share `target`'s parent (the roots when it has none), in order.
fn siblings_of<'a>(tree: &'a ClauseTree, target: &Node) -> Vec<&'a Node> {
    fn go<'a>(nodes: &'a [Node], target: &Node) -> Option<Vec<&'a Node>> {
        if nodes.iter().any(|n| std::ptr::eq(n, target)) {
            return Some(nodes.iter().collect());
        }
        nodes.iter().find_map(|n| go(&n.children, target))
    }
    go(&tree.roots, target).unwrap_or_default()
}

/// What identifies a text: its first sentence (to `。`, `；` or `：`), letters, digits and CJK
/// only, at most 60 characters; `None` when shorter than 6 (too common to tell a task).
fn key_of(text: &str) -> Option<String> {
    const MIN_CHARS: usize = 6;
    const MAX_CHARS: usize = 60;
    let key: String = text
        .chars()
        .take_while(|c| !"。；：;:".contains(*c))
        .filter(|c| c.is_alphanumeric())
        .take(MAX_CHARS)
        .collect();
    (key.chars().count() >= MIN_CHARS).then_some(key)
}

/// A task clause whose text also opens another paragraph or node of the document: the same task
/// is written twice (in the text and again in a task table or an attachment), and which of the
/// two places carries its units and its place in the outline the form does not tell. Each place
/// is named, with the other's line.
fn repeated_tasks(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    let nodes = tree.walk();
    // (line, key, is a clause) of every node and every paragraph that starts a line of its own.
    let mut places: Vec<(usize, String, bool)> = Vec::new();
    for n in &nodes {
        let own: String = std::iter::once(n.heading.as_str())
            .chain(
                n.paragraphs
                    .iter()
                    .filter(|p| p.line == n.line)
                    .map(|p| p.text.as_str()),
            )
            .collect();
        if let Some(k) = key_of(&own) {
            places.push((n.line, k, n.is_clause));
        }
        for p in n.paragraphs.iter().filter(|p| p.line != n.line) {
            if let Some(k) = key_of(&p.text) {
                places.push((p.line, k, false));
            }
        }
    }
    for (line, key, _) in &places {
        let same: Vec<&(usize, String, bool)> =
            places.iter().filter(|(_, k, _)| k == key).collect();
        // Two clauses that open alike (articles of a law) are two tasks; a clause whose text
        // is also a paragraph elsewhere is one task written twice.
        let clauses = same.iter().filter(|(_, _, clause)| *clause).count();
        if same.len() < 2 || clauses == 0 || clauses == same.len() {
            continue;
        }
        let others: Vec<String> = same
            .iter()
            .filter(|(l, _, _)| l != line)
            .map(|(l, _, _)| l.to_string())
            .collect();
        diags.push(
            Diagnostic::warning(format!(
                "以「{key}」开头的任务在本文中写了不止一处（另见第 {} 行），条款的单位和层级取自其中一处",
                others.join("、")
            ))
            .at(file, *line)
            .hint("请核对这项任务在正文与任务分工表（或附件）中的单位是否一致，以及它的条款页取了哪一处。"),
        );
    }
}
