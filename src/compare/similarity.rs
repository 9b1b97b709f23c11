//! Text similarity for Chinese clauses: TF-IDF weighted character bigrams, cosine. Chinese has no
//! spaces, so words are approximated by overlapping character pairs; weighting by how few clauses
//! of the two texts share a pair keeps boilerplate (`由区房屋管理部门责令限期改正`) from making
//! unrelated penalty articles look alike.

use std::collections::HashMap;

/// Whitespace removed: layout (one line or two, half- or full-width spaces) is not content.
pub fn normalise(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn bigrams(text: &str) -> HashMap<(char, char), f32> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = HashMap::new();
    for w in chars.windows(2) {
        *out.entry((w[0], w[1])).or_insert(0.0) += 1.0;
    }
    out
}

/// Unit-length TF-IDF vectors, one per text, over the collection of all texts given.
pub struct Vectors {
    vectors: Vec<HashMap<(char, char), f32>>,
}

impl Vectors {
    pub fn new(texts: &[&str]) -> Self {
        let counts: Vec<_> = texts.iter().map(|t| bigrams(t)).collect();
        let mut df: HashMap<(char, char), f32> = HashMap::new();
        for c in &counts {
            for g in c.keys() {
                *df.entry(*g).or_insert(0.0) += 1.0;
            }
        }
        let n = counts.len() as f32;
        let vectors = counts
            .into_iter()
            .map(|c| {
                let mut v: HashMap<_, _> = c
                    .into_iter()
                    .map(|(g, tf)| (g, tf * ((n + 1.0) / (df[&g] + 0.5)).ln()))
                    .collect();
                let norm = v.values().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    v.values_mut().for_each(|x| *x /= norm);
                }
                v
            })
            .collect();
        Vectors { vectors }
    }

    /// Cosine of texts `a` and `b` (indices into the texts given to `new`), 0.0–1.0.
    pub fn cosine(&self, a: usize, b: usize) -> f32 {
        let (x, y) = (&self.vectors[a], &self.vectors[b]);
        let (small, large) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        small
            .iter()
            .filter_map(|(g, w)| large.get(g).map(|v| w * v))
            .sum::<f32>()
            .clamp(0.0, 1.0)
    }
}
