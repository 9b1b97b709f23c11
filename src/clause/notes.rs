//! Finds the unit notes of every node, in document order so a lead rule stated once
//! (`排在第一位的部门为牵头部门，下同`) applies to every later note; cuts a note that ends the
//! text off it; splits a node whose paragraphs each carry their own note into one unnumbered
//! clause per paragraph (`¶2`, `¶3`…).

use std::path::Path;

use super::units::{self, LeadRule, Note};
use super::{is_line_block, join_line, split_heading, Node, Paragraph};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub(super) fn extract_all(roots: &mut [Node], file: &Path, diags: &mut Diagnostics) {
    let mut rule: Option<LeadRule> = None;
    walk(roots, file, diags, &mut rule);
}

fn walk(nodes: &mut [Node], file: &Path, diags: &mut Diagnostics, rule: &mut Option<LeadRule>) {
    for n in nodes.iter_mut() {
        join_unclosed_notes(n, file, diags);
        split_title_sentences(n, file, diags);
        split_paragraph_clauses(n, file, diags);
        extract(n, file, diags, rule);
        walk(&mut n.children, file, diags, rule);
    }
}

/// A note broken over two paragraphs (a page break in the source) is joined; one that never
/// closes is a warning, and is read to the end of its paragraph.
fn join_unclosed_notes(node: &mut Node, file: &Path, diags: &mut Diagnostics) {
    let mut i = 0;
    while i < node.paragraphs.len() {
        let Some(start) = units::unclosed_note_start(&node.paragraphs[i].text) else {
            i += 1;
            continue;
        };
        let next_joins = node
            .paragraphs
            .get(i + 1)
            .is_some_and(|p| !is_line_block(&p.text) && units::own_line_note(&p.text).is_none());
        if next_joins {
            let next = node.paragraphs.remove(i + 1);
            join_line(&mut node.paragraphs[i].text, &next.text);
            if units::unclosed_note_start(&node.paragraphs[i].text).is_none() {
                continue;
            }
        }
        let p = &node.paragraphs[i];
        diags.push(
            Diagnostic::warning(format!(
                "单位说明「{}」只有左括号，没有右括号；已把它读到段末",
                p.text[start..].chars().take(16).collect::<String>()
            ))
            .at(file, p.line)
            .hint("请在单位说明末尾补上「）」。"),
        );
        i += 1;
    }
}

fn has_note(p: &Paragraph) -> bool {
    !is_line_block(&p.text)
        && (!units::find_notes(&p.text).is_empty() || units::own_line_note(&p.text).is_some())
}

/// A group whose paragraphs each end with their own unit note (`优化固体废物管理体制机制…
/// （生态环境部指导，…）`) holds one task per paragraph: each paragraph after the numbered one
/// becomes an unnumbered clause `¶k` of the group.
fn split_paragraph_clauses(node: &mut Node, file: &Path, diags: &mut Diagnostics) {
    if !node.children.is_empty() || node.style.is_none() {
        return;
    }
    let own_block_has_note = node
        .paragraphs
        .iter()
        .filter(|p| p.line == node.line)
        .any(has_note);
    let later: Vec<&Paragraph> = node
        .paragraphs
        .iter()
        .filter(|p| p.line != node.line && !is_line_block(&p.text))
        .collect();
    let later_with_notes = later.iter().filter(|p| has_note(p)).count();
    // An own-line note (`责任单位：…`) after a clause is that clause's note, not a task.
    let own_line = later
        .iter()
        .filter(|p| units::own_line_note(&p.text).is_some())
        .count();
    // `“一核”：…（牵头单位：…）`, `金融支持：…（…）`: paragraphs that each open with a run-in
    // title and close with their own note are the group's tasks even when its intro has no note.
    let run_in_tasks = !own_block_has_note
        && later.len() >= 2
        && later
            .iter()
            .all(|p| has_note(p) && run_in_label(&p.text).is_some());
    // `1．重点发展区域` on a line of its own, then paragraphs that each end with their own note:
    // the first paragraph is the numbered item's text, each further one a task of its own.
    let titled_tasks = !run_in_tasks
        && !own_block_has_note
        && !node.heading.is_empty()
        && node.paragraphs.iter().all(|p| p.line != node.line)
        && later.len() >= 2
        && later.iter().all(|p| has_note(p));
    if !run_in_tasks && !titled_tasks && (!own_block_has_note || later_with_notes < 1)
        || own_line > 0
    {
        return;
    }
    let mut first_is_text = titled_tasks;
    let paragraphs = std::mem::take(&mut node.paragraphs);
    let mut k = 1;
    for p in paragraphs {
        if p.line == node.line {
            node.paragraphs.push(p);
            continue;
        }
        if first_is_text && !is_line_block(&p.text) {
            first_is_text = false;
            node.paragraphs.push(p);
            continue;
        }
        if is_line_block(&p.text) {
            match node.children.last_mut() {
                Some(child) => child.paragraphs.push(p),
                None => node.paragraphs.push(p),
            }
            continue;
        }
        k += 1;
        let (heading, rest, heading_ends_sentence) = split_heading(&p.text);
        let label = match run_in_label(&p.text) {
            Some(l) if run_in_tasks => l.to_string(),
            _ => format!("¶{k}"),
        };
        node.children.push(Node {
            id: format!("{}.p{k}", node.id),
            label,
            depth: node.depth + 1,
            heading,
            paragraphs: rest
                .map(|text| Paragraph { text, line: p.line })
                .into_iter()
                .collect(),
            heading_ends_sentence,
            units: Vec::new(),
            is_clause: true,
            children: Vec::new(),
            line: p.line,
            style: None,
            ordinal: k,
            numbered_through: false,
            ..Node::default()
        });
    }
    if run_in_tasks {
        diags.push(
            Diagnostic::warning(format!(
                "「{}」下的 {} 个段落以小标题（如「{}」）开头并各有单位说明，已把每段作为一个无编号条款",
                node.label,
                k - 1,
                node.children.first().map_or("", |c| c.label.as_str())
            ))
            .at(file, node.line)
            .hint("如果这些段落属于同一个条款，请把单位说明合并到条款末尾。"),
        );
        return;
    }
    diags.push(
        Diagnostic::warning(format!(
            "「{}」下的 {} 个无编号段落带有各自的单位说明，已把每段作为一个无编号条款（¶2…¶{k}）",
            node.label,
            k - 1
        ))
        .at(file, node.line)
        .hint("如果这些段落属于同一个条款，请把单位说明合并到条款末尾。"),
    );
}

