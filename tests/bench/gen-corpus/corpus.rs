//! The synthetic corpus as data: policies with their clause trees, interpretations that cite
//! clauses, Q&A, infographic panels and progress items. Both writers (jiedu, Hugo) read this, so
//! the two sites have the same pages, URLs and links.

use crate::text::{self, Rng, CN_NUMBERS};

/// Task clauses per group of part 四: 25 in all, as in the example policy.
pub const GROUP_SIZES: [usize; 6] = [5, 3, 4, 5, 5, 3];
pub const QUESTIONS: usize = 12;
pub const PROGRESS_ITEMS: usize = 2;

/// The seven interpretation formats: (slug, format name, title prefix).
pub const KINDS: [(&str, &str, &str); 7] = [
    ("leader", "领导干部解读", "领导干部解读"),
    ("expert", "专家解读", "专家解读"),
    ("document", "文稿解读", "文稿解读"),
    ("qa", "简明问答", "简明问答解读"),
    ("infographic", "一图读懂", "一图读懂"),
    ("video", "视频解读", "视频解读"),
    ("animation", "动漫解读", "动漫解读"),
];

/// Part of a paragraph: text, or a clause reference (`[[id]]` / `[[id|text]]`).
#[derive(Debug, Clone)]
pub enum Seg {
    Text(String),
    Ref { id: String, text: Option<String> },
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading(u8, String),
    Para(Vec<Seg>),
}

#[derive(Debug, Clone)]
pub struct Clause {
    /// `4.1.1`
    pub id: String,
    /// The short label jiedu shows, e.g. `（一）1`.
    pub label: String,
    pub ordinal: usize,
    pub title: String,
    pub body: String,
    pub lead: Vec<usize>,
    pub responsible: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub ordinal: usize,
    pub title: String,
    /// Text after the title (principles) or the group's own paragraphs (safeguards).
    pub text: String,
    pub clauses: Vec<Clause>,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub id: String,
    pub ordinal: usize,
    pub title: String,
    pub paragraph: String,
    pub groups: Vec<Group>,
    /// Principles are written inline (`（一）标题。正文`), other groups as headings.
    pub inline_groups: bool,
}

#[derive(Debug, Clone)]
pub struct Author {
    pub name: String,
    pub position: String,
    pub bio: String,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub question: String,
    pub cites: Vec<String>,
    pub answer: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub heading: String,
    pub figure: String,
    pub unit: String,
    pub text: String,
    pub cites: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Interp {
    pub kind: &'static str,
    pub name: &'static str,
    pub title: String,
    pub published: String,
    pub publisher: String,
    pub summary: String,
    pub cites: Vec<String>,
    pub author: Option<Author>,
    pub body: Vec<Block>,
    pub questions: Vec<Question>,
    pub panels: Vec<Panel>,
}

#[derive(Debug, Clone)]
pub struct ProgressItem {
    pub stem: String,
    pub title: String,
    pub date: String,
    pub source: String,
    pub cites: Vec<String>,
    pub body: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub slug: String,
    pub title: String,
    pub doc_number: String,
    pub issuer: String,
    pub publisher: String,
    pub signed: String,
    pub published: String,
    pub preamble: String,
    pub parts: Vec<Part>,
    pub interps: Vec<Interp>,
    pub progress: Vec<ProgressItem>,
}

impl Policy {
    pub fn clauses(&self) -> impl Iterator<Item = &Clause> {
        self.parts
            .iter()
            .flat_map(|p| p.groups.iter())
            .flat_map(|g| g.clauses.iter())
    }

    /// Link text jiedu gives `[[id]]`: the short label and heading of the clause.
    pub fn ref_text(&self, id: &str) -> Option<String> {
        self.clauses()
            .find(|c| c.id == id)
            .map(|c| format!("{} {}", c.label, c.title))
    }
}

fn date(r: &mut Rng, year: usize) -> String {
    format!("{year}-{:02}-{:02}", r.range(1, 12), r.range(1, 28))
}

fn time(r: &mut Rng) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        r.range(8, 18),
        r.range(0, 59),
        r.range(0, 59)
    )
}

fn units_note(c: &Clause) -> String {
    let names = |v: &[usize]| {
        v.iter()
            .map(|&u| text::UNITS[u])
            .collect::<Vec<_>>()
            .join("、")
    };
    if c.responsible.is_empty() {
        format!("（牵头单位：{}）", names(&c.lead))
    } else {
        format!(
            "（牵头单位：{}；责任单位：{}）",
            names(&c.lead),
            names(&c.responsible)
        )
    }
}

impl Clause {
    /// The clause line as written in policy.md.
    pub fn line(&self) -> String {
        format!(
            "{}. {}。{}{}",
            self.ordinal,
            self.title,
            self.body,
            units_note(self)
        )
    }
}

/// A paragraph citing one or more clauses after its sentences.
fn citing_para(r: &mut Rng, ids: &[String]) -> Block {
    let mut segs = vec![Seg::Text(text::paragraph(r, 2, 4))];
    segs.push(Seg::Text("（".to_string()));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            segs.push(Seg::Text("、".to_string()));
        }
        segs.push(Seg::Ref {
            id: id.clone(),
            text: None,
        });
    }
    segs.push(Seg::Text("）。".to_string()));
    Block::Para(segs)
}

