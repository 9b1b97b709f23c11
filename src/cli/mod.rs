//! One module per command; each turns arguments into a pipeline call and a Chinese report.

pub mod build;
pub mod check;
pub mod compare;
pub mod import;
pub mod inspect;
pub mod new;
pub mod serve;

use jiedu::diagnostics::{Diagnostic, Diagnostics};
use jiedu::model::Site;

/// The site's warnings, with a note when it has no policy yet: a fresh site from `jiedu new`
/// builds, and the editor learns what the empty 政策文件库 means and what to do next.
pub fn warnings_with_notes(
    site: &Site,
    warnings: &Diagnostics,
    root: &std::path::Path,
) -> Diagnostics {
    let mut all = warnings.clone();
    if site.policies.is_empty() {
        all.push(
            Diagnostic::warning("站点还没有政策文件：首页和政策文件库已生成，文件库显示“还没有发布政策文件”")
                .hint(format!(
                    "用 jiedu import 政策原文.docx --root {} 导入第一份政策，或新建政策目录（如 yiliao-gaodi/policy.md），详见《编辑指南》。",
                    root.display()
                )),
        );
    }
    all
}
