//! The files of the search bundle, as `engine.js` reads them:
//!
//! - `meta.json`: record count, shard count, records per fragment, filter values, and a
//!   version the engine appends to every other URL so a host's cache never mixes two builds;
//! - `t/<n>.bin`: index shard `n`, holding every token whose FNV-1a hash (over its code
//!   points) is `n` modulo the shard count, so a query fetches the lists of its own pairs and
//!   a few small neighbours, never every token that begins with one of its characters. Entries
//!   are LEB128 varints: token length in bytes, the token in UTF-8, the number of postings,
//!   then per posting the record id's distance from the previous one and its weight. The
//!   everyday words of everyday.txt are entries too (`=我们`, no postings), in the shard of
//!   their first pair, which the engine reads anyway for a query holding them;
//! - `p/<n>.bin`: for prefix lookups (a one-character query, a word still being typed), by
//!   first character modulo the shard count: each Chinese character's records (the best
//!   weight of the tokens it begins) and the words, in the same entries;
//! - `n/<n>.bin`: for typo correction, by character modulo the shard count: the characters
//!   found right after it and in how many records (varints: length, character, count, then
//!   code point and record count per follower);
//!   `meta.json` also holds the vocabulary the engine folds and widens queries with: `fold`,
//!   the Traditional → Simplified pairs of the site's characters as one string (`積积醫医…`);
//!   `synonyms`, word → other words searched for it; and `pages`, a base64 bit set of the
//!   record ids that begin a page (a page's records are consecutive); `listings`, the ids of
//!   the Q&A list pages' records, which the engine ranks like a policy's full text;
//! - `f/<n>.json`: records `n × per_fragment …`, each `[url, title, format, context, text]`,
//!   fetched only for the hits shown;
//! - `format/<i>.bin`, `unit/<i>.bin`: the record ids of each filter value, as id distances.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde_json::json;

use super::postings::{self, List, Postings};

/// The index as the search cache keeps it: its description and the bytes of its lists.
pub type Kept = (postings::Kept, Vec<u8>);
use super::records::{page_of, Record};
use super::tokens::han_text;
use super::varint;
use crate::diagnostics::Diagnostics;

/// Aim for index shards of about this many bytes (postings estimated at 3 bytes, which
/// undercounts the tokens' own bytes about twofold): a question of a dozen characters then
/// fetches a dozen small shards rather than most of a small site's index.
const SHARD_BYTES: usize = 2 * 1024;
/// Most shards a site gets; the modulus must leave room for the many distinct characters.
const MAX_SHARDS: usize = 4096;
/// Aim for fragment files of about this many bytes.
const FRAGMENT_BYTES: usize = 2 * 1024;
const MAX_PER_FRAGMENT: usize = 32;

/// The engine that reads the bundle; it lives next to the files it reads.
const ENGINE: &str = include_str!("engine.js");
/// Everyday words of general Chinese, written into the index shards of their first pairs.
const EVERYDAY: &str = include_str!("everyday.txt");

/// Receives each file of the bundle (path inside the bundle directory, bytes) as soon as it is
/// made, from several threads: on a large portal the bundle is a hundred megabytes that need
/// not be in memory at once.
pub type Emit<'a> = dyn Fn(&str, Vec<u8>) -> Result<(), Diagnostics> + Sync + 'a;

/// What the engine needs besides the index to read a query as the index was made.
pub struct Vocabulary {
    pub fold: String,
    pub synonyms: BTreeMap<String, Vec<String>>,
    /// Word → the site's words for it from the thesaurus, written into the index shards (so a
    /// query reads only those of its own words, and `meta.json` stays as small).
    pub thesaurus: BTreeMap<String, Vec<String>>,
}

/// Which index shards and fragments to make (the others were kept from the previous output);
/// the small files (`meta.json`, the filter lists, the engine) are always made.
pub struct Redo {
    pub exact: Vec<bool>,
    pub prefix: Vec<bool>,
    pub next: Vec<bool>,
    pub fragments: Vec<bool>,
}

impl Redo {
    /// Every file, as a build from nothing makes them.
    pub fn all(shard_count: usize, fragments: usize) -> Redo {
        Redo {
            exact: vec![true; shard_count],
            prefix: vec![true; shard_count],
            next: vec![true; shard_count],
            fragments: vec![true; fragments],
        }
    }
}

