//! Typed template contexts: one struct per page kind, borrowing from the model.

use serde::Serialize;

use super::cx::Cx;
use crate::model::types::*;
use crate::model::urls;
use crate::model::Kind;

/// Site-wide data, built once per build and shared by every page.
#[derive(Debug, Serialize)]
pub struct SiteCtx {
    pub name: String,
    pub publisher: String,
    pub organizer: Option<String>,
    pub contact: Option<String>,
    pub site_id_code: Option<String>,
    pub icp: Option<String>,
    pub police_record: Option<String>,
    pub description: Option<String>,
    /// Path prefix of every internal link, e.g. `/`.
    pub prefix: String,
    pub home: String,
    pub search: String,
    pub units: String,
    pub columns: Vec<NavLink>,
    pub pages: Vec<NavLink>,
    /// Set by `jiedu serve` only: the live-reload script is injected.
    pub live_reload: bool,
    /// Where that script is served.
    pub live_script: String,
    /// `png` or `svg`: how share images are linked ([`super::share_image::extension`]).
    pub share_image_ext: &'static str,
    /// `{"site": …}` as a template context, made on first use: every page starts from a copy
    /// of it rather than serializing the same site data again (see [`super::chrome::wrap`]).
    #[serde(skip)]
    pub as_context: std::sync::OnceLock<Result<tera::Context, String>>,
}

impl SiteCtx {
    /// The template context holding only `site`.
    pub fn context(&self) -> Result<&tera::Context, tera::Error> {
        #[derive(Serialize)]
        struct Only<'a> {
            site: &'a SiteCtx,
        }
        self.as_context
            .get_or_init(|| {
                tera::Context::from_serialize(Only { site: self }).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| tera::Error::msg(e.clone()))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub name: String,
    pub content: String,
}

/// What every page carries besides its own data: title, breadcrumb, head metadata, share QR.
#[derive(Debug, Serialize)]
pub struct Chrome {
    pub title: String,
    pub breadcrumb: Vec<Crumb>,
    pub meta: Vec<Meta>,
    pub og: Vec<Meta>,
    pub canonical: String,
    pub qr_svg: String,
    /// Body class, e.g. `page-clause`.
    pub kind: &'static str,
    pub description: String,
}

/// A page's own part of its context: the chrome and its data (`site` is added from
/// [`SiteCtx::context`]).
#[derive(Serialize)]
pub struct PageCtx<T: Serialize> {
    pub page: Chrome,
    #[serde(flatten)]
    pub data: T,
}

#[derive(Debug, Clone, Serialize)]
pub struct PolicyBrief<'a> {
    pub title: &'a str,
    pub href: String,
    pub doc_number: Option<&'a str>,
    pub issuer: &'a str,
    pub meta: &'a PolicyMeta,
}

impl<'a> PolicyBrief<'a> {
    pub fn new(cx: &Cx<'a>, pi: usize) -> Self {
        let p = cx.policy(pi);
        PolicyBrief {
            title: &p.meta.title,
            href: cx.urls().href(&urls::policy(p.slug)),
            doc_number: p.meta.doc_number.as_deref(),
            issuer: &p.meta.issuer,
            meta: p.meta,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InterpLink<'a> {
    pub kind: Kind,
    pub kind_name: &'static str,
    pub title: &'a str,
    pub href: String,
    pub published: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub policy_title: &'a str,
}

impl<'a> InterpLink<'a> {
    /// The links to a policy's interpretations (their heads only).
    pub fn all(cx: &Cx<'a>, pi: usize) -> Vec<Self> {
        Self::matching(cx, pi, |_| true)
    }

    /// The links to a policy's interpretations of one kind.
    pub fn of_kind(cx: &Cx<'a>, pi: usize, kind: Kind) -> Vec<Self> {
        Self::matching(cx, pi, |k| k == kind)
    }

    fn matching(cx: &Cx<'a>, pi: usize, wanted: impl Fn(Kind) -> bool) -> Vec<Self> {
        let p = cx.policy(pi);
        cx.interpretations(pi)
            .iter()
            .filter(|i| wanted(i.kind))
            .map(|i| InterpLink {
                kind: i.kind,
                kind_name: i.kind.name(),
                title: i.title,
                href: cx.urls().href(&urls::interpretation(p.slug, i.kind)),
                published: i.published,
                summary: i.summary,
                policy_title: &p.meta.title,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionLink<'a> {
    pub question: &'a str,
    pub href: String,
    pub topic: &'a str,
}

#[derive(Debug, Serialize)]
pub struct HomeData<'a> {
    /// The latest policies.
    pub policies: Vec<HomePolicy<'a>>,
    /// How many policies the site has.
    pub policy_total: usize,
    /// The 政策文件库, which lists them all.
    pub library_href: String,
    pub formats: Vec<FormatGroup<'a>>,
    pub questions: Vec<QuestionLink<'a>>,
}

#[derive(Debug, Serialize)]
pub struct HomePolicy<'a> {
    pub brief: PolicyBrief<'a>,
    pub clause_count: usize,
    pub interpretations: Vec<InterpLink<'a>>,
}

#[derive(Debug, Serialize)]
pub struct FormatGroup<'a> {
    pub name: &'static str,
    pub href: String,
    pub items: Vec<InterpLink<'a>>,
}

#[derive(Debug, Serialize)]
pub struct NodeView<'a> {
    pub node: &'a FlatNode,
    pub href: Option<String>,
    pub heading_level: usize,
    pub passages: &'a [std::sync::Arc<Passage>],
}

#[derive(Debug, Serialize)]
pub struct PolicyData<'a> {
    pub policy: PolicyBrief<'a>,
    pub preamble_html: &'a str,
    pub closing_html: &'a str,
    pub nodes: Vec<NodeView<'a>>,
    pub interpretations: Vec<InterpLink<'a>>,
    pub questions: Vec<QuestionLink<'a>>,
    pub progress_href: Option<String>,
    /// The policy's open data (`data/<slug>.json`) and the schema describing it.
    pub data_href: String,
    pub data_schema_href: String,
}

