//! Incremental rebuilds equal full builds byte for byte, after every kind of edit an editor
//! makes, on a site of two policy bundles whose documents cite each other's clauses; and they
//! render only what the edit touched.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use jiedu::build::{self, BuildOptions};
use jiedu::render::sink::Collect;
use jiedu::render::RenderOptions;
use std::sync::Arc;

use jiedu::pipeline::{rebuild, Snapshot, Update};

const A: &str = "yiliao-gaodi";
const B: &str = "yiliao-gaodi-b";

/// A temporary copy of the example portal plus a second bundle citing the first, with the
/// theme beside it as in the repository.
fn two_bundle_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&repo.join("content"), &dir.path().join("content"));
    common::copy_dir(&repo.join("themes"), &dir.path().join("themes"));
    let root = dir.path().join("content");
    common::add_citing_bundle(&root);
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
fn rebuild_and_compare(prev: &Snapshot, root: &Path, what: &str) -> Update {
    let update = rebuild(Some(prev), root, prev.options(), None).unwrap();
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
        "after {what}: same files"
    );
    for (path, file) in &full {
        assert!(
            incremental[path] == *file,
            "after {what}: {path} differs from a full build"
        );
    }
    update
}

/// Applies one edit, rebuilds, compares with a full build and checks that `expect` changed.
fn step(
    snap: Arc<Snapshot>,
    root: &Path,
    what: &str,
    expect: &[&str],
    change: impl FnOnce(),
) -> Arc<Snapshot> {
    change();
    let u = rebuild_and_compare(&snap, root, what);
    for page in expect {
        assert!(
            u.changed.iter().any(|p| p == page),
            "after {what}: {page} should have changed; changed: {:?}",
            u.changed
        );
    }
    u.snapshot
}

