//! Site search, tested through the real thing: the example portal is built into a temp dir,
//! served on loopback, and searched in headless Chromium with the engine the build writes.

use crate::common;

use std::collections::BTreeSet;

use jiedu::model::{urls, Site};
use serde_json::{json, Value};

/// Policy terms from the example portal: programme names, slogans, institutions, measures.
const POLICY_TERMS: [&str; 36] = [
    "医养结合",
    "两个允许",
    "安宁疗护",
    "15分钟健康服务圈",
    "国家区域医疗中心",
    "特例单议",
    "泰山学者",
    "积水潭",
    "购房补贴",
    "重点专科",
    "签约服务",
    "医防融合",
    "中西医并重",
    "人才兴卫",
    "学科兴卫",
    "产业兴卫",
    "科技兴卫",
    "医共体",
    "老有颐养",
    "两院一体",
    "领军人才",
    "三级甲等",
    "烧伤科",
    "冀鲁豫",
    "疾控中心",
    "精神卫生中心",
    "乡村医生",
    "卫生院",
    "传承创新",
    "医疗高地",
    "聊城大学",
    "国医大师",
    "专科联盟",
    "临床重点专科",
    "高铁新区",
    "三提三敢",
];

/// Every page whose text contains `term`, as the search should find it. A clause's text is
/// searched on its clause page and an answer on its question page: the full text and the Q&A
/// index repeat them, and a hit there would only send the reader to scroll.
fn pages_containing(site: &Site, term: &str) -> BTreeSet<String> {
    let has = |texts: &[&str]| texts.iter().any(|t| t.contains(term));
    let mut pages = BTreeSet::new();
    for p in &site.policies {
        if has(&[&p.meta.title]) {
            pages.insert(urls::policy(&p.slug));
        }
        for n in &p.nodes {
            if has(&[&n.heading, &n.plain]) {
                pages.insert(if n.is_clause {
                    urls::clause(&p.slug, &n.slug)
                } else {
                    urls::policy(&p.slug)
                });
            }
        }
        for i in &p.interpretations {
            let mut texts: Vec<&str> = vec![&i.title, &i.body.plain];
            texts.extend(i.summary.as_deref());
            if let Some(a) = &i.author {
                texts.push(&a.name);
                texts.extend(a.position.as_deref());
                texts.extend(a.bio.as_deref());
            }
            for panel in &i.panels {
                texts.extend([panel.heading.as_str(), panel.text.as_str()]);
            }
            if has(&texts) {
                pages.insert(urls::interpretation(&p.slug, i.kind));
            }
            for q in &i.questions {
                if has(&[&q.question, &q.answer.plain]) {
                    pages.insert(urls::question(&p.slug, &q.id));
                }
            }
        }
        if p.progress.iter().any(|x| has(&[&x.title, &x.body.plain])) {
            pages.insert(urls::progress(&p.slug));
        }
    }
    // Pages outside the public navigation (the editors' guide) are not searchable.
    for pg in site.pages.iter().filter(|pg| pg.nav) {
        if has(&[&pg.title, &pg.body.plain]) {
            pages.insert(urls::page(&pg.slug));
        }
    }
    pages.into_iter().map(|rel| site.urls.href(&rel)).collect()
}

fn example() -> std::path::PathBuf {
    common::repo().join("content")
}

fn clause_href(site: &Site, key: &str) -> String {
    let (p, n) = site.node(key).unwrap_or_else(|| panic!("no clause {key}"));
    site.urls.href(&urls::clause(&p.slug, &n.slug))
}

fn question_href(site: &Site, words: &str) -> String {
    let (p, q) = site
        .policies
        .iter()
        .flat_map(|p| p.interpretations.iter().map(move |i| (p, i)))
        .flat_map(|(p, i)| i.questions.iter().map(move |q| (p, q)))
        .find(|(_, q)| q.question.contains(words))
        .unwrap_or_else(|| panic!("no question about {words}"));
    site.urls.href(&urls::question(&p.slug, &q.id))
}

