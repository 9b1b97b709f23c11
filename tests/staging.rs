//! Leftovers of killed builds: `jiedu build` killed while it writes leaves its staging
//! directory (`.<out>.jiedu-staging-<pid>`) or, during the swap, the old output
//! (`.<out>.jiedu-old-<pid>`). The next build removes those whose process is gone and that carry
//! jiedu's marker, says so, and touches nothing else.

use crate::common;

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

/// Every file of a site, without the marker.
fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = common::snapshot(dir);
    files.remove(MARKER);
    files
}

/// The `.public.jiedu-*` siblings of the output.
fn siblings(site: &ExampleSite) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(site.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".public.jiedu-"))
        .collect();
    names.sort();
    names
}

/// Starts a build from nothing (which swaps a whole new tree in; a cached build updates the
/// output in place, tests/build_cache.rs) that pauses between the steps of its swap (the test
/// hook of `write.rs`),
/// waits until `between` says it is there, and kills it (SIGKILL: no cleanup runs).
fn kill_between_swap_steps(site: &ExampleSite, two_renames: bool, between: impl Fn(u32) -> bool) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jiedu"));
    command
        .args(["build", "--no-cache", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.out())
        .env("JIEDU_TEST_SWAP_PAUSE_MS", "30000")
        .stderr(Stdio::null());
    if two_renames {
        command.env("JIEDU_TEST_SWAP_TWO_RENAMES", "1");
    }
    let mut child = command.spawn().unwrap();
    let start = Instant::now();
    while !between(child.id()) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build finished without pausing in its swap"
        );
        assert!(start.elapsed() < Duration::from_secs(30), "no swap seen");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A build killed between the steps of its swap, then a build that fails: the output is one
/// complete site (the old or the new one), and nothing is left beside it.
fn a_kill_between_swap_steps_leaves_one_complete_site(two_renames: bool) {
    let site = ExampleSite::new();
    assert!(site.build().status.success());
    let old_site = site_files(&site.out());
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("title:", "title: 新版", 1)
    });
    let new_out = site.dir.path().join("fresh");
    assert!(site.build_to(&new_out).status.success());
    let new_site = site_files(&new_out);
    assert_ne!(old_site, new_site);

    let parent = site.dir.path().to_path_buf();
    let out = site.out();
    kill_between_swap_steps(&site, two_renames, |pid| {
        if two_renames {
            // The old site moved aside, the new one not yet in place.
            !out.exists() && parent.join(format!(".public.jiedu-old-{pid}")).exists()
        } else {
            // Exchanged: the new site is the output, the old one not yet deleted.
            fs::read_to_string(out.join("yiliao-gaodi/index.html"))
                .is_ok_and(|t| t.contains("新版"))
                && parent.join(format!(".public.jiedu-staging-{pid}")).exists()
        }
    });

    // The next build fails (a broken config), so only what it does before writing counts.
    site.edit("jiedu.yaml", |t| t + "\nbase_url: [\n");
    let failed = site.build();
    assert_eq!(failed.status.code(), Some(1), "{}", common::stderr(&failed));
    let expected = if two_renames { &old_site } else { &new_site };
    assert!(out.is_dir(), "no output directory after the failed build");
    assert!(
        site_files(&out) == *expected,
        "the output is not one complete site"
    );
    assert_eq!(siblings(&site), Vec::<String>::new());
    if two_renames {
        assert!(
            common::stderr(&failed).contains("在替换输出目录时中断，已把原来的站点恢复到"),
            "{}",
            common::stderr(&failed)
        );
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_kill_between_exchange_and_cleanup_leaves_the_new_site() {
    a_kill_between_swap_steps_leaves_one_complete_site(false);
}

#[test]
#[cfg(unix)]
fn a_kill_between_the_two_renames_restores_the_old_site() {
    a_kill_between_swap_steps_leaves_one_complete_site(true);
}

/// A cached build updates the output in place under a journal (`write/delta.rs`). Killed
/// after its first file was moved in — the output then a mix of both sites — the next build,
/// even one that fails, first finishes that update: the output is the new site whole, and
/// nothing is left beside it.
#[test]
#[cfg(unix)]
fn a_kill_while_updating_in_place_is_finished_by_the_next_build() {
    let site = ExampleSite::new();
    assert!(site.build().status.success());
    let old_site = without_cache(site_files(&site.out()));
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("title:", "title: 新版", 1)
    });
    let new_out = site.dir.path().join("fresh");
    assert!(site.build_to(&new_out).status.success());
    let new_site = without_cache(site_files(&new_out));

    let (mut child, staging) = paused_update(&site, "30000");
    // The journal lists the files to move in; once the middle one has left the staging
    // directory the build pauses (the test hook), the output holding both sites' files.
    let start = Instant::now();
    let middle = loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build did not pause"
        );
        assert!(start.elapsed() < Duration::from_secs(30), "no update seen");
        let journal = fs::read_to_string(staging.join(".jiedu-journal")).unwrap_or_default();
        let moved: Vec<&str> = journal
            .lines()
            .filter_map(|l| l.strip_prefix("+ "))
            .collect();
        let middle = moved.get(moved.len() / 2);
        if let Some(middle) = middle.filter(|f| !staging.join(f).exists()) {
            break middle.to_string();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let mixed = without_cache(site_files(&site.out()));
    assert!(
        mixed != old_site && mixed != new_site,
        "killed after moving {middle}, the output should hold files of both sites"
    );

    // The next build fails (a broken config), so only what it does before writing counts.
    site.edit("jiedu.yaml", |t| t + "\nbase_url: [\n");
    let failed = site.build();
    assert_eq!(failed.status.code(), Some(1), "{}", common::stderr(&failed));
    assert!(
        without_cache(site_files(&site.out())) == new_site,
        "the output is not the new site whole"
    );
    assert_eq!(siblings(&site), Vec::<String>::new());
    assert!(
        common::stderr(&failed).contains("在更新输出目录时中断，已完成它的更新"),
        "{}",
        common::stderr(&failed)
    );
}

