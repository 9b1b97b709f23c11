//! How text is cut into search tokens. Chinese is indexed as overlapping pairs of characters
//! (bigrams), the way Lucene's CJK analyzer does it: no dictionary to keep up to date, no
//! word the segmenter splits differently at index and query time, and every substring of two
//! or more characters is found by asking for all of its pairs. Letters and digits are kept
//! as whole words.
//!
//! The browser engine (`engine.js`) cuts queries by the same rules; `tests/search.rs` holds
//! the two together.

/// Folds full-width ASCII to half-width, ASCII capitals to lower case and Traditional
/// characters to Simplified ones. Every folded character has the same UTF-16 length as the
/// original, so positions in folded text are positions in the original: the engine marks
/// excerpts by them.
pub fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)
            .unwrap_or(c)
            .to_ascii_lowercase(),
        '\u{3000}' => ' ',
        '\u{3400}'..='\u{FFFF}' => simplified(c),
        _ => c.to_ascii_lowercase(),
    }
}

/// The Simplified form of a Traditional character, or the character itself.
fn simplified(c: char) -> char {
    let table = SIMPLIFIED.get_or_init(simplified_table);
    match table.get(c as usize - FIRST_HAN as usize) {
        Some(&s) if s != 0 => char::from_u32(s.into()).unwrap_or(c),
        _ => c,
    }
}

const FIRST_HAN: u32 = 0x3400;
static SIMPLIFIED: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();

/// One entry per character from U+3400 to U+FFFF: its Simplified form, or 0. Read from
/// fast2s one character at a time, so the fold is the same wherever a character stands
/// (the engine folds queries character by character too) and keeps only one-to-one
/// mappings within the Basic Multilingual Plane.
fn simplified_table() -> Vec<u16> {
    (FIRST_HAN..=0xFFFF)
        .map(|cp| {
            let Some(c) = char::from_u32(cp).filter(|&c| is_han(c)) else {
                return 0;
            };
            let mut buf = [0u8; 4];
            let s = fast2s::convert(c.encode_utf8(&mut buf));
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(t), None) if t != c && is_han(t) && (t as u32) <= 0xFFFF => t as u16,
                _ => 0,
            }
        })
        .collect()
}

/// Every Traditional → Simplified pair the fold applies whose Simplified side `keep`s, in
/// code point order: the engine receives those of the site's characters with the index.
pub fn simplified_pairs(keep: impl Fn(char) -> bool) -> Vec<(char, char)> {
    let table = SIMPLIFIED.get_or_init(simplified_table);
    table
        .iter()
        .enumerate()
        .filter_map(|(i, &s)| {
            let t = char::from_u32(FIRST_HAN + i as u32)?;
            let s = char::from_u32(s.into()).filter(|_| s != 0)?;
            keep(s).then_some((t, s))
        })
        .collect()
}

/// Chinese characters (CJK unified ideographs, their extensions and compatibility forms).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// One token of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// Two adjacent Chinese characters.
    Pair(char, char),
    /// A Chinese character on its own: one standing alone, or the last of a run, so that a
    /// one-character query finds every place the character occurs (as the first of a pair or
    /// as this).
    Single(char),
    /// A run of letters or digits, folded.
    Word(&'a str),
}

impl Token<'_> {
    /// A compact key for a Chinese token; words have none.
    pub fn han_key(&self) -> Option<u64> {
        match *self {
            Token::Pair(a, b) => Some(((a as u64) << 21) | b as u64),
            Token::Single(a) => Some((a as u64) << 21),
            Token::Word(_) => None,
        }
    }
}

/// The text a [`Token::Pair`]/[`Token::Single`] key stands for.
pub fn han_text(key: u64) -> String {
    let a = char::from_u32((key >> 21) as u32);
    let b = char::from_u32((key & 0x1F_FFFF) as u32).filter(|&c| c != '\0');
    a.into_iter().chain(b).collect()
}

/// Calls `each` for every token of `folded` (text already passed through [`fold`]).
pub fn for_each_token<'a>(folded: &'a str, mut each: impl FnMut(Token<'a>)) {
    let mut prev_han: Option<char> = None;
    let mut word_start: Option<usize> = None;
    for (i, c) in folded.char_indices() {
        let han = is_han(c);
        if han {
            if let Some(p) = prev_han {
                each(Token::Pair(p, c));
            }
            prev_han = Some(c);
        } else if let Some(p) = prev_han.take() {
            each(Token::Single(p));
        }
        // A Chinese character is no letter of a word: asked first, the Unicode tables (a
        // slow lookup for every character outside ASCII) are read only for the others.
        if !han && is_word_char(c) {
            word_start.get_or_insert(i);
        } else if let Some(s) = word_start.take() {
            each(Token::Word(&folded[s..i]));
        }
    }
    if let Some(p) = prev_han {
        each(Token::Single(p));
    }
    if let Some(s) = word_start {
        each(Token::Word(&folded[s..]));
    }
}

/// `c.is_alphanumeric()`, answered without the Unicode tables for ASCII and for the
/// punctuation of Chinese text (、。《》「」【】—…“”), which is most of what is not Chinese in a
/// policy: the table lookup for each of those was about a tenth of the tokenizer.
fn is_word_char(c: char) -> bool {
    match c {
        '\0'..='\u{7F}' => c.is_ascii_alphanumeric(),
        '\u{2010}'..='\u{2027}' | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' => false,
        '\u{3014}'..='\u{301F}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// `text` folded, ready for [`for_each_token`].
pub fn folded(text: &str) -> String {
    text.chars().map(fold).collect()
}

/// The tokens the index holds for `text`, as the engine looks them up.
pub fn token_texts(text: &str) -> Vec<String> {
    let f = folded(text);
    let mut out = Vec::new();
    for_each_token(&f, |t| {
        out.push(match t {
            Token::Pair(a, b) => format!("{a}{b}"),
            Token::Single(a) => a.to_string(),
            Token::Word(w) => w.to_string(),
        })
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        token_texts(text)
    }

    #[test]
    fn chinese_is_cut_into_pairs_with_the_last_character_alone() {
        assert_eq!(tokens("购房补贴"), ["购房", "房补", "补贴", "贴"]);
        assert_eq!(tokens("县、区"), ["县", "区"]);
    }

    #[test]
    fn words_and_numbers_are_whole_and_folded() {
        assert_eq!(
            tokens("１５分钟健康服务圈 CT"),
            ["15", "分钟", "钟健", "健康", "康服", "服务", "务圈", "圈", "ct"]
        );
        assert_eq!(tokens("2025年"), ["2025", "年"]);
        assert_eq!(tokens("ＣＴ检查"), ["ct", "检查", "查"]);
    }

    #[test]
    fn keys_give_back_their_text() {
        let f = folded("积水潭");
        let mut keys = Vec::new();
        for_each_token(&f, |t| keys.extend(t.han_key()));
        let texts: Vec<String> = keys.into_iter().map(han_text).collect();
        assert_eq!(texts, ["积水", "水潭", "潭"]);
    }

    #[test]
    fn traditional_characters_fold_to_simplified() {
        assert_eq!(folded("積水潭醫院"), "积水潭医院");
        assert_eq!(tokens("購房補貼"), tokens("购房补贴"));
        assert_eq!(folded("聊城市"), "聊城市");
    }

    #[test]
    fn word_characters_are_the_alphanumeric_ones() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn folding_keeps_utf16_lengths() {
        for c in ['Ａ', '１', '　', 'Z', '中', '𠀀', '醫', '衛'] {
            assert_eq!(c.len_utf16(), fold(c).len_utf16(), "{c}");
        }
    }
}
