//! Metadata form, with the validators `jiedu check` uses ([`formats`]): 文号 with 〔〕 and 号,
//! 索引号, 发文机关, 成文日期, and each interpretation's 发文单位.

use super::rules::{DOC_NUMBER, METADATA};
use super::source::{SourceText, DOC_NUMBER as DOC_KEY, INDEX_NUMBER, ISSUER, KIND, PUBLISHER};
use super::Finding;
use crate::load::formats;
use crate::model::Site;

pub fn check(site: &Site) -> Vec<Finding> {
    let mut out = Vec::new();
    for policy in &site.policies {
        let text = SourceText::read(&policy.source);
        let meta = &policy.meta;
        if let Some(n) = meta.doc_number.as_deref().map(str::trim) {
            if !n.is_empty() && !formats::is_doc_number(n) {
                let fix = match normalised_doc_number(n) {
                    Some(good) => format!("写作「{good}」：年份用六角括号〔〕，序号不加“第”、不编虚位，后加“号”。"),
                    None => "写成“机关代字〔年份〕序号号”，如 聊政字〔2023〕25号：年份用六角括号〔〕，序号不加“第”、不编虚位。".into(),
                };
                out.push(Finding::at(
                    DOC_NUMBER,
                    &policy.source,
                    text.key_line(DOC_KEY),
                    format!("文号「{n}」不符合公文格式"),
                    fix,
                ));
            }
        }
        match meta.index_number.as_deref().map(str::trim) {
            None | Some("") => out.push(Finding::at(
                METADATA,
                &policy.source,
                text.key_line(KIND),
                format!("政策《{}》没有填写索引号（index_number）", meta.title),
                "在 policy.md 中写 index_number，如 000014349/2017-00110（组织机构代码或统一社会信用代码/年份-五位流水号），与政府信息公开目录中的一致。",
            )),
            Some(n) if !formats::is_index_number(n) => out.push(index_form(&policy.source, &text, n)),
            _ => {}
        }
        if meta.issuer.trim().is_empty() {
            out.push(Finding::at(
                METADATA,
                &policy.source,
                text.key_line(ISSUER),
                format!("政策《{}》没有填写发文机关（issuer）", meta.title),
                "写发文机关的规范全称，如 聊城市人民政府，不用简称。",
            ));
        }
        if meta.signed.is_none() {
            out.push(Finding::at(
                METADATA,
                &policy.source,
                text.key_line(KIND),
                format!("政策《{}》没有填写成文日期（signed）", meta.title),
                "写 signed: \"YYYY-MM-DD\"，即文件落款的日期。",
            ));
        }
        for interp in &policy.interpretations {
            let text = SourceText::read(&interp.source);
            if let Some(n) = interp.index_number.as_deref().map(str::trim) {
                if !n.is_empty() && !formats::is_index_number(n) {
                    out.push(index_form(&interp.source, &text, n));
                }
            }
            if interp
                .publisher
                .as_deref()
                .is_none_or(|p| p.trim().is_empty())
            {
                out.push(Finding::at(
                    METADATA,
                    &interp.source,
                    text.key_line(PUBLISHER).max(text.key_line(KIND)),
                    format!("{}没有填写发文单位（publisher）", interp.kind.name()),
                    "写发布这篇解读的单位全称，如 聊城市卫生健康委员会。",
                ));
            }
        }
    }
    out
}

fn index_form(file: &std::path::Path, text: &SourceText, n: &str) -> Finding {
    Finding::at(
        METADATA,
        file,
        text.key_line(INDEX_NUMBER),
        format!("索引号「{n}」格式不对"),
        "索引号写作 前段码/年份-五位流水号，如 000014349/2017-00110 或 11371500MB2862800K/2024-00001。",
    )
}

/// The 文号 with the usual slips corrected (square or round brackets, `第`, leading zeros), if
/// that makes it well formed.
fn normalised_doc_number(n: &str) -> Option<String> {
    let mut s: String = n
        .chars()
        .map(|c| match c {
            '[' | '［' | '(' | '（' | '【' | '〖' => '〔',
            ']' | '］' | ')' | '）' | '】' | '〗' => '〕',
            other => other,
        })
        .collect();
    if let Some((head, serial)) = s.split_once('〕') {
        let serial = serial.trim_start_matches('第').trim_start_matches('0');
        let serial = if serial.ends_with('号') {
            serial.to_string()
        } else {
            format!("{serial}号")
        };
        s = format!("{head}〕{serial}");
    }
    formats::is_doc_number(&s).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::normalised_doc_number;

    #[test]
    fn corrects_the_usual_slips() {
        assert_eq!(
            normalised_doc_number("聊政字[2023]25号").as_deref(),
            Some("聊政字〔2023〕25号")
        );
        assert_eq!(
            normalised_doc_number("国办发（2017）第047号").as_deref(),
            Some("国办发〔2017〕47号")
        );
        assert_eq!(normalised_doc_number("无号文件"), None);
    }
}
