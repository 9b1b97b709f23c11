//! The recogniser with a memory: a policy text's clause tree and the recogniser's diagnostics,
//! kept as bytes keyed by a digest of everything [`parse_with_levels`] reads (the text, its
//! first line, the file's path and the levels written in the front matter), so that a build
//! after an edit reads an unchanged policy's tree back instead of recognising it again (the
//! recogniser was three tenths of a cached build's model stage). The bytes are laid out here by
//! hand, field by field: the tree's `Serialize` is the templates' view and skips fields, and a
//! struct pattern without `..` in [`encode`] makes a new field of a node a compile error here
//! rather than a field silently lost. `crate::pipeline::trees` keeps the bytes on disk.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::Xxh3;

use super::numbering::Style;
use super::units::{Role, UnitGroup};
use super::{parse_with_levels, ClauseTree, Deadline, Node, Paragraph, TablePart};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};

/// A kept tree: its key and its bytes.
pub type Kept<'a> = (u128, Cow<'a, [u8]>);

/// What one build recalls of the previous one's trees, and what it makes for the next.
#[derive(Default)]
pub struct Recall<'a> {
    /// The previous build's trees, by key, as bytes still to be decoded.
    previous: FxHashMap<u128, &'a [u8]>,
    /// Every tree this build asked for, by key, as bytes (only when they are to be kept); a
    /// tree read back is kept as the previous bytes it was read from, not a copy.
    made: Option<Mutex<Vec<Kept<'a>>>>,
    /// The site root as given: a tree is keyed by its file's path within it
    /// ([`crate::model::within`]), so that another spelling of the root finds it.
    root: PathBuf,
}

impl<'a> Recall<'a> {
    /// Recalls `previous`, and keeps what this build reads when `keep` (a build writing its
    /// output; `serve` and `check` keep nothing).
    /// `root`: the site root, as given.
    pub fn new(previous: FxHashMap<u128, &'a [u8]>, keep: bool, root: &Path) -> Self {
        Recall {
            previous,
            made: keep.then(|| Mutex::new(Vec::new())),
            root: root.to_path_buf(),
        }
    }

    /// [`parse_with_levels`], read back from the previous build when it read the same inputs.
    pub fn parse(
        &self,
        body: &str,
        first_line: usize,
        file: &Path,
        levels: Option<(&[String], usize)>,
    ) -> (ClauseTree, Diagnostics) {
        // Nothing to recall nor keep (`serve`, `check`): no key to make.
        if self.previous.is_empty() && self.made.is_none() {
            return parse_with_levels(body, first_line, file, levels);
        }
        let key = key(
            body,
            first_line,
            crate::model::within(&self.root, file),
            levels,
        );
        let old = self.previous.get(&key).copied();
        let (tree, diags, old) = match old.and_then(|b| decode(b, file)) {
            Some((tree, diags)) => (tree, diags, old),
            None => {
                let (tree, diags) = parse_with_levels(body, first_line, file, levels);
                (tree, diags, None)
            }
        };
        if let Some(made) = &self.made {
            let bytes = old
                .map(Cow::Borrowed)
                .or_else(|| encode(&tree, &diags, file).map(Cow::Owned));
            if let Some(bytes) = bytes {
                made.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push((key, bytes));
            }
        }
        (tree, diags)
    }

    /// The trees this build read, by key in ascending order (so the kept file does not depend on
    /// the order the threads finished in).
    pub fn into_made(self) -> Vec<Kept<'a>> {
        let mut made = self
            .made
            .map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner))
            .unwrap_or_default();
        made.sort_unstable_by_key(|(k, _)| *k);
        made.dedup_by_key(|(k, _)| *k);
        made
    }
}

/// The digest of everything the recogniser reads.
pub fn key(body: &str, first_line: usize, file: &Path, levels: Option<(&[String], usize)>) -> u128 {
    let mut h = Xxh3::new();
    let mut text = |s: &[u8]| {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s);
    };
    text(body.as_bytes());
    text(&(first_line as u64).to_le_bytes());
    text(file.as_os_str().as_encoded_bytes());
    match levels {
        None => text(b"-"),
        Some((written, line)) => {
            text(&(line as u64).to_le_bytes());
            text(&(written.len() as u64).to_le_bytes());
            for w in written {
                text(w.as_bytes());
            }
        }
    }
    h.digest128()
}

