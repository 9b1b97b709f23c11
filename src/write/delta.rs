//! Updating the output in place, for a build that finds the previous one's file list in it:
//! only files whose bytes changed are staged, and they are moved into the output with a
//! journal, so that a build killed at any moment leaves the old site or the new one.
//!
//! Why: a site of 1,000 policies is 117,000 files in 48,000 folders. Linking every unchanged
//! file into a new directory and deleting the old one after the swap cost several seconds of
//! system time for an edit that changes a few dozen files.
//!
//! The steps, and what a kill after each leaves:
//! 1. changed and new files are written into the staging directory beside the output (a kill:
//!    the output is untouched; the next build deletes the staging directory);
//! 2. the journal — the files to move in, the files to delete — is written into the staging
//!    directory under a temporary name and renamed to [`JOURNAL`]: the commit;
//! 3. the deletions, then the moves (each a rename, so each file is old or new whole);
//! 4. the staging directory (then empty but for its marker and journal) is deleted.
//!
//! A kill during 3 or 4 leaves a committed journal, which the next build (before it reads
//! anything of the output) carries out to its end: [`roll_forward`]. Until then a reader of the
//! output may see some files of each site; once a jiedu build has started, only the new one.
//!
//! The file list ([`MANIFEST`]) is what tells which files of the previous site are gone, and
//! what each file held: its length and a digest of its bytes. A file the list names with the
//! new bytes' length and digest, and not modified since the list was written (its modification
//! time is older than the list's), is taken as unchanged without being read: a cached build of
//! 1,000 policies otherwise read back the 450 MB of generated files (search bundle, open data,
//! feeds) it had just made again, to compare them. A file modified since (by hand, or moved in
//! within the same clock tick) is read and compared whole. The list is checked line by line: a
//! path that could lead outside the output makes the list untrusted and the build falls back
//! to a full staging directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rustc_hash::{FxHashMap, FxHashSet};

/// The output's file list: a header line, then per file (every path relative and
/// `/`-separated, sorted; the list itself not among them) `<length> <digest> <path>`, the
/// digest xxh3-128 in hex, or `-` where the build did not hold the bytes (a copied asset).
pub const MANIFEST: &str = ".jiedu/files";
const MANIFEST_HEADER: &str = "jiedu-files 2";
/// The commit record of an update, inside the staging directory.
pub const JOURNAL: &str = ".jiedu-journal";
const JOURNAL_HEADER: &str = "jiedu-journal 1";

/// What the file list says of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub len: u64,
    /// xxh3-128 of its bytes (as two halves: a list entry of every file of the site is held
    /// through the build, and a `u128` would pad each to 16-byte alignment), when the build
    /// that wrote it held them.
    pub digest: Option<[u64; 2]>,
}

/// The previous build's file list, read from the output.
#[derive(Debug)]
pub struct Manifest {
    pub files: FxHashMap<String, Listed>,
    /// When the list was written: a file modified later is not as the list says.
    pub written: SystemTime,
}

impl Manifest {
    /// Whether the file at `rel`, whose metadata in the output is `meta`, holds what `new`
    /// describes, as far as the list tells without reading it.
    pub fn vouches(&self, rel: &str, meta: &fs::Metadata, new: Listed) -> bool {
        new.digest.is_some()
            && meta.len() == new.len
            && self.files.get(rel) == Some(&new)
            && meta.modified().is_ok_and(|m| m < self.written)
    }
}

/// The files of the previous build, when the output has a list it can trust.
pub fn read_manifest(out: &Path) -> Option<Manifest> {
    let path = out.join(MANIFEST);
    let written = fs::symlink_metadata(&path).ok()?.modified().ok()?;
    let text = fs::read_to_string(&path).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MANIFEST_HEADER {
        return None;
    }
    let mut files = FxHashMap::default();
    for line in lines {
        let (len, rest) = line.split_once(' ')?;
        let (digest, rel) = rest.split_once(' ')?;
        if !safe_relative(rel) {
            return None;
        }
        let digest = match digest {
            "-" => None,
            hex if hex.len() == 32 && hex.is_char_boundary(16) => {
                let half = |h: &str| u64::from_str_radix(h, 16).ok();
                Some([half(&hex[..16])?, half(&hex[16..])?])
            }
            _ => return None,
        };
        let len = len.parse().ok()?;
        files.insert(rel.to_string(), Listed { len, digest });
    }
    Some(Manifest { files, written })
}

/// The bytes of the file list of a site made of `files` (which it sorts and rids of repeats).
pub fn manifest(files: &mut Vec<(Box<str>, Listed)>) -> Vec<u8> {
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::with_capacity(files.iter().map(|p| p.0.len() + 56).sum::<usize>() + 16);
    out.push_str(MANIFEST_HEADER);
    out.push('\n');
    for (rel, listed) in files.iter() {
        use std::fmt::Write as _;
        let _ = match listed.digest {
            Some([high, low]) => write!(out, "{} {high:016x}{low:016x} ", listed.len),
            None => write!(out, "{} - ", listed.len),
        };
        out.push_str(rel);
        out.push('\n');
    }
    out.into_bytes()
}

