//! Incremental rebuilds equal full builds byte for byte, after every kind of edit an editor
//! makes, and render only what the edit touched.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use jiedu::build::{self, BuildOptions};
use jiedu::render::sink::Collect;
use jiedu::render::RenderOptions;
use jiedu::serve::incremental::{rebuild, Snapshot, Update};

/// A temporary copy of the example portal, with the theme beside it as in the repository.
fn example_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&repo.join("content"), &dir.path().join("content"));
    common::copy_dir(&repo.join("themes"), &dir.path().join("themes"));
    let root = dir.path().join("content");
    (dir, root)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Rebuilds incrementally and checks the result against a full render of the same sources.
fn rebuild_and_compare(prev: &Snapshot, root: &Path) -> Update {
    let update = rebuild(Some(prev), root, prev.options()).unwrap();
    let full = Collect::default();
    build::render(
        &BuildOptions {
            root: root.to_path_buf(),
            output: PathBuf::from("unused"),
            base_url: None,
            render: prev.options(),
            search: false,
        },
        &full,
    )
    .unwrap();
    let full = full.into_files();
    let incremental = update.snapshot.to_files();
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (path, file) in &full {
        assert!(
            incremental[path] == *file,
            "{path} differs from a full build"
        );
    }
    update
}

#[test]
fn every_kind_of_edit_rebuilds_to_exactly_the_full_build() {
    let (_dir, root) = example_site();
    let bundle = root.join("yiliao-gaodi");
    let mut snap = rebuild(None, &root, RenderOptions::default())
        .unwrap()
        .snapshot;
    let all = snap.files.len();

    // One Q&A answer: that question, the Q&A page, the clauses it cites; not the whole site.
    edit(&bundle.join("qa.md"), "一期投入使用", "一期正式投入使用");
    let u = rebuild_and_compare(&snap, &root);
    let changed: Vec<&str> = u.changed.iter().map(String::as_str).collect();
    assert!(
        changed.contains(&"yiliao-gaodi/qa/jishuitan-opening/index.html"),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"yiliao-gaodi/qa/index.html"),
        "{changed:?}"
    );
    // The 政策文件库 pages and the 网站地图 list every policy with its formats, so like the
    // home page they depend on every document of the site.
    let listing_pages = snap
        .files
        .keys()
        .filter(|p| p.starts_with("library/") || p.starts_with("sitemap/"))
        .count();
    assert!(
        u.rerendered < u.pages / 2 + 10 + listing_pages,
        "rendered {} of {}",
        u.rerendered,
        u.pages
    );
    assert!(
        !changed.contains(&"yiliao-gaodi/expert/index.html"),
        "{changed:?}"
    );
    snap = u.snapshot;

    // A citation added to a question, then removed: the clause pages gain and lose it.
    edit(
        &bundle.join("qa.md"),
        "cites: [4.2.2]",
        "cites: [4.2.2, 4.3.1]",
    );
    let u = rebuild_and_compare(&snap, &root);
    assert!(u
        .changed
        .iter()
        .any(|p| p == "yiliao-gaodi/clause/4-3-1/index.html"));
    snap = u.snapshot;
    edit(
        &bundle.join("qa.md"),
        "cites: [4.2.2, 4.3.1]",
        "cites: [4.2.2]",
    );
    let u = rebuild_and_compare(&snap, &root);
    assert!(u
        .changed
        .iter()
        .any(|p| p == "yiliao-gaodi/clause/4-3-1/index.html"));
    snap = u.snapshot;

    // The policy text.
    edit(&bundle.join("policy.md"), "优势明显", "优势十分明显");
    snap = rebuild_and_compare(&snap, &root).snapshot;

    // A page template: only its pages are rendered again.
    let clause_template = root.join("../themes/default/templates/clause.html");
    edit(
        &clause_template,
        "<div class=\"clause-text\">",
        "<div class=\"clause-text\" data-edited>",
    );
    let u = rebuild_and_compare(&snap, &root);
    assert!(
        u.changed.iter().all(|p| p.contains("/clause/")),
        "{:?}",
        u.changed
    );
    assert_eq!(u.rerendered, u.changed.len());
    snap = u.snapshot;

    // A stylesheet: nothing but the stylesheet.
    let css = root.join("../themes/default/static/jiedu.css");
    fs::write(
        &css,
        fs::read_to_string(&css).unwrap() + "\n.x { color: red; }\n",
    )
    .unwrap();
    let u = rebuild_and_compare(&snap, &root);
    assert_eq!(u.changed, vec!["static/jiedu.css".to_string()]);
    assert!(u.only_stylesheets());
    assert_eq!(u.rerendered, 0);
    snap = u.snapshot;

    // A progress file deleted, then re-created; a new standalone page (new nav link: all pages).
    let progress = bundle.join("progress/2025-xinsanbao.md");
    let saved = fs::read_to_string(&progress).unwrap();
    fs::remove_file(&progress).unwrap();
    snap = rebuild_and_compare(&snap, &root).snapshot;
    fs::write(&progress, saved).unwrap();
    snap = rebuild_and_compare(&snap, &root).snapshot;
    fs::write(
        root.join("pages/about.md"),
        "---\nkind: page\ntitle: 关于本站\nslug: about\nnav: true\n---\n\n本站是示例。\n",
    )
    .unwrap();
    let u = rebuild_and_compare(&snap, &root);
    assert!(u.changed.iter().any(|p| p == "about/index.html"));
    snap = u.snapshot;

    // The config: everything.
    edit(
        &root.join("jiedu.yaml"),
        "name: 聊城市政策解读",
        "name: 聊城市政策解读（预览）",
    );
    let u = rebuild_and_compare(&snap, &root);
    assert_eq!(u.rerendered, u.pages);
    assert!(u.snapshot.files.len() > all);
}

#[test]
fn a_broken_edit_is_an_error_and_the_previous_snapshot_stays_usable() {
    let (_dir, root) = example_site();
    let qa = root.join("yiliao-gaodi/qa.md");
    let snap = rebuild(None, &root, RenderOptions { live_reload: true })
        .unwrap()
        .snapshot;
    edit(&qa, "cites: [4.2.2]", "cites: [9.9.9]");
    let diags = rebuild(Some(&snap), &root, snap.options())
        .err()
        .expect("an unknown clause is an error");
    let text = diags.to_string();
    assert!(text.contains("qa.md:") && text.contains("9.9.9"), "{text}");
    assert!(text.contains("提示"), "{text}");
    edit(&qa, "cites: [9.9.9]", "cites: [4.2.2]");
    let u = rebuild_and_compare(&snap, &root);
    assert!(u.changed.is_empty(), "{:?}", u.changed);
}
