//! Reconciles the recognised clause tree with its source, so that no mistake of the recogniser
//! reaches a page unannounced: every line that starts with a numbering token is a node or is
//! named in a warning, every unit name is read against the grammar of unit names
//! ([`super::unit_name`]), and a clause without units among clauses with units is pointed out.
//! (Gaps and restarts of each level's numbering are warned where ids are assigned.)

use std::collections::HashSet;
use std::path::Path;

use super::numbering::{self, Style};
use super::structure::rank;
use super::{unit_name, Block, ClauseTree, Node};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Runs every check on `tree`, parsed from `body` (read into `blocks`) whose first line is
/// `first_line` of `file`.
pub(super) fn verify(
    tree: &ClauseTree,
    body: &str,
    blocks: &[Block],
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    numbered_lines(tree, body, blocks, first_line, file, diags);
    unreadable_numbering(tree, body, first_line, file, diags);
    super::verify_letter_digit::verify(tree, body, first_line, file, diags);
    itemless_groups(tree, file, diags);
    super::verify_levels::mixed_levels(tree, file, diags);
    skipped_levels(tree, file, diags);
    duty_lists(tree, file, diags);
    unit_names(tree, file, diags);
    clauses_without_units(tree, file, diags);
    super::verify_flat_table::verify(tree, blocks, file, diags);
    super::verify_form::verify(tree, body, first_line, file, diags);
}

/// How a node is named in a message: its label, or its heading when it has none.
pub(super) fn name_of(n: &Node) -> String {
    if n.label.is_empty() {
        n.heading.chars().take(12).collect()
    } else {
        n.label.clone()
    }
}

/// A clause's title for a message: its heading, or the start of its text.
pub(super) fn title_of(n: &Node) -> String {
    let text = match n.heading.as_str() {
        "" => n.paragraphs.first().map_or("", |p| p.text.as_str()),
        h => h,
    };
    let mut s: String = text.chars().take(16).collect();
    if text.chars().count() > 16 {
        s.push('…');
    }
    s
}

fn numbered_lines(
    tree: &ClauseTree,
    body: &str,
    all_blocks: &[Block],
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    let nodes = tree.walk();
    let node_lines: HashSet<usize> = nodes.iter().map(|n| n.line).collect();
    let block_starts: HashSet<usize> = all_blocks.iter().map(|b| b.line).collect();
    // The items of a notice's attachment list (`附件：` / `1.…` / `2.…`) name files, not tasks.
    let attachments = super::attachment_list::item_lines(all_blocks);
    // An issuing notice's own items before the issued document's title are named once.
    let notice_items = super::issuing_notice::item_lines(&tree.preamble);
    for (i, raw) in body.lines().enumerate() {
        let line = first_line + i;
        let text = raw.trim().trim_start_matches('#').trim_start();
        if text.starts_with(['|', '>'])
            || node_lines.contains(&line)
            || attachments.contains(&line)
            || notice_items.contains(&line)
        {
            continue;
        }
        let Some(num) = numbering::detect(text) else {
            continue;
        };
        let written = num.written.trim();
        let (what, hint) = if !block_starts.contains(&line) {
            (
                "它与上一行连成了一段".to_string(),
                "如果这是新的一条，请在它前面加一个空行。",
            )
        } else {
            match enclosing(&nodes, line) {
                Some(n) if is_sub_item(n, num.style) => (
                    format!("本文把「{written}」这种编号当作条款内的分项，它留在了「{}」的正文中", name_of(n)),
                    "如果它是一项单独的任务，请在前置元数据中用 levels 写明各级编号，如 levels: [\"一、\", \"（一）\", \"1.\", \"（1）\"]。",
                ),
                Some(n) => (
                    format!("它留在了「{}」的正文中", name_of(n)),
                    "如果它是一个条款，请检查它的编号是否与同级条款一致；如果只是正文中的列举，请核对后保留。",
                ),
                None => (
                    "它在第一个条款之前或最后一个条款之后".to_string(),
                    "如果它是一个条款，请检查它的编号是否与同级条款一致；如果只是正文中的列举，请核对后保留。",
                ),
            }
        };
        diags.push(
            Diagnostic::warning(format!(
                "以编号「{written}」开头的一段没有成为条款或标题：{what}"
            ))
            .at(file, line)
            .hint(hint),
        );
    }
}

