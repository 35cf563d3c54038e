//! Reading a request body exactly to its end, and not one byte further.
//!
//! The body's end is known from the head alone (`head::BodyFraming`), so the bytes after it are the
//! next pipelined request and stay in the connection's buffer. This is what makes request smuggling
//! impossible here: there is no way for a body to be read as a request, or a request as a body.
//!
//! Chunked bodies are decoded strictly: hexadecimal sizes only (no sign, no `0x`, at most 16
//! digits), `CRLF` after every size line and every chunk, extensions skipped, trailers read and
//! dropped, all within the configured limits.

use bytes::{Buf, Bytes, BytesMut};
use http::StatusCode;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::Instant;

use crate::head::BodyFraming;

/// Longest chunk-size line (size plus extensions) we accept.
const MAX_CHUNK_LINE: usize = 4096;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The client sent something wrong: answer with this status, then close.
    Status(StatusCode, &'static str),
    /// The peer went away or was too slow: close without an answer.
    Gone,
}

fn bad(reason: &'static str) -> BodyError {
    BodyError::Status(StatusCode::BAD_REQUEST, reason)
}

fn too_large() -> BodyError {
    BodyError::Status(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
}

/// Reads more bytes into `buf`, failing if the peer closes or the deadline passes.
async fn fill<R: AsyncRead + Unpin>(
    rd: &mut R,
    buf: &mut BytesMut,
    deadline: Instant,
) -> Result<(), BodyError> {
    match tokio::time::timeout_at(deadline, rd.read_buf(buf)).await {
        Ok(Ok(n)) if n > 0 => Ok(()),
        _ => Err(BodyError::Gone),
    }
}

/// Checks a declared length against the limit before anything is read (and before
/// `100 Continue` is sent).
pub(crate) fn check_declared(framing: BodyFraming, max: usize) -> Result<(), BodyError> {
    match framing {
        BodyFraming::Length(n) if n > max as u64 => Err(too_large()),
        _ => Ok(()),
    }
}

/// Reads the body described by `framing` from `buf` and `rd`, leaving any following bytes in `buf`.
pub(crate) async fn read_body<R: AsyncRead + Unpin>(
    rd: &mut R,
    buf: &mut BytesMut,
    framing: BodyFraming,
    max: usize,
    max_trailer_bytes: usize,
    deadline: Instant,
) -> Result<Bytes, BodyError> {
    match framing {
        BodyFraming::Empty => Ok(Bytes::new()),
        BodyFraming::Length(n) => {
            check_declared(framing, max)?;
            let n = n as usize;
            if buf.capacity() < n {
                buf.reserve(n - buf.len());
            }
            while buf.len() < n {
                fill(rd, buf, deadline).await?;
            }
            Ok(buf.split_to(n).freeze())
        }
        BodyFraming::Chunked => read_chunked(rd, buf, max, max_trailer_bytes, deadline).await,
    }
}

async fn read_chunked<R: AsyncRead + Unpin>(
    rd: &mut R,
    buf: &mut BytesMut,
    max: usize,
    max_trailer_bytes: usize,
    deadline: Instant,
) -> Result<Bytes, BodyError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(rd, buf, MAX_CHUNK_LINE, deadline).await?;
        let size = parse_chunk_size(&line)?;
        if size == 0 {
            break;
        }
        if size > (max - body.len()) as u64 {
            return Err(too_large());
        }
        let size = size as usize;
        while buf.len() < size + 2 {
            fill(rd, buf, deadline).await?;
        }
        if &buf[size..size + 2] != b"\r\n" {
            return Err(bad("chunk not followed by CRLF"));
        }
        body.extend_from_slice(&buf[..size]);
        buf.advance(size + 2);
    }
    // Trailer section: header lines up to an empty line. We do not expose trailers.
    let mut trailer_bytes = 0;
    loop {
        let line = read_line(rd, buf, max_trailer_bytes, deadline).await?;
        if line.is_empty() {
            return Ok(Bytes::from(body));
        }
        trailer_bytes += line.len() + 2;
        if trailer_bytes > max_trailer_bytes {
            return Err(BodyError::Status(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "trailers too large",
            ));
        }
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') || !line.contains(&b':') {
            return Err(bad("malformed trailer"));
        }
    }
}

