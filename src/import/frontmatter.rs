//! Writes the YAML front matter of an imported `policy.md`, in the key order of the content
//! format. Values are written plain when that is unambiguous YAML and double-quoted otherwise.

use super::meta::Meta;

/// Validity written for a newly imported policy; the report asks the editor to confirm it.
pub const DEFAULT_VALIDITY: &str = "有效";

pub fn render(meta: &Meta, title: &str) -> String {
    let mut out = String::from("---\nkind: policy\n");
    let mut field = |key: &str, value: Option<&str>, quote: bool| {
        if let Some(v) = value {
            let v = if quote { quoted(v) } else { scalar(v) };
            out.push_str(&format!("{key}: {v}\n"));
        }
    };
    field("title", Some(title), false);
    field("doc_number", meta.doc_number.as_deref(), false);
    field("issuer", meta.issuer.as_deref(), false);
    field("addressee", meta.addressee.as_deref(), false);
    // Dates are strings in the content format; quoting keeps YAML from reading them as dates.
    field("signed", meta.signed.as_deref(), true);
    field("validity", Some(DEFAULT_VALIDITY), false);
    field("note", meta.note.as_deref(), false);
    out.push_str("---\n");
    out
}

/// A plain scalar when the value cannot be misread, otherwise a double-quoted one.
fn scalar(v: &str) -> String {
    let safe_char = |c: char| !c.is_ascii() || c.is_ascii_alphanumeric() || " ()-.,/".contains(c);
    let plain = !v.is_empty()
        && v.chars().all(safe_char)
        && !v.is_ascii()
        && !v.starts_with([' ', '-'])
        && !v.ends_with(' ')
        && !v.chars().any(|c| c.is_control());
    if plain {
        v.to_string()
    } else {
        quoted(v)
    }
}

fn quoted(v: &str) -> String {
    let mut s = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => s.push_str(&format!("\\u{:04x}", c as u32)),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_valid_yaml_with_string_values() {
        let meta = Meta {
            doc_number: Some("聊政字〔2023〕25号".into()),
            issuer: Some("聊城市人民政府".into()),
            addressee: Some("各县(市、区)人民政府,市属开发区管委会: \"甲\"\\乙".into()),
            signed: Some("2023-12-30".into()),
            note: Some("此件公开发布".into()),
            ..Meta::default()
        };
        let fm = render(
            &meta,
            "关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见",
        );
        let yaml = fm.trim_start_matches("---\n").trim_end_matches("---\n");
        let v: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(v["signed"].as_str(), Some("2023-12-30"));
        assert_eq!(
            v["addressee"].as_str(),
            Some("各县(市、区)人民政府,市属开发区管委会: \"甲\"\\乙")
        );
        assert_eq!(
            v["title"].as_str(),
            Some("关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见")
        );
        assert!(fm.contains("\ndoc_number: 聊政字〔2023〕25号\n"));
    }
}
