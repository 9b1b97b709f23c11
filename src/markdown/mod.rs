//! Markdown to HTML with clause references (`[[4.3.1]]`, `[[4.3.1|文字]]`), stable anchors for
//! Chinese headings, an anchor on every block that cites a clause, and syntax-highlighted code.
//! Raw HTML is cleaned to an allow-list (see [`sanitize`]) unless the site opted in to keep it.

pub mod sanitize;

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use pulldown_cmark::{
    html, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// CSS class prefix of highlighted code, so the theme's stylesheet can colour it.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// What happens to raw HTML written in Markdown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawHtml {
    /// Cleaned to the allow-list, each removal a warning (the default).
    #[default]
    Sanitise,
    /// Published as written: the site set `raw_html: true` in `jiedu.yaml`.
    Keep,
}

/// A clause reference as the markdown renderer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRef {
    pub key: String,
    pub href: String,
    pub text: String,
}

/// A block of rendered text that cites clauses: the unit a clause page links back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Hash)]
pub struct CitingBlock {
    pub anchor: String,
    pub excerpt: String,
    /// Keys of the cited clauses, in order of first citation.
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Hash)]
pub struct RichText {
    pub html: String,
    /// Plain text, for search, excerpts and the feed.
    pub plain: String,
    pub citing_blocks: Vec<CitingBlock>,
    /// Headings (level 2 and 3) with their anchors, for a table of contents.
    pub headings: Vec<Heading>,
    /// Every link and image written in the Markdown, with its line, so a broken one is
    /// reported where it was written rather than on the page it ended up on.
    #[serde(skip)]
    pub links: Vec<SourceLink>,
}

/// A link as written in a Markdown source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceLink {
    pub href: String,
    pub file: std::path::PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Hash)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

/// Renders `src` (starting at line `first_line` of `file`). `resolve` turns a clause id into
/// a link or an error message; `anchor_prefix` keeps block anchors unique when several texts
/// share a page (e.g. the answers of a Q&A page).
pub fn render(
    src: &str,
    first_line: usize,
    file: &Path,
    anchor_prefix: &str,
    raw_html: RawHtml,
    resolve: &dyn Fn(&str) -> Result<ResolvedRef, Diagnostic>,
) -> (RichText, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut out = RichText::default();
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_at = |offset: usize| first_line + line_starts.partition_point(|&s| s <= offset) - 1;

    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut block = Block::new(anchor_prefix);
    let mut depth = 0usize;
    let mut used_anchors: HashSet<String> = HashSet::new();
    let mut in_code: Option<String> = None;
    let mut code = String::new();
    let mut wikilink_depth = 0usize;
    let mut heading: Option<(HeadingLevel, String)> = None;

    for (event, range) in Parser::new_ext(src, opts).into_offset_iter() {
        // Code blocks are highlighted whole.
        if let Some(lang) = &in_code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    block
                        .events
                        .push(Event::Html(CowStr::from(highlight(&code, lang))));
                    out.plain.push_str(&code);
                    code.clear();
                    in_code = None;
                    depth -= 1;
                }
                _ => {}
            }
            if depth == 0 {
                block.flush(&mut out);
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                in_code = Some(lang);
                depth += 1;
                continue;
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                wikilink_depth += 1;
                let id = dest_url.trim().to_string();
                match resolve(&id) {
                    Ok(r) => {
                        if !block.targets.contains(&r.key) {
                            block.targets.push(r.key.clone());
                        }
                        let html = format!("<a class=\"clause-ref\" href=\"{}\">", escape(&r.href));
                        block.events.push(Event::Html(CowStr::from(html)));
                        if !has_pothole {
                            block.events.push(Event::Text(CowStr::from(r.text.clone())));
                            block.text.push_str(&r.text);
                        }
                    }
                    Err(d) => {
                        let file_line = line_at(range.start);
                        diags.push(Diagnostic {
                            file: Some(file.to_path_buf()),
                            line: Some(file_line),
                            ..d
                        });
                        block
                            .events
                            .push(Event::Html(CowStr::from("<a class=\"clause-ref broken\">")));
                        if !has_pothole {
                            block.events.push(Event::Text(CowStr::from(id)));
                        }
                    }
                }
                depth += 1;
                continue;
            }
            Event::End(TagEnd::Link) if wikilink_depth > 0 => {
                wikilink_depth -= 1;
                depth -= 1;
                block.events.push(Event::Html(CowStr::from("</a>")));
                continue;
            }
            Event::Text(t)
                if wikilink_depth > 0
                    && block
                        .events
                        .last()
                        .is_some_and(|e| matches!(e, Event::Text(_))) =>
            {
                // Without a pothole the resolved label replaced the id text already.
                let _ = t;
                continue;
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if raw_html == RawHtml::Sanitise {
                    for r in sanitize::removals(&h) {
                        diags.push(removed_html(&r.what, file, line_at(range.start) + r.line));
                    }
                    block.needs_cleaning = true;
                }
                Event::InlineHtml(h)
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
                let line = line_at(range.start);
                if raw_html == RawHtml::Sanitise && !sanitize::is_safe_url(dest_url) {
                    diags.push(unsafe_link(dest_url, file, line));
                    block.needs_cleaning = true;
                } else {
                    out.links.push(SourceLink {
                        href: dest_url.to_string(),
                        file: file.to_path_buf(),
                        line,
                    });
                }
                event
            }
            other => other,
        };
        match &event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((*level, String::new())),
            Event::Text(t) | Event::Code(t) => {
                block.text.push_str(t);
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => block.text.push(' '),
            _ => {}
        }
        if let Event::End(TagEnd::Heading(level)) = &event {
            if let Some((_, text)) = heading.take() {
                let anchor = unique_anchor(&heading_anchor(&text), &mut used_anchors);
                let lvl = *level as u8;
                if let Some(Event::Start(Tag::Heading { id, .. })) = block.events.first_mut() {
                    *id = Some(CowStr::from(anchor.clone()));
                }
                if lvl <= 3 {
                    out.headings.push(Heading {
                        level: lvl,
                        text: text.clone(),
                        anchor,
                    });
                }
            }
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        block.events.push(event);
        if depth == 0 {
            block.flush(&mut out);
        }
    }
    block.flush(&mut out);
    tighten(&mut out.html);
    tighten(&mut out.plain);
    (out, diags)
}

