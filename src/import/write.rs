//! Chooses the bundle folder and writes `policy.md` into it atomically (temporary file, then
//! rename), never outside the content root and never over an existing bundle unless forced.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use crate::diagnostics::Diagnostic;

/// Slugs are URL segments and folder names: `[a-z0-9-]+`, which also rules out `..` and `/`.
pub fn validate_slug(slug: &str) -> Result<(), Diagnostic> {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(format!(
            "政策包名称「{slug}」不合规：只能使用小写英文字母、数字和 -"
        ))
        .hint(
            "例如 --policy-slug yiliao-gaodi；名称会成为网址的一部分，不能含中文、空格、/ 或 ..。",
        ))
    }
}

/// From the file name when it is ASCII (`001_Policy.txt` → `001-policy`), else `policy-<hash>`.
pub fn default_slug(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mapped: String = stem
        .to_ascii_lowercase()
        .chars()
        .map(|c| if matches!(c, '_' | ' ' | '.') { '-' } else { c })
        .collect();
    let mut slug = String::new();
    for c in mapped.chars() {
        if !(c == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(c);
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if validate_slug(&slug).is_ok() {
        slug
    } else {
        format!("policy-{:08x}", xxh3_64(stem.as_bytes()) as u32)
    }
}

/// Writes `<root>/<slug>/policy.md`; returns its path and whether a bundle was overwritten.
pub fn write_bundle(
    root: &Path,
    slug: &str,
    content: &str,
    force: bool,
) -> Result<(PathBuf, bool), Diagnostic> {
    validate_slug(slug)?;
    let io_err = |what: &str, path: &Path, e: std::io::Error| {
        Diagnostic::error(format!("{what}失败：{e}"))
            .in_file(path)
            .hint("请检查目录是否存在、是否有写入权限。")
    };
    let bundle = root.join(slug);
    let existed = bundle.exists() || bundle.is_symlink();
    if existed && !force {
        return Err(Diagnostic::error(format!("政策包「{slug}」已经存在，未做任何改动"))
            .in_file(&bundle)
            .hint("换一个名称：--policy-slug 新名称；或加 --force 覆盖其中的 policy.md（包里的其他文件不动）。"));
    }
    if existed && !bundle.is_dir() {
        return Err(
            Diagnostic::error("同名的路径已存在但不是目录，无法写入政策包")
                .in_file(&bundle)
                .hint("请换一个 --policy-slug。"),
        );
    }
    fs::create_dir_all(&bundle).map_err(|e| io_err("创建目录", &bundle, e))?;
    let real_root = fs::canonicalize(root).map_err(|e| io_err("读取内容目录", root, e))?;
    let real_bundle = fs::canonicalize(&bundle).map_err(|e| io_err("读取目录", &bundle, e))?;
    if real_bundle.parent() != Some(real_root.as_path()) {
        return Err(
            Diagnostic::error("政策包目录指向了内容目录之外（符号链接），拒绝写入")
                .in_file(&bundle)
                .hint("请删除这个符号链接，或换一个 --policy-slug。"),
        );
    }
    let target = bundle.join("policy.md");
    let tmp = bundle.join(format!(".policy.md.import-{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io_err("写入 policy.md ", &target, e));
    }
    Ok((target, existed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked_and_derived() {
        assert!(validate_slug("yiliao-gaodi").is_ok());
        for bad in ["", "../etc", "a/b", "Yiliao", "医疗", "a b", ".."] {
            assert!(validate_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(
            default_slug(Path::new("seeds/001_ac1ff4ea6668311b.txt")),
            "001-ac1ff4ea6668311b"
        );
        assert_eq!(default_slug(Path::new("My Policy.docx")), "my-policy");
        let chinese = default_slug(Path::new("关于医疗高地的意见.docx"));
        assert!(
            chinese.starts_with("policy-") && chinese.len() == 15,
            "{chinese}"
        );
        assert_eq!(
            chinese,
            default_slug(Path::new("x/关于医疗高地的意见.docx"))
        );
    }
}
