//! Compilations: one text holding a policy and further complete documents after it (PDF
//! extracts of a policy collection), through the real binary on real texts from
//! `tests/fixtures/realdocs-more/`. The policy's own numbered text must never vanish from the
//! outline unannounced because another document's articles outnumber it.

use crate::common;

use common::realdoc::{
    check_json as check, clauses, fixture, import_as_p as import, located, policy_line,
};

/// heldout14 258: the five parts of the 指导意见 (`一、明确管理对象` … `五、加强监督管理措施`),
/// each a task without items.
const PARTS: [&str; 5] = [
    "## 一、明确管理对象",
    "## 二、压实管理责任",
    "## 三、完善管理流程",
    "## 四、畅通异议申诉渠道",
    "## 五、加强监督管理措施",
];

#[test]
fn a_document_whose_head_is_its_title_number_and_addressee_is_cut_off() {
    // heldout14 258 (医保支付资格指导意见, PDF text): five parts without items, the signature,
    // two unlabelled attachments, then the next notice of the compilation — a stray issuer
    // line, `关于印发《…暂行办法》的通知（医保发〔2025〕18 号）`, the addressee, and its 办法 of
    // 第一条–第三十九条, the notice's date only after the notice's text. Read together, the 39
    // articles were the clauses and the five parts dropped without a word.
    let root = common::empty_site();
    import(root.path(), &fixture("realdocs-more/heldout14", "258-"));
    let outline = check(root.path());
    let diags = located(&outline);
    let head = policy_line(
        root.path(),
        "关于印发《医疗保障按病种付费管理暂行办法》的通知",
    );
    assert!(
        diags.iter().any(|(l, m)| *l == head
            && m.starts_with(
                "从这里起是另一份完整的文件「关于印发《医疗保障按病种付费管理暂行办法》的通知"
            )),
        "{diags:?}"
    );
    assert!(
        !clauses(&outline)
            .iter()
            .any(|n| n["label"].as_str() == Some("第一条")),
        "the appended 办法's articles are no clauses of the policy"
    );
    // Each part is a task or named on its own line.
    let all = clauses(&outline);
    for part in PARTS {
        let line = policy_line(root.path(), part);
        let is_clause = all.iter().any(|n| n["line"].as_u64() == Some(line));
        let named = diags.iter().any(|(l, _)| *l == line);
        assert!(is_clause || named, "{part} dropped silently: {diags:?}");
    }
}

#[test]
fn numbered_parts_before_the_articles_are_named_when_the_second_document_is_not_seen() {
    // The planted fault: the same text without the appended notice's addressee line, so nothing
    // marks where the second document begins. Its articles outnumber the parts and become the
    // clauses; the parts written before them must each be named, word for word.
    let source = fixture("realdocs-more/heldout14", "258-");
    let text = std::fs::read_to_string(&source).unwrap();
    let planted = text.replace(
        "各省、自治区、直辖市及新疆生产建设兵团医疗保障局：\n为全面贯彻落实",
        "为全面贯彻落实",
    );
    assert_ne!(planted, text, "the addressee line to remove is in the text");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("258-planted.txt");
    std::fs::write(&file, planted).unwrap();
    let root = common::empty_site();
    import(root.path(), &file);
    let outline = check(root.path());
    let diags = located(&outline);
    let first_article = policy_line(root.path(), "第一条");
    for (part, title) in PARTS.iter().zip([
        "明确管理对象",
        "压实管理责任",
        "完善管理流程",
        "畅通异议申诉渠道",
        "加强监督管理措施",
    ]) {
        let line = policy_line(root.path(), part);
        let label = &part[3..part.find('、').unwrap() + '、'.len_utf8()];
        let want = format!(
            "「{label}」（{title}）写在「第一条」（第 {first_article} 行）之前，不在任何一条之内，没有列为任务条款；同在条文之前的编号部分还有 4 个：本文以「条」为任务条款，这些部分都被当作了条文之外的内容"
        );
        assert!(
            diags.iter().any(|(l, m)| *l == line && *m == want),
            "{want} not at line {line}: {diags:?}"
        );
    }

    // A 条例 that opens with its articles has no part before them: nothing to name.
    for stem in ["259-", "260-", "257-"] {
        let root = common::empty_site();
        import(root.path(), &fixture("realdocs-more/heldout14", stem));
        let outline = check(root.path());
        assert!(
            !located(&outline)
                .iter()
                .any(|(_, m)| m.contains("不在任何一条之内")),
            "{stem}: {:?}",
            located(&outline)
        );
    }
}
