//! The build cache on disk (`public/.jiedu/cache`): a second `jiedu build` keeps the pages whose
//! dependencies read the same and renders the rest, and its output equals a clean build's byte
//! for byte after every kind of edit; a cache that is damaged, cut short or written by another
//! jiedu is refused with one line saying why, and the build is full and correct.

use crate::common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{add_citing_bundle, jiedu, snapshot, stderr, ExampleSite};

const CACHE: &str = ".jiedu/cache";

fn build(site: &ExampleSite, out: &Path, extra: &[&str]) -> String {
    let root = site.root();
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--no-search",
    ];
    args.extend(extra);
    let o = jiedu(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// Every file of an output but the cache itself (whose record lists pages in no fixed order).
fn files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = snapshot(out);
    assert!(
        files.remove(CACHE).is_some(),
        "no build cache in the output"
    );
    files
}

/// The files of a cached build's output are those of a clean build, byte for byte.
fn assert_same_files(
    cached: &BTreeMap<String, Vec<u8>>,
    full: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    assert_eq!(
        cached.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>(),
        "after {what}: same files"
    );
    for (path, bytes) in full {
        assert!(cached[path] == *bytes, "after {what}: {path} differs");
    }
}

/// Builds `site` with its cache into the site's output and from nothing into another folder,
/// and checks that the two are the same files. Returns what the cached build said.
fn build_and_compare(site: &ExampleSite, what: &str) -> String {
    let said = build(site, &site.out(), &[]);
    let clean = site.dir.path().join(format!("clean-{}", what.len()));
    build(site, &clean, &["--no-cache"]);
    let (cached, full) = (files(&site.out()), files(&clean));
    assert_same_files(&cached, &full, what);
    fs::remove_dir_all(&clean).unwrap();
    said
}

/// How many pages the build said it kept from the previous output.
fn kept(said: &str) -> usize {
    said.split("其中 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

fn site() -> ExampleSite {
    let site = ExampleSite::new();
    add_citing_bundle(&site.root());
    site
}

#[test]
fn a_cached_build_equals_a_clean_build_after_each_kind_of_edit() {
    let site = site();
    let first = build(&site, &site.out(), &[]);
    assert_eq!(kept(&first), 0, "{first}");

    let said = build_and_compare(&site, "nothing");
    assert!(kept(&said) > 100, "an unchanged site is kept whole: {said}");
    let everything = kept(&said);

    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("努力实现我市患者", "努力实现本市患者", 1)
    });
    let said = build_and_compare(&site, "an answer");
    assert!(
        kept(&said) > 0 && kept(&said) < everything,
        "an answer re-renders some pages, not all: {said}"
    );

    // A policy's topic is read by the library's topic pages and the lists, not by its answers.
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("topic: 卫生、体育\\医药管理", "topic: 卫生、体育", 1)
    });
    let said = build_and_compare(&site, "a policy's topic");
    assert!(kept(&said) > 0, "{said}");

    let template = site
        .dir
        .path()
        .join("themes/default/templates/question.html");
    let text = fs::read_to_string(&template).unwrap();
    fs::write(&template, text.replacen("</article>", "</article>\n", 1)).unwrap();
    let said = build_and_compare(&site, "a template");
    assert!(
        said.contains("主题的模板或静态文件与上次生成时不同"),
        "{said}"
    );

    site.edit("jiedu.yaml", |t| {
        t.replacen("name: 聊城市政策解读", "name: 聊城市政策解读平台", 1)
    });
    build_and_compare(&site, "the config");

    // Every page's share image is found through the list of policies, so this one renders all.
    fs::remove_dir_all(site.root().join("yiliao-gaodi-b")).unwrap();
    build_and_compare(&site, "a deleted policy");
}

#[test]
fn a_page_changed_in_the_output_by_hand_is_rendered_again() {
    let site = site();
    build(&site, &site.out(), &[]);
    let page = site.out().join("yiliao-gaodi/qa/index.html");
    fs::write(&page, "手工改过的页面").unwrap();
    build_and_compare(&site, "a page edited in the output");
}

