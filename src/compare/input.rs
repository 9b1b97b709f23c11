//! Reads either side of a comparison: a raw document (whatever `import` reads) or a policy
//! bundle (`<slug>/` or its `policy.md`), into a title and a clause tree.

use std::path::{Path, PathBuf};

use crate::clause::{self, ClauseTree};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::front_matter;

pub fn read_policy(path: &Path) -> Result<(String, ClauseTree), Diagnostics> {
    let bundle_file: Option<PathBuf> = if path.is_dir() {
        Some(path.join("policy.md"))
    } else if path.extension().is_some_and(|e| e == "md") {
        Some(path.to_path_buf())
    } else {
        None
    };
    let Some(file) = bundle_file else {
        return crate::import::read_tree(path);
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Diagnostic::error(format!("无法读取政策文件：{e}"))
            .in_file(&file)
            .hint("请确认路径是政策原文文件，或含 policy.md 的政策包目录。")
    })?;
    let Some(split) = front_matter::split(&text) else {
        return Err(Diagnostic::error("policy.md 开头没有以 --- 包围的元数据（front matter）")
            .in_file(&file)
            .hint("政策包的 policy.md 应以 --- 开头写 title 等元数据；原文文件请直接给 .txt/.docx。")
            .into());
    };
    let title = split
        .yaml
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
        .unwrap_or_else(|| file.display().to_string());
    let (tree, _) = clause::parse(split.body, split.body_line, &file);
    Ok((title, tree))
}
