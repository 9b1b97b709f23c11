//! Writes repaired paragraphs as the Markdown body of `policy.md`: numbering normalised
//! (`(一)` → `（一）`, `1、` → `1.`), tab-separated rows as Markdown tables, `专栏` boxes as block
//! quotes, and `##`/`###` marks on part and group headings. Which numbering is a part, a group
//! or a clause is decided by the clause parser itself, so import and build always agree.

use std::collections::HashMap;
use std::path::Path;

use crate::clause::{self, numbering, numbering::Style};

use super::repair::{Para, ParaKind};

/// A `专栏` box found in the text, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxInfo {
    pub title: String,
    pub line: usize,
    /// Paragraphs and tables inside the box, title excluded.
    pub items: usize,
}

#[derive(Debug, Default)]
pub struct Body {
    pub markdown: String,
    pub tables: usize,
    pub boxes: Vec<BoxInfo>,
    /// Annex headings (`附件2`, `附录2：竞价指引`) written as top-level headings: line and text.
    pub annexes: Vec<(usize, String)>,
}

/// One Markdown block of the body.
struct Block {
    md: String,
    /// A plain numbered paragraph that may become a heading.
    numbered: bool,
}

const HEADING_MAX_CHARS: usize = 40;
const BOX_TITLE_MAX_CHARS: usize = 60;

/// `专栏1 重点建设项目`, `专栏一：……`.
pub fn is_box_title(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix("专栏") else {
        return false;
    };
    text.chars().count() <= BOX_TITLE_MAX_CHARS
        && rest.trim_start().chars().next().is_some_and(|c| {
            c.is_ascii_digit() || ('０'..='９').contains(&c) || "一二三四五六七八九十".contains(c)
        })
}

pub fn build(paras: &[Para]) -> Body {
    let mut body = Body::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut seq = Sequence::default();
    let mut i = 0;
    while i < paras.len() {
        let p = &paras[i];
        if let ParaKind::TableRow(_) = p.kind {
            let (md, next) = table_at(paras, i);
            body.tables += 1;
            blocks.push(Block {
                md,
                numbered: false,
            });
            i = next;
            continue;
        }
        if p.kind == ParaKind::Text && is_box_title(&p.text) {
            let (md, next, info, tables) = box_at(paras, i, &seq);
            body.tables += tables;
            body.boxes.push(info);
            blocks.push(Block {
                md,
                numbered: false,
            });
            i = next;
            continue;
        }
        let numbered = numbering::detect(&p.text);
        if let Some(n) = &numbered {
            seq.see(n.style, n.ordinal);
        }
        // A heading without numbering (Word heading style, `#` line) stays a heading, so the
        // clause parser can make it a level of the tree.
        if p.kind == ParaKind::Heading && numbered.is_none() {
            blocks.push(Block {
                md: format!("## {}", p.text),
                numbered: false,
            });
            i += 1;
            continue;
        }
        if numbered.is_none()
            && is_annex_heading(&p.text)
            && numbering_restarts_after(paras, i, &seq)
        {
            blocks.push(Block {
                md: format!("# {}", p.text.trim()),
                numbered: false,
            });
            body.annexes.push((p.line, p.text.trim().to_string()));
            i += 1;
            continue;
        }
        blocks.push(Block {
            md: normalise_numbering(&p.text),
            numbered: numbered.is_some(),
        });
        i += 1;
    }
    body.markdown = with_heading_marks(&blocks);
    body
}

/// Longest annex heading (`附录2：竞价指引`, `附件1 任务分工表`).
const ANNEX_HEADING_MAX_CHARS: usize = 40;

/// `附件`, `附件2`, `附录2：竞价指引`: the heading of an annex, not a list of attachments
/// (`附件：1.…`) nor a sentence naming one.
fn is_annex_heading(text: &str) -> bool {
    let t = text.trim();
    let Some(rest) = t.strip_prefix("附件").or_else(|| t.strip_prefix("附录")) else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || "一二三四五六七八九十".contains(c)
    });
    let title = rest.trim_start_matches(['：', ':', ' ', '\u{3000}']);
    t.chars().count() <= ANNEX_HEADING_MAX_CHARS
        && !t.contains(['。', '；', '，'])
        && numbering::detect(title).is_none()
}

