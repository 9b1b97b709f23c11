//! Leftovers of killed builds: `jiedu build` killed while it writes leaves its staging
//! directory (`.<out>.jiedu-staging-<pid>`) or, during the swap, the old output
//! (`.<out>.jiedu-old-<pid>`). The next build removes those whose process is gone and that carry
//! jiedu's marker, says so, and touches nothing else.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::ExampleSite;

const MARKER: &str = ".jiedu-output";

/// A process id that belonged to a process which has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn leftover(parent: &Path, kind: &str, pid: u32, marked: bool) -> PathBuf {
    let dir = parent.join(format!(".public.jiedu-{kind}-{pid}"));
    fs::create_dir_all(dir.join("yiliao-gaodi")).unwrap();
    fs::write(dir.join("yiliao-gaodi/index.html"), "半截的页面").unwrap();
    if marked {
        fs::write(dir.join(MARKER), "jiedu\n").unwrap();
    }
    dir
}

/// Kills `jiedu build` as soon as its staging directory appears (SIGKILL: no cleanup runs).
/// Returns the directory it left, or `None` when the build finished first.
fn kill_a_build(site: &ExampleSite) -> Option<PathBuf> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.out())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = site
        .dir
        .path()
        .join(format!(".public.jiedu-staging-{}", child.id()));
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if staging.join(MARKER).exists() {
            child.kill().unwrap();
            child.wait().unwrap();
            return staging.exists().then_some(staging);
        }
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("jiedu build neither made a staging directory nor finished");
}

#[test]
#[cfg(unix)]
fn the_next_build_removes_what_killed_builds_left_and_nothing_else() {
    let site = ExampleSite::new();
    assert!(site.build().status.success());
    let parent = site.dir.path().to_path_buf();
    let killed = (0..20)
        .find_map(|_| kill_a_build(&site))
        .expect("a build was killed while writing");
    let old = leftover(&parent, "old", dead_pid(), true);
    // Not ours to remove: a build still running (this test process stands in for it), and a
    // directory of the same name without jiedu's marker.
    let running = leftover(&parent, "staging", std::process::id(), true);
    let unmarked = leftover(&parent, "staging", dead_pid(), false);

    let out = site.build();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let stderr = common::stderr(&out);
    for gone in [&killed, &old] {
        assert!(!gone.exists(), "{} is still there", gone.display());
        let name = gone.file_name().unwrap().to_string_lossy();
        assert!(
            stderr.contains(&format!("已删除上次中断的生成留下的临时目录「{name}」")),
            "{stderr}"
        );
    }
    assert!(running.join("yiliao-gaodi/index.html").is_file());
    assert!(unmarked.join("yiliao-gaodi/index.html").is_file());
    assert!(site.out().join("index.html").is_file());
}
