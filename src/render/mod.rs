//! Stage 3, render: every page of the page map through its Tera template, in parallel, plus
//! the sitemap, feed, robots.txt, static files and bundle assets, each file handed to a
//! [`Sink`] as soon as it is made. Entry point: [`render_site`].

pub mod context;
mod feeds;
mod highlight;
pub mod library;
mod lifecycle;
pub mod links;
pub mod pages;
pub mod qr;
mod redirects;
pub mod share_image;
pub mod sink;
mod sitemap_page;
pub mod theme;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{urls, Kind, Site};
use context::{NavLink, SiteCtx};
pub use pages::Job;
pub use sink::Sink;
pub use theme::Theme;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutFile {
    Bytes(Vec<u8>),
    /// Copied from the content tree (media files can be large).
    Copy(PathBuf),
}

/// One rendered page and what it was made from.
#[derive(Debug, Clone)]
pub struct PageDeps {
    pub output: String,
    pub template: &'static str,
    pub sources: Vec<PathBuf>,
}

/// What a render made besides its files, which went to the sink.
#[derive(Debug, Default)]
pub struct Rendered {
    pub pages: usize,
    /// Every output path taken, so that files added later cannot overwrite one.
    paths: HashSet<String>,
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
            return Err(Diagnostic::error(format!(
                "网址 /{path} 已被站点内容占用，无法写入站内搜索文件"
            ))
            .hint("请给占用该网址的政策目录或页面换一个名称。")
            .into());
        }
        sink.put(path, OutFile::Bytes(bytes))
    }
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
    }
}

/// Renders one job to HTML.
pub fn render_job(
    job: Job,
    site: &Site,
    sc: &SiteCtx,
    theme: &Theme,
) -> Result<String, Diagnostic> {
    let mut ctx =
        pages::context(job, site, sc).map_err(|e| template_failure(&e, job, site, theme))?;
    lifecycle::decorate(&mut ctx, job, site);
    theme
        .tera
        .render(job.template(), &ctx)
        .map_err(|e| template_failure(&e, job, site, theme))
}

fn template_failure(e: &tera::Error, job: Job, site: &Site, theme: &Theme) -> Diagnostic {
    let sources: Vec<(String, String, PathBuf)> = theme
        .origins
        .iter()
        .map(|(n, p)| (n.clone(), String::new(), p.clone()))
        .collect();
    let (file, detail) = theme::template_error(e, &sources);
    let file = if file.as_os_str().is_empty() {
        theme.origin(job.template())
    } else {
        file
    };
    Diagnostic::error(format!("渲染页面 /{} 时模板出错：{detail}", job.url(site)))
        .in_file(&file)
        .hint("请检查模板中使用的变量是否存在；可用 {% if 变量 %} 处理可能为空的值。")
}

/// Output paths and who took them first, for the duplicate-URL message.
#[derive(Default)]
struct Claims(HashMap<String, String>);

impl Claims {
    fn claim(&mut self, path: &str, by: &str, diags: &mut Diagnostics) -> bool {
        if let Some(first) = self.0.get(path) {
            diags.push(
                Diagnostic::error(format!("两个页面占用同一个网址 /{path}：{first} 和 {by}"))
                    .hint("请修改其中一个的目录名、slug 或问题 id，使网址各不相同。"),
            );
            return false;
        }
        self.0.insert(path.to_string(), by.to_string());
        true
    }
}

/// Renders every page and site file into `sink`, in parallel, then checks every internal link
/// and anchor. Only the link facts of each page stay in memory, never its HTML. On an error
/// the sink may hold part of the site: the caller throws it away.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    opts: RenderOptions,
    sink: &dyn Sink,
) -> Result<Rendered, Diagnostics> {
    let sc = site_context(site, opts);
    let plan = pages::plan(site);

    // Paths come from the plan, not from rendered pages: the duplicate check, the sitemap
    // and the link check's list of files need no page kept in memory.
    let mut diags = Diagnostics::new();
    let mut claims = Claims::default();
    let owned: Vec<bool> = plan
        .iter()
        .map(|(job, deps)| {
            let by = deps
                .sources
                .first()
                .map_or_else(|| format!("{job:?}"), |p| p.display().to_string());
            claims.claim(&deps.output, &by, &mut diags)
        })
        .collect();
    let extras: Vec<(String, OutFile)> = site_files(site, theme, &pages::sitemap_urls(site, &plan))
        .into_iter()
        .filter(|(path, _, by)| claims.claim(path, by, &mut diags))
        .map(|(path, file, _)| (path, file))
        .collect();

    let links = links::Links::default();
    let failures: Vec<Diagnostic> = plan
        .par_iter()
        .zip(owned.par_iter())
        .filter_map(
            |((job, deps), &own)| match render_job(*job, site, &sc, theme) {
                Err(d) => Some(Ok(d)),
                Ok(html) if own => {
                    links.record(
                        &deps.output,
                        deps.sources.first().map(PathBuf::as_path),
                        &html,
                    );
                    sink.put(&deps.output, OutFile::Bytes(html.into_bytes()))
                        .err()
                        .map(Err)
                }
                Ok(_) => None,
            },
        )
        .collect::<Result<_, Diagnostics>>()?;
    diags.extend(failures.into_iter().collect());
    extras.into_par_iter().try_for_each(|(path, file)| {
        if let OutFile::Bytes(bytes) = &file {
            match std::str::from_utf8(bytes) {
                Ok(html) if path.ends_with(".html") => links.record(&path, None, html),
                _ => {}
            }
        }
        sink.put(&path, file)
    })?;

    let paths: HashSet<String> = claims.0.into_keys().collect();
    if !diags.has_errors() {
        let written = links::written_links(site);
        diags.extend(links.check(site.urls.prefix(), &written, |p| paths.contains(p)));
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(Rendered {
        pages: owned.iter().filter(|own| **own).count(),
        paths,
    })
}

/// Every file of the site that is not a page: bundle assets, the sitemap, feed and robots.txt,
/// and the theme's static files, each with who made it (for the duplicate-URL message).
/// `page_urls` are the sitemap's URLs, sorted. `jiedu serve` regenerates these after each edit.
pub fn site_files(
    site: &Site,
    theme: &Theme,
    page_urls: &[String],
) -> Vec<(String, OutFile, String)> {
    let mut files = Vec::new();
    for p in &site.policies {
        for a in &p.assets {
            files.push((
                urls::asset(&p.slug, &a.rel),
                OutFile::Copy(a.source.clone()),
                a.source.display().to_string(),
            ));
        }
    }
    let generated = [
        ("sitemap.xml", feeds::sitemap(site, page_urls)),
        ("atom.xml", feeds::atom(site)),
        ("robots.txt", feeds::robots(site)),
        ("static/highlight.css", highlight_css().to_string()),
    ];
    for (path, text) in generated {
        files.push((
            path.to_string(),
            OutFile::Bytes(text.into_bytes()),
            "jiedu".to_string(),
        ));
    }
    files.extend(redirects::pages(site));
    files.extend(share_image::files(site));
    for (name, bytes) in &theme.statics {
        files.push((
            format!("static/{name}"),
            OutFile::Bytes(bytes.clone()),
            "主题".to_string(),
        ));
    }
    files
}

/// Colours for highlighted code; computed once per process because `serve` renders again and
/// again.
fn highlight_css() -> &'static str {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(highlight::highlight_css)
}
