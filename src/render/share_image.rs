//! Images for sharing: the 一图读懂 panels as one long image a citizen can save and forward
//! (`<bundle>/infographic/long.svg`, and `.png` when a CJK font is installed), a share card per
//! policy bundle (`<bundle>/share.svg|png`) and one for the site (`static/share.svg|png`), used
//! as `og:image`. Images are made per bundle, not per page, so the build cost grows with the
//! number of policies only. The SVG keeps its text as real text (with the whole text again in
//! `<desc>`), so it stays searchable and readable by assistive technology; the page's HTML panels
//! remain the accessible version.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::OutFile;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::escape;
use crate::model::{urls, Interpretation, Kind, Policy, Site};

/// Fonts the SVG asks for, best first; the last resort is the viewer's own sans-serif.
const FONT_STACK: &str = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', \
                          'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif";
const BRAND: &str = "#0b4a8b";
const ACCENT: &str = "#b3261e";
const INK: &str = "#1b1b1b";
const MUTED: &str = "#4a4a4a";
const SOFT: &str = "#f3f6fa";
const LINE: &str = "#c9ced6";

/// Width of the long image: the usual width of a 一图读懂 made for phones.
const LONG_WIDTH: f32 = 750.0;
const PAD: f32 = 40.0;
/// Share cards use the size most platforms crop to (1.91:1).
const CARD_W: f32 = 1200.0;
const CARD_H: f32 = 630.0;

/// Where a bundle's long image lives (without extension).
fn long_stem(slug: &str) -> String {
    format!("{}long", urls::interpretation(slug, Kind::Infographic))
}

fn bundle_card_stem(slug: &str) -> String {
    format!("{slug}/share")
}

const SITE_CARD_STEM: &str = "static/share";

/// The extension images are linked with: PNG when it is drawn, otherwise SVG. Part of the
/// site-wide context ([`super::context::SiteCtx`]), so a page that links an image records it.
pub fn extension(config: &crate::config::Config, draw_png: bool) -> &'static str {
    if drawer(config, draw_png).is_some() {
        "png"
    } else {
        "svg"
    }
}

/// The long image's URL path (with the site prefix) for the 保存长图 link.
/// Reads the config (whether PNGs are drawn) and the URL prefix.
pub fn long_image_href(cx: &super::cx::Cx, slug: &str) -> String {
    let ext = cx.site_ctx().share_image_ext;
    cx.urls().href(&format!("{}.{ext}", long_stem(slug)))
}

/// `og:image` of the page at `rel` (relative URL path): the long image on a 一图读懂 page, the
/// bundle's card on the bundle's other pages, the site card elsewhere. Absolute, from base_url.
/// Reads the bundle's policy, and on its 一图读懂 page that interpretation.
pub fn og_image(cx: &super::cx::Cx, rel: &str) -> (String, String) {
    let base = cx.config().base();
    let rel = rel.trim_start_matches('/');
    let first = rel.split('/').next().unwrap_or("");
    let at = cx.policy_index(first);
    let policy = at.map(|pi| cx.policy(pi));
    let long = at.zip(policy).and_then(|(pi, p)| {
        if rel != urls::interpretation(p.slug, Kind::Infographic) {
            return None;
        }
        let ii = cx
            .interpretations(pi)
            .iter()
            .position(|i| i.kind == Kind::Infographic)?;
        Some(cx.interpretation(pi, ii)).filter(|i| !i.panels.is_empty())
    });
    let (stem, alt) = match (policy, long) {
        (Some(p), Some(i)) => (long_stem(p.slug), format!("一图读懂长图：{}", i.title)),
        (Some(p), None) => (
            bundle_card_stem(p.slug),
            format!("分享卡片：《{}》", p.meta.title),
        ),
        (None, _) => (
            SITE_CARD_STEM.to_string(),
            format!("分享卡片：{}", cx.config().name),
        ),
    };
    (
        format!("{base}{stem}.{}", cx.site_ctx().share_image_ext),
        alt,
    )
}

