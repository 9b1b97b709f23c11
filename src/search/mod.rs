//! Static Chinese full-text search: the model's plain text, one record per passage, cut into
//! character pairs and words, written as a sharded index that the site's own script
//! (`engine.js`) reads in the browser. Entry point: [`index`].
//!
//! jiedu builds the index itself rather than through Pagefind: on a 13,860-page portal
//! Pagefind's in-process indexing took 85% of the build and 3.8 GB of memory (Chinese word
//! segmentation, then compressing every chunk), while pairs of characters need no segmenter,
//! find every substring a citizen types, and index in one linear pass.

mod bundle;
mod postings;
mod records;
mod synonyms;
mod thesaurus;
mod tokens;
mod varint;

use crate::diagnostics::Diagnostics;
use crate::model::Site;
pub use bundle::Emit;
pub use records::{kinds, records, Record};
pub use tokens::{folded, token_texts};

/// The output folder of the search bundle, relative to the site root.
pub const BUNDLE_DIR: &str = "search-index";
/// The engine script inside the bundle, which the search page imports.
pub const ENGINE: &str = "search-index/engine.js";

/// Builds the search index of the site and hands each file to `emit` (output path, bytes) as
/// soon as it is made.
pub fn index(site: &Site, emit: &Emit) -> Result<(), Diagnostics> {
    let mut synonyms = synonyms::synonyms(&site.config.search_synonyms)?;
    let records = records(site);
    let postings = postings::index(&records);
    synonyms::add_abbreviations(&mut synonyms, |long| postings.holds(long));
    let everyday = bundle::everyday_words()
        .filter(|&(_, mark)| mark == '=')
        .map(|(word, _)| word)
        .collect();
    let vocabulary = bundle::Vocabulary {
        fold: postings.simplified_pairs(),
        synonyms,
        thesaurus: thesaurus::thesaurus(|word| postings.records_holding(word), &everyday),
    };
    let units: Vec<String> = site.units.iter().map(|u| u.name.clone()).collect();
    let in_bundle = |name: &str, bytes: Vec<u8>| emit(&format!("{BUNDLE_DIR}/{name}"), bytes);
    bundle::bundle(
        &records,
        postings,
        &vocabulary,
        &kinds(site),
        &units,
        |url| site.urls.href(url),
        &in_bundle,
    )
}
