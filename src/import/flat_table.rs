//! Task tables (任务分工表, 任务清单) copied from a web page or a PDF arrive flattened: the
//! header cells `序号` / `工作任务` / `牵头单位` / … each on a line of its own, then every row's
//! cells one after another, a merged cell (a group spanning rows, a unit list shared by several
//! rows) written only once. This module finds such a table by its header and rebuilds its rows
//! as table rows, so the clause reader makes one task clause per row.
//!
//! Rows are anchored by the `序号` column: the bare numbers 1, 2, 3 … in order. The cells between
//! two numbers are matched to the columns by what they look like (a unit list, a deadline, a
//! short group name, the task text), so a merged cell that is missing leaves its column empty —
//! which the clause reader takes as "continues the cell above".

use crate::clause::numbering::chinese_numeral;
use crate::clause::task_table::{self, ColumnKind, HEADER_CELL_MAX_CHARS as HEADER_MAX_CHARS};
use crate::clause::{join_line, unit_name, units};

use super::source::{LineKind, SourceLine};

mod unnumbered;

/// Longest group cell (`海绵城市建设管理`, `公共服务设施提升改造`).
const GROUP_MAX_CHARS: usize = 24;
/// Most cells between two row numbers before the number is read as something else.
const ROW_MAX_EXTRA_CELLS: usize = 4;
/// Most physical rows one merged `序号` cell spans (a task with several measures, each with
/// its own units).
const MAX_SUB_ROWS: usize = 6;

/// A cell of the flattened table: its text (lines joined) and its first source line.
#[derive(Debug, Clone)]
struct Cell {
    text: String,
    line: usize,
}

/// Rebuilds every flattened task table in `lines` as table rows; returns how many were found.
pub fn rebuild(lines: &mut Vec<SourceLine>) -> usize {
    let mut found = 0;
    let mut i = 0;
    while i < lines.len() {
        match table_at(lines, i) {
            Some((rows, end)) => {
                let n = rows.len();
                lines.splice(i..end, rows);
                i += n;
                found += 1;
            }
            None => i += 1,
        }
    }
    found
}

/// Words that name what a column holds. A header cell holding one of them is a header cell
/// whatever else it holds (`2024年工作任务`, `2025年工作计划`): a year is part of the name.
const COLUMN_WORDS: [&str; 9] = [
    "任务", "计划", "措施", "内容", "单位", "部门", "时限", "时间", "目标",
];

/// Columns after the units that hold free text under a name of no column word.
const FREE_COLUMNS: [&str; 4] = ["备注", "说明", "责任人", "联系人"];

/// A header cell: a short phrase without punctuation, and without digits unless it names a
/// column by its words, and not the attachment marker (`附件`) that heads the page above the
/// table.
fn is_header_cell(text: &str) -> bool {
    let n = text.chars().count();
    let names_column = COLUMN_WORDS.iter().any(|w| text.contains(w));
    (2..=HEADER_MAX_CHARS).contains(&n)
        && !text.starts_with("附件")
        && text.chars().all(|c| {
            (!c.is_ascii_digit() || names_column)
                && !c.is_ascii_punctuation()
                && !"，。、：；（）".contains(c)
        })
}