/// Whether the first numbered paragraph after `start` (before another annex heading or a table)
/// starts a numbering the document has already used over again: the annex has items of its own.
fn numbering_restarts_after(paras: &[Para], start: usize, seq: &Sequence) -> bool {
    for p in &paras[start + 1..] {
        match p.kind {
            ParaKind::TableRow(_) => return false,
            _ if is_annex_heading(&p.text) => return false,
            _ => {}
        }
        if let Some(n) = numbering::detect(&p.text) {
            return n.ordinal == 1 && seq.order.contains(&n.style);
        }
    }
    false
}

/// `(一)推进` → `（一）推进`, `1、加强` → `1. 加强`: only the numbering changes, never the words.
pub fn normalise_numbering(text: &str) -> String {
    let Some(n) = numbering::detect(text) else {
        return text.to_string();
    };
    let label = match n.style {
        // `——任务1：` → `任务1：`: the colon stays, as it is what makes the word a label.
        Style::Labelled(_) => format!("{}：", n.style.label(&n.written, n.ordinal)),
        _ => n.style.label(&n.written, n.ordinal),
    };
    let rest = text[n.len..].trim_start();
    let sep = match n.style {
        Style::Arabic | Style::Part | Style::Chapter | Style::Section | Style::Article => " ",
        _ => "",
    };
    if rest.is_empty() {
        label
    } else {
        format!("{label}{sep}{rest}")
    }
}

/// The last ordinal of each numbering style outside boxes, in the order the styles appeared;
/// a deeper style's count restarts when a shallower one moves on.
#[derive(Default)]
struct Sequence {
    order: Vec<Style>,
    last: HashMap<Style, u32>,
}

impl Sequence {
    fn see(&mut self, style: Style, ordinal: u32) {
        let pos = match self.order.iter().position(|s| *s == style) {
            Some(p) => p,
            None => {
                self.order.push(style);
                self.order.len() - 1
            }
        };
        self.last.insert(style, ordinal);
        for s in &self.order[pos + 1..] {
            self.last.remove(s);
        }
    }

    /// Whether a numbered paragraph continues the document's own numbering.
    fn continues(&self, style: Style, ordinal: u32) -> bool {
        self.order.contains(&style) && ordinal == self.last.get(&style).copied().unwrap_or(0) + 1
    }
}

fn table_at(paras: &[Para], start: usize) -> (String, usize) {
    let mut rows: Vec<&[String]> = Vec::new();
    let mut i = start;
    while let Some(Para {
        kind: ParaKind::TableRow(cells),
        ..
    }) = paras.get(i)
    {
        rows.push(cells);
        i += 1;
    }
    (table_md(&rows), i)
}

fn table_md(rows: &[&[String]]) -> String {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(1);
    let cell = |s: &str| {
        let s = s.replace('|', "\\|");
        if s.is_empty() {
            " ".to_string()
        } else {
            s
        }
    };
    let mut lines = Vec::new();
    for (k, row) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..width)
            .map(|c| cell(row.get(c).map_or("", String::as_str)))
            .collect();
        lines.push(format!("| {} |", cells.join(" | ")));
        if k == 0 {
            lines.push(format!("|{}", " --- |".repeat(width)));
        }
    }
    lines.join("\n")
}

