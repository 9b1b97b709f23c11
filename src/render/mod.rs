//! Stage 3, render: every page of the page map through its Tera template, in parallel, plus
//! the sitemap, feed, robots.txt, static files and bundle assets, each file handed to a
//! [`Sink`] as soon as it is made. Entry point: [`render_site`].

pub mod chrome;
pub mod context;
pub mod cx;
pub mod deps;
mod feed_reuse;
mod feeds;
mod highlight;
mod json_ld;
mod lifecycle;
pub mod links;
mod list_feeds;
pub mod open_data;
pub mod pages;
pub mod qr;
pub mod recorded;
mod redirects;
pub mod revision;
pub mod share_image;
pub mod sink;
pub mod theme;
mod unit_feeds;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{urls, Kind, Site};
use context::{NavLink, SiteCtx};
use deps::{Changes, Dep, DepTable, Fingerprints};
use links::PageLinks;
pub use pages::Job;
pub use sink::Sink;
pub use theme::Theme;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutFile {
    Bytes(Vec<u8>),
    /// Copied from the content tree (media files can be large).
    Copy(PathBuf),
    /// A share image drawn from its SVG when first asked for (`jiedu serve` only).
    Drawn(Arc<share_image::Drawing>),
}

impl OutFile {
    /// The file as bytes or a copy: a deferred drawing is drawn now.
    pub fn resolved(self: &Arc<Self>) -> Arc<OutFile> {
        match self.as_ref() {
            OutFile::Drawn(d) => d.file(),
            _ => Arc::clone(self),
        }
    }
}

/// What a render made besides its files, which went to the sink.
#[derive(Debug, Default)]
pub struct Rendered {
    pub pages: usize,
    /// Pages rendered this time (the others were reused from the previous render).
    pub rerendered: usize,
    /// Every output path taken, so that files added later cannot overwrite one.
    paths: Arc<FxHashSet<String>>,
    /// With [`Keep::Pages`]: every page, for the next render to reuse.
    pub cache: Option<RenderCache>,
    /// With [`Written::record`]: what each page read, for the next build to reuse.
    pub recorded: Option<recorded::Recorded>,
}

impl Rendered {
    /// Every output path of the site.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.paths.iter().map(String::as_str)
    }

    /// Puts a file generated outside the page map (the search bundle) into `sink`; a path the
    /// site already uses is an error, as in [`render_site`].
    pub fn put_generated(
        &self,
        path: &str,
        bytes: Vec<u8>,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostics> {
        generated_path_free(path, self.paths.contains(path))?;
        sink.put(path, OutFile::Bytes(bytes))
    }

    /// [`Rendered::put_generated`] of a file that is, byte for byte, `previous` (the same path
    /// in the output being replaced).
    pub fn keep_generated(
        &self,
        path: &str,
        previous: &std::path::Path,
        seen: Option<&std::fs::Metadata>,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostics> {
        generated_path_free(path, self.paths.contains(path))?;
        sink.keep(path, previous, seen)
    }
}

/// The one check of a file generated outside the page map (the search bundle), for a build
/// and the preview alike: a path a page or file of the site already has (`taken`) is an error.
pub fn generated_path_free(path: &str, taken: bool) -> Result<(), Diagnostics> {
    if !taken {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "网址 /{path} 已被站点内容占用，无法写入站内搜索文件"
    ))
    .hint("请给占用该网址的政策目录或页面换一个名称。")
    .into())
}

/// Every page of a render, with what it was made from: what the next render of the same site
/// compares against to reuse the pages whose dependencies did not change.
#[derive(Debug)]
pub struct RenderCache {
    site: Arc<Site>,
    /// Every output path, pages and other files.
    paths: Arc<FxHashSet<String>>,
    site_ctx: String,
    templates: Fingerprints,
    /// Shared with the next render, which copies it only to add a dependency it lacks.
    deps: Arc<DepTable>,
    /// Output path → page; shared with the next render when it is reused.
    pages: FxHashMap<String, Arc<CachedPage>>,
    /// Output path → every other file made (not copied): one the next render makes byte for
    /// byte again is this very file, and a share image whose SVG is the same is not drawn again.
    extras: FxHashMap<String, Arc<OutFile>>,
    /// The cutoff of each full feed, for the next render to tell an edit its feed leaves out.
    feeds: feed_reuse::Cutoffs,
    /// Output paths of the pages and files made in this render rather than taken from the
    /// previous one (every file when there was none): only these can have changed.
    fresh: Vec<String>,
    /// Output paths of the previous render that this one has not.
    gone: Vec<String>,
}

impl RenderCache {
    /// The page or generated file at `path`.
    pub fn file(&self, path: &str) -> Option<&Arc<OutFile>> {
        self.pages
            .get(path)
            .map(|p| &p.file)
            .or_else(|| self.extras.get(path))
    }