/// Splits the lines from `start` into cells: runs of lines between blank lines when the header
/// is written that way (web copies), else one cell per line. Returns the cells and, for each,
/// the index just past its last line.
fn cells_from(lines: &[SourceLine], start: usize, blank_separated: bool) -> Vec<(Cell, usize)> {
    let mut out: Vec<(Cell, usize)> = Vec::new();
    let mut current: Option<Cell> = None;
    for (k, l) in lines.iter().enumerate().skip(start) {
        match &l.kind {
            LineKind::Blank => {
                if let Some(c) = current.take() {
                    out.push((c, k));
                }
            }
            LineKind::Text => match current.as_mut() {
                Some(c) if blank_separated => {
                    // Unit names one per line inside a cell (`区绿化市容局` / `区商务委`) are a
                    // list: joined bare they would read as one invented name.
                    if is_unit_line(last_line(&c.text)) && is_unit_line(&l.text) {
                        c.text.push('、');
                    }
                    join_line(&mut c.text, &l.text)
                }
                Some(_) => {
                    if let Some(c) = current.take() {
                        out.push((c, k));
                    }
                    current = Some(Cell {
                        text: l.text.clone(),
                        line: l.line,
                    });
                }
                None => {
                    current = Some(Cell {
                        text: l.text.clone(),
                        line: l.line,
                    })
                }
            },
            // A heading or a real table row ends the flattened table.
            _ => {
                if let Some(c) = current.take() {
                    out.push((c, k));
                }
                return out;
            }
        }
    }
    if let Some(c) = current.take() {
        out.push((c, lines.len()));
    }
    out
}

/// The text after the last separator-less join: where a cell's previous line began is not kept,
/// so the last unit-list run stands for it.
fn last_line(text: &str) -> &str {
    text.rsplit('、').next().unwrap_or(text)
}

/// One well-formed unit name on a line of its own, with no separator after it (a line ending in
/// `、` already continues its list).
fn is_unit_line(text: &str) -> bool {
    !text.is_empty()
        && !is_empty_mark(text)
        && !text.ends_with(['、', '，', ','])
        && !text.contains(['、', '，', ','])
        && looks_like_units(text)
}

/// A unit list: every name the note grammar reads from it is a well-formed unit name.
fn looks_like_units(text: &str) -> bool {
    if is_empty_mark(text) {
        return true;
    }
    if text.contains('。') || text.chars().count() > 200 {
        return false;
    }
    let Some(note) = units::parse_inner(&format!("责任单位：{text}"), 0, 0) else {
        return false;
    };
    let names: Vec<&String> = note.groups.iter().flat_map(|g| &g.names).collect();
    !names.is_empty() && names.iter().all(|n| unit_name::doubt(n).is_none())
}

/// A cell that says "none" (`/`, `—`, `无`): an empty unit or deadline cell written out.
fn is_empty_mark(text: &str) -> bool {
    matches!(text, "/" | "／" | "—" | "——" | "-" | "－" | "无")
}

/// A deadline cell: `2025年底前`, `2019年3月`, `长期坚持`, `持续推进`.
fn looks_like_deadline(text: &str) -> bool {
    if is_empty_mark(text) {
        return true;
    }
    let n = text.chars().count();
    n <= 30
        && !text.contains('。')
        && (text.chars().any(|c| c.is_ascii_digit())
            && (text.contains('年') || text.contains('月'))
            || ["长期", "持续", "年底", "每年", "常态", "前完成"]
                .iter()
                .any(|w| text.contains(w)))
}

/// Whether a cell may stand in a column of `kind`: a unit list only in a unit column, and a cell
/// broken over lines (`区政府办公室、` then `区规划资源局`) in none, since its next cell continues it.
fn fits_column(text: &str, kind: ColumnKind) -> bool {
    if text.ends_with(['、', '，', ',']) {
        return false;
    }
    match kind {
        ColumnKind::Units => looks_like_units(text),
        ColumnKind::Deadline => looks_like_deadline(text),
        ColumnKind::Group => looks_like_group(text),
        ColumnKind::Task => !looks_like_units(text),
        // A unit list in a free-text column is a unit cell out of place.
        ColumnKind::Other => !looks_like_units(text) || is_empty_mark(text),
        ColumnKind::Number => true,
    }
}

