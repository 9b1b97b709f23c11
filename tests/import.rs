//! `jiedu import` end to end: the real binary writes a bundle into a temporary site root, and the
//! written `policy.md` is read back with the same clause parser `jiedu build` uses.

use crate::common;

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use jiedu::clause::{self, ClauseTree, Role};
use jiedu::diagnostics::Diagnostics;

fn seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/001_ac1ff4ea6668311b.txt")
}

fn jiedu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args(args)
        .output()
        .expect("the jiedu binary runs")
}

fn import(file: &Path, root: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "import",
        file.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    jiedu(&args)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

struct Policy {
    front: serde_yaml::Value,
    body: String,
    tree: ClauseTree,
    diags: Diagnostics,
}

fn read_policy(root: &Path, slug: &str) -> Policy {
    let path = root.join(slug).join("policy.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let rest = text
        .strip_prefix("---\n")
        .expect("front matter starts the file");
    let (yaml, body) = rest.split_once("\n---\n").expect("front matter is closed");
    let first_line = yaml.lines().count() + 3;
    let (tree, diags) = clause::parse(body, first_line, &path);
    Policy {
        front: serde_yaml::from_str(yaml).unwrap(),
        body: body.to_string(),
        tree,
        diags,
    }
}

fn field<'a>(p: &'a Policy, key: &str) -> Option<&'a str> {
    p.front[key].as_str()
}

fn check_seed_policy(p: &Policy) {
    assert!(!p.diags.has_errors(), "{}", p.diags);
    assert_eq!(
        field(p, "title"),
        Some("关于加快推进卫生健康事业高质量发展 打造区域医疗高地工作的意见")
    );
    assert_eq!(field(p, "doc_number"), Some("聊政字〔2023〕25号"));
    assert_eq!(field(p, "issuer"), Some("聊城市人民政府"));
    assert_eq!(field(p, "signed"), Some("2023-12-30"));
    assert_eq!(field(p, "note"), Some("此件公开发布"));
    assert_eq!(
        field(p, "addressee"),
        Some("各县(市、区)人民政府,市属开发区管委会,市政府有关部门、直属机构")
    );
    assert_eq!(field(p, "kind"), Some("policy"));

    let clauses = p.tree.clauses();
    assert_eq!(clauses.len(), 25);
    assert!(clauses.iter().all(|c| c.id.starts_with("4.")));
    assert_eq!(clauses[0].id, "4.1.1");
    assert_eq!(clauses[24].id, "4.6.3");
    for c in &clauses {
        assert!(
            c.units_with_role(Role::Lead).count() >= 1,
            "clause {} lost its unit note",
            c.id
        );
    }
    // 4.2.2's note was broken across a page: its units are whole.
    let c422 = clauses.iter().find(|c| c.id == "4.2.2").unwrap();
    assert!(c422
        .units_with_role(Role::Responsible)
        .any(|u| u == "市行政审批局"));
    // The broken paragraphs are joined, in the body and in the clause texts.
    for joined in [
        "按照市委“三提三敢”要求",
        "与周边地区对标对表",
        "区域内综合性优抚中心",
        "学历条件,降低开考比例",
        "增加人才的归属感",
        "争当区域专科联盟盟主",
    ] {
        assert!(p.body.contains(joined), "not joined: {joined}");
    }
    let c413 = clauses.iter().find(|c| c.id == "4.3.1").unwrap();
    assert_eq!(c413.paragraphs.len(), 1, "{:?}", c413.paragraphs);
    // Front matter lines left the body; no page furniture remains.
    assert!(!p.body.contains("聊政字"));
    assert!(!p.body.contains("此件公开发布"));
    assert!(p.tree.closing.is_empty(), "{:?}", p.tree.closing);
    assert!(p.body.contains("\n## 四、工作任务\n"));
    assert!(p
        .body
        .contains("\n### （四）坚持学科兴卫,加强医学学科建设\n"));
}

