//! The content files as written, for the lines findings point at: the model keeps values,
//! not the lines they were written on.

use std::path::Path;

/// A content file's text, read once for the checks that need its lines.
pub struct SourceText {
    text: String,
    /// 1-based line where the body starts (after the closing `---`), 1 without front matter.
    body_line: usize,
}

impl SourceText {
    /// The file's text; an unreadable file reads as empty (the build just read it, so this
    /// only happens if it changed since, and the finding then points at line 1).
    pub fn read(path: &Path) -> SourceText {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut body_line = 1;
        let mut lines = text.lines();
        if lines.next().map(str::trim_end) == Some("---") {
            if let Some(end) = lines.position(|l| l.trim_end() == "---") {
                body_line = end + 3;
            }
        }
        SourceText { text, body_line }
    }

    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text.lines().enumerate().map(|(i, l)| (i + 1, l))
    }

    pub fn body_line(&self) -> usize {
        self.body_line
    }

    /// The body's lines, numbered as in the file.
    pub fn body_lines(&self) -> impl Iterator<Item = (usize, &str)> {
        let from = self.body_line;
        self.lines().filter(move |(n, _)| *n >= from)
    }

    /// The line of the first front-matter key among `keys` (English name or Chinese alias),
    /// or line 1.
    pub fn key_line(&self, keys: &[&str]) -> usize {
        self.lines()
            .take_while(|(n, _)| *n < self.body_line)
            .find(|(_, l)| {
                keys.iter().any(|k| {
                    l.strip_prefix(k)
                        .is_some_and(|rest| rest.trim_start().starts_with(':'))
                })
            })
            .map_or(1, |(n, _)| n)
    }

    /// The value of a top-level front-matter key, unquoted.
    pub fn key_value(&self, keys: &[&str]) -> Option<String> {
        self.lines()
            .take_while(|(n, _)| *n < self.body_line)
            .find_map(|(_, l)| {
                keys.iter().find_map(|k| {
                    let rest = l.strip_prefix(k)?.trim_start().strip_prefix(':')?;
                    Some(rest.trim().trim_matches(['"', '\'']).to_string())
                })
            })
            .filter(|v| !v.is_empty())
    }

    /// The first line holding `needle`, or line 1.
    pub fn line_containing(&self, needle: &str) -> usize {
        self.lines()
            .find(|(_, l)| l.contains(needle))
            .map_or(1, |(n, _)| n)
    }
}

/// Front-matter keys as the loader accepts them (see `load::front_matter`).
pub const PUBLISHED: &[&str] = &["published", "发布日期"];
pub const KIND: &[&str] = &["kind", "类型"];
pub const DOC_NUMBER: &[&str] = &["doc_number", "文号"];
pub const INDEX_NUMBER: &[&str] = &["index_number", "索引号"];
pub const ISSUER: &[&str] = &["issuer", "发文机关"];
pub const VALIDITY: &[&str] = &["validity", "有效性"];
pub const VALIDITY_DATE: &[&str] = &["validity_date"];
pub const PUBLISHER: &[&str] = &["publisher", "发文单位"];
pub const MEDIA: &[&str] = &["media", "媒体"];
