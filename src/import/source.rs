//! Reads an input file into source lines, the common form of `.txt` and `.docx` input: each line
//! is a text line, a heading, a table row or a blank (a paragraph or page boundary).

use std::path::Path;

use crate::diagnostics::Diagnostic;

use super::{decode, docx, ofd, office, pdf};

/// Files larger than this are not policy documents; refuse them instead of filling memory.
const MAX_INPUT_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    Text,
    /// A Markdown `#` line of a text file, or a Word paragraph in a heading style.
    Heading,
    /// Tab-separated cells, or a row of a Word table.
    TableRow(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// Trimmed text, without Markdown heading marks.
    pub text: String,
    /// 1-based line of a text file, or paragraph number of a Word document.
    pub line: usize,
    pub kind: LineKind,
}

impl SourceLine {
    pub fn blank(line: usize) -> Self {
        SourceLine {
            text: String::new(),
            line,
            kind: LineKind::Blank,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.kind == LineKind::Blank
    }
}

/// What was read, before any repair.
#[derive(Debug)]
pub struct Source {
    pub lines: Vec<SourceLine>,
    /// Encoding (text) or format (Word) for the report.
    pub encoding: String,
    /// "行" for text files, "段" for Word paragraphs: what `line` counts.
    pub unit: &'static str,
    pub removed_controls: usize,
    /// Word paragraphs with automatic numbering (the number is not in the text).
    pub auto_numbered: usize,
    pub rebuilt_numbers: usize,
}

pub fn read(file: &Path) -> Result<Source, Diagnostic> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(
        ext.as_str(),
        "txt" | "docx" | "pdf" | "ofd" | "doc" | "wps" | "odt"
    ) {
        return Err(unsupported(file, &ext));
    }
    let meta = std::fs::metadata(file).map_err(|e| {
        Diagnostic::error(format!("无法读取文件：{e}"))
            .in_file(file)
            .hint("请检查文件路径是否正确、文件是否存在。")
    })?;
    if !meta.is_file() {
        return Err(Diagnostic::error("这不是一个文件").in_file(file));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(format!(
            "文件太大（{} MB），不像是一份政策文件",
            meta.len() / 1024 / 1024
        ))
        .in_file(file)
        .hint("请只导入政策正文（不超过 32 MB）。"));
    }
    let bytes = std::fs::read(file)
        .map_err(|e| Diagnostic::error(format!("无法读取文件：{e}")).in_file(file))?;
    // Laid-out pages (PDF, OFD) give text lines like a pasted text; office formats go through
    // LibreOffice to .docx. Every kind ends as the same source lines.
    let laid_out = match ext.as_str() {
        "pdf" => Some((pdf::read(file)?, "PDF 文字层（pdftotext）")),
        "ofd" => Some((ofd::read(&bytes, file)?, "OFD 版式文件（GB/T 33190）")),
        _ => None,
    };
    if let Some((text, format)) = laid_out {
        return Ok(Source {
            lines: text_lines(&text),
            encoding: format.to_string(),
            unit: "行",
            removed_controls: 0,
            auto_numbered: 0,
            rebuilt_numbers: 0,
        });
    }
    let (bytes, format) = match ext.as_str() {
        "doc" | "wps" | "odt" => (
            office::convert_to_docx(file, &ext)?,
            format!("{}（经 LibreOffice 转换为 .docx）", office_name(&ext)),
        ),
        "docx" => (bytes, "Word 文档（.docx）".to_string()),
        _ => (bytes, String::new()),
    };
    if !format.is_empty() {
        let doc = docx::read(&bytes, file)?;
        return Ok(Source {
            lines: doc.lines,
            encoding: format,
            unit: "段",
            removed_controls: 0,
            auto_numbered: doc.auto_numbered,
            rebuilt_numbers: doc.rebuilt_numbers,
        });
    }
    let decoded = decode::decode(&bytes, file)?;
    Ok(Source {
        lines: text_lines(&decoded.text),
        encoding: decoded.encoding.to_string(),
        unit: "行",
        removed_controls: decoded.removed_controls,
        auto_numbered: 0,
        rebuilt_numbers: 0,
    })
}

fn office_name(ext: &str) -> &'static str {
    match ext {
        "doc" => "旧版 Word 文档（.doc）",
        "wps" => "WPS 文档（.wps）",
        _ => "OpenDocument 文档（.odt）",
    }
}

fn unsupported(file: &Path, ext: &str) -> Diagnostic {
    let hint = "支持的格式：.txt（UTF-8、带 BOM 的 UTF-8、GBK/GB18030）、.docx、.pdf（带文字层）、.ofd，以及经 LibreOffice 转换的 .doc、.wps、.odt。";
    let shown = if ext.is_empty() {
        "（无扩展名）".to_string()
    } else {
        format!(".{ext}")
    };
    Diagnostic::error(format!("不支持导入这种文件类型：{shown}"))
        .in_file(file)
        .hint(hint)
}

/// Splits decoded text into source lines. A form feed (page break from PDF tools) counts as a
/// blank line; `#` marks make a heading; a line with tabs between cells is a table row, and so
/// are lines whose cells are aligned by runs of spaces under a header of three cells or more.
pub fn text_lines(text: &str) -> Vec<SourceLine> {
    let mut out = Vec::new();
    let mut header: Option<Vec<usize>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        for (k, piece) in raw.split('\u{c}').enumerate() {
            if k > 0 {
                out.push(SourceLine::blank(line));
            }
            let spaced = spaced_cells(piece);
            match (&header, spaced.len()) {
                (None, n) if n >= MIN_SPACED_COLUMNS && !is_spaced_heading(piece) => {
                    header = Some(spaced.iter().map(|(at, _)| *at).collect());
                    out.push(table_row(
                        spaced.into_iter().map(|(_, c)| c).collect(),
                        line,
                    ));
                }
                (Some(starts), n) if n >= 2 => {
                    let cells = align(starts, spaced);
                    out.push(table_row(cells, line));
                }
                _ => {
                    header = None;
                    out.push(classify(piece, line));
                }
            }
        }
    }
    spanning_rows(&mut out);
    out
}

