//! Raw HTML in Markdown: an allow-list of harmless markup, enforced by ammonia, and a warning
//! (file, line) for everything the allow-list removes.
//!
//! The allow-list is the markup Markdown itself produces plus a few inline tags editors of
//! policy texts need:
//!
//! - tags: `p br hr h1–h6 blockquote ul ol li dl dt dd pre code em strong b i u s del ins
//!   sup sub abbr mark small kbd q cite span div a img figure figcaption table caption thead
//!   tbody tfoot tr th td colgroup col details summary`;
//! - attributes on every allowed tag: `class id title lang dir`; `a`: `href`; `img`: `src alt
//!   width height`; `th td`: `colspan rowspan`, and `style` with `text-align` only (Markdown's
//!   own table alignment); `pre`: `data-lang`; `abbr`: `title`; `col colgroup`: `span`;
//! - URLs: relative, or `http:`, `https:`, `mailto:`, `tel:`.
//!
//! Everything else goes: `script` and `style` with their content; `iframe`, `object`, `embed`,
//! `form`, `input` and other tags (their text stays); event handlers (`on…`), `style`, `srcdoc`
//! and other attributes; `javascript:`, `vbscript:`, `data:` and other URL schemes. HTML
//! comments are dropped without a warning: they are notes meant for editors.
//!
//! The warnings come from html5ever's tokenizer, the same one ammonia parses with, so what is
//! reported is what the browser would have seen (entities decoded, case folded).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Allowed tags and the attributes each may carry besides [`GENERIC_ATTRIBUTES`].
const TAGS: &[(&str, &[&str])] = &[
    ("p", &[]),
    ("br", &[]),
    ("hr", &[]),
    ("h1", &[]),
    ("h2", &[]),
    ("h3", &[]),
    ("h4", &[]),
    ("h5", &[]),
    ("h6", &[]),
    ("blockquote", &[]),
    ("ul", &[]),
    ("ol", &["start"]),
    ("li", &[]),
    ("dl", &[]),
    ("dt", &[]),
    ("dd", &[]),
    ("pre", &["data-lang"]),
    ("code", &[]),
    ("em", &[]),
    ("strong", &[]),
    ("b", &[]),
    ("i", &[]),
    ("u", &[]),
    ("s", &[]),
    ("del", &[]),
    ("ins", &[]),
    ("sup", &[]),
    ("sub", &[]),
    ("abbr", &[]),
    ("mark", &[]),
    ("small", &[]),
    ("kbd", &[]),
    ("q", &[]),
    ("cite", &[]),
    ("span", &[]),
    ("div", &[]),
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height"]),
    ("figure", &[]),
    ("figcaption", &[]),
    ("table", &[]),
    ("caption", &[]),
    ("thead", &[]),
    ("tbody", &[]),
    ("tfoot", &[]),
    ("tr", &[]),
    ("th", &["colspan", "rowspan", "style"]),
    ("td", &["colspan", "rowspan", "style"]),
    ("colgroup", &["span"]),
    ("col", &["span"]),
    ("details", &[]),
    ("summary", &[]),
];

const GENERIC_ATTRIBUTES: &[&str] = &["class", "id", "title", "lang", "dir"];

/// Removed together with their content: their text is code or CSS, never reading matter.
const CONTENT_TAGS: &[&str] = &["script", "style"];

const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Attributes holding a URL, checked against [`URL_SCHEMES`].
const URL_ATTRIBUTES: &[&str] = &["href", "src"];

/// The only CSS property kept (Markdown writes table alignment as `style="text-align: …"`).
const STYLE_PROPERTIES: &[&str] = &["text-align"];

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut b = ammonia::Builder::empty();
        b.tags(TAGS.iter().map(|(t, _)| *t).collect())
            .tag_attributes(
                TAGS.iter()
                    .map(|(t, a)| (*t, a.iter().copied().collect()))
                    .collect::<HashMap<_, HashSet<_>>>(),
            )
            .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
            .clean_content_tags(CONTENT_TAGS.iter().copied().collect())
            .url_schemes(URL_SCHEMES.iter().copied().collect())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
            .link_rel(None)
            .strip_comments(true);
        b
    })
}

/// Cleans a fragment of rendered HTML to the allow-list.
pub fn clean(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// Something the allow-list removes, with the 0-based line inside the scanned fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub line: usize,
    pub what: String,
}

