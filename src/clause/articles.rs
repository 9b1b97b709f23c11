//! Task clauses of a document written in articles (`第一条`, with or without `第一章`/`第一节`):
//! 条例, 办法, 规定, 实施细则, 若干措施.
//!
//! In such a text the article is the unit of the rule: each article states one duty, and the
//! items `（一）…` inside it are its 项 — the conditions, channels or steps that its sentence
//! lists. So the articles are the task clauses and their items are not, however long the items
//! are. The one exception is the article that is only the heading of a group of measures:
//! an article with a title of its own (`第五条 企业培育。…`, `第三条 人才支持`) whose items
//! carry titles of their own too (`（一）落户补贴。…`) or their own unit notes. Then each item is
//! a measure, and a clause. Anything between the two readings is named in a warning
//! ([`doubts`]), so the choice is never silent.

use std::path::Path;

use super::numbering::Style;
use super::{ClauseTree, Node, TablePart};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Fewer articles than this make no article-form document (a `第一条` quoted in a plan).
const MIN_ARTICLES: usize = 3;

/// A document whose body is articles: at least [`MIN_ARTICLES`] of them, and more articles than
/// numbered items of other styles standing outside any article (`附则` with its own `（一）` list
/// may follow the articles).
pub(super) fn is_article_form(roots: &[Node]) -> bool {
    let (mut articles, mut outside) = (0, 0);
    count(roots, &mut articles, &mut outside);
    articles >= MIN_ARTICLES && articles > outside
}

fn count(nodes: &[Node], articles: &mut usize, outside: &mut usize) {
    for n in nodes {
        match n.style {
            Some(Style::Article) => *articles += 1,
            Some(Style::Part | Style::Chapter | Style::Section) | None => {
                count(&n.children, articles, outside)
            }
            // A part or group numbered above its articles (`一、` holding `第1条`): entered.
            Some(_) if holds_articles(n) => count(&n.children, articles, outside),
            // Another style outside the articles: counted, not entered.
            Some(_) => *outside += 1,
        }
    }
}

fn holds_articles(n: &Node) -> bool {
    n.children
        .iter()
        .any(|c| c.style == Some(Style::Article) || holds_articles(c))
}

/// Marks the task clauses of an article-form document: every article, or the items of an
/// article that heads a group of measures; table rows stay clauses.
pub(super) fn mark_clauses(nodes: &mut [Node]) {
    for n in nodes.iter_mut() {
        if n.table == Some(TablePart::Row) {
            n.is_clause = true;
            continue;
        }
        if n.style != Some(Style::Article) {
            n.is_clause = false;
            mark_clauses(&mut n.children);
            continue;
        }
        let paragraph_tasks = n
            .children
            .iter()
            .any(|c| c.style.is_none() && !c.label.is_empty() && c.table.is_none());
        if paragraph_tasks {
            // Paragraphs that each end with their own note were split into clauses already.
            n.is_clause = !n.units.is_empty();
            for c in n.children.iter_mut() {
                c.is_clause = c.style.is_none() && !c.label.is_empty() || c.table.is_some();
            }
            continue;
        }
        let items_are_measures = holds_measures(n);
        n.is_clause = !items_are_measures;
        for c in n.children.iter_mut() {
            c.is_clause = items_are_measures && c.style.is_some();
            unmark(&mut c.children);
        }
    }
}

fn unmark(nodes: &mut [Node]) {
    for n in nodes.iter_mut() {
        n.is_clause = n.table == Some(TablePart::Row);
        unmark(&mut n.children);
    }
}

/// The numbered items directly under an article.
fn items(n: &Node) -> Vec<&Node> {
    n.children.iter().filter(|c| c.style.is_some()).collect()
}

/// An article that heads measures: titled itself, and every item titled or with its own note;
/// or any item with its own unit note (a note names who carries out a task).
fn holds_measures(article: &Node) -> bool {
    let items = items(article);
    if items.is_empty() {
        return false;
    }
    if items.iter().any(|c| !c.units.is_empty()) {
        return true;
    }
    is_titled(article) && items.iter().all(|c| is_titled(c))
}

/// A node that opens with a title: a short heading line of its own (`第三条 人才支持`) or a
/// short run-in title closed by `。` with the text after it (`第五条 企业培育。对…`).
fn is_titled(n: &Node) -> bool {
    const MAX_TITLE_CHARS: usize = 15;
    let title = n.heading.trim();
    let chars = title.chars().count();
    if !(2..=MAX_TITLE_CHARS).contains(&chars) || title.contains(['，', '；', '：', ',', ';', ':'])
    {
        return false;
    }
    let text_after = n
        .paragraphs
        .iter()
        .any(|p| p.line == n.line && !p.text.trim().is_empty());
    // A run-in title has text after it on its line; a title line has none and no `。` of its own.
    if n.heading_ends_sentence {
        text_after
    } else {
        !text_after
    }
}