#[test]
fn imports_the_seed_policy() {
    let root = tempfile::tempdir().unwrap();
    let out = import(&seed(), root.path(), &["--policy-slug", "yiliao-gaodi"]);
    assert_ok(&out);
    let p = read_policy(root.path(), "yiliao-gaodi");
    check_seed_policy(&p);
    let report = stdout(&out);
    for expected in [
        "文字编码：UTF-8",
        "部分 5 个，分组 13 个，任务条款 25 条，单位说明 25 条",
        "接续的断段（12 处",
        "第 15 行「…康工作方针,按照市委」＋ 第 17 行「“三提三敢”要求",
        "需要核对：无",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
}

#[test]
fn imports_the_seed_encoded_as_gbk_to_the_same_policy() {
    let root = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed()).unwrap();
    let (gbk, _, had_errors) = encoding_rs::GBK.encode(&text);
    assert!(!had_errors, "the seed is representable in GBK");
    let gbk_file = root.path().join("policy-gbk.txt");
    std::fs::write(&gbk_file, &gbk).unwrap();
    let site = root.path().join("site");

    let out = import(&gbk_file, &site, &[]);
    assert_ok(&out);
    assert!(stdout(&out).contains("文字编码：GBK/GB18030"));
    let from_gbk = read_policy(&site, "policy-gbk");
    check_seed_policy(&from_gbk);

    assert_ok(&import(&seed(), &site, &["--policy-slug", "utf8"]));
    let from_utf8 = read_policy(&site, "utf8");
    assert_eq!(from_gbk.body, from_utf8.body);
}

#[test]
fn chapters_departments_boxes_tables_and_page_noise() {
    let text = "\
某市教育局文件

某教发〔2024〕3号

某市教育局关于推进教育数字化的实施方案

各县（市、区）教育局：

为推进教育数字化，制定本方案。

第一章 总体要求

一、指导思想

1. 坚持立德树人。全面落实立德树人根本任务。（牵头部门：市教育局；参与部门：市财政局、市人社局）

2、建设数字校园。推进校园网络全覆盖，到2025年实现

- 2 -

全市中小学千兆到校。（牵头部门：市教育局；配合部门：市工信局）

专栏1 数字校园建设重点
1. 千兆校园网络
2. 智慧教室
项目\t2024年\t2025年
千兆到校率\t80%\t100%

３．提升教师数字素养。开展全员培训。(牵头部门:市教育局;参与部门:各县(市、区)教育局)

第二章 保障措施

一、组织保障

1. 加强组织领导。成立工作专班。（牵头部门：市教育局）

某市教育局

2024年3月1日

（此件主动公开）
";
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("shuzihua.txt");
    std::fs::write(&file, text).unwrap();
    let site = root.path().join("site");
    let out = import(&file, &site, &[]);
    assert_ok(&out);
    let p = read_policy(&site, "shuzihua");
    assert!(!p.diags.has_errors(), "{}", p.diags);
    assert_eq!(field(&p, "title"), Some("关于推进教育数字化的实施方案"));
    assert_eq!(field(&p, "doc_number"), Some("某教发〔2024〕3号"));
    assert_eq!(field(&p, "issuer"), Some("某市教育局"));
    assert_eq!(field(&p, "addressee"), Some("各县（市、区）教育局"));
    assert_eq!(field(&p, "signed"), Some("2024-03-01"));
    assert_eq!(field(&p, "note"), Some("此件主动公开"));

    let ids: Vec<_> = p.tree.clauses().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec!["1.1.1", "1.1.2", "1.1.3", "2.1.1"]);
    let c = p.tree.clauses();
    assert_eq!(c[0].units[1].label, "参与部门");
    assert_eq!(c[0].units[1].names, vec!["市财政局", "市人社局"]);
    assert_eq!(c[1].units[1].label, "配合部门");
    assert_eq!(c[2].units[1].names, vec!["各县〔市、区〕教育局"]);
    assert_eq!(c[2].label, "3.");
    // The page number is gone and the sentence it split is whole.
    assert!(p.body.contains("到2025年实现全市中小学千兆到校。"));
    assert!(!p.body.contains("- 2 -"));
    // The box with its table is a block quote inside clause 1.1.2.
    let box_md = "> **专栏1 数字校园建设重点**\n>\n> 1. 千兆校园网络\n>\n> 2. 智慧教室\n>\n> | 项目 | 2024年 | 2025年 |\n> | --- | --- | --- |\n> | 千兆到校率 | 80% | 100% |";
    assert!(p.body.contains(box_md), "{}", p.body);
    assert!(c[1].paragraphs.iter().any(|para| para.text == box_md));
    assert!(p.body.contains("## 第一章 总体要求\n\n### 一、指导思想"));
    assert!(p.body.contains("### 一、组织保障"));

    let report = stdout(&out);
    for expected in [
        "部分 2 个，分组 2 个，任务条款 4 条，单位说明 4 条，表格 1 个，专栏 1 个",
        "接续的断段（1 处",
        "页码「- 2 -」",
        "专栏「专栏1 数字校园建设重点」含 3 项内容",
    ] {
        assert!(
            report.contains(expected),
            "missing {expected:?} in:\n{report}"
        );
    }
}

