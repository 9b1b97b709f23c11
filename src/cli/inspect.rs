//! `jiedu check --inspect`: the pre-inspection report on the terminal, as JSON, or as an HTML
//! page for the office running the inspection; with `--strict`, any finding fails the run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiedu::inspect::{self, Report};
use jiedu::pipeline::{Pipeline, PipelineOptions};
use jiedu::published::URL_LIST;
use jiedu::render::RenderOptions;

pub struct InspectArgs {
    pub root: PathBuf,
    pub json: bool,
    pub strict: bool,
    pub report: Option<PathBuf>,
}

pub fn run(args: InspectArgs) -> ExitCode {
    if let Some(path) = &args.report {
        if let Some(why) = inside_published(path, &args.root) {
            eprintln!(
                "错误：检查报告不能写在「{}」：{why}\n    提示：报告列出网站欠缺的内容，只给编辑和检查单位看；请写到网站目录以外，如 --report 检查报告.html。",
                path.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let pipeline = Pipeline::new(PipelineOptions {
        root: args.root.clone(),
        base_url: None,
        // Nothing is written, so the share images' PNGs need not be drawn.
        render: RenderOptions {
            draw_png: false,
            ..RenderOptions::default()
        },
        search: false,
        use_cache: false,
    });
    let report = match pipeline.check() {
        Ok(built) => inspect::inspect(&built.site, &built.warnings),
        Err(errors) => inspect::unbuilt(&errors),
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("错误：无法生成 JSON 报告：{e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        for w in &report.warnings {
            eprintln!("{w}");
        }
        eprintln!("{report}");
    }
    if let Some(path) = &args.report {
        if let Err(e) = write_report(path, &report) {
            eprintln!("错误：无法写入检查报告「{}」：{e}", path.display());
            return ExitCode::FAILURE;
        }
        eprintln!("检查报告已写入 {}", path.display());
    }
    if !report.built || (args.strict && !report.findings.is_empty()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn write_report(path: &Path, report: &Report) -> std::io::Result<()> {
    let (y, m, d) = jiedu::load::formats::today();
    let html = inspect::html::render(report, &format!("{y}年{m}月{d}日"));
    std::fs::write(path, html)
}

/// Why a report at `path` would end up published, if it would: inside the site root (its
/// folders are copied into the site), inside `public/`, or inside any built site (a folder
/// holding the published URL list).
fn inside_published(path: &Path, root: &Path) -> Option<&'static str> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let target = absolute(path);
    let parent = target.parent()?.to_path_buf();
    let canonical_parent = parent.canonicalize().unwrap_or(parent);
    let within = |dir: &Path| {
        let dir = absolute(dir);
        let dir = dir.canonicalize().unwrap_or(dir);
        canonical_parent.starts_with(&dir)
    };
    if within(root) {
        return Some("这是站点目录，其中的文件会随网站发布");
    }
    if within(Path::new("public")) {
        return Some("这是网站的输出目录 public/，会整个上传发布");
    }
    if canonical_parent
        .ancestors()
        .any(|dir| dir.join(URL_LIST).is_file())
    {
        return Some("这是一个已生成的网站目录，会整个上传发布");
    }
    None
}