#[test]
fn every_kind_of_edit_rebuilds_to_exactly_the_full_build() {
    let (_dir, root) = two_bundle_site();
    let a = root.join(A);
    let b = root.join(B);
    let mut snap = rebuild(None, &root, RenderOptions::default(), None)
        .unwrap()
        .snapshot;
    let all = snap.len();

    // One Q&A answer: that question, the Q&A page, the clauses it cites; not the whole site.
    edit(&a.join("qa.md"), "一期投入使用", "一期正式投入使用");
    let u = rebuild_and_compare(&snap, &root, "an answer");
    let changed: Vec<&str> = u.changed.iter().map(String::as_str).collect();
    for page in [
        "yiliao-gaodi/qa/jishuitan-opening/index.html",
        "yiliao-gaodi/qa/index.html",
    ] {
        assert!(changed.contains(&page), "{changed:?}");
    }
    assert!(
        u.rerendered < u.pages / 4,
        "rendered {} of {}",
        u.rerendered,
        u.pages
    );
    for page in ["yiliao-gaodi/expert/index.html", "index.html"] {
        assert!(!changed.contains(&page), "{changed:?}");
    }
    assert!(
        !changed.iter().any(|p| p.starts_with("yiliao-gaodi-b/")),
        "{changed:?}"
    );
    snap = u.snapshot;

    // A question's own text: the home page lists the first questions.
    snap = step(
        snap,
        &root,
        "a question",
        &["index.html", "yiliao-gaodi/index.html"],
        || {
            edit(
                &a.join("qa.md"),
                "《意见》的指导思想是什么？",
                "《意见》的指导思想是什么",
            )
        },
    );

    // Clause text of the first bundle: the second bundle's question quoting it changes too.
    snap = step(
        snap,
        &root,
        "a clause's text",
        &[
            "yiliao-gaodi/clause/4-1-1/index.html",
            "yiliao-gaodi/index.html",
            "yiliao-gaodi-b/qa/jishuitan-opening/index.html",
        ],
        || {
            edit(
                &a.join("policy.md"),
                "推进北京积水潭医院聊城医院项目建设",
                "加快推进北京积水潭医院聊城医院项目建设",
            )
        },
    );

    // A clause heading: every page linking the clause by its label, in both bundles, and the
    // pages of the units it names.
    snap = step(
        snap,
        &root,
        "a clause heading",
        &[
            "yiliao-gaodi/clause/4-1-2/index.html",
            "yiliao-gaodi-b/qa/jishuitan-opening/index.html",
            "yiliao-gaodi-b/infographic/index.html",
        ],
        || {
            edit(
                &a.join("policy.md"),
                "1. 全力建设国家区域医疗中心。",
                "1. 全力建好国家区域医疗中心。",
            )
        },
    );

    // A unit note: the unit index counts the clause for one more unit.
    snap = step(snap, &root, "a unit note", &["unit/index.html"], || {
        edit(
            &a.join("policy.md"),
            "（牵头单位：市卫生健康委；责任单位：市委组织部、",
            "（牵头单位：市卫生健康委；责任单位：市审计局、市委组织部、",
        )
    });

    // A cites list in the second bundle gains a clause of the first, then loses it.
    let cites = "cites: [4.2.1, \"yiliao-gaodi:4.1.1\"]";
    let more = "cites: [4.2.1, \"yiliao-gaodi:4.1.1\", \"yiliao-gaodi:4.3.1\"]";
    snap = step(
        snap,
        &root,
        "a cites list (added)",
        &["yiliao-gaodi/clause/4-3-1/index.html"],
        || edit(&b.join("qa.md"), cites, more),
    );
    snap = step(
        snap,
        &root,
        "a cites list (removed)",
        &["yiliao-gaodi/clause/4-3-1/index.html"],
        || edit(&b.join("qa.md"), more, cites),
    );

    // An infographic panel of the second bundle citing a clause of the first.
    snap = step(
        snap,
        &root,
        "a panel",
        &[
            "yiliao-gaodi-b/infographic/index.html",
            "yiliao-gaodi/clause/4-1-1/index.html",
        ],
        || {
            edit(
                &b.join("infographic.md"),
                "heading: 建强国家区域医疗中心",
                "heading: 建强一个国家区域医疗中心",
            )
        },
    );

    // A policy of one bundle naming the other as related: both policy pages list the other
    // (the lifecycle is part of what a page reads of a policy).
    snap = step(
        snap,
        &root,
        "a related policy",
        &["yiliao-gaodi/index.html", "yiliao-gaodi-b/index.html"],
        || {
            edit(
                &b.join("policy.md"),
                "validity: 有效\n",
                "validity: 有效\nrelated: [yiliao-gaodi]\n",
            )
        },
    );
    // A progress item of the second bundle citing a clause of the first.
    snap = step(
        snap,
        &root,
        "a progress item",
        &[
            "yiliao-gaodi-b/progress/index.html",
            "yiliao-gaodi/clause/4-6-3/index.html",
        ],
        || {
            edit(
                &b.join("progress/2025-xinsanbao.md"),
                "打造“聊城新三宝”产业文化特色",
                "打造“聊城新三宝”产业与文化特色",
            )
        },
    );

    // An interpretation's summary: its column and the policy pages listing it.
    snap = step(
        snap,
        &root,
        "a summary",
        &[
            "column/expert/index.html",
            "yiliao-gaodi-b/expert/index.html",
        ],
        || edit(&b.join("expert.md"), "逐一解读《意见》", "逐条解读《意见》"),
    );

    // An interpretation's date: the feeds that file it by date (site, units, issuer, topic).
    snap = step(
        snap,
        &root,
        "an interpretation's date",
        &["yiliao-gaodi-b/expert/index.html"],
        || {
            edit(
                &b.join("expert.md"),
                "published: \"2024-01-09 14:50:22\"",
                "published: \"2024-03-09 14:50:22\"",
            )
        },
    );

    // A standalone page.
    snap = step(snap, &root, "a page", &["guide/index.html"], || {
        edit(&root.join("pages/guide.md"), "本指南供", "本指南专供")
    });

    // A page template: only its pages are rendered again.
    let clause_template = root.join("../themes/default/templates/clause.html");
    edit(
        &clause_template,
        "<div class=\"clause-text\">",
        "<div class=\"clause-text\" data-edited>",
    );
    let u = rebuild_and_compare(&snap, &root, "a page template");
    assert!(
        u.changed.iter().all(|p| p.contains("/clause/")),
        "{:?}",
        u.changed
    );
    assert_eq!(u.rerendered, u.changed.len());
    snap = u.snapshot;

    // The template every page extends: every page.
    let base = root.join("../themes/default/templates/base.html");
    edit(&base, "<body", "<body data-edited");
    let u = rebuild_and_compare(&snap, &root, "the base template");
    assert_eq!(u.rerendered, u.pages);
    snap = u.snapshot;

    // A stylesheet: nothing but the stylesheet.
    let css = root.join("../themes/default/static/jiedu.css");
    fs::write(
        &css,
        fs::read_to_string(&css).unwrap() + "\n.x { color: red; }\n",
    )
    .unwrap();
    let u = rebuild_and_compare(&snap, &root, "a stylesheet");
    assert_eq!(u.changed, vec!["static/jiedu.css".to_string()]);
    assert!(u.only_stylesheets());
    assert_eq!(u.rerendered, 0);
    snap = u.snapshot;

    // A bundle asset: the file, and no page.
    let vtt = b.join("media/video.vtt");
    fs::write(&vtt, fs::read_to_string(&vtt).unwrap() + "\n").unwrap();
    let u = rebuild_and_compare(&snap, &root, "an asset");
    assert_eq!(
        u.changed,
        vec!["yiliao-gaodi-b/media/video.vtt".to_string()]
    );
    assert_eq!(u.rerendered, 0);
    snap = u.snapshot;

    // A progress file removed, added back, renamed; a new progress file citing the other bundle.
    let progress = b.join("progress/2025-xinsanbao.md");
    let saved = fs::read_to_string(&progress).unwrap();
    fs::remove_file(&progress).unwrap();
    snap = step(
        snap,
        &root,
        "a file removed",
        &["yiliao-gaodi/clause/4-6-3/index.html"],
        || {},
    );
    fs::write(&progress, &saved).unwrap();
    snap = step(
        snap,
        &root,
        "a file added back",
        &["yiliao-gaodi/clause/4-6-3/index.html"],
        || {},
    );
    snap = step(
        snap,
        &root,
        "a file renamed",
        &["yiliao-gaodi-b/progress/index.html"],
        || fs::rename(&progress, b.join("progress/2025-xinsanbao-2.md")).unwrap(),
    );
    snap = step(
        snap,
        &root,
        "a file added",
        &["yiliao-gaodi/clause/4-1-1/index.html"],
        || {
            fs::write(
                b.join("progress/2024-jishuitan-b.md"),
                saved.replace(
                    "cites: [4.6.2, \"yiliao-gaodi:4.6.3\"]",
                    "cites: [\"yiliao-gaodi:4.1.1\"]",
                ),
            )
            .unwrap()
        },
    );

    // A new standalone page with a navigation link: every page.
    fs::write(
        root.join("pages/about.md"),
        "---\nkind: page\ntitle: 关于本站\nslug: about\nnav: true\n---\n\n本站是示例。\n",
    )
    .unwrap();
    let u = rebuild_and_compare(&snap, &root, "a page in the navigation");
    assert!(u.changed.iter().any(|p| p == "about/index.html"));
    assert_eq!(u.rerendered, u.pages);
    snap = u.snapshot;

    // An interpretation removed: the 政策文件库 and the 网站地图 list each policy's formats.
    fs::remove_file(b.join("animation.md")).unwrap();
    snap = step(
        snap,
        &root,
        "an interpretation removed",
        &["library/index.html", "sitemap/index.html"],
        || {},
    );

    // The config: everything.
    edit(
        &root.join("jiedu.yaml"),
        "name: 聊城市政策解读",
        "name: 聊城市政策解读（预览）",
    );
    let u = rebuild_and_compare(&snap, &root, "the config");
    assert_eq!(u.rerendered, u.pages);
    assert!(u.snapshot.len() > all);
}

