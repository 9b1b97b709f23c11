//! The builder, end to end: the example portal built by the real binary into a temp dir.

use crate::common;

use common::*;
use std::collections::BTreeSet;

/// `href="…"` values of a page (our HTML always quotes attributes).
fn hrefs(html: &str) -> Vec<String> {
    html.split(" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&#x2F;", "/"))
        .collect()
}

fn built_example() -> ExampleSite {
    let site = ExampleSite::new();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    site
}

#[test]
fn example_portal_has_every_clause_and_format_page() {
    let site = built_example();
    let clauses: Vec<_> = std::fs::read_dir(site.out().join("yiliao-gaodi/clause"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(clauses.len(), 25, "{clauses:?}");
    for c in &clauses {
        let html = site.page(&format!("yiliao-gaodi/clause/{c}/index.html"));
        let html = html.replace("&#x2F;", "/");
        let note = html
            .split("class=\"unit-note\"")
            .nth(1)
            .and_then(|n| n.split("在政策原文中查看本条").next())
            .unwrap_or_else(|| panic!("{c}: no unit note"));
        let lead = note
            .split("牵头单位：")
            .nth(1)
            .unwrap_or_else(|| panic!("clause {c} lacks lead units"));
        assert!(
            lead.contains("href=\"/unit/"),
            "clause {c}: lead units are not linked"
        );
    }
    // Clauses without responsible units in the policy are 4.1.3 and the ones led alone.
    let c411 = site.page("yiliao-gaodi/clause/4-1-1/index.html");
    assert!(c411.contains("责任单位：") && c411.contains("江北水城旅游度假区管委会"));
    assert!(c411.contains("市卫生健康委"));
    for kind in [
        "leader",
        "expert",
        "document",
        "qa",
        "infographic",
        "video",
        "animation",
    ] {
        let html = site.page(&format!("yiliao-gaodi/{kind}/index.html"));
        assert!(html.contains("<h1>"), "{kind}");
        assert!(
            html.contains("政策原文："),
            "{kind} does not link back to the policy"
        );
    }
    for page in [
        "index.html",
        "yiliao-gaodi/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "unit/index.html",
        "search/index.html",
        "guide/index.html",
        "column/expert/index.html",
    ] {
        assert!(site.out().join(page).is_file(), "{page}");
    }
    let leader = site.page("yiliao-gaodi/leader/index.html");
    assert!(leader.contains("张月莲"));
    assert!(site
        .page("column/infographic/index.html")
        .contains("图文解读"));
}

#[test]
fn questions_and_clauses_link_both_ways() {
    let site = built_example();
    let qa_dir = site.out().join("yiliao-gaodi/qa");
    let mut checked = 0;
    for entry in std::fs::read_dir(&qa_dir).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() {
            continue;
        }
        let id = entry.file_name().to_string_lossy().to_string();
        let question_url = format!("/yiliao-gaodi/qa/{id}/");
        let html = site.page(&format!("yiliao-gaodi/qa/{id}/index.html"));
        let rests_on = html
            .split("id=\"h-rests\"")
            .nth(1)
            .unwrap()
            .split("</section>")
            .next()
            .unwrap();
        let cited: BTreeSet<String> = hrefs(rests_on)
            .into_iter()
            .filter(|h| h.contains("/clause/") || h.contains("/yiliao-gaodi/#"))
            .collect();
        assert!(!cited.is_empty(), "question {id} cites no clause");
        for clause in cited.iter().filter(|h| h.contains("/clause/")) {
            let clause_html = site.page(&format!("{}index.html", clause.trim_start_matches('/')));
            assert!(
                hrefs(&clause_html).contains(&question_url),
                "{clause} does not link back to {question_url}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} questions");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = built_example();
    let second = site.dir.path().join("second");
    let out = site.build_to(&second);
    assert!(out.status.success(), "{}", stderr(&out));
    let (a, b) = (snapshot(&site.out()), snapshot(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
}

/// Work runs side by side on as many threads as there are (pages, search records, the
/// search postings counted while the batch before is merged): one thread and four give the
/// same site, byte for byte.
#[test]
fn builds_on_one_and_on_four_threads_are_byte_identical() {
    let site = ExampleSite::new();
    let build_on = |threads: &str| {
        let out = site.dir.path().join(format!("threads-{threads}"));
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_jiedu"))
            .args(["build", "--root", site.root().to_str().unwrap(), "--output"])
            .arg(&out)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run jiedu");
        assert!(run.status.success(), "{}", stderr(&run));
        snapshot(&out)
    };
    let (one, four) = (build_on("1"), build_on("4"));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        four.keys().collect::<Vec<_>>()
    );
    assert!(one.keys().any(|p| p.starts_with("search-index/t/")));
    for (path, bytes) in &one {
        assert!(
            bytes == &four[path],
            "{path} differs between 1 and 4 threads"
        );
    }
}

/// A failing build names file and line and leaves the previous output exactly as it was.
fn assert_fails_and_keeps_output(site: &ExampleSite, expect_in_message: &[&str]) {
    let before = snapshot(&site.out());
    let out = site.build();
    let msg = stderr(&out);
    assert!(!out.status.success(), "build should fail");
    for e in expect_in_message {
        assert!(msg.contains(e), "message lacks {e:?}:\n{msg}");
    }
    assert_eq!(
        before,
        snapshot(&site.out()),
        "output changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("jiedu-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn broken_reference_fails_with_file_and_line() {
    let site = built_example();
    site.edit("yiliao-gaodi/expert.md", |t| {
        t.replacen("[[4.1.1]]", "[[4.1.9]]", 1)
    });
    let line = std::fs::read_to_string(site.file("yiliao-gaodi/expert.md"))
        .unwrap()
        .lines()
        .position(|l| l.contains("[[4.1.9]]"))
        .unwrap()
        + 1;
    assert_fails_and_keeps_output(&site, &[&format!("expert.md:{line}"), "4.1.9", "提示"]);
}

#[test]
fn malformed_front_matter_fails_with_file_and_line() {
    let site = built_example();
    site.edit("yiliao-gaodi/leader.md", |t| {
        t.replacen("title:", "title: \"未闭合的引号", 1)
    });
    let line = std::fs::read_to_string(site.file("yiliao-gaodi/leader.md"))
        .unwrap()
        .lines()
        .position(|l| l.contains("未闭合的引号"))
        .unwrap()
        + 1;
    assert_fails_and_keeps_output(&site, &[&format!("leader.md:{line}"), "引号没有闭合"]);
    site.edit("yiliao-gaodi/leader.md", |t| {
        t.replacen("title: \"未闭合的引号", "title: 甲: 乙", 1)
    });
    assert_fails_and_keeps_output(&site, &["leader.md:", "YAML"]);
}

#[test]
fn duplicate_url_fails_naming_both_files() {
    let site = built_example();
    std::fs::copy(
        site.file("yiliao-gaodi/expert.md"),
        site.file("yiliao-gaodi/expert-copy.md"),
    )
    .unwrap();
    assert_fails_and_keeps_output(&site, &["expert-copy.md", "expert.md", "同一个网址"]);
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let site = built_example();
    site.edit("yiliao-gaodi/expert.md", |t| {
        t.replacen("[[4.1.1]]", "[[4.1.9]]", 1)
    });
    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("cites: [4.3.1]", "cites: [4.3.8]", 1)
    });
    let msg = stderr(&site.build());
    assert!(msg.contains("4.1.9") && msg.contains("4.3.8"), "{msg}");
    assert!(msg.contains("共 2 个错误"), "{msg}");
}

#[test]
fn script_in_a_title_is_escaped() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/expert.md", |t| {
        t.replacen("title: ", "title: <script>alert('x')</script>", 1)
    });
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let html = site.page("yiliao-gaodi/expert/index.html");
    assert!(
        !html.contains("<script>alert"),
        "unescaped script in output"
    );
    assert!(html.contains("&lt;script&gt;alert"));
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_make() {
    let site = ExampleSite::new();
    let foreign = site.dir.path().join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "重要文件").unwrap();
    let out = site.build_to(&foreign);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("拒绝覆盖"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
        "重要文件"
    );
    let inside = site.root().join("public");
    assert!(
        !site.build_to(&inside).status.success(),
        "output inside the content tree must be refused"
    );
}

#[test]
fn check_reports_without_writing() {
    let site = ExampleSite::new();
    let out = jiedu(&["check", "--root", site.root().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("25 个任务条款"), "{}", stderr(&out));
    assert!(!site.out().exists());
}

#[test]
fn pages_carry_portal_chrome_and_share_qr() {
    let site = built_example();
    let html = site.page("yiliao-gaodi/clause/4-3-1/index.html");
    for needle in [
        "lang=\"zh-CN\"",
        "当前位置",
        "字号",
        "打印本页",
        "分享",
        "<svg role=\"img\"",
        "主办单位：",
        "name=\"SiteName\"",
        "name=\"ArticleTitle\"",
    ] {
        assert!(html.contains(needle), "clause page lacks {needle}");
    }
    assert!(
        !html.contains("/__jiedu/"),
        "live reload must not be in build output"
    );
}

#[test]
fn gbk_file_and_missing_media_are_reported_with_their_line() {
    let site = ExampleSite::new();
    let ok = site.build();
    let warn = stderr(&ok);
    assert!(ok.status.success());
    let line = std::fs::read_to_string(site.file("yiliao-gaodi/video.md"))
        .unwrap()
        .lines()
        .position(|l| l.contains("video.mp4"))
        .unwrap()
        + 1;
    assert!(
        warn.contains(&format!("video.md:{line}")) && warn.contains("警告"),
        "{warn}"
    );
    // 第一章 总则 in GBK: 0xB5DA 0xD2BB 0xD5C2
    let gbk = [
        b"---\nkind: progress\ntitle: x\n---\n".as_slice(),
        &[0xB5, 0xDA, 0xD2, 0xBB, 0xD5, 0xC2, b'\n'],
    ]
    .concat();
    std::fs::write(site.file("yiliao-gaodi/progress/gbk.md"), gbk).unwrap();
    let msg = stderr(&site.build());
    assert!(msg.contains("gbk.md:5") && msg.contains("UTF-8"), "{msg}");
}

#[test]
fn path_traversal_in_media_and_slugs_is_refused() {
    let site = ExampleSite::new();
    site.edit("yiliao-gaodi/video.md", |t| {
        t.replacen("media/video.vtt", "../../../etc/passwd", 1)
    });
    std::fs::create_dir_all(site.root().join("Bad Slug")).unwrap();
    std::fs::copy(
        site.file("yiliao-gaodi/policy.md"),
        site.root().join("Bad Slug/policy.md"),
    )
    .unwrap();
    let out = site.build();
    let msg = stderr(&out);
    assert!(!out.status.success());
    assert!(
        msg.contains("../../../etc/passwd") && msg.contains("video.md:"),
        "{msg}"
    );
    assert!(msg.contains("Bad Slug"), "{msg}");
}

#[test]
fn output_loads_nothing_from_outside_the_site() {
    let site = built_example();
    for (path, bytes) in snapshot(&site.out()) {
        let text = String::from_utf8_lossy(&bytes).replace("&#x2F;", "/");
        for bad in ["src=\"http", "src=\"//", "url(http", "url(//", "@import"] {
            assert!(
                !text.contains(bad),
                "{path} loads an external resource ({bad})"
            );
        }
        for stylesheet in text.split("<link rel=\"stylesheet\" href=\"").skip(1) {
            assert!(
                stylesheet.starts_with('/'),
                "{path} links an external stylesheet"
            );
        }
    }
}

#[test]
fn a_site_can_override_any_template() {
    let site = ExampleSite::new();
    std::fs::create_dir_all(site.root().join("templates")).unwrap();
    std::fs::write(
        site.root().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>本站自定义的 404 页面</h1>{% endblock main %}",
    )
    .unwrap();
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.page("404.html").contains("本站自定义的 404 页面"));
    assert!(
        !site.out().join("templates").exists(),
        "templates must not be published"
    );
}

/// The `《title》` policy names listed on a unit page, in order, one per task.
fn unit_page_policies(html: &str) -> Vec<String> {
    html.split("<span class=\"policy-name\">《")
        .skip(1)
        .filter_map(|s| s.split("》</span>").next())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_unit_with_tasks_in_many_policies_is_listed_in_parts_of_whole_policies() {
    // Three copies of the example policy (each its own title and 文号): a unit leading tasks
    // in all of them has more than one part's worth.
    let site = ExampleSite::new();
    for i in 1..=3 {
        let copy = site.root().join(format!("yiliao-gaodi-{i}"));
        copy_dir(&site.root().join("yiliao-gaodi"), &copy);
        let policy = copy.join("policy.md");
        let text = std::fs::read_to_string(&policy).unwrap();
        let text = text
            .replacen("\ntitle: ", &format!("\ntitle: （第{i}份）"), 1)
            .replacen("25号", &format!("25-{i}号"), 1);
        std::fs::write(&policy, text).unwrap();
    }
    let out = site.build();
    assert!(out.status.success(), "{}", stderr(&out));

    let units = site.out().join("unit");
    let mut split = 0;
    for entry in std::fs::read_dir(&units).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("2/index.html").is_file() {
            continue;
        }
        split += 1;
        let first = std::fs::read_to_string(dir.join("index.html")).unwrap();
        let parts: Vec<String> = (1..)
            .map(|n| match n {
                1 => dir.join("index.html"),
                n => dir.join(format!("{n}/index.html")),
            })
            .take_while(|p| p.is_file())
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        let total: usize = ["牵头的条款（", "参与的条款（"]
            .iter()
            .map(|h| {
                first
                    .split(h)
                    .nth(1)
                    .and_then(|r| r.split('）').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("{}: no {h}", dir.display()))
            })
            .sum();
        // Every task once, over the parts; no policy cut between two parts.
        let per_part: Vec<Vec<String>> = parts.iter().map(|h| unit_page_policies(h)).collect();
        assert_eq!(per_part.iter().map(Vec::len).sum::<usize>(), total);
        for (a, pa) in per_part.iter().enumerate() {
            for pb in &per_part[a + 1..] {
                assert!(
                    pa.iter().all(|t| !pb.contains(t)),
                    "{}: a policy is split between parts",
                    dir.display()
                );
            }
        }
        // Each part names its place and links every part; the later ones say their number.
        for (n, html) in parts.iter().enumerate() {
            assert!(html.contains(&format!("本页是第 {} 页", n + 1)), "{html}");
            assert_eq!(html.matches("aria-current=\"page\">第 ").count(), 1);
            if n > 0 {
                assert!(html.contains(&format!("（第{}页）", n + 1)));
            }
        }
    }
    assert!(split > 0, "no unit has a second part");
}

/// A content file's `kind` is told apart once, at load: each misplaced or unknown kind gives
/// exactly its own error, in English or in the portal's Chinese name alike.
#[test]
fn misplaced_and_unknown_kinds_each_give_one_error() {
    let site = built_example();
    std::fs::write(
        site.file("yiliao-gaodi/about.md"),
        "---\nkind: 页面\ntitle: 关于\n---\n正文\n",
    )
    .unwrap();
    std::fs::write(
        site.file("yiliao-gaodi/notice.md"),
        "---\nkind: 公告\ntitle: 公告\n---\n正文\n",
    )
    .unwrap();
    std::fs::write(
        site.file("pages/lone-qa.md"),
        "---\nkind: 简明问答\ntitle: 问答\n---\n正文\n",
    )
    .unwrap();
    let out = site.build();
    let msg = stderr(&out);
    assert!(!out.status.success(), "{msg}");
    assert!(
        msg.contains("about.md:2")
            && msg.contains("独立页面（kind: page）应放在 content/pages/ 目录"),
        "{msg}"
    );
    assert!(
        msg.contains("notice.md:2") && msg.contains("未知的内容类型 kind: 公告"),
        "{msg}"
    );
    assert!(
        msg.contains("lone-qa.md:2") && msg.contains("「简明问答」类型的文件必须放在政策目录里"),
        "{msg}"
    );
    assert!(msg.contains("共 3 个错误"), "{msg}");
}
