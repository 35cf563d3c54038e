//! Parsing a response head (status line + headers) and deciding how the body is framed.
//!
//! httparse does the byte-level work without allocating; this module turns its borrowed result
//! into owned `http` types and applies RFC 9112 §6.3 ("message body length") to choose a
//! [`Framing`]. It is sans-I/O — it sees a byte slice and says "complete", "need more" or
//! "malformed" — so it can be property-tested on arbitrary bytes without a socket.

use http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Version};

use crate::error::Malformed;

/// At most this many header lines per response; httparse needs the array up front.
/// Go's default is "1 MB of header bytes"; a count is what httparse can enforce cheaply.
pub const MAX_HEADERS: usize = 100;

/// How the body that follows a head is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body at all (HEAD request, 1xx/204/304, `Content-Length: 0`).
    Empty,
    /// Exactly this many bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Everything until the server closes the connection.
    Close,
}

/// A parsed response head.
#[derive(Debug)]
pub(crate) struct Head {
    pub status: StatusCode,
    pub version: Version,
    pub headers: HeaderMap,
    pub framing: Framing,
    /// Whether the server lets us send another request on this connection afterwards.
    pub keep_alive: bool,
}

/// Parses a response head from the start of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of a head, `Ok(Some((head, n)))` when the head
/// is complete and took `n` bytes. `head_request` is true when the request was `HEAD`, whose
/// response announces a length it never sends.
pub(crate) fn parse(buf: &[u8], head_request: bool) -> Result<Option<(Head, usize)>, Malformed> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut slots);
    let len = match resp.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(e) => return Err(from_httparse(e)),
    };
    // On Complete httparse guarantees both are set; a missing one is still not worth a panic.
    let code = resp.code.ok_or(Malformed::StatusLine)?;
    let status = match StatusCode::from_u16(code) {
        Ok(s) if code >= 100 => s,
        _ => return Err(Malformed::StatusLine),
    };
    let version = match resp.version {
        Some(0) => Version::HTTP_10,
        Some(1) => Version::HTTP_11,
        _ => return Err(Malformed::Version),
    };

    let mut headers = HeaderMap::with_capacity(resp.headers.len());
    for h in resp.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes()).map_err(|_| Malformed::Header)?;
        let value = HeaderValue::from_bytes(h.value).map_err(|_| Malformed::Header)?;
        headers.append(name, value);
    }

    let (framing, mut keep_alive) = framing(&headers, status, head_request)?;
    keep_alive &= connection_allows_reuse(&headers, version);
    Ok(Some((
        Head {
            status,
            version,
            headers,
            framing,
            keep_alive,
        },
        len,
    )))
}

fn from_httparse(e: httparse::Error) -> Malformed {
    match e {
        httparse::Error::Status => Malformed::StatusLine,
        httparse::Error::Version => Malformed::Version,
        httparse::Error::TooManyHeaders => Malformed::TooManyHeaders,
        // HeaderName, HeaderValue, NewLine, Token: all "a header line is broken".
        _ => Malformed::Header,
    }
}

/// RFC 9112 §6.3, in order. Returns the framing and whether the framing itself permits reuse.
fn framing(
    headers: &HeaderMap,
    status: StatusCode,
    head_request: bool,
) -> Result<(Framing, bool), Malformed> {
    // 1. HEAD responses and 1xx/204/304 never have a body, whatever the headers say.
    if head_request
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
    {
        return Ok((Framing::Empty, true));
    }
    // 2. Transfer-Encoding wins over Content-Length. If chunked is the final coding the body is
    //    chunked; any other coding means "read until close". A message carrying both headers is
    //    a smuggling attempt or a broken proxy: use it, but never reuse the connection.
    if headers.contains_key(TRANSFER_ENCODING) {
        let chunked = wire::tokens::chunked_is_last(values(headers, &TRANSFER_ENCODING));
        let reuse = chunked && !headers.contains_key(CONTENT_LENGTH);
        let framing = if chunked {
            Framing::Chunked
        } else {
            Framing::Close
        };
        return Ok((framing, reuse));
    }
    // 3. Content-Length: Go's rule, shared with the server (see `wire::content_length`).
    let length = wire::content_length::fold(values(headers, &CONTENT_LENGTH))
        .map_err(|_| Malformed::ContentLength)?;
    Ok(match length {
        Some(0) => (Framing::Empty, true),
        Some(n) => (Framing::Length(n), true),
        // 4. Neither: the body runs until the server closes.
        None => (Framing::Close, false),
    })
}

