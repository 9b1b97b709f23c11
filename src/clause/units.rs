//! Unit notes: who leads and who takes part in a task. Real documents write them in many forms,
//! all handled here:
//!
//! - labelled: `（牵头单位：X；责任单位：Y、Z）`, roles separated by `；`, `，` or spaces, any label
//!   ending in 单位/部门/机构 (`负责部门`, `配合单位`, `协办单位`, `主责单位`…), kept as written;
//!   other fields (`适用范围：…`) are remarks, not units;
//! - verbs: `（X牵头，Y配合）`, `（X、Y负责）`, `（X，Y按职责分工负责）`, `（X指导，Y参与）`;
//! - a paragraph of its own: `责任单位：X、Y`;
//! - a lead named by a rule the document states once: `排在第一位的部门为牵头部门`,
//!   `第一个逗号前为牵头单位`, `带*的为牵头单位`.
//!
//! Names are split at bracket depth 0, so `各县〔市、区〕人民政府` stays whole.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Lead,
    Responsible,
    /// `指导`: ministries that guide the work; neither lead nor responsible.
    Guide,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitGroup {
    /// The role word as the document writes it: a label (`牵头部门`) or a verb (`负责`).
    pub label: String,
    /// True when `label` is a verb of the note (`X牵头，Y配合`) rather than a label before `：`.
    pub verb: bool,
    pub role: Role,
    pub names: Vec<String>,
    /// How many names each `，`-separated run holds (for "第一个逗号前为牵头单位").
    #[serde(skip)]
    pub runs: Vec<usize>,
}

/// A rule that names the lead of every later note, stated once in a note or the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadRule {
    /// `排在第一位的部门为牵头部门`, `列第一位者为牵头单位`.
    FirstListed(String),
    /// `第一个逗号前为牵头单位`.
    BeforeFirstComma(String),
    /// `带*的为牵头单位`.
    Starred(String),
}

/// A unit note found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Byte range of the note in the text, brackets included.
    pub start: usize,
    pub end: usize,
    pub groups: Vec<UnitGroup>,
    /// A lead rule this note states.
    pub rule: Option<LeadRule>,
    /// Names that cannot be unit names (too long, sentence punctuation), left out.
    pub rejected: Vec<String>,
    /// Sentences of the note (after a `。`) that could not be read as a role field or a rule:
    /// they may name units, so the caller warns.
    pub unread: Vec<String>,
}

const OPEN: [char; 6] = ['（', '(', '〔', '【', '［', '['];
const CLOSE: [char; 6] = ['）', ')', '〕', '】', '］', ']'];
/// Brackets that only nest inside a name, never open a note.
const INNER_OPEN: [char; 2] = ['〈', '《'];
const INNER_CLOSE: [char; 2] = ['〉', '》'];

/// Suffixes of a role label (`牵头单位`, `负责部门`, `协办机构`).
const LABEL_ENDINGS: [&str; 4] = ["单位", "部门", "机构", "处室"];
const MAX_LABEL_CHARS: usize = 6;
/// Role verbs, longest first so `牵头负责` wins over `负责`. The manner words `按职责分工`,
/// `按职责` are stripped like verbs, so `A按职责分工牵头负责` reads A with the verb as written.
const VERBS: [&str; 18] = [
    "按职责分工负责",
    "按职责分工落实",
    "按职责分工",
    "按职责",
    "牵头负责",
    "负责落实",
    "组织落实",
    "组织配合",
    "共同负责",
    "分别负责",
    "配合落实",
    "牵头",
    "负责",
    "配合",
    "参与",
    "协助",
    "协办",
    "指导",
];
/// Longer than any real department name (`江北水城旅游度假区管委会` has 12 characters).
pub const MAX_UNIT_CHARS: usize = 24;

fn role_of(word: &str) -> Role {
    if word.contains("牵头") || word.contains("主责") || word.contains("主办") {
        Role::Lead
    } else if word.contains("指导") {
        Role::Guide
    } else {
        Role::Responsible
    }
}