/// A run-in title standing alone as a paragraph: one short sentence (`提高“三零”服务质效。`),
/// without a comma or colon inside.
fn is_title_sentence(text: &str) -> bool {
    const MAX_CHARS: usize = 24;
    let t = text.trim();
    let n = t.chars().count();
    (4..=MAX_CHARS).contains(&n)
        && t.ends_with('。')
        && t.matches('。').count() == 1
        && !t.contains(['，', '；', '：', ',', ';', ':', '、'])
        && !is_line_block(t)
}

/// `（一）巩固提升“三零”服务。拓展“三零”服务对象。` then a paragraph, then `提高“三零”服务质效。`
/// on a line of its own and its paragraph, and so on: the group's run-in titles (08's form, each
/// sentence opening a task) put on lines of their own by a web page's markup. The numbered line
/// ends with such a title after its heading, and the later paragraphs alternate title and text;
/// each further title and its text become an unnumbered clause `¶k` of the group.
fn split_title_sentences(node: &mut Node, file: &Path, diags: &mut Diagnostics) {
    if !node.children.is_empty() || node.style.is_none() || !node.heading_ends_sentence {
        return;
    }
    let own_title = node
        .paragraphs
        .iter()
        .find(|p| p.line == node.line)
        .is_some_and(|p| is_title_sentence(&p.text));
    let later: Vec<&Paragraph> = node
        .paragraphs
        .iter()
        .filter(|p| p.line != node.line)
        .collect();
    // Text first (the own title's), then title, text, title, text…: no two titles in a row, no
    // title last, and nothing else (no note, no table) among them.
    let titles = later.iter().filter(|p| is_title_sentence(&p.text)).count();
    let alternates = later.first().is_some_and(|p| !is_title_sentence(&p.text))
        && later.last().is_some_and(|p| !is_title_sentence(&p.text))
        && later
            .windows(2)
            .all(|w| !(is_title_sentence(&w[0].text) && is_title_sentence(&w[1].text)))
        && later
            .iter()
            .all(|p| !has_note(p) && !is_line_block(&p.text));
    if !own_title || titles == 0 || !alternates {
        return;
    }
    let paragraphs = std::mem::take(&mut node.paragraphs);
    let mut k = 1;
    for p in paragraphs {
        if p.line == node.line || (k == 1 && !is_title_sentence(&p.text)) {
            node.paragraphs.push(p);
            continue;
        }
        if is_title_sentence(&p.text) {
            k += 1;
            node.children.push(Node {
                id: format!("{}.p{k}", node.id),
                label: format!("¶{k}"),
                depth: node.depth + 1,
                heading: p.text.trim().trim_end_matches('。').to_string(),
                heading_ends_sentence: true,
                is_clause: true,
                line: p.line,
                ordinal: k,
                ..Node::default()
            });
            continue;
        }
        if let Some(child) = node.children.last_mut() {
            child.paragraphs.push(p);
        }
    }
    let first = node
        .children
        .first()
        .map_or(String::new(), |c| c.heading.clone());
    diags.push(
        Diagnostic::warning(format!(
            "「{}」中有 {} 个独占一行的小标题句（如「{first}。」），已把每个小标题及其下面的段落作为一个无编号条款（¶2…¶{k}）",
            node.label,
            k - 1
        ))
        .at(file, node.line)
        .hint("如果这些小标题只是同一项任务的几个方面，请把它们与下面的段落合并为一段。"),
    );
}