/// Whether a cell may stand in a column of `kind` when its place is known from the count of
/// cells: a unit column still holds a unit list, a deadline a short phrase (`与国家安排同步`),
/// the task any text.
fn fits_in_place(text: &str, kind: ColumnKind) -> bool {
    match kind {
        // A task may end like a unit name (`建设市北园区低碳发展实践区`); its place says what it is.
        ColumnKind::Task => !text.is_empty(),
        ColumnKind::Deadline => {
            looks_like_deadline(text)
                || (text.chars().count() <= 12
                    && !text.contains(['。', '，', '、'])
                    && !looks_like_units(text))
        }
        _ => fits_column(text, kind),
    }
}

/// A group or item name: short, one phrase (`有序扩大家庭医生来源。` may end with a full stop).
fn looks_like_group(text: &str) -> bool {
    let phrase = text.strip_suffix('。').unwrap_or(text);
    phrase.chars().count() <= GROUP_MAX_CHARS
        && !phrase.contains(['。', '，', '；'])
        && !is_empty_mark(text)
        && !looks_like_units(text)
}

/// The title of a group row: one phrase, no sentence (`推进碳达峰碳中和综合管理`).
fn looks_like_group_title(text: &str) -> bool {
    let n = text.chars().count();
    (2..=GROUP_TITLE_MAX_CHARS).contains(&n)
        && !text.contains(['。', '，', '；', '\n'])
        && !looks_like_units(text)
}

/// Longest title of a group row.
const GROUP_TITLE_MAX_CHARS: usize = 30;

/// Most section rows written one after another between two task rows (a section and its
/// sub-section).
const MAX_SECTION_ROWS: usize = 2;

/// A section row's title: a short phrase, not a unit list nor a deadline.
fn looks_like_section(text: &str) -> bool {
    looks_like_group(text)
        && !looks_like_deadline(text)
        && !text.contains(['、', ','])
        && unit_name::doubt(text).is_some()
}

