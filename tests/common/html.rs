//! Reading built pages with a real HTML parser (html5ever through scraper).

use std::path::Path;

use scraper::{Html, Selector};

pub fn parse_file(path: &Path) -> Html {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

/// Text content with runs of whitespace collapsed to one space, trimmed.
pub fn normalized_text<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