fn infographic(p: &Policy) -> Option<&Interpretation> {
    p.interpretations
        .iter()
        .find(|i| i.kind == Kind::Infographic && !i.panels.is_empty())
}

/// The PNG renderer, unless this run (`draw_png`: `jiedu check` writes nothing, so it only lays
/// out the SVGs) or the site (`share_png: false`) draws none.
fn drawer(config: &crate::config::Config, draw_png: bool) -> Option<&'static Renderer> {
    (config.share_png && draw_png).then(renderer).flatten()
}

/// The previous output's PNG for `stem` when its SVG there equals `svg`.
fn previous_png(previous: Option<&Path>, stem: &str, svg: &str) -> Option<PathBuf> {
    let dir = previous?;
    let png = dir.join(format!("{stem}.png"));
    let same = std::fs::read(dir.join(format!("{stem}.svg"))).ok()? == svg.as_bytes();
    (same && png.is_file()).then_some(png)
}

/// A PNG drawn from its SVG when first asked for: in `jiedu serve` drawing one large image took
/// longer than all the rest of a rebuild, and the preview seldom shows it.
#[derive(Debug)]
pub struct Drawing {
    svg: String,
    png: OnceLock<Arc<OutFile>>,
}

impl Drawing {
    /// The PNG, drawn on the first call (empty if the SVG could not be drawn).
    pub fn file(&self) -> Arc<OutFile> {
        let png = self.png.get_or_init(|| {
            // Made only when the site draws PNGs (see `files`).
            let bytes = renderer()
                .and_then(|r| r.png(&self.svg))
                .unwrap_or_default();
            Arc::new(OutFile::Bytes(bytes))
        });
        Arc::clone(png)
    }
}

/// Two drawings of the same SVG are the same image.
impl PartialEq for Drawing {
    fn eq(&self, other: &Self) -> bool {
        self.svg == other.svg
    }
}
impl Eq for Drawing {}

