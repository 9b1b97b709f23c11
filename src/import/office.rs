//! Old Word (`.doc`), WPS (`.wps`) and OpenDocument (`.odt`) files: converted to `.docx` by an
//! installed LibreOffice (`soffice --headless --convert-to docx`), then read like any `.docx`.
//! LibreOffice is the standard converter for these formats and is called as a process, never
//! linked. Each run gets its own profile and output folder, so imports may run side by side.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::diagnostics::Diagnostic;

/// The converted `.docx` bytes of `file`.
pub fn convert_to_docx(file: &Path, ext: &str) -> Result<Vec<u8>, Diagnostic> {
    let work = scratch_dir().map_err(|e| {
        Diagnostic::error(format!("无法创建临时文件夹来转换 .{ext} 文件：{e}")).in_file(file)
    })?;
    let result = run_soffice(file, ext, &work);
    // The scratch folder holds only what soffice wrote for this run.
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn run_soffice(file: &Path, ext: &str, work: &Path) -> Result<Vec<u8>, Diagnostic> {
    let profile = work.join("profile");
    let out_dir = work.join("out");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| Diagnostic::error(format!("无法创建临时文件夹：{e}")).in_file(file))?;
    let output = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.to_string_lossy()
        ))
        .args(["--headless", "--norestore", "--convert-to", "docx", "--outdir"])
        .arg(&out_dir)
        .arg(file)
        .output()
        .map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::NotFound {
                "本机没有安装 LibreOffice（找不到 soffice 命令）".to_string()
            } else {
                format!("无法运行 LibreOffice（{e}）")
            };
            Diagnostic::error(format!("导入 .{ext} 文件需要 LibreOffice 把它转换为 .docx：{why}"))
                .in_file(file)
                .hint("请安装 Debian/Ubuntu 软件包 libreoffice-writer-nogui（sudo apt-get install libreoffice-writer-nogui）后重新导入，或在 Word/WPS 中“另存为” .docx 后再导入。")
        })?;
    let converted = converted_file(&out_dir);
    match converted.and_then(|p| std::fs::read(p).ok()) {
        Some(bytes) if output.status.success() => Ok(bytes),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let why = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("没有生成 .docx 文件");
            Err(
                Diagnostic::error(format!("LibreOffice 无法转换这个 .{ext} 文件：{why}"))
                    .in_file(file)
                    .hint("文件可能已损坏或加了密码；请用 Word/WPS 打开确认，并“另存为” .docx 后再导入。"),
            )
        }
    }
}

fn converted_file(out_dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(out_dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "docx"))
}

/// A fresh folder under the system's temporary directory, unique to this process and moment.
fn scratch_dir() -> std::io::Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("jiedu-import-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
