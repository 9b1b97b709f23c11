//! Writes the corpus as an equivalent Hugo site: the same pages at the same URLs with the same
//! page-to-page links. Clause references become Markdown links; the back-links jiedu computes
//! become front-matter lists, which is what a converter for Hugo would have to produce.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::corpus::{Block, Interp, Policy, Seg, KINDS};
use crate::jiedu_site::q;
use crate::{hugo_layouts, media, text, write_bytes, write_file};

const THEME_CSS: &str = include_str!("../../../themes/default/static/jiedu.css");

struct Link {
    text: String,
    href: String,
    kind: String,
    excerpt: String,
}

impl Link {
    fn yaml(&self) -> String {
        let mut s = format!("{{text: {}, href: {}", q(&self.text), q(&self.href));
        if !self.kind.is_empty() {
            let _ = write!(s, ", kind: {}", q(&self.kind));
        }
        if !self.excerpt.is_empty() {
            let _ = write!(s, ", excerpt: {}", q(&self.excerpt));
        }
        s.push('}');
        s
    }
}

fn link(text: String, href: String) -> Link {
    Link {
        text,
        href,
        kind: String::new(),
        excerpt: String::new(),
    }
}

fn list(key: &str, links: &[Link]) -> String {
    if links.is_empty() {
        return String::new();
    }
    let mut s = format!("{key}:\n");
    for l in links {
        let _ = writeln!(s, "  - {}", l.yaml());
    }
    s
}

fn excerpt(t: &str, max: usize) -> String {
    if t.chars().count() <= max {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(max).collect::<String>())
    }
}

fn clause_href(p: &Policy, id: &str) -> String {
    if p.clauses().any(|c| c.id == id) {
        format!("/{}/clause/{}/", p.slug, id.replace('.', "-"))
    } else {
        format!("/{}/#c{}", p.slug, id.replace('.', "-"))
    }
}

fn ref_link(p: &Policy, id: &str) -> Link {
    link(
        p.ref_text(id).unwrap_or_else(|| id.to_string()),
        clause_href(p, id),
    )
}

fn plain(segs: &[Seg], p: &Policy) -> String {
    segs.iter()
        .map(|s| match s {
            Seg::Text(t) => t.clone(),
            Seg::Ref { id, text } => text.clone().unwrap_or_else(|| ref_link(p, id).text),
        })
        .collect()
}

/// Markdown with links for clause references; citing paragraphs get jiedu's anchor.
fn markdown(blocks: &[Block], p: &Policy, anchor_prefix: &str) -> String {
    let mut out = String::new();
    for (n, b) in blocks.iter().enumerate() {
        match b {
            Block::Heading(level, t) => {
                let _ = write!(out, "{} {t}\n\n", "#".repeat(*level as usize));
            }
            Block::Para(segs) => {
                let mut cites = false;
                for s in segs {
                    match s {
                        Seg::Text(t) => out.push_str(t),
                        Seg::Ref { id, text } => {
                            cites = true;
                            let l = ref_link(p, id);
                            let t = text.clone().unwrap_or(l.text);
                            let _ = write!(out, "[{t}]({})", l.href);
                        }
                    }
                }
                if cites {
                    let _ = write!(out, "\n{{#{anchor_prefix}duan-{}}}", n + 1);
                }
                out.push_str("\n\n");
            }
        }
    }
    out
}

/// Clause id → passages citing it, as jiedu's back-links.
fn backlinks(p: &Policy) -> HashMap<String, Vec<Link>> {
    let mut map: HashMap<String, Vec<Link>> = HashMap::new();
    let mut add = |id: &str, l: Link| map.entry(id.to_string()).or_default().push(l);
    for i in &p.interps {
        let page = format!("/{}/{}/", p.slug, i.kind);
        for (n, b) in i.body.iter().enumerate() {
            if let Block::Para(segs) = b {
                for s in segs {
                    if let Seg::Ref { id, .. } = s {
                        add(
                            id,
                            Link {
                                text: i.title.clone(),
                                href: format!("{page}#duan-{}", n + 1),
                                kind: i.name.to_string(),
                                excerpt: excerpt(&plain(segs, p), 120),
                            },
                        );
                    }
                }
            }
        }
        for qu in &i.questions {
            let answer: String = qu
                .answer
                .iter()
                .filter_map(|b| match b {
                    Block::Para(s) => Some(plain(s, p)),
                    Block::Heading(..) => None,
                })
                .collect();
            for id in &qu.cites {
                add(
                    id,
                    Link {
                        text: qu.question.clone(),
                        href: format!("/{}/qa/{}/", p.slug, qu.id),
                        kind: i.name.to_string(),
                        excerpt: excerpt(&answer, 120),
                    },
                );
            }
        }
        for (n, panel) in i.panels.iter().enumerate() {
            for id in &panel.cites {
                add(
                    id,
                    Link {
                        text: panel.heading.clone(),
                        href: format!("{page}#panel-{}", n + 1),
                        kind: i.name.to_string(),
                        excerpt: format!("{}{}：{}", panel.figure, panel.unit, panel.text),
                    },
                );
            }
        }
    }
    for item in &p.progress {
        for id in &item.cites {
            add(
                id,
                Link {
                    text: item.title.clone(),
                    href: format!("/{}/progress/#jinzhan-{}", p.slug, item.stem),
                    kind: "落实进展".to_string(),
                    excerpt: String::new(),
                },
            );
        }
    }
    map
}

