//! Character-level difference of two clause texts (Chinese has no spaces, so words are not a
//! unit): the longest common subsequence of characters, returned as runs of kept, deleted and
//! inserted text.

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum Run {
    Same(String),
    Del(String),
    Ins(String),
}

/// Above this many cells the quadratic table is skipped and the texts shown as one deletion and
/// one insertion; clauses are far shorter than this.
const MAX_CELLS: usize = 4_000_000;

pub fn char_diff(old: &str, new: &str) -> Vec<Run> {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        return [Run::Del(old.into()), Run::Ins(new.into())]
            .into_iter()
            .filter(|r| !matches!(r, Run::Del(s) | Run::Ins(s) if s.is_empty()))
            .collect();
    }
    // lcs[i][j]: LCS length of a[i..] and b[j..].
    let w = b.len() + 1;
    let mut lcs = vec![0u32; (a.len() + 1) * w];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let mut runs: Vec<Run> = Vec::new();
    let push = |runs: &mut Vec<Run>, run: Run| match (runs.last_mut(), &run) {
        (Some(Run::Same(s)), Run::Same(t))
        | (Some(Run::Del(s)), Run::Del(t))
        | (Some(Run::Ins(s)), Run::Ins(t)) => s.push_str(t),
        _ => runs.push(run),
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push(&mut runs, Run::Same(a[i].to_string()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j]) {
            push(&mut runs, Run::Ins(b[j].to_string()));
            j += 1;
        } else {
            push(&mut runs, Run::Del(a[i].to_string()));
            i += 1;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_inserted_and_deleted_characters() {
        let runs = char_diff("市规划管理部门审批", "市规划资源管理部门审批");
        assert_eq!(
            runs,
            vec![
                Run::Same("市规划".into()),
                Run::Ins("资源".into()),
                Run::Same("管理部门审批".into()),
            ]
        );
        let runs = char_diff("区、县人民政府", "区人民政府");
        assert_eq!(
            runs,
            vec![
                Run::Same("区".into()),
                Run::Del("、县".into()),
                Run::Same("人民政府".into()),
            ]
        );
    }
}
