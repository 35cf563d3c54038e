//! Reading HTTP/1.1 responses as a client does, for the tests that talk raw TCP to a server.
//!
//! One parser, [`Response::parse`], takes a response off the front of a byte buffer once it is
//! complete: the head, then a body delimited by `Content-Length`, by chunked coding, or (when
//! the head names neither) by the end of the connection. The readers around it fill the buffer
//! from a socket — blocking ([`read_blocking`]) or on tokio ([`read`]) — and [`exchange`] /
//! [`exchange_async`] send one `Connection: close` request and parse the whole answer.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// How long any one read in these helpers may wait before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// One response as a client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers in order, names as the server spelled them.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the body came chunked.
    pub fn is_chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }

    /// Whether the server said `Connection: close`.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// Parses one response off the front of `buf`, returning it and the bytes it used, or `None`
    /// while it is incomplete or malformed. `head_request` says the request was `HEAD` (no body
    /// follows whatever the head says). A body with neither `Content-Length` nor chunked coding
    /// runs to the end of the connection: it is all of `buf`, so read to the close first.
    pub fn parse(buf: &[u8], head_request: bool) -> Option<(Response, usize)> {
        let mut hs = [httparse::EMPTY_HEADER; 64];
        let mut r = httparse::Response::new(&mut hs);
        let httparse::Status::Complete(n) = r.parse(buf).ok()? else {
            return None;
        };
        let mut resp = Response {
            status: r.code?,
            headers: r
                .headers
                .iter()
                .map(|h| {
                    let value = String::from_utf8_lossy(h.value).into_owned();
                    (h.name.to_owned(), value)
                })
                .collect(),
            body: Vec::new(),
        };
        let status = resp.status;
        if head_request || status == 204 || status == 304 || status / 100 == 1 {
            return Some((resp, n));
        }
        if resp.is_chunked() {
            let (body, used) = dechunk(&buf[n..])?;
            resp.body = body;
            return Some((resp, n + used));
        }
        if let Some(len) = resp.header("content-length") {
            let len: usize = len.trim().parse().ok()?;
            resp.body = buf.get(n..n + len)?.to_vec();
            return Some((resp, n + len));
        }
        resp.body = buf[n..].to_vec();
        Some((resp, buf.len()))
    }

    /// Parses the whole of what a `Connection: close` exchange read: exactly one response, and
    /// nothing after it.
    pub fn parse_all(raw: &[u8], head_request: bool) -> Option<Response> {
        let (resp, used) = Response::parse(raw, head_request)?;
        (used == raw.len()).then_some(resp)
    }
}

/// The status of the response head at the front of `buf`, once the whole head has arrived
/// (its body may still be on the way).
pub fn head_status(buf: &[u8]) -> Option<u16> {
    let mut hs = [httparse::EMPTY_HEADER; 64];
    let mut r = httparse::Response::new(&mut hs);
    match r.parse(buf) {
        Ok(httparse::Status::Complete(_)) => r.code,
        _ => None,
    }
}

/// Decodes a chunked body at the front of `b` (chunk extensions ignored, trailers skipped):
/// the body and the bytes used, or `None` while incomplete.
pub fn dechunk(mut b: &[u8]) -> Option<(Vec<u8>, usize)> {
    let total = b.len();
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&b[..nl]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            // Trailer lines, then the empty line.
            loop {
                let nl = b.windows(2).position(|w| w == b"\r\n")?;
                b = &b[nl + 2..];
                if nl == 0 {
                    return Some((out, total - b.len()));
                }
            }
        }
        out.extend_from_slice(b.get(..size)?);
        if b.get(size..size + 2)? != b"\r\n" {
            return None;
        }
        b = &b[size + 2..];
    }
}

/// Why a blocking read found no response.
#[derive(Debug)]
pub enum ReadError {
    /// Not a byte of response arrived: the connection was closed, reset or timed out first.
    NoResponse(io::Error),
    /// The response started but was cut or malformed; the bytes read so far.
    Broken(String),
}

/// Reads one response from `s`, keeping in `buf` what follows it (the next pipelined response).
pub fn read_blocking(
    s: &mut impl Read,
    buf: &mut Vec<u8>,
    head_request: bool,
) -> Result<Response, ReadError> {
    loop {
        if let Some((resp, used)) = complete(buf, head_request) {
            buf.drain(..used);
            return Ok(resp);
        }
        let mut chunk = [0u8; 8192];
        match s.read(&mut chunk) {
            Ok(0) if buf.is_empty() => {
                let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a response");
                return Err(ReadError::NoResponse(eof));
            }
            Ok(0) => return closed(buf, head_request),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if buf.is_empty() => return Err(ReadError::NoResponse(e)),
            Err(e) => {
                let seen = String::from_utf8_lossy(buf);
                return Err(ReadError::Broken(format!("{e} after {seen:?}")));
            }
        }
    }
}

