//! Which `Host` a request may name, and which `Origin` a browser request may come from.
//!
//! A DNS-rebinding page controls both headers of its requests (its own name now resolves to
//! 127.0.0.1), so neither may be judged against the other: both are held against one list the
//! server builds at start from loopback, `--host`, the machine's addresses (wildcard binds) and
//! `--allowed-host`.

use std::net::IpAddr;

/// One `--allowed-host` entry: a name with a port, or a name with any port (or none, as a
/// reverse proxy on the default port sends it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    pub name: String,
    pub port: Option<u16>,
}

impl AllowedHost {
    /// `NAME` or `NAME:PORT` (`[v6]` or `[v6]:PORT` for IPv6).
    pub fn parse(text: &str) -> Option<AllowedHost> {
        let (name, port) = split_host(text)?;
        Some(AllowedHost { name, port })
    }
}

/// Splits a `Host` header (or an origin's authority) into a normalised name and its port:
/// lowercase, no trailing dot, IPv6 in brackets. None when it is not a plausible host.
pub fn split_host(text: &str) -> Option<(String, Option<u16>)> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return None;
    }
    let (name, port) = if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse::<u16>().ok()?),
        };
        (format!("[{inside}]"), port)
    } else {
        match text.rsplit_once(':') {
            Some((name, port)) => (name.to_string(), Some(port.parse::<u16>().ok()?)),
            None => (text.clone(), None),
        }
    };
    let name = name.trim_end_matches('.').to_string();
    let plain = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'[' | b']' | b':'));
    (!name.is_empty() && plain).then_some((name, port))
}

/// How an address is written in a `Host` header.
pub fn host_name_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The hosts this server answers to.
#[derive(Debug, Clone, Default)]
pub struct HostAllowlist {
    /// Exact `(name, port)` pairs: loopback, `--host`, interface addresses.
    exact: Vec<(String, u16)>,
    /// `--allowed-host` entries.
    extra: Vec<AllowedHost>,
    /// Origins admitted besides the allowed hosts' own (`--allow-origin`), normalised.
    extra_origins: Vec<String>,
}

impl HostAllowlist {
    /// `bind_host` is `--host`; `port` the port actually bound; `interfaces` the machine's
    /// addresses, used when the bind is a wildcard.
    pub fn new(
        bind_host: &str,
        port: u16,
        interfaces: &[IpAddr],
        extra: Vec<AllowedHost>,
        extra_origins: Vec<String>,
    ) -> HostAllowlist {
        let mut exact: Vec<(String, u16)> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|n| (n.to_string(), port))
            .collect();
        let bind = bind_host.trim_matches(['[', ']']);
        let wildcard = bind.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        if wildcard {
            exact.extend(interfaces.iter().map(|ip| (host_name_of(*ip), port)));
        } else if let Some((name, _)) = split_host(&match bind.parse::<IpAddr>() {
            Ok(ip) => host_name_of(ip),
            Err(_) => bind.to_string(),
        }) {
            exact.push((name, port));
        }
        exact.sort();
        exact.dedup();
        HostAllowlist {
            exact,
            extra,
            extra_origins,
        }
    }

    /// The `host:port` authorities a person can open, for the start-up lines.
    pub fn authorities(&self) -> Vec<String> {
        self.exact
            .iter()
            .map(|(name, port)| format!("{name}:{port}"))
            .chain(self.extra.iter().map(|h| match h.port {
                Some(port) => format!("{}:{port}", h.name),
                None => h.name.clone(),
            }))
            .collect()
    }

    fn admits(&self, name: &str, port: Option<u16>) -> bool {
        let exact =
            port.is_some_and(|port| self.exact.iter().any(|(n, p)| n == name && *p == port));
        exact
            || self
                .extra
                .iter()
                .any(|h| h.name == name && (h.port.is_none() || h.port == port))
    }

    /// Whether a request's `Host` header names this server.
    pub fn host_allowed(&self, host: &str) -> bool {
        split_host(host).is_some_and(|(name, port)| self.admits(&name, port))
    }

    /// Whether a browser request from `origin` may act on this server: the origin is one of
    /// the allowed hosts (by http or https), or on `--allow-origin`.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        let Some(normalized) = crate::settings::normalize_origin(origin) else {
            return false;
        };
        if self.extra_origins.contains(&normalized) {
            return true;
        }
        let Some((scheme, authority)) = normalized.split_once("://") else {
            return false;
        };
        if scheme != "http" && scheme != "https" {
            return false;
        }
        let Some((name, port)) = split_host(authority) else {
            return false;
        };
        let default_port = if scheme == "https" { 443 } else { 80 };
        // A proxy entry without a port admits its origin on the scheme's default port too.
        self.admits(&name, port) || (port == Some(default_port) && self.admits(&name, None))
    }
}

