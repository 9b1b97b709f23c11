//! YAML and front-matter errors explained in Chinese at the line that causes them. The
//! parser's own English is never shown alone: a message we cannot explain keeps it in
//! parentheses behind a Chinese one.

use std::path::Path;

use super::front_matter::MISREAD_CLAUSE_ID;
use crate::diagnostics::Diagnostic;

/// Turns a serde_yaml error into a Chinese diagnostic at the right line of the file.
pub fn yaml_error(path: &Path, e: &serde_yaml::Error, yaml: &str, first_line: usize) -> Diagnostic {
    let line = e
        .location()
        .map_or(first_line, |l| first_line + l.line() - 1);
    // An unclosed quote makes the parser fail lines later; point at the quote instead.
    let unclosed = yaml
        .lines()
        .take(line + 1 - first_line)
        .position(has_unbalanced_quote);
    if let Some(i) = unclosed.filter(|_| e.location().is_some()) {
        return Diagnostic::error("前置元数据中的引号没有闭合")
            .at(path, first_line + i)
            .hint("这一行的值以引号开始，却没有以引号结束；请补上结尾的 \"，或去掉开头的引号。");
    }
    let raw = e.to_string();
    let line = cause_line(&raw, yaml, first_line).unwrap_or(line);
    let (message, hint) = explain(&raw);
    Diagnostic::error(message).at(path, line).hint(hint)
}

/// For "did not find expected key" libyaml reports where it gave up, often lines after the
/// line that broke the indentation. That line is the last one before it whose indentation
/// matches no enclosing key: the first line, going back, that is indented deeper than the
/// line after it yet is not a continuation of a block scalar.
fn cause_line(raw: &str, yaml: &str, first_line: usize) -> Option<usize> {
    if !raw.contains("did not find expected key") {
        return None;
    }
    // "… at line N column C, while parsing a block mapping at line M column K"
    let (_, mapping) = raw.split_once("while parsing a block mapping at line ")?;
    let (map_line, rest) = mapping.split_once(" column ")?;
    let map_line: usize = map_line.trim().parse().ok()?;
    let map_col: usize = rest
        .trim()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    let lines: Vec<&str> = yaml.lines().collect();
    // The mapping's keys sit at column map_col; the first later line indented less deep than
    // a key but deeper than the mapping's parent, or between two key depths, is the culprit.
    let key_indent = map_col.saturating_sub(1);
    let mut in_block_scalar: Option<usize> = None;
    for (i, l) in lines.iter().enumerate().skip(map_line) {
        let indent = l.len() - l.trim_start().len();
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(min) = in_block_scalar {
            if indent > min {
                continue;
            }
            in_block_scalar = None;
        }
        if indent < key_indent {
            return None;
        }
        if indent != key_indent {
            return Some(first_line + i);
        }
        if t.ends_with('|') || t.ends_with('>') || t.ends_with("|-") || t.ends_with(">-") {
            in_block_scalar = Some(indent);
        }
    }
    None
}

/// A line with an odd number of unescaped double quotes opens a string it does not close.
fn has_unbalanced_quote(line: &str) -> bool {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' => escaped = !escaped,
            '"' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count % 2 == 1
}

/// The text between the first pair of backquotes after `prefix`.
fn quoted_after<'a>(raw: &'a str, prefix: &str) -> Option<&'a str> {
    raw.split_once(prefix)?.1.split('`').nth(1)
}

/// Where in the front matter serde was: `questions[2].answer: …` → "questions[2].answer".
fn field_path(raw: &str) -> Option<&str> {
    let (path, _) = raw.split_once(": ")?;
    let plausible = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    plausible.then_some(path)
}

/// A serde type description in Chinese.
fn type_name(t: &str) -> &'static str {
    let t = t.trim();
    if t.contains("string") || t.contains("char") {
        "文字"
    } else if t.contains("sequence") {
        "列表"
    } else if t.contains("map") || t.contains("struct") {
        "一组「字段: 值」"
    } else if t.contains("bool") {
        "true 或 false"
    } else if t.contains("unit") || t.contains("null") || t.contains("option") {
        "空值"
    } else if t.contains("integer") || t.contains("float") || t.contains("number") {
        "数字"
    } else {
        "另一种值"
    }
}

