//! Word's automatic numbering (`word/numbering.xml`): the numbers a list shows are not in the
//! text, so they are rebuilt here from each level's format (`decimal`, `chineseCounting`,
//! enclosed forms…) and pattern (`%1、`, `（%1）`, `%1.%2`), counting the way Word does.

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::clause::numbering::chinese_numeral;

/// The deepest list level OOXML allows (`w:ilvl` is 0–8).
pub const MAX_LEVEL: u32 = 8;
/// The largest start value taken from a file: list numbers are counted from it, and no real
/// document numbers a list beyond this (a start of 4294967295 in upper Roman took 1 GB).
pub const MAX_START: u32 = 100_000;

/// A list level read from a file, or the reason it cannot be one.
pub fn level(value: &str) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(l) if l <= MAX_LEVEL => Ok(l),
        _ => Err(format!(
            "列表级别 w:ilvl=\"{}\" 超出 OOXML 允许的 0–{MAX_LEVEL}",
            shown(value)
        )),
    }
}

/// A start value read from a file, or the reason it cannot be one.
fn start(value: &str) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(v) if v <= MAX_START => Ok(v),
        _ => Err(format!(
            "列表起始编号 w:val=\"{}\" 超出 0–{MAX_START} 的范围",
            shown(value)
        )),
    }
}

/// A value from a file as shown in a message: at most 20 characters.
fn shown(value: &str) -> String {
    let mut s: String = value.chars().take(20).collect();
    if value.chars().count() > 20 {
        s.push('…');
    }
    s
}

/// Why `word/numbering.xml` could not be read.
#[derive(Debug)]
pub enum NumberingError {
    Xml(quick_xml::Error),
    /// A number outside the format's range, said in Chinese.
    OutOfRange(String),
}

impl From<quick_xml::Error> for NumberingError {
    fn from(e: quick_xml::Error) -> Self {
        NumberingError::Xml(e)
    }
}

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// The list definitions of a document and the counters of the lists read so far.
#[derive(Debug, Default)]
pub struct Numbering {
    /// abstractNumId → levels by ilvl.
    abstract_levels: HashMap<String, HashMap<u32, Level>>,
    /// numId → abstractNumId, with start overrides by ilvl.
    nums: HashMap<String, (String, HashMap<u32, u32>)>,
    /// numId → current counter per level.
    counters: HashMap<String, Vec<u32>>,
    /// Paragraphs whose number could not be rebuilt (unknown format or list).
    pub unknown: usize,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

impl Numbering {
    pub fn parse(xml: &str) -> Result<Numbering, NumberingError> {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut ilvl: Option<u32> = None;
        let mut override_lvl: Option<u32> = None;
        loop {
            let (e, is_end) = match reader.read_event()? {
                Event::Start(e) => (e.into_owned(), false),
                Event::Empty(e) => (e.into_owned(), true),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        "abstractNum" => abstract_id = None,
                        "num" => num_id = None,
                        "lvl" => ilvl = None,
                        "lvlOverride" => override_lvl = None,
                        _ => {}
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let val = attr(&e, "w:val");
            match e.local_name().as_ref() {
                "abstractNum" => abstract_id = attr(&e, "w:abstractNumId"),
                "num" => {
                    num_id = attr(&e, "w:numId");
                    if let Some(id) = &num_id {
                        n.nums.entry(id.clone()).or_default();
                    }
                }
                "abstractNumId" => {
                    if let (Some(id), Some(v)) = (&num_id, val) {
                        n.nums.entry(id.clone()).or_default().0 = v;
                    }
                }
                "lvlOverride" => {
                    override_lvl = attr(&e, "w:ilvl")
                        .map(|v| level(&v))
                        .transpose()
                        .map_err(NumberingError::OutOfRange)?;
                }
                "startOverride" => {
                    let v = val
                        .map(|v| start(&v))
                        .transpose()
                        .map_err(NumberingError::OutOfRange)?;
                    if let (Some(id), Some(l), Some(v)) = (&num_id, override_lvl, v) {
                        n.nums.entry(id.clone()).or_default().1.insert(l, v);
                    }
                }
                "lvl" if num_id.is_none() => {
                    ilvl = attr(&e, "w:ilvl")
                        .map(|v| level(&v))
                        .transpose()
                        .map_err(NumberingError::OutOfRange)?;
                    if let (Some(a), Some(l)) = (&abstract_id, ilvl) {
                        n.abstract_levels.entry(a.clone()).or_default().insert(
                            l,
                            Level {
                                start: 1,
                                ..Level::default()
                            },
                        );
                    }
                }
                name @ ("start" | "numFmt" | "lvlText") if num_id.is_none() => {
                    let (Some(a), Some(l), Some(v)) = (&abstract_id, ilvl, val) else {
                        continue;
                    };
                    let Some(level) = n.abstract_levels.get_mut(a).and_then(|m| m.get_mut(&l))
                    else {
                        continue;
                    };
                    match name {
                        "start" => level.start = start(&v).map_err(NumberingError::OutOfRange)?,
                        "numFmt" => level.format = v,
                        _ => level.text = v,
                    }
                }
                _ => {}
            }
            let _ = is_end;
        }
        Ok(n)
    }

    /// The number a paragraph of list `num_id` at level `ilvl` shows, e.g. `（三）`; counts it.
    pub fn next(&mut self, num_id: &str, ilvl: u32) -> Option<String> {
        if num_id == "0" {
            return None; // numbering switched off for this paragraph
        }
        if ilvl > MAX_LEVEL {
            self.unknown += 1; // the reader refuses such levels; never size counters by one
            return None;
        }
        let Some((abstract_id, overrides)) = self.nums.get(num_id) else {
            self.unknown += 1;
            return None;
        };
        let Some(levels) = self.abstract_levels.get(abstract_id) else {
            self.unknown += 1;
            return None;
        };
        let start_of = |l: u32| {
            overrides
                .get(&l)
                .copied()
                .or_else(|| levels.get(&l).map(|x| x.start))
                .unwrap_or(1)
        };
        let counters = self.counters.entry(num_id.to_string()).or_default();
        let i = ilvl as usize;
        if counters.len() <= i {
            for l in counters.len()..=i {
                // A level not yet used starts one below its start, so this paragraph shows it.
                counters.push(start_of(l as u32).saturating_sub(if l == i { 1 } else { 0 }));
            }
        }
        counters[i] = counters[i].saturating_add(1);
        counters.truncate(i + 1);
        let Some(level) = levels.get(&ilvl) else {
            self.unknown += 1;
            return None;
        };
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' {
                if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    chars.next();
                    let l = d.saturating_sub(1);
                    let value = counters.get(l as usize).copied().unwrap_or(1);
                    let format = levels.get(&l).map_or("decimal", |x| x.format.as_str());
                    match format_number(value, format) {
                        Some(s) => out.push_str(&s),
                        None => {
                            self.unknown += 1;
                            return None;
                        }
                    }
                    continue;
                }
            }
            out.push(c);
        }
        (!out.trim().is_empty() && level.format != "none").then_some(out)
    }
}

