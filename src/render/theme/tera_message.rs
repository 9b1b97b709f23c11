//! Tera reports template faults as a chain of English sentences ("Failed to render '404.html'；
//! Variable `x` not found in context while rendering '404.html'"). Editors who change a theme
//! read Chinese, and they need the line: this turns the chain into one Chinese sentence about
//! the cause, a hint that fits that cause, and the file and line it points to. A cause we do not
//! know keeps Tera's words, after a Chinese lead-in, rather than being guessed at.

use std::path::{Path, PathBuf};

/// One template fault, told for an editor.
#[derive(Debug)]
pub struct Explained {
    /// The template file the fault is in (empty when none of the theme's templates is named).
    pub file: PathBuf,
    /// 1-based line in `file`, when the fault can be placed.
    pub line: Option<usize>,
    pub text: String,
    pub hint: String,
}

/// `sources` are the theme's templates: (name, text, origin path); an empty text is read from
/// the origin path, which is done only here, on the way to an error message.
pub fn explain(e: &tera::Error, sources: &[(String, String, PathBuf)]) -> Explained {
    let chain = chain(e);
    let whole = chain.join("；");
    // The outermost link names the template being rendered or parsed; the innermost says why.
    let outer = chain.first().map(String::as_str).unwrap_or("");
    let cause = chain.last().map(String::as_str).unwrap_or("");
    let template = quoted(outer, '\'')
        .or_else(|| quoted(cause, '\''))
        .unwrap_or_default();
    let found = if outer.starts_with("Failed to parse") {
        parse_failure(cause)
    } else {
        Cause::read(cause, &template)
    };
    let (template, needle) = match &found.place {
        Place::Named { template, needle } => (template.clone(), Some(needle.clone())),
        Place::Line(_) | Place::Nowhere => (template, None),
    };
    let source = sources.iter().find(|(n, _, _)| *n == template).or_else(|| {
        // The chain may name no template of ours (e.g. only a filter); fall back to the first
        // template the whole chain mentions.
        sources.iter().find(|(n, _, _)| whole.contains(n.as_str()))
    });
    let file = source.map(|(_, _, p)| p.clone()).unwrap_or_default();
    let line = match (&found.place, source) {
        (Place::Line(line), _) => Some(*line),
        (Place::Named { .. }, Some((_, text, path))) => {
            needle.and_then(|n| line_of(&source_text(text, path), &n))
        }
        _ => None,
    };
    Explained {
        file,
        line,
        text: found.text,
        hint: found.hint,
    }
}

/// Tera's error and every error it wraps, outermost first, one line each.
fn chain(e: &tera::Error) -> Vec<String> {
    let mut parts = vec![e.to_string()];
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        parts.push(c.to_string());
        cur = c.source();
    }
    parts
}

/// Names Tera looks up and may not find: (its sentence's start, what it is, the hint).
const UNKNOWN_NAMES: [(&str, &str, &str); 3] = [
    (
        "Filter '",
        "过滤器",
        "请检查过滤器名是否拼错；常用的有 safe、default、length、truncate、date、join。",
    ),
    (
        "Function '",
        "函数",
        "请检查函数名是否拼错；模板里可用的函数有 range、now 等。",
    ),
    (
        "Test '",
        "测试（is 后面的词）",
        "请检查 is 后面的测试名是否拼错；常用的有 defined、undefined、string、number、starting_with。",
    ),
];

enum Place {
    /// Look for `needle` in `template`'s source.
    Named {
        template: String,
        needle: String,
    },
    Line(usize),
    Nowhere,
}

struct Cause {
    text: String,
    hint: String,
    place: Place,
}

impl Cause {
    fn new(text: String, hint: &str, place: Place) -> Self {
        Cause {
            text,
            hint: hint.to_string(),
            place,
        }
    }

