//! Turning the bytes of a request head into a validated target, header map and [`HeadFacts`].
//!
//! `httparse` splits the request line and the header lines; this module decides what they mean and
//! refuses what is ambiguous. Most request-smuggling attacks live in the gap between two servers that
//! frame the same bytes differently, so every rule here picks the strict reading of RFC 9112:
//!
//! - `Transfer-Encoding` and `Content-Length` together: refused (400), never "one wins";
//! - several `Content-Length` lines: allowed only when they are the same digits, and a comma list
//!   in one value (`5, 5`) is refused, as Go does (the rule lives in `wire::content_length`);
//! - a `Host` with a byte no host may contain (`exampl>.com`, bytes >= 0x80): 400, as Go's
//!   `httpguts.ValidHostHeader` (RFC 9112 section 3.2);
//! - any `Transfer-Encoding` other than a single `chunked`: 501, since we cannot find the body's end;
//! - obs-folded header lines and control bytes in values: refused by httparse and by `HeaderValue`.
//!
//! The result is the head plus how the body is framed; the body itself is read by `body`.

use std::mem::MaybeUninit;

use bytes::BytesMut;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode, Version};

use wire::content_length::ContentLength;

use crate::Config;

/// How the request body is delimited on the wire: the shared `wire` crate's framing, which the
/// client uses for responses too. A request never has `UntilClose`.
pub use wire::Framing as BodyFraming;

/// What a request head that passed every check tells the connection, besides its target and
/// fields (those are written straight into the request that will carry them).
#[derive(Debug)]
pub(crate) struct HeadFacts {
    pub method: Method,
    pub version: Version,
    pub framing: BodyFraming,
    /// Whether the client wants the connection kept open after this exchange.
    pub keep_alive: bool,
    /// `Expect: 100-continue` was sent.
    pub expect_continue: bool,
}

/// Where a complete head's target and header fields go: the connection's request, whose string
/// and map keep their allocations from one request to the next (hyper recycles its header map
/// the same way). The map is empty when parsing starts: a finished request's map is cleared.
pub(crate) struct HeadFields<'a> {
    pub target: &'a mut String,
    pub headers: &'a mut HeaderMap,
}

/// Why a request head was refused, and with which status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadError {
    /// The status the client gets (400, 413, 414, 431, 501, 505).
    pub status: StatusCode,
    /// Why, in a few words (the body of the error response).
    pub reason: &'static str,
}

impl HeadError {
    fn new(status: StatusCode, reason: &'static str) -> Self {
        HeadError { status, reason }
    }
    fn bad(reason: &'static str) -> Self {
        HeadError::new(StatusCode::BAD_REQUEST, reason)
    }
}

impl std::fmt::Display for HeadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.reason)
    }
}

impl std::error::Error for HeadError {}

/// Header slots kept on the stack; heads with more header lines use a heap array.
const STACK_HEADERS: usize = 100;

/// The parser's scratch space, kept by a connection from one head to the next: where each header
/// line lies in the head being parsed.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    lines: Vec<HeaderLine>,
}

/// Where one header line's name and value lie in the head's bytes.
#[derive(Clone, Copy, Debug)]
struct HeaderLine {
    name: (usize, usize),
    value: (usize, usize),
}

/// The request line, once the whole head has been split into lines.
struct RequestLine {
    method: Method,
    version: Version,
    /// Length of the whole head in bytes, blank line included.
    len: usize,
}

/// A parsed head with its own target and map: what the tests look at.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct ParsedHead {
    pub method: Method,
    pub target: String,
    pub headers: HeaderMap,
    pub framing: BodyFraming,
    pub keep_alive: bool,
}

