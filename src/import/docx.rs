//! Reads the main text of a Word `.docx`: the paragraphs, heading styles and tables of
//! `word/document.xml`. Headers, footers, comments and footnotes live in other parts of the
//! archive and are not read; deleted revisions (`w:delText`) and field codes are skipped.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::clause::join_line;
use crate::diagnostics::Diagnostic;

use super::docx_numbering::{self, Numbering, NumberingError};
use super::source::{LineKind, SourceLine};

/// `word/document.xml` larger than this when unpacked is refused (zip bombs).
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// The document's lines and how many paragraphs used Word's automatic numbering, whose
/// numbers are not part of the text.
#[derive(Debug, Default)]
pub struct DocxText {
    pub lines: Vec<SourceLine>,
    /// Paragraphs with automatic numbering that could not be rebuilt.
    pub auto_numbered: usize,
    /// Paragraphs whose automatic number was rebuilt from `word/numbering.xml`.
    pub rebuilt_numbers: usize,
}

pub fn read(bytes: &[u8], file: &Path) -> Result<DocxText, Diagnostic> {
    let not_docx = |why: String| {
        Diagnostic::error(format!("不是有效的 .docx 文件：{why}"))
            .in_file(file)
            .hint("如果这是旧版 .doc 或 WPS 文件，请在 Word/WPS 中“另存为” .docx 后再导入。")
    };
    // Too large, or a number outside its format: no conversion helps, the file is damaged.
    let damaged = |why: String| {
        Diagnostic::error(format!("无法导入这个 .docx 文件：{why}"))
            .in_file(file)
            .hint("正常的公文不会这样，文件可能已损坏或被改动过；请向发文单位索取原件，或在 Word/WPS 中打开、核对后另存为新的 .docx 再导入。")
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_docx(format!("无法按 zip 压缩包读取（{e}）")))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| not_docx("压缩包里没有 word/document.xml".to_string()))?;
    let xml = read_bounded(entry, "word/document.xml").map_err(damaged)?;
    let numbering = match read_part(&mut archive, "word/numbering.xml").map_err(damaged)? {
        Some(x) => Numbering::parse(&x).map_err(|e| match e {
            NumberingError::Xml(e) => not_docx(format!("word/numbering.xml 不是合法的 XML（{e}）")),
            NumberingError::OutOfRange(what) => damaged(format!("word/numbering.xml 中的{what}")),
        })?,
        None => Numbering::default(),
    };
    let heading_styles = read_part(&mut archive, "word/styles.xml")
        .map_err(damaged)?
        .map(|x| heading_style_ids(&x))
        .unwrap_or_default();
    let text = parse_document_xml(&xml, numbering, heading_styles).map_err(|e| match e {
        DocumentError::Xml(e) => not_docx(format!("word/document.xml 不是合法的 XML（{e}）")),
        DocumentError::OutOfRange(what) => damaged(format!("word/document.xml 中的{what}")),
    })?;
    if text.lines.iter().all(SourceLine::is_blank) {
        return Err(super::decode::empty_file(file));
    }
    Ok(text)
}

/// Another part of the archive, if present; an error when it is too large or not text.
fn read_part(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    match archive.by_name(name) {
        Ok(entry) => read_bounded(entry, name).map(Some),
        Err(_) => Ok(None),
    }
}

