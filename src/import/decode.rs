//! Turns the bytes of a `.txt` file into text: UTF-8 (with or without BOM), UTF-16 with BOM, or
//! GB18030/GBK, and refuses files that are empty or not text at all.

use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8};

use crate::diagnostics::Diagnostic;

/// Decoded text and the name of the encoding it was read in, for the report.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Control characters (other than tab, line and page breaks) that were removed.
    pub removed_controls: usize,
}

/// More control characters than this (or any NUL) means the file is not text.
const MAX_CONTROLS: usize = 8;

pub fn decode(bytes: &[u8], file: &Path) -> Result<Decoded, Diagnostic> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(empty_file(file));
    }
    let (text, encoding) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let text = enc
            .decode_without_bom_handling_and_without_replacement(body)
            .ok_or_else(|| undecodable(file))?;
        let name = if enc == UTF_8 {
            "UTF-8（带 BOM）"
        } else if enc.name() == "UTF-16LE" {
            "UTF-16LE（带 BOM）"
        } else {
            "UTF-16BE（带 BOM）"
        };
        (text.into_owned(), name)
    } else {
        if bytes.contains(&0) {
            return Err(binary(file));
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), "UTF-8"),
            Err(_) => {
                let text = GB18030
                    .decode_without_bom_handling_and_without_replacement(bytes)
                    .ok_or_else(|| undecodable(file))?;
                (text.into_owned(), "GBK/GB18030")
            }
        }
    };
    let is_control = |c: &char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
    let controls = text.chars().filter(is_control).count();
    if text.contains('\0') || controls > MAX_CONTROLS {
        return Err(binary(file));
    }
    let text: String = text.chars().filter(|c| !is_control(c)).collect();
    if text.trim().is_empty() {
        return Err(empty_file(file));
    }
    Ok(Decoded {
        text,
        encoding,
        removed_controls: controls,
    })
}

pub fn empty_file(file: &Path) -> Diagnostic {
    Diagnostic::error("文件是空的，没有可以导入的文字")
        .in_file(file)
        .hint("请确认选对了文件；从 PDF 复制文字时，请确认复制到的是文字而不是图片。")
}

fn binary(file: &Path) -> Diagnostic {
    Diagnostic::error("这不是文本文件（含有二进制内容），无法按 .txt 导入")
        .in_file(file)
        .hint("请把政策原文另存为 .txt（UTF-8 或 GBK 编码）或 .docx 后再导入。")
}

fn undecodable(file: &Path) -> Diagnostic {
    Diagnostic::error("无法识别文件的文字编码：既不是 UTF-8，也不是 GBK/GB18030")
        .in_file(file)
        .hint("请用文本编辑器把文件另存为 UTF-8 编码后再导入。")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("a.txt")
    }

    #[test]
    fn reads_utf8_with_and_without_bom() {
        let d = decode("一、总则".as_bytes(), path()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("一、总则", "UTF-8"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("一、总则".as_bytes());
        let d = decode(&bom, path()).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("一、总则", "UTF-8（带 BOM）")
        );
    }

    #[test]
    fn reads_gbk() {
        let (bytes, _, had_errors) = encoding_rs::GBK.encode("聊政字〔2023〕25号");
        assert!(!had_errors);
        let d = decode(&bytes, path()).unwrap();
        assert_eq!(d.text, "聊政字〔2023〕25号");
        assert_eq!(d.encoding, "GBK/GB18030");
    }

    #[test]
    fn reads_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "一、总则".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, path()).unwrap();
        assert_eq!(d.text, "一、总则");
    }

    #[test]
    fn refuses_empty_and_binary_files() {
        assert!(decode(b"  \n\n ", path())
            .unwrap_err()
            .message
            .contains("空"));
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D,
        ];
        assert!(decode(&png, path())
            .unwrap_err()
            .message
            .contains("不是文本文件"));
    }
}
