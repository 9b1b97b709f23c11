//! Recognises the numbering at the start of a policy paragraph: `第一章`, `一、`, `（一）`,
//! `1.`/`1、`/`１．`, `第一条`, `（1）`, with half- or full-width punctuation and digits.

/// A numbering style. Which level each style sits at is decided per document by the order in
/// which the styles first appear, so `第一章 / 一、 / 1.` and `一、 / （一） / 1.` both work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    /// `第一部分`
    Part,
    Chapter,
    Section,
    CnComma,
    CnParen,
    Arabic,
    Article,
    ArabicParen,
    /// A word label with a number and a colon: `行动1：`, `——任务3：`, `专项行动二：`; the
    /// index is into [`LABEL_WORDS`], which also gives the nesting (行动 above 任务).
    Labelled(u8),
}

/// The words that label numbered actions and tasks in action plans (行动方案), outermost first:
/// `专项行动一：` / `行动1：` hold `任务n：` (or `举措n：`).
pub const LABEL_WORDS: [&str; 4] = ["专项行动", "行动", "举措", "任务"];

impl Style {
    /// The label shown for an item of this style, normalised to full-width punctuation.
    pub fn label(self, written: &str, ordinal: u32) -> String {
        match self {
            Style::Part | Style::Chapter | Style::Section | Style::Article => written.to_string(),
            Style::CnComma => format!("{}、", chinese_numeral(ordinal)),
            Style::CnParen => format!("（{}）", chinese_numeral(ordinal)),
            Style::Arabic => format!("{ordinal}."),
            Style::ArabicParen => format!("（{ordinal}）"),
            // `——任务1：` → `任务1`: the dash is a bullet and the colon punctuation.
            Style::Labelled(_) => written
                .trim_start_matches(is_label_dash)
                .trim_end_matches(['：', ':'])
                .to_string(),
        }
    }
}

/// The numbering found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbering {
    pub style: Style,
    pub ordinal: u32,
    /// The numbering as written, e.g. `第十五条`.
    pub written: String,
    /// Byte length of the numbering and the whitespace after it.
    pub len: usize,
}

/// Detects the numbering at the start of `text` (already stripped of Markdown heading marks).
pub fn detect(text: &str) -> Option<Numbering> {
    detect_di(text)
        .or_else(|| detect_labelled(text))
        .or_else(|| detect_cn_comma(text))
        .or_else(|| detect_paren(text))
        .or_else(|| detect_arabic(text))
}

fn numbering(style: Style, ordinal: u32, text: &str, end: usize) -> Option<Numbering> {
    let rest = &text[end..];
    let ws: usize = rest
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(char::len_utf8)
        .sum();
    Some(Numbering {
        style,
        ordinal,
        written: text[..end].to_string(),
        len: end + ws,
    })
}

/// `第一部分`, `第一章`, `第二节`, `第十五条`; also `第19条` (arabic digits, as 若干措施 number
/// their articles) and `第 1 0 条` / `第 一 章` (a PDF text layer keeps the letter-spacing of a
/// heading as spaces between its glyphs). The label drops those spaces: `第10条`.
fn detect_di(text: &str) -> Option<Numbering> {
    let mut rest = text.strip_prefix('第')?;
    let mut digits = String::new();
    // Digits of one kind, spaces allowed between the glyphs (never inside a running word: the
    // token must still end in 部分/章/节/条).
    let chinese = rest
        .trim_start_matches(is_glyph_space)
        .starts_with(is_chinese_digit);
    loop {
        let trimmed = rest.trim_start_matches(is_glyph_space);
        let Some(c) = trimmed.chars().next() else {
            break;
        };
        let digit = if chinese {
            is_chinese_digit(c)
        } else {
            to_ascii_digit(c).is_some()
        };
        if !digit {
            break;
        }
        digits.push(c);
        rest = &trimmed[c.len_utf8()..];
    }
    let value = if chinese {
        parse_chinese_numeral(&digits)?
    } else {
        parse_arabic(&digits).filter(|_| digits.chars().count() <= 3)?
    };
    let after = rest.trim_start_matches(is_glyph_space);
    let (style, marker) = if after.starts_with("部分") {
        (Style::Part, "部分")
    } else {
        match after.chars().next()? {
            '章' => (Style::Chapter, "章"),
            '节' => (Style::Section, "节"),
            '条' => (Style::Article, "条"),
            _ => return None,
        }
    };
    let end = text.len() - after.len() + marker.len();
    let mut n = numbering(style, value, text, end)?;
    n.written = format!("第{digits}{marker}");
    Some(n)
}

