//! The pre-inspection report (`jiedu check --inspect`): what a 政府网站 / 政务公开 inspection
//! would find on the built site, each finding with its file and line, the rule it comes from
//! and how to fix it, plus a per-policy summary for the editors planning the next 解读.
//! Entry points: [`inspect`] for a site that built, [`unbuilt`] for one that did not.

pub mod html;
mod lifecycle;
mod media;
mod metadata;
pub mod rules;
mod source;
mod summary;
mod terms;
mod timing;
mod written;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostics::{Diagnostics, Severity};
use crate::model::Site;
pub use rules::Rule;
pub use summary::PolicySummary;

/// One thing an inspection would mark down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub message: String,
    /// How to fix it, in the editor's terms.
    pub fix: String,
}

impl Finding {
    fn at(rule: Rule, file: &Path, line: usize, message: String, fix: impl Into<String>) -> Self {
        Finding {
            rule,
            file: Some(file.to_path_buf()),
            line: Some(line),
            message,
            fix: fix.into(),
        }
    }

    /// `file:line`, or nothing for a finding about the whole site.
    pub fn location(&self) -> String {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => format!("{}:{l}", f.display()),
            (Some(f), None) => f.display().to_string(),
            _ => String::new(),
        }
    }
}

/// A link that leaves the site, as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExternalLink {
    pub href: String,
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub site: String,
    pub findings: Vec<Finding>,
    pub external_links: Vec<ExternalLink>,
    pub policies: Vec<PolicySummary>,
    /// The ordinary warnings of `jiedu check`, shown beside the findings.
    pub warnings: Vec<String>,
    /// Whether the site built; when it did not, only the build errors are findings.
    pub built: bool,
}

/// Inspects a site that built: the model is all it needs, plus today's date for the
/// validity checks.
pub fn inspect(site: &Site, warnings: &Diagnostics) -> Report {
    let settings = &site.config.inspection;
    let mut findings = Vec::new();
    findings.extend(timing::check(site, settings.sync_days));
    findings.extend(written::check(site));
    findings.extend(lifecycle::check(site, crate::load::formats::today()));
    findings.extend(metadata::check(site));
    let (media_findings, external_links) = media::check(site);
    findings.extend(media_findings);
    findings.extend(terms::check(site, &settings.terms));
    findings.sort_by(|a, b| {
        let rank = |r: &Rule| rules::ALL.iter().position(|x| x.id == r.id);
        (rank(&a.rule), &a.file, a.line).cmp(&(rank(&b.rule), &b.file, b.line))
    });
    Report {
        site: site.config.name.clone(),
        findings,
        external_links,
        policies: summary::summarise(site),
        warnings: warnings
            .clone()
            .sorted()
            .iter()
            .map(|d| d.to_string())
            .collect(),
        built: true,
    }
}

/// A site that did not build: its errors are the findings (a broken internal link is one of
/// them), since nothing else can be inspected until they are fixed.
pub fn unbuilt(errors: &Diagnostics) -> Report {
    let errors = errors.clone().sorted();
    let findings = errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| Finding {
            rule: if d.message.contains("链接") || d.message.contains("锚点") {
                rules::LINKS
            } else {
                rules::BUILD
            },
            file: d.file.clone(),
            line: d.line,
            message: d.message.clone(),
            fix: d
                .hint
                .clone()
                .unwrap_or_else(|| "按错误说明修改后再检查。".into()),
        })
        .collect();
    Report {
        findings,
        warnings: errors
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.to_string())
            .collect(),
        ..Report::default()
    }
}

impl std::fmt::Display for Report {
    /// The terminal form: each finding with its place, rule, fix and source.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total = self.findings.len();
        for (i, x) in self.findings.iter().enumerate() {
            writeln!(f, "[{}/{total}] 【{}】{}", i + 1, x.rule.name, x.location())?;
            writeln!(f, "    问题：{}", x.message)?;
            writeln!(f, "    修改：{}", x.fix)?;
            writeln!(f, "    依据：{}", x.rule.source)?;
        }
        if !self.external_links.is_empty() {
            writeln!(
                f,
                "外部链接 {} 个（页面上标有“将离开本站”，请核对对方网站是否可靠、仍可访问）：",
                self.external_links.len()
            )?;
            for l in &self.external_links {
                writeln!(f, "    {}:{}  {}", l.file.display(), l.line, l.href)?;
            }
        }
        if total == 0 {
            write!(f, "检查通过：未发现检查项问题。")
        } else {
            write!(f, "共 {total} 项检查发现。")
        }
    }
}
