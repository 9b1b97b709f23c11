//! The layout both caches a build leaves in its output share (the build cache, [`super::disk`],
//! and the search cache, `crate::search::cache`): one header line of text
//! `MAGIC name=value … bytes=N checksum=X`, then the body. Each cache names its own fields and
//! decides from them whether it can be used; this module writes the line and reads it back, and
//! tells a body cut short or damaged from a whole one.

/// What a header says when it cannot be read (each cache puts it in its own sentence).
pub const DAMAGED: &str = "已损坏";

/// The cache file's bytes: the header line (`fields`, then the body's length and checksum) and
/// the body, the concatenation of `body`'s parts: a cache whose body comes in parts is written
/// into one allocation of its final length, not joined first and copied again (the search
/// cache's lists are tens of megabytes at 1,000 policies).
pub fn write(magic: &str, fields: &[(&str, String)], body: &[&[u8]]) -> Vec<u8> {
    let mut checksum = xxhash_rust::xxh3::Xxh3::new();
    for part in body {
        checksum.update(part);
    }
    let len: usize = body.iter().map(|p| p.len()).sum();
    let line = header_line(magic, fields, len, checksum.digest());
    let mut out = Vec::with_capacity(line.len() + len);
    out.extend_from_slice(line.as_bytes());
    for part in body {
        out.extend_from_slice(part);
    }
    out
}

/// [`write`] of a body made whole in `body`: the header line is put before it in the same
/// allocation (made with room for it), instead of the body copied after the line into a new
/// one: the build record is 55 MB at 1,000 policies, and its two copies beside the record
/// they were made of were the build's peak of memory.
pub fn write_before(magic: &str, fields: &[(&str, String)], mut body: Vec<u8>) -> Vec<u8> {
    let len = body.len();
    let line = header_line(magic, fields, len, xxhash_rust::xxh3::xxh3_64(&body));
    body.resize(line.len() + len, 0);
    body.copy_within(0..len, line.len());
    body[..line.len()].copy_from_slice(line.as_bytes());
    body
}

/// The header line of a body of `len` bytes whose xxh3 checksum is `checksum`.
fn header_line(magic: &str, fields: &[(&str, String)], len: usize, checksum: u64) -> String {
    let mut line = magic.to_string();
    for (name, value) in fields {
        line.push_str(&format!(" {name}={value}"));
    }
    line.push_str(&format!(" bytes={len} checksum={checksum:016x}\n"));
    line
}

/// Room left before a body for the header line [`write_before`] puts there.
pub const HEADER_ROOM: usize = 512;

/// A cache file read back: its header's fields, taken in the order they were written, and its
/// body, not yet checked.
pub struct Read<'a> {
    fields: std::str::Split<'a, char>,
    body: &'a [u8],
}

/// The body's length and checksum, as the header gives them.
pub struct Seal {
    len: usize,
    checksum: u64,
}

impl<'a> Read<'a> {
    /// Splits `bytes` into the header line, which must begin with `magic` (else `not_ours`),
    /// and the body.
    pub fn new(bytes: &'a [u8], magic: &str, not_ours: &'static str) -> Result<Self, &'static str> {
        let end = memchr::memchr(b'\n', bytes).ok_or("不完整（没有文件头）")?;
        let line = std::str::from_utf8(&bytes[..end]).map_err(|_| DAMAGED)?;
        let mut fields = line.split(' ');
        if fields.next() != Some(magic) {
            return Err(not_ours);
        }
        Ok(Read {
            fields,
            body: &bytes[end + 1..],
        })
    }

    /// The next field's value, which must be named `name`.
    pub fn field(&mut self, name: &str) -> Result<&'a str, &'static str> {
        self.fields
            .next()
            .and_then(|f| f.strip_prefix(name)?.strip_prefix('='))
            .ok_or(DAMAGED)
    }

    pub fn number<T: std::str::FromStr>(&mut self, name: &str) -> Result<T, &'static str> {
        self.field(name)?.parse().map_err(|_| DAMAGED)
    }

    pub fn hex(&mut self, name: &str) -> Result<u64, &'static str> {
        u64::from_str_radix(self.field(name)?, 16).map_err(|_| DAMAGED)
    }

    /// The last two fields, the body's length and checksum.
    pub fn seal(&mut self) -> Result<Seal, &'static str> {
        Ok(Seal {
            len: self.number("bytes")?,
            checksum: self.hex("checksum")?,
        })
    }

    /// The body, when it is whole: as long as the header says, with its checksum.
    pub fn body(&self, seal: &Seal) -> Result<&'a [u8], &'static str> {
        if self.body.len() < seal.len {
            return Err("不完整（文件被截断）");
        }
        if self.body.len() != seal.len || xxhash_rust::xxh3::xxh3_64(self.body) != seal.checksum {
            return Err("已损坏（校验和不符）");
        }
        Ok(self.body)
    }
}