/// A site's files without the build cache, whose record lists pages in no fixed order.
fn without_cache(
    mut files: std::collections::BTreeMap<String, Vec<u8>>,
) -> std::collections::BTreeMap<String, Vec<u8>> {
    files.remove(".jiedu/cache");
    files
}

/// Two builds into one output at once (an editor's beside a scheduled one): each update in
/// place moves only the files that differ from the file list it read, so without turns the
/// later one finishing first and the paused one moving the rest would leave a mix. With turns
/// the second waits, and the output ends as the site it built, whole.
#[test]
fn a_build_started_while_another_updates_the_output_waits_its_turn() {
    let site = ExampleSite::new();
    assert!(site.build().status.success());
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("title:", "title: 新版", 1)
    });
    let (mut first, staging) = paused_update(&site, "4000");
    // Paused half-way through its moves (the test hook), the output holding both sites' files.
    let start = Instant::now();
    while !staging.join(".jiedu-journal").exists() {
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first build ended early"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "no update seen");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The second build sees another edit.
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("title: 新版", "title: 第三版", 1)
    });
    let second = site.build();
    assert!(second.status.success(), "{}", common::stderr(&second));
    assert!(first.wait().unwrap().success());

    let clean_out = site.dir.path().join("clean");
    assert!(site.build_to(&clean_out).status.success());
    assert!(
        without_cache(site_files(&site.out())) == without_cache(site_files(&clean_out)),
        "the output is not the second build's site whole"
    );
    assert_eq!(siblings(&site), Vec::<String>::new());
}

/// Starts a cached `jiedu build` of `site` that pauses for `pause_ms` half-way through moving
/// its files into the output (the test hook of `write.rs`); returns it with its staging directory.
fn paused_update(site: &ExampleSite, pause_ms: &str) -> (std::process::Child, PathBuf) {
    let child = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.out())
        .env("JIEDU_TEST_SWAP_PAUSE_MS", pause_ms)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = site
        .dir
        .path()
        .join(format!(".public.jiedu-staging-{}", child.id()));
    (child, staging)
}