/// Parses a request head from the start of `buf`: the tests' entry point.
///
/// Returns `Ok(None)` when more bytes are needed, `Ok(Some((head, len)))` with the length of the head
/// in bytes when it is complete, or the error status the client should get.
#[cfg(test)]
pub(crate) fn parse_head(
    buf: &[u8],
    config: &Config,
) -> Result<Option<(ParsedHead, usize)>, HeadError> {
    let (mut target, mut headers) = (String::new(), HeaderMap::new());
    let fields = HeadFields {
        target: &mut target,
        headers: &mut headers,
    };
    let parsed = parse_head_into(
        &mut BytesMut::from(buf),
        config,
        &mut Scratch::default(),
        fields,
    )?;
    Ok(parsed.map(|(facts, len)| {
        let head = ParsedHead {
            method: facts.method,
            target,
            headers,
            framing: facts.framing,
            keep_alive: facts.keep_alive,
        };
        (head, len)
    }))
}

/// The head parser as the connection runs it: a complete head is split off the front of `buf`, the
/// header values are slices of it rather than copies, and the target and fields are written into
/// `fields`. `buf` and `fields` are left alone until the head is complete.
pub(crate) fn parse_head_into(
    buf: &mut BytesMut,
    config: &Config,
    scratch: &mut Scratch,
    fields: HeadFields<'_>,
) -> Result<Option<(HeadFacts, usize)>, HeadError> {
    // ANCHOR: zero_copy
    let Some(line) = split_lines(buf, config, scratch, fields.target)? else {
        return Ok(None);
    };
    // From here the head's bytes are shared: each header value points into them, and they are
    // freed when the last value is dropped (the connection clears the map after each request).
    let bytes = buf.split_to(line.len).freeze();
    let headers = fields.headers;
    debug_assert!(headers.is_empty(), "a finished request's map is cleared");
    headers.reserve(scratch.lines.len());
    let mut facts = HeaderFacts::default();
    for at in &scratch.lines {
        let name = HeaderName::from_bytes(&bytes[at.name.0..at.name.1])
            .map_err(|_| HeadError::bad("invalid header name"))?;
        let value = HeaderValue::from_maybe_shared(bytes.slice(at.value.0..at.value.1))
            .map_err(|_| HeadError::bad("invalid header value"))?;
        facts.note(&name, &value);
        headers.append(name, value);
    }
    // ANCHOR_END: zero_copy

    let framing = facts.body_framing(line.version)?;
    facts.check_host(line.version, &line.method)?;
    let expect_continue = facts.expect_continue()?;
    let keep_alive = facts.keep_alive(line.version);

    let head = HeadFacts {
        method: line.method,
        version: line.version,
        framing,
        keep_alive,
        expect_continue,
    };
    Ok(Some((head, line.len)))
}

/// Runs httparse over `buf`. When the head is complete, checks the request line and its limits,
/// copies the target into `target` and records where each header line lies in `scratch`
/// (positions, not slices, so that `buf` can be split afterwards).
fn split_lines(
    buf: &[u8],
    config: &Config,
    scratch: &mut Scratch,
    target_out: &mut String,
) -> Result<Option<RequestLine>, HeadError> {
    // Uninitialised slots: httparse writes only the ones it fills, so a request with three
    // headers does not pay for clearing a hundred (3.2 KB) first.
    let mut stack = [const { MaybeUninit::<httparse::Header<'_>>::uninit() }; STACK_HEADERS];
    let mut heap;
    let slots: &mut [MaybeUninit<httparse::Header<'_>>] = if config.max_headers <= STACK_HEADERS {
        &mut stack[..config.max_headers]
    } else {
        heap = Vec::with_capacity(config.max_headers);
        heap.resize_with(config.max_headers, MaybeUninit::uninit);
        &mut heap
    };
    let mut req = httparse::Request::new(&mut []);
    let len = match req.parse_with_uninit_headers(buf, slots) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            check_partial(buf, config)?;
            return Ok(None);
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(HeadError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "too many header lines",
            ))
        }
        Err(httparse::Error::Version) => return Err(version_error(buf)),
        Err(_) => return Err(HeadError::bad("malformed request line or header")),
    };
    if len > config.max_header_bytes {
        return Err(HeadError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request head too large",
        ));
    }
    // httparse guarantees these are present on a complete parse.
    let (Some(method), Some(target), Some(minor)) = (req.method, req.path, req.version) else {
        return Err(HeadError::bad("malformed request line"));
    };
    if target.len() > config.max_uri_len {
        return Err(HeadError::new(
            StatusCode::URI_TOO_LONG,
            "request target too long",
        ));
    }
    let method = Method::from_bytes(method.as_bytes()).map_err(|_| HeadError::bad("bad method"))?;
    let version = if minor == 1 {
        Version::HTTP_11
    } else {
        Version::HTTP_10
    };
    target_out.clear();
    target_out.push_str(target);
    scratch.lines.clear();
    for h in req.headers.iter() {
        scratch.lines.push(HeaderLine {
            name: position_in(buf, h.name.as_bytes()),
            value: position_in(buf, h.value),
        });
    }
    Ok(Some(RequestLine {
        method,
        version,
        len,
    }))
}

