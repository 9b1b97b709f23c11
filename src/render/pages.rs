//! The page map: every page the site has, its URL, template, source files and context.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::context::*;
use super::PageDeps;
use crate::markdown::excerpt;
use crate::model::types::*;
use crate::model::urls;
use crate::model::{Kind, Site};

/// One page of the site. The list of jobs is the page map; each job is rendered independently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    Home,
    Policy(usize),
    Clause(usize, usize),
    Interpretation(usize, usize),
    Question(usize, usize, usize),
    Progress(usize),
    Column(Kind),
    Units,
    Unit(usize),
    Search,
    Page(usize),
    /// A page of the 政策文件库: all policies or those of one year, issuer, topic or validity.
    Library(super::library::Facet),
    /// The HTML 网站地图.
    SiteMap,
    NotFound,
}

pub fn all_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![Job::Home, Job::Units, Job::Search, Job::NotFound];
    jobs.extend(Kind::ALL.iter().map(|k| Job::Column(*k)));
    for (pi, p) in site.policies.iter().enumerate() {
        jobs.push(Job::Policy(pi));
        jobs.extend(
            p.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.is_clause)
                .map(|(ni, _)| Job::Clause(pi, ni)),
        );
        for (ii, i) in p.interpretations.iter().enumerate() {
            jobs.push(Job::Interpretation(pi, ii));
            jobs.extend((0..i.questions.len()).map(|qi| Job::Question(pi, ii, qi)));
        }
        if !p.progress.is_empty() {
            jobs.push(Job::Progress(pi));
        }
    }
    jobs.extend((0..site.units.len()).map(Job::Unit));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend(super::library::jobs(site));
    jobs.push(Job::SiteMap);
    jobs
}

/// The page map with each page's output path, template and content files; in parallel, as
/// the site-wide pages list every document of the site.
pub fn plan(site: &Site) -> Vec<(Job, PageDeps)> {
    all_jobs(site)
        .into_par_iter()
        .map(|job| {
            let deps = PageDeps {
                output: job.output_path(site),
                template: job.template(),
                sources: job.sources(site),
            };
            (job, deps)
        })
        .collect()
}

/// The URLs the sitemap lists, sorted: every page but the 404 page.
pub fn sitemap_urls(site: &Site, plan: &[(Job, PageDeps)]) -> Vec<String> {
    let mut urls: Vec<String> = plan
        .iter()
        .filter(|(job, _)| *job != Job::NotFound)
        .map(|(job, _)| job.url(site))
        .collect();
    urls.sort();
    urls
}

impl Job {
    /// The URL path relative to the site root (`""` for the home page).
    pub fn url(&self, site: &Site) -> String {
        let p = |pi: usize| &site.policies[pi];
        match *self {
            Job::Home => urls::home(),
            Job::Policy(pi) => urls::policy(&p(pi).slug),
            Job::Clause(pi, ni) => urls::clause(&p(pi).slug, &p(pi).nodes[ni].slug),
            Job::Interpretation(pi, ii) => {
                urls::interpretation(&p(pi).slug, p(pi).interpretations[ii].kind)
            }
            Job::Question(pi, ii, qi) => {
                urls::question(&p(pi).slug, &p(pi).interpretations[ii].questions[qi].id)
            }
            Job::Progress(pi) => urls::progress(&p(pi).slug),
            Job::Column(k) => urls::column(k),
            Job::Units => urls::units(),
            Job::Unit(ui) => urls::unit(&site.units[ui].slug),
            Job::Search => urls::search(),
            Job::Page(i) => urls::page(&site.pages[i].slug),
            Job::Library(f) => super::library::url(site, f),
            Job::SiteMap => super::sitemap_page::URL.to_string(),
            Job::NotFound => "404.html".to_string(),
        }
    }