/// The spaces a text layer puts between the glyphs of a letter-spaced token (ASCII, no-break
/// and ideographic spaces; never a line break).
fn is_glyph_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{3000}')
}

/// The dash bullets written before a labelled task (`——任务1：`).
fn is_label_dash(c: char) -> bool {
    matches!(c, '—' | '－' | '-' | '─')
}

/// `行动1：`, `——任务12：`, `专项行动二:`: a label word, a number (arabic or Chinese) and a
/// colon, after an optional dash bullet.
fn detect_labelled(text: &str) -> Option<Numbering> {
    let body = text.trim_start_matches(is_label_dash);
    let dash_len = text.len() - body.len();
    let (index, word) = LABEL_WORDS
        .iter()
        .enumerate()
        .find(|(_, w)| body.starts_with(**w))?;
    let rest = &body[word.len()..];
    let digits: String = rest
        .chars()
        .take_while(|&c| to_ascii_digit(c).is_some() || is_chinese_digit(c))
        .collect();
    let value = parse_arabic(&digits).or_else(|| parse_chinese_numeral(&digits))?;
    let colon = rest[digits.len()..].chars().next()?;
    if !matches!(colon, '：' | ':') {
        return None;
    }
    let end = dash_len + word.len() + digits.len() + colon.len_utf8();
    numbering(Style::Labelled(index as u8), value, text, end)
}

/// `一、`; also `二 、` (a text layer's letter-spacing, as in `第 1 0 条`).
fn detect_cn_comma(text: &str) -> Option<Numbering> {
    let digits: String = text.chars().take_while(|&c| is_chinese_digit(c)).collect();
    let value = parse_chinese_numeral(&digits)?;
    let after = text[digits.len()..].trim_start_matches(is_glyph_space);
    if !after.starts_with('、') {
        return None;
    }
    let mut n = numbering(
        Style::CnComma,
        value,
        text,
        text.len() - after.len() + '、'.len_utf8(),
    )?;
    n.written = format!("{digits}、");
    Some(n)
}

/// `（一）`, `(一)`, `（1）`, `(1)`.
fn detect_paren(text: &str) -> Option<Numbering> {
    let open = text.chars().next()?;
    if open != '(' && open != '（' {
        return None;
    }
    let inner_start = open.len_utf8();
    let inner: String = text[inner_start..]
        .chars()
        .take_while(|&c| c != ')' && c != '）')
        .collect();
    if inner.is_empty() || inner.chars().count() > 4 {
        return None;
    }
    let close_at = inner_start + inner.len();
    let close = text[close_at..].chars().next()?;
    let end = close_at + close.len_utf8();
    if let Some(v) = parse_chinese_numeral(&inner) {
        return numbering(Style::CnParen, v, text, end);
    }
    if let Some(v) = parse_arabic(&inner) {
        return numbering(Style::ArabicParen, v, text, end);
    }
    None
}

/// `1.`, `1、`, `１．`, not `1.5` nor `2023年`.
fn detect_arabic(text: &str) -> Option<Numbering> {
    detect_arabic_then(text, false)
}