/// The number of index shards of each family for an index of `total` postings.
pub fn shard_count(total: usize) -> usize {
    (total * 3 / SHARD_BYTES).clamp(1, MAX_SHARDS)
}

/// A file of the bundle: its path in the bundle, length and share of the version.
pub type Made = (String, u64, u64);

/// Writes the files of the bundle that `redo` names through `emit`; `meta.json` comes last,
/// with a version made from every other file, those `kept` from the previous output included
/// (by the share of the version recorded for them). Returns what was made and the index as
/// the search cache keeps it ([`Postings::into_kept`]), made as soon as the shards are written
/// so that the lists are not held twice.
#[allow(clippy::too_many_arguments)]
pub fn bundle(
    records: &[Record],
    postings: Postings,
    vocabulary: &Vocabulary,
    formats: &[&str],
    units: &[String],
    href: impl Fn(&str) -> String + Sync,
    emit: &Emit,
    redo: &Redo,
    kept: u64,
) -> Result<(Vec<Made>, Kept), Diagnostics> {
    let mut t = crate::timing::Phases::new("search bundle");
    let version = Fingerprint::default();
    version.0.fetch_add(kept, Ordering::Relaxed);
    let made = std::sync::Mutex::new(Vec::new());
    let put = |path: &str, bytes: Vec<u8>| {
        let share = version.add(path, &bytes);
        made.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_string(), bytes.len() as u64, share));
        emit(path, bytes)
    };
    let shard_count = redo.exact.len();
    shards(&postings, &vocabulary.thesaurus, redo, &put)?;
    let kept = postings.into_kept();
    t.step("shards");
    let per_fragment = per_fragment(records);
    records
        .par_chunks(per_fragment)
        .enumerate()
        .filter(|(n, _)| redo.fragments[*n])
        .try_for_each(|(n, chunk)| {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|r| {
                    let format = formats.iter().position(|f| *f == r.kind);
                    let context = r.context.as_deref().unwrap_or("");
                    // The status goes last and only where there is one, so fragments of a
                    // site whose policies are all in force stay as they were.
                    match r.status {
                        Some(status) => {
                            json!([href(&r.url), r.title, format, context, r.text, status])
                        }
                        None => json!([href(&r.url), r.title, format, context, r.text]),
                    }
                })
                .collect();
            let bytes = serde_json::Value::Array(rows).to_string().into_bytes();
            put(&format!("f/{n}.json"), bytes)
        })?;
    t.step("fragments");
    let lists = filter_lists("format", formats, records, |r| vec![r.kind])
        .into_iter()
        .chain(filter_lists("unit", units, records, |r| r.units.clone()));
    for (path, bytes) in lists {
        put(&path, bytes)?;
    }
    put("engine.js", engine().into_bytes())?;
    let pages = page_starts(records);
    let (wholes, policy_end) = whole_texts(records);
    // Few (a Q&A list per policy with questions), so their ids rather than a bit per record.
    let listings: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.listing && r.kind != super::records::POLICY_TEXT)
        .map(|(i, _)| i)
        .collect();
    version.add("policies", wholes.as_bytes());
    version.add("pages", pages.as_bytes());
    version.add("listings", format!("{listings:?}").as_bytes());
    version.add("fold", vocabulary.fold.as_bytes());
    version.add(
        "synonyms",
        serde_json::to_string(&vocabulary.synonyms)
            .unwrap_or_default()
            .as_bytes(),
    );
    let meta = json!({
        "version": version.hex(),
        "records": records.len(),
        "shards": shard_count,
        "per_fragment": per_fragment,
        "formats": formats,
        "units": units,
        "pages": pages,
        "policies": wholes,
        "policy_end": policy_end,
        "listings": listings,
        "fold": vocabulary.fold,
        "synonyms": vocabulary.synonyms,
    });
    emit("meta.json", meta.to_string().into_bytes())?;
    let made = made
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Ok((made, kept))
}

