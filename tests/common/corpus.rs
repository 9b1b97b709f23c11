//! The benchmark corpus generator (tests/bench/gen-corpus) run from tests.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The generator binary cargo built beside this test (`cargo test --all-targets` builds
/// examples); built here when missing.
pub fn generator() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let path = profile_dir.join("examples/gen-corpus");
    if !path.is_file() {
        let release = profile_dir.ends_with("release");
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--example", "gen-corpus"]);
        if release {
            cmd.arg("--release");
        }
        assert!(cmd.status().unwrap().success());
    }
    path
}

/// Writes a corpus of `policies` policies for `seed` into `out` (new or empty).
pub fn generate(policies: usize, seed: u64, out: &Path) {
    let status = Command::new(generator())
        .args([
            "--policies",
            &policies.to_string(),
            "--seed",
            &seed.to_string(),
        ])
        .arg("--out")
        .arg(out)
        .status()
        .unwrap();
    assert!(status.success());
}