    /// The innermost sentence of the chain, read by the forms Tera 1.x writes.
    fn read(cause: &str, template: &str) -> Cause {
        let at = |needle: &str| Place::Named {
            template: template.to_string(),
            needle: needle.to_string(),
        };
        let ticked = quoted(cause, '`');
        let single = quoted(cause, '\'');
        if cause.starts_with("Variable `") && cause.contains("not found in context") {
            let var = ticked.unwrap_or_default();
            let rendering = cause
                .split("while rendering ")
                .nth(1)
                .and_then(|s| quoted(s, '\''))
                .unwrap_or_else(|| template.to_string());
            let hint = format!(
                "请检查变量名是否拼错；可能没有的值用 {{% if {var} %}}…{{% endif %}} 包起来，或写 {{{{ {var} | default(value=\"\") }}}}。"
            );
            let place = Place::Named {
                template: rendering,
                needle: var.clone(),
            };
            return Cause {
                text: format!("变量「{var}」不存在"),
                hint,
                place,
            };
        }
        if cause.starts_with("Variable `") && cause.contains("math operation") {
            let var = ticked.unwrap_or_default();
            return Cause::new(
                format!("变量「{var}」参与了数学运算，但它不是数字"),
                "+ - * / 只用于数字；要把文字连在一起请用 ~，如 {{ a ~ b }}。",
                at(&var),
            );
        }
        if cause.starts_with("Tried to do math with") {
            return Cause::new(
                "对不是数字的值做了数学运算".to_string(),
                "+ - * / 只用于数字；要把文字连在一起请用 ~，如 {{ a ~ b }}。",
                Place::Nowhere,
            );
        }
        for (prefix, what, hint) in UNKNOWN_NAMES {
            if let Some(name) = single.as_deref().filter(|_| cause.starts_with(prefix)) {
                if cause.ends_with("not found") {
                    // A function is written `name(`; a filter or test by its bare name.
                    let needle = if prefix.starts_with("Function") {
                        format!("{name}(")
                    } else {
                        name.to_string()
                    };
                    return Cause::new(format!("没有名为「{name}」的{what}"), hint, at(&needle));
                }
            }
        }
        if let Some(name) = single
            .as_deref()
            .filter(|_| cause.starts_with("Template '"))
        {
            return Cause::new(
                format!("模板「{name}」不存在"),
                "请检查 include、extends 或 import 中的模板名是否拼错；只能引用主题里已有的模板。",
                at(name),
            );
        }
        if cause.starts_with("Macro namespace `") {
            let ns = ticked.unwrap_or_default();
            return Cause::new(
                format!("用了宏的命名空间「{ns}」，但这个模板没有导入它"),
                &format!("在模板开头（extends 之后）写 {{% import \"macros.html\" as {ns} %}}，或改正拼错的命名空间。"),
                at(&format!("{ns}::")),
            );
        }
        if cause.starts_with("Macro `") && cause.contains("not found in template") {
            let name = ticked.unwrap_or_default();
            return Cause::new(
                format!("宏「{name}」不存在"),
                "请检查宏名是否拼错，或在导入的宏文件里定义它。",
                at(&name),
            );
        }
        if cause.starts_with("Macro `") && cause.contains("is missing the argument") {
            let name = ticked.unwrap_or_default();
            let arg = cause
                .rsplit('`')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_default();
            return Cause::new(
                format!("调用宏「{name}」时缺少参数「{arg}」"),
                &format!("调用时写上 {arg}=…，或在宏的定义里给它一个默认值。"),
                at(&format!("{name}(")),
            );
        }
        if cause.starts_with("Tried to iterate") {
            let what = ticked.unwrap_or_default();
            return Cause::new(
                format!("「{what}」不是列表或表，不能用 for 逐项读取"),
                "请确认 for 循环的对象是列表；不确定时先用 {% if 值 is iterable %} 判断。",
                at(&what),
            );
        }
        if cause.contains(|c: char| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            // jiedu's own checks (the render budget, the range limit) already speak Chinese.
            return Cause::new(
                cause.to_string(),
                "请修改模板中对应的部分后重新生成。",
                Place::Nowhere,
            );
        }
        Cause::new(
            format!("模板出错（Tera 的原话：{}）", cause.replace('\n', " ")),
            "请对照 Tera 的原话检查模板中这一处的写法。",
            Place::Nowhere,
        )
    }
}

/// A syntax error: Tera passes on pest's report, whose `--> line:column` places it and whose
/// `= expected …` says what the parser wanted.
fn parse_failure(report: &str) -> Cause {
    let place = report
        .split("--> ")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .and_then(|n| n.trim().parse::<usize>().ok())
        .map_or(Place::Nowhere, Place::Line);
    let wanted = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or("")
        .trim();
    let text = if wanted.is_empty() {
        "模板语法有误".to_string()
    } else {
        format!("模板语法有误（解析器的原话：{wanted}）")
    };
    Cause::new(
        text,
        "请检查 {{ }} 和 {% %} 是否成对，if/for/block 是否都有对应的 endif/endfor/endblock，变量名是否拼错。",
        place,
    )
}

/// The text between the first pair of `quote` characters.
fn quoted(s: &str, quote: char) -> Option<String> {
    let start = s.find(quote)? + quote.len_utf8();
    let len = s[start..].find(quote)?;
    Some(s[start..start + len].to_string())
}

fn source_text(text: &str, path: &Path) -> String {
    if text.is_empty() {
        std::fs::read_to_string(path).unwrap_or_default()
    } else {
        text.to_string()
    }
}

/// The first line that holds `needle` inside a tag (`{{ }}` or `{% %}` on that line).
fn line_of(source: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let in_tag = |l: &str| l.contains("{{") || l.contains("{%");
    let lines = || source.lines().enumerate();
    lines()
        .find(|(_, l)| l.contains(needle) && in_tag(l))
        .or_else(|| lines().find(|(_, l)| l.contains(needle)))
        .map(|(i, _)| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(template: &str) -> Explained {
        let mut tera = tera::Tera::default();
        let sources = vec![(
            "t.html".to_string(),
            template.to_string(),
            PathBuf::from("templates/t.html"),
        )];
        let e = match tera.add_raw_template("t.html", template) {
            Err(e) => e,
            Ok(()) => match tera.render("t.html", &tera::Context::new()) {
                Err(e) => e,
                Ok(_) => panic!("the template should fail"),
            },
        };
        explain(&e, &sources)
    }

    #[test]
    fn a_missing_variable_is_named_in_chinese_with_its_line() {
        let x = explained("<p>\n{{ page.nosuch }}\n</p>");
        assert_eq!(x.text, "变量「page.nosuch」不存在");
        assert_eq!(x.line, Some(2));
        assert_eq!(x.file, PathBuf::from("templates/t.html"));
    }

    #[test]
    fn a_syntax_error_keeps_the_parsers_line() {
        let x = explained("a\nb\n{% if x %}\nc");
        assert!(x.text.starts_with("模板语法有误"), "{}", x.text);
        assert_eq!(x.line, Some(4));
    }

    #[test]
    fn an_unknown_filter_function_and_namespace_are_told_apart() {
        assert_eq!(
            explained("{{ 1 | nosuch }}").text,
            "没有名为「nosuch」的过滤器"
        );
        assert_eq!(explained("x\n{{ nosuchfn() }}").line, Some(2));
        assert_eq!(
            explained("{{ m::box() }}").text,
            "用了宏的命名空间「m」，但这个模板没有导入它"
        );
    }

    #[test]
    fn math_on_text_says_so() {
        let x = explained("{% set a = \"字\" %}{{ a + 1 }}");
        assert!(x.text.contains("不是数字"), "{}", x.text);
    }
}