/// What a role label says of its units: who leads, answers for, supports or carries out the
/// work. A name ending in 机构/单位 without one (`协调监管机构：`, `复核机构：`, `发布机构：`) names a
/// body — its duties or a page field follow the colon, not units.
const LABEL_ROLES: [&str; 16] = [
    "牵头", "责任", "配合", "负责", "支撑", "实施", "主办", "协办", "主责", "参与", "承办", "协同",
    "协助", "主管", "落实", "联系",
];

fn is_role_label(label: &str) -> bool {
    let n = label.chars().count();
    (3..=MAX_LABEL_CHARS).contains(&n)
        && LABEL_ENDINGS.iter().any(|e| label.ends_with(e))
        && LABEL_ROLES.iter().any(|r| label.contains(r))
        && label
            .chars()
            .all(|c| !c.is_ascii() && !is_punct(c) && !OPEN.contains(&c) && !CLOSE.contains(&c))
}

fn is_punct(c: char) -> bool {
    "。，、；：！？“”‘’「」\"'.,;:!?".contains(c)
}

/// `label：` at the start of `s`: the label, and the text after the colon.
fn split_label(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let (label, rest) = s.split_once([':', '：'])?;
    let label = label.trim();
    (label.chars().count() <= 8 && !label.is_empty() && !label.contains(is_punct))
        .then_some((label, rest))
}

/// Every closed unit note in `text`, in order. Brackets that hold no note are skipped.
pub fn find_notes(text: &str) -> Vec<Note> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((rel, c)) = text[i..].char_indices().find(|(_, c)| OPEN.contains(c)) {
        let start = i + rel;
        let inner_start = start + c.len_utf8();
        match matching_close(text, inner_start) {
            Some(close) => {
                let end = close + next_char_len(text, close);
                if let Some(note) = parse_inner(&text[inner_start..close], start, end) {
                    out.push(note);
                    i = end;
                } else {
                    i = inner_start;
                }
            }
            None => i = inner_start,
        }
    }
    out
}

/// Brackets in `text` that read like a unit note but could not be read as one: they hold
/// `牵头`, start with a role label (`责任单位：`) or end in a role verb (`…组织落实`). Their
/// units would otherwise be lost in silence.
pub fn unread_role_brackets(text: &str) -> Vec<String> {
    const MAX_NOTE_CHARS: usize = 120;
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((rel, c)) = text[i..].char_indices().find(|(_, c)| OPEN.contains(c)) {
        let start = i + rel;
        let inner_start = start + c.len_utf8();
        i = inner_start;
        let Some(close) = matching_close(text, inner_start) else {
            continue;
        };
        let end = close + next_char_len(text, close);
        let inner = text[inner_start..close].trim();
        if parse_inner(inner, start, end).is_some() {
            i = end;
            continue;
        }
        let role_like = inner.contains("牵头")
            || split_label(inner).is_some_and(|(l, _)| is_role_label(l))
            || strip_verbs(inner.trim_end_matches(['。', '.'])).is_some_and(|(n, _)| !n.is_empty());
        if role_like && inner.chars().count() <= MAX_NOTE_CHARS {
            out.push(text[start..end].to_string());
            i = end;
        }
    }
    out
}

fn next_char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(0, char::len_utf8)
}

/// Byte offset of the bracket closing the one opened just before `from`.
fn matching_close(text: &str, from: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[from..].char_indices() {
        if OPEN.contains(&c) || INNER_OPEN.contains(&c) {
            depth += 1;
        } else if CLOSE.contains(&c) || INNER_CLOSE.contains(&c) {
            if depth == 0 {
                return Some(from + i);
            }
            depth -= 1;
        }
    }
    None
}

/// A note opened with a role label and never closed, e.g. `（牵头单位：市财政局` at the end of
/// a paragraph: byte offset of its bracket.
pub fn unclosed_note_start(text: &str) -> Option<usize> {
    let mut found = None;
    for (i, c) in text.char_indices() {
        if !OPEN.contains(&c) {
            continue;
        }
        let inner = i + c.len_utf8();
        if matching_close(text, inner).is_some() {
            continue;
        }
        if split_label(&text[inner..]).is_some_and(|(l, _)| is_role_label(l)) {
            found = Some(i);
            break;
        }
    }
    found
}

