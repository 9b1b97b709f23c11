//! `jiedu import`: turns a raw policy document (`.txt` in UTF-8/GBK, `.docx`, `.pdf`, `.ofd`,
//! or `.doc`/`.wps`/`.odt` through LibreOffice) into a policy
//! bundle `<root>/<slug>/policy.md` that `jiedu build` reads.
//!
//! read ([`source`]) → drop page noise ([`noise`]) → front matter from head and signature
//! ([`meta`]) → join broken paragraphs ([`repair`]) → Markdown body ([`structure`]) → check with
//! the clause parser → write ([`write`]) and report ([`report`]).

pub mod decode;
pub mod docx;
pub mod docx_numbering;
pub mod flat_table;
pub mod frontmatter;
pub mod meta;
pub mod noise;
pub mod ofd;
pub mod office;
pub mod outline;
pub mod pdf;
pub mod repair;
pub mod report;
pub mod source;
pub mod structure;
pub mod toc;
pub mod write;

use std::path::{Path, PathBuf};

use crate::clause::{self, ClauseTree};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub use report::{Counts, ImportReport};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub file: PathBuf,
    /// Site root holding the policy bundles (`content` by default).
    pub root: PathBuf,
    /// Bundle folder name; derived from the file name when `None`.
    pub slug: Option<String>,
    /// Replace the `policy.md` of an existing bundle.
    pub force: bool,
}

const SNIPPET_CHARS: usize = 24;

pub fn import(opts: &ImportOptions) -> Result<ImportReport, Diagnostics> {
    let slug = match &opts.slug {
        Some(s) => {
            write::validate_slug(s)?;
            s.clone()
        }
        None => write::default_slug(&opts.file),
    };
    let mut src = source::read(&opts.file)?;
    // First: the bare row numbers of a flattened task table would read as page numbers.
    let flat_tables = flat_table::rebuild(&mut src.lines);
    // Before noise: a bare `1` before `．需求…` is a label cut off its line, not a page number.
    src.lines = repair::glue_fragments(&src.lines);
    let dropped = noise::remove_noise(&mut src.lines);
    let meta = meta::extract(&mut src.lines);
    let mut repaired = repair::repair(&src.lines);
    let contents = toc::remove(&mut repaired.paras);
    if repaired.paras.is_empty() {
        return Err(Diagnostic::error("除标题、文号等信息外没有找到正文")
            .in_file(&opts.file)
            .hint("请确认文件里有政策正文。")
            .into());
    }
    let body = structure::build(&repaired.paras);

    let file_stem = opts
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = meta.title.clone().unwrap_or_else(|| file_stem.clone());
    let front = frontmatter::render(&meta, &title);
    let content = format!("{front}\n{}", body.markdown);

    let output = opts.root.join(&slug).join("policy.md");
    let first_line = front.lines().count() + 2;
    let (tree, parse_diags) = clause::parse(&body.markdown, first_line, &output);

    let mut report = ImportReport {
        source: opts.file.clone(),
        encoding: src.encoding.clone(),
        unit: src.unit,
        metadata: metadata_rows(&meta, &title),
        counts: counts(&tree, &body),
        outline: outline::lines(&tree),
        joined: repaired.joins,
        wrapped: repaired.wrapped,
        dropped,
        ..ImportReport::default()
    };
    report.suspicious = suspicious(&meta, &tree, &body, &src, parse_diags, &opts.file);
    if flat_tables > 0 {
        report.suspicious.push(format!(
            "有 {flat_tables} 个任务分工表是逐格分行的文字（网页或 PDF 复制），已按表头和序号重建为表格；合并单元格按“沿用上一行”处理，请核对各行的单位与时限。"
        ));
    }
    if let Some(c) = &contents {
        report.suspicious.push(format!(
            "第 {}–{} 行是目录（列出的 {} 个标题在正文中再次出现），已从正文中删去；请核对正文的标题是否完整。",
            c.first_line, c.last_line, c.entries
        ));
    }
    for (line, text) in &body.annexes {
        report.suspicious.push(format!(
            "第 {line} 行「{text}」是附件的标题，其后的编号从头开始，已把它作为最高一级的标题，附件中的条目归在它下面；请核对。"
        ));
    }
    report.to_fill = to_fill(&meta);

    let (written, overwritten) = write::write_bundle(&opts.root, &slug, &content, opts.force)?;
    report.output = written;
    report.overwritten = overwritten;
    Ok(report)
}

