//! The clause tree's shape, decided from the whole document: which numbering styles are
//! levels, where each numbered paragraph nests, whether a style's numbering restarts under its
//! parent or runs straight through (then a clause's id is its own number), and which nodes are
//! task clauses.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::numbering::{self, Numbering, Style};
use super::task_table::{self, Outcome};
use super::units;
use super::{split_heading, Block, ClauseTree, Node, Paragraph, TablePart};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The nesting of numbering styles in Chinese official writing (GB/T 9704 and common usage):
/// `第一部分 > 第一章 > 第一节 > 第一条 > 一、 > （一） > 1. > （1）`; an action plan's word labels
/// (`行动1：` > `任务1：`) sit under `一、`.
pub(super) fn rank(style: Style) -> usize {
    match style {
        Style::Part => 0,
        Style::Chapter => 1,
        Style::Section => 2,
        Style::Article => 3,
        Style::CnComma => 4,
        Style::Labelled(i) => 5 + usize::from(i),
        Style::CnParen => 5 + numbering::LABEL_WORDS.len(),
        Style::Arabic => 6 + numbering::LABEL_WORDS.len(),
        Style::ArabicParen => 7 + numbering::LABEL_WORDS.len(),
    }
}

/// Levels of the styles present; `（1）` is a level when neither `1.` nor `第一条` is used, or
/// when the document shows it to be one (`paren_level`, see [`paren_is_level`]); otherwise it
/// numbers items inside a clause's text. Styles in `above_articles` (see [`above_articles`])
/// are levels over the articles, whatever their usual rank.
fn levels(
    present: &HashSet<Style>,
    paren_level: bool,
    above_articles: &HashSet<Style>,
) -> HashMap<Style, usize> {
    let mut styles: Vec<Style> = present.iter().copied().collect();
    if !paren_level && (present.contains(&Style::Arabic) || present.contains(&Style::Article)) {
        styles.retain(|s| *s != Style::ArabicParen);
    }
    let article_rank = above_articles.iter().map(|s| 2 * rank(*s) + 1).max();
    styles.sort_by_key(|s| match (s, article_rank) {
        (Style::Article, Some(r)) => r,
        _ => 2 * rank(*s),
    });
    styles
        .into_iter()
        .enumerate()
        .map(|(i, s)| (s, i))
        .collect()
}

/// Whether `（1）` paragraphs under `1.` items are a level of the document (task clauses of their
/// own) rather than items listed inside a clause. Two forms of policy writing show it:
/// - the `（n）` run straight through across their `1.` parents (`1.` title line, `（1）`–`（3）`,
///   `2.` title line, `（4）`…): a clause's own list starts again at `（1）` in every clause;
/// - a `（n）` paragraph ends with its own unit note (`（1）…。（责任单位：…）`): it is a task.
///
/// - every `1.` that `（1）` paragraphs follow straight away is a title line (`1．消纳场所管理`,
///   no sentence of its own; two such at least): the `1.` names a topic and its `（n）`
///   paragraphs are the tasks under it.
///
/// Only `（n）` paragraphs of their own count; `（1）` inside a sentence is never a level. The body
/// decides: an attachment (`附件`, a task list flattened one cell per line) numbers its own rows.
fn paren_is_level(blocks: &[Block], detected: &[Option<Numbering>]) -> bool {
    let mut parens: Vec<u32> = Vec::new();
    let mut crossed = false;
    let mut arabic_since_paren = false;
    // Per `1.` directly followed by `（1）` paragraphs: whether it is a title line.
    let mut titled_parents: Vec<bool> = Vec::new();
    let mut last_arabic_title: Option<bool> = None;
    for (b, n) in blocks.iter().zip(detected) {
        if n.is_none() && is_attachment_marker(&b.text) {
            break;
        }
        match n.as_ref().map(|n| n.style) {
            Some(Style::ArabicParen) => {
                let Some(n) = n else { continue };
                if n.ordinal == 1 {
                    if let Some(title) = last_arabic_title.take() {
                        titled_parents.push(title);
                    }
                }
                if units::find_notes(&b.text)
                    .last()
                    .is_some_and(|note| b.text[note.end..].trim().len() <= '。'.len_utf8())
                {
                    return true;
                }
                if arabic_since_paren && parens.last().is_some_and(|p| n.ordinal == p + 1) {
                    crossed = true;
                }
                parens.push(n.ordinal);
                arabic_since_paren = false;
            }
            Some(Style::Arabic) => {
                arabic_since_paren = true;
                last_arabic_title = n.as_ref().map(|n| is_title_line(&b.text[n.len..]));
            }
            _ => last_arabic_title = None,
        }
    }
    let straight =
        crossed && parens.windows(2).all(|w| w[1] == w[0] + 1) && parens.first() == Some(&1);
    let titled = titled_parents.len() >= 2 && titled_parents.iter().all(|t| *t);
    straight || titled
}