/// A paragraph that is only a note, without brackets: `责任单位：市科技局、市工信局，各区县（市）政府`.
pub fn own_line_note(text: &str) -> Option<Note> {
    let body = text.trim().trim_end_matches(['。', '.']);
    let (label, _) = split_label(body)?;
    if !is_role_label(label) {
        return None;
    }
    parse_inner(body, 0, text.len())
}

/// A bracket closing a paragraph after its last sentence that holds only a list of names, with
/// no label and no role word: `…予以指导和配合。（各街镇、区规划资源局、区土储中心）`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BareList {
    /// Every name is a well-formed unit name: the bracket is the clause's unit note, all its
    /// units responsible (nothing marks a lead).
    Note(Note),
    /// Some names read as units, others do not (`…`): it may be a note, so the caller warns
    /// and reads no units from it. Holds the bracket and the first name that is no unit.
    Doubtful(String, String),
}

/// The bare list of unit names closing `text`, if any (see [`BareList`]).
pub fn bare_list_note(text: &str) -> Option<BareList> {
    let body = text.trim_end().trim_end_matches(['。', '.']).trim_end();
    let close = body
        .char_indices()
        .last()
        .filter(|(_, c)| CLOSE.contains(c))?
        .0;
    // The opening bracket matching the closing one.
    let mut depth = 0usize;
    let mut start = None;
    for (i, c) in body[..close].char_indices().rev() {
        if CLOSE.contains(&c) || INNER_CLOSE.contains(&c) {
            depth += 1;
        } else if OPEN.contains(&c) || INNER_OPEN.contains(&c) {
            if depth == 0 {
                start = Some(i);
                break;
            }
            depth -= 1;
        }
    }
    let start = start?;
    // A note stands after a sentence (or alone); a bracket right after a word explains that
    // word (`市场主体（企业、个体工商户）`).
    let before = body[..start].trim_end();
    if !(before.is_empty() || before.ends_with(['。', '；', '！', '？', '.', ';'])) {
        return None;
    }
    let inner_start = start + next_char_len(body, start);
    let inner = body[inner_start..close].trim();
    if inner.is_empty() || inner.contains(['：', ':', '。']) {
        return None;
    }
    let raw = body[start..close + next_char_len(body, close)].to_string();
    let mut note = parse_inner(
        &format!("{BARE_LABEL}：{inner}"),
        start,
        close + next_char_len(body, close),
    )?;
    if note.rule.is_some() || !note.unread.is_empty() {
        return None;
    }
    let names: Vec<String> = note.groups.iter().flat_map(|g| g.names.clone()).collect();
    let bad = note
        .rejected
        .iter()
        .chain(names.iter())
        .find(|n| super::unit_name::doubt(n).is_some())
        .cloned();
    let good = names
        .iter()
        .filter(|n| super::unit_name::doubt(n).is_none())
        .count();
    match bad {
        None if good > 0 => {
            for g in &mut note.groups {
                g.label = String::new();
                g.role = Role::Responsible;
            }
            Some(BareList::Note(note))
        }
        Some(bad) if good > 0 => Some(BareList::Doubtful(raw, bad)),
        _ => None,
    }
}

/// The label a bare list is read under (it is dropped from the groups afterwards).
const BARE_LABEL: &str = "责任单位";

