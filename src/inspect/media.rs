//! Links and media: images without a text alternative, video and animation without captions
//! or a transcript, and the list of links that leave the site. Broken internal links fail
//! the build itself (see [`super::unbuilt`]).

use std::path::Path;

use super::rules::MEDIA;
use super::source::{SourceText, MEDIA as MEDIA_KEY};
use super::{ExternalLink, Finding};
use crate::model::{Kind, Site};

pub fn check(site: &Site) -> (Vec<Finding>, Vec<ExternalLink>) {
    let mut out = Vec::new();
    for policy in &site.policies {
        let mut html: Vec<&str> = vec![policy.preamble_html.as_str(), policy.closing_html.as_str()];
        for n in &policy.nodes {
            html.extend(n.paragraphs_html.iter().map(String::as_str));
        }
        images_without_alt(&policy.source, &html, &mut out);
        for interp in &policy.interpretations {
            let mut html = vec![interp.body.html.as_str()];
            html.extend(interp.questions.iter().map(|q| q.answer.html.as_str()));
            images_without_alt(&interp.source, &html, &mut out);
            let text = SourceText::read(&interp.source);
            if let Some(image) = &interp.image {
                if image.alt.trim().is_empty() {
                    out.push(Finding::at(
                        MEDIA,
                        &interp.source,
                        text.line_containing(&image.src),
                        format!("一图读懂的图片 {} 没有替代文字（alt）", image.src),
                        "给图片写一句简短的 alt（说明图上讲什么），并在页面上保留完整的文字版。",
                    ));
                }
            }
            if let Some(media) = &interp.media {
                let name = interp.kind.name();
                let line = text.key_line(MEDIA_KEY);
                if !media.src_exists {
                    out.push(Finding::at(
                        MEDIA,
                        &interp.source,
                        line,
                        format!(
                            "{name}的视频文件 {} 不存在，页面上只能看文字稿",
                            as_written(&media.src, &policy.slug)
                        ),
                        "把视频文件放进政策目录中 media.src 所写的位置后再发布。",
                    ));
                }
                if media.captions.is_none() {
                    out.push(Finding::at(
                        MEDIA,
                        &interp.source,
                        line,
                        format!(
                            "{name}的视频 {} 没有字幕（captions）",
                            as_written(&media.src, &policy.slug)
                        ),
                        "在 media 下写 captions: media/xxx.vtt（WebVTT 字幕文件），听障群众和静音播放时才能看懂。",
                    ));
                }
                if media.poster.is_some()
                    && media
                        .poster_alt
                        .as_deref()
                        .is_none_or(|a| a.trim().is_empty())
                {
                    out.push(Finding::at(
                        MEDIA,
                        &interp.source,
                        line,
                        format!("{name}的封面图没有替代文字（poster_alt）"),
                        "在 media 下写 poster_alt，说明封面上的内容。",
                    ));
                }
                if matches!(interp.kind, Kind::Video | Kind::Animation)
                    && interp.body.plain.trim().is_empty()
                {
                    out.push(Finding::at(
                        MEDIA,
                        &interp.source,
                        text.body_line(),
                        format!("{name}页面没有文字稿"),
                        "在正文中写出视频的文字稿（解说词），看不了视频的群众和语音阅读都靠它。",
                    ));
                }
            }
        }
        for progress in &policy.progress {
            images_without_alt(&progress.path, &[progress.body.html.as_str()], &mut out);
        }
    }
    for page in &site.pages {
        images_without_alt(&page.source, &[page.body.html.as_str()], &mut out);
    }
    (out, external_links(site))
}

/// A bundle file's path as the editor wrote it (`media/video.mp4`), from its URL on the site.
fn as_written<'a>(url: &'a str, slug: &str) -> &'a str {
    url.split_once(&format!("{slug}/"))
        .map_or(url, |(_, rest)| rest)
}

/// Every `<img>` in rendered HTML whose `alt` is missing or empty.
fn images_without_alt(file: &Path, html: &[&str], out: &mut Vec<Finding>) {
    let mut text: Option<SourceText> = None;
    for h in html {
        for tag in h.split("<img").skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            let attr = |name: &str| -> Option<String> {
                let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
                Some(tag[at..].split('"').next().unwrap_or("").to_string())
            };
            if attr("alt").is_some_and(|a| !a.trim().is_empty()) {
                continue;
            }
            let src = attr("src").unwrap_or_default();
            let text = text.get_or_insert_with(|| SourceText::read(file));
            let name = src.rsplit('/').next().unwrap_or(&src);
            let line = if name.is_empty() {
                text.body_line()
            } else {
                text.line_containing(name)
            };
            out.push(Finding::at(
                MEDIA,
                file,
                line,
                format!("图片 {src} 没有替代文字（alt）"),
                "在方括号中写图片的说明：![图片说明](图片文件)；纯装饰的图片请去掉。",
            ));
        }
    }
}

/// Links written in the content that leave the site (the theme marks each as leaving it).
fn external_links(site: &Site) -> Vec<ExternalLink> {
    let base = site.config.base();
    let mut out: Vec<ExternalLink> = crate::render::links::written_links(site)
        .into_iter()
        .filter(|l| {
            (l.href.starts_with("http://") || l.href.starts_with("https://"))
                && !l.href.starts_with(&base)
        })
        .map(|l| ExternalLink {
            href: l.href.clone(),
            file: l.file.clone(),
            line: l.line,
        })
        .collect();
    out.sort_by(|a, b| (&a.file, a.line, &a.href).cmp(&(&b.file, b.line, &b.href)));
    out.dedup();
    out
}
