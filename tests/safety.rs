//! Safe by default: untrusted markup, impossible values and misplaced fields never reach a page
//! silently. Each case runs the real binary on a temp copy of the example portal and compares
//! its report verbatim (site root shown as `content`), its exit code, and the built HTML.
use crate::common;
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

/// `jiedu build` of the site with the font set pinned to none (`JIEDU_FONT_DIR` naming an
/// empty folder), so the report is the same on a machine with or without a Chinese font: the
/// share images' note comes first, before the build's own report.
fn build(site: &ExampleSite) -> Output {
    let fonts = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.out())
        .env("JIEDU_FONT_DIR", fonts.path())
        .output()
        .expect("run jiedu")
}

/// What a build without fonts says first.
const NO_FONT: &str = "[1/1] 警告：本机没有找到中文字体：一图读懂长图和分享卡片只生成 SVG，不生成 PNG\n    提示：安装中文字体（如 fonts-noto-cjk 或 fonts-wqy-microhei）后重新生成，即可得到 PNG 图片。\n共 1 个警告。\n";

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
    assert!(build(&clean).status.success());
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
    let out = build(&site);
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
        got.starts_with(&format!("{NO_FONT}{}", numbered(&expected, summary))),
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

/// The example's warnings with `diags` (all in files between animation.md and video.md).
fn with_example(diags: Vec<String>) -> Vec<String> {
    let mut all = vec![EXAMPLE_WARNINGS[0].to_string()];
    all.extend(diags);
    all.push(EXAMPLE_WARNINGS[1].to_string());
    all
}

/// Runs `check` and compares its whole report, then the exit code.
fn assert_check(site: &ExampleSite, diags: Vec<String>, summary: &str, code: i32) {
    let out = check(site);
    let got = report(site, &out);
    let expected = numbered(&with_example(diags), summary);
    assert!(
        got.starts_with(&expected),
        "expected:\n{expected}\n\ngot:\n{got}"
    );
    assert_eq!(out.status.code(), Some(code), "{got}");
}

/// The 1-based line of the first line of `rel` containing `needle`.
fn line_of(site: &ExampleSite, rel: &str, needle: &str) -> usize {
    std::fs::read_to_string(site.file(rel))
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {rel}"))
        + 1
}

const EXPERT_FIELDS: &str = "专家解读可用的字段：kind（类型）、title（标题）、published（发布日期）、publisher（发文单位）、index_number（索引号）、summary（摘要）、cites（引用条款）、aliases（旧网址）、author（作者）。请检查拼写，或删去这一项。";

#[test]
fn fields_a_kind_does_not_have_are_errors_naming_field_kind_and_fields() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/expert.md", |t| {
        t.replacen(
            "cites: [\"2\", \"4\"]\n",
            "cites: [\"2\", \"4\"]\nquestions:\n  - id: x\n    question: 问\n    answer: 答\n    cites: [9.9]\npanels: []\nslug: zhuanjia\nnav: false\ndate: \"2024-01-09\"\n",
            1,
        )
    });
    let f = "content/yiliao-gaodi/expert.md";
    let at = line_of(&site, "yiliao-gaodi/expert.md", "questions:");
    let diags = [
        ("questions", 0),
        ("panels", 5),
        ("slug", 6),
        ("nav", 7),
        ("date", 8),
    ]
    .iter()
    .map(|(field, off)| {
        format!(
            "错误：{f}:{}：专家解读（kind: expert）没有字段「{field}」\n    提示：{EXPERT_FIELDS}",
            at + off
        )
    })
    .collect();
    assert_check(&site, diags, "共 5 个错误、2 个警告。", 1);
}