/// A box runs from its title to the next heading, box, or numbered paragraph that continues
/// the document's numbering; it is written as one block quote so its items stay out of the
/// clause tree.
fn box_at(paras: &[Para], start: usize, seq: &Sequence) -> (String, usize, BoxInfo, usize) {
    let title = &paras[start];
    let mut inner: Vec<String> = vec![format!("**{}**", title.text)];
    let mut tables = 0;
    let mut i = start + 1;
    while let Some(p) = paras.get(i) {
        let ends = match &p.kind {
            ParaKind::Heading => true,
            ParaKind::TableRow(_) => false,
            ParaKind::Text => {
                is_box_title(&p.text)
                    || numbering::detect(&p.text).is_some_and(|n| seq.continues(n.style, n.ordinal))
            }
        };
        if ends {
            break;
        }
        if let ParaKind::TableRow(_) = p.kind {
            let (md, next) = table_at(paras, i);
            inner.push(md);
            tables += 1;
            i = next;
        } else {
            inner.push(normalise_numbering(&p.text));
            i += 1;
        }
    }
    let md = inner
        .iter()
        .map(|b| {
            b.lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n>\n");
    let info = BoxInfo {
        title: title.text.clone(),
        line: title.line,
        items: inner.len() - 1,
    };
    (md, i, info, tables)
}

/// Marks part and group headings with `##`, `###`, … by asking the clause parser which
/// numbered paragraphs are structure and which are clauses.
fn with_heading_marks(blocks: &[Block]) -> String {
    let mut plain = String::new();
    let mut starts = Vec::new();
    let mut line = 1;
    for b in blocks {
        starts.push(line);
        plain.push_str(&b.md);
        plain.push_str("\n\n");
        line += b.md.lines().count() + 1;
    }
    let (tree, _) = clause::parse(&plain, 1, Path::new("policy.md"));
    let depth_at: HashMap<usize, usize> = tree
        .walk()
        .into_iter()
        .filter(|n| !n.is_clause)
        .map(|n| (n.line, n.depth))
        .collect();
    let mut out = String::new();
    for (b, start) in blocks.iter().zip(starts) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let is_heading = b.numbered
            && !b.md.contains('。')
            && b.md.chars().count() <= HEADING_MAX_CHARS
            && depth_at.contains_key(&start);
        if let Some(depth) = depth_at.get(&start).filter(|_| is_heading) {
            out.push_str(&"#".repeat((depth + 2).min(6)));
            out.push(' ');
        }
        out.push_str(&b.md);
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{repair::repair, source::text_lines};

    fn body_of(text: &str) -> Body {
        build(&repair(&text_lines(text)).paras)
    }

    #[test]
    fn normalises_only_the_numbering() {
        assert_eq!(
            normalise_numbering("(一)推进(中医)建设"),
            "（一）推进(中医)建设"
        );
        assert_eq!(normalise_numbering("１．全角"), "1. 全角");
        assert_eq!(normalise_numbering("2、顿号"), "2. 顿号");
        assert_eq!(normalise_numbering("#### (四) 坚持"), "#### (四) 坚持");
        assert_eq!(normalise_numbering("第一章总则"), "第一章 总则");
    }

    #[test]
    fn headings_get_marks_by_level_and_clauses_stay_paragraphs() {
        let body = body_of("一、工作任务\n\n(一)第一组\n\n1、第一条。内容。\n\n二、保障措施\n\n(一)强化组织领导。坚持领导。\n");
        assert_eq!(
            body.markdown,
            "## 一、工作任务\n\n### （一）第一组\n\n1. 第一条。内容。\n\n## 二、保障措施\n\n（一）强化组织领导。坚持领导。\n"
        );
    }

    #[test]
    fn tables_and_boxes() {
        let text = "一、任务\n\n1. 第一条。内容。\n\n专栏1 重点项目\n\n1. 甲项目\n\n项目\t规模\n甲|乙\t100\n\n2. 第二条。内容。\n";
        let body = body_of(text);
        assert_eq!(body.tables, 1);
        assert_eq!(
            body.boxes,
            vec![BoxInfo {
                title: "专栏1 重点项目".into(),
                line: 5,
                items: 2
            }]
        );
        assert!(
            body.markdown.contains(
                "> **专栏1 重点项目**\n>\n> 1. 甲项目\n>\n> | 项目 | 规模 |\n> | --- | --- |\n> | 甲\\|乙 | 100 |\n\n2. 第二条。"
            ),
            "{}",
            body.markdown
        );
    }
}
