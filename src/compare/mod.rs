//! 新旧对照: aligns the articles (or task clauses) of a policy with those of the policy it revises
//! and classifies each pair 未变 / 修改 / 新增 / 删除 / 移动 with a confidence.
//!
//! One entry point, [`align`]. The order of evidence, strongest first:
//! 1. the same words (whitespace aside) — an article kept as it was, perhaps renumbered;
//! 2. an order-preserving alignment of strongly similar articles (most revisions insert and
//!    delete articles but keep the order), with a small preference for the same number;
//! 3. inside each gap the order leaves, a pair whose similarity clearly stands out from the
//!    other candidates of that gap (a heavily reworded article in the same place);
//! 4. a strongly similar article moved out of order.
//!
//! Any pair whose cross-references (`本条例第X条`) point at different articles once mapped
//! through the alignment is refused: two penalty articles from one template are different
//! articles when they enforce different duties.

pub mod diff;
pub mod input;
mod references;
pub mod similarity;
pub mod table;

use serde::Serialize;

use crate::clause::{ClauseTree, Node};
use similarity::{normalise, Vectors};

/// One unit of comparison: an article (`第X条`) or, in a plan without articles, a task clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Clause id in its policy (`2.5`), for links to the clause page.
    pub id: String,
    /// Label as written (`第五条`, `（三）`).
    pub label: String,
    /// Full text with the texts of its items, label excluded.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Class {
    未变,
    修改,
    新增,
    删除,
    移动,
}

impl Class {
    pub fn name(self) -> &'static str {
        match self {
            Class::未变 => "未变",
            Class::修改 => "修改",
            Class::新增 => "新增",
            Class::删除 => "删除",
            Class::移动 => "移动",
        }
    }
}

/// One row of the 对照表: indices into the old and new article lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub class: Class,
    /// 0.0–1.0: how sure the aligner is of this row.
    pub confidence: f32,
}

/// Similarity above which two articles are taken to be one article revised, without other
/// evidence (measured on the real pairs in tests/fixtures/revisions: true revised pairs score
/// 0.5–0.99; unrelated articles below 0.45 except template-made penalty articles).
const STRONG: f32 = 0.5;
/// Inside a gap, the least similarity still counted, and by how much the best candidate must
/// exceed the next one for the gap's position to decide.
const GAP_FLOOR: f32 = 0.15;
const GAP_MARGIN: f32 = 1.5;
/// A pair out of order needs this much similarity.
const MOVED: f32 = 0.6;
const SAME_NUMBER_BONUS: f32 = 0.05;

/// The articles to compare: every `第X条` node if the text has articles, otherwise every task
/// clause; each with the text of everything under it.
pub fn articles(tree: &ClauseTree) -> Vec<Article> {
    let nodes = tree.walk();
    let is_article = |n: &&Node| n.label.starts_with('第') && n.label.ends_with('条');
    let chosen: Vec<&Node> = if nodes.iter().any(is_article) {
        nodes.into_iter().filter(is_article).collect()
    } else {
        nodes.into_iter().filter(|n| n.is_clause).collect()
    };
    chosen
        .into_iter()
        .map(|n| Article {
            id: n.id.clone(),
            label: n.label.clone(),
            text: full_text(n),
        })
        .collect()
}

fn full_text(n: &Node) -> String {
    let mut out = n.heading.clone();
    if n.heading_ends_sentence && !n.heading.is_empty() {
        out.push('。');
    }
    for p in &n.paragraphs {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&p.text);
    }
    for c in &n.children {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&c.label);
        out.push_str(&full_text(c));
    }
    out
}

