//! Stage 1, load: walk a site root, read `jiedu.yaml`, split every content file into front
//! matter and body. Entry point: [`load_site`].

pub mod fields;
pub mod formats;
pub mod front_matter;
pub mod kind;
mod yaml_errors;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{Config, CONFIG_FILE};
use crate::diagnostics::{Diagnostic, Diagnostics};
pub use front_matter::FrontMatter;
pub use kind::{DocKind, Kind};
pub use yaml_errors::yaml_error;

/// Folder of standalone pages (editors' guide, about, …) in a site root.
pub const PAGES_DIR: &str = "pages";
/// Folder of site-specific template overrides in a site root.
pub const TEMPLATES_DIR: &str = "templates";
/// Folder of site files that replace the theme's static files (e.g. the site's own favicon.svg).
pub const STATIC_DIR: &str = "static";

#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path as shown to editors: the site root as given, joined with the file's relative path.
    pub path: PathBuf,
    /// The policy bundle (top-level folder) the file lives in; `None` for standalone pages.
    pub bundle: Option<String>,
    /// Path inside the bundle, with `/` separators, e.g. `progress/jishuitan.md`.
    pub rel: String,
    pub front: FrontMatter,
    pub yaml: String,
    pub yaml_line: usize,
    pub body: String,
    pub body_line: usize,
}

impl SourceDoc {
    /// What the file is, by its `kind:`; None for a kind jiedu does not know.
    pub fn kind(&self) -> Option<DocKind> {
        DocKind::parse(self.front.kind.trim())
    }

    /// The line of the first YAML line containing `needle` (for values serde has no position for).
    pub fn line_of(&self, needle: &str) -> usize {
        self.yaml
            .lines()
            .position(|l| l.contains(needle))
            .map_or(self.yaml_line, |i| self.yaml_line + i)
    }
}

/// A non-Markdown file in a bundle, copied beside the bundle's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub source: PathBuf,
    pub bundle: String,
    /// Path inside the bundle, `/`-separated.
    pub rel: String,
}

#[derive(Debug, Clone)]
pub struct SourceSite {
    pub root: PathBuf,
    pub config: Config,
    /// Shared with the previous load of `jiedu serve` when the file did not change.
    pub documents: Vec<Arc<SourceDoc>>,
    pub assets: Vec<Asset>,
    /// Problems found while loading; the model stage adds its own and fails on any error.
    pub diagnostics: Diagnostics,
    /// Bundles with a file that could not be read or parsed: their other problems may be
    /// consequences of it, so the model reports only the cause.
    pub unreadable_bundles: std::collections::BTreeSet<String>,
}

/// True for folder names a URL may carry: lowercase ASCII letters, digits and `-`.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_hidden_or_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('_')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

/// A file's size and modification time, as it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// The documents of a load, each with the stamp of its file: the next load of the same site
/// reads again only files whose size or modification time changed (`jiedu serve`, after a
/// save).
#[derive(Debug, Clone, Default)]
pub struct LoadCache {
    docs: rustc_hash::FxHashMap<PathBuf, (Stamp, Arc<SourceDoc>)>,
    /// What the last walk of the tree found, for a load told which files changed.
    walked: Option<Arc<Walked>>,
}

/// The files a walk of the content tree found.
#[derive(Debug)]
struct Walked {
    md: Vec<FoundDoc>,
    assets: Vec<Asset>,
    diags: Diagnostics,
    /// Every path found (absolute, as walked), Markdown and assets.
    known: rustc_hash::FxHashSet<PathBuf>,
}

impl Walked {
    fn new(root: &Path) -> Self {
        let (md, assets, diags) = walk(root);
        let known = md
            .iter()
            .map(|(rel, _)| root.join(rel))
            .chain(assets.iter().map(|a| a.source.clone()))
            .collect();
        Walked {
            md,
            assets,
            diags,
            known,
        }
    }