/// Where `part`, a slice httparse cut from `whole`, lies in it.
fn position_in(whole: &[u8], part: &[u8]) -> (usize, usize) {
    if part.is_empty() {
        return (0, 0);
    }
    let start = part.as_ptr() as usize - whole.as_ptr() as usize;
    (start, start + part.len())
}

/// An incomplete head may already be too big to ever be accepted: say so now instead of
/// buffering more of it.
fn check_partial(buf: &[u8], config: &Config) -> Result<(), HeadError> {
    if buf.len() > config.max_header_bytes {
        return Err(HeadError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request head too large",
        ));
    }
    // Still inside the request line: the target alone is longer than allowed.
    let line_so_far = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    if line_so_far > config.max_uri_len + 32 {
        return Err(HeadError::new(
            StatusCode::URI_TOO_LONG,
            "request target too long",
        ));
    }
    Ok(())
}

/// httparse only knows HTTP/1.0 and HTTP/1.1. A well-formed `HTTP/2.0` (for example the HTTP/2
/// connection preface `PRI * HTTP/2.0`) deserves 505; anything else is just malformed.
fn version_error(buf: &[u8]) -> HeadError {
    let line_end = buf
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(buf.len());
    let line = &buf[..line_end];
    let newer = line
        .windows(6)
        .rposition(|w| w.starts_with(b"HTTP/") && matches!(w[5], b'2'..=b'9'))
        .is_some();
    if newer {
        HeadError::new(
            StatusCode::HTTP_VERSION_NOT_SUPPORTED,
            "unsupported HTTP version",
        )
    } else {
        HeadError::bad("malformed HTTP version")
    }
}

/// What the connection must know from the header lines, gathered while they are added to the map.
/// Noting each line as it passes costs one comparison of its (already parsed) name; looking the
/// same facts up afterwards would hash several names into the map.
struct HeaderFacts {
    /// Every `Content-Length` value folded into one, or the first error (a bad value, or two
    /// that differ).
    content_length: Result<ContentLength, wire::WireError>,
    /// Whether any `Content-Length` line was seen.
    has_content_length: bool,
    /// `Transfer-Encoding` lines seen, and whether the first one said exactly `chunked`.
    transfer_encodings: usize,
    chunked: bool,
    hosts: usize,
    /// A `Host` value held a byte that no host may contain.
    bad_host: bool,
    /// The first `Expect` value: whether it was `100-continue`.
    expect: Option<bool>,
    /// Tokens seen in `Connection` values.
    close: bool,
    keep_alive: bool,
}

