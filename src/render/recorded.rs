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
    /// Every dependency some page read ([`Dep::encode`]), with its digest in the build that
    /// recorded it (`None`: it named something the site did not have, which never reads the
    /// same).
    pub deps: Vec<(String, Option<u64>)>,
    /// Output path → page.
    pub pages: FxHashMap<String, RecordedPage>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RecordedPage {
    /// The page kind's name ([`super::pages::Job`]).
    pub kind: String,
    /// Indices into [`Recorded::deps`].
    pub deps: Vec<u32>,
    pub links: PageLinks,
    /// Length of the written file: a page whose file in the output has another length was
    /// changed or removed by hand, and is rendered again.
    pub len: u64,
    /// xxh3 of the written bytes.
    pub digest: u64,
}

impl Recorded {
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