pub fn write_site(policies: &[Policy], out: &Path) -> io::Result<()> {
    write_file(&out.join("hugo.toml"), hugo_layouts::CONFIG)?;
    for (name, body) in hugo_layouts::LAYOUTS {
        write_file(&out.join("layouts").join(name), body)?;
    }
    write_file(&out.join("static/static/jiedu.css"), THEME_CSS)?;
    let c = out.join("content");
    write_file(&c.join("_index.md"), "---\ntitle: 首页\n---\n")?;
    write_file(
        &c.join("search.md"),
        "---\ntitle: 站内搜索\n---\n\n请输入关键词搜索政策文件和解读。\n",
    )?;
    write_file(
        &c.join("about.md"),
        "---\ntitle: 关于本站\n---\n\n本站集中发布政策文件及其解读材料，便于公众查阅。\n\n## 联系方式\n\n如对政策内容有疑问，请联系各政策的发文单位。\n",
    )?;
    for (slug, name, _) in KINDS {
        write_file(
            &c.join(format!("column/{slug}/_index.md")),
            &format!("---\ntitle: {name}\n---\n"),
        )?;
    }
    write_file(&c.join("unit/_index.md"), "---\ntitle: 责任单位\n---\n")?;
    for name in text::UNITS {
        write_file(
            &c.join(format!("unit/{}/_index.md", unit_slug(name))),
            &format!("---\ntitle: {}\n---\n", q(name)),
        )?;
    }
    policies.par_iter().try_for_each(|p| {
        write_policy(p, &c.join(&p.slug))?;
        for i in &p.interps {
            if matches!(i.kind, "video" | "animation") {
                for (rel, bytes) in media::files(i) {
                    write_bytes(&out.join("static").join(&p.slug).join(rel), &bytes)?;
                }
            }
        }
        Ok(())
    })
}

/// jiedu's unit URL segment (src/model/policy.rs `unit_slug`), so unit pages share URLs.
pub fn unit_slug(name: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(name.as_bytes()))[..10].to_string()
}

fn policy_link(p: &Policy) -> String {
    format!(
        "policy: {{text: {}, href: {}}}\n",
        q(&p.title),
        q(&format!("/{}/", p.slug))
    )
}

fn write_policy(p: &Policy, dir: &Path) -> io::Result<()> {
    // The policy's full text is the section page of its bundle.
    let mut body = format!("{}\n\n", p.preamble);
    for part in &p.parts {
        let _ = write!(
            body,
            "## {}、{} {{#c{}}}\n\n",
            text::CN_NUMBERS[part.ordinal - 1],
            part.title,
            part.id
        );
        if !part.paragraph.is_empty() {
            let _ = write!(body, "{}\n\n", part.paragraph);
        }
        for g in &part.groups {
            let label = format!("（{}）", text::CN_NUMBERS[g.ordinal - 1]);
            let anchor = g.id.replace('.', "-");
            let _ = write!(body, "### {label}{} {{#c{anchor}}}\n\n", g.title);
            if !g.text.is_empty() {
                let _ = write!(body, "{}\n\n", g.text);
            }
            for c in &g.clauses {
                // `1\.` keeps Markdown from reading the clause as a list item.
                let line = c.line();
                let rest = line.split_once('。').map_or("", |(_, r)| r);
                let _ = write!(
                    body,
                    "{}\\. [{}]({})。{rest}\n{{#c{}}}\n\n",
                    c.ordinal,
                    c.title,
                    clause_href(p, &c.id),
                    c.id.replace('.', "-")
                );
            }
        }
    }
    let _ = write!(body, "{}\n\n{}\n", p.issuer, p.signed);
    write_file(
        &dir.join("_index.md"),
        &format!(
            "---\ntitle: {}\nlayout: policy\ndoc_number: {}\nissuer: {}\nsigned: {}\npublished: {}\n---\n\n{body}",
            q(&p.title),
            q(&p.doc_number),
            q(&p.issuer),
            q(&p.signed),
            q(&p.published)
        ),
    )?;

    let back = backlinks(p);
    let clauses: Vec<_> = p.clauses().collect();
    for (n, c) in clauses.iter().enumerate() {
        let units: Vec<String> = c
            .lead
            .iter()
            .chain(&c.responsible)
            .map(|&u| q(&unit_slug(text::UNITS[u])))
            .collect();
        let mut fm = format!(
            "---\ntitle: {}\nlayout: clause\n{}full_text: {}\nunit: [{}]\n",
            q(&format!("{} {}", c.label, c.title)),
            policy_link(p),
            q(&format!("/{}/#c{}", p.slug, c.id.replace('.', "-"))),
            units.join(", ")
        );
        fm.push_str(&list("passages", back.get(&c.id).map_or(&[], |v| v)));
        if n > 0 {
            let _ = writeln!(fm, "prev: {}", ref_link(p, &clauses[n - 1].id).yaml());
        }
        if let Some(next) = clauses.get(n + 1) {
            let _ = writeln!(fm, "next: {}", ref_link(p, &next.id).yaml());
        }
        write_file(
            &dir.join(format!("clause/{}.md", c.id.replace('.', "-"))),
            &format!("{fm}---\n\n{}\n", c.line().replacen(". ", "\\. ", 1)),
        )?;
    }

    for i in &p.interps {
        write_interpretation(p, i, dir)?;
    }

    let mut progress = String::new();
    for item in &p.progress {
        let _ = write!(
            progress,
            "## {} {{#jinzhan-{}}}\n\n{}　{}\n\n{}",
            item.title,
            item.stem,
            item.date,
            item.source,
            markdown(&item.body, p, &format!("jinzhan-{}-", item.stem))
        );
    }
    write_file(
        &dir.join("progress.md"),
        &format!(
            "---\ntitle: {}\n{}---\n\n{progress}",
            q(&format!("落实进展：{}", p.title)),
            policy_link(p)
        ),
    )
}

