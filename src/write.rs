//! Stage 4, write: the render streams every file into a staging directory beside the output,
//! which is swapped in only when the whole site was rendered, checked and written. A failed
//! build leaves the old site untouched, and nothing outside the output directory (and its
//! staging sibling) is written or deleted, except the marked siblings that killed builds left.
//! A build that finds the previous build's file list in the output stages only the files that
//! changed and moves them in with a journal instead ([`delta`]).
//! Entry point: [`Staging`].

mod delta;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashSet;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{OutFile, Sink};
use delta::{Listed, Manifest};

pub use delta::MANIFEST;

/// Marks a directory as jiedu output, so that jiedu never replaces a directory it did not make.
pub const MARKER: &str = ".jiedu-output";
/// The previous build's list of files (what each held), read by the next cached build.
pub const FILE_LIST: &str = delta::MANIFEST;

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteStats {
    pub files: usize,
    pub bytes: u64,
}

fn io_error(path: &Path, e: &io::Error, what: &str) -> Diagnostics {
    Diagnostic::error(format!("{what}失败：{e}"))
        .in_file(path)
        .hint("请检查磁盘空间和目录权限；原有的输出目录没有被改动。")
        .into()
}

/// Refuses output directories that would overwrite content or a directory jiedu did not make.
pub fn check_output_dir(out: &Path, root: &Path) -> Result<(), Diagnostics> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    };
    let (out_abs, root_abs) = (abs(out), abs(root));
    if out_abs.parent().is_none()
        || out_abs == root_abs
        || root_abs.starts_with(&out_abs)
        || out_abs.starts_with(&root_abs)
    {
        return Err(Diagnostic::error(format!("不能把站点输出到「{}」", out.display()))
            .hint("输出目录不能是根目录、站点目录本身、站点目录的上级或站点目录内部；默认输出到 public/。")
            .into());
    }
    if out.is_dir() {
        let non_empty = fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false);
        if non_empty && !out.join(MARKER).is_file() {
            return Err(Diagnostic::error(format!(
                "输出目录「{}」已存在且不是 jiedu 生成的，拒绝覆盖",
                out.display()
            ))
            .hint("请换一个空目录或不存在的目录作为 --output，以免误删其中的文件。")
            .into());
        }
    } else if out.exists() {
        return Err(Diagnostic::error(format!(
            "输出路径「{}」是一个文件，不是目录",
            out.display()
        ))
        .hint("请换一个目录作为 --output。")
        .into());
    }
    Ok(())
}

/// The output directory's name and the directory it lies in.
fn name_and_parent(out: &Path) -> (String, &Path) {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".to_string());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    (name, parent)
}

/// `.<out>.jiedu-<tag>-<pid>` beside the output: named by process, so concurrent builds never
/// share one, and a leftover tells whose it was.
fn sibling(out: &Path, tag: &str) -> PathBuf {
    let (name, parent) = name_and_parent(out);
    parent.join(format!(".{name}.jiedu-{tag}-{}", std::process::id()))
}