/// Reads one response from a tokio stream within [`DEADLINE`], keeping in `buf` what follows
/// it; `None` when the stream ends or stalls first.
pub async fn read<S: AsyncRead + Unpin>(
    s: &mut S,
    buf: &mut Vec<u8>,
    head_request: bool,
) -> Option<Response> {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some((resp, used)) = complete(buf, head_request) {
            buf.drain(..used);
            return Some(resp);
        }
        let mut chunk = [0u8; 8192];
        let n = tokio::time::timeout_at(deadline, s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return closed(buf, head_request).ok();
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A response that is complete before the close: delimited by length or chunks, or bodiless.
fn complete(buf: &[u8], head_request: bool) -> Option<(Response, usize)> {
    let (resp, used) = Response::parse(buf, head_request)?;
    let delimited = head_request
        || resp.is_chunked()
        || resp.header("content-length").is_some()
        || matches!(resp.status, 100..=199 | 204 | 304);
    delimited.then_some((resp, used))
}

/// At the close: what `buf` holds is a close-delimited response, or broken.
fn closed(buf: &mut Vec<u8>, head_request: bool) -> Result<Response, ReadError> {
    match Response::parse(buf, head_request) {
        Some((resp, used)) => {
            buf.drain(..used);
            Ok(resp)
        }
        None => Err(ReadError::Broken(String::from_utf8_lossy(buf).into_owned())),
    }
}

/// Sends `request` (raw bytes) on a new connection, reads until the server closes, and parses
/// the one response it sent. Fails the test on anything else.
pub fn exchange(addr: SocketAddr, request: &[u8], head_request: bool) -> Response {
    let raw = exchange_raw(addr, request);
    Response::parse_all(&raw, head_request).unwrap_or_else(|| {
        let shown = String::from_utf8_lossy(&raw[..raw.len().min(600)]).into_owned();
        panic!("not one whole response: {shown:?}")
    })
}

/// Sends `request` on a new connection and returns every byte until the server closes.
pub fn exchange_raw(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.write_all(request).expect("write the request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read to the close");
    raw
}

/// [`exchange_raw`] on tokio.
pub async fn exchange_raw_async(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(request).await.expect("write the request");
    let mut raw = Vec::new();
    let read = tokio::time::timeout(DEADLINE, s.read_to_end(&mut raw))
        .await
        .expect("the server closes within the deadline");
    // Go's server closes without reading a body its handler left unread when the request said
    // `Connection: close` (net/http `body.Close`: "no point in reading to EOF"), so the kernel
    // resets the connection after the response. On loopback the response has arrived and was
    // read by then; a reset before any of it is still a failure.
    if let Err(e) = read {
        assert!(
            e.kind() == std::io::ErrorKind::ConnectionReset && !raw.is_empty(),
            "read to the close: {e} after {} bytes",
            raw.len()
        );
    }
    raw
}

/// [`exchange`] on tokio.
pub async fn exchange_async(addr: SocketAddr, request: &[u8], head_request: bool) -> Response {
    let raw = exchange_raw_async(addr, request).await;
    Response::parse_all(&raw, head_request).unwrap_or_else(|| {
        let shown = String::from_utf8_lossy(&raw[..raw.len().min(600)]).into_owned();
        panic!("not one whole response: {shown:?}")
    })
}

/// A request with `Connection: close`: the request line, `Host` (none when `host` is empty,
/// and then HTTP/1.0), the extra headers, a `Content-Length` when there is a body, and the body.
pub fn request(
    method: &str,
    target: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut head = if host.is_empty() {
        format!("{method} {target} HTTP/1.0\r\n")
    } else {
        format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n")
    };
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_chunked_close_delimited_and_bodiless() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204 No Content\r\n\r\n";
        let (a, used) = Response::parse(raw, false).unwrap();
        assert_eq!((a.status, a.body.as_slice()), (200, &b"hi"[..]));
        let (b, rest) = Response::parse(&raw[used..], false).unwrap();
        assert_eq!((b.status, used + rest), (204, raw.len()));

        let chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2;x=1\r\nab\r\n1\r\nc\r\n0\r\nT: 1\r\n\r\n";
        let (c, used) = Response::parse(chunked, false).unwrap();
        assert_eq!((c.text().as_str(), used), ("abc", chunked.len()));
        assert!(Response::parse(&chunked[..chunked.len() - 1], false).is_none());

        let closed = b"HTTP/1.0 200 OK\r\n\r\nuntil the end";
        assert_eq!(
            Response::parse_all(closed, false).unwrap().text(),
            "until the end"
        );
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n";
        assert!(Response::parse_all(head, true).unwrap().body.is_empty());
        assert!(
            Response::parse_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab", false).is_none()
        );
    }

    #[test]
    fn a_blocking_read_keeps_the_next_response_and_tells_no_response_from_broken() {
        let two = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb";
        let mut src = &two[..];
        let mut buf = Vec::new();
        assert_eq!(
            read_blocking(&mut src, &mut buf, false).unwrap().text(),
            "a"
        );
        assert_eq!(
            read_blocking(&mut src, &mut buf, false).unwrap().text(),
            "b"
        );
        assert!(matches!(
            read_blocking(&mut src, &mut buf, false),
            Err(ReadError::NoResponse(_))
        ));
        let mut cut = &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"[..];
        assert!(matches!(
            read_blocking(&mut cut, &mut Vec::new(), false),
            Err(ReadError::Broken(_))
        ));
    }
}