/// The inode of a file in the output: the same one after a build means the build linked the
/// file from the output it replaced instead of writing it again.
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).unwrap().ino()
}

#[test]
fn files_that_come_out_the_same_are_linked_and_changed_ones_written() {
    let site = site();
    build(&site, &site.out(), &[]);
    let out = site.out();
    // A generated file, a copied asset, and a generated file that the edit below changes.
    let robots = out.join("robots.txt");
    let asset = out.join("yiliao-gaodi/media/video.vtt");
    let atom = out.join("atom.xml");
    let before = (inode(&robots), inode(&asset), inode(&atom));
    site.edit("yiliao-gaodi/policy.md", |t| {
        t.replacen("topic: 卫生、体育\\医药管理", "topic: 卫生、体育", 1)
    });
    // A generated file changed by hand in the output, keeping its length, is written anew.
    let text = fs::read_to_string(&robots).unwrap();
    let flipped = text.replacen("Sitemap", "sitemap", 1);
    assert_ne!(text, flipped);
    let linked_before = inode(&robots);
    fs::write(&robots, &flipped).unwrap();
    assert_eq!(inode(&robots), linked_before);
    build_and_compare(&site, "a topic, and robots.txt changed by hand");
    assert_ne!(
        inode(&robots),
        before.0,
        "robots.txt changed by hand is written"
    );
    assert_eq!(inode(&asset), before.1, "an unchanged asset is linked");
    let atom_now = inode(&atom);

    // Nothing changed: every generated file and asset is linked.
    let robots_now = inode(&robots);
    build_and_compare(&site, "nothing, after linking");
    assert_eq!(
        inode(&robots),
        robots_now,
        "an unchanged robots.txt is linked"
    );
    assert_eq!(inode(&atom), atom_now, "an unchanged atom.xml is linked");
    assert_eq!(inode(&asset), before.1);

    // A build from nothing writes every file.
    build(&site, &out, &["--no-cache"]);
    assert_ne!(inode(&robots), robots_now, "--no-cache writes every file");
    assert_ne!(inode(&asset), before.1, "--no-cache copies every asset");
}

/// The cache file with `f` applied to its bytes.
fn tamper(site: &ExampleSite, f: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let path = site.out().join(CACHE);
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, f(bytes)).unwrap();
}

#[test]
fn a_damaged_truncated_or_foreign_cache_is_refused_and_the_build_is_full() {
    let site = site();
    build(&site, &site.out(), &[]);
    let path = site.out().join(CACHE);
    let full = |said: &str, why: &str| {
        let line = said.lines().next().unwrap_or_default();
        assert_eq!(line, why);
        assert_eq!(kept(said), 0, "a refused cache keeps nothing: {said}");
    };

    tamper(&site, |mut b| {
        let last = b.len() - 10;
        b[last] ^= 0x55;
        b
    });
    let said = build_and_compare(&site, "a damaged cache");
    full(
        &said,
        &format!(
            "构建缓存 {} 已损坏（校验和不符），本次完整生成。",
            path.display()
        ),
    );

    tamper(&site, |b| b[..b.len() / 2].to_vec());
    let said = build_and_compare(&site, "a truncated cache");
    full(
        &said,
        &format!(
            "构建缓存 {} 不完整（文件被截断），本次完整生成。",
            path.display()
        ),
    );

    let mut program = String::new();
    tamper(&site, |b| {
        let text =
            String::from_utf8_lossy(&b[..b.iter().position(|&c| c == b'\n').unwrap()]).to_string();
        program = text
            .split(' ')
            .find_map(|f| f.strip_prefix("program="))
            .unwrap()
            .to_string();
        let bumped = text.replacen("program=", "program=9", 1);
        let mut out = bumped.into_bytes();
        out.extend_from_slice(&b[text.len()..]);
        out
    });
    let said = build_and_compare(&site, "a cache of another version");
    full(
        &said,
        &format!("构建缓存由另一版本的 jiedu（9{program}）生成，当前为 {program}，本次完整生成。"),
    );

    // A cache laid out by another format of the record is refused by its header, its body
    // unread.
    let mut format = String::new();
    tamper(&site, |b| {
        let end = b.iter().position(|&c| c == b'\n').unwrap();
        let text = String::from_utf8_lossy(&b[..end]).to_string();
        format = text
            .split(' ')
            .find_map(|f| f.strip_prefix("format="))
            .unwrap()
            .to_string();
        let older = text.replacen(&format!("format={format}"), "format=1", 1);
        let mut out = older.into_bytes();
        out.extend_from_slice(&b[end..]);
        out
    });
    let said = build_and_compare(&site, "a cache of another format");
    full(
        &said,
        &format!(
            "构建缓存的格式（第 1 版）与当前 jiedu 所用的（第 {format} 版）不同，本次完整生成。"
        ),
    );

    // After each refusal the build wrote a good cache again.
    let said = build(&site, &site.out(), &[]);
    assert!(kept(&said) > 100, "{said}");
    let said = build(&site, &site.out(), &["--no-cache"]);
    assert_eq!(kept(&said), 0, "--no-cache renders every page: {said}");
}