#[test]
fn reports_numbering_that_skips_and_clauses_without_units() {
    let text = "\
关于测试编号的通知

一、任务

1. 第一项。内容。（牵头单位：甲局）

2. 第二项。内容。

4. 第四项。内容。（牵头单位：乙局）
";
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("skip.txt");
    std::fs::write(&file, text).unwrap();
    let out = import(&file, root.path(), &["--policy-slug", "skip"]);
    assert_ok(&out);
    let report = stdout(&out);
    assert!(
        report.contains("编号不连续：「2.」之后是「4.」"),
        "{report}"
    );
    assert!(report.contains("policy.md:"), "{report}");
    assert!(
        report.contains("条款 1.2（第二项") && report.contains("没有单位说明"),
        "{report}"
    );
    assert!(report.contains("未识别出文号"), "{report}");
    let p = read_policy(root.path(), "skip");
    assert_eq!(p.tree.clauses().len(), 3);
}

/// A minimal .docx: the body, plus a header and comments that must not be imported.
fn make_docx(path: &Path) {
    let para = |style: Option<&str>, text: &str| {
        let ppr = style
            .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
            .unwrap_or_default();
        format!("<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    };
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let body = [
        para(None, "聊城市人民政府"),
        para(None, "聊政字〔2024〕1号"),
        para(Some("Title"), "关于测试 Word 导入的意见"),
        para(None, "各县(市、区)人民政府:"),
        para(Some("Heading1"), "一、工作任务"),
        para(Some("2"), "(一)第一组"),
        para(
            None,
            "1. 第一条。建设床位 &amp; 设备。(牵头单位:市卫生健康委;责任单位:市财政局)",
        ),
        format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("项目"),
            cell("数量"),
            cell("床位"),
            cell("100")
        ),
        para(None, "2. 第二条。内容。(牵头单位:市教育局)"),
        para(None, "聊城市人民政府"),
        para(None, "2024年1月5日"),
    ]
    .concat();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let header = "<?xml version=\"1.0\"?><w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:r><w:t>页眉不应导入</w:t></w:r></w:p></w:hdr>";
    let comments = "<?xml version=\"1.0\"?><w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:comment w:id=\"0\"><w:p><w:r><w:t>批注不应导入</w:t></w:r></w:p></w:comment></w:comments>";
    let content_types = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, data) in [
        ("[Content_Types].xml", content_types),
        ("word/document.xml", document.as_str()),
        ("word/header1.xml", header),
        ("word/comments.xml", comments),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn imports_a_word_document() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("word-policy.docx");
    make_docx(&file);
    let out = import(&file, &root.path().join("site"), &[]);
    assert_ok(&out);
    let p = read_policy(&root.path().join("site"), "word-policy");
    assert!(!p.diags.has_errors(), "{}", p.diags);
    assert_eq!(field(&p, "title"), Some("关于测试 Word 导入的意见"));
    assert_eq!(field(&p, "doc_number"), Some("聊政字〔2024〕1号"));
    assert_eq!(field(&p, "issuer"), Some("聊城市人民政府"));
    assert_eq!(field(&p, "signed"), Some("2024-01-05"));
    assert!(
        p.body.contains("## 一、工作任务\n\n### （一）第一组"),
        "{}",
        p.body
    );
    assert!(p.body.contains("建设床位 & 设备。"));
    assert!(p
        .body
        .contains("| 项目 | 数量 |\n| --- | --- |\n| 床位 | 100 |"));
    assert!(!p.body.contains("页眉不应导入") && !p.body.contains("批注不应导入"));
    let c = p.tree.clauses();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].units[1].names, vec!["市财政局"]);
    assert!(stdout(&out).contains("文字编码：Word 文档（.docx）"));
    assert!(stdout(&out).contains("表格 1 个"));
}

