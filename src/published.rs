//! URLs are a promise: every build records the URLs it published in the output
//! (`/.jiedu/urls.txt`), and a build that would no longer publish one of them says which, so
//! a renamed folder or a deleted interpretation shows before it breaks links already shared.

use std::collections::BTreeSet;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Where in the output the list lives.
pub const URL_LIST: &str = ".jiedu/urls.txt";

/// The URL paths of the HTML pages among `paths` (output files), sorted, one per line, in the
/// form editors write in `aliases:` (`/yiliao-gaodi/expert/`).
pub fn url_list<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let urls: BTreeSet<String> = paths
        .filter(|p| p.ends_with(".html") && *p != "404.html")
        .map(|p| match p.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{p}"),
        })
        .collect();
    let mut out = String::new();
    for u in urls {
        out.push_str(&u);
        out.push('\n');
    }
    out
}

/// A warning for each URL the previous build in `output` published that `list` lacks.
pub fn dropped(output: &Path, list: &str) -> Diagnostics {
    let Ok(previous) = std::fs::read_to_string(output.join(URL_LIST)) else {
        return Diagnostics::new();
    };
    let now: BTreeSet<&str> = list.lines().collect();
    previous
        .lines()
        .filter(|u| !u.is_empty() && !now.contains(u))
        .map(|u| {
            Diagnostic::warning(format!("上次发布的网址 {u} 这次不再生成，已分享的链接会失效"))
                .hint(format!(
                    "页面改名或移动了的，请在它现在的文件的前置元数据中写 aliases: [\"{u}\"]，旧网址会自动跳转；确要删除的可忽略（下次生成不再提示）。"
                ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pages_as_urls() {
        let paths = [
            "index.html",
            "a/index.html",
            "404.html",
            "a/v.vtt",
            "b.html",
        ];
        assert_eq!(url_list(paths.into_iter()), "/\n/a/\n/b.html\n");
    }
}