impl HeaderFacts {
    fn note(&mut self, name: &HeaderName, value: &HeaderValue) {
        if *name == header::CONTENT_LENGTH {
            self.has_content_length = true;
            if let Ok(length) = &mut self.content_length {
                if let Err(e) = length.add(value.as_bytes()) {
                    self.content_length = Err(e);
                }
            }
        } else if *name == header::TRANSFER_ENCODING {
            if self.transfer_encodings == 0 {
                self.chunked = value
                    .to_str()
                    .is_ok_and(|s| s.trim().eq_ignore_ascii_case("chunked"));
            }
            self.transfer_encodings += 1;
        } else if *name == header::HOST {
            self.hosts += 1;
            self.bad_host |= !value.as_bytes().iter().all(|&b| valid_host_byte(b));
        } else if *name == header::EXPECT {
            if self.expect.is_none() {
                self.expect = Some(value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
            }
        } else if *name == header::CONNECTION {
            for token in wire::tokens::tokens([value.as_bytes()]) {
                self.close |= token.eq_ignore_ascii_case(b"close");
                self.keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }

    /// Decides how the body is delimited (RFC 9112 section 6.3), refusing every ambiguous case.
    fn body_framing(&self, version: Version) -> Result<BodyFraming, HeadError> {
        if self.transfer_encodings > 0 {
            if self.has_content_length {
                return Err(HeadError::bad("both Transfer-Encoding and Content-Length"));
            }
            if version == Version::HTTP_10 {
                return Err(HeadError::bad("Transfer-Encoding in an HTTP/1.0 request"));
            }
            return if self.transfer_encodings == 1 && self.chunked {
                Ok(BodyFraming::Chunked)
            } else {
                Err(HeadError::new(
                    StatusCode::NOT_IMPLEMENTED,
                    "unsupported Transfer-Encoding",
                ))
            };
        }
        match &self.content_length {
            Ok(length) => Ok(match length.get() {
                None | Some(0) => BodyFraming::Empty,
                Some(n) => BodyFraming::Length(n),
            }),
            Err(e) => Err(HeadError::bad(e.reason())),
        }
    }

    /// HTTP/1.1 requires exactly one `Host` header (RFC 9112 section 3.2); Go answers 400
    /// otherwise.
    fn check_host(&self, version: Version, method: &Method) -> Result<(), HeadError> {
        if self.hosts > 1 {
            return Err(HeadError::bad("too many Host headers"));
        }
        if self.bad_host {
            return Err(HeadError::bad("invalid Host header"));
        }
        if self.hosts == 0 && version == Version::HTTP_11 && method != Method::CONNECT {
            return Err(HeadError::bad("missing required Host header"));
        }
        Ok(())
    }

    /// `Expect: 100-continue` is honoured; any other expectation gets 417, as in Go.
    fn expect_continue(&self) -> Result<bool, HeadError> {
        match self.expect {
            None => Ok(false),
            Some(true) => Ok(true),
            Some(false) => Err(HeadError::new(
                StatusCode::EXPECTATION_FAILED,
                "unsupported Expect",
            )),
        }
    }

    /// HTTP/1.1 connections persist unless the client says `close`; HTTP/1.0 ones close unless
    /// it says `keep-alive`.
    fn keep_alive(&self, version: Version) -> bool {
        if version == Version::HTTP_11 {
            !self.close
        } else {
            self.keep_alive
        }
    }
}

impl Default for HeaderFacts {
    fn default() -> Self {
        HeaderFacts {
            content_length: Ok(ContentLength::default()),
            has_content_length: false,
            transfer_encodings: 0,
            chunked: false,
            hosts: 0,
            bad_host: false,
            expect: None,
            close: false,
            keep_alive: false,
        }
    }
}

/// The bytes a `Host` value may hold: RFC 3986's host and port characters (letters, digits,
/// unreserved, sub-delims, `%`, `:` and the IPv6 brackets) — the set of Go's `validHostByte`.
fn valid_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!$%&'()*+,-.:;=[]_~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_slices_of_the_head_and_the_rest_stays_in_the_buffer() {
        let wire = b"GET /a HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Long: one two\r\n\r\nNEXT";
        let mut buf = BytesMut::from(&wire[..]);
        let (mut target, mut headers) = (String::new(), HeaderMap::new());
        let fields = HeadFields {
            target: &mut target,
            headers: &mut headers,
        };
        let (_, len) = parse_head_into(
            &mut buf,
            &Config::default(),
            &mut Scratch::default(),
            fields,
        )
        .unwrap()
        .unwrap();
        assert_eq!(len, wire.len() - 4);
        assert_eq!(&buf[..], b"NEXT");
        assert_eq!(target, "/a");
        assert_eq!(headers["x-empty"], "");
        assert_eq!(headers["x-long"], "one two");
        assert_eq!(headers["host"], "h");
    }

    #[test]
    fn framing_and_host_rules() {
        let parse = |head: &str| {
            parse_head(head.as_bytes(), &Config::default()).map(|h| h.map(|(h, _)| h.framing))
        };
        assert_eq!(
            parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
            Ok(Some(BodyFraming::Length(5)))
        );
        for bad in [
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: exampl>.com\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: ex ample.com\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: caf\u{e9}.com\r\n\r\n",
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.status, StatusCode::BAD_REQUEST, "{bad:?}");
        }
        for good in ["h", "[::1]:80", "a.b-c_d~e:8080", ""] {
            let head = format!("GET / HTTP/1.1\r\nHost: {good}\r\n\r\n");
            assert_eq!(parse(&head), Ok(Some(BodyFraming::Empty)), "{good:?}");
        }
    }