/// A real title set on two lines is one title; a head line set off by a blank line is not
/// glued to the title below it.
#[test]
fn a_title_set_on_two_lines_is_joined_but_not_across_a_blank_line() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let root = tempfile::tempdir().unwrap();
    let site = root.path().join("site");

    // 上海市历史文化风貌区 / 和优秀历史建筑保护条例 (2011 text, as published).
    let two_lines = fixtures.join("revisions/sh-fengmao-tiaoli/old.txt");
    assert_ok(&import(&two_lines, &site, &["--policy-slug", "fengmao"]));
    let p = read_policy(&site, "fengmao");
    assert_eq!(
        field(&p, "title"),
        Some("上海市历史文化风貌区和优秀历史建筑保护条例")
    );
    assert!(
        !p.body.contains("上海市历史文化风貌区\n"),
        "the first half stayed in the body:\n{}",
        &p.body[..p.body.len().min(600)]
    );

    // pdftotext wrote the document number as `〔2019〕860 号`, a blank line above the title.
    let number_above =
        fixtures.join("realdocs-more/tune/59-fgw-shuiwu-geshui-nashui-xinyong-pdftotext.txt");
    assert_ok(&import(&number_above, &site, &["--policy-slug", "nashui"]));
    let p = read_policy(&site, "nashui");
    assert_eq!(
        field(&p, "title"),
        Some("关于加强个人所得税纳税信用建设的通知")
    );
}

fn assert_fails_with(out: &Output, message: &str, root: &Path) {
    assert!(!out.status.success(), "should fail: {}", stdout(out));
    let err = stderr(out);
    assert!(err.contains("错误："), "{err}");
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    assert!(err.contains("提示："), "a hint says how to fix it:\n{err}");
    let left: Vec<_> = std::fs::read_dir(root)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(
        !left.iter().any(|p| p.join("policy.md").exists()),
        "nothing is written on failure: {left:?}"
    );
}

#[test]
fn refuses_empty_binary_and_unsupported_files() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    assert_fails_with(&import(&empty, &site, &[]), "文件是空的", &site);

    let binary = dir.path().join("image.txt");
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend((0u8..=255).cycle().take(2000));
    std::fs::write(&binary, &png).unwrap();
    assert_fails_with(&import(&binary, &site, &[]), "不是文本文件", &site);

    let fake_docx = dir.path().join("fake.docx");
    std::fs::write(&fake_docx, "这不是压缩包").unwrap();
    assert_fails_with(&import(&fake_docx, &site, &[]), "不是有效的 .docx", &site);

    let rtf = dir.path().join("policy.rtf");
    std::fs::write(&rtf, "{\\rtf1}").unwrap();
    assert_fails_with(
        &import(&rtf, &site, &[]),
        "不支持导入这种文件类型：.rtf",
        &site,
    );

    let missing = dir.path().join("missing.txt");
    assert_fails_with(&import(&missing, &site, &[]), "无法读取文件", &site);
}

