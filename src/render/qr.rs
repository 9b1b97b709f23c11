//! QR codes of page URLs, generated at build time as inline SVG (no external QR service).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

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
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(132, 132)
        .quiet_zone(true)
        .build();
    // The renderer writes a standalone document; inline SVG must not carry the XML declaration.
    let start = image.find("<svg").unwrap_or(0);
    image[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"本页网址二维码\" focusable=\"false\" ",
        1,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg_for("https://example.org/yiliao-gaodi/clause/4-1-1/");
        assert!(s.starts_with("<svg role=\"img\""));
        assert!(!s.contains("<?xml"));
        assert!(s.ends_with("</svg>"));
    }
}
