//! Phase timings for developers: with `JIEDU_TIMINGS=1` in the environment, each stage prints
//! how long its steps took to stderr, so a slow rebuild can be taken apart without a profiler.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("JIEDU_TIMINGS").is_some_and(|v| v != "0"))
}

/// Times the steps of one stage; prints them all on one line when dropped.
pub struct Phases {
    stage: &'static str,
    last: Instant,
    steps: Vec<(&'static str, f64)>,
}

impl Phases {
    pub fn new(stage: &'static str) -> Self {
        Phases {
            stage,
            last: Instant::now(),
            steps: Vec::new(),
        }
    }

    /// Ends the step called `name` (it began at the previous step's end).
    pub fn step(&mut self, name: &'static str) {
        if enabled() {
            let now = Instant::now();
            self.steps
                .push((name, now.duration_since(self.last).as_secs_f64() * 1000.0));
            self.last = now;
        }
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        if enabled() && !self.steps.is_empty() {
            let steps: Vec<String> = self
                .steps
                .iter()
                .map(|(n, ms)| format!("{n} {ms:.1}"))
                .collect();
            eprintln!("[timings] {}: {} ms", self.stage, steps.join(", "));
        }
    }
}

/// Prints a line of detail about a stage, when timings are asked for; `what` is made only then.
pub fn note(stage: &str, what: impl FnOnce() -> String) {
    if enabled() {
        eprintln!("[timings] {stage}: {}", what());
    }
}

static TALLY: std::sync::Mutex<Vec<(&'static str, f64)>> = std::sync::Mutex::new(Vec::new());

/// Adds `spent` to the time of `what` (summed over threads), when timings are asked for.
pub fn tally(what: &'static str, spent: std::time::Duration) {
    if enabled() {
        if let Ok(mut t) = TALLY.lock() {
            let ms = spent.as_secs_f64() * 1000.0;
            match t.iter_mut().find(|(w, _)| *w == what) {
                Some((_, sum)) => *sum += ms,
                None => t.push((what, ms)),
            }
        }
    }
}

/// The tallies so far, as text, and starts again.
pub fn take_tally() -> String {
    let t = TALLY
        .lock()
        .map(|mut t| std::mem::take(&mut *t))
        .unwrap_or_default();
    t.iter()
        .map(|(w, ms)| format!("{w} {ms:.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}