/// A numbered line that is a title and nothing more: short, no sentence, no note
/// (`消纳场所管理`, `资源化处置与中转场所管理`).
fn is_title_line(rest: &str) -> bool {
    const MAX_TITLE_CHARS: usize = 20;
    let t = rest.trim();
    !t.is_empty()
        && t.chars().count() <= MAX_TITLE_CHARS
        && !t.contains(['。', '；', ';', '，', ',', '：', ':', '（', '('])
}

/// Styles that number groups of articles rather than items inside an article: `一、` parts and
/// `（一）` groups whose numbers carry on across the articles between them (`一、` `第1条`
/// `二、` `（一）` `第2条` `第3条` `（二）` `第4条`…, as a county's 实施意见 numbers its measures
/// straight through). Inside an article its items start again at one in every article; a style
/// that never does so over an article, and carries on at least once, is a level above them.
fn above_articles(detected: &[Option<Numbering>]) -> HashSet<Style> {
    let mut out = HashSet::new();
    let styles: HashSet<Style> = detected.iter().flatten().map(|n| n.style).collect();
    for style in styles {
        if rank(style) <= rank(Style::Article) {
            continue;
        }
        let (mut carried, mut restarted) = (0, 0);
        let mut last: Option<u32> = None;
        let mut article_since = false;
        for n in detected.iter().flatten() {
            if n.style == Style::Article {
                article_since = true;
            } else if n.style == style {
                if let (Some(prev), true) = (last, article_since) {
                    if n.ordinal == prev + 1 {
                        carried += 1;
                    } else {
                        restarted += 1;
                    }
                }
                last = Some(n.ordinal);
                article_since = false;
            } else if rank(n.style) < rank(style) && rank(n.style) > rank(Style::Article) {
                // A new part (`二、`) starts the groups (`（一）`) again: no pair across it.
                last = None;
                article_since = false;
            }
        }
        if carried > 0 && restarted == 0 {
            out.insert(style);
        }
    }
    out
}

/// `11.121人才梯队项目`: a number followed by digits is a clause start only where it continues
/// the sequence of its style.
fn detect_in_sequence(text: &str, last: &HashMap<Style, u32>) -> Option<(Numbering, bool)> {
    if let Some(n) = numbering::detect(text) {
        return Some((n, false));
    }
    let n = numbering::detect_followed_by_digits(text)?;
    let expected = last.get(&n.style).copied().unwrap_or(0) + 1;
    (n.ordinal == expected && expected > 1).then_some((n, true))
}

/// A heading line's text, not a sentence that happens to be marked as one.
fn is_heading_text(text: &str) -> bool {
    const MAX_CHARS: usize = 30;
    text.chars().count() <= MAX_CHARS && !text.contains(['。', '；', '！', '？'])
}

/// A short line without punctuation (`附则`) right before numbering that starts again at 1:
/// an unnumbered heading at the top level, not the text of the item before it.
fn is_unnumbered_heading(text: &str, next: Option<&Numbering>) -> bool {
    const MAX_CHARS: usize = 12;
    let n = text.chars().count();
    (2..=MAX_CHARS).contains(&n)
        && !text
            .chars()
            .any(|c| "。，、；：！？（）()〔〕《》“”\"',.;:!?".contains(c) || c.is_ascii_digit())
        && next.is_some_and(|n| n.ordinal == 1)
}

/// Most blocks between a lost part heading and its first numbered item (an intro paragraph).
const LOST_HEADING_MAX_GAP: usize = 2;

/// Part headings whose numbers a copy lost (`重点整治内容`, `工作安排`, `工作要求` where the
/// original had `二、`, `三、`, `四、`): short unnumbered lines, each followed within a paragraph
/// or two by numbering that starts at 1, in a document with no part-level numbering of its own.
/// One such line may be a sub-heading of text; two or more are the document's parts.
fn lost_part_headings(
    blocks: &[Block],
    detected: &[Option<Numbering>],
    present: &HashSet<Style>,
) -> HashSet<usize> {
    let part_styles = [
        Style::Part,
        Style::Chapter,
        Style::Section,
        Style::Article,
        Style::CnComma,
    ];
    if present
        .iter()
        .any(|s| part_styles.contains(s) || matches!(s, Style::Labelled(_)))
    {
        return HashSet::new();
    }
    let candidate = |i: usize| {
        blocks[i].hashes == 0
            && detected[i].is_none()
            && !super::is_line_block(&blocks[i].text)
            && is_unnumbered_heading(&blocks[i].text, Some(&ONE))
    };
    let mut found = HashSet::new();
    for i in 0..blocks.len() {
        if !candidate(i) {
            continue;
        }
        let next = (i + 1..blocks.len().min(i + 2 + LOST_HEADING_MAX_GAP))
            .take_while(|&k| !candidate(k))
            .find_map(|k| detected[k].as_ref());
        if next.is_some_and(|n| n.ordinal == 1) {
            found.insert(i);
        }
    }
    if found.len() < 2 {
        found.clear();
    }
    found
}

