//! The verifier's check of mixed levels: where one level holds both kinds of node — items
//! with numbered tasks under them and items that are tasks themselves (`四、拉大峰谷差价` beside
//! `二、保障足量签约` with its `（一）…`) — which of them are the tasks is read from the form, and
//! the form can mislead. Three doubts are named, each by its own function below; the holders
//! whose sub-items were made tasks are named last, once each.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::numbering::Style;
use super::verify::{name_of, title_of};
use super::{ClauseTree, Node};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Names each part made a task without items of its own, and each item whose sub-items were
/// made the tasks instead of itself.
pub(super) fn mixed_levels(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    // Articles with and without items are one form of their own (`第一条` a task, `第二条`'s
    // `（一）（二）` tasks): nothing mixed about them.
    if super::articles::is_article_form(&tree.roots) {
        return;
    }
    let mut all_holders = Vec::new();
    holders(&tree.roots, "", None, &mut all_holders);
    let mut ctx = Ctx {
        all_holders: &all_holders,
        doubted: Vec::new(),
        warned_lines: HashSet::new(),
        counts: style_counts(tree),
        file,
        diags,
    };
    walk(&tree.roots, None, None, &mut ctx);
    for (n, name, other) in ctx.doubted {
        if !ctx.warned_lines.insert(n.line) {
            continue;
        }
        ctx.diags.push(
            Diagnostic::warning(format!(
                "「{name}」（{}）下的编号分项已各作为一项任务条款，它本身不是任务条款；而同一级的「{other}」没有分项：这一级编号是任务本身还是任务的分组，本文前后不一",
                title_of(n)
            ))
            .at(file, n.line)
            .hint("如果这些分项只是这一条的内容（如类别、范围、标准的列举），这一条本身才是任务：请在前置元数据中用 levels 写明任务所在的编号层级；如果分项确是任务，请核对后保留。"),
        );
    }
}

fn holds_tasks(n: &Node) -> bool {
    n.children.iter().any(|c| c.is_clause && c.style.is_some())
}

fn holds_deeper_tasks(n: &Node) -> bool {
    n.children
        .iter()
        .any(|c| !c.is_clause && (holds_tasks(c) || holds_deeper_tasks(c)))
}

/// Every item holding numbered tasks, with its name under its parent's (`三、（一）`) and the
/// index of the part it is in.
type Holders<'a> = Vec<(String, &'a Node, usize)>;

fn holders<'a>(nodes: &'a [Node], parent: &str, part: Option<usize>, out: &mut Holders<'a>) {
    for (i, n) in nodes.iter().enumerate() {
        let part = part.unwrap_or(i);
        if !n.is_clause && n.style.is_some() && holds_tasks(n) {
            out.push((format!("{parent}{}", name_of(n)), n, part));
        }
        holders(&n.children, &name_of(n), Some(part), out);
    }
}

/// An item whose sub-items were made the tasks, held against an item of its level that has
/// none (by line), and the name of that other item: the doubt of a mixed level lies on both
/// sides, so the holders are named too (`（三）1.` whose `（1）第一类`… are kinds, not tasks,
/// beside `（一）1.` made a task, heldout12 213; `四、工作内容` whose `1.`–`2.` define its
/// scope, beside `三、组织领导`, heldout11 192).
type Doubted<'a> = Vec<(&'a Node, String, String)>;

/// Items whose sub-items each carry their own unit note are tasks by their notes: no doubt.
fn noted(n: &Node) -> bool {
    n.children
        .iter()
        .filter(|c| c.is_clause)
        .all(|c| !c.units.is_empty())
}

/// Per style: how many items it numbers, and how many of them hold numbered items.
fn style_counts(tree: &ClauseTree) -> HashMap<Style, (usize, usize)> {
    let mut counts: HashMap<Style, (usize, usize)> = HashMap::new();
    for m in tree.walk() {
        if let Some(s) = m.style {
            let e = counts.entry(s).or_default();
            e.0 += 1;
            if m.children.iter().any(|c| c.style.is_some()) {
                e.1 += 1;
            }
        }
    }
    counts
}

/// What the walk carries: the holders found beforehand, the holders to name at the end, the
/// lines already named, and how many items each style numbers.
struct Ctx<'a, 'b> {
    all_holders: &'b Holders<'a>,
    doubted: Doubted<'a>,
    warned_lines: HashSet<usize>,
    counts: HashMap<Style, (usize, usize)>,
    file: &'b Path,
    diags: &'b mut Diagnostics,
}

/// One numbered node `n` of style `style` among its siblings `nodes`, under `parent`, in the
/// part of index `part`.
struct Place<'a> {
    nodes: &'a [Node],
    n: &'a Node,
    style: Style,
    parent: Option<&'a Node>,
    part: usize,
}

impl<'a> Place<'a> {
    /// The siblings numbered in the same style.
    fn same(&self) -> impl Iterator<Item = &'a Node> + '_ {
        self.nodes.iter().filter(|m| m.style == Some(self.style))
    }
}

fn leaf_task(m: &Node) -> bool {
    m.is_clause && m.children.iter().all(|c| c.style.is_none())
}

fn walk<'a>(
    nodes: &'a [Node],
    parent: Option<&'a Node>,
    part: Option<usize>,
    ctx: &mut Ctx<'a, '_>,
) {
    for (i, n) in nodes.iter().enumerate() {
        let Some(style) = n.style else { continue };
        let at = Place {
            nodes,
            n,
            style,
            parent,
            part: part.unwrap_or(i),
        };
        group_made_task_across_parts(&at, ctx);
        itemless_part_beside_holders(&at, ctx);
        holder_beside_a_leaf_task(&at, ctx);
    }
    for (i, n) in nodes.iter().enumerate() {
        let part = part.unwrap_or(i);
        walk(&n.children, Some(n), Some(part), ctx);
    }
}

