//! Which proxy a request goes through: an explicit [`Proxy`], or Go's `ProxyFromEnvironment`.
//!
//! The environment rules are those of Go's `golang.org/x/net/http/httpproxy` (vendored into
//! net/http; pinned: Go 1.19, `vendor/golang.org/x/net/http/httpproxy/proxy.go`):
//!
//! 1. `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY`, each upper case first, the lower-case name when
//!    the upper one is empty. `https://` URLs use `HTTPS_PROXY` only (no fallback to `HTTP_PROXY`).
//! 2. Under CGI (`REQUEST_METHOD` set) a `HTTP_PROXY` value is refused with an error, because a
//!    client could set it through a `Proxy:` request header (httpoxy).
//! 3. A proxy value without a scheme means `http://`.
//! 4. `localhost` and loopback IPs are never proxied.
//! 5. `NO_PROXY` is a comma list: `*` (nothing is proxied), CIDRs, IPs (optionally with a port),
//!    and domains (optionally with a port): `foo.com` matches `foo.com` and its subdomains,
//!    `.foo.com` and `*.foo.com` only the subdomains. A port in an entry must equal the request's
//!    port (80/443 when the URL has none).
//!
//! The differential test `tests/proxy_go_differential.rs` runs Go's own function beside this one.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use http::HeaderValue;

use crate::error::ErrorKind;

/// An HTTP proxy: where to dial, and the `Proxy-Authorization` to send it.
#[derive(Clone)]
pub struct Proxy {
    url: String,
    host: Box<str>,
    port: u16,
    auth: Option<HeaderValue>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The credentials stay out of debug output and logs.
        f.debug_struct("Proxy")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("auth", &self.auth.is_some())
            .finish()
    }
}

impl Proxy {
    /// Parses `http://[user:password@]host[:port]`; without a scheme `http://` is assumed, as Go
    /// does. The port defaults to 80. User and password are percent-decoded and sent as basic
    /// auth. Only `http` proxies are supported (the scheme of the proxy, not of the target).
    pub fn new(url: &str) -> Result<Proxy, crate::Error> {
        parse_proxy(url).map_err(|k| crate::Error::new(k, url))
    }

    /// Sets (or replaces) the basic-auth credentials sent to the proxy.
    pub fn basic_auth(mut self, user: &str, password: &str) -> Proxy {
        self.auth = Some(basic_auth(user, password));
        self
    }

    /// The proxy URL as given, with `http://` prefixed when it had no scheme.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn authorization(&self) -> Option<&HeaderValue> {
        self.auth.as_ref()
    }
}

fn parse_proxy(raw: &str) -> Result<Proxy, ErrorKind> {
    let raw = raw.trim();
    let url = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("http://{raw}")
    };
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", &url));
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(ErrorKind::InvalidProxy(format!(
            "proxy scheme {:?} is not supported (http only)",
            scheme.to_ascii_lowercase()
        )));
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let as_url = format!("http://{hostport}/");
    let target = crate::url::parse(&as_url)
        .map_err(|_| ErrorKind::InvalidProxy(format!("invalid proxy address {raw:?}")))?;
    let auth = userinfo.map(|u| {
        let (user, pass) = u.split_once(':').unwrap_or((u, ""));
        basic_auth(&percent_decode(user), &percent_decode(pass))
    });
    Ok(Proxy {
        host: target.host.into(),
        port: target.port,
        auth,
        url: format!("http://{authority}"),
    })
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// `Basic base64(user:password)`, marked sensitive so `http` never prints it.
fn basic_auth(user: &str, password: &str) -> HeaderValue {
    let mut value = String::from("Basic ");
    base64_into(format!("{user}:{password}").as_bytes(), &mut value);
    let mut v = HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("Basic"));
    v.set_sensitive(true);
    v
}

/// Standard base64 with padding (RFC 4648 §4); twelve lines do not justify a dependency.
fn base64_into(input: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
}