/// The output's file list (`.jiedu/files`) tells a cached build which files of the previous
/// site are gone, and which are unchanged without reading them. A list that names a path
/// leading out of the output, or is not a list at all, is not trusted: the build compares
/// every file itself, deletes nothing outside the output, and equals a clean build.
#[test]
fn a_file_list_naming_paths_outside_the_output_is_not_trusted() {
    let site = site();
    build(&site, &site.out(), &[]);
    let victim = site.dir.path().join("victim.txt");
    fs::write(&victim, "不属于站点的文件").unwrap();
    let list = site.out().join(".jiedu/files");
    let text = fs::read_to_string(&list).unwrap();
    fs::write(&list, format!("{text}16 - ../victim.txt\n")).unwrap();
    build_and_compare(&site, "a file list naming ../victim.txt");
    assert!(victim.is_file(), "a file outside the output was deleted");

    fs::write(&list, "不是文件清单").unwrap();
    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("努力实现我市患者", "努力实现本市患者", 1)
    });
    build_and_compare(&site, "a damaged file list");
    assert!(victim.is_file());
    // The build wrote a good list again, and the next one trusts it.
    let said = build_and_compare(&site, "nothing, after a damaged file list");
    assert!(kept(&said) > 100, "{said}");
}

/// A cached build checks the links of the pages it renders, and those of the pages it keeps
/// only where what they point at may have changed: a kept page's link into an anchor that an
/// edit removed, or to a file that is gone, fails the build as a clean build would.
#[test]
fn a_kept_page_linking_to_an_anchor_or_file_that_is_gone_fails_the_build() {
    let site = site();
    fs::write(site.file("yiliao-gaodi/media/table.csv"), "项目,数量\n").unwrap();
    site.edit("pages/guide.md", |t| {
        format!(
            "{t}\n见[积水潭医院的第二段答问](/yiliao-gaodi/qa/#jishuitan-opening-duan-2)和[项目表](/yiliao-gaodi/media/table.csv)。\n"
        )
    });
    build(&site, &site.out(), &[]);
    let failed = |what: &str, broken: &str| {
        let o = jiedu(&[
            "build",
            "--root",
            site.root().to_str().unwrap(),
            "--output",
            site.out().to_str().unwrap(),
            "--no-search",
        ]);
        let said = stderr(&o);
        assert!(
            !o.status.success(),
            "after {what} the build succeeded: {said}"
        );
        let guide = site.file("pages/guide.md");
        assert!(
            said.contains(&format!("{}:", guide.display())) && said.contains(broken),
            "after {what}: {said}"
        );
    };

    // One paragraph of the answer now: its second paragraph's anchor is gone.
    let answer = "\n\n      该院将建设成为";
    site.edit("yiliao-gaodi/qa.md", |t| {
        assert!(t.contains(answer));
        t.replacen(answer, "\n      该院将建设成为", 1)
    });
    failed(
        "an edit that removed an anchor",
        "指向 /yiliao-gaodi/qa/index.html 中不存在的锚点 #jishuitan-opening-duan-2",
    );
    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("\n      该院将建设成为", answer, 1)
    });
    let said = build(&site, &site.out(), &[]);
    assert!(kept(&said) > 0, "{said}");

    fs::remove_file(site.file("yiliao-gaodi/media/table.csv")).unwrap();
    failed(
        "a deleted file",
        "链接「/yiliao-gaodi/media/table.csv」指向不存在的页面或文件",
    );
}