/// The process id in the name of a staging or old-output sibling of the output `out_name`.
fn leftover_pid(file_name: &str, out_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix(&format!(".{out_name}.jiedu-"))?;
    let pid = rest
        .strip_prefix("staging-")
        .or_else(|| rest.strip_prefix("old-"))?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // Signal 0 delivers nothing; it only asks whether the process exists. EPERM: it exists but
    // belongs to another user.
    // SAFETY: kill with signal 0 has no effect on any process and takes no pointers.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    exists || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a portable check, a leftover is taken to be in use and kept.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Removes what killed builds left beside the output: staging directories (a kill while
/// writing) and old outputs (a kill during the swap), but only directories that carry jiedu's
/// marker and whose process is gone; says so for each.
fn remove_leftovers(out: &Path) {
    restore_interrupted_swap(out);
    let (name, parent) = name_and_parent(out);
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = leftover_pid(&file_name, &name) else {
            continue;
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if pid == std::process::id() || !is_dir || !path.join(MARKER).is_file() {
            continue;
        }
        if process_alive(pid) {
            continue;
        }
        if let Some(journal) = delta::committed(&path) {
            // A committed update stopped half-way: finished, or the staging directory (the
            // only copy of the rest of the new site) is kept.
            let done = journal
                .map_err(|()| io::Error::other("日志已损坏"))
                .and_then(|j| delta::roll_forward(&path, out, &j));
            match done {
                Ok(n) => eprintln!(
                    "上次生成（进程 {pid}）在更新输出目录时中断，已完成它的更新（{n} 个文件），{} 现在是新生成的站点。",
                    out.display()
                ),
                Err(e) => {
                    eprintln!(
                        "警告：上次生成（进程 {pid}）在更新输出目录时中断，无法完成它的更新：{e}。暂存的文件保留在「{}」；请用 --no-cache 完整生成一次。",
                        path.display()
                    );
                    continue;
                }
            }
        }
        match fs::remove_dir_all(&path) {
            Ok(()) => eprintln!(
                "已删除上次中断的生成留下的临时目录「{file_name}」（在 {} 中；生成它的进程 {pid} 已结束）。",
                parent.display()
            ),
            Err(e) => eprintln!(
                "警告：无法删除上次中断的生成留下的临时目录「{}」：{e}。可以手动删除它。",
                path.display()
            ),
        }
    }
}

/// When the output is missing and a killed build left the old site beside it (killed between
/// the two renames of the fallback swap), puts that complete site back, so the clean-up never
/// deletes the only copies; says so.
fn restore_interrupted_swap(out: &Path) {
    if out.exists() {
        return;
    }
    let (name, parent) = name_and_parent(out);
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut olds: Vec<(std::time::SystemTime, PathBuf, u32)> = entries
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().to_string_lossy().to_string();
            let pid = leftover_pid(&file_name, &name)?;
            let path = entry.path();
            let is_old = file_name.starts_with(&format!(".{name}.jiedu-old-"));
            let usable = is_old
                && pid != std::process::id()
                && entry.file_type().is_ok_and(|t| t.is_dir())
                && path.join(MARKER).is_file()
                && !process_alive(pid);
            let modified = entry.metadata().and_then(|m| m.modified()).ok()?;
            usable.then_some((modified, path, pid))
        })
        .collect();
    // The newest is the site that was live last.
    olds.sort();
    let Some((_, old, pid)) = olds.pop() else {
        return;
    };
    match fs::rename(&old, out) {
        Ok(()) => eprintln!(
            "上次生成（进程 {pid}）在替换输出目录时中断，已把原来的站点恢复到 {}。",
            out.display()
        ),
        Err(e) => eprintln!(
            "警告：上次生成在替换输出目录时中断，原来的站点在「{}」，恢复失败：{e}。可以手动把它改名为 {}。",
            old.display(),
            out.display()
        ),
    }
}

/// How a build reuses the output it replaces.
#[derive(Debug)]
enum Reuse {
    /// Every file written anew (`--no-cache`, or no output yet).
    Nothing,
    /// A file whose bytes equal the one at its path in the output is hard-linked from there
    /// instead of written; the staging directory becomes the whole new site.
    Link,
    /// Only changed files are staged, then moved into the output ([`delta`]), as the previous
    /// build's file list tells.
    InPlace(Manifest),
}

/// The staging directory a build writes into, beside the output. Dropped before
/// [`Staging::swap_in`] (an error anywhere in the build), it removes itself.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
    reuse: Reuse,
    /// Every file of the new site (for its file list).
    paths: Mutex<Vec<(Box<str>, Listed)>>,
    /// The paths written into the staging directory (updating in place: the changed files).
    staged: Mutex<Vec<String>>,
    /// Held until the build ends (see [`OutputTurn`]).
    _turn: OutputTurn,
}

