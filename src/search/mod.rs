//! Static Chinese full-text search: the model's plain text, one record per passage, cut into
//! character pairs and words, written as a sharded index that the site's own script
//! (`engine.js`) reads in the browser. Entry point: [`index`].
//!
//! jiedu builds the index itself rather than through Pagefind: on a 13,860-page portal
//! Pagefind's in-process indexing took 85% of the build and 3.8 GB of memory (Chinese word
//! segmentation, then compressing every chunk), while pairs of characters need no segmenter,
//! find every substring a citizen types, and index in one linear pass.

mod bundle;
pub mod cache;
mod changed;
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
    index_remembering(site, emit, None).map(|_| ())
}

/// Takes a file of the bundle (path inside the bundle directory, its length) unchanged from the
/// previous output; false where the output does not hold such a file.
pub type Keep<'a> = dyn Fn(&str, u64) -> Result<bool, Diagnostics> + Sync + 'a;

/// What the previous build of the same output made: its [`cache::Memory`], and how to keep
/// its files.
pub struct Previous<'a> {
    pub memory: cache::Memory,
    pub keep: &'a Keep<'a>,
}

/// [`index`], reusing what `previous` remembers: records whose text is unchanged are not cut
/// into tokens again, and the shards and fragments whose content is unchanged are kept from the
/// previous output rather than made. The files are the same as a build from nothing makes.
/// Returns what the next build needs to do the same.
pub fn index_remembering(
    site: &Site,
    emit: &Emit,
    previous: Option<Previous>,
) -> Result<cache::Memory, Diagnostics> {
    let mut t = crate::timing::Phases::new("search");
    let mut synonyms = synonyms::synonyms(&site.config.search_synonyms)?;
    let records = records(site);
    let formats = kinds(site);
    let href = |url: &str| site.urls.href(url);
    let digests = changed::digests(&records, &formats, href);
    t.step("records");
    // With the previous build's index of as many records, only the records whose text changed
    // are cut into tokens, and their postings put into its lists; else everything is indexed.
    let mut previous = previous;
    let kept = previous
        .as_mut()
        .filter(|p| p.memory.records.len() == records.len())
        .and_then(|p| {
            let lists = std::mem::take(&mut p.memory.lists);
            postings::Postings::from_kept(std::mem::take(&mut p.memory.index), &lists)
        });
    let (postings, touched) = match (kept, &previous) {
        (Some(old), Some(p)) => {
            let rewritten: Vec<usize> = (0..records.len())
                .filter(|&i| p.memory.records[i].text != digests[i].text)
                .collect();
            let weights: Vec<f32> = p.memory.records.iter().map(|r| r.weight).collect();
            let (postings, han, words) =
                old.update(&records, &rewritten, p.memory.average, &weights);
            (postings, Some((han, words)))
        }
        _ => (postings::index(&records), None),
    };
    t.step("postings");
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
    t.step("vocabulary");
    let shard_count = bundle::shard_count(postings.total());
    let per_fragment = bundle::per_fragment(&records);
    let mut redo = bundle::Redo::all(shard_count, records.len().div_ceil(per_fragment));
    let mut kept = Vec::new();
    if let Some(previous) = &previous {
        redo = changed::redo(
            &previous.memory,
            &digests,
            touched.as_ref().map(|(han, words)| (han, words)),
            &vocabulary.thesaurus,
            shard_count,
            per_fragment,
        );
        kept = keep_unchanged(&mut redo, previous)?;
    }
    crate::timing::note("search", || {
        let again = |v: &[bool]| v.iter().filter(|&&b| b).count();
        format!(
            "made again: {} + {} + {} of {shard_count} shards, {} of {} fragments",
            again(&redo.exact),
            again(&redo.prefix),
            again(&redo.next),
            again(&redo.fragments),
            redo.fragments.len()
        )
    });
    t.step("changes");
    let average = postings.average();
    let version: u64 = kept
        .iter()
        .fold(0, |v, (_, _, share)| v.wrapping_add(*share));
    let (made, (index, lists)) = bundle::bundle(
        &records,
        postings,
        &vocabulary,
        &formats,
        &units,
        href,
        &in_bundle,
        &redo,
        version,
    )?;
    let memory = cache::Memory {
        records: records
            .iter()
            .zip(digests)
            .map(|(r, d)| cache::Remembered {
                text: d.text,
                row: d.row,
                weight: r.weight,
            })
            .collect(),
        average,
        shard_count,
        per_fragment,
        thesaurus: vocabulary.thesaurus,
        files: made
            .into_iter()
            .chain(kept)
            .map(|(path, len, share)| (path, (len, share)))
            .collect(),
        index,
        lists,
    };
    Ok(memory)
}

/// Keeps from the previous output each shard and fragment `redo` does not name, as the previous
/// build made it; one it cannot keep (not made last time, or not in the output as made) is
/// named in `redo` instead. Returns the files kept.
fn keep_unchanged(
    redo: &mut bundle::Redo,
    previous: &Previous,
) -> Result<Vec<bundle::Made>, Diagnostics> {
    use rayon::prelude::*;
    let families: [(&str, &str, &mut Vec<bool>); 4] = [
        ("t/", ".bin", &mut redo.exact),
        ("p/", ".bin", &mut redo.prefix),
        ("n/", ".bin", &mut redo.next),
        ("f/", ".json", &mut redo.fragments),
    ];
    let mut kept = Vec::new();
    for (dir, ext, redo) in families {
        let family: Vec<Option<bundle::Made>> = redo
            .par_iter_mut()
            .enumerate()
            .map(|(n, again)| {
                if *again {
                    return Ok(None);
                }
                let path = format!("{dir}{n}{ext}");
                let made = match previous.memory.files.get(&path) {
                    Some(&(len, share)) if (previous.keep)(&path, len)? => Some((path, len, share)),
                    _ => None,
                };
                *again = made.is_none();
                Ok(made)
            })
            .collect::<Result<_, Diagnostics>>()?;
        kept.extend(family.into_iter().flatten());
    }
    Ok(kept)
}
