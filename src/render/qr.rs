//! QR codes of page URLs, generated at build time as inline SVG (no external QR service).
//!
//! Every page has one, so this is on the hot path of a build. The `qrcode` crate encodes the data
//! and draws the modules; choosing the mask (eight penalty evaluations through boxed closures) and
//! its SVG writer (one `write!` per module) dominated the whole render stage. Here the mask is
//! chosen with the same penalty rules on a flat bitmap and the SVG is written directly — the
//! output is byte-identical to `QrCode::render::<svg::Color>()` (see the tests).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec::construct_codewords;
use qrcode::types::{Color, Version};
use qrcode::EcLevel;

/// Side of the rendered code in pixels, at least.
const MIN_SIZE: u32 = 132;
/// Quiet zone around a (non-micro) QR code, in modules.
const QUIET_ZONE: u32 = 4;

/// The masks in the order the `qrcode` crate tries them; the first with the lowest penalty wins.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Codes already made, when [`remember_codes`] was called.
static MEMO: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();

/// Keeps every generated code for the life of the process. `jiedu serve` calls this: it renders
/// the same URLs again after every edit, and a code costs more than the rest of a page.
/// A one-off build does not, so its memory stays proportional to one page at a time.
pub fn remember_codes() {
    MEMO.get_or_init(Mutex::default);
}

/// An inline `<svg>` of `url`, or an empty string if the URL is too long for a QR code.
pub fn svg_for(url: &str) -> String {
    let Some(memo) = MEMO.get() else {
        return generate(url);
    };
    if let Some(svg) = memo.lock().ok().and_then(|m| m.get(url).cloned()) {
        return svg;
    }
    let svg = generate(url);
    if let Ok(mut m) = memo.lock() {
        m.insert(url.to_string(), svg.clone());
    }
    svg
}

fn generate(url: &str) -> String {
    modules(url).map_or_else(String::new, |(dark, width)| svg(&dark, width))
}

/// The dark modules (row by row) and the width of the code for `url`, at error correction M.
fn modules(url: &str) -> Option<(Vec<bool>, usize)> {
    let bits = encode_auto(url.as_bytes(), EcLevel::M).ok()?;
    let version = bits.version();
    if !matches!(version, Version::Normal(_)) {
        return None;
    }
    let (data, ec) = construct_codewords(&bits.into_bytes(), version, EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = usize::try_from(version.width()).ok()?;
    MASKS
        .iter()
        .map(|&mask| {
            let mut c = canvas.clone();
            c.apply_mask(mask);
            c.into_colors()
                .into_iter()
                .map(|m| m == Color::Dark)
                .collect::<Vec<bool>>()
        })
        .min_by_key(|dark| penalty(dark, width))
        .map(|dark| (dark, width))
}

/// The `qrcode` crate's penalty score for a normal QR code (same rules, same u16 arithmetic).
fn penalty(dark: &[bool], w: usize) -> u16 {
    // Columns are scored as the rows of the transposed code, so both passes read contiguously.
    let mut transposed = vec![false; dark.len()];
    for (y, row) in dark.chunks_exact(w).enumerate() {
        for (x, &d) in row.iter().enumerate() {
            transposed[x * w + y] = d;
        }
    }
    let mut adjacent = 0u16;
    let mut finder = 0u16;
    for line in dark.chunks_exact(w).chain(transposed.chunks_exact(w)) {
        adjacent = adjacent.wrapping_add(run_penalty(line));
        finder = finder.wrapping_add(finder_penalty(line));
    }
    let mut block = 0u16;
    for pair in dark.chunks_exact(w).collect::<Vec<_>>().windows(2) {
        let (top, bottom) = (pair[0], pair[1]);
        for x in 0..w - 1 {
            let c = top[x];
            if top[x + 1] == c && bottom[x] == c && bottom[x + 1] == c {
                block = block.wrapping_add(3);
            }
        }
    }
    let dark_count = dark.iter().filter(|&&d| d).count();
    let ratio = dark_count * 200 / dark.len();
    let balance = ratio.abs_diff(100) as u16;
    // The crate subtracts the 9 real finder rows/columns per direction (360 points each).
    adjacent
        .wrapping_add(block)
        .wrapping_add(finder.wrapping_sub(720))
        .wrapping_add(balance)
}

/// Runs of five or more modules of one colour: length − 2 points each.
fn run_penalty(line: &[bool]) -> u16 {
    let mut score = 0u16;
    let mut run = 1u16;
    for k in 1..=line.len() {
        if k < line.len() && line[k] == line[k - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score = score.wrapping_add(run - 2);
            }
            run = 1;
        }
    }
    score
}

