//! The theme: Tera templates and static files, compiled once per build. A site overrides any
//! template by putting a file of the same name in `<root>/templates/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::ast::Node;
use tera::Tera;
use xxhash_rust::xxh3::xxh3_64;

use super::deps::Fingerprints;

mod budget;
mod growth;
mod template_graph;
mod tera_message;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{STATIC_DIR, TEMPLATES_DIR};

/// Says each template once: its name in [`TEMPLATES`] and the default theme's text in
/// `EMBEDDED` come from one list, so a new kind of page adds one line here.
macro_rules! default_templates {
    ($($name:literal),* $(,)?) => {
        /// Template names every theme provides.
        pub const TEMPLATES: &[&str] = &[$($name),*];
        /// The default theme compiled into the binary, so `jiedu` works from any directory.
        const EMBEDDED: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*
        ];
    };
}

default_templates!(
    "base.html",
    "macros.html",
    "home.html",
    "policy.html",
    "clause.html",
    "interpretation.html",
    "question.html",
    "progress.html",
    "column.html",
    "units.html",
    "unit.html",
    "search.html",
    "page.html",
    "404.html",
    "library.html",
    "sitemap.html",
    "compare.html",
);

const EMBEDDED_STATIC: [(&str, &str); 5] = [
    (
        "jiedu.css",
        include_str!("../../themes/default/static/jiedu.css"),
    ),
    (
        "jiedu.js",
        include_str!("../../themes/default/static/jiedu.js"),
    ),
    (
        "search.js",
        include_str!("../../themes/default/static/search.js"),
    ),
    (
        "favicon.svg",
        include_str!("../../themes/default/static/favicon.svg"),
    ),
    (
        "library.js",
        include_str!("../../themes/default/static/library.js"),
    ),
];

pub struct Theme {
    pub tera: Tera,
    /// Static files (path under `static/`, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// Where each template came from, for error messages.
    pub origins: Vec<(String, PathBuf)>,
    /// Each template's text, fingerprinted: what a page's template dependency compares.
    fingerprints: Fingerprints,
    /// For each template, every template a page rendered through it reads: itself and what it
    /// extends, imports and includes, transitively.
    reads: HashMap<&'static str, Vec<&'static str>>,
    /// Fingerprint of every template's name, text and file, and every static file: the same
    /// inputs give the same theme, which `jiedu serve` then does not compile again.
    inputs: u64,
    /// The same, but for where the templates were read from: what the pages are made of.
    content: u64,
}