/// The three shard families (see the module comment). A query's exact tokens are spread by
/// hash, so a question fetches the lists of its own pairs and not every token sharing a first
/// character with them: at 1,000 policies a first-character shard of 创 held 140 KB.
fn shards(
    postings: &Postings,
    thesaurus: &BTreeMap<String, Vec<String>>,
    redo: &Redo,
    put: &Emit,
) -> Result<(), Diagnostics> {
    let count = redo.exact.len();
    let mut exact: Vec<BTreeMap<String, Entry>> = (0..count).map(|_| BTreeMap::new()).collect();
    // A prefix shard's entries are held encoded (varint, as written) until the shard is: the
    // weighted lists as pairs of u32, and each character's merged list with the capacity of
    // all its tokens' lists, were a tenth of a 1,000-policy build's peak memory.
    let mut prefix: Vec<BTreeMap<String, Vec<u8>>> = (0..count).map(|_| BTreeMap::new()).collect();
    let mut followers: BTreeMap<char, Vec<(char, u32)>> = BTreeMap::new();
    let mut by_char: HashMap<char, Vec<&List>> = HashMap::new();
    for (&key, list) in &postings.han {
        let token = han_text(key);
        let mut chars = token.chars();
        let first = chars.next().unwrap_or_default();
        let by_first = first as usize % count;
        if let Some(second) = chars.next().filter(|_| redo.next[by_first]) {
            followers
                .entry(first)
                .or_default()
                .push((second, list.count()));
        }
        if redo.prefix[by_first] {
            by_char.entry(first).or_default().push(list);
        }
        let shard = shard_of(&token, count);
        if redo.exact[shard] {
            exact[shard].insert(token, Entry::List(list));
        }
    }
    // The weighted prefix lists are most of the work here, and need nothing of each other:
    // made in parallel, then placed in their shards in the order the maps give them.
    let words: Vec<_> = postings
        .words
        .par_iter()
        .map(|(word, list)| {
            let first = word.chars().next().map_or(0, |c| c as usize) % count;
            let weighted = redo.prefix[first].then(|| {
                let list = weighted(postings, list.iter());
                encoded(word, &list)
            });
            (word, list, first, weighted)
        })
        .collect();
    for (word, list, first, weighted) in words {
        let shard = shard_of(word, count);
        if redo.exact[shard] {
            exact[shard].insert(word.clone(), Entry::List(list));
        }
        if let Some(weighted) = weighted {
            prefix[first].insert(word.clone(), weighted);
        }
    }
    let by_char: Vec<_> = by_char
        .into_par_iter()
        .map_init(
            || Best::new(postings.records()),
            |best, (c, lists)| {
                let token = c.to_string();
                let list = encoded(&token, &best.merged(postings, &lists));
                (token, c, list)
            },
        )
        .collect();
    for (token, c, list) in by_char {
        prefix[c as usize % count].insert(token, list);
    }
    for (word, mark) in everyday_words() {
        let shard = mark_shard(word, count);
        if redo.exact[shard] {
            exact[shard].insert(format!("{mark}{word}"), Entry::Mark);
        }
    }
    for (word, others) in thesaurus {
        let shard = mark_shard(word, count);
        if redo.exact[shard] {
            let entry = format!("~{word} {}", others.join(" "));
            exact[shard].insert(entry, Entry::Mark);
        }
    }
    exact
        .into_par_iter()
        .enumerate()
        .filter(|(n, _)| redo.exact[*n])
        .try_for_each(|(n, tokens)| {
            let mut out = Vec::new();
            for (token, entry) in tokens {
                match entry {
                    Entry::List(list) => {
                        let ids = list.iter().map(|(r, tf)| (r, postings.weight(r, tf)));
                        write_entry(&mut out, &token, list.count(), ids);
                    }
                    Entry::Mark => write_entry(&mut out, &token, 0, std::iter::empty()),
                }
            }
            put(&format!("t/{n}.bin"), out)
        })?;
    prefix
        .into_par_iter()
        .enumerate()
        .filter(|(n, _)| redo.prefix[*n])
        .try_for_each(|(n, tokens)| {
            let mut out = Vec::with_capacity(tokens.values().map(Vec::len).sum());
            for entry in tokens.values() {
                out.extend_from_slice(entry);
            }
            put(&format!("p/{n}.bin"), out)
        })?;
    let mut next: Vec<Vec<u8>> = vec![Vec::new(); count];
    for (c, mut after) in followers {
        after.sort_unstable();
        let out = &mut next[c as usize % count];
        let token = c.to_string();
        varint::write(out, token.len() as u32);
        out.extend_from_slice(token.as_bytes());
        varint::write(out, after.len() as u32);
        for (second, df) in after {
            varint::write(out, second as u32);
            varint::write(out, df);
        }
    }
    next.into_par_iter()
        .enumerate()
        .filter(|(n, _)| redo.next[*n])
        .try_for_each(|(n, out)| put(&format!("n/{n}.bin"), out))
}

