//! The report as one self-contained HTML page (no outside file, no script) that an editor can
//! hand to the office running the inspection. It is written outside the published site: it
//! lists what the site lacks and is for the editors, not for citizens.

use std::fmt::Write;

use super::{rules, Report};
use crate::markdown::escape as esc;

const STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;line-height:1.7;color:#1b1b1b}\
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #0b4a8b}\
table{border-collapse:collapse;width:100%;margin:0.5rem 0}th,td{border:1px solid #c9ced6;padding:0.35rem 0.5rem;text-align:left;vertical-align:top}\
th{background:#f3f6fa}.ok{color:#1d6b2f}.miss{color:#b3261e;font-weight:700}code{font-size:0.95em}small{color:#4a4a4a}\
@media print{h2{break-after:avoid}tr{break-inside:avoid}}";

pub fn render(report: &Report, generated_on: &str) -> String {
    let mut h = String::new();
    let title = format!("{}：政策解读检查报告", report.site);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p>由 jiedu check --inspect 生成于 {}。本报告供编辑和检查单位使用，不发布到网站上。</p>\n",
        esc(&title),
        esc(&title),
        esc(generated_on)
    );
    if !report.built {
        h.push_str("<p class=\"miss\">网站未能生成：下列错误修改之前，其他检查项无法进行。</p>\n");
    }
    overview(report, &mut h);
    findings(report, &mut h);
    external(report, &mut h);
    policies(report, &mut h);
    if !report.warnings.is_empty() {
        h.push_str("<h2>内容检查的其他警告</h2>\n<ul>\n");
        for w in &report.warnings {
            let _ = writeln!(h, "<li><pre>{}</pre></li>", esc(w));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<h2>检查规则及依据</h2>\n<table>\n<thead><tr><th scope=\"col\">规则</th><th scope=\"col\">依据</th></tr></thead>\n<tbody>\n");
    for r in rules::ALL {
        let _ = writeln!(
            h,
            "<tr><td>{}<br><small>{}</small></td><td>{}</td></tr>",
            esc(r.name),
            esc(r.id),
            esc(r.source)
        );
    }
    h.push_str("</tbody>\n</table>\n</main>\n</body>\n</html>\n");
    h
}

fn overview(report: &Report, h: &mut String) {
    h.push_str("<h2>概要</h2>\n<table>\n<thead><tr><th scope=\"col\">检查项</th><th scope=\"col\">发现</th></tr></thead>\n<tbody>\n");
    for r in rules::ALL {
        let n = report.findings.iter().filter(|f| f.rule.id == r.id).count();
        let class = if n == 0 { "ok" } else { "miss" };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"{class}\">{}</td></tr>",
            esc(r.name),
            if n == 0 {
                "未发现问题".to_string()
            } else {
                format!("{n} 项")
            }
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

fn findings(report: &Report, h: &mut String) {
    let _ = writeln!(h, "<h2>发现的问题（{} 项）</h2>", report.findings.len());
    if report.findings.is_empty() {
        h.push_str("<p class=\"ok\">未发现检查项问题。</p>\n");
        return;
    }
    h.push_str("<table>\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">检查项</th><th scope=\"col\">位置</th><th scope=\"col\">问题</th><th scope=\"col\">怎样修改</th><th scope=\"col\">依据</th></tr></thead>\n<tbody>\n");
    for (i, f) in report.findings.iter().enumerate() {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td><small>{}</small></td></tr>",
            i + 1,
            esc(f.rule.name),
            esc(&f.location()),
            esc(&f.message),
            esc(&f.fix),
            esc(f.rule.source)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

fn external(report: &Report, h: &mut String) {
    let _ = writeln!(h, "<h2>外部链接（{} 个）</h2>", report.external_links.len());
    h.push_str(
        "<p>网站上每个外部链接旁都标有“将离开本站”。请核对对方网站是否可靠、仍可访问。</p>\n",
    );
    if report.external_links.is_empty() {
        return;
    }
    h.push_str("<table>\n<thead><tr><th scope=\"col\">位置</th><th scope=\"col\">链接</th></tr></thead>\n<tbody>\n");
    for l in &report.external_links {
        let _ = writeln!(
            h,
            "<tr><td><code>{}:{}</code></td><td>{}</td></tr>",
            esc(&l.file.display().to_string()),
            l.line,
            esc(&l.href)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// The editors' summary page: per policy, what exists and what to write next.
fn policies(report: &Report, h: &mut String) {
    if report.policies.is_empty() {
        return;
    }
    h.push_str("<h2 id=\"summary\">各政策解读情况（编辑用汇总）</h2>\n<table>\n<thead><tr><th scope=\"col\">政策</th><th scope=\"col\">有效性</th><th scope=\"col\">已有解读形式</th><th scope=\"col\">尚无</th><th scope=\"col\">问答</th><th scope=\"col\">落实进展</th><th scope=\"col\">被解读引用的条款</th><th scope=\"col\">无解读的条款</th></tr></thead>\n<tbody>\n");
    for p in &report.policies {
        let number = p
            .doc_number
            .as_deref()
            .map(|n| format!("<br><small>{}</small>", esc(n)))
            .unwrap_or_default();
        let uncited = if p.uncited.is_empty() {
            "无".to_string()
        } else {
            format!("{} 条：{}", p.uncited.len(), esc(&p.uncited.join("、")))
        };
        let _ = writeln!(
            h,
            "<tr><td>{}{number}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{uncited}</td></tr>",
            esc(&p.title),
            esc(p.validity),
            esc(&p.formats.join("、")),
            if p.missing_formats.is_empty() {
                "无".to_string()
            } else {
                esc(&p.missing_formats.join("、"))
            },
            p.questions,
            p.progress,
            p.cited_clauses,
            p.clauses
        );
    }
    h.push_str("</tbody>\n</table>\n");
    for p in report
        .policies
        .iter()
        .filter(|p| !p.document_parts.is_empty())
    {
        let _ = write!(h, "<p>《{}》文稿解读的要素：", esc(&p.title));
        let parts: Vec<String> = p
            .document_parts
            .iter()
            .map(|(name, present)| {
                if *present {
                    format!("<span class=\"ok\">{}（有）</span>", esc(name))
                } else {
                    format!("<span class=\"miss\">{}（缺）</span>", esc(name))
                }
            })
            .collect();
        let _ = writeln!(h, "{}</p>", parts.join("、"));
    }
}
