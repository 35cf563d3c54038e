//! Turning the bytes of a request head into a validated [`ParsedHead`].
//!
//! `httparse` splits the request line and the header lines; this module decides what they mean and
//! refuses what is ambiguous. Most request-smuggling attacks live in the gap between two servers that
//! frame the same bytes differently, so every rule here picks the strict reading of RFC 9112:
//!
//! - `Transfer-Encoding` and `Content-Length` together: refused (400), never "one wins";
//! - several `Content-Length` values: allowed only when they are all the same digits;
//! - any `Transfer-Encoding` other than a single `chunked`: 501, since we cannot find the body's end;
//! - obs-folded header lines and control bytes in values: refused by httparse and by `HeaderValue`.
//!
//! The result is the head plus how the body is framed; the body itself is read by `body`.

use std::mem::MaybeUninit;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode, Version};

use crate::Config;

/// How the request body is delimited on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFraming {
    /// No body: neither `Content-Length` nor `Transfer-Encoding`.
    Empty,
    /// Exactly this many bytes follow the head.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// A request head that passed every check, with the facts the connection needs.
#[derive(Debug)]
pub struct ParsedHead {
    pub method: Method,
    /// The request-target exactly as sent (origin, absolute, authority or asterisk form).
    pub target: String,
    pub version: Version,
    pub headers: HeaderMap,
    pub framing: BodyFraming,
    /// Whether the client wants the connection kept open after this exchange.
    pub keep_alive: bool,
    /// `Expect: 100-continue` was sent.
    pub expect_continue: bool,
}

/// Why a request head was refused, and with which status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadError {
    pub status: StatusCode,
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

/// Parses a request head from the start of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed, `Ok(Some((head, len)))` with the length of the head
/// in bytes when it is complete, or the error status the client should get.
pub fn parse_head(buf: &[u8], config: &Config) -> Result<Option<(ParsedHead, usize)>, HeadError> {
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

    let mut headers = HeaderMap::with_capacity(req.headers.len());
    let mut facts = HeaderFacts::default();
    for h in req.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| HeadError::bad("invalid header name"))?;
        let value =
            HeaderValue::from_bytes(h.value).map_err(|_| HeadError::bad("invalid header value"))?;
        facts.note(&name, &value);
        headers.append(name, value);
    }

    let framing = facts.body_framing(version)?;
    facts.check_host(version, &method)?;
    let expect_continue = facts.expect_continue()?;
    let keep_alive = facts.keep_alive(version);

    let head = ParsedHead {
        method,
        target: target.to_owned(),
        version,
        headers,
        framing,
        keep_alive,
        expect_continue,
    };
    Ok(Some((head, len)))
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

/// What the connection must know from the header lines, gathered while they are copied into the
/// map. Noting each line as it passes costs one comparison of its (already parsed) name; looking
/// the same facts up afterwards would hash five names into the map.
#[derive(Default)]
struct HeaderFacts {
    /// Every `Content-Length` value folded into one: `None` when there was none, the first
    /// error when a value was bad or two values differed.
    content_length: Option<Result<u64, HeadError>>,
    /// `Transfer-Encoding` lines seen, and whether the first one said exactly `chunked`.
    transfer_encodings: usize,
    chunked: bool,
    hosts: usize,
    /// The first `Expect` value: whether it was `100-continue`.
    expect: Option<bool>,
    /// Tokens seen in `Connection` values.
    close: bool,
    keep_alive: bool,
}

impl HeaderFacts {
    fn note(&mut self, name: &HeaderName, value: &HeaderValue) {
        if *name == header::CONTENT_LENGTH {
            self.content_length = Some(match self.content_length.take() {
                Some(Err(e)) => Err(e),
                prev => fold_content_length(prev.and_then(Result::ok), value),
            });
        } else if *name == header::TRANSFER_ENCODING {
            if self.transfer_encodings == 0 {
                self.chunked = value
                    .to_str()
                    .is_ok_and(|s| s.trim().eq_ignore_ascii_case("chunked"));
            }
            self.transfer_encodings += 1;
        } else if *name == header::HOST {
            self.hosts += 1;
        } else if *name == header::EXPECT {
            if self.expect.is_none() {
                self.expect = Some(value.as_bytes().eq_ignore_ascii_case(b"100-continue"));
            }
        } else if *name == header::CONNECTION {
            for token in value.as_bytes().split(|&b| b == b',') {
                let token = token.trim_ascii();
                self.close |= token.eq_ignore_ascii_case(b"close");
                self.keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }

    /// Decides how the body is delimited (RFC 9112 section 6.3), refusing every ambiguous case.
    fn body_framing(&self, version: Version) -> Result<BodyFraming, HeadError> {
        if self.transfer_encodings > 0 {
            if self.content_length.is_some() {
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
            None | Some(Ok(0)) => Ok(BodyFraming::Empty),
            Some(Ok(n)) => Ok(BodyFraming::Length(*n)),
            Some(Err(e)) => Err(e.clone()),
        }
    }

    /// HTTP/1.1 requires exactly one `Host` header (RFC 9112 section 3.2); Go answers 400
    /// otherwise.
    fn check_host(&self, version: Version, method: &Method) -> Result<(), HeadError> {
        if self.hosts > 1 {
            return Err(HeadError::bad("too many Host headers"));
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

/// Adds one `Content-Length` value to the one seen so far. Repeated headers and comma lists alike
/// must all be the same run of digits: no sign, no spaces inside, no overflow.
fn fold_content_length(prev: Option<u64>, value: &HeaderValue) -> Result<u64, HeadError> {
    let text = value
        .to_str()
        .map_err(|_| HeadError::bad("bad Content-Length"))?;
    let mut found = prev;
    for part in text.split(',') {
        let n = parse_digits(part.trim()).ok_or(HeadError::bad("bad Content-Length"))?;
        match found {
            Some(prev) if prev != n => {
                return Err(HeadError::bad("differing Content-Length values"))
            }
            _ => found = Some(n),
        }
    }
    found.ok_or(HeadError::bad("bad Content-Length"))
}

/// Parses a non-empty string of ASCII digits; `u64::from_str` alone would accept a leading `+`.
pub(crate) fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}
