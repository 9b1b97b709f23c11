//! Static Chinese full-text search: the model's plain text, one record per passage, indexed
//! by the Pagefind library in the same build. Entry point: [`index`].
//!
//! Pagefind writes its search JS, WASM and index chunks under [`BUNDLE_DIR`]; the search page
//! loads them from the site itself, never from a CDN.

mod records;
mod terms;

use std::collections::BTreeMap;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
pub use records::{kinds, records, Record};

/// The output folder of the search bundle, relative to the site root.
pub const BUNDLE_DIR: &str = "pagefind";

/// The language every record is indexed in: Pagefind segments Chinese into words for it.
const LANGUAGE: &str = "zh-cn";

/// Filter names the search page offers (format = page type, unit = responsible unit).
pub const FORMAT_FILTER: &str = "format";
pub const UNIT_FILTER: &str = "unit";

/// Builds the search index of the site. Returns the bundle's files as (output path, bytes),
/// sorted by path, ready for `Rendered.files`.
pub fn index(site: &Site) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let records = records(site);
    // Pagefind's API is async but does its work on blocking threads; a current-thread runtime
    // is all it needs and keeps the build free of a second thread pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| failure(&e.to_string()))?;
    let files = runtime
        .block_on(run_pagefind(&records))
        .map_err(|e| failure(&e))?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|f| {
            let name = f.filename.to_string_lossy().replace('\\', "/");
            (format!("{BUNDLE_DIR}/{name}"), f.contents)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

async fn run_pagefind(records: &[Record]) -> Result<Vec<pagefind::api::SyntheticFile>, String> {
    let config = PagefindServiceConfig::builder()
        .force_language(LANGUAGE.to_string())
        .build();
    let mut index = PagefindIndex::new(Some(config)).map_err(|e| format!("{e:#}"))?;
    for r in records {
        let mut meta = BTreeMap::from([
            ("title".to_string(), r.title.clone()),
            ("kind".to_string(), r.kind.clone()),
        ]);
        if let Some(c) = &r.context {
            meta.insert("context".to_string(), c.clone());
        }
        let mut filters = BTreeMap::from([(FORMAT_FILTER.to_string(), vec![r.kind.clone()])]);
        if !r.units.is_empty() {
            filters.insert(UNIT_FILTER.to_string(), r.units.clone());
        }
        index
            .add_custom_record(
                format!("/{}", r.url),
                terms::indexed_text(&r.title, &r.text, r.weight),
                LANGUAGE.to_string(),
                Some(meta),
                Some(filters),
                None,
            )
            .await
            .map_err(|e| format!("{}：{e:#}", r.url))?;
    }
    index.get_files().await.map_err(|e| format!("{e:#}"))
}

fn failure(detail: &str) -> Diagnostics {
    Diagnostic::error(format!("生成站内搜索索引失败：{detail}"))
        .hint("这是 jiedu 的内部错误，请把这条信息报告给维护者；也可以加 --no-search 先生成不带搜索的网站。")
        .into()
}
