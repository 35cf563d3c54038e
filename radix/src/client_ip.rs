//! The client's address as gin 1.8.1 works it out (`c.ClientIP()`), and the trusted proxies.
//!
//! `X-Forwarded-For` and `X-Real-IP` are written by whoever sent the request, so they can only
//! be believed when the peer (the TCP remote address) is a proxy you run. gin's rule:
//!
//! 1. if a trusted platform header is set (`TrustedPlatform`) and present, it is the answer;
//! 2. take the peer's IP; if the peer is not a trusted proxy, or `ForwardedByClientIP` is off,
//!    the peer is the answer;
//! 3. otherwise read each of `RemoteIPHeaders` in turn; walk its comma list from the *right*
//!    (each proxy appends the address it saw), skipping trusted proxies, and answer the first
//!    address that is not one (or the leftmost). A header with a non-IP entry stops the walk and
//!    counts as absent.
//!
//! gin's default trusts every address (`0.0.0.0/0`, `::/0`), which is why step 3 matters:
//! [`TrustedProxies::set`] narrows it, [`TrustedProxies::none`] turns it off.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::context::Context;

/// The networks whose requests may speak for a client (gin's `trustedCIDRs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

/// `SetTrustedProxies` got an entry that is neither an IP nor a CIDR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxyError {
    /// The entry.
    pub entry: String,
}

impl std::fmt::Display for TrustedProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "invalid IP address or CIDR for a trusted proxy: {:?}",
            self.entry
        )
    }
}

impl std::error::Error for TrustedProxyError {}

impl Default for TrustedProxies {
    /// gin's default: every IPv4 and IPv6 address is trusted.
    fn default() -> Self {
        TrustedProxies(vec![
            "0.0.0.0/0".parse().expect("valid CIDR"),
            "::/0".parse().expect("valid CIDR"),
        ])
    }
}

impl TrustedProxies {
    /// Trust no proxy (gin's `SetTrustedProxies(nil)`).
    pub fn none() -> Self {
        TrustedProxies(Vec::new())
    }

    /// Parse IPs and CIDRs; a bare IP is its own /32 or /128 (gin's `prepareTrustedCIDRs`).
    pub fn set(entries: &[&str]) -> Result<Self, TrustedProxyError> {
        let (nets, err) = Self::parse_prefix(entries);
        match err {
            None => Ok(nets),
            Some(e) => Err(e),
        }
    }

    /// The entries up to the first bad one, and that one's error: gin keeps the networks parsed
    /// before an error (`parseTrustedProxies` stores what `prepareTrustedCIDRs` returned).
    pub(crate) fn parse_prefix(entries: &[&str]) -> (Self, Option<TrustedProxyError>) {
        let mut nets = Vec::with_capacity(entries.len());
        for entry in entries {
            let err = || TrustedProxyError {
                entry: entry.to_string(),
            };
            let net = if entry.contains('/') {
                entry.parse::<IpNet>().ok().map(|n| n.trunc())
            } else {
                entry
                    .parse::<IpAddr>()
                    .ok()
                    .map(|ip| IpNet::from(canonical(ip)))
            };
            match net {
                Some(n) => nets.push(n),
                None => return (TrustedProxies(nets), Some(err())),
            }
        }
        (TrustedProxies(nets), None)
    }

    /// Whether `ip` lies in a trusted network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }
}

/// Go treats `::ffff:1.2.3.4` as the IPv4 address it maps.
fn canonical(ip: IpAddr) -> IpAddr {
    ip.to_canonical()
}

/// The settings `ClientIP` reads (gin's engine fields of the same names).
#[derive(Debug, Clone)]
pub struct ClientIpConfig {
    /// Believe `remote_ip_headers` from trusted proxies. Default on.
    pub forwarded_by_client_ip: bool,
    /// Headers to read, in order. Default `X-Forwarded-For`, `X-Real-IP`.
    pub remote_ip_headers: Vec<String>,
    /// A header set by the platform in front (e.g. `CF-Connecting-IP`), believed as is.
    pub trusted_platform: Option<String>,
    /// Which peers are proxies.
    pub trusted_proxies: TrustedProxies,
}

impl Default for ClientIpConfig {
    fn default() -> Self {
        ClientIpConfig {
            forwarded_by_client_ip: true,
            remote_ip_headers: vec!["X-Forwarded-For".into(), "X-Real-IP".into()],
            trusted_platform: None,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

impl ClientIpConfig {
    // ANCHOR: walk
    /// gin's `validateHeader`: the rightmost address that is not a trusted proxy.
    fn ip_in_header(&self, value: &str) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        let items: Vec<&str> = value.split(',').collect();
        for i in (0..items.len()).rev() {
            let item = items[i].trim();
            let ip: IpAddr = item.parse().ok()?;
            if i == 0 || !self.trusted_proxies.contains(ip) {
                return Some(item.to_string());
            }
        }
        None
    }
    // ANCHOR_END: walk

    /// The client address of a request from `peer` with `header` look-ups.
    pub fn client_ip<'h>(&self, peer: IpAddr, header: impl Fn(&str) -> Option<&'h str>) -> String {
        if let Some(name) = &self.trusted_platform {
            if let Some(v) = header(name).filter(|v| !v.is_empty()) {
                return v.to_string();
            }
        }
        let peer = canonical(peer);
        if self.forwarded_by_client_ip && self.trusted_proxies.contains(peer) {
            for name in &self.remote_ip_headers {
                if let Some(ip) = header(name).and_then(|v| self.ip_in_header(v)) {
                    return ip;
                }
            }
        }
        peer.to_string()
    }
}

impl Context<'_> {
    /// The peer's IP, without the port (gin's `c.RemoteIP()`).
    pub fn remote_ip(&self) -> String {
        canonical(self.request().remote_addr().ip()).to_string()
    }

    /// The client's IP by gin's trusted-proxy rules (gin's `c.ClientIP()`).
    pub fn client_ip(&self) -> String {
        let r = self.request();
        let headers = r.headers();
        self.engine()
            .client_ip
            .client_ip(r.remote_addr().ip(), |name| {
                headers.get(name).and_then(|v| v.to_str().ok())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn walks_forwarded_for_from_the_right() {
        let mut cfg = ClientIpConfig {
            trusted_proxies: TrustedProxies::set(&["10.0.0.0/8"]).unwrap(),
            ..Default::default()
        };
        let xff = "1.1.1.1, 2.2.2.2, 10.0.0.5";
        let platform = ClientIpConfig {
            trusted_platform: Some("CF-Connecting-IP".into()),
            ..Default::default()
        };
        let cf = |n: &str| (n == "CF-Connecting-IP").then_some("7.7.7.7");
        assert_eq!(platform.client_ip(ip("10.1.1.1"), cf), "7.7.7.7");
        let h = |n: &str| (n == "X-Forwarded-For").then_some(xff);
        assert_eq!(cfg.client_ip(ip("10.1.1.1"), h), "2.2.2.2");
        assert_eq!(cfg.client_ip(ip("8.8.8.8"), h), "8.8.8.8");
        cfg.forwarded_by_client_ip = false;
        assert_eq!(cfg.client_ip(ip("10.1.1.1"), h), "10.1.1.1");
        assert!(TrustedProxies::set(&["nope"]).is_err());
    }
}
