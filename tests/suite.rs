//! Every integration test, in one test binary (as mdBook's tests/testsuite): one crate to
//! compile and link instead of one per file, and one pool of test threads across all of them,
//! so the browser checks that mostly wait on Chromium run beside the ones that use the CPU.
//!
//! Each file beside this one is a module of it; `every_test_file_is_part_of_the_suite` keeps a
//! new file from being left out silently (Cargo.toml sets `autotests = false`).
//! One file's tests: `./tests/run search::` (or `cargo test --release --test suite search::`).

mod common;

mod a11y;
mod articles;
mod bounded_pages;
mod build;
mod build_cache;
mod compare;
mod compilations;
mod corpus;
mod flat_table_lists;
mod import;
mod import_formats;
mod incremental;
mod inspect;
mod library;
mod links;
mod new_site;
mod notes;
mod number_lookalikes;
mod open_data;
mod portal_meta;
mod qa;
mod realdocs;
mod realdocs_forms;
mod revisions_site;
mod safety;
mod search;
mod search_realpolicies;
mod serve;
mod share_images;
mod staging;
mod template_limits;

/// A test file that is not declared above would never be compiled or run: with
/// `autotests = false` cargo no longer finds tests/*.rs by itself.
#[test]
fn every_test_file_is_part_of_the_suite() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let suite = std::fs::read_to_string(dir.join("suite.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_test_file = path.extension().is_some_and(|e| e == "rs") && stem != "suite";
        if is_test_file && !suite.lines().any(|l| l.trim() == format!("mod {stem};")) {
            missing.push(stem.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/ 中这些文件没有在 tests/suite.rs 里声明为模块，它们的测试不会运行：{missing:?}（请加上 `mod 名称;`）"
    );
}