/// Moves `s` into an allocation of its length when pushing left much of its allocation unused.
/// The model keeps every rendered text for the whole build, and a string grown by doubling holds
/// up to twice its length; `shrink_to_fit` does not help, as the allocator keeps a block in place
/// while at least half of it is used.
fn tighten(s: &mut String) {
    if s.capacity() - s.len() > s.len() / 8 {
        *s = s.as_str().to_owned();
    }
}

/// The top-level Markdown block being collected: its events, the clauses it cites and its text.
struct Block<'a> {
    events: Vec<Event<'a>>,
    targets: Vec<String>,
    text: String,
    /// Blocks emitted so far; numbers the anchors of citing blocks.
    count: usize,
    /// The block holds raw HTML or an unsafe link, so its HTML goes through the sanitiser.
    needs_cleaning: bool,
    anchor_prefix: &'a str,
}

impl<'a> Block<'a> {
    fn new(anchor_prefix: &'a str) -> Self {
        Block {
            events: Vec::new(),
            targets: Vec::new(),
            text: String::new(),
            count: 0,
            needs_cleaning: false,
            anchor_prefix,
        }
    }

    /// Emits the block; a block that cites clauses gets an anchor and is recorded.
    fn flush(&mut self, out: &mut RichText) {
        if self.events.is_empty() {
            return;
        }
        self.count += 1;
        let mut html_out = String::new();
        html::push_html(&mut html_out, self.events.drain(..));
        if std::mem::take(&mut self.needs_cleaning) {
            html_out = sanitize::clean(&html_out);
        }
        if !self.targets.is_empty() {
            let anchor = format!("{}duan-{}", self.anchor_prefix, self.count);
            html_out = add_id(&html_out, &anchor);
            out.citing_blocks.push(CitingBlock {
                anchor,
                excerpt: excerpt(&self.text, 120),
                targets: std::mem::take(&mut self.targets),
            });
        }
        out.html.push_str(&html_out);
        let t = self.text.trim();
        if !t.is_empty() {
            if !out.plain.is_empty() {
                out.plain.push('\n');
            }
            out.plain.push_str(t);
        }
        self.text.clear();
    }
}

fn removed_html(what: &str, file: &Path, line: usize) -> Diagnostic {
    Diagnostic::warning(format!("已删除正文中不允许的 HTML：{what}"))
        .at(file, line)
        .hint("正文只保留无害的 HTML 标记（表格、sup、sub、br、abbr 等）；脚本、事件属性（on…）、style、iframe 和 javascript: 等网址一律删除。请改用 Markdown 书写。")
}

fn unsafe_link(url: &str, file: &Path, line: usize) -> Diagnostic {
    Diagnostic::warning(format!(
        "链接网址「{}」不安全，已删除",
        sanitize::describe_url(url)
    ))
    .at(file, line)
    .hint("链接只能是站内的相对网址，或以 http:、https:、mailto:、tel: 开头的网址。")
}

