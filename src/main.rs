//! The `jiedu` command line: parses arguments and hands each command to its module in `cli/`.

mod cli;

/// See Cargo.toml: most of the work is small allocations freed on other threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "jiedu",
    version,
    about = "jiedu（解读）：政策解读门户静态站点生成器",
    long_about = "jiedu（解读）把一份政策文件及其领导干部解读、专家解读、文稿解读、简明问答、一图读懂、视频和动漫解读，\n生成一个条款与解读互相链接的静态政务公开网站。生成的 public/ 目录可直接上传到任何静态网站主机。\n\n常用命令：\n  jiedu new       创建一个新的站点目录\n  jiedu build     生成网站到 public/\n  jiedu check     只检查内容，不写文件\n  jiedu serve     本地预览，保存后浏览器自动更新\n  jiedu import    把政策原文（.txt/.docx）导入为政策包\n  jiedu compare   逐条对照新旧两版政策，写出新旧对照表\n\n不带 --root 时使用当前目录下的 content/（示例门户）。"
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
        /// 不使用上次生成留下的构建缓存（public/.jiedu/cache），完整生成全部页面
        #[arg(long)]
        no_cache: bool,
    },
    /// 检查内容：报告全部错误和警告（含模板和链接），不写任何文件
    Check {
        /// 站点目录（含 jiedu.yaml），默认 content
        #[arg(long, default_value = "content")]
        root: PathBuf,
        /// 以 JSON 输出每个政策的条款大纲（编号、层级路径、标题、单位）和全部错误、警告；
        /// 与 --inspect 同用时输出检查报告
        #[arg(long)]
        json: bool,
        /// 检查报告：按政府网站和政务公开检查的要求（三同步、解读齐全、有效性标注、文号格式、
        /// 链接和图片视频、规范用语）列出每一项问题、依据和修改方法
        #[arg(long)]
        inspect: bool,
        /// 有检查发现时以非零状态退出（用于发布流程把关）；隐含 --inspect
        #[arg(long)]
        strict: bool,
        /// 另把检查报告写成一个 HTML 文件（须在站点目录和 public/ 之外）；隐含 --inspect
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
    },
    /// 本地预览：生成网站并在浏览器中预览，保存文件后自动更新页面
    Serve(cli::serve::ServeArgs),
    /// 创建一个新的站点目录：带说明的 jiedu.yaml 和编辑指南所述的文件夹
    New {
        /// 新站点目录（不存在或为空）
        dir: PathBuf,
    },
    /// 把政策原文（.txt 或 .docx）导入为内容目录中的政策包 <ROOT>/<SLUG>/policy.md
    Import {
        /// 政策原文：.txt（UTF-8、带 BOM 的 UTF-8、GBK/GB18030）或 .docx
        file: PathBuf,
        /// 政策包名称（小写字母、数字和 -）；默认由文件名生成
        #[arg(long = "policy-slug", value_name = "SLUG")]
        policy_slug: Option<String>,
        /// 站点目录（含 jiedu.yaml）；不写时只在当前目录就是站点目录时使用当前目录
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// 政策包已存在时覆盖其中的 policy.md
        #[arg(long)]
        force: bool,
    },
    /// 新旧对照：逐条对照两个版本的政策（原文文件或政策包），写出新旧对照表
    Compare {
        /// 原政策：.txt/.docx 原文，或政策包目录（含 policy.md）
        old: PathBuf,
        /// 新政策：.txt/.docx 原文，或政策包目录（含 policy.md）
        new: PathBuf,
        /// 对照表输出文件：.html、.md 或 .json（按扩展名）
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build {
            root,
            output,
            base_url,
            timings,
            no_search,
            no_cache,
        } => cli::build::run(cli::build::Args {
            root,
            output,
            base_url,
            timings,
            search: !no_search,
            use_cache: !no_cache,
        }),
        Command::Check {
            root,
            json,
            inspect,
            strict,
            report,
        } => {
            if inspect || strict || report.is_some() {
                cli::inspect::run(cli::inspect::InspectArgs {
                    root,
                    json,
                    strict,
                    report,
                })
            } else {
                cli::check::run(root, json)
            }
        }
        Command::Serve(args) => cli::serve::run(args),
        Command::New { dir } => cli::new::run(&dir),
        Command::Import {
            file,
            policy_slug,
            root,
            force,
        } => cli::import::run(file, policy_slug, root, force),
        Command::Compare { old, new, output } => cli::compare::run(old, new, output),
    }
}