fn write_interpretation(p: &Policy, i: &Interp, dir: &Path) -> io::Result<()> {
    let cites: Vec<Link> = i.cites.iter().map(|id| ref_link(p, id)).collect();
    let siblings: Vec<Link> = p
        .interps
        .iter()
        .filter(|s| s.kind != i.kind)
        .map(|s| link(s.title.clone(), format!("/{}/{}/", p.slug, s.kind)))
        .collect();
    let mut fm = format!(
        "---\ntitle: {}\ncolumn: [{}]\npublished: {}\nsummary: {}\n{}",
        q(&i.title),
        i.kind,
        q(&i.published),
        q(&i.summary),
        policy_link(p)
    );
    fm.push_str(&list("cites", &cites));
    fm.push_str(&list("siblings", &siblings));
    if let Some(a) = &i.author {
        let _ = writeln!(
            fm,
            "author: {{name: {}, position: {}, bio: {}}}",
            q(&a.name),
            q(&a.position),
            q(&a.bio)
        );
    }
    if !i.panels.is_empty() {
        fm.push_str("panels:\n");
        for panel in &i.panels {
            let _ = writeln!(
                fm,
                "  - {{heading: {}, figure: {}, unit: {}, text: {}}}",
                q(&panel.heading),
                q(&panel.figure),
                q(&panel.unit),
                q(&panel.text)
            );
        }
    }
    if matches!(i.kind, "video" | "animation") {
        let base = format!("/{}/media/{}", p.slug, i.kind);
        let _ = writeln!(
            fm,
            "media: {{src: \"{base}.mp4\", poster: \"{base}-poster.svg\", captions: \"{base}.vtt\"}}"
        );
    }
    let body = markdown(&i.body, p, "");
    if i.questions.is_empty() {
        return write_file(
            &dir.join(format!("{}.md", i.kind)),
            &format!("{fm}---\n\n{body}"),
        );
    }
    // Q&A: a section whose pages are the questions.
    write_file(
        &dir.join("qa/_index.md"),
        &format!("{fm}layout: qa\n---\n\n{body}"),
    )?;
    for (n, qu) in i.questions.iter().enumerate() {
        let cites: Vec<Link> = qu.cites.iter().map(|id| ref_link(p, id)).collect();
        let q_link = |j: usize| {
            let o = &i.questions[j];
            link(o.question.clone(), format!("/{}/qa/{}/", p.slug, o.id))
        };
        let mut fm = format!(
            "---\ntitle: {}\nlayout: question\ntopic: {}\nweight: {}\n{}",
            q(&qu.question),
            q(&qu.topic),
            n + 1,
            policy_link(p)
        );
        fm.push_str(&list("cites", &cites));
        if n > 0 {
            let _ = writeln!(fm, "prev: {}", q_link(n - 1).yaml());
        }
        if n + 1 < i.questions.len() {
            let _ = writeln!(fm, "next: {}", q_link(n + 1).yaml());
        }
        write_file(
            &dir.join(format!("qa/{}.md", qu.id)),
            &format!(
                "{fm}---\n\n{}",
                markdown(&qu.answer, p, &format!("{}-", qu.id))
            ),
        )?;
    }
    Ok(())
}
