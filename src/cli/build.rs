use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use jiedu::pipeline::{Pipeline, PipelineOptions};
use jiedu::render::RenderOptions;

pub struct Args {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: Option<String>,
    pub timings: bool,
    pub search: bool,
    pub use_cache: bool,
}

pub fn run(args: Args) -> ExitCode {
    let start = Instant::now();
    let pipeline = Pipeline::new(PipelineOptions {
        root: args.root,
        base_url: args.base_url,
        render: RenderOptions::default(),
        search: args.search,
        use_cache: args.use_cache,
    });
    match pipeline.build(&args.output) {
        Ok((built, stats)) => {
            let warnings =
                super::warnings_with_notes(&built.site, &built.warnings, &pipeline.options().root);
            if !warnings.is_empty() {
                eprintln!("{warnings}");
            }
            if args.timings {
                eprintln!("各阶段耗时：\n{}", built.timings);
            }
            let kept = built.pages - built.rendered;
            let reused = if kept > 0 {
                format!("，其中 {kept} 个页面未变、沿用上次的结果")
            } else {
                String::new()
            };
            eprintln!(
                "已生成 {} 个页面（共 {} 个文件，{:.1} MB）到 {}{reused}，用时 {:.0} 毫秒。",
                built.pages,
                stats.files,
                stats.bytes as f64 / 1_048_576.0,
                args.output.display(),
                start.elapsed().as_secs_f64() * 1000.0
            );
            // The process ends here: freeing the model's millions of allocations one by one
            // (a fifth of a second at 1,000 policies) would only delay the exit.
            std::mem::forget(built);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("生成失败，原有的输出目录未被改动。");
            ExitCode::FAILURE
        }
    }
}
