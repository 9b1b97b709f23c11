//! The inverted index: for every token, the records it occurs in and how often. Records are
//! tokenized in parallel in bounded batches and merged in record order, so every list comes
//! out sorted by record id with no sort, and is kept as varint bytes (2–3 bytes a posting)
//! rather than structs: on a large portal the lists are most of the indexer's memory.

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
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
    fn from_bytes(bytes: Vec<u8>, count: u32) -> List {
        List {
            bytes,
            // Only a list made here is pushed to; one read from the cache is replaced whole.
            ids: varint::Ids::default(),
            count,
        }
    }

    /// This list without the postings of the records `state` marks rewritten, with `new`
    /// (record order) put in their places.
    fn replaced(&self, state: &[u8], new: Vec<(u32, u32)>) -> List {
        let mut out = List::default();
        let mut new = new.into_iter().peekable();
        for (r, tf) in self.iter().filter(|(r, _)| state[*r as usize] != REWRITTEN) {
            while let Some((n, ntf)) = new.next_if(|(n, _)| *n < r) {
                out.push(n, ntf);
            }
            out.push(r, tf);
        }
        for (n, ntf) in new {
            out.push(n, ntf);
        }
        out
    }

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
    /// Per record: its length in tokens, and its highest term frequency.
    lengths: Vec<u32>,
    most_frequent: Vec<u32>,
    average: f32,
    total: usize,
}

/// A record's tokens, counted: each token once, in allocations of their length.
/// (A hash table per record, grown from empty and held until its batch was merged, was the
/// largest part of the indexer's memory.)
#[derive(Default)]
struct Counted {
    han: Vec<(u64, u32)>,
    words: Vec<(String, u32)>,
    length: u32,
}

impl Counted {
    /// The highest term frequency of the record.
    fn most_frequent(&self) -> u32 {
        let han = self.han.iter().map(|&(_, n)| n).max().unwrap_or(0);
        han.max(self.words.iter().map(|&(_, n)| n).max().unwrap_or(0))
    }
}

/// The tables a thread counts records' tokens in, emptied and reused record after record.
#[derive(Default)]
struct Counter {
    han: FxHashMap<u64, u32>,
    words: FxHashMap<String, u32>,
    length: u32,
}

impl Counter {
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

    fn count(&mut self, r: &Record) -> Counted {
        self.length = 0;
        self.add(&r.title, TITLE_BOOST);
        self.add(&r.text, 1);
        // In the table's order, which depends on what the thread counted before: the merge
        // puts each posting at the end of its token's list, so every list comes out in record
        // order whatever the order of a record's tokens, and nothing made of the index reads
        // the order of its maps (the shards are keyed by token, the cache sorted).
        Counted {
            han: self.han.drain().collect(),
            words: self.words.drain().collect(),
            length: self.length,
        }
    }
}

/// Indexes `records`; record ids are their positions.
pub fn index(records: &[Record]) -> Postings {
    let mut p = Postings::default();
    // The merge of a batch's counts into the lists runs on one thread (each list must come
    // out in record order) while the next batch is counted on the others, which sat idle
    // while it ran; the lists are built in the same order as before, for any thread count.
    let mut counted_before: Option<(usize, Vec<Counted>)> = None;
    for (batch_no, batch) in records.chunks(BATCH).enumerate() {
        let ((), counted) = rayon::join(
            || {
                if let Some((before, counted)) = counted_before.take() {
                    merge(&mut p, before, counted);
                }
            },
            || {
                batch
                    .par_iter()
                    .map_init(Counter::default, |c, r| c.count(r))
                    .collect::<Vec<Counted>>()
            },
        );
        counted_before = Some((batch_no, counted));
    }
    if let Some((before, counted)) = counted_before {
        merge(&mut p, before, counted);
    }
    p.weigh(records);
    p
}

/// Adds the counts of batch `batch_no` to the lists, in record order.
fn merge(p: &mut Postings, batch_no: usize, counted: Vec<Counted>) {
    for (i, c) in counted.into_iter().enumerate() {
        let record = (batch_no * BATCH + i) as u32;
        p.lengths.push(c.length);
        p.most_frequent.push(c.most_frequent());
        p.total += c.han.len() + c.words.len();
        for (k, tf) in c.han {
            p.han.entry(k).or_default().push(record, tf);
        }
        for (w, tf) in c.words {
            p.words.entry(w).or_default().push(record, tf);
        }
    }
}

/// A record's BM25 length norm, for records of `average` length.
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

/// The stored weight of a token occurring `tf` times in a record of `length` tokens and weight
/// `weight`, in an index whose average length is `average`: what a previous build wrote.
pub fn weight_in(average: f32, length: u32, weight: f32, tf: u32) -> u32 {
    quantized(norm(length, average), weight, tf)
}