/// A numbering at 1, for asking [`is_unnumbered_heading`] about a line's words alone.
const ONE: Numbering = Numbering {
    style: Style::Arabic,
    ordinal: 1,
    written: String::new(),
    len: 0,
};

/// The styles of the editor's `levels:` list, top first; a sample that is no numbering is a
/// warning and left out.
pub(super) fn override_levels(
    written: &[String],
    file: &Path,
    line: usize,
    diags: &mut Diagnostics,
) -> Vec<Style> {
    let mut out = Vec::new();
    for w in written {
        match numbering::detect(&format!("{}正文", w.trim())) {
            Some(n) if !out.contains(&n.style) => out.push(n.style),
            _ => diags.push(
                Diagnostic::warning(format!("层级 levels 中的「{w}」不是可识别的编号，已忽略"))
                    .at(file, line)
                    .hint("每一项写一个编号样例，从最高层级写起，如 levels: [\"一、\", \"（一）\", \"1.\"]。"),
            ),
        }
    }
    out
}

pub(super) fn build_tree(
    blocks: &[Block],
    given: Option<&[Style]>,
    file: &Path,
    diags: &mut Diagnostics,
) -> ClauseTree {
    let mut last: HashMap<Style, u32> = HashMap::new();
    let mut detected: Vec<Option<Numbering>> = Vec::new();
    for b in blocks {
        let found = detect_in_sequence(&b.text, &last);
        if let Some((n, loose)) = &found {
            last.insert(n.style, n.ordinal);
            if *loose {
                diags.push(
                    Diagnostic::warning(format!(
                        "「{}」后紧跟数字，因它接续上一条的编号，已作为第 {} 条的开头",
                        b.text.chars().take(12).collect::<String>(),
                        n.ordinal
                    ))
                    .at(file, b.line)
                    .hint("如果这不是条款编号，请改写这一段的开头。"),
                );
            }
        }
        detected.push(found.map(|(n, _)| n));
    }
    super::attachment_list::unnumber(blocks, &mut detected);
    let present: HashSet<Style> = detected.iter().flatten().map(|n| n.style).collect();
    // Level 0 is kept for headings without numbering (a Word heading style, `## 附则`).
    let level_of: HashMap<Style, usize> = match given {
        Some(styles) => styles
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, i + 1))
            .collect(),
        None => levels(
            &present,
            paren_is_level(blocks, &detected),
            &above_articles(&detected),
        )
        .into_iter()
        .map(|(s, l)| (s, l + 1))
        .collect(),
    };
    // Headings without numbering that recur after the first numbered item are a level of the
    // document; before it, a lone one is the title or issuer (a raw text's `#` lines).
    let first_numbered = detected
        .iter()
        .position(Option::is_some)
        .unwrap_or(blocks.len());
    let recurring: HashSet<usize> = blocks
        .iter()
        .zip(&detected)
        .skip(first_numbered)
        .filter(|(b, n)| b.hashes > 0 && n.is_none() && is_heading_text(&b.text))
        .map(|(b, _)| b.hashes)
        .collect();
    // The level of numbered Markdown headings by their number of `#`.
    let mut level_of_hashes: HashMap<usize, usize> = HashMap::new();
    for (b, n) in blocks.iter().zip(&detected) {
        if let Some(l) = n.as_ref().and_then(|n| level_of.get(&n.style)) {
            if b.hashes > 0 {
                level_of_hashes.entry(b.hashes).or_insert(*l);
            }
        }
    }

    let lost = match given {
        None => lost_part_headings(blocks, &detected, &present),
        Some(_) => HashSet::new(),
    };

    let mut tree = ClauseTree::default();
    let mut stack: Vec<(usize, Node)> = Vec::new();
    let mut unnumbered = 0;
    for (i, block) in blocks.iter().enumerate() {
        if lost.contains(&i) {
            unnumbered += 1;
            open_unnumbered(&mut stack, &mut tree.roots, 0, block, unnumbered);
            if let Some((_, node)) = stack.last_mut() {
                node.lost_number = true;
            }
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」没有编号，其后的编号从头开始，本文各部分的标题都是这样：已把它作为最高一级的无编号标题（原文的部分编号可能在复制时丢失）",
                    block.text
                ))
                .at(file, block.line)
                .hint("请核对原文：如果这一级原有编号（一、二、），请补上编号。"),
            );
            continue;
        }
        let num = detected[i].clone();
        let level = num.as_ref().and_then(|n| level_of.get(&n.style).copied());
        if let (Some(num), Some(level)) = (num, level) {
            close_to(&mut stack, level, &mut tree.roots);
            let text = block.text[num.len..].trim();
            let mut node = new_node(
                num.style.label(&num.written, num.ordinal),
                text,
                block.line,
                stack.len(),
            );
            node.style = Some(num.style);
            node.ordinal = num.ordinal;
            stack.push((level, node));
            continue;
        }
        let structural_heading = block.hashes > 0
            && detected[i].is_none()
            && is_heading_text(&block.text)
            && (!stack.is_empty() || recurring.contains(&block.hashes));
        if structural_heading {
            let level = level_of_hashes.get(&block.hashes).copied().unwrap_or(0);
            let place = if level == 0 {
                "最高一级"
            } else {
                "与同级编号标题并列"
            };
            unnumbered += 1;
            open_unnumbered(&mut stack, &mut tree.roots, level, block, unnumbered);
            diags.push(
                Diagnostic::warning(format!(
                    "标题「{}」没有编号，已作为{place}的无编号标题",
                    block.text
                ))
                .at(file, block.line)
                .hint("如果它不是一级标题，请去掉行首的 #，或在前置元数据中用 levels 指明层级。"),
            );
            continue;
        }
        let next = detected.get(i + 1).and_then(Option::as_ref);
        let next_level = next.and_then(|n| level_of.get(&n.style).copied());
        // The numbering after the line would start again under an item that already has its
        // text or items: the line closes that item rather than opening its first items.
        let nests_deeper = match (stack.first(), next_level) {
            (Some((top, _)), Some(nl)) if nl > *top => stack
                .iter()
                .rev()
                .find(|(l, _)| *l < nl)
                .is_some_and(|(_, n)| !n.paragraphs.is_empty() || !n.children.is_empty()),
            _ => false,
        };
        if !stack.is_empty() && nests_deeper && is_unnumbered_heading(&block.text, next) {
            let top = stack.first().map_or(0, |(l, _)| *l);
            unnumbered += 1;
            open_unnumbered(&mut stack, &mut tree.roots, top, block, unnumbered);
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」没有编号，其后的编号从头开始，已把它作为与上一条并列的无编号标题",
                    block.text
                ))
                .at(file, block.line)
                .hint("如果它属于上一条，请在这一行前加编号或把它并入上一段。"),
            );
            continue;
        }
        if block.text.starts_with('|') {
            match task_table::read(&block.text, block.line) {
                Outcome::Nodes(nodes, doubts) => {
                    for doubt in &doubts {
                        diags.push(doubt.diagnostic(file));
                    }
                    place_table(&mut stack, &mut tree.roots, nodes);
                    continue;
                }
                Outcome::Empty { header } => diags.push(
                    Diagnostic::warning(format!(
                        "表格的表头「{header}」像任务分工表，但没有一行能读成任务条款"
                    ))
                    .at(file, block.line)
                    .hint(
                        "任务分工表每行应在任务列写明任务，在单位列写明单位；请检查表格是否完整。",
                    ),
                ),
                Outcome::NotTaskTable => {}
            }
        }
        let para = Paragraph {
            text: block.text.clone(),
            line: block.line,
        };
        match stack.last_mut() {
            Some((_, node)) => node.paragraphs.push(para),
            None => tree.preamble.push(para),
        }
    }
    close_to(&mut stack, 0, &mut tree.roots);
    tree
}