/// Pairs every old and every new article exactly once, in the order of the new text (deleted
/// articles after the article they followed).
pub fn align(old: &[Article], new: &[Article]) -> Vec<Pair> {
    let old_norm: Vec<String> = old.iter().map(|a| normalise(&a.text)).collect();
    let new_norm: Vec<String> = new.iter().map(|a| normalise(&a.text)).collect();
    let texts: Vec<&str> = old_norm
        .iter()
        .chain(new_norm.iter())
        .map(String::as_str)
        .collect();
    let vectors = Vectors::new(&texts);
    let sim: Vec<Vec<f32>> = (0..old.len())
        .map(|i| {
            (0..new.len())
                .map(|j| {
                    if old_norm[i] == new_norm[j] {
                        1.0
                    } else {
                        vectors.cosine(i, old.len() + j)
                    }
                })
                .collect()
        })
        .collect();
    let old_refs: Vec<Vec<u32>> = old
        .iter()
        .map(|a| references::cited_articles(&a.text))
        .collect();
    let new_refs: Vec<Vec<u32>> = new
        .iter()
        .map(|a| references::cited_articles(&a.text))
        .collect();
    let number = |a: &Article| {
        crate::clause::numbering::parse_chinese_numeral(
            a.label.trim_start_matches('第').trim_end_matches('条'),
        )
    };

    let mut matched = ordered_strong_pairs(old, new, &sim);
    // Refuse pairs whose cross-references disagree once mapped through the alignment.
    let refs_agree = |matched: &[(usize, usize)], i: usize, j: usize| -> bool {
        if old_refs[i].is_empty() || new_refs[j].is_empty() {
            return true;
        }
        let map = |n: u32| -> Option<u32> {
            let oi = old.iter().position(|a| number(a) == Some(n))?;
            let (_, nj) = matched.iter().find(|(o, _)| *o == oi)?;
            number(&new[*nj])
        };
        let mapped: Vec<u32> = old_refs[i].iter().filter_map(|&n| map(n)).collect();
        mapped.is_empty() || mapped.iter().any(|n| new_refs[j].contains(n))
    };
    let snapshot = matched.clone();
    matched.retain(|&(i, j)| refs_agree(&snapshot, i, j));

    // Gaps between consecutive ordered pairs.
    let mut bounds: Vec<(isize, isize)> = vec![(-1, -1)];
    bounds.extend(matched.iter().map(|&(i, j)| (i as isize, j as isize)));
    bounds.push((old.len() as isize, new.len() as isize));
    let mut gap_pairs = Vec::new();
    for w in bounds.windows(2) {
        let (olds, news) = (
            (w[0].0 + 1) as usize..w[1].0 as usize,
            (w[0].1 + 1) as usize..w[1].1 as usize,
        );
        let mut cands: Vec<(f32, usize, usize)> = Vec::new();
        for i in olds.clone() {
            for j in news.clone() {
                let s = sim[i][j];
                let other_old = news.clone().filter(|&k| k != j).map(|k| sim[i][k]);
                let other_new = olds.clone().filter(|&k| k != i).map(|k| sim[k][j]);
                let runner_up = other_old.chain(other_new).fold(0.0f32, f32::max);
                if s >= GAP_FLOOR && s >= GAP_MARGIN * runner_up && refs_agree(&matched, i, j) {
                    cands.push((s, i, j));
                }
            }
        }
        cands.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut used_old, mut used_new) = (Vec::new(), Vec::new());
        for (_, i, j) in cands {
            if !used_old.contains(&i) && !used_new.contains(&j) {
                used_old.push(i);
                used_new.push(j);
                gap_pairs.push((i, j));
            }
        }
    }
    matched.extend(gap_pairs);

    // Moves: strongly similar articles out of order.
    for i in 0..old.len() {
        if matched.iter().any(|&(o, _)| o == i) {
            continue;
        }
        let best = (0..new.len())
            .filter(|&j| !matched.iter().any(|&(_, n)| n == j))
            .map(|j| (sim[i][j], j))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((s, j)) = best {
            if s >= MOVED && refs_agree(&matched, i, j) {
                matched.push((i, j));
            }
        }
    }
    matched.sort_by_key(|&(_, j)| j);

    let mut rows: Vec<Pair> = matched
        .iter()
        .map(|&(i, j)| {
            let same_text = old_norm[i] == new_norm[j];
            let class = match (same_text, old[i].label == new[j].label) {
                (true, true) => Class::未变,
                (true, false) => Class::移动,
                (false, _) => Class::修改,
            };
            Pair {
                old: Some(i),
                new: Some(j),
                class,
                confidence: if same_text { 1.0 } else { sim[i][j] },
            }
        })
        .collect();
    for j in 0..new.len() {
        if !matched.iter().any(|&(_, n)| n == j) {
            let best = (0..old.len()).map(|i| sim[i][j]).fold(0.0f32, f32::max);
            let at = rows
                .iter()
                .position(|r| r.new.is_some_and(|n| n > j))
                .unwrap_or(rows.len());
            rows.insert(
                at,
                Pair {
                    old: None,
                    new: Some(j),
                    class: Class::新增,
                    confidence: 1.0 - best,
                },
            );
        }
    }
    for i in 0..old.len() {
        if !matched.iter().any(|&(o, _)| o == i) {
            let best = (0..new.len()).map(|j| sim[i][j]).fold(0.0f32, f32::max);
            // After the row of the old article before it.
            let at = rows
                .iter()
                .rposition(|r| r.old.is_some_and(|o| o < i))
                .map_or(0, |p| p + 1);
            rows.insert(
                at,
                Pair {
                    old: Some(i),
                    new: None,
                    class: Class::删除,
                    confidence: 1.0 - best,
                },
            );
        }
    }
    rows
}

/// The order-preserving alignment maximising the summed similarity above [`STRONG`] (a
/// Needleman–Wunsch alignment without gap cost).
fn ordered_strong_pairs(old: &[Article], new: &[Article], sim: &[Vec<f32>]) -> Vec<(usize, usize)> {
    let (n, m) = (old.len(), new.len());
    let w = m + 1;
    let mut score = vec![0.0f32; (n + 1) * w];
    for i in 1..=n {
        for j in 1..=m {
            let mut best = score[(i - 1) * w + j].max(score[i * w + j - 1]);
            let s = sim[i - 1][j - 1];
            if s >= STRONG {
                let bonus = if old[i - 1].label == new[j - 1].label {
                    SAME_NUMBER_BONUS
                } else {
                    0.0
                };
                best = best.max(score[(i - 1) * w + j - 1] + s - STRONG + bonus);
            }
            score[i * w + j] = best;
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::new();
    while i > 0 && j > 0 {
        let here = score[i * w + j];
        if here == score[(i - 1) * w + j] {
            i -= 1;
        } else if here == score[i * w + j - 1] {
            j -= 1;
        } else {
            out.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        }
    }
    out.reverse();
    out
}

/// Counts per class, for the terminal summary and the page.
pub fn summary(rows: &[Pair]) -> Vec<(Class, usize)> {
    [
        Class::未变,
        Class::修改,
        Class::移动,
        Class::新增,
        Class::删除,
    ]
    .into_iter()
    .map(|c| (c, rows.iter().filter(|r| r.class == c).count()))
    .collect()
}