/// Every value of header `name`, as bytes.
fn values<'a>(headers: &'a HeaderMap, name: &HeaderName) -> impl Iterator<Item = &'a [u8]> {
    headers.get_all(name).iter().map(HeaderValue::as_bytes)
}

/// HTTP/1.1 is persistent unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
fn connection_allows_reuse(headers: &HeaderMap, version: Version) -> bool {
    let connection = || values(headers, &CONNECTION);
    if version == Version::HTTP_11 {
        !wire::tokens::has_token(connection(), "close")
    } else {
        wire::tokens::has_token(connection(), "keep-alive")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn head(bytes: &str) -> Result<Option<(Head, usize)>, Malformed> {
        parse(bytes.as_bytes(), false)
    }

    #[test]
    fn complete_partial_and_framing() {
        let (h, n) = head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
            .unwrap()
            .unwrap();
        assert_eq!(n, 38);
        assert_eq!(h.status, StatusCode::OK);
        assert_eq!(h.framing, Framing::Length(5));
        assert!(h.keep_alive);

        assert!(head("HTTP/1.1 200 OK\r\nContent-Le").unwrap().is_none());

        let (h, _) = head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!((h.framing, h.keep_alive), (Framing::Chunked, true));

        let (h, _) =
            head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
                .unwrap()
                .unwrap();
        assert_eq!((h.framing, h.keep_alive), (Framing::Chunked, false));

        let (h, _) = head("HTTP/1.0 200 OK\r\n\r\n").unwrap().unwrap();
        assert_eq!((h.framing, h.keep_alive), (Framing::Close, false));

        let (h, _) = head("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(h.keep_alive);

        let (h, _) = head("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 1\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!h.keep_alive);

        let (h, _) = head("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(h.framing, Framing::Empty);

        let (h, _) = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true)
            .unwrap()
            .unwrap();
        assert_eq!(h.framing, Framing::Empty);

        // Repeated identical lines are one length; a comma list inside one value is refused, as
        // Go's transfer.go does (see `wire::content_length`).
        let (h, _) = head("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(h.framing, Framing::Length(7));
        assert_eq!(
            head("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\n\r\n").err(),
            Some(Malformed::ContentLength)
        );
    }

    #[test]
    fn each_broken_rule_has_its_error() {
        let cases = [
            ("HTTP/1.1 2OO OK\r\n\r\n", Malformed::StatusLine),
            ("HTTP/1.1 099 Low\r\n\r\n", Malformed::StatusLine),
            ("HTTP/2.0 200 OK\r\n\r\n", Malformed::Version),
            ("SSH-2.0-OpenSSH\r\n\r\n", Malformed::Version),
            (
                "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
                Malformed::Header,
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                Malformed::ContentLength,
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                Malformed::ContentLength,
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
                Malformed::ContentLength,
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(head(bytes).err(), Some(want), "{bytes:?}");
        }
        let many = format!(
            "HTTP/1.1 200 OK\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(head(&many).err(), Some(Malformed::TooManyHeaders));
    }

    proptest! {
        /// Whatever the bytes, parsing returns; and a complete head never claims more bytes
        /// than it was given.
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512),
                                           head_request in any::<bool>()) {
            if let Ok(Some((_, n))) = parse(&bytes, head_request) {
                prop_assert!(n <= bytes.len());
            }
        }

        /// Same, for inputs that look almost like a response, which reach deeper code paths.
        #[test]
        fn never_panics_on_near_responses(
            status in "[0-9]{3}",
            lines in proptest::collection::vec(
                "(Content-Length|Transfer-Encoding|Connection|X)\\s?:[ -~]{0,20}", 0..6),
        ) {
            let text = format!("HTTP/1.1 {status} R\r\n{}\r\n\r\n", lines.join("\r\n"));
            let _ = parse(text.as_bytes(), false);
        }
    }
}
