//! The inverted index: for every token, the records it occurs in and how often. Records are
//! tokenized in parallel in bounded batches and merged in record order, so every list comes
//! out sorted by record id with no sort, and is kept as varint bytes (2–3 bytes a posting)
//! rather than structs: on a large portal the lists are most of the indexer's memory.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::records::Record;
use super::tokens::{folded, for_each_token, han_text, simplified_pairs, Token};
use super::varint;

/// A token in the title counts this many times: a passage titled 购房补贴 is about it.
const TITLE_BOOST: u32 = 3;
/// BM25 parameters. `B` is low because a clause is long by nature: with the usual 0.75 a
/// one-line infographic caption would outrank the clause it summarises.
const K1: f32 = 1.2;
const B: f32 = 0.3;
/// Weights are stored as integers in 25ths: BM25 stays below K1 + 1 and a record's weight at
/// most [`PRIMARY`](super::records::PRIMARY), so every weight fits one varint byte (below 128)
/// — a third of a common pair's list (健康 is in nearly every record), which a question
/// downloads whole — while tf 1, 2 and 3 still score apart.
const WEIGHT_SCALE: f32 = 25.0;
/// Records tokenized at once; bounds the memory of token lists waiting to be merged.
const BATCH: usize = 4096;

/// One token's postings: (distance from the previous record id, term frequency) varint pairs.
#[derive(Debug, Default)]
pub struct List {
    bytes: Vec<u8>,
    ids: varint::Ids,
    count: u32,
}

impl List {
    fn push(&mut self, record: u32, tf: u32) {
        self.ids.write(&mut self.bytes, record);
        varint::write(&mut self.bytes, tf);
        self.count += 1;
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    /// (record id, term frequency) in record order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut pos = 0;
        let mut record = 0;
        std::iter::from_fn(move || {
            record += varint::read(&self.bytes, &mut pos)?;
            let tf = varint::read(&self.bytes, &mut pos)?;
            Some((record, tf))
        })
    }
}

#[derive(Debug, Default)]
pub struct Postings {
    /// Chinese tokens by [`Token::han_key`].
    /// (FxHash: the merge of every record's tokens into these maps runs on one thread, where
    /// SipHash was a fifth of its time; no key comes from a network peer.)
    pub han: FxHashMap<u64, List>,
    pub words: FxHashMap<String, List>,
    /// Per record: its BM25 length norm and weight.
    norms: Vec<f32>,
    weights: Vec<f32>,
    average: f32,
    total: usize,
}

/// A record's tokens, counted, while they are counted.
#[derive(Default)]
struct Counted {
    han: FxHashMap<u64, u32>,
    words: FxHashMap<String, u32>,
    length: u32,
}

impl Counted {
    fn add(&mut self, text: &str, times: u32) {
        let folded = folded(text);
        for_each_token(&folded, |t| {
            self.length += 1;
            match t.han_key() {
                Some(k) => *self.han.entry(k).or_default() += times,
                None => {
                    if let Token::Word(w) = t {
                        // A word seen before in the record is counted without a copy of it.
                        match self.words.get_mut(w) {
                            Some(n) => *n += times,
                            None => {
                                self.words.insert(w.to_string(), times);
                            }
                        }
                    }
                }
            }
        });
    }
}

/// A record's tokens and how often each occurs (title tokens counted [`TITLE_BOOST`] times),
/// sorted: all the index needs of a record's text, and what the search cache keeps of it, so
/// that a record whose text did not change is not cut into tokens again.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// Chinese tokens by [`Token::han_key`], in key order.
    pub han: Vec<(u64, u32)>,
    /// Words, in byte order.
    pub words: Vec<(String, u32)>,
    /// Tokens in the title and text (the BM25 length).
    pub length: u32,
}

impl Tokens {
    /// The term frequencies of the record, every one (for the weights it gets).
    pub fn frequencies(&self) -> impl Iterator<Item = u32> + '_ {
        self.han
            .iter()
            .map(|&(_, tf)| tf)
            .chain(self.words.iter().map(|(_, tf)| *tf))
    }
}

/// Cuts a record's title and text into tokens and counts them.
pub fn count(r: &Record) -> Tokens {
    let mut c = Counted::default();
    c.add(&r.title, TITLE_BOOST);
    c.add(&r.text, 1);
    // Sorted so that the tokens, and the cache that keeps them, are the same however the maps
    // happened to order them; the lists come out the same either way (record order).
    let mut han: Vec<(u64, u32)> = c.han.into_iter().collect();
    han.sort_unstable();
    let mut words: Vec<(String, u32)> = c.words.into_iter().collect();
    words.sort_unstable();
    Tokens {
        han,
        words,
        length: c.length,
    }
}

