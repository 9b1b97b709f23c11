//! Benchmark of the site search on a large generated portal (not a timed test).
//!
//! Generates a site by copying the example policy bundle under many slugs (default: enough
//! copies for about 10,000 pages), builds it with and without the search index, and reports
//! the indexing time, peak memory, the index size on disk and — measured in Chromium with
//! `performance.getEntriesByType('resource')` — the bytes a browser downloads for one query.
//!
//! Run: `cargo run --release --example search_bench -- [--pages 10000] [--keep DIR]`
//! (needs `npm ci` in tests/browser and /usr/bin/chromium, as tests/run installs them).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use jiedu::build::{self, BuildOptions};
use jiedu::render::RenderOptions;

const QUERIES: [&str; 6] = [
    "购房补贴",
    "积水潭",
    "安宁疗护",
    "15分钟健康服务圈",
    "医院招聘可以放宽学历吗",
    "積水潭醫院",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let target_pages: usize = arg("--pages").map_or(10_000, |v| v.parse().expect("--pages N"));
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = arg("--keep").map_or_else(|| tmp.path().to_path_buf(), PathBuf::from);

    // One and two copies first, to learn how many pages a bundle adds.
    let one = generate(&repo.join("content"), &work.join("one"), 1);
    let (pages_one, _, _) = build_once(&one, &work.join("one-out"), false);
    let two = generate(&repo.join("content"), &work.join("two"), 2);
    let (pages_two, _, _) = build_once(&two, &work.join("two-out"), false);
    let per_copy = pages_two.saturating_sub(pages_one).max(1);
    let copies = 1 + target_pages.saturating_sub(pages_one).div_ceil(per_copy);
    let root = generate(&repo.join("content"), &work.join("site"), copies);
    println!("生成站点：{copies} 份政策目录");

    let (pages, plain_ms, _) = build_once(&root, &work.join("out-plain"), false);
    let rss_before = peak_rss_kb();
    let out = work.join("out");
    let (_, full_ms, search_ms) = build_once(&root, &out, true);
    let rss_after = peak_rss_kb();
    println!("页面数：{pages}");
    println!("不含搜索的构建：{plain_ms:.0} ms；含搜索的构建：{full_ms:.0} ms，其中搜索索引 {search_ms:.0} ms");
    println!(
        "进程峰值内存：不含搜索 {:.0} MB，含搜索 {:.0} MB",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );

    let (all, index) = bundle_size(&out.join(jiedu::search::BUNDLE_DIR));
    println!(
        "搜索文件（磁盘）：共 {:.1} MB；其中索引分片（t/）{:.1} MB，其余为结果片段、筛选表和搜索程序",
        all as f64 / 1_048_576.0,
        index as f64 / 1_048_576.0
    );

    let script = repo.join("tests/browser/query-bytes.mjs");
    let status = Command::new("node")
        .arg(&script)
        .arg(&out)
        .args(QUERIES)
        .current_dir(repo.join("tests/browser"))
        .status()
        .expect("node");
    assert!(status.success(), "query-bytes.mjs failed");
}

/// Builds `root` into `out`; returns (pages, total ms, search-stage ms).
fn build_once(root: &Path, out: &Path, search: bool) -> (usize, f64, f64) {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: out.to_path_buf(),
        base_url: None,
        render: RenderOptions::default(),
        search,
    };
    let start = Instant::now();
    let (built, _) = build::build(&opts).unwrap_or_else(|d| panic!("{d}"));
    let total = start.elapsed().as_secs_f64() * 1000.0;
    let search_ms = built
        .timings
        .0
        .iter()
        .filter(|(stage, _)| *stage == "search")
        .map(|(_, d)| d.wall.as_secs_f64() * 1000.0)
        .sum();
    (built.pages, total, search_ms)
}

/// Copies the example site, with its policy bundle repeated `copies` times under new slugs.
fn generate(example: &Path, root: &Path, copies: usize) -> PathBuf {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).expect("site dir");
    std::fs::copy(example.join("jiedu.yaml"), root.join("jiedu.yaml")).expect("config");
    copy_dir(&example.join("pages"), &root.join("pages"));
    for n in 0..copies {
        let slug = if n == 0 {
            "yiliao-gaodi".to_string()
        } else {
            format!("yiliao-gaodi-{n:05}")
        };
        copy_dir(&example.join("yiliao-gaodi"), &root.join(slug));
    }
    root.to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

/// (all bytes, index-shard bytes) under the bundle directory.
fn bundle_size(dir: &Path) -> (u64, u64) {
    let mut all = 0;
    let mut index = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("bundle").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let len = entry.metadata().map_or(0, |m| m.len());
            all += len;
            if path.parent().and_then(Path::file_name) == Some("t".as_ref()) {
                index += len;
            }
        }
    }
    (all, index)
}

/// Peak resident memory of this process so far (Linux), in KiB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