/// Reads the flattened table whose header starts at `start`; returns its rows as table rows and
/// the index just past its last line.
fn table_at(lines: &[SourceLine], start: usize) -> Option<(Vec<SourceLine>, usize)> {
    let first = lines.get(start)?;
    if first.kind != LineKind::Text || !is_header_cell(&first.text) {
        return None;
    }
    // The header: header-like lines, with or without blank lines between them.
    let blank_separated = lines.get(start + 1).is_some_and(SourceLine::is_blank);
    let cells = cells_from(lines, start, blank_separated);
    let mut header_len = cells
        .iter()
        .take_while(|(c, _)| !c.text.contains('\n') && is_header_cell(&c.text))
        .count();
    if header_len < 3 {
        return None;
    }
    let mut header: Vec<String> = cells[..header_len]
        .iter()
        .map(|(c, _)| c.text.clone())
        .collect();
    // The first row's group cell (`深入开展宣传教育`, the `序号` cell before it empty) is short
    // and bare like a header cell: after the last unit or deadline column, a cell that names no
    // column and is followed by a task's text, not a row number (`参考文件` then `1`), is the
    // table's first cell, not a column of its own.
    while let Some(kinds) = task_table::column_kinds(&header) {
        let after_units = kinds[..kinds.len() - 1]
            .iter()
            .any(|k| matches!(k, ColumnKind::Units | ColumnKind::Deadline));
        let names_nothing = header.last().is_some_and(|h| {
            !COLUMN_WORDS.iter().any(|w| h.contains(w)) && !FREE_COLUMNS.contains(&h.as_str())
        });
        let task_follows = cells
            .get(header_len)
            .is_some_and(|(c, _)| reads_as_task(&c.text));
        if !(after_units
            && names_nothing
            && task_follows
            && kinds.last() == Some(&ColumnKind::Other))
        {
            break;
        }
        header.pop();
        header_len -= 1;
    }
    let kinds = task_table::column_kinds(&header)?;
    let task_at = kinds.iter().position(|k| *k == ColumnKind::Task);
    // Rows are anchored by the `序号` column; a table without one numbers its rows in the
    // group column next to the task (`项目`: `1.做好规划配套`, merged over the item's rows).
    let (number_at, numbered_items) = match kinds.iter().position(|k| *k == ColumnKind::Number) {
        Some(n) => (n, false),
        None => (
            task_at
                .and_then(|t| t.checked_sub(1))
                .filter(|&i| kinds[i] == ColumnKind::Group)?,
            true,
        ),
    };
    let anchors = |text: &str, n: usize| {
        if numbered_items {
            item_number(text) == Some(n)
        } else {
            text == n.to_string()
        }
    };
    let body = &cells[header_len..];
    // The table runs to the end of the document: the last row's cells are all that follow.
    let to_end = body
        .last()
        .is_some_and(|(_, e)| lines[*e..].iter().all(SourceLine::is_blank));

    // Row starts: the numbers 1, 2, 3 … in order, a repeated header skipped.
    let mut starts: Vec<usize> = Vec::new();
    let mut skip: Vec<usize> = Vec::new();
    // Group rows: the index of the task row they stand before, and their title cell.
    let mut group_rows: Vec<(usize, Cell)> = Vec::new();
    let mut k = 0;
    while k < body.len() {
        if body[k..].len() >= header_len
            && body[k..k + header_len]
                .iter()
                .zip(&header)
                .all(|((c, _), h)| c.text == *h)
        {
            skip.extend(k..k + header_len);
            k += header_len;
            continue;
        }
        // A group row `一` / `推进碳达峰碳中和综合管理`: the next Chinese numeral in the
        // `序号` column, its title in the cell after it, spanning the rows below.
        let numeral = chinese_numeral(group_rows.len() as u32 + 1);
        if number_at == 0
            && body[k].0.text == numeral
            && body
                .get(k + 1)
                .is_some_and(|(c, _)| looks_like_group_title(&c.text))
        {
            group_rows.push((starts.len(), body[k + 1].0.clone()));
            skip.extend([k, k + 1]);
            k += 2;
            continue;
        }
        // The same group row in one cell: `一、科学编制并实施城市综合交通体系规划`.
        if number_at == 0
            && body[k].0.text.starts_with(&format!("{numeral}、"))
            && looks_like_group_title(&body[k].0.text)
        {
            group_rows.push((starts.len(), body[k].0.clone()));
            skip.push(k);
            k += 1;
            continue;
        }
        let gap_ok = starts.last().map_or(k <= number_at + 2, |s| {
            k - s <= kinds.len() * MAX_SUB_ROWS + ROW_MAX_EXTRA_CELLS
        });
        if anchors(&body[k].0.text, starts.len() + 1) && gap_ok {
            starts.push(k);
        } else if starts.is_empty() && k > number_at + 2 {
            return unnumbered_table(first, &header, &kinds, body, numbered_items);
        }
        k += 1;
    }
    if starts.is_empty() {
        return unnumbered_table(first, &header, &kinds, body, numbered_items);
    }
    let cell_at = |k: usize| (!skip.contains(&k)).then(|| body[k].0.clone());

    let width = kinds.len();
    let mut rows: Vec<SourceLine> = vec![SourceLine {
        text: header.join(" "),
        line: first.line,
        kind: LineKind::TableRow(header.clone()),
    }];
    // Cells before the first number belong to the first row's leading columns.
    let mut pending: Vec<Cell> = (0..starts[0]).filter_map(cell_at).collect();
    // Index (into `body`) just past the table's last cell.
    let mut end_cell = 0;
    for (r, &s) in starts.iter().enumerate() {
        let last = r + 1 == starts.len();
        let after_end = if last { body.len() } else { starts[r + 1] };
        let at: Vec<usize> = (s + 1..after_end).filter(|k| !skip.contains(k)).collect();
        let after: Vec<Cell> = at.iter().filter_map(|&k| cell_at(k)).collect();
        let post_kinds = &kinds[number_at + 1..];
        let one_per_column = after.len() == post_kinds.len()
            && after
                .iter()
                .zip(post_kinds)
                .all(|(c, k)| fits_column(&c.text, *k));
        // Only the leading group columns are missing (merged with the rows above): the cells
        // fill the other columns in order.
        let missing = post_kinds.len().saturating_sub(after.len());
        let groups_merged = missing > 0
            && post_kinds[..missing]
                .iter()
                .all(|k| *k == ColumnKind::Group)
            && after
                .iter()
                .zip(&post_kinds[missing..])
                .all(|(c, k)| fits_in_place(&c.text, *k));
        let take_all = number_at == 0 && (!last || to_end);
        let (post, mut used, surplus) = if number_at == 0 && !last && one_per_column {
            // Every column has its cell, each of its kind: nothing merged, nothing to guess.
            (
                after.iter().map(|c| c.text.clone()).collect(),
                after.len(),
                Vec::new(),
            )
        } else if number_at == 0 && groups_merged {
            let mut post = vec![String::new(); missing];
            post.extend(after.iter().map(|c| c.text.clone()));
            (post, after.len(), Vec::new())
        } else {
            fit(&after, post_kinds, take_all)
        };
        // Further physical rows under the same merged `序号` or numbered item (and the cells
        // merged with it): each repeats the columns from the task on, every cell of its kind;
        // a task cell followed by no unit cell sits under unit cells merged with the row above.
        // Only where the row's number opens it: with a group column before the number, the
        // cells after a row may open the next group (`行动五：…` / `产业园区`).
        let mut sub_rows: Vec<(Vec<String>, usize)> = Vec::new();
        if let Some(t) = task_at.filter(|_| number_at == 0 || numbered_items) {
            let tail = &kinds[t..];
            loop {
                if let Some(chunk) = after.get(used..used + tail.len()) {
                    if chunk
                        .iter()
                        .zip(tail)
                        .all(|(c, k)| fits_column(&c.text, *k))
                    {
                        sub_rows.push((
                            chunk.iter().map(|c| c.text.clone()).collect(),
                            chunk[0].line,
                        ));
                        used += tail.len();
                        continue;
                    }
                }
                let Some(c) = after.get(used) else {
                    break;
                };
                let units_follow = after
                    .get(used + 1)
                    .is_some_and(|n| looks_like_units(&n.text));
                if (!last || to_end) && reads_as_task(&c.text) && !units_follow {
                    let mut chunk = vec![String::new(); tail.len()];
                    chunk[0] = c.text.clone();
                    sub_rows.push((chunk, c.line));
                    used += 1;
                    continue;
                }
                break;
            }
        }
        for (_, c) in group_rows.iter().filter(|(before, _)| *before == r) {
            let mut cells = vec![String::new(); width];
            cells[0] = c.text.clone();
            rows.push(row(cells, c.line));
        }
        // Leading cells of this row: right-aligned to the columns before the number, any more
        // are rows spanning the table (`行动一：…`).
        let spare = pending.len().saturating_sub(number_at);
        for c in &pending[..spare] {
            let mut cells = vec![String::new(); width];
            cells[0] = c.text.clone();
            rows.push(row(cells, c.line));
        }
        let mut cells = vec![String::new(); width];
        let lead = &pending[spare..];
        for (j, c) in lead.iter().enumerate() {
            cells[number_at - lead.len() + j] = c.text.clone();
        }
        cells[number_at] = body[s].0.text.clone();
        for (j, p) in post.into_iter().enumerate() {
            cells[number_at + 1 + j] = p;
        }
        // Unit cells beyond the unit columns stay in the row, after its last column, for the
        // clause reader to read and warn.
        cells.extend(surplus);
        let mut rest = &after[used..];
        // A section row (`建立健全“光伏+”推进机制`) written between a row's last cell and the
        // next number: a short phrase the columns do not place, after which every merged cell
        // starts again, so the next row has all its cells.
        let mut sections: Vec<Cell> = Vec::new();
        if number_at == 0 && !last {
            let next_complete = {
                let end = starts.get(r + 2).copied().unwrap_or(body.len());
                let next: Vec<Cell> = (starts[r + 1] + 1..end).filter_map(cell_at).collect();
                next.len() >= post_kinds.len()
                    && next
                        .iter()
                        .zip(post_kinds)
                        .all(|(c, k)| fits_column(&c.text, *k))
            };
            let trailing = rest
                .iter()
                .rev()
                .take_while(|c| looks_like_section(&c.text))
                .count();
            if next_complete && trailing > 0 && trailing <= MAX_SECTION_ROWS {
                sections = rest[rest.len() - trailing..].to_vec();
                rest = &rest[..rest.len() - trailing];
            }
        }
        if number_at == 0 && !last && !rest.is_empty() {
            // More cells than columns: keep them as extra cells so the row is seen not to fit.
            let misfit: Vec<String> = rest.iter().map(|c| c.text.clone()).collect();
            match sub_rows.last_mut() {
                Some((last_row, _)) => last_row.extend(misfit),
                None => cells.extend(misfit),
            }
        }
        let merged: Vec<String> = task_at.map_or(Vec::new(), |t| cells[..t].to_vec());
        rows.push(row(cells, body[s].0.line));
        for (chunk, line) in sub_rows {
            rows.push(row(merged.iter().cloned().chain(chunk).collect(), line));
        }
        for c in sections {
            let mut cells = vec![String::new(); width];
            cells[0] = c.text;
            rows.push(row(cells, c.line));
        }
        pending = if number_at > 0 && !last {
            rest.to_vec()
        } else {
            Vec::new()
        };
        if last {
            end_cell = at.get(used.wrapping_sub(1)).map_or(s + 1, |k| k + 1);
        }
    }
    let end_line = body.get(end_cell - 1).map_or(lines.len(), |(_, e)| *e);
    Some((rows, end_line))
}

