//! A number typed with a letter that looks like its digit (`l.` for `1.`), through the real
//! binary on a real text: the line cannot be an item, so it is named where it stands.

use crate::common;

use common::realdoc::{check_json as check, clauses, fixture, import_as_p as import, located};

fn line_of(root: &std::path::Path, start: &str) -> Option<u64> {
    let text = std::fs::read_to_string(root.join("p/policy.md")).unwrap();
    let i = text.lines().position(|l| l.starts_with(start))?;
    Some(i as u64 + 1)
}

#[test]
fn a_letter_l_written_for_the_digit_one_is_named_on_its_line() {
    // heldout14 253 (黄浦基层消防实施意见), 四（二）督查制度: `l.火灾多发季节…` with a lower-case
    // L, then `2.`–`4.`. The first item is read as text of the group above it.
    let source = fixture("realdocs-more/heldout14", "253-");
    let root = common::empty_site();
    import(root.path(), &source);
    let outline = check(root.path());
    let line = line_of(root.path(), "l.火灾多发季节").unwrap();
    let want = "以「l.」开头的一段没有成为条款：「l」像是数字「1」，下一项编号正是「2.」";
    assert!(
        located(&outline)
            .iter()
            .any(|(l, m)| *l == line && m == want),
        "{want} not at line {line}: {:?}",
        located(&outline)
    );

    // Written with the digit, the item is a clause and nothing is named.
    let text = std::fs::read_to_string(&source).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fixed = dir.path().join("253-fixed.txt");
    std::fs::write(&fixed, text.replace("l.火灾多发季节", "1.火灾多发季节")).unwrap();
    let root = common::empty_site();
    import(root.path(), &fixed);
    let outline = check(root.path());
    assert!(
        !located(&outline)
            .iter()
            .any(|(_, m)| m.contains("像是数字")),
        "{:?}",
        located(&outline)
    );
    assert!(clauses(&outline)
        .iter()
        .any(|n| n["label"].as_str() == Some("1.")
            && n["text"].as_str().unwrap_or("").contains("火灾多发季节")
            || n["heading"]
                .as_str()
                .unwrap_or("")
                .starts_with("火灾多发季节")));
}
