//! Sharing, through the real binary: the 一图读懂 long image (SVG parsed with a real XML
//! parser, PNG decoded when a CJK font is installed), the 保存长图 link, `og:image` on every
//! page as an absolute URL under a sub-path base_url, and the favicon every page links.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use quick_xml::events::Event;
use quick_xml::Reader;

use common::html::{parse_file, selector};
use common::{html_pages, jiedu, repo, stderr, url_path};

const BASE: &str = "https://www.example.gov.cn/zcjd/";

fn build(root: &Path, out: &Path) -> String {
    let o = jiedu(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--base-url",
        BASE,
        "--no-search",
    ]);
    assert!(o.status.success(), "build failed:\n{}", stderr(&o));
    stderr(&o)
}

/// Whether this machine has a CJK font, asked of fontconfig (not of the code under test).
fn cjk_font_installed() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false)
}

/// The local file an absolute site URL points to.
fn file_of(out: &Path, url: &str) -> std::path::PathBuf {
    let rel = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not under {BASE}"));
    out.join(rel)
}

/// The root element's name, every drawn text node in order, and the `<desc>` text of an SVG;
/// panics if it is not well-formed XML.
fn svg_texts(svg: &str) -> (String, Vec<(String, f32)>, String) {
    let mut reader = Reader::from_str(svg);
    let mut root = String::new();
    let mut texts = Vec::new();
    let mut desc = String::new();
    let mut in_desc = false;
    let mut in_title = false;
    let mut size = 0.0_f32;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.name().as_ref().to_string();
                if root.is_empty() {
                    root = name.clone();
                }
                in_desc = name == "desc";
                in_title = name == "title";
                if let Ok(Some(a)) = e.try_get_attribute("font-size") {
                    size = a.value.parse().unwrap();
                }
            }
            Ok(Event::End(_)) => (in_desc, in_title) = (false, false),
            Ok(Event::Text(t)) => {
                let text = t.xml10_content().to_string();
                if in_desc {
                    desc.push_str(&text);
                } else if !in_title && !text.trim().is_empty() {
                    texts.push((text, size));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let ch = r.resolve_char_ref().unwrap().map(String::from);
                let text = ch.unwrap_or_else(|| {
                    match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unknown entity {other}"),
                    }
                    .to_string()
                });
                if in_desc {
                    desc.push_str(&text);
                } else if in_title {
                    continue;
                } else if let Some((last, _)) = texts.last_mut() {
                    last.push_str(&text);
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("the SVG is not well-formed XML: {e}"),
            _ => {}
        }
    }
    (root, texts, desc)
}

