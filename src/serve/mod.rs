//! `jiedu serve`: build the site into memory, serve it, watch the sources, rebuild only what an
//! edit touched and reload the browser. A content error is printed in the terminal and shown
//! in the browser, and the last good site keeps being served. Entry point: [`serve`].

mod files;
mod hosts;
mod http;
mod limits;
pub mod live;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pipeline::{Pipeline, PipelineOptions, Update};
use crate::render::theme::theme_dir;
use http::State;
use live::Message;

/// How many ports after a taken one are tried.
const PORT_TRIES: u16 = 20;
/// A reload message lists changed pages up to this many; beyond, every page reloads.
const MAX_LISTED_PAGES: usize = 500;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
    /// Host names answered besides this machine's own (`--allowed-host`).
    pub allowed_hosts: Vec<String>,
}

/// Runs the preview until Ctrl-C. Returns an error only when it cannot start (port, watcher);
/// content errors never stop it.
pub fn serve(opts: &ServeOptions) -> Result<(), Diagnostics> {
    let mut pipeline = Pipeline::new(PipelineOptions::preview(opts.root.clone()));
    let budget = limits::Budget::for_open_files(limits::raise_open_file_limit());
    let state = Arc::new(State::default());
    let start = Instant::now();
    match pipeline.rebuild(None) {
        Ok(update) => {
            let warnings = &update.snapshot.site.warnings;
            if !warnings.is_empty() {
                eprintln!("{warnings}");
            }
            eprintln!(
                "已生成 {} 个页面，用时 {:.0} 毫秒。",
                update.pages,
                start.elapsed().as_secs_f64() * 1000.0
            );
            store(&state, update);
        }
        Err(diags) => report_problem(&state, &diags),
    }
    state.generation.fetch_add(1, Ordering::SeqCst);

    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostics::from(Diagnostic::error(format!("无法启动预览服务器：{e}"))))?;
    let hosts = hosts::Hosts::new(opts.bind, &opts.allowed_hosts);
    let server = http::start(listener, Arc::clone(&state), hosts, budget)
        .map_err(|e| Diagnostics::from(Diagnostic::error(format!("无法启动预览服务器：{e}"))))?;

    let (tx, rx) = channel();
    let dirs = watched_dirs(&opts.root);
    let _watch = watch::start(&dirs, opts.poll, tx)?;
    announce(opts, addr, &state, &dirs);

    let (stop_tx, stop_rx) = channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|e| Diagnostics::from(Diagnostic::error(format!("无法处理 Ctrl-C：{e}"))))?;
    let loop_state = Arc::clone(&state);
    std::thread::spawn(move || rebuild_loop(pipeline, &rx, &loop_state));
    let _ = stop_rx.recv();
    drop(server);
    eprintln!("\n已停止预览。");
    Ok(())
}

/// The site root and the theme directory beside it (when it is not inside the root).
fn watched_dirs(root: &Path) -> Vec<PathBuf> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(root);
    let mut dirs = vec![root.clone()];
    if let Some(theme) = theme_dir(&root).map(|t| canonical(&t)) {
        if !theme.starts_with(&root) {
            dirs.push(theme);
        }
    }
    dirs
}