// The search index remembered beside the build cache (`.jiedu/search-cache`): a cached build
// redoes only the shards and fragments an edit changed, and its index equals a clean build's.

const SEARCH_CACHE: &str = ".jiedu/search-cache";

/// Builds `site` into `out` with its search index, on `threads` threads, with the phase
/// timings on (they say how many shards and fragments the index made again); returns what the
/// build said.
fn build_search(site: &ExampleSite, out: &Path, threads: &str, extra: &[&str]) -> String {
    let root = site.root();
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(&args)
        .env("JIEDU_TIMINGS", "1")
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("run jiedu");
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// The shards and fragments the index made again, as (exact, prefix, next, shards, fragments
/// made, fragments).
fn made_again(said: &str) -> (usize, usize, usize, usize, usize, usize) {
    let line = said
        .lines()
        .find_map(|l| l.strip_prefix("[timings] search: made again: "))
        .unwrap_or_else(|| panic!("no count of the files made again: {said}"));
    let n: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    (n[0], n[1], n[2], n[3], n[4], n[5])
}

/// Builds `site` with its search cache (on 1 thread) and from nothing into another folder (on
/// 4), and checks that the two outputs, search index and search cache included, are the same
/// files. Returns what the cached build said.
fn search_build_and_compare(site: &ExampleSite, what: &str) -> String {
    let said = build_search(site, &site.out(), "1", &[]);
    let clean = site.dir.path().join("clean-search");
    build_search(site, &clean, "4", &["--no-cache"]);
    let (cached, full) = (files(&site.out()), files(&clean));
    assert!(full.contains_key(SEARCH_CACHE), "no search cache written");
    assert!(full.keys().any(|p| p.starts_with("search-index/t/")));
    assert_same_files(&cached, &full, what);
    fs::remove_dir_all(&clean).unwrap();
    said
}

#[test]
fn a_cached_build_makes_the_same_search_index_as_a_clean_build() {
    let site = site();
    build_search(&site, &site.out(), "4", &[]);

    let said = search_build_and_compare(&site, "nothing");
    let (exact, prefix, next, shards, fragments, _) = made_again(&said);
    assert_eq!(
        (exact, prefix, next, fragments),
        (0, 0, 0, 0),
        "an unchanged site makes no shard or fragment again: {said}"
    );
    assert!(shards > 1, "{said}");

    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("努力实现我市患者", "努力实现本市患者", 1)
    });
    let said = search_build_and_compare(&site, "an answer");
    // One character changed: only the lists of the pairs around it read differently (我 → 本:
    // 现我, 我市 gone, 现本, 本市 new); the rest of its records' lists are kept, though every
    // shard holds one of them.
    let (exact, prefix, _, shards, fragments, all) = made_again(&said);
    assert!(exact > 0 && exact <= 4 && exact < shards, "{said}");
    assert!(prefix <= 4 && prefix < shards, "{said}");
    assert!(
        fragments > 0 && fragments < all,
        "an answer makes its fragments again, not all: {said}"
    );

    site.edit("jiedu.yaml", |t| {
        t.replacen("name: 聊城市政策解读", "name: 聊城市政策解读平台", 1)
    });
    search_build_and_compare(&site, "the config");

    site.edit("jiedu.yaml", |t| {
        t.replacen("https://example.org/", "https://example.org/jiedu/", 1)
    });
    let said = search_build_and_compare(&site, "the site's address");
    assert!(
        said.contains("站点网址与上次生成时不同，搜索索引缓存不再适用，本次重新生成整个搜索索引。"),
        "{said}"
    );

    fs::remove_dir_all(site.root().join("yiliao-gaodi-b")).unwrap();
    search_build_and_compare(&site, "a deleted policy");
}

