//! Writing a request head onto the wire.
//!
//! The head is formatted straight into the connection's reused `Vec<u8>`: request line, `Host`,
//! the client's default headers (unless the request overrides them), the request's headers, and
//! the framing headers we compute ourselves. `Content-Length` and `Transfer-Encoding` given by
//! the caller are ignored — the body we actually send decides them, so a caller cannot make us
//! write a head that disagrees with its body.

use std::io::Write;

use http::header::{CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use crate::url::Target;

/// Everything `write_head` needs besides the buffer.
pub(crate) struct HeadParts<'a> {
    pub method: &'a Method,
    pub target: &'a Target<'a>,
    pub defaults: &'a HeaderMap,
    pub headers: &'a HeaderMap,
    pub body_len: usize,
    /// False adds `Connection: close` (the pool is disabled).
    pub keep_alive: bool,
}

pub(crate) fn write_head(out: &mut Vec<u8>, p: &HeadParts<'_>) {
    out.extend_from_slice(p.method.as_str().as_bytes());
    out.push(b' ');
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
        if !is_framing(name) {
            header_value(out, name, value);
        }
    }
    // Go sends `Content-Length: 0` for an empty POST/PUT/PATCH; servers expect it.
    let has_body_semantics = matches!(*p.method, Method::POST | Method::PUT | Method::PATCH);
    if p.body_len > 0 || has_body_semantics {
        out.extend_from_slice(b"content-length: ");
        let _ = write!(out, "{}", p.body_len);
        out.extend_from_slice(b"\r\n");
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
                body_len: 3,
                keep_alive: true,
            },
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "POST /demo?x=1 HTTP/1.1\r\nhost: 127.0.0.1:8010\r\nuser-agent: ua\r\n\
             accept: text/plain\r\ncontent-length: 3\r\n\r\n"
        );
    }
}