    /// Whether a change at `path` leaves the tree as walked: a file the walk found that is
    /// still a plain file, the config, or nothing under the root. A new, removed or renamed
    /// file, or a folder, needs a walk.
    fn still_holds(&self, root: &Path, canonical_root: Option<&Path>, path: &Path) -> bool {
        let Some(rel) = relative_to_root(root, canonical_root, path) else {
            return true; // the theme, outside the content tree
        };
        if rel == Path::new(CONFIG_FILE) {
            return true; // read on every load
        }
        let file = root.join(rel);
        self.known.contains(&file)
            && std::fs::symlink_metadata(&file).is_ok_and(|m| m.file_type().is_file())
    }
}

/// `path` relative to the site root, which the watcher may name as given or canonical.
fn relative_to_root<'p>(
    root: &Path,
    canonical_root: Option<&Path>,
    path: &'p Path,
) -> Option<&'p Path> {
    path.strip_prefix(root)
        .ok()
        .or_else(|| canonical_root.and_then(|c| path.strip_prefix(c).ok()))
}

pub fn load_site(root: &Path) -> Result<SourceSite, Diagnostics> {
    load_site_reusing(root, &LoadCache::default(), None).map(|(site, _)| site)
}

/// [`load_site`], taking unchanged documents from `previous` instead of reading them.
///
/// `changed`: the files changed since `previous` was loaded, when a watcher says so. When each
/// of them is a file the previous walk found, the tree is not walked again and only they are
/// looked at (on a large site the walk and a look at every file took most of a rebuild);
/// otherwise, and with `None`, every file is walked and its size and time compared.
pub fn load_site_reusing(
    root: &Path,
    previous: &LoadCache,
    changed: Option<&[PathBuf]>,
) -> Result<(SourceSite, LoadCache), Diagnostics> {
    let mut diags = Diagnostics::new();
    if !root.is_dir() {
        return Err(Diagnostic::error(format!("站点目录「{}」不存在", root.display()))
            .hint("请用 --root 指定含有 jiedu.yaml 的站点目录，或在项目根目录下运行（默认使用 content/）。")
            .into());
    }
    let mut t = crate::timing::Phases::new("load");
    let config = load_config(root);
    let canonical_root = root.canonicalize().ok();
    let hinted: Option<HashSet<PathBuf>> = match (changed, &previous.walked) {
        (Some(paths), Some(w))
            if !paths.is_empty()
                && paths
                    .iter()
                    .all(|p| w.still_holds(root, canonical_root.as_deref(), p)) =>
        {
            Some(
                paths
                    .iter()
                    .filter_map(|p| relative_to_root(root, canonical_root.as_deref(), p))
                    .map(Path::to_path_buf)
                    .collect(),
            )
        }
        _ => None,
    };
    let walked = match (&hinted, &previous.walked) {
        (Some(_), Some(w)) => Arc::clone(w),
        _ => Arc::new(Walked::new(root)),
    };
    let (md_files, assets) = (&walked.md, walked.assets.clone());
    t.step("walk");
    diags.extend(walked.diags.clone());
    type Read = Result<(Option<Stamp>, Arc<SourceDoc>), Diagnostics>;
    let results: Vec<Read> = md_files
        .par_iter()
        .map(|(rel, bundle)| {
            let old = previous.docs.get(rel);
            // Told what changed: any other file is as it was.
            if let (Some(hinted), Some((stamp, doc))) = (&hinted, old) {
                if !hinted.contains(rel) && doc.bundle == *bundle {
                    return Ok((Some(*stamp), Arc::clone(doc)));
                }
            }
            let stamp = Stamp::of(&root.join(rel));
            match old {
                Some((old, doc)) if Some(*old) == stamp && doc.bundle == *bundle => {
                    Ok((stamp, Arc::clone(doc)))
                }
                _ => read_doc(root, rel, bundle.clone()).map(|d| (stamp, Arc::new(d))),
            }
        })
        .collect();
    t.step("read");
    let mut documents = Vec::new();
    let mut cache = LoadCache {
        docs: Default::default(),
        walked: Some(Arc::clone(&walked)),
    };
    let mut unreadable_bundles = std::collections::BTreeSet::new();
    for ((rel, bundle), r) in md_files.iter().zip(results) {
        match r {
            Ok((stamp, d)) => {
                if let Some(stamp) = stamp {
                    cache.docs.insert(rel.clone(), (stamp, Arc::clone(&d)));
                }
                documents.push(d);
            }
            Err(e) => {
                unreadable_bundles.extend(bundle.clone());
                diags.extend(e);
            }
        }
    }
    let config = match config {
        Ok(c) => {
            diags.extend(raw_html_notice(root, &c).into_iter().collect());
            Some(c)
        }
        Err(e) => {
            diags.push(e);
            None
        }
    };
    // Only a missing or broken config stops here; other problems travel on with the source so
    // the model stage can report its own in the same run.
    match config {
        Some(config) => Ok((
            SourceSite {
                root: root.to_path_buf(),
                config,
                documents,
                assets,
                diagnostics: diags,
                unreadable_bundles,
            },
            cache,
        )),
        None => Err(diags),
    }
}

