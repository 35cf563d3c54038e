//! The request handed to handlers: Go's `*http.Request`.
//!
//! The head has been validated by `head` before a handler sees the request, so every accessor of
//! the head is a cheap, infallible look-up. The body is not read yet: it is a [`Body`] stream over
//! the connection (Go's `r.Body`), framed so that it can never read into the next request.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use bytes::Bytes;
use http::{header, HeaderMap, Method, Version};

use crate::body::Body;
use crate::body::ConnIo;
use crate::head::{HeadError, HeadFields};
use crate::tls::TlsInfo;

/// One HTTP request.
#[derive(Debug)]
pub struct Request {
    method: Method,
    target: String,
    version: Version,
    headers: HeaderMap,
    /// Percent-decoded path, as Go's `r.URL.Path`; `None` when it is the raw path as sent (no
    /// `%` in it, the common case), which then serves without a copy.
    path: Option<String>,
    /// Byte range of the still-encoded path inside `target` (Go's `EscapedPath()`).
    raw_path: (usize, usize),
    /// Byte range of the query (without `?`) inside `target`.
    raw_query: (usize, usize),
    host: String,
    remote_addr: SocketAddr,
    body: Body,
    /// The connection's body, when a handler replaced `body` with another.
    wire_body: Option<Box<Body>>,
    /// What a [`PatternMux`](crate::PatternMux) matched: the pattern and its path values.
    pub(crate) route: crate::pattern_mux::RouteMatch,
    /// The TLS session the request came over (Go's `r.TLS`); `None` on plain HTTP.
    tls: Option<Arc<TlsInfo>>,
}

/// A request could not be built from the parts given to [`Request::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError(pub &'static str);

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid request: {}", self.0)
    }
}

impl std::error::Error for RequestError {}

