//! Benchmark corpus: N synthetic policy bundles in jiedu's content format, deterministic for a
//! seed, and optionally the same site for Hugo (tests/bench/compare.sh builds both).
//!
//! cargo run --release --example gen-corpus -- --policies N --out DIR [--seed S] [--hugo-out DIR]

mod corpus;
mod hugo_layouts;
mod hugo_site;
mod jiedu_site;
mod media;
mod text;

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

struct Args {
    policies: usize,
    out: PathBuf,
    seed: u64,
    hugo_out: Option<PathBuf>,
}

const USAGE: &str =
    "用法：gen-corpus --policies N --out 目录 [--seed 种子] [--hugo-out 目录]（目录须不存在或为空）";

fn parse_args() -> Result<Args, String> {
    let mut policies = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut hugo_out = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} 缺少取值"));
        match flag.as_str() {
            "--policies" => {
                policies = Some(
                    value()?
                        .parse::<usize>()
                        .map_err(|e| format!("--policies：{e}"))?,
                )
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed：{e}"))?,
            "--hugo-out" => hugo_out = Some(PathBuf::from(value()?)),
            other => return Err(format!("未知参数 {other}")),
        }
    }
    match (policies, out) {
        (Some(policies), Some(out)) if policies > 0 => Ok(Args {
            policies,
            out,
            seed,
            hugo_out,
        }),
        _ => Err("需要 --policies（大于 0）和 --out".to_string()),
    }
}

pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

pub fn write_file(path: &Path, text: &str) -> io::Result<()> {
    write_bytes(path, text.as_bytes())
}

/// The generator never deletes: it writes only into a new or empty directory.
fn ensure_empty(dir: &Path) -> Result<(), String> {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if non_empty {
        return Err(format!("输出目录「{}」不是空目录", dir.display()));
    }
    Ok(())
}

fn run(args: &Args) -> Result<(), String> {
    ensure_empty(&args.out)?;
    if let Some(h) = &args.hugo_out {
        ensure_empty(h)?;
    }
    let policies: Vec<corpus::Policy> = (0..args.policies)
        .into_par_iter()
        .map(|i| corpus::policy(args.seed, i))
        .collect();
    let io_err = |e: io::Error| format!("写入失败：{e}");
    jiedu_site::write_site(&policies, &args.out).map_err(io_err)?;
    if let Some(h) = &args.hugo_out {
        hugo_site::write_site(&policies, h).map_err(io_err)?;
    }
    let per_policy =
        1 + corpus::GROUP_SIZES.iter().sum::<usize>() + corpus::KINDS.len() + corpus::QUESTIONS + 1;
    eprintln!(
        "已生成 {} 个政策（每个约 {per_policy} 个页面）到 {}{}",
        policies.len(),
        args.out.display(),
        args.hugo_out
            .as_ref()
            .map(|h| format!("，Hugo 站点到 {}", h.display()))
            .unwrap_or_default()
    );
    Ok(())
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|a| run(&a));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}