#[test]
fn every_page_containing_a_policy_term_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, out) = common::build_site(&example(), tmp.path(), true);
    let site = &built.site;
    let terms: Vec<_> = POLICY_TERMS
        .iter()
        .map(|t| json!({ "term": t, "pages": pages_containing(site, t) }))
        .collect();
    let report = common::run_browser_script(
        "recall.mjs",
        &out,
        &json!({
            "search_page": site.urls.href(&urls::search()),
            "engine": site.urls.href(jiedu::search::ENGINE),
            "terms": terms,
        }),
    );
    println!("{report}");
}

#[test]
fn citizens_questions_find_clauses_and_answers_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, out) = common::build_site(&example(), tmp.path(), true);
    let site = &built.site;
    let slug = &site.policies[0].slug;
    let unit = site
        .node(&format!("{slug}:4.3.1"))
        .and_then(|(_, n)| n.lead_units.first())
        .map(|u| u.name.clone())
        .expect("clause 4.3.1 has a lead unit");
    let expectations = json!({
        "search_page": site.urls.href(&urls::search()),
        "queries": [
            { "text": "购房补贴", "within": 3, "expect": [
                question_href(site, "购房补贴"), clause_href(site, &format!("{slug}:4.3.1")) ] },
            { "text": "积水潭", "within": 20, "expect": [
                clause_href(site, &format!("{slug}:4.1.1")), clause_href(site, &format!("{slug}:4.2.1")) ] },
            { "text": "安宁疗护", "within": 20, "expect": [ clause_href(site, &format!("{slug}:4.6.1")) ] },
        ],
        "grouped": { "query": "积水潭" },
        "many": { "query": "医院" },
        "question": {
            "query": "引进人才有购房补贴吗",
            "first": question_href(site, "购房补贴"),
            "words": ["引进", "购房补贴"],
        },
        "typo": { "query": "积水谭", "corrected": "积水潭" },
        "filter": { "query": "积水潭", "format": "简明问答", "unit": unit },
        "passage": { "query": "积水潭", "format": "落实进展" },
    });
    let report = common::run_browser_script("search-ui.mjs", &out, &expectations);
    println!("{report}");
}

#[test]
fn the_search_bundle_is_part_of_the_build_and_loads_nothing_from_outside() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, _) = common::build_site(&example(), tmp.path(), true);
    let files = &built.rendered.files;
    for needed in [
        "search-index/engine.js",
        "search-index/meta.json",
        "search-index/t/0.bin",
        "search-index/f/0.json",
        "search-index/format/0.bin",
        "search-index/unit/0.bin",
        "static/search.js",
    ] {
        assert!(
            files.contains_key(needed),
            "{needed} missing from the build"
        );
    }
    let search_html = match &files["search/index.html"] {
        jiedu::render::OutFile::Bytes(b) => String::from_utf8(b.clone()).unwrap(),
        other => panic!("{other:?}"),
    };
    for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        let outside: Vec<&str> = search_html
            .match_indices(attr)
            .map(|(i, _)| &search_html[i..(i + 60).min(search_html.len())])
            .filter(|s| s.contains("<script") || s.starts_with("src"))
            .collect();
        assert!(
            outside.is_empty(),
            "search page loads from outside: {outside:?}"
        );
    }
    let meta: serde_json::Value = match &files["search-index/meta.json"] {
        jiedu::render::OutFile::Bytes(b) => serde_json::from_slice(b).unwrap(),
        other => panic!("{other:?}"),
    };
    let records = jiedu::search::records(&built.site).len();
    assert_eq!(meta["records"], records, "{meta}");
    let shards = meta["shards"].as_u64().unwrap();
    let fragments = records.div_ceil(meta["per_fragment"].as_u64().unwrap() as usize);
    for n in 0..shards {
        assert!(
            files.contains_key(&format!("search-index/t/{n}.bin")),
            "shard {n}"
        );
    }
    assert!(files.contains_key(&format!("search-index/f/{}.json", fragments - 1)));
    assert!(!files.contains_key(&format!("search-index/f/{fragments}.json")));
}

