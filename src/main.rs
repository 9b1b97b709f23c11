use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use jiedu::import::{import, ImportOptions};

/// 政策解读门户静态站点生成器
#[derive(Parser)]
#[command(name = "jiedu", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 把政策原文（.txt 或 .docx）导入为内容目录中的政策包 <ROOT>/<SLUG>/policy.md
    Import {
        /// 政策原文：.txt（UTF-8、带 BOM 的 UTF-8、GBK/GB18030）或 .docx
        file: PathBuf,
        /// 政策包名称（小写字母、数字和 -）；默认由文件名生成
        #[arg(long = "policy-slug", value_name = "SLUG")]
        policy_slug: Option<String>,
        /// 内容目录（站点根目录）
        #[arg(long, value_name = "DIR", default_value = "content")]
        root: PathBuf,
        /// 政策包已存在时覆盖其中的 policy.md
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Import {
            file,
            policy_slug,
            root,
            force,
        } => {
            let opts = ImportOptions {
                file,
                root,
                slug: policy_slug,
                force,
            };
            match import(&opts) {
                Ok(report) => {
                    print!("{report}");
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
