//! Reads the text of an `.ofd` (GB/T 33190, the fixed-layout format many government documents
//! are published in): a zip whose `OFD.xml` names the document root (`DocBody/DocRoot`), whose
//! `Document.xml` lists the pages (`Pages/Page@BaseLoc`), and whose page `Content.xml` holds
//! `TextObject`s — a `Boundary` box with `TextCode` runs placed at `X`/`Y` inside it. The runs
//! are put in reading order (top to bottom, then left to right) and become text lines: a wide
//! gap inside a line is a table column (a tab), a first-line indent starts a paragraph, and a
//! form feed separates pages — the same text a PDF gives, repaired by the same path.
//! Template pages (running headers, page numbers) and signatures are layout, not text: unread.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::diagnostics::Diagnostic;

/// A part larger than this when unpacked is refused (zip bombs).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// More pages than this is not a policy document.
const MAX_PAGES: usize = 2000;

/// One `TextCode`: its text and where it sits on the page (millimetres, y down).
#[derive(Debug, Clone)]
struct Run {
    x: f64,
    y: f64,
    /// Font size: the height of a line and the width of a CJK character.
    size: f64,
    /// Where the run ends on the x axis.
    end: f64,
    text: String,
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

pub fn read(bytes: &[u8], file: &Path) -> Result<String, Diagnostic> {
    let bad = |why: String| {
        Diagnostic::error(format!("不是有效的 .ofd 文件：{why}"))
            .in_file(file)
            .hint(
                "请用 OFD 阅读器（如数科、福昕 OFD 版）打开确认，或向发文单位索取 .docx 或文字版。",
            )
    };
    let mut archive = Archive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("无法按 zip 压缩包读取（{e}）")))?;
    let ofd_xml =
        part(&mut archive, "OFD.xml").ok_or_else(|| bad("压缩包里没有 OFD.xml".into()))?;
    let doc_root = first_text_of(&ofd_xml, "DocRoot")
        .ok_or_else(|| bad("OFD.xml 没有指明文档（DocRoot）".into()))?;
    let doc_path = resolve("", &doc_root);
    let doc_xml =
        part(&mut archive, &doc_path).ok_or_else(|| bad(format!("压缩包里没有文档 {doc_path}")))?;
    let doc_dir = doc_path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let pages = page_locations(&doc_xml);
    if pages.is_empty() {
        return Err(bad(format!("{doc_path} 里没有页面（Pages/Page）")));
    }
    let mut text = String::new();
    for (i, loc) in pages.iter().take(MAX_PAGES).enumerate() {
        let path = resolve(&doc_dir, loc);
        let content = part(&mut archive, &path)
            .ok_or_else(|| bad(format!("压缩包里没有第 {} 页 {path}", i + 1)))?;
        let runs = text_runs(&content).map_err(|e| bad(format!("{path} 不是合法的 XML（{e}）")))?;
        if i > 0 {
            text.push('\u{c}');
        }
        text.push_str(&page_text(runs));
    }
    if !super::pdf::has_text_layer(&text) {
        return Err(
            Diagnostic::error("这份 OFD 没有文字（页面可能是扫描图片），无法提取正文")
                .in_file(file)
                .hint("请先用 OCR 软件识别出文字后另存为 .txt 或 .docx 再导入，或向发文单位索取文字版。"),
        );
    }
    Ok(text)
}

fn part(archive: &mut Archive, name: &str) -> Option<String> {
    let name = name.trim_start_matches('/');
    let entry = archive.by_name(name).ok()?;
    let mut xml = String::new();
    entry
        .take(MAX_PART_BYTES + 1)
        .read_to_string(&mut xml)
        .ok()?;
    (xml.len() as u64 <= MAX_PART_BYTES).then_some(xml)
}