/// The exact shard of a word's mark: that of its first pair.
pub fn mark_shard(word: &str, count: usize) -> usize {
    let first_pair: String = word.chars().take(2).collect();
    shard_of(&first_pair, count)
}

/// What an exact shard holds under a key: a token's postings, or the mark of an everyday word
/// (`=我们`), of a two-character word holding a function character (`+能源`) or of a word and
/// the site's words for it (`~看病 就医`), kept in the shard of the word's first pair, which
/// the engine reads before it cuts a query.
enum Entry<'a> {
    List(&'a List),
    Mark,
}

/// The shard of an exact token: FNV-1a over its code points, as engine.js computes it.
pub fn shard_of(token: &str, count: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for c in token.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % count
}

/// One shard entry: token length in bytes, the token, the number of postings, then per
/// posting the id's distance from the previous one and the weight.
fn write_entry(out: &mut Vec<u8>, token: &str, count: u32, ids: impl Iterator<Item = (u32, u32)>) {
    varint::write(out, token.len() as u32);
    out.extend_from_slice(token.as_bytes());
    varint::write(out, count);
    let mut distances = varint::Ids::default();
    for (record, weight) in ids {
        distances.write(out, record);
        varint::write(out, weight);
    }
}

/// A prefix entry as [`write_entry`] writes it, in an allocation of its length.
fn encoded(token: &str, list: &[(u32, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    write_entry(&mut out, token, list.len() as u32, list.iter().copied());
    // Not `shrink_to_fit`: the allocator keeps a block in place while half of it is used.
    out.as_slice().to_vec()
}

fn weighted(postings: &Postings, ids: impl Iterator<Item = (u32, u32)>) -> Vec<(u32, u32)> {
    ids.map(|(r, tf)| (r, postings.weight(r, tf))).collect()
}

/// Every record holding a character, with the best weight of the tokens it begins there: what
/// a one-character query matches, computed once here rather than from every pair in the
/// browser. The best weights are kept in a table by record id that a thread reuses from
/// character to character, and only the ids are sorted: sorting every posting of a common
/// character's tokens (weights as tie-breaks, then dropping all but the first of each record)
/// was a thirtieth of a build's instructions.
struct Best {
    /// Per record: the best weight so far, 0 where none (stored weights are 1 to 127, see
    /// `postings::quantized`).
    weight: Vec<u8>,
    ids: Vec<u32>,
}

impl Best {
    fn new(records: usize) -> Best {
        Best {
            weight: vec![0; records],
            ids: Vec::new(),
        }
    }

    fn merged(&mut self, postings: &Postings, lists: &[&List]) -> Vec<(u32, u32)> {
        for l in lists {
            for (r, tf) in l.iter() {
                let w = postings.weight(r, tf).min(u32::from(u8::MAX)) as u8;
                let best = &mut self.weight[r as usize];
                if *best == 0 {
                    self.ids.push(r);
                }
                *best = (*best).max(w);
            }
        }
        self.ids.sort_unstable();
        let out = self
            .ids
            .iter()
            .map(|&r| (r, u32::from(std::mem::take(&mut self.weight[r as usize]))))
            .collect();
        self.ids.clear();
        out
    }
}

/// The everyday words (`=`) and the bound two-character words (`+`) of everyday.txt: a line
/// beginning with `+` lists bound words, every other line everyday words (items of two or more
/// characters). The mark belongs to the line, as the file's header says: read per item, the
/// bound words were taken for everyday words and the `+` itself dropped.
pub(super) fn everyday_words() -> impl Iterator<Item = (&'static str, char)> {
    EVERYDAY
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|line| {
            let (mark, words) = match line.strip_prefix('+') {
                Some(rest) => ('+', rest),
                None => ('=', line),
            };
            words
                .split_whitespace()
                .filter(|w| w.chars().count() >= 2)
                .map(move |w| (w, mark))
        })
}

/// For each filter value, the ids of the records that have it; one pass over the records.
fn filter_lists<'r, V: AsRef<str>>(
    name: &str,
    values: &[V],
    records: &'r [Record],
    of: impl Fn(&'r Record) -> Vec<&'r str>,
) -> Vec<(String, Vec<u8>)> {
    let position: HashMap<&str, usize> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_ref(), i))
        .collect();
    let mut lists: Vec<Vec<usize>> = vec![Vec::new(); values.len()];
    for (id, r) in records.iter().enumerate() {
        for v in of(r) {
            if let Some(&i) = position.get(v) {
                if lists[i].last() != Some(&id) {
                    lists[i].push(id);
                }
            }
        }
    }
    lists
        .into_iter()
        .enumerate()
        .map(|(i, ids)| (format!("{name}/{i}.bin"), id_list(ids.into_iter())))
        .collect()
}