    /// The output file for the URL.
    pub fn output_path(&self, site: &Site) -> String {
        let url = self.url(site);
        if url.is_empty() || url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url
        }
    }

    pub fn template(&self) -> &'static str {
        match self {
            Job::Home => "home.html",
            Job::Policy(_) => "policy.html",
            Job::Clause(..) => "clause.html",
            Job::Interpretation(..) => "interpretation.html",
            Job::Question(..) => "question.html",
            Job::Progress(_) => "progress.html",
            Job::Column(_) => "column.html",
            Job::Units => "units.html",
            Job::Unit(_) => "unit.html",
            Job::Search => "search.html",
            Job::Page(_) => "page.html",
            Job::Library(_) => "library.html",
            Job::SiteMap => "sitemap.html",
            Job::NotFound => "404.html",
        }
    }

    /// The content files this page is made from: the dependency map `serve` uses to re-render
    /// only what an edit touched. Templates are `template()` plus the shared base and macros.
    pub fn sources(&self, site: &Site) -> Vec<PathBuf> {
        let policy_files = |pi: usize| -> Vec<PathBuf> {
            let p = &site.policies[pi];
            let mut v = vec![p.source.clone()];
            v.extend(p.interpretations.iter().map(|i| i.source.clone()));
            v.extend(p.progress.iter().map(|i| i.path.clone()));
            v
        };
        let mut v = match *self {
            Job::Home
            | Job::Units
            | Job::Search
            | Job::NotFound
            | Job::Column(_)
            | Job::Library(_)
            | Job::SiteMap
            | Job::Page(_) => {
                let mut v: Vec<PathBuf> = (0..site.policies.len()).flat_map(policy_files).collect();
                v.extend(site.pages.iter().map(|p| p.source.clone()));
                v
            }
            Job::Policy(pi) => {
                // The full text lists, under each clause, the passages citing it from any bundle.
                let p = &site.policies[pi];
                let mut v = policy_files(pi);
                v.extend(cited_policy_sources(site, pi));
                v.extend(
                    p.nodes
                        .iter()
                        .filter_map(|n| site.backlinks.get(&n.key))
                        .flatten()
                        .map(|x| x.source.clone()),
                );
                v
            }
            Job::Clause(pi, ni) => {
                let p = &site.policies[pi];
                let mut v = vec![p.source.clone()];
                if let Some(list) = site.backlinks.get(&p.nodes[ni].key) {
                    v.extend(list.iter().map(|x| x.source.clone()));
                }
                v
            }
            Job::Interpretation(pi, ii) | Job::Question(pi, ii, _) => {
                let p = &site.policies[pi];
                let mut v = vec![p.source.clone(), p.interpretations[ii].source.clone()];
                v.extend(p.interpretations.iter().map(|i| i.source.clone()));
                v.extend(cited_policy_sources(site, pi));
                v
            }
            Job::Progress(pi) => {
                let mut v = policy_files(pi);
                v.extend(cited_policy_sources(site, pi));
                v
            }
            Job::Unit(ui) => site.units[ui]
                .lead
                .iter()
                .chain(&site.units[ui].responsible)
                .filter_map(|k| site.node(k))
                .map(|(p, _)| p.source.clone())
                .collect(),
        };
        v.extend(super::lifecycle::linked_sources(site, *self));
        v.sort();
        v.dedup();
        v
    }
}

