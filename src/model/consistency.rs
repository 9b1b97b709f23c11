//! Checks across documents: two policies sharing a 文号, a title or a 索引号, dates far in the
//! future, and a 发布日期 before the 成文日期.

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::formats::{self, Date};
use crate::load::{DocKind, SourceDoc, SourceSite};

/// How far in the future a date may lie before it is taken for a typing error.
pub const DEFAULT_FUTURE_MARGIN_DAYS: u32 = 30;

pub fn check(source: &SourceSite) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let policies: Vec<&SourceDoc> = source
        .documents
        .iter()
        .map(|d| &**d)
        .filter(|d| d.bundle.is_some() && d.kind() == Some(DocKind::Policy))
        .collect();
    duplicates(
        &policies,
        "doc_number",
        "文号",
        |d| d.front.doc_number.as_deref(),
        &mut diags,
    );
    duplicates(
        &policies,
        "title",
        "标题",
        |d| d.front.title.as_deref(),
        &mut diags,
    );
    let all: Vec<&SourceDoc> = source.documents.iter().map(|d| &**d).collect();
    duplicates(
        &all,
        "index_number",
        "索引号",
        |d| d.front.index_number.as_deref(),
        &mut diags,
    );

    let margin = source
        .config
        .future_date_margin_days
        .unwrap_or(DEFAULT_FUTURE_MARGIN_DAYS);
    let limit = formats::add_days(formats::today(), margin);
    for doc in &source.documents {
        let fm = &doc.front;
        for (key, value) in [
            ("signed", &fm.signed),
            ("published", &fm.published),
            ("date", &fm.date),
            ("validity_date", &fm.validity_date),
        ] {
            let Some((v, date)) = value
                .as_deref()
                .and_then(|v| formats::parse_date(v).ok().map(|d| (v, d)))
            else {
                continue;
            };
            if date.earliest() > limit {
                diags.push(
                    Diagnostic::warning(format!(
                        "日期「{v}」（{key}）比今天晚 {margin} 天以上"
                    ))
                    .at(&doc.path, doc.line_of(key))
                    .hint("请核对年份和月份是否写错；确要提前写好的，可在 jiedu.yaml 中用 future_date_margin_days 调整允许的天数。"),
                );
            }
        }
        let parsed = |v: &Option<String>| -> Option<(String, Date)> {
            let v = v.as_deref()?;
            formats::parse_date(v).ok().map(|d| (v.to_string(), d))
        };
        if let (Some((signed, s)), Some((published, p))) =
            (parsed(&fm.signed), parsed(&fm.published))
        {
            if p.latest() < s.earliest() {
                diags.push(
                    Diagnostic::warning(format!(
                        "发布日期「{published}」早于成文日期「{signed}」"
                    ))
                    .at(&doc.path, doc.line_of("published"))
                    .hint("公文先成文、后发布；请核对 signed（成文日期）和 published（发布日期）。"),
                );
            }
        }
    }
    diags
}

/// Two documents with the same value of a field that must be unique: an error at the later
/// one (in file order), naming the first. For titles, two policies of different issuers may
/// share one (the same policy adopted by two cities), so that is only a warning.
fn duplicates(
    docs: &[&SourceDoc],
    key: &str,
    what: &str,
    value: impl Fn(&SourceDoc) -> Option<&str>,
    diags: &mut Diagnostics,
) {
    let mut first: BTreeMap<&str, &SourceDoc> = BTreeMap::new();
    let mut sorted = docs.to_vec();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for doc in sorted {
        let Some(v) = value(doc).map(str::trim).filter(|v| !v.is_empty()) else {
            continue;
        };
        let Some(other) = first.get(v) else {
            first.insert(v, doc);
            continue;
        };
        // A regulation revised in place keeps its name (上海市住房租赁条例, 2022 and as amended
        // in 2025): two policies linked as revision and revised share a title by right.
        if key == "title" && revises(doc, other) {
            continue;
        }
        let d = if key == "title" && issuer(doc) != issuer(other) {
            Diagnostic::warning(format!(
                "{what}「{v}」与 {} 相同，发文机关不同",
                other.path.display()
            ))
            .hint(format!(
                "不同机关的同名文件可忽略此警告；如果是复制政策目录新建的政策，请修改 {key}（{what}）等元数据。"
            ))
        } else {
            Diagnostic::error(format!("{what}「{v}」与 {} 相同", other.path.display())).hint(
                format!(
                    "两个文件不能使用同一个{what}；复制政策目录新建政策时，请修改 {key}（{what}）等元数据。"
                ),
            )
        };
        diags.push(d.at(&doc.path, doc.line_of(key)));
    }
}

/// Whether one of the two policies amends or replaces the other (by its bundle name).
fn revises(a: &SourceDoc, b: &SourceDoc) -> bool {
    let names = |x: &SourceDoc, y: &SourceDoc| {
        y.bundle
            .as_ref()
            .is_some_and(|slug| x.front.amends.contains(slug) || x.front.replaced_by.contains(slug))
    };
    names(a, b) || names(b, a)
}

fn issuer(doc: &SourceDoc) -> &str {
    doc.front.issuer.as_deref().map_or("", str::trim)
}