/// `第 1 0 条`, `第19条`: an article (chapter, section) number in arabic digits or with spaces
/// between its characters (PDF text), which the numbering reader does not take for a number.
/// Returns the token as written.
fn spoiled_di_number(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('第')?;
    let inner_len: usize = rest
        .chars()
        .take_while(|c| {
            c.is_ascii_digit() || ('０'..='９').contains(c) || *c == ' ' || *c == '\u{3000}'
        })
        .map(char::len_utf8)
        .sum();
    let inner = &rest[..inner_len];
    let after = &rest[inner_len..];
    let marker = ["条", "章", "节", "部分"]
        .into_iter()
        .find(|m| after.starts_with(m))?;
    let has_digit = inner.chars().any(|c| !c.is_whitespace());
    has_digit.then(|| &text[..'第'.len_utf8() + inner_len + marker.len()])
}

/// Lines that open with a spoiled article number are read as text: name each, so that no
/// article is lost without a word.
fn unreadable_numbering(
    tree: &ClauseTree,
    body: &str,
    first_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    let node_lines: HashSet<usize> = tree.walk().iter().map(|n| n.line).collect();
    for (i, raw) in body.lines().enumerate() {
        let line = first_line + i;
        let text = raw
            .trim_matches(|c: char| c.is_whitespace())
            .trim_start_matches('#')
            .trim_start();
        if node_lines.contains(&line) || numbering::detect(text).is_some() {
            continue;
        }
        let Some(written) = spoiled_di_number(text) else {
            continue;
        };
        diags.push(
            Diagnostic::warning(format!(
                "以「{written}」开头的一段没有成为条款：编号用了阿拉伯数字或字间夹有空格，未能识别为条款编号"
            ))
            .at(file, line)
            .hint("如果它是一个条款，请把编号改写为「第十条」这样的中文数字，去掉字间的空格；如果它只是正文中的引用，请核对后保留。"),
        );
    }
}

/// Groups (`（一）`) that hold no items in one part while the same level holds numbered tasks in
/// another part: whether such a group is a task of its own (`（一）推动源头减量。一是…`) or a
/// section of text cannot be told from the form. Parts that frame the tasks by their name
/// (指导思想, 基本原则, 保障措施 …) are left out, and so is the last part: it is by convention
/// the 保障措施/组织实施 part, whose groups are no tasks — unless the level is in doubt elsewhere.
fn itemless_groups(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    const FRAMING_PARTS: [&str; 12] = [
        "指导思想",
        "基本原则",
        "总体要求",
        "工作目标",
        "主要目标",
        "发展目标",
        "适用范围",
        "职责分工",
        "保障措施",
        "组织实施",
        "组织保障",
        "工作要求",
    ];
    let parts: Vec<&Node> = tree.roots.iter().filter(|n| n.style.is_some()).collect();
    // The closing parts (保障措施, 工作要求 …) are left out while the rest of the document reads
    // clearly; where the same level is in doubt in a part that assigns tasks, their groups
    // (`八、工作要求` `（一）加强领导…`) are in the same doubt and named too (heldout11 192).
    let mut doubt_in_task_parts = false;
    let mut closing: Vec<&Node> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if FRAMING_PARTS.iter().any(|w| part.heading.contains(w)) || last {
            if !super::structure::is_aims_part(part) && !part.heading.contains("职责分工") {
                closing.push(part);
            }
            continue;
        }
        doubt_in_task_parts |= itemless_groups_of(part, &parts, file, diags);
    }
    // A level that is tasks in some places and groups of tasks in others (`（一）1.` a task,
    // `（二）1.` holding `（1）`…) puts the closing part's groups in the same doubt (heldout12
    // 213 `三、工作要求` `（一）加强组织领导。…`, tasks by its truth).
    let all = tree.walk();
    let mixed_level = all.iter().any(|leaf| {
        leaf.is_clause
            && leaf.depth > 0
            && leaf.children.iter().all(|c| c.style.is_none())
            && all.iter().any(|m| {
                m.style == leaf.style && !m.is_clause && m.children.iter().any(|c| c.is_clause)
            })
    });
    if doubt_in_task_parts || mixed_level {
        for part in closing {
            itemless_groups_of(part, &parts, file, diags);
        }
    }
}