/// The policy files whose clauses the documents of policy `pi` cite, also across bundles
/// (`[[slug:4.1]]`): a cited clause's label, heading or text appears in the citing pages.
fn cited_policy_sources(site: &Site, pi: usize) -> Vec<PathBuf> {
    fn blocks(t: &crate::markdown::RichText) -> impl Iterator<Item = &str> {
        t.citing_blocks
            .iter()
            .flat_map(|b| b.targets.iter().map(String::as_str))
    }
    let p = &site.policies[pi];
    let mut keys: Vec<&str> = Vec::new();
    for i in &p.interpretations {
        keys.extend(i.cites.iter().map(|c| c.key.as_str()));
        keys.extend(blocks(&i.body));
        for q in &i.questions {
            keys.extend(q.cites.iter().map(|c| c.key.as_str()));
            keys.extend(blocks(&q.answer));
        }
        for panel in &i.panels {
            keys.extend(panel.cites.iter().map(|c| c.key.as_str()));
        }
    }
    for item in &p.progress {
        keys.extend(item.cites.iter().map(|c| c.key.as_str()));
        keys.extend(blocks(&item.body));
    }
    let mut v: Vec<PathBuf> = keys
        .into_iter()
        .filter_map(|k| site.node(k))
        .map(|(cited, _)| cited.source.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Builds the typed context of a job and serialises it for Tera.
pub fn context(job: Job, site: &Site, sc: &SiteCtx) -> Result<tera::Context, tera::Error> {
    let b = Builder { site, sc };
    match job {
        Job::Home => b.home(),
        Job::Policy(pi) => b.policy(pi),
        Job::Clause(pi, ni) => b.clause(pi, ni),
        Job::Interpretation(pi, ii) => b.interpretation(pi, ii),
        Job::Question(pi, ii, qi) => b.question(pi, ii, qi),
        Job::Progress(pi) => b.progress(pi),
        Job::Column(k) => b.column(k),
        Job::Units => b.units(),
        Job::Unit(ui) => b.unit(ui),
        Job::Search => b.search(),
        Job::Page(i) => b.page(i),
        Job::Library(f) => super::library::context(f, site, sc),
        Job::SiteMap => super::sitemap_page::context(site, sc),
        Job::NotFound => b.wrap(
            b.chrome("页面未找到", vec![], "page-404", None, ""),
            Empty {},
        ),
    }
}

/// The context of a site-wide page whose builder lives in its own module (library, 网站地图):
/// the shared chrome, with `column` between 政务公开 and the page in the breadcrumb.
pub(super) fn site_page<T: Serialize>(
    site: &Site,
    sc: &SiteCtx,
    title: &str,
    column: Option<(&str, String)>,
    kind: &'static str,
    rel: &str,
    data: T,
) -> Result<tera::Context, tera::Error> {
    let b = Builder { site, sc };
    let chrome = b.chrome(title, b.crumbs(column, title), kind, None, rel);
    b.wrap(chrome, data)
}

struct Builder<'a> {
    site: &'a Site,
    sc: &'a SiteCtx,
}

/// `2024-01-09 14:43:45` → `2024-01-09 14:43`; a date without a time gives no PubDate.
fn pub_date(published: Option<&str>) -> Option<String> {
    let p = published?;
    let (date, time) = p.split_once(' ')?;
    (date.len() == 10 && time.len() >= 5).then(|| format!("{date} {}", &time[..5]))
}

fn host(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

impl<'a> Builder<'a> {
    fn wrap<T: Serialize>(&self, page: Chrome, data: T) -> Result<tera::Context, tera::Error> {
        tera::Context::from_serialize(PageCtx {
            site: self.sc,
            page,
            data,
        })
    }

    fn crumb(&self, label: &str, rel: Option<String>) -> Crumb {
        Crumb {
            label: label.to_string(),
            href: rel.map(|r| self.site.urls.href(&r)),
        }
    }

    fn crumbs(&self, column: Option<(&str, String)>, here: &str) -> Vec<Crumb> {
        let mut v = vec![
            self.crumb("首页", Some(urls::home())),
            self.crumb("政务公开", None),
        ];
        if let Some((label, rel)) = column {
            v.push(self.crumb(label, Some(rel)));
        }
        v.push(self.crumb(here, None));
        v
    }

    /// Chrome with the portal's head metadata (SiteName, ColumnName, ArticleTitle, …).
    fn chrome(
        &self,
        title: &str,
        breadcrumb: Vec<Crumb>,
        kind: &'static str,
        article: Option<Article<'_>>,
        rel: &str,
    ) -> Chrome {
        let cfg = &self.site.config;
        let canonical = format!("{}{}", cfg.base(), rel.trim_start_matches('/'));
        let mut meta = vec![
            Meta {
                name: "SiteName".into(),
                content: cfg.name.clone(),
            },
            Meta {
                name: "SiteDomain".into(),
                content: host(&cfg.base_url),
            },
        ];
        if let Some(code) = cfg.site_id_code.as_ref().filter(|c| !c.is_empty()) {
            meta.push(Meta {
                name: "SiteIDCode".into(),
                content: code.clone(),
            });
        }
        let mut description = cfg.description.clone().unwrap_or_else(|| cfg.name.clone());
        if let Some(a) = &article {
            meta.push(Meta {
                name: "ColumnName".into(),
                content: a.column.to_string(),
            });
            meta.push(Meta {
                name: "ColumnType".into(),
                content: a.column_type.to_string(),
            });
            meta.push(Meta {
                name: "ArticleTitle".into(),
                content: title.to_string(),
            });
            if let Some(d) = pub_date(a.published) {
                meta.push(Meta {
                    name: "PubDate".into(),
                    content: d,
                });
            }
            if let Some(s) = a.source {
                meta.push(Meta {
                    name: "ContentSource".into(),
                    content: s.to_string(),
                });
            }
            if !a.description.is_empty() {
                description = excerpt(a.description, 120);
            }
        }
        meta.push(Meta {
            name: "Description".into(),
            content: description.clone(),
        });
        meta.push(Meta {
            name: "Url".into(),
            content: canonical.clone(),
        });
        let (og_image, og_image_alt) = super::share_image::og_image(self.site, rel);
        let og = vec![
            Meta {
                name: "og:type".into(),
                content: if article.is_some() {
                    "article".into()
                } else {
                    "website".into()
                },
            },
            Meta {
                name: "og:title".into(),
                content: title.to_string(),
            },
            Meta {
                name: "og:description".into(),
                content: description.clone(),
            },
            Meta {
                name: "og:url".into(),
                content: canonical.clone(),
            },
            Meta {
                name: "og:site_name".into(),
                content: cfg.name.clone(),
            },
            Meta {
                name: "og:locale".into(),
                content: "zh_CN".into(),
            },
            Meta {
                name: "og:image".into(),
                content: og_image,
            },
            Meta {
                name: "og:image:alt".into(),
                content: og_image_alt,
            },
        ];
        let qr_svg = super::qr::svg_for(&canonical);
        Chrome {
            title: title.to_string(),
            breadcrumb,
            meta,
            og,
            canonical,
            qr_svg,
            kind,
            description,
        }
    }

    /// Chrome of a site-wide page that sits directly under 政务公开 and is no article.
    fn site_page_chrome(&self, title: &str, kind: &'static str, rel: &str) -> Chrome {
        self.chrome(title, self.crumbs(None, title), kind, None, rel)
    }

    fn interp_links(&self, p: &'a Policy) -> Vec<InterpLink<'a>> {
        p.interpretations
            .iter()
            .map(|i| InterpLink::new(self.site, p, i))
            .collect()
    }

    fn question_links(&self, p: &'a Policy) -> Vec<QuestionLink<'a>> {
        p.interpretations
            .iter()
            .flat_map(|i| i.questions.iter())
            .map(|q| QuestionLink {
                question: &q.question,
                href: self.site.urls.href(&urls::question(&p.slug, &q.id)),
                topic: &q.topic,
            })
            .collect()
    }

    fn home(&self) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let policies = s
            .policies
            .iter()
            .map(|p| HomePolicy {
                brief: PolicyBrief::new(s, p),
                clause_count: p.nodes.iter().filter(|n| n.is_clause).count(),
                interpretations: self.interp_links(p),
            })
            .collect();
        let formats = Kind::ALL
            .iter()
            .map(|k| {
                let mut items: Vec<InterpLink<'_>> = s
                    .policies
                    .iter()
                    .flat_map(|p| {
                        p.interpretations
                            .iter()
                            .filter(|i| i.kind == *k)
                            .map(move |i| (p, i))
                    })
                    .map(|(p, i)| InterpLink::new(s, p, i))
                    .collect();
                items.sort_by(|a, b| b.published.cmp(&a.published).then(a.href.cmp(&b.href)));
                items.truncate(5);
                FormatGroup {
                    name: k.name(),
                    href: s.urls.href(&urls::column(*k)),
                    items,
                }
            })
            .collect();
        let mut questions: Vec<QuestionLink<'_>> = s
            .policies
            .iter()
            .flat_map(|p| self.question_links(p))
            .collect();
        questions.truncate(8);
        let chrome = self.chrome(
            &s.config.name,
            vec![self.crumb("首页", None)],
            "page-home",
            None,
            "",
        );
        self.wrap(
            chrome,
            HomeData {
                policies,
                formats,
                questions,
            },
        )
    }

    fn policy(&self, pi: usize) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let p = &s.policies[pi];
        let nodes = p
            .nodes
            .iter()
            .map(|n| NodeView {
                node: n,
                href: n
                    .is_clause
                    .then(|| s.urls.href(&urls::clause(&p.slug, &n.slug))),
                heading_level: (n.depth + 2).min(6),
                passages: s.backlinks.get(&n.key).map_or(&[][..], |v| v.as_slice()),
            })
            .collect();
        let rel = urls::policy(&p.slug);
        let article = Article {
            column: "政策文件",
            column_type: "政策文件",
            published: p.meta.published.as_deref(),
            source: Some(&p.meta.issuer),
            description: &p.meta.title,
        };
        let chrome = self.chrome(
            &p.meta.title,
            self.crumbs(Some(("政策文件", urls::home())), "政策原文"),
            "page-policy",
            Some(article),
            &rel,
        );
        let data = PolicyData {
            policy: PolicyBrief::new(s, p),
            preamble_html: &p.preamble_html,
            closing_html: &p.closing_html,
            nodes,
            interpretations: self.interp_links(p),
            questions: self.question_links(p),
            progress_href: (!p.progress.is_empty()).then(|| s.urls.href(&urls::progress(&p.slug))),
        };
        self.wrap(chrome, data)
    }

    fn clause_link(&self, p: &Policy, n: &FlatNode) -> ClauseLink {
        ClauseLink {
            key: n.key.clone(),
            href: self.site.urls.href(&urls::clause(&p.slug, &n.slug)),
            label: n.short_label.clone(),
            heading: n.heading.clone(),
        }
    }

    fn clause(&self, pi: usize, ni: usize) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let p = &s.policies[pi];
        let n = &p.nodes[ni];
        let ancestors = n
            .ancestors
            .iter()
            .filter_map(|k| s.node(k))
            .map(|(_, a)| AncestorView {
                label: &a.label,
                heading: &a.heading,
                href: format!("{}#{}", s.urls.href(&urls::policy(&p.slug)), a.anchor),
            })
            .collect();
        let all: &[Passage] = s.backlinks.get(&n.key).map_or(&[], |v| v.as_slice());
        let (progress, passages): (Vec<&Passage>, Vec<&Passage>) =
            all.iter().partition(|x| x.source_kind == "落实进展");
        let prev = p.nodes[..ni]
            .iter()
            .rev()
            .find(|x| x.is_clause)
            .map(|x| self.clause_link(p, x));
        let next = p.nodes[ni + 1..]
            .iter()
            .find(|x| x.is_clause)
            .map(|x| self.clause_link(p, x));
        let title = format!("{} {}", n.short_label, n.heading);
        let rel = urls::clause(&p.slug, &n.slug);
        let article = Article {
            column: "政策文件",
            column_type: "政策文件",
            published: p.meta.published.as_deref(),
            source: Some(&p.meta.issuer),
            description: &n.plain,
        };
        let crumbs = vec![
            self.crumb("首页", Some(urls::home())),
            self.crumb("政务公开", None),
            self.crumb("政策文件", Some(urls::policy(&p.slug))),
            self.crumb(&format!("条款 {}", n.short_label), None),
        ];
        let chrome = self.chrome(&title, crumbs, "page-clause", Some(article), &rel);
        let data = ClauseData {
            policy: PolicyBrief::new(s, p),
            node: n,
            full_text_href: format!("{}#{}", s.urls.href(&urls::policy(&p.slug)), n.anchor),
            ancestors,
            passages,
            progress,
            prev,
            next,
        };
        self.wrap(chrome, data)
    }

    fn interpretation(&self, pi: usize, ii: usize) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let p = &s.policies[pi];
        let i = &p.interpretations[ii];
        let mut topics: Vec<TopicGroup<'_>> = Vec::new();
        for q in &i.questions {
            let view = QuestionView {
                q,
                href: s.urls.href(&urls::question(&p.slug, &q.id)),
            };
            match topics.iter_mut().find(|t| t.topic == q.topic) {
                Some(t) => t.questions.push(view),
                None => topics.push(TopicGroup {
                    topic: &q.topic,
                    questions: vec![view],
                }),
            }
        }
        let rel = urls::interpretation(&p.slug, i.kind);
        let description = i.summary.as_deref().unwrap_or(&i.body.plain);
        let article = Article {
            column: i.kind.column(),
            column_type: "政策解读",
            published: i.published.as_deref(),
            source: i.publisher.as_deref(),
            description,
        };
        let chrome = self.chrome(
            &i.title,
            self.crumbs(Some((i.kind.column(), urls::column(i.kind))), i.kind.name()),
            "page-interpretation",
            Some(article),
            &rel,
        );
        let data = InterpData {
            policy: PolicyBrief::new(s, p),
            kind: i.kind,
            kind_name: i.kind.name(),
            title: &i.title,
            published: i.published.as_deref(),
            publisher: i.publisher.as_deref(),
            index_number: i.index_number.as_deref(),
            summary: i.summary.as_deref(),
            author: i.author.as_ref(),
            cites: &i.cites,
            body_html: &i.body.html,
            headings: &i.body.headings,
            topics,
            panels: &i.panels,
            long_image: (i.kind == Kind::Infographic && !i.panels.is_empty())
                .then(|| super::share_image::long_image_href(s, &p.slug)),
            image: i.image.as_ref(),
            media: i.media.as_ref(),
            siblings: self
                .interp_links(p)
                .into_iter()
                .filter(|l| l.kind != i.kind)
                .collect(),
            json_ld: (!i.questions.is_empty()).then(|| {
                let base = s.config.base();
                json_ld_faq(&i.questions, |q| {
                    format!("{base}{}", urls::question(&p.slug, &q.id))
                })
            }),
        };
        self.wrap(chrome, data)
    }

    fn question(&self, pi: usize, ii: usize, qi: usize) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let p = &s.policies[pi];
        let i = &p.interpretations[ii];
        let q = &i.questions[qi];
        let link = |x: &'a Question| QuestionLink {
            question: &x.question,
            href: s.urls.href(&urls::question(&p.slug, &x.id)),
            topic: &x.topic,
        };
        let shares_clause = |x: &Question| {
            x.cites
                .iter()
                .any(|c| q.cites.iter().any(|d| d.key == c.key))
        };
        let mut related: Vec<QuestionLink<'_>> = i
            .questions
            .iter()
            .filter(|x| x.id != q.id && shares_clause(x))
            .map(link)
            .collect();
        related.extend(
            i.questions
                .iter()
                .filter(|x| x.id != q.id && !shares_clause(x) && x.topic == q.topic)
                .map(link),
        );
        related.truncate(6);
        let clauses = q
            .cites
            .iter()
            .map(|c| CitedClause {
                link: c,
                paragraphs_html: s
                    .node(&c.key)
                    .map_or(&[][..], |(_, n)| n.paragraphs_html.as_slice()),
            })
            .collect();
        let rel = urls::question(&p.slug, &q.id);
        let canonical = format!("{}{}", s.config.base(), rel);
        let json_ld = json_ld_question(q, &canonical, i.published.as_deref());
        let article = Article {
            column: i.kind.column(),
            column_type: "政策解读",
            published: i.published.as_deref(),
            source: i.publisher.as_deref(),
            description: &q.answer.plain,
        };
        let crumbs = vec![
            self.crumb("首页", Some(urls::home())),
            self.crumb("政务公开", None),
            self.crumb("简明问答", Some(urls::interpretation(&p.slug, i.kind))),
            self.crumb(&format!("问题 {}", q.number), None),
        ];
        let chrome = self.chrome(&q.question, crumbs, "page-question", Some(article), &rel);
        let data = QuestionData {
            policy: PolicyBrief::new(s, p),
            q,
            qa_title: &i.title,
            qa_href: s.urls.href(&urls::interpretation(&p.slug, i.kind)),
            published: i.published.as_deref(),
            publisher: i.publisher.as_deref(),
            clauses,
            related,
            prev: qi.checked_sub(1).map(|j| link(&i.questions[j])),
            next: i.questions.get(qi + 1).map(link),
            json_ld,
        };
        self.wrap(chrome, data)
    }

    fn progress(&self, pi: usize) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let p = &s.policies[pi];
        let rel = urls::progress(&p.slug);
        let chrome = self.chrome(
            &format!("落实进展：{}", p.meta.title),
            self.crumbs(Some(("政策文件", urls::policy(&p.slug))), "落实进展"),
            "page-progress",
            None,
            &rel,
        );
        self.wrap(
            chrome,
            ProgressData {
                policy: PolicyBrief::new(s, p),
                items: &p.progress,
            },
        )
    }

    fn column(&self, k: Kind) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let mut items: Vec<InterpLink<'_>> = s
            .policies
            .iter()
            .flat_map(|p| {
                p.interpretations
                    .iter()
                    .filter(|i| i.kind == k)
                    .map(move |i| (p, i))
            })
            .map(|(p, i)| InterpLink::new(s, p, i))
            .collect();
        items.sort_by(|a, b| b.published.cmp(&a.published).then(a.href.cmp(&b.href)));
        let rel = urls::column(k);
        let mut chrome = self.site_page_chrome(k.column(), "page-column", &rel);
        chrome.meta.push(Meta {
            name: "ColumnName".into(),
            content: k.column().into(),
        });
        chrome.meta.push(Meta {
            name: "ColumnType".into(),
            content: "政策解读".into(),
        });
        chrome.meta.push(Meta {
            name: "ColumnDescription".into(),
            content: format!("{}栏目：各项政策的{}", k.column(), k.name()),
        });
        chrome.meta.push(Meta {
            name: "ColumnKeywords".into(),
            content: format!("政策解读,{}", k.name()),
        });
        self.wrap(
            chrome,
            ColumnData {
                kind_name: k.name(),
                column: k.column(),
                items,
            },
        )
    }

    fn unit_clauses(&self, keys: &'a [String]) -> Vec<UnitClause<'a>> {
        keys.iter()
            .filter_map(|k| self.site.node(k))
            .map(|(p, n)| UnitClause {
                label: &n.short_label,
                heading: &n.heading,
                href: if n.is_clause {
                    self.site.urls.href(&urls::clause(&p.slug, &n.slug))
                } else {
                    format!(
                        "{}#{}",
                        self.site.urls.href(&urls::policy(&p.slug)),
                        n.anchor
                    )
                },
                policy_title: &p.meta.title,
            })
            .collect()
    }

    fn unit(&self, ui: usize) -> Result<tera::Context, tera::Error> {
        let u = &self.site.units[ui];
        let rel = urls::unit(&u.slug);
        let chrome = self.chrome(
            &u.name,
            self.crumbs(Some(("责任单位", urls::units())), &u.name),
            "page-unit",
            None,
            &rel,
        );
        self.wrap(
            chrome,
            UnitData {
                name: &u.name,
                lead: self.unit_clauses(&u.lead),
                responsible: self.unit_clauses(&u.responsible),
            },
        )
    }

    fn units(&self) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let units = s
            .units
            .iter()
            .map(|u| UnitLink {
                name: &u.name,
                href: s.urls.href(&urls::unit(&u.slug)),
                lead: u.lead.len(),
                responsible: u.responsible.len(),
            })
            .collect();
        let chrome = self.site_page_chrome("责任单位", "page-units", &urls::units());
        self.wrap(chrome, UnitsData { units })
    }

    fn search(&self) -> Result<tera::Context, tera::Error> {
        let s = self.site;
        let qa_hrefs = s
            .policies
            .iter()
            .flat_map(|p| {
                p.interpretations
                    .iter()
                    .filter(|i| i.kind == Kind::Qa)
                    .map(move |i| NavLink {
                        label: i.title.clone(),
                        href: s.urls.href(&urls::interpretation(&p.slug, i.kind)),
                    })
            })
            .collect();
        let chrome = self.site_page_chrome("站内搜索", "page-search", &urls::search());
        let data = SearchData {
            qa_hrefs,
            formats: crate::search::kinds(s),
            units: s.units.iter().map(|u| u.name.clone()).collect(),
            engine_js: s.urls.href(crate::search::ENGINE),
        };
        self.wrap(chrome, data)
    }

    fn page(&self, i: usize) -> Result<tera::Context, tera::Error> {
        let pg = &self.site.pages[i];
        let rel = urls::page(&pg.slug);
        let chrome = self.site_page_chrome(&pg.title, "page-page", &rel);
        self.wrap(
            chrome,
            PageData {
                title: &pg.title,
                body_html: &pg.body.html,
                headings: &pg.body.headings,
            },
        )
    }
}

