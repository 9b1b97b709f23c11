//! Front matter: the YAML block between `---` lines at the top of every content file.

use serde::{Deserialize, Deserializer, Serialize};

/// The fields of every kind of content file; [`super::fields`] says which kind has which and
/// rejects the others before this is read. Unknown keys are errors so that a misspelt key
/// never passes silently.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(alias = "类型")]
    pub kind: String,
    #[serde(default, alias = "标题", alias = "名称")]
    pub title: Option<String>,
    #[serde(default, alias = "文号")]
    pub doc_number: Option<String>,
    #[serde(default, alias = "发文机关")]
    pub issuer: Option<String>,
    #[serde(default, alias = "主送")]
    pub addressee: Option<String>,
    #[serde(default, alias = "成文日期")]
    pub signed: Option<String>,
    #[serde(default, alias = "发布日期")]
    pub published: Option<String>,
    #[serde(default, alias = "索引号")]
    pub index_number: Option<String>,
    #[serde(default, alias = "主题分类")]
    pub topic: Option<String>,
    #[serde(default, alias = "有效性")]
    pub validity: Option<String>,
    /// When the validity last changed (the date of repeal, expiry or revision).
    #[serde(default)]
    pub validity_date: Option<String>,
    /// Policy slugs (bundle folder names): the policies that replace this one, that this one
    /// amends, and related ones. The model links each both ways.
    #[serde(default, deserialize_with = "policy_slugs")]
    pub replaced_by: Vec<String>,
    #[serde(default, deserialize_with = "policy_slugs")]
    pub amends: Vec<String>,
    #[serde(default, deserialize_with = "policy_slugs")]
    pub related: Vec<String>,
    #[serde(default, alias = "备注")]
    pub note: Option<String>,
    #[serde(default, alias = "发文单位")]
    pub publisher: Option<String>,
    #[serde(default, alias = "摘要")]
    pub summary: Option<String>,
    #[serde(default, alias = "引用条款", deserialize_with = "clause_ids")]
    pub cites: Vec<String>,
    #[serde(default, alias = "作者")]
    pub author: Option<Author>,
    #[serde(default, alias = "问题")]
    pub questions: Vec<QuestionFm>,
    #[serde(default, alias = "图片")]
    pub image: Option<ImageFm>,
    #[serde(default, alias = "图解")]
    pub panels: Vec<PanelFm>,
    #[serde(default, alias = "媒体")]
    pub media: Option<MediaFm>,
    #[serde(default, alias = "日期")]
    pub date: Option<String>,
    #[serde(default, alias = "来源")]
    pub source: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub nav: Option<bool>,
    /// A policy's numbering levels from the top, e.g. `["一、", "（一）", "1."]`, for when the
    /// clause recogniser's own reading of the structure is wrong.
    #[serde(default, alias = "层级")]
    pub levels: Option<Vec<String>>,
    /// Earlier URL paths of this page (e.g. `/old-slug/expert/`), kept as redirect pages.
    #[serde(default, alias = "旧网址")]
    pub aliases: Vec<String>,
    /// A revising policy's 修改说明 per clause, shown in the 新旧对照表.
    #[serde(default, alias = "修改说明")]
    pub revision_notes: Vec<RevisionNoteFm>,
}

