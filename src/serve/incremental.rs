//! Incremental rebuilds for `jiedu serve`: after an edit, load and model the whole site again
//! (fast: tens of milliseconds), then re-render only the pages whose inputs changed, found
//! through the dependency map (`Job::sources`, `Job::template`). The result equals a full build
//! byte for byte. Entry point: [`rebuild`] (with no previous snapshot it is a full build).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{load_site, SourceSite, TEMPLATES_DIR};
use crate::model::{build_model, Site};
use crate::render::pages::{plan, sitemap_urls};
use crate::render::sink::Discard;
use crate::render::theme::{theme_dir, TEMPLATES};
use crate::render::{render_job, render_site, site_context, site_files, OutFile, RenderOptions};
use crate::render::{PageDeps, Theme};

/// Templates every page is rendered through: a change to one of them re-renders everything.
const SHARED_TEMPLATES: [&str; 2] = ["base.html", "macros.html"];

/// A built site held in memory: what `serve` answers requests from, and what the next rebuild
/// compares against.
pub struct Snapshot {
    pub site: Site,
    theme: Theme,
    options: RenderOptions,
    inputs: Inputs,
    /// Output path → the page's template and content files.
    deps: HashMap<String, PageDeps>,
    /// Output path (relative, `/`-separated) → file. `Arc`, so a rebuild shares unchanged files.
    pub files: BTreeMap<String, Arc<OutFile>>,
}

/// Fingerprints of everything a build reads, to tell what an edit changed.
#[derive(Default)]
struct Inputs {
    config: u64,
    site_ctx: u64,
    docs: HashMap<PathBuf, u64>,
    templates: BTreeMap<&'static str, u64>,
    /// Texts of the templates read from disk, to find which templates use which.
    template_texts: Vec<String>,
    assets: BTreeMap<PathBuf, u64>,
}

/// What a rebuild did.
pub struct Update {
    pub snapshot: Snapshot,
    /// Output paths whose bytes changed or that are new.
    pub changed: Vec<String>,
    /// Output paths that no longer exist.
    pub removed: Vec<String>,
    /// Pages rendered again (the rest were reused).
    pub rerendered: usize,
    pub pages: usize,
    /// Time spent loading and modelling, and rendering.
    pub model_time: Duration,
    pub render_time: Duration,
}

impl Update {
    /// True when only stylesheets changed, so the browser can swap them without reloading.
    pub fn only_stylesheets(&self) -> bool {
        !self.changed.is_empty()
            && self.removed.is_empty()
            && self.changed.iter().all(|p| p.ends_with(".css"))
    }
}

fn hash_file(path: &Path) -> u64 {
    std::fs::read(path).map_or(0, |b| xxh3_64(&b))
}

fn hash_with(parts: &[&[u8]]) -> u64 {
    let mut all = Vec::new();
    for p in parts {
        all.extend_from_slice(&(p.len() as u64).to_le_bytes());
        all.extend_from_slice(p);
    }
    xxh3_64(&all)
}

/// Fingerprints of the template files, read *before* the theme is compiled: if a file changes
/// in between, the next rebuild sees a difference and renders again (never the other way round).
fn template_inputs(root: &Path) -> (BTreeMap<&'static str, u64>, Vec<String>) {
    let dir = theme_dir(root);
    let mut hashes = BTreeMap::new();
    let mut texts = Vec::new();
    for name in TEMPLATES {
        let candidates = [
            Some(root.join(TEMPLATES_DIR).join(name)),
            dir.as_ref().map(|d| d.join("templates").join(name)),
        ];
        let found = candidates.into_iter().flatten().find(|p| p.is_file());
        let hash = match found {
            Some(path) => {
                let bytes = std::fs::read(&path).unwrap_or_default();
                let hash = hash_with(&[path.to_string_lossy().as_bytes(), &bytes]);
                texts.push(String::from_utf8_lossy(&bytes).into_owned());
                hash
            }
            None => 0,
        };
        hashes.insert(name, hash);
    }
    (hashes, texts)
}

