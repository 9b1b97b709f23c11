//! The pipeline: load → model → render → write, with per-stage timings.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::load::load_site;
use crate::model::{build_model, Site};
use crate::published;
use crate::render::{render_site, Keep, OutFile, RenderOptions, Sink, Theme};
use crate::search;
use crate::write::{Staging, WriteStats};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    /// Overrides `base_url` of the config (e.g. for a preview host).
    pub base_url: Option<String>,
    pub render: RenderOptions,
    /// Build the static search index (`--no-search` turns it off; `serve` may skip it).
    pub search: bool,
}

#[derive(Debug, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
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

pub struct Built {
    pub site: Site,
    /// The published URLs, as recorded in the output's [`published::URL_LIST`].
    pub url_list: String,
    pub warnings: Diagnostics,
    pub timings: Timings,
    pub pages: usize,
}

/// Load, model and theme: everything `check` needs.
pub fn model(
    root: &Path,
    base_url: Option<&str>,
    timings: &mut Timings,
) -> Result<Site, Diagnostics> {
    let mut source = timings.time("load", || load_site(root))?;
    if let Some(b) = base_url {
        source.config.base_url = b.to_string();
        if let Some(problem) = source.config.base_url_problem() {
            return Err(crate::load::base_url_error(b, problem)
                .hint("--base-url 需要完整的网址，如 --base-url https://preview.example.gov.cn/")
                .into());
        }
    }
    timings.time("model", || build_model(&source))
}

/// Load, model and render into `sink`, with the search index if asked: the whole pipeline
/// but the final swap.
pub fn render(opts: &BuildOptions, sink: &dyn Sink) -> Result<Built, Diagnostics> {
    let mut timings = Timings::default();
    let site = std::sync::Arc::new(model(&opts.root, opts.base_url.as_deref(), &mut timings)?);
    let theme = timings.time("theme", || Theme::load(&opts.root))?;
    let rendered = timings.time("render", || {
        render_site(&site, &theme, opts.render, sink, Keep::Nothing)
    })?;
    if opts.search {
        let emit = |path: &str, bytes: Vec<u8>| rendered.put_generated(path, bytes, sink);
        timings.time("search", || search::index(&site, &emit))?;
    }
    let url_list = published::url_list(rendered.paths());
    let warnings = site.warnings.clone();
    // No render cache was kept, so the model has no other owner.
    let site = std::sync::Arc::try_unwrap(site).unwrap_or_else(|shared| (*shared).clone());
    Ok(Built {
        site,
        url_list,
        warnings,
        timings,
        pages: rendered.pages,
    })
}

/// The whole pipeline: every file is written as soon as it is rendered, into a staging
/// directory that replaces the output only once the build succeeded.
pub fn build(opts: &BuildOptions) -> Result<(Built, WriteStats), Diagnostics> {
    let staging = Staging::create(&opts.output, &opts.root)?;
    crate::render::share_image::reuse_previous_output(&opts.output);
    let mut built = render(opts, &staging)?;
    // Only a published build records its URLs; `serve` renders the same site without them.
    staging.put(
        published::URL_LIST,
        OutFile::Bytes(built.url_list.clone().into_bytes()),
    )?;
    let mut warnings = std::mem::take(&mut built.warnings);
    warnings.extend(published::dropped(&opts.output, &built.url_list));
    built.warnings = warnings.sorted();
    let stats = built.timings.time("write", || staging.swap_in())?;
    Ok((built, stats))
}
