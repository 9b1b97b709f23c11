//! Watching the site root and the theme directory for edits. Directories are watched, never
//! single files, because editors save by writing a temporary file and renaming it over the old
//! one (vim, VS Code, JetBrains), which replaces the file's inode. Events are debounced briefly
//! and reduced to the paths that matter; what actually changed is found by the rebuild, which
//! compares content fingerprints, so lost, doubled or reordered events do no harm.
//!
//! A watched directory that is deleted and made again (`git checkout` of another branch, a sync
//! tool) is a new directory the native watcher knows nothing of; a guard thread checks every
//! [`GUARD_INTERVAL`] whether each watched directory is still the one watched, watches the new
//! one and asks for a rebuild. Symbolic links are not followed, as the build does not read them.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{
    self, Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher,
};

use crate::diagnostics::Diagnostic;
use crate::write::MARKER;

/// Quiet time after the last event before a rebuild starts: long enough to group the several
/// events of one save, short enough not to be felt.
pub const DEBOUNCE: Duration = Duration::from_millis(15);
/// Quiet time after an event that ends a save (a file closed after writing, a file renamed
/// into place, one deleted): the events of that save are in, so only a save of several files
/// at once is waited for. On a large site this was a fifth of the time from save to reload;
/// a save split over two batches still ends correct, as the second rebuild sees the rest.
pub const SETTLE: Duration = Duration::from_millis(3);
/// How often `--poll` scans the tree, for file systems that send no events (network shares,
/// WSL2 mounts, some containers).
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// How often the guard checks that each watched directory is still the one being watched.
pub const GUARD_INTERVAL: Duration = Duration::from_millis(250);

/// Keeps the watchers alive; dropping it stops watching (and the guard and batching threads
/// with it).
pub enum Watch {
    Native(Arc<Mutex<RecommendedWatcher>>),
    Poll(PollWatcher),
}

/// Reading a file is no edit: the rebuild itself opens every file, which must not trigger the
/// next rebuild. Closing a file after writing is kept (some editors send nothing else).
fn is_edit(event: &Event) -> bool {
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

/// Whether `event` ends a save: a file closed after writing or renamed into place (not an
/// editor's temporary or backup file, which the real file follows), or a file deleted. Other
/// events (a file opened, truncated, partly written, moved away) are followed by more of the
/// same save.
fn ends_save(event: &notify::Result<Event>) -> bool {
    use notify::event::{ModifyKind, RemoveKind, RenameMode};
    let Ok(e) = event else {
        return false;
    };
    // Of a rename, the last path is where the file went.
    let real = || {
        e.paths
            .last()
            .and_then(|p| p.file_name())
            .is_some_and(|n| !is_editor_noise(&n.to_string_lossy()))
    };
    match e.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both)) => real(),
        EventKind::Remove(RemoveKind::File) => true,
        _ => false,
    }
}

/// How long to wait for more events after `last`: [`SETTLE`] after one that ends a save,
/// [`DEBOUNCE`] otherwise.
fn quiet_after(last: &notify::Result<Event>) -> Duration {
    match ends_save(last) {
        true => SETTLE,
        false => DEBOUNCE,
    }
}

/// Groups the watcher's events into batches: it sleeps until an event arrives, then gathers
/// until a quiet time passes without one ([`quiet_after`] the last), and sends the paths that
/// matter. (The debouncer crate woke every 3.75 ms while nothing happened; an idle preview now
/// does not wake at all.) Ends when the watcher is dropped or nobody listens.
fn batch(events: &Receiver<notify::Result<Event>>, dirs: &[PathBuf], tx: &Sender<Vec<PathBuf>>) {
    let watched: Vec<PathBuf> = dirs.to_vec();
    while let Ok(first) = events.recv() {
        let mut batch = vec![first];
        let open = loop {
            let wait = batch.last().map_or(DEBOUNCE, quiet_after);
            match events.recv_timeout(wait) {
                Ok(e) => batch.push(e),
                Err(RecvTimeoutError::Timeout) => break true,
                Err(RecvTimeoutError::Disconnected) => break false,
            }
        };
        let mut paths: Vec<PathBuf> = Vec::new();
        for event in &batch {
            match event {
                Ok(e) if is_edit(e) => {
                    paths.extend(e.paths.iter().filter(|p| matters(p, &watched)).cloned())
                }
                Ok(_) => {}
                // A lost or overflowed event queue: rebuild anyway, the rebuild finds what
                // changed.
                Err(_) => paths.extend(watched.iter().cloned()),
            }
        }
        paths.sort();
        paths.dedup();
        if !paths.is_empty() && tx.send(paths).is_err() {
            return;
        }
        if !open {
            return;
        }
    }
}

/// A channel for a watcher's events and the thread that batches them.
fn batched(dirs: &[PathBuf], tx: Sender<Vec<PathBuf>>) -> Sender<notify::Result<Event>> {
    let (events_tx, events_rx) = channel();
    let dirs = dirs.to_vec();
    std::thread::spawn(move || batch(&events_rx, &dirs, &tx));
    events_tx
}

