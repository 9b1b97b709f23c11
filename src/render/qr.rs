//! QR codes of page URLs, generated at build time as inline SVG (no external QR service).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline `<svg>` of `url`, or an empty string if the URL is too long for a QR code.
pub fn svg_for(url: &str) -> String {
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