/// Parses what is inside a note's brackets; `None` when it is not a unit note.
pub fn parse_inner(inner: &str, start: usize, end: usize) -> Option<Note> {
    let inner = inner.trim();
    let mut note = Note {
        start,
        end,
        groups: Vec::new(),
        rule: None,
        rejected: Vec::new(),
        unread: Vec::new(),
    };
    let sentences = split_top(inner, &['。']);
    // A rule may follow in the same sentence or a later one.
    for s in &sentences {
        for piece in split_top(s, &['，', ',', '；', ';']) {
            if let Some(rule) = lead_rule(piece) {
                note.rule = Some(rule);
            }
        }
    }
    let first = sentences.first().copied().unwrap_or("");
    let labelled = split_label(first).is_some_and(|(l, _)| is_role_label(l));
    if labelled {
        parse_labelled(first, &mut note);
    } else {
        parse_verbs(first, &mut note)?;
    }
    // `（牵头单位：A。配合单位：B）`: fields may end in a full stop like sentences; each later
    // sentence is read as a field of its own, and one that is neither a field nor a rule is
    // named rather than dropped.
    for s in sentences.iter().skip(1) {
        let s = s.trim();
        if s.is_empty()
            || split_top(s, &['，', ',', '；', ';'])
                .iter()
                .all(|p| is_rule_remark(p))
        {
            continue;
        }
        // `时间节点：2025年3月`, `适用范围：…`: a field that is no role holds no units.
        const ROLE_WORDS: [&str; 10] = [
            "牵头", "配合", "责任", "负责", "协办", "参与", "主办", "主责", "单位", "部门",
        ];
        if split_label(s)
            .is_some_and(|(l, _)| !is_role_label(l) && !ROLE_WORDS.iter().any(|w| l.contains(w)))
        {
            continue;
        }
        let before = note.groups.len();
        if split_label(s).is_some_and(|(l, _)| is_role_label(l)) {
            parse_labelled(s, &mut note);
        } else if !labelled {
            // Only a sentence read whole counts; a half-read one is named below.
            let mut more = Note {
                groups: Vec::new(),
                rule: None,
                rejected: Vec::new(),
                unread: Vec::new(),
                ..note
            };
            if parse_verbs(s, &mut more).is_some() && more.rejected.is_empty() {
                note.groups.extend(more.groups);
            }
        }
        if note.groups.len() == before {
            note.unread.push(s.to_string());
        }
    }
    // `（责任单位：*县人力社保局、县科技局）`: the star marks the lead even where the document
    // never states the rule.
    if note.rule.is_none() && inner.contains(['*', '＊', '★']) {
        note.mark_starred_lead(inner);
    }
    // A labelled note is one even when no name in it could be read: the caller warns.
    let any = note.groups.iter().any(|g| !g.names.is_empty());
    (any || labelled).then_some(note)
}

/// `牵头单位：X，配合单位：Y、Z；适用范围：…`.
fn parse_labelled(text: &str, note: &mut Note) {
    // None while inside a field that is not a role (`适用范围：…`).
    let mut current: Option<UnitGroup> = None;
    let mut in_remark = false;
    for segment in split_top(text, &['；', ';']) {
        for piece in split_top(segment, &['，', ',', ' ', '\u{3000}']) {
            let piece = piece.trim();
            if piece.is_empty() {
                continue;
            }
            // What follows a rule in its segment explains the rule (`多个牵头部门的…`).
            if is_rule_remark(piece) {
                if lead_rule(piece).is_some() || starts_rule(piece) {
                    note.groups.extend(current.take());
                    in_remark = true;
                }
                continue;
            }
            if let Some((label, rest)) = split_label(piece) {
                if is_role_label(label) {
                    note.groups.extend(current.take());
                    current = Some(UnitGroup {
                        label: label.to_string(),
                        verb: false,
                        role: role_of(label),
                        names: Vec::new(),
                        runs: Vec::new(),
                    });
                    in_remark = false;
                    if let Some(g) = current.as_mut() {
                        add_names(g, rest, &mut note.rejected);
                    }
                    continue;
                }
                note.groups.extend(current.take());
                in_remark = true;
                continue;
            }
            if in_remark {
                continue;
            }
            if let Some(g) = current.as_mut() {
                add_names(g, piece, &mut note.rejected);
            }
        }
    }
    note.groups.extend(current);
}