#[test]
fn the_engine_cuts_queries_as_the_indexer_cut_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, out) = common::build_site(&example(), tmp.path(), true);
    // Full-width letters and digits, capitals, the ideographic space, 〇, a character outside
    // the BMP, Roman and fraction numerals, accented and Arabic-Indic letters, punctuation.
    let samples = [
        "购房补贴",
        "１５分钟健康服务圈",
        "ＣＴ检查　MRI",
        "二〇二五年",
        "𠀀𠀁字",
        "Ⅻ项½份",
        "café 咖啡",
        "٣ 名",
        "县（市、区）",
        "第4.3.1条",
        "补",
        // Traditional characters of words the site has.
        "積水潭醫院",
        "購房補貼　安寧療護",
        "鄉鎮衛生院與兩個允許",
    ];
    let samples: Vec<_> = samples
        .iter()
        .map(|t| {
            json!({
                "text": t,
                "folded": jiedu::search::folded(t),
                "indexed": jiedu::search::token_texts(t),
            })
        })
        .collect();
    let report = common::run_browser_script(
        "tokens.mjs",
        &out,
        &json!({
            "engine": jiedu::search::ENGINE,
            "meta": format!("{}/meta.json", jiedu::search::BUNDLE_DIR),
            "samples": samples,
        }),
    );
    println!("{report}");
}

#[test]
fn no_search_builds_the_site_without_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, out) = common::build_site(&example(), tmp.path(), false);
    assert!(!built
        .rendered
        .files
        .keys()
        .any(|k| k.starts_with("search-index/")));
    assert!(!out.join("search-index").exists());
    assert!(out.join("search/index.html").is_file());
}

#[test]
fn pages_outside_the_navigation_are_not_indexed() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, _) = common::build_site(&example(), tmp.path(), false);
    let hidden: Vec<_> = built
        .site
        .pages
        .iter()
        .filter(|p| !p.nav)
        .map(|p| urls::page(&p.slug))
        .collect();
    assert!(
        !hidden.is_empty(),
        "the example has an editors' guide outside the navigation"
    );
    let records = jiedu::search::records(&built.site);
    assert!(records.iter().any(|r| r.url.contains("/clause/")));
    for r in &records {
        assert!(
            !hidden.iter().any(|h| r.url.starts_with(h.as_str())),
            "{} is indexed",
            r.url
        );
    }
}

/// The Q&A list page is searchable with every question and answer on it, and the bundle
/// tells the engine it is a list (which gives way to the question pages of its policy).
#[test]
fn the_qa_list_page_is_indexed_with_its_questions_and_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, out) = common::build_site(&example(), tmp.path(), true);
    let site = &built.site;
    let records = jiedu::search::records(site);
    let meta: Value = serde_json::from_slice(
        &std::fs::read(out.join(jiedu::search::BUNDLE_DIR).join("meta.json")).unwrap(),
    )
    .unwrap();
    let listings: Vec<&str> = meta["listings"]
        .as_array()
        .expect("meta.json lists the Q&A lists")
        .iter()
        .map(|id| records[id.as_u64().unwrap() as usize].url.as_str())
        .collect();
    let mut lists = 0;
    for p in &site.policies {
        for i in p.interpretations.iter().filter(|i| !i.questions.is_empty()) {
            let url = urls::interpretation(&p.slug, i.kind);
            let list = records
                .iter()
                .find(|r| r.url == url && r.listing)
                .unwrap_or_else(|| panic!("{url}: the Q&A list is not indexed"));
            for q in &i.questions {
                assert!(
                    list.text.contains(q.question.as_str()),
                    "{url}: {}",
                    q.question
                );
                assert!(
                    list.text.contains(q.answer.plain.trim()),
                    "{url}: answer to {}",
                    q.question
                );
            }
            assert!(
                listings.contains(&url.as_str()),
                "{url} not in meta.json listings"
            );
            lists += 1;
        }
    }
    assert!(lists > 0, "the example has Q&A lists");
    assert_eq!(
        listings.len(),
        lists,
        "only Q&A lists are listed: {listings:?}"
    );
}