/// A counter in one of Word's number formats.
fn format_number(n: u32, format: &str) -> Option<String> {
    let enclosed = |first: char, max: u32| {
        (1..=max)
            .contains(&n)
            .then(|| char::from_u32(first as u32 + n - 1).map(String::from))
            .flatten()
    };
    match format {
        "decimal" | "decimalZero" if format == "decimalZero" && n < 10 => Some(format!("0{n}")),
        "decimal" | "decimalZero" => Some(n.to_string()),
        "decimalFullWidth" | "decimalFullWidth2" => Some(
            n.to_string()
                .chars()
                .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32))
                .collect(),
        ),
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand" => Some(chinese_numeral(n)),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => enclosed('①', 20),
        "decimalEnclosedParen" => enclosed('⑴', 20),
        "decimalEnclosedFullstop" => enclosed('⒈', 20),
        "ideographEnclosedCircle" => enclosed('㈠', 10),
        "lowerLetter" | "upperLetter" if (1..=26).contains(&n) => {
            let base = if format == "lowerLetter" { b'a' } else { b'A' };
            Some(((base + (n - 1) as u8) as char).to_string())
        }
        // Roman numerals are written up to 3999; beyond, the number is not rebuilt.
        "lowerRoman" | "upperRoman" if (1..=3999).contains(&n) => {
            let r = roman(n);
            Some(if format == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            })
        }
        "bullet" | "none" => Some(String::new()),
        _ => None,
    }
}

fn roman(mut n: u32) -> String {
    const T: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
 <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%4"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="3"/></w:lvlOverride></w:num>
</w:numbering>"#;

    #[test]
    fn rebuilds_chinese_decimal_and_enclosed_numbers_restarting_deeper_levels() {
        let mut n = Numbering::parse(XML).unwrap();
        let got: Vec<Option<String>> = [
            (0, "1"),
            (1, "1"),
            (2, "1"),
            (2, "1"),
            (3, "1"),
            (1, "1"),
            (2, "1"),
            (0, "1"),
            (1, "1"),
            (0, "2"),
            (5, "1"),
            (0, "0"),
        ]
        .iter()
        .map(|(l, id)| n.next(id, *l))
        .collect();
        let want = [
            "一、",
            "（一）",
            "1.",
            "2.",
            "①",
            "（二）",
            "1.",
            "二、",
            "（一）",
            "三、",
        ];
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.as_deref(), Some(w));
        }
        // A level without definition, and numbering switched off.
        assert_eq!(n.unknown, 1);
        assert_eq!(got[10], None);
        assert_eq!(got[11], None);
    }

    #[test]
    fn formats() {
        assert_eq!(
            format_number(12, "chineseCountingThousand").as_deref(),
            Some("十二")
        );
        assert_eq!(
            format_number(3, "decimalEnclosedParen").as_deref(),
            Some("⑶")
        );
        assert_eq!(format_number(7, "decimalFullWidth").as_deref(), Some("７"));
        assert_eq!(format_number(4, "upperRoman").as_deref(), Some("IV"));
        assert_eq!(format_number(1, "hebrew1"), None);
        assert_eq!(format_number(4000, "upperRoman"), None);
    }

    #[test]
    fn levels_and_starts_outside_the_format_are_refused() {
        assert_eq!(level("8"), Ok(8));
        assert!(level("9").is_err());
        assert!(level("4294967295").is_err());
        let xml = r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="4294967295"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum></w:numbering>"#;
        match Numbering::parse(xml) {
            Err(NumberingError::OutOfRange(m)) => {
                assert_eq!(m, "列表起始编号 w:val=\"4294967295\" 超出 0–100000 的范围")
            }
            other => panic!("{other:?}"),
        }
        let mut n = Numbering::default();
        assert_eq!(n.next("1", u32::MAX), None);
    }
}
