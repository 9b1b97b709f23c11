//! Safe by default: untrusted markup, impossible values and misplaced fields never reach a page
//! silently. Each case runs the real binary on a temp copy of the example portal and compares
//! its report verbatim (site root shown as `content`), its exit code, and the built HTML.
mod common;
use common::html::{parse_file, selector};
use common::*;

use std::process::Output;

/// The report on stderr with the temp site root replaced by `content`.
fn report(site: &ExampleSite, out: &Output) -> String {
    stderr(out).replace(site.root().to_str().unwrap(), "content")
}

/// The warnings the example portal has today, which every case below keeps.
const EXAMPLE_WARNINGS: [&str; 2] = [
    "警告：content/yiliao-gaodi/animation.md:7：视频文件「media/animation.mp4」不存在\n    提示：页面照常生成，文字稿可读；请在发布前把文件放进政策目录。",
    "警告：content/yiliao-gaodi/video.md:8：视频文件「media/video.mp4」不存在\n    提示：页面照常生成，文字稿可读；请在发布前把文件放进政策目录。",
];

/// Numbers diagnostics `[i/n]` and adds the summary line, as the binary prints them.
fn numbered(diags: &[String], summary: &str) -> String {
    let n = diags.len();
    let mut s = String::new();
    for (i, d) in diags.iter().enumerate() {
        s.push_str(&format!("[{}/{n}] {d}\n", i + 1));
    }
    s.push_str(summary);
    s
}

fn check(site: &ExampleSite) -> Output {
    jiedu(&["check", "--root", site.root().to_str().unwrap()])
}

/// Appends `text` to a file; returns the 1-based line the appended text starts on.
fn append(site: &ExampleSite, rel: &str, text: &str) -> usize {
    let mut start = 0;
    site.edit(rel, |old| {
        let old = if old.ends_with('\n') { old } else { old + "\n" };
        start = old.lines().count() + 1;
        old + text
    });
    start
}

/// Every `<script>` element of a page, as written.
fn scripts(page: &std::path::Path) -> Vec<String> {
    let doc = parse_file(page);
    doc.select(&selector("script")).map(|e| e.html()).collect()
}

/// No event handler attributes and no script URLs anywhere in a page.
fn assert_no_active_content(page: &std::path::Path) {
    let doc = parse_file(page);
    for el in doc.select(&selector("*")) {
        for (name, value) in el.value().attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{}: attribute {name}={value:?} on <{}>",
                page.display(),
                el.value().name()
            );
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(
                    !squeezed.starts_with(scheme),
                    "{}: {name}={value:?}",
                    page.display()
                );
            }
        }
    }
}

#[test]
fn raw_html_and_script_links_are_removed_with_a_warning_each() {
    let clean = ExampleSite::new();
    assert!(clean.build().status.success());
    let theme_scripts = scripts(&clean.out().join("yiliao-gaodi/expert/index.html"));

    let site = ExampleSite::new();
    let at = append(
        &site,
        "yiliao-gaodi/expert.md",
        "\n化学式 H<sub>2</sub>O 照常显示。<script>alert('x')</script>\n\n\
         <img src=\"/yiliao-gaodi/media/video-poster.svg\" alt=\"封面\" onerror=alert(1)>\n\n\
         [点这里](javascript:alert(1))\n\n\
         <iframe src=\"https://evil.example/\"></iframe>\n\n\
         <p style=\"color:red\" onmouseover=\"alert(2)\">红字</p>\n",
    );
    let out = site.build();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let file = "content/yiliao-gaodi/expert.md";
    let hint = "正文只保留无害的 HTML 标记（表格、sup、sub、br、abbr 等）；脚本、事件属性（on…）、style、iframe 和 javascript: 等网址一律删除。请改用 Markdown 书写。";
    let removed = |line: usize, what: &str| {
        format!("警告：{file}:{line}：已删除正文中不允许的 HTML：{what}\n    提示：{hint}")
    };
    let mut expected: Vec<String> = EXAMPLE_WARNINGS[..1]
        .iter()
        .map(|s| s.to_string())
        .collect();
    expected.extend([
        removed(at + 1, "标签 <script>（连同其中的内容）"),
        removed(at + 3, "<img> 的属性 onerror"),
        format!("警告：{file}:{}：链接网址「javascript:alert(1)」不安全，已删除\n    提示：链接只能是站内的相对网址，或以 http:、https:、mailto:、tel: 开头的网址。", at + 5),
        removed(at + 7, "标签 <iframe>（保留其中的文字）"),
        removed(at + 9, "<p> 的属性 onmouseover"),
        removed(at + 9, "<p> 的属性 style"),
    ]);
    expected.extend(EXAMPLE_WARNINGS[1..].iter().map(|s| s.to_string()));
    let got = report(&site, &out);
    let summary = "共 8 个警告。";
    assert!(
        got.starts_with(&numbered(&expected, summary)),
        "report differs:\n{got}"
    );

    let page = site.out().join("yiliao-gaodi/expert/index.html");
    assert_no_active_content(&page);
    assert_eq!(
        scripts(&page),
        theme_scripts,
        "a script other than the theme's"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("H<sub>2</sub>O 照常显示。"),
        "allowed markup was lost"
    );
    assert!(html.contains("<a>点这里</a>"), "link text was lost");
    assert!(
        html.contains("<p>红字</p>"),
        "text of a cleaned tag was lost"
    );
    assert!(!html.contains("iframe") && !html.contains("alert"));
}

#[test]
fn a_site_may_keep_raw_html_and_is_told_so_once() {
    let site = ExampleSite::new();
    append(&site, "jiedu.yaml", "raw_html: true\n");
    append(
        &site,
        "yiliao-gaodi/expert.md",
        "\n<div onclick=\"go()\">嵌入</div>\n",
    );
    let out = check(&site);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let config_line = std::fs::read_to_string(site.file("jiedu.yaml"))
        .unwrap()
        .lines()
        .count();
    let mut expected: Vec<String> = EXAMPLE_WARNINGS.iter().map(|s| s.to_string()).collect();
    expected.insert(0, format!("警告：content/jiedu.yaml:{config_line}：已开启 raw_html：Markdown 正文中的原始 HTML 将原样发布，不做安全过滤\n    提示：只有全部编辑都可信、确需嵌入 HTML 的站点才应开启；删去 raw_html 即恢复默认的安全过滤。"));
    let got = report(&site, &out);
    assert!(
        got.starts_with(&numbered(&expected, "共 3 个警告。")),
        "report differs:\n{got}"
    );
}
