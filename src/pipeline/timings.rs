//! How long each stage of a run took (`jiedu build --timings`).

use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let v = f();
        self.0.push((stage, start.elapsed()));
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
                "cache" => "构建缓存",
                "write" => "替换输出",
                other => other,
            }
        }
        for (stage, d) in &self.0 {
            writeln!(
                f,
                "  {:<10} {:>9.1} ms",
                names(stage),
                d.as_secs_f64() * 1000.0
            )?;
        }
        let total: Duration = self.0.iter().map(|(_, d)| *d).sum();
        write!(
            f,
            "  {:<10} {:>9.1} ms",
            "合计",
            total.as_secs_f64() * 1000.0
        )
    }
}