    /// The page at `path`, with what it read.
    pub fn page(&self, path: &str) -> Option<&Arc<CachedPage>> {
        self.pages.get(path)
    }

    /// Every page and generated file.
    pub fn files(&self) -> impl Iterator<Item = (&String, &Arc<OutFile>)> {
        self.pages
            .iter()
            .map(|(k, p)| (k, &p.file))
            .chain(self.extras.iter())
    }

    /// How many pages and generated files.
    pub fn len(&self) -> usize {
        self.pages.len() + self.extras.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The pages and files made in this render rather than taken from the previous one: only
    /// these can differ from it.
    pub fn made(&self) -> impl Iterator<Item = (&String, &Arc<OutFile>)> {
        self.fresh.iter().filter_map(|k| Some((k, self.file(k)?)))
    }

    /// Output paths of the previous render that this one has not.
    pub fn gone(&self) -> &[String] {
        &self.gone
    }
}

#[derive(Debug)]
pub struct CachedPage {
    kind: &'static str,
    pub file: Arc<OutFile>,
    /// Indices into the cache's dependency table.
    deps: Box<[u32]>,
    links: PageLinks,
}

impl CachedPage {
    /// What the page read, for tests and diagnostics.
    pub fn deps<'a>(&'a self, cache: &'a RenderCache) -> impl Iterator<Item = &'a Dep> + 'a {
        self.deps.iter().map(|&d| &cache.deps.deps()[d as usize])
    }
}

/// What a render does with its pages.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// Hand every page to the sink and keep none (`jiedu build`: the site need not fit in
    /// memory; `jiedu check`).
    Nothing(Written<'a>),
    /// Keep every page in the returned cache instead of the sink, reusing those of the
    /// previous render whose dependencies did not change (`jiedu serve`).
    Pages(Option<&'a RenderCache>),
}

/// What a render draws: part of the options a [`crate::pipeline::Pipeline`] is given, never
/// process-wide state.
/// What a render that writes its pages ([`Keep::Nothing`]) reuses and records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Written<'a> {
    /// The output this build replaces: PNGs whose SVG is unchanged, and the pages `previous`
    /// lets it keep, are taken from there.
    pub previous_output: Option<&'a Path>,
    /// What the build that wrote `previous_output` recorded: its pages whose dependencies read
    /// the same now are kept instead of rendered.
    pub previous: Option<&'a recorded::Recorded>,
    /// Record what each page read ([`Rendered::recorded`]), for the next build.
    pub record: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Inject the live-reload script (only `jiedu serve` sets this).
    pub live_reload: bool,
    /// Draw share images as PNG besides SVG (when the site asks and a CJK font is installed);
    /// `jiedu check` writes nothing, so it only lays out the SVGs.
    pub draw_png: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            live_reload: false,
            draw_png: true,
        }
    }
}

pub fn site_context(site: &Site, opts: RenderOptions) -> SiteCtx {
    let c = &site.config;
    let u = &site.urls;
    SiteCtx {
        name: c.name.clone(),
        publisher: c.publisher.clone(),
        organizer: c.organizer.clone(),
        contact: c.contact.clone(),
        site_id_code: c.site_id_code.clone(),
        icp: c.icp.clone(),
        police_record: c.police_record.clone(),
        description: c.description.clone(),
        prefix: u.prefix().to_string(),
        home: u.href(&urls::home()),
        search: u.href(&urls::search()),
        units: u.href(&urls::units()),
        // A column without any interpretation would only say 本栏目暂无内容; the navigation
        // leaves it out (its page stays, so old links still work).
        columns: Kind::ALL
            .iter()
            .filter(|k| {
                site.policies
                    .iter()
                    .any(|p| p.interpretations.iter().any(|i| i.kind == **k))
            })
            .map(|k| NavLink {
                label: k.column().to_string(),
                href: u.href(&urls::column(*k)),
            })
            .collect(),
        pages: site
            .pages
            .iter()
            .filter(|p| p.nav)
            .map(|p| NavLink {
                label: p.title.clone(),
                href: u.href(&urls::page(&p.slug)),
            })
            .collect(),
        live_reload: opts.live_reload,
        live_script: LIVE_SCRIPT.to_string(),
        share_image_ext: share_image::extension(c, opts.draw_png),
        as_context: std::sync::OnceLock::new(),
    }
}

/// Where `jiedu serve` serves its live-reload script (outside the site's prefix: it is no
/// file of the site).
pub const LIVE_SCRIPT: &str = "/__jiedu/live.js";