/// One 修改说明: a clause of this policy (`3.2`), or of the policy it revises (`old-slug:5`)
/// for a clause it deleted, and the editor's note.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RevisionNoteFm {
    #[serde(alias = "条款", deserialize_with = "clause_id")]
    pub clause: String,
    #[serde(alias = "说明")]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Author {
    #[serde(alias = "姓名")]
    pub name: String,
    #[serde(default, alias = "职务")]
    pub position: Option<String>,
    #[serde(default, alias = "简介")]
    pub bio: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct QuestionFm {
    pub id: String,
    #[serde(default, alias = "主题")]
    pub topic: Option<String>,
    #[serde(alias = "问")]
    pub question: String,
    #[serde(alias = "答")]
    pub answer: String,
    #[serde(default, alias = "引用条款", deserialize_with = "clause_ids")]
    pub cites: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ImageFm {
    pub src: String,
    pub alt: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PanelFm {
    #[serde(alias = "标题")]
    pub heading: String,
    #[serde(default, alias = "数字")]
    pub figure: Option<String>,
    #[serde(default, alias = "单位")]
    pub unit: Option<String>,
    #[serde(default, alias = "说明")]
    pub text: String,
    #[serde(default, alias = "引用条款", deserialize_with = "clause_ids")]
    pub cites: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MediaFm {
    pub src: String,
    #[serde(default)]
    pub poster: Option<String>,
    #[serde(default)]
    pub poster_alt: Option<String>,
    #[serde(default)]
    pub captions: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
}

/// Clause ids may be written bare (`[4.1.1, 4]`). [`quote_clause_ids`] has already quoted the
/// bare ones of the usual layouts, so YAML never turns `2.10` into the number 2.1; an integer
/// can only have been written as one, but a fraction left over means the text was misread.
fn clause_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let values: Vec<serde_yaml::Value> = Vec::deserialize(d)?;
    values
        .into_iter()
        .map(|v| match v {
            serde_yaml::Value::String(s) => Ok(s.trim().to_string()),
            serde_yaml::Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
            serde_yaml::Value::Number(n) => Err(serde::de::Error::custom(format!(
                "{MISREAD_CLAUSE_ID}：条款编号 {n} 被 YAML 读成了数字，可能不是原来写的编号"
            ))),
            other => Err(serde::de::Error::custom(format!(
                "条款编号应为文字，如 4.1.1，而不是 {other:?}"
            ))),
        })
        .collect()
}

/// One clause id, read as [`clause_ids`] reads each of a list.
fn clause_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let one = serde_yaml::Value::deserialize(d)?;
    clause_ids(serde_yaml::Value::Sequence(vec![one]))
        .map_err(serde::de::Error::custom)
        .map(|mut v| v.pop().unwrap_or_default())
}

/// Marks the error of a clause id YAML read as a fraction, so the Chinese explanation is kept.
pub const MISREAD_CLAUSE_ID: &str = "clause-id-number";

/// Keys whose values are lists of clause ids.
const CITES_KEYS: [&str; 2] = ["cites", "引用条款"];
/// Keys whose value is one clause id (in a `revision_notes` entry).
const CLAUSE_KEYS: [&str; 2] = ["clause", "条款"];

/// Quotes bare clause ids in `cites:` lists so YAML reads them as the text written: unquoted,
/// `2.10` is the number 2.1 and would silently cite another clause. Handles one-line flow lists
/// (`cites: [2.10, 4.1.1]`) and block lists (`- 2.10` under `cites:`); lines and their number
/// stay the same, so YAML's line numbers still point into the file.
pub fn quote_clause_ids(yaml: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::with_capacity(yaml.len() + 16);
    let mut changed = false;
    // Indentation of the `cites:` key whose block list is being read.
    let mut block_list: Option<usize> = None;
    for line in yaml.split_inclusive('\n') {
        let (content, newline) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        let indent = content.len() - content.trim_start().len();
        let trimmed = content.trim_start();
        if let Some(key_indent) = block_list {
            match trimmed.strip_prefix('-') {
                Some(item) if indent >= key_indent && !trimmed.is_empty() => {
                    let value = item.trim();
                    if is_bare_number(value) {
                        let at =
                            content.len() - item.len() + (item.len() - item.trim_start().len());
                        push_quoted(&mut out, content, at, value, newline);
                        changed = true;
                        continue;
                    }
                }
                _ if trimmed.is_empty() || trimmed.starts_with('#') => {}
                _ => block_list = None,
            }
        }
        if let Some((_, rest)) = key_value(content, &CLAUSE_KEYS) {
            let value = rest.split(" #").next().unwrap_or(rest).trim();
            if is_bare_number(value) {
                let at = content.len() - rest.len() + rest.find(value).unwrap_or(0);
                push_quoted(&mut out, content, at, value, newline);
                changed = true;
                continue;
            }
        }
        if let Some((key_at, rest)) = key_value(content, &CITES_KEYS) {
            let rest_trim = rest.trim();
            if rest_trim.is_empty() || rest_trim.starts_with('#') {
                block_list = Some(key_at);
            } else if let Some(quoted) = quote_flow_list(rest) {
                out.push_str(&content[..content.len() - rest.len()]);
                out.push_str(&quoted);
                out.push_str(newline);
                changed = true;
                continue;
            }
        }
        out.push_str(line);
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(yaml)
    }
}

/// For a line `[- ]key: value` with one of `keys`, the column of the key and the text after
/// the colon.
fn key_value<'a>(line: &'a str, keys: &[&str]) -> Option<(usize, &'a str)> {
    let mut rest = line.trim_start();
    let mut at = line.len() - rest.len();
    if let Some(r) = rest.strip_prefix("- ") {
        let r2 = r.trim_start();
        at += rest.len() - r2.len();
        rest = r2;
    }
    keys.iter().find_map(|k| {
        let after = rest.strip_prefix(k)?;
        let after = after.trim_start_matches(' ').strip_prefix(':')?;
        (after.is_empty() || after.starts_with([' ', '\t'])).then_some((at, after))
    })
}

