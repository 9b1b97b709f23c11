//! `aliases:` in front matter: earlier URLs of a page, kept as redirect pages so that links
//! already shared (on WeChat, in other documents) keep working after a rename.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::types::{Policy, Redirect};
use super::{urls, Page};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::{is_valid_slug, SourceSite};

/// The redirect pages the site's `aliases:` ask for, sorted by the old path.
pub fn collect(
    source: &SourceSite,
    policies: &[std::sync::Arc<Policy>],
    pages: &[Page],
) -> (Vec<Redirect>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut out = Vec::new();
    // Few documents have aliases: the target URLs of every document are made only then.
    if source.documents.iter().all(|d| d.front.aliases.is_empty()) {
        return (out, diags);
    }
    let mut targets: HashMap<&Path, String> = HashMap::new();
    for p in policies {
        targets.insert(&p.source, urls::policy(&p.slug));
        for i in &p.interpretations {
            targets.insert(&i.source, urls::interpretation(&p.slug, i.kind));
        }
        for pr in &p.progress {
            targets.insert(
                &pr.path,
                format!("{}#{}", urls::progress(&p.slug), pr.anchor),
            );
        }
    }
    for page in pages {
        targets.insert(&page.source, urls::page(&page.slug));
    }
    for doc in &source.documents {
        let Some(target) = targets.get(doc.path.as_path()) else {
            continue;
        };
        for alias in &doc.front.aliases {
            let line = doc.line_of(alias);
            match alias_path(alias) {
                Some(from) => out.push(Redirect {
                    from,
                    to: target.clone(),
                    title: doc.front.title.clone().unwrap_or_default(),
                    source: PathBuf::from(&doc.path),
                }),
                None => diags.push(
                    Diagnostic::error(format!("旧网址「{alias}」不是站内的网址路径"))
                        .at(&doc.path, line)
                        .hint("aliases 写站点内的路径，以 / 开头和结尾，如 aliases: [\"/yiliao-gaodi-old/expert/\"]；只能用小写英文字母、数字和连字符。"),
                ),
            }
        }
    }
    out.sort_by(|a, b| a.from.cmp(&b.from));
    (out, diags)
}

/// `/old-slug/expert/` → `old-slug/expert/` (the form of [`urls`]); None unless every segment
/// is a slug.
fn alias_path(alias: &str) -> Option<String> {
    let inner = alias.trim().strip_prefix('/')?;
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let ok = !inner.is_empty() && inner.split('/').all(is_valid_slug);
    ok.then(|| format!("{inner}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_site_paths_of_slugs() {
        assert_eq!(alias_path("/old/expert/").as_deref(), Some("old/expert/"));
        assert_eq!(alias_path("/old").as_deref(), Some("old/"));
        for bad in [
            "old/",
            "/",
            "/../etc/",
            "/a//b/",
            "https://x.org/",
            "/医疗/",
        ] {
            assert_eq!(alias_path(bad), None, "{bad}");
        }
    }
}