fn plain_para(r: &mut Rng, lo: usize, hi: usize) -> Block {
    Block::Para(vec![Seg::Text(text::paragraph(r, lo, hi))])
}

fn pick_clauses(r: &mut Rng, ids: &[String], k: usize) -> Vec<String> {
    r.distinct(ids.len(), k)
        .into_iter()
        .map(|i| ids[i].clone())
        .collect()
}

/// A body of `sections` headed sections, each citing a few clauses.
fn article(r: &mut Rng, ids: &[String], sections: usize, paras: usize) -> Vec<Block> {
    let mut out = vec![plain_para(r, 3, 5)];
    for number in CN_NUMBERS.iter().take(sections) {
        out.push(Block::Heading(2, format!("{number}、{}", text::heading(r))));
        out.push(Block::Para(vec![
            Seg::Text(text::paragraph(r, 1, 2)),
            Seg::Text("（".into()),
            Seg::Ref {
                id: "2".into(),
                text: Some("主要目标".into()),
            },
            Seg::Text("）".into()),
        ]));
        for _ in 0..paras {
            let k = r.range(1, 2);
            let cited = pick_clauses(r, ids, k);
            out.push(citing_para(r, &cited));
        }
    }
    out.push(plain_para(r, 2, 3));
    out
}

const TITLE_ENDINGS: [&str; 3] = ["意见", "实施意见", "实施方案"];

/// How many different titles the phrase lists make.
const TITLE_COUNT: usize =
    text::MODIFIERS.len() * text::VERBS.len() * text::OBJECTS.len() * TITLE_ENDINGS.len();