/// A node made a task because its level mostly holds no items across the document, though
/// elsewhere items of this level hold the tasks.
fn group_made_task_across_parts<'a>(at: &Place<'a>, ctx: &mut Ctx<'a, '_>) {
    let (n, style, parent) = (at.n, at.style, at.parent);
    let across_parts = parent.is_some_and(|p| p.style.is_some())
        && leaf_task(n)
        && n.units.is_empty()
        && !at.same().any(|m| !m.is_clause && holds_tasks(m));
    if !across_parts {
        return;
    }
    let all_holders = ctx.all_holders;
    let (Some(p), Some((holder, _, _))) = (
        parent,
        all_holders.iter().find(|(_, m, _)| m.style == Some(style)),
    ) else {
        return;
    };
    // The closing part's groups made tasks (`三、工作要求` `（一）…`) sit at a level that mostly
    // holds items: said as it is.
    let (all, holding) = ctx.counts.get(&style).copied().unwrap_or((0, 0));
    let most = if holding * 2 > all {
        "本文这一级编号多数分列了任务，这一项却没有分项"
    } else {
        "本文这一级编号多数没有分项"
    };
    ctx.diags.push(
        Diagnostic::warning(format!(
            "「{}」下的「{}」（{}）没有分项，已作为一项任务条款：{most}；而「{}」下分列了任务条款",
            name_of(p),
            name_of(n),
            title_of(n),
            holder
        ))
        .at(ctx.file, n.line)
        .hint("如果它只是说明性的文字而不是任务，请核对后保留；如果它是任务，请写明单位说明（如「（责任单位：…）」）。"),
    );
    // Only holders in the same part as the item without items (`二、（三）1.` beside
    // `二、（一）1.`): a closing part's groups made tasks say nothing of the holders in the parts
    // before it.
    let leaf = format!("{}{}", name_of(p), name_of(n));
    for (name, m, _) in all_holders.iter().filter(|(_, m, in_part)| {
        m.style == Some(style)
            && *in_part == at.part
            && !p.children.iter().any(|c| std::ptr::eq(c, *m))
    }) {
        if !noted(m) {
            ctx.doubted.push((m, name.clone(), leaf.clone()));
        }
    }
}

/// A top-level part with text but no items, beside parts of its level that hold tasks.
fn itemless_part_beside_holders<'a>(at: &Place<'a>, ctx: &mut Ctx<'a, '_>) {
    let top = at.parent.is_none();
    let itemless_part = |n: &Node| {
        top && !n.is_clause
            && n.units.is_empty()
            && !n.paragraphs.is_empty()
            && n.children.iter().all(|c| c.style.is_none())
            // A division of duties (`三、职责分工`, bodies named one paragraph each) may be a
            // task of its own or a section of text: named too (heldout4 84).
            && !super::structure::is_aims_part(n)
    };
    let n = at.n;
    if !itemless_part(n) {
        return;
    }
    // The tasks of the other parts may lie a level deeper (`四、` → `（一）` → `1.`): where no
    // part holds them directly, one holding them anywhere below is as much a sign that this
    // part's instructions may be a task (heldout11 202).
    let holder = at
        .same()
        .find(|m| !m.is_clause && holds_tasks(m))
        .map(|m| (m, "下分列了任务条款"))
        .or_else(|| {
            at.same()
                .find(|m| !m.is_clause && holds_deeper_tasks(m))
                .map(|m| (m, "的分项下分列了任务条款"))
        });
    let Some((holder, how)) = holder else { return };
    ctx.diags.push(
        Diagnostic::warning(format!(
            "「{}」（{}）没有分项，没有列为任务条款；而同级的「{}」{how}",
            name_of(n),
            title_of(n),
            name_of(holder)
        ))
        .at(ctx.file, n.line)
        .hint("如果它本身是一项任务，请在它的末尾写明单位说明（如「（责任单位：…）」）；如果它只是说明性的文字，请核对后保留。"),
    );
    // The holders are named only where they are no more than the parts without items
    // (`四、工作内容` and `七、` beside `三、` and `九、`): one 保障措施 part after four parts of
    // tasks puts no doubt on the four.
    let itemless = at.same().filter(|m| itemless_part(m)).count();
    let held: Vec<&Node> = at
        .same()
        .filter(|m| !m.is_clause && holds_tasks(m) && !noted(m))
        .collect();
    if held.len() <= itemless {
        for m in held {
            ctx.doubted.push((m, name_of(m), name_of(n)));
        }
    }
}

/// An item whose numbered sub-items were made tasks, beside an item of its level that is a
/// task itself.
fn holder_beside_a_leaf_task<'a>(at: &Place<'a>, ctx: &mut Ctx<'a, '_>) {
    let n = at.n;
    if n.is_clause || !holds_tasks(n) || noted(n) {
        return;
    }
    let Some(leaf) = at.same().find(|m| leaf_task(m)) else {
        return;
    };
    ctx.diags.push(
        Diagnostic::warning(format!(
            "「{}」（{}）下的编号分项已各作为一项任务条款，它本身不是任务条款；而同级的「{}」没有分项，本身就是任务条款",
            name_of(n),
            title_of(n),
            name_of(leaf)
        ))
        .at(ctx.file, n.line)
        .hint("如果这些分项只是这一条的内容（如标准、方法的列举），请在前置元数据中用 levels 写明任务所在的编号层级。"),
    );
    ctx.warned_lines.insert(n.line);
}