// ANCHOR: env
/// Proxy settings read from the environment the way Go's `ProxyFromEnvironment` reads them.
#[derive(Debug, Clone, Default)]
pub struct ProxyEnv {
    http: Option<Result<Proxy, String>>,
    https: Option<Result<Proxy, String>>,
    no_proxy: NoProxy,
    cgi: bool,
}

impl ProxyEnv {
    /// Reads `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (or their lower-case names) and
    /// `REQUEST_METHOD` now; later changes of the environment are not seen (Go reads it once too).
    pub fn from_env() -> ProxyEnv {
        ProxyEnv::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same reading, with `lookup` standing in for the environment (name → value).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ProxyEnv {
        let get = |upper: &str, lower: &str| {
            lookup(upper)
                .filter(|v| !v.is_empty())
                .or_else(|| lookup(lower))
                .unwrap_or_default()
        };
        let mut env = ProxyEnv::from_values(
            &get("HTTP_PROXY", "http_proxy"),
            &get("HTTPS_PROXY", "https_proxy"),
            &get("NO_PROXY", "no_proxy"),
        );
        env.cgi = lookup("REQUEST_METHOD").is_some_and(|v| !v.is_empty());
        env
    }

    /// The same settings from explicit values (empty string = unset), for tests and for
    /// programs that keep their proxy configuration elsewhere.
    pub fn from_values(http_proxy: &str, https_proxy: &str, no_proxy: &str) -> ProxyEnv {
        // Go drops a value it cannot parse (the request then goes direct); a value that parses
        // but names a scheme we cannot speak (socks5, https) fails the request instead of
        // silently bypassing the proxy the user asked for.
        let parse = |v: &str| match parse_proxy(v) {
            _ if v.trim().is_empty() => None,
            Ok(p) => Some(Ok(p)),
            Err(ErrorKind::InvalidProxy(why)) if why.contains("scheme") => Some(Err(why)),
            Err(_) => None,
        };
        ProxyEnv {
            http: parse(http_proxy),
            https: parse(https_proxy),
            no_proxy: NoProxy::parse(no_proxy),
            cgi: false,
        }
    }

    // ANCHOR: proxy_for
    /// The proxy for `url` (`http://` or `https://`), `None` to go direct.
    pub fn proxy_for(&self, url: &str) -> Result<Option<&Proxy>, crate::Error> {
        let err = |k| crate::Error::new(k, url);
        let (scheme, _) = url
            .split_once("://")
            .ok_or_else(|| err(ErrorKind::InvalidUrl("missing scheme (expected http://)")))?;
        let (proxy, default_port) = if scheme.eq_ignore_ascii_case("https") {
            (&self.https, 443)
        } else if scheme.eq_ignore_ascii_case("http") {
            if self.http.is_some() && self.cgi {
                return Err(err(ErrorKind::InvalidProxy(
                    "refusing to use HTTP_PROXY in a CGI environment (REQUEST_METHOD is set)"
                        .into(),
                )));
            }
            (&self.http, 80)
        } else {
            return Ok(None);
        };
        let Some(proxy) = proxy else {
            return Ok(None);
        };
        let authority = crate::url::authority_of(url);
        let authority = match authority.rsplit_once('@') {
            Some((_, a)) => a,
            None => authority,
        };
        let (host, port) = split_host_port(authority, default_port);
        if !self.no_proxy.use_proxy(host, port) {
            return Ok(None);
        }
        match proxy {
            Ok(p) => Ok(Some(p)),
            Err(why) => Err(err(ErrorKind::InvalidProxy(why.clone()))),
        }
    }
    // ANCHOR_END: proxy_for
}
// ANCHOR_END: env

/// `host[:port]` or `[v6][:port]` → host without brackets, port as text (default when absent).
fn split_host_port(authority: &str, default_port: u16) -> (&str, Port<'_>) {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, after)) => (h, after.strip_prefix(':')),
            None => (v6, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) if !p.is_empty() => Port::Text(p),
        _ => Port::Default(default_port),
    };
    (host, port)
}

