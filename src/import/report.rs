//! The report `jiedu import` prints for the editor, in Chinese: what was read, what was found,
//! what was repaired and what needs a human look.

use std::fmt;
use std::path::PathBuf;

use super::noise::Dropped;
use super::repair::Join;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub parts: usize,
    pub groups: usize,
    pub clauses: usize,
    pub unit_notes: usize,
    pub tables: usize,
    pub boxes: usize,
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub source: PathBuf,
    pub output: PathBuf,
    pub overwritten: bool,
    pub encoding: String,
    /// What `line` numbers count in the source: "行" or "段".
    pub unit: &'static str,
    /// Front matter found, as (Chinese label, value).
    pub metadata: Vec<(&'static str, String)>,
    pub counts: Counts,
    /// The recovered structure, one line per part or group (see [`super::outline`]).
    pub outline: Vec<String>,
    pub joined: Vec<Join>,
    pub wrapped: usize,
    pub dropped: Vec<Dropped>,
    /// Things the editor should check, each a full sentence.
    pub suspicious: Vec<String>,
    /// Front matter the source does not tell and the editor should add.
    pub to_fill: Vec<String>,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.overwritten {
            "已导入（覆盖）"
        } else {
            "已导入"
        };
        writeln!(
            f,
            "{verb}：{} → {}",
            self.source.display(),
            self.output.display()
        )?;
        writeln!(f, "文字编码：{}", self.encoding)?;
        writeln!(f, "元数据：")?;
        for (label, value) in &self.metadata {
            writeln!(f, "  {label}：{value}")?;
        }
        let c = &self.counts;
        writeln!(
            f,
            "结构：部分 {} 个，分组 {} 个，任务条款 {} 条，单位说明 {} 条，表格 {} 个，专栏 {} 个",
            c.parts, c.groups, c.clauses, c.unit_notes, c.tables, c.boxes
        )?;
        if let Some((levels, rest)) = self.outline.split_first() {
            writeln!(f, "大纲（{levels}）：")?;
            for line in rest {
                writeln!(f, "  {line}")?;
            }
        }
        let u = self.unit;
        if self.joined.is_empty() {
            writeln!(f, "接续的断段：无")?;
        } else {
            writeln!(
                f,
                "接续的断段（{} 处，跨空行或分页断开的段落已接上）：",
                self.joined.len()
            )?;
            for j in &self.joined {
                writeln!(
                    f,
                    "  第 {} {u}「…{}」＋ 第 {} {u}「{}…」",
                    j.line, j.before, j.next_line, j.after
                )?;
            }
        }
        if self.wrapped > 0 {
            writeln!(f, "另有 {} 处段内折行已合并。", self.wrapped)?;
        }
        if !self.dropped.is_empty() {
            writeln!(f, "删除的版面噪声（{} 处）：", self.dropped.len())?;
            for d in &self.dropped {
                writeln!(f, "  第 {} {u} {}「{}」", d.line, d.reason, d.text)?;
            }
        }
        if self.suspicious.is_empty() {
            writeln!(f, "需要核对：无")?;
        } else {
            writeln!(f, "需要核对（{} 项）：", self.suspicious.len())?;
            for s in &self.suspicious {
                writeln!(f, "  - {s}")?;
            }
        }
        if !self.to_fill.is_empty() {
            writeln!(f, "请在 policy.md 中补充：{}", self.to_fill.join("；"))?;
        }
        Ok(())
    }
}
