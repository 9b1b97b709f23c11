//! The outside consumer of a built site's open data (tests/open_data/consume.py): Python's
//! stock `jsonschema` validator, starting from `data/policies.json`.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the consumer on a built site: on success its standard output is
/// `{"list": <policies.json>, "policies": {slug: <data/<slug>.json>}}`; on failure its standard
/// error lists every violation.
pub fn consume(public: &Path) -> Output {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .expect("python3 is needed for the open data tests");
    assert!(
        probe.status.success(),
        "the Python package jsonschema is missing; tests/run installs it"
    );
    Command::new("python3")
        .arg(super::repo().join("tests/open_data/consume.py"))
        .arg(public)
        .output()
        .expect("run consume.py")
}

/// The files the consumer read, after it validated them; panics with its errors otherwise.
pub fn consumed(public: &Path) -> serde_json::Value {
    let o = consume(public);
    assert!(
        o.status.success(),
        "consume.py refused the open data:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("consume.py prints JSON")
}