#[test]
fn a_clause_id_yaml_would_read_as_a_number_is_read_as_written() {
    let site = ExampleSite::new();
    let qa = "yiliao-gaodi/qa.md";
    let line = line_of(&site, qa, "cites: [4.1.5]");
    site.edit(qa, |t| t.replacen("cites: [4.1.5]", "cites: [4.10]", 1));
    assert_check(
        &site,
        vec![format!("错误：content/{qa}:{line}：引用了不存在的条款「4.10」\n    提示：政策「yiliao-gaodi」的任务条款编号从 4.1.1 到 4.6.3（部分、任务组也可引用，如 4、4.1）；请核对编号。")],
        "共 1 个错误、2 个警告。",
        1,
    );
    // Written as a block list the id is read as written too, and reported at its item.
    site.edit(qa, |t| {
        t.replacen("cites: [4.10]", "cites:\n      - 4.10", 1)
    });
    assert_check(
        &site,
        vec![format!("错误：content/{qa}:{}：引用了不存在的条款「4.10」\n    提示：政策「yiliao-gaodi」的任务条款编号从 4.1.1 到 4.6.3（部分、任务组也可引用，如 4、4.1）；请核对编号。", line + 1)],
        "共 1 个错误、2 个警告。",
        1,
    );
}

#[test]
fn impossible_dates_are_errors_and_unlikely_ones_warnings() {
    let site = ExampleSite::new();
    let progress = "yiliao-gaodi/progress/2024-anning-yiyang.md";
    site.edit(progress, |t| {
        let date_line = t
            .lines()
            .find(|l| l.starts_with("date:"))
            .unwrap()
            .to_string();
        t.replacen(&date_line, "date: \"2024-13-45\"", 1)
    });
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen(
            "signed: \"2023-12-30\"",
            "signed: \"2023-12-30\"\npublished: \"2023-12-29\"",
            1,
        )
    });
    site.edit("yiliao-gaodi/leader.md", |t| {
        let line = t
            .lines()
            .find(|l| l.starts_with("published:"))
            .unwrap()
            .to_string();
        t.replacen(&line, "published: \"2099-01-09\"", 1)
    });
    let leader_line = line_of(&site, "yiliao-gaodi/leader.md", "published:");
    let policy_line = line_of(&site, "yiliao-gaodi/policy.md", "published:");
    let progress_line = line_of(&site, progress, "date:");
    let order = format!("警告：content/yiliao-gaodi/policy.md:{policy_line}：发布日期「2023-12-29」早于成文日期「2023-12-30」\n    提示：公文先成文、后发布；请核对 signed（成文日期）和 published（发布日期）。");
    assert_check(
        &site,
        vec![
            format!("警告：content/yiliao-gaodi/leader.md:{leader_line}：日期「2099-01-09」（published）比今天晚 30 天以上\n    提示：请核对年份和月份是否写错；确要提前写好的，可在 jiedu.yaml 中用 future_date_margin_days 调整允许的天数。"),
            order.clone(),
            format!("错误：content/{progress}:{progress_line}：日期「2024-13-45」不存在\n    提示：日期写成 \"2023-12-30\" 或 \"2024-01-09 14:43:45\"（加引号），月份 01–12，日不超过当月天数。"),
        ],
        "共 1 个错误、4 个警告。",
        1,
    );
    // The margin is the site's to set.
    append(&site, "jiedu.yaml", "future_date_margin_days: 40000\n");
    site.edit(progress, |t| t.replacen("2024-13-45", "2024-12-31", 1));
    assert_check(&site, vec![order.clone()], "共 3 个警告。", 0);
}