/// The first build of `root` as the preview makes it, to rebuild from.
fn first_snapshot(root: &Path) -> Arc<Snapshot> {
    let options = RenderOptions {
        live_reload: true,
        ..RenderOptions::default()
    };
    rebuild(None, root, options, None).unwrap().snapshot
}

#[test]
fn a_broken_edit_is_an_error_and_the_previous_snapshot_stays_usable() {
    let (_dir, root) = two_bundle_site();
    let qa = root.join(B).join("qa.md");
    let snap = first_snapshot(&root);
    edit(&qa, "cites: [4.2.2]", "cites: [yiliao-gaodi:9.9.9]");
    let diags = rebuild(Some(&*snap), &root, snap.options(), None)
        .err()
        .expect("an unknown clause is an error");
    let text = diags.to_string();
    assert!(text.contains("qa.md:") && text.contains("9.9.9"), "{text}");
    assert!(text.contains("提示"), "{text}");
    edit(&qa, "cites: [yiliao-gaodi:9.9.9]", "cites: [4.2.2]");
    let u = rebuild_and_compare(&snap, &root, "the fix");
    assert!(u.changed.is_empty(), "{:?}", u.changed);
}

#[test]
fn a_broken_link_in_a_template_fails_the_rebuild_as_it_fails_the_build() {
    let (_dir, root) = two_bundle_site();
    let snap = first_snapshot(&root);
    let template = root.join("../themes/default/templates/unit.html");
    let text = fs::read_to_string(&template).unwrap();
    let broken = text.replacen(
        "{% block main %}",
        "{% block main %}<a href=\"/nowhere/#x\">x</a>",
        1,
    );
    assert_ne!(broken, text, "unit.html has a main block");
    fs::write(&template, broken).unwrap();
    let diags = rebuild(Some(&*snap), &root, snap.options(), None)
        .err()
        .expect("a link to a page that does not exist is an error");
    let text = diags.to_string();
    assert!(
        text.contains("「/nowhere/#x」指向不存在的页面或文件"),
        "{text}"
    );
    let out = tempfile::tempdir().unwrap();
    let build = common::jiedu(&[
        "build",
        "--no-search",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.path().join("public").to_str().unwrap(),
    ]);
    assert!(!build.status.success());
    let built = common::stderr(&build);
    let first = |t: &str| {
        t.lines()
            .find(|l| l.contains("/nowhere/"))
            .map(str::to_string)
    };
    assert_eq!(
        first(&built),
        first(&text),
        "the same message in build and serve"
    );
}