fn load_config(root: &Path) -> Result<Config, Diagnostic> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read(&path).map_err(|_| {
        Diagnostic::error(format!("找不到站点配置文件 {CONFIG_FILE}"))
            .in_file(&path)
            .hint("站点目录下需要 jiedu.yaml，至少写明 name（站点名称）、base_url（发布网址）和 publisher（主办单位）。")
    })?;
    let text = decode_utf8(&path, text)?;
    let config: Config =
        serde_yaml::from_str(&text).map_err(|e| yaml_error(&path, &e, &text, 1))?;
    if let Some(problem) = config.base_url_problem() {
        let line = ["base_url", "网址"]
            .iter()
            .find_map(|k| fields::key_line(&text, k))
            .map_or(1, |i| i + 1);
        return Err(base_url_error(&config.base_url, problem).at(&path, line));
    }
    Ok(config)
}

/// One error for a `base_url` that is not an address, instead of one per link built from it.
pub fn base_url_error(url: &str, problem: &str) -> Diagnostic {
    Diagnostic::error(format!("发布网址 base_url「{url}」{problem}"))
        .hint("请写成站点发布的完整网址，如 base_url: \"https://www.example.gov.cn/zhengce/\"；本地预览用 jiedu serve，无需修改。")
}

/// A site that keeps raw HTML is told so once per build, at the line that turned it on.
fn raw_html_notice(root: &Path, config: &Config) -> Option<Diagnostic> {
    if !config.raw_html {
        return None;
    }
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let line = text
        .lines()
        .position(|l| {
            l.trim_start().starts_with("raw_html") || l.trim_start().starts_with("允许原始HTML")
        })
        .map_or(1, |i| i + 1);
    Some(
        Diagnostic::warning("已开启 raw_html：Markdown 正文中的原始 HTML 将原样发布，不做安全过滤")
            .at(&path, line)
            .hint("只有全部编辑都可信、确需嵌入 HTML 的站点才应开启；删去 raw_html 即恢复默认的安全过滤。"),
    )
}

/// A Markdown file found by the walk: its path relative to the root, and its bundle.
type FoundDoc = (PathBuf, Option<String>);

