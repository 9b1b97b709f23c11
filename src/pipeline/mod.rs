//! The pipeline: load → model → theme → render → write, run in one place for every command.
//! A [`Pipeline`] owns what each stage can reuse: `jiedu build` runs one (reusing what the
//! previous build recorded on disk, [`disk`]), `jiedu serve` keeps one alive and hands it each
//! rebuild (reusing its last run in memory, [`memory`]), and `jiedu check` runs it without
//! writing. What changes what is drawn or reused is a field of [`PipelineOptions`]; no stage
//! reads process-wide state.

pub mod cache_file;
pub mod disk;
pub mod memory;
mod timings;
pub mod trees;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clause::stored::Recall;
use crate::diagnostics::Diagnostics;
use crate::load::load_site;
use crate::model::{build_model_recalling, Site};
use crate::published;
use crate::render::{render_site, Keep, OutFile, RenderOptions, Sink, Theme, Written};
use crate::search;
use crate::write::{Staging, WriteStats};
pub use memory::{rebuild, Snapshot, Update};
pub use timings::Timings;

#[derive(Debug, Clone)]
pub struct PipelineOptions {
    pub root: PathBuf,
    /// Overrides `base_url` of the config (e.g. for a preview host).
    pub base_url: Option<String>,
    pub render: RenderOptions,
    /// Build the static search index (`--no-search` turns it off; `serve` makes it on demand).
    pub search: bool,
    /// Reuse what the previous build recorded beside its output (`--no-cache` turns it off;
    /// a new record is written either way).
    pub use_cache: bool,
}

impl PipelineOptions {
    /// What `jiedu serve` runs: pages with the live-reload script, no build cache, and the
    /// search index made only when the search page first asks for it (see [`Snapshot`]).
    pub fn preview(root: PathBuf) -> Self {
        PipelineOptions {
            root,
            base_url: None,
            render: RenderOptions {
                live_reload: true,
                ..RenderOptions::default()
            },
            search: false,
            use_cache: false,
        }
    }
}

/// What a run of the pipeline made, besides its files.
pub struct Built {
    pub site: Site,
    /// The published URLs, as recorded in the output's [`published::URL_LIST`].
    pub url_list: String,
    pub warnings: Diagnostics,
    pub timings: Timings,
    pub pages: usize,
    /// Pages rendered (the rest were kept from the previous output).
    pub rendered: usize,
    /// Why the build cache was not used, when there was one (one line, for the editor).
    pub cache_refused: Option<String>,
}

pub struct Pipeline {
    opts: PipelineOptions,
    /// The last good in-memory run (`jiedu serve`), which the next one reuses.
    last: Option<Arc<Snapshot>>,
}

/// Load and model: what every command starts with.
pub fn model(
    root: &Path,
    base_url: Option<&str>,
    timings: &mut Timings,
) -> Result<Site, Diagnostics> {
    model_recalling(root, base_url, timings, &Recall::default())
}

/// [`model`], reading back the clause trees `recall` holds of unchanged policy texts.
fn model_recalling(
    root: &Path,
    base_url: Option<&str>,
    timings: &mut Timings,
    recall: &Recall,
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
    timings.time("model", || build_model_recalling(&source, recall))
}

impl Pipeline {
    pub fn new(opts: PipelineOptions) -> Self {
        Pipeline { opts, last: None }
    }

    pub fn options(&self) -> &PipelineOptions {
        &self.opts
    }

