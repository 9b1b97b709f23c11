//! The 新旧对照表 itself (原条款 | 新条款 | 修改说明) built from an alignment, and written as
//! Markdown or as a standalone printable HTML page for `jiedu compare`.

use serde::Serialize;

use super::diff::{char_diff, Run};
use super::{align, articles, summary, Article, Class, Pair};
use crate::clause::ClauseTree;
use crate::markdown::escape as esc;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub class: Class,
    pub confidence: f32,
    pub old: Option<Article>,
    pub new: Option<Article>,
    /// Character-level changes from the old text to the new; empty unless 修改.
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub old_title: String,
    pub new_title: String,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn build(old_title: &str, old: &ClauseTree, new_title: &str, new: &ClauseTree) -> Table {
        let (old_articles, new_articles) = (articles(old), articles(new));
        let pairs: Vec<Pair> = align(&old_articles, &new_articles);
        let rows = pairs
            .iter()
            .map(|p| {
                let old = p.old.map(|i| old_articles[i].clone());
                let new = p.new.map(|j| new_articles[j].clone());
                let runs = match (&old, &new, p.class) {
                    (Some(o), Some(n), Class::修改) => char_diff(&o.text, &n.text),
                    _ => Vec::new(),
                };
                Row {
                    class: p.class,
                    confidence: p.confidence,
                    old,
                    new,
                    runs,
                }
            })
            .collect();
        Table {
            old_title: old_title.to_string(),
            new_title: new_title.to_string(),
            rows,
        }
    }

    pub fn pairs(&self) -> Vec<(Option<String>, Option<String>, Class)> {
        self.rows
            .iter()
            .map(|r| {
                (
                    r.old.as_ref().map(|a| a.label.clone()),
                    r.new.as_ref().map(|a| a.label.clone()),
                    r.class,
                )
            })
            .collect()
    }

    /// `未变 16 条，修改 20 条 …` for the terminal and the page.
    pub fn summary_line(&self) -> String {
        let pairs: Vec<Pair> = self
            .rows
            .iter()
            .map(|r| Pair {
                old: None,
                new: None,
                class: r.class,
                confidence: r.confidence,
            })
            .collect();
        summary(&pairs)
            .into_iter()
            .map(|(c, n)| format!("{} {n} 条", c.name()))
            .collect::<Vec<_>>()
            .join("，")
    }

    pub fn note(row: &Row) -> String {
        let renumbered = match (&row.old, &row.new) {
            (Some(o), Some(n)) if o.label != n.label => format!("原{}改为{}", o.label, n.label),
            _ => String::new(),
        };
        let what = match row.class {
            Class::未变 => "未作修改".to_string(),
            Class::移动 => "内容未变".to_string(),
            Class::修改 => "内容有修改".to_string(),
            Class::新增 => "新增条款".to_string(),
            Class::删除 => "删除条款".to_string(),
        };
        [renumbered, what]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("；")
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# 新旧对照表\n\n原文件：{}\n\n新文件：{}\n\n{}\n\n| 原条款 | 新条款 | 修改说明 |\n| --- | --- | --- |\n",
            self.old_title,
            self.new_title,
            self.summary_line()
        );
        for r in &self.rows {
            let cell = |a: &Option<Article>, side: Side| -> String {
                let Some(a) = a else {
                    return "（无）".into();
                };
                let body = if r.runs.is_empty() {
                    md_escape(&a.text)
                } else {
                    runs_markdown(&r.runs, side)
                };
                format!("**{}** {}", a.label, body)
            };
            out.push_str(&format!(
                "| {} | {} | {}（把握 {:.0}%） |\n",
                cell(&r.old, Side::Old),
                cell(&r.new, Side::New),
                Table::note(r),
                r.confidence * 100.0
            ));
        }
        out
    }

    pub fn html(&self) -> String {
        let mut rows = String::new();
        for r in &self.rows {
            rows.push_str(&row_html(r));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>新旧对照表：{new}</title>\n<style>{css}</style>\n</head>\n<body>\n<main>\n<h1>新旧对照表</h1>\n<p>原文件：{old}<br>新文件：{new}</p>\n<p>{summary}</p>\n{legend}\n<table class=\"compare\">\n<caption>《{new}》与《{old}》逐条对照</caption>\n<thead><tr><th scope=\"col\">原条款</th><th scope=\"col\">新条款</th><th scope=\"col\">修改说明</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</main>\n</body>\n</html>\n",
            old = esc(&self.old_title),
            new = esc(&self.new_title),
            summary = esc(&self.summary_line()),
            legend = LEGEND,
            css = CSS,
        )
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Side {
    Old,
    New,
}

pub const LEGEND: &str = "<p class=\"legend\">标记说明：<del>〔删：删去的文字〕</del>为原条款中删去的文字，<ins>〔增：新增的文字〕</ins>为新条款中增加的文字。</p>";

pub const CSS: &str = "body{font-family:sans-serif;line-height:1.7;margin:0 auto;max-width:72rem;padding:1rem}table.compare{border-collapse:collapse;width:100%;table-layout:fixed}.compare th,.compare td{border:1px solid #555;padding:.4rem;vertical-align:top;overflow-wrap:anywhere}ins{text-decoration:underline;background:#e6f4ea}del{text-decoration:line-through;background:#fce8e6}ins::before{content:'〔增：'}ins::after{content:'〕'}del::before{content:'〔删：'}del::after{content:'〕'}.legend ins::before,.legend ins::after,.legend del::before,.legend del::after{content:none}@media print{details{display:block}details>*{display:block}}";

/// One `<tr>`; rows that did not change fold their text into `<details>` (works without
/// script, opens when printed).
pub fn row_html(r: &Row) -> String {
    let cell = |a: &Option<Article>, side: Side| -> String {
        let Some(a) = a else {
            return "<td>（无）</td>".into();
        };
        let body = if r.runs.is_empty() {
            esc(&a.text).replace('\n', "<br>")
        } else {
            runs_html(&r.runs, side)
        };
        if matches!(r.class, Class::未变 | Class::移动) {
            format!("<td><details><summary><strong>{}</strong>（未修改，点击展开）</summary>{body}</details></td>", esc(&a.label))
        } else {
            format!("<td><strong>{}</strong> {body}</td>", esc(&a.label))
        }
    };
    format!(
        "<tr class=\"{}\">{}{}<td>{}<br><small>把握 {:.0}%</small></td></tr>\n",
        class_slug(r.class),
        cell(&r.old, Side::Old),
        cell(&r.new, Side::New),
        esc(&Table::note(r)),
        r.confidence * 100.0
    )
}

pub fn class_slug(c: Class) -> &'static str {
    match c {
        Class::未变 => "same",
        Class::修改 => "changed",
        Class::新增 => "added",
        Class::删除 => "deleted",
        Class::移动 => "moved",
    }
}

pub fn runs_html(runs: &[Run], side: Side) -> String {
    let mut out = String::new();
    for r in runs {
        match (r, side) {
            (Run::Same(t), _) => out.push_str(&esc(t).replace('\n', "<br>")),
            (Run::Del(t), Side::Old) => out.push_str(&format!("<del>{}</del>", esc(t))),
            (Run::Ins(t), Side::New) => out.push_str(&format!("<ins>{}</ins>", esc(t))),
            _ => {}
        }
    }
    out
}

fn runs_markdown(runs: &[Run], side: Side) -> String {
    let mut out = String::new();
    for r in runs {
        match (r, side) {
            (Run::Same(t), _) => out.push_str(&md_escape(t)),
            (Run::Del(t), Side::Old) => out.push_str(&format!("~~〔删：{}〕~~", md_escape(t))),
            (Run::Ins(t), Side::New) => out.push_str(&format!("**〔增：{}〕**", md_escape(t))),
            _ => {}
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}