/// Indexes `records`; record ids are their positions. A record's tokens are `known(id)` where
/// the caller has them (the search cache), else counted here. Returns the tokens of every
/// record with the index.
pub fn index(
    records: &[Record],
    known: impl Fn(usize) -> Option<Tokens> + Sync,
) -> (Postings, Vec<Tokens>) {
    let mut p = Postings::default();
    let mut all: Vec<Tokens> = Vec::with_capacity(records.len());
    // The merge of a batch's counts into the lists runs on one thread (each list must come
    // out in record order) while the next batch is counted on the others, which sat idle
    // while it ran; the lists are built in the same order as before, for any thread count.
    let mut counted_before: Option<(usize, Vec<Tokens>)> = None;
    for (batch_no, batch) in records.chunks(BATCH).enumerate() {
        let ((), counted) = rayon::join(
            || {
                if let Some((before, counted)) = counted_before.take() {
                    merge(&mut p, before, &counted);
                    all.extend(counted);
                }
            },
            || {
                batch
                    .par_iter()
                    .enumerate()
                    .map(|(i, r)| known(batch_no * BATCH + i).unwrap_or_else(|| count(r)))
                    .collect::<Vec<Tokens>>()
            },
        );
        counted_before = Some((batch_no, counted));
    }
    if let Some((before, counted)) = counted_before {
        merge(&mut p, before, &counted);
        all.extend(counted);
    }
    let lengths: Vec<u32> = all.iter().map(|t| t.length).collect();
    p.average = average_length(&lengths);
    p.norms = lengths.iter().map(|&l| norm(l, p.average)).collect();
    p.weights = records.iter().map(|r| r.weight).collect();
    (p, all)
}

/// The average record length the BM25 norms are relative to.
fn average_length(lengths: &[u32]) -> f32 {
    let sum: f32 = lengths.iter().map(|&l| l.max(1) as f32).sum();
    (sum / lengths.len().max(1) as f32).max(1.0)
}

/// A record's BM25 length norm.
fn norm(length: u32, average: f32) -> f32 {
    K1 * (1.0 - B + B * length.max(1) as f32 / average)
}

/// The stored weight of a token occurring `tf` times in a record of BM25 norm `norm` and
/// weight `weight`.
fn quantized(norm: f32, weight: f32, tf: u32) -> u32 {
    let tf = tf as f32;
    let bm25 = tf * (K1 + 1.0) / (tf + norm);
    ((bm25 * weight * WEIGHT_SCALE).round() as u32).clamp(1, 127)
}

/// The stored weight a record of `length` tokens and weight `weight` got for a token occurring
/// `tf` times in an index whose average length was `average`: what the previous build wrote.
pub fn weight_in(average: f32, length: u32, weight: f32, tf: u32) -> u32 {
    quantized(norm(length, average), weight, tf)
}

/// Adds the counts of batch `batch_no` to the lists, in record order.
fn merge(p: &mut Postings, batch_no: usize, counted: &[Tokens]) {
    for (i, c) in counted.iter().enumerate() {
        let record = (batch_no * BATCH + i) as u32;
        p.total += c.han.len() + c.words.len();
        for &(k, tf) in &c.han {
            p.han.entry(k).or_default().push(record, tf);
        }
        for (w, tf) in &c.words {
            match p.words.get_mut(w.as_str()) {
                Some(list) => list.push(record, *tf),
                None => {
                    let mut list = List::default();
                    list.push(record, *tf);
                    p.words.insert(w.clone(), list);
                }
            }
        }
    }
}

impl Postings {
    /// The stored weight of a token occurring `tf` times in `record`: BM25 without the idf
    /// (the engine adds it from the list lengths at query time), times the record's weight.
    pub fn weight(&self, record: u32, tf: u32) -> u32 {
        let id = record as usize;
        quantized(self.norms[id], self.weights[id], tf)
    }

    /// The average record length (see [`weight_in`]).
    pub fn average(&self) -> f32 {
        self.average
    }

    /// The Traditional → Simplified pairs of the fold whose Simplified character the index
    /// holds, as one string of pairs: a query character folding to any other character cannot
    /// match anything, so the engine needs no more of the table.
    pub fn simplified_pairs(&self) -> String {
        let mut held = std::collections::HashSet::new();
        for &k in self.han.keys() {
            held.extend(han_text(k).chars());
        }
        simplified_pairs(|c| held.contains(&c))
            .into_iter()
            .flat_map(|(t, s)| [t, s])
            .collect()
    }

    /// Whether every token of `text` occurs somewhere in the index.
    pub fn holds(&self, text: &str) -> bool {
        let folded = folded(text);
        let mut all = true;
        for_each_token(&folded, |t| {
            all &= match t.han_key() {
                Some(k) => self.han.contains_key(&k),
                None => matches!(t, Token::Word(w) if self.words.contains_key(w)),
            };
        });
        all
    }

    /// How many records may hold `text`: the fewest records any of its tokens is in (0 where
    /// one is in none). Exact for a word of two characters, an upper bound for longer ones.
    pub fn records_holding(&self, text: &str) -> u32 {
        let folded = folded(text);
        let mut fewest = u32::MAX;
        for_each_token(&folded, |t| {
            let count = match t.han_key() {
                Some(k) => self.han.get(&k).map_or(0, List::count),
                None => match t {
                    Token::Word(w) => self.words.get(w).map_or(0, List::count),
                    _ => 0,
                },
            };
            fewest = fewest.min(count);
        });
        if fewest == u32::MAX {
            0
        } else {
            fewest
        }
    }

    /// Postings in all lists.
    pub fn total(&self) -> usize {
        self.total
    }
}
