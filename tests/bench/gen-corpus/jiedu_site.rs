//! Writes the corpus in jiedu's content format (a site root with jiedu.yaml, one bundle per policy).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::corpus::{Block, Interp, Policy, Seg};
use crate::write_file;

/// A YAML double-quoted scalar (JSON strings are valid YAML).
pub fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn ids(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Heading(level, text) => {
                let _ = write!(out, "{} {text}", "#".repeat(*level as usize));
            }
            Block::Para(segs) => {
                for s in segs {
                    match s {
                        Seg::Text(t) => out.push_str(t),
                        Seg::Ref { id, text: None } => {
                            let _ = write!(out, "[[{id}]]");
                        }
                        Seg::Ref { id, text: Some(t) } => {
                            let _ = write!(out, "[[{id}|{t}]]");
                        }
                    }
                }
            }
        }
        out.push_str("\n\n");
    }
    out
}

pub fn write_site(policies: &[Policy], out: &Path) -> io::Result<()> {
    write_file(
        &out.join("jiedu.yaml"),
        // Hugo draws no share images, so the comparison builds the same work: SVG cards only
        // (PNG drawing is about 60 ms of CPU per image; it is measured apart).
        "name: 政策解读基准站点\nbase_url: \"https://example.org/\"\npublisher: 基准市人民政府\norganizer: 基准市卫生健康委员会\nshare_png: false\n",
    )?;
    write_file(
        &out.join("pages/about.md"),
        "---\nkind: page\ntitle: 关于本站\nslug: about\n---\n\n本站集中发布政策文件及其解读材料，便于公众查阅。\n\n## 联系方式\n\n如对政策内容有疑问，请联系各政策的发文单位。\n",
    )?;
    policies
        .par_iter()
        .try_for_each(|p| write_policy(p, &out.join(&p.slug)))
}

fn write_policy(p: &Policy, dir: &Path) -> io::Result<()> {
    write_file(&dir.join("policy.md"), &policy_md(p))?;
    for i in &p.interps {
        write_file(&dir.join(format!("{}.md", i.kind)), &interp_md(p, i))?;
        if matches!(i.kind, "video" | "animation") {
            crate::media::write(dir, i)?;
        }
    }
    for item in &p.progress {
        let md = format!(
            "---\nkind: progress\ntitle: {}\ndate: {}\nsource: {}\ncites: {}\n---\n\n{}",
            q(&item.title),
            q(&item.date),
            q(&item.source),
            ids(&item.cites),
            markdown(&item.body)
        );
        write_file(&dir.join(format!("progress/{}.md", item.stem)), &md)?;
    }
    Ok(())
}

fn policy_md(p: &Policy) -> String {
    let mut s = format!(
        "---\nkind: policy\ntitle: {}\ndoc_number: {}\nissuer: {}\naddressee: 各县（市、区）人民政府，市属开发区管委会，市政府有关部门、直属机构\nsigned: {}\npublished: {}\ntopic: 卫生、体育\\医药管理\nvalidity: 有效\n---\n\n{}\n\n",
        q(&p.title),
        q(&p.doc_number),
        q(&p.issuer),
        q(&p.signed),
        q(&p.published),
        p.preamble
    );
    for part in &p.parts {
        let _ = write!(
            s,
            "## {}、{}\n\n",
            crate::text::CN_NUMBERS[part.ordinal - 1],
            part.title
        );
        if !part.paragraph.is_empty() {
            let _ = write!(s, "{}\n\n", part.paragraph);
        }
        for g in &part.groups {
            let label = format!("（{}）", crate::text::CN_NUMBERS[g.ordinal - 1]);
            if part.inline_groups {
                let _ = write!(s, "{label}{}。{}\n\n", g.title, g.text);
                continue;
            }
            let _ = write!(s, "### {label}{}\n\n", g.title);
            if !g.text.is_empty() {
                let _ = write!(s, "{}\n\n", g.text);
            }
            for c in &g.clauses {
                let _ = write!(s, "{}\n\n", c.line());
            }
        }
    }
    let (y, rest) = p.signed.split_at(4);
    let month: u32 = rest[1..3].parse().unwrap_or(1);
    let day: u32 = rest[4..6].parse().unwrap_or(1);
    let _ = write!(s, "{}\n\n{y}年{month}月{day}日\n", p.issuer);
    s
}

fn interp_md(p: &Policy, i: &Interp) -> String {
    let mut s = format!(
        "---\nkind: {}\ntitle: {}\npublished: {}\npublisher: {}\nsummary: {}\n",
        i.kind,
        q(&i.title),
        q(&i.published),
        q(&i.publisher),
        q(&i.summary)
    );
    if !i.cites.is_empty() {
        let _ = writeln!(s, "cites: {}", ids(&i.cites));
    }
    if let Some(a) = &i.author {
        let _ = write!(
            s,
            "author:\n  name: {}\n  position: {}\n  bio: {}\n",
            q(&a.name),
            q(&a.position),
            q(&a.bio)
        );
    }
    if !i.questions.is_empty() {
        s.push_str("questions:\n");
        for qu in &i.questions {
            let _ = write!(
                s,
                "  - id: {}\n    topic: {}\n    question: {}\n    cites: {}\n    answer: |\n",
                qu.id,
                q(&qu.topic),
                q(&qu.question),
                ids(&qu.cites)
            );
            for line in markdown(&qu.answer).trim_end().lines() {
                if line.is_empty() {
                    s.push('\n');
                } else {
                    let _ = writeln!(s, "      {line}");
                }
            }
        }
    }
    if !i.panels.is_empty() {
        s.push_str("panels:\n");
        for panel in &i.panels {
            let _ = write!(
                s,
                "  - heading: {}\n    figure: {}\n    unit: {}\n    text: {}\n    cites: {}\n",
                q(&panel.heading),
                q(&panel.figure),
                q(&panel.unit),
                q(&panel.text),
                ids(&panel.cites)
            );
        }
    }
    if matches!(i.kind, "video" | "animation") {
        let k = i.kind;
        let _ = write!(
            s,
            "media:\n  src: media/{k}.mp4\n  poster: media/{k}-poster.svg\n  poster_alt: {}\n  captions: media/{k}.vtt\n",
            q(&format!("视频封面：{}", p.title))
        );
    }
    s.push_str("---\n\n");
    s.push_str(&markdown(&i.body));
    s
}