/// Names the item-less groups of `part` when the same level holds tasks in another of `parts`;
/// returns whether it named any.
fn itemless_groups_of(part: &Node, parts: &[&Node], file: &Path, diags: &mut Diagnostics) -> bool {
    let holds_tasks = |c: &Node| c.children.iter().any(|g| g.is_clause);
    let task_holder = |part: &&Node, style: Style| {
        part.children
            .iter()
            .any(|c| c.style == Some(style) && holds_tasks(c))
    };
    // A part whose tasks are numbered straight under it in another style than the groups,
    // with no group of that style of its own.
    let tasks_in_place_of_groups = |part: &&Node, style: Style| {
        part.children.iter().all(|c| c.style != Some(style))
            && part
                .children
                .iter()
                .any(|c| c.is_clause && c.style.is_some_and(|s| s != style))
    };
    let itemless: Vec<&Node> = part
        .children
        .iter()
        .filter(|c| {
            c.style.is_some()
                && !c.is_clause
                && c.units.is_empty()
                && c.children.iter().all(|g| g.style.is_none())
        })
        .collect();
    let Some(style) = itemless.first().and_then(|c| c.style) else {
        return false;
    };
    // The same depth holds tasks in another part either as items of a group of this level
    // or, with the group level skipped there, as items written straight under the part
    // (`七、` → `1、立项资金…` beside `五、` → `（一）前期准备阶段`): position in the
    // outline, not the numbering token, says which nodes are peers.
    let why = if parts.iter().any(|p| task_holder(p, style)) {
        "而别的部分中同一级编号下写有任务分项"
    } else if parts.iter().any(|p| tasks_in_place_of_groups(p, style)) {
        "而别的部分在同一层级直接分列了任务条款"
    } else {
        return false;
    };
    for c in itemless.iter().filter(|c| c.style == Some(style)) {
        diags.push(
            Diagnostic::warning(format!(
                "「{}」下的「{}」（{}）没有分项，没有列为任务条款；{why}",
                name_of(part),
                c.label,
                title_of(c)
            ))
            .at(file, c.line)
            .hint("如果它本身是一项任务，请在它的末尾写明单位说明（如「（责任单位：…）」）；如果它只是说明性的文字，请核对后保留。"),
        );
    }
    true
}

/// A part whose tasks are numbered straight under it in a deeper style than the tasks of the
/// other parts (`四、工作内容` `1.工矿仓储用地：…` `2.其他建设用地：…` beside `五、工作步骤`
/// `（一）前期准备阶段…`): its items skip a level the document uses for tasks, and may be the
/// contents of the part (kinds, scope, steps listed) rather than tasks, the part itself being
/// the task (heldout11 192). Each such part is named once.
fn skipped_levels(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    if super::articles::is_article_form(&tree.roots) {
        return;
    }
    // The style of a part's own task clauses, when they are numbered items straight under it.
    let task_style = |p: &Node| {
        let styles: Vec<Style> = p
            .children
            .iter()
            .filter(|c| c.is_clause && c.table.is_none())
            .filter_map(|c| c.style)
            .collect();
        let first = *styles.first()?;
        styles.iter().all(|s| *s == first).then_some(first)
    };
    let parts: Vec<(&Node, Style)> = tree
        .roots
        .iter()
        .filter(|p| p.style.is_some() && !super::structure::is_aims_part(p))
        .filter_map(|p| task_style(p).map(|s| (p, s)))
        .collect();
    for (p, style) in &parts {
        let Some((other, shallower)) = parts.iter().find(|(_, s)| rank(*s) < rank(*style)) else {
            continue;
        };
        let noted = p
            .children
            .iter()
            .filter(|c| c.is_clause)
            .all(|c| !c.units.is_empty());
        if noted {
            continue;
        }
        let item = p
            .children
            .iter()
            .find(|c| c.is_clause)
            .map_or(String::new(), |c| c.label.clone());
        let level = tree
            .walk()
            .into_iter()
            .find(|n| n.style == Some(*shallower))
            .map_or(String::new(), |n| n.label.clone());
        diags.push(
            Diagnostic::warning(format!(
                "「{}」（{}）下的「{item}」等各作为一项任务条款，而「{}」的任务在「{level}」一级：这一部分越过了「{level}」一级，它的编号分项可能只是这一部分的内容（类别、范围、步骤的列举），这一部分本身才是任务",
                name_of(p),
                title_of(p),
                name_of(other),
            ))
            .at(file, p.line)
            .hint("请核对原文：如果这些分项只是列举，请在前置元数据中用 levels 写明任务所在的编号层级；如果它们确是任务，请核对后保留。"),
        );
    }
}