/// Walks the site root in sorted order. Returns the Markdown files with their bundle, and assets.
fn walk(root: &Path) -> (Vec<FoundDoc>, Vec<Asset>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut md = Vec::new();
    let mut assets = Vec::new();
    // Hidden and temporary folders are not content; one holding Markdown was most likely meant
    // to be (a policy folder named `...` or `_新政策`), so it is named instead of dropped unseen.
    let mut skipped = Vec::new();
    let walker = WalkDir::new(root)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            let is_dir = e.file_type().is_dir();
            let is_template_dir =
                e.depth() == 1 && is_dir && (name == TEMPLATES_DIR || name == STATIC_DIR);
            let hidden = is_hidden_or_temp(&name);
            if hidden && is_dir && holds_markdown(e.path()) {
                skipped.push(e.path().to_path_buf());
            }
            !hidden && !is_template_dir
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            // An unreadable folder would silently drop its pages: an error with its path.
            Err(e) => {
                let reason = e
                    .io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string());
                let error = Diagnostic::error(format!("无法读取：{reason}")).hint(
                    "请检查权限：jiedu 需要读取站点目录中的每个文件和目录；不想发布的内容请移出站点目录。",
                );
                diags.push(match e.path() {
                    Some(path) => error.in_file(path),
                    None => error,
                });
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_path_buf();
        let mut parts = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string());
        let top = parts.next().unwrap_or_default();
        if entry.file_type().is_dir() {
            if entry.depth() == 1 && top != PAGES_DIR && !is_valid_slug(&top) {
                diags.push(
                    Diagnostic::error(format!("政策目录名「{top}」不能用作网址"))
                        .in_file(&root.join(&rel))
                        .hint("目录名只能用小写英文字母、数字和连字符，例如 yiliao-gaodi。"),
                );
            }
            continue;
        }
        if top != PAGES_DIR && !is_valid_slug(&top) && entry.depth() > 1 {
            continue; // its folder was reported above
        }
        if entry.file_type().is_symlink() {
            // Not followed (the build reads only what lies inside the root, and the preview
            // does not watch it), but said, so that no page goes missing unexplained.
            diags.push(
                Diagnostic::warning("这是一个符号链接，jiedu 不读取它指向的内容")
                    .in_file(entry.path())
                    .hint("要发布的文件请直接放进站点目录（复制，而不是链接）。"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue; // sockets, pipes and devices are no content
        }
        let is_md = rel.extension().is_some_and(|e| e == "md");
        if entry.depth() == 1 {
            if is_md {
                diags.push(
                    Diagnostic::warning("站点根目录下的 Markdown 文件不会被发布")
                        .in_file(&root.join(&rel))
                        .hint("政策文件请放进政策目录（如 content/yiliao-gaodi/），独立页面请放进 content/pages/。"),
                );
            }
            continue;
        }
        let bundle = (top != PAGES_DIR).then(|| top.clone());
        if is_md {
            md.push((rel, bundle));
        } else if let Some(bundle) = bundle {
            let inner: Vec<String> = parts.collect();
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                bundle,
                rel: inner.join("/"),
            });
        }
    }
    // The theme folders are read by name, not walked; a link there is not followed either
    // (see `render::theme`), and said, like any link in the content.
    for dir in [STATIC_DIR, TEMPLATES_DIR] {
        let links = WalkDir::new(root.join(dir))
            .min_depth(1)
            .max_depth(4)
            .sort_by_file_name()
            .into_iter()
            .take(10_000)
            .filter_map(Result::ok)
            .filter(|e| e.path_is_symlink());
        for link in links {
            diags.push(
                Diagnostic::warning("这是一个符号链接，jiedu 不读取它指向的内容")
                    .in_file(link.path())
                    .hint("要发布的文件请直接放进站点目录（复制，而不是链接）。"),
            );
        }
    }
    for dir in skipped {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        diags.push(
            Diagnostic::warning(format!(
                "目录「{name}」的名称以 . 或 _ 开头（或是临时文件名），jiedu 跳过了它，其中的 Markdown 文件不会发布"
            ))
            .in_file(&dir)
            .hint("要发布其中的内容，请把目录改名为小写英文字母、数字和连字符组成的名称，例如 yiliao-gaodi；草稿请移出站点目录。"),
        );
    }
    (md, assets, diags)
}

