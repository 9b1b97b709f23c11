//! Which front-matter fields each kind of content file has: the one place that says so. A
//! field a kind does not use is an error naming the field, the kind and the fields it has,
//! so `questions:` in `expert.md` never passes silently.

use std::path::Path;

use super::Kind;
use crate::diagnostics::Diagnostic;

/// A field: its key and the Chinese keys that mean the same.
type Field = (&'static str, &'static [&'static str]);

const KIND: Field = ("kind", &["类型"]);
const TITLE: Field = ("title", &["标题", "名称"]);
const ALIASES: Field = ("aliases", &["旧网址"]);
const PUBLISHED: Field = ("published", &["发布日期"]);
const INDEX_NUMBER: Field = ("index_number", &["索引号"]);
const CITES: Field = ("cites", &["引用条款"]);
const SUMMARY: Field = ("summary", &["摘要"]);
const PUBLISHER: Field = ("publisher", &["发文单位"]);

const POLICY: &[Field] = &[
    KIND,
    TITLE,
    ("doc_number", &["文号"]),
    ("issuer", &["发文机关"]),
    ("addressee", &["主送"]),
    ("signed", &["成文日期"]),
    PUBLISHED,
    INDEX_NUMBER,
    ("topic", &["主题分类"]),
    ("validity", &["有效性"]),
    ("validity_date", &[]),
    ("replaced_by", &[]),
    ("amends", &[]),
    ("related", &[]),
    ("note", &["备注"]),
    // The numbering levels, for when the clause recogniser reads the structure wrong.
    ("levels", &["层级"]),
    // The 修改说明 of a revising policy, per clause, for the 新旧对照表.
    ("revision_notes", &["修改说明"]),
    ALIASES,
];

/// Fields every interpretation has; each format adds its own.
const INTERPRETATION: &[Field] = &[
    KIND,
    TITLE,
    PUBLISHED,
    PUBLISHER,
    INDEX_NUMBER,
    SUMMARY,
    CITES,
    ALIASES,
];
const AUTHOR: Field = ("author", &["作者"]);
const QUESTIONS: Field = ("questions", &["问题"]);
const PANELS: Field = ("panels", &["图解"]);
const IMAGE: Field = ("image", &["图片"]);
const MEDIA: Field = ("media", &["媒体"]);

const PROGRESS: &[Field] = &[
    KIND,
    TITLE,
    ("date", &["日期"]),
    ("source", &["来源"]),
    CITES,
    ALIASES,
];
const PAGE: &[Field] = &[KIND, TITLE, ("slug", &[]), ("nav", &[]), ALIASES];

/// The fields of a kind (as written in `kind:`) and its name; None for an unknown kind, which
/// the model reports.
fn fields_of(kind: &str) -> Option<(&'static str, Vec<Field>)> {
    match kind {
        "policy" | "政策" => return Some(("政策原文", POLICY.to_vec())),
        "progress" | "落实进展" => return Some(("落实进展", PROGRESS.to_vec())),
        "page" | "页面" => return Some(("独立页面", PAGE.to_vec())),
        _ => {}
    }
    let kind = Kind::parse(kind)?;
    let own: &[Field] = match kind {
        Kind::Leader | Kind::Expert | Kind::Document => &[AUTHOR],
        Kind::Qa => &[QUESTIONS],
        Kind::Infographic => &[PANELS, IMAGE],
        Kind::Video | Kind::Animation => &[MEDIA],
    };
    let mut fields = INTERPRETATION.to_vec();
    fields.extend_from_slice(own);
    Some((kind.name(), fields))
}

/// Checks the top-level keys of a parsed front matter against its kind. `yaml` is the text
/// (for line numbers), `first_line` its first line in the file.
pub fn check_fields(
    value: &serde_yaml::Value,
    yaml: &str,
    first_line: usize,
    path: &Path,
) -> Vec<Diagnostic> {
    let Some(map) = value.as_mapping() else {
        return Vec::new();
    };
    let kind = ["kind", "类型"]
        .iter()
        .find_map(|k| map.get(*k).and_then(|v| v.as_str()));
    let Some((name, fields)) = kind.and_then(|k| fields_of(k.trim()).map(|f| (k.trim(), f))) else {
        return Vec::new();
    };
    let (kind_name, fields) = (fields.0, fields.1);
    let mut out = Vec::new();
    for key in map.keys() {
        let Some(key) = key.as_str() else { continue };
        let known = fields
            .iter()
            .any(|(k, aliases)| *k == key || aliases.contains(&key));
        if known {
            continue;
        }
        let list: Vec<String> = fields
            .iter()
            .map(|(k, aliases)| match aliases.first() {
                Some(zh) => format!("{k}（{zh}）"),
                None => k.to_string(),
            })
            .collect();
        out.push(
            Diagnostic::error(format!("{kind_name}（kind: {name}）没有字段「{key}」"))
                .at(
                    path,
                    key_line(yaml, key).map_or(first_line, |i| first_line + i),
                )
                .hint(format!(
                    "{kind_name}可用的字段：{}。请检查拼写，或删去这一项。",
                    list.join("、")
                )),
        );
    }
    out
}

/// The 0-based line of a top-level key in the YAML text.
pub fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines().position(|l| {
        l.strip_prefix(key).is_some_and(|rest| {
            let rest = rest.trim_start_matches([' ', '"', '\'']);
            rest.starts_with(':')
        }) || l
            .strip_prefix(['"', '\''])
            .and_then(|l| l.strip_prefix(key))
            .is_some_and(|rest| rest.trim_start_matches(['"', '\'', ' ']).starts_with(':'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_of_another_kind_is_named_with_the_kinds_fields() {
        let yaml = "kind: expert\ntitle: 解读\nquestions: []\nslug: x\n";
        let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        let d = check_fields(&value, yaml, 2, Path::new("e.md"));
        let got: Vec<String> = d
            .iter()
            .map(|d| format!("{}: {}", d.line.unwrap(), d.message))
            .collect();
        assert_eq!(
            got,
            vec![
                "4: 专家解读（kind: expert）没有字段「questions」",
                "5: 专家解读（kind: expert）没有字段「slug」"
            ]
        );
        assert!(d[0]
            .hint
            .as_deref()
            .unwrap()
            .starts_with("专家解读可用的字段：kind（类型）、title（标题）"));
    }

    /// One kind of each field list.
    const KINDS: [&str; 7] = [
        "policy",
        "progress",
        "page",
        "leader",
        "qa",
        "infographic",
        "video",
    ];

    /// The Chinese keys are spelled here and, for serde, in `FrontMatter`; a key listed here
    /// that serde does not know would pass this check and then fail as an unknown field.
    #[test]
    fn every_key_listed_here_is_one_front_matter_reads() {
        for kind in KINDS {
            let (_, fields) = fields_of(kind).unwrap();
            for (key, aliases) in fields {
                for k in std::iter::once(&key).chain(aliases.iter()) {
                    let yaml = format!("kind: {kind}\n{k}: null\n");
                    if let Err(e) = serde_yaml::from_str::<crate::load::FrontMatter>(&yaml) {
                        assert!(!e.to_string().contains("unknown field"), "{kind} {k}: {e}");
                    }
                }
            }
        }
    }

    /// The other way round: every key serde reads (it lists them when refusing an unknown one)
    /// belongs to some kind here, so no field is readable but refused by every kind.
    #[test]
    fn every_key_front_matter_reads_is_listed_here() {
        let err = serde_yaml::from_str::<crate::load::FrontMatter>("kind: qa\nno_such_key: 1\n")
            .unwrap_err()
            .to_string();
        let listed = err.split("expected one of ").nth(1).unwrap();
        let listed = listed.split(" at line").next().unwrap();
        let known: Vec<&str> = KINDS
            .iter()
            .flat_map(|k| fields_of(k).unwrap().1)
            .flat_map(|(key, aliases)| std::iter::once(key).chain(aliases.iter().copied()))
            .collect();
        for key in listed.split(", ") {
            let key = key.trim_matches('`');
            assert!(
                known.contains(&key),
                "「{key}」 is read by FrontMatter but listed for no kind"
            );
        }
    }
}
