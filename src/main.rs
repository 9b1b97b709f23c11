//! The `jiedu` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use jiedu::build::{self, BuildOptions, Timings};
use jiedu::render::RenderOptions;

#[derive(Parser)]
#[command(
    name = "jiedu",
    version,
    about = "jiedu（解读）：政策解读门户静态站点生成器",
    long_about = "jiedu（解读）把一份政策文件及其领导干部解读、专家解读、文稿解读、简明问答、一图读懂、视频和动漫解读，\n生成一个条款与解读互相链接的静态政务公开网站。生成的 public/ 目录可直接上传到任何静态网站主机。\n\n常用命令：\n  jiedu build     生成网站到 public/\n  jiedu check     只检查内容，不写文件\n\n不带 --root 时使用当前目录下的 content/（示例门户）。"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站：读取站点目录，写出完整的静态网站（成功后才替换原有输出）
    Build {
        /// 站点目录（含 jiedu.yaml），默认 content
        #[arg(long, default_value = "content")]
        root: PathBuf,
        /// 输出目录，默认 public
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// 覆盖 jiedu.yaml 中的发布网址 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 显示每个阶段的耗时
        #[arg(long)]
        timings: bool,
        /// 不生成站内搜索索引（更快；搜索页只显示浏览入口）
        #[arg(long)]
        no_search: bool,
    },
    /// 检查内容：报告全部错误和警告，不写任何文件
    Check {
        /// 站点目录（含 jiedu.yaml），默认 content
        #[arg(long, default_value = "content")]
        root: PathBuf,
    },
}

fn print_timings(show: bool, t: &Timings) {
    if show {
        eprintln!("各阶段耗时：\n{t}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            timings,
            no_search,
        } => {
            let start = Instant::now();
            let opts = BuildOptions {
                root,
                output: output.clone(),
                base_url,
                render: RenderOptions::default(),
                search: !no_search,
            };
            match build::build(&opts) {
                Ok((built, stats)) => {
                    if !built.warnings.is_empty() {
                        eprintln!("{}", built.warnings);
                    }
                    print_timings(timings, &built.timings);
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
        Command::Check { root } => {
            let mut t = Timings::default();
            match build::model(&root, None, &mut t) {
                Ok(site) => {
                    if !site.warnings.is_empty() {
                        eprintln!("{}", site.warnings);
                    }
                    let clauses: usize = site
                        .policies
                        .iter()
                        .map(|p| p.nodes.iter().filter(|n| n.is_clause).count())
                        .sum();
                    let interps: usize =
                        site.policies.iter().map(|p| p.interpretations.len()).sum();
                    eprintln!(
                        "检查通过：{} 个政策、{} 个任务条款、{} 篇解读、{} 个责任单位。",
                        site.policies.len(),
                        clauses,
                        interps,
                        site.units.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprintln!("{diags}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