/// Takes one `CRLF`-terminated line off the front of `buf` (without the `CRLF`). A bare `LF` or
/// `CR` inside the line is an error: accepting it is how chunked parsers get desynchronised.
async fn read_line<R: AsyncRead + Unpin>(
    rd: &mut R,
    buf: &mut BytesMut,
    limit: usize,
    deadline: Instant,
) -> Result<Bytes, BodyError> {
    let mut searched = 0;
    loop {
        if let Some(i) = buf[searched..].iter().position(|&b| b == b'\n') {
            let end = searched + i;
            if end == 0 || buf[end - 1] != b'\r' {
                return Err(bad("bare LF in chunked body"));
            }
            if buf[..end - 1].contains(&b'\r') {
                return Err(bad("bare CR in chunked body"));
            }
            let line = buf.split_to(end + 1).freeze();
            return Ok(line.slice(..end - 1));
        }
        searched = buf.len();
        if buf.len() > limit {
            return Err(bad("chunk line too long"));
        }
        fill(rd, buf, deadline).await?;
    }
}

/// `1*HEXDIG [ BWS ";" extensions ]`.
fn parse_chunk_size(line: &[u8]) -> Result<u64, BodyError> {
    let digits_end = line
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(line.len());
    if digits_end == 0 || digits_end > 16 {
        return Err(bad("bad chunk size"));
    }
    let rest = &line[digits_end..];
    let rest_ok = rest.is_empty() || {
        let trimmed = rest
            .iter()
            .position(|b| *b != b' ' && *b != b'\t')
            .map(|i| &rest[i..]);
        trimmed.is_some_and(|r| r[0] == b';')
    };
    if !rest_ok {
        return Err(bad("bad chunk size"));
    }
    let text = std::str::from_utf8(&line[..digits_end]).map_err(|_| bad("bad chunk size"))?;
    u64::from_str_radix(text, 16).map_err(|_| bad("bad chunk size"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn decode(input: &[u8], max: usize) -> (Result<Bytes, BodyError>, BytesMut) {
        let mut buf = BytesMut::from(input);
        let mut empty: &[u8] = &[];
        let deadline = Instant::now() + Duration::from_secs(1);
        let r = read_body(
            &mut empty,
            &mut buf,
            BodyFraming::Chunked,
            max,
            1024,
            deadline,
        )
        .await;
        (r, buf)
    }

    #[tokio::test]
    async fn chunked_body_is_decoded_and_rest_kept() {
        let (r, rest) = decode(
            b"4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-T: 1\r\n\r\nGET /",
            100,
        )
        .await;
        assert_eq!(&r.unwrap()[..], b"Wikipedia");
        assert_eq!(&rest[..], b"GET /");
    }

    #[tokio::test]
    async fn bad_chunks_are_refused() {
        for input in [
            &b"-1\r\n"[..],
            b"+5\r\nhello\r\n0\r\n\r\n",
            b"0x5\r\nhello\r\n0\r\n\r\n",
            b"5\nhello\r\n0\r\n\r\n",
            b"5\r\nhelloXX0\r\n\r\n",
            b"11111111111111111\r\n",
            b"zz\r\n",
        ] {
            let (r, _) = decode(input, 100).await;
            assert!(
                matches!(r, Err(BodyError::Status(StatusCode::BAD_REQUEST, _))),
                "{:?} gave {r:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[tokio::test]
    async fn chunked_body_over_limit_is_413() {
        let (r, _) = decode(b"a\r\n0123456789\r\n0\r\n\r\n", 5).await;
        assert!(matches!(
            r,
            Err(BodyError::Status(StatusCode::PAYLOAD_TOO_LARGE, _))
        ));
    }
}