/// `X牵头，Y、Z配合`; `None` when a piece does not end in a role verb.
fn parse_verbs(text: &str, note: &mut Note) -> Option<()> {
    let mut pending: Vec<&str> = Vec::new();
    let pieces: Vec<&str> = split_top(text, &['，', ',', '；', ';'])
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty() && !is_rule_remark(p))
        .flat_map(split_after_verbs)
        .collect();
    if pieces.is_empty() {
        return None;
    }
    for piece in pieces {
        let Some((names, verb)) = strip_verbs(piece) else {
            pending.push(piece);
            continue;
        };
        // `A会同有关部门负责`: A convenes the others, so A leads.
        let (convener, names) = match split_top_once(names, "会同") {
            Some((a, b)) => (Some(a), b),
            None => (None, names),
        };
        let mut group = UnitGroup {
            label: verb.clone(),
            verb: true,
            role: role_of(&verb),
            names: Vec::new(),
            runs: Vec::new(),
        };
        let mut lead = UnitGroup {
            label: "会同".to_string(),
            verb: true,
            role: Role::Lead,
            names: Vec::new(),
            runs: Vec::new(),
        };
        let mut rejected = Vec::new();
        let before: Vec<&str> = std::mem::take(&mut pending);
        match convener {
            Some(c) => {
                for p in before.into_iter().chain([c]) {
                    add_names(&mut lead, p, &mut rejected);
                }
                add_names(&mut group, names, &mut rejected);
            }
            None => {
                for p in before.into_iter().chain([names]) {
                    add_names(&mut group, p, &mut rejected);
                }
            }
        }
        // A bracket whose words merely end in a verb (`由各地负责`) is not a note.
        if !rejected.is_empty()
            || group.names.is_empty() && lead.names.is_empty()
            || group
                .names
                .iter()
                .chain(&lead.names)
                .any(|n| reads_as_clause(n))
        {
            return None;
        }
        if !lead.names.is_empty() {
            note.groups.push(lead);
        }
        if !group.names.is_empty() {
            note.groups.push(group);
        }
    }
    pending.is_empty().then_some(())
}

