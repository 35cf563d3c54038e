//! Writing a request head onto the wire.
//!
//! The head is formatted straight into the connection's reused `Vec<u8>`: request line, `Host`,
//! the client's default headers (unless the request overrides them), the request's headers, and
//! the framing headers we compute ourselves. `Content-Length` and `Transfer-Encoding` given by
//! the caller are ignored — the body we actually send decides them, so a caller cannot make us
//! write a head that disagrees with its body.
//!
//! Through a forwarding proxy the request-target is in absolute form (`GET http://host/path`,
//! RFC 9112 §3.2.2) and `Proxy-Authorization` is added; `Accept-Encoding` is added when the
//! client decodes compressed bodies itself; the cookie jar's cookies join the caller's `Cookie`
//! header in one line (RFC 6265 §5.4: at most one `Cookie` header).

use std::io::Write;

use http::header::{
    ACCEPT_ENCODING, CONNECTION, CONTENT_LENGTH, COOKIE, HOST, PROXY_AUTHORIZATION,
    TRANSFER_ENCODING,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::url::Target;

/// Everything `write_head` needs besides the buffer.
pub(crate) struct HeadParts<'a> {
    pub method: &'a Method,
    pub target: &'a Target<'a>,
    pub defaults: &'a HeaderMap,
    pub headers: &'a HeaderMap,
    /// `Some(n)`: a byte body of n bytes (`Content-Length`); `None`: a chunked stream.
    pub body_len: Option<usize>,
    /// False adds `Connection: close` (the pool is disabled).
    pub keep_alive: bool,
    /// The request goes to a forwarding proxy: absolute-form target.
    pub absolute: bool,
    /// `Proxy-Authorization` for that proxy.
    pub proxy_auth: Option<&'a HeaderValue>,
    /// Add `Accept-Encoding: gzip, deflate` (the caller did not ask for an encoding).
    pub accept_encoding: bool,
    /// Cookies from the jar for this URL, as one `name=value; ...` value.
    pub jar_cookie: Option<&'a HeaderValue>,
}

/// What the client asks for when it decodes bodies itself: Go asks for gzip only; deflate
/// costs us nothing more (flate2 inflates both).
pub(crate) const ACCEPT_ENCODING_VALUE: &str = "gzip, deflate";

pub(crate) fn write_head(out: &mut Vec<u8>, p: &HeadParts<'_>) {
    out.extend_from_slice(p.method.as_str().as_bytes());
    out.push(b' ');
    if p.absolute {
        out.extend_from_slice(b"http://");
        out.extend_from_slice(p.target.authority.as_bytes());
    }
    p.target.write_path(out);
    out.extend_from_slice(b" HTTP/1.1\r\n");

    // A caller-supplied Host wins: goinbox's NewRequest dials an IP but keeps the URL's Host.
    if !p.headers.contains_key(HOST) {
        header(out, HOST.as_str(), p.target.authority.as_bytes());
    }
    for (name, value) in p.defaults {
        if !p.headers.contains_key(name) && !is_framing(name) {
            header_value(out, name, value);
        }
    }
    for (name, value) in p.headers {
        let replaced_by_jar = p.jar_cookie.is_some() && name == COOKIE;
        if !is_framing(name) && !replaced_by_jar {
            header_value(out, name, value);
        }
    }
    if let Some(jar) = p.jar_cookie {
        out.extend_from_slice(b"cookie: ");
        for own in p.headers.get_all(COOKIE) {
            out.extend_from_slice(own.as_bytes());
            out.extend_from_slice(b"; ");
        }
        out.extend_from_slice(jar.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if let Some(auth) = p.proxy_auth {
        if !p.headers.contains_key(PROXY_AUTHORIZATION) {
            header(out, PROXY_AUTHORIZATION.as_str(), auth.as_bytes());
        }
    }
    if p.accept_encoding {
        header(
            out,
            ACCEPT_ENCODING.as_str(),
            ACCEPT_ENCODING_VALUE.as_bytes(),
        );
    }
    // Go sends `Content-Length: 0` for an empty POST/PUT/PATCH; servers expect it.
    let has_body_semantics = matches!(*p.method, Method::POST | Method::PUT | Method::PATCH);
    match p.body_len {
        Some(len) if len > 0 || has_body_semantics => {
            out.extend_from_slice(b"content-length: ");
            let _ = write!(out, "{len}");
            out.extend_from_slice(b"\r\n");
        }
        Some(_) => {}
        None => out.extend_from_slice(b"transfer-encoding: chunked\r\n"),
    }
    if !p.keep_alive && !p.headers.contains_key(CONNECTION) {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

fn is_framing(name: &HeaderName) -> bool {
    name == CONTENT_LENGTH || name == TRANSFER_ENCODING
}

fn header_value(out: &mut Vec<u8>, name: &HeaderName, value: &HeaderValue) {
    header(out, name.as_str(), value.as_bytes());
}

fn header(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_post_head() {
        let target = crate::url::parse("http://127.0.0.1:8010/demo?x=1").unwrap();
        let mut defaults = HeaderMap::new();
        defaults.insert("user-agent", HeaderValue::from_static("ua"));
        defaults.insert("accept", HeaderValue::from_static("*/*"));
        let mut headers = HeaderMap::new();
        headers.insert("accept", HeaderValue::from_static("text/plain"));
        headers.insert("content-length", HeaderValue::from_static("999"));
        let mut out = Vec::new();
        write_head(
            &mut out,
            &HeadParts {
                method: &Method::POST,
                target: &target,
                defaults: &defaults,
                headers: &headers,
                body_len: Some(3),
                keep_alive: true,
                absolute: false,
                proxy_auth: None,
                accept_encoding: false,
                jar_cookie: None,
            },
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /demo?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8010\r\nuser-agent: ua\r\n\
             accept: text/plain\r\ncontent-length: 3\r\n\r\n"
        );
    }

    #[test]
    fn writes_a_proxied_chunked_head_with_cookies() {
        let target = crate::url::parse("http://origin:81/p").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("cookie", HeaderValue::from_static("own=1"));
        let auth = HeaderValue::from_static("Basic dTpw");
        let jar = HeaderValue::from_static("a=b");
        let mut out = Vec::new();
        write_head(
            &mut out,
            &HeadParts {
                method: &Method::PUT,
                target: &target,
                defaults: &HeaderMap::new(),
                headers: &headers,
                body_len: None,
                keep_alive: true,
                absolute: true,
                proxy_auth: Some(&auth),
                accept_encoding: true,
                jar_cookie: Some(&jar),
            },
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "PUT http://origin:81/p HTTP/1.1\r\nhost: origin:81\r\ncookie: own=1; a=b\r\n\
             proxy-authorization: Basic dTpw\r\naccept-encoding: gzip, deflate\r\n\
             transfer-encoding: chunked\r\n\r\n"
        );
    }
}
