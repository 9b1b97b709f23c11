//! Search on a portal the day its policies arrive: the 28 real policies of
//! `tests/fixtures/search-realpolicies/` imported with the real binary (no interpretations),
//! built, and searched in Chromium with the judged citizens' queries of
//! `tests/fixtures/search-realpolicies.json`. Pagefind (extended, `--force-language zh`, main
//! content) indexes the same built pages and answers the same queries in the same run, so the
//! figures stand side by side. Tuned and held-out queries are measured separately.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use jiedu::model::{urls, Site};
use serde_json::{json, Value};

fn policies_dir() -> PathBuf {
    common::fixture("search-realpolicies")
}

/// Policies left out of the site: 35 imports with a table of contents and an annex whose
/// numbers repeat the body's (一、… twice), which `jiedu build` rightly refuses until an
/// editor removes them. Queries judged on it are left out of the figures, and say so.
const NOT_BUILT: [&str; 1] = ["p35"];

/// A site root holding every real policy imported as `p<NN>`, with the issuer the import
/// could not find taken from the document's hand-checked record (as an editor following the
/// import report would add it).
fn imported_site(root: &Path) {
    std::fs::write(
        root.join("jiedu.yaml"),
        "name: 政策文件库\nbase_url: \"https://example.org/\"\npublisher: 测试\n",
    )
    .unwrap();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(policies_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    docs.sort();
    assert_eq!(docs.len(), 28, "the 28 real policies");
    for txt in docs {
        let stem = txt.file_stem().unwrap().to_string_lossy().to_string();
        let slug = format!("p{}", &stem[..2]);
        let out = common::jiedu(&[
            "import",
            txt.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
            "--policy-slug",
            &slug,
        ]);
        assert!(out.status.success(), "{stem}: {}", common::stderr(&out));
        if NOT_BUILT.contains(&slug.as_str()) {
            std::fs::remove_dir_all(root.join(&slug)).unwrap();
            continue;
        }
        let truth: Value =
            serde_json::from_slice(&std::fs::read(txt.with_extension("json")).unwrap()).unwrap();
        let policy = root.join(&slug).join("policy.md");
        let text = std::fs::read_to_string(&policy).unwrap();
        let front_end = text[4..].find("\n---\n").unwrap();
        if !text[..4 + front_end].contains("\nissuer:") {
            let issuer = truth["issuer"].as_str().unwrap_or("待核实");
            std::fs::write(
                &policy,
                format!("---\nissuer: \"{issuer}\"\n{}", &text[4..]),
            )
            .unwrap();
        }
    }
}

fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The pages a judged entry names: the one clause whose heading (or else text) holds the
/// snippet, or every page whose text has the word.
fn relevant(site: &Site, entry: &Value) -> Vec<String> {
    let policy = entry["policy"].as_str().unwrap();
    let policies: Vec<_> = site
        .policies
        .iter()
        .filter(|p| policy == "*" || p.slug == policy)
        .collect();
    assert!(!policies.is_empty(), "no policy {policy}");
    let page = |slug: &str, n: &jiedu::model::types::FlatNode| {
        site.urls.href(&if n.is_clause {
            urls::clause(slug, &n.slug)
        } else {
            urls::policy(slug)
        })
    };
    if let Some(word) = entry["contains"].as_str() {
        let mut pages: Vec<String> = policies
            .iter()
            .flat_map(|p| {
                p.nodes
                    .iter()
                    .filter(|n| squeezed(&format!("{}{}", n.heading, n.plain)).contains(word))
                    .map(|n| page(&p.slug, n))
            })
            .collect();
        pages.dedup();
        assert!(!pages.is_empty(), "no page in {policy} has {word}");
        return pages;
    }
    let snippet = squeezed(entry["clause"].as_str().unwrap());
    let p = policies[0];
    let by_heading: Vec<_> = p
        .nodes
        .iter()
        .filter(|n| squeezed(&n.heading).contains(&snippet))
        .collect();
    let found = if by_heading.is_empty() {
        p.nodes
            .iter()
            .filter(|n| squeezed(&n.plain).contains(&snippet))
            .collect()
    } else {
        by_heading
    };
    // A text snippet is also in every ancestor's text: the deepest node holding it is meant.
    let deepest = found.iter().map(|n| n.depth).max();
    let found: Vec<_> = found
        .into_iter()
        .filter(|n| Some(n.depth) == deepest)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{policy}: “{snippet}” names {} nodes",
        found.len()
    );
    vec![page(&p.slug, found[0])]
}

fn pagefind_binary() -> PathBuf {
    common::repo().join("tests/browser/node_modules/@pagefind/linux-x64/bin/pagefind_extended")
}