#[test]
fn an_anchor_other_pages_link_to_cannot_vanish_in_a_rebuild() {
    let (_dir, root) = two_bundle_site();
    let snap = rebuild(None, &root, RenderOptions::default(), None)
        .unwrap()
        .snapshot;
    // The clause pages link to their clause's anchor in the full text; the policy template
    // alone changes, so only the policy pages are rendered again.
    let template = root.join("../themes/default/templates/policy.html");
    edit(
        &template,
        "id=\"{{ v.node.anchor }}\" aria-labelledby",
        "aria-labelledby",
    );
    let text = rebuild(Some(&*snap), &root, snap.options(), None)
        .err()
        .expect("links into the vanished anchors are errors")
        .to_string();
    assert!(
        text.contains("页面 /yiliao-gaodi/clause/4-1-1/index.html 中的链接「/yiliao-gaodi/#")
            && text.contains("中不存在的锚点"),
        "{text}"
    );
}

/// The example portal plus `copies` copies of its bundle (`yiliao-gaodi-001`, …), each a policy
/// of its own: enough that the feeds of its units, issuer and topic are full and show only
/// some of the bundles.
fn many_bundle_site(copies: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&repo.join("content"), &dir.path().join("content"));
    common::copy_dir(&repo.join("themes"), &dir.path().join("themes"));
    let root = dir.path().join("content");
    for i in 1..=copies {
        copy_bundle(&root, &format!("{A}-{i:03}"), i);
    }
    (dir, root)
}

/// A copy of the example bundle at `slug`, its title and 文号 numbered `n` (two policies with
/// one title or 文号 are an error).
fn copy_bundle(root: &Path, slug: &str, n: usize) {
    let copy = root.join(slug);
    common::copy_dir(&root.join(A), &copy);
    let policy = copy.join("policy.md");
    let text = fs::read_to_string(&policy).unwrap();
    let text = text
        .replacen("\ntitle: ", &format!("\ntitle: （第{n}份）"), 1)
        .replacen("25号", &format!("25-{n}号"), 1);
    fs::write(&policy, text).unwrap();
}

/// The feeds of units, issuers and topics in a snapshot that show an entry linking to `link`.
fn feeds_showing(snap: &Snapshot, link: &str) -> Vec<String> {
    let text = |path: &str| match snap.file(path).as_deref() {
        Some(jiedu::render::OutFile::Bytes(b)) => String::from_utf8(b.clone()).unwrap(),
        _ => String::new(),
    };
    let mut feeds: Vec<String> = snap
        .to_files()
        .into_keys()
        .filter(|p| p.ends_with("atom.xml") && p != "atom.xml")
        .filter(|p| text(p).contains(&format!("<link href=\"https://example.org/{link}\"/>")))
        .collect();
    feeds.sort();
    feeds
}

/// Whether the rebuild kept the previous render's file at `path` rather than making it again.
fn kept(before: &Snapshot, after: &Snapshot, path: &str) -> bool {
    match (before.file(path), after.file(path)) {
        (Some(a), Some(b)) => Arc::ptr_eq(&a, &b),
        _ => false,
    }
}