/// Every share image of the site, each as SVG and, with a CJK font, PNG.
///
/// With the previous render of the same site (`jiedu serve`): the images of a policy the model
/// reused, under the same config, are that render's files (a card reads only the config and its
/// policy), and a PNG whose SVG is byte for byte the previous one is not drawn again; with
/// `defer`, a new PNG is drawn only when first asked for. With the output directory a build is
/// about to replace (`previous_output`), a PNG whose SVG there is byte for byte the new one is
/// copied instead of drawn again (drawing is most of a large site's image cost).
pub fn files(
    site: &Site,
    previous: Option<(&Site, &rustc_hash::FxHashMap<String, Arc<OutFile>>)>,
    previous_output: Option<&Path>,
    draw_png: bool,
    defer: bool,
) -> Vec<(String, Arc<OutFile>, String)> {
    let draw = drawer(&site.config, draw_png);
    let same_config = previous.filter(|(old, _)| old.config == site.config);
    let old_policies: HashMap<&str, &Arc<Policy>> = same_config
        .map(|(old, _)| old.policies.iter().map(|p| (p.slug.as_str(), p)).collect())
        .unwrap_or_default();
    // The previous render's SVG and PNG of each stem, when it has all of them.
    let kept = |stems: &[String]| -> Option<Vec<(String, Arc<OutFile>, String)>> {
        let (_, files) = same_config?;
        let mut out = Vec::new();
        for stem in stems {
            let mut exts = vec!["svg"];
            if draw.is_some() {
                exts.push("png");
            }
            for ext in exts {
                let path = format!("{stem}.{ext}");
                let file = Arc::clone(files.get(&path)?);
                out.push((path, file, "jiedu".to_string()));
            }
        }
        Some(out)
    };
    let mut reused = Vec::new();
    let mut svgs: Vec<(String, String)> = Vec::new();
    match kept(&[SITE_CARD_STEM.to_string()]) {
        Some(files) => reused.extend(files),
        None => svgs.push((SITE_CARD_STEM.to_string(), site_card(site))),
    }
    for p in &site.policies {
        let mut stems = vec![bundle_card_stem(&p.slug)];
        let long = infographic(p);
        if long.is_some() {
            stems.push(long_stem(&p.slug));
        }
        let same = old_policies
            .get(p.slug.as_str())
            .is_some_and(|old| Arc::ptr_eq(old, p));
        if let Some(files) = kept(&stems).filter(|_| same) {
            reused.extend(files);
            continue;
        }
        svgs.push((bundle_card_stem(&p.slug), bundle_card(site, p)));
        if let Some(i) = long {
            svgs.push((long_stem(&p.slug), long_image(site, p, i)));
        }
    }
    let previous = previous.map(|(_, files)| files);
    svgs.into_par_iter()
        .flat_map_iter(|(stem, svg)| {
            let svg_path = format!("{stem}.svg");
            let png_path = format!("{stem}.png");
            let kept = previous.and_then(|files| {
                let old = files.get(&svg_path)?;
                let same = matches!(old.as_ref(), OutFile::Bytes(b) if *b == svg.as_bytes());
                same.then(|| (Arc::clone(old), files.get(&png_path).cloned()))
            });
            if let Some((svg_file, png)) = kept.filter(|(_, png)| png.is_some() || draw.is_none()) {
                let mut out = vec![(svg_path, svg_file, "jiedu".to_string())];
                out.extend(png.map(|png| (png_path, png, "jiedu".to_string())));
                return out;
            }
            let png = draw.and_then(|r| match previous_png(previous_output, &stem, &svg) {
                Some(path) => Some(OutFile::Copy(path)),
                None if defer => Some(OutFile::Drawn(Arc::new(Drawing {
                    svg: svg.clone(),
                    png: OnceLock::new(),
                }))),
                None => r.png(&svg).map(OutFile::Bytes),
            });
            let mut out = vec![(
                svg_path,
                Arc::new(OutFile::Bytes(svg.into_bytes())),
                "jiedu".to_string(),
            )];
            if let Some(png) = png {
                out.push((png_path, Arc::new(png), "jiedu".to_string()));
            }
            out
        })
        .chain(reused)
        .collect()
}

/// Width of a character in em: CJK and full-width forms are square, Latin letters and digits
/// about half as wide.
fn char_em(c: char) -> f32 {
    if c.is_ascii() {
        if c.is_ascii_uppercase() || c.is_ascii_digit() {
            0.62
        } else {
            0.52
        }
    } else {
        1.0
    }
}

/// Punctuation a Chinese line may not start with; it hangs at the end of the previous line.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】〕,.;:!?)".contains(c)
}

/// Breaks `text` into lines of at most `max_em` (a line may overhang by one closing mark).
fn wrap(text: &str, max_em: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    let mut last_space = false;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && (last_space || line.is_empty()) {
            continue;
        }
        last_space = c == ' ';
        let w = char_em(c);
        if width + w > max_em && !line.is_empty() && !no_line_start(c) {
            lines.push(line.trim_end().to_string());
            line = String::new();
            width = 0.0;
            if c == ' ' {
                continue;
            }
        }
        line.push(c);
        width += w;
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// Lines cut to `max_lines`, the last one ending in … when text was left out.
fn clamp(mut lines: Vec<String>, max_lines: usize) -> Vec<String> {
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            last.pop();
            last.push('…');
        }
    }
    lines
}

/// An SVG drawn top to bottom: each block advances `y`.
struct Canvas {
    body: String,
    y: f32,
}

