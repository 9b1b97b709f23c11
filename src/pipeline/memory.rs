//! The pipeline in memory, for `jiedu serve`: load and model the site, re-reading only files that
//! changed and re-modelling only bundles whose inputs changed, then the same [`render_site`] as
//! `jiedu build`, handed the previous render so that only pages whose recorded dependencies
//! changed are rendered again. Duplicate URLs and links are checked over the whole site each
//! time. Entry point: [`rebuild`] (with no previous snapshot it renders everything), which
//! [`super::Pipeline::rebuild`] runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::diagnostics::Diagnostics;
use crate::load::{load_site_reusing, LoadCache};
use crate::model::{build_model_reusing, ModelCache, Site};
use crate::render::sink::Collect;
use crate::render::{render_site, Keep, OutFile, RenderCache, RenderOptions, Theme};

/// A built site held in memory: what `serve` answers requests from, and what the next rebuild
/// compares against.
pub struct Snapshot {
    pub site: Arc<Site>,
    options: RenderOptions,
    /// What the load, model and render of this snapshot read, for the next rebuild to reuse.
    loaded: LoadCache,
    theme: Arc<Theme>,
    modelled: ModelCache,
    cache: RenderCache,
    /// Fingerprints of the asset files (size and modification time), to tell a changed one.
    assets: BTreeMap<PathBuf, u64>,
    /// Copied files (bundle assets) by output path (relative, `/`-separated); pages and the
    /// generated files are in `cache`, where a rebuild shares the unchanged ones.
    copies: rustc_hash::FxHashMap<String, Arc<OutFile>>,
    /// The search bundle, made when it is first asked for (by the search page), so that it
    /// stays off the edit-to-reload path yet always belongs to the pages being served.
    search: OnceLock<Files>,
}

type Files = BTreeMap<String, Arc<OutFile>>;

/// What a rebuild did.
pub struct Update {
    pub snapshot: Arc<Snapshot>,
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

/// Assets are copied (or served) from their file; size and mtime tell that one changed.
fn asset_inputs(site: &Site) -> BTreeMap<PathBuf, u64> {
    // A stat per asset; side by side, as hundreds of bundles have thousands of assets.
    site.policies
        .par_iter()
        .flat_map_iter(|p| &p.assets)
        .map(|a| {
            let meta = std::fs::metadata(&a.source).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let mtime = meta
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            let mut key = Vec::new();
            key.extend_from_slice(a.rel.as_bytes());
            key.extend_from_slice(&len.to_le_bytes());
            key.extend_from_slice(&mtime.to_le_bytes());
            (a.source.clone(), xxh3_64(&key))
        })
        .collect()
}

/// Loads, models and renders the site at `root`. With a previous snapshot, only the pages
/// whose dependencies changed are rendered; the others are reused.
///
/// `changed`: the paths the watcher reported since `prev` was made, if known (see
/// [`load_site_reusing`]); `None` looks at every file.
pub fn rebuild(
    prev: Option<&Snapshot>,
    root: &Path,
    options: RenderOptions,
    changed: Option<&[PathBuf]>,
) -> Result<Update, Diagnostics> {
    let start = Instant::now();
    let mut t = crate::timing::Phases::new("rebuild");
    let (source, loaded) = load_site_reusing(
        root,
        prev.map_or(&LoadCache::default(), |p| &p.loaded),
        changed,
    )?;
    let (site, modelled) = build_model_reusing(
        &source,
        prev.map_or(&ModelCache::default(), |p| &p.modelled),
    )?;
    t.step("load");
    let site = Arc::new(site);
    drop(source);
    t.step("model");
    let model_time = start.elapsed();

    let start = Instant::now();
    let theme = Theme::load_reusing(root, prev.map(|p| &p.theme))?;
    t.step("theme");
    let others = Collect::default();
    let rendered = render_site(
        &site,
        &theme,
        options,
        &others,
        Keep::Pages(prev.map(|p| &p.cache)),
    )?;
    t.step("render");
    let cache = rendered.cache.ok_or_else(Diagnostics::new)?;
    let copies: rustc_hash::FxHashMap<String, Arc<OutFile>> = others
        .into_files()
        .into_iter()
        .map(|(path, file)| (path, Arc::new(file)))
        .collect();
    let render_time = start.elapsed();
    t.step("files");

    let assets = asset_inputs(&site);
    let (changed, removed) = match prev {
        None => (
            every_file(&cache, &copies)
                .map(|(k, _)| k.clone())
                .collect(),
            Vec::new(),
        ),
        Some(p) => {
            // Pages and files taken from the previous render are the same files.
            let changed = cache
                .made()
                .chain(copies.iter())
                .filter(|(k, v)| p.get(k).is_none_or(|old| !same(old, v, &p.assets, &assets)))
                .map(|(k, _)| k.clone())
                .collect();
            let removed = cache.gone().to_vec();
            (changed, removed)
        }
    };
    t.step("diff");
    Ok(Update {
        snapshot: Arc::new(Snapshot {
            site,
            options,
            loaded,
            theme,
            modelled,
            cache,
            assets,
            copies,
            search: OnceLock::new(),
        }),
        changed,
        removed,
        rerendered: rendered.rerendered,
        pages: rendered.pages,
        model_time,
        render_time,
    })
}

/// Whether a file is unchanged: the same bytes, or the same asset file with the same size and
/// modification time.
fn same(
    old: &Arc<OutFile>,
    new: &Arc<OutFile>,
    old_assets: &BTreeMap<PathBuf, u64>,
    new_assets: &BTreeMap<PathBuf, u64>,
) -> bool {
    if Arc::ptr_eq(old, new) {
        return true;
    }
    match (old.as_ref(), new.as_ref()) {
        (OutFile::Bytes(a), OutFile::Bytes(b)) => a == b,
        (OutFile::Drawn(a), OutFile::Drawn(b)) => a == b,
        (OutFile::Copy(a), OutFile::Copy(b)) => {
            a == b && old_assets.contains_key(a) && old_assets.get(a) == new_assets.get(b)
        }
        _ => false,
    }
}

/// Every file of a render: pages, generated files and copies.
fn every_file<'a>(
    cache: &'a RenderCache,
    copies: &'a rustc_hash::FxHashMap<String, Arc<OutFile>>,
) -> impl Iterator<Item = (&'a String, &'a Arc<OutFile>)> + 'a {
    cache.files().chain(copies.iter())
}

