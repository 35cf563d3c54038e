//! Helpers for the file-serving tests: one raw HTTP/1.1 exchange that keeps every header and the
//! body's bytes (read by `testkit::http`), and percent-encoding of request paths.

#![allow(dead_code)]

use std::net::SocketAddr;

/// One response as a client sees it.
pub type Reply = testkit::http::Response;

/// Sends `GET`/`HEAD`/... `target` to host `files.test` with `headers` and `Connection: close`;
/// reads to EOF.
pub fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
) -> Reply {
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let req = testkit::http::request(method, target, "files.test", &headers, b"");
    testkit::http::exchange(addr, &req, method == "HEAD")
}

/// Percent-encodes every byte of `p` but unreserved ones and `/`.
pub fn encode_path(p: &str) -> String {
    let mut out = String::new();
    for &b in p.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
