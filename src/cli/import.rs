use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiedu::config::CONFIG_FILE;
use jiedu::diagnostics::{Diagnostic, Diagnostics};
use jiedu::import::{import, ImportOptions};

pub fn run(file: PathBuf, slug: Option<String>, root: Option<PathBuf>, force: bool) -> ExitCode {
    // Without --root the policy would land in whatever content/ is here (in this repository the
    // example portal), so only a current directory that is itself a site root is taken.
    let Some(root) = root.or_else(|| Path::new(CONFIG_FILE).is_file().then(|| PathBuf::from(".")))
    else {
        let ask = Diagnostic::error("没有指定站点目录：请用 --root 写明要导入到哪个站点目录")
            .hint(format!(
                "例如 jiedu import {} --root 我的站点；还没有站点目录时，先用 jiedu new 我的站点 创建一个。",
                file.display()
            ));
        eprintln!("{}", Diagnostics::from(ask));
        return ExitCode::FAILURE;
    };
    match import(&ImportOptions {
        file,
        root,
        slug,
        force,
    }) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}