#[test]
fn long_image_share_cards_og_image_and_favicon() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let log = build(&repo().join("content"), &out);
    let font = cjk_font_installed();
    assert_eq!(
        log.contains("本机没有找到中文字体"),
        !font,
        "the no-font warning must appear exactly when no CJK font is installed:\n{log}"
    );

    // The infographic page: its panels (the text version) and the 保存长图 link.
    let page = parse_file(&out.join("yiliao-gaodi/infographic/index.html"));
    let headings: Vec<String> = page
        .select(&selector(".panel h3"))
        .map(|h| h.text().collect::<String>())
        .collect();
    assert!(headings.len() >= 3, "{headings:?}");
    let link = page
        .select(&selector(".long-image a[download]"))
        .next()
        .expect("a 保存长图 download link");
    assert_eq!(link.text().collect::<String>(), "保存长图");
    let href = link.value().attr("href").unwrap();
    let ext = if font { "png" } else { "svg" };
    assert_eq!(href, format!("/zcjd/yiliao-gaodi/infographic/long.{ext}"));

    // The SVG: well-formed, real text, every panel heading drawn and in the description.
    let svg = std::fs::read_to_string(out.join("yiliao-gaodi/infographic/long.svg")).unwrap();
    let (root, texts, desc) = svg_texts(&svg);
    assert_eq!(root, "svg");
    assert!(
        svg.contains("font-family=\"'Noto Sans CJK SC'"),
        "CJK font stack"
    );
    let drawn: String = texts.iter().map(|(t, _)| t.as_str()).collect();
    for h in &headings {
        assert!(drawn.contains(h.as_str()), "panel {h} not drawn as text");
        assert!(desc.contains(h.as_str()), "panel {h} missing from <desc>");
    }
    for p in page.select(&selector(".panel > p:not(.figure):not(.panel-cites)")) {
        let text: String = p.text().collect();
        assert!(
            desc.contains(text.trim()),
            "panel text missing from <desc>: {text}"
        );
    }
    // Wrapped: the longest panel text is drawn as several lines, and no line holds more CJK
    // characters than fit across 670 px at the 24 px body size.
    let longest_panel = page
        .select(&selector(".panel > p:not(.figure):not(.panel-cites)"))
        .map(|p| p.text().collect::<String>().trim().to_string())
        .max_by_key(|t| t.chars().count())
        .unwrap();
    assert!(longest_panel.chars().count() > 30, "{longest_panel}");
    assert!(
        !texts.iter().any(|(t, _)| t == &longest_panel) && drawn.contains(longest_panel.as_str()),
        "the longest panel text is not wrapped into lines: {longest_panel}"
    );
    // A lower bound of each line's width (CJK 1 em, Latin ½ em) may pass the 670-px text
    // column only by one hanging punctuation mark.
    for (line, size) in &texts {
        let em: f32 = line
            .chars()
            .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
            .sum();
        assert!(
            em * size <= 670.0 + size,
            "a line {:.0} px wide does not fit the image: {line}",
            em * size
        );
    }

    // The PNGs decode, with the SVG's size.
    let pngs = [
        "yiliao-gaodi/infographic/long.png",
        "yiliao-gaodi/share.png",
        "static/share.png",
    ];
    for png in pngs {
        let path = out.join(png);
        if !font {
            assert!(!path.exists(), "{png} written without a CJK font");
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{png}: {e}"));
        let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes)
            .unwrap_or_else(|e| panic!("{png} does not decode: {e}"));
        assert!(pixmap.width() >= 750 && pixmap.height() >= 600, "{png}");
        // Not a blank image: more than a handful of colours (text is anti-aliased).
        let colours: BTreeSet<[u8; 4]> = pixmap
            .pixels()
            .iter()
            .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
            .collect();
        assert!(colours.len() > 16, "{png} looks blank");
    }

    // og:image on every page: absolute under base_url, an existing file; the long image on
    // the 一图读懂 page, the bundle's card on its other pages, the site card elsewhere.
    // Every page links the favicon, which exists.
    let pages = html_pages(&out);
    assert!(pages.len() > 50);
    for rel in &pages {
        let doc = parse_file(&out.join(rel));
        let og = doc
            .select(&selector(r#"meta[property="og:image"]"#))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no og:image"));
        let url = og.value().attr("content").unwrap();
        let file = file_of(&out, url);
        assert!(file.is_file(), "{rel}: og:image {url} does not exist");
        assert!(url.ends_with(&format!(".{ext}")), "{rel}: {url}");
        let expected = match url_path(rel).as_str() {
            "/yiliao-gaodi/infographic/" => "yiliao-gaodi/infographic/long",
            p if p.starts_with("/yiliao-gaodi/") => "yiliao-gaodi/share",
            _ => "static/share",
        };
        assert_eq!(url, format!("{BASE}{expected}.{ext}"), "{rel}");
        let alt = doc
            .select(&selector(r#"meta[property="og:image:alt"]"#))
            .next()
            .and_then(|m| m.value().attr("content"));
        assert!(alt.is_some_and(|a| !a.is_empty()), "{rel}: og:image:alt");
        let icon = doc
            .select(&selector(r#"link[rel="icon"]"#))
            .next()
            .unwrap_or_else(|| panic!("{rel}: no favicon link"));
        assert_eq!(icon.value().attr("href"), Some("/zcjd/static/favicon.svg"));
    }
    assert!(out.join("static/favicon.svg").is_file());
}

#[test]
fn a_site_favicon_replaces_the_theme_one() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&repo().join("content"), &root);
    let own = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 1\"><title>本站图标</title></svg>\n";
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/favicon.svg"), own).unwrap();
    let out = tmp.path().join("public");
    build(&root, &out);
    assert_eq!(
        std::fs::read_to_string(out.join("static/favicon.svg")).unwrap(),
        own
    );
}

#[test]
fn a_rebuild_into_the_same_output_is_identical_and_redraws_only_changed_images() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&repo().join("content"), &root);
    let out = tmp.path().join("public");
    build(&root, &out);
    let first = common::snapshot(&out);
    build(&root, &out);
    assert!(
        common::snapshot(&out) == first,
        "a rebuild changed the output"
    );

    let md = root.join("yiliao-gaodi/infographic.md");
    let text = std::fs::read_to_string(&md).unwrap();
    std::fs::write(&md, text.replacen("heading: ", "heading: 新", 1)).unwrap();
    build(&root, &out);
    let after = common::snapshot(&out);
    let svg = "yiliao-gaodi/infographic/long.svg";
    assert_ne!(
        after[svg], first[svg],
        "the edited panel is not in the long image"
    );
    assert!(String::from_utf8_lossy(&after[svg]).contains("新"));
    if cjk_font_installed() {
        let png = "yiliao-gaodi/infographic/long.png";
        assert_ne!(
            after[png], first[png],
            "the long PNG was copied, not redrawn"
        );
        let card = "yiliao-gaodi/share.png";
        assert_eq!(after[card], first[card]);
    }
}

#[test]
fn share_png_false_publishes_the_svg_images_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&repo().join("content"), &root);
    let config = std::fs::read_to_string(root.join("jiedu.yaml")).unwrap();
    std::fs::write(
        root.join("jiedu.yaml"),
        format!("{config}share_png: false\n"),
    )
    .unwrap();
    let out = tmp.path().join("public");
    build(&root, &out);
    let infographic = out.join("yiliao-gaodi/infographic");
    assert!(infographic.join("long.svg").is_file());
    assert!(!infographic.join("long.png").exists());
    assert!(!out.join("yiliao-gaodi/share.png").exists());
    assert!(!out.join("static/share.png").exists());
    // og:image then names the SVG that exists, never a PNG that was not drawn.
    let page = std::fs::read_to_string(infographic.join("index.html")).unwrap();
    assert!(
        page.contains(&format!("{BASE}yiliao-gaodi/infographic/long.svg")),
        "{page}"
    );
    assert!(!page.contains(".png\""), "{page}");
}