/// A task table's nodes go under the heading whose content it is (`三、实施步骤` and its table),
/// or, when an attachment marker (`附件`, `附件1：…`, `附表1`) came after that heading, to the top
/// level: an attached table is the document's own list of tasks, named by its own numbers.
/// Text after a top-level table stays with its last node until the next numbered heading.
fn place_table(stack: &mut Vec<(usize, Node)>, roots: &mut Vec<Node>, nodes: Vec<Node>) {
    fn set_depth(nodes: &mut [Node], depth: usize) {
        for n in nodes {
            n.depth = depth;
            set_depth(&mut n.children, depth + 1);
        }
    }
    let mut nodes = nodes;
    let attached = stack.last().is_none_or(|(_, n)| {
        n.paragraphs.iter().any(|p| is_attachment_marker(&p.text))
            || n.style.is_none() && is_attachment_marker(&n.heading)
            || n.paragraphs
                .last()
                .is_some_and(|p| is_task_list_title(&p.text))
    });
    if !attached {
        if let Some((_, open)) = stack.last_mut() {
            set_depth(&mut nodes, open.depth + 1);
            open.children.extend(nodes);
            return;
        }
    }
    set_depth(&mut nodes, 0);
    close_to(stack, 0, roots);
    roots.extend(nodes);
    if let Some(last) = roots.pop() {
        stack.push((1, last));
    }
}

/// A title line naming the table below it as the document's task list
/// (`全面推进城市综合交通体系建设任务分解表`, `…重点任务清单`): the table is attached to the
/// document as a whole, like one after `附件`, not the content of the item above it.
fn is_task_list_title(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= 60
        && !t.contains(['。', '，', '；'])
        && [
            "任务分解表",
            "任务分工表",
            "任务清单",
            "任务表",
            "分工方案表",
            "工作安排表",
        ]
        .iter()
        .any(|w| t.ends_with(w))
}

