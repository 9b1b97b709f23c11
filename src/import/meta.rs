//! Recovers the front matter from the head and the end of a document: the issuing body's
//! masthead, the 文号, the title and the addressee line at the top; the signature, the date and
//! the `（此件公开发布）` note at the bottom. Lines used for metadata leave the body; everything
//! else stays where it is.

use crate::clause::numbering;

use super::source::{LineKind, SourceLine};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
    pub addressee: Option<String>,
    /// `YYYY-MM-DD`
    pub signed: Option<String>,
    pub note: Option<String>,
    /// Short lines in the head that are none of the above; they stay in the body.
    pub unplaced: Vec<(usize, String)>,
}

/// How many lines from the top may belong to the head, and from the end to the signature.
const HEAD_LINES: usize = 12;
const TAIL_LINES: usize = 12;
/// A line longer than this is body text, not a head line.
const HEAD_MAX_CHARS: usize = 60;

const DOC_TYPES: [&str; 27] = [
    "意见", "通知", "办法", "方案", "规定", "决定", "细则", "规划", "计划", "批复", "报告", "函",
    "纲要", "措施", "条例", "公告", "通告", "通报", "指引", "指南", "规则", "要点", "政策", "标准",
    "制度", "安排", "决议",
];
const ORG_SUFFIXES: [&str; 16] = [
    "人民政府",
    "政府",
    "委员会",
    "办公室",
    "办公厅",
    "管委会",
    "指挥部",
    "领导小组",
    "委",
    "局",
    "厅",
    "部",
    "院",
    "中心",
    "署",
    "会",
];

/// Takes the metadata lines out of `lines` (they become blanks) and returns what they said.
pub fn extract(lines: &mut [SourceLine]) -> Meta {
    let mut meta = Meta::default();
    let head_end = extract_head(lines, &mut meta);
    extract_tail(lines, head_end, &mut meta);
    meta
}

fn consume(l: &mut SourceLine) {
    l.text.clear();
    l.kind = LineKind::Blank;
}

/// Returns the index of the first line after the head.
fn extract_head(lines: &mut [SourceLine], meta: &mut Meta) -> usize {
    let nonblank: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_blank()).collect();
    let mut masthead: Option<String> = None;
    let mut title_prefix: Option<String> = None;
    let mut end = 0;
    for &i in nonblank.iter().take(HEAD_LINES) {
        let text = lines[i].text.clone();
        let chars = text.chars().count();
        if matches!(lines[i].kind, LineKind::TableRow(_)) || numbering::detect(&text).is_some() {
            break;
        }
        end = i + 1;
        if meta.doc_number.is_none() && chars <= HEAD_MAX_CHARS {
            if let Some((number, rest)) = find_doc_number(&text) {
                meta.doc_number = Some(number);
                if rest.is_empty() {
                    consume(&mut lines[i]);
                } else {
                    meta.unplaced.push((lines[i].line, rest.clone()));
                    lines[i].text = rest;
                }
                continue;
            }
        }
        if meta.title.is_some() && is_addressee(&text) {
            let a = text.trim_end_matches([':', '：']).trim();
            meta.addressee = Some(a.to_string());
            consume(&mut lines[i]);
            break;
        }
        if let Some(title) = meta.title.as_mut() {
            if !ends_with_doc_type(title) && ends_with_doc_type(&text) && chars <= 40 {
                title.push_str(&text);
                consume(&mut lines[i]);
                continue;
            }
        } else if let Some((prefix, title)) = title_of(&text) {
            title_prefix = prefix;
            meta.title = Some(title);
            consume(&mut lines[i]);
            // A title set on two lines (`上海市历史文化风貌区` / `和优秀历史建筑保护条例`): the
            // line right above, left unplaced, is its first half. Only with no blank line
            // between: a blank line sets off a head line the import did not recognise (a
            // document number typed `〔2019〕860 号` by pdftotext) from the title.
            let first_half = meta.unplaced.last().filter(|(line, head)| {
                i.checked_sub(1)
                    .is_some_and(|p| !lines[p].is_blank() && lines[p].line == *line)
                    && head.chars().count() + chars <= 80
                    && !has_sentence_punctuation(head)
                    && !ends_with_doc_type(head)
                    && org_name(head).is_none()
                    && find_doc_number(head).is_none()
                    && !head.starts_with(['附', '(', '（', '【', '['])
            });
            if let Some((line, head)) = first_half.cloned() {
                meta.unplaced.pop();
                meta.title = meta.title.take().map(|t| format!("{head}{t}"));
                if let Some(p) = lines.iter().position(|l| l.line == line) {
                    consume(&mut lines[p]);
                }
            }
            continue;
        } else if masthead.is_none() {
            if let Some(org) = org_name(&text) {
                masthead = Some(org);
                consume(&mut lines[i]);
                continue;
            }
        }
        if chars > HEAD_MAX_CHARS || text.ends_with('。') {
            end = i;
            break;
        }
        meta.unplaced.push((lines[i].line, text));
    }
    meta.issuer = masthead.or(title_prefix);
    end
}