/// The fingerprint of every template's name and text and every static file's name and bytes.
/// `with_paths`: whether where each template was read from counts, besides its text. It does
/// for `jiedu serve`, whose error messages name the files of the theme it keeps; it does not
/// for the build cache ([`Theme::digest`]), whose pages are the same whichever spelling of the
/// site root the templates were read through.
fn fingerprint_inputs(
    sources: &[(String, String, PathBuf)],
    statics: &[(String, Vec<u8>)],
    with_paths: bool,
) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (name, text, path) in sources {
        let path = match with_paths {
            true => path.as_os_str().as_encoded_bytes(),
            false => &[],
        };
        for part in [name.as_bytes(), text.as_bytes(), path] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    for (name, bytes) in statics {
        for part in [name.as_bytes(), bytes.as_slice()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    h.digest()
}

/// The theme directory on disk: `<root>/themes/default`, else the project's `themes/default`
/// beside the site root (so editing the theme in this repository takes effect in `serve`).
pub fn theme_dir(root: &Path) -> Option<PathBuf> {
    [root.join("themes/default"), root.join("../themes/default")]
        .into_iter()
        .find(|p| p.join("templates/base.html").is_file())
}

impl Theme {
    pub fn load(root: &Path) -> Result<Theme, Diagnostics> {
        let (sources, statics) = Self::read(root)?;
        Self::compile(sources, statics)
    }

    /// [`Theme::load`], or `previous` itself when the theme's files read the same (compiling
    /// the templates cost each rebuild of the preview several milliseconds).
    pub fn load_reusing(
        root: &Path,
        previous: Option<&Arc<Theme>>,
    ) -> Result<Arc<Theme>, Diagnostics> {
        let (sources, statics) = Self::read(root)?;
        let inputs = fingerprint_inputs(&sources, &statics, true);
        match previous.filter(|p| p.inputs == inputs) {
            Some(p) => Ok(Arc::clone(p)),
            None => Self::compile(sources, statics).map(Arc::new),
        }
    }

    /// The theme's templates (name, text, file) and static files (name, bytes).
    #[allow(clippy::type_complexity)]
    fn read(
        root: &Path,
    ) -> Result<(Vec<(String, String, PathBuf)>, Vec<(String, Vec<u8>)>), Diagnostics> {
        let mut diags = Diagnostics::new();
        let dir = theme_dir(root);
        let overrides = root.join(TEMPLATES_DIR);
        let mut sources: Vec<(String, String, PathBuf)> = Vec::new();
        for &(name, embedded) in EMBEDDED {
            let candidates = [
                Some(overrides.join(name)),
                dir.as_ref().map(|d| d.join("templates").join(name)),
            ];
            let found = candidates.into_iter().flatten().find(|p| is_plain_file(p));
            match found {
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(text) => sources.push((name.to_string(), text, path)),
                    Err(e) => diags.push(
                        Diagnostic::error(format!("无法读取模板：{e}"))
                            .in_file(&path)
                            .hint("请检查文件编码（UTF-8）和权限。"),
                    ),
                },
                None => sources.push((
                    name.to_string(),
                    embedded.to_string(),
                    PathBuf::from(format!("<内置主题>/{name}")),
                )),
            }
        }
        let mut statics = Vec::new();
        for (name, embedded) in EMBEDDED_STATIC {
            // The site's own file (`<root>/static/favicon.svg`) wins over the theme's.
            let on_disk = [
                Some(root.join(STATIC_DIR).join(name)),
                dir.as_ref().map(|d| d.join("static").join(name)),
            ]
            .into_iter()
            .flatten()
            .find(|p| is_plain_file(p));
            let bytes = on_disk
                .and_then(|p| std::fs::read(p).ok())
                .unwrap_or_else(|| embedded.as_bytes().to_vec());
            statics.push((name.to_string(), bytes));
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok((sources, statics))
    }

    fn compile(
        sources: Vec<(String, String, PathBuf)>,
        statics: Vec<(String, Vec<u8>)>,
    ) -> Result<Theme, Diagnostics> {
        let inputs = fingerprint_inputs(&sources, &statics, true);
        let content = fingerprint_inputs(&sources, &statics, false);
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's default also escapes `/` (as `&#x2F;`), which every URL is full of; values are
        // always quoted in our templates, so escaping & < > " ' is all HTML needs.
        tera.set_escape_fn(crate::markdown::escape);
        let raw: Vec<(&str, &str)> = sources
            .iter()
            .map(|(n, t, _)| (n.as_str(), t.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(raw) {
            return Err(template_error(&e, &sources, "模板有错误", PathBuf::new).into());
        }
        template_graph::check(&tera, &sources)?;
        growth::check(&tera, &sources)?;
        tera.register_function("range", budget::range);
        let fingerprints = sources
            .iter()
            .filter_map(|(n, t, _)| Some((static_name(n)?, xxh3_64(t.as_bytes()))))
            .collect();
        let reads = TEMPLATES
            .iter()
            .map(|name| (*name, template_closure(&tera, name)))
            .collect();
        let origins = sources.into_iter().map(|(n, _, p)| (n, p)).collect();
        Ok(Theme {
            tera,
            statics,
            origins,
            fingerprints,
            reads,
            inputs,
            content,
        })
    }

    /// Renders one page through `template`, within the page budget (see [`budget`]).
    pub fn render(&self, template: &str, ctx: &tera::Context) -> tera::Result<String> {
        budget::render(&self.tera, template, ctx)
    }

    pub fn fingerprints(&self) -> &Fingerprints {
        &self.fingerprints
    }

    /// One number for every template and static file (what the build cache was made with).
    pub fn digest(&self) -> u64 {
        self.content
    }

    /// The templates a page rendered through `name` reads (see [`Theme::reads`]).
    pub fn reads(&self, name: &str) -> &[&'static str] {
        self.reads.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn origin(&self, template: &str) -> PathBuf {
        self.origins
            .iter()
            .find(|(n, _)| n == template)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| PathBuf::from(template))
    }
}

/// A file that is no symbolic link: a link in the site's `templates/` or `static/` is not
/// followed (the load stage warns about it), so nothing outside the site is read through it.
fn is_plain_file(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file())
}

fn static_name(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|t| **t == name).copied()
}

/// `name` and every template it extends, imports macros from or includes, transitively, as
/// Tera parsed them.
fn template_closure(tera: &Tera, name: &'static str) -> Vec<&'static str> {
    fn includes(nodes: &[Node], out: &mut Vec<String>) {
        for node in nodes {
            match node {
                Node::Include(_, names, _) => out.extend(names.iter().cloned()),
                Node::Block(_, b, _) => includes(&b.body, out),
                Node::MacroDefinition(_, m, _) => includes(&m.body, out),
                Node::FilterSection(_, f, _) => includes(&f.body, out),
                Node::Forloop(_, f, _) => {
                    includes(&f.body, out);
                    includes(f.empty_body.as_deref().unwrap_or(&[]), out);
                }
                Node::If(i, _) => {
                    for (_, _, body) in &i.conditions {
                        includes(body, out);
                    }
                    includes(i.otherwise.as_ref().map_or(&[][..], |(_, b)| b), out);
                }
                _ => {}
            }
        }
    }
    let mut seen = vec![name];
    let mut at = 0;
    while at < seen.len() {
        if let Ok(t) = tera.get_template(seen[at]) {
            let mut used: Vec<String> = t.parents.clone();
            used.extend(t.imported_macro_files.iter().map(|(file, _)| file.clone()));
            includes(&t.ast, &mut used);
            for macro_def in t.macros.values() {
                includes(&macro_def.body, &mut used);
            }
            for u in used.iter().filter_map(|u| static_name(u)) {
                if !seen.contains(&u) {
                    seen.push(u);
                }
            }
        }
        at += 1;
    }
    seen.sort_unstable();
    seen
}

/// A template fault as an editor reads it: `lead` says which step failed ("模板有错误",
/// "渲染页面 /x 时模板出错"), then the cause in Chinese, placed at its file and line when it can
/// be, with a hint for that cause. `fallback` is the file to name when Tera names none of ours.
pub fn template_error(
    e: &tera::Error,
    sources: &[(String, String, PathBuf)],
    lead: &str,
    fallback: impl FnOnce() -> PathBuf,
) -> Diagnostic {
    let told = tera_message::explain(e, sources);
    let file = if told.file.as_os_str().is_empty() {
        fallback()
    } else {
        told.file
    };
    let d = Diagnostic::error(format!("{lead}：{}", told.text)).hint(told.hint);
    match told.line {
        Some(line) => d.at(&file, line),
        None => d.in_file(&file),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// How tera reads a dotted lookup of plain names (`page.title`, `m.items.0`): split on its
    /// dots, empty pieces skipped, a number indexing an array.
    fn token_by_token<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
        pointer
            .split('.')
            .filter(|t| !t.is_empty())
            .try_fold(value, |target, token| match target {
                Value::Object(map) => map.get(token),
                Value::Array(list) => {
                    let plain =
                        !token.starts_with('+') && (token == "0" || !token.starts_with('0'));
                    list.get(token.parse::<usize>().ok().filter(|_| plain)?)
                }
                _ => None,
            })
    }

    /// The vendored tera reads plain dotted lookups in one pass of its own (see
    /// vendor/tera/JIEDU-PATCH.md): every pointer of up to four pieces gives what reading it
    /// token by token gives (a missing name before a bracket is still missing).
    #[test]
    fn tera_reads_plain_dotted_lookups_token_by_token() {
        let value = json!({
            "a": {"b": [10, {"c": "x"}], "": 1, "0": 2, "01": 3},
            "b": 4,
            "b.c": 5,
        });
        // ASCII only: tera's names are ASCII, and its state machine mistakes character counts
        // for byte offsets in other text (upstream; unchanged here).
        let pieces = ["a", "b", "c", "0", "1", "01", "+1", ".", "..", "x", "_"];
        let mut pointers = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = pointers
                .iter()
                .flat_map(|p| pieces.iter().map(move |piece| format!("{p}{piece}")))
                .collect();
            pointers.extend(longer);
        }
        for p in pointers.iter().filter(|p| !p.is_empty()) {
            assert_eq!(
                tera::dotted_pointer(&value, p),
                token_by_token(&value, p),
                "{p}"
            );
        }
        assert_eq!(tera::dotted_pointer(&value, "a.b.1.c"), Some(&json!("x")));
        assert_eq!(tera::dotted_pointer(&value, "x.[\"b.c\"]"), None);
    }
}
