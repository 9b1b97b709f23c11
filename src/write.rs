//! Stage 4, write: the render streams every file into a staging directory beside the output,
//! which is swapped in only when the whole site was rendered, checked and written. A failed
//! build leaves the old site untouched, and nothing outside the output directory (and its
//! staging sibling) is written or deleted. Entry point: [`Staging`].

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::{OutFile, Sink};

/// Marks a directory as jiedu output, so that jiedu never replaces a directory it did not make.
pub const MARKER: &str = ".jiedu-output";

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

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".to_string());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.jiedu-{tag}-{}", std::process::id()))
}

/// The staging directory a build writes into, beside the output. Dropped before
/// [`Staging::swap_in`] (an error anywhere in the build), it removes itself.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Staging {
    /// Checks that `out` may be replaced and makes an empty staging directory beside it.
    pub fn create(out: &Path, root: &Path) -> Result<Staging, Diagnostics> {
        check_output_dir(out, root)?;
        let dir = sibling(out, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, &e, "清理暂存目录"))?;
        }
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e, "创建目录"))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// Marks the staged site as jiedu output and puts it in place of the old one.
    pub fn swap_in(self) -> Result<WriteStats, Diagnostics> {
        fs::write(self.dir.join(MARKER), "jiedu\n")
            .map_err(|e| io_error(&self.dir, &e, "写入文件"))?;
        swap_in(&self.dir, &self.out)?;
        Ok(WriteStats {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // After a successful swap the directory is the output and no longer exists here.
        if self.dir.exists() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn put(&self, rel: &str, file: OutFile) -> Result<(), Diagnostics> {
        let target = self.dir.join(rel);
        let size = match &file {
            OutFile::Bytes(b) => in_new_dir(&target, |t| fs::write(t, b))
                .map(|()| b.len() as u64)
                .map_err(|e| io_error(&target, &e, "写入文件"))?,
            OutFile::Copy(src) => in_new_dir(&target, |t| fs::copy(src, t))
                .map_err(|e| io_error(src, &e, "复制文件"))?,
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(size, Ordering::Relaxed);
        Ok(())
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

/// Replaces `out` with `staging`: two renames, so readers see the old site or the new one.
fn swap_in(staging: &Path, out: &Path) -> Result<(), Diagnostics> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(|e| io_error(out, &e, "替换输出目录"));
    }
    let old = sibling(out, "old");
    fs::rename(out, &old).map_err(|e| io_error(out, &e, "替换输出目录"))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(io_error(out, &e, "替换输出目录"));
    }
    fs::remove_dir_all(&old).map_err(|e| io_error(&old, &e, "删除旧的输出目录"))
}
