//! The text Pagefind indexes for a record.

/// Title first, then the passage.
pub fn indexed_text(title: &str, text: &str) -> String {
    format!("{title}\n{text}")
}