struct Out(Vec<u8>);

impl Out {
    fn n(&mut self, v: usize) {
        let mut v = v as u64;
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn b(&mut self, v: bool) {
        self.0.push(v as u8);
    }
    fn s(&mut self, v: &str) {
        self.n(v.len());
        self.0.extend_from_slice(v.as_bytes());
    }
    fn os(&mut self, v: Option<&str>) {
        match v {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                self.s(v);
            }
        }
    }
    fn paragraphs(&mut self, ps: &[Paragraph]) {
        self.n(ps.len());
        for Paragraph { text, line } in ps {
            self.s(text);
            self.n(*line);
        }
    }
    fn node(&mut self, node: &Node) {
        let Node {
            id,
            label,
            depth,
            heading,
            paragraphs,
            heading_ends_sentence,
            units,
            is_clause,
            children,
            line,
            style,
            ordinal,
            numbered_through,
            note_line,
            note_alone,
            deadline,
            table,
            lost_number,
        } = node;
        self.s(id);
        self.s(label);
        self.n(*depth);
        self.s(heading);
        self.paragraphs(paragraphs);
        self.b(*heading_ends_sentence);
        self.n(units.len());
        for UnitGroup {
            label,
            verb,
            role,
            names,
            runs,
        } in units
        {
            self.s(label);
            self.b(*verb);
            self.0.push(match role {
                Role::Lead => 0,
                Role::Responsible => 1,
                Role::Guide => 2,
            });
            self.n(names.len());
            for name in names {
                self.s(name);
            }
            self.n(runs.len());
            for r in runs {
                self.n(*r);
            }
        }
        self.b(*is_clause);
        self.n(*line);
        match style {
            None => self.0.push(0),
            Some(s) => {
                let (tag, extra) = match s {
                    Style::Part => (1, 0),
                    Style::Chapter => (2, 0),
                    Style::Section => (3, 0),
                    Style::CnComma => (4, 0),
                    Style::CnParen => (5, 0),
                    Style::Arabic => (6, 0),
                    Style::Article => (7, 0),
                    Style::ArabicParen => (8, 0),
                    Style::Labelled(i) => (9, *i),
                };
                self.0.extend_from_slice(&[tag, extra]);
            }
        }
        self.n(*ordinal as usize);
        self.b(*numbered_through);
        self.n(*note_line);
        self.b(*note_alone);
        match deadline {
            None => self.0.push(0),
            Some(Deadline { label, text }) => {
                self.0.push(1);
                self.s(label);
                self.s(text);
            }
        }
        self.0.push(match table {
            None => 0,
            Some(TablePart::Group) => 1,
            Some(TablePart::Row) => 2,
        });
        self.b(*lost_number);
        self.n(children.len());
        for c in children {
            self.node(c);
        }
    }
}

/// The bytes of a tree and the recogniser's diagnostics about `file`, the policy text's path as
/// given; `None` when a diagnostic names a file whose path is not UTF-8 (such a tree is simply
/// recognised again each time). A diagnostic naming `file` itself keeps no path, and is read
/// back naming the file as the build reading it spells it ([`decode`]), so that a build with
/// its root spelled another way shows its own spelling.
pub fn encode(tree: &ClauseTree, diags: &Diagnostics, file: &Path) -> Option<Vec<u8>> {
    let ClauseTree {
        preamble,
        roots,
        closing,
        appended,
    } = tree;
    let mut out = Out(Vec::new());
    out.paragraphs(preamble);
    out.n(roots.len());
    for r in roots {
        out.node(r);
    }
    out.paragraphs(closing);
    out.paragraphs(appended);
    out.n(diags.iter().count());
    for d in diags.iter() {
        let Diagnostic {
            severity,
            file: named,
            line,
            message,
            hint,
        } = d;
        out.b(*severity == Severity::Warning);
        match named.as_deref() {
            None => out.os(None),
            Some(f) if f == file => out.0.push(THIS_FILE),
            Some(f) => out.os(Some(f.to_str()?)),
        }
        match line {
            None => out.0.push(0),
            Some(l) => {
                out.0.push(1);
                out.n(*l);
            }
        }
        out.s(message);
        out.os(hint.as_deref());
    }
    Some(out.0)
}