/// A table whose `序号` column no row numbers, its rows read by the kinds of their cells (see
/// `unnumbered`); `None` when the columns or cells do not allow it.
fn unnumbered_table(
    first: &SourceLine,
    header: &[String],
    kinds: &[ColumnKind],
    body: &[(Cell, usize)],
    numbered_items: bool,
) -> Option<(Vec<SourceLine>, usize)> {
    if numbered_items {
        return None;
    }
    let (read, used) = unnumbered::rows(body, kinds, header)?;
    let mut rows = vec![SourceLine {
        text: header.join(" "),
        line: first.line,
        kind: LineKind::TableRow(header.to_vec()),
    }];
    rows.extend(read.into_iter().map(|(cells, line)| row(cells, line)));
    let end_line = body.get(used.checked_sub(1)?)?.1;
    Some((rows, end_line))
}

/// The number a numbered item cell opens with: `1.做好规划配套` → 1 (an item name, not a
/// sentence, follows it).
fn item_number(text: &str) -> Option<usize> {
    let n = crate::clause::numbering::detect(text)?;
    let rest = text[n.len..].trim();
    // The item's name may end like a unit (`5.实化运行消防安全委员会`): only its length and
    // the absence of sentence punctuation tell it from a task.
    (n.style == crate::clause::numbering::Style::Arabic
        && !rest.is_empty()
        && rest.chars().count() <= GROUP_MAX_CHARS
        && !rest.contains(['。', '，', '；']))
    .then_some(n.ordinal as usize)
}

