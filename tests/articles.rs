//! Article-form documents (条例/办法): the articles are the task clauses and their （一） items
//! sub-items, unless a titled article heads titled measures; the uncertain choice is a warning.
//! Real texts from `tests/fixtures/realdocs-more/heldout2` (its tuned part), through the real
//! binary: `jiedu import` → `jiedu check --json` → `jiedu build`.

use crate::common;

use common::realdoc::{check_json as check, fixture, import_as_p as import};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn doc(stem: &str) -> PathBuf {
    fixture("realdocs-more/heldout2", stem)
}

fn nodes(outline: &Value) -> Vec<Value> {
    fn go(v: &Value, out: &mut Vec<Value>) {
        for n in v.as_array().into_iter().flatten() {
            out.push(n.clone());
            go(&n["children"], out);
        }
    }
    let mut out = Vec::new();
    go(&outline["policies"][0]["nodes"], &mut out);
    out
}

fn path_of(n: &Value) -> Vec<String> {
    n["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Whether the node at `path` is a clause.
fn is_clause(outline: &Value, path: &[&str]) -> bool {
    let n = nodes(outline)
        .into_iter()
        .find(|n| path_of(n) == path)
        .unwrap_or_else(|| panic!("no node {path:?}"));
    n["clause"].as_bool().unwrap()
}

fn messages(outline: &Value) -> Vec<String> {
    outline["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect()
}

fn clause_pages(root: &Path) -> Vec<String> {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = common::build_with_binary(root, &public);
    assert!(o.status.success(), "{}", common::stderr(&o));
    walkdir::WalkDir::new(public.join("p/clause"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect()
}

#[test]
fn glued_articles_are_clauses_and_their_items_are_not() {
    // 70 (广州市公共租赁住房管理办法): `第五条市政府统筹…`, items （一） inside articles.
    let root = common::empty_site();
    import(root.path(), &doc("70-"));
    let outline = check(root.path());
    assert!(is_clause(&outline, &["第一章", "第五条"]));
    assert!(is_clause(&outline, &["第二章", "第十八条"]));
    assert!(!is_clause(&outline, &["第二章", "第十八条", "（一）"]));
    assert!(is_clause(&outline, &["第三章", "第二十五条"]));
    assert!(!is_clause(&outline, &["第三章", "第二十五条", "（一）"]));
    // The steps （一）申请。… each have a title: the choice is named, not silent.
    assert!(
        messages(&outline).contains(
            &"「第二十五条」下的「（一）」至「（六）」各有小标题，像一项项单独的措施；本文以「条」为任务条款，已把它们作为第二十五条内的分项".to_string()
        ),
        "{:?}",
        messages(&outline)
    );
    let pages = clause_pages(root.path());
    assert!(pages
        .iter()
        .any(|h| h.contains("市政府统筹全市公共租赁住房")));
}

#[test]
fn a_titled_article_of_titled_measures_holds_clauses() {
    // 69 (天河港澳青年实施办法): `第五条 企业培育。…具体如下：` then `（一）落户补贴。…`.
    let root = common::empty_site();
    import(root.path(), &doc("69-"));
    let outline = check(root.path());
    assert!(!is_clause(&outline, &["第五条"]));
    assert!(is_clause(&outline, &["第五条", "（一）"]));
    assert!(is_clause(&outline, &["第三条"]));
}

#[test]
fn spaced_chapter_headings_with_uneven_markdown_levels_follow_the_words() {
    // 72 (安阳市政务服务条例): `## 第一章  总  则`, `### 第二章`, `## 第一节` under 第三章.
    let root = common::empty_site();
    import(root.path(), &doc("72-"));
    let outline = check(root.path());
    assert!(is_clause(&outline, &["第一章", "第五条"]));
    assert!(is_clause(&outline, &["第三章", "第一节", "第二十二条"]));
    assert!(!is_clause(
        &outline,
        &["第三章", "第一节", "第二十八条", "（一）"]
    ));
}
