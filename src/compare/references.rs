//! Cross-references inside a regulation (`本条例第十七条第一款`): a penalty article names the
//! article it enforces. Two penalty articles written from the same template are only the same
//! article if they enforce the same (aligned) articles — the strongest evidence we have when the
//! words alone are alike.

use crate::clause::numbering::parse_chinese_numeral;

/// Article numbers cited as `本条例第X条` / `本办法第X条` / `本规定第X条` (any `本..第X条`).
pub fn cited_articles(text: &str) -> Vec<u32> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        // Inside a citation list `第十七条第一款、第二十八条` every `第X条` counts once a `本…`
        // opened it; a bare `第X条` elsewhere (`前款第三项`) does not.
        if chars[i] == '本' && i + 3 < chars.len() && chars[i + 3] == '第' {
            let mut j = i + 3;
            while j < chars.len() && !matches!(chars[j], '，' | '。' | '；' | '：') {
                if chars[j] == '第' {
                    let start = j + 1;
                    let mut end = start;
                    while end < chars.len() && is_numeral(chars[end]) {
                        end += 1;
                    }
                    if end > start && end < chars.len() && chars[end] == '条' {
                        let digits: String = chars[start..end].iter().collect();
                        if let Some(n) = parse_chinese_numeral(&digits) {
                            out.push(n);
                        }
                    }
                    j = end.max(j + 1);
                } else {
                    j += 1;
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn is_numeral(c: char) -> bool {
    "零〇一二两三四五六七八九十百".contains(c)
}
