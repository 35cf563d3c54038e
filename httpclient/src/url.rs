//! Splitting an `http://` or `https://` URL into the pieces a request needs, and resolving
//! redirect targets.
//!
//! Go parses every URL into a `url.URL` struct. A client only needs four borrowed slices of the
//! string — the authority for the `Host` header, host and port to dial, and the path+query for
//! the request line — so [`Target`] borrows them and parsing allocates nothing.
//!
//! The parser is strict about the one thing that matters for safety: a URL containing spaces or
//! control characters is refused, so a caller's string can never smuggle a second request line
//! or header into what we write on the wire.

use crate::error::ErrorKind;

/// The two schemes this client speaks. Part of a pool key: a plain and a TLS connection to the
/// same `host:port` are different connections and never stand in for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    Http,
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`, as written at the start of a URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// The parts of an `http://` or `https://` URL, borrowed from the URL string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    /// `http` or `https`.
    pub scheme: Scheme,
    /// `host[:port]` exactly as written: what goes into the `Host` header and the log line.
    pub authority: &'a str,
    /// The host to dial, without brackets for IPv6 literals.
    pub host: &'a str,
    /// The port to dial (80 or 443 when the URL has none).
    pub port: u16,
    /// Path and query, fragment removed. May be empty or start with `?`: see [`Target::write_path`].
    pub path: &'a str,
}

impl Target<'_> {
    /// Writes the request-target of the request line: the path, with the `/` the URL may have
    /// left out (`http://h` and `http://h?q=1` both mean path `/`).
    pub fn write_path(&self, out: &mut Vec<u8>) {
        if !self.path.starts_with('/') {
            out.push(b'/');
        }
        out.extend_from_slice(self.path.as_bytes());
    }
}

/// Parses `url`, which must be `http(s)://authority[/path][?query][#fragment]`.
pub(crate) fn parse(url: &str) -> Result<Target<'_>, ErrorKind> {
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(ErrorKind::InvalidUrl(
            "contains whitespace or control characters",
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(ErrorKind::InvalidUrl("missing scheme (expected http://)"));
    };
    let scheme = if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else if scheme.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else {
        return Err(ErrorKind::UnsupportedScheme(scheme.to_ascii_lowercase()));
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let path = match path.find('#') {
        Some(i) => &path[..i],
        None => path,
    };
    if authority.is_empty() {
        return Err(ErrorKind::InvalidUrl("missing host"));
    }
    if authority.contains('@') {
        return Err(ErrorKind::InvalidUrl(
            "user info in the url is not supported",
        ));
    }
    let (host, port) = split_host_port(authority, scheme.default_port())?;
    Ok(Target {
        scheme,
        authority,
        host,
        port,
        path,
    })
}

/// The `host[:port]` part of any `scheme://` URL, for the log line — lenient, so that even a
/// request refused for its scheme is logged with the host it was for. Empty when there is none.
pub(crate) fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(authority: &str, default_port: u16) -> Result<(&str, u16), ErrorKind> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let Some((host, after)) = v6.split_once(']') else {
            return Err(ErrorKind::InvalidUrl("unclosed '[' in host"));
        };
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(ErrorKind::InvalidUrl("junk after ']' in host")),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(ErrorKind::InvalidUrl("missing host"));
    }
    let port = match port {
        None | Some("") => default_port,
        Some(digits) => match digits.parse::<u16>() {
            Ok(p) if p != 0 && digits.bytes().all(|b| b.is_ascii_digit()) => p,
            _ => return Err(ErrorKind::InvalidUrl("invalid port")),
        },
    };
    Ok((host, port))
}

