//! How long each stage of a run took (`jiedu build --timings`): wall time, and the processor
//! time of all threads, which on a shared machine says more about the work than the wall does.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Took {
    pub wall: Duration,
    /// User and system time of the whole process over the stage (every thread).
    pub cpu: Duration,
}

#[derive(Debug, Default)]
pub struct Timings(pub Vec<(&'static str, Took)>);

/// User plus system time of this process so far.
#[cfg(unix)]
fn process_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[cfg(not(unix))]
fn process_cpu() -> Duration {
    Duration::ZERO
}

impl Timings {
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let (start, cpu) = (Instant::now(), process_cpu());
        let v = f();
        let took = Took {
            wall: start.elapsed(),
            cpu: process_cpu().saturating_sub(cpu),
        };
        self.0.push((stage, took));
        v
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn names(s: &'static str) -> &'static str {
            match s {
                "load" => "读取内容",
                "model" => "建立模型",
                "theme" => "编译模板",
                "render" => "渲染写出",
                "search" => "搜索索引",
                "cache-read" => "读取缓存",
                "cache" => "写构建缓存",
                "trees" => "写条款缓存",
                "write" => "替换输出",
                other => other,
            }
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(f, "  {:<10} {:>9} {:>12}", "", "用时", "处理器时间")?;
        for (stage, took) in &self.0 {
            writeln!(
                f,
                "  {:<10} {:>9.1} ms {:>9.1} ms",
                names(stage),
                ms(took.wall),
                ms(took.cpu)
            )?;
        }
        let wall: Duration = self.0.iter().map(|(_, t)| t.wall).sum();
        let cpu: Duration = self.0.iter().map(|(_, t)| t.cpu).sum();
        write!(
            f,
            "  {:<10} {:>9.1} ms {:>9.1} ms",
            "合计",
            ms(wall),
            ms(cpu)
        )
    }
}
