//! The inverted index: for every token, the records it occurs in and how often. Records are
//! tokenized in parallel in bounded batches and merged in record order, so every list comes
//! out sorted by record id with no sort, and is kept as varint bytes (2–3 bytes a posting)
//! rather than structs: on a large portal the lists are most of the indexer's memory.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

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
    total: usize,
}

/// A record's tokens, counted.
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

fn count(r: &Record) -> Counted {
    let mut c = Counted::default();
    c.add(&r.title, TITLE_BOOST);
    c.add(&r.text, 1);
    c
}

/// Indexes `records`; record ids are their positions.
pub fn index(records: &[Record]) -> Postings {
    let mut p = Postings::default();
    let mut lengths = Vec::with_capacity(records.len());
    // The merge of a batch's counts into the lists runs on one thread (each list must come
    // out in record order) while the next batch is counted on the others, which sat idle
    // while it ran; the lists are built in the same order as before, for any thread count.
    let mut counted_before: Option<(usize, Vec<Counted>)> = None;
    for (batch_no, batch) in records.chunks(BATCH).enumerate() {
        let ((), counted) = rayon::join(
            || {
                if let Some((before, counted)) = counted_before.take() {
                    merge(&mut p, &mut lengths, before, counted);
                }
            },
            || batch.par_iter().map(count).collect::<Vec<Counted>>(),
        );
        counted_before = Some((batch_no, counted));
    }
    if let Some((before, counted)) = counted_before {
        merge(&mut p, &mut lengths, before, counted);
    }
    let average = (lengths.iter().sum::<f32>() / lengths.len().max(1) as f32).max(1.0);
    p.norms = lengths
        .iter()
        .map(|l| K1 * (1.0 - B + B * l / average))
        .collect();
    p.weights = records.iter().map(|r| r.weight).collect();
    p
}

/// Adds the counts of batch `batch_no` to the lists, in record order.
fn merge(p: &mut Postings, lengths: &mut Vec<f32>, batch_no: usize, counted: Vec<Counted>) {
    for (i, c) in counted.into_iter().enumerate() {
        let record = (batch_no * BATCH + i) as u32;
        lengths.push(c.length.max(1) as f32);
        p.total += c.han.len() + c.words.len();
        for (k, tf) in c.han {
            p.han.entry(k).or_default().push(record, tf);
        }
        for (w, tf) in c.words {
            p.words.entry(w).or_default().push(record, tf);
        }
    }
}

impl Postings {
    /// The stored weight of a token occurring `tf` times in `record`: BM25 without the idf
    /// (the engine adds it from the list lengths at query time), times the record's weight.
    pub fn weight(&self, record: u32, tf: u32) -> u32 {
        let id = record as usize;
        let tf = tf as f32;
        let bm25 = tf * (K1 + 1.0) / (tf + self.norms[id]);
        ((bm25 * self.weights[id] * WEIGHT_SCALE).round() as u32).clamp(1, 127)
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