#[test]
fn a_damaged_truncated_or_foreign_search_cache_is_refused_and_the_index_is_made_whole() {
    let site = site();
    build_search(&site, &site.out(), "4", &[]);
    let path = site.out().join(SEARCH_CACHE);
    let tamper = |f: &dyn Fn(Vec<u8>) -> Vec<u8>| {
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, f(bytes)).unwrap();
    };
    let whole = |said: &str, why: &str| {
        assert!(said.lines().any(|l| l == why), "{why}\n{said}");
        let (exact, prefix, next, shards, fragments, all) = made_again(said);
        assert_eq!(
            (exact, prefix, next, fragments),
            (shards, shards, shards, all),
            "a refused search cache keeps nothing: {said}"
        );
    };
    // The header line, and what follows it.
    let split = |b: &[u8]| {
        let end = b.iter().position(|&c| c == b'\n').unwrap();
        (
            String::from_utf8_lossy(&b[..end]).to_string(),
            b[end..].to_vec(),
        )
    };

    tamper(&|mut b| {
        let last = b.len() - 10;
        b[last] ^= 0x55;
        b
    });
    let said = search_build_and_compare(&site, "a damaged search cache");
    whole(
        &said,
        &format!(
            "搜索索引缓存 {} 已损坏（校验和不符），本次重新生成整个搜索索引。",
            path.display()
        ),
    );

    tamper(&|b| b[..b.len() / 2].to_vec());
    let said = search_build_and_compare(&site, "a truncated search cache");
    whole(
        &said,
        &format!(
            "搜索索引缓存 {} 不完整（文件被截断），本次重新生成整个搜索索引。",
            path.display()
        ),
    );

    let (line, _) = split(&fs::read(&path).unwrap());
    let program = line
        .split(' ')
        .find_map(|f| f.strip_prefix("program="))
        .unwrap()
        .to_string();
    tamper(&|b| {
        let (line, rest) = split(&b);
        let mut out = line.replacen("program=", "program=9", 1).into_bytes();
        out.extend_from_slice(&rest);
        out
    });
    let said = search_build_and_compare(&site, "a search cache of another version");
    whole(
        &said,
        &format!(
            "搜索索引缓存由另一版本的 jiedu（9{program}）生成，当前为 {program}，本次重新生成整个搜索索引。"
        ),
    );

    let (line, _) = split(&fs::read(&path).unwrap());
    let format = line
        .split(' ')
        .find_map(|f| f.strip_prefix("format="))
        .unwrap()
        .to_string();
    tamper(&|b| {
        let (line, rest) = split(&b);
        let older = line.replacen(&format!("format={format}"), "format=0", 1);
        let mut out = older.into_bytes();
        out.extend_from_slice(&rest);
        out
    });
    let said = search_build_and_compare(&site, "a search cache of another format");
    whole(
        &said,
        &format!(
            "搜索索引缓存的格式（第 0 版）与当前 jiedu 所用的（第 {format} 版）不同，本次重新生成整个搜索索引。"
        ),
    );

    // After each refusal the build wrote a good search cache again.
    let said = build_search(&site, &site.out(), "4", &[]);
    assert_eq!(made_again(&said).0, 0, "{said}");
}

/// Plants a mark in an open data file without changing its length, so that a build that keeps
/// the file from the output leaves it there and one that makes the file again takes it away.
fn mark(path: &Path) {
    let text = fs::read_to_string(path).unwrap();
    let marked = text.replacen("\"slug\"", "\"SLUG\"", 1);
    assert_ne!(marked, text, "{}", path.display());
    fs::write(path, marked).unwrap();
}