/// Resolves a `Location` header against the URL that answered with it.
///
/// Handles the forms servers send in practice: absolute (`http://other/x`), scheme-relative
/// (`//other/x`, keeping the current scheme), absolute path (`/x`) and relative path (`x`, resolved against the directory
/// of the current path). Dot segments are left for the server to clean, as Go's ServeMux does.
pub(crate) fn resolve(base: &str, location: &str) -> Result<String, ErrorKind> {
    let base_target = parse(base)?;
    if location.is_empty() {
        return Err(ErrorKind::InvalidUrl("empty Location header"));
    }
    let has_scheme = location
        .find("://")
        .is_some_and(|i| location[..i].bytes().all(|b| b.is_ascii_alphabetic()));
    let resolved = if has_scheme {
        location.to_string()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", base_target.scheme.as_str())
    } else if location.starts_with('/') {
        format!(
            "{}://{}{}",
            base_target.scheme.as_str(),
            base_target.authority,
            location
        )
    } else {
        let path = base_target.path;
        let path = path.split('?').next().unwrap_or("");
        let dir = match path.rfind('/') {
            Some(i) => &path[..=i],
            None => "/",
        };
        format!(
            "{}://{}{}{}",
            base_target.scheme.as_str(),
            base_target.authority,
            dir,
            location
        )
    };
    // Validate before we return it, so the error names the bad Location.
    parse(&resolved)?;
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_usual_forms() {
        let t = parse("http://127.0.0.1:8010/demo/args/123?x=1#frag").unwrap();
        assert_eq!(t.authority, "127.0.0.1:8010");
        assert_eq!(t.host, "127.0.0.1");
        assert_eq!(t.port, 8010);
        assert_eq!(t.path, "/demo/args/123?x=1");

        let t = parse("HTTP://example.com").unwrap();
        assert_eq!((t.host, t.port, t.path), ("example.com", 80, ""));
        let t = parse("https://example.com/x").unwrap();
        assert_eq!((t.scheme, t.port), (Scheme::Https, 443));
        let t = parse("HTTPS://[::1]:8443").unwrap();
        assert_eq!((t.scheme, t.host, t.port), (Scheme::Https, "::1", 8443));
        let mut line = Vec::new();
        t.write_path(&mut line);
        assert_eq!(line, b"/");

        let t = parse("http://[::1]:9000?q").unwrap();
        assert_eq!((t.host, t.port, t.authority), ("::1", 9000, "[::1]:9000"));
        let mut line = Vec::new();
        t.write_path(&mut line);
        assert_eq!(line, b"/?q");
    }

    #[test]
    fn refuses_what_it_cannot_send() {
        assert!(matches!(
            parse("ftp://example.com/"),
            Err(ErrorKind::UnsupportedScheme(s)) if s == "ftp"
        ));
        for bad in [
            "example.com/x",
            "http://",
            "http:///path",
            "http://h:99999/",
            "http://h:0/",
            "http://h:+80/",
            "http://u:p@h/",
            "http://[::1/",
            "http://h/a b",
            "http://h/a\r\nX: y",
        ] {
            assert!(
                matches!(parse(bad), Err(ErrorKind::InvalidUrl(_))),
                "{bad:?} should be an invalid url"
            );
        }
    }

    #[test]
    fn resolves_locations() {
        let base = "http://h:1/a/b?q=1";
        assert_eq!(resolve(base, "/x").unwrap(), "http://h:1/x");
        assert_eq!(resolve(base, "c").unwrap(), "http://h:1/a/c");
        assert_eq!(resolve(base, "//o:2/y").unwrap(), "http://o:2/y");
        assert_eq!(resolve(base, "http://o/z").unwrap(), "http://o/z");
        assert_eq!(resolve(base, "https://o/z").unwrap(), "https://o/z");
        assert!(matches!(
            resolve(base, "ftp://o/z"),
            Err(ErrorKind::UnsupportedScheme(_))
        ));
        let tls = "https://h/a/b";
        assert_eq!(resolve(tls, "//o/y").unwrap(), "https://o/y");
        assert_eq!(resolve(tls, "/x").unwrap(), "https://h/x");
        assert_eq!(resolve(tls, "c").unwrap(), "https://h/a/c");
        assert!(resolve(base, "").is_err());
    }
}