fn doc_inputs(source: &SourceSite) -> HashMap<PathBuf, u64> {
    source
        .documents
        .iter()
        .map(|d| {
            let lines = [d.yaml_line as u64, d.body_line as u64];
            let lines: Vec<u8> = lines.iter().flat_map(|l| l.to_le_bytes()).collect();
            let hash = hash_with(&[d.yaml.as_bytes(), d.body.as_bytes(), &lines]);
            (d.path.clone(), hash)
        })
        .collect()
}

/// Assets are copied (or served) from their file; size and mtime tell that one changed.
fn asset_inputs(site: &Site) -> BTreeMap<PathBuf, u64> {
    site.policies
        .iter()
        .flat_map(|p| &p.assets)
        .map(|a| {
            let meta = std::fs::metadata(&a.source).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let mtime = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            let key = format!("{}\0{}", a.bundle, a.rel);
            let hash = hash_with(&[key.as_bytes(), &len.to_le_bytes(), &mtime.to_le_bytes()]);
            (a.source.clone(), hash)
        })
        .collect()
}

/// Which pages must be rendered again, given the previous snapshot.
struct Dirty<'a> {
    prev: Option<&'a Snapshot>,
    everything: bool,
    templates: HashSet<&'static str>,
    docs: HashSet<PathBuf>,
}

impl<'a> Dirty<'a> {
    fn new(prev: Option<&'a Snapshot>, now: &Inputs) -> Self {
        let Some(prev) = prev else {
            return Dirty {
                prev,
                everything: true,
                templates: HashSet::new(),
                docs: HashSet::new(),
            };
        };
        let old = &prev.inputs;
        let templates: HashSet<&'static str> = now
            .templates
            .iter()
            .filter(|(name, hash)| old.templates.get(*name) != Some(hash))
            .map(|(name, _)| *name)
            .collect();
        // A changed template that another template extends, imports or includes affects the
        // pages of both; the shared ones affect all pages.
        let used_by_others = templates.iter().any(|name| {
            SHARED_TEMPLATES.contains(name)
                || now
                    .template_texts
                    .iter()
                    .chain(&old.template_texts)
                    .any(|t| t.contains(&format!("\"{name}\"")))
        });
        let mut docs: HashSet<PathBuf> = now
            .docs
            .iter()
            .filter(|(p, h)| old.docs.get(*p) != Some(h))
            .map(|(p, _)| p.clone())
            .collect();
        docs.extend(
            old.docs
                .keys()
                .filter(|p| !now.docs.contains_key(*p))
                .cloned(),
        );
        let everything = used_by_others
            || now.config != old.config
            || now.site_ctx != old.site_ctx
            || now.assets.keys().ne(old.assets.keys());
        Dirty {
            prev: Some(prev),
            everything,
            templates,
            docs,
        }
    }

    fn needs_render(&self, output: &str, template: &str, sources: &[PathBuf]) -> bool {
        let Some(prev) = self.prev else {
            return true;
        };
        if self.everything || self.templates.contains(template) {
            return true;
        }
        let Some(old) = prev.deps.get(output) else {
            return true;
        };
        old.template != template
            || !prev.files.contains_key(output)
            || sources
                .iter()
                .chain(&old.sources)
                .any(|s| self.docs.contains(s))
    }
}