/// `11.121人才梯队项目`: arabic numbering directly followed by digits, which is a clause start
/// only where the numbering sequence expects it (the caller decides) and where the digits run
/// on into words. A number and nothing else (`4.42`, `9.16`, `4.2-5.5`: the cells of a table
/// flattened one per line, an area or a range) is no numbering, whatever came before it.
pub fn detect_followed_by_digits(text: &str) -> Option<Numbering> {
    detect_arabic_then(text, true).filter(|n| {
        let rest = &text[n.len..];
        let words = rest.trim_start_matches(|c: char| to_ascii_digit(c).is_some());
        rest.chars()
            .next()
            .is_some_and(|c| to_ascii_digit(c).is_some())
            && words.chars().next().is_some_and(is_cjk)
    })
}

/// A Chinese character (the unified ideographs and extension A).
pub(super) fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn detect_arabic_then(text: &str, digits_may_follow: bool) -> Option<Numbering> {
    let digits: String = text
        .chars()
        .take_while(|&c| to_ascii_digit(c).is_some())
        .collect();
    if digits.is_empty() || digits.chars().count() > 3 {
        return None;
    }
    let value = parse_arabic(&digits)?;
    let after = &text[digits.len()..];
    let sep = after.chars().next()?;
    if !matches!(sep, '.' | '．' | '、') {
        return None;
    }
    let rest = &after[sep.len_utf8()..];
    let next = rest.chars().next();
    if !digits_may_follow
        && next.is_some_and(|c| to_ascii_digit(c).is_some())
        && !starts_with_date(rest)
    {
        return None;
    }
    numbering(Style::Arabic, value, text, digits.len() + sep.len_utf8())
}

/// `2024年8月底前，…`: a schedule item opens with its date right after its number
/// (`1.2024年8月底前`, `2.2025年7月至…`, `3.2026年底前`). A year followed by a month or by
/// 底/前/起/至/内 is a date, never the decimals of a `1.5` or the run-on of `11.121`; a year that
/// opens a name (`2.2019年街镇（园区）…分解表`, a title in an attachment list) stays unread.
fn starts_with_date(text: &str) -> bool {
    let mut chars = text.chars();
    let year = (0..4).all(|_| chars.next().and_then(to_ascii_digit).is_some())
        && chars.next() == Some('年');
    let rest = chars.as_str();
    let month = rest
        .trim_start_matches(|c: char| to_ascii_digit(c).is_some())
        .starts_with('月')
        && rest.chars().next().and_then(to_ascii_digit).is_some();
    year && (month || rest.starts_with(['底', '前', '起', '至', '内']))
}

fn to_ascii_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn parse_arabic(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    let mut any = false;
    for c in s.chars() {
        v = v.checked_mul(10)?.checked_add(to_ascii_digit(c)?)?;
        any = true;
    }
    (any && v > 0).then_some(v)
}

fn is_chinese_digit(c: char) -> bool {
    "零〇一二三四五六七八九十百两".contains(c)
}

/// Parses Chinese numerals up to 999: `一`, `十`, `十一`, `二十三`, `一百零五`.
pub fn parse_chinese_numeral(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as u32)
            .or(match c {
                '〇' => Some(0),
                '两' => Some(2),
                _ => None,
            })
    };
    let mut total = 0u32;
    let mut current = 0u32;
    let mut seen_unit = false;
    for c in s.chars() {
        match c {
            '百' => {
                total += current.max(1) * 100;
                current = 0;
                seen_unit = true;
            }
            '十' => {
                total += current.max(1) * 10;
                current = 0;
                seen_unit = true;
            }
            _ => {
                let d = digit(c)?;
                if current != 0 && !seen_unit {
                    return None; // "一二" is not a number
                }
                current = d;
            }
        }
    }
    let v = total + current;
    (v > 0).then_some(v)
}

