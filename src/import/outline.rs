//! The outline `jiedu import` prints, so an editor sees at a glance whether the structure is
//! right: the levels with their counts, then every part and group with its first task clause.

use std::collections::BTreeMap;

use crate::clause::numbering::Style;
use crate::clause::{ClauseTree, Node};

const SNIPPET_CHARS: usize = 20;

fn level_name(n: &Node) -> &'static str {
    match n.style {
        Some(Style::Part) => "第一部分",
        Some(Style::Chapter) => "第一章",
        Some(Style::Section) => "第一节",
        Some(Style::Article) => "第一条",
        Some(Style::CnComma) => "一、",
        Some(Style::CnParen) => "（一）",
        Some(Style::Arabic) => "1.",
        Some(Style::ArabicParen) => "（1）",
        Some(Style::Labelled(i)) => ["专项行动1：", "行动1：", "举措1：", "任务1："]
            .get(usize::from(i))
            .copied()
            .unwrap_or("行动1："),
        None if n.label.is_empty() => "无编号标题",
        None => "无编号段落",
    }
}

fn title(n: &Node) -> String {
    let text = if n.heading.is_empty() {
        n.paragraphs.first().map_or("", |p| p.text.as_str())
    } else {
        n.heading.as_str()
    };
    let mut s: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        s.push('…');
    }
    s
}

/// The summary line of levels (`一、 5 个 → （一） 9 个 → 1. 45 个`) and one line per
/// structural node, indented by depth.
pub fn lines(tree: &ClauseTree) -> Vec<String> {
    let nodes = tree.walk();
    if nodes.is_empty() {
        return Vec::new();
    }
    let mut by_depth: BTreeMap<usize, Vec<(&'static str, usize)>> = BTreeMap::new();
    for n in &nodes {
        let names = by_depth.entry(n.depth).or_default();
        match names.iter_mut().find(|(name, _)| *name == level_name(n)) {
            Some((_, count)) => *count += 1,
            None => names.push((level_name(n), 1)),
        }
    }
    let levels: Vec<String> = by_depth
        .values()
        .map(|names| {
            names
                .iter()
                .map(|(name, count)| format!("{name} {count} 个"))
                .collect::<Vec<_>>()
                .join("、")
        })
        .collect();
    let clauses = nodes.iter().filter(|n| n.is_clause).count();
    let mut out = vec![format!(
        "层级：{}；任务条款 {clauses} 条",
        levels.join(" → ")
    )];
    for n in nodes
        .iter()
        .filter(|n| !n.is_clause || !n.children.is_empty())
    {
        let indent = "  ".repeat(n.depth);
        let tasks: Vec<&Node> = n.children.iter().filter(|c| c.is_clause).collect();
        let first = match tasks.first() {
            Some(c) => format!(" —— {} 条任务，首条 {} {}", tasks.len(), c.label, title(c)),
            None => String::new(),
        };
        out.push(format!("{indent}{}{}{first}", n.label, title(n)));
    }
    out
}