/// The engine without its comments and indentation: every search page loads it, and the
/// comments are for the people reading engine.js in the source. Only `/* … */` blocks that
/// open a line are comments in engine.js (it has no such text in a string or regex).
fn compact(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_comment = false;
    for line in js.lines() {
        let t = line.trim();
        if !in_comment && t.starts_with("/*") {
            in_comment = true;
        }
        if in_comment {
            if t.contains("*/") {
                in_comment = false;
            }
            continue;
        }
        if !t.is_empty() && !t.starts_with("//") {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

/// The engine as the browser loads it.
fn engine() -> String {
    compact(ENGINE)
}

/// A bit per record, set on each policy's full-text record (the first of the policy's
/// records, which run on to the next one), and where the records of policies end: the engine
/// lists a full text only when nothing else of its policy matched.
fn whole_texts(records: &[Record]) -> (String, usize) {
    let mut bits = vec![0u8; records.len().div_ceil(8)];
    let mut end = 0;
    for (i, r) in records.iter().enumerate() {
        if r.kind == super::records::POLICY_TEXT && !r.url.contains('#') {
            bits[i / 8] |= 1 << (i % 8);
        }
        if r.kind != super::records::PAGE && r.kind != super::records::UNIT {
            end = i + 1;
        }
    }
    (base64(&bits), end)
}

/// A bit per record, set where a page begins (bit `i % 8` of byte `i / 8`), in base64.
fn page_starts(records: &[Record]) -> String {
    let mut bits = vec![0u8; records.len().div_ceil(8)];
    let mut previous = None;
    for (i, r) in records.iter().enumerate() {
        let page = page_of(&r.url);
        if previous != Some(page) {
            bits[i / 8] |= 1 << (i % 8);
        }
        previous = Some(page);
    }
    base64(&bits)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn per_fragment(records: &[Record]) -> usize {
    let bytes: usize = records
        .iter()
        .map(|r| r.url.len() + r.title.len() + r.text.len() + 16)
        .sum();
    let average = (bytes / records.len().max(1)).max(1);
    (FRAGMENT_BYTES / average).clamp(1, MAX_PER_FRAGMENT)
}

fn id_list(ids: impl Iterator<Item = usize>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut distances = varint::Ids::default();
    for id in ids {
        distances.write(&mut out, id as u32);
    }
    out
}

/// A version for the bundle: a digest of each file (name and bytes), summed, so files may come
/// from several threads in any order. Stable across builds of the same content, different
/// otherwise. (xxh3 rather than the byte-at-a-time FNV-1a it replaced, which took a third of
/// a second over the 280 MB bundle of 1,000 policies, in every build.)
#[derive(Default)]
struct Fingerprint(AtomicU64);

impl Fingerprint {
    /// Adds a file; returns its share of the version.
    fn add(&self, name: &str, bytes: &[u8]) -> u64 {
        let h = xxhash_rust::xxh3::xxh3_64_with_seed(
            bytes,
            xxhash_rust::xxh3::xxh3_64(name.as_bytes()),
        );
        self.0.fetch_add(h, Ordering::Relaxed);
        h
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_lines_give_bound_words_and_no_everyday_ones() {
        let words: HashMap<&str, char> = everyday_words().collect();
        assert_eq!(words.get("我们"), Some(&'='));
        assert_eq!(words.get("能源"), Some(&'+'));
        assert_eq!(words.get("土地"), Some(&'+'));
        assert!(!words.contains_key("+"));
        let bound = everyday_words().filter(|(_, m)| *m == '+').count();
        assert!(bound > 500, "{bound} bound words");
    }
}