/// A division of duties whose items are headed by body names (`1.街道消委办。牵头…`) is read
/// as what each body does, not as tasks (see [`super::structure::is_duty_list`]); that reading
/// is a judgement, so each such list whose items were left out of the tasks is named once, on
/// its heading.
fn duty_lists(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    for n in tree.walk() {
        let items: Vec<&Node> = n.children.iter().filter(|c| c.style.is_some()).collect();
        if !super::structure::is_duty_list(n) || items.iter().any(|c| c.is_clause) {
            continue;
        }
        let first = items.first().map_or(String::new(), |c| c.label.clone());
        diags.push(
            Diagnostic::warning(format!(
                "「{}」（{}）下的 {} 项（「{first}」起）各以单位名称开头，已作为各单位的职责分工，没有列为任务条款",
                name_of(n),
                title_of(n),
                items.len()
            ))
            .at(file, n.line)
            .hint("如果这些条目是要落实的任务，请在前置元数据中用 levels 写明任务所在的编号层级；如果只是各单位的职责，请核对后保留。"),
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

/// `（1）` inside a `1.` clause: a numbering style deeper than the clause's own.
fn is_sub_item(n: &Node, style: Style) -> bool {
    n.is_clause && n.style.is_some_and(|s| rank(s) < rank(style))
}

fn unit_names(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    for n in tree.walk() {
        let line = if n.note_line > 0 { n.note_line } else { n.line };
        let mut seen: HashSet<&str> = HashSet::new();
        for name in n.units.iter().flat_map(|g| &g.names) {
            if !seen.insert(name) {
                continue;
            }
            let Some(doubt) = unit_name::doubt(name) else {
                continue;
            };
            let (what, hint) = doubt.explain();
            diags.push(
                Diagnostic::warning(format!("「{}」的单位「{name}」{what}", name_of(n)))
                    .at(file, line)
                    .hint(hint),
            );
        }
    }
}

/// A clause without a note among sibling clauses with notes has most likely lost it (a note read
/// as text, or written once after the last item for the whole group).
fn clauses_without_units(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    fn go(nodes: &[Node], file: &Path, diags: &mut Diagnostics) {
        let clauses: Vec<&Node> = nodes.iter().filter(|n| n.is_clause).collect();
        let with = clauses.iter().filter(|c| !c.units.is_empty()).count();
        if with > 0 {
            for c in clauses.iter().filter(|c| c.units.is_empty()) {
                diags.push(
                    Diagnostic::warning(format!(
                        "条款 {}（{}）没有单位说明（牵头单位/责任单位），而同级的 {} 个条款中有 {with} 个写有单位说明",
                        c.id,
                        title_of(c),
                        clauses.len()
                    ))
                    .at(file, c.line)
                    .hint("请核对原文：这一条的单位说明是否写在了别处（如整组末尾），或本来就没有。"),
                );
            }
        }
        for n in nodes {
            go(&n.children, file, diags);
        }
    }
    go(&tree.roots, file, diags);
}
