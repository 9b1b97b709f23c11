//! The search cache on disk: what a build's search index remembers of each record (its tokens,
//! keyed by a digest of its text, and a digest of its row in the fragments) and of each file of
//! the bundle, saved in the output it wrote (`.jiedu/search-cache`, written into the staging
//! directory beside the build cache, so it is swapped in with the very files it describes) and
//! read by the next build of the same output, which then cuts into tokens only the records whose
//! text changed and makes again only the shards and fragments whose content changed.
//!
//! Its own file rather than a part of the build cache: the index is made after the pages, and
//! a build without search (`--no-search`) has none. Laid out as the build cache is: one header
//! line of text (format, the program that wrote it, the options, the body's length and
//! checksum), then the body in bincode. A cache from another format, program or site address,
//! or one cut short or damaged, is refused with one line saying why and the whole index is
//! made; it is never trusted in part.

use std::collections::BTreeMap;
use std::path::Path;

use bincode::Options as _;
use serde::{Deserialize, Serialize};

use super::postings::Kept;
use crate::pipeline::cache_file::{self, DAMAGED};

/// Where in the output the cache lives (beside the build cache).
pub const FILE: &str = ".jiedu/search-cache";

/// Bumped whenever [`Memory`] or its meaning changes.
const FORMAT: u32 = 1;
const MAGIC: &str = "jiedu-search-cache";

/// What one build's index remembers for the next.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Memory {
    /// Every record, by record id.
    pub records: Vec<Remembered>,
    /// The average record length the weights were made with.
    pub average: f32,
    pub shard_count: usize,
    pub per_fragment: usize,
    /// The thesaurus entries written into the exact shards.
    pub thesaurus: BTreeMap<String, Vec<String>>,
    /// Every file of the bundle but `meta.json`: its length and its share of the version.
    pub files: BTreeMap<String, (u64, u64)>,
    /// The index's lists, described, and each record's length.
    pub index: Kept,
    /// The bytes of the lists, one after the other (after the rest in the file, as they are).
    #[serde(skip)]
    pub lists: Vec<u8>,
}

/// What the index remembers of one record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Remembered {
    /// Digest of the title and text, which its tokens are made of.
    pub text: u128,
    /// Digest of the record's row in its fragment (URL, title, format, context, text, status).
    pub row: u128,
    pub weight: f32,
}

/// What the cache was made by and for; every field must match for it to be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    format: u32,
    /// The jiedu version and a digest of its program (its tokenizer, its lists, its layout).
    program: String,
    /// Digest of the site's address, which every fragment's URLs begin with.
    options: u64,
}

impl Header {
    pub fn new(base: &str) -> Header {
        Header {
            format: FORMAT,
            program: crate::pipeline::disk::program().to_string(),
            options: xxhash_rust::xxh3::xxh3_64(base.as_bytes()),
        }
    }

    fn fields(&self) -> [(&'static str, String); 3] {
        [
            ("format", self.format.to_string()),
            ("program", self.program.clone()),
            ("options", format!("{:016x}", self.options)),
        ]
    }

    /// Why a cache with header `old` cannot be used by a build with this one, if it cannot.
    fn refuses(&self, old: &Header) -> Option<String> {
        let why = if old.format != self.format {
            format!(
                "搜索索引缓存的格式（第 {} 版）与当前 jiedu 所用的（第 {} 版）不同，本次重新生成整个搜索索引。",
                old.format, self.format
            )
        } else if old.program != self.program {
            format!(
                "搜索索引缓存由另一版本的 jiedu（{}）生成，当前为 {}，本次重新生成整个搜索索引。",
                old.program, self.program
            )
        } else if old.options != self.options {
            "站点网址与上次生成时不同，搜索索引缓存不再适用，本次重新生成整个搜索索引。".to_string()
        } else {
            return None;
        };
        Some(why)
    }
}

fn bincode_options() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// The cache file's bytes: the header line, then the body: the length of the memory in
/// bincode (8 bytes, little-endian), the memory, and the bytes of the lists as they are (tens
/// of megabytes at 1,000 policies, copied rather than serialized byte by byte).
pub fn encode(header: &Header, memory: &Memory) -> Vec<u8> {
    // Serializing plain owned data into a Vec cannot fail; an empty body would be refused.
    let described = bincode_options().serialize(memory).unwrap_or_default();
    let size = (described.len() as u64).to_le_bytes();
    cache_file::write(MAGIC, &header.fields(), &[&size, &described, &memory.lists])
}

/// Reads the search cache `output` holds, for a build with `header`: `Ok(None)` when there is
/// none, `Err` with the one line to show when it cannot be used.
pub fn load(output: &Path, header: &Header) -> Result<Option<Memory>, String> {
    let path = output.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "无法读取搜索索引缓存 {}（{e}），本次重新生成整个搜索索引。",
                path.display()
            ))
        }
    };
    let (old, memory) = decode(&bytes, header).map_err(|why| {
        format!(
            "搜索索引缓存 {} {why}，本次重新生成整个搜索索引。",
            path.display()
        )
    })?;
    match header.refuses(&old) {
        Some(why) => Err(why),
        None => memory.map(Some).ok_or_else(|| {
            format!(
                "搜索索引缓存 {} 已损坏，本次重新生成整个搜索索引。",
                path.display()
            )
        }),
    }
}

/// The header and, where it is `expected`, the memory.
fn decode(bytes: &[u8], expected: &Header) -> Result<(Header, Option<Memory>), &'static str> {
    let mut read = cache_file::Read::new(bytes, MAGIC, "不是 jiedu 的搜索索引缓存")?;
    let format = read.number("format")?;
    let program = read.field("program")?.to_string();
    let options = read.hex("options")?;
    let seal = read.seal()?;
    let header = Header {
        format,
        program,
        options,
    };
    // Another format may lay out its body differently, and another program's or site's
    // cache is refused anyway: by its header, the body unread.
    if header != *expected {
        return Ok((header, None));
    }
    let body = read.body(&seal)?;
    let (size, rest) = body.split_at_checked(8).ok_or(DAMAGED)?;
    let size = u64::from_le_bytes(size.try_into().map_err(|_| DAMAGED)?);
    let size = usize::try_from(size).map_err(|_| DAMAGED)?;
    let (described, lists) = rest.split_at_checked(size).ok_or(DAMAGED)?;
    let mut memory: Memory = bincode_options()
        .with_limit(size as u64)
        .deserialize(described)
        .map_err(|_| DAMAGED)?;
    memory.lists = lists.to_vec();
    Ok((header, Some(memory)))
}