struct In<'a>(&'a [u8]);

/// A node nests no deeper than this in any document (levels are numbering styles, of which there
/// are a dozen); deeper bytes are damaged ones, not recursed into.
const MAX_DEPTH: usize = 64;

impl<'a> In<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn n(&mut self) -> Option<usize> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7F) << shift;
            if b < 0x80 {
                return usize::try_from(v).ok();
            }
        }
        None
    }
    /// A count of items each at least one byte long: no more than the bytes left.
    fn count(&mut self) -> Option<usize> {
        self.n().filter(|&n| n <= self.0.len())
    }
    fn b(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn s(&mut self) -> Option<String> {
        let len = self.n()?;
        let (s, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        std::str::from_utf8(s).ok().map(str::to_string)
    }
    fn os(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => self.s().map(Some),
            _ => None,
        }
    }
    fn paragraphs(&mut self) -> Option<Vec<Paragraph>> {
        (0..self.count()?)
            .map(|_| {
                Some(Paragraph {
                    text: self.s()?,
                    line: self.n()?,
                })
            })
            .collect()
    }
    fn node(&mut self, depth_left: usize) -> Option<Node> {
        let id = self.s()?;
        let label = self.s()?;
        let depth = self.n()?;
        let heading = self.s()?;
        let paragraphs = self.paragraphs()?;
        let heading_ends_sentence = self.b()?;
        let units = (0..self.count()?)
            .map(|_| {
                let label = self.s()?;
                let verb = self.b()?;
                let role = match self.byte()? {
                    0 => Role::Lead,
                    1 => Role::Responsible,
                    2 => Role::Guide,
                    _ => return None,
                };
                let names = (0..self.count()?)
                    .map(|_| self.s())
                    .collect::<Option<_>>()?;
                let runs = (0..self.count()?)
                    .map(|_| self.n())
                    .collect::<Option<_>>()?;
                Some(UnitGroup {
                    label,
                    verb,
                    role,
                    names,
                    runs,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let is_clause = self.b()?;
        let line = self.n()?;
        let style = match self.byte()? {
            0 => None,
            tag => {
                let extra = self.byte()?;
                Some(match tag {
                    1 => Style::Part,
                    2 => Style::Chapter,
                    3 => Style::Section,
                    4 => Style::CnComma,
                    5 => Style::CnParen,
                    6 => Style::Arabic,
                    7 => Style::Article,
                    8 => Style::ArabicParen,
                    9 => Style::Labelled(extra),
                    _ => return None,
                })
            }
        };
        let ordinal = u32::try_from(self.n()?).ok()?;
        let numbered_through = self.b()?;
        let note_line = self.n()?;
        let note_alone = self.b()?;
        let deadline = match self.byte()? {
            0 => None,
            1 => Some(Deadline {
                label: self.s()?,
                text: self.s()?,
            }),
            _ => return None,
        };
        let table = match self.byte()? {
            0 => None,
            1 => Some(TablePart::Group),
            2 => Some(TablePart::Row),
            _ => return None,
        };
        let lost_number = self.b()?;
        let children = match depth_left {
            0 => return None,
            _ => (0..self.count()?)
                .map(|_| self.node(depth_left - 1))
                .collect::<Option<Vec<_>>>()?,
        };
        Some(Node {
            id,
            label,
            depth,
            heading,
            paragraphs,
            heading_ends_sentence,
            units,
            is_clause,
            children,
            line,
            style,
            ordinal,
            numbered_through,
            note_line,
            note_alone,
            deadline,
            table,
            lost_number,
        })
    }
}

/// The byte a diagnostic's file is written as when it is the policy text itself.
const THIS_FILE: u8 = 2;

/// A tree and its diagnostics read back from [`encode`]'s bytes, the policy text's own
/// diagnostics naming `file`; `None` for bytes that do not read whole (the file's checksum
/// makes that rare; the tree is then recognised again).
pub fn decode(bytes: &[u8], file: &Path) -> Option<(ClauseTree, Diagnostics)> {
    let mut r = In(bytes);
    let preamble = r.paragraphs()?;
    let roots = (0..r.count()?)
        .map(|_| r.node(MAX_DEPTH))
        .collect::<Option<Vec<_>>>()?;
    let closing = r.paragraphs()?;
    let appended = r.paragraphs()?;
    let mut diags = Diagnostics::new();
    for _ in 0..r.count()? {
        let severity = match r.b()? {
            false => Severity::Error,
            true => Severity::Warning,
        };
        let file = match r.0.first() {
            Some(&THIS_FILE) => {
                r.byte()?;
                Some(file.to_path_buf())
            }
            _ => r.os()?.map(PathBuf::from),
        };
        let line = match r.byte()? {
            0 => None,
            1 => Some(r.n()?),
            _ => return None,
        };
        diags.push(Diagnostic {
            severity,
            file,
            line,
            message: r.s()?,
            hint: r.os()?,
        });
    }
    if !r.0.is_empty() {
        return None;
    }
    Some((
        ClauseTree {
            preamble,
            roots,
            closing,
            appended,
        },
        diags,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy texts of the real documents (each `.txt` under the two fixture folders).
    fn real_texts() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut texts = Vec::new();
        for dir in ["realdocs", "realdocs-more"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let path = entry.unwrap().into_path();
                if path.extension().is_some_and(|e| e == "txt") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    texts.push((path, text));
                }
            }
        }
        assert!(texts.len() > 150, "{} texts", texts.len());
        texts
    }

    #[test]
    fn every_real_documents_tree_reads_back_the_same() {
        let mut nodes = 0;
        for (path, text) in real_texts() {
            let (tree, diags) = parse_with_levels(&text, 12, &path, None);
            let bytes = encode(&tree, &diags, &path).unwrap();
            // Equality compares every field, those the templates never see too.
            assert_eq!(
                decode(&bytes, &path),
                Some((tree.clone(), diags)),
                "{}",
                path.display()
            );
            nodes += tree.walk().len();
        }
        assert!(nodes > 3_000, "{nodes} nodes");
        // Levels written by the editor, with their own diagnostics.
        let levels = ["一、".to_string(), "（一）".to_string(), "1.".to_string()];
        let (path, text) = &real_texts()[0];
        let (tree, diags) = parse_with_levels(text, 3, path, Some((&levels, 2)));
        let bytes = encode(&tree, &diags, path).unwrap();
        assert_eq!(decode(&bytes, path), Some((tree.clone(), diags.clone())));
        // Read back by a build spelling the file another way, the diagnostics name it so.
        assert!(diags
            .iter()
            .any(|d| d.file.as_deref() == Some(path.as_path())));
        let other = Path::new("site/policy.md");
        let (_, read) = decode(&bytes, other).unwrap();
        assert!(read
            .iter()
            .all(|d| d.file.as_deref() != Some(path.as_path())));
        assert!(read.iter().any(|d| d.file.as_deref() == Some(other)));
    }

    #[test]
    fn bytes_cut_short_or_changed_never_read_as_a_tree_that_was_not_kept() {
        let (path, text) = &real_texts()[0];
        let (tree, diags) = parse_with_levels(text, 1, path, None);
        let bytes = encode(&tree, &diags, path).unwrap();
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut], path), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer, path), None);
        // A changed byte may still read (a changed letter), but never panics.
        for i in (0..bytes.len()).step_by(13) {
            let mut changed = bytes.clone();
            changed[i] ^= 0xA5;
            let _ = decode(&changed, path);
        }
    }

    #[test]
    fn the_key_reads_every_input_of_the_recogniser() {
        let levels = ["一、".to_string()];
        let base = key("一、总则", 5, Path::new("a/policy.md"), Some((&levels, 3)));
        let others = [
            key(
                "一、总则。",
                5,
                Path::new("a/policy.md"),
                Some((&levels, 3)),
            ),
            key("一、总则", 6, Path::new("a/policy.md"), Some((&levels, 3))),
            key("一、总则", 5, Path::new("b/policy.md"), Some((&levels, 3))),
            key("一、总则", 5, Path::new("a/policy.md"), Some((&levels, 4))),
            key("一、总则", 5, Path::new("a/policy.md"), Some((&[], 3))),
            key("一、总则", 5, Path::new("a/policy.md"), None),
        ];
        for (i, k) in others.iter().enumerate() {
            assert_ne!(*k, base, "input {i}");
        }
    }
}