/// A request's port as Go compares it: as text (`"080"` is not `"80"`).
#[derive(Debug, Clone, Copy)]
enum Port<'a> {
    Text(&'a str),
    Default(u16),
}

impl Port<'_> {
    fn equals(&self, rule: &str) -> bool {
        match self {
            Port::Text(t) => *t == rule,
            Port::Default(n) => rule.parse::<u16>().ok() == Some(*n) && !rule.starts_with('0'),
        }
    }
}

// ANCHOR: no_proxy
/// The parsed `NO_PROXY` list.
#[derive(Debug, Clone, Default)]
struct NoProxy {
    all: bool,
    ips: Vec<IpRule>,
    domains: Vec<DomainRule>,
}

#[derive(Debug, Clone)]
enum IpRule {
    Cidr { net: u128, mask: u128 },
    Ip { ip: u128, port: Option<String> },
}

#[derive(Debug, Clone)]
struct DomainRule {
    /// Always starts with a dot: `.foo.com`.
    suffix: String,
    /// The rule was `foo.com` (no leading dot): `foo.com` itself matches too.
    match_host: bool,
    port: Option<String>,
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        let mut rules = NoProxy::default();
        for entry in list.split(',') {
            let entry = entry.trim().to_ascii_lowercase();
            if entry.is_empty() {
                continue;
            }
            if entry == "*" {
                return NoProxy {
                    all: true,
                    ..NoProxy::default()
                };
            }
            if let Some(rule) = parse_cidr(&entry) {
                rules.ips.push(rule);
                continue;
            }
            let (host, port) = match go_split_host_port(&entry) {
                Some(("", _)) => continue,
                Some((h, p)) => (h, Some(p.to_string())),
                None => (entry.as_str(), None),
            };
            if let Some(ip) = parse_ip(host) {
                rules.ips.push(IpRule::Ip { ip, port });
                continue;
            }
            if host.is_empty() {
                continue;
            }
            let host = host
                .strip_prefix('*')
                .filter(|h| h.starts_with('.'))
                .unwrap_or(host);
            let (suffix, match_host) = match host.strip_prefix('.') {
                Some(_) => (host.to_string(), false),
                None => (format!(".{host}"), true),
            };
            rules.domains.push(DomainRule {
                suffix,
                match_host,
                port,
            });
        }
        rules
    }

    // ANCHOR: use_proxy
    /// Go's `useProxy`: false means "go direct".
    fn use_proxy(&self, host: &str, port: Port<'_>) -> bool {
        if host == "localhost" {
            return false;
        }
        let ip = parse_ip(host);
        if ip.is_some_and(is_loopback) {
            return false;
        }
        if self.all {
            return false;
        }
        let host = host.trim().to_ascii_lowercase();
        if let Some(ip) = ip {
            for rule in &self.ips {
                let hit = match rule {
                    IpRule::Cidr { net, mask } => ip & mask == *net,
                    IpRule::Ip { ip: want, port: p } => {
                        *want == ip && p.as_deref().is_none_or(|p| port.equals(p))
                    }
                };
                if hit {
                    return false;
                }
            }
        }
        for rule in &self.domains {
            let hit = host.ends_with(&rule.suffix) || (rule.match_host && host == rule.suffix[1..]);
            if hit && rule.port.as_deref().is_none_or(|p| port.equals(p)) {
                return false;
            }
        }
        true
    }
    // ANCHOR_END: use_proxy
}
// ANCHOR_END: no_proxy

/// Go's `net.SplitHostPort` for the forms a `NO_PROXY` entry takes: `host:port`, `[v6]:port`.
/// `None` when there is no port separator (or the brackets are unbalanced).
fn go_split_host_port(s: &str) -> Option<(&str, &str)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = after.strip_prefix(':')?;
        return (!port.contains(':')).then_some((host, port));
    }
    let (host, port) = s.rsplit_once(':')?;
    // More than one colon without brackets is an IPv6 address, not host:port.
    (!host.contains(':')).then_some((host, port))
}