/// A task cell standing on its own: a sentence (`…，…。`), not a short name, a unit list or a
/// deadline.
fn reads_as_task(text: &str) -> bool {
    !looks_like_group(text)
        && !looks_like_units(text)
        && !looks_like_deadline(text)
        && text.chars().count() > GROUP_MAX_CHARS
}

/// Whether `text` opens an enumeration again (`1.`, `1、`, `（1）`): the first paragraph of the
/// next cell when a cell's paragraphs are numbered.
fn restarts_enumeration(text: &str) -> bool {
    crate::clause::numbering::detect(text).is_some_and(|n| {
        n.ordinal == 1
            && matches!(
                n.style,
                crate::clause::numbering::Style::Arabic
                    | crate::clause::numbering::Style::ArabicParen
            )
    })
}

fn row(cells: Vec<String>, line: usize) -> SourceLine {
    SourceLine {
        text: cells.join(" "),
        line,
        kind: LineKind::TableRow(cells),
    }
}

/// Matches the cells after a row's number to the columns after the number column, leaving a
/// column empty where its cell is missing (merged with the row above). `take_all`: every cell
/// up to the next number belongs to this row. Returns the cells by column, how many cells
/// were used, and the unit cells beyond the unit columns (a row with more unit paragraphs than
/// unit columns: where one cell ends is not written, so they are kept for a warning).
fn fit(cells: &[Cell], kinds: &[ColumnKind], take_all: bool) -> (Vec<String>, usize, Vec<String>) {
    let mut out = vec![String::new(); kinds.len()];
    let mut surplus = Vec::new();
    let mut j = 0;
    let mut task_seen = false;
    let last_units = kinds.iter().rposition(|k| *k == ColumnKind::Units);
    for (col, kind) in kinds.iter().enumerate() {
        let Some(c) = cells.get(j) else {
            break;
        };
        let text = c.text.as_str();
        let next = cells.get(j + 1).map(|c| c.text.as_str());
        // The free-text columns that end the row (`2024年工作任务`, `2025年工作计划`, `备注`)
        // take its remaining paragraphs; a cell of several paragraphs is told from the next
        // by its enumeration starting again at `1.`.
        if take_all && kinds[col..].iter().all(|k| *k == ColumnKind::Other) {
            let rest = &cells[j..];
            let free = kinds.len() - col;
            if rest.len() > free && !rest.iter().any(|c| looks_like_units(&c.text)) {
                let mut runs: Vec<String> = Vec::new();
                for (k, c) in rest.iter().enumerate() {
                    match runs.last_mut() {
                        Some(run) if k > 0 && !restarts_enumeration(&c.text) => {
                            join_line(run, &c.text)
                        }
                        _ => runs.push(c.text.clone()),
                    }
                }
                if runs.len() <= free {
                    for (k, run) in runs.into_iter().enumerate() {
                        out[col + k] = run;
                    }
                    return (out, cells.len(), surplus);
                }
            }
        }
        let take = match kind {
            // A unit list in the task's place followed by another is the row's units: its
            // task cell is merged with the row above (`序号 | 内容 | 牵头部门 | 配合部门`).
            ColumnKind::Task => {
                !(kinds.get(col + 1) == Some(&ColumnKind::Units)
                    && looks_like_units(text)
                    && !is_empty_mark(text)
                    && next.is_some_and(looks_like_units))
            }
            ColumnKind::Group => {
                !task_seen
                    && looks_like_group(text)
                    && next.is_some_and(|n| !looks_like_units(n) && !looks_like_deadline(n))
            }
            ColumnKind::Units => looks_like_units(text),
            ColumnKind::Deadline => looks_like_deadline(text),
            ColumnKind::Other => take_all || text.starts_with('《'),
            ColumnKind::Number => false,
        };
        if *kind == ColumnKind::Task {
            task_seen = true;
        }
        if take {
            out[col] = text.to_string();
            j += 1;
            // A cell broken by a blank line (`区水务局、` then `区交通委`) continues.
            while out[col].ends_with(['、', '，', ',']) {
                let Some(more) = cells.get(j) else {
                    break;
                };
                out[col].push_str(&more.text);
                j += 1;
            }
        }
        // More unit paragraphs than unit columns: kept apart, never guessed into a column.
        if Some(col) == last_units && take && !is_empty_mark(&out[col]) {
            while let Some(more) = cells.get(j) {
                if !looks_like_units(&more.text) || is_empty_mark(&more.text) {
                    break;
                }
                surplus.push(more.text.clone());
                j += 1;
            }
        }
    }
    (out, j, surplus)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::text_lines;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let mut lines = text_lines(text);
        assert_eq!(rebuild(&mut lines), 1);
        lines
            .into_iter()
            .filter_map(|l| match l.kind {
                LineKind::TableRow(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn merged_cells_leave_their_column_empty() {
        let text = "附件\n\n序号\n\n任务名称\n\n任务内容\n\n牵头部门\n\n配合部门\n\n时间节点\n\n1\n\n加强组织领导\n\n召开全区动员大会。\n\n区政府办公室\n\n各成员单位\n\n2019年3月\n\n2\n\n纳入专项督查和绩效评价指标体系。\n\n区委组织部\n\n区绿化市容局\n\n2019年\n\n附件2\n";
        let r = rows(text);
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[1],
            [
                "1",
                "加强组织领导",
                "召开全区动员大会。",
                "区政府办公室",
                "各成员单位",
                "2019年3月"
            ]
        );
        assert_eq!(
            r[2],
            [
                "2",
                "",
                "纳入专项督查和绩效评价指标体系。",
                "区委组织部",
                "区绿化市容局",
                "2019年"
            ]
        );
    }

    #[test]
    fn a_section_row_between_rows_opens_a_section_but_a_misplaced_unit_cell_does_not() {
        // As 83 (heldout4): the section title follows row 2's task cell (its unit cell merged);
        // row 3 then has all its cells. Row 3's stray unit cell (a name outside the unit
        // grammar, so no unit list either) is no section, though row 4 has all its cells.
        let text = "序号\n\n事项\n\n工作措施\n\n责任单位\n\n推进实施“光伏+”示范工程\n\n1\n\n“光伏+地铁”工程\n\n充分利用轨道交通内既有高架车站、地面车站等资源，进行光伏项目的开发和建设\n\n申通地铁集团\n\n2\n\n新建高架车站、地面车站、基地库房等要求屋顶光伏覆盖面积达到50%\n\n建立健全“光伏+”推进机制\n\n3\n\n健全商业运营模式\n\n建立以市场化竞争配置为主的项目开发管理机制\n\n市交通委\n\n市经济信息化委、各实施方\n\n4\n\n制定建设标准规范\n\n按照“融合发展、宜结尽结”原则，及时修订完善相关产品标准\n\n市市场监管局\n";
        let r = rows(text);
        let firsts: Vec<&str> = r.iter().map(|c| c[0].as_str()).collect();
        assert_eq!(
            firsts,
            [
                "序号",
                "推进实施“光伏+”示范工程",
                "1",
                "2",
                "建立健全“光伏+”推进机制",
                "3",
                "4"
            ]
        );
        // The stray unit cell stays in its row as an extra cell, to be warned as a misfit.
        assert_eq!(
            r[5].last().map(String::as_str),
            Some("市经济信息化委、各实施方")
        );
    }

    #[test]
    fn group_cells_before_the_number_and_spanning_rows() {
        let text = "任务类型\n\n序号\n\n工作任务\n\n推进单位\n\n行动一：焕新行动\n\n1\n\n推进片区规划研究\n\n区规划资源局、区建设管理委\n\n行动二：美丽家园行动\n\n旧区改造\n\n2\n\n完成旧区改造\n\n区房管局\n\n旧住房更新改造\n\n3\n\n推进成套改造。\n";
        let r = rows(text);
        assert_eq!(
            r[1..],
            [
                vec![
                    "行动一：焕新行动",
                    "1",
                    "推进片区规划研究",
                    "区规划资源局、区建设管理委"
                ],
                vec!["行动二：美丽家园行动", "", "", ""],
                vec!["旧区改造", "2", "完成旧区改造", "区房管局"],
                vec!["旧住房更新改造", "3", "推进成套改造。", ""],
            ]
        );
    }
}