/// Builds into one output take turns. An update in place reads the previous build's file list
/// when it starts and moves only the files that differ from it: two at once (an editor's build
/// beside a scheduled one) would each move a part and leave a mix of both sites. A lock on the
/// directory that holds the output (not on the output, which a swap replaces) is held from
/// before the leftovers are cleaned to the end of the swap; the kernel drops it when a build
/// dies, so a killed build never blocks the next.
#[derive(Debug)]
struct OutputTurn(#[allow(dead_code)] Option<fs::File>);

impl OutputTurn {
    #[cfg(unix)]
    fn take(out: &Path) -> OutputTurn {
        use std::os::fd::AsRawFd;
        let (_, parent) = name_and_parent(out);
        // Without a readable parent there is nothing to lock on; the build goes on as before.
        let Ok(dir) = fs::File::open(parent) else {
            return OutputTurn(None);
        };
        // SAFETY: flock takes the descriptor of a file this function owns and no pointers.
        while unsafe { libc::flock(dir.as_raw_fd(), libc::LOCK_EX) } != 0 {
            if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                return OutputTurn(None);
            }
        }
        OutputTurn(Some(dir))
    }

    #[cfg(not(unix))]
    fn take(_out: &Path) -> OutputTurn {
        OutputTurn(None)
    }
}

fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    list.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(item);
}

fn take<T>(list: &Mutex<Vec<T>>) -> Vec<T> {
    std::mem::take(&mut *list.lock().unwrap_or_else(PoisonError::into_inner))
}

