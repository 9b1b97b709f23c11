//! The build cache on disk: what a build recorded of its pages ([`Recorded`]), saved in the
//! output it wrote (`.jiedu/cache`, written into the staging directory, so it is swapped in with
//! the very files it describes) and read by the next build of the same output.
//!
//! The file is one header line of text, then the record in bincode (compact and fast for tens
//! of thousands of pages, where JSON took several times longer to read; serde-based, so the
//! record stays plain derived data). The header names the format, the jiedu program that wrote
//! it, the theme, the render options, the body's length and its checksum: a cache from another
//! program, another theme or other options, or one that is cut short or damaged, is refused
//! with one line saying why, and the build starts from nothing. It is never trusted in part.

use std::path::Path;
use std::sync::OnceLock;

use bincode::Options as _;

use super::{cache_file, PipelineOptions};
use crate::render::recorded::Recorded;
use crate::render::Theme;

/// Where in the output the cache lives (beside the published URL list).
pub const CACHE_FILE: &str = ".jiedu/cache";

/// Bumped whenever [`Recorded`] or its meaning changes.
const FORMAT: u32 = 7;
const MAGIC: &str = "jiedu-cache";

/// What the cache was made by and for; every field must match for the cache to be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    format: u32,
    /// The jiedu version and a digest of its program: pages made by other code may differ.
    program: String,
    /// Digest of the theme's templates and static files.
    theme: u64,
    /// Digest of the options that change what is drawn (live reload, PNGs, search).
    options: u64,
}

/// A cache read from disk, not yet checked against this build's theme and options.
pub struct Cached {
    pub header: Header,
    pub recorded: Recorded,
}

fn bincode_options() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// The running program: its version and a digest of its executable (read once), so that a
/// cache written by another build of jiedu — even of the same version — is refused.
/// Starts digesting the program on a pool thread, so that reading its 20 MB overlaps the
/// model instead of holding up the build after it ([`Header::new`] waits for the result).
pub fn digest_program_early() {
    rayon::spawn(|| {
        program();
    });
}

pub fn program() -> &'static str {
    static PROGRAM: OnceLock<String> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let digest = std::env::current_exe()
            .and_then(std::fs::read)
            .map(|b| xxhash_rust::xxh3::xxh3_64(&b))
            .unwrap_or(0);
        format!("{}+{digest:016x}", env!("CARGO_PKG_VERSION"))
    })
}

impl Header {
    pub fn new(theme: &Theme, opts: &PipelineOptions) -> Header {
        let r = opts.render;
        let options = format!("{}{}{}", r.live_reload, r.draw_png, opts.search);
        Header {
            format: FORMAT,
            program: program().to_string(),
            theme: theme.digest(),
            options: xxhash_rust::xxh3::xxh3_64(options.as_bytes()),
        }
    }

    fn fields(&self) -> [(&'static str, String); 4] {
        [
            ("format", self.format.to_string()),
            ("program", self.program.clone()),
            ("theme", format!("{:016x}", self.theme)),
            ("options", format!("{:016x}", self.options)),
        ]
    }

    /// Why a cache with header `old` cannot be used by a build with this one, if it cannot.
    pub fn refuses(&self, old: &Header) -> Option<String> {
        let why = if old.format != self.format {
            format!(
                "构建缓存的格式（第 {} 版）与当前 jiedu 所用的（第 {} 版）不同，本次完整生成。",
                old.format, self.format
            )
        } else if old.program != self.program {
            format!(
                "构建缓存由另一版本的 jiedu（{}）生成，当前为 {}，本次完整生成。",
                old.program, self.program
            )
        } else if old.theme != self.theme {
            "主题的模板或静态文件与上次生成时不同，构建缓存不再适用，本次完整生成。".to_string()
        } else if old.options != self.options {
            "生成选项与上次生成时不同，构建缓存不再适用，本次完整生成。".to_string()
        } else {
            return None;
        };
        Some(why)
    }
}

/// The cache file's bytes: the header line, then the record.
pub fn encode(header: &Header, recorded: &Recorded) -> Vec<u8> {
    // Serializing plain owned data into a Vec cannot fail; an empty body would be refused.
    // Made in an allocation with room for the header line, which is put before it there.
    let size = bincode_options().serialized_size(recorded).unwrap_or(0);
    let mut body = Vec::with_capacity(size as usize + cache_file::HEADER_ROOM);
    if bincode_options()
        .serialize_into(&mut body, recorded)
        .is_err()
    {
        body.clear();
    }
    cache_file::write_before(MAGIC, &header.fields(), body)
}

/// Reads the cache `output` holds: `Ok(None)` when there is none, `Err` with the one line to
/// show when it cannot be read back whole.
pub fn load(output: &Path) -> Result<Option<Cached>, String> {
    let path = output.join(CACHE_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(format!(
                "无法读取构建缓存 {}（{e}），本次完整生成。",
                path.display()
            ))
        }
    };
    decode(&bytes)
        .map(Some)
        .map_err(|why| format!("构建缓存 {} {why}，本次完整生成。", path.display()))
}

fn decode(bytes: &[u8]) -> Result<Cached, &'static str> {
    let mut read = cache_file::Read::new(bytes, MAGIC, "不是 jiedu 的构建缓存")?;
    let format = read.number("format")?;
    let program = read.field("program")?.to_string();
    let theme = read.hex("theme")?;
    let options = read.hex("options")?;
    let seal = read.seal()?;
    let header = Header {
        format,
        program,
        theme,
        options,
    };
    // Another format or program may lay out its body differently: refused by its header,
    // without reading the body.
    if format != FORMAT {
        return Ok(Cached {
            header,
            recorded: Recorded::default(),
        });
    }
    let body = read.body(&seal)?;
    let recorded = bincode_options()
        .with_limit(body.len() as u64)
        .deserialize(body)
        .map_err(|_| cache_file::DAMAGED)?;
    Ok(Cached { header, recorded })
}