/// A location in the package: absolute (`/Doc_0/…`) or relative to the referring part's folder.
fn resolve(dir: &str, loc: &str) -> String {
    let loc = loc.trim();
    if let Some(abs) = loc.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in loc.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// The text of the first element named `local` (namespace prefix ignored).
fn first_text_of(xml: &str, local: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let mut inside = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == local => inside = true,
            Ok(Event::Text(t)) if inside => {
                let s = t.xml10_content().trim().to_string();
                return (!s.is_empty()).then_some(s);
            }
            Ok(Event::End(_)) if inside => return None,
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// `BaseLoc` of every `Pages/Page` of `Document.xml`, in page order.
fn page_locations(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut in_pages = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "Pages" => in_pages = true,
            Ok(Event::End(e)) if e.local_name().as_ref() == "Pages" => in_pages = false,
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if in_pages && e.local_name().as_ref() == "Page" =>
            {
                out.extend(attr(&e, "BaseLoc"));
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Four numbers `x y w h` of a `Boundary`.
fn boundary(s: &str) -> Option<(f64, f64)> {
    let v: Vec<f64> = s
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    (v.len() == 4).then(|| (v[0], v[1]))
}

/// Sum of a `DeltaX` list, where `g N D` stands for `N` times `D`.
fn delta_sum(s: &str) -> f64 {
    let mut sum = 0.0;
    let mut tokens = s.split_whitespace();
    while let Some(t) = tokens.next() {
        if t == "g" {
            let n: f64 = tokens.next().and_then(|n| n.parse().ok()).unwrap_or(0.0);
            let d: f64 = tokens.next().and_then(|d| d.parse().ok()).unwrap_or(0.0);
            sum += n * d;
        } else if let Ok(d) = t.parse::<f64>() {
            sum += d;
        }
    }
    sum
}

/// Every `TextCode` of a page's content, placed on the page.
fn text_runs(xml: &str) -> Result<Vec<Run>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut runs = Vec::new();
    let mut origin = (0.0, 0.0);
    let mut size = 3.5;
    let mut in_object = false;
    // A TextCode without X/Y continues where the one before it ended.
    let mut pen = (0.0, 0.0);
    let mut open: Option<(f64, f64, f64)> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) if e.local_name().as_ref() == "TextObject" => {
                in_object = true;
                origin = attr(&e, "Boundary")
                    .and_then(|b| boundary(&b))
                    .unwrap_or((0.0, 0.0));
                size = attr(&e, "Size")
                    .and_then(|s| s.parse().ok())
                    .filter(|s: &f64| *s > 0.0)
                    .unwrap_or(3.5);
                pen = (0.0, 0.0);
            }
            Event::End(e) if e.local_name().as_ref() == "TextObject" => in_object = false,
            Event::Start(e) if in_object && e.local_name().as_ref() == "TextCode" => {
                let x = attr(&e, "X").and_then(|v| v.parse().ok()).unwrap_or(pen.0);
                let y = attr(&e, "Y").and_then(|v| v.parse().ok()).unwrap_or(pen.1);
                let width = attr(&e, "DeltaX").map_or(0.0, |d| delta_sum(&d));
                open = Some((x, y, width));
            }
            Event::Text(t) if open.is_some() => {
                let text = t.xml10_content().into_owned();
                push_run(&mut runs, &mut open, &mut pen, origin, size, text);
            }
            Event::GeneralRef(r) if open.is_some() => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    }
                    .to_string(),
                };
                push_run(&mut runs, &mut open, &mut pen, origin, size, text);
            }
            Event::End(e) if e.local_name().as_ref() == "TextCode" => open = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(runs)
}

/// Adds text to the open `TextCode` (an entity splits its text into several events).
fn push_run(
    runs: &mut Vec<Run>,
    open: &mut Option<(f64, f64, f64)>,
    pen: &mut (f64, f64),
    origin: (f64, f64),
    size: f64,
    text: String,
) {
    let Some((x, y, width)) = *open else { return };
    let start = (origin.0 + x, origin.1 + y);
    match runs.last_mut() {
        Some(last) if last.x == start.0 && last.y == start.1 => last.text.push_str(&text),
        _ => runs.push(Run {
            x: start.0,
            y: start.1,
            size,
            end: start.0 + width + size,
            text,
        }),
    }
    if let Some(last) = runs.last_mut() {
        last.end = start.0 + width + size;
    }
    *pen = (x + width + size, y);
    *open = Some((x, y, width));
}

/// The runs of one page as text lines in reading order.
fn page_text(mut runs: Vec<Run>) -> String {
    runs.retain(|r| !r.text.trim().is_empty());
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Runs whose baselines are within half a character of each other share a line.
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some(line) if (line[0].y - r.y).abs() < line[0].size.min(r.size) * 0.5 => line.push(r),
            _ => lines.push(vec![r]),
        }
    }
    let left = lines
        .iter()
        .filter_map(|l| l.iter().map(|r| r.x).reduce(f64::min))
        .reduce(f64::min)
        .unwrap_or(0.0);
    let mut out = String::new();
    let mut prev_y: Option<f64> = None;
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let size = line[0].size;
        // A paragraph starts with a two-character indent (or after a wider gap than a line).
        let indented = line[0].x - left > size * 1.5;
        let gap = prev_y.is_some_and(|p| line[0].y - p > size * 2.6);
        if !out.is_empty() && (indented || gap) {
            out.push('\n');
        }
        prev_y = Some(line[0].y);
        let mut text = String::new();
        let mut end: Option<f64> = None;
        for r in &line {
            // A gap of two characters or more between runs is a table column.
            if let Some(e) = end {
                if r.x - e > r.size * 2.0 {
                    text.push('\t');
                }
            }
            text.push_str(&r.text);
            end = Some(r.end);
        }
        out.push_str(&text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_package_locations() {
        assert_eq!(resolve("", "Doc_0/Document.xml"), "Doc_0/Document.xml");
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(resolve("Doc_0", "/Doc_0/Pages/P.xml"), "Doc_0/Pages/P.xml");
        assert_eq!(resolve("Doc_0/Pages", "../Res/a.xml"), "Doc_0/Res/a.xml");
    }

    #[test]
    fn puts_text_codes_in_reading_order() {
        let xml = r#"<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">
<ofd:TextObject ID="3" Boundary="30 50 150 6" Font="2" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="g 3 4">后一行</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="2" Boundary="38 40 150 6" Font="2" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="4 4">第一</ofd:TextCode><ofd:TextCode X="8" Y="4" DeltaX="4">行&amp;</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="4" Boundary="30 60 20 6" Font="2" Size="4"><ofd:TextCode X="0" Y="4">甲</ofd:TextCode></ofd:TextObject>
<ofd:TextObject ID="5" Boundary="90 60 20 6" Font="2" Size="4"><ofd:TextCode X="0" Y="4">乙</ofd:TextCode></ofd:TextObject>
</ofd:Layer></ofd:Content></ofd:Page>"#;
        let runs = text_runs(xml).unwrap();
        assert_eq!(page_text(runs), "第一行&\n后一行\n甲\t乙\n");
    }
}