impl Staging {
    /// Checks that `out` may be replaced and makes an empty staging directory beside it. With
    /// `reuse`, files that come out the same are taken from the output: in place when it holds
    /// the previous build's file list, else by hard links (see [`Reuse`]).
    pub fn create(out: &Path, root: &Path, reuse: bool) -> Result<Staging, Diagnostics> {
        check_output_dir(out, root)?;
        let turn = OutputTurn::take(out);
        // Before anything of the output is read: a killed update is finished first.
        remove_leftovers(out);
        let dir = sibling(out, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, &e, "清理暂存目录"))?;
        }
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e, "创建目录"))?;
        // Marked from the start, so that a build killed before the swap leaves a directory the
        // next build knows as jiedu's own.
        fs::write(dir.join(MARKER), "jiedu\n").map_err(|e| io_error(&dir, &e, "写入文件"))?;
        // After an edit most files (the search bundle's tens of thousands, feeds, open data,
        // assets) come out the same: their bytes are compared whole with the output's, so
        // nothing of the old output is trusted, and they are not written again.
        let reuse = match (reuse, out.join(MARKER).is_file()) {
            (false, _) | (true, false) => Reuse::Nothing,
            (true, true) => delta::read_manifest(out).map_or(Reuse::Link, Reuse::InPlace),
        };
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            reuse,
            paths: Mutex::default(),
            staged: Mutex::default(),
            _turn: turn,
        })
    }

    /// The file at `rel` in the output being replaced, when it holds exactly `bytes` (whose
    /// length and digest are `new`): as the previous build's list says and not modified since,
    /// or else read and compared.
    fn unchanged_in_output(&self, rel: &str, bytes: &[u8], new: Listed) -> Option<PathBuf> {
        let manifest = match &self.reuse {
            Reuse::Nothing => return None,
            Reuse::Link => None,
            Reuse::InPlace(m) => Some(m),
        };
        let old = self.out.join(rel);
        let meta = fs::symlink_metadata(&old).ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        if manifest.is_some_and(|m| m.vouches(rel, &meta, new)) {
            return Some(old);
        }
        (fs::read(&old).ok()? == bytes).then_some(old)
    }

    /// Takes `old` (the file at `rel` in the output, `len` bytes) into the new site unchanged:
    /// in place, nothing to do; else hard-linked into the staging directory. False where links
    /// are not possible.
    fn link(&self, rel: &str, old: &Path, len: u64) -> bool {
        let linked = match self.reuse {
            Reuse::InPlace(_) => true,
            _ => in_new_dir(&self.dir.join(rel), |t| fs::hard_link(old, t)).is_ok(),
        };
        if linked {
            self.files.fetch_add(1, Ordering::Relaxed);
            self.bytes.fetch_add(len, Ordering::Relaxed);
        }
        linked
    }

    /// Puts the new site in place of the old one, with its file list: the staged site swapped
    /// in whole, or, updating in place, the changed files moved in (see [`delta`]).
    pub fn swap_in(self) -> Result<WriteStats, Diagnostics> {
        let mut files = take(&self.paths);
        self.put(MANIFEST, OutFile::Bytes(delta::manifest(&mut files)))?;
        match &self.reuse {
            Reuse::InPlace(old) => self.update_in_place(old, &files)?,
            _ => swap_in(&self.dir, &self.out)?,
        }
        Ok(WriteStats {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }

    /// Commits the journal of the changed files and the files gone since the previous build,
    /// and carries it out. Should that fail half-way, the staging directory stays for the next
    /// build to finish the update.
    fn update_in_place(
        &self,
        old: &Manifest,
        files: &[(Box<str>, Listed)],
    ) -> Result<(), Diagnostics> {
        let new: FxHashSet<&str> = files.iter().map(|(p, _)| &**p).collect();
        let mut deleted: Vec<String> = old
            .files
            .keys()
            .filter(|p| !new.contains(p.as_str()) && p.as_str() != MANIFEST)
            .cloned()
            .collect();
        deleted.sort_unstable();
        let mut moved = take(&self.staged);
        moved.sort_unstable();
        let journal = delta::Journal { moved, deleted };
        journal
            .commit(&self.dir)
            .map_err(|e| io_error(&self.dir, &e, "写入更新日志"))?;
        if let Err(e) = journal.apply(&self.dir, &self.out) {
            return Err(Diagnostic::error(format!("更新输出目录失败：{e}"))
                .in_file(&self.out)
                .hint("输出目录中已有部分文件是新的；下次生成会先完成这次中断的更新（暂存的文件还在），也可以改正后用 --no-cache 完整生成一次。")
                .into());
        }
        remove_tree(&self.dir).map_err(|e| io_error(&self.dir, &e, "删除暂存目录"))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // After a successful swap the directory is the output and no longer exists here; a
        // committed update that failed half-way is left for the next build to finish.
        if self.dir.exists() && !self.dir.join(delta::JOURNAL).exists() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Staging {
    /// Notes a file of the new site for its file list (the list itself is not in it).
    fn list(&self, rel: &str, listed: Listed) {
        if rel != MANIFEST {
            push(&self.paths, (Box::from(rel), listed));
        }
    }

    /// Copies `src` to `rel` in the staging directory (with its permissions, as a build from
    /// nothing does); `bytes`, its content, when the caller read it.
    fn copy(&self, rel: &str, src: &Path, bytes: Option<&[u8]>) -> Result<u64, Diagnostics> {
        push(&self.staged, rel.to_string());
        let len = in_new_dir(&self.dir.join(rel), |t| fs::copy(src, t))
            .map_err(|e| io_error(src, &e, "复制文件"))?;
        let listed = match bytes {
            Some(b) if len == b.len() as u64 => self.copied(src, b),
            _ if !src.starts_with(&self.out) => Listed { len, digest: None },
            _ => fs::read(src).map_or(Listed { len, digest: None }, |b| self.copied(src, &b)),
        };
        self.list(rel, listed);
        Ok(len)
    }

    /// The line of the file list of a copy of `src`, holding `bytes`. An asset's has no
    /// digest: a build from nothing copies assets without reading them, and the list must be
    /// the same whichever build made the site. A file the build took over from the output it
    /// replaces (a share image not drawn again) is one a build from nothing would have made,
    /// and has its digest.
    fn copied(&self, src: &Path, bytes: &[u8]) -> Listed {
        match src.starts_with(&self.out) {
            true => listed(bytes),
            false => Listed {
                len: bytes.len() as u64,
                digest: None,
            },
        }
    }
}

fn listed(bytes: &[u8]) -> Listed {
    Listed {
        len: bytes.len() as u64,
        digest: Some({
            let d = xxhash_rust::xxh3::xxh3_128(bytes);
            [(d >> 64) as u64, d as u64]
        }),
    }
}

impl Sink for Staging {
    fn put(&self, rel: &str, file: OutFile) -> Result<(), Diagnostics> {
        let target = self.dir.join(rel);
        let write = |bytes: &[u8]| -> Result<Option<u64>, Diagnostics> {
            let new = listed(bytes);
            self.list(rel, new);
            if let Some(old) = self.unchanged_in_output(rel, bytes, new) {
                if self.link(rel, &old, new.len) {
                    return Ok(None);
                }
            }
            push(&self.staged, rel.to_string());
            in_new_dir(&target, |t| fs::write(t, bytes))
                .map(|()| Some(new.len))
                .map_err(|e| io_error(&target, &e, "写入文件"))
        };
        let size = match &file {
            OutFile::Bytes(b) => write(b)?,
            // An asset is read anyway to be copied; read, it can be compared like the rest.
            OutFile::Copy(src) if !matches!(self.reuse, Reuse::Nothing) => match fs::read(src) {
                Ok(bytes) => {
                    let new = self.copied(src, &bytes);
                    let kept = self
                        .unchanged_in_output(rel, &bytes, new)
                        .is_some_and(|old| self.link(rel, &old, new.len));
                    match kept {
                        true => {
                            self.list(rel, new);
                            None
                        }
                        false => Some(self.copy(rel, src, Some(&bytes))?),
                    }
                }
                Err(_) => Some(self.copy(rel, src, None)?),
            },
            OutFile::Copy(src) => Some(self.copy(rel, src, None)?),
            OutFile::Drawn(d) => {
                let drawn = d.file();
                let bytes = match drawn.as_ref() {
                    OutFile::Bytes(b) => b.as_slice(),
                    _ => &[],
                };
                write(bytes)?
            }
        };
        // A linked file was counted by the link.
        let Some(size) = size else {
            return Ok(());
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(size, Ordering::Relaxed);
        Ok(())
    }

    /// A file kept from the output being replaced is hard-linked into the staging directory:
    /// no bytes are copied, and the old output's own entry is removed after the swap, so the
    /// new site's file is never written through. Copied where links are not possible. In
    /// place there is nothing to do; its line of the file list is the previous one, unless
    /// the file was modified since (then it is read for its digest).
    fn keep(
        &self,
        rel: &str,
        previous: &Path,
        seen: Option<&fs::Metadata>,
    ) -> Result<(), Diagnostics> {
        let meta = match seen {
            Some(m) => Some(m.clone()),
            None => fs::symlink_metadata(previous).ok(),
        };
        let vouched = match (&self.reuse, &meta) {
            (Reuse::InPlace(m), Some(meta)) => m
                .files
                .get(rel)
                .filter(|l| m.vouches(rel, meta, **l))
                .copied(),
            _ => None,
        };
        let listed = match vouched {
            Some(l) => l,
            None => match fs::read(previous) {
                Ok(bytes) => listed(&bytes),
                Err(_) => Listed {
                    len: meta.as_ref().map_or(0, |m| m.len()),
                    digest: None,
                },
            },
        };
        match self.link(rel, previous, listed.len) {
            true => {
                self.list(rel, listed);
                Ok(())
            }
            false => self.put(rel, OutFile::Copy(previous.to_path_buf())),
        }
    }
}

/// Writes `target`, making its directory when it is missing: nearly every page has a directory
/// of its own, and making it on the first failed write spares a pass over all paths.
fn in_new_dir<T>(target: &Path, write: impl Fn(&Path) -> io::Result<T>) -> io::Result<T> {
    match write(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir)?;
            }
            write(target)
        }
        other => other,
    }
}

/// Test hook: with `JIEDU_TEST_SWAP_PAUSE_MS=<ms>` a build waits that long between the steps
/// of the swap, and with `JIEDU_TEST_SWAP_TWO_RENAMES=1` it uses the two-rename swap of systems
/// without an atomic exchange, so that a test can kill it exactly there (tests/staging.rs).
/// Nothing else reads these variables.
fn test_pause() {
    let ms = std::env::var("JIEDU_TEST_SWAP_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(ms) = ms {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
}

fn forced_two_renames() -> bool {
    std::env::var_os("JIEDU_TEST_SWAP_TWO_RENAMES").is_some_and(|v| v == "1")
}

/// Replaces `out` with `staging` so that readers, and a build killed at any moment, find the
/// old site or the new one, complete. On Linux one `renameat2(RENAME_EXCHANGE)` swaps the two
/// directories at once (`out` stays a plain directory, as upload tools expect); the old site,
/// now at the staging path, is then deleted (a kill before that leaves it to the next build's
/// clean-up). Elsewhere, or where the file system cannot exchange, two renames: a kill between
/// them leaves the old site beside the output, which the next build puts back
/// ([`restore_interrupted_swap`]).
fn swap_in(staging: &Path, out: &Path) -> Result<(), Diagnostics> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(|e| io_error(out, &e, "替换输出目录"));
    }
    if !forced_two_renames() {
        match exchange(staging, out) {
            Ok(()) => {
                test_pause();
                return remove_tree(staging).map_err(|e| io_error(staging, &e, "删除旧的输出目录"));
            }
            Err(e) if exchange_unsupported(&e) => {}
            Err(e) => return Err(io_error(out, &e, "替换输出目录")),
        }
    }
    let old = sibling(out, "old");
    fs::rename(out, &old).map_err(|e| io_error(out, &e, "替换输出目录"))?;
    test_pause();
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(io_error(out, &e, "替换输出目录"));
    }
    remove_tree(&old).map_err(|e| io_error(&old, &e, "删除旧的输出目录"))
}

