//! Stage 3, render: every page of the page map through its Tera template, in parallel, plus
//! the sitemap, feed, robots.txt, static files and bundle assets, each file handed to a
//! [`Sink`] as soon as it is made. Entry point: [`render_site`].

pub mod chrome;
pub mod context;
pub mod cx;
pub mod deps;
mod feeds;
mod highlight;
mod json_ld;
mod lifecycle;
pub mod links;
pub mod open_data;
pub mod pages;
pub mod qr;
mod redirects;
pub mod revision;
pub mod share_image;
pub mod sink;
pub mod theme;
mod unit_feeds;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
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
        if self.paths.contains(path) {
            return Err(taken_by_site(path).into());
        }
        sink.put(path, OutFile::Bytes(bytes))
    }
}

/// The error for a search file whose path a page or file of the site already has.
pub fn taken_by_site(path: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "网址 /{path} 已被站点内容占用，无法写入站内搜索文件"
    ))
    .hint("请给占用该网址的政策目录或页面换一个名称。")
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
    pub pages: FxHashMap<String, Arc<CachedPage>>,
    /// Output path → every other file made (not copied): one the next render makes byte for
    /// byte again is this very file, and a share image whose SVG is the same is not drawn again.
    pub extras: FxHashMap<String, Arc<OutFile>>,
    /// Output paths of the pages and files made in this render rather than taken from the
    /// previous one (every file when there was none): only these can have changed.
    pub fresh: Vec<String>,
    /// Output paths of the previous render that this one has not.
    pub gone: Vec<String>,
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
    /// memory).
    Nothing,
    /// Keep every page in the returned cache instead of the sink, reusing those of the
    /// previous render whose dependencies did not change (`jiedu serve`).
    Pages(Option<&'a RenderCache>),
}

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Inject the live-reload script (only `jiedu serve` sets this).
    pub live_reload: bool,
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
    let previous = match keep {
        Keep::Pages(p) => p,
        Keep::Nothing => None,
    };
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
    let prev_extras = previous.map(|p| &p.extras);
    // The claims on the pages' paths, the files besides pages, and which dependencies of the
    // previous render changed need nothing of each other: made side by side.
    let make_files = || {
        site_files(
            site,
            theme,
            &pages::sitemap_urls(site, &plan),
            previous.map(|p| (p.site.as_ref(), &p.extras)),
            keeping,
        )
    };
    let unchanged = || changed_deps(previous, site, theme, &site_ctx);
    let (owned, (made_files, unchanged)) = rayon::join(
        || -> Vec<bool> {
            plan.iter()
                .enumerate()
                .map(|(at, p)| claims.claim(&p.output, Claimant::Page(at), &name, &mut diags))
                .collect()
        },
        || rayon::join(make_files, unchanged),
    );
    let extras: Vec<(String, Arc<OutFile>)> = made_files
        .into_iter()
        .filter(|(path, _, by)| claims.claim(path, Claimant::Other(by.clone()), &name, &mut diags))
        .map(|(path, file, _)| (path, file))
        .collect();
    t.step("claims, site files, changes");
    let reusable = |output: &str, job: &Job| -> Option<&Arc<CachedPage>> {
        let old = previous?.pages.get(output)?;
        (old.kind == job.kind.name && old.deps.iter().all(|&d| unchanged[d as usize]))
            .then_some(old)
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
    let check_all =
        previous.is_none_or(|p| p.site.urls.prefix() != site.urls.prefix() || !gone.is_empty());
    let links = links::Links::default();
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
            let started = std::time::Instant::now();
            let (html, deps) = match render_job(planned.job, site, &sc, theme, keeping) {
                Ok(made) => made,
                Err(d) => return Ok(Err(d)),
            };
            crate::timing::tally(planned.job.kind.name, started.elapsed());
            if !own {
                return Ok(Ok(None));
            }
            let origin = planned.job.origin(site);
            if !keeping {
                // A build keeps no page: its link facts go straight into the table.
                links.record(&planned.output, origin, &html);
                sink.put(&planned.output, OutFile::Bytes(html.into_bytes()))?;
                return Ok(Ok(None));
            }
            let facts = PageLinks::scan(&planned.output, origin, &html);
            if check_all {
                links.add(&facts);
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
            if let Made::New { .. } = m {
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
    let extra_links: Vec<PageLinks> = extra_links.into_iter().flatten().collect();
    let kept_extras: FxHashMap<String, Arc<OutFile>> = kept_extras.into_iter().flatten().collect();

    t.step("extras");
    if !diags.has_errors() {
        let exists = |p: &str| paths.contains(p);
        let written = links::Written::new(site);
        match previous.filter(|_| !check_all) {
            None => {
                for facts in &extra_links {
                    links.add(facts);
                }
                diags.extend(links.check(site.urls.prefix(), &written, exists));
            }
            Some(prev) => diags.extend(check_changed_links(
                prev,
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
    let rerendered = match previous {
        Some(_) => pages_made
            .iter()
            .filter(|(_, m)| matches!(m, Made::New { .. }))
            .count(),
        None => pages,
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
        RenderCache {
            paths,
            site: Arc::clone(site),
            site_ctx,
            templates: theme.fingerprints().clone(),
            deps: table,
            pages,
            extras: kept_extras,
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
    })
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

/// The link check after a render that reused pages of `prev` (which had no broken link) and
/// lost no file: every link of the pages made now, and the anchored links of reused pages into
/// pages whose ids changed.
fn check_changed_links(
    prev: &RenderCache,
    made: &[(usize, Made<'_>)],
    extras: &[PageLinks],
    prefix: &str,
    exists: &(dyn Fn(&str) -> bool + Sync),
    written: &links::Written,
) -> Diagnostics {
    fn facts<'m>(m: &'m Made<'_>) -> &'m PageLinks {
        match m {
            Made::New { links, .. } => links,
            Made::Reused(old) => &old.links,
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
            Made::New { links, .. } => Some(links),
            Made::Reused(_) => None,
        })
        .chain(extras)
        .collect();
    let moved: HashSet<&str> = fresh
        .iter()
        .filter(|l| {
            prev.pages
                .get(l.path())
                .is_some_and(|old| !old.links.same_ids(l))
        })
        .map(|l| l.path())
        .collect();
    let mut problems: Vec<Diagnostic> = fresh
        .par_iter()
        .flat_map_iter(|l| l.check(prefix, exists, &page, None, written))
        .collect();
    if !moved.is_empty() {
        problems.par_extend(made.par_iter().flat_map_iter(|(_, m)| {
            match m {
                Made::Reused(old) => old
                    .links
                    .check(prefix, exists, &page, Some(&moved), written),
                Made::New { .. } => Vec::new(),
            }
        }));
    }
    problems.into_iter().collect()
}

/// Every file of the site that is not a page: bundle assets, the sitemap, feed and robots.txt,
/// each unit's feed, the open data and the theme's static files, each with who made it (for the duplicate-URL message).
/// `page_urls` are the sitemap's URLs, sorted.
pub fn site_files(
    site: &Site,
    theme: &Theme,
    page_urls: &[String],
    previous: Option<(&Site, &FxHashMap<String, Arc<OutFile>>)>,
    defer_drawing: bool,
) -> Vec<(String, Arc<OutFile>, String)> {
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
    let generated = generated.chain(unit_feeds::files(site));
    for (path, text) in generated {
        files.push((path, OutFile::Bytes(text.into_bytes()), "jiedu".to_string()));
    }
    t.step("feeds");
    let open_data = open_data::files(site, previous);
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
    files.extend(
        open_data
            .into_iter()
            .map(|(path, file)| (path, file, "jiedu".to_string())),
    );
    t.step("statics");
    files.extend(share_image::files(site, previous, defer_drawing));
    t.step("share");
    files
}

/// Colours for highlighted code; computed once per process because `serve` renders again and
/// again.
fn highlight_css() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(highlight::highlight_css)
}
