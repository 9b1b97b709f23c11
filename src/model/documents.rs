//! Interpretations, progress items and standalone pages: front-matter checks, Markdown bodies
//! and clause references, one document at a time (run in parallel by the model).

use std::collections::HashSet;
use std::path::Path;

use super::policy::{check_date, check_index_number};
use super::references::Resolver;
use super::types::{ClauseLink, Image, Interpretation, Media, Page, Panel, Progress, Question};
use super::urls::{Urls, RESERVED};
use super::Kind;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{is_valid_slug, SourceDoc, SourceSite};
use crate::markdown::{self, RawHtml, RichText};

pub enum Built {
    Interpretation(Box<Interpretation>),
    Progress(Progress),
    Page(Page),
    Nothing,
}

fn body(
    doc: &SourceDoc,
    prefix: &str,
    raw_html: RawHtml,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> RichText {
    let (rt, d) = markdown::render(
        &doc.body,
        doc.body_line,
        &doc.path,
        prefix,
        raw_html,
        &|id| resolver.resolve(id),
    );
    diags.extend(d);
    rt
}

/// Resolves a front-matter list of clause ids; errors point at the line that names the id.
fn cite_list(
    ids: &[String],
    doc: &SourceDoc,
    from_line: usize,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<ClauseLink> {
    let mut links = Vec::new();
    for id in ids {
        match resolver.link(id) {
            Ok(l) if !links.contains(&l) => links.push(l),
            Ok(_) => {}
            Err(d) => {
                let line = line_from(doc, from_line, id);
                diags.push(Diagnostic {
                    file: Some(doc.path.clone()),
                    line: Some(line),
                    ..d
                });
            }
        }
    }
    links
}

/// The first line at or after `from` (a file line) that contains `needle`.
fn line_from(doc: &SourceDoc, from: usize, needle: &str) -> usize {
    let skip = from.saturating_sub(doc.yaml_line);
    doc.yaml
        .lines()
        .enumerate()
        .skip(skip)
        .find(|(_, l)| l.contains(needle))
        .map_or(from, |(i, _)| doc.yaml_line + i)
}

fn required_title(doc: &SourceDoc, diags: &mut Diagnostics) -> String {
    match doc.front.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            diags.push(
                Diagnostic::error("缺少标题（title）")
                    .at(&doc.path, doc.yaml_line)
                    .hint("请在前置元数据中写上 title: …"),
            );
            String::new()
        }
    }
}

/// The site's assets by (bundle, path inside it), made once per model: every media file an
/// interpretation names is looked up, and a scan of all assets per lookup grew with the
/// square of the portal.
pub struct Assets<'a>(HashSet<(&'a str, &'a str)>);

impl<'a> Assets<'a> {
    pub fn new(site: &'a SourceSite) -> Self {
        Assets(
            site.assets
                .iter()
                .map(|a| (a.bundle.as_str(), a.rel.as_str()))
                .collect(),
        )
    }

    fn exists(&self, bundle: Option<&str>, rel: &str) -> bool {
        bundle.is_some_and(|b| self.0.contains(&(b, rel)))
    }
}

/// A path inside the bundle: relative, no `..`, no absolute paths, no URLs.
fn check_local_path(rel: &str, key: &str, doc: &SourceDoc, diags: &mut Diagnostics) -> bool {
    let bad = rel.is_empty()
        || rel.contains("..")
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.contains("://")
        || Path::new(rel).is_absolute();
    if bad {
        diags.push(
            Diagnostic::error(format!("{key} 的路径「{rel}」不是政策目录内的相对路径"))
                .at(&doc.path, doc.line_of(rel))
                .hint("媒体文件请放在政策目录里，写相对路径，如 media/video.mp4；站点不从外部加载任何资源。"),
        );
    }
    !bad
}