/// The run-in title before `：` that opens a paragraph (`“一核”`, `建设AI算力平台`), short and
/// without other punctuation; a role label (`责任单位：`) is none.
fn run_in_label(text: &str) -> Option<&str> {
    const MAX_CHARS: usize = 12;
    let (label, rest) = text.split_once('：')?;
    let n = label.chars().count();
    ((2..=MAX_CHARS).contains(&n)
        && !rest.trim().is_empty()
        && !label.contains(['，', '、', '。', '；', '（', '(', ' '])
        && units::own_line_note(text).is_none())
    .then_some(label)
}

/// Reads every note of a node's text, applies the lead rule in force, and cuts the note that
/// ends the text (or stands on its own line) off it; notes inside the text stay where they are.
fn extract(node: &mut Node, file: &Path, diags: &mut Diagnostics, rule: &mut Option<LeadRule>) {
    let mut notes: Vec<(Note, String, usize)> = Vec::new();
    let text_end = node
        .paragraphs
        .iter()
        .rposition(|p| !is_line_block(&p.text))
        .map_or(0, |i| i + 1);
    let mut remove: Vec<usize> = Vec::new();
    // Whether the last note found stands in a paragraph of its own.
    let mut last_alone = false;
    for (i, p) in node.paragraphs.iter_mut().enumerate().take(text_end) {
        for raw in units::unread_role_brackets(&p.text) {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」中的括注「{}」像是单位说明，但未能读出单位",
                    node.label,
                    raw.chars().take(24).collect::<String>()
                ))
                .at(file, p.line)
                .hint("如果括注列有牵头或责任单位，请写成（牵头单位：…；责任单位：…）；如果不是单位说明，可忽略此提示。"),
            );
        }
        if let Some(note) = units::own_line_note(&p.text) {
            notes.push((note, p.text.clone(), p.line));
            remove.push(i);
            last_alone = p.line != node.line;
            continue;
        }
        let found = match units::unclosed_note_start(&p.text) {
            // Read to the end of the paragraph (already warned about).
            Some(start) => units::find_notes(&p.text[..start])
                .into_iter()
                .chain(units::parse_inner(
                    p.text[start..]
                        .trim_start_matches(['（', '(', '〔', '【'])
                        .trim_end_matches(['。', '.']),
                    start,
                    p.text.len(),
                ))
                .collect(),
            None => units::find_notes(&p.text),
        };
        let is_last = i + 1 == text_end;
        let found = if found.is_empty() && is_last {
            match units::bare_list_note(&p.text) {
                Some(units::BareList::Note(note)) => vec![note],
                Some(units::BareList::Doubtful(raw, bad)) => {
                    diags.push(
                        Diagnostic::warning(format!(
                            "「{}」末尾的括注「{}」像是不带标签的单位名单，但其中「{}」不像单位名称，没有读作单位说明",
                            node.label,
                            raw.chars().take(24).collect::<String>(),
                            bad.chars().take(16).collect::<String>()
                        ))
                        .at(file, p.line)
                        .hint("如果括注列的是责任单位，请写成（责任单位：…），并核对每个单位名称；如果不是单位说明，可忽略此提示。"),
                    );
                    Vec::new()
                }
                None => Vec::new(),
            }
        } else {
            found
        };
        let mut cut: Option<usize> = None;
        for note in found {
            last_alone = false;
            let raw = p.text[note.start..note.end].to_string();
            let tail = p.text[note.end..].trim_matches([' ', '。', '.', '；', ';']);
            if is_last && tail.is_empty() {
                cut = Some(note.start);
            }
            notes.push((note, raw, p.line));
        }
        if let Some(start) = cut {
            let kept = p.text[..start].trim_end().to_string();
            if kept.is_empty() && !(i == 0 && node.heading.is_empty()) {
                remove.push(i);
                last_alone = p.line != node.line;
            } else {
                p.text = kept;
            }
        }
    }
    for i in remove.into_iter().rev() {
        node.paragraphs.remove(i);
    }
    if notes.is_empty() {
        return;
    }
    node.note_line = notes.iter().map(|(_, _, l)| *l).max().unwrap_or(node.line);
    node.note_alone = last_alone;
    // Text after the last note may be the enclosing level's closing words rather than this
    // clause's: it stays here, but the editor is told.
    if let Some(last_note_line) = notes.iter().map(|(_, _, l)| *l).max() {
        let after: Vec<&Paragraph> = node
            .paragraphs
            .iter()
            .filter(|p| p.line > last_note_line && !is_line_block(&p.text))
            .collect();
        if let Some(first) = after.first() {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」的单位说明之后还有 {} 段文字（「{}」），已归入该条款的正文",
                    node.label,
                    after.len(),
                    first.text.chars().take(12).collect::<String>()
                ))
                .at(file, first.line)
                .hint("如果这段文字属于上一级或下一条，请调整它的位置或给它加上编号。"),
            );
        }
    }
    for (note, raw, line) in notes.iter_mut() {
        if let Some(r) = &note.rule {
            *rule = Some(r.clone());
        }
        if let Some(r) = rule.as_ref() {
            note.apply_rule(r, raw);
        }
        if note.groups.iter().all(|g| g.names.is_empty()) && note.rejected.is_empty() {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」的单位说明「{}」中没有可识别的单位名称",
                    node.label,
                    raw.chars().take(20).collect::<String>()
                ))
                .at(file, *line)
                .hint("请在标签后写上单位名称，如（牵头单位：市发展改革委）。"),
            );
        }
        for sentence in &note.unread {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」的单位说明中「{}」未能读成单位，其中的单位没有列出",
                    node.label,
                    sentence.chars().take(20).collect::<String>()
                ))
                .at(file, *line)
                .hint("请核对这一句是否列有单位；如有，请写成（牵头单位：…；配合单位：…）的形式。"),
            );
        }
        for name in &note.rejected {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」的单位说明中「{}」不像单位名称（过长或含标点），未列为单位",
                    node.label,
                    name.chars().take(20).collect::<String>()
                ))
                .at(file, *line)
                .hint("单位之间用「、」或「，」分隔，不同角色用「；」分隔，如（牵头单位：市发展改革委；配合单位：市财政局）。"),
            );
        }
    }
    let notes: Vec<Note> = notes.into_iter().map(|(n, _, _)| n).collect();
    node.units = units::merge(&notes);
}

