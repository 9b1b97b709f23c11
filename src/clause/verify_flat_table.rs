//! A task table pasted one cell per paragraph (`序号` / `工作任务` / `牵头单位` …) that the import
//! could not rebuild into a table: its rows are read as plain text, so none of its tasks is a
//! clause and none of its unit cells is a note. The header is named, and so is every row's task
//! cell under it — each is a task the outline lacks — and every clause elsewhere whose title the
//! table repeats (an attachment's 细则 item and its table row: the units are in the table).

use std::collections::HashSet;
use std::path::Path;

use super::task_table::{self, HEADER_CELL_MAX_CHARS};
use super::{numbering, unit_name, Block, ClauseTree};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Shortest title of a clause looked for in the table's cells.
const TITLE_MIN_CHARS: usize = 6;
/// Shortest text of a task cell (a unit list or a group name is shorter or reads as names).
const TASK_CELL_MIN_CHARS: usize = 8;

pub(super) fn verify(tree: &ClauseTree, blocks: &[Block], file: &Path, diags: &mut Diagnostics) {
    leftover_cells(blocks, file, diags);
    let node_lines: HashSet<usize> = tree.walk().iter().map(|n| n.line).collect();
    let mut i = 0;
    while i < blocks.len() {
        let Some((header, len)) = header_at(blocks, i) else {
            i += 1;
            continue;
        };
        let header_line = blocks[i].line;
        diags.push(
            Diagnostic::warning(format!(
                "「{header}」像是逐格分行的任务分工表表头，但它下面的各行没有读成任务条款"
            ))
            .at(file, header_line)
            .hint("请把这张表改写为 Markdown 表格（| 序号 | 工作任务 | 牵头单位 | … |），每行一项任务。"),
        );
        // The table runs to the next Markdown heading (the next attachment) or the end.
        let end = (i + 1..blocks.len())
            .find(|&k| blocks[k].hashes > 0)
            .unwrap_or(blocks.len());
        let cells = &blocks[i + len..end];
        for b in cells
            .iter()
            .filter(|b| !node_lines.contains(&b.line) && is_task_cell(&b.text))
        {
            diags.push(
                Diagnostic::warning(format!(
                    "这一段在第 {header_line} 行起逐格分行的任务分工表中，像是表中一行的工作内容：它没有读成任务条款，它的牵头单位和配合单位也没有读入"
                ))
                .at(file, b.line)
                .hint("请把这张表改写为 Markdown 表格，每行一项任务，单位写在单位列中。"),
            );
        }
        repeated_titles(tree, cells, header_line, file, diags);
        i = end.max(i + 1);
    }
}

/// The header starting at block `i`, as written, and how many blocks it takes: header cells one
/// per block, or run together into one paragraph by a page-break join.
fn header_at(blocks: &[Block], i: usize) -> Option<(String, usize)> {
    let is_cell = |b: &Block| {
        b.hashes == 0
            && b.text.chars().count() <= HEADER_CELL_MAX_CHARS
            && !b
                .text
                .chars()
                .any(|c| c.is_ascii_digit() || "，。、：；|".contains(c))
    };
    let run = blocks[i..].iter().take_while(|b| is_cell(b)).count();
    if run >= 3 {
        let header: Vec<String> = blocks[i..i + run].iter().map(|b| b.text.clone()).collect();
        if task_table::is_task_header(&header) {
            return Some((header.join(" / "), run));
        }
    }
    let b = &blocks[i];
    (b.hashes == 0 && !b.text.starts_with('|') && task_table::holds_run_together_header(&b.text))
        .then(|| {
            let at = b.text.find("序号").unwrap_or(0);
            (b.text[at..].chars().take(30).collect(), 1)
        })
}

/// A row's task cell: a sentence or a long phrase, not a label (`（一）`), a group number, a
/// header cell or a list of unit names.
fn is_task_cell(text: &str) -> bool {
    if numbering::detect(text).is_some_and(|n| text[n.len..].trim().is_empty()) {
        return false;
    }
    let n = text.chars().count();
    let names_only = text
        .split(['、', '，', ','])
        .all(|name| unit_name::doubt(name.trim()).is_none());
    (text.contains('。') || n >= TASK_CELL_MIN_CHARS) && !names_only
}