/// Pagefind's bundle for the built pages, in `<out>/pagefind/`, from their main content.
fn pagefind(out: &Path) {
    let status = Command::new(pagefind_binary())
        .args(["--site"])
        .arg(out)
        .args([
            "--output-subdir",
            "pagefind",
            "--force-language",
            "zh",
            "--root-selector",
            "main",
            "--glob",
            "**/*.html",
            "--quiet",
        ])
        .status()
        .expect("pagefind_extended (npm pagefind, installed by tests/run)");
    assert!(status.success(), "pagefind failed");
}

/// Group name as measured: tuned queries by their group, held-out ones apart, and the queries
/// judged in round 4 (`set: r4`) apart again: those tuned on (`·new`) and the third kept out
/// of that round's tuning (`·keptout`).
fn group_of(q: &Value) -> String {
    let group = q["group"].as_str().unwrap();
    if q["heldout"].as_bool() == Some(true) {
        format!("{group}·heldout")
    } else if q["keptout"].as_bool() == Some(true) {
        format!("{group}·keptout")
    } else if q["set"].as_str() == Some("r4") {
        format!("{group}·new")
    } else {
        group.to_string()
    }
}

/// What the index holds for these real policies: every clause hit is titled by words (its
/// heading, or its opening where it has none), not a bare `17` or `（四）1`; unit pages and
/// the full text are searchable.
fn titles_and_unit_pages_are_indexed(site: &Site) {
    let records = jiedu::search::records(site);
    let mut clauses = 0;
    for p in &site.policies {
        for n in p.nodes.iter().filter(|n| n.is_clause) {
            let url = urls::clause(&p.slug, &n.slug);
            let r = records
                .iter()
                .find(|r| r.url == url)
                .expect("clause record");
            let words = r.title.trim_start_matches(n.short_label.as_str()).trim();
            assert!(
                words
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{url}: titled “{}”",
                r.title
            );
            clauses += 1;
        }
    }
    assert!(clauses > 400, "{clauses} clauses");
    assert!(!site.units.is_empty());
    for u in site.units.iter() {
        assert!(
            records.iter().any(|r| r.url == urls::unit(&u.slug)),
            "unit page of {} is not indexed",
            u.name
        );
    }
    let whole = records
        .iter()
        .find(|r| r.url == urls::policy("p03"))
        .expect("full text of p03");
    assert!(
        whole.text.contains("创业担保贷款"),
        "the full text is indexed with its text"
    );
}

/// Queries made to show one reading rule each (not judged, not in the figures): a page they
/// name must be in the top 3. 学门手艺 is 学手艺 with a measure word in it (学门技术, 开家店,
/// 买套房 say so too), which the synonyms know as 技能培训 职业培训; in 宿迁搞个一人公司 the
/// light verb 搞 is no part of 宿迁 (a question about a one-person company in 宿迁 lands on
/// 宿迁's OPC policy; without the rule it finds nothing).
fn rule_checks(site: &Site) -> Vec<Value> {
    [
        (
            "下岗了想学门手艺，有培训吗",
            json!({ "policy": "p03", "clause": "开展失业人员培训" }),
        ),
        (
            "想在宿迁搞个一人公司",
            json!({ "policy": "p18", "contains": "OPC" }),
        ),
        // 检举 is a word these policies never write: the thesaurus row 检举 揭发 告发 … 举报
        // gives the site's own 举报 (without it the query finds nothing).
        (
            "检举骗保有奖励吗",
            json!({ "policy": "p34", "clause": "推进社会监督常态化" }),
        ),
    ]
    .into_iter()
    .map(|(text, entry)| {
        let pages = relevant(site, &entry);
        json!({ "group": "rule", "text": text, "relevant": pages })
    })
    .collect()
}

