//! Everyday words and the policy's words for them (看病 → 就医), applied by the engine at
//! query time: the index stays as the text is, and a site adds its own words in `jiedu.yaml`
//! without rebuilding anything but the metadata.

use std::collections::BTreeMap;
use std::path::Path;

use super::tokens::folded;
use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The default list, one `群众说法 = 政策说法 …` a line (see the file's own header).
const DEFAULT: &str = include_str!("synonyms.txt");

/// Word → the words also searched for it, folded as the index is: the default list, then the
/// site's `search_synonyms`, whose words are added to a default entry of the same word.
pub fn synonyms(site_lines: &[String]) -> Result<BTreeMap<String, Vec<String>>, Diagnostics> {
    let mut out = BTreeMap::new();
    let default = DEFAULT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    for line in default {
        // The default list is the crate's own; a line it cannot read is skipped by the test.
        if let Some((word, alternatives)) = parse(line) {
            add(&mut out, word, alternatives);
        }
    }
    let mut errors = Diagnostics::new();
    for (n, line) in site_lines.iter().enumerate() {
        match parse(line) {
            Some((word, alternatives)) => add(&mut out, word, alternatives),
            None => errors.push(
                Diagnostic::error(format!(
                    "search_synonyms 第 {} 项“{line}”看不懂：应写成“群众说法 = 政策说法”，等号两边都要有词",
                    n + 1
                ))
                .in_file(Path::new(CONFIG_FILE))
                .hint("例如：- 打疫苗 = 预防接种（右边可写几个说法，用空格分开）"),
            ),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Abbreviations and the terms they shorten (社保 = 社会保险), derived from a dictionary (see the
/// file's own header).
const ABBREVIATIONS: &str = include_str!("abbreviations.txt");

/// Adds to `out` each abbreviation with those of its long forms that the site's text has
/// (`held`): the engine then searches 社会保险 for 社保, and the metadata carries only the
/// abbreviations the site can answer.
pub fn add_abbreviations(out: &mut BTreeMap<String, Vec<String>>, held: impl Fn(&str) -> bool) {
    let lines = ABBREVIATIONS.lines().filter(|l| !l.starts_with('#'));
    for (word, longs) in lines.filter_map(parse) {
        let longs: Vec<String> = longs.into_iter().filter(|l| held(l)).collect();
        if !longs.is_empty() {
            add(out, word, longs);
        }
    }
}

fn parse(line: &str) -> Option<(String, Vec<String>)> {
    let (word, rest) = line.split_once('=')?;
    let word = folded(word.trim());
    let alternatives: Vec<String> = rest
        .split_whitespace()
        .map(folded)
        .filter(|w| *w != word)
        .collect();
    (!word.is_empty() && !alternatives.is_empty()).then_some((word, alternatives))
}

fn add(out: &mut BTreeMap<String, Vec<String>>, word: String, alternatives: Vec<String>) {
    let list: &mut Vec<String> = out.entry(word).or_default();
    for a in alternatives {
        if !list.contains(&a) {
            list.push(a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_line_is_read() {
        let lines = DEFAULT
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        for line in lines {
            assert!(parse(line).is_some(), "{line}");
        }
    }

    #[test]
    fn abbreviations_are_given_only_where_the_site_has_the_long_form() {
        for line in ABBREVIATIONS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            assert!(parse(line).is_some(), "{line}");
        }
        let mut s = BTreeMap::new();
        add_abbreviations(&mut s, |t| t == "社会保险");
        assert_eq!(
            s.get("社保").map(Vec::as_slice),
            Some(&["社会保险".to_string()][..])
        );
        assert_eq!(s.len(), 1, "{s:?}");
    }

    #[test]
    fn a_site_adds_words_and_is_told_about_a_bad_line() {
        let s = synonyms(&["看病 = 问诊".into(), "打疫苗=预防接种".into()]).unwrap();
        assert_eq!(s["看病"], ["就医", "诊疗", "问诊"]);
        assert_eq!(s["打疫苗"], ["预防接种"]);
        let err = synonyms(&["看病".into()]).unwrap_err();
        let d = err.iter().next().unwrap();
        assert!(d.is_error());
        assert_eq!(
            d.to_string().lines().next().unwrap_or(""),
            "错误：jiedu.yaml：search_synonyms 第 1 项“看病”看不懂：应写成“群众说法 = 政策说法”，等号两边都要有词"
        );
    }
}