/// Binds `port`, or the next free one if it is taken (and says so).
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostics> {
    let mut last_error = None;
    for offset in 0..PORT_TRIES {
        let Some(candidate) = port.checked_add(offset) else {
            break;
        };
        match TcpListener::bind(SocketAddr::new(ip, candidate)) {
            Ok(l) => {
                if offset > 0 {
                    eprintln!("端口 {port} 已被占用，改用端口 {candidate}。");
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                last_error = Some(e)
            }
            Err(e) => {
                return Err(Diagnostic::error(format!(
                    "无法在 {ip}:{candidate} 上启动预览服务器：{e}"
                ))
                .hint("请用 --bind 指定本机的地址（默认 127.0.0.1），或用 --port 换一个端口。")
                .into())
            }
        }
    }
    let detail = last_error.map(|e| e.to_string()).unwrap_or_default();
    Err(Diagnostic::error(format!(
        "端口 {port} 到 {} 都已被占用（{detail}）",
        port.saturating_add(PORT_TRIES - 1)
    ))
    .hint("请关闭占用端口的程序（也可能是另一个 jiedu serve），或用 --port 指定其他端口。")
    .into())
}

fn announce(opts: &ServeOptions, addr: SocketAddr, state: &State, dirs: &[PathBuf]) {
    let prefix = state
        .current()
        .map_or_else(|| "/".to_string(), |s| s.site.urls.prefix().to_string());
    let shown_ip = if addr.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    let url = format!("http://{}{prefix}", SocketAddr::new(shown_ip, addr.port()));
    if !opts.bind.is_loopback() {
        eprintln!(
            "注意：预览服务器绑定在 {}，同一网络中的其他设备也能访问本预览（包括尚未发布的内容）。只在本机预览时请去掉 --bind 或 --lan。",
            opts.bind
        );
    }
    let watched: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    eprintln!(
        "正在监视 {}{}；保存文件后浏览器会自动刷新。按 Ctrl-C 停止。",
        watched.join("、"),
        if opts.poll { "（定时检查）" } else { "" }
    );
    println!("预览地址：{url}");
    if !opts.bind.is_loopback() {
        announce_lan(opts.bind, addr.port(), &prefix);
    }
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }
}

