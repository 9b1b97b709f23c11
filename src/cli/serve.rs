use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use jiedu::serve::{self, ServeOptions};

pub fn run(root: PathBuf, port: u16, bind: IpAddr, open: bool, poll: bool) -> ExitCode {
    match serve::serve(&ServeOptions {
        root,
        bind,
        port,
        open,
        poll,
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}