#[test]
fn a_copied_policy_with_the_same_doc_number_and_title_is_an_error_naming_both() {
    let site = ExampleSite::new();
    copy_dir(&site.file("yiliao-gaodi"), &site.file("yiliao-xin"));
    let out = check(&site);
    let got = report(&site, &out);
    let hint = |key: &str, what: &str| {
        format!("两个文件不能使用同一个{what}；复制政策目录新建政策时，请修改 {key}（{what}）等元数据。")
    };
    let expected = numbered(
        &[
            EXAMPLE_WARNINGS[0].to_string(),
            EXAMPLE_WARNINGS[1].to_string(),
            EXAMPLE_WARNINGS[0].replace("yiliao-gaodi", "yiliao-xin"),
            format!("错误：content/yiliao-xin/policy.md:3：标题「关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见」与 content/yiliao-gaodi/policy.md 相同\n    提示：{}", hint("title", "标题")),
            format!("错误：content/yiliao-xin/policy.md:4：文号「聊政字〔2023〕25号」与 content/yiliao-gaodi/policy.md 相同\n    提示：{}", hint("doc_number", "文号")),
            EXAMPLE_WARNINGS[1].replace("yiliao-gaodi", "yiliao-xin"),
        ],
        "共 2 个错误、4 个警告。",
    );
    assert!(
        got.starts_with(&expected),
        "expected:\n{expected}\n\ngot:\n{got}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_wrongly_indented_answer_is_reported_at_its_own_line() {
    let site = ExampleSite::new();
    let qa = "yiliao-gaodi/qa.md";
    let line = line_of(&site, qa, "    answer: |");
    site.edit(qa, |t| t.replacen("    answer: |", "     answer: |", 1));
    let out = check(&site);
    let got = report(&site, &out);
    let expected = numbered(
        &with_example(vec![format!("错误：content/{qa}:{line}：前置元数据不是合法的 YAML：这一行的缩进与上下文不一致\n    提示：同一层级的字段要对齐（只能用空格缩进）；多行文字（| 之后）要比字段名多缩进。")]),
        "共 1 个错误、2 个警告。",
    );
    assert!(
        got.starts_with(&expected),
        "expected:\n{expected}\n\ngot:\n{got}"
    );
    assert!(!got.contains("expected"), "parser English leaked: {got}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_broken_markdown_link_is_reported_where_it_is_written() {
    let site = ExampleSite::new();
    let at = append(
        &site,
        "yiliao-gaodi/document.md",
        "\n见[不存在的页面](/no-such-page/)。\n",
    );
    let out = build(&site);
    // The link check runs once the pages are rendered, so only its own error is listed.
    assert_eq!(
        report(&site, &out),
        format!("{NO_FONT}[1/1] 错误：content/yiliao-gaodi/document.md:{}：链接「/no-such-page/」指向不存在的页面或文件\n    提示：请检查链接地址：站内链接以 / 开头，如 /yiliao-gaodi/qa/；条款请用 [[4.1.1]] 引用。\n共 1 个错误、0 个警告。\n生成失败，原有的输出目录未被改动。\n", at + 1)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_base_url_without_scheme_is_one_error_on_the_config() {
    let site = ExampleSite::new();
    site.edit("jiedu.yaml", |t| {
        t.replace(
            "base_url: \"https://example.org/\"",
            "base_url: \"example.org/zhengce/\"",
        )
    });
    let line = line_of(&site, "jiedu.yaml", "base_url");
    let out = build(&site);
    assert_eq!(
        report(&site, &out),
        format!("[1/1] 错误：content/jiedu.yaml:{line}：发布网址 base_url「example.org/zhengce/」不是以 https:// 或 http:// 开头的完整网址\n    提示：请写成站点发布的完整网址，如 base_url: \"https://www.example.gov.cn/zhengce/\"；本地预览用 jiedu serve，无需修改。\n共 1 个错误、0 个警告。\n生成失败，原有的输出目录未被改动。\n")
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_duplicate_question_id_is_reported_at_the_duplicate() {
    let site = ExampleSite::new();
    let qa = "yiliao-gaodi/qa.md";
    let first = line_of(&site, qa, "- id: guiding-thought");
    let dup = line_of(&site, qa, "- id: main-goals");
    site.edit(qa, |t| {
        t.replacen("- id: main-goals", "- id: guiding-thought", 1)
    });
    assert_check(
        &site,
        vec![format!("错误：content/{qa}:{dup}：问题编号「guiding-thought」重复，两个问题会占用同一个网址\n    提示：每个问题的 id 必须不同；第一次使用在第 {first} 行。")],
        "共 1 个错误、2 个警告。",
        1,
    );
}

#[test]
fn a_dropped_url_is_named_and_an_alias_keeps_it_as_a_redirect() {
    let site = ExampleSite::new();
    let first = build(&site);
    assert!(first.status.success(), "{}", stderr(&first));
    let list = std::fs::read_to_string(site.out().join(".jiedu/urls.txt")).unwrap();
    assert!(
        list.lines().any(|l| l == "/yiliao-gaodi/animation/"),
        "{list}"
    );
    assert!(
        list.lines().any(|l| l == "/yiliao-gaodi/qa/main-goals/"),
        "{list}"
    );

    // A deleted interpretation: the next build names its URL and offers aliases.
    std::fs::remove_file(site.file("yiliao-gaodi/animation.md")).unwrap();
    let out = build(&site);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        report(&site, &out)
            .strip_prefix(NO_FONT)
            .unwrap_or("(the no-font note is missing)")
            .lines()
            .take(5)
            .collect::<Vec<_>>()
            .join("\n"),
        format!("[1/2] 警告：上次发布的网址 /yiliao-gaodi/animation/ 这次不再生成，已分享的链接会失效\n    提示：页面改名或移动了的，请在它现在的文件的前置元数据中写 aliases: [\"/yiliao-gaodi/animation/\"]，旧网址会自动跳转；确要删除的可忽略（下次生成不再提示）。\n[2/2] {}\n共 2 个警告。", EXAMPLE_WARNINGS[1])
    );

    // The editor keeps the URL as a redirect to the video interpretation.
    site.edit("yiliao-gaodi/video.md", |t| {
        t.replacen(
            "kind: video\n",
            "kind: video\naliases: [\"/yiliao-gaodi/animation/\"]\n",
            1,
        )
    });
    let out = build(&site);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("不再生成"), "{}", stderr(&out));
    let page = site.out().join("yiliao-gaodi/animation/index.html");
    let doc = parse_file(&page);
    let refresh: Vec<_> = doc
        .select(&selector("meta[http-equiv=refresh]"))
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(refresh, vec!["0; url=/yiliao-gaodi/video/"]);
    let canonical: Vec<_> = doc
        .select(&selector("link[rel=canonical]"))
        .filter_map(|m| m.value().attr("href"))
        .collect();
    assert_eq!(canonical, vec!["https://example.org/yiliao-gaodi/video/"]);
    assert_no_active_content(&page);

    // An alias that is not a site path is an error at its line.
    site.edit("yiliao-gaodi/video.md", |t| {
        t.replace("[\"/yiliao-gaodi/animation/\"]", "[\"../etc/\"]")
    });
    let line = line_of(&site, "yiliao-gaodi/video.md", "aliases");
    let out = check(&site);
    let got = report(&site, &out);
    let expected = format!("[1/2] 错误：content/yiliao-gaodi/video.md:{line}：旧网址「../etc/」不是站内的网址路径\n    提示：aliases 写站点内的路径，以 / 开头和结尾，如 aliases: [\"/yiliao-gaodi-old/expert/\"]；只能用小写英文字母、数字和连字符。");
    assert!(
        got.contains(&expected),
        "expected:\n{expected}\n\ngot:\n{got}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_alias_cannot_take_the_url_of_a_page() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/video.md", |t| {
        t.replacen(
            "kind: video\n",
            "kind: video\naliases: [\"/yiliao-gaodi/expert/\"]\n",
            1,
        )
    });
    let out = build(&site);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("yiliao-gaodi/expert/index.html"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_same_title_from_another_issuer_is_only_a_warning() {
    let site = ExampleSite::new();
    copy_dir(&site.file("yiliao-gaodi"), &site.file("yiliao-xin"));
    site.edit("yiliao-xin/policy.md", |t| {
        t.replacen("聊政字〔2023〕25号", "临政字〔2023〕25号", 1)
            .replacen("issuer: 聊城市人民政府", "issuer: 临沂市人民政府", 1)
    });
    let out = check(&site);
    let got = report(&site, &out);
    let expected = "[4/5] 警告：content/yiliao-xin/policy.md:3：标题「关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见」与 content/yiliao-gaodi/policy.md 相同，发文机关不同\n    提示：不同机关的同名文件可忽略此警告；如果是复制政策目录新建的政策，请修改 title（标题）等元数据。\n";
    assert!(
        got.contains(expected),
        "expected:\n{expected}\n\ngot:\n{got}"
    );
    assert_eq!(out.status.code(), Some(0), "{got}");
}