/// 1 → 一, 12 → 十二, 25 → 二十五.
pub fn chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let ones = if n.is_multiple_of(10) {
        ""
    } else {
        D[(n % 10) as usize]
    };
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{ones}"),
        20..=99 => format!("{}十{ones}", D[(n / 10) as usize]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style_of(s: &str) -> Option<(Style, u32)> {
        detect(s).map(|n| (n.style, n.ordinal))
    }

    #[test]
    fn recognises_every_numbering_variant() {
        assert_eq!(style_of("一、指导思想"), Some((Style::CnComma, 1)));
        assert_eq!(style_of("二 、支持范围"), Some((Style::CnComma, 2)));
        assert_eq!(style_of("（六）坚持产业兴卫"), Some((Style::CnParen, 6)));
        assert_eq!(style_of("(三)坚持人才兴卫"), Some((Style::CnParen, 3)));
        assert_eq!(style_of("1. 全力建设"), Some((Style::Arabic, 1)));
        assert_eq!(style_of("12、加强"), Some((Style::Arabic, 12)));
        assert_eq!(style_of("１．全角数字"), Some((Style::Arabic, 1)));
        assert_eq!(style_of("第十五条 本办法"), Some((Style::Article, 15)));
        assert_eq!(style_of("第二章 总则"), Some((Style::Chapter, 2)));
        assert_eq!(style_of("第三部分 保障措施"), Some((Style::Part, 3)));
        assert_eq!(style_of("第19条 对各乡镇"), Some((Style::Article, 19)));
        assert_eq!(style_of("第 1 0 条 鼓励"), Some((Style::Article, 10)));
        assert_eq!(style_of("第 一 章 总 则"), Some((Style::Chapter, 1)));
        assert_eq!(
            detect("第 1 0 条 鼓励").map(|n| n.written).as_deref(),
            Some("第10条")
        );
        assert_eq!(style_of("1.2024年8月底前，各区"), Some((Style::Arabic, 1)));
        assert_eq!(style_of("２．２０２５年７月至"), Some((Style::Arabic, 2)));
        assert_eq!(style_of("3.2026年底前，启动"), Some((Style::Arabic, 3)));
        assert_eq!(style_of("（1）细项"), Some((Style::ArabicParen, 1)));
        assert_eq!(style_of("(２)细项"), Some((Style::ArabicParen, 2)));
        assert_eq!(
            style_of("行动1：加强规划引领"),
            Some((Style::Labelled(1), 1))
        );
        assert_eq!(style_of("——任务12：推动"), Some((Style::Labelled(3), 12)));
        assert_eq!(style_of("专项行动二：整治"), Some((Style::Labelled(0), 2)));
        let n = detect("——任务12：推动").map(|n| n.style.label(&n.written, n.ordinal));
        assert_eq!(n.as_deref(), Some("任务12"));
    }

    #[test]
    fn ignores_numbers_that_are_not_numbering() {
        assert_eq!(style_of("2023年12月30日"), None);
        assert_eq!(style_of("1.5倍"), None);
        assert_eq!(style_of("1.2024亿元"), None);
        assert!(detect_followed_by_digits("11.121人才梯队项目").is_some());
        assert!(detect_followed_by_digits("4.42").is_none());
        assert!(detect_followed_by_digits("4.2-5.5").is_none());
        assert_eq!(
            style_of("2.2019年街镇（园区）生活垃圾分类目标任务分解表"),
            None
        );
        assert_eq!(style_of("（此件公开发布）"), None);
        assert_eq!(style_of("一二三"), None);
        assert_eq!(style_of("第一时间"), None);
        assert_eq!(style_of("第 1 名"), None);
        assert_eq!(style_of("第2023年"), None);
        assert_eq!(style_of("任务分工表"), None);
        assert_eq!(style_of("行动计划：2025年"), None);
    }

    #[test]
    fn parses_chinese_numerals() {
        assert_eq!(parse_chinese_numeral("十"), Some(10));
        assert_eq!(parse_chinese_numeral("二十三"), Some(23));
        assert_eq!(parse_chinese_numeral("一百零五"), Some(105));
        assert_eq!(chinese_numeral(25), "二十五");
        assert_eq!(chinese_numeral(10), "十");
    }
}
