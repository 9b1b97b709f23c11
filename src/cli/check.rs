use std::path::PathBuf;
use std::process::ExitCode;

use jiedu::build::{self, BuildOptions};
use jiedu::render::sink::Discard;
use jiedu::render::RenderOptions;

/// Runs the whole pipeline except writing, so template and link errors are found too.
pub fn run(root: PathBuf) -> ExitCode {
    let opts = BuildOptions {
        root,
        output: PathBuf::new(),
        base_url: None,
        render: RenderOptions::default(),
        search: false,
    };
    // Nothing is written, so the share images' PNGs need not be drawn.
    jiedu::render::share_image::svg_only();
    match build::render(&opts, &Discard) {
        Ok(built) => {
            if !built.warnings.is_empty() {
                eprintln!("{}", built.warnings);
            }
            let site = &built.site;
            let clauses: usize = site
                .policies
                .iter()
                .map(|p| p.nodes.iter().filter(|n| n.is_clause).count())
                .sum();
            let interps: usize = site.policies.iter().map(|p| p.interpretations.len()).sum();
            eprintln!(
                "检查通过：{} 个政策、{} 个任务条款、{} 篇解读、{} 个责任单位，共 {} 个页面。",
                site.policies.len(),
                clauses,
                interps,
                site.units.len(),
                built.pages
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}