fn marked(path: &Path) -> bool {
    fs::read_to_string(path).unwrap().contains("\"SLUG\"")
}

#[test]
fn a_policys_open_data_is_kept_while_what_it_is_made_of_reads_the_same() {
    let site = site();
    build(&site, &site.out(), &[]);
    let data = |slug: &str| site.out().join(format!("data/{slug}.json"));
    let (original, copy) = (data("yiliao-gaodi"), data("yiliao-gaodi-b"));
    mark(&original);
    mark(&copy);

    // A clause of the copy that nothing in the original reads.
    site.edit("yiliao-gaodi-b/policy.md", |t| {
        assert!(t.contains("积极引进新技术、新项目。"));
        t.replacen("积极引进新技术、新项目。", "积极引进新技术和新项目。", 1)
    });
    build(&site, &site.out(), &[]);
    assert!(marked(&original), "an unchanged policy's data is kept");
    assert!(!marked(&copy), "an edited policy's data is made again");

    // A question of the copy cites a clause of the original: the passages citing that clause,
    // in the original's data, changed with it.
    site.edit("yiliao-gaodi-b/qa.md", |t| {
        assert!(t.contains("北京积水潭医院聊城医院什么时候投入使用？"));
        t.replacen(
            "北京积水潭医院聊城医院什么时候投入使用？",
            "北京积水潭医院聊城医院何时投入使用？",
            1,
        )
    });
    build_and_compare(&site, "a question citing another policy's clause");
    assert!(!marked(&original));
}

// The clause trees kept beside the build cache (`.jiedu/clauses`): a cached build reads an
// unchanged policy text's tree back instead of recognising it again.
const CLAUSES: &str = ".jiedu/clauses";

/// A clause heading of the example policy (and of its copy), and the same heading with one
/// character changed to another of the same length in UTF-8.
const HEADING: &str = "组建卫生健康人才智库";
const PLANTED: &str = "组建卫生健康人才智庫";

/// Plants [`PLANTED`] in every kept tree holding [`HEADING`] and seals the file again (its
/// header's checksum made for the changed body), so that a build reading those trees back
/// shows the planted heading and one recognising the text again does not.
fn plant(site: &ExampleSite) {
    let path = site.out().join(CLAUSES);
    let bytes = fs::read(&path).unwrap();
    let end = bytes.iter().position(|&c| c == b'\n').unwrap();
    let line = String::from_utf8(bytes[..end].to_vec()).unwrap();
    let mut body = bytes[end + 1..].to_vec();
    let (from, to) = (HEADING.as_bytes(), PLANTED.as_bytes());
    let mut planted = 0;
    for i in 0..body.len().saturating_sub(from.len()) {
        if body[i..].starts_with(from) {
            body[i..i + to.len()].copy_from_slice(to);
            planted += 1;
        }
    }
    assert!(planted > 0, "the kept trees hold the heading");
    let (head, _) = line.rsplit_once(" checksum=").unwrap();
    let sealed = format!(
        "{head} checksum={:016x}\n",
        xxhash_rust::xxh3::xxh3_64(&body)
    );
    fs::write(&path, [sealed.into_bytes(), body].concat()).unwrap();
}

/// Whether the built page of `slug`'s full text shows the planted heading.
fn shows_plant(site: &ExampleSite, slug: &str) -> bool {
    let page = site.out().join(format!("{slug}/index.html"));
    let text = fs::read_to_string(&page).unwrap();
    assert!(
        text.contains(HEADING) || text.contains(PLANTED),
        "{}",
        page.display()
    );
    text.contains(PLANTED)
}

