//! The clause trees a build recognised, kept in its output (`.jiedu/clauses`, written into the
//! staging directory like the build cache, so it is swapped in with the build it belongs to)
//! for the next build of the same output, which reads an unchanged policy text's tree back
//! instead of recognising it again ([`crate::clause::stored`]).
//!
//! Its own file: the trees are known once the model is made, long before the build record, and
//! written and freed then. Laid out as the other caches are ([`super::cache_file`]): one header
//! line (format, the program that wrote it, the body's length and checksum), then the body:
//! the number of trees (8 bytes), and for each its key (16 bytes), its length (8 bytes) and its
//! bytes, all little-endian. A tree is read back only when the key of this build's inputs finds
//! it, and decoded only then. A file from another format or program, or cut short or damaged,
//! is refused with one line saying why, and every policy is recognised again.

use std::path::Path;

use rustc_hash::FxHashMap;

use super::cache_file::{self, DAMAGED};

/// Where in the output the trees live (beside the build cache).
pub const FILE: &str = ".jiedu/clauses";

/// Bumped whenever the layout of the file or of a tree ([`crate::clause::stored`]) changes.
const FORMAT: u32 = 2;
const MAGIC: &str = "jiedu-clauses";

/// What the refusal says will happen instead.
const INSTEAD: &str = "本次重新识别全部政策的条款结构";

/// The file's bytes, as read from `output`: `Ok(None)` when there is none, `Err` with the one
/// line to show when it cannot be read.
pub fn read(output: &Path) -> Result<Option<Vec<u8>>, String> {
    let path = output.join(FILE);
    match std::fs::read(&path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!(
            "无法读取条款结构缓存 {}（{e}），{INSTEAD}。",
            path.display()
        )),
    }
}

/// The trees of a file [`read`] from `output`, by key, not yet decoded; `Err` with the one line
/// to show when the file cannot be used.
pub fn index<'a>(bytes: &'a [u8], output: &Path) -> Result<FxHashMap<u128, &'a [u8]>, String> {
    let path = output.join(FILE);
    let mut read = cache_file::Read::new(bytes, MAGIC, "不是 jiedu 的条款结构缓存")
        .map_err(|why| format!("条款结构缓存 {} {why}，{INSTEAD}。", path.display()))?;
    let damaged = |why: &str| format!("条款结构缓存 {} {why}，{INSTEAD}。", path.display());
    let format: u32 = read.number("format").map_err(damaged)?;
    let program = read.field("program").map_err(damaged)?;
    let seal = read.seal().map_err(damaged)?;
    if format != FORMAT {
        return Err(format!(
            "条款结构缓存的格式（第 {format} 版）与当前 jiedu 所用的（第 {FORMAT} 版）不同，{INSTEAD}。"
        ));
    }
    let current = super::disk::program();
    if program != current {
        return Err(format!(
            "条款结构缓存由另一版本的 jiedu（{program}）生成，当前为 {current}，{INSTEAD}。"
        ));
    }
    let body = read.body(&seal).map_err(damaged)?;
    entries(body).ok_or_else(|| damaged(DAMAGED))
}

fn entries(body: &[u8]) -> Option<FxHashMap<u128, &[u8]>> {
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        *rest = tail;
        Some(head)
    }
    fn number(rest: &mut &[u8]) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(take(rest, 8)?.try_into().ok()?)).ok()
    }
    let mut rest = body;
    let count = number(&mut rest)?;
    let mut trees = FxHashMap::default();
    trees.reserve(count.min(rest.len() / 24));
    for _ in 0..count {
        let key = u128::from_le_bytes(take(&mut rest, 16)?.try_into().ok()?);
        let len = number(&mut rest)?;
        trees.insert(key, take(&mut rest, len)?);
    }
    rest.is_empty().then_some(trees)
}

/// The file's bytes for the trees `made` (by key, as [`crate::clause::stored::Recall`] gives
/// them).
pub fn encode(made: &[crate::clause::stored::Kept]) -> Vec<u8> {
    let size: usize = made.iter().map(|(_, b)| 24 + b.len()).sum();
    let mut body = Vec::with_capacity(8 + size + cache_file::HEADER_ROOM);
    body.extend_from_slice(&(made.len() as u64).to_le_bytes());
    for (key, bytes) in made {
        body.extend_from_slice(&key.to_le_bytes());
        body.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        body.extend_from_slice(bytes);
    }
    let fields = [
        ("format", FORMAT.to_string()),
        ("program", super::disk::program().to_string()),
    ];
    cache_file::write_before(MAGIC, &fields, body)
}