#[test]
fn refuses_to_overwrite_without_force_and_bad_slugs() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert_ok(&import(&seed(), &site, &["--policy-slug", "p"]));
    let other = site.join("p").join("leader.md");
    std::fs::write(&other, "kept").unwrap();

    let again = import(&seed(), &site, &["--policy-slug", "p"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("已经存在"), "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"));

    let forced = import(&seed(), &site, &["--policy-slug", "p", "--force"]);
    assert_ok(&forced);
    assert!(stdout(&forced).contains("已导入（覆盖）"));
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "kept");
    let leftovers: Vec<_> = std::fs::read_dir(site.join("p"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    for bad in ["../escape", "Policy", "政策", "a/b"] {
        let out = import(&seed(), &site, &["--policy-slug", bad]);
        assert!(!out.status.success(), "{bad} accepted");
        assert!(stderr(&out).contains("不合规"), "{}", stderr(&out));
    }
    assert!(!dir.path().join("escape").exists());
}

/// A .docx as Chinese Word writes it: heading styles with numeric ids named 标题 1/标题 2 in
/// styles.xml, and every number of the list produced by automatic numbering (numbering.xml),
/// so no number is in the text.
fn make_auto_numbered_docx(path: &Path) {
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let para = |style: Option<&str>, level: Option<u32>, text: &str| {
        let style = style
            .map(|s| format!("<w:pStyle w:val=\"{s}\"/>"))
            .unwrap_or_default();
        let num = level
            .map(|l| format!("<w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"1\"/></w:numPr>"))
            .unwrap_or_default();
        format!("<w:p><w:pPr>{style}{num}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
    };
    let body = [
        para(Some("5"), None, "关于测试自动编号的实施方案"),
        para(None, None, "为推进工作，制定本方案。"),
        para(Some("1"), Some(0), "工作任务"),
        para(Some("2"), Some(1), "加强基础能力"),
        para(
            None,
            Some(2),
            "强化算力供给。建设算力中心。（牵头单位：市发展改革委，配合单位：市财政局）",
        ),
        para(
            None,
            Some(2),
            "提升数据能力。开放公共数据。（牵头单位：市数据局）",
        ),
        para(Some("2"), Some(1), "优化发展环境"),
        para(
            None,
            Some(2),
            "降低创业成本。提供办公空间。（牵头单位：市科技局）",
        ),
        para(Some("1"), Some(0), "保障措施"),
        para(None, None, "各单位要加强组织领导。"),
    ]
    .concat();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{w}\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    let level = |ilvl: u32, fmt: &str, text: &str| {
        format!("<w:lvl w:ilvl=\"{ilvl}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/><w:lvlText w:val=\"{text}\"/></w:lvl>")
    };
    let numbering = format!(
        "<?xml version=\"1.0\"?><w:numbering xmlns:w=\"{w}\"><w:abstractNum w:abstractNumId=\"7\">{}{}{}</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"7\"/></w:num></w:numbering>",
        level(0, "chineseCounting", "%1、"),
        level(1, "chineseCounting", "（%2）"),
        level(2, "decimal", "%3.")
    );
    let styles = format!(
        "<?xml version=\"1.0\"?><w:styles xmlns:w=\"{w}\"><w:style w:type=\"paragraph\" w:styleId=\"a5\"><w:name w:val=\"标题 1\"/></w:style></w:styles>"
    );
    write_docx(
        path,
        &[
            ("word/document.xml", document.as_str()),
            ("word/numbering.xml", numbering.as_str()),
            ("word/styles.xml", styles.as_str()),
        ],
    );
}

fn write_docx(path: &Path, parts: &[(&str, &str)]) {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, data) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data.as_bytes()).unwrap();
    }
    std::fs::write(path, zip.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn word_heading_styles_without_numbers_become_the_top_level() {
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let para = |style: &str, text: &str| {
        format!(
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
        )
    };
    let body = [
        para("Normal", "为推进工作，制定本方案。"),
        para("a5", "总体要求"),
        para("Normal", "（一）指导思想。坚持系统观念。"),
        para("a5", "重点任务"),
        para(
            "Normal",
            "（一）推进建设。建设中心。（市发展改革委牵头，市财政局配合）",
        ),
        para("Normal", "（二）强化保障。保障资金。（市财政局负责）"),
    ]
    .concat();
    let document = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"{w}\"><w:body>{body}</w:body></w:document>"
    );
    let styles = format!("<?xml version=\"1.0\"?><w:styles xmlns:w=\"{w}\"><w:style w:styleId=\"a5\"><w:name w:val=\"标题 1\"/></w:style></w:styles>");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("styled.docx");
    write_docx(
        &file,
        &[
            ("word/document.xml", &document),
            ("word/styles.xml", &styles),
        ],
    );
    let out = import(&file, &dir.path().join("site"), &[]);
    assert_ok(&out);
    let p = read_policy(&dir.path().join("site"), "styled");
    assert!(
        p.body.contains("## 总体要求\n\n（一）指导思想。"),
        "{}",
        p.body
    );
    let ids: Vec<String> = p.tree.clauses().iter().map(|c| c.id.clone()).collect();
    // The item of 总体要求 states the guiding idea, not a task (as in the shared real documents),
    // so the clauses are the two of 重点任务, numbered under the second top-level heading.
    assert_eq!(ids, vec!["s2.1", "s2.2"]);
    let c = p.tree.clauses();
    assert_eq!(c[0].units[0].label, "牵头");
    assert_eq!(c[0].units[1].names, vec!["市财政局"]);
    assert!(
        stdout(&out).contains("标题「重点任务」没有编号，已作为最高一级的无编号标题"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn word_automatic_numbering_is_rebuilt_into_the_clause_tree_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("auto.docx");
    make_auto_numbered_docx(&file);
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("jiedu.yaml"),
        "name: 测试站点\nbase_url: \"https://example.org/\"\npublisher: 测试\n",
    )
    .unwrap();
    let out = import(&file, &site, &["--policy-slug", "auto"]);
    assert_ok(&out);
    let report = stdout(&out);
    assert!(
        report.contains(
            "有 7 段使用了 Word 自动编号，已按文档的编号定义（numbering.xml）把编号写回文字"
        ),
        "{report}"
    );
    assert!(
        report.contains("大纲（层级：一、 2 个 → （一） 2 个 → 1. 3 个；任务条款 3 条）"),
        "{report}"
    );
    assert!(
        report.contains("    （二）优化发展环境 —— 1 条任务，首条 1. 降低创业成本"),
        "{report}"
    );
    let p = read_policy(&site, "auto");
    assert!(
        p.body
            .contains("## 一、工作任务\n\n### （一）加强基础能力\n\n1. 强化算力供给。"),
        "{}",
        p.body
    );
    assert!(p.body.contains("## 二、保障措施"), "{}", p.body);
    let ids: Vec<String> = p.tree.clauses().iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, vec!["1.1.1", "1.1.2", "1.2.1"]);
    // The bundle builds, and the clause page shows the note's own labels.
    let text = std::fs::read_to_string(site.join("auto/policy.md")).unwrap();
    std::fs::write(
        site.join("auto/policy.md"),
        text.replacen("---\n", "---\nissuer: 测试机关\n", 1),
    )
    .unwrap();
    let public = dir.path().join("public");
    let out = common::build_with_binary(&site, &public);
    assert_ok(&out);
    let page = std::fs::read_to_string(public.join("auto/clause/1-1-1/index.html")).unwrap();
    assert!(page.contains("强化算力供给"), "{page}");
    assert!(
        page.contains("<span class=\"units-label\">配合单位：</span><ul><li><a href=\"/unit/"),
        "{page}"
    );
}