/// The title of policy `index`: a seeded bijection from indices to phrase combinations, so no
/// two policies of a run share a title (jiedu rejects that) and policy 7's title does not
/// depend on N. Past [`TITLE_COUNT`] policies a batch number keeps titles apart.
fn title(seed: u64, index: usize) -> String {
    let mut r = Rng::derive(seed, u64::MAX);
    // A stride coprime with TITLE_COUNT visits every combination once per TITLE_COUNT steps.
    let stride = loop {
        let s = r.range(1, TITLE_COUNT - 1);
        if gcd(s, TITLE_COUNT) == 1 {
            break s;
        }
    };
    let offset = r.range(0, TITLE_COUNT - 1);
    let mut c = (index % TITLE_COUNT * stride + offset) % TITLE_COUNT;
    let mut digit = |n: usize| {
        let d = c % n;
        c /= n;
        d
    };
    let modifier = text::MODIFIERS[digit(text::MODIFIERS.len())];
    let verb = text::VERBS[digit(text::VERBS.len())];
    let object = text::OBJECTS[digit(text::OBJECTS.len())];
    let ending = TITLE_ENDINGS[digit(TITLE_ENDINGS.len())];
    let batch = match index / TITLE_COUNT {
        0 => String::new(),
        n => format!("（第{}批）", n + 1),
    };
    format!("关于{modifier}{verb}{object}的{ending}{batch}")
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

pub fn policy(seed: u64, index: usize) -> Policy {
    let mut r = Rng::derive(seed, index as u64);
    let r = &mut r;
    let city = r.pick(&text::CITIES);
    let issuer = format!("{city}{}", r.pick(&text::ISSUER_SUFFIX));
    let publisher = format!("{city}卫生健康委员会");
    let year = r.range(2019, 2024);
    let signed = date(r, year);
    let published = format!("{} {}", date(r, year + 1), time(r));
    let title = title(seed, index);
    let short = city.trim_end_matches('市');
    let doc_number = format!("{}政字〔{year}〕{}号", &short[..3], index + 1);
    let slug = format!("zhengce-{:04}", index + 1);

    let mut parts = Vec::new();
    for (pi, name) in ["指导思想", "主要目标", "基本原则", "工作任务", "保障措施"]
        .iter()
        .enumerate()
    {
        let pid = (pi + 1).to_string();
        let groups: Vec<Group> = match pi {
            2 | 4 => (0..if pi == 2 { 3 } else { 4 })
                .map(|gi| Group {
                    id: format!("{pid}.{}", gi + 1),
                    ordinal: gi + 1,
                    title: text::heading(r),
                    text: text::paragraph(r, 2, 4),
                    clauses: Vec::new(),
                })
                .collect(),
            3 => GROUP_SIZES
                .iter()
                .enumerate()
                .map(|(gi, &n)| {
                    let gid = format!("{pid}.{}", gi + 1);
                    let clauses = (0..n)
                        .map(|ci| {
                            let lead_n = r.range(1, 2);
                            let lead = r.distinct(text::UNITS.len(), lead_n);
                            let resp_n = r.range(0, 6);
                            let responsible: Vec<usize> = r
                                .distinct(text::UNITS.len(), resp_n)
                                .into_iter()
                                .filter(|u| !lead.contains(u))
                                .collect();
                            Clause {
                                id: format!("{gid}.{}", ci + 1),
                                label: format!("（{}）{}", CN_NUMBERS[gi], ci + 1),
                                ordinal: ci + 1,
                                title: text::heading(r),
                                body: text::paragraph(r, 4, 8),
                                lead,
                                responsible,
                            }
                        })
                        .collect();
                    Group {
                        id: gid,
                        ordinal: gi + 1,
                        title: format!("{}，{}", text::heading(r), text::heading(r)),
                        text: String::new(),
                        clauses,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        parts.push(Part {
            id: pid,
            ordinal: pi + 1,
            title: name.to_string(),
            paragraph: if matches!(pi, 0 | 1) {
                text::paragraph(r, 5, 9)
            } else {
                String::new()
            },
            groups,
            inline_groups: pi == 2,
        });
    }
    let mut p = Policy {
        slug,
        title,
        doc_number,
        issuer,
        publisher,
        signed,
        published,
        preamble: text::paragraph(r, 2, 3),
        parts,
        interps: Vec::new(),
        progress: Vec::new(),
    };
    let ids: Vec<String> = p.clauses().map(|c| c.id.clone()).collect();
    p.interps = KINDS
        .iter()
        .map(|&(kind, name, prefix)| interpretation(r, &p, &ids, kind, name, prefix, year))
        .collect();
    p.progress = (0..PROGRESS_ITEMS)
        .map(|i| ProgressItem {
            stem: format!("{}-jinzhan-{}", year + 1, i + 1),
            title: format!("{}{}取得新进展", r.pick(&text::SUBJECTS), text::heading(r)),
            date: date(r, year + 1),
            source: format!("{city}政府新闻办新闻发布会"),
            cites: pick_clauses(r, &ids, 2),
            body: vec![plain_para(r, 2, 4), plain_para(r, 1, 3)],
        })
        .collect();
    p
}

fn interpretation(
    r: &mut Rng,
    p: &Policy,
    ids: &[String],
    kind: &'static str,
    name: &'static str,
    prefix: &str,
    year: usize,
) -> Interp {
    let author = matches!(kind, "leader" | "expert").then(|| {
        let person = r.pick(&text::PEOPLE);
        Author {
            name: person.to_string(),
            position: format!("{}党组书记、主任", p.publisher),
            bio: format!(
                "{person}，中共党员，研究生学历。长期从事卫生健康管理工作，{}",
                text::sentence(r)
            ),
        }
    });
    let (body, questions, panels) = match kind {
        "leader" => (article(r, ids, 3, 3), Vec::new(), Vec::new()),
        "expert" => (article(r, ids, 4, 3), Vec::new(), Vec::new()),
        "document" => {
            let mut b = Vec::new();
            for h in ["起草背景", "决策依据", "主要内容", "关键词解释"] {
                b.push(Block::Heading(2, h.to_string()));
                b.push(plain_para(r, 2, 4));
                if h == "主要内容" {
                    for _ in 0..6 {
                        let cited = pick_clauses(r, ids, 3);
                        b.push(citing_para(r, &cited));
                    }
                }
            }
            (b, Vec::new(), Vec::new())
        }
        "qa" => {
            let qs = (0..QUESTIONS)
                .map(|qi| {
                    let k = r.range(1, 2);
                    let cites = pick_clauses(r, ids, k);
                    let mut answer = vec![plain_para(r, 2, 4)];
                    if qi % 3 == 0 {
                        answer.push(citing_para(r, &cites[..1]));
                    }
                    Question {
                        id: format!("wenti-{:02}", qi + 1),
                        topic: text::TOPICS[qi * text::TOPICS.len() / QUESTIONS].to_string(),
                        question: format!(
                            "《意见》在{}{}方面有哪些具体措施？",
                            r.pick(&text::VERBS),
                            r.pick(&text::OBJECTS)
                        ),
                        cites,
                        answer,
                    }
                })
                .collect();
            (vec![plain_para(r, 1, 2)], qs, Vec::new())
        }
        "infographic" => {
            let panels = (0..6)
                .map(|_| Panel {
                    heading: text::heading(r),
                    figure: r.range(1, 50).to_string(),
                    unit: r.pick(&text::FIGURE_UNITS).to_string(),
                    text: text::paragraph(r, 1, 2),
                    cites: pick_clauses(r, ids, 1),
                })
                .collect();
            (vec![plain_para(r, 1, 2)], Vec::new(), panels)
        }
        _ => (article(r, ids, 2, 2), Vec::new(), Vec::new()),
    };
    let cites = match kind {
        "leader" | "expert" | "document" => vec!["1".to_string(), "2".to_string()],
        _ => Vec::new(),
    };
    Interp {
        kind,
        name,
        title: format!("{prefix}：《{}》解读", p.title),
        published: format!("{} {}", date(r, year + 1), time(r)),
        publisher: p.publisher.clone(),
        summary: format!("{}解读《意见》。{}", name, text::sentence(r)),
        cites,
        author,
        body,
        questions,
        panels,
    }
}