fn explain(raw: &str) -> (String, String) {
    let detail = raw.split(" at line").next().unwrap_or(raw);
    let at = field_path(raw)
        .map(|p| format!("（位置：{p}）"))
        .unwrap_or_default();
    if raw.contains(MISREAD_CLAUSE_ID) {
        let n = raw
            .split("条款编号 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or("");
        return (
            format!("条款编号 {n} 被 YAML 读成了数字，原来写的编号可能不是它"),
            "不带引号时 YAML 会把 2.10 读成 2.1；请给条款编号加引号，如 cites: [\"2.10\"]。"
                .to_string(),
        );
    }
    if let Some(f) = quoted_after(raw, "unknown field") {
        let expected: Vec<&str> = raw
            .split_once("expected")
            .map(|(_, list)| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        let hint = if expected.is_empty() {
            "请检查拼写。".to_string()
        } else {
            format!("这里可用的字段：{}。请检查拼写。", expected.join("、"))
        };
        return (format!("前置元数据中有未知字段「{f}」{at}"), hint);
    }
    if let Some(f) = quoted_after(raw, "missing field") {
        return (
            format!("前置元数据缺少必填字段「{f}」{at}"),
            format!("请补上 {f}: …"),
        );
    }
    if let Some(rest) = raw.split_once("invalid type: ").map(|(_, r)| r) {
        let (found, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let expected = expected.split(" at line").next().unwrap_or(expected);
        return (
            format!(
                "前置元数据的值类型不对{at}：应为{}，这里写的是{}",
                type_name(expected),
                type_name(found)
            ),
            "文字请直接书写或加引号；列表写成 [a, b] 或逐行 - a；含冒号的文字要加引号。"
                .to_string(),
        );
    }
    if let Some(key) = raw.split_once("duplicate entry with key ").map(|(_, r)| r) {
        let key = key
            .split(" at line")
            .next()
            .unwrap_or(key)
            .trim_matches('"');
        return (
            format!("前置元数据中字段「{key}」写了两次"),
            "同一层级的字段只能出现一次；请删去重复的一行。".to_string(),
        );
    }
    let syntax: &[(&str, &str, &str)] = &[
        (
            "did not find expected key",
            "这一行的缩进与上下文不一致",
            "同一层级的字段要对齐（只能用空格缩进）；多行文字（| 之后）要比字段名多缩进。",
        ),
        (
            "could not find expected ':'",
            "这一行缺少「字段: 值」中的冒号",
            "每个字段写成「字段: 值」，冒号后留一个空格；续写上一行的文字要比字段名多缩进。",
        ),
        (
            "mapping values are not allowed in this context",
            "这一行的值里有「: 」，YAML 把它当成了新的字段",
            "含有冒号的值请整体加引号，如 title: \"通知：关于……\"。",
        ),
        (
            "found character that cannot start any token",
            "这一行有 YAML 不允许出现在开头的字符（如制表符 Tab、@ 或 `）",
            "缩进只能用空格；以 @、`、% 开头的值请加引号。",
        ),
        (
            "found a tab character",
            "这一行用了制表符 Tab 缩进",
            "YAML 的缩进只能用空格。",
        ),
        (
            "did not find expected ',' or ']'",
            "方括号列表没有正确结束",
            "列表写成 [a, b]，元素之间用英文逗号，最后以 ] 结束。",
        ),
        (
            "did not find expected ',' or '}'",
            "花括号没有正确结束",
            "请检查 { } 是否成对，元素之间用英文逗号。",
        ),
        (
            "did not find expected '-' indicator",
            "列表中这一行的缩进不对",
            "列表的每一项以「- 」开头并对齐。",
        ),
        (
            "block sequence entries are not allowed in this context",
            "列表项「- 」出现在不允许的位置",
            "列表项应另起一行，写在字段名下方并多缩进两个空格。",
        ),
        (
            "found unknown escape character",
            "双引号中的反斜杠 \\ 后面跟了无法识别的字符",
            "反斜杠请写成 \\\\，或改用单引号括起这个值。",
        ),
        (
            "found unexpected end of stream",
            "前置元数据意外结束",
            "请检查引号、方括号和花括号是否都已闭合。",
        ),
    ];
    for (english, message, hint) in syntax {
        if raw.contains(english) {
            return (
                format!("前置元数据不是合法的 YAML：{message}"),
                hint.to_string(),
            );
        }
    }
    (
        format!("前置元数据不是合法的 YAML{at}（解析器的原始信息：{detail}）"),
        "问题在这一行或它的上一行：请检查引号是否成对、缩进（只能用空格）、冒号后的空格，以及含有冒号或 # 的值是否加了引号。"
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(yaml: &str) -> Diagnostic {
        let e = serde_yaml::from_str::<serde_yaml::Value>(yaml).unwrap_err();
        yaml_error(Path::new("q.md"), &e, yaml, 2)
    }

    #[test]
    fn a_wrongly_indented_answer_is_reported_at_its_line() {
        let yaml = "kind: qa\nquestions:\n  - id: a\n    question: 问\n    cites: [\"1\"]\n     answer: |\n      答\n  - id: b\n";
        let d = error(yaml);
        assert_eq!(d.line, Some(7), "{d}");
        assert_eq!(
            d.message,
            "前置元数据不是合法的 YAML：这一行的缩进与上下文不一致"
        );
    }

    #[test]
    fn english_is_never_alone() {
        for yaml in ["a: b: c\n", "a: [1, 2\n", "\ta: 1\n", "a:\n  - b\n c: d\n"] {
            let d = error(yaml);
            assert!(
                d.message.starts_with("前置元数据"),
                "{yaml:?}: {}",
                d.message
            );
        }
    }
}