fn extract_tail(lines: &mut [SourceLine], start: usize, meta: &mut Meta) {
    let nonblank: Vec<usize> = (start..lines.len())
        .filter(|&i| lines[i].kind == LineKind::Text || lines[i].kind == LineKind::Heading)
        .collect();
    let tail = &nonblank[nonblank.len().saturating_sub(TAIL_LINES)..];
    let date_at = tail
        .iter()
        .rposition(|&i| parse_date(&lines[i].text).is_some());
    if let Some(k) = date_at {
        let i = tail[k];
        meta.signed = parse_date(&lines[i].text);
        consume(&mut lines[i]);
        let mut signers = Vec::new();
        for &j in tail[..k].iter().rev().take(3) {
            match org_name(&lines[j].text) {
                Some(org) => {
                    signers.push(org);
                    consume(&mut lines[j]);
                }
                None => break,
            }
        }
        if !signers.is_empty() {
            signers.reverse();
            meta.issuer = Some(signers.join("、"));
        }
    }
    for &i in tail {
        if let Some(note) = note_of(&lines[i].text) {
            meta.note = Some(note);
            consume(&mut lines[i]);
            break;
        }
    }
}

/// `聊政字〔2023〕25号` (also with `[]`, `［］`, `()`, `（）`, `【】`) → normalised to `〔〕`, and what
/// else the line holds.
pub fn find_doc_number(text: &str) -> Option<(String, String)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(open_at, open)) in chars.iter().enumerate() {
        if !"〔[［(（【".contains(open) {
            continue;
        }
        let year: String = chars[k + 1..]
            .iter()
            .take(4)
            .filter_map(|&(_, c)| ascii_digit(c))
            .collect();
        if year.len() != 4 {
            continue;
        }
        let Some(&(_, close)) = chars.get(k + 5) else {
            continue;
        };
        if !"〕]］)）】".contains(close) {
            continue;
        }
        let serial: String = chars[k + 6..]
            .iter()
            .map_while(|&(_, c)| ascii_digit(c))
            .collect();
        // PDF text often sets a space between the serial and `号` (`〔2024〕34 号`).
        let after_serial = k + 6 + serial.chars().count();
        let hao = after_serial
            + chars[after_serial..]
                .iter()
                .take_while(|&&(_, c)| c == ' ')
                .count();
        if serial.is_empty() || chars.get(hao).map(|&(_, c)| c) != Some('号') {
            continue;
        }
        let prefix_start = chars[..k]
            .iter()
            .rev()
            .take_while(|&&(_, c)| is_cjk(c))
            .last()
            .map_or(open_at, |&(i, _)| i);
        let prefix = &text[prefix_start..open_at];
        let mut end = chars.get(hao + 1).map_or(text.len(), |&(i, _)| i);
        let mut prefix_start = prefix_start;
        // `（医保发〔2025〕14号）`: the brackets around the number go with it.
        let before = text[..prefix_start].chars().next_back();
        let after = text[end..].chars().next();
        if let (Some(b @ ('（' | '(')), Some(a @ ('）' | ')'))) = (before, after) {
            prefix_start -= b.len_utf8();
            end += a.len_utf8();
        }
        let rest = format!("{}{}", &text[..prefix_start], &text[end..]);
        return Some((
            format!("{prefix}〔{year}〕{serial}号"),
            rest.trim().to_string(),
        ));
    }
    None
}

fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn ends_with_doc_type(text: &str) -> bool {
    let t = text.trim_end_matches(['》', '”', '」']);
    DOC_TYPES.iter().any(|d| t.ends_with(d))
}

fn has_sentence_punctuation(text: &str) -> bool {
    text.contains(['，', '。', ',', '；', ';', '：', ':'])
}

/// Whether `text` reads as a document's title line (`关于…的通知`, `…管理办法`).
pub fn is_title(text: &str) -> bool {
    title_of(text).is_some()
}

/// A title line, with the issuing body written in front of `关于` split off.
fn title_of(text: &str) -> Option<(Option<String>, String)> {
    if text.chars().count() > 80 || text.ends_with(['。', '：', ':']) {
        return None;
    }
    if let Some(p) = text.find("关于") {
        let prefix = text[..p].trim();
        if prefix.is_empty() {
            return Some((None, text.to_string()));
        }
        if let Some(org) = org_name(prefix) {
            return Some((Some(org), text[p..].trim().to_string()));
        }
        return Some((None, text.to_string()));
    }
    (ends_with_doc_type(text) && !has_sentence_punctuation(text)).then(|| (None, text.to_string()))
}

/// `聊城市人民政府`, `聊城市人民政府文件` → `聊城市人民政府`.
fn org_name(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t.strip_suffix("文件").unwrap_or(t).trim();
    let ok = !t.is_empty()
        && t.chars().count() <= 30
        && !has_sentence_punctuation(t)
        && !t.chars().any(|c| c.is_ascii_digit())
        && ORG_SUFFIXES.iter().any(|s| t.ends_with(s));
    ok.then(|| t.to_string())
}

fn is_addressee(text: &str) -> bool {
    text.ends_with([':', '：']) && text.chars().count() <= 200 && !text.contains('。')
}

/// `（此件公开发布）` → `此件公开发布`.
fn note_of(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t
        .strip_prefix(['(', '（'])
        .and_then(|s| s.strip_suffix([')', '）']))
        .unwrap_or(t)
        .trim();
    (inner.starts_with("此件") && inner.chars().count() <= 20).then(|| inner.to_string())
}

/// Longest tail of a line that may hold a signature's date (`2024 年 12 月 18 日`).
const DATE_TAIL_CHARS: usize = 16;

/// `国家医疗保障局 2025年5月28日`, `2024 年 12 月 18 日`: a signature's line, a date alone or
/// after the issuers' names and a space (a sentence that a line break cuts after a date has
/// other words before it).
pub fn ends_with_date(text: &str) -> bool {
    let t = text.trim_end();
    // Only the starts of the line's last few characters can begin its date: the names before
    // them are read only there (this runs for every line the import may join).
    t.char_indices()
        .rev()
        .take(DATE_TAIL_CHARS)
        .filter(|&(i, _)| {
            let head = &t[..i];
            // The issuers before the date: organs' names (`…办公厅`, `…综合司`) and spaces.
            head.is_empty()
                || head.ends_with([' ', '\u{3000}'])
                    && head
                        .split_whitespace()
                        .all(|name| org_name(name).is_some() || name.ends_with('司'))
        })
        .any(|(i, _)| parse_date(&t[i..]).is_some())
}

