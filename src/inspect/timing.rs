//! 三同步 and coverage: each interpretation published with its policy (same day, or within
//! the site's `inspection.sync_days`), every policy in force interpreted, and in more than
//! words alone.

use super::rules::{COVERAGE, FORMATS, SYNC};
use super::source::{SourceText, KIND, PUBLISHED};
use super::Finding;
use crate::load::formats::{self, Date};
use crate::model::{Kind, Policy, Site};

pub fn check(site: &Site, sync_days: u32) -> Vec<Finding> {
    let mut out = Vec::new();
    for policy in &site.policies {
        publication(policy, sync_days, &mut out);
        coverage(policy, &mut out);
    }
    out
}

fn parse(value: Option<&str>) -> Option<Date> {
    formats::parse_date(value?).ok()
}

fn publication(policy: &Policy, sync_days: u32, out: &mut Vec<Finding>) {
    let policy_date = parse(policy.meta.published.as_deref());
    if policy_date.is_none() && !policy.interpretations.is_empty() {
        let text = SourceText::read(&policy.source);
        out.push(Finding::at(
            SYNC,
            &policy.source,
            text.key_line(KIND),
            format!(
                "政策《{}》没有填写发布日期（published），无法核对解读是否与政策同步发布",
                policy.meta.title
            ),
            "在 policy.md 的前置元数据中写 published: \"YYYY-MM-DD\"，即政策在政府网站上的发布日期。",
        ));
    }
    for interp in &policy.interpretations {
        let name = interp.kind.name();
        let text = SourceText::read(&interp.source);
        let Some(date) = parse(interp.published.as_deref()) else {
            out.push(Finding::at(
                SYNC,
                &interp.source,
                text.key_line(KIND),
                format!("{name}没有填写发布日期（published），无法核对是否与政策同步发布"),
                "在前置元数据中写 published: \"YYYY-MM-DD\"，即这篇解读在政府网站上的发布日期。",
            ));
            continue;
        };
        let Some(policy_date) = policy_date else {
            continue;
        };
        // Dates written to different precision compare at their most favourable ends.
        let late = formats::days_between(policy_date.latest(), date.earliest());
        if late > i64::from(sync_days) {
            let allowed = if sync_days == 0 {
                "应同日发布".to_string()
            } else {
                format!("本站允许 {sync_days} 天")
            };
            out.push(Finding::at(
                SYNC,
                &interp.source,
                text.key_line(PUBLISHED),
                format!(
                    "{name}发布于 {date}，比政策发布日期 {policy_date} 晚 {late} 天（{allowed}）"
                ),
                "解读材料应与政策同时发布；日期写错的，请改正 published；确实晚发的，请在下次发布时同步，并向检查单位说明原因（允许的天数可在 jiedu.yaml 的 inspection.sync_days 中设置）。",
            ));
        }
    }
}

fn coverage(policy: &Policy, out: &mut Vec<Finding>) {
    if !policy.lifecycle.validity.in_force() {
        return;
    }
    let text = SourceText::read(&policy.source);
    let line = text.key_line(KIND);
    if policy.interpretations.is_empty() {
        out.push(Finding::at(
            COVERAGE,
            &policy.source,
            line,
            format!("政策《{}》现行有效，但没有任何解读", policy.meta.title),
            "在政策目录中加入至少一种解读（如 document.md 文稿解读、qa.md 简明问答），由起草部门提供。",
        ));
        return;
    }
    let visual = [Kind::Infographic, Kind::Video, Kind::Animation];
    if !policy
        .interpretations
        .iter()
        .any(|i| visual.contains(&i.kind))
    {
        let has: Vec<&str> = policy
            .interpretations
            .iter()
            .map(|i| i.kind.name())
            .collect();
        out.push(Finding::at(
            FORMATS,
            &policy.source,
            line,
            format!(
                "政策《{}》只有{}，没有一图读懂、视频或动漫解读",
                policy.meta.title,
                has.join("、")
            ),
            "考虑加一种可视的解读：infographic.md（一图读懂）、video.md 或 animation.md。",
        ));
    }
}