    #[test]
    fn an_incomplete_head_leaves_buffer_and_fields_alone() {
        let mut buf = BytesMut::from(&b"GET /a HTTP/1.1\r\nHost: h\r\n"[..]);
        let (mut target, mut headers) = ("kept".to_owned(), HeaderMap::new());
        let fields = HeadFields {
            target: &mut target,
            headers: &mut headers,
        };
        let parsed = parse_head_into(
            &mut buf,
            &Config::default(),
            &mut Scratch::default(),
            fields,
        )
        .unwrap();
        assert!(parsed.is_none());
        assert_eq!(buf.len(), 26);
        assert_eq!(target, "kept");
        assert!(headers.is_empty());
    }
}

/// Property tests of the parser: no input makes it panic, and a request built from valid parts
/// parses back to those parts.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_head(&bytes, &Config::default());
        }

        #[test]
        fn request_like_bytes_never_panic(
            line in "[A-Z]{1,7} [ -~]{0,40} HTTP/[0-9]\\.[0-9]",
            headers in proptest::collection::vec("[!-~&&[^:]]{1,12}:[ -~\t]{0,20}", 0..8),
            tail in proptest::collection::vec(any::<u8>(), 0..32),
        ) {
            let mut req = format!("{line}\r\n").into_bytes();
            for h in &headers {
                req.extend_from_slice(h.as_bytes());
                req.extend_from_slice(b"\r\n");
            }
            req.extend_from_slice(b"\r\n");
            req.extend_from_slice(&tail);
            let _ = parse_head(&req, &Config::default());
        }

        #[test]
        fn valid_request_round_trips(
            method in prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE"), Just("PATCH"), Just("REPORT")],
            segments in proptest::collection::vec("[a-zA-Z0-9._~-]{1,8}", 0..5),
            query in proptest::option::of("[a-z0-9=&]{0,12}"),
            headers in proptest::collection::vec(("x-[a-z]{1,8}", "[!-~]([ -~]{0,16}[!-~])?"), 0..6),
            body_len in 0u64..1000,
        ) {
            let mut target = format!("/{}", segments.join("/"));
            if let Some(q) = &query {
                target.push('?');
                target.push_str(q);
            }
            let mut wire = format!("{method} {target} HTTP/1.1\r\nHost: example.com\r\n");
            for (name, value) in &headers {
                wire.push_str(&format!("{name}: {value}\r\n"));
            }
            wire.push_str(&format!("Content-Length: {body_len}\r\n\r\n"));
            let extra = "tail bytes stay unread";
            let bytes = format!("{wire}{extra}");

            let (head, len) = parse_head(bytes.as_bytes(), &Config::default()).unwrap().unwrap();
            prop_assert_eq!(len, wire.len());
            prop_assert_eq!(head.method, Method::from_bytes(method.as_bytes()).unwrap());
            prop_assert_eq!(&head.target, &target);
            for (name, value) in &headers {
                let got: Vec<_> = head.headers.get_all(name.as_str()).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
                prop_assert!(got.contains(value));
            }
            prop_assert!(head.keep_alive);
            let want = if body_len == 0 {
                BodyFraming::Empty
            } else {
                BodyFraming::Length(body_len)
            };
            prop_assert_eq!(head.framing, want);
        }
    }
}