#[test]
fn a_full_feed_keeps_its_file_for_an_edit_it_leaves_out_and_still_equals_the_full_build() {
    let (_dir, root) = many_bundle_site(30);
    // Without share PNGs (SVG only): each full build compared against would draw all 63 of
    // them again, four fifths of this test's CPU, and this test is about the feeds; redrawn
    // PNGs are compared with a full build in `every_kind_of_edit_rebuilds_to_exactly_the_full_build`.
    let options = RenderOptions {
        draw_png: false,
        ..RenderOptions::default()
    };
    let mut snap = rebuild(None, &root, options, None).unwrap().snapshot;
    let item = "progress/2025-xinsanbao.md";
    let (text, more) = (
        "打造“聊城新三宝”产业文化特色",
        "打造“聊城新三宝”产业与文化特色",
    );
    let (old_date, new_date) = ("date: \"2025-11-11\"", "date: \"2026-01-01\"");
    let anchor = "progress/#jinzhan-2025-xinsanbao";
    // Every copy's item has the same date; by address the example bundle's comes last, so the
    // full unit feeds show the first copy's and not the example's (the others show both).
    let example = feeds_showing(&snap, &format!("{A}/{anchor}"));
    let units: Vec<String> = feeds_showing(&snap, &format!("{A}-001/{anchor}"))
        .into_iter()
        .filter(|p| p.starts_with("unit/") && !example.contains(p))
        .collect();
    assert!(!units.is_empty());

    // An edit in the example bundle's item, which no feed shows: every feed keeps its file.
    let before = Arc::clone(&snap);
    snap = step(snap, &root, "an item no feed shows", &[], || {
        edit(&root.join(A).join(item), text, more)
    });
    for feed in &units {
        assert!(kept(&before, &snap, feed), "{feed} was made again");
    }

    // The same edit in the first copy's, which the unit feeds show: they change.
    let expect: Vec<&str> = units.iter().map(|p| p.as_str()).collect();
    snap = step(snap, &root, "an item the feeds show", &expect, || {
        edit(&root.join(format!("{A}-001")).join(item), text, more)
    });

    // The example bundle's item dated newest enters the feeds, and leaves them again.
    snap = step(snap, &root, "an item dated into the feeds", &expect, || {
        edit(&root.join(A).join(item), old_date, new_date)
    });
    let now = feeds_showing(&snap, &format!("{A}/{anchor}"));
    assert!(units.iter().all(|p| now.contains(p)), "{now:?}");
    snap = step(
        snap,
        &root,
        "an item dated out of the feeds",
        &expect,
        || edit(&root.join(A).join(item), new_date, old_date),
    );

    // A citation the feeds show removed from the first copy's item: they change.
    snap = step(
        snap,
        &root,
        "a citation the feeds show removed",
        &expect,
        || {
            edit(
                &root.join(format!("{A}-001")).join(item),
                "cites: [4.6.2, 4.6.3]",
                "cites: [\"1\"]",
            )
        },
    );

    // The issuer's and topic's feeds show every copy's latest interpretation, the 文稿解读
    // (2024-01-15), and the next ones of the first copies only.
    let lists: Vec<String> = feeds_showing(&snap, &format!("{A}/document/"))
        .into_iter()
        .filter(|p| p.starts_with("library/"))
        .collect();
    assert_eq!(lists.len(), 2, "{lists:?}");
    let leader = feeds_showing(&snap, &format!("{A}/leader/"));
    assert!(lists.iter().all(|p| !leader.contains(p)), "{leader:?}");
    let expect: Vec<&str> = lists.iter().map(String::as_str).collect();
    let before = Arc::clone(&snap);
    snap = step(snap, &root, "a summary no list feed shows", &[], || {
        edit(
            &root.join(A).join("leader.md"),
            "解读《意见》出台",
            "解读《意见》的出台",
        )
    });
    for feed in &lists {
        assert!(kept(&before, &snap, feed), "{feed} was made again");
    }
    snap = step(
        snap,
        &root,
        "a summary the list feeds show",
        &expect,
        || {
            edit(
                &root.join(A).join("document.md"),
                "从起草背景",
                "从起草的背景",
            )
        },
    );

    // A new policy on the lists enters them (its 文稿解读 is as new as the others'), and
    // leaves them when it goes.
    snap = step(snap, &root, "a policy added", &expect, || {
        copy_bundle(&root, &format!("{A}-new"), 999)
    });
    step(snap, &root, "a policy removed", &expect, || {
        fs::remove_dir_all(root.join(format!("{A}-new"))).unwrap()
    });
}