/// The clause tree of a raw document as `import` would write it, without writing anything —
/// for `jiedu compare`, which must see the same outline `import` produces.
pub fn read_tree(file: &Path) -> Result<(String, ClauseTree), Diagnostics> {
    let mut src = source::read(file)?;
    flat_table::rebuild(&mut src.lines);
    src.lines = repair::glue_fragments(&src.lines);
    noise::remove_noise(&mut src.lines);
    let meta = meta::extract(&mut src.lines);
    let mut repaired = repair::repair(&src.lines);
    toc::remove(&mut repaired.paras);
    let body = structure::build(&repaired.paras);
    let title = meta.title.clone().unwrap_or_else(|| {
        file.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let (tree, _) = clause::parse(&body.markdown, 1, file);
    Ok((title, tree))
}

fn metadata_rows(meta: &meta::Meta, title: &str) -> Vec<(&'static str, String)> {
    let missing = || "（未识别）".to_string();
    let title = if meta.title.is_some() {
        title.to_string()
    } else {
        format!("{title}（未识别出标题，暂用文件名）")
    };
    vec![
        ("标题", title),
        ("文号", meta.doc_number.clone().unwrap_or_else(missing)),
        ("发文机关", meta.issuer.clone().unwrap_or_else(missing)),
        ("主送", meta.addressee.clone().unwrap_or_else(missing)),
        ("成文日期", meta.signed.clone().unwrap_or_else(missing)),
        (
            "附注",
            meta.note.clone().unwrap_or_else(|| "（无）".to_string()),
        ),
    ]
}

fn counts(tree: &ClauseTree, body: &structure::Body) -> Counts {
    let nodes = tree.walk();
    Counts {
        parts: tree.roots.iter().filter(|n| !n.is_clause).count(),
        groups: nodes.iter().filter(|n| !n.is_clause && n.depth > 0).count(),
        clauses: nodes.iter().filter(|n| n.is_clause).count(),
        unit_notes: nodes.iter().filter(|n| !n.units.is_empty()).count(),
        tables: body.tables,
        boxes: body.boxes.len(),
    }
}

fn snippet(text: &str) -> String {
    let mut s: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        s.push('…');
    }
    s
}

fn suspicious(
    meta: &meta::Meta,
    tree: &ClauseTree,
    body: &structure::Body,
    src: &source::Source,
    parse_diags: Diagnostics,
    file: &Path,
) -> Vec<String> {
    let mut out = Vec::new();
    let u = src.unit;
    if meta.title.is_none() {
        out.push("未识别出标题，已暂用文件名作标题（title）。".to_string());
    }
    for (what, missing) in [
        ("文号（doc_number）", meta.doc_number.is_none()),
        ("发文机关（issuer）", meta.issuer.is_none()),
        ("成文日期（signed）", meta.signed.is_none()),
    ] {
        if missing {
            out.push(format!("未识别出{what}，请核对原文后补充。"));
        }
    }
    for (line, text) in &meta.unplaced {
        out.push(format!(
            "{}:{line}：开头的「{}」不是标题、文号或主送，已保留在正文开头。",
            file.display(),
            snippet(text)
        ));
    }
    if src.removed_controls > 0 {
        out.push(format!(
            "删除了 {} 个不可见的控制字符。",
            src.removed_controls
        ));
    }
    if src.rebuilt_numbers > 0 {
        out.push(format!(
            "有 {} 段使用了 Word 自动编号，已按文档的编号定义（numbering.xml）把编号写回文字，请核对编号是否与 Word 中显示的一致。",
            src.rebuilt_numbers
        ));
    }
    if src.auto_numbered > 0 {
        out.push(format!(
            "有 {} 段使用了 Word 自动编号，但其编号定义无法识别，导入后这些段落没有编号；请在 Word 中把编号转为文本后重新导入，或在 policy.md 中补上。",
            src.auto_numbered
        ));
    }
    for d in parse_diags.sorted().iter() {
        out.push(format!("{}：{}", d.location(), d.message));
    }
    // Clauses without units among clauses with units are the verifier's (in `parse_diags`).
    if tree.clauses().is_empty() {
        out.push("没有找到任务条款（如“1.”“第一条”）；正文已原样写入。".to_string());
    }
    for b in &body.boxes {
        out.push(format!(
            "第 {} {u}的专栏「{}」含 {} 项内容，请核对专栏在哪里结束。",
            b.line,
            snippet(&b.title),
            b.items
        ));
    }
    for p in &tree.closing {
        out.push(format!(
            "policy.md 第 {} 行：文末的「{}」不是落款、日期或附注，已保留在正文末尾。",
            p.line,
            snippet(&p.text)
        ));
    }
    out
}

fn to_fill(meta: &meta::Meta) -> Vec<String> {
    let mut out = Vec::new();
    if meta.addressee.is_none() {
        out.push("主送（addressee，原文未识别）".to_string());
    }
    out.push(
        "发布日期（published）、索引号（index_number）、主题分类（topic）——原文中没有".to_string(),
    );
    out.push(format!(
        "有效性（validity）已默认写为「{}」，请核对",
        frontmatter::DEFAULT_VALIDITY
    ));
    out
}
