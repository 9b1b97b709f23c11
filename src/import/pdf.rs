//! Reads the text layer of a `.pdf` through poppler's `pdftotext`, the standard tool of the
//! field: it maps CJK fonts through their ToUnicode CMaps (and the Adobe CJK collections when a
//! font has none) and puts text in reading order. Running it as a process keeps the GPL tool
//! out of the binary. Its output — lines as laid out, a form feed between pages — becomes the
//! same source lines as a pasted `.txt`, so page numbers, running headers and broken lines are
//! repaired by the one path every text goes through ([`super::noise`], [`super::repair`]).

use std::path::Path;
use std::process::Command;

use crate::diagnostics::Diagnostic;

/// Characters of real text below which a PDF counts as having no text layer (a scan whose
/// pages carry at most a stamp or a page number as text).
const MIN_TEXT_CHARS: usize = 20;

pub fn read(file: &Path) -> Result<String, Diagnostic> {
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-eol", "unix"])
        .arg(file)
        .arg("-")
        .output()
        .map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "本机没有安装 pdftotext".to_string()
            } else {
                format!("无法运行 pdftotext（{e}）")
            };
            Diagnostic::error(format!("导入 PDF 需要 poppler 的 pdftotext 工具：{why}"))
                .in_file(file)
                .hint("请安装 Debian/Ubuntu 软件包 poppler-utils（sudo apt-get install poppler-utils）后重新导入。")
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint = if stderr.contains("ncrypt") || stderr.contains("assword") {
            "这份 PDF 加了密码或禁止复制；请向发文单位索取未加密的文件或文字版。"
        } else {
            "文件可能已损坏或不是 PDF；请用 PDF 阅读器打开确认，或向发文单位索取 .docx/.ofd 版本。"
        };
        return Err(Diagnostic::error(format!(
            "无法读取这份 PDF 的文字：{}",
            stderr.trim().lines().next().unwrap_or("pdftotext 出错")
        ))
        .in_file(file)
        .hint(hint));
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !has_text_layer(&text) {
        return Err(
            Diagnostic::error("这份 PDF 没有文字层（可能是扫描件或图片），无法提取正文")
                .in_file(file)
                .hint("请先用 OCR 软件识别出文字后另存为 .txt 或 .docx 再导入，或向发文单位索取文字版（.docx、.ofd 或网页文本）。"),
        );
    }
    Ok(text)
}

/// Whether the extracted text holds enough letters to be a document, not only page numbers.
pub fn has_text_layer(text: &str) -> bool {
    text.chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii())
        .take(MIN_TEXT_CHARS)
        .count()
        >= MIN_TEXT_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_alone_are_no_text_layer() {
        assert!(!has_text_layer("\u{c}- 1 -\n\u{c}- 2 -\n\u{c}"));
        assert!(has_text_layer(
            "第一条 为了加强医疗保障基金监督检查，规范飞行检查工作，制定本办法。"
        ));
    }
}