/// A part of the archive as text, unpacked up to [`MAX_XML_BYTES`]: the size is judged on the
/// bytes before they are decoded, so a cut through a Chinese character (three bytes in UTF-8)
/// is reported as the size it is, not as broken text.
fn read_bounded(entry: impl Read, name: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    entry
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name} 无法解压（{e}）"))?;
    if bytes.len() as u64 > MAX_XML_BYTES {
        return Err(format!(
            "{name} 解压后超过 {} MB（一份公文的正文远小于此，可能是被篡改的压缩包）",
            MAX_XML_BYTES / 1024 / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{name} 不是 UTF-8 编码的文本"))
}

/// Why `word/document.xml` could not be read.
#[derive(Debug)]
enum DocumentError {
    Xml(quick_xml::Error),
    OutOfRange(String),
}

impl From<quick_xml::Error> for DocumentError {
    fn from(e: quick_xml::Error) -> Self {
        DocumentError::Xml(e)
    }
}

/// Style ids whose name is a heading (`heading 1`, `标题 1`, `Title`) or that set an outline
/// level: a Chinese Word names its styles in Chinese and gives them numeric ids.
fn heading_style_ids(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "style" => current = attr(&e, "w:styleId"),
                "name" | "outlineLvl" => {
                    let val = attr(&e, "w:val").unwrap_or_default().to_lowercase();
                    let is_heading = e.local_name().as_ref() == "outlineLvl"
                        || val.starts_with("heading")
                        || val.starts_with("标题")
                        || val == "title";
                    if let Some(id) = current.as_ref().filter(|_| is_heading) {
                        if !out.contains(id) {
                            out.push(id.clone());
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => current = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

#[derive(Default)]
struct Para {
    text: String,
    heading: bool,
    /// `w:numPr`: the list (`numId`) and level (`ilvl`) of an automatically numbered paragraph.
    num_id: Option<String>,
    ilvl: u32,
}

#[derive(Default)]
struct Walker {
    out: DocxText,
    paras: Vec<Para>,
    /// Rows and cells of the open tables, innermost last.
    rows: Vec<Vec<String>>,
    cells: Vec<String>,
    /// Per open cell: the grid columns it spans (`w:gridSpan`) and whether it continues the
    /// merged cell above it (`w:vMerge` without `restart`).
    cell_spans: Vec<(usize, bool)>,
    /// The last finished row of the table, by grid column, for merged cells.
    last_row: Vec<String>,
    table_depth: usize,
    in_run: usize,
    in_text: bool,
    /// Inside `mc:Fallback`, which repeats the text of `mc:Choice`.
    skip_depth: usize,
    number: usize,
    numbering: Numbering,
    heading_styles: Vec<String>,
    /// The first number outside its format's range: the document is refused with it.
    out_of_range: Option<String>,
}

impl Walker {
    fn push_text(&mut self, s: &str) {
        if self.in_text && self.skip_depth == 0 {
            if let Some(p) = self.paras.last_mut() {
                p.text.push_str(s);
            }
        }
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        let name = name.as_ref();
        if name == "Fallback" && !empty {
            self.skip_depth += 1;
        }
        if self.skip_depth > 0 {
            return;
        }
        match name {
            "p" if empty => self.emit(Para::default()),
            "p" => self.paras.push(Para::default()),
            "pStyle" => {
                let val = attr(e, "w:val").unwrap_or_default();
                if is_heading_style(&val) || self.heading_styles.contains(&val) {
                    self.set_heading();
                }
            }
            "outlineLvl" => self.set_heading(),
            "numId" => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = attr(e, "w:val");
                }
            }
            "ilvl" => {
                let level = attr(e, "w:val").map(|v| docx_numbering::level(&v));
                match level {
                    Some(Err(what)) => {
                        self.out_of_range.get_or_insert(what);
                    }
                    Some(Ok(l)) => {
                        if let Some(p) = self.paras.last_mut() {
                            p.ilvl = l;
                        }
                    }
                    None => {}
                }
            }
            "r" if !empty => self.in_run += 1,
            "t" if !empty => self.in_text = true,
            "tab" if self.in_run > 0 => self.push_raw(" "),
            "br" | "cr" if self.in_run > 0 => self.push_raw("\n"),
            "tbl" if !empty => self.table_depth += 1,
            "tr" if !empty => self.rows.push(Vec::new()),
            "tc" if !empty => {
                self.cells.push(String::new());
                self.cell_spans.push((1, false));
            }
            "gridSpan" => {
                let span = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                if let Some(c) = self.cell_spans.last_mut() {
                    c.0 = span.clamp(1, 64);
                }
            }
            "vMerge" => {
                let restart = attr(e, "w:val").is_some_and(|v| v == "restart");
                if let Some(c) = self.cell_spans.last_mut() {
                    c.1 = !restart;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, local: &str) {
        if local == "Fallback" {
            self.skip_depth = self.skip_depth.saturating_sub(1);
            return;
        }
        if self.skip_depth > 0 {
            return;
        }
        match local {
            "p" => {
                if let Some(p) = self.paras.pop() {
                    self.emit(p);
                }
            }
            "r" => self.in_run = self.in_run.saturating_sub(1),
            "t" => self.in_text = false,
            "tc" => {
                let (span, continues) = self.cell_spans.pop().unwrap_or((1, false));
                if let (Some(cell), Some(row)) = (self.cells.pop(), self.rows.last_mut()) {
                    // A merged cell's text stands in every row and column it covers, as a
                    // reader of the table sees it.
                    let cell = match self.last_row.get(row.len()) {
                        Some(above) if continues && cell.is_empty() => above.clone(),
                        _ => cell,
                    };
                    for _ in 1..span {
                        row.push(String::new());
                    }
                    row.insert(row.len() + 1 - span, cell);
                }
            }
            "tr" => {
                if let Some(cells) = self.rows.pop() {
                    self.last_row = cells.clone();
                    self.number += 1;
                    let text = cells.join(" ");
                    self.out.lines.push(SourceLine {
                        text,
                        line: self.number,
                        kind: LineKind::TableRow(cells),
                    });
                }
            }
            "tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                self.last_row.clear();
                self.out.lines.push(SourceLine::blank(self.number));
            }
            _ => {}
        }
    }

    fn push_raw(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn set_heading(&mut self) {
        if let Some(p) = self.paras.last_mut() {
            p.heading = true;
        }
    }

    /// A finished paragraph: into the open table cell, or out as a line followed by a blank.
    fn emit(&mut self, p: Para) {
        let mut text = String::new();
        for piece in p.text.split('\n') {
            join_line(&mut text, piece.trim());
        }
        let mut text = text.trim().to_string();
        if let Some(id) = &p.num_id {
            let unknown = self.numbering.unknown;
            match self.numbering.next(id, p.ilvl) {
                Some(number) => {
                    self.out.rebuilt_numbers += 1;
                    text = format!("{number}{text}");
                }
                None if self.numbering.unknown > unknown => self.out.auto_numbered += 1,
                None => {}
            }
        }
        if self.table_depth > 0 {
            if let Some(cell) = self.cells.last_mut() {
                if !cell.is_empty() && !text.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&text);
                return;
            }
        }
        self.number += 1;
        if text.is_empty() {
            self.out.lines.push(SourceLine::blank(self.number));
            return;
        }
        let kind = if p.heading {
            LineKind::Heading
        } else {
            LineKind::Text
        };
        self.out.lines.push(SourceLine {
            text,
            line: self.number,
            kind,
        });
        self.out.lines.push(SourceLine::blank(self.number));
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

/// `Heading1`, `Title`, and the numeric style ids (`1`, `2`) that Chinese Word uses for 标题.
fn is_heading_style(val: &str) -> bool {
    let lower = val.to_ascii_lowercase();
    lower.starts_with("heading")
        || lower == "title"
        || (val.len() == 1 && val.chars().all(|c| ('1'..='9').contains(&c)))
}

fn parse_document_xml(
    xml: &str,
    numbering: Numbering,
    heading_styles: Vec<String>,
) -> Result<DocxText, DocumentError> {
    let mut reader = Reader::from_str(xml);
    let mut w = Walker {
        numbering,
        heading_styles,
        ..Walker::default()
    };
    loop {
        match reader.read_event()? {
            Event::Start(e) => w.start(&e, false),
            Event::Empty(e) => w.start(&e, true),
            Event::End(e) => {
                let name = e.local_name();
                w.end(name.as_ref());
            }
            Event::Text(t) => w.push_text(&t.xml10_content()),
            Event::CData(t) => w.push_text(&t),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => match &*r {
                        "amp" => Some("&".to_string()),
                        "lt" => Some("<".to_string()),
                        "gt" => Some(">".to_string()),
                        "quot" => Some("\"".to_string()),
                        "apos" => Some("'".to_string()),
                        _ => None,
                    },
                };
                if let Some(s) = resolved {
                    w.push_text(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if let Some(what) = w.out_of_range.take() {
            return Err(DocumentError::OutOfRange(what));
        }
    }
    Ok(w.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_paragraphs_headings_tables_and_skips_fallback_text() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="w" xmlns:mc="mc"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:tabs><w:tab w:val="left"/></w:tabs></w:pPr><w:r><w:t>一、总则</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">甲 &amp; 乙</w:t></w:r><w:r><w:t>，分两段写。</w:t></w:r></w:p>
<w:p/>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>数量</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:delText>删掉的</w:delText><w:t>留下的</w:t></w:r></w:p>
</w:body></w:document>"#;
        let doc = parse_document_xml(xml, Numbering::default(), Vec::new()).unwrap();
        let lines: Vec<_> = doc
            .lines
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| (l.text.as_str(), l.kind.clone()))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("一、总则", LineKind::Heading),
                ("甲 & 乙，分两段写。", LineKind::Text),
                (
                    "项目 数量",
                    LineKind::TableRow(vec!["项目".into(), "数量".into()])
                ),
                ("框", LineKind::Text),
                ("留下的", LineKind::Text),
            ]
        );
    }
}
