use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use jiedu::compare::input::read_policy;
use jiedu::compare::table::Table;
use jiedu::diagnostics::Diagnostic;

/// `jiedu compare OLD NEW [--output FILE]`: the 新旧对照表 of two policies, HTML or Markdown by
/// the output's extension (`.json` for machines), and the alignment summary on the terminal.
pub fn run(old: PathBuf, new: PathBuf, output: Option<PathBuf>) -> ExitCode {
    let read = |p: &PathBuf| read_policy(p).map_err(|d| eprintln!("{d}"));
    let (Ok((old_title, old_tree)), Ok((new_title, new_tree))) = (read(&old), read(&new)) else {
        return ExitCode::FAILURE;
    };
    let table = Table::build(&old_title, &old_tree, &new_title, &new_tree);
    if table.rows.is_empty() {
        eprintln!(
            "{}",
            Diagnostic::error("两个文件中都没有找到条款（如“第一条”“1.”），无法对照")
                .hint("请确认文件是政策正文；可先用 jiedu import 查看识别出的大纲。")
        );
        return ExitCode::FAILURE;
    }
    // The summary goes out in one write at the end: `jiedu compare … | head -1` closes the pipe
    // early, which is no error of the comparison (and the table file is still written).
    let mut said = format!(
        "新旧对照：{old_title} → {new_title}\n{}\n",
        table.summary_line()
    );
    for r in &table.rows {
        if r.class == jiedu::compare::Class::未变 {
            continue;
        }
        let label = |a: &Option<jiedu::compare::Article>| {
            a.as_ref().map_or("—".to_string(), |a| a.label.clone())
        };
        said.push_str(&format!(
            "  {}  {} → {}  （把握 {:.0}%）\n",
            r.class.name(),
            label(&r.old),
            label(&r.new),
            r.confidence * 100.0
        ));
    }
    if let Some(out) = output {
        let ext = out.extension().map(|e| e.to_string_lossy().to_lowercase());
        let text = match ext.as_deref() {
            Some("md") => table.markdown(),
            Some("json") => serde_json::to_string_pretty(&table).unwrap_or_default(),
            _ => table.html(),
        };
        if let Err(e) = std::fs::write(&out, text) {
            let _ = std::io::stdout().write_all(said.as_bytes());
            eprintln!(
                "{}",
                Diagnostic::error(format!("无法写出对照表：{e}"))
                    .in_file(&out)
                    .hint("请确认输出目录存在且可写。")
            );
            return ExitCode::FAILURE;
        }
        said.push_str(&format!("对照表已写出：{}\n", out.display()));
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(said.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("{}", Diagnostic::error(format!("无法输出对照摘要：{e}")));
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}
