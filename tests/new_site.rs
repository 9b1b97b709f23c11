//! Starting a site alone, through the real binary: `jiedu new` → `jiedu import` → `jiedu build`
//! from an empty folder, `jiedu new` refusing a folder with files in it, and `jiedu import`
//! asking for `--root` instead of writing into the example's content/.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{repo, stderr};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run jiedu")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn seed() -> String {
    repo()
        .join("seeds/001_ac1ff4ea6668311b.txt")
        .to_string_lossy()
        .to_string()
}

#[test]
fn new_then_import_then_build_from_an_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();

    let o = run_in(work, &["new", "zcjd"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for step in [
        "jiedu import 政策原文.docx --root zcjd",
        "jiedu serve --root zcjd --open",
        "jiedu build --root zcjd --output public",
    ] {
        assert!(text.contains(step), "next steps lack {step:?}:\n{text}");
    }
    let config = std::fs::read_to_string(work.join("zcjd/jiedu.yaml")).unwrap();
    assert!(config.contains("# 网站名称"), "{config}");
    assert!(config.contains("base_url:"), "{config}");
    assert!(work.join("zcjd/pages").is_dir());
    assert!(work.join("zcjd/static").is_dir());

    let o = run_in(
        work,
        &[
            "import",
            &seed(),
            "--root",
            "zcjd",
            "--policy-slug",
            "yiliao",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(work.join("zcjd/yiliao/policy.md").is_file());

    let o = run_in(
        work,
        &[
            "build",
            "--root",
            "zcjd",
            "--output",
            "public",
            "--base-url",
            "https://www.example.gov.cn/zcjd/",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let policy = std::fs::read_to_string(work.join("public/yiliao/index.html")).unwrap();
    assert!(policy.contains("<h1>"), "{policy}");
    assert!(policy.contains("href=\"/zcjd/static/jiedu.css\""));
    assert!(work.join("public/index.html").is_file());
}

#[test]
fn new_refuses_a_folder_with_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("full")).unwrap();
    std::fs::write(tmp.path().join("full/note.txt"), "已有文件").unwrap();
    let o = run_in(tmp.path(), &["new", "full"]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o),
        "[1/1] 错误：目录 full 已存在且不是空目录，jiedu new 不会在其中写入文件\n    \
         提示：请换一个新的目录名，或先清空该目录；已有站点请直接用 jiedu import、jiedu serve。\n\
         共 1 个错误、0 个警告。\n"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path().join("full")).unwrap().count(),
        1,
        "nothing written"
    );
    // An empty folder is fine.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = run_in(tmp.path(), &["new", "empty"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn import_without_root_asks_for_it_and_writes_nothing() {
    // Run from a copy of the project layout: content/ is the example portal there.
    let tmp = tempfile::tempdir().unwrap();
    common::copy_dir(&repo().join("content"), &tmp.path().join("content"));
    let before = common::snapshot(&tmp.path().join("content"));
    let o = run_in(tmp.path(), &["import", "政策.txt"]);
    assert!(!o.status.success());
    assert_eq!(
        stderr(&o),
        "[1/1] 错误：没有指定站点目录：请用 --root 写明要导入到哪个站点目录\n    \
         提示：例如 jiedu import 政策.txt --root 我的站点；还没有站点目录时，先用 jiedu new 我的站点 创建一个。\n\
         共 1 个错误、0 个警告。\n"
    );
    assert_eq!(common::snapshot(&tmp.path().join("content")), before);

    // Inside a site root, the current folder is the site.
    let o = run_in(
        &tmp.path().join("content"),
        &["import", &seed(), "--policy-slug", "here"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("content/here/policy.md").is_file());
}

/// `jiedu` run in `dir` with no fonts (the font set pinned, so the report is the same on every
/// machine: the share images then come as SVG only, which the report says first).
fn run_without_fonts(dir: &Path, args: &[&str]) -> Output {
    let fonts = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .current_dir(dir)
        .env("JIEDU_FONT_DIR", fonts.path())
        .args(args)
        .output()
        .expect("run jiedu")
}

const NO_FONT: &str = "[1/1] 警告：本机没有找到中文字体：一图读懂长图和分享卡片只生成 SVG，不生成 PNG\n    提示：安装中文字体（如 fonts-noto-cjk 或 fonts-wqy-microhei）后重新生成，即可得到 PNG 图片。\n共 1 个警告。\n";

const NO_POLICY: &str = "警告：站点还没有政策文件：首页和政策文件库已生成，文件库显示“还没有发布政策文件”\n    提示：用 jiedu import 政策原文.docx --root zcjd 导入第一份政策，或新建政策目录（如 yiliao-gaodi/policy.md），详见《编辑指南》。";

#[test]
fn a_new_site_builds_at_once_and_says_it_has_no_policy_yet() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    assert!(run_in(work, &["new", "zcjd"]).status.success());
    let o = run_without_fonts(work, &["build", "--root", "zcjd", "--output", "public"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pages = std::fs::read_dir(work.join("public")).unwrap().count();
    assert!(pages > 3, "{pages} entries in public/");
    let report = stderr(&o);
    let (notes, done) = report.split_at(report.find("已生成 ").unwrap_or(0));
    assert_eq!(
        notes,
        format!("{NO_FONT}[1/1] {NO_POLICY}\n共 1 个警告。\n")
    );
    assert!(
        done.contains("个页面") && done.contains("到 public，用时"),
        "{report}"
    );
    let library = std::fs::read_to_string(work.join("public/library/index.html")).unwrap();
    assert!(library.contains("还没有发布政策文件。"), "{library}");

    // `check` says the same and passes.
    let o = run_without_fonts(work, &["check", "--root", "zcjd"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!("[1/1] {NO_POLICY}\n")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_policy_folder_with_a_name_that_is_skipped_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    assert!(run_in(work, &["new", "zcjd"]).status.success());
    for name in ["...", "_草稿"] {
        let o = run_in(
            work,
            &[
                "import",
                &seed(),
                "--root",
                "zcjd",
                "--policy-slug",
                "yiliao",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::rename(work.join("zcjd/yiliao"), work.join("zcjd").join(name)).unwrap();
    }
    let o = run_without_fonts(work, &["check", "--root", "zcjd"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let skipped = |name: &str| {
        format!(
            "警告：zcjd/{name}：目录「{name}」的名称以 . 或 _ 开头（或是临时文件名），jiedu 跳过了它，其中的 Markdown 文件不会发布\n    \
             提示：要发布其中的内容，请把目录改名为小写英文字母、数字和连字符组成的名称，例如 yiliao-gaodi；草稿请移出站点目录。"
        )
    };
    assert_eq!(
        stderr(&o).lines().take(6).collect::<Vec<_>>().join("\n"),
        format!(
            "[1/3] {}\n[2/3] {}\n[3/3] {NO_POLICY}",
            skipped("..."),
            skipped("_草稿")
        ),
        "{}",
        stderr(&o)
    );
}
