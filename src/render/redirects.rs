//! Redirect pages for `aliases:`: a page at the old URL that sends browsers on at once
//! (`meta refresh`) and tells search engines where the page lives now (`rel=canonical`).

use crate::markdown::escape;
use crate::model::Site;
use crate::render::OutFile;

/// (output path, file, who asked for it) for every redirect of the site.
pub fn pages(site: &Site) -> Vec<(String, OutFile, String)> {
    site.redirects
        .iter()
        .map(|r| {
            let href = escape(&site.urls.href(&r.to));
            let canonical = escape(&format!("{}{}", site.config.base(), r.to));
            let title = escape(&r.title);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
                 <title>页面已迁移：{title}</title>\n\
                 <link rel=\"canonical\" href=\"{canonical}\">\n\
                 <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n\
                 <meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n\
                 <p>本页已迁移至 <a href=\"{href}\">{title}</a>。</p>\n</body>\n</html>\n"
            );
            (
                format!("{}index.html", r.from),
                OutFile::Bytes(html.into_bytes()),
                r.source.display().to_string(),
            )
        })
        .collect()
}