/// `[2.10, "4", 4.1.1]` with its bare numbers quoted; None if there is nothing to quote.
fn quote_flow_list(value: &str) -> Option<String> {
    let open = value.find('[')?;
    let close = value.rfind(']')?;
    if close < open || !value[..open].trim().is_empty() {
        return None;
    }
    let items: Vec<&str> = value[open + 1..close].split(',').collect();
    if !items.iter().any(|i| is_bare_number(i.trim())) {
        return None;
    }
    let quoted: Vec<String> = items
        .iter()
        .map(|i| {
            let t = i.trim();
            if is_bare_number(t) {
                i.replace(t, &format!("\"{t}\""))
            } else {
                i.to_string()
            }
        })
        .collect();
    Some(format!(
        "{}[{}]{}",
        &value[..open],
        quoted.join(","),
        &value[close + 1..]
    ))
}

/// Digits and dots, as YAML would read as a number (`2.10`, `4`) — or as a clause id.
fn is_bare_number(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// One slug or a list of them (`replaced_by: yiliao-gaodi` or `related: [a, b]`).
fn policy_slugs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s.trim().to_string()],
        OneOrMany::Many(v) => v.into_iter().map(|s| s.trim().to_string()).collect(),
    })
}

/// A content file split into its front matter and body, with line numbers kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits `---\n yaml \n---\n body`. Returns None if the file does not start with `---`.
pub fn split(text: &str) -> Option<Split<'_>> {
    let after_open = text.strip_prefix("---")?;
    let after_open = after_open.strip_prefix('\r').unwrap_or(after_open);
    let after_open = after_open.strip_prefix('\n')?;
    let mut offset = 0;
    for (i, line) in after_open.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &after_open[..offset];
            let body = &after_open[offset + line.len()..];
            return Some(Split {
                yaml,
                yaml_line: 2,
                body,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    None
}

/// The 1-based line in the file where `needle` first appears in the YAML, for pointing an
/// editor at a bad value that serde has no position for.
pub fn line_of(split: &Split<'_>, needle: &str) -> usize {
    split
        .yaml
        .lines()
        .position(|l| l.contains(needle))
        .map_or(split.yaml_line, |i| split.yaml_line + i)
}

/// The line `content` with `value` (found at byte `at`) put in double quotes, onto `out`.
fn push_quoted(out: &mut String, content: &str, at: usize, value: &str, newline: &str) {
    out.push_str(&content[..at]);
    out.push_str(&format!("\"{value}\""));
    out.push_str(&content[at + value.len()..]);
    out.push_str(newline);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\nkind: qa\ntitle: 问答\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "kind: qa\ntitle: 问答\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 5);
        assert_eq!(line_of(&s, "title"), 3);
    }

    #[test]
    fn accepts_numeric_clause_ids() {
        let fm: FrontMatter = serde_yaml::from_str("kind: qa\ncites: [4.1.1, 2]\n").unwrap();
        assert_eq!(fm.cites, vec!["4.1.1", "2"]);
    }

    #[test]
    fn clause_ids_are_read_as_written() {
        let yaml = "kind: qa\ncites: [2.10, 4.1.1, \"3\"] # 注\nquestions:\n  - id: a\n    cites:\n      - 2.20\n      - 4\n    question: 问\n";
        let quoted = quote_clause_ids(yaml);
        assert_eq!(
            quoted,
            "kind: qa\ncites: [\"2.10\", \"4.1.1\", \"3\"] # 注\nquestions:\n  - id: a\n    cites:\n      - \"2.20\"\n      - \"4\"\n    question: 问\n"
        );
        let notes = "kind: policy\nrevision_notes:\n  - clause: 2.10 # 注\n    note: 改\n  - 条款: 3\n    说明: 删\n";
        let fm: FrontMatter = serde_yaml::from_str(&quote_clause_ids(notes)).unwrap();
        let ids: Vec<&str> = fm
            .revision_notes
            .iter()
            .map(|n| n.clause.as_str())
            .collect();
        assert_eq!(ids, ["2.10", "3"]);
        let unquoted = serde_yaml::from_str::<FrontMatter>("kind: qa\ncites: [2.10]\n");
        assert!(unquoted
            .unwrap_err()
            .to_string()
            .contains(MISREAD_CLAUSE_ID));
    }

    #[test]
    fn rejects_unknown_keys() {
        let err = serde_yaml::from_str::<FrontMatter>("kind: qa\ntitel: x\n").unwrap_err();
        assert!(err.to_string().contains("titel"));
    }

    #[test]
    fn accepts_chinese_keys() {
        let fm: FrontMatter =
            serde_yaml::from_str("类型: policy\n标题: 意见\n文号: 聊政字〔2023〕25号\n").unwrap();
        assert_eq!(fm.doc_number.as_deref(), Some("聊政字〔2023〕25号"));
    }
}