/// A line of one cell between two table rows is a row spanning the table (`行动三：…` over
/// the rows of action three), not text that ends the table.
fn spanning_rows(lines: &mut [SourceLine]) {
    for i in 1..lines.len().saturating_sub(1) {
        let between = matches!(lines[i - 1].kind, LineKind::TableRow(_))
            && matches!(lines[i + 1].kind, LineKind::TableRow(_));
        if between && lines[i].kind == LineKind::Text {
            lines[i].kind = LineKind::TableRow(vec![lines[i].text.clone()]);
        }
    }
}

/// A Markdown heading or a chapter/section/article line whose name is spread out by spaces
/// (`## 第一章  总  则`): a heading, never the header of a space-aligned table.
fn is_spaced_heading(raw: &str) -> bool {
    use crate::clause::numbering::{self, Style};
    let text = raw.trim();
    text.starts_with('#')
        || numbering::detect(text).is_some_and(|n| {
            matches!(
                n.style,
                Style::Part | Style::Chapter | Style::Section | Style::Article
            )
        })
}

/// A header with this many space-separated cells starts a space-aligned table.
const MIN_SPACED_COLUMNS: usize = 3;

fn table_row(cells: Vec<String>, line: usize) -> SourceLine {
    SourceLine {
        text: cells.join(" "),
        line,
        kind: LineKind::TableRow(cells),
    }
}

/// Cells separated by two spaces or more (ASCII or ideographic), each with the
/// display column it starts at (CJK characters are two columns wide).
fn spaced_cells(raw: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut col = 0;
    let mut gap = 0;
    let mut cur: Option<(usize, String)> = None;
    for c in raw.trim_end().chars() {
        let width = if c.is_ascii() { 1 } else { 2 };
        if c == ' ' || c == '\u{3000}' {
            // One ideographic space sits inside a phrase (`局　长`); two or more separate cells.
            gap += 1;
        } else {
            if gap >= 2 || cur.is_none() {
                out.extend(cur.take());
                cur = Some((col, String::new()));
            } else if gap > 0 {
                if let Some((_, s)) = cur.as_mut() {
                    s.push(' ');
                }
            }
            gap = 0;
            if let Some((_, s)) = cur.as_mut() {
                s.push(c);
            }
        }
        col += width;
    }
    out.extend(cur);
    out
}

/// Puts each cell of a row under the header column it starts nearest to; a column a merged
/// cell leaves empty stays empty.
fn align(starts: &[usize], cells: Vec<(usize, String)>) -> Vec<String> {
    let mut row = vec![String::new(); starts.len()];
    for (at, text) in cells {
        let col = starts
            .iter()
            .enumerate()
            .min_by_key(|(_, s)| s.abs_diff(at))
            .map_or(0, |(i, _)| i);
        if !row[col].is_empty() {
            row[col].push(' ');
        }
        row[col].push_str(&text);
    }
    row
}

fn classify(raw: &str, line: usize) -> SourceLine {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return SourceLine::blank(line);
    }
    if trimmed.contains('\t') {
        // Leading tabs are empty cells (a merged cell above), not indentation.
        let row = raw.trim_end_matches(['\r', '\n', ' ']);
        let cells: Vec<String> = row.split('\t').map(|c| c.trim().to_string()).collect();
        if cells.iter().filter(|c| !c.is_empty()).count() >= 2 {
            return SourceLine {
                text: cells.join(" "),
                line,
                kind: LineKind::TableRow(cells),
            };
        }
    }
    if trimmed.starts_with('#') {
        let text = trimmed.trim_start_matches('#').trim();
        if !text.is_empty() {
            return SourceLine {
                text: text.to_string(),
                line,
                kind: LineKind::Heading,
            };
        }
    }
    SourceLine {
        text: trimmed.to_string(),
        line,
        kind: LineKind::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_headings_tables_blanks_and_page_breaks() {
        let lines = text_lines("## 一、总则\n\n项目\t数量\n正文\u{c}下一页");
        let kinds: Vec<_> = lines.iter().map(|l| (l.line, l.kind.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (1, LineKind::Heading),
                (2, LineKind::Blank),
                (3, LineKind::TableRow(vec!["项目".into(), "数量".into()])),
                (4, LineKind::Text),
                (4, LineKind::Blank),
                (4, LineKind::Text),
            ]
        );
        assert_eq!(lines[0].text, "一、总则");
    }

    #[test]
    fn space_aligned_rows_are_table_rows_with_merged_cells_left_empty() {
        let text = "序号  重点领域  工作任务      牵头单位\n1     产业发展  建设园区      市发展改革委\n2               培育企业      市工业和信息化局\n局　长：某某\n";
        let rows: Vec<_> = text_lines(text).into_iter().map(|l| l.kind).collect();
        assert_eq!(
            rows,
            vec![
                LineKind::TableRow(vec![
                    "序号".into(),
                    "重点领域".into(),
                    "工作任务".into(),
                    "牵头单位".into()
                ]),
                LineKind::TableRow(vec![
                    "1".into(),
                    "产业发展".into(),
                    "建设园区".into(),
                    "市发展改革委".into()
                ]),
                LineKind::TableRow(vec![
                    "2".into(),
                    "".into(),
                    "培育企业".into(),
                    "市工业和信息化局".into()
                ]),
                LineKind::Text,
            ]
        );
    }
}