fn failed(e: notify::Error) -> Diagnostic {
    Diagnostic::error(format!("无法监视文件变化：{e}")).hint(
        "可能是系统的 inotify 监视数量已用完（可提高 fs.inotify.max_user_watches），或改用 --poll 定时检查文件。",
    )
}

/// The build does not follow symbolic links (it reports them); neither does the watcher, so a
/// link to a large tree costs no watches.
fn config() -> notify::Config {
    notify::Config::default().with_follow_symlinks(false)
}

/// Starts watching `dirs` (recursively). Each debounced batch of paths that matter is sent.
pub fn start(dirs: &[PathBuf], poll: bool, tx: Sender<Vec<PathBuf>>) -> Result<Watch, Diagnostic> {
    if !poll {
        match start_native(dirs, tx.clone()) {
            Ok(watch) => return Ok(watch),
            // The native watcher watches folder by folder and stops at one it may not read
            // (the build reports that folder as an error). Polling passes over it and sees
            // it once it is readable again.
            Err(e) if is_permission(&e) => {
                eprintln!("无法监视文件变化（{e}），改为定时检查文件。");
            }
            Err(e) => return Err(failed(e)),
        }
    }
    let config = config()
        .with_poll_interval(POLL_INTERVAL)
        .with_compare_contents(true);
    let mut watcher = PollWatcher::new(batched(dirs, tx), config).map_err(failed)?;
    for dir in dirs {
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .map_err(failed)?;
    }
    Ok(Watch::Poll(watcher))
}

fn is_permission(e: &notify::Error) -> bool {
    matches!(&e.kind, notify::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied)
}

fn start_native(dirs: &[PathBuf], tx: Sender<Vec<PathBuf>>) -> Result<Watch, notify::Error> {
    let rebuild = tx.clone();
    let mut watcher = RecommendedWatcher::new(batched(dirs, tx), config())?;
    for dir in dirs {
        // A directory missing now is watched by the guard once it appears.
        if dir.is_dir() {
            watcher.watch(dir, RecursiveMode::Recursive)?;
        }
    }
    let shared = Arc::new(Mutex::new(watcher));
    let (weak, dirs) = (Arc::downgrade(&shared), dirs.to_vec());
    std::thread::spawn(move || guard(&weak, &dirs, &rebuild));
    Ok(Watch::Native(shared))
}

/// Which directory a path names now: device, inode and creation time, so that a directory
/// deleted and made again under the same name counts as a different one. The creation time is
/// needed because the file system may give the new directory the inode the old one freed
/// (ext4 and tmpfs do when it is made again at once, as a quick copy does).
type Identity = (u64, u64, Option<std::time::SystemTime>);

#[cfg(unix)]
fn identity(dir: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (m.dev(), m.ino(), m.created().ok()))
}

#[cfg(not(unix))]
fn identity(dir: &Path) -> Option<Identity> {
    std::fs::metadata(dir)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (0, 0, m.created().ok()))
}

/// Watches each directory again when it was replaced or came back, and asks for a rebuild when
/// one went away or came back. Ends when the watch is dropped or nobody listens any more.
fn guard(
    debouncer: &Weak<Mutex<RecommendedWatcher>>,
    dirs: &[PathBuf],
    rebuild: &Sender<Vec<PathBuf>>,
) {
    let mut known: Vec<Option<Identity>> = dirs.iter().map(|d| identity(d)).collect();
    loop {
        std::thread::sleep(GUARD_INTERVAL);
        let Some(debouncer) = debouncer.upgrade() else {
            return;
        };
        for (dir, known) in dirs.iter().zip(known.iter_mut()) {
            let now = identity(dir);
            if now == *known {
                continue;
            }
            if now.is_some() {
                if let Ok(mut d) = debouncer.lock() {
                    let _ = d.unwatch(dir);
                    if let Err(e) = d.watch(dir, RecursiveMode::Recursive) {
                        eprintln!("无法重新监视「{}」：{e}", dir.display());
                        // Tried again at the next check.
                        continue;
                    }
                }
            }
            *known = now;
            if rebuild.send(vec![dir.clone()]).is_err() {
                return;
            }
        }
    }
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

    #[test]
    fn only_the_end_of_a_save_shortens_the_wait() {
        use notify::event::{DataChange, ModifyKind, RenameMode};
        let event = |kind, paths: &[&str]| -> notify::Result<Event> {
            let mut e = Event::new(kind);
            for p in paths {
                e = e.add_path(PathBuf::from(p));
            }
            Ok(e)
        };
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        for (e, wait) in [
            (event(closed, &["/s/b/qa.md"]), SETTLE),
            (event(renamed, &["/s/b/.qa.md.tmp", "/s/b/qa.md"]), SETTLE),
            // vim moves the file away to its backup, then writes the new one.
            (event(renamed, &["/s/b/qa.md", "/s/b/qa.md~"]), DEBOUNCE),
            (event(closed, &["/s/b/.qa.md.swp"]), DEBOUNCE),
            (event(written, &["/s/b/qa.md"]), DEBOUNCE),
        ] {
            assert_eq!(quiet_after(&e), wait, "{e:?}");
        }
    }
}
