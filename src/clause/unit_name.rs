//! The grammar of a unit name, so a name the note reader got wrong is never published silently.
//!
//! A unit name is an organ: an optional administrative level (`市`, `区`, `县`, `省`, `国家`…),
//! a name, and an organ suffix (`部`, `委`, `局`, `厅`, `办`, `署`, `中心`, `政府`, `管委会`,
//! `公司`, `集团`…), with an optional remark in brackets (`市委组织部〔人才办〕`). Collective
//! names (`各区、县级市`, `有关部门`, `各省级人民政府`, `相关街镇`) follow the same grammar after
//! `各`/`有关`/`相关`. Anything else — two names joined by `等和`/`和`/`及`, a role verb
//! (`负责`, `会同`, `牵头`), a rule (`以下均需…`), a URL, sentence punctuation, an overlong run —
//! is a [`Doubt`] the verifier reports.

use super::units::{split_top, MAX_UNIT_CHARS};

/// Why a name does not read as a unit name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// `全国总工会等和各省级人民政府`: a connector between two complete names.
    Joined {
        connector: &'static str,
        left: String,
        right: String,
    },
    /// `农业农村部等`: "and others" left on the name.
    Etc,
    /// `A会同有关部门`, `B负责`: a role verb inside the name.
    Verb(&'static str),
    /// `以下均需B`: the words of a rule, not a unit.
    Rule(&'static str),
    Url,
    Punctuation(char),
    TooLong(usize),
    /// No organ suffix at all (`加快建设`).
    NoSuffix,
}

/// Endings of organ names, longest first where one contains another.
const SUFFIXES: [&str; 61] = [
    "管委会",
    // `区委党校`, `市委党校`: the party schools listed with the departments.
    "党校",
    // `区属国企`, `市属国企`: the state-owned companies of a government.
    "国企",
    "委员会",
    "办公室",
    "领导小组",
    "工作专班",
    "总局",
    "中心",
    "政府",
    "公司",
    "机关",
    "资本",
    "人行",
    // `滁州海关`, `上海海关`: a customs district is named by its city alone.
    "海关",
    "集团",
    "总部",
    "中央",
    "街道",
    "社区",
    "园区",
    "部门",
    "单位",
    "机构",
    "专班",
    "小组",
    "银行",
    "学校",
    "院校",
    "高校",
    "大学",
    "医院",
    "企业",
    "协会",
    "商会",
    "分行",
    "支队",
    "协",
    "大队",
    "部",
    "委",
    "局",
    "厅",
    "办",
    "署",
    "院",
    "会",
    "队",
    "社",
    "联",
    // `委内各相关处室`: the offices inside a department.
    "处室",
    "处",
    "所",
    "站",
    "馆",
    "区",
    "市",
    "县",
    "镇",
    "乡",
    "村",
];

/// Divisions a collective lists one by one before naming their organ once (`各县、市、区政府`).
const BARE_DIVISIONS: [&str; 9] = [
    "县",
    "市",
    "区",
    "乡",
    "镇",
    "乡镇",
    "街道",
    "县级市",
    "自治县",
];

/// Role verbs and rule words that never belong to a name.
const VERBS: [&str; 10] = [
    "负责",
    "会同",
    "牵头",
    "配合",
    "落实",
    "参与",
    "协助",
    "协同",
    "按职责",
    "分工",
];
const RULE_WORDS: [&str; 6] = ["以下", "下同", "不再", "均需", "均由", "列出"];

/// The first reason `name` is not a plausible unit name, or `None` when it reads as one.
pub fn doubt(name: &str) -> Option<Doubt> {
    let lower = name.to_lowercase();
    if ["http", "://", "www.", ".cn", ".com", ".html"]
        .iter()
        .any(|u| lower.contains(u))
    {
        return Some(Doubt::Url);
    }
    let bare = strip_remarks(name);
    if let Some(c) = bare.chars().find(|c| "。，；：！？,;:!?".contains(*c)) {
        return Some(Doubt::Punctuation(c));
    }
    // `各项目牵头单位`, `配合部门`: a role word that names a kind of unit.
    // A noun the name (as replaced so far) lacks is joined to no verb, so its ten replacements
    // would change nothing: most names lack all three, and the thirty replacements each cost a
    // search and a new string (5% of a build's instructions).
    let nominal = ["单位", "部门", "机构"]
        .iter()
        .fold(bare.clone(), |acc, n| match acc.contains(n) {
            false => acc,
            true => VERBS
                .iter()
                .fold(acc, |a, v| a.replace(&format!("{v}{n}"), n)),
        });
    if let Some(v) = VERBS.iter().find(|v| nominal.contains(*v)) {
        return Some(Doubt::Verb(v));
    }
    // `机场分局为实施单位`: the role given by a predicate (为 + a role noun such as 实施单位,
    // 牵头部门), which a note writes after the names it assigns; a name never ends that way.
    if let Some((_, role)) = bare.rsplit_once('为') {
        let role_noun = ["单位", "部门", "机构", "处室"]
            .iter()
            .any(|n| role.ends_with(n));
        if role_noun && role.chars().count() <= 6 {
            return Some(Doubt::Verb("为"));
        }
    }
    if let Some(r) = RULE_WORDS.iter().find(|r| bare.contains(*r)) {
        return Some(Doubt::Rule(r));
    }
    if let Some(d) = joined(&bare) {
        return Some(d);
    }
    if has_loose_etc(&bare) {
        return Some(Doubt::Etc);
    }
    let n = bare.chars().count();
    if n > MAX_UNIT_CHARS {
        return Some(Doubt::TooLong(n));
    }
    // A collective name `各区、县级市` is read part by part; `相关委、办、局` names its organ
    // kinds after the first, `各县、市、区政府` its divisions before the organ.
    let parts = split_top(&bare, &['、']);
    let complete = parts.iter().enumerate().all(|(k, part)| {
        has_suffix(part)
            || is_collective(part)
            || k > 0 && is_collective(parts[0]) && ["委", "办", "局", "厅"].contains(part)
            || k > 0 && parts[0].starts_with('各') && BARE_DIVISIONS.contains(part)
    });
    (!complete).then_some(Doubt::NoSuffix)
}

/// A collective name: `有关…`/`相关…`, or `各…主体` (`各项目实施主体`, `各责任主体`: every body
/// that carries out the task, named by its role rather than as an organ).
fn is_collective(part: &str) -> bool {
    part.starts_with("有关")
        || part.starts_with("相关")
        || part.starts_with('各') && part.ends_with("主体") && part.chars().count() > 3
}

/// The name without its bracketed remarks: `各区〔县、市〕政府` → `各区政府`.
fn strip_remarks(name: &str) -> String {
    let mut depth = 0i32;
    name.chars()
        .filter(|c| {
            if "〔（(【［[〈《".contains(*c) {
                depth += 1;
                false
            } else if "〕）)】］]〉》".contains(*c) {
                depth = (depth - 1).max(0);
                false
            } else {
                depth == 0
            }
        })
        .collect()
}

fn has_suffix(name: &str) -> bool {
    let name = name.trim();
    SUFFIXES
        .iter()
        .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// `A等和B`, `A和B`, `A及B`, `A与B`, `A以及B` where both sides are names on their own; the `和`
/// of `人力资源和社会保障局` or `工业和信息化部` joins words inside one name, not two names.
fn joined(name: &str) -> Option<Doubt> {
    // Every connector begins with one of these characters: their places are found in one pass,
    // and each connector is looked for only there. A `str::find` for each connector built a
    // substring searcher every time (a million a 300-policy build, 1.9% of it); the names are
    // short and most hold none of these characters.
    let starts: Vec<usize> = name
        .char_indices()
        .filter(|&(_, c)| matches!(c, '等' | '以' | '和' | '及' | '与'))
        .map(|(i, _)| i)
        .collect();
    if starts.is_empty() {
        return None;
    }
    // No connector overlaps itself, so these are the places `find` reaches one after another.
    let places = |connector: &'static str| {
        starts
            .iter()
            .copied()
            .filter(move |&i| name[i..].starts_with(connector))
    };
    // `等和`, `等及`, `等与` never occur inside one name.
    for connector in ["等和", "等及", "等与"] {
        if let Some(at) = places(connector).next() {
            let (left, right) = (&name[..at], &name[at + connector.len()..]);
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
        for at in places(connector) {
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
        }
    }
    None
}

/// The two names a connector joins (`全国总工会等和各省级人民政府` → `全国总工会`,
/// `各省级人民政府`), for the note reader to split.
pub fn joined_parts(name: &str) -> Option<(String, String)> {
    match joined(name) {
        Some(Doubt::Joined { left, right, .. }) => Some((left, right)),
        _ => None,
    }
}

/// `等` that means "and others" (after a complete name), not the `等` of `高等院校`.
fn has_loose_etc(name: &str) -> bool {
    name.char_indices().any(|(i, c)| {
        c == '等' && has_suffix(&name[..i]) && !name[..i].ends_with(['高', '中', '初', '平', '同'])
    })
}

impl Doubt {
    /// What is wrong, in the editor's words (Chinese), and how to fix it.
    pub fn explain(&self) -> (String, &'static str) {
        match self {
            Doubt::Joined {
                connector,
                left,
                right,
            } => (
                format!("用「{connector}」连起了两个单位「{left}」和「{right}」"),
                "请把它们拆成两个单位，用「、」分隔。",
            ),
            Doubt::Etc => (
                "含表示“等等”的「等」".to_string(),
                "请删去「等」或把它后面的单位用「、」分开列出。",
            ),
            Doubt::Verb(v) => (
                format!("含动词「{v}」，不是单位名称"),
                "单位说明中只列单位名称，角色用标签写明，如（牵头单位：A；配合单位：B）。",
            ),
            Doubt::Rule(w) => (
                format!("含「{w}」，像是一条说明而不是单位"),
                "请把“以下均需…”“下同”这类说明与单位名称用「。」分开。",
            ),
            Doubt::Url => (
                "含网址，不是单位名称".to_string(),
                "请把网址等非单位文字移出单位说明。",
            ),
            Doubt::Punctuation(c) => (
                format!("含标点「{c}」"),
                "单位之间用「、」分隔，不同角色用「；」分隔。",
            ),
            Doubt::TooLong(n) => (
                format!("长达 {n} 个字，超过一般单位名称"),
                "请核对是否把正文或多个单位读成了一个名称。",
            ),
            Doubt::NoSuffix => (
                "没有机关名称的结尾（如部、委、局、厅、办、中心、政府、管委会、公司）".to_string(),
                "请核对它是否是单位名称；若是简称，请写全称。",
            ),
        }
    }
}

#[cfg(test)]
#[path = "unit_name_tests.rs"]
mod tests;
