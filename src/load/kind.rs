//! The seven interpretation formats and how a 政务公开 portal names them: told apart once, at
//! load (the front matter's `kind`), and used by the model and the render as they are.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Leader,
    Expert,
    Document,
    Qa,
    Infographic,
    Video,
    Animation,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Leader,
        Kind::Expert,
        Kind::Document,
        Kind::Qa,
        Kind::Infographic,
        Kind::Video,
        Kind::Animation,
    ];

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "leader" | "领导干部解读" => Kind::Leader,
            "expert" | "专家解读" => Kind::Expert,
            "document" | "文稿解读" => Kind::Document,
            "qa" | "简明问答" => Kind::Qa,
            "infographic" | "一图读懂" | "图文解读" => Kind::Infographic,
            "video" | "视频解读" => Kind::Video,
            "animation" | "动漫解读" => Kind::Animation,
            _ => return None,
        })
    }

    /// URL segment.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Leader => "leader",
            Kind::Expert => "expert",
            Kind::Document => "document",
            Kind::Qa => "qa",
            Kind::Infographic => "infographic",
            Kind::Video => "video",
            Kind::Animation => "animation",
        }
    }

    /// The format's name, e.g. 专家解读.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Leader => "领导干部解读",
            Kind::Expert => "专家解读",
            Kind::Document => "文稿解读",
            Kind::Qa => "简明问答",
            Kind::Infographic => "一图读懂",
            Kind::Video => "视频解读",
            Kind::Animation => "动漫解读",
        }
    }

    /// The column the portal files it under (breadcrumb); 一图读懂 lives in 图文解读.
    pub fn column(self) -> &'static str {
        match self {
            Kind::Infographic => "图文解读",
            other => other.name(),
        }
    }
}

/// What a content file is, from its front matter's `kind` (English or the portal's Chinese
/// name): told apart here once, so that no later stage matches the spellings again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Policy,
    Progress,
    Page,
    Interpretation(Kind),
}

impl DocKind {
    /// None for a kind jiedu does not know (the model reports it).
    pub fn parse(s: &str) -> Option<DocKind> {
        Some(match s {
            "policy" | "政策" => DocKind::Policy,
            "progress" | "落实进展" => DocKind::Progress,
            "page" | "页面" => DocKind::Page,
            other => DocKind::Interpretation(Kind::parse(other)?),
        })
    }
}
