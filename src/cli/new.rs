//! `jiedu new DIR`: a new, empty site root an editor can start from — a commented jiedu.yaml
//! and the folders the editors' guide describes — and the next steps, in Chinese.

use std::path::Path;
use std::process::ExitCode;

use jiedu::config::CONFIG_FILE;
use jiedu::diagnostics::{Diagnostic, Diagnostics};
use jiedu::load::{PAGES_DIR, STATIC_DIR};

/// The starting configuration. Every value an editor must replace says so; the optional
/// identifiers stay commented out until the site has them (no invented numbers).
const CONFIG_TEMPLATE: &str = r#"# 站点配置（jiedu.yaml）。以 # 开头的行是说明，不会生效。
# 改完后运行 jiedu check --root 本目录 检查，详见《编辑指南》“站点配置”一节。

# 网站名称：显示在每个页面的页头和浏览器标签上。
name: 政策解读

# 站点正式发布的网址，以 / 结尾。部署在子路径下时写完整路径，
# 例如 https://www.example.gov.cn/zcjd/ ，所有链接、二维码和分享图都会按它生成。
base_url: "https://www.example.gov.cn/"

# 主办单位（页脚“主办单位”），写单位全称，不用简称。
publisher: 请填写主办单位全称

# 承办单位（可选）。
# organizer: 请填写承办单位全称

# 以下标识按实际取得的备案信息填写，未取得前保持注释：
# contact: 联系电话或邮箱
# site_id_code: 政府网站标识码
# icp: ICP备案号
# police_record: 公安机关备案号

# 网站简介（可选），用于搜索引擎和分享卡片。
# description: 本网站发布本单位政策文件及其解读材料。

# 一图读懂长图和分享卡片除 SVG 外还生成 PNG 图片（微信等平台显示的是 PNG），默认生成。
# 每张图约需 60 毫秒，政策很多、不需要 PNG 时可改为 false。
# share_png: true
"#;

pub fn run(dir: &Path) -> ExitCode {
    match create(dir) {
        Ok(()) => {
            print!("{}", next_steps(dir));
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}

fn create(dir: &Path) -> Result<(), Diagnostics> {
    let occupied = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) if dir.exists() => true,
        Err(e) => return Err(io_error(dir, &e)),
    };
    if occupied {
        return Err(Diagnostic::error(format!(
            "目录 {} 已存在且不是空目录，jiedu new 不会在其中写入文件",
            dir.display()
        ))
        .hint("请换一个新的目录名，或先清空该目录；已有站点请直接用 jiedu import、jiedu serve。")
        .into());
    }
    for sub in [PAGES_DIR, STATIC_DIR] {
        let path = dir.join(sub);
        std::fs::create_dir_all(&path).map_err(|e| io_error(&path, &e))?;
    }
    let config = dir.join(CONFIG_FILE);
    std::fs::write(&config, CONFIG_TEMPLATE).map_err(|e| io_error(&config, &e))?;
    Ok(())
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostics {
    Diagnostic::error(format!("无法创建 {}：{e}", path.display()))
        .hint("请检查上级目录是否存在以及是否有写入权限。")
        .into()
}

fn next_steps(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "已创建站点目录 {d}：\n\
         \x20 {d}/{CONFIG_FILE}    站点配置（请先填写网站名称、发布网址和主办单位）\n\
         \x20 {d}/{PAGES_DIR}/          独立页面（如“关于本站”），可为空\n\
         \x20 {d}/{STATIC_DIR}/         本站自己的网站图标等（放入 favicon.svg 即替换默认图标），可为空\n\
         \n\
         下一步：\n\
         \x20 1. 导入一份政策原文：jiedu import 政策原文.docx --root {d}\n\
         \x20 2. 在生成的政策目录中编写解读材料（写法见《编辑指南》“解读材料”一节）\n\
         \x20 3. 本地预览：jiedu serve --root {d} --open\n\
         \x20 4. 生成网站：jiedu build --root {d} --output public\n"
    )
}