/// Whether a folder holds a Markdown file within a few levels (bounded: a skipped folder may
/// be large, e.g. `.git`).
fn holds_markdown(dir: &Path) -> bool {
    WalkDir::new(dir)
        .max_depth(3)
        .into_iter()
        .take(10_000)
        .filter_map(Result::ok)
        .any(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
}

fn read_doc(root: &Path, rel: &Path, bundle: Option<String>) -> Result<SourceDoc, Diagnostics> {
    let path = root.join(rel);
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::error(format!("无法读取文件：{e}"))
            .in_file(&path)
            .hint("请检查文件是否存在、是否有读取权限。")
    })?;
    let text = decode_utf8(&path, bytes)?;
    let Some(split) = front_matter::split(&text) else {
        return Err(Diagnostic::error("文件开头缺少前置元数据（front matter）").at(&path, 1).hint(
            "每个内容文件都以 --- 开头、以 --- 结束一段 YAML，例如：\n    ---\n    kind: qa\n    title: 简明问答解读：……\n    ---",
        ).into());
    };
    let yaml = front_matter::quote_clause_ids(split.yaml);
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml)
        .map_err(|e| Diagnostics::from(yaml_error(&path, &e, split.yaml, split.yaml_line)))?;
    let misplaced: Diagnostics = fields::check_fields(&value, split.yaml, split.yaml_line, &path)
        .into_iter()
        .collect();
    if !misplaced.is_empty() {
        return Err(misplaced);
    }
    // The front matter is read from the value parsed above rather than parsed a second time
    // (the YAML parser was two thirds of the load stage's instructions). Where the value does
    // not fit (a number written for a text field, which the text parser reads as text) or
    // the front matter is wrong, the text is parsed as before, for the same result and the
    // same message with its line.
    let front: FrontMatter = match serde_yaml::from_value(value) {
        Ok(front) => front,
        Err(_) => serde_yaml::from_str(&yaml)
            .map_err(|e| Diagnostics::from(yaml_error(&path, &e, split.yaml, split.yaml_line)))?,
    };
    let inner = rel
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/");
    Ok(SourceDoc {
        path,
        bundle,
        rel: inner,
        front,
        yaml: split.yaml.to_string(),
        yaml_line: split.yaml_line,
        body: split.body.to_string(),
        body_line: split.body_line,
    })
}

/// Content must be UTF-8; a GBK file gets a hint instead of garbled pages.
fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Diagnostic::error("文件不是 UTF-8 编码（可能是 GBK/GB18030）")
            .at(path, line)
            .hint(
                "请在编辑器中另存为 UTF-8；原始公文可用 jiedu import 导入，它会自动识别 GBK 编码。",
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(front: &str) -> Result<SourceDoc, Diagnostics> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("doc.md"),
            format!("---\n{front}---\n正文。\n"),
        )
        .unwrap();
        read_doc(dir.path(), Path::new("doc.md"), None)
    }

    /// The typed front matter is read from the parsed value; a number written for a text field
    /// does not fit that value, and is still read as the text it is written as.
    #[test]
    fn a_number_for_a_text_field_is_read_as_written() {
        let doc = read("kind: qa\ntitle: 2024\n索引号: 007\nsummary: 1.50\n").unwrap();
        assert_eq!(doc.front.title.as_deref(), Some("2024"));
        assert_eq!(doc.front.index_number.as_deref(), Some("007"));
        assert_eq!(doc.front.summary.as_deref(), Some("1.50"));
    }

    /// A front matter of the wrong shape is still reported as the text parser reports it: the
    /// same message, at the line in the file where the wrong value is.
    #[test]
    fn a_wrong_field_type_is_reported_as_the_text_parser_reports_it() {
        let yaml = "kind: qa\ntitle: 问答\ncites:\n  nested: map\n";
        let errors = read(yaml).unwrap_err();
        let e =
            serde_yaml::from_str::<FrontMatter>(&front_matter::quote_clause_ids(yaml)).unwrap_err();
        let expected = yaml_error(Path::new("doc.md"), &e, yaml, 2);
        let got: Vec<_> = errors.iter().collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].message, expected.message);
        assert_eq!(got[0].line, expected.line);
        assert!(got[0].line.is_some_and(|l| l >= 3), "{:?}", got[0].line);
    }
}