struct Article<'a> {
    column: &'a str,
    column_type: &'a str,
    published: Option<&'a str>,
    source: Option<&'a str>,
    description: &'a str,
}

/// schema.org QAPage JSON-LD, safe to place inside `<script>`.
fn json_ld_question(q: &Question, url: &str, published: Option<&str>) -> String {
    let mut question = serde_json::json!({
        "@type": "Question",
        "name": q.question,
        "text": q.question,
        "answerCount": 1,
        "acceptedAnswer": { "@type": "Answer", "text": q.answer.plain, "url": url },
    });
    if let Some(p) = published {
        question["datePublished"] = serde_json::Value::String(p.replace(' ', "T"));
    }
    let doc = serde_json::json!({ "@context": "https://schema.org", "@type": "QAPage", "mainEntity": question });
    script_safe(&doc)
}

/// schema.org FAQPage JSON-LD for a Q&A index: every question with its answer and the URL of
/// its own page.
fn json_ld_faq(questions: &[Question], url: impl Fn(&Question) -> String) -> String {
    let entities: Vec<serde_json::Value> = questions
        .iter()
        .map(|q| {
            serde_json::json!({
                "@type": "Question",
                "name": q.question,
                "url": url(q),
                "acceptedAnswer": { "@type": "Answer", "text": q.answer.plain },
            })
        })
        .collect();
    let doc = serde_json::json!({ "@context": "https://schema.org", "@type": "FAQPage", "mainEntity": entities });
    script_safe(&doc)
}

/// JSON text that cannot close the `<script>` element it is placed in.
fn script_safe(doc: &serde_json::Value) -> String {
    serde_json::to_string(doc)
        .unwrap_or_default()
        .replace("</", "<\\/")
}
