//! Which `Host` and `Origin` values the preview answers. A web page the editor visits elsewhere
//! can point a name of its own at 127.0.0.1 (DNS rebinding) and then read the preview, including
//! content not yet published; its requests carry that foreign name in `Host`. So only names of
//! this machine are answered, and the status and live-reload endpoints also refuse requests sent
//! by pages of another origin.

use std::net::IpAddr;

/// The host names (lower case, IPv6 addresses in brackets, no port) the preview answers.
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<String>,
    /// The preview is reachable from the network (`--bind` other than loopback).
    open: bool,
}

fn ip_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The machine's name, as phones and other computers on the LAN may call it.
pub fn machine_name() -> Option<String> {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// The machine's non-loopback addresses (of the family of `bind`, both when it is unspecified
/// and IPv6), for the allow-list and the phone-preview address.
pub fn lan_addresses(bind: IpAddr) -> Vec<IpAddr> {
    let Ok(interfaces) = if_addrs::get_if_addrs() else {
        return Vec::new();
    };
    let mut ips: Vec<IpAddr> = interfaces
        .iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback())
        .filter(|ip| bind.is_ipv6() || ip.is_ipv4())
        .collect();
    ips.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    ips.dedup();
    ips
}

impl Hosts {
    /// Loopback names always; the machine's name and addresses when `bind` opens the preview to
    /// the network; and the names given with `--allowed-host`.
    pub fn new(bind: IpAddr, extra: &[String]) -> Hosts {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .map(String::from)
            .to_vec();
        let open = !bind.is_loopback();
        if bind.is_unspecified() {
            names.extend(lan_addresses(bind).into_iter().map(ip_name));
        } else {
            names.push(ip_name(bind));
        }
        if open {
            if let Some(name) = machine_name() {
                names.push(format!("{name}.local"));
                names.push(name);
            }
        }
        names.extend(extra.iter().map(|n| normalise(n)));
        names.sort();
        names.dedup();
        Hosts { names, open }
    }

    /// Whether a request's `Host` value names this preview (any port).
    pub fn allows(&self, host: &str) -> bool {
        let name = normalise(host);
        self.names.contains(&name)
    }

    /// Whether a request with this `Origin` comes from a page of the preview itself: the origin
    /// must be plain HTTP on the very host and port the request was sent to.
    pub fn same_origin(origin: &str, host: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|authority| authority.eq_ignore_ascii_case(host.trim()))
    }

    /// The 403 text for a refused `Host`.
    pub fn refusal(&self, host: Option<&str>) -> String {
        let shown = host.map_or("（没有 Host）".to_string(), |h| h.trim().to_string());
        let name = host.map_or_else(|| "名字".to_string(), normalise);
        let lan = if self.open {
            "、本机名和局域网地址"
        } else {
            ""
        };
        format!(
            "拒绝访问：预览服务器不回答发给「{shown}」的请求。\n\
             为了防止其他网站借助 DNS 重绑定读取尚未发布的内容，预览只回答 127.0.0.1、localhost{lan}。\n\
             如果确实要用这个名字访问预览，请在启动时加上 --allowed-host {name}。\n"
        )
    }
}

/// The host part of a `Host` value in lower case, without port and trailing dot.
fn normalise(host: &str) -> String {
    let host = host.trim();
    let is_port = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let name = if host.starts_with('[') {
        // `[::1]` or `[::1]:port`; anything else after the bracket is no address of ours.
        match host.find(']') {
            Some(end)
                if host[end + 1..]
                    .strip_prefix(':')
                    .map_or(host.len() == end + 1, is_port) =>
            {
                &host[..=end]
            }
            _ => host,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if is_port(port) => name,
            _ => host,
        }
    };
    // Host names compare without case.
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// The 403 text for a refused `Origin`.
pub fn origin_refusal(origin: &str) -> String {
    format!(
        "拒绝访问：来自「{origin}」的网页不能读取预览的状态和实时刷新通知。\n\
         只有预览本身的页面可以使用这些接口。\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_any_port_are_allowed_and_others_not() {
        let hosts = Hosts::new(IpAddr::from([127, 0, 0, 1]), &["yulan.example".into()]);
        for ok in [
            "127.0.0.1:1111",
            "localhost",
            "LocalHost:8080",
            "localhost.",
            "[::1]:1111",
            "yulan.example",
            "Yulan.Example:1111",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "[::1].evil",
            "",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }
    }

    #[test]
    fn only_the_preview_itself_is_the_same_origin() {
        assert!(Hosts::same_origin(
            "http://127.0.0.1:1111",
            "127.0.0.1:1111"
        ));
        for other in [
            "http://evil.example",
            "null",
            "https://127.0.0.1:1111",
            "http://127.0.0.1:2222",
        ] {
            assert!(!Hosts::same_origin(other, "127.0.0.1:1111"), "{other}");
        }
    }
}