/// What the search cache keeps of the index: every list as it is (in key order, so that the
/// cache's bytes do not depend on the order of a map), and each record's length.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Kept {
    /// Chinese tokens: key, postings, bytes of the list in `lists`.
    pub han: Vec<(u64, u32, u32)>,
    pub words: Vec<(String, u32, u32)>,
    pub lengths: Vec<u32>,
    pub most_frequent: Vec<u32>,
}

/// Per record: how the update treats it.
const CLEAN: u8 = 0;
/// Its stored weights changed (the average length moved): its lists are made again as they are.
const REWEIGHED: u8 = 1;
/// Its text changed: its postings are taken out of every list and its new ones put in.
const REWRITTEN: u8 = 2;

impl Postings {
    /// The lists and lengths, for the search cache: the description and the lists' bytes.
    /// Consumes the index: each list is freed once its bytes are in the one buffer, instead
    /// of a copy of every list held beside the index (~30 MB at 1,000 policies).
    pub fn into_kept(self) -> (Kept, Vec<u8>) {
        let mut han: Vec<(u64, List)> = self.han.into_iter().collect();
        han.sort_unstable_by_key(|(k, _)| *k);
        let mut words: Vec<(String, List)> = self.words.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let size: usize = han.iter().map(|(_, l)| l.bytes.len()).sum::<usize>()
            + words.iter().map(|(_, l)| l.bytes.len()).sum::<usize>();
        let mut lists = Vec::with_capacity(size);
        let mut kept = Kept {
            han: Vec::with_capacity(han.len()),
            words: Vec::with_capacity(words.len()),
            lengths: self.lengths,
            most_frequent: self.most_frequent,
        };
        for (k, l) in han {
            lists.extend_from_slice(&l.bytes);
            kept.han.push((k, l.count, l.bytes.len() as u32));
        }
        for (w, l) in words {
            lists.extend_from_slice(&l.bytes);
            kept.words.push((w, l.count, l.bytes.len() as u32));
        }
        (kept, lists)
    }

    /// The index a previous build kept, or `None` where its description does not fit its lists.
    pub fn from_kept(kept: Kept, lists: &[u8]) -> Option<Postings> {
        let mut p = Postings::default();
        let mut at = 0usize;
        let mut take = |len: u32| -> Option<Vec<u8>> {
            let end = at.checked_add(len as usize)?;
            let bytes = lists.get(at..end)?.to_vec();
            at = end;
            Some(bytes)
        };
        p.han.reserve(kept.han.len());
        for (k, count, len) in kept.han {
            let bytes = take(len)?;
            p.total += count as usize;
            p.han.insert(k, List::from_bytes(bytes, count));
        }
        for (w, count, len) in kept.words {
            let bytes = take(len)?;
            p.total += count as usize;
            p.words.insert(w, List::from_bytes(bytes, count));
        }
        if at != lists.len() || kept.lengths.len() != kept.most_frequent.len() {
            return None;
        }
        p.lengths = kept.lengths;
        p.most_frequent = kept.most_frequent;
        Some(p)
    }