/// Adds `id="…"` to the first tag of an HTML fragment we generated ourselves.
fn add_id(html: &str, id: &str) -> String {
    match html.find(['>', ' ']) {
        Some(i) if html.starts_with('<') && !html[..i].contains("id=") => {
            format!("{} id=\"{}\"{}", &html[..i], escape(id), &html[i..])
        }
        _ => html.to_string(),
    }
}

/// Shortens text to `max` characters at a character boundary, with an ellipsis; runs of
/// whitespace read as one space. Only as much of `text` is read as the excerpt needs, and it is
/// copied a run of non-space characters at a time: the description of a page is often a whole
/// clause or answer, and splitting, joining and counting all of it, then collecting the cut a
/// character at a time, for every page's head was 1.5% of a build.
pub fn excerpt(text: &str, max: usize) -> String {
    let text = text.trim_start();
    let mut out = String::new();
    let mut chars = 0;
    // Where the run of non-space characters being read began, and whether it has ended.
    let (mut run, mut in_space) = (0, false);
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if !in_space {
                out.push_str(&text[run..i]);
                in_space = true;
            }
            continue;
        }
        if in_space {
            if chars == max {
                out.push('…');
                return out;
            }
            out.push(' ');
            chars += 1;
            (run, in_space) = (i, false);
        }
        if chars == max {
            out.push_str(&text[run..i]);
            out.push('…');
            return out;
        }
        chars += 1;
    }
    if !in_space {
        out.push_str(&text[run..]);
    }
    out
}

/// A heading anchor that keeps Chinese text (stable, readable in the address bar).
pub fn heading_anchor(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "section".to_string()
    } else {
        s
    }
}

