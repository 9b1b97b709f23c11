use std::path::PathBuf;
use std::process::ExitCode;

use jiedu::import::{import, ImportOptions};

pub fn run(file: PathBuf, slug: Option<String>, root: PathBuf, force: bool) -> ExitCode {
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
