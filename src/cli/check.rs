use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use jiedu::clause::{self, outline::OutlineNode, ClauseTree};
use jiedu::diagnostics::{Diagnostics, Severity};
use jiedu::load::{load_site, DocKind};
use jiedu::pipeline::{self, Pipeline, PipelineOptions};
use jiedu::render::RenderOptions;

/// Runs the whole pipeline except writing, so template and link errors are found too.
/// With `json`, prints every policy's clause outline and every diagnostic as one JSON object
/// on stdout (the contract other tools read) instead of the Chinese report.
pub fn run(root: PathBuf, json: bool) -> ExitCode {
    let pipeline = Pipeline::new(PipelineOptions {
        root,
        base_url: None,
        // Nothing is written, so the share images' PNGs need not be drawn.
        render: RenderOptions {
            draw_png: false,
            ..RenderOptions::default()
        },
        search: false,
        use_cache: false,
    });
    let result = pipeline.check();
    if json {
        return print_json(&pipeline.options().root, &result);
    }
    match result {
        Ok(built) => {
            let warnings =
                super::warnings_with_notes(&built.site, &built.warnings, &pipeline.options().root);
            if !warnings.is_empty() {
                eprintln!("{warnings}");
            }
            let site = &built.site;
            let clauses: usize = site
                .policies
                .iter()
                .map(|p| p.nodes.iter().filter(|n| n.is_clause).count())
                .sum();
            let interps: usize = site.policies.iter().map(|p| p.interpretations.len()).sum();
            eprintln!(
                "检查通过：{} 个政策、{} 个任务条款、{} 篇解读、{} 个责任单位，共 {} 个页面。",
                site.policies.len(),
                clauses,
                interps,
                site.units.len(),
                built.pages
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Serialize)]
struct Outline {
    policies: Vec<PolicyOutline>,
    diagnostics: Vec<DiagnosticJson>,
}

#[derive(Serialize)]
struct PolicyOutline {
    slug: String,
    file: String,
    nodes: Vec<OutlineNode>,
}

#[derive(Serialize)]
struct DiagnosticJson {
    severity: &'static str,
    file: Option<String>,
    line: Option<usize>,
    message: String,
    hint: Option<String>,
}

fn absolute(path: &std::path::Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn print_json(root: &std::path::Path, result: &Result<pipeline::Built, Diagnostics>) -> ExitCode {
    let (policies, diags, ok) = match result {
        Ok(built) => (
            built
                .site
                .policies
                .iter()
                .map(|p| policy_outline(&p.slug, &p.source, &p.tree))
                .collect(),
            built.warnings.clone(),
            true,
        ),
        // A site that does not build still has an outline: parse each policy text on its own.
        Err(errors) => (unbuilt_outline(root), errors.clone(), false),
    };
    let outline = Outline {
        policies,
        diagnostics: diags
            .sorted()
            .iter()
            .map(|d| DiagnosticJson {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                file: d.file.as_deref().map(absolute),
                line: d.line,
                message: d.message.clone(),
                hint: d.hint.clone(),
            })
            .collect(),
    };
    match serde_json::to_string_pretty(&outline) {
        Ok(s) => println!("{s}"),
        Err(e) => {
            eprintln!("错误：无法生成 JSON 大纲：{e}");
            return ExitCode::FAILURE;
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn policy_outline(slug: &str, file: &std::path::Path, tree: &ClauseTree) -> PolicyOutline {
    PolicyOutline {
        slug: slug.to_string(),
        file: absolute(file),
        nodes: clause::outline::outline(tree),
    }
}

fn unbuilt_outline(root: &std::path::Path) -> Vec<PolicyOutline> {
    let Ok(source) = load_site(root) else {
        return Vec::new();
    };
    source
        .documents
        .iter()
        .filter(|d| d.kind() == Some(DocKind::Policy))
        .filter_map(|d| {
            let slug = d.bundle.as_deref()?;
            let levels = d.front.levels.as_deref().map(|l| (l, d.line_of("levels")));
            let (tree, _) = clause::parse_with_levels(&d.body, d.body_line, &d.path, levels);
            Some(policy_outline(slug, &d.path, &tree))
        })
        .collect()
}