impl Snapshot {
    pub fn options(&self) -> RenderOptions {
        self.options
    }

    /// The file at `path` as rendered (a share image perhaps not drawn yet); no search file.
    fn get(&self, path: &str) -> Option<&Arc<OutFile>> {
        self.cache.file(path).or_else(|| self.copies.get(path))
    }

    /// How many files the site has (without the search bundle).
    pub fn len(&self) -> usize {
        self.cache.len() + self.copies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file served at `path` (relative to the site root, e.g. `a/index.html`).
    pub fn file(&self, path: &str) -> Option<Arc<OutFile>> {
        if let Some(f) = self.get(path) {
            return Some(f.resolved());
        }
        let in_bundle = path
            .strip_prefix(crate::search::BUNDLE_DIR)
            .is_some_and(|rest| rest.starts_with('/'));
        if !in_bundle {
            return None;
        }
        self.search_files().get(path).cloned()
    }

    /// The search bundle of this snapshot's site, made on first use.
    fn search_files(&self) -> &Files {
        self.search.get_or_init(|| match self.index_search() {
            Ok(files) => files,
            Err(diags) => {
                eprintln!("{diags}");
                eprintln!("预览中的站内搜索暂时不可用；改正后保存即可。");
                Files::new()
            }
        })
    }

    /// Makes the search bundle of this snapshot's site, as `jiedu build` writes it.
    fn index_search(&self) -> Result<Files, Diagnostics> {
        let made = Mutex::new(Files::new());
        let emit = |path: &str, bytes: Vec<u8>| -> Result<(), Diagnostics> {
            crate::render::generated_path_free(path, self.get(path).is_some())?;
            made.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(path.to_string(), Arc::new(OutFile::Bytes(bytes)));
            Ok(())
        };
        crate::search::index(&self.site, &emit)?;
        Ok(made.into_inner().unwrap_or_else(PoisonError::into_inner))
    }

    /// The site's files as a full build renders them, with the search bundle if it has been
    /// asked for (for comparing the two).
    pub fn to_files(&self) -> BTreeMap<String, OutFile> {
        let search = self.search.get().into_iter().flatten();
        every_file(&self.cache, &self.copies)
            .chain(search)
            .map(|(k, v)| (k.clone(), v.resolved().as_ref().clone()))
            .collect()
    }

    /// The previous render's pages and what each read.
    pub fn cache(&self) -> &RenderCache {
        &self.cache
    }
}
