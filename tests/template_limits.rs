//! Templates are input a site may change: a template that includes itself, two that include
//! each other, a macro that calls itself, an include of a file path, a loop over four billion
//! numbers and nested loops that never end are each one Chinese error naming the template (and
//! the page, when it happens while rendering), from the real binary, within seconds and bounded
//! memory: never a stack overflow, an abort, a hang or the OOM killer.
use crate::common;
use common::*;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The report with the temp site root shown as `content`.
fn report(site: &ExampleSite, out: &Output) -> String {
    stderr(out).replace(site.root().to_str().unwrap(), "content")
}

/// Writes a template override into the site's `templates/`.
fn template(site: &ExampleSite, name: &str, text: &str) {
    let dir = site.root().join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

/// The theme's own text of a template, to override it with a small change.
fn theme_text(name: &str) -> String {
    std::fs::read_to_string(repo().join("themes/default/templates").join(name)).unwrap()
}

/// Runs `jiedu <command> --root <site>` and returns its output, the time it took and the
/// largest resident memory seen (sampled every 5 ms from /proc).
fn run_measured(site: &ExampleSite, command: &str) -> (Output, Duration, u64) {
    // No PNG images: without a Chinese font the build would say so first, and these reports
    // must read the same whatever fonts the machine has.
    let config = site.root().join("jiedu.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    if !text.contains("\nshare_png:") {
        std::fs::write(&config, format!("{text}\nshare_png: false\n")).unwrap();
    }
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args([command, "--root", site.root().to_str().unwrap()])
        .arg("--output")
        .arg(site.out())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            let rss = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kb = peak_kb.max(rss.unwrap_or(0));
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jiedu {command} still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    (out, start.elapsed(), peak_kb)
}

const CYCLE_HINT: &str = "模板不能直接或间接包含自己，宏也不能直接或间接调用自己；请删去这条链中的一处 include 或宏调用。";

/// The build fails with exactly `expected` (one error), exit code 1, before writing anything.
fn assert_one_error(site: &ExampleSite, expected: &str) {
    let (out, took, peak_kb) = run_measured(site, "build");
    let got = report(site, &out);
    assert_eq!(out.status.code(), Some(1), "{got}");
    assert!(
        got.starts_with(&format!("[1/1] {expected}\n共 1 个错误")),
        "expected:\n{expected}\n\ngot:\n{got}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(peak_kb < 300 * 1024, "peak RSS {peak_kb} kB");
    assert!(!site.out().exists(), "nothing is written");
}

#[test]
fn a_template_that_includes_itself_is_refused_with_its_line() {
    let site = ExampleSite::new();
    template(
        &site,
        "page.html",
        "<p>页面</p>\n{% include \"page.html\" %}\n",
    );
    assert_one_error(
        &site,
        &format!("错误：content/templates/page.html:2：模板循环引用自身，渲染会无限展开：page.html 第 2 行 include \"page.html\" → 回到 page.html\n    提示：{CYCLE_HINT}"),
    );
}

#[test]
fn two_templates_including_each_other_are_refused_with_the_chain() {
    let site = ExampleSite::new();
    template(
        &site,
        "search.html",
        &theme_text("search.html").replace(
            "{% block main %}",
            "{% block main %}\n{% include \"units.html\" %}",
        ),
    );
    template(
        &site,
        "units.html",
        "{% extends \"base.html\" %}\n{% block main %}\n\n{% include \"search.html\" %}{% endblock main %}\n",
    );
    let line = theme_text("search.html")
        .lines()
        .position(|l| l.contains("{% block main %}"))
        .unwrap()
        + 2;
    assert_one_error(
        &site,
        &format!("错误：content/templates/search.html:{line}：模板循环引用自身，渲染会无限展开：search.html 第 {line} 行 include \"units.html\" → units.html 第 4 行 include \"search.html\" → 回到 search.html\n    提示：{CYCLE_HINT}"),
    );
}

#[test]
fn a_macro_that_calls_itself_is_refused() {
    let site = ExampleSite::new();
    let macros = theme_text("macros.html");
    let line = macros.lines().count() + 3;
    template(
        &site,
        "macros.html",
        &format!("{macros}\n{{% macro again(n) %}}\n<i>{{{{ n }}}}</i>{{{{ self::again(n=n) }}}}\n{{% endmacro again %}}\n"),
    );
    assert_one_error(
        &site,
        &format!("错误：content/templates/macros.html:{line}：模板循环引用自身，渲染会无限展开：macros.html 的宏 again 第 {line} 行 self::again() → 回到 macros.html 的宏 again\n    提示：{CYCLE_HINT}"),
    );
}

#[test]
fn an_include_of_a_file_path_is_one_error_at_its_line() {
    let site = ExampleSite::new();
    template(
        &site,
        "404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% include \"/etc/passwd\" %}\n{% endblock main %}\n",
    );
    assert_one_error(
        &site,
        "错误：content/templates/404.html:3：模板 404.html 第 3 行包含的模板 「/etc/passwd」 不存在\n    提示：include 只能包含主题的模板（如 macros.html、page.html），按名称书写，不能写文件路径；请改正名称或删去这一行。",
    );
}

/// A page template with `body` in place of the page's content.
fn page_template(site: &ExampleSite, body: &str) {
    template(
        site,
        "page.html",
        &format!(
            "{{% extends \"base.html\" %}}\n{{% block main %}}\n{body}\n{{% endblock main %}}\n"
        ),
    );
}

/// The build fails within seconds and bounded memory with an error on the page template whose
/// detail ends in `detail`, naming a page.
fn assert_render_stopped(site: &ExampleSite, detail: &str) {
    let (out, took, peak_kb) = run_measured(site, "build");
    let got = report(site, &out);
    assert_eq!(out.status.code(), Some(1), "{got}");
    let first = got.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("[1/") && first.contains("错误：content/templates/page.html：渲染页面 /"),
        "{got}"
    );
    assert!(first.contains("page.html"), "{got}");
    assert!(first.ends_with(detail), "expected …{detail}\ngot:\n{got}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(peak_kb < 300 * 1024, "peak RSS {peak_kb} kB");
    assert!(!site.out().exists(), "nothing is written");
}

#[test]
fn a_loop_over_four_billion_numbers_is_stopped_at_once() {
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% for i in range(end=4000000000) %}{{ i }}{% endfor %}",
    );
    assert_render_stopped(
        &site,
        "range(start=0, end=4000000000) 要生成 4000000000 个数，超过每次 100000 个的上限",
    );
}

