use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use jiedu::serve::{self, ServeOptions};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// 站点目录（含 jiedu.yaml），默认 content
    #[arg(long, default_value = "content")]
    root: PathBuf,
    /// 端口，默认 1111；被占用时自动改用下一个空闲端口（0 表示由系统分配）
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// 绑定的地址，默认 127.0.0.1（只有本机能访问）；0.0.0.0 让同一网络中的设备也能访问
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// 让同一网络中的手机等设备也能访问（等于 --bind 0.0.0.0），并显示局域网地址和二维码
    #[arg(long, conflicts_with = "bind")]
    lan: bool,
    /// 另外允许的主机名（可多次使用），例如经由反向代理或自定义域名访问预览时；
    /// 其他主机名的请求一律拒绝，以防其他网站借助 DNS 重绑定读取预览
    #[arg(long, value_name = "NAME")]
    allowed_host: Vec<String>,
    /// 启动后在默认浏览器中打开预览
    #[arg(long)]
    open: bool,
    /// 定时检查文件变化（用于网络盘、WSL2 等收不到文件变化通知的文件系统）
    #[arg(long)]
    poll: bool,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let bind = if args.lan {
        IpAddr::from([0, 0, 0, 0])
    } else {
        args.bind
    };
    match serve::serve(&ServeOptions {
        root: args.root,
        bind,
        port: args.port,
        open: args.open,
        poll: args.poll,
        allowed_hosts: args.allowed_host,
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(diags) => {
            eprintln!("{diags}");
            ExitCode::FAILURE
        }
    }
}