/// `#.###.#` not bordered by dark modules within four on both sides: 40 points each.
fn finder_penalty(line: &[bool]) -> u16 {
    const PATTERN: [bool; 7] = [true, false, true, true, true, false, true];
    let w = line.len();
    let mut score = 0u16;
    for j in 0..w.saturating_sub(6) {
        if line[j..j + 7] != PATTERN {
            continue;
        }
        let dark_before = line[j.saturating_sub(4)..j].iter().any(|&d| d);
        let dark_after = line[j + 7..(j + 11).min(w)].iter().any(|&d| d);
        if !dark_before || !dark_after {
            score = score.wrapping_add(40);
        }
    }
    score
}

fn push_num(out: &mut String, n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

/// The SVG the `qrcode` crate's renderer writes (minimum 132 px, quiet zone), inline and labelled.
/// Draws the code in module units (viewBox) with one path segment per horizontal run of dark
/// modules: about a third of the bytes of one square per module, on every page of the site.
fn svg(dark: &[bool], width: usize) -> String {
    let w = width as u32;
    let cells = w + 2 * QUIET_ZONE;
    let size = cells * MIN_SIZE.div_ceil(cells).max(1);
    let mut out = String::with_capacity(400 + dark.len() * 4);
    out.push_str("<svg role=\"img\" aria-label=\"本页网址二维码\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    push_num(&mut out, size);
    out.push_str("\" height=\"");
    push_num(&mut out, size);
    out.push_str("\" viewBox=\"0 0 ");
    push_num(&mut out, cells);
    out.push(' ');
    push_num(&mut out, cells);
    out.push_str("\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
    for (y, row) in dark.chunks(width).enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|&&d| d).count();
            out.push('M');
            push_num(&mut out, x as u32 + QUIET_ZONE);
            out.push(' ');
            push_num(&mut out, y as u32 + QUIET_ZONE);
            out.push('h');
            push_num(&mut out, run as u32);
            out.push_str("v1h-");
            push_num(&mut out, run as u32);
            out.push('z');
            x += run;
        }
    }
    out.push_str("\"/></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::{Color, QUIET_ZONE};
    use qrcode::QrCode;

    /// The dark modules the `qrcode` crate itself chooses for `url` (mask search included).
    fn reference(url: &str) -> Vec<(u32, u32)> {
        let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        else {
            return Vec::new();
        };
        let w = code.width() as u32;
        let colors = code.to_colors();
        (0..w * w)
            .filter(|i| colors[*i as usize] == Color::Dark)
            .map(|i| (i % w + QUIET_ZONE, i / w + QUIET_ZONE))
            .collect()
    }

    /// Reads the dark modules back out of our SVG path (`M x y h n v1 h-n z` runs).
    fn drawn(svg: &str) -> Vec<(u32, u32)> {
        let Some(d) = svg.split(" d=\"").nth(1).and_then(|r| r.split('"').next()) else {
            return Vec::new();
        };
        let mut cells = Vec::new();
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (u32, u32) = (x.parse().unwrap(), y.parse().unwrap());
            let n: u32 = rest.split('v').next().unwrap().parse().unwrap();
            cells.extend((x..x + n).map(|cx| (cx, y)));
        }
        cells
    }

    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg_for("https://example.org/yiliao-gaodi/clause/4-1-1/");
        assert!(s.starts_with("<svg role=\"img\""));
        assert!(!s.contains("<?xml"));
        assert!(s.ends_with("</svg>"));
    }

    #[test]
    fn same_code_as_the_qrcode_crate_for_urls_of_every_length() {
        let mut url = String::from("https://example.org/");
        for i in 0..400 {
            assert_eq!(drawn(&super::svg_for(&url)), reference(&url), "{url}");
            url.push(char::from(b'a' + (i % 26) as u8));
            if i % 7 == 0 {
                url.push_str("/qa/");
            }
        }
        for u in [
            "https://example.org/",
            "https://example.org/yiliao-gaodi/qa/talent-housing/",
            "https://政策.example.org/单位/",
            "http://127.0.0.1:8000/unit/abcdef0123/",
        ] {
            assert_eq!(drawn(&super::svg_for(u)), reference(u), "{u}");
        }
    }

    #[test]
    fn too_long_for_a_qr_code_gives_nothing() {
        assert_eq!(super::svg_for(&"x".repeat(5000)), "");
    }
}
