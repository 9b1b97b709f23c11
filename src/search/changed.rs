//! Which files of the search bundle an edit changed, from what the previous build's index
//! remembers ([`Memory`]): a shard holds the same bytes when none of its tokens is held by a
//! record whose text, weight or stored weights changed (see `Postings::update`), and a
//! fragment when none of its rows changed. Everything else (the record count, the shard count, the records per fragment)
//! must be the same, or every file is made again.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use xxhash_rust::xxh3::Xxh3;

use super::bundle::{mark_shard, shard_of, Redo};
use super::cache::Memory;
use super::records::Record;
use super::tokens::han_text;

/// Digests of a record: of its title and text (what its tokens are made from), and of its row
/// in a fragment (what the engine shows of it).
#[derive(Debug, Clone, Copy)]
pub struct Digests {
    pub text: u128,
    pub row: u128,
}

/// Each record's digests; `format` is the filter index of its kind, `href` its URL as written.
pub fn digests(
    records: &[Record],
    formats: &[&str],
    href: impl Fn(&str) -> String + Sync,
) -> Vec<Digests> {
    // A byte no UTF-8 text holds parts the fields, so that moving text from one field to the
    // next changes the digest.
    const PART: &[u8] = &[0xFF];
    records
        .par_iter()
        .map(|r| {
            let mut h = Xxh3::new();
            h.update(r.title.as_bytes());
            h.update(PART);
            h.update(r.text.as_bytes());
            let text = h.digest128();
            let format = formats.iter().position(|f| *f == r.kind);
            for field in [
                href(&r.url).as_bytes(),
                format!("{format:?}").as_bytes(),
                r.context.as_deref().unwrap_or("\u{0}").as_bytes(),
                r.status.unwrap_or("\u{0}").as_bytes(),
            ] {
                h.update(PART);
                h.update(field);
            }
            Digests {
                text,
                row: h.digest128(),
            }
        })
        .collect()
}

/// The files to make again, given the previous build's memory, this build's records' digests,
/// the tokens whose lists may read differently (`None`: every token), the thesaurus and the
/// layout.
pub fn redo(
    previous: &Memory,
    digests: &[Digests],
    tokens: Option<(&FxHashSet<u64>, &FxHashSet<String>)>,
    thesaurus: &BTreeMap<String, Vec<String>>,
    shard_count: usize,
    per_fragment: usize,
) -> Redo {
    let fragments = digests.len().div_ceil(per_fragment);
    let mut redo = Redo::all(shard_count, fragments);
    if previous.records.len() != digests.len() {
        return redo;
    }
    if previous.per_fragment == per_fragment {
        redo.fragments = vec![false; fragments];
        for (i, (old, new)) in previous.records.iter().zip(digests).enumerate() {
            if old.row != new.row {
                redo.fragments[i / per_fragment] = true;
            }
        }
    }
    let Some((han, words)) = tokens.filter(|_| previous.shard_count == shard_count) else {
        return redo;
    };
    let mut exact = vec![false; shard_count];
    let mut prefix = vec![false; shard_count];
    let mut next = vec![false; shard_count];
    for &k in han {
        let token = han_text(k);
        exact[shard_of(&token, shard_count)] = true;
        let first = (k >> 21) as usize % shard_count;
        prefix[first] = true;
        // A pair counts among its first character's followers.
        if k & 0x1F_FFFF != 0 {
            next[first] = true;
        }
    }
    for w in words {
        exact[shard_of(w, shard_count)] = true;
        let first = w.chars().next().map_or(0, |c| c as usize);
        prefix[first % shard_count] = true;
    }
    // Thesaurus entries added, dropped or changed.
    let old = &previous.thesaurus;
    for (word, others) in thesaurus {
        if old.get(word) != Some(others) {
            exact[mark_shard(word, shard_count)] = true;
        }
    }
    for word in old.keys().filter(|w| !thesaurus.contains_key(*w)) {
        exact[mark_shard(word, shard_count)] = true;
    }
    Redo {
        exact,
        prefix,
        next,
        fragments: redo.fragments,
    }
}