/// An IP as a 128-bit number, IPv4 as IPv4-mapped IPv6 (Go compares `To16()` forms, so
/// `::ffff:10.0.0.1` equals `10.0.0.1`).
fn parse_ip(s: &str) -> Option<u128> {
    let ip: IpAddr = s.parse().ok()?;
    Some(match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    })
}

fn is_loopback(ip: u128) -> bool {
    let v6 = Ipv6Addr::from(ip);
    match v6.to_ipv4_mapped() {
        Some(v4) => v4.is_loopback(),
        None => v6.is_loopback(),
    }
}

/// `10.0.0.0/8` or `fd00::/8`; the address is masked as Go's `ParseCIDR` does.
fn parse_cidr(s: &str) -> Option<IpRule> {
    let (addr, bits) = s.split_once('/')?;
    if bits.is_empty() || !bits.bytes().all(|b| b.is_ascii_digit()) || bits.len() > 3 {
        return None;
    }
    let bits: u32 = bits.parse().ok()?;
    let ip: IpAddr = addr.parse().ok()?;
    let (value, bits) = match ip {
        IpAddr::V4(v4) if bits <= 32 => (u128::from(v4.to_ipv6_mapped()), bits + 96),
        IpAddr::V6(v6) if bits <= 128 => (u128::from(v6), bits),
        _ => return None,
    };
    let mask = if bits == 0 {
        0
    } else {
        u128::MAX << (128 - bits)
    };
    Some(IpRule::Cidr {
        net: value & mask,
        mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via(env: &ProxyEnv, url: &str) -> Option<String> {
        env.proxy_for(url).unwrap().map(|p| p.url().to_string())
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64_into(input.as_bytes(), &mut out);
            assert_eq!(out, want, "{input:?}");
        }
    }

    #[test]
    fn proxy_urls() {
        let p = Proxy::new("proxy.corp:3128").unwrap();
        assert_eq!(
            (p.host(), p.port(), p.url()),
            ("proxy.corp", 3128, "http://proxy.corp:3128")
        );
        let p = Proxy::new("http://u%40x:p%3Aw@10.0.0.1").unwrap();
        assert_eq!((p.host(), p.port()), ("10.0.0.1", 80));
        // base64("u@x:p:w")
        assert_eq!(p.authorization().unwrap(), "Basic dUB4OnA6dw==");
        assert!(Proxy::new("socks5://h:1080").is_err());
        assert!(Proxy::new("http://h:99999").is_err());
    }

    #[test]
    fn no_proxy_rules() {
        let env = ProxyEnv::from_values(
            "http://p:1",
            "",
            "foo.com, .bar.com,*.baz.com, 10.0.0.0/8, 192.168.1.1:8080, 2001:db8::1, q.org:81",
        );
        assert_eq!(via(&env, "http://x.com/"), Some("http://p:1".into()));
        assert_eq!(via(&env, "https://x.com/"), None, "no HTTPS_PROXY: direct");
        for direct in [
            "http://foo.com/",
            "http://a.foo.com/",
            "http://a.bar.com/",
            "http://a.baz.com/",
            "http://10.1.2.3/",
            "http://192.168.1.1:8080/",
            "http://[2001:db8::1]:9/",
            "http://q.org:81/",
            "http://localhost:1/",
            "http://127.0.0.2/",
            "http://[::1]/",
        ] {
            assert_eq!(via(&env, direct), None, "{direct}");
        }
        for proxied in [
            "http://bar.com/",
            "http://baz.com/",
            "http://192.168.1.1/",
            "http://q.org/",
            "http://xfoo.com/",
            "http://LOCALHOST/",
        ] {
            assert!(via(&env, proxied).is_some(), "{proxied}");
        }
        let all = ProxyEnv::from_values("p:1", "p:2", "*");
        assert_eq!(via(&all, "http://x.com/"), None);
        let bad = ProxyEnv::from_values("socks5://h", "", "");
        assert!(bad.proxy_for("http://x.com/").is_err());
        assert!(bad.proxy_for("http://localhost/").unwrap().is_none());
    }
}