#[derive(Debug, Serialize)]
pub struct AncestorView<'a> {
    pub label: &'a str,
    pub heading: &'a str,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct ClauseData<'a> {
    pub policy: PolicyBrief<'a>,
    pub node: &'a FlatNode,
    pub full_text_href: String,
    pub ancestors: Vec<AncestorView<'a>>,
    /// Interpretation passages citing the clause.
    pub passages: Vec<&'a Passage>,
    /// 落实进展 items citing it.
    pub progress: Vec<&'a Passage>,
    pub prev: Option<ClauseLink>,
    pub next: Option<ClauseLink>,
}

#[derive(Debug, Serialize)]
pub struct TopicGroup<'a> {
    pub topic: &'a str,
    pub questions: Vec<QuestionView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct QuestionView<'a> {
    pub q: &'a Question,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct InterpData<'a> {
    pub policy: PolicyBrief<'a>,
    pub kind: Kind,
    pub kind_name: &'static str,
    pub title: &'a str,
    pub published: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub index_number: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub author: Option<&'a crate::load::front_matter::Author>,
    pub cites: &'a [ClauseLink],
    pub body_html: &'a str,
    pub headings: &'a [crate::markdown::Heading],
    pub topics: Vec<TopicGroup<'a>>,
    pub panels: &'a [Panel],
    /// The 一图读懂 as one long image (保存长图), when the page has panels.
    pub long_image: Option<String>,
    pub image: Option<&'a Image>,
    pub media: Option<&'a Media>,
    pub siblings: Vec<InterpLink<'a>>,
    /// schema.org FAQPage JSON-LD when the page lists questions (the Q&A index).
    pub json_ld: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CitedClause<'a> {
    pub link: &'a ClauseLink,
    pub paragraphs_html: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct QuestionData<'a> {
    pub policy: PolicyBrief<'a>,
    pub q: &'a Question,
    pub qa_title: &'a str,
    pub qa_href: String,
    pub published: Option<&'a str>,
    pub publisher: Option<&'a str>,
    pub clauses: Vec<CitedClause<'a>>,
    pub related: Vec<QuestionLink<'a>>,
    pub prev: Option<QuestionLink<'a>>,
    pub next: Option<QuestionLink<'a>>,
    pub json_ld: String,
}

#[derive(Debug, Serialize)]
pub struct ProgressData<'a> {
    pub policy: PolicyBrief<'a>,
    pub items: &'a [Progress],
}

#[derive(Debug, Serialize)]
pub struct ColumnData<'a> {
    pub kind_name: &'static str,
    pub column: &'static str,
    /// How many interpretations of the format the site has.
    pub total: usize,
    /// This page's share of them.
    pub items: Vec<InterpLink<'a>>,
    /// Links to every page, when the column has more than one.
    pub pager: Option<Pager>,
}

#[derive(Debug, Serialize)]
pub struct UnitClause<'a> {
    pub label: &'a str,
    pub heading: &'a str,
    pub href: String,
    pub policy_title: &'a str,
}

#[derive(Debug, Serialize)]
pub struct UnitData<'a> {
    pub name: &'a str,
    /// The unit's Atom feed ("订阅").
    pub feed_href: String,
    /// The unit's tasks in all parts of its list.
    pub lead_total: usize,
    pub responsible_total: usize,
    /// The tasks on this part of the list.
    pub lead: Vec<UnitClause<'a>>,
    pub responsible: Vec<UnitClause<'a>>,
    /// Links to every part, when the list has more than one.
    pub pager: Option<Pager>,
}

/// Where a page is among the parts of a long list, and a link to each part.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub current: usize,
    pub count: usize,
    /// The pages shown by number, in order, with a gap entry where numbers are left out.
    pub pages: Vec<PagerLink>,
    /// The page before and after this one, where there is one.
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
    /// Stands for page numbers left out (no link).
    pub gap: bool,
}

#[derive(Debug, Serialize)]
pub struct UnitsData<'a> {
    pub units: Vec<UnitLink<'a>>,
}

#[derive(Debug, Serialize)]
pub struct UnitLink<'a> {
    pub name: &'a str,
    pub href: String,
    pub lead: usize,
    pub responsible: usize,
}

#[derive(Debug, Serialize)]
pub struct PageData<'a> {
    pub title: &'a str,
    pub body_html: &'a str,
    pub headings: &'a [crate::markdown::Heading],
}

#[derive(Debug, Serialize)]
pub struct SearchData {
    /// Lists to browse instead of searching: the 政策文件库, the 简明问答 column, the units, the
    /// 网站地图.
    pub browse: Vec<NavLink>,
    /// Page types offered as a filter (条款, 简明问答, …).
    pub formats: Vec<&'static str>,
    /// Unit names offered as a filter.
    pub units: Vec<String>,
    /// The search engine script of the bundle.
    pub engine_js: String,
}

#[derive(Debug, Serialize)]
pub struct Empty {}