impl Request {
    /// Builds a request outside a server, for tests and benches (like Go's `httptest.NewRequest`).
    ///
    /// `target` is an origin-form (`/a?b=c`) or absolute-form (`http://host/a`) request target.
    pub fn new(method: Method, target: &str) -> Result<Request, RequestError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            header::HeaderValue::from_static("example.com"),
        );
        let remote = SocketAddr::from((Ipv4Addr::LOCALHOST, 1234));
        let mut req = Request::for_connection(remote, None);
        req.method = method;
        req.target = target.to_owned();
        req.headers = headers;
        req.read_target().map_err(|e| RequestError(e.reason))?;
        Ok(req)
    }

    /// Replaces the body with bytes in memory (for tests and benches built with [`Request::new`]).
    pub fn with_body(mut self, body: impl Into<Bytes>) -> Request {
        self.body = Body::from_bytes(body);
        self
    }

    /// Replaces the headers (for tests and benches built with [`Request::new`]); the host is
    /// taken from the new `Host` header unless the target was in absolute form.
    pub fn with_headers(mut self, headers: HeaderMap) -> Request {
        if !self.target.contains("://") {
            self.host = host_header(&headers).to_owned();
        }
        self.headers = headers;
        self
    }

    /// The request a connection fills in place for each request it reads: one value for the
    /// connection's whole life, so that a request is never moved (it is some 560 bytes) and its
    /// target, host and header map keep their allocations from one request to the next. `tls` is
    /// the connection's TLS session, the same for every request on it.
    pub(crate) fn for_connection(remote_addr: SocketAddr, tls: Option<Arc<TlsInfo>>) -> Request {
        Request {
            method: Method::GET,
            target: String::new(),
            version: Version::HTTP_11,
            headers: HeaderMap::new(),
            path: None,
            raw_path: (0, 0),
            raw_query: (0, 0),
            host: String::new(),
            remote_addr,
            body: Body::empty(),
            wire_body: None,
            route: Default::default(),
            tls,
        }
    }

    /// Where the head parser writes the target and the header fields.
    pub(crate) fn head_fields(&mut self) -> HeadFields<'_> {
        HeadFields {
            target: &mut self.target,
            headers: &mut self.headers,
        }
    }

    /// Completes a request whose target and fields the parser wrote: its method and version,
    /// and what the target says (path, query, host).
    pub(crate) fn begin(&mut self, method: Method, version: Version) -> Result<(), HeadError> {
        self.method = method;
        self.version = version;
        self.read_target()
    }

    /// Attaches the body stream over the connection.
    pub(crate) fn attach_body(&mut self, body: Body) {
        self.body = body;
    }

    /// Ends a request: gives back the connection's read side (`None` if a handler took the
    /// connection's body away) and clears what must not reach the next request. The map is
    /// cleared now: its values share the connection's read buffer, which can then be reused in
    /// place instead of being reallocated.
    pub(crate) fn end(&mut self) -> Option<ConnIo> {
        let io = self.wire_body_mut().take_io();
        self.headers.clear();
        self.body = Body::empty();
        self.wire_body = None;
        self.route = Default::default();
        io
    }

    /// Splits the target into path, query and authority, and finds the host.
    fn read_target(&mut self) -> Result<(), HeadError> {
        let parts = split_target(&self.target, &self.method)?;
        self.path = decode_path(&self.target[parts.path.0..parts.path.1])?;
        self.raw_path = parts.path;
        self.raw_query = parts.query;
        self.host.clear();
        self.host.push_str(match parts.authority {
            Some((a, b)) => &self.target[a..b],
            None => host_header(&self.headers),
        });
        Ok(())
    }

    /// Replaces the body (Go's `r.Body = ...`), e.g. with bytes a middleware has already read.
    ///
    /// The stream from the connection is kept aside, not dropped: after the handler the server
    /// still reads what is left of it (or closes), so the next request is found where it starts.
    pub fn set_body(&mut self, body: Body) {
        let old = std::mem::replace(&mut self.body, body);
        if old.is_on_connection() && self.wire_body.is_none() {
            self.wire_body = Some(Box::new(old));
        }
    }

    /// The body the connection's bytes flow through: the one the server attached, even if a
    /// handler replaced it with [`set_body`](Self::set_body).
    pub(crate) fn wire_body_mut(&mut self) -> &mut Body {
        self.wire_body.as_deref_mut().unwrap_or(&mut self.body)
    }

    /// The TLS session the request came over (Go's `r.TLS`): `None` for plain HTTP, so
    /// `req.tls().is_some()` is Go's `r.TLS != nil`.
    pub fn tls(&self) -> Option<&TlsInfo> {
        self.tls.as_deref()
    }

    /// Marks the request as come over TLS (for tests and benches built with [`Request::new`]).
    pub fn with_tls(mut self, info: TlsInfo) -> Request {
        self.tls = Some(Arc::new(info));
        self
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request-target exactly as it appeared in the request line (Go's `RequestURI`).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The protocol version (HTTP/1.0 or HTTP/1.1).
    pub fn version(&self) -> Version {
        self.version
    }

    /// The percent-decoded path (Go's `r.URL.Path`). Routers match on this.
    pub fn path(&self) -> &str {
        self.path.as_deref().unwrap_or_else(|| self.raw_path())
    }

    /// The path as sent, still percent-encoded (Go's `r.URL.EscapedPath()`).
    pub fn raw_path(&self) -> &str {
        &self.target[self.raw_path.0..self.raw_path.1]
    }

    /// The query string without the `?` (Go's `r.URL.RawQuery`).
    pub fn raw_query(&self) -> &str {
        &self.target[self.raw_query.0..self.raw_query.1]
    }

    /// The query decoded into key/value pairs, in order (Go's `r.URL.Query()`).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.raw_query().as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of query parameter `key`, decoded (Go's `r.URL.Query().Get(key)`, but
    /// telling "absent" apart from "empty").
    pub fn query(&self, key: &str) -> Option<String> {
        form_urlencoded::parse(self.raw_query().as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request headers, mutable (middleware may rewrite them).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The host the request is for: the authority of an absolute-form target, else the `Host`
    /// header, port included (Go's `r.Host`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The peer's address (Go's `r.RemoteAddr`).
    pub fn remote_addr(&self) -> SocketAddr {
        self.remote_addr
    }

    /// The body stream (Go's `r.Body`): its limit, trailers and error.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The body stream, to read from: `r.body_mut().read_to_end(max)`, or any
    /// `tokio::io::AsyncReadExt` method.
    pub fn body_mut(&mut self) -> &mut Body {
        &mut self.body
    }

    /// Completes when the client has gone away: the connection's read side saw the end of the
    /// stream or an error while the handler runs (Go's `r.Context().Done()`). Costs nothing
    /// unless awaited. Never completes for a request that has no connection (built with
    /// [`Request::new`]) or whose connection was hijacked. See the `cancel` module for what it
    /// does with bytes that arrive meanwhile.
    // ANCHOR: client_gone
    pub async fn client_gone(&mut self) {
        let body = self.wire_body_mut();
        std::future::poll_fn(|cx| body.poll_client_gone(cx)).await
    }
    // ANCHOR_END: client_gone

    /// The trailer fields of a chunked body, once it has been read to its end (Go's
    /// `r.Trailer`).
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.body.trailers()
    }
}

fn host_header(headers: &HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Where the pieces of a request target lie, as byte ranges into it.
struct TargetParts {
    authority: Option<(usize, usize)>,
    path: (usize, usize),
    query: (usize, usize),
}

/// Splits the four request-target forms of RFC 9112 section 3.2.
fn split_target(target: &str, method: &Method) -> Result<TargetParts, HeadError> {
    let end = target.len();
    let path_and_query = |start: usize, authority| {
        let q = target[start..].find('?').map(|i| start + i);
        TargetParts {
            authority,
            path: (start, q.unwrap_or(end)),
            query: q.map_or((end, end), |q| (q + 1, end)),
        }
    };
    if target.starts_with('/') {
        return Ok(path_and_query(0, None));
    }
    if target == "*" && method == Method::OPTIONS {
        return Ok(TargetParts {
            authority: None,
            path: (0, 1),
            query: (1, 1),
        });
    }
    if *method == Method::CONNECT && !target.contains('/') && !target.is_empty() {
        return Ok(TargetParts {
            authority: Some((0, end)),
            path: (end, end),
            query: (end, end),
        });
    }
    if let Some(scheme_end) = target.find("://") {
        let scheme = &target[..scheme_end];
        if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") {
            let a = scheme_end + 3;
            let b = target[a..].find(['/', '?']).map_or(end, |i| a + i);
            if a == b {
                return Err(HeadError {
                    status: http::StatusCode::BAD_REQUEST,
                    reason: "absolute-form target without a host",
                });
            }
            return Ok(path_and_query(b, Some((a, b))));
        }
    }
    Err(HeadError {
        status: http::StatusCode::BAD_REQUEST,
        reason: "invalid request target",
    })
}

/// Percent-decodes a path. Like Go's `url.ParseRequestURI`, a `%` not followed by two hex digits is
/// an error; unlike Go (whose strings are bytes) the result must also be UTF-8. `None` means the
/// decoded path is `raw` itself.
fn decode_path(raw: &str) -> Result<Option<String>, HeadError> {
    let bad = |reason| HeadError {
        status: http::StatusCode::BAD_REQUEST,
        reason,
    };
    if raw.is_empty() {
        return Ok(Some("/".to_owned()));
    }
    if !raw.contains('%') {
        return Ok(None);
    }
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err(bad("invalid URL escape"));
            }
        }
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| Some(s.into_owned()))
        .map_err(|_| bad("path is not UTF-8 after decoding"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_form_splits_path_and_query() {
        let r = Request::new(Method::GET, "/a%20b/c?x=1&y=%41").unwrap();
        assert_eq!(r.path(), "/a b/c");
        assert_eq!(r.raw_path(), "/a%20b/c");
        assert_eq!(r.raw_query(), "x=1&y=%41");
        assert_eq!(r.query("y").as_deref(), Some("A"));
        assert_eq!(r.host(), "example.com");
    }

    #[test]
    fn absolute_form_takes_host_from_target() {
        let r = Request::new(Method::GET, "http://other.org:8080/p?q").unwrap();
        assert_eq!(r.host(), "other.org:8080");
        assert_eq!(r.path(), "/p");
        assert_eq!(r.raw_query(), "q");
        let r = Request::new(Method::GET, "http://other.org").unwrap();
        assert_eq!(r.path(), "/");
    }

    #[test]
    fn bad_targets_are_refused() {
        assert!(Request::new(Method::GET, "a/b").is_err());
        assert!(Request::new(Method::GET, "/%zz").is_err());
        assert!(Request::new(Method::GET, "/%ff").is_err());
        assert!(Request::new(Method::GET, "http:///x").is_err());
    }
}