/// Deletes the replaced site: its top-level folders (one per policy) side by side, as deleting
/// a hundred thousand files one after another waited on the disk for most of a cached build.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries
        .par_iter()
        .try_for_each(|entry| match entry.file_type()?.is_dir() {
            true => fs::remove_dir_all(entry.path()),
            false => fs::remove_file(entry.path()),
        })?;
    fs::remove_dir(dir)
}

/// Swaps two directories in one step.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "路径中有 NUL 字符"))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both pointers are NUL-terminated strings that live across the call; AT_FDCWD
    // makes relative paths relative to the working directory, as `fs::rename` does.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE as _,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The kernel or file system has no atomic exchange (old kernels, some network and FUSE file
/// systems): the two-rename swap is used instead.
fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(unix)]
    if matches!(
        e.raw_os_error(),
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP)
    ) {
        return true;
    }
    e.kind() == io::ErrorKind::Unsupported
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_staging_and_old_siblings_of_this_output_name_a_process() {
        assert_eq!(
            leftover_pid(".public.jiedu-staging-123", "public"),
            Some(123)
        );
        assert_eq!(leftover_pid(".public.jiedu-old-9", "public"), Some(9));
        for other in [
            ".site.jiedu-staging-123",
            ".public.jiedu-staging-",
            ".public.jiedu-staging-+1",
            ".public.jiedu-staging-12a",
            ".public.jiedu-new-12",
            "public",
        ] {
            assert_eq!(leftover_pid(other, "public"), None, "{other}");
        }
    }
}