/// `市交通委牵头负责、各区政府组织落实`: role groups separated by `、` rather than `，`. Cuts
/// only after a `、`-run that ends in a role verb, so `各区、县级市负责` stays one run.
fn split_after_verbs(piece: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    let mut depth = 0i32;
    for (i, c) in piece.char_indices() {
        if OPEN.contains(&c) || INNER_OPEN.contains(&c) {
            depth += 1;
        } else if CLOSE.contains(&c) || INNER_CLOSE.contains(&c) {
            depth = (depth - 1).max(0);
        } else if depth == 0 && c == '、' {
            let run = &piece[from..i];
            let last = run.rsplit('、').next().unwrap_or(run);
            if strip_verbs(last).is_some_and(|(names, _)| !names.is_empty()) {
                out.push(run.trim());
                from = i + c.len_utf8();
            }
        }
    }
    out.push(piece[from..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// The names before the role verbs a piece ends with, and those verbs as written: `B负责配合落实`
/// → (`B`, `负责配合落实`); `None` when it ends in no verb.
fn strip_verbs(piece: &str) -> Option<(&str, String)> {
    let mut names = piece;
    let mut verbs: Vec<&str> = Vec::new();
    while let Some(v) = VERBS.iter().find(|v| names.ends_with(*v)) {
        names = names[..names.len() - v.len()].trim_end();
        verbs.insert(0, v);
    }
    (!verbs.is_empty()).then(|| (names.trim(), verbs.concat()))
}

/// Splits at the first `sep` outside brackets, both sides non-empty.
fn split_top_once<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        if OPEN.contains(&c) || INNER_OPEN.contains(&c) {
            depth += 1;
        } else if CLOSE.contains(&c) || INNER_CLOSE.contains(&c) {
            depth = (depth - 1).max(0);
        } else if depth == 0 && s[i..].starts_with(sep) {
            let (a, b) = (s[..i].trim(), s[i + sep.len()..].trim());
            return (!a.is_empty() && !b.is_empty()).then_some((a, b));
        }
    }
    None
}

/// Words that start a sentence, never a unit name (`由市财政局负责` is prose; note that
/// 应急管理局, 经开区 and 和平区 are units, so 应, 经 and 和 are not in the list).
fn reads_as_clause(name: &str) -> bool {
    const STARTS: [char; 10] = ['由', '并', '或', '及', '须', '需', '要', '请', '按', '将'];
    // `技工院校内由人力资源社会保障行政部门负责` is prose too (`自由贸易试验区` is a name).
    name.starts_with(STARTS) || name.starts_with("具体") || name.replace("自由", "").contains('由')
}

/// A piece that states a rule or scope rather than units: `下同`, `排在第一位的部门为牵头部门`.
fn is_rule_remark(piece: &str) -> bool {
    let p = piece.trim_end_matches(['。', '.']);
    // `以下均需B配合落实，不再列出`, `以下均涉及各县区、功能区，不再重复列出`: a rule for the
    // notes that follow, naming no unit of this one.
    p == "下同"
        || p.starts_with("以下")
        || p.starts_with("此后")
        || p.contains("不再")
        || lead_rule(p).is_some()
}

/// `以下均需…`, `不再列出`: what follows in the segment belongs to the rule.
fn starts_rule(piece: &str) -> bool {
    piece.starts_with("以下") || piece.starts_with("此后") || piece.contains("不再")
}

fn lead_rule(piece: &str) -> Option<LeadRule> {
    if !piece.contains("牵头") {
        return None;
    }
    let word = || {
        let after = piece.rsplit_once('为').map_or(piece, |(_, w)| w);
        let w: String = after.chars().take_while(|c| !is_punct(*c)).collect();
        if is_role_label(&w) {
            w
        } else {
            "牵头单位".to_string()
        }
    };
    if piece.contains("逗号前") || piece.contains("顿号前") && piece.contains('，') {
        return Some(LeadRule::BeforeFirstComma(word()));
    }
    if piece.contains(['*', '＊', '★']) {
        return Some(LeadRule::Starred(word()));
    }
    let first = [
        "第一位",
        "第一个",
        "首位",
        "排在第一",
        "排名第一",
        "列第一",
        "排第一",
    ];
    if first.iter().any(|f| piece.contains(f)) && piece.contains('为') {
        return Some(LeadRule::FirstListed(word()));
    }
    None
}

/// Administrative divisions that, after `各区、`, continue one collective name (`各区、县级市`)
/// rather than naming a unit of their own.
const DIVISIONS: [&str; 9] = [
    "县级市",
    "自治县",
    "县",
    "市",
    "区",
    "乡镇",
    "街道",
    "镇",
    "县（市）",
];

/// `、`-separated names, with a collective `各区、县级市` kept as one.
fn names_of(run: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in split_top(run, &['、']) {
        let raw = raw.trim();
        match out.last_mut() {
            Some(prev)
                if (is_open_division_chain(prev) && continues_collective(raw))
                    || continues_organ_kinds(prev, raw) =>
            {
                prev.push('、');
                prev.push_str(raw);
            }
            _ => out.push(raw.to_string()),
        }
    }
    out
}

/// The organ kinds of one collective, `相关委、办、局` / `各委、办、局`: a bare organ word
/// (`办`, `局`) continuing a collective that ends in one.
fn continues_organ_kinds(prev: &str, raw: &str) -> bool {
    const KINDS: [&str; 4] = ["委", "办", "局", "厅"];
    KINDS.contains(&raw)
        && ["各", "相关", "有关"].iter().any(|p| prev.starts_with(p))
        && KINDS.iter().any(|k| prev.ends_with(k))
}

/// `各区`, `各县`: a collective of divisions that the next `、`-piece may continue.
fn is_bare_collective(name: &str) -> bool {
    name.strip_prefix('各')
        .map(|d| {
            d.strip_prefix("有关")
                .or_else(|| d.strip_prefix("相关"))
                .unwrap_or(d)
        })
        .is_some_and(|d| ["区", "县", "市", "县区", "区县", "乡", "镇", "乡镇"].contains(&d))
}

/// `各区`, `各县、市`, `各区、市、县`: a collective of divisions whose pieces after the first are
/// all bare divisions, so the next piece may still continue it. A collective lists its
/// divisions one by one and names their organ once, after the last (`各县、市、区政府`, 滁州市
/// 2020 重点工作分解; `各区、市、县、自治县人民政府`, 乐山市 乐府办函〔2020〕8号): the chain is
/// closed by a piece that names the organ.
fn is_open_division_chain(name: &str) -> bool {
    let mut parts = split_top(name, &['、']).into_iter();
    parts.next().is_some_and(is_bare_collective) && parts.all(|p| DIVISIONS.contains(&p))
}

/// `县级市`, `县（市）政府`, `市人民政府`: a division, maybe with its government, that
/// continues `各区、` into one collective name.
fn continues_collective(raw: &str) -> bool {
    if DIVISIONS.contains(&raw) {
        return true;
    }
    let bare: String = strip_bracketed(raw);
    [
        "县级市",
        "自治县",
        "乡镇",
        "街道",
        "县",
        "市",
        "区",
        "镇",
        "乡",
    ]
    .iter()
    .find_map(|d| bare.strip_prefix(d))
    .is_some_and(|rest| ["", "政府", "人民政府"].contains(&rest))
}

/// Adds the `、`-separated names of one `，`-run to a group.
fn add_names(group: &mut UnitGroup, run: &str, rejected: &mut Vec<String>) {
    let mut count = 0;
    for raw in names_of(run) {
        for name in split_etc(&raw) {
            let name = normalise_unit_name(&name);
            if name.is_empty() {
                continue;
            }
            if !is_plausible_unit(&name) {
                rejected.push(name);
                continue;
            }
            group.names.push(name);
            count += 1;
        }
    }
    if count > 0 {
        group.runs.push(count);
    }
}

/// `农业农村部等` → `农业农村部`; `财政部等有关部门` → `财政部`, `有关部门`.
fn split_etc(name: &str) -> Vec<String> {
    // `全国总工会等和各省级人民政府`, `市财政局和市人社局`: two names joined by a connector.
    if let Some((left, right)) = super::unit_name::joined_parts(name) {
        let mut out = split_etc(&left);
        out.extend(split_etc(&right));
        return out;
    }
    let mut name = name.trim_end_matches('等');
    // `人民银行等部门`: the generic tail only says "and others".
    for tail in ["等部门", "等单位", "等机构"] {
        name = name.strip_suffix(tail).unwrap_or(name);
    }
    for marker in ["等有关", "等相关", "等各"] {
        if let Some((a, b)) = name.split_once(marker) {
            let rest = &name[a.len() + "等".len()..];
            if !a.is_empty() && !b.is_empty() {
                return vec![a.to_string(), rest.to_string()];
            }
        }
    }
    vec![name.to_string()]
}

/// A unit name holds no sentence punctuation and is no longer than a real department name.
pub fn is_plausible_unit(name: &str) -> bool {
    let bare: String = strip_bracketed(name);
    let n = bare.chars().count();
    (2..=MAX_UNIT_CHARS).contains(&n) && !name.contains(is_punct_in_name)
}

fn is_punct_in_name(c: char) -> bool {
    "。；：！？“”\"；:!?".contains(c)
}

fn strip_bracketed(name: &str) -> String {
    let mut depth = 0;
    name.chars()
        .filter(|c| {
            if OPEN.contains(c) || INNER_OPEN.contains(c) {
                depth += 1;
                false
            } else if CLOSE.contains(c) || INNER_CLOSE.contains(c) {
                depth = (depth - 1).max(0);
                false
            } else {
                depth == 0
            }
        })
        .collect()
}

/// Splits on any of `seps`, but not inside brackets, so `各县〔市、区〕人民政府` stays whole.
pub fn split_top<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if OPEN.contains(&c) || INNER_OPEN.contains(&c) {
            depth += 1;
        } else if CLOSE.contains(&c) || INNER_CLOSE.contains(&c) {
            depth = (depth - 1).max(0);
        } else if depth == 0 && seps.contains(&c) {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// One spelling per unit, so `各县(市、区)人民政府` and `各县〔市、区〕人民政府` share a page. A
/// remark in angle brackets (`各区人民政府〈含开发区，下同〉`) is not part of the name, nor is the
/// `*` that marks a lead.
pub fn normalise_unit_name(name: &str) -> String {
    let mut depth = 0;
    name.chars()
        .filter(|c| !c.is_whitespace() && !['*', '＊', '★'].contains(c))
        .filter(|c| match c {
            '〈' => {
                depth += 1;
                false
            }
            '〉' => {
                depth -= 1;
                false
            }
            _ => depth == 0,
        })
        .map(|c| match c {
            '(' | '（' => '〔',
            ')' | '）' => '〕',
            other => other,
        })
        .collect()
}

/// Whether a name was marked as lead with a `*`.
fn starred(raw_names: &str, name: &str) -> bool {
    // The name is normalised (`县委组织部〔人才办〕`), so the note is compared in the same spelling.
    let raw: String = raw_names
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' | '（' => '〔',
            ')' | '）' => '〕',
            other => other,
        })
        .collect();
    ["*", "＊", "★"]
        .iter()
        .any(|s| raw.contains(&format!("{s}{name}")))
}

