//! Lifecycle consistency: a policy replaced, expired or repealed must say so on its own page.
//! Found when a policy still marked 有效 names a successor, has a validity date or a 有效期
//! in the past, or is declared repealed in another policy's text without the link back.

use super::rules::LIFECYCLE;
use super::source::{SourceText, VALIDITY, VALIDITY_DATE};
use super::Finding;
use crate::load::formats;
use crate::model::{Policy, Site};

type Day = (u16, u8, u8);

pub fn check(site: &Site, today: Day) -> Vec<Finding> {
    let mut out = Vec::new();
    for policy in &site.policies {
        let text = SourceText::read(&policy.source);
        if policy.lifecycle.validity.in_force() {
            replaced_yet_in_force(site, policy, &mut out);
            expired_yet_in_force(policy, &text, today, &mut out);
        }
        repealed_elsewhere(site, policy, &mut out);
    }
    out
}

fn title_of(site: &Site, slug: &str) -> String {
    site.policies
        .iter()
        .find(|p| p.slug == slug)
        .map_or_else(|| slug.to_string(), |p| p.meta.title.clone())
}

fn replaced_yet_in_force(site: &Site, policy: &Policy, out: &mut Vec<Finding>) {
    for (slug, line) in &policy.lifecycle.declared.replaced_by {
        out.push(Finding::at(
            LIFECYCLE,
            &policy.source,
            *line,
            format!(
                "政策写了 replaced_by: {slug}（被《{}》替代），但有效性仍是「有效」，页面上不会标注已被替代",
                title_of(site, slug)
            ),
            "把 validity 改为 废止 或 失效，并写 validity_date（废止或失效的日期）；如果新文件只是修改本文件，删去 replaced_by，在新文件中写 amends。",
        ));
    }
}

fn expired_yet_in_force(policy: &Policy, text: &SourceText, today: Day, out: &mut Vec<Finding>) {
    if let Some(v) = text.key_value(VALIDITY_DATE) {
        if let Ok(date) = formats::parse_date(&v) {
            if date.latest() < today {
                out.push(Finding::at(
                    LIFECYCLE,
                    &policy.source,
                    text.key_line(VALIDITY_DATE),
                    format!("validity_date 是 {v}，已经过去，但有效性仍是「有效」"),
                    "文件已失效、废止或修订的，把 validity 改为 失效、废止 或 已修订；仍然有效的，删去 validity_date。",
                ));
            }
        }
    }
    for (line, until) in stated_expiry(policy, text) {
        if until < today {
            let (y, m, d) = until;
            out.push(Finding::at(
                LIFECYCLE,
                &policy.source,
                line,
                format!("政策正文写明有效期到 {y}年{m}月{d}日，已经过期，但有效性仍是「有效」"),
                "已到期的文件把 validity 改为 失效，并写 validity_date；已经延期的，把延期文件写进 related，并核对有效期。",
            ));
        }
    }
}

/// The end of the 有效期 a policy's text states: `有效期至2028年12月31日`, or `有效期N年` counted
/// from the date it takes effect (`自2024年2月1日起施行`) or else from its 成文日期.
fn stated_expiry(policy: &Policy, text: &SourceText) -> Vec<(usize, Day)> {
    let mut out = Vec::new();
    let mut start: Option<Day> = formats::parse_date(policy.meta.signed.as_deref().unwrap_or(""))
        .ok()
        .map(|d| d.earliest());
    for (n, line) in text.body_lines() {
        if let Some(i) = line.find("自") {
            if let Some((d, rest)) = cn_date(&line[i + "自".len()..]) {
                if rest.starts_with("起施行") || rest.starts_with("起执行") {
                    start = Some(d);
                }
            }
        }
        if let Some(i) = line.find("有效期至") {
            if let Some((d, _)) = cn_date(&line[i + "有效期至".len()..]) {
                out.push((n, d));
            }
        } else if let Some(i) = line.find("有效期") {
            let rest = line[i + "有效期".len()..].trim_start_matches(['为', '：']);
            let years: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let (Ok(y), Some(s)) = (years.parse::<u16>(), start) {
                if rest[years.len()..].starts_with('年') && (1..=50).contains(&y) {
                    // N years from the start end the day before its anniversary.
                    let end = (s.0 + y, s.1, s.2.min(formats::days_in_month(s.0 + y, s.1)));
                    out.push((n, previous_day(end)));
                }
            }
        }
    }
    out
}

fn previous_day(d: Day) -> Day {
    let (y, m, day) = d;
    if day > 1 {
        (y, m, day - 1)
    } else if m > 1 {
        (y, m - 1, formats::days_in_month(y, m - 1))
    } else {
        (y - 1, 12, 31)
    }
}

/// `2028年12月31日` at the start of `s`, and what follows it.
fn cn_date(s: &str) -> Option<(Day, &str)> {
    let (y, rest) = s.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let (d, rest) = rest.split_once('日')?;
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(y)? as u16, num(m)? as u8, num(d)? as u8);
    ((1..=12).contains(&m) && d >= 1 && d <= formats::days_in_month(y, m))
        .then_some(((y, m, d), rest))
}

/// Another policy's text says this one is repealed or stops applying, and this one does not
/// link to it as its successor: the original is not marked as the 指引 asks.
fn repealed_elsewhere(site: &Site, policy: &Policy, out: &mut Vec<Finding>) {
    let compact = |s: &str| s.split_whitespace().collect::<String>();
    let title = format!("《{}》", compact(&policy.meta.title));
    let number = policy
        .meta
        .doc_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    for other in site.policies.iter().filter(|p| p.slug != policy.slug) {
        if policy.lifecycle.replaced_by.contains(&other.slug) {
            continue;
        }
        let text = SourceText::read(&other.source);
        let Some((line, _)) = text.body_lines().find(|(_, l)| {
            let l = compact(l);
            (l.contains(&title) || number.is_some_and(|n| l.contains(n)))
                && ["废止", "失效", "停止执行", "不再执行"]
                    .iter()
                    .any(|w| l.contains(w))
        }) else {
            continue;
        };
        let own = SourceText::read(&policy.source);
        out.push(Finding::at(
            LIFECYCLE,
            &policy.source,
            own.key_line(VALIDITY),
            format!(
                "《{}》（{}:{line}）写明本文件废止或失效，但本文件没有标注：有效性是「{}」，也没有 replaced_by: {}",
                other.meta.title,
                other.source.display(),
                policy.lifecycle.validity.label(),
                other.slug
            ),
            format!(
                "在本文件的前置元数据中写 validity: 废止（或 失效）、validity_date 和 replaced_by: [{}]，页面上就会标注并链接到新文件。",
                other.slug
            ),
        ));
    }
}