/// The warnings of an article-form document where the choice of clause level is not certain.
pub(super) fn doubts(tree: &ClauseTree, file: &Path, diags: &mut Diagnostics) {
    if !is_article_form(&tree.roots) {
        return;
    }
    let articles: Vec<&Node> = tree
        .walk()
        .into_iter()
        .filter(|n| n.style == Some(Style::Article))
        .collect();
    for a in &articles {
        let items = items(a);
        if items.len() < 2 || items.iter().any(|c| !c.units.is_empty()) {
            continue;
        }
        let titled_items = items.iter().filter(|c| is_titled(c)).count();
        let first = items[0].label.as_str();
        let last = items[items.len() - 1].label.as_str();
        if !is_titled(a) && titled_items == items.len() {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」下的「{first}」至「{last}」各有小标题，像一项项单独的措施；本文以「条」为任务条款，已把它们作为{}内的分项",
                    a.label, a.label
                ))
                .at(file, a.line)
                .hint("如果每一项是一项单独的任务，请在前置元数据中写明 levels，如 levels: [\"第一章\", \"第一条\", \"（一）\"]。"),
            );
        } else if is_titled(a) && titled_items > 0 && titled_items < items.len() {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」有小标题，其下「{first}」至「{last}」只有 {titled_items} 项有小标题，无法确定它们是单独的措施还是条内的分项，已作为{}内的分项",
                    a.label, a.label
                ))
                .at(file, a.line)
                .hint("如果每一项是一项单独的任务，请给每项加上小标题，或在前置元数据中写明 levels。"),
            );
        }
    }
    parts_before_articles(tree, &articles, file, diags);
    // Articles without a unit note where most clauses have one have most likely lost it (an
    // article whose sibling clauses have notes is already named by the verifier).
    let clauses: Vec<&Node> = tree.clauses();
    let with = clauses.iter().filter(|c| !c.units.is_empty()).count();
    if with * 2 > clauses.len() {
        unit_less(&tree.roots, clauses.len(), with, file, diags);
    }
}

fn unit_less(nodes: &[Node], total: usize, with: usize, file: &Path, diags: &mut Diagnostics) {
    let siblings_have_units = nodes.iter().any(|n| n.is_clause && !n.units.is_empty());
    for n in nodes {
        if n.is_clause && n.units.is_empty() && !siblings_have_units {
            diags.push(
                Diagnostic::warning(format!(
                    "{}没有单位说明（牵头单位/责任单位），而全文 {total} 个任务条款中有 {with} 个写有单位说明",
                    n.label
                ))
                .at(file, n.line)
                .hint("请核对原文：这一条的单位说明是否写在了别处，或本来就没有。"),
            );
        }
        unit_less(&n.children, total, with, file, diags);
    }
}

/// Fewest numbered parts before the first article that make a run of their own (one `一、` may
/// be a notice's lone point).
const MIN_PARTS_BEFORE: usize = 2;

/// Names each numbered part written before the first article that holds no article and no task
/// (`一、明确管理对象` … `五、加强监督管理措施`, then `第一章` / `第一条`): an article-form document
/// opens with its articles, so a run of numbered text before them is either the policy's own
/// tasks, outnumbered by the articles of a document appended to it (a compilation: a 指导意见 of
/// parts, then an 办法 of articles, heldout14 258), or a text that is no task. The outline
/// cannot tell which; it must not drop them unannounced.
fn parts_before_articles(
    tree: &ClauseTree,
    articles: &[&Node],
    file: &Path,
    diags: &mut Diagnostics,
) {
    let Some(first) = articles.iter().min_by_key(|a| a.line) else {
        return;
    };
    let parts: Vec<&Node> = tree
        .roots
        .iter()
        .filter(|n| {
            n.line < first.line
                && n.style.is_some_and(|s| {
                    !matches!(
                        s,
                        Style::Article | Style::Part | Style::Chapter | Style::Section
                    )
                })
                && !holds_articles(n)
                && !holds_clause(n)
                && (!n.paragraphs.is_empty() || !n.children.is_empty())
        })
        .collect();
    if parts.len() < MIN_PARTS_BEFORE {
        return;
    }
    let others = parts.len() - 1;
    for n in &parts {
        diags.push(
            Diagnostic::warning(format!(
                "「{}」（{}）写在「{}」（第 {} 行）之前，不在任何一条之内，没有列为任务条款；同在条文之前的编号部分还有 {others} 个：本文以「条」为任务条款，这些部分都被当作了条文之外的内容",
                n.label,
                super::verify::title_of(n),
                first.label,
                first.line
            ))
            .at(file, n.line)
            .hint("如果这些部分是本政策的任务，而条文属于后附的另一份文件，请把那份文件删去，另行导入（jiedu import）；如果条文才是本政策，请核对这些部分是否应当删去。"),
        );
    }
}

fn holds_clause(n: &Node) -> bool {
    n.is_clause || n.children.iter().any(holds_clause)
}