impl Note {
    /// Moves the names marked with a `*` into a lead group with the label of their own group.
    fn mark_starred_lead(&mut self, raw: &str) {
        if self.groups.iter().any(|g| g.role == Role::Lead) {
            return;
        }
        let Some(pos) = self.groups.iter().position(|g| g.role == Role::Responsible) else {
            return;
        };
        let g = &mut self.groups[pos];
        let (lead, rest): (Vec<String>, Vec<String>) =
            g.names.iter().cloned().partition(|n| starred(raw, n));
        if lead.is_empty() {
            return;
        }
        g.names = rest;
        let lead = UnitGroup {
            label: g.label.clone(),
            verb: g.verb,
            role: Role::Lead,
            names: lead,
            runs: Vec::new(),
        };
        if self.groups[pos].names.is_empty() {
            self.groups.remove(pos);
        }
        self.groups.insert(pos, lead);
    }

    /// Applies a lead rule to a note that names no lead itself. `stated_here`: the rule is
    /// written in this very note, so its word (`牵头部门`) is the lead's label as written.
    pub fn apply_rule(&mut self, rule: &LeadRule, raw: &str) {
        if self.groups.iter().any(|g| g.role == Role::Lead) {
            return;
        }
        let stated_here = self.rule.as_ref() == Some(rule);
        let Some(pos) = self.groups.iter().position(|g| g.role == Role::Responsible) else {
            return;
        };
        let group = &self.groups[pos];
        let lead_count = match rule {
            LeadRule::FirstListed(_) => 1.min(group.names.len()),
            LeadRule::BeforeFirstComma(_) => group.runs.first().copied().unwrap_or(0),
            LeadRule::Starred(_) => {
                let (lead, rest): (Vec<String>, Vec<String>) =
                    group.names.iter().cloned().partition(|n| starred(raw, n));
                if lead.is_empty() {
                    return;
                }
                let word = match rule {
                    LeadRule::Starred(w) => w.clone(),
                    _ => String::new(),
                };
                let g = &mut self.groups[pos];
                g.names = rest;
                self.groups.insert(
                    pos,
                    UnitGroup {
                        label: word,
                        verb: false,
                        role: Role::Lead,
                        names: lead,
                        runs: Vec::new(),
                    },
                );
                return;
            }
        };
        if lead_count == 0 {
            return;
        }
        let word = match rule {
            LeadRule::FirstListed(w) | LeadRule::BeforeFirstComma(w) | LeadRule::Starred(w) => w,
        };
        let g = &mut self.groups[pos];
        let lead: Vec<String> = g.names.drain(..lead_count).collect();
        let (label, verb) = if stated_here {
            (word.clone(), false)
        } else {
            (g.label.clone(), g.verb)
        };
        self.groups.insert(
            pos,
            UnitGroup {
                label,
                verb,
                role: Role::Lead,
                names: lead,
                runs: Vec::new(),
            },
        );
        if self.groups[pos + 1].names.is_empty() {
            self.groups.remove(pos + 1);
        }
    }
}

/// Merges the notes of one clause: lead groups first, then the others, each label once, each
/// name once, in the order the document names them.
pub fn merge(notes: &[Note]) -> Vec<UnitGroup> {
    let mut out: Vec<UnitGroup> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for role in [Role::Lead, Role::Responsible, Role::Guide] {
        for g in notes
            .iter()
            .flat_map(|n| &n.groups)
            .filter(|g| g.role == role)
        {
            let names: Vec<String> = g
                .names
                .iter()
                .filter(|n| !seen.contains(n))
                .cloned()
                .collect();
            seen.extend(names.iter().cloned());
            if names.is_empty() {
                continue;
            }
            match out
                .iter_mut()
                .find(|o| o.role == role && o.label == g.label && o.verb == g.verb)
            {
                Some(o) => o.names.extend(names),
                None => out.push(UnitGroup {
                    names,
                    runs: Vec::new(),
                    ..g.clone()
                }),
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