/// A line that opens an attachment: `附件`, `附录`, or `附表` (the tables attached to a plan,
/// `附表1` / `附表：1.任务分工表`).
fn is_attachment_marker(text: &str) -> bool {
    let t = text.trim_start();
    ["附件", "附录", "附表"].iter().any(|m| t.starts_with(m))
}

/// Opens an unnumbered heading (`附则`, a Word heading without number) at `level`.
fn open_unnumbered(
    stack: &mut Vec<(usize, Node)>,
    roots: &mut Vec<Node>,
    level: usize,
    block: &Block,
    ordinal: u32,
) {
    close_to(stack, level, roots);
    let mut node = new_node(String::new(), &block.text, block.line, stack.len());
    node.heading = block.text.clone();
    node.paragraphs.clear();
    node.ordinal = ordinal;
    stack.push((level, node));
}

fn new_node(label: String, text: &str, line: usize, depth: usize) -> Node {
    let (heading, rest, heading_ends_sentence) = split_heading(text);
    let mut node = Node {
        id: String::new(),
        label,
        depth,
        heading,
        paragraphs: Vec::new(),
        heading_ends_sentence,
        units: Vec::new(),
        is_clause: false,
        children: Vec::new(),
        line,
        style: None,
        ordinal: 0,
        numbered_through: false,
        ..Node::default()
    };
    if let Some(rest) = rest {
        node.paragraphs.push(Paragraph { text: rest, line });
    }
    node
}

fn close_to(stack: &mut Vec<(usize, Node)>, level: usize, roots: &mut Vec<Node>) {
    while stack.last().is_some_and(|(l, _)| *l >= level) {
        let Some((_, node)) = stack.pop() else { break };
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(node),
            None => roots.push(node),
        }
    }
}

/// Every node of `style` with the index of its parent, in document order.
fn of_style(
    nodes: &[Node],
    style: Style,
    parent: usize,
    next: &mut usize,
    out: &mut Vec<(usize, u32)>,
) {
    for n in nodes {
        *next += 1;
        let me = *next;
        if n.style == Some(style) {
            out.push((parent, n.ordinal));
        }
        of_style(&n.children, style, me, next, out);
    }
}

/// A style whose numbering carries on across parents (`1.`–`45.` through every part) rather
/// than starting again at 1 under each.
fn runs_straight_through(roots: &[Node], style: Style) -> bool {
    let mut seq = Vec::new();
    of_style(roots, style, 0, &mut 0, &mut seq);
    let mut carried = 0;
    for w in seq.windows(2) {
        let ((pa, a), (pb, b)) = (w[0], w[1]);
        if pa != pb {
            if b == a + 1 {
                carried += 1;
            } else {
                return false;
            }
        }
    }
    carried > 0
}

fn ids(
    nodes: &mut [Node],
    parent: Option<&str>,
    bare: &HashSet<Style>,
    straight: &[Style],
    unnumbered: &mut u32,
) {
    for n in nodes.iter_mut() {
        n.numbered_through = n.style.is_some_and(|s| straight.contains(&s));
        n.id = match (n.style, parent) {
            (None, _) => {
                *unnumbered += 1;
                format!("s{unnumbered}")
            }
            (Some(s), _) if bare.contains(&s) => n.ordinal.to_string(),
            (Some(_), Some(p)) => format!("{p}.{}", n.ordinal),
            (Some(_), None) => n.ordinal.to_string(),
        };
        let id = n.id.clone();
        ids(&mut n.children, Some(&id), bare, straight, unnumbered);
    }
}

fn all_ids<'a>(nodes: &'a [Node], out: &mut Vec<&'a str>) {
    for n in nodes {
        out.push(&n.id);
        all_ids(&n.children, out);
    }
}

fn has_duplicate_ids(nodes: &[Node]) -> bool {
    let mut v = Vec::new();
    all_ids(nodes, &mut v);
    let set: HashSet<&str> = v.iter().copied().collect();
    set.len() != v.len()
}

/// Ids from the written ordinals (`4.1.1`), or a clause's own number where its style runs
/// straight through and the number alone is unique (otherwise the ordinals' path stays); sequence gaps and restarts are warnings.
pub(super) fn assign_ids(roots: &mut [Node], file: &Path, diags: &mut Diagnostics) {
    let mut styles: Vec<Style> = Vec::new();
    collect_styles(roots, &mut styles);
    let straight: Vec<Style> = styles
        .iter()
        .copied()
        .filter(|s| runs_straight_through(roots, *s))
        .collect();
    // A clause number is the id a reader quotes, where it is unique (not also a part's id).
    let mut bare: HashSet<Style> = HashSet::new();
    for s in straight.iter().rev() {
        bare.insert(*s);
        ids(roots, None, &bare, &straight, &mut 0);
        if has_duplicate_ids(roots) {
            bare.remove(s);
        }
    }
    ids(roots, None, &bare, &straight, &mut 0);
    for s in &styles {
        if straight.contains(s) {
            check_straight(roots, *s, file, diags);
        }
    }
    check_siblings(roots, &straight, file, diags);
}

