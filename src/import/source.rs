//! Reads an input file into source lines, the common form of `.txt` and `.docx` input: each line
//! is a text line, a heading, a table row or a blank (a paragraph or page boundary).

use std::path::Path;

use crate::diagnostics::Diagnostic;

use super::{decode, docx};

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
    if !matches!(ext.as_str(), "txt" | "docx") {
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
    if ext == "docx" {
        let doc = docx::read(&bytes, file)?;
        return Ok(Source {
            lines: doc.lines,
            encoding: "Word 文档（.docx）".to_string(),
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

fn unsupported(file: &Path, ext: &str) -> Diagnostic {
    let hint = match ext {
        "doc" | "wps" => "这是旧版 Word/WPS 格式；请在 Word 或 WPS 中“另存为” .docx 后再导入。",
        "pdf" => "请把 PDF 中的文字复制粘贴到一个 .txt 文件（UTF-8）中，或转换为 .docx 后再导入。",
        _ => "支持的格式：.txt（UTF-8、带 BOM 的 UTF-8、GBK/GB18030）和 .docx。",
    };
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
/// blank line; `#` marks make a heading; a line with tabs between cells is a table row.
pub fn text_lines(text: &str) -> Vec<SourceLine> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        for (k, piece) in raw.split('\u{c}').enumerate() {
            if k > 0 {
                out.push(SourceLine::blank(line));
            }
            out.push(classify(piece, line));
        }
    }
    out
}

fn classify(raw: &str, line: usize) -> SourceLine {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return SourceLine::blank(line);
    }
    if trimmed.contains('\t') {
        let cells: Vec<String> = trimmed.split('\t').map(|c| c.trim().to_string()).collect();
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
}
