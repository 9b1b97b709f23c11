//! A flattened task table whose `序号` column is empty in every row (the numbers were dropped
//! in the copy, 静安 任务清单): no number anchors the rows, so each row is read by the grammar
//! of its cells instead — a group name where it changes (merged over the rows below), the task
//! text, then one cell per column after the task, each of its column's kind (a unit list or
//! `/`, a deadline). Every cell up to the next attachment must make such a row, or the table is
//! not rebuilt at all and stays text, where the verifier names its header and its task cells.

use super::{fits_column, is_empty_mark, looks_like_group, looks_like_units, Cell};
use crate::clause::task_table::{opens_another_table, ColumnKind};

/// Fewest rows read before the cells are taken for a table at all.
const MIN_ROWS: usize = 2;
/// Most group columns before the task: more would leave which one changed a guess.
const MAX_GROUP_COLUMNS: usize = 1;

/// A row read: its cells by column and its first source line.
type Row = (Vec<String>, usize);

/// The rows read from `body`, and how many of its cells they use; `None` when the columns are not `序号`, group columns, the task, then only unit
/// and deadline columns, or fewer than two rows read.
pub(super) fn rows(
    body: &[(Cell, usize)],
    kinds: &[ColumnKind],
    header: &[String],
) -> Option<(Vec<Row>, usize)> {
    if kinds.first() != Some(&ColumnKind::Number) {
        return None;
    }
    let task_at = kinds.iter().position(|k| *k == ColumnKind::Task)?;
    let groups = &kinds[1..task_at];
    let tail = &kinds[task_at + 1..];
    if groups.len() > MAX_GROUP_COLUMNS
        || groups.iter().any(|k| *k != ColumnKind::Group)
        || tail.is_empty()
        || tail
            .iter()
            .any(|k| !matches!(k, ColumnKind::Units | ColumnKind::Deadline))
    {
        return None;
    }
    let text = |k: usize| body.get(k).map(|(c, _)| c.text.as_str());
    let mut out = Vec::new();
    let mut k = 0;
    while k < body.len() {
        // The header repeated at a page break.
        if header
            .iter()
            .enumerate()
            .all(|(j, h)| text(k + j) == Some(h))
        {
            k += header.len();
            continue;
        }
        let mut j = k;
        let mut group = String::new();
        if !groups.is_empty()
            && text(j).is_some_and(looks_like_group)
            && text(j + 1).is_some_and(|n| !looks_like_units(n))
        {
            group = body[j].0.text.clone();
            j += 1;
        }
        let Some(task) = text(j).filter(|t| !looks_like_units(t) && !is_empty_mark(t)) else {
            break;
        };
        let mut cells = vec![String::new(); 1 + groups.len()];
        if let Some(last) = cells.last_mut().filter(|_| !groups.is_empty()) {
            *last = group;
        }
        cells.push(task.to_string());
        let mut m = j + 1;
        for kind in tail {
            let Some(mut cell) = text(m).map(str::to_string) else {
                break;
            };
            m += 1;
            // A unit cell broken after its `、` (`区绿化市容局、` / `区商务委、各街镇`).
            while cell.ends_with(['、', '，', ',']) {
                match text(m).filter(|n| looks_like_units(n) && !is_empty_mark(n)) {
                    Some(more) => {
                        cell.push_str(more);
                        m += 1;
                    }
                    None => break,
                }
            }
            if !fits_column(&cell, *kind) {
                break;
            }
            cells.push(cell);
        }
        if cells.len() != kinds.len() {
            break;
        }
        out.push((cells, body[k].0.line));
        k = m;
    }
    // Every cell up to the next attachment or table must have made a row: a row that stops the
    // reading midway (a unit cell lost) would leave the rows after it as loose text, read by
    // no one. Then the whole table stays text, which the verifier names cell by cell.
    let complete = text(k).is_none_or(opens_another_table);
    (out.len() >= MIN_ROWS && complete).then_some((out, k))
}
