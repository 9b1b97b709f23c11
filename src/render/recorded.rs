//! What a written render (`jiedu build`) recorded of each page — what it read, its link facts,
//! its size and digest — so that the next build keeps the pages whose dependencies read the
//! same, from the output it replaces. The pipeline keeps this on disk
//! ([`crate::pipeline::disk`]); the model it was made from is not kept, only a digest of each
//! dependency ([`super::deps::Digests`]).

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::deps::{Dep, Digests, Fingerprints};
use super::links::PageLinks;
use crate::model::Site;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Recorded {
    /// The site root as the build that recorded this was given it (`--root`). What the record
    /// digests is read within the root, so another spelling of it finds the same pages
    /// unchanged; only the sources of the pages' link facts name it, and are moved to the
    /// next build's spelling ([`Recorded::move_root`]).
    pub root: std::path::PathBuf,
    /// Every dependency some page read ([`Dep::encode`]), with its digest in the build that
    /// recorded it (`None`: it named something the site did not have, which never reads the
    /// same).
    pub deps: Vec<(String, Option<u64>)>,
    /// Output path → page.
    pub pages: FxHashMap<String, RecordedPage>,
    /// [`paths_digest`] of the build that recorded this: while it reads the same, no file a
    /// kept page links to is gone, and only the links a build changes need checking.
    pub paths: u64,
    /// Each policy's open data file: what it was made from and its length
    /// ([`super::open_data::DataRecord`]).
    pub data: super::open_data::DataRecord,
}

/// A digest of the set of a render's output paths (pages and other files) and its URL prefix.
/// Each path's digest is summed, so the order the paths are held in does not matter and no
/// sort is needed; a path added, removed or renamed changes it.
pub fn paths_digest<'a>(paths: impl IntoParallelIterator<Item = &'a String>, prefix: &str) -> u64 {
    let (sum, count) = paths
        .into_par_iter()
        .map(|p| (xxhash_rust::xxh3::xxh3_64(p.as_bytes()), 1u64))
        .reduce(|| (0, 0), |a, b| (a.0.wrapping_add(b.0), a.1 + b.1));
    let mut key = Vec::with_capacity(prefix.len() + 16);
    key.extend_from_slice(&sum.to_le_bytes());
    key.extend_from_slice(&count.to_le_bytes());
    key.extend_from_slice(prefix.as_bytes());
    xxhash_rust::xxh3::xxh3_64(&key)
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RecordedPage {
    /// The page kind's name ([`super::pages::Job`]).
    pub kind: String,
    /// Indices into [`Recorded::deps`].
    pub deps: Vec<u32>,
    /// Shared, not copied, by the record of the next build that keeps the page (its tens of
    /// allocations, for each of tens of thousands of pages); serialized as the facts themselves.
    pub links: std::sync::Arc<PageLinks>,
    /// Length of the written file: a page whose file in the output has another length was
    /// changed or removed by hand, and is rendered again.
    pub len: u64,
    /// xxh3 of the written bytes.
    pub digest: u64,
}

impl Recorded {
    /// Names the pages' sources through the root `to` instead of the one this was recorded
    /// with. Each page's link facts were just read from disk and are not shared yet; one that
    /// were would be left as it is (naming its source as the previous build did).
    pub fn move_root(&mut self, to: &std::path::Path) {
        if self.root == to {
            return;
        }
        for page in self.pages.values_mut() {
            if let Some(links) = std::sync::Arc::get_mut(&mut page.links) {
                links.move_origin(&self.root, to);
            }
        }
        self.root = to.to_path_buf();
    }

    /// Which of the recorded dependencies read the same in `site` now (by index).
    pub fn unchanged(&self, site: &Site, templates: &Fingerprints, site_ctx: &str) -> Vec<bool> {
        let digests = Digests::new(site, templates, site_ctx);
        self.deps
            .par_iter()
            .map(|(text, old)| {
                old.is_some() && Dep::decode(text, templates).and_then(|d| digests.of(&d)) == *old
            })
            .collect()
    }
}