fn unique_anchor(base: &str, used: &mut HashSet<String>) -> String {
    let mut candidate = base.to_string();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// HTML-escapes `s`. Every template value passes through here (Tera's escape function), so
/// the text between the five ASCII specials is copied in runs: pushing Chinese text a `char`
/// at a time re-encoded every character. The specials are found with `memchr`'s searches (a
/// word or vector of bytes at a time) rather than a look at every byte, which was 3% of a
/// build's instructions.
pub fn escape(s: &str) -> String {
    if s.len() <= SHORT {
        return escape_short(s);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let mut start = 0;
    let mut angles = memchr::memchr3_iter(b'&', b'<', b'>', bytes).peekable();
    let mut quotes = memchr::memchr2_iter(b'"', b'\'', bytes).peekable();
    loop {
        // The next special of either search, in order.
        let i = match (angles.peek(), quotes.peek()) {
            (Some(&a), Some(&q)) if a < q => angles.next(),
            (Some(_), Some(_)) | (None, Some(_)) => quotes.next(),
            (Some(_), None) => angles.next(),
            (None, None) => None,
        };
        let Some(i) = i else { break };
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        // `i` is an ASCII byte, so both slices end on character boundaries.
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// Strings up to this many bytes are escaped by [`escape_short`]. Most template values are
/// short (a date, a link, a label, a short title): for them the two `memchr` searches cost more
/// to set up than a look at each byte (2.7 million values in a build of 300 policies).
const SHORT: usize = 32;

/// [`escape`] a byte at a time, for short strings. Every special is below `?`, and the bytes
/// of Chinese text and of letters are above it, so most bytes take one comparison.
fn escape_short(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b > b'>' {
            continue;
        }
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is an ASCII byte, so both slices end on character boundaries.
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// The syntax set is loaded only when a page has a code block: most policy pages have none.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn highlight(code: &str, lang: &str) -> String {
    let set = syntaxes();
    let syntax = match lang {
        "" => None,
        "md" => set.find_syntax_by_extension("md"),
        "yml" => set.find_syntax_by_extension("yaml"),
        l => set.find_syntax_by_token(l),
    };
    let Some(syntax) = syntax else {
        return format!("<pre class=\"code\"><code>{}</code></pre>", escape(code));
    };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(syntax, set, HIGHLIGHT_CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!("<pre class=\"code\"><code>{}</code></pre>", escape(code));
        }
    }
    format!(
        "<pre class=\"code\" data-lang=\"{}\"><code>{}</code></pre>",
        escape(lang),
        gen.finalize()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `excerpt` as it was written before it stopped reading at the cut: the same text for
    /// texts shorter, as long as and longer than the cut, with runs of whitespace anywhere.
    #[test]
    fn excerpt_is_the_joined_words_cut() {
        fn whole(text: &str, max: usize) -> String {
            let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if t.chars().count() <= max {
                t
            } else {
                let cut: String = t.chars().take(max).collect();
                format!("{cut}…")
            }
        }
        let texts = [
            "",
            "   ",
            "一",
            "加快建设 医疗服务\n价格改革，  推进\t分级诊疗。",
            "  leading and trailing  ",
            "abc def",
            "一二三四五六七八九十 一二三四五六七八九十 一二三",
            "\u{3000}全角空格\u{3000}\u{3000}分开 的\r\n文字 ",
            "a  b   c    d",
        ];
        for text in texts {
            for max in 0..40 {
                assert_eq!(excerpt(text, max), whole(text, max), "{text:?} {max}");
            }
        }
    }

    /// The escape as HTML defines it, a character at a time.
    fn escape_by_char(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#39;".to_string(),
                c => c.to_string(),
            })
            .collect()
    }

    #[test]
    fn escape_matches_the_escape_a_character_at_a_time() {
        let pieces = [
            "&",
            "<",
            ">",
            "\"",
            "'",
            "政策",
            "a",
            "/",
            " ",
            "&amp;",
            "解读《条款》",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let mut s = String::new();
            for _ in 0..len % 60 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            assert_eq!(escape(&s), escape_by_char(&s), "{s}");
        }
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    fn md(src: &str, first_line: usize) -> (RichText, Diagnostics) {
        render(
            src,
            first_line,
            Path::new("a.md"),
            "",
            RawHtml::Sanitise,
            &resolver,
        )
    }

    fn resolver(id: &str) -> Result<ResolvedRef, Diagnostic> {
        if id == "4.3.1" {
            Ok(ResolvedRef {
                key: "p:4.3.1".into(),
                href: "/p/clause/4-3-1/".into(),
                text: "（三）1 加强精准化引才".into(),
            })
        } else {
            Err(Diagnostic::error(format!("引用了不存在的条款「{id}」")))
        }
    }

    #[test]
    fn wikilinks_become_clause_links_and_anchor_their_block() {
        let (rt, d) = md(
            "第一段。\n\n引进人才见[[4.3.1]]。\n\n另见[[4.3.1|购房补贴]]。\n",
            5,
        );
        assert!(d.is_empty(), "{d}");
        assert!(rt.html.contains("<p id=\"duan-2\">引进人才见<a class=\"clause-ref\" href=\"/p/clause/4-3-1/\">（三）1 加强精准化引才</a>。</p>"), "{}", rt.html);
        assert!(rt.html.contains(">购房补贴</a>"), "{}", rt.html);
        assert_eq!(rt.citing_blocks.len(), 2);
        assert_eq!(rt.citing_blocks[0].targets, vec!["p:4.3.1"]);
    }

    #[test]
    fn unknown_reference_reports_file_and_line() {
        let (_, d) = md("第一段。\n\n见[[9.9.9]]。\n", 5);
        let msg = d.to_string();
        assert!(msg.contains("a.md:7"), "{msg}");
        assert!(msg.contains("9.9.9"), "{msg}");
    }

    #[test]
    fn code_is_highlighted_with_classes_and_not_scanned_for_references() {
        let (rt, d) = md("```yaml\nkind: qa\ncites: [[4.1.1]]\n```\n", 1);
        assert!(d.is_empty(), "{d}");
        assert!(rt.html.contains("class=\"hl-"), "{}", rt.html);
        assert!(!rt.html.contains("style="), "{}", rt.html);
    }

    #[test]
    fn chinese_headings_get_stable_unique_anchors() {
        let (rt, _) = md("## 起草背景\n\n## 起草背景\n", 1);
        assert!(rt.html.contains("<h2 id=\"起草背景\">"), "{}", rt.html);
        assert!(rt.html.contains("<h2 id=\"起草背景-2\">"), "{}", rt.html);
    }

    #[test]
    fn raw_html_in_markdown_is_sanitised_with_a_warning_per_removal() {
        let (rt, d) = md(
            "a < b & c <script>alert(1)</script> H<sub>2</sub>O\n\n[点](javascript:alert(1))\n",
            3,
        );
        assert_eq!(
            rt.html,
            "<p>a &lt; b &amp; c  H<sub>2</sub>O</p>\n<p><a>点</a></p>\n"
        );
        let lines: Vec<_> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (
                    Some(3),
                    "已删除正文中不允许的 HTML：标签 <script>（连同其中的内容）"
                ),
                (Some(5), "链接网址「javascript:alert(1)」不安全，已删除"),
            ]
        );
    }

    #[test]
    fn a_site_that_opted_in_keeps_raw_html() {
        let (rt, d) = render(
            "<div class=x onclick=y>z</div>\n",
            1,
            Path::new("a.md"),
            "",
            RawHtml::Keep,
            &resolver,
        );
        assert!(d.is_empty());
        assert_eq!(rt.html, "<div class=x onclick=y>z</div>\n");
    }
}