fn collect_styles(nodes: &[Node], out: &mut Vec<Style>) {
    for n in nodes {
        if let Some(s) = n.style {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        collect_styles(&n.children, out);
    }
}

fn nodes_of_style<'a>(nodes: &'a [Node], style: Style, out: &mut Vec<&'a Node>) {
    for n in nodes {
        if n.style == Some(style) {
            out.push(n);
        }
        nodes_of_style(&n.children, style, out);
    }
}

/// The warning for a number that does not follow the one before it.
fn gap(prev: &Node, n: &Node, file: &Path) -> Diagnostic {
    Diagnostic::warning(format!(
        "编号不连续：「{}」之后是「{}」",
        prev.label, n.label
    ))
    .at(file, n.line)
    .hint("请核对原文是否漏了条目或编号有误。")
}

fn check_straight(roots: &[Node], style: Style, file: &Path, diags: &mut Diagnostics) {
    let mut seq = Vec::new();
    nodes_of_style(roots, style, &mut seq);
    if let Some(first) = seq.first() {
        if first.ordinal != 1 {
            diags.push(
                Diagnostic::warning(format!(
                    "贯穿全文的编号从「{}」开始，不是从 1 开始",
                    first.label
                ))
                .at(file, first.line)
                .hint("请核对原文是否漏了条目。"),
            );
        }
    }
    for w in seq.windows(2) {
        if w[1].ordinal != w[0].ordinal + 1 {
            diags.push(gap(w[0], w[1], file));
        }
    }
}

fn check_siblings(nodes: &[Node], straight: &[Style], file: &Path, diags: &mut Diagnostics) {
    let mut prev_of_style: HashMap<Style, &Node> = HashMap::new();
    for n in nodes {
        check_siblings(&n.children, straight, file, diags);
        let Some(style) = n.style else { continue };
        if straight.contains(&style) {
            continue;
        }
        if let Some(twin) = nodes
            .iter()
            .take_while(|m| !std::ptr::eq(*m, n))
            .find(|m| m.style == Some(style) && m.ordinal == n.ordinal)
        {
            diags.push(
                Diagnostic::error(format!(
                    "编号「{}」重复，条款编号 {} 已在第 {} 行使用",
                    n.label, twin.id, twin.line
                ))
                .at(file, n.line)
                .hint("同一层级下的编号不能重复；请检查是否漏改了序号。"),
            );
        } else if let Some(prev) = prev_of_style.get(&style) {
            if n.ordinal != prev.ordinal + 1 {
                diags.push(gap(prev, n, file));
            }
        } else if n.ordinal != 1 {
            diags.push(
                Diagnostic::warning(format!(
                    "本层级的第一个编号是「{}」，不是从 1 开始",
                    n.label
                ))
                .at(file, n.line)
                .hint("请核对原文是否漏了条目。"),
            );
        }
        prev_of_style.insert(style, n);
    }
}