#[test]
fn a_policys_clause_tree_is_read_back_while_its_text_reads_the_same() {
    let site = site();
    build(&site, &site.out(), &[]);
    plant(&site);
    // A question edited: neither policy text changed, both trees are read back.
    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("努力实现我市患者", "努力实现本市患者", 1)
    });
    build(&site, &site.out(), &[]);
    assert!(
        shows_plant(&site, "yiliao-gaodi"),
        "a kept tree is read back"
    );
    assert!(shows_plant(&site, "yiliao-gaodi-b"));

    // One policy's text edited far from the heading: its tree is recognised again, the
    // other's read back.
    site.edit("yiliao-gaodi/policy.md", |t| {
        assert!(t.contains("积极引进新技术、新项目。"));
        t.replacen("积极引进新技术、新项目。", "积极引进新技术和新项目。", 1)
    });
    build(&site, &site.out(), &[]);
    assert!(
        !shows_plant(&site, "yiliao-gaodi"),
        "an edited text is recognised again"
    );
    assert!(
        shows_plant(&site, "yiliao-gaodi-b"),
        "an unchanged one is read back"
    );

    // The levels written in the front matter are read by the recogniser too.
    // (In place of a line, so that the text starts on the same line.)
    site.edit("yiliao-gaodi-b/policy.md", |t| {
        assert!(t.contains("\nnote: 此件公开发布\n"));
        t.replacen(
            "\nnote: 此件公开发布\n",
            "\nlevels: [\"一、\", \"（一）\", \"1.\"]\n",
            1,
        )
    });
    build(&site, &site.out(), &[]);
    assert!(
        !shows_plant(&site, "yiliao-gaodi-b"),
        "new levels are recognised again"
    );

    // Without the plant, a cached build equals a clean one, and --no-cache recognises every
    // text.
    plant(&site);
    build(&site, &site.out(), &["--no-cache"]);
    assert!(!shows_plant(&site, "yiliao-gaodi"));
    assert!(!shows_plant(&site, "yiliao-gaodi-b"));
    site.edit("yiliao-gaodi/qa.md", |t| {
        t.replacen("努力实现本市患者", "努力实现我市患者", 1)
    });
    build_and_compare(&site, "an answer, the trees read back");
}

/// A change made to a cache file's bytes.
type Tamper<'a> = dyn Fn(Vec<u8>) -> Vec<u8> + 'a;

/// A cache file with `f` applied to its header line.
fn with_header(bytes: Vec<u8>, f: impl FnOnce(&str) -> String) -> Vec<u8> {
    let end = bytes.iter().position(|&c| c == b'\n').unwrap();
    let line = String::from_utf8(bytes[..end].to_vec()).unwrap();
    [f(&line).into_bytes(), bytes[end..].to_vec()].concat()
}

#[test]
fn damaged_truncated_or_foreign_clause_trees_are_refused_and_every_text_recognised() {
    let site = site();
    build(&site, &site.out(), &[]);
    let path = site.out().join(CLAUSES);
    let instead = "本次重新识别全部政策的条款结构。";
    let header = |name: &str| {
        let bytes = fs::read(&path).unwrap();
        let end = bytes.iter().position(|&c| c == b'\n').unwrap();
        let line = String::from_utf8(bytes[..end].to_vec()).unwrap();
        let prefix = format!("{name}=");
        let value = line.split(' ').find_map(|f| f.strip_prefix(&prefix));
        value.unwrap().to_string()
    };
    let (program, format) = (header("program"), header("format"));
    // Each file is planted first: a refused file shows no plant, and the build equals a
    // clean one.
    let cases: [(&str, &Tamper<'_>, String); 4] = [
        (
            "damaged clause trees",
            &|mut b| {
                let last = b.len() - 10;
                b[last] ^= 0x55;
                b
            },
            format!(
                "条款结构缓存 {} 已损坏（校验和不符），{instead}",
                path.display()
            ),
        ),
        (
            "truncated clause trees",
            &|b| b[..b.len() / 2].to_vec(),
            format!(
                "条款结构缓存 {} 不完整（文件被截断），{instead}",
                path.display()
            ),
        ),
        (
            "clause trees of another version",
            &|b| with_header(b, |line| line.replacen("program=", "program=9", 1)),
            format!(
                "条款结构缓存由另一版本的 jiedu（9{program}）生成，当前为 {program}，{instead}"
            ),
        ),
        (
            "clause trees of another format",
            &|b| {
                with_header(b, |line| {
                    line.replacen(&format!("format={format}"), "format=0", 1)
                })
            },
            format!(
                "条款结构缓存的格式（第 0 版）与当前 jiedu 所用的（第 {format} 版）不同，{instead}"
            ),
        ),
    ];
    for (what, tamper, why) in cases {
        plant(&site);
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, tamper(bytes)).unwrap();
        let said = build_and_compare(&site, what);
        assert!(said.lines().any(|l| l == why), "{why}\n{said}");
        assert!(!shows_plant(&site, "yiliao-gaodi"), "{what}: not read back");
    }
    // After each refusal the build wrote good trees again.
    plant(&site);
    build(&site, &site.out(), &[]);
    assert!(shows_plant(&site, "yiliao-gaodi"));
}