/// Loads, models and renders the site at `root`. With a previous snapshot, only the pages
/// whose template or content files changed are rendered; the others are reused.
pub fn rebuild(
    prev: Option<&Snapshot>,
    root: &Path,
    options: RenderOptions,
) -> Result<Update, Diagnostics> {
    crate::render::qr::remember_codes();
    let start = Instant::now();
    let config = hash_file(&root.join(CONFIG_FILE));
    let (templates, template_texts) = template_inputs(root);
    let source = load_site(root)?;
    let site = build_model(&source)?;
    let theme = Theme::load(root)?;
    let site_ctx = site_context(&site, options);
    let inputs = Inputs {
        config,
        site_ctx: serde_json::to_vec(&site_ctx).map_or(0, |b| xxh3_64(&b)),
        docs: doc_inputs(&source),
        templates,
        template_texts,
        assets: asset_inputs(&site),
    };
    drop(source);
    let model_time = start.elapsed();

    let start = Instant::now();
    let dirty = Dirty::new(prev, &inputs);
    let deps = plan(&site);
    let rendered: Vec<Result<Option<Vec<u8>>, Diagnostic>> = deps
        .par_iter()
        .map(|(job, d)| {
            if dirty.needs_render(&d.output, d.template, &d.sources) {
                render_job(*job, &site, &site_ctx, &theme).map(|html| Some(html.into_bytes()))
            } else {
                Ok(None)
            }
        })
        .collect();
    let errors: Diagnostics = rendered
        .iter()
        .filter_map(|r| r.as_ref().err().cloned())
        .collect();
    if !errors.is_empty() {
        return Err(errors.sorted());
    }

    let extras = site_files(&site, &theme, &sitemap_urls(&site, &deps));
    let mut files: BTreeMap<String, Arc<OutFile>> = BTreeMap::new();
    let mut rerendered = 0;
    for ((_, d), html) in deps.iter().zip(rendered) {
        let file = match (html, prev.and_then(|p| p.files.get(&d.output))) {
            (Ok(Some(bytes)), _) => {
                rerendered += 1;
                Arc::new(OutFile::Bytes(bytes))
            }
            (_, Some(old)) => Arc::clone(old),
            // Not dirty yet unknown cannot happen: `needs_render` renders every new output.
            (_, None) => Arc::new(OutFile::Bytes(Vec::new())),
        };
        if files.insert(d.output.clone(), file).is_some() {
            return Err(duplicate_outputs(&site, &theme, options));
        }
    }
    for (path, file, _) in extras {
        if files.insert(path, Arc::new(file)).is_some() {
            return Err(duplicate_outputs(&site, &theme, options));
        }
    }
    let render_time = start.elapsed();

    let (changed, removed) = match prev {
        None => (files.keys().cloned().collect(), Vec::new()),
        Some(p) => {
            let changed = files
                .iter()
                .filter(|(k, v)| {
                    p.files
                        .get(*k)
                        .is_none_or(|old| !same(old, v, &p.inputs, &inputs))
                })
                .map(|(k, _)| k.clone())
                .collect();
            let removed = p
                .files
                .keys()
                .filter(|k| !files.contains_key(*k))
                .cloned()
                .collect();
            (changed, removed)
        }
    };
    let pages = deps.len();
    let deps = deps
        .into_iter()
        .map(|(_, d)| (d.output.clone(), d))
        .collect();
    Ok(Update {
        snapshot: Snapshot {
            site,
            theme,
            options,
            inputs,
            deps,
            files,
        },
        changed,
        removed,
        rerendered,
        pages,
        model_time,
        render_time,
    })
}

/// Whether a file is unchanged: the same bytes, or the same asset file with the same size and
/// modification time.
fn same(old: &Arc<OutFile>, new: &Arc<OutFile>, old_in: &Inputs, new_in: &Inputs) -> bool {
    if Arc::ptr_eq(old, new) {
        return true;
    }
    match (old.as_ref(), new.as_ref()) {
        (OutFile::Bytes(a), OutFile::Bytes(b)) => a == b,
        (OutFile::Copy(a), OutFile::Copy(b)) => {
            a == b && old_in.assets.contains_key(a) && old_in.assets.get(a) == new_in.assets.get(b)
        }
        _ => false,
    }
}

/// Two pages or files claim one URL: the full render reports which, in its words.
fn duplicate_outputs(site: &Site, theme: &Theme, options: RenderOptions) -> Diagnostics {
    match render_site(site, theme, options, &Discard) {
        Err(d) => d,
        Ok(_) => Diagnostic::error("两个文件占用同一个网址")
            .hint("请检查政策目录名、slug 和问题 id 是否重复。")
            .into(),
    }
}

impl Snapshot {
    pub fn options(&self) -> RenderOptions {
        self.options
    }

    /// The site's files as a full build renders them (for comparing the two).
    pub fn to_files(&self) -> BTreeMap<String, OutFile> {
        self.files
            .iter()
            .map(|(k, v)| (k.clone(), v.as_ref().clone()))
            .collect()
    }

    /// The template of a page, for tests and diagnostics.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }
}