/// Task clauses: every node of the deepest numbering level (the last of the editor's levels),
/// and every other leaf that carries a unit note (an article without items, `第一条 … （责任单位：…）`).
/// Items that only enumerate what the sentence before them announces (`有下列情形之一的：`
/// `（一）…；（二）…。`) are no level of tasks: their parent is the clause.
pub(super) fn mark_clauses(roots: &mut [Node], given: Option<&[Style]>) {
    if given.is_none() && super::articles::is_article_form(roots) {
        super::articles::mark_clauses(roots);
        return;
    }
    // The deepest level of the parts that assign tasks: a framing part's own list
    // (`一、总体要求` `（二）基本原则` `1.以人为本…`) is no level of tasks (heldout9 155).
    let mut styles = Vec::new();
    collect_task_styles(roots, false, &mut styles);
    if styles.is_empty() {
        collect_task_styles(roots, true, &mut styles);
    }
    let deepest = match given {
        Some(g) => g.last().copied(),
        None => styles.iter().copied().max_by_key(|s| rank(*s)),
    };
    let doc_holders = task_level_across_parts(roots);
    let never_holding = never_holding_styles(roots);
    fn go(
        nodes: &mut [Node],
        deepest: Option<Style>,
        doc_holders: &[Style],
        framing: bool,
        aims: bool,
        under_lost: bool,
        levels: Levels,
    ) {
        // Mixed leaf level: where some items of a style hold numbered tasks and others of the
        // same style hold none — beside them, or in another part (`四、（六）` holds `1.`–`3.`
        // while `三、（一）`–`（四）` and `六、（十三）`… hold nothing) — those others are tasks
        // themselves; not inside the parts that frame the tasks (指导思想, 基本原则, 目标).
        let mut holders: Vec<Style> = nodes
            .iter()
            .filter(|n| n.children.iter().any(|c| c.style.is_some()) && !is_enumeration(n))
            .filter_map(|n| n.style)
            .collect();
        if !framing {
            holders.extend(doc_holders.iter().copied());
        }
        for n in nodes.iter_mut() {
            // Aims, principles and scope are no tasks, at whatever level they are written.
            let aims_here = aims || is_aims_part(n);
            let enumerates = is_enumeration(n);
            // Not at the top: whether a part without items (`四、保障措施`, `四、补贴价格`) is a
            // task or a section of text the form does not tell; the verifier names each.
            let mixed_leaf = n.depth > 0
                && n.style.is_some_and(|s| holders.contains(&s))
                && (n.children.is_empty() || enumerates);
            let leaf = enumerates
                || n.children
                    .iter()
                    .all(|c| c.style.is_none() && !c.label.is_empty());
            let paragraph_clause = n.style.is_none() && !n.label.is_empty() && n.table.is_none();
            // A heading whose task table lists its tasks is not a task itself.
            let holds_table = n.children.iter().any(|c| c.table.is_some());
            // An intro without a note before its run-in tasks (`“一核”：…`) is no task itself.
            let intro_only = !n.children.is_empty()
                && n.units.is_empty()
                && n.children
                    .iter()
                    .all(|c| c.style.is_none() && !c.label.is_empty() && !c.label.starts_with('¶'));
            // Under a part heading whose number was lost, items without items are its tasks,
            // whatever their style: the parts use different styles side by side.
            let lost_leaf = under_lost && n.children.iter().all(|c| c.style.is_none());
            let itemless = n.depth > 0 && n.children.iter().all(|c| c.style.is_none());
            // A level below the parts that never holds numbered items of its own, where the
            // deeper numbering is written only straight under other parts (`五、` `（一）前期准备
            // 阶段` … beside `四、` `1.` `2.`, heldout11 192): its items are the tasks of their
            // parts.
            let never_leaf = itemless && n.style.is_some_and(|s| levels.never_holding.contains(&s));
            n.is_clause = n.style.is_some()
                && !intro_only
                && !holds_table
                && (((n.style == deepest || mixed_leaf || lost_leaf || never_leaf) && !aims_here)
                    || (leaf && !n.units.is_empty()))
                || paragraph_clause
                || n.table == Some(TablePart::Row);
            if enumerates {
                continue;
            }
            let framing = framing || FRAMING_PARTS.iter().any(|w| n.heading.contains(w));
            go(
                &mut n.children,
                deepest,
                doc_holders,
                framing,
                aims_here,
                n.lost_number,
                levels,
            );
        }
    }
    let levels = Levels {
        never_holding: &never_holding,
    };
    go(roots, deepest, &doc_holders, false, false, false, levels);
}

/// What [`mark_clauses`] knows of the document's levels while it walks down.
#[derive(Clone, Copy)]
struct Levels<'a> {
    never_holding: &'a [Style],
}

/// Styles below the parts, outside the framing parts and enumerations, whose items never hold
/// numbered items while some numbered item deeper than them is written elsewhere.
fn never_holding_styles(roots: &[Node]) -> Vec<Style> {
    fn go(nodes: &[Node], framing: bool, seen: &mut Vec<Style>, holding: &mut Vec<Style>) {
        for n in nodes {
            let framing = framing || is_aims_part(n) || is_duty_list(n);
            if is_enumeration(n) || n.table.is_some() {
                continue;
            }
            if let (Some(s), false, true) = (n.style, framing, n.depth > 0) {
                if !seen.contains(&s) {
                    seen.push(s);
                }
                if n.children.iter().any(|c| c.style.is_some()) && !holding.contains(&s) {
                    holding.push(s);
                }
            }
            go(&n.children, framing, seen, holding);
        }
    }
    let (mut seen, mut holding) = (Vec::new(), Vec::new());
    go(roots, false, &mut seen, &mut holding);
    let deeper_exists = |s: Style| seen.iter().any(|t| rank(*t) > rank(s));
    seen.iter()
        .copied()
        .filter(|s| !holding.contains(s) && deeper_exists(*s))
        .collect()
}

/// Styles whose items mostly hold no numbered items of their own, though some do: the level
/// that carries the document's tasks, so its item-less items are tasks in every part (framing
/// parts aside). Where most items hold sub-items, the item-less ones (`五、保障措施`'s
/// `（一）强化组织领导`) are sections of text, unless a sibling holds items.
fn task_level_across_parts(roots: &[Node]) -> Vec<Style> {
    fn count(nodes: &[Node], framing: bool, tally: &mut HashMap<Style, (usize, usize)>) {
        for n in nodes {
            let framing = framing || FRAMING_PARTS.iter().any(|w| n.heading.contains(w));
            if is_enumeration(n) {
                continue;
            }
            if let (Some(s), false, true) = (n.style, framing, n.depth > 0) {
                let e = tally.entry(s).or_default();
                if n.children.iter().any(|c| c.style.is_some()) {
                    e.0 += 1;
                } else {
                    e.1 += 1;
                }
            }
            count(&n.children, framing, tally);
        }
    }
    let mut tally: HashMap<Style, (usize, usize)> = HashMap::new();
    count(roots, false, &mut tally);
    tally
        .into_iter()
        .filter(|(_, (holders, leaves))| *holders > 0 && leaves > holders)
        .map(|(s, _)| s)
        .collect()
}