#[test]
fn nested_loops_that_would_never_end_are_stopped_by_the_page_budget() {
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    assert_render_stopped(
        &site,
        "这一页的模板循环共要生成超过 1000000 个数（range 嵌套或重复调用），已停止",
    );
}

#[test]
fn a_loop_that_never_advances_is_refused() {
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% for i in range(end=10, step_by=0) %}{{ i }}{% endfor %}",
    );
    assert_render_stopped(&site, "range 的 step_by 不能为 0（循环永远不会结束）");
}

#[test]
fn a_page_that_grows_without_end_is_stopped_at_its_size_limit() {
    let site = ExampleSite::new();
    // 90,000 × 9 × 100 bytes: 81 MB of output from loops within the range budget.
    let hundred = "0123456789".repeat(10);
    page_template(
        &site,
        &format!("{{% for i in range(end=90000) %}}{{% for j in range(end=9) %}}{hundred}{{% endfor %}}{{% endfor %}}"),
    );
    assert_render_stopped(&site, "模板为这一页输出的内容超过了 64 MB 的上限，已停止");
}

const GROWTH_HINT: &str = "每次循环只在末尾追加这一次的新内容（如 {% set_global names = names ~ unit.name ~ \"、\" %}），或者在循环里直接输出，不要先拼成一个变量。";

#[test]
fn a_variable_doubled_in_a_loop_is_refused_before_rendering() {
    // Before this check: killed by the OOM killer at 19.8 GB after 58 s.
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% set_global s = \"x\" %}\n{% for i in range(end=40) %}\n{% set_global s = s ~ s %}\n{% endfor %}{{ s | length }}",
    );
    assert_one_error(
        &site,
        &format!("错误：content/templates/page.html:5：模板 page.html 第 5 行在循环里让变量 s 的新值不止一次用到它自己的旧值（{{% set_global s = s ~ s %}}），每循环一次它至少变大一倍，几十次就会耗尽内存\n    提示：{GROWTH_HINT}"),
    );
}

