//! Watching the site root and the theme directory for edits. Directories are watched, never
//! single files, because editors save by writing a temporary file and renaming it over the old
//! one (vim, VS Code, JetBrains), which replaces the file's inode. Events are debounced briefly
//! and reduced to the paths that matter; what actually changed is found by the rebuild, which
//! compares content fingerprints, so lost, doubled or reordered events do no harm.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{self, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    new_debouncer_opt, DebounceEventHandler, DebounceEventResult, DebouncedEvent, Debouncer,
    RecommendedCache,
};

use crate::diagnostics::Diagnostic;
use crate::write::MARKER;

/// Quiet time after the last event before a rebuild starts: long enough to group the several
/// events of one save, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(15);
/// How often `--poll` scans the tree, for file systems that send no events (network shares,
/// WSL2 mounts, some containers).
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Keeps the watchers alive; dropping it stops watching.
pub enum Watch {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

/// Reading a file is no edit: the rebuild itself opens every file, which must not trigger the
/// next rebuild. Closing a file after writing is kept (some editors send nothing else).
fn is_edit(event: &DebouncedEvent) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// True for files editors write while saving and for hidden files: `.swp`/`.swx` (vim),
/// `4913` (vim's probe), `~` backups, `.tmp`, `#autosave#` and `.#lock` (Emacs), `.crswap`
/// (Chrome), `___jb_tmp___`/`___jb_old___` (JetBrains), and anything starting with `.`.
pub fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name == "4913"
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".crswap")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Whether an event path can change the site: not editor noise, not inside a hidden folder
/// (`.git/`), not inside a jiedu output directory (it carries the marker file).
pub fn matters(path: &Path, watched: &[PathBuf]) -> bool {
    let Some(base) = watched.iter().find(|w| path.starts_with(w)) else {
        return false;
    };
    let Ok(rel) = path.strip_prefix(base) else {
        return false;
    };
    if rel
        .components()
        .any(|c| is_editor_noise(&c.as_os_str().to_string_lossy()))
    {
        return false;
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !d.starts_with(base) {
            break;
        }
        if d.join(MARKER).is_file() {
            return false;
        }
        dir = d.parent();
    }
    true
}

/// Starts watching `dirs` (recursively). Each debounced batch of paths that matter is sent.
pub fn start(dirs: &[PathBuf], poll: bool, tx: Sender<Vec<PathBuf>>) -> Result<Watch, Diagnostic> {
    let watched: Vec<PathBuf> = dirs.to_vec();
    let handler = move |result: DebounceEventResult| {
        let paths: Vec<PathBuf> = match result {
            Ok(events) => events
                .iter()
                .filter(|e| is_edit(e))
                .flat_map(|e| e.paths.iter())
                .filter(|p| matters(p, &watched))
                .cloned()
                .collect(),
            // An overflowed event queue: rebuild anyway, the rebuild finds what changed.
            Err(_) => watched.clone(),
        };
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    };
    let failed = |e: notify::Error| {
        Diagnostic::error(format!("无法监视文件变化：{e}")).hint(
            "可能是系统的 inotify 监视数量已用完（可提高 fs.inotify.max_user_watches），或改用 --poll 定时检查文件。",
        )
    };
    let mut watch = if poll {
        let config = notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true);
        Watch::Poll(debouncer(handler, config).map_err(failed)?)
    } else {
        Watch::Native(debouncer(handler, notify::Config::default()).map_err(failed)?)
    };
    for dir in dirs {
        match &mut watch {
            Watch::Native(d) => d.watch(dir, RecursiveMode::Recursive),
            Watch::Poll(d) => d.watch(dir, RecursiveMode::Recursive),
        }
        .map_err(failed)?;
    }
    Ok(watch)
}

/// A debouncer over watcher type `W` (native events or polling), with the project's debounce.
fn debouncer<W: notify::Watcher, F: DebounceEventHandler>(
    handler: F,
    config: notify::Config,
) -> Result<Debouncer<W, RecommendedCache>, notify::Error> {
    new_debouncer_opt(DEBOUNCE, None, handler, RecommendedCache::new(), config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_hidden_folders_and_output_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("public")).unwrap();
        std::fs::write(root.join("public").join(MARKER), "jiedu\n").unwrap();
        let watched = vec![root.clone()];
        for noise in [
            "b/.policy.md.swp",
            "b/policy.md~",
            "b/4913",
            "b/x.tmp",
            ".git/index",
            "b/.#policy.md",
            "b/#policy.md#",
            "b/policy.md___jb_tmp___",
            "public/index.html",
        ] {
            assert!(!matters(&root.join(noise), &watched), "{noise}");
        }
        for real in ["b/policy.md", "jiedu.yaml", "b/media/x.svg", "b/progress"] {
            assert!(matters(&root.join(real), &watched), "{real}");
        }
        assert!(!matters(Path::new("/elsewhere/a.md"), &watched));
    }
}