/// A relative path that stays inside the directory it is joined to.
fn safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && !p.contains('\0')
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

/// What an update does to the output: files to move in from the staging directory, files to
/// delete.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Journal {
    pub moved: Vec<String>,
    pub deleted: Vec<String>,
}

impl Journal {
    fn encode(&self) -> String {
        let mut out = format!("{JOURNAL_HEADER}\n");
        for p in &self.deleted {
            out.push_str("- ");
            out.push_str(p);
            out.push('\n');
        }
        for p in &self.moved {
            out.push_str("+ ");
            out.push_str(p);
            out.push('\n');
        }
        out
    }

    fn decode(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != JOURNAL_HEADER {
            return None;
        }
        let mut journal = Journal::default();
        for line in lines {
            let (list, path) = match line.split_at_checked(2)? {
                ("- ", p) => (&mut journal.deleted, p),
                ("+ ", p) => (&mut journal.moved, p),
                _ => return None,
            };
            if !safe_relative(path) {
                return None;
            }
            list.push(path.to_string());
        }
        Some(journal)
    }

    /// Writes the journal into `staging` under its final name in one rename: the commit.
    pub fn commit(&self, staging: &Path) -> io::Result<()> {
        let tmp = staging.join(format!("{JOURNAL}.tmp"));
        fs::write(&tmp, self.encode())?;
        fs::rename(&tmp, staging.join(JOURNAL))
    }

    /// Carries the update out: deletions first (a folder of the old site may be a file of the
    /// new one), then the moves. Every step may already have been done by a killed build.
    pub fn apply(&self, staging: &Path, out: &Path) -> io::Result<()> {
        let mut safe_dirs = FxHashSet::default();
        for rel in &self.deleted {
            no_link_on_the_way(out, rel, &mut safe_dirs)?;
            match fs::remove_file(out.join(rel)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            remove_empty_parents(out, rel);
        }
        // A removed folder may have been checked before it went.
        safe_dirs.clear();
        for (at, rel) in self.moved.iter().enumerate() {
            let from = staging.join(rel);
            if fs::symlink_metadata(&from).is_err() {
                continue; // moved in before a kill
            }
            no_link_on_the_way(out, rel, &mut safe_dirs)?;
            super::in_new_dir(&out.join(rel), |to| fs::rename(&from, to))?;
            // Half-way, where a kill leaves files of both sites (tests/staging.rs).
            if at == self.moved.len() / 2 {
                super::test_pause();
            }
        }
        Ok(())
    }
}

/// Refuses to write or delete through a symbolic link inside the output (made by hand), which
/// could lead outside it. Folders already checked are in `safe`.
fn no_link_on_the_way(out: &Path, rel: &str, safe: &mut FxHashSet<PathBuf>) -> io::Result<()> {
    let mut dir = out.to_path_buf();
    let folders = rel.split('/').collect::<Vec<_>>();
    for part in &folders[..folders.len().saturating_sub(1)] {
        dir.push(part);
        if safe.contains(&dir) {
            continue;
        }
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(io::Error::other(format!(
                    "输出目录中的「{}」是符号链接，jiedu 不经由它写入或删除文件",
                    dir.display()
                )))
            }
            Ok(_) => {
                safe.insert(dir.clone());
            }
            Err(_) => return Ok(()), // missing: made as a plain folder by the move
        }
    }
    Ok(())
}

/// Removes the folders of `rel` inside `out` that its deletion left empty, as a build from
/// nothing would not have them.
fn remove_empty_parents(out: &Path, rel: &str) {
    let mut path = out.join(rel);
    while path.pop() && path.starts_with(out) && path != out {
        if fs::remove_dir(&path).is_err() {
            break; // not empty (or gone): its parents are not empty either
        }
    }
}

/// The committed journal a killed build left in its staging directory, if any.
pub fn committed(staging: &Path) -> Option<Result<Journal, ()>> {
    let text = fs::read_to_string(staging.join(JOURNAL)).ok()?;
    Some(Journal::decode(&text).ok_or(()))
}

/// Finishes the update a killed build committed in `staging` (see the module's steps), so that
/// the output is the new site whole. Returns how many files it moved in or deleted.
pub fn roll_forward(staging: &Path, out: &Path, journal: &Journal) -> io::Result<usize> {
    journal.apply(staging, out)?;
    Ok(journal.moved.len() + journal.deleted.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_and_a_path_leaving_the_output_is_refused() {
        let journal = Journal {
            moved: vec!["a/index.html".into(), ".jiedu/cache".into()],
            deleted: vec!["b/index.html".into()],
        };
        assert_eq!(Journal::decode(&journal.encode()), Some(journal));
        for bad in ["../x", "/etc/passwd", "a//b", "a/./b", "a/../../b", ""] {
            assert!(!safe_relative(bad), "{bad}");
            let text = format!("{JOURNAL_HEADER}\n- {bad}\n");
            assert_eq!(Journal::decode(&text), None, "{bad}");
        }
        assert_eq!(Journal::decode("jiedu-journal 2\n"), None);
    }
}