#[test]
fn a_variable_doubled_through_another_is_refused_too() {
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% set_global s = [1] %}{% for i in range(end=40) %}{% set_global t = s %}{% if i > 1 %}{% set_global s = t | concat(with=s) %}{% endif %}{% endfor %}",
    );
    assert_one_error(
        &site,
        &format!("错误：content/templates/page.html:3：模板 page.html 第 3 行在循环里让变量 s 的新值不止一次用到它自己的旧值（{{% set_global s = t | concat(with=s) %}}），每循环一次它至少变大一倍，几十次就会耗尽内存\n    提示：{GROWTH_HINT}"),
    );
}

#[test]
fn a_variable_carried_through_a_million_range_turns_is_refused() {
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% set_global s = \"\" %}{% for i in range(end=1000) %}{% for j in range(end=1000) %}{% set_global s = s ~ \"0123456789\" %}{% endfor %}{% endfor %}",
    );
    assert_one_error(
        &site,
        "错误：content/templates/page.html:3：模板 page.html 第 3 行在 range 循环里逐次累加变量 s（{% set_global s = s ~ \"0123456789\" %}），循环次数不是 10000 以内的固定数，每次都要复制整个变量，可能长时间停不下来\n    提示：请直接遍历站点数据（如 for 条款 in 条款列表）而不用 range，或者在循环里直接输出，不要先拼成一个变量。",
    );
}

#[test]
fn a_list_built_over_the_sites_data_still_builds() {
    let site = ExampleSite::new();
    page_template(
        &site,
        "{% set_global s = \"\" %}{% for i in range(end=20) %}{% set_global s = s ~ \"ab\" %}{% endfor %}{% for p in site.policies | default(value=[]) %}{% set_global s = s ~ p.title ~ \"、\" %}{% endfor %}<p>{{ s | length }}</p>",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(["build", "--root", site.root().to_str().unwrap(), "--output"])
        .arg(site.out())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Tera words its faults in English ("Variable `x` not found in context while rendering…");
/// an editor gets the cause in Chinese, at the template's file and line, with a hint for it.
#[test]
fn a_missing_variable_is_told_in_chinese_at_its_line() {
    let site = ExampleSite::new();
    template(
        &site,
        "404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>页面未找到</h1>\n<p>{{ page.nosuch }}</p>\n{% endblock main %}\n",
    );
    assert_one_error(
        &site,
        "错误：content/templates/404.html:4：渲染页面 /404.html 时模板出错：变量「page.nosuch」不存在\n    提示：请检查变量名是否拼错；可能没有的值用 {% if page.nosuch %}…{% endif %} 包起来，或写 {{ page.nosuch | default(value=\"\") }}。",
    );
}

#[test]
fn an_unknown_filter_and_a_missing_macro_import_are_told_apart() {
    let site = ExampleSite::new();
    template(
        &site,
        "404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n\n<h1>{{ site.home | upper_case }}</h1>\n{% endblock main %}\n",
    );
    assert_one_error(
        &site,
        "错误：content/templates/404.html:4：渲染页面 /404.html 时模板出错：没有名为「upper_case」的过滤器\n    提示：请检查过滤器名是否拼错；常用的有 safe、default、length、truncate、date、join。",
    );
    template(
        &site,
        "404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ m::meta_row(label=\"a\", value=\"b\") }}\n{% endblock main %}\n",
    );
    assert_one_error(
        &site,
        "错误：content/templates/404.html:3：渲染页面 /404.html 时模板出错：用了宏的命名空间「m」，但这个模板没有导入它\n    提示：在模板开头（extends 之后）写 {% import \"macros.html\" as m %}，或改正拼错的命名空间。",
    );
}

#[test]
fn a_syntax_error_is_placed_at_the_line_the_parser_stopped() {
    let site = ExampleSite::new();
    template(
        &site,
        "404.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% if site.home %}\n<h1>页面未找到</h1>\n{% endblock main %}\n",
    );
    assert_one_error(
        &site,
        "错误：content/templates/404.html:5：模板有错误：模板语法有误（解析器的原话：unexpected tag; expected an `elif` tag, an `else` tag, an endif tag (`{% endif %}`), or some content）\n    提示：请检查 {{ }} 和 {% %} 是否成对，if/for/block 是否都有对应的 endif/endfor/endblock，变量名是否拼错。",
    );
}
