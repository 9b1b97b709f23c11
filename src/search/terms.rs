//! The text Pagefind indexes for a record.

/// Title first, then the passage. A weight other than 1 is given in Pagefind's own weight
/// markers (what it emits for `data-pagefind-weight`); they are not shown in excerpts.
pub fn indexed_text(title: &str, text: &str, weight: f32) -> String {
    if weight == 1.0 {
        format!("{title}\n{text}")
    } else {
        format!("___PAGEFIND_WEIGHT___{weight} {title}\n{text} ___END_PAGEFIND_WEIGHT___")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_markers_are_separate_words() {
        let t = indexed_text("标题", "正文", 2.0);
        assert!(t.starts_with("___PAGEFIND_WEIGHT___2 标题"), "{t}");
        assert!(t.ends_with(" ___END_PAGEFIND_WEIGHT___"), "{t}");
        assert_eq!(indexed_text("标题", "正文", 1.0), "标题\n正文");
    }
}