    /// Every stage but the write: files go to `sink`. With `output` (a build), the pages are
    /// recorded for the next build, and those `cached` (read from `output`) says are unchanged
    /// are kept from `output`; so are the clause trees, and those of `trees` (the bytes of the
    /// previous build's [`trees::FILE`]) whose policy texts are unchanged are read back.
    fn run(
        &self,
        sink: &dyn Sink,
        output: Option<&Path>,
        cached: Option<disk::Cached>,
        trees: Option<Vec<u8>>,
        mut timings: Timings,
    ) -> Result<Built, Diagnostics> {
        let opts = &self.opts;
        disk::digest_program_early();
        let recalled = match (&trees, output) {
            (Some(bytes), Some(out)) => trees::index(bytes, out).unwrap_or_else(|why| {
                eprintln!("{why}");
                Default::default()
            }),
            _ => Default::default(),
        };
        let recall = Recall::new(recalled, output.is_some(), &opts.root);
        let mut site =
            model_recalling(&opts.root, opts.base_url.as_deref(), &mut timings, &recall)?;
        // A build hands no tree to anyone after the model (`check --json` prints them).
        if output.is_some() {
            site.free_clause_trees();
        }
        let site = Arc::new(site);
        // The trees are written and freed now, before the render and search stages, where the
        // build's memory peaks.
        let file = match output {
            Some(_) => Some(timings.time("trees", || trees::encode(&recall.into_made()))),
            None => {
                drop(recall);
                None
            }
        };
        drop(trees);
        if let Some(bytes) = file {
            sink.put(trees::FILE, OutFile::Bytes(bytes))?;
        }
        let theme = timings.time("theme", || Theme::load(&opts.root))?;
        let header = disk::Header::new(&theme, opts);
        let mut cache_refused = None;
        let previous = cached.and_then(|c| match header.refuses(&c.header) {
            None => {
                let mut recorded = c.recorded;
                recorded.move_root(&opts.root);
                Some(recorded)
            }
            Some(why) => {
                eprintln!("{why}");
                cache_refused = Some(why);
                None
            }
        });
        let written = Written {
            previous_output: output,
            previous: previous.as_ref(),
            record: output.is_some(),
        };
        let rendered = timings.time("render", || {
            render_site(&site, &theme, opts.render, sink, Keep::Nothing(written))
        })?;
        // The previous record (tens of thousands of pages' links) is freed off the build's
        // path: nothing waits for it.
        std::thread::spawn(move || drop(previous));
        // This build's record is written before the search index is made and freed with the
        // previous one: the link facts of every page, held through the search stage, were a
        // tenth of a 1,000-policy build's peak memory.
        let mut rendered = rendered;
        if let Some(recorded) = rendered.recorded.take() {
            let bytes = timings.time("cache", || disk::encode(&header, &recorded));
            sink.put(disk::CACHE_FILE, OutFile::Bytes(bytes))?;
            std::thread::spawn(move || drop(recorded));
        }
        if opts.search {
            let emit = |path: &str, bytes: Vec<u8>| rendered.put_generated(path, bytes, sink);
            timings.time("search", || -> Result<(), Diagnostics> {
                // The index a build made is remembered beside the build cache, and the next
                // build of the same output redoes only what changed (see search::cache).
                let mut t = crate::timing::Phases::new("search cache");
                let header = search::cache::Header::new(&site.urls.href(""));
                let memory = match output.filter(|_| opts.use_cache) {
                    Some(out) => search::cache::load(out, &header).unwrap_or_else(|why| {
                        eprintln!("{why}");
                        None
                    }),
                    None => None,
                };
                t.step("read");
                let keep = |path: &str, len: u64| -> Result<bool, Diagnostics> {
                    let path = format!("{}/{path}", search::BUNDLE_DIR);
                    let Some(previous) = output.map(|out| out.join(&path)) else {
                        return Ok(false);
                    };
                    let Some(meta) = std::fs::symlink_metadata(&previous)
                        .ok()
                        .filter(|m| m.is_file() && m.len() == len)
                    else {
                        return Ok(false);
                    };
                    rendered.keep_generated(&path, &previous, Some(&meta), sink)?;
                    Ok(true)
                };
                let previous = memory.map(|memory| search::Previous {
                    memory,
                    keep: &keep,
                });
                let memory = search::index_remembering(&site, &emit, previous)?;
                t.step("index");
                if output.is_some() {
                    let bytes = search::cache::encode(&header, &memory);
                    drop(memory);
                    sink.put(search::cache::FILE, OutFile::Bytes(bytes))?;
                }
                t.step("write");
                Ok(())
            })?;
        }
        let url_list = published::url_list(rendered.paths());
        let (pages, rerendered) = (rendered.pages, rendered.rerendered);
        std::thread::spawn(move || drop(rendered));
        let warnings = site.warnings.clone();
        // No render cache was kept, so the model has no other owner.
        let site = Arc::try_unwrap(site).unwrap_or_else(|shared| (*shared).clone());
        Ok(Built {
            site,
            url_list,
            warnings,
            timings,
            pages,
            rendered: rerendered,
            cache_refused,
        })
    }

    /// Every stage, the files handed to `sink` (tests collect them); nothing is reused.
    pub fn render(&self, sink: &dyn Sink) -> Result<Built, Diagnostics> {
        self.run(sink, None, None, None, Timings::default())
    }

    /// `jiedu check`: every stage, nothing written.
    pub fn check(&self) -> Result<Built, Diagnostics> {
        self.render(&crate::render::sink::Discard)
    }

    /// `jiedu build`: every file is written as soon as it is rendered (or linked from the
    /// previous output when the build cache says it is unchanged) into a staging directory that
    /// replaces the output only once the build succeeded, with the record for the next build.
    /// A build cache that cannot be trusted is said why in one line, and not used.
    pub fn build(&self, output: &Path) -> Result<(Built, WriteStats), Diagnostics> {
        // A build from nothing (`--no-cache`) writes every file; a cached one writes only those
        // whose bytes it finds changed in the output.
        let staging = Staging::create(output, &self.opts.root, self.opts.use_cache)?;
        let mut timings = Timings::default();
        let (cached, trees) = match self.opts.use_cache {
            true => timings.time("cache-read", || (disk::load(output), trees::read(output))),
            false => (Ok(None), Ok(None)),
        };
        let trees = trees.unwrap_or_else(|why| {
            eprintln!("{why}");
            None
        });
        let (cached, unreadable) = match cached {
            Ok(cached) => (cached, None),
            Err(why) => {
                eprintln!("{why}");
                (None, Some(why))
            }
        };
        let mut built = self.run(&staging, Some(output), cached, trees, timings)?;
        built.cache_refused = built.cache_refused.or(unreadable);
        // Only a published build records its URLs; `serve` renders the same site without them.
        staging.put(
            published::URL_LIST,
            OutFile::Bytes(built.url_list.clone().into_bytes()),
        )?;
        let mut warnings = std::mem::take(&mut built.warnings);
        warnings.extend(published::dropped(output, &built.url_list));
        built.warnings = warnings.sorted();
        let stats = built.timings.time("write", || staging.swap_in())?;
        Ok((built, stats))
    }

    /// `jiedu serve`: loads, models and renders into memory, reusing the last good run for
    /// what did not change. `changed`: the paths the watcher reported since that run, if known
    /// ([`crate::load::load_site_reusing`]); `None` looks at every file. A failed run keeps the
    /// last good one for the next.
    pub fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Result<Update, Diagnostics> {
        let update = rebuild(
            self.last.as_deref(),
            &self.opts.root,
            self.opts.render,
            changed,
        )?;
        self.last = Some(Arc::clone(&update.snapshot));
        Ok(update)
    }
}