impl Canvas {
    /// Writes `lines` as one `<text>` of `<tspan>` lines, starting with the first baseline one
    /// line height below the current `y`.
    fn lines(&mut self, x: f32, lines: &[String], size: f32, leading: f32, style: &str) {
        if lines.is_empty() {
            return;
        }
        let step = size * leading;
        let _ = write!(
            self.body,
            r#"<text x="{x}" y="{:.1}" font-size="{size}" {style}>"#,
            self.y + size
        );
        for (n, l) in lines.iter().enumerate() {
            let dy = if n == 0 { 0.0 } else { step };
            let _ = write!(
                self.body,
                r#"<tspan x="{x}" dy="{dy:.1}">{}</tspan>"#,
                escape(l)
            );
        }
        self.body.push_str("</text>");
        self.y += size + step * (lines.len() - 1) as f32 + (step - size);
    }
}

fn svg_document(width: f32, height: f32, title: &str, desc: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0}" viewBox="0 0 {width} {height:.0}" role="img" aria-labelledby="title desc" xml:lang="zh-CN" font-family="{FONT_STACK}">
<title id="title">{}</title>
<desc id="desc">{}</desc>
{body}
</svg>
"#,
        escape(title),
        escape(desc)
    )
}

/// The 一图读懂 as one long image: a title band, one card per panel (heading, figure, text,
/// the clauses it rests on) and a footer with the site and the page's address.
fn long_image(site: &Site, p: &Policy, i: &Interpretation) -> String {
    let inner = LONG_WIDTH - 2.0 * PAD;
    let card_pad = 28.0;
    let text_em = |size: f32| (inner - 2.0 * card_pad) / size;
    let mut c = Canvas {
        body: String::new(),
        y: PAD,
    };
    let mut desc = vec![i.title.clone()];

    // Title band; its height is known once its text is laid out, so the rect goes first and
    // its height is patched in.
    c.body.push_str(&format!(
        r#"<rect width="{LONG_WIDTH}" height="@BAND@" fill="{BRAND}"/>"#
    ));
    c.lines(
        PAD,
        std::slice::from_ref(&site.config.name),
        22.0,
        1.6,
        r##"fill="#ffffff""##,
    );
    c.y += 8.0;
    c.lines(
        PAD,
        &wrap(&i.title, inner / 38.0),
        38.0,
        1.35,
        r##"fill="#ffffff" font-weight="700""##,
    );
    c.y += 8.0;
    let mut origin = format!("政策原文：《{}》", p.meta.title);
    if let Some(n) = &p.meta.doc_number {
        let _ = write!(origin, "（{n}）");
    }
    desc.push(origin.clone());
    c.lines(
        PAD,
        &wrap(&origin, inner / 22.0),
        22.0,
        1.5,
        r##"fill="#ffffff""##,
    );
    c.y += PAD;
    c.body = c.body.replace("@BAND@", &format!("{:.0}", c.y));

    for panel in &i.panels {
        c.y += 28.0;
        let top = c.y;
        let mut card = Canvas {
            body: String::new(),
            y: top + card_pad,
        };
        let x = PAD + card_pad;
        card.lines(
            x,
            &wrap(&panel.heading, text_em(30.0)),
            30.0,
            1.4,
            &format!(r#"fill="{INK}" font-weight="700""#),
        );
        let mut text = panel.heading.clone();
        if let Some(figure) = &panel.figure {
            card.y += 10.0;
            let unit = panel.unit.as_deref().unwrap_or("");
            let _ = write!(
                card.body,
                r#"<text x="{x}" y="{:.1}" fill="{ACCENT}"><tspan font-size="64" font-weight="700">{}</tspan><tspan font-size="28" dx="6">{}</tspan></text>"#,
                card.y + 64.0,
                escape(figure),
                escape(unit)
            );
            card.y += 64.0 * 1.25;
            let _ = write!(text, "：{figure}{unit}");
        }
        card.y += 10.0;
        card.lines(
            x,
            &wrap(&panel.text, text_em(24.0)),
            24.0,
            1.7,
            &format!(r#"fill="{INK}""#),
        );
        let _ = write!(text, "。{}", panel.text);
        if !panel.cites.is_empty() {
            let cites: Vec<String> = panel
                .cites
                .iter()
                .map(|l| format!("{} {}", l.label, l.heading))
                .collect();
            let line = format!("依据：{}", cites.join("；"));
            card.y += 6.0;
            card.lines(
                x,
                &wrap(&line, text_em(20.0)),
                20.0,
                1.6,
                &format!(r#"fill="{MUTED}""#),
            );
            let _ = write!(text, "（{line}）");
        }
        desc.push(text);
        let height = card.y + card_pad - top;
        let _ = write!(
            c.body,
            r##"<rect x="{PAD}" y="{top:.1}" width="{inner}" height="{height:.1}" fill="#ffffff" stroke="{LINE}"/><rect x="{PAD}" y="{top:.1}" width="{inner}" height="6" fill="{ACCENT}"/>"##
        );
        c.body.push_str(&card.body);
        c.y = top + height;
    }

    c.y += 32.0;
    let page = format!(
        "{}{}",
        site.config.base(),
        urls::interpretation(&p.slug, Kind::Infographic)
    );
    let footer = format!("来源：{}　文字版：{page}", site.config.name);
    c.lines(
        PAD,
        &wrap(&footer, inner / 20.0),
        20.0,
        1.6,
        &format!(r#"fill="{MUTED}""#),
    );
    desc.push(footer);
    let height = c.y + PAD;
    let body = format!(
        r#"<rect width="{LONG_WIDTH}" height="{height:.0}" fill="{SOFT}"/>{}"#,
        c.body
    );
    svg_document(LONG_WIDTH, height, &i.title, &desc.join("\n"), &body)
}

/// A 1200×630 card: the site's name, a title of up to three lines and one line below it.
fn card(site_name: &str, title: &str, below: &str, alt: &str) -> String {
    let mut c = Canvas {
        body: format!(
            r#"<rect width="{CARD_W}" height="{CARD_H}" fill="{BRAND}"/><rect y="{}" width="{CARD_W}" height="12" fill="{ACCENT}"/>"#,
            CARD_H - 12.0
        ),
        y: 70.0,
    };
    let x = 80.0;
    let inner = CARD_W - 2.0 * x;
    c.lines(
        x,
        &[site_name.to_string()],
        40.0,
        1.5,
        r##"fill="#ffffff""##,
    );
    c.y += 40.0;
    c.lines(
        x,
        &clamp(wrap(title, inner / 60.0), 3),
        60.0,
        1.4,
        r##"fill="#ffffff" font-weight="700""##,
    );
    c.y += 24.0;
    c.lines(
        x,
        &clamp(wrap(below, inner / 32.0), 2),
        32.0,
        1.5,
        r##"fill="#ffffff""##,
    );
    svg_document(CARD_W, CARD_H, alt, &format!("{title}\n{below}"), &c.body)
}

fn bundle_card(site: &Site, p: &Policy) -> String {
    let mut below = p.meta.issuer.clone();
    if let Some(n) = &p.meta.doc_number {
        let _ = write!(below, "　{n}");
    }
    let _ = write!(below, "　政策原文与解读");
    card(
        &site.config.name,
        &format!("《{}》", p.meta.title),
        &below,
        &format!("《{}》", p.meta.title),
    )
}

fn site_card(site: &Site) -> String {
    let c = &site.config;
    let below = c
        .description
        .clone()
        .unwrap_or_else(|| format!("主办单位：{}", c.publisher));
    card(&c.publisher, &c.name, &below, &c.name)
}

/// Draws SVG to PNG with the system's fonts; `None` when no CJK font is installed (the PNG
/// would show boxes), which is said once per process.
struct Renderer {
    options: resvg::usvg::Options<'static>,
}

/// Where the fonts come from: with `JIEDU_FONT_DIR` set, only that folder (tests pin the font
/// set with it, so their output does not depend on the machine; an empty value or folder means
/// no font); otherwise the system's fonts as fontconfig lists them.
pub const FONT_DIR_ENV: &str = "JIEDU_FONT_DIR";

fn renderer() -> Option<&'static Renderer> {
    static RENDERER: OnceLock<Option<Renderer>> = OnceLock::new();
    RENDERER
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            match std::env::var_os(FONT_DIR_ENV) {
                Some(dir) if dir.is_empty() => {}
                Some(dir) => db.load_fonts_dir(dir),
                None => db.load_system_fonts(),
            }
            let Some(family) = cjk_family(&db) else {
                let warning = Diagnostic::warning(
                    "本机没有找到中文字体：一图读懂长图和分享卡片只生成 SVG，不生成 PNG",
                )
                .hint("安装中文字体（如 fonts-noto-cjk 或 fonts-wqy-microhei）后重新生成，即可得到 PNG 图片。");
                eprintln!("{}", Diagnostics::from(warning));
                return None;
            };
            db.set_sans_serif_family(family.clone());
            let options = resvg::usvg::Options {
                font_family: family,
                languages: vec!["zh-CN".to_string()],
                fontdb: Arc::new(db),
                ..Default::default()
            };
            Some(Renderer { options })
        })
        .as_ref()
}

/// Characters a face must draw to count as Chinese: what every share card and long image
/// holds. Judged by the glyphs the face has, not by its name: Noto Sans CJK, for one, has no
/// family name written in Chinese.
const CJK_PROBE: &str = "政策解读一图读懂";

/// The family to draw with: among the faces that have every glyph of [`CJK_PROBE`], a
/// proportional one (monospaced faces set Latin text too wide), preferring a simplified-Chinese
/// variant where a font family has regional ones (the `SC` of Noto and Source Han, as the
/// `zh-CN` of the site), then sans over serif, then by name so the choice is stable.
fn cjk_family(db: &resvg::usvg::fontdb::Database) -> Option<String> {
    let mut found: Vec<(bool, bool, String)> = db
        .faces()
        .filter(|f| !f.monospaced)
        .filter_map(|f| {
            let name = f.families.first()?.0.clone();
            if name.contains("Mono") {
                return None;
            }
            let covers = db.with_face_data(f.id, |data, index| covers(data, index, CJK_PROBE))?;
            covers.then(|| {
                let simplified = name.split_whitespace().any(|w| w == "SC");
                let serif = name.contains("Serif");
                (!simplified, serif, name)
            })
        })
        .collect();
    found.sort();
    found.into_iter().next().map(|(_, _, name)| name)
}

/// Whether the face at `index` of a font file maps every character of `text` to a glyph.
fn covers(data: &[u8], index: u32, text: &str) -> bool {
    use skrifa::MetadataProvider;
    let Ok(font) = skrifa::FontRef::from_index(data, index) else {
        return false;
    };
    let charmap = font.charmap();
    text.chars().all(|c| charmap.map(c).is_some())
}

impl Renderer {
    fn png(&self, svg: &str) -> Option<Vec<u8>> {
        let tree = resvg::usvg::Tree::from_str(svg, &self.options).ok()?;
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())?;
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::default(),
            &mut pixmap.as_mut(),
        );
        pixmap.encode_png().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_by_width_and_hangs_closing_marks() {
        assert_eq!(wrap("一二三四五六", 4.0), vec!["一二三四", "五六"]);
        assert_eq!(wrap("一二三四，五六", 4.0), vec!["一二三四，", "五六"]);
        assert_eq!(wrap("ab cd", 1.2), vec!["ab", "cd"]);
        assert!(wrap("   ", 4.0).is_empty());
    }

    #[test]
    fn clamp_marks_cut_text() {
        let lines = clamp(wrap("一二三四五六七八九", 3.0), 2);
        assert_eq!(lines, vec!["一二三", "四五…"]);
    }
}
