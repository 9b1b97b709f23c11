//! The unit note that closes a task clause: `（牵头单位：市卫生健康委；责任单位：市委组织部、市财政局）`,
//! with the label variants 牵头部门/参与部门/配合部门/参与单位 and either width of punctuation.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Lead,
    Responsible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitGroup {
    /// The label as the document writes it, e.g. `牵头部门`.
    pub label: String,
    pub role: Role,
    pub names: Vec<String>,
}

const LEAD_LABELS: [&str; 3] = ["牵头单位", "牵头部门", "牵头机构"];
const RESPONSIBLE_LABELS: [&str; 7] = [
    "责任单位",
    "责任部门",
    "参与部门",
    "参与单位",
    "配合部门",
    "配合单位",
    "协办单位",
];

fn role_of(label: &str) -> Option<Role> {
    if LEAD_LABELS.contains(&label) {
        Some(Role::Lead)
    } else if RESPONSIBLE_LABELS.contains(&label) {
        Some(Role::Responsible)
    } else {
        None
    }
}

/// Where a unit note starts in `text`: an opening bracket followed by a known label and a colon.
/// Returns the byte offset of the bracket.
pub fn find_note_start(text: &str) -> Option<usize> {
    let mut found = None;
    for (i, c) in text.char_indices() {
        if c != '(' && c != '（' {
            continue;
        }
        let after = text[i + c.len_utf8()..].trim_start();
        let starts_with_label = LEAD_LABELS
            .iter()
            .chain(RESPONSIBLE_LABELS.iter())
            .any(|l| {
                after
                    .strip_prefix(l)
                    .is_some_and(|r| r.trim_start().starts_with([':', '：']))
            });
        if starts_with_label {
            found = Some(i);
        }
    }
    found
}

/// Parses the note text from its opening bracket to the end of the paragraph.
/// Returns the groups and the labels it did not know.
pub fn parse_note(note: &str) -> (Vec<UnitGroup>, Vec<String>) {
    let mut inner = note.trim();
    inner = inner.trim_end_matches(['。', '.', ' ']);
    inner = inner.strip_prefix(['(', '（']).unwrap_or(inner);
    inner = inner.strip_suffix([')', '）']).unwrap_or(inner);
    let mut groups = Vec::new();
    let mut unknown = Vec::new();
    for segment in split_top_level(inner, &[';', '；']) {
        let Some((label, names)) = segment.split_once([':', '：']) else {
            continue;
        };
        let label = label.trim().to_string();
        let role = match role_of(&label) {
            Some(r) => r,
            None => {
                unknown.push(label.clone());
                Role::Responsible
            }
        };
        let names: Vec<String> = split_top_level(names, &['、', '，', ','])
            .into_iter()
            .map(|n| normalise_unit_name(n.trim()))
            .filter(|n| !n.is_empty())
            .collect();
        groups.push(UnitGroup { label, role, names });
    }
    (groups, unknown)
}

/// Splits on any of `seps`, but not inside brackets, so `各县〔市、区〕人民政府` stays whole.
fn split_top_level<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '（' | '〔' | '[' | '［' | '【' => depth += 1,
            ')' | '）' | '〕' | ']' | '］' | '】' => depth = (depth - 1).max(0),
            _ if depth == 0 && seps.contains(&c) => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// One spelling per unit, so `各县(市、区)人民政府` and `各县〔市、区〕人民政府` share a page.
pub fn normalise_unit_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' | '（' => '〔',
            ')' | '）' => '〕',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seed_style_note_and_keeps_bracketed_names_whole() {
        let text = "……三级甲等医院。(牵头单位:市卫生健康委;责任单位:市委组织部、市财政局,江北水城旅游度假区管委会、各县〔市、区〕人民政府)";
        let start = find_note_start(text).unwrap();
        let (groups, unknown) = parse_note(&text[start..]);
        assert!(unknown.is_empty());
        assert_eq!(groups[0].role, Role::Lead);
        assert_eq!(groups[0].names, vec!["市卫生健康委"]);
        assert_eq!(groups[1].role, Role::Responsible);
        assert_eq!(
            groups[1].names,
            vec![
                "市委组织部",
                "市财政局",
                "江北水城旅游度假区管委会",
                "各县〔市、区〕人民政府"
            ]
        );
    }

    #[test]
    fn understands_department_labels_and_full_width_punctuation() {
        let (groups, unknown) = parse_note(
            "（牵头部门：市教育局；参与部门：市财政局，市人社局；配合部门：各县(市、区)人民政府）",
        );
        assert!(unknown.is_empty());
        let roles: Vec<_> = groups
            .iter()
            .map(|g| (g.label.as_str(), g.role, g.names.len()))
            .collect();
        assert_eq!(
            roles,
            vec![
                ("牵头部门", Role::Lead, 1),
                ("参与部门", Role::Responsible, 2),
                ("配合部门", Role::Responsible, 1)
            ]
        );
        assert_eq!(groups[2].names, vec!["各县〔市、区〕人民政府"]);
    }

    #[test]
    fn a_bracket_without_a_label_is_not_a_note() {
        assert_eq!(find_note_start("推进县级医院(含中医医院)建设。"), None);
    }
}