    /// The index of `records` made from this one, which indexed the same number of records,
    /// whose texts differ where `rewritten` says: their postings are taken out of the lists
    /// that hold them and their new ones put in, in record order, as [`index`] would have made
    /// them. Returns the index and the tokens whose lists may read differently: held by a record
    /// whose stored weights changed, or held before or now by a rewritten record — unless the
    /// list came out with the same postings and every rewritten record in it with the same
    /// stored weights (an edit of a few characters leaves most of its record's lists as they
    /// were: at 1,000 policies one answer otherwise made a quarter of the exact shards again).
    pub fn update(
        mut self,
        records: &[Record],
        rewritten: &[usize],
        previous_average: f32,
        previous_weights: &[f32],
    ) -> (Postings, FxHashSet<u64>, FxHashSet<String>) {
        let mut state = vec![CLEAN; records.len()];
        let counted: Vec<(usize, Counted)> = rewritten
            .par_iter()
            .map_init(Counter::default, |c, &i| (i, c.count(&records[i])))
            .collect();
        // A rewritten record's previous length, for the weights its lists stored.
        let old_lengths: FxHashMap<u32, u32> = counted
            .iter()
            .map(|(i, _)| (*i as u32, self.lengths.get(*i).copied().unwrap_or(0)))
            .collect();
        for (i, c) in &counted {
            state[*i] = REWRITTEN;
            self.lengths[*i] = c.length;
            self.most_frequent[*i] = c.most_frequent();
        }
        self.weigh(records);
        // A record whose stored weights round otherwise with the new average: its lists are
        // written again (every term frequency up to its most frequent token is tried).
        let average_moved = previous_average.to_bits() != self.average.to_bits();
        let reweighed: Vec<usize> = (0..records.len())
            .into_par_iter()
            .filter(|&i| {
                state[i] == CLEAN
                    && (previous_weights.get(i).map(|w| w.to_bits())
                        != Some(self.weights[i].to_bits())
                        || (average_moved
                            && (1..=self.most_frequent[i]).any(|tf| {
                                weight_in(previous_average, self.lengths[i], self.weights[i], tf)
                                    != self.weight(i as u32, tf)
                            })))
            })
            .collect();
        for i in reweighed {
            state[i] = REWEIGHED;
        }
        let holds = |l: &List, at_least: u8| l.iter().any(|(r, _)| state[r as usize] >= at_least);
        // Whether `new`, made from `old` by replacing its rewritten records' postings, reads as
        // `old` did: the same postings, none held by a record whose stored weights changed,
        // and each rewritten record's stored weight as the previous build wrote it.
        let (norms, weights) = (&self.norms, &self.weights);
        let reads_the_same = |old: &List, new: &List| {
            old.count == new.count
                && old.iter().eq(new.iter())
                && new.iter().all(|(r, tf)| match state[r as usize] {
                    CLEAN => true,
                    REWRITTEN => {
                        let before = old_lengths.get(&r).copied().unwrap_or(0);
                        let weight = previous_weights.get(r as usize).copied();
                        let now = quantized(norms[r as usize], weights[r as usize], tf);
                        weight.is_some_and(|w| weight_in(previous_average, before, w, tf) == now)
                    }
                    _ => false,
                })
        };
        // The new postings of the rewritten records, by token, in record order.
        let mut new_han: FxHashMap<u64, Vec<(u32, u32)>> = FxHashMap::default();
        let mut new_words: FxHashMap<String, Vec<(u32, u32)>> = FxHashMap::default();
        for (i, c) in counted {
            for (k, tf) in c.han {
                new_han.entry(k).or_default().push((i as u32, tf));
            }
            for (w, tf) in c.words {
                new_words.entry(w).or_default().push((i as u32, tf));
            }
        }
        let han_touched: Vec<u64> = self
            .han
            .par_iter()
            .filter(|(_, l)| holds(l, REWEIGHED))
            .map(|(k, _)| *k)
            .collect();
        let words_touched: Vec<String> = self
            .words
            .par_iter()
            .filter(|(_, l)| holds(l, REWEIGHED))
            .map(|(w, _)| w.clone())
            .collect();
        // First the lists that held a rewritten record (without its old postings, with its new
        // ones), then those that gain one.
        let mut han: FxHashSet<u64> = FxHashSet::default();
        for k in han_touched {
            if let Some(l) = self.han.get_mut(&k) {
                if holds(l, REWRITTEN) {
                    let new = l.replaced(&state, new_han.remove(&k).unwrap_or_default());
                    let same = reads_the_same(l, &new);
                    *l = new;
                    if same {
                        continue;
                    }
                }
            }
            han.insert(k);
        }
        let mut words: FxHashSet<String> = FxHashSet::default();
        for w in words_touched {
            if let Some(l) = self.words.get_mut(&w) {
                if holds(l, REWRITTEN) {
                    let new = l.replaced(&state, new_words.remove(&w).unwrap_or_default());
                    let same = reads_the_same(l, &new);
                    *l = new;
                    if same {
                        continue;
                    }
                }
            }
            words.insert(w);
        }
        for (k, postings) in new_han {
            han.insert(k);
            let list = self.han.entry(k).or_default();
            *list = list.replaced(&state, postings);
        }
        for (w, postings) in new_words {
            let list = self.words.entry(w.clone()).or_default();
            *list = list.replaced(&state, postings);
            words.insert(w);
        }
        self.han.retain(|_, l| l.count > 0);
        self.words.retain(|_, l| l.count > 0);
        self.total = self.han.values().map(|l| l.count as usize).sum::<usize>()
            + self.words.values().map(|l| l.count as usize).sum::<usize>();
        (self, han, words)
    }

    /// The norms and weights of the records, from their lengths.
    fn weigh(&mut self, records: &[Record]) {
        let sum: f32 = self.lengths.iter().map(|&l| l.max(1) as f32).sum();
        self.average = (sum / self.lengths.len().max(1) as f32).max(1.0);
        let average = self.average;
        self.norms = self.lengths.iter().map(|&l| norm(l, average)).collect();
        self.weights = records.iter().map(|r| r.weight).collect();
    }

    /// The average record length (see [`weight_in`]).
    pub fn average(&self) -> f32 {
        self.average
    }
}

impl Postings {
    /// The stored weight of a token occurring `tf` times in `record`: BM25 without the idf
    /// (the engine adds it from the list lengths at query time), times the record's weight.
    pub fn weight(&self, record: u32, tf: u32) -> u32 {
        let id = record as usize;
        quantized(self.norms[id], self.weights[id], tf)
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

    /// Records indexed (record ids run below it).
    pub fn records(&self) -> usize {
        self.lengths.len()
    }

    /// Postings in all lists.
    pub fn total(&self) -> usize {
        self.total
    }
}