/// Names of parts that frame the tasks (aims, principles, scope) rather than assign them.
pub(super) const FRAMING_PARTS: [&str; 9] = [
    "指导思想",
    "基本原则",
    "总体要求",
    "总体目标",
    "工作目标",
    "主要目标",
    "发展目标",
    "适用范围",
    "职责分工",
];

/// A part that states aims, principles or scope (`一、明确总体要求`, `（二）基本原则`): a framing
/// part other than a division of duties (`明确责任主体和职责分工` lists tasks, heldout8 142).
pub(super) fn is_aims_part(n: &Node) -> bool {
    FRAMING_PARTS
        .iter()
        .filter(|w| **w != "职责分工")
        .any(|w| n.heading.contains(w))
}

/// The styles of task levels: those of enumerations do not count, nor (unless `framing`)
/// those found only inside the parts that frame the tasks.
fn collect_task_styles(nodes: &[Node], framing: bool, out: &mut Vec<Style>) {
    for n in nodes {
        if !framing && (is_aims_part(n) || is_duty_list(n)) {
            continue;
        }
        if let Some(s) = n.style {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        if !is_enumeration(n) {
            collect_task_styles(&n.children, framing, out);
        }
    }
}

/// A division of duties written as items each headed by a body's name (`1.街道消委办。牵头…`,
/// `（一）区发展改革委：负责…`, `（一）区绿化市容局` over its duties): what each body does, not a
/// level of tasks, so its numbering does not decide which level carries the document's tasks
/// (heldout12 212, whose `（一）` groups are the tasks beside a duty list in `1.`; the same form
/// in tune 53/55, heldout4 86, heldout9 159, where the truth never counts such items as tasks).
pub(super) fn is_duty_list(n: &Node) -> bool {
    const MIN_ITEMS: usize = 3;
    let items: Vec<&Node> = n.children.iter().filter(|c| c.style.is_some()).collect();
    let headed = items.iter().filter(|c| is_body_headed(c)).count();
    items.len() >= MIN_ITEMS && headed * 3 >= items.len() * 2
}

/// An item whose first words, up to `。`, `：` or `，`, are a body's name (`派出所`, `建管中心`,
/// `吴泾、塘湾派出所`).
fn is_body_headed(n: &Node) -> bool {
    const MAX_HEAD_CHARS: usize = 16;
    const ORGAN_TAILS: [&str; 5] = ["所", "站", "村", "居委会", "各村"];
    let text = match n.heading.as_str() {
        "" => n.paragraphs.first().map_or("", |p| p.text.as_str()),
        h => h,
    };
    let head = text
        .split(['。', '：', ':', '，', ',', '；'])
        .next()
        .unwrap_or("")
        .trim();
    let n_chars = head.chars().count();
    if !(2..=MAX_HEAD_CHARS).contains(&n_chars) {
        return false;
    }
    head.split('、').all(|name| {
        let name = name.trim();
        super::verify_form::is_organ(name)
            || (name.chars().count() >= 2
                && ORGAN_TAILS.iter().any(|t| name.ends_with(t))
                && super::unit_name::doubt(name).is_none())
    })
}

/// A node whose text ends announcing a list (`：`) and whose numbered children are short items
/// without notes or items of their own, each ending like a list item (`；`, `。`).
pub(super) fn is_enumeration(n: &Node) -> bool {
    const MAX_ITEM_CHARS: usize = 60;
    let lead_in = n
        .paragraphs
        .iter()
        .rev()
        .find(|p| p.line < n.children.first().map_or(usize::MAX, |c| c.line))
        .map_or(n.heading.as_str(), |p| p.text.as_str());
    // The item's own line: a paragraph after the last item may close the parent's text.
    let text_of = |c: &Node| {
        let mut t = c.heading.clone();
        for p in c.paragraphs.iter().filter(|p| p.line == c.line) {
            t.push_str(&p.text);
        }
        t
    };
    n.children.len() >= 2
        && lead_in.trim_end().ends_with(['：', ':'])
        && n.children.iter().all(|c| {
            let t = text_of(c);
            c.style.is_some()
                && c.children.is_empty()
                && c.units.is_empty()
                && t.chars().count() <= MAX_ITEM_CHARS
                && (c.heading_ends_sentence || t.trim_end().ends_with(['；', ';', '。', '，']))
        })
}