/// How many pages the build said it made in all.
fn pages(said: &str) -> usize {
    said.split("已生成 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

/// `jiedu build --root ROOT --output OUT` run in `dir`, with the paths spelled as given.
fn build_in(dir: &Path, root: &str, out: &str, extra: &[&str]) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(["build", "--root", root, "--output", out, "--no-search"])
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("run jiedu");
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// The cache keys what it records by paths within the site, not as `--root` was spelled: the
/// same site built once with an absolute root and then with a relative one (from another
/// working directory) keeps every unchanged page, and after an edit keeps as many pages as a
/// build with the same spelling would.
#[test]
fn the_same_site_spelled_another_way_reuses_the_cache() {
    let site = site();
    let first = build(&site, &site.out(), &[]);
    assert_eq!(kept(&first), 0, "{first}");

    let said = build_in(site.dir.path(), "content", "public", &[]);
    assert!(
        pages(&said) > 100 && kept(&said) == pages(&said),
        "an unchanged site built with a relative root keeps every page: {said}"
    );
    // The clean build spells its root as the cached one did: the file list names the cache's
    // digest, and the cache records the root as given.
    let clean = site.dir.path().join("clean");
    build_in(site.dir.path(), "content", "clean", &["--no-cache"]);
    assert_same_files(&files(&site.out()), &files(&clean), "a relative root");

    // The same edit to another copy of the site, built both times with the same spelling,
    // tells how many pages the edit leaves as they were.
    let answer = |t: String| t.replacen("努力实现我市患者", "努力实现本市患者", 1);
    let same = self::site();
    build(&same, &same.out(), &[]);
    same.edit("yiliao-gaodi/qa.md", answer);
    let expected = kept(&build(&same, &same.out(), &[]));
    assert!(expected > 0 && expected < pages(&said), "{expected}");

    site.edit("yiliao-gaodi/qa.md", answer);
    let public = site.out();
    let said = build_in(&public, "../content", "../public", &[]);
    assert_eq!(
        kept(&said),
        expected,
        "after an edit, a root spelled from another folder keeps what the edit left: {said}"
    );
    fs::remove_dir_all(&clean).unwrap();
    build_in(&public, "../content", "../clean", &["--no-cache"]);
    assert_same_files(
        &files(&site.out()),
        &files(&clean),
        "an edit, relative root",
    );

    // A page kept from a build with the absolute root, whose link now leads nowhere, is named
    // as this build spells the root.
    fs::write(site.file("yiliao-gaodi/media/table.csv"), "项目,数量\n").unwrap();
    site.edit("pages/guide.md", |t| {
        format!("{t}\n见[项目表](/yiliao-gaodi/media/table.csv)。\n")
    });
    build(&site, &site.out(), &[]);
    fs::remove_file(site.file("yiliao-gaodi/media/table.csv")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args([
            "build",
            "--root",
            "content",
            "--output",
            "public",
            "--no-search",
        ])
        .current_dir(site.dir.path())
        .output()
        .expect("run jiedu");
    let said = stderr(&o);
    assert!(!o.status.success(), "{said}");
    let absolute = site.file("pages/guide.md").display().to_string();
    assert!(
        said.contains("content/pages/guide.md:") && !said.contains(&absolute),
        "{said}"
    );
}
