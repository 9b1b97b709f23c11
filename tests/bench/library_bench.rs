//! What the 政策文件库 and the HTML 网站地图 cost on a generated portal: how many pages, how
//! many bytes and how much render time (one thread, so the figure does not depend on how busy
//! the machine's other cores are), beside the whole page map for scale.
//!
//! cargo run --release --example gen-corpus -- --policies 1000 --out /tmp/c1000
//! cargo run --release --example library_bench -- /tmp/c1000

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use jiedu::build::{model, Timings};
use jiedu::render::{pages, render_job, site_context, RenderOptions, Theme};

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("用法：library_bench 站点目录");
        return ExitCode::FAILURE;
    };
    let site = match model(&root, None, &mut Timings::default()) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let theme = match Theme::load(&root) {
        Ok(t) => t,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let sc = site_context(&site, RenderOptions::default());
    let plan = pages::plan(&site);
    let is_new = |job: &pages::Job| matches!(job.kind.name, "library" | "sitemap");
    let (mut new_pages, mut new_bytes, mut new_ms) = (0usize, 0usize, 0f64);
    let (mut other_pages, mut other_bytes, mut other_ms) = (0usize, 0usize, 0f64);
    for planned in &plan {
        let job = &planned.job;
        let start = Instant::now();
        let html = match render_job(*job, &site, &sc, &theme, false) {
            Ok((h, _)) => h,
            Err(d) => {
                eprintln!("{d}");
                return ExitCode::FAILURE;
            }
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        if is_new(job) {
            (new_pages, new_bytes, new_ms) = (new_pages + 1, new_bytes + html.len(), new_ms + ms);
        } else {
            (other_pages, other_bytes, other_ms) =
                (other_pages + 1, other_bytes + html.len(), other_ms + ms);
        }
    }
    let mb = |b: usize| b as f64 / 1_048_576.0;
    println!("policies: {}", site.policies.len());
    println!(
        "library + 网站地图: {new_pages} pages, {:.1} MB, {new_ms:.0} ms rendering (one thread)",
        mb(new_bytes)
    );
    println!(
        "all other pages:   {other_pages} pages, {:.1} MB, {other_ms:.0} ms rendering (one thread)",
        mb(other_bytes)
    );
    ExitCode::SUCCESS
}