/// Runs `jiedu import` and returns its output, the time it took and the largest resident
/// memory seen (sampled every 5 ms from /proc; each of these grew past 1 GB before the limits).
fn import_measured(file: &Path, root: &Path) -> (Output, std::time::Duration, u64) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jiedu"))
        .args([
            "import",
            file.to_str().unwrap(),
            "--root",
            root.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            let hwm = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("jiedu import still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().unwrap();
    (out, start.elapsed(), peak_kb)
}

const DAMAGED_HINT: &str = "正常的公文不会这样，文件可能已损坏或被改动过；请向发文单位索取原件，或在 Word/WPS 中打开、核对后另存为新的 .docx 再导入。";

/// A 2 KB list document whose numbering has `numbering` as its first level and whose
/// paragraphs are at `ilvl`.
fn list_docx(path: &Path, first_level: &str, ilvl: &str) {
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let para = |text: &str| {
        format!("<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
    };
    let body: String = (0..200).map(|i| para(&format!("第{i}项工作。"))).collect();
    let document = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{w}\"><w:body><w:p><w:r><w:t>关于测试列表编号的通知</w:t></w:r></w:p>{body}</w:body></w:document>");
    let numbering = format!("<?xml version=\"1.0\"?><w:numbering xmlns:w=\"{w}\"><w:abstractNum w:abstractNumId=\"0\">{first_level}</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>");
    write_docx(
        path,
        &[
            ("word/document.xml", document.as_str()),
            ("word/numbering.xml", numbering.as_str()),
        ],
    );
}

/// Refused with exactly `message` and the damaged-file hint, in under a second and 200 MB.
fn assert_refused_quickly(file: &Path, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let (out, took, peak_kb) = import_measured(file, &site);
    assert_eq!(
        stderr(&out),
        format!(
            "[1/1] 错误：{}：无法导入这个 .docx 文件：{message}\n    提示：{DAMAGED_HINT}\n共 1 个错误、0 个警告。\n",
            file.display()
        )
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(took < std::time::Duration::from_secs(1), "took {took:?}");
    assert!(peak_kb < 200 * 1024, "peak RSS {peak_kb} kB");
    assert!(!site.join("policy.md").exists());
}

#[test]
fn a_list_level_beyond_ooxml_is_refused_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("level.docx");
    let level = "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl>";
    list_docx(&file, level, "4294967295");
    assert!(std::fs::metadata(&file).unwrap().len() < 4096);
    assert_refused_quickly(
        &file,
        "word/document.xml 中的列表级别 w:ilvl=\"4294967295\" 超出 OOXML 允许的 0–8",
    );
}

#[test]
fn a_huge_list_start_in_roman_numerals_is_refused_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("start.docx");
    let level = "<w:lvl w:ilvl=\"0\"><w:start w:val=\"4294967295\"/><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl>";
    list_docx(&file, level, "0");
    assert_refused_quickly(
        &file,
        "word/numbering.xml 中的列表起始编号 w:val=\"4294967295\" 超出 0–100000 的范围",
    );
}

#[test]
fn a_zip_bomb_of_chinese_text_is_reported_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.docx");
    // 65 MB of Chinese text (3 bytes a character, so the 64 MB cut falls inside one),
    // compressed to a few hundred kilobytes.
    let text = "政策解读".repeat(65 * 1024 * 1024 / 12 + 1);
    // The 36 bytes before the text put the cut at 64 MB + 1 two bytes into a character.
    let document = format!(
        "<w:document> <w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    );
    assert_eq!((64 * 1024 * 1024 + 1 - 36) % 3, 2);
    write_docx(&file, &[("word/document.xml", document.as_str())]);
    assert!(std::fs::metadata(&file).unwrap().len() < 1024 * 1024);
    let dir2 = tempfile::tempdir().unwrap();
    let (out, _, _) = import_measured(&file, &dir2.path().join("site"));
    assert_eq!(
        stderr(&out),
        format!(
            "[1/1] 错误：{}：无法导入这个 .docx 文件：word/document.xml 解压后超过 64 MB（一份公文的正文远小于此，可能是被篡改的压缩包）\n    提示：{DAMAGED_HINT}\n共 1 个错误、0 个警告。\n",
            file.display()
        )
    );
}