/// `2023年12月30日`, `２０２３年１２月３０日`, `二〇二三年十二月三十日` → `2023-12-30`.
pub fn parse_date(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let year: String = y
        .chars()
        .map(|c| {
            ascii_digit(c).or_else(|| {
                "〇一二三四五六七八九"
                    .chars()
                    .position(|x| x == c)
                    .or((c == '零').then_some(0))
                    .and_then(|p| char::from_digit(p as u32, 10))
            })
        })
        .collect::<Option<String>>()?;
    let small = |s: &str| -> Option<u32> {
        let ascii: Option<String> = s.chars().map(ascii_digit).collect();
        match ascii {
            Some(a) if !a.is_empty() => a.parse().ok(),
            _ => numbering::parse_chinese_numeral(s),
        }
    };
    let (month, day) = (small(m)?, small(d)?);
    let ok = year.len() == 4 && (1..=12).contains(&month) && (1..=31).contains(&day);
    ok.then(|| format!("{year}-{month:02}-{day:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::source::text_lines;

    #[test]
    fn finds_doc_numbers_in_any_bracket() {
        assert_eq!(
            find_doc_number("聊政字〔2023〕25号"),
            Some(("聊政字〔2023〕25号".into(), String::new()))
        );
        assert_eq!(
            find_doc_number("鲁政办发[2024]３号   签发人：张三"),
            Some(("鲁政办发〔2024〕3号".into(), "签发人：张三".into()))
        );
        assert_eq!(find_doc_number("2023年12月30日"), None);
        assert_eq!(
            find_doc_number("（医保办发〔2024〕34 号）"),
            Some(("医保办发〔2024〕34号".into(), String::new()))
        );
    }

    #[test]
    fn a_signature_line_ends_with_its_date_and_a_sentence_does_not() {
        assert!(ends_with_date("2024 年 12 月 18 日"));
        assert!(ends_with_date(
            "国家卫生健康委办公厅 国家中医药局综合司 2024年10月28日"
        ));
        // A sentence broken after a date, even with a PDF's space before it.
        assert!(!ends_with_date("各区要在 2025年6月30日"));
        assert!(!ends_with_date("完成改造，于 2025年6月30日"));
        assert!(!ends_with_date("到2025年年底建成"));
    }

    #[test]
    fn parses_dates_in_arabic_and_chinese_numerals() {
        assert_eq!(parse_date("2023年12月30日"), Some("2023-12-30".into()));
        assert_eq!(parse_date("二〇二四年一月五日"), Some("2024-01-05".into()));
        assert_eq!(parse_date("2023年13月1日"), None);
        assert_eq!(parse_date("到2025年年底建成"), None);
    }

    #[test]
    fn reads_head_and_signature_of_the_seed_shape() {
        let text = "\
# 聊城市人民政府

聊政字〔2023〕25号

## 聊城市人民政府 关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见

各县(市、区)人民政府,市属开发区管委会,市政府有关部门、直属机构:

为加快推进……提出以下意见。

一、指导思想

聊城市人民政府

2023年12月30日

(此件公开发布)
";
        let mut lines = text_lines(text);
        let meta = extract(&mut lines);
        assert_eq!(
            meta.title.as_deref(),
            Some("关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见")
        );
        assert_eq!(meta.doc_number.as_deref(), Some("聊政字〔2023〕25号"));
        assert_eq!(meta.issuer.as_deref(), Some("聊城市人民政府"));
        assert_eq!(
            meta.addressee.as_deref(),
            Some("各县(市、区)人民政府,市属开发区管委会,市政府有关部门、直属机构")
        );
        assert_eq!(meta.signed.as_deref(), Some("2023-12-30"));
        assert_eq!(meta.note.as_deref(), Some("此件公开发布"));
        assert!(meta.unplaced.is_empty(), "{:?}", meta.unplaced);
        let left: Vec<_> = lines
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(left, vec!["为加快推进……提出以下意见。", "一、指导思想"]);
    }
}