/// Renders one job to HTML, with what its context read (templates included) when `recording`.
pub fn render_job(
    job: Job,
    site: &Site,
    sc: &SiteCtx,
    theme: &Theme,
    recording: bool,
) -> Result<(String, Vec<Dep>), Diagnostic> {
    let (ctx, mut deps) = job.context(site, sc, recording);
    let ctx = ctx.map_err(|e| template_failure(&e, job, site, theme))?;
    deps.extend(theme.reads(job.template()).iter().map(|t| Dep::Template(t)));
    let html = theme
        .render(job.template(), &ctx)
        .map_err(|e| template_failure(&e, job, site, theme))?;
    Ok((html, deps))
}

fn template_failure(e: &tera::Error, job: Job, site: &Site, theme: &Theme) -> Diagnostic {
    let sources: Vec<(String, String, PathBuf)> = theme
        .origins
        .iter()
        .map(|(n, p)| (n.clone(), String::new(), p.clone()))
        .collect();
    let lead = format!("渲染页面 /{} 时模板出错", job.url(site));
    theme::template_error(e, &sources, &lead, || theme.origin(job.template()))
}

/// The cache's dependency table rebuilt from the pages that are there, when most of it is
/// left from pages that are gone (see [`DepTable::pruned`]); the pages' indices follow.
fn prune(
    table: Arc<DepTable>,
    pages: FxHashMap<String, Arc<CachedPage>>,
) -> (Arc<DepTable>, FxHashMap<String, Arc<CachedPage>>) {
    let used = pages.values().flat_map(|p| p.deps.iter().copied());
    let Some((small, remap)) = table.pruned(used) else {
        return (table, pages);
    };
    let pages = pages
        .into_iter()
        .map(|(path, p)| {
            let page = CachedPage {
                kind: p.kind,
                file: Arc::clone(&p.file),
                deps: p.deps.iter().map(|&d| remap[d as usize]).collect(),
                links: p.links.clone(),
            };
            (path, Arc::new(page))
        })
        .collect();
    (Arc::new(small), pages)
}

/// Who takes an output path: a page of the plan (by position), or another file's maker.
#[derive(Clone)]
enum Claimant {
    Page(usize),
    Other(String),
}

/// Output paths and who took them first, for the duplicate-URL message. Names are made only
/// for that message: making one per page cost a large site's preview several milliseconds.
#[derive(Default)]
struct Claims(FxHashMap<String, Claimant>);

impl Claims {
    fn claim(
        &mut self,
        path: &str,
        by: Claimant,
        name: &dyn Fn(&Claimant) -> String,
        diags: &mut Diagnostics,
    ) -> bool {
        if let Some(first) = self.0.get(path) {
            diags.push(
                Diagnostic::error(format!(
                    "两个页面占用同一个网址 /{path}：{} 和 {}",
                    name(first),
                    name(&by)
                ))
                .hint("请修改其中一个的目录名、slug 或问题 id，使网址各不相同。"),
            );
            return false;
        }
        self.0.insert(path.to_string(), by);
        true
    }
}

