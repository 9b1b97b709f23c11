//! The site configuration, `jiedu.yaml` at the site root.

use serde::{Deserialize, Serialize};

pub const CONFIG_FILE: &str = "jiedu.yaml";

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Site name (header, `SiteName` meta).
    #[serde(alias = "站点名称")]
    pub name: String,
    /// The absolute URL the site is published at; used for the sitemap, feed and QR codes.
    #[serde(alias = "网址")]
    pub base_url: String,
    /// 主办单位.
    #[serde(alias = "主办单位")]
    pub publisher: String,
    /// 承办单位.
    #[serde(default, alias = "承办单位")]
    pub organizer: Option<String>,
    #[serde(default, alias = "联系方式")]
    pub contact: Option<String>,
    /// 政府网站标识码.
    #[serde(default, alias = "网站标识码")]
    pub site_id_code: Option<String>,
    #[serde(default, alias = "ICP备案号")]
    pub icp: Option<String>,
    #[serde(default, alias = "公安备案号")]
    pub police_record: Option<String>,
    /// Short description for the home page and `ColumnDescription`.
    #[serde(default, alias = "简介")]
    pub description: Option<String>,
    /// Site search synonyms added to the default list, each `群众说法 = 政策说法 …`.
    #[serde(default, alias = "搜索同义词")]
    pub search_synonyms: Vec<String>,
    /// Publish raw HTML in Markdown as written instead of cleaning it to the allow-list. Only
    /// for sites whose every editor is trusted; the build says so once.
    #[serde(default, alias = "允许原始HTML")]
    pub raw_html: bool,
    /// How many days after today a date may lie before it is warned about as a likely typo
    /// (default 30).
    #[serde(default, alias = "未来日期容差天数")]
    pub future_date_margin_days: Option<u32>,
    /// Draw the 一图读懂 long image and the share cards also as PNG (what WeChat and most
    /// platforms show). About 60 ms of CPU per image, so a site of many policies may switch it
    /// off and publish the SVGs alone.
    #[serde(default = "yes", alias = "分享图片PNG")]
    pub share_png: bool,
    /// Settings of `jiedu check --inspect`, the pre-inspection report.
    #[serde(default, alias = "检查")]
    pub inspection: Inspection,
}

/// What `jiedu check --inspect` holds the site to, where a site may differ from the defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    /// How many days an interpretation may be published after its policy before 三同步 is
    /// reported (default 0: the same day).
    #[serde(default, alias = "同步天数")]
    pub sync_days: u32,
    /// The site's own 规范用语 list, each `错误说法 → 规范说法` (also `=>`, `->`, `=`).
    #[serde(default, alias = "规范用语")]
    pub terms: Vec<String>,
}

fn yes() -> bool {
    true
}

impl Config {
    /// The path part of `base_url` that every internal link starts with, e.g. `/` or `/zhengce/`.
    pub fn path_prefix(&self) -> String {
        let without_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        let path = without_scheme
            .find('/')
            .map_or("/", |i| &without_scheme[i..]);
        if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        }
    }

    /// Why `base_url` cannot be the address the site is published at, if it cannot: every
    /// link, the sitemap and the QR codes are built from it.
    pub fn base_url_problem(&self) -> Option<&'static str> {
        let url = self.base_url.trim();
        let Some(rest) = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
        else {
            return Some("不是以 https:// 或 http:// 开头的完整网址");
        };
        let host = rest.split('/').next().unwrap_or("");
        if host.is_empty() || host.starts_with('.') || host.contains(['@', ' ']) {
            return Some("缺少域名");
        }
        if url.contains(['?', '#', ' ', '\\']) {
            return Some("不能含有空格、反斜杠、? 或 #");
        }
        None
    }

    /// How Markdown bodies treat raw HTML.
    pub fn raw_html(&self) -> crate::markdown::RawHtml {
        if self.raw_html {
            crate::markdown::RawHtml::Keep
        } else {
            crate::markdown::RawHtml::Sanitise
        }
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_base(base: &str) -> Config {
        Config {
            name: "站".into(),
            base_url: base.into(),
            publisher: "主办".into(),
            organizer: None,
            contact: None,
            site_id_code: None,
            icp: None,
            police_record: None,
            description: None,
            search_synonyms: Vec::new(),
            raw_html: false,
            future_date_margin_days: None,
            share_png: true,
            inspection: Inspection::default(),
        }
    }

    #[test]
    fn path_prefix_follows_base_url() {
        assert_eq!(with_base("https://example.org").path_prefix(), "/");
        assert_eq!(
            with_base("https://example.org/zhengce").path_prefix(),
            "/zhengce/"
        );
        assert_eq!(
            with_base("http://127.0.0.1:1111/").base(),
            "http://127.0.0.1:1111/"
        );
    }
}
