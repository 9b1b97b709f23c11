//! Processor time of one preview rebuild after an edit, without the watcher and the server:
//! what `jiedu serve` spends between the debounce and the reload message. Processor time of
//! the whole process (every thread) says more than the wall on a shared machine; run with
//! `RAYON_NUM_THREADS=1` for the figure that depends least on the machine's load.
//!
//! cargo run --release --example rebuild_cpu -- SITE_ROOT [RUNS]
//! (SITE_ROOT: a site with the `yiliao-gaodi` bundle, e.g. the bench site of serve_latency)

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use jiedu::pipeline::{Pipeline, PipelineOptions};

fn cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("用法：rebuild_cpu 站点目录 [次数]");
        return ExitCode::FAILURE;
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(11);
    let mut pipeline = Pipeline::new(PipelineOptions::preview(root.clone()));
    if let Err(d) = pipeline.rebuild(None) {
        eprintln!("{d}");
        return ExitCode::FAILURE;
    }
    // For counting instructions of the rebuilds only: under
    // `valgrind --tool=callgrind --instr-atstart=no`, turn instrumentation on
    // (`callgrind_control -i on`) after "ready", then send a line.
    if std::env::var_os("REBUILD_WAIT").is_some() {
        println!("ready");
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    let edits = [
        ("answer", "qa.md", "一期投入使用"),
        ("clause", "policy.md", "全力建设国家区域医疗中心"),
    ];
    for (name, file, anchor) in edits {
        let path = root.join("yiliao-gaodi").join(file);
        let original = std::fs::read_to_string(&path).expect("the edited file");
        let (mut walls, mut cpus) = (Vec::new(), Vec::new());
        for run in 0..runs {
            let text = original.replacen(anchor, &format!("{anchor}〔第{run}次〕"), 1);
            std::fs::write(&path, text).expect("write");
            let (w, c) = (Instant::now(), cpu());
            let update = pipeline.rebuild(Some(std::slice::from_ref(&path)));
            let (wall, spent) = (w.elapsed(), cpu() - c);
            if let Err(d) = update {
                eprintln!("{d}");
                return ExitCode::FAILURE;
            }
            walls.push(wall.as_secs_f64() * 1000.0);
            cpus.push(spent.as_secs_f64() * 1000.0);
        }
        std::fs::write(&path, &original).expect("write");
        println!(
            "{name}: median wall {:.1} ms, processor {:.1} ms (n={runs})",
            median(walls),
            median(cpus)
        );
    }
    ExitCode::SUCCESS
}
