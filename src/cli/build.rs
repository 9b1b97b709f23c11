use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use jiedu::build::{self, BuildOptions};
use jiedu::render::RenderOptions;

pub fn run(
    root: PathBuf,
    output: PathBuf,
    base_url: Option<String>,
    timings: bool,
    search: bool,
) -> ExitCode {
    let start = Instant::now();
    let opts = BuildOptions {
        root,
        output: output.clone(),
        base_url,
        render: RenderOptions::default(),
        search,
    };
    match build::build(&opts) {
        Ok((built, stats)) => {
            let warnings = super::warnings_with_notes(&built.site, &built.warnings, &opts.root);
            if !warnings.is_empty() {
                eprintln!("{warnings}");
            }
            if timings {
                eprintln!("各阶段耗时：\n{}", built.timings);
            }
            eprintln!(
                "已生成 {} 个页面（共 {} 个文件，{:.1} MB）到 {}，用时 {:.0} 毫秒。",
                built.pages,
                stats.files,
                stats.bytes as f64 / 1_048_576.0,
                output.display(),
                start.elapsed().as_secs_f64() * 1000.0
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            eprintln!("生成失败，原有的输出目录未被改动。");
            ExitCode::FAILURE
        }
    }
}