/// The judged query set (tests/fixtures/search-queries.json), typed into the search page:
/// questions in citizens' words find their answer, keywords stay precise, Traditional
/// characters and typos find their page, and what the portal does not cover finds nothing.
#[test]
fn judged_citizen_queries_meet_their_targets_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let (built, out) = common::build_site(&example(), tmp.path(), true);
    let site = &built.site;
    let set: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::fixture("search-queries.json")).unwrap())
            .unwrap();
    let queries: Vec<_> = set["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let relevant: Vec<String> = q["relevant"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| site.urls.href(p.as_str().unwrap()))
                .collect();
            json!({ "group": q["group"], "text": q["text"], "relevant": relevant })
        })
        .collect();
    let report = common::run_browser_script(
        "query-set.mjs",
        &out,
        &json!({
            "search_page": site.urls.href(&urls::search()),
            "queries": queries,
            "targets": {
                "question": { "zero_max": 1, "mrr_min": 0.8 },
                "keyword": { "p5_min": 0.9 },
                "synonym": {},
                "traditional": { "top3_all": true },
                "typo": { "top3_all": true },
                "offtopic": { "hits_max": 0 },
            },
        }),
    );
    println!("{report}");
}

/// A site's own synonyms in jiedu.yaml reach the engine: a word the portal never uses finds
/// the page that says it the policy's way; a line the build cannot read stops it, saying why.
#[test]
fn a_sites_search_synonyms_widen_queries_and_bad_lines_are_reported() {
    let site = common::ExampleSite::new();
    site.edit("jiedu.yaml", |t| {
        format!("{t}search_synonyms:\n  - 骨头 = 骨科\n")
    });
    let out = site.build();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let clause = "/yiliao-gaodi/clause/4-1-1/";
    let report = common::run_browser_script(
        "recall.mjs",
        &site.out(),
        &json!({
            "search_page": "/search/",
            "engine": format!("/{}", jiedu::search::ENGINE),
            "terms": [{ "term": "骨头", "pages": [clause] }],
        }),
    );
    println!("{report}");

    site.edit("jiedu.yaml", |t| format!("{t}  - 骨头\n"));
    let out = site.build();
    assert!(!out.status.success());
    // The error line itself: on a machine without a Chinese font a warning about PNG images
    // comes first, and the test must not depend on the fonts installed.
    let stderr = common::stderr(&out);
    assert_eq!(
        stderr.lines().find(|l| l.contains("错误：")).unwrap_or(&stderr),
        "[1/1] 错误：jiedu.yaml：search_synonyms 第 2 项“骨头”看不懂：应写成“群众说法 = 政策说法”，等号两边都要有词"
    );
}

/// A word nearly every record holds is still searched on a large site: at 5,000 generated
/// policies `医疗` matches over 100,000 records, and the engine's `Math.max(...hits)` overflowed
/// the browser's stack, so the search never ended. Here 150 policies give some 6,800 hits and
/// the browser runs with a 100 KB JavaScript stack (a tenth of the default) to stand for it:
/// the old engine fails this, the loop passes.
#[test]
fn a_word_in_nearly_every_record_is_searched_with_a_small_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("site");
    let root = tmp.path().join("public");
    common::corpus::generate(150, 1, &source);
    let built = common::jiedu(&[
        "build",
        "--root",
        source.to_str().unwrap(),
        "--output",
        root.to_str().unwrap(),
    ]);
    assert!(built.status.success(), "{}", common::stderr(&built));
    let report = common::run_browser_script(
        "many-hits.mjs",
        &root,
        &json!({
            "search_page": "/search/",
            "engine": format!("/{}", jiedu::search::ENGINE),
            "query": "医疗",
            "stack_kb": 100,
            "min_hits": 5000,
        }),
    );
    println!("{report}");
}
