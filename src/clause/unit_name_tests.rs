//! The unit-name grammar: every unit of the hand-checked real documents reads as a unit name;
//! the forms a note reader gets wrong never do.

use super::*;

#[test]
fn every_unit_of_the_real_documents_is_accepted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realdocs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for c in truth["clause_list"].as_array().unwrap() {
            for key in ["lead", "responsible"] {
                for name in c[key].as_array().unwrap() {
                    let name = super::super::units::normalise_unit_name(name.as_str().unwrap());
                    // Place names used as units (`广州`) are doubtful on purpose.
                    if ["广州", "深圳"].contains(&name.as_str()) {
                        continue;
                    }
                    assert_eq!(doubt(&name), None, "{}: {name}", path.display());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} names checked");
}

#[test]
fn names_joined_by_a_connector_are_doubted() {
    assert_eq!(
        doubt("全国总工会等和各省级人民政府"),
        Some(Doubt::Joined {
            connector: "等和",
            left: "全国总工会".into(),
            right: "各省级人民政府".into()
        })
    );
    assert!(matches!(
        doubt("市财政局和市人社局"),
        Some(Doubt::Joined {
            connector: "和",
            ..
        })
    ));
    assert!(matches!(
        doubt("区教育局及各街镇"),
        Some(Doubt::Joined {
            connector: "及",
            ..
        })
    ));
    // `和` inside one name joins words, not names.
    for name in [
        "工业和信息化部",
        "市人力资源和社会保障局",
        "中央和国家机关工委",
        "市城市运行和政务服务办",
        "和平区人民政府",
        "各高等院校",
    ] {
        assert_eq!(doubt(name), None, "{name}");
    }
}

#[test]
fn a_customs_district_and_a_collective_of_divisions_are_unit_names() {
    // 滁州市 2020 重点工作分解 (`滁州海关`), the 首发经济 measures of 上海 (`上海海关`).
    for name in [
        "滁州海关",
        "上海海关",
        "各县、市、区政府",
        "各区、市、县、自治县人民政府",
    ] {
        assert_eq!(doubt(name), None, "{name}");
    }
}

#[test]
fn verbs_rules_urls_punctuation_and_length_are_doubted() {
    assert_eq!(doubt("A局会同有关部门"), Some(Doubt::Verb("会同")));
    assert_eq!(doubt("B局负责"), Some(Doubt::Verb("负责")));
    // A role given by a predicate after the names (a note's `…、机场分局为实施单位，下同`).
    assert_eq!(doubt("机场分局为实施单位"), Some(Doubt::Verb("为")));
    assert_eq!(doubt("市公安局为牵头部门"), Some(Doubt::Verb("为")));
    // 为 inside a name that ends as organs do is no predicate.
    assert_eq!(doubt("区为老服务中心"), None);
    assert_eq!(doubt("以下均需B局"), Some(Doubt::Rule("以下")));
    assert_eq!(
        doubt("市工信局H5解读https://www.example.gov.cn"),
        Some(Doubt::Url)
    );
    assert_eq!(doubt("市科技局，市工信局"), Some(Doubt::Punctuation('，')));
    assert_eq!(
        doubt("市科技局负责组织实施并加强统筹协调推进各项工作落到实处的工作专班"),
        Some(Doubt::Verb("负责"))
    );
    assert_eq!(
        doubt("市科技创新和产业转型升级发展促进服务保障中心总部大楼的管委会"),
        Some(Doubt::TooLong(30))
    );
    assert_eq!(doubt("农业农村部等"), Some(Doubt::Etc));
    assert_eq!(doubt("加快建设"), Some(Doubt::NoSuffix));
    // A role word before 单位/部门 names a kind of unit.
    assert_eq!(doubt("各项目牵头单位"), None);
    assert_eq!(doubt("各区、县级市"), None);
    assert_eq!(doubt("有关部门"), None);
    // Every body that carries out the task, named by its role (task tables of 83, heldout4).
    assert_eq!(doubt("各项目实施主体"), None);
    assert_eq!(doubt("市场主体"), Some(Doubt::NoSuffix));
}

#[test]
fn every_doubt_is_explained_in_chinese_with_a_fix() {
    let (what, hint) = doubt("全国总工会等和各省级人民政府").unwrap().explain();
    assert_eq!(
        what,
        "用「等和」连起了两个单位「全国总工会」和「各省级人民政府」"
    );
    assert_eq!(hint, "请把它们拆成两个单位，用「、」分隔。");
}

/// `joined` as it was written before it looked for connectors only where one can begin
/// (`split_once` and `find` for every connector): the same answer for every name.
fn joined_by_find(name: &str) -> Option<Doubt> {
    for connector in ["等和", "等及", "等与"] {
        if let Some((left, right)) = name.split_once(connector) {
            if !left.is_empty() && !right.is_empty() {
                return Some(Doubt::Joined {
                    connector,
                    left: left.to_string(),
                    right: right.to_string(),
                });
            }
        }
    }
    for connector in ["等和", "等及", "等与", "以及", "和", "及", "与"] {
        let mut from = 0;
        while let Some(rel) = name[from..].find(connector) {
            let at = from + rel;
            let left = name[..at].trim_end_matches('等');
            let right = &name[at + connector.len()..];
            let right_bare = right.trim_end_matches('等');
            if has_suffix(left)
                && (has_suffix(right_bare)
                    || right.starts_with("有关")
                    || right.starts_with("相关"))
            {
                return Some(Doubt::Joined {
                    connector,
                    left: left.to_string(),
                    right: right.to_string(),
                });
            }
            from = at + connector.len();
        }
    }
    None
}

/// Names put together from organ names, connectors, `等`, `有关` and plain words, thousands of
/// them, some with a connector at either end or twice: `joined` answers as the version that
/// searched for each connector did.
#[test]
fn joined_agrees_with_searching_for_each_connector() {
    const PIECES: [&str; 16] = [
        "市教育局",
        "财政局",
        "等",
        "和",
        "及",
        "与",
        "以及",
        "有关部门",
        "相关街镇",
        "人力资源",
        "社会保障局",
        "高等院校",
        "以",
        "区政府",
        "加快建设",
        "各",
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut checked = 0;
    for _ in 0..20_000 {
        let mut name = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mut bits = state;
        for _ in 0..1 + bits % 6 {
            bits /= 6;
            name.push_str(PIECES[(bits % 16) as usize]);
            bits /= 16;
        }
        assert_eq!(joined(&name), joined_by_find(&name), "{name}");
        checked += usize::from(joined(&name).is_some());
    }
    assert!(checked > 1000, "only {checked} joined names");
}