/// A page after this render: made now, or taken from the previous render.
enum Made<'a> {
    New {
        file: OutFile,
        deps: Vec<Dep>,
        links: PageLinks,
    },
    Reused(&'a Arc<CachedPage>),
    /// Written to the sink now, with what it read (a build recording its pages), as
    /// indices into the render's [`Met`].
    Written {
        deps: Box<[u32]>,
        links: PageLinks,
        len: u64,
        digest: u64,
    },
    /// Kept from the output the build replaces.
    Kept(&'a recorded::RecordedPage),
}

/// Renders every page and site file, in parallel, then checks every internal link and anchor
/// of the whole site. With [`Keep::Nothing`] every file goes to `sink` and only the link facts
/// of each page stay in memory; with [`Keep::Pages`] pages go to the returned cache and only
/// the other files to `sink`. On an error the sink may hold part of the site: the caller
/// throws it away.
pub fn render_site(
    site: &Arc<Site>,
    theme: &Theme,
    opts: RenderOptions,
    sink: &dyn Sink,
    keep: Keep<'_>,
) -> Result<Rendered, Diagnostics> {
    let mut t = crate::timing::Phases::new("render");
    let sc = site_context(site, opts);
    let plan = pages::plan(site);
    t.step("plan");
    let (previous, written) = match keep {
        Keep::Pages(p) => (p, Written::default()),
        Keep::Nothing(w) => (None, w),
    };
    // Pages are kept from the previous output only when both it and its record are there.
    let recorded = written.previous.zip(written.previous_output);
    let site_ctx = serde_json::to_string(&sc).unwrap_or_default();

    // Paths come from the plan, not from rendered pages: the duplicate check, the sitemap
    // and the link check's list of files need no page kept in memory.
    let mut diags = Diagnostics::new();
    let mut claims = Claims::default();
    let name = |c: &Claimant| match c {
        Claimant::Page(at) => {
            let job = plan[*at].job;
            job.origin(site)
                .map_or_else(|| format!("{job:?}"), |o| o.display().to_string())
        }
        Claimant::Other(by) => by.clone(),
    };
    let keeping = matches!(keep, Keep::Pages(_));
    let recording = keeping || written.record;
    let prev_extras = previous.map(|p| &p.extras);
    // The claims on the pages' paths, the files besides pages, and which dependencies of the
    // previous render changed need nothing of each other: made side by side.
    let make_files = || {
        site_files(
            site,
            theme,
            &pages::sitemap_urls(site, &plan),
            previous,
            written.previous_output,
            opts.draw_png,
            keeping,
            match written.record && previous.is_none() {
                true => DataFiles::Recorded(written.previous.map(|r| &r.data)),
                false => DataFiles::Unrecorded,
            },
        )
    };
    let unchanged = || match recorded {
        Some((r, _)) => r.unchanged(site, theme.fingerprints(), &site_ctx),
        None => changed_deps(previous, site, theme, &site_ctx),
    };
    let (owned, (made_files, unchanged)) = rayon::join(
        || -> Vec<bool> {
            plan.iter()
                .enumerate()
                .map(|(at, p)| claims.claim(&p.output, Claimant::Page(at), &name, &mut diags))
                .collect()
        },
        || rayon::join(make_files, unchanged),
    );
    let SiteFiles {
        files: made_files,
        cutoffs: feed_cutoffs,
        kept: kept_files,
        data: data_record,
    } = made_files;
    let extras: Vec<(String, Arc<OutFile>)> = made_files
        .into_iter()
        .filter(|(path, _, by)| claims.claim(path, Claimant::Other(by.clone()), &name, &mut diags))
        .map(|(path, file, _)| (path, file))
        .collect();
    // Kept whole from the output this build replaces: not HTML, so no links to check.
    let kept_files: Vec<(String, PathBuf)> = kept_files
        .into_iter()
        .filter(|(path, _)| {
            claims.claim(
                path,
                Claimant::Other("jiedu".to_string()),
                &name,
                &mut diags,
            )
        })
        .collect();
    t.step("claims, site files, changes");
    let reusable = |output: &str, job: &Job| -> Option<&Arc<CachedPage>> {
        let old = previous?.pages.get(output)?;
        (old.kind == job.kind.name && old.deps.iter().all(|&d| unchanged[d as usize]))
            .then_some(old)
    };
    // A page of the previous output is kept when it read the same and its file there is still
    // the one written (same length: not removed or edited by hand).
    let keepable = |output: &str,
                    job: &Job|
     -> Option<(&recorded::RecordedPage, PathBuf, std::fs::Metadata)> {
        let (record, dir) = recorded?;
        let old = record.pages.get(output)?;
        let same = old.kind == job.kind.name
            && old
                .deps
                .iter()
                .all(|&d| unchanged.get(d as usize).copied().unwrap_or(false));
        let file = dir.join(output);
        if !same {
            return None;
        }
        let meta = std::fs::symlink_metadata(&file).ok()?;
        (meta.is_file() && meta.len() == old.len).then_some((old, file, meta))
    };

    let paths: Arc<FxHashSet<String>> = Arc::new(claims.0.into_keys().collect());
    // A page only links to files that exist, or the previous render would have failed; so
    // unless a file is gone, only the links of pages made now and links into pages whose
    // anchors changed need checking. Otherwise every link of the site is checked.
    let gone: Vec<String> = previous
        .map(|p| {
            p.paths
                .iter()
                .filter(|x| !paths.contains(*x))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    // A build's record says the same of the previous output when its set of paths (and the
    // URL prefix) reads the same: no file is gone, and that build checked every link.
    let paths_digest = written
        .record
        .then(|| recorded::paths_digest(&*paths, site.urls.prefix()));
    let check_all = match (previous, recorded) {
        (Some(p), _) => p.site.urls.prefix() != site.urls.prefix() || !gone.is_empty(),
        (None, Some((r, _))) => Some(r.paths) != paths_digest,
        (None, None) => true,
    };
    // The files besides pages go to the sink before any page is rendered: open data, feeds
    // and share cards held through the page render were a seventh of a 1,000-policy
    // build's peak memory.
    type Extra = (Option<PageLinks>, Option<(String, Arc<OutFile>)>);
    type Kept = Option<(String, Arc<OutFile>)>;
    let (extra_links, kept_extras): (Vec<Option<PageLinks>>, Vec<Kept>) = extras
        .into_par_iter()
        .map(|(path, file)| -> Result<Extra, Diagnostics> {
            let facts = match file.as_ref() {
                OutFile::Bytes(bytes) if path.ends_with(".html") => std::str::from_utf8(bytes)
                    .ok()
                    .map(|html| PageLinks::scan(&path, None, html)),
                _ => None,
            };
            // Copied files are told apart by their source's fingerprint, not kept here.
            if !keeping || matches!(file.as_ref(), OutFile::Copy(_)) {
                let file = Arc::try_unwrap(file).unwrap_or_else(|shared| (*shared).clone());
                sink.put(&path, file)?;
                return Ok((facts, None));
            }
            let old = prev_extras
                .and_then(|e| e.get(&path))
                .filter(|old| Arc::ptr_eq(old, &file) || **old == file);
            let file = old.map_or(file, Arc::clone);
            Ok((facts, Some((path, file))))
        })
        .collect::<Result<Vec<Extra>, Diagnostics>>()?
        .into_iter()
        .unzip();
    kept_files
        .par_iter()
        .try_for_each(|(path, previous)| sink.keep(path, previous, None))?;
    let extra_links: Vec<PageLinks> = extra_links.into_iter().flatten().collect();
    let kept_extras: FxHashMap<String, Arc<OutFile>> = kept_extras.into_iter().flatten().collect();

    t.step("extras");
    // A build that records its pages keeps their link facts.
    let keep_facts = keeping || written.record;
    let links = links::Links::default();
    let met = Met::default();
    // A page that fails to render is reported with the others; a sink that fails stops all.
    type PageResult<'a> = Result<Option<(usize, Made<'a>)>, Diagnostic>;
    let made: Vec<PageResult> = plan
        .par_iter()
        .zip(owned.par_iter())
        .enumerate()
        .map(|(at, (planned, &own))| -> Result<PageResult, Diagnostics> {
            if let Some(old) = reusable(&planned.output, &planned.job).filter(|_| own) {
                if check_all {
                    links.add(&old.links);
                }
                return Ok(Ok(Some((at, Made::Reused(old)))));
            }
            if let Some((old, file, meta)) = keepable(&planned.output, &planned.job).filter(|_| own)
            {
                if check_all {
                    links.add(&old.links);
                }
                sink.keep(&planned.output, &file, Some(&meta))?;
                return Ok(Ok(Some((at, Made::Kept(old)))));
            }
            let started = std::time::Instant::now();
            let (html, deps) = match render_job(planned.job, site, &sc, theme, recording) {
                Ok(made) => made,
                Err(d) => return Ok(Err(d)),
            };
            crate::timing::tally(planned.job.kind.name, started.elapsed());
            if !own {
                return Ok(Ok(None));
            }
            let origin = planned.job.origin(site);
            if !keep_facts {
                // A build keeps no page: its link facts go straight into the table.
                links.record(&planned.output, origin, &html);
                sink.put(&planned.output, OutFile::Bytes(html.into_bytes()))?;
                return Ok(Ok(None));
            }
            let facts = links.scan(&planned.output, origin, &html, check_all);
            if !keeping {
                let bytes = html.into_bytes();
                let (len, digest) = (bytes.len() as u64, xxhash_rust::xxh3::xxh3_64(&bytes));
                sink.put(&planned.output, OutFile::Bytes(bytes))?;
                let page = Made::Written {
                    deps: met.ids(deps),
                    links: facts,
                    len,
                    digest,
                };
                return Ok(Ok(Some((at, page))));
            }
            let file = OutFile::Bytes(html.into_bytes());
            Ok(Ok(Some((
                at,
                Made::New {
                    file,
                    deps,
                    links: facts,
                },
            ))))
        })
        .collect::<Result<_, Diagnostics>>()?;
    t.step("pages");
    crate::timing::note("render", || {
        let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
        for (at, m) in made.iter().flatten().flatten() {
            if let Made::New { .. } | Made::Written { .. } = m {
                *kinds.entry(plan[*at].job.kind.name).or_default() += 1;
            }
        }
        format!("made {kinds:?}, ms {}", crate::timing::take_tally())
    });
    let mut pages_made = Vec::new();
    for m in made {
        match m {
            Ok(Some(page)) => pages_made.push(page),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    if !diags.has_errors() {
        let exists = |p: &str| paths.contains(p);
        let written = links::Written::new(site);
        // What the previous render or build found on a page, to tell whose ids changed.
        let before = |path: &str| -> Option<&PageLinks> {
            match (previous, recorded) {
                (Some(p), _) => p.pages.get(path).map(|old| &old.links),
                (None, Some((r, _))) => r.pages.get(path).map(|old| &*old.links),
                (None, None) => None,
            }
        };
        match check_all {
            true => {
                for facts in &extra_links {
                    links.add(facts);
                }
                diags.extend(links.check(site.urls.prefix(), &written, exists));
            }
            false => diags.extend(check_changed_links(
                &before,
                &pages_made,
                &extra_links,
                site.urls.prefix(),
                &exists,
                &written,
            )),
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    t.step("links");
    let pages = owned.iter().filter(|own| **own).count();
    let rerendered = match (previous, recorded) {
        (None, None) => pages,
        _ => pages_made
            .iter()
            .filter(|(_, m)| matches!(m, Made::New { .. } | Made::Written { .. }))
            .count(),
    };
    // A build that records writes its pages and keeps none: the record takes what they made.
    let recorded = match written.record {
        true => Some(record(
            &plan,
            std::mem::take(&mut pages_made),
            &met.into_deps(),
            written.previous.map_or(&[][..], |r| &r.deps[..]),
            &deps::Digests::new(site, theme.fingerprints(), &site_ctx),
            paths_digest.unwrap_or_default(),
            data_record.unwrap_or_default(),
        )),
        false => None,
    };
    let cache = keeping.then(|| {
        let paths = Arc::clone(&paths);
        let mut table = previous.map(|p| Arc::clone(&p.deps)).unwrap_or_default();
        let mut fresh: Vec<String> = kept_extras
            .iter()
            .filter(|(path, file)| {
                prev_extras
                    .and_then(|e| e.get(*path))
                    .is_none_or(|old| !Arc::ptr_eq(old, file))
            })
            .map(|(path, _)| path.clone())
            .collect();
        let pages = pages_made
            .into_iter()
            .map(|(at, m)| {
                let planned = &plan[at];
                if matches!(m, Made::New { .. }) {
                    fresh.push(planned.output.clone());
                }
                let page = match m {
                    Made::Reused(old) => Arc::clone(old),
                    Made::Written { .. } | Made::Kept(_) => {
                        unreachable!("a render that keeps its pages writes none")
                    }
                    Made::New { file, deps, links } => Arc::new(CachedPage {
                        kind: planned.job.kind.name,
                        file: Arc::new(file),
                        deps: deps
                            .into_iter()
                            .map(|d| deps::intern(&mut table, d))
                            .collect(),
                        links,
                    }),
                };
                (planned.output.clone(), page)
            })
            .collect();
        let (table, pages) = prune(table, pages);
        RenderCache {
            paths,
            site: Arc::clone(site),
            site_ctx,
            templates: theme.fingerprints().clone(),
            deps: table,
            pages,
            extras: kept_extras,
            feeds: feed_cutoffs,
            fresh,
            gone,
        }
    });
    t.step("cache");
    Ok(Rendered {
        pages,
        rerendered,
        paths,
        cache,
        recorded,
    })
}

/// The dependencies read by the pages a build writes, each kept once as the render threads
/// meet it: each page keeps their indices. At 1,000 policies the pages read 1.3 million,
/// each with a text of its own, where a few thousand are distinct.
#[derive(Default)]
struct Met(std::sync::Mutex<FxHashMap<Dep, u32>>);

impl Met {
    fn ids(&self, deps: Vec<Dep>) -> Box<[u32]> {
        let mut met = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        deps.into_iter()
            .map(|d| {
                let next = met.len() as u32;
                *met.entry(d).or_insert(next)
            })
            .collect()
    }

    /// Every dependency met, at its index.
    fn into_deps(self) -> Vec<Dep> {
        let met = self
            .0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all: Vec<(u32, Dep)> = met.into_iter().map(|(dep, id)| (id, dep)).collect();
        all.sort_unstable_by_key(|&(id, _)| id);
        all.into_iter().map(|(_, dep)| dep).collect()
    }
}

/// What a build that wrote its pages records of them for the next one: each page's
/// dependencies (interned anew; a kept page's taken over from `old_deps`) and each
/// dependency's digest now. A kept page read only dependencies that are unchanged, so their
/// recorded digests stand; the others are computed from the model.
fn record(
    plan: &[pages::Planned],
    made: Vec<(usize, Made<'_>)>,
    met: &[Dep],
    old_deps: &[(String, Option<u64>)],
    digests: &deps::Digests,
    paths: u64,
    data: open_data::DataRecord,
) -> recorded::Recorded {
    enum Digest {
        Known(Option<u64>),
        Of(Dep),
    }
    /// Each dependency once, by its text; a dep read by many pages is encoded once.
    #[derive(Default)]
    struct Table {
        by_dep: FxHashMap<Dep, u32>,
        by_text: FxHashMap<String, u32>,
        entries: Vec<(String, Digest)>,
    }
    impl Table {
        fn by_text(&mut self, text: &str, digest: impl FnOnce() -> Digest) -> u32 {
            if let Some(&id) = self.by_text.get(text) {
                return id;
            }
            let id = self.entries.len() as u32;
            self.by_text.insert(text.to_string(), id);
            self.entries.push((text.to_string(), digest()));
            id
        }
        fn dep(&mut self, dep: Dep) -> u32 {
            if let Some(&id) = self.by_dep.get(&dep) {
                return id;
            }
            let id = self.by_text(&dep.encode(), || Digest::Of(dep.clone()));
            self.by_dep.insert(dep, id);
            id
        }
    }
    let mut table = Table::default();
    // A kept page's dependency by its index in `old_deps` → its index now: the tens of
    // thousands of kept pages share a few thousand, each looked up by its text only once.
    let mut from_old = vec![u32::MAX; old_deps.len()];
    // The same for a written page's dependency by its index in `met`, which the render
    // threads numbered in the order they met them: numbered again here in page order, the
    // record does not depend on the threads.
    let mut from_met = vec![u32::MAX; met.len()];
    let mut pages = FxHashMap::default();
    pages.reserve(made.len());
    for (at, m) in made {
        let page = match m {
            Made::Written {
                deps,
                links,
                len,
                digest,
            } => recorded::RecordedPage {
                kind: plan[at].job.kind.name.to_string(),
                deps: deps
                    .iter()
                    .map(|&d| {
                        let now = &mut from_met[d as usize];
                        if *now == u32::MAX {
                            *now = table.dep(met[d as usize].clone());
                        }
                        *now
                    })
                    .collect(),
                links: Arc::new(links),
                len,
                digest,
            },
            Made::Kept(old) => recorded::RecordedPage {
                kind: old.kind.clone(),
                deps: old
                    .deps
                    .iter()
                    .filter_map(|&d| {
                        let (text, digest) = old_deps.get(d as usize)?;
                        let now = &mut from_old[d as usize];
                        if *now == u32::MAX {
                            *now = table.by_text(text, || Digest::Known(*digest));
                        }
                        Some(*now)
                    })
                    .collect(),
                links: Arc::clone(&old.links),
                len: old.len,
                digest: old.digest,
            },
            Made::New { .. } | Made::Reused(_) => continue,
        };
        pages.insert(plan[at].output.clone(), page);
    }
    let deps = table
        .entries
        .into_par_iter()
        .map(|(text, digest)| match digest {
            Digest::Known(d) => (text, d),
            Digest::Of(dep) => (text, digests.of(&dep)),
        })
        .collect();
    recorded::Recorded {
        root: digests.root().to_path_buf(),
        deps,
        pages,
        paths,
        data,
    }
}

/// Which of the previous render's dependencies read the same now (by their index in its
/// table): each compared once, however many pages read it.
fn changed_deps(
    previous: Option<&RenderCache>,
    site: &Site,
    theme: &Theme,
    site_ctx: &str,
) -> Vec<bool> {
    let Some(prev) = previous else {
        return Vec::new();
    };
    let site_same = prev.site_ctx == site_ctx && prev.site.config == site.config;
    let changes = Changes::new(
        &prev.site,
        site,
        &prev.templates,
        theme.fingerprints(),
        site_same,
    );
    prev.deps
        .deps()
        .par_iter()
        .map(|d| changes.same(d))
        .collect()
}

/// The link check after a render that reused pages of the previous render, or kept pages of
/// the previous build's output (either had no broken link: a build with one fails and writes
/// no record), and lost no file: every link of the pages made now, and the anchored links of
/// reused or kept pages into pages whose ids changed (`before`: a page's facts then).
fn check_changed_links<'p>(
    before: &dyn Fn(&str) -> Option<&'p PageLinks>,
    made: &[(usize, Made<'_>)],
    extras: &[PageLinks],
    prefix: &str,
    exists: &(dyn Fn(&str) -> bool + Sync),
    written: &links::Written,
) -> Diagnostics {
    fn facts<'m>(m: &'m Made<'_>) -> &'m PageLinks {
        match m {
            Made::New { links, .. } | Made::Written { links, .. } => links,
            Made::Reused(old) => &old.links,
            Made::Kept(old) => &old.links,
        }
    }
    let by_path: HashMap<&str, &PageLinks> = made
        .iter()
        .map(|(_, m)| facts(m))
        .chain(extras)
        .map(|l| (l.path(), l))
        .collect();
    let page = |p: &str| by_path.get(p).copied();
    let fresh: Vec<&PageLinks> = made
        .iter()
        .filter_map(|(_, m)| match m {
            Made::New { links, .. } | Made::Written { links, .. } => Some(links),
            Made::Reused(_) | Made::Kept(_) => None,
        })
        .chain(extras)
        .collect();
    let moved: HashSet<&str> = fresh
        .iter()
        .filter(|l| before(l.path()).is_some_and(|old| !old.same_ids(l)))
        .map(|l| l.path())
        .collect();
    let mut problems: Vec<Diagnostic> = fresh
        .par_iter()
        .flat_map_iter(|l| l.check(prefix, exists, &page, None, written))
        .collect();
    if !moved.is_empty() {
        problems.par_extend(made.par_iter().flat_map_iter(|(_, m)| {
            let kept = match m {
                Made::Reused(old) => &old.links,
                Made::Kept(old) => &*old.links,
                Made::New { .. } | Made::Written { .. } => return Vec::new(),
            };
            kept.check(prefix, exists, &page, Some(&moved), written)
        }));
    }
    problems.into_iter().collect()
}

/// Every file of the site that is not a page: bundle assets, the sitemap, feed and robots.txt,
/// each unit's feed, the open data and the theme's static files, each with who made it (for the duplicate-URL message),
/// and the cutoffs of the full feeds among them (see [`feed_reuse`]).
/// `page_urls` are the sitemap's URLs, sorted; `previous`, the previous render of `jiedu serve`.
#[allow(clippy::too_many_arguments)] // one per kind of previous state it may reuse; split in the render split of issue 22
pub fn site_files(
    site: &Site,
    theme: &Theme,
    page_urls: &[String],
    previous_render: Option<&RenderCache>,
    previous_output: Option<&Path>,
    draw_png: bool,
    defer_drawing: bool,
    data: DataFiles<'_>,
) -> SiteFiles {
    let previous = previous_render.map(|p| (p.site.as_ref(), &p.extras));
    let mut t = crate::timing::Phases::new("site_files");
    let mut files: Vec<(String, OutFile, String)> = Vec::new();
    for p in &site.policies {
        for a in &p.assets {
            files.push((
                urls::asset(&p.slug, &a.rel),
                OutFile::Copy(a.source.clone()),
                a.source.display().to_string(),
            ));
        }
    }
    t.step("assets");
    let (sitemaps, atom) = rayon::join(|| feeds::sitemaps(site, page_urls), || feeds::atom(site));
    let generated = sitemaps.into_iter().chain([
        ("atom.xml".to_string(), atom),
        ("robots.txt".to_string(), feeds::robots(site)),
        (
            "static/highlight.css".to_string(),
            highlight_css().to_string(),
        ),
    ]);
    for (path, text) in generated {
        files.push((path, OutFile::Bytes(text.into_bytes()), "jiedu".to_string()));
    }
    t.step("sitemaps");
    let changed = feed_reuse::Changed::since(
        site,
        previous_render.map(|p| (p.site.as_ref(), &p.extras, &p.feeds)),
    );
    let (unit_feeds, list_feeds) = rayon::join(
        || unit_feeds::files(site, changed.as_ref()),
        || list_feeds::files(site, changed.as_ref()),
    );
    t.step("feeds");
    // A build keeps each policy's data file from the output it replaces while what the file
    // is made of reads the same; `serve` compares with its previous model instead.
    let (open_data, kept, data_record) = match data {
        DataFiles::Recorded(old) => {
            let built = open_data::files_recorded(site, old.zip(previous_output));
            (built.made, built.kept, Some(built.record))
        }
        DataFiles::Unrecorded => (open_data::files(site, previous), Vec::new(), None),
    };
    t.step("open data");
    files.extend(redirects::pages(site));
    t.step("redirects");
    for (name, bytes) in &theme.statics {
        files.push((
            format!("static/{name}"),
            OutFile::Bytes(bytes.clone()),
            "主题".to_string(),
        ));
    }
    let mut files: Vec<(String, Arc<OutFile>, String)> = files
        .into_iter()
        .map(|(path, file, by)| (path, Arc::new(file), by))
        .collect();
    let mut cutoffs = feed_reuse::Cutoffs::default();
    let feeds = unit_feeds.into_iter().chain(list_feeds);
    let feeds = feeds.map(|(path, file, cutoff)| {
        if let Some(cut) = cutoff {
            cutoffs.insert(path.clone(), cut);
        }
        (path, file)
    });
    files.extend(
        open_data
            .into_iter()
            .chain(feeds)
            .map(|(path, file)| (path, file, "jiedu".to_string())),
    );
    t.step("statics");
    files.extend(share_image::files(
        site,
        previous,
        previous_output,
        draw_png,
        defer_drawing,
    ));
    t.step("share");
    SiteFiles {
        files,
        cutoffs,
        kept,
        data: data_record,
    }
}

/// How [`site_files`] makes the open data files.
#[derive(Clone, Copy)]
pub enum DataFiles<'a> {
    /// Reusing those of `jiedu serve`'s previous render, if any; nothing recorded.
    Unrecorded,
    /// Recorded for the next build (`jiedu build`), keeping those the previous build's record
    /// (if any) says are unchanged from the output it replaces.
    Recorded(Option<&'a open_data::DataRecord>),
}

/// What [`site_files`] made.
pub struct SiteFiles {
    /// Each file, with who made it (for the duplicate-URL message).
    pub files: Vec<(String, Arc<OutFile>, String)>,
    /// The cutoffs of the full feeds among them (see [`feed_reuse`]).
    pub cutoffs: feed_reuse::Cutoffs,
    /// Files a build keeps from the output it replaces, and their path there.
    pub kept: Vec<(String, PathBuf)>,
    /// What a build records of its open data files for the next one.
    pub data: Option<open_data::DataRecord>,
}

/// Colours for highlighted code; computed once per process because `serve` renders again and
/// again.
fn highlight_css() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(highlight::highlight_css)
}