/// Clauses elsewhere whose title a cell of the table repeats: the table row holds that task's
/// units, which were not read.
fn repeated_titles(
    tree: &ClauseTree,
    cells: &[Block],
    header_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !"，。、；：“”《》".contains(*c))
            .collect()
    };
    let cell_texts: Vec<(usize, String)> =
        cells.iter().map(|b| (b.line, squeeze(&b.text))).collect();
    let (lo, hi) = match (cells.first(), cells.last()) {
        (Some(f), Some(l)) => (f.line, l.line),
        _ => return,
    };
    for n in tree.walk() {
        if !n.is_clause || (lo..=hi).contains(&n.line) {
            continue;
        }
        let title = squeeze(&super::verify::title_of(n).replace('…', ""));
        if title.chars().count() < TITLE_MIN_CHARS {
            continue;
        }
        if let Some((line, _)) = cell_texts.iter().find(|(_, t)| t.contains(&title)) {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」也写在第 {header_line} 行起逐格分行的任务分工表中（第 {line} 行），该表没有读成任务条款，表中为这一项写的单位没有读入",
                    super::verify::title_of(n)
                ))
                .at(file, n.line)
                .hint("请把这张表改写为 Markdown 表格，并核对这一项的单位。"),
            );
        }
    }
}

/// Fewest paragraphs after a task table read as the cells it left behind.
const LEFTOVER_MIN_CELLS: usize = 4;
/// Fewest of them that are figures (`67个`, `2019年`, `89辆`): what a sub-row's cells hold.
const LEFTOVER_MIN_FIGURES: usize = 2;

/// A task table rebuilt from cell-per-line text whose rebuild stopped before its cells did
/// (its numbering restarts in the next group, sub-rows the columns cannot place): the rest
/// follows the table as short paragraphs without a sentence, figures among them. The run is
/// named, and every cell in it that holds words — a task, a group — on its own line, since
/// each such task is missing from the outline.
fn leftover_cells(blocks: &[Block], file: &Path, diags: &mut Diagnostics) {
    for (i, b) in blocks.iter().enumerate() {
        if !b.text.starts_with('|') || !is_task_table(&b.text) {
            continue;
        }
        let run: Vec<&Block> = blocks[i + 1..]
            .iter()
            .take_while(|c| {
                c.hashes == 0
                    && !c.text.starts_with('|')
                    && !c.text.contains('。')
                    && !task_table::opens_another_table(&c.text)
            })
            .collect();
        let figures = run
            .iter()
            .filter(|c| c.text.starts_with(|ch: char| ch.is_ascii_digit()))
            .count();
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            continue;
        };
        if run.len() < LEFTOVER_MIN_CELLS || figures < LEFTOVER_MIN_FIGURES {
            continue;
        }
        let table_line = b.line;
        diags.push(
            Diagnostic::warning(format!(
                "第 {}–{} 行的 {} 段紧接在第 {table_line} 行的任务分工表之后，像是逐格分行的表格没有读完而留下的单元格，其中的任务没有读成任务条款",
                first.line,
                last.line,
                run.len()
            ))
            .at(file, first.line)
            .hint("请对照原表把这些行补进上面的 Markdown 表格（每行一项任务，单位写在单位列），再删去这些段落。"),
        );
        for c in run.iter().skip(1).filter(|c| holds_words(&c.text)) {
            diags.push(
                Diagnostic::warning(format!(
                    "「{}」像是第 {table_line} 行任务分工表中没有读进表格的一格：它没有读成任务条款，它的单位也没有读入",
                    c.text.chars().take(24).collect::<String>()
                ))
                .at(file, c.line)
                .hint("请把这一行补进上面的 Markdown 表格。"),
            );
        }
    }
}

/// Whether the Markdown table `block`'s header names a task column and a unit column, read
/// as the table reader reads it.
fn is_task_table(block: &str) -> bool {
    block
        .lines()
        .next()
        .is_some_and(|first| task_table::is_task_header(&task_table::cells(first)))
}

/// A cell holding words rather than a figure, a single character or a unit name.
fn holds_words(text: &str) -> bool {
    text.chars().count() >= 4
        && !text.starts_with(|c: char| c.is_ascii_digit())
        && text
            .split(['、', '，', ','])
            .any(|name| unit_name::doubt(name.trim()).is_some())
}