pub fn interpretation(
    kind: Kind,
    doc: &SourceDoc,
    resolver: &Resolver<'_>,
    urls: &Urls,
    site: &SourceSite,
    assets: &Assets<'_>,
) -> (Built, Diagnostics) {
    let mut diags = Diagnostics::new();
    let fm = &doc.front;
    let title = required_title(doc, &mut diags);
    check_date(&fm.published, "published", doc, &mut diags);
    if let Some(n) = &fm.index_number {
        check_index_number(n, doc, &mut diags);
    }
    if matches!(kind, Kind::Leader | Kind::Expert) && fm.author.is_none() {
        diags.push(
            Diagnostic::error(format!("{}需要作者信息（author）", kind.name()))
                .at(&doc.path, doc.yaml_line)
                .hint("请写上 author: 下的 name（姓名）、position（职务）和 bio（简介）。"),
        );
    }
    let cites = cite_list(&fm.cites, doc, doc.yaml_line, resolver, &mut diags);
    let raw_html = site.config.raw_html();
    let body = body(doc, "", raw_html, resolver, &mut diags);

    let mut questions = Vec::new();
    if kind == Kind::Qa {
        if fm.questions.is_empty() {
            diags.push(
                Diagnostic::error("简明问答没有问题（questions）")
                    .at(&doc.path, doc.yaml_line)
                    .hint("请在 questions: 下逐条写 id、topic、question、answer 和 cites。"),
            );
        }
        let mut seen: Vec<(&str, usize)> = Vec::new();
        // Each question's line is searched after the previous one's, so a repeated id is
        // found at the repeat, not at its first use.
        let mut search_from = doc.yaml_line;
        for (i, q) in fm.questions.iter().enumerate() {
            let line = line_from(doc, search_from, &format!("id: {}", q.id));
            search_from = line + 1;
            if !is_valid_slug(&q.id) {
                diags.push(
                    Diagnostic::error(format!("问题编号「{}」不能用作网址", q.id))
                        .at(&doc.path, line)
                        .hint("问题 id 只能用小写英文字母、数字和连字符，如 talent-housing；发布后不要再改。"),
                );
            } else if let Some((_, first)) = seen.iter().find(|(id, _)| *id == q.id) {
                diags.push(
                    Diagnostic::error(format!(
                        "问题编号「{}」重复，两个问题会占用同一个网址",
                        q.id
                    ))
                    .at(&doc.path, line)
                    .hint(format!(
                        "每个问题的 id 必须不同；第一次使用在第 {first} 行。"
                    )),
                );
            }
            seen.push((&q.id, line));
            if q.cites.is_empty() {
                diags.push(
                    Diagnostic::error(format!("问题「{}」没有写依据的条款（cites）", q.question))
                        .at(&doc.path, line)
                        .hint("每个回答都要注明所依据的条款，如 cites: [4.3.1]。"),
                );
            }
            let q_cites = cite_list(&q.cites, doc, line, resolver, &mut diags);
            let answer_line = line_from(doc, line, "answer") + 1;
            let (answer, d) = markdown::render(
                &q.answer,
                answer_line,
                &doc.path,
                &format!("{}-", q.id),
                raw_html,
                &|id| resolver.resolve(id),
            );
            diags.extend(d);
            questions.push(Question {
                id: q.id.clone(),
                number: i + 1,
                topic: q.topic.clone().unwrap_or_else(|| "其他".to_string()),
                question: q.question.clone(),
                answer,
                cites: q_cites,
                line,
            });
        }
    }

    let mut panels = Vec::new();
    if kind == Kind::Infographic {
        if fm.panels.is_empty() {
            diags.push(
                Diagnostic::error("一图读懂没有图解内容（panels）")
                    .at(&doc.path, doc.yaml_line)
                    .hint("请在 panels: 下逐条写 heading、figure、unit、text 和 cites，它们也是图片的文字版。"),
            );
        }
        for (i, p) in fm.panels.iter().enumerate() {
            let line = doc.line_of(&p.heading);
            panels.push(Panel {
                anchor: format!("panel-{}", i + 1),
                heading: p.heading.clone(),
                figure: p.figure.clone(),
                unit: p.unit.clone(),
                text: p.text.clone(),
                cites: cite_list(&p.cites, doc, line, resolver, &mut diags),
            });
        }
    }

    let bundle = doc.bundle.as_deref();
    let asset_href = |rel: &str| urls.href(&super::urls::asset(bundle.unwrap_or_default(), rel));
    let image = fm.image.as_ref().and_then(|img| {
        if !check_local_path(&img.src, "image", doc, &mut diags) {
            return None;
        }
        if img.alt.trim().is_empty() {
            diags.push(
                Diagnostic::error("图片缺少替代文字（alt）")
                    .at(&doc.path, doc.line_of("alt"))
                    .hint("请用一句话说明图片内容。"),
            );
        }
        if !assets.exists(bundle, &img.src) {
            diags.push(
                Diagnostic::warning(format!("图片文件「{}」不存在", img.src))
                    .at(&doc.path, doc.line_of(&img.src))
                    .hint("请把图片放进政策目录，或删去 image。"),
            );
        }
        Some(Image {
            src: asset_href(&img.src),
            alt: img.alt.clone(),
        })
    });

    let media = match (&fm.media, kind) {
        (None, Kind::Video | Kind::Animation) => {
            diags.push(
                Diagnostic::error(format!("{}需要媒体信息（media）", kind.name()))
                    .at(&doc.path, doc.yaml_line)
                    .hint("请写上 media: 下的 src（视频文件）、poster（封面）、captions（WebVTT 字幕）。"),
            );
            None
        }
        (None, _) => None,
        (Some(m), _) => {
            let mut ok = check_local_path(&m.src, "media.src", doc, &mut diags);
            for (key, value) in [("media.poster", &m.poster), ("media.captions", &m.captions)] {
                if let Some(v) = value {
                    ok &= check_local_path(v, key, doc, &mut diags);
                }
            }
            for (what, value) in [
                ("视频文件", Some(&m.src)),
                ("封面图片", m.poster.as_ref()),
                ("字幕文件", m.captions.as_ref()),
            ] {
                if let Some(v) = value {
                    if ok && !assets.exists(bundle, v) {
                        diags.push(
                            Diagnostic::warning(format!("{what}「{v}」不存在"))
                                .at(&doc.path, doc.line_of(v))
                                .hint("页面照常生成，文字稿可读；请在发布前把文件放进政策目录。"),
                        );
                    }
                }
            }
            if m.captions.is_none() && matches!(kind, Kind::Video | Kind::Animation) {
                diags.push(
                    Diagnostic::warning("视频没有字幕文件（media.captions）")
                        .at(&doc.path, doc.line_of("media"))
                        .hint("无障碍要求视频提供 WebVTT 字幕。"),
                );
            }
            ok.then(|| Media {
                src: asset_href(&m.src),
                src_exists: assets.exists(bundle, &m.src),
                poster: m
                    .poster
                    .as_deref()
                    .filter(|p| assets.exists(bundle, p))
                    .map(asset_href),
                poster_alt: m.poster_alt.clone(),
                captions: m
                    .captions
                    .as_deref()
                    .filter(|c| assets.exists(bundle, c))
                    .map(asset_href),
                duration: m.duration.clone(),
            })
        }
    };

    let interp = Interpretation {
        kind,
        source: doc.path.clone(),
        title,
        published: fm.published.clone(),
        publisher: fm.publisher.clone(),
        index_number: fm.index_number.clone(),
        summary: fm.summary.clone(),
        author: fm.author.clone(),
        cites,
        body,
        questions,
        panels,
        image,
        media,
    };
    (Built::Interpretation(Box::new(interp)), diags)
}