/// The machine's interface addresses, for a wildcard bind.
pub fn interface_addresses() -> Vec<IpAddr> {
    let Ok(addrs) = nix::ifaddrs::getifaddrs() else {
        return Vec::new();
    };
    let mut out: Vec<IpAddr> = addrs
        .filter_map(|ifa| {
            let addr = ifa.address?;
            if let Some(v4) = addr.as_sockaddr_in() {
                return Some(IpAddr::V4(v4.ip()));
            }
            // Link-local v6 addresses need a zone id in a URL; browsers cannot use them.
            addr.as_sockaddr_in6()
                .map(|v6| v6.ip())
                .filter(|ip| (ip.segments()[0] & 0xffc0) != 0xfe80)
                .map(IpAddr::V6)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(bind: &str, extra: &[&str]) -> HostAllowlist {
        HostAllowlist::new(
            bind,
            3773,
            &["192.168.1.20".parse().unwrap(), "fd00::5".parse().unwrap()],
            extra
                .iter()
                .map(|e| AllowedHost::parse(e).unwrap())
                .collect(),
            vec!["http://localhost:5173".into()],
        )
    }

    #[test]
    fn loopback_with_the_port_only() {
        let l = list("127.0.0.1", &[]);
        for ok in [
            "127.0.0.1:3773",
            "localhost:3773",
            "LOCALHOST.:3773",
            "[::1]:3773",
        ] {
            assert!(l.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example:3773",
            "127.0.0.1:80",
            "127.0.0.1",
            "localhost",
            "192.168.1.20:3773",
            "",
            "127.0.0.1:3773:1",
            "[::1",
        ] {
            assert!(!l.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn wildcard_admits_interfaces_and_named_hosts() {
        let l = list("0.0.0.0", &["box.tailnet.ts.net", "proxy:8443"]);
        assert!(l.host_allowed("192.168.1.20:3773"));
        assert!(l.host_allowed("[fd00::5]:3773"));
        assert!(!l.host_allowed("192.168.1.21:3773"));
        assert!(l.host_allowed("box.tailnet.ts.net"));
        assert!(l.host_allowed("box.tailnet.ts.net:3773"));
        assert!(l.host_allowed("proxy:8443"));
        assert!(!l.host_allowed("proxy"));
        assert!(!l.host_allowed("proxy:3773"));
        assert!(list("myhost", &[]).host_allowed("myhost:3773"));
    }

    #[test]
    fn origins_are_held_against_the_list_never_the_host_header() {
        let l = list("127.0.0.1", &["box.ts.net"]);
        assert!(l.origin_allowed("http://127.0.0.1:3773"));
        assert!(l.origin_allowed("https://localhost:3773"));
        assert!(l.origin_allowed("http://localhost:5173"));
        assert!(l.origin_allowed("https://box.ts.net"));
        assert!(l.origin_allowed("http://box.ts.net:9000"));
        assert!(!l.origin_allowed("http://evil.example:3773"));
        assert!(!l.origin_allowed("http://127.0.0.1:9999"));
        assert!(!l.origin_allowed("null"));
        assert!(!l.origin_allowed("file:///x"));
    }
}
