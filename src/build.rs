//! `jiedu build` as a function: the options a build is given, run by one
//! [`crate::pipeline::Pipeline`].

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::model::Site;
pub use crate::pipeline::{Built, Timings};
use crate::pipeline::{Pipeline, PipelineOptions};
use crate::render::{RenderOptions, Sink};
use crate::write::WriteStats;

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

impl BuildOptions {
    /// The pipeline of this build, reusing the build cache in the output.
    pub fn pipeline(&self) -> Pipeline {
        Pipeline::new(PipelineOptions {
            root: self.root.clone(),
            base_url: self.base_url.clone(),
            render: self.render,
            search: self.search,
            use_cache: true,
        })
    }
}

/// Load, model and theme: everything `check` needs.
pub fn model(
    root: &Path,
    base_url: Option<&str>,
    timings: &mut Timings,
) -> Result<Site, Diagnostics> {
    crate::pipeline::model(root, base_url, timings)
}

/// The whole pipeline but the write, every file handed to `sink`.
pub fn render(opts: &BuildOptions, sink: &dyn Sink) -> Result<Built, Diagnostics> {
    opts.pipeline().render(sink)
}

/// The whole pipeline (see [`Pipeline::build`]).
pub fn build(opts: &BuildOptions) -> Result<(Built, WriteStats), Diagnostics> {
    opts.pipeline().build(&opts.output)
}
