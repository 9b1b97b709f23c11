//! Colours for highlighted code: syntect's bundled InspiredGitHub theme with every text colour
//! darkened (or lightened on dark backgrounds) until it reaches the contrast 长辈版 promises
//! (7:1, WCAG AAA), so code blocks pass the same contrast checks as the rest of the page.

use syntect::highlighting::{Color, Theme, ThemeSet};

use crate::markdown::HIGHLIGHT_CLASS_STYLE;

/// 7:1 plus a margin for the theme's light-grey `pre` background (jiedu.css), which is a little
/// darker than the theme's white.
const MIN_CONTRAST: f64 = 7.5;

pub fn highlight_css() -> String {
    let themes = ThemeSet::load_defaults();
    themes
        .themes
        .get("InspiredGitHub")
        .map(accessible)
        .and_then(|t| syntect::html::css_for_theme_with_class_style(&t, HIGHLIGHT_CLASS_STYLE).ok())
        .unwrap_or_default()
}

fn accessible(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let white = Color::WHITE;
    let page = theme.settings.background.unwrap_or(white);
    if let Some(fg) = theme.settings.foreground.as_mut() {
        *fg = readable(*fg, page);
    }
    for item in &mut theme.scopes {
        let background = item.style.background.unwrap_or(page);
        if let Some(fg) = item.style.foreground.as_mut() {
            *fg = readable(*fg, background);
        }
    }
    theme
}

fn channel_luminance(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.03928 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    0.2126 * channel_luminance(c.r)
        + 0.7152 * channel_luminance(c.g)
        + 0.0722 * channel_luminance(c.b)
}

pub fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg` laid over `bg` (theme colours may be translucent), then moved towards black on a light
/// background or white on a dark one until it reaches [`MIN_CONTRAST`]; the hue is kept.
fn readable(fg: Color, bg: Color) -> Color {
    let alpha = f64::from(fg.a) / 255.0;
    let blend = |f: u8, b: u8| (f64::from(f) * alpha + f64::from(b) * (1.0 - alpha)).round() as u8;
    let solid = Color {
        r: blend(fg.r, bg.r),
        g: blend(fg.g, bg.g),
        b: blend(fg.b, bg.b),
        a: 0xFF,
    };
    let towards_black = luminance(bg) > 0.18;
    let shift = |c: u8, t: f64| {
        let c = f64::from(c);
        let target = if towards_black { 0.0 } else { 255.0 };
        (c + (target - c) * t).round() as u8
    };
    (0..=50)
        .map(|step| f64::from(step) / 50.0)
        .map(|t| Color {
            r: shift(solid.r, t),
            g: shift(solid.g, t),
            b: shift(solid.b, t),
            a: 0xFF,
        })
        .find(|c| contrast(*c, bg) >= MIN_CONTRAST)
        .unwrap_or(if towards_black {
            Color::BLACK
        } else {
            Color::WHITE
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_of_the_generated_css_reaches_the_contrast() {
        let css = highlight_css();
        let mut checked = 0;
        for rule in css.split('}') {
            let hex = |prop: &str| {
                rule.lines()
                    .find_map(|l| l.trim().strip_prefix(prop))
                    .and_then(|v| {
                        let v = v.trim().trim_end_matches(';').trim_start_matches('#');
                        let byte = |i: usize| u8::from_str_radix(v.get(i..i + 2)?, 16).ok();
                        Some(Color {
                            r: byte(0)?,
                            g: byte(2)?,
                            b: byte(4)?,
                            a: 0xFF,
                        })
                    })
            };
            if let Some(fg) = hex("color:") {
                let bg = hex("background-color:").unwrap_or(Color::WHITE);
                assert!(contrast(fg, bg) >= 7.0, "{rule}");
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} colours in:\n{css}");
    }

    #[test]
    fn dark_text_is_left_alone_and_light_text_is_darkened() {
        let dark = Color {
            r: 0x32,
            g: 0x32,
            b: 0x32,
            a: 0xFF,
        };
        assert_eq!(readable(dark, Color::WHITE), dark);
        let comment_grey = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xFF,
        };
        let fixed = readable(comment_grey, Color::WHITE);
        assert!(contrast(fixed, Color::WHITE) >= MIN_CONTRAST);
        assert!(fixed.r < comment_grey.r);
    }
}
