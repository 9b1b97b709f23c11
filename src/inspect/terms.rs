//! The site's own 规范用语 list (`inspection.terms` in jiedu.yaml, each `错误说法 → 规范说法`)
//! applied to every text the site writes itself: interpretations, Q&A, progress items and
//! pages. A policy's text is left alone: it is published as issued.

use std::path::{Path, PathBuf};

use super::rules::TERMS;
use super::source::SourceText;
use super::Finding;
use crate::model::Site;

/// `wrong → right`, also written with `=>`, `->`, `=` or a full-width `＝`.
pub fn parse_pair(entry: &str) -> Option<(String, String)> {
    ["→", "=>", "->", "＝", "="].iter().find_map(|sep| {
        let (wrong, right) = entry.split_once(sep)?;
        let (wrong, right) = (wrong.trim(), right.trim());
        (!wrong.is_empty() && !right.is_empty() && wrong != right)
            .then(|| (wrong.to_string(), right.to_string()))
    })
}

pub fn check(site: &Site, entries: &[String]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut pairs = Vec::new();
    for entry in entries {
        match parse_pair(entry) {
            Some(p) => pairs.push(p),
            None => out.push(Finding {
                rule: TERMS,
                file: Some(PathBuf::from(crate::config::CONFIG_FILE)),
                line: None,
                message: format!("规范用语「{entry}」无法识别"),
                fix: "每条写成“错误说法 → 规范说法”，如：- 老年人证 → 老年人优待证".into(),
            }),
        }
    }
    if pairs.is_empty() {
        return out;
    }
    let mut files: Vec<&Path> = Vec::new();
    for policy in &site.policies {
        files.extend(policy.interpretations.iter().map(|i| i.source.as_path()));
        files.extend(policy.progress.iter().map(|p| p.path.as_path()));
    }
    files.extend(site.pages.iter().map(|p| p.source.as_path()));
    for file in files {
        let text = SourceText::read(file);
        for (n, line) in text.lines() {
            for (wrong, right) in &pairs {
                if misused(line, wrong, right) {
                    out.push(Finding::at(
                        TERMS,
                        file,
                        n,
                        format!("「{wrong}」应写作「{right}」"),
                        format!("把「{wrong}」改为「{right}」（本站规范用语表）。"),
                    ));
                }
            }
        }
    }
    out
}

/// Whether `line` has `wrong` other than inside an occurrence of `right` (a list may say
/// 医保卡 → 医保电子凭证 … or 社保 → 社会保险, where the right form contains the wrong one).
fn misused(line: &str, wrong: &str, right: &str) -> bool {
    let covered: Vec<(usize, usize)> = line
        .match_indices(right)
        .map(|(i, r)| (i, i + r.len()))
        .collect();
    line.match_indices(wrong)
        .any(|(i, w)| !covered.iter().any(|&(s, e)| s <= i && i + w.len() <= e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_skips_the_right_form() {
        assert_eq!(
            parse_pair("社保 → 社会保险"),
            Some(("社保".into(), "社会保险".into()))
        );
        assert_eq!(parse_pair("a=b"), Some(("a".into(), "b".into())));
        assert_eq!(parse_pair("没有箭头"), None);
        assert!(misused("办理社保卡", "社保", "社会保险"));
        assert!(!misused("参加社会保险", "社保", "社会保险"));
        assert!(!misused("参加社会保险", "社会", "社会保险"));
        assert!(misused("社会与社会保险", "社会", "社会保险"));
    }
}