pub fn progress(
    doc: &SourceDoc,
    resolver: &Resolver<'_>,
    raw_html: RawHtml,
) -> (Built, Diagnostics) {
    let mut diags = Diagnostics::new();
    let fm = &doc.front;
    let title = required_title(doc, &mut diags);
    check_date(&fm.date, "date", doc, &mut diags);
    if fm.cites.is_empty() {
        diags.push(
            Diagnostic::error("落实进展没有写对应的条款（cites）")
                .at(&doc.path, doc.yaml_line)
                .hint("请写上它所落实的条款，如 cites: [4.1.1]。"),
        );
    }
    let cites = cite_list(&fm.cites, doc, doc.yaml_line, resolver, &mut diags);
    let stem = Path::new(&doc.rel)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let anchor = format!("jinzhan-{}", markdown::heading_anchor(&stem));
    let body = body(doc, &format!("{anchor}-"), raw_html, resolver, &mut diags);
    let item = Progress {
        anchor,
        path: doc.path.clone(),
        title,
        date: fm.date.clone(),
        source: fm.source.clone(),
        cites,
        body,
    };
    (Built::Progress(item), diags)
}

pub fn page(
    doc: &SourceDoc,
    resolver: &Resolver<'_>,
    policy_slugs: &[String],
    raw_html: RawHtml,
) -> (Built, Diagnostics) {
    let mut diags = Diagnostics::new();
    let title = required_title(doc, &mut diags);
    let stem = Path::new(&doc.rel)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let slug = doc.front.slug.clone().unwrap_or(stem);
    if !is_valid_slug(&slug) {
        diags.push(
            Diagnostic::error(format!("页面网址「{slug}」不合法"))
                .at(&doc.path, doc.line_of("slug"))
                .hint("slug 只能用小写英文字母、数字和连字符。"),
        );
        return (Built::Nothing, diags);
    }
    if RESERVED.contains(&slug.as_str()) || policy_slugs.contains(&slug) {
        diags.push(
            Diagnostic::error(format!("页面网址 /{slug}/ 已被占用"))
                .at(&doc.path, doc.line_of("slug"))
                .hint("该网址已用于政策目录或系统页面，请换一个 slug。"),
        );
        return (Built::Nothing, diags);
    }
    let body = body(doc, "", raw_html, resolver, &mut diags);
    (
        Built::Page(Page {
            slug,
            source: doc.path.clone(),
            title,
            nav: doc.front.nav.unwrap_or(true),
            body,
        }),
        diags,
    )
}