/// The address a phone on the same network opens, with a QR code of it to scan.
fn announce_lan(bind: IpAddr, port: u16, prefix: &str) {
    let ip = if bind.is_unspecified() {
        hosts::lan_addresses(bind).into_iter().next()
    } else {
        Some(bind)
    };
    let Some(ip) = ip else {
        eprintln!("没有找到本机的局域网地址：手机等设备暂时无法访问预览。");
        return;
    };
    let url = format!("http://{}{prefix}", SocketAddr::new(ip, port));
    println!("局域网地址：{url}");
    if let Ok(code) = qrcode::QrCode::new(url.as_bytes()) {
        let picture = code
            .render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build();
        println!("用手机扫描下面的二维码即可预览（手机须连接同一网络）：\n{picture}");
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    // The opener's own output (xdg-open prints several lines when no browser is installed) is
    // swallowed; its failure becomes one sentence. Waiting happens on a side thread, as some
    // openers only return when the browser closes.
    let child = std::process::Command::new(opener.0)
        .args(&opener.1)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let url = url.to_string();
    let failed =
        move || eprintln!("无法自动打开浏览器（本机没有可用的浏览器），请手动在浏览器中打开 {url}");
    match child {
        Err(_) => failed(),
        Ok(mut child) => {
            std::thread::spawn(move || {
                if !child.wait().is_ok_and(|s| s.success()) {
                    failed();
                }
            });
        }
    }
}

fn store(state: &State, update: Update) {
    if let Ok(mut site) = state.site.write() {
        *site = Some(update.snapshot);
    }
}

fn report_problem(state: &State, diags: &Diagnostics) {
    let text = diags.to_string();
    eprintln!("{text}");
    eprintln!("网站未更新：浏览器中仍是上一次成功生成的页面。改正后保存即可。");
    if let Ok(mut p) = state.problem.lock() {
        *p = Some(text.clone());
    }
    state.hub.broadcast(&Message::Problem { text });
}

/// Hands each batch of edits to the pipeline, which keeps its last good run to reuse.
fn rebuild_loop(mut pipeline: Pipeline, rx: &Receiver<Vec<PathBuf>>, state: &State) {
    // Every path reported since the site being served was made: a rebuild that fails keeps
    // them, so that the next one still looks at the files the failed one read.
    let mut pending: Vec<PathBuf> = Vec::new();
    while let Ok(paths) = rx.recv() {
        pending.extend(paths);
        // Edits that arrived meanwhile are covered by this rebuild.
        while let Ok(more) = rx.try_recv() {
            pending.extend(more);
        }
        pending.sort();
        pending.dedup();
        let start = Instant::now();
        let previous = state.current();
        match pipeline.rebuild(Some(&pending)) {
            Ok(update) => {
                pending.clear();
                let message = reload_message(&update, previous.is_none());
                let had_problem = state
                    .problem
                    .lock()
                    .ok()
                    .and_then(|mut p| p.take())
                    .is_some();
                if !update.changed.is_empty() || !update.removed.is_empty() {
                    eprintln!(
                        "已更新：重新渲染 {}/{} 个页面，{} 个文件有变化，用时 {:.0} 毫秒（读取与建模 {:.0} 毫秒，渲染 {:.0} 毫秒）。",
                        update.rerendered,
                        update.pages,
                        update.changed.len() + update.removed.len(),
                        start.elapsed().as_secs_f64() * 1000.0,
                        update.model_time.as_secs_f64() * 1000.0,
                        update.render_time.as_secs_f64() * 1000.0,
                    );
                }
                if had_problem {
                    eprintln!("错误已改正。");
                }
                // The new site is in place before any browser is told to reload.
                store(state, update);
                state.generation.fetch_add(1, Ordering::SeqCst);
                if had_problem {
                    state.hub.broadcast(&Message::Ok);
                }
                if let Some(m) = message {
                    state.hub.broadcast(&m);
                }
            }
            Err(diags) => {
                report_problem(state, &diags);
                state.generation.fetch_add(1, Ordering::SeqCst);
            }
        }
        // Freeing a large site's old snapshot takes milliseconds the browser is already
        // waiting on for the new page: it is done beside the server instead.
        if let Some(old) = previous {
            std::thread::spawn(move || drop(old));
        }
    }
}

/// Whether a page may show or load the output file `key`. Feeds and sitemaps (`atom.xml`,
/// `sitemap.xml` and its numbered parts, any other XML the site writes for machines) and
/// `robots.txt` are read by readers and crawlers, never by a page, so a change to them reloads
/// nothing; anything else a page loads (scripts, styles, images, search data) reloads every page.
fn shown_by_pages(key: &str) -> bool {
    !(key.ends_with(".xml") || key == "robots.txt")
}

/// What the browsers need to hear about an update: nothing, new stylesheets, or which pages to
/// reload (by URL path, as `location.pathname` shows it).
fn reload_message(update: &Update, first_good_build: bool) -> Option<Message> {
    let prefix = update.snapshot.site.urls.prefix();
    let href = |key: &str| match key.strip_suffix("index.html") {
        Some(dir) => format!("{prefix}{dir}"),
        None => format!("{prefix}{key}"),
    };
    if first_good_build {
        return Some(Message::Reload {
            paths: Vec::new(),
            all: true,
        });
    }
    if update.changed.is_empty() && update.removed.is_empty() {
        return None;
    }
    if update.only_stylesheets() {
        return Some(Message::Stylesheets {
            paths: update.changed.iter().map(|k| href(k)).collect(),
        });
    }
    let touched = update.changed.iter().chain(&update.removed);
    let mut paths = Vec::new();
    let mut all = false;
    for key in touched.filter(|k| shown_by_pages(k)) {
        if key.ends_with(".html") {
            paths.push(href(key));
        } else {
            all = true;
        }
    }
    if paths.is_empty() && !all {
        return None;
    }
    if paths.len() > MAX_LISTED_PAGES {
        all = true;
        paths.clear();
    }
    Some(Message::Reload { paths, all })
}

#[cfg(test)]
mod tests {
    use super::shown_by_pages;

    #[test]
    fn feeds_and_sitemaps_reload_no_page() {
        for key in ["atom.xml", "sitemap.xml", "sitemap-2.xml", "robots.txt"] {
            assert!(!shown_by_pages(key), "{key}");
        }
        for key in [
            "index.html",
            "jiedu.css",
            "search/index.json",
            "images/a.svg",
            "a/b.png",
        ] {
            assert!(shown_by_pages(key), "{key}");
        }
    }
}