#[test]
fn citizens_queries_on_real_policies_meet_their_floors_ahead_of_pagefind() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    std::fs::create_dir(&root).unwrap();
    imported_site(&root);
    let (built, out) = common::build_site(&root, tmp.path(), true);
    let site = &built.site;
    titles_and_unit_pages_are_indexed(site);
    pagefind(&out);
    let set: Value = serde_json::from_slice(
        &std::fs::read(common::fixture("search-realpolicies.json")).unwrap(),
    )
    .unwrap();
    let queries: Vec<Value> = set["queries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| {
            let on_missing = q["relevant"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| NOT_BUILT.contains(&e["policy"].as_str().unwrap_or("")));
            if on_missing {
                println!("left out (its policy is not built): {}", q["text"]);
            }
            !on_missing
        })
        .map(|q| {
            let mut pages: Vec<String> = q["relevant"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|e| relevant(site, e))
                .collect();
            pages.sort();
            pages.dedup();
            let group = group_of(q);
            // On-topic queries are also measured together, tuned and held out apart.
            let also: Vec<String> = match group.split_once('·') {
                _ if group.starts_with("offtopic") => Vec::new(),
                Some((_, held)) => vec![format!("ontopic·{held}")],
                None => vec!["ontopic".to_string()],
            };
            json!({ "group": group, "also": also, "text": q["text"], "relevant": pages })
        })
        .chain(rule_checks(site))
        .collect();
    // Floors set at or below what this engine measured (round 4, before → after). Tuned:
    // spoken 0.84 → 0.82 with none of 17 empty, keywords 0.90 → 0.94, variants 0.94, on-topic
    // 0.89 → 0.89, off-topic 0 of 5 answered. Held out: spoken 0.56 with 1 of 8 empty → 0.75
    // with none (the bar: 0.6, at most 1 empty), keywords 1.00, variants 0.83 → 1.00,
    // on-topic 0.76 → 0.88, off-topic 0 of 3. Judged in round 4 (`set: r4`), tuned on: spoken
    // 0.73 with 1 of 8 empty → 0.81 with none, on-topic 0.71 → 0.77; kept out of that tuning:
    // spoken 0.50 with 1 of 4 empty → 0.68 with none, on-topic 0.43 → 0.58. What moved them: a
    // passage's coverage leaves out the words the portal never has (新盖, 农家乐 no longer sink
    // the passages holding the rest), the shown results are ranked again by their headings, and
    // words the portal never writes are searched as the thesaurus's words the portal writes.
    let floors = json!({
        "spoken": { "mrr_min": 0.8, "zero_max": 0 },
        "spoken·heldout": { "mrr_min": 0.6, "zero_max": 1 },
        "keyword": { "mrr_min": 0.9 },
        "keyword·heldout": { "mrr_min": 0.85 },
        "variant": { "mrr_min": 0.9 },
        "variant·heldout": { "mrr_min": 0.8 },
        "offtopic": { "hits_max": 0 },
        "offtopic·heldout": { "hits_max": 1 },
        "ontopic": { "mrr_min": 0.85 },
        "ontopic·heldout": { "mrr_min": 0.7 },
        "rule": { "top3_all": true },
        "spoken·new": { "mrr_min": 0.75, "zero_max": 0 },
        "keyword·new": { "mrr_min": 0.6 },
        "offtopic·new": { "hits_max": 0 },
        "ontopic·new": { "mrr_min": 0.7 },
        "spoken·keptout": { "mrr_min": 0.6, "zero_max": 1 },
        "keyword·keptout": { "mrr_min": 0.15 },
        "offtopic·keptout": { "hits_max": 0 },
        "ontopic·keptout": { "mrr_min": 0.5 },
    });
    let ahead = [
        "spoken",
        "spoken·heldout",
        "spoken·new",
        "spoken·keptout",
        "ontopic·new",
        "ontopic·keptout",
        "keyword",
        "keyword·heldout",
        "variant",
        "variant·heldout",
        "ontopic",
        "ontopic·heldout",
    ];
    let expect = json!({
        "search_page": site.urls.href(&urls::search()),
        "pagefind": site.urls.href("pagefind/"),
        "ahead": ahead,
        "fewer_hits": ["offtopic", "offtopic·heldout"],
        "queries": queries,
        "targets": floors,
    });
    if let Ok(keep) = std::env::var("JIEDU_KEEP_SEARCH_SITE") {
        // For tuning by hand: the built site and the expectations, kept.
        let keep = Path::new(&keep);
        let _ = std::fs::remove_dir_all(keep);
        common::copy_dir(&out, &keep.join("public"));
        std::fs::write(
            keep.join("expect.json"),
            serde_json::to_vec_pretty(&expect).unwrap(),
        )
        .unwrap();
    }
    let report = common::run_browser_script("query-set.mjs", &out, &expect);
    println!("{report}");
    first_queries_fetch_little(&out);
}

/// The most a first query may download on this site of 27 policies: measured 58–100 KB in
/// round 4 (thesaurus rows in the shards, headings read for the results shown; 51–90 KB
/// before), on the same policies copied to 1,000 78.6–114.2 KB (74.3–112.6 before); earlier
/// 46–119 KB
/// (most for the spoken question, which also tries typo corrections); with first-character
/// shards and the everyday list inside engine.js the same queries took 85–291 KB. At 1,000
/// policies they took 59–150 KB with this layout and 121–1,982 KB before.
const MAX_FIRST_QUERY_KB: u32 = 130;

/// What a citizen's first query downloads in Chromium with a cold cache (engine, metadata,
/// index shards, result fragments), for a keyword, two spoken questions, a question the
/// portal cannot answer (which also tries typo corrections) and a typo. A shard holds the
/// tokens of a hash of the whole token, not of its first character, and the everyday words
/// live in the shards rather than in engine.js; either undone goes over the bound here (see
/// the bound's note), and far over at 1,000 policies.
fn first_queries_fetch_little(out: &Path) {
    let expect = json!({
        "queries": [
            "创业担保贷款",
            "我想自己开个小店创业，能贷多少款？",
            "大学毕业一年了还没找到工作，能去单位见习吗，有没有补贴",
            "离婚了财产怎么分",
            "创业担宝贷款",
        ],
        "max_kb": MAX_FIRST_QUERY_KB,
    });
    let report = common::run_browser_script("query-bytes.mjs", out, &expect);
    println!("{report}");
}
