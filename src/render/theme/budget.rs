//! A budget for rendering one page: templates are input a site may change, and Tera has no
//! limits of its own (`range(end=4000000000)` allocated 24 GB; two nested `range(end=1000000)`
//! loops never ended, in `serve` too).
//!
//! Tera cannot be stopped from outside while it renders, so the budget is checked where every
//! runaway template passes: its loops get their numbers from `range` (replaced here by one with a
//! cap per call and per page), and what it writes goes through a bounded writer that also checks
//! the clock. Either returns an error, which Tera carries up like any template error: the page's
//! render stops, the build fails with the template and page named, and `jiedu serve` keeps the
//! last good site with the error in its overlay. Loops over the site's own data are bounded by
//! the data. (A separate process per render would bound everything, but costs more than a whole
//! preview rebuild; the cycles that overflowed the stack are refused before rendering, see
//! [`super::template_graph`].)

use std::cell::Cell;
use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use tera::{Context, Tera, Value};

/// Numbers one `range` call may make: far beyond any page's loop, far below a harmful one.
pub const RANGE_MAX: u64 = 100_000;
/// Loop numbers all `range` calls of one page may make together (nested loops multiply).
pub const PAGE_RANGE_MAX: u64 = 1_000_000;
/// Bytes one page may come to: the largest real page is well under 2 MB.
pub const PAGE_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Time one page's render may take: a page takes milliseconds.
pub const PAGE_TIME_MAX: Duration = Duration::from_secs(5);

/// The budget left for the page this thread renders.
#[derive(Clone, Copy)]
struct Left {
    deadline: Instant,
    range_numbers: u64,
}

thread_local! {
    /// Set while this thread renders a page (renders run on pool threads, one page at a time).
    static LEFT: Cell<Option<Left>> = const { Cell::new(None) };
}

/// Clears the budget when the render ends, also by an early return.
struct Rendering;

impl Rendering {
    fn start() -> Rendering {
        LEFT.with(|l| {
            l.set(Some(Left {
                deadline: Instant::now() + PAGE_TIME_MAX,
                range_numbers: PAGE_RANGE_MAX,
            }))
        });
        Rendering
    }
}

impl Drop for Rendering {
    fn drop(&mut self) {
        LEFT.with(|l| l.set(None));
    }
}

const TIME_MESSAGE: &str = "模板渲染这一页超过了 5 秒的上限，已停止";

/// Renders `template` within the page budget.
pub fn render(tera: &Tera, template: &str, ctx: &Context) -> tera::Result<String> {
    let _rendering = Rendering::start();
    let mut out = Bounded {
        bytes: Vec::with_capacity(16 * 1024),
        deadline: Instant::now() + PAGE_TIME_MAX,
        writes: 0,
    };
    tera.render_to(template, ctx, &mut out)?;
    // Checked with SIMD: the standard check of every page's bytes was 2.5% of a build.
    if simdutf8::basic::from_utf8(&out.bytes).is_err() {
        return Err(tera::Error::msg("模板输出不是有效的 UTF-8 文本"));
    }
    // SAFETY: the bytes were just checked to be UTF-8.
    Ok(unsafe { String::from_utf8_unchecked(out.bytes) })
}

/// The page's output, refusing to grow beyond [`PAGE_BYTES_MAX`] or past the deadline.
struct Bounded {
    bytes: Vec<u8>,
    deadline: Instant,
    /// The clock is read every [`CLOCK_EVERY`] writes: a page makes hundreds of small writes,
    /// and a runaway loop millions.
    writes: u32,
}

const CLOCK_EVERY: u32 = 256;

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > PAGE_BYTES_MAX {
            return Err(std::io::Error::other(format!(
                "模板为这一页输出的内容超过了 {} MB 的上限，已停止",
                PAGE_BYTES_MAX / 1024 / 1024
            )));
        }
        self.writes = self.writes.wrapping_add(1);
        if self.writes.is_multiple_of(CLOCK_EVERY) && Instant::now() > self.deadline {
            return Err(std::io::Error::other(TIME_MESSAGE));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Tera's `range(end, start=0, step_by=1)`, within [`RANGE_MAX`] per call and
/// [`PAGE_RANGE_MAX`] per page, and refusing `step_by=0` (which never ended).
pub fn range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let number = |name: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(name) {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| tera::Error::msg(format!("range 的参数 {name}={v} 不是非负整数"))),
            None => default.ok_or_else(|| {
                tera::Error::msg(format!("range 缺少参数 {name}，例如 range(end=5)"))
            }),
        }
    };
    let start = number("start", Some(0))?;
    let end = number("end", None)?;
    let step = number("step_by", Some(1))?;
    if step == 0 {
        return Err(tera::Error::msg(
            "range 的 step_by 不能为 0（循环永远不会结束）",
        ));
    }
    if start > end {
        return Err(tera::Error::msg(format!(
            "range 的 start={start} 大于 end={end}"
        )));
    }
    let count = (end - start).div_ceil(step);
    if count > RANGE_MAX {
        return Err(tera::Error::msg(format!(
            "range(start={start}, end={end}) 要生成 {count} 个数，超过每次 {RANGE_MAX} 个的上限"
        )));
    }
    let within = LEFT.with(|l| match l.get() {
        None => Ok(()),
        Some(left) if Instant::now() > left.deadline => Err(TIME_MESSAGE.to_string()),
        Some(left) if left.range_numbers < count => Err(format!(
            "这一页的模板循环共要生成超过 {PAGE_RANGE_MAX} 个数（range 嵌套或重复调用），已停止"
        )),
        Some(left) => {
            l.set(Some(Left {
                range_numbers: left.range_numbers - count,
                ..left
            }));
            Ok(())
        }
    });
    within.map_err(tera::Error::msg)?;
    let numbers: Vec<u64> = (start..end)
        .step_by(usize::try_from(step).unwrap_or(usize::MAX))
        .collect();
    Ok(Value::from(numbers))
}