/// A note after the last item of a group, on its own line, where no other item of the group has
/// a note: when every group of the document with notes is written this way, the note is the
/// group's and every item under it gets its units (the document's own pattern decides, never a
/// single group).
pub(super) fn attach_group_notes(roots: &mut [Node], file: &Path, diags: &mut Diagnostics) {
    let (mut group_end, mut per_item) = (0, 0);
    count_patterns(roots, &mut group_end, &mut per_item);
    if group_end == 0 || per_item > 0 {
        return;
    }
    let mut done = Vec::new();
    attach(roots, &mut done);
    if let Some((label, line)) = done.first() {
        diags.push(
            Diagnostic::warning(format!(
                "全文 {} 个分组都只在最后一条之后写了单位说明，已把每条说明作为整组各条的单位说明（第一组为「{label}」）",
                done.len()
            ))
            .at(file, *line)
            .hint("如果某条说明只属于它前面的那一条，请在同组其他各条后面分别写上各自的单位说明。"),
        );
    }
}

/// The items of a group that could share a note: its numbered clause children.
fn items(n: &Node) -> Vec<&Node> {
    n.children
        .iter()
        .filter(|c| c.is_clause && c.style.is_some())
        .collect()
}

fn ends_with_group_note(n: &Node) -> bool {
    let items = items(n);
    items.len() >= 2
        && items.len() == n.children.len()
        && items
            .last()
            .is_some_and(|l| l.note_alone && !l.units.is_empty())
        && items[..items.len() - 1].iter().all(|c| c.units.is_empty())
}

fn count_patterns(nodes: &[Node], group_end: &mut usize, per_item: &mut usize) {
    for n in nodes {
        if ends_with_group_note(n) {
            *group_end += 1;
        } else {
            let items = items(n);
            if items.len() >= 2 && items.iter().filter(|c| !c.units.is_empty()).count() >= 2 {
                *per_item += 1;
            }
        }
        count_patterns(&n.children, group_end, per_item);
    }
}

/// Gives each group's items its note; returns (group label, note line) of every group done.
fn attach(nodes: &mut [Node], done: &mut Vec<(String, usize)>) {
    for n in nodes.iter_mut() {
        if ends_with_group_note(n) {
            let Some(last) = n.children.last() else {
                continue;
            };
            let (units, note_line) = (last.units.clone(), last.note_line);
            for c in n.children.iter_mut() {
                c.units = units.clone();
                c.note_line = note_line;
            }
            done.push((n.label.clone(), note_line));
            continue;
        }
        attach(&mut n.children, done);
    }
}
