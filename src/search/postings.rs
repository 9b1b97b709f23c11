//! The inverted index: for every token, the records it occurs in and how much it counts there.
//! Records are tokenized in parallel in bounded batches and merged in record order, so the
//! posting lists come out sorted by record id with no sort, and memory holds the postings, not
//! every record's token list at once.

use std::collections::HashMap;

use rayon::prelude::*;

use super::records::Record;
use super::tokens::{folded, for_each_token, Token};

/// A token in the title counts this many times: a passage titled 购房补贴 is about it.
const TITLE_BOOST: u32 = 3;
/// BM25 parameters. `B` is low because a clause is long by nature: with the usual 0.75 a
/// one-line infographic caption would outrank the clause it summarises.
const K1: f32 = 1.2;
const B: f32 = 0.3;
/// Weights are stored as integers in hundredths.
pub const WEIGHT_SCALE: f32 = 100.0;
/// Records tokenized at once; bounds the memory of token lists waiting to be merged.
const BATCH: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub record: u32,
    /// Term frequency until [`Postings::finish`], the scaled BM25 weight after.
    pub value: u32,
}

#[derive(Debug, Default)]
pub struct Postings {
    /// Chinese tokens by [`Token::han_key`].
    pub han: HashMap<u64, Vec<Posting>>,
    pub words: HashMap<String, Vec<Posting>>,
    /// Tokens per record, for length normalisation.
    lengths: Vec<u32>,
}

/// A record's tokens, counted.
#[derive(Default)]
struct Counted {
    han: HashMap<u64, u32>,
    words: HashMap<String, u32>,
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
                        *self.words.entry(w.to_string()).or_default() += times;
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
    for (batch_no, batch) in records.chunks(BATCH).enumerate() {
        let counted: Vec<Counted> = batch.par_iter().map(count).collect();
        for (i, c) in counted.into_iter().enumerate() {
            let record = (batch_no * BATCH + i) as u32;
            p.lengths.push(c.length.max(1));
            for (k, tf) in c.han {
                p.han
                    .entry(k)
                    .or_default()
                    .push(Posting { record, value: tf });
            }
            for (w, tf) in c.words {
                p.words
                    .entry(w)
                    .or_default()
                    .push(Posting { record, value: tf });
            }
        }
    }
    p.finish(records);
    p
}

impl Postings {
    /// Turns term frequencies into BM25 weights (without idf, which the engine adds from the
    /// list lengths at query time), scaled by each record's weight.
    fn finish(&mut self, records: &[Record]) {
        let n = self.lengths.len().max(1) as f32;
        let average = self.lengths.iter().map(|&l| l as f32).sum::<f32>() / n;
        let norms: Vec<f32> = self
            .lengths
            .iter()
            .map(|&l| K1 * (1.0 - B + B * l as f32 / average.max(1.0)))
            .collect();
        let weigh = |list: &mut Vec<Posting>| {
            for posting in list.iter_mut() {
                let id = posting.record as usize;
                let tf = posting.value as f32;
                let bm25 = tf * (K1 + 1.0) / (tf + norms[id]);
                let w = (bm25 * records[id].weight * WEIGHT_SCALE).round();
                posting.value = (w as u32).max(1);
            }
        };
        self.han.values_mut().for_each(weigh);
        self.words.values_mut().for_each(weigh);
    }

    pub fn total(&self) -> usize {
        self.han
            .values()
            .chain(self.words.values())
            .map(Vec::len)
            .sum()
    }
}