/// True for a URL the allow-list keeps: relative, or with an allowed scheme. Like a browser,
/// ignores ASCII whitespace and control characters and the case of the scheme.
pub fn is_safe_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect();
    let Some(colon) = squeezed.find(':') else {
        return true;
    };
    let before = &squeezed[..colon];
    // A `/`, `?` or `#` before the colon makes it a relative path, not a scheme.
    if before.contains(['/', '?', '#']) {
        return true;
    }
    URL_SCHEMES.contains(&before.to_ascii_lowercase().as_str())
}

/// Describes an unsafe URL for a warning, shortened to its scheme and a few characters.
pub fn describe_url(url: &str) -> String {
    let short: String = url.trim().chars().take(40).collect();
    if short.chars().count() < url.trim().chars().count() {
        format!("{short}…")
    } else {
        short
    }
}

/// Lists what the allow-list will remove from a raw HTML fragment.
pub fn removals(fragment: &str) -> Vec<Removal> {
    let sink = Scanner::default();
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(fragment));
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tok.feed(&queue);
    tok.end();
    tok.sink.found.into_inner()
}

#[derive(Default)]
struct Scanner {
    found: RefCell<Vec<Removal>>,
}

impl TokenSink for Scanner {
    type Handle = ();

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind == TagKind::EndTag {
            return TokenSinkResult::Continue;
        }
        let line = usize::try_from(line_number).unwrap_or(1).saturating_sub(1);
        let name: &str = &tag.name;
        let mut found = self.found.borrow_mut();
        let Some((_, own)) = TAGS.iter().find(|(t, _)| *t == name) else {
            let what = if CONTENT_TAGS.contains(&name) {
                format!("标签 <{name}>（连同其中的内容）")
            } else {
                format!("标签 <{name}>（保留其中的文字）")
            };
            found.push(Removal { line, what });
            return TokenSinkResult::Continue;
        };
        for attr in &tag.attrs {
            let attr_name: &str = &attr.name.local;
            let value: &str = &attr.value;
            let allowed = GENERIC_ATTRIBUTES.contains(&attr_name) || own.contains(&attr_name);
            if !allowed {
                found.push(Removal {
                    line,
                    what: format!("<{name}> 的属性 {attr_name}"),
                });
            } else if URL_ATTRIBUTES.contains(&attr_name) && !is_safe_url(value) {
                found.push(Removal {
                    line,
                    what: format!("<{name}> 中不安全的网址「{}」", describe_url(value)),
                });
            } else if attr_name == "style" && has_other_style(value) {
                found.push(Removal {
                    line,
                    what: format!("<{name}> 的样式「{}」（只保留 text-align）", value.trim()),
                });
            }
        }
        TokenSinkResult::Continue
    }
}

/// True if a `style` value sets anything but the allowed properties.
fn has_other_style(style: &str) -> bool {
    style
        .split(';')
        .filter_map(|decl| decl.split_once(':').map(|(p, _)| p.trim()))
        .any(|p| !STYLE_PROPERTIES.contains(&p.to_ascii_lowercase().as_str()))
        || style
            .split(';')
            .any(|d| !d.trim().is_empty() && !d.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_allowed_markup_and_removes_the_rest() {
        let html =
            "<p>H<sub>2</sub>O <abbr title=\"医疗保障\">医保</abbr><script>alert(1)</script>\
                    <img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">点</a></p>";
        assert_eq!(
            clean(html),
            "<p>H<sub>2</sub>O <abbr title=\"医疗保障\">医保</abbr><img src=\"x\"><a>点</a></p>"
        );
    }

    #[test]
    fn reports_each_removal_with_its_line() {
        let found = removals("<div>\n<img src=x onerror=alert(1)>\n<iframe src=a></iframe>\n<a href=\"&#106;avascript:x\">a</a>");
        let what: Vec<(usize, &str)> = found.iter().map(|r| (r.line, r.what.as_str())).collect();
        assert_eq!(
            what,
            vec![
                (1, "<img> 的属性 onerror"),
                (2, "标签 <iframe>（保留其中的文字）"),
                (3, "<a> 中不安全的网址「javascript:x」"),
            ]
        );
    }

    #[test]
    fn tells_schemes_from_relative_paths() {
        assert!(is_safe_url("/yiliao-gaodi/"));
        assert!(is_safe_url("a/b:c"));
        assert!(is_safe_url("https://example.org/"));
        assert!(!is_safe_url("JavaScript:alert(1)"));
        assert!(!is_safe_url(" java\tscript:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
        assert!(!is_safe_url("vbscript:x"));
    }
}
