//! The inspection rules: what each finding is measured against, named by the document and
//! item it comes from. Sources are cited only as far as their wording was found in the
//! official text or a faithful reproduction of it (see shared/docs/zhengwu-conventions.md);
//! where a rule is common practice rather than a document's item, it says so.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable identifier for `--json` and tests.
    pub id: &'static str,
    /// What the rule asks, as an editor would name it.
    pub name: &'static str,
    /// The document and item it comes from.
    pub source: &'static str,
}

pub const SYNC: Rule = Rule {
    id: "sync",
    name: "三同步：解读与政策同步发布",
    source: "国办发〔2016〕80号《〈关于全面推进政务公开工作的意见〉实施细则》：按照“谁起草、谁解读”的原则，做到政策性文件与解读方案、解读材料同步组织、同步审签、同步部署",
};

pub const COVERAGE: Rule = Rule {
    id: "coverage",
    name: "政策文件应有解读",
    source: "国办发〔2016〕80号实施细则（“谁起草、谁解读”）；国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》发布解读类指标",
};

pub const FORMATS: Rule = Rule {
    id: "formats",
    name: "解读形式：图解、音频视频",
    source: "国办发〔2019〕14号《2019年政务公开工作要点》：采用图片图表、音频视频、卡通动漫等群众喜闻乐见的展现形式",
};

pub const WRITTEN_PARTS: Rule = Rule {
    id: "written-parts",
    name: "文稿解读的要素",
    source: "地方政策解读工作制度列出的解读要素，如甘政公开办函〔2019〕1号：背景依据、目标任务、主要内容……关键词注释……新旧政策差异；内政办发〔2017〕5号：出台背景、主要依据……新老政策差异",
};

pub const LIFECYCLE: Rule = Rule {
    id: "lifecycle",
    name: "修改、废止、失效的文件应明确标注",
    source: "国办发〔2017〕47号《政府网站发展指引》网站功能·信息发布·文件资料：如相关文件资料发生修改、废止、失效等情况，应及时公开，并在已发布的原文件上作出明确标注",
};

pub const DOC_NUMBER: Rule = Rule {
    id: "doc-number",
    name: "发文字号的写法",
    source: "GB/T 9704-2012《党政机关公文格式》7.2.5 发文字号：年份应标全称，用六角括号“〔〕”括入；发文顺序号不加“第”字，不编虚位，在阿拉伯数字后加“号”字",
};

pub const METADATA: Rule = Rule {
    id: "metadata",
    name: "政府信息的元数据：索引号、发布机构、日期",
    source: "《政府信息公开目录系统实施指引（试行）》：索引号、名称、发布机构、生成日期等为政府信息的核心元数据，索引号唯一且不可更改",
};

pub const LINKS: Rule = Rule {
    id: "links",
    name: "链接可用",
    source: "国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》网站可用性（链接可用性：首页及其他页面不能正常访问的链接）",
};

pub const MEDIA: Rule = Rule {
    id: "media",
    name: "图片、视频的文字替代",
    source: "GB/T 37668-2019《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（对应 WCAG 2.1 1.1.1 非文本内容、1.2.2 字幕、1.2.3 文字替代）；国办公开办函〔2021〕28号要求政府网站据此开展适老化与无障碍改造",
};

pub const TERMS: Rule = Rule {
    id: "terms",
    name: "规范用语",
    source: "本站规范用语表（jiedu.yaml 的 inspection.terms）；国办秘函〔2019〕19号检查指标将“严重表述错误”列为单项否决",
};

pub const BUILD: Rule = Rule {
    id: "build",
    name: "网站能够生成",
    source: "jiedu check：有错误的内容不能生成网站，其他检查项无法进行",
};

/// Every rule, in the order the report lists them.
pub const ALL: [Rule; 11] = [
    SYNC,
    COVERAGE,
    FORMATS,
    WRITTEN_PARTS,
    LIFECYCLE,
    DOC_NUMBER,
    METADATA,
    LINKS,
    MEDIA,
    TERMS,
    BUILD,
];
