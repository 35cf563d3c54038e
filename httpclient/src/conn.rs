//! One connection and one request/response exchange on it.
//!
//! A [`Conn`] owns the socket (plain TCP or TLS: see `socket.rs`; nothing here depends on
//! which) and the two buffers it reuses for every request it carries: the
//! request head is formatted into `write_buf` (cleared, never freed) and the response is read
//! into `read_buf`, whose body bytes are handed to the caller without a copy (`split_to` +
//! `freeze`). This is Go's `persistConn` without its two goroutines: the task that sends the
//! request reads the response itself, so a request costs no channel hops and no extra wakeups.
//!
//! [`read_response`] is generic over `AsyncRead`, so the same code that reads from a socket
//! reads from a byte slice in the property test.

use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Buf, Bytes, BytesMut};
use http::StatusCode;
#[cfg(test)]
use http::{HeaderMap, Version};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::body::Body;
use crate::error::{ClosedAt, ErrorKind, Malformed, Timeout};
use crate::head::{self, Framing, Head};
use crate::pool::{Lease, Slot};
use crate::socket::Socket;
use wire::{BodyDecoder, Framing as WireFraming, WireError};

/// A response head larger than this is refused (Go's `MaxResponseHeaderBytes` default is 1 MiB;
/// 64 KiB is plenty and keeps a hostile server from growing our buffer).
pub(crate) const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Trailer bytes accepted after the last chunk of a chunked response (read and dropped).
pub(crate) const MAX_TRAILER_BYTES: usize = 16 * 1024;

/// How much free space we ask for before each read.
const READ_CHUNK: usize = 8 * 1024;

/// A request body up to this size is copied behind the head so both go out in one `write`.
const COALESCE_BODY: usize = 16 * 1024;

/// Limits that apply while reading one response.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadLimits {
    pub read_timeout: Option<Duration>,
    pub max_body: usize,
}

/// A fully read response, before it is wrapped into the public `Response`.
#[cfg(test)]
#[derive(Debug)]
#[allow(dead_code)]
pub(crate) struct RawResponse {
    pub status: StatusCode,
    pub version: Version,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The connection may carry another request.
    pub reusable: bool,
}

/// Why an exchange failed, plus the one fact the retry logic needs.
#[derive(Debug)]
pub(crate) struct Failure {
    pub kind: ErrorKind,
    /// True when the server closed the connection before sending a single response byte —
    /// the signature of a pooled connection that died while idle.
    pub nothing_received: bool,
}

impl From<ErrorKind> for Failure {
    fn from(kind: ErrorKind) -> Failure {
        Failure {
            kind,
            nothing_received: false,
        }
    }
}

/// A client-side HTTP/1.1 connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) stream: Socket,
    pub(crate) read_buf: BytesMut,
    write_buf: Vec<u8>,
    /// When the connection was last put back in the pool; the pool's idle timeout uses it.
    pub idle_since: Instant,
    /// This connection's place in its route's count; `None` for a connection outside the pool.
    lease: Option<Lease>,
}

impl Conn {
    /// A connection over an established socket (dialed, tunnelled, TLS set up: `dial.rs`).
    pub fn new(stream: Socket) -> Conn {
        Conn {
            stream,
            read_buf: BytesMut::with_capacity(READ_CHUNK),
            write_buf: Vec::with_capacity(512),
            idle_since: Instant::now(),
            lease: None,
        }
    }

    /// Counts this connection in its pool route from now on.
    pub fn set_lease(&mut self, lease: Lease) {
        self.lease = Some(lease);
    }

    /// The pool route this connection belongs to.
    pub fn slot(&self) -> Option<Arc<Slot>> {
        self.lease.as_ref().map(|l| Arc::clone(l.slot()))
    }

    /// The buffer the caller formats the request head into; cleared here, capacity kept.
    pub fn head_buf(&mut self) -> &mut Vec<u8> {
        self.write_buf.clear();
        &mut self.write_buf
    }

    /// Sends the head already in `head_buf()` plus the body: a byte body right behind the head
    /// (in the same write when small), a stream body as chunks; then flushes, which only TLS
    /// needs (see `Socket::poll_flush`) and costs a plain socket nothing.
    pub async fn send(&mut self, body: &mut Body) -> Result<(), Failure> {
        self.write_request(body).await?;
        self.stream.flush().await.map_err(write_failure)
    }

    async fn write_request(&mut self, body: &mut Body) -> Result<(), Failure> {
        match body {
            Body::Bytes(bytes) if bytes.len() <= COALESCE_BODY => {
                self.write_buf.extend_from_slice(bytes);
                self.write_head().await
            }
            Body::Bytes(bytes) => {
                self.write_head().await?;
                self.stream.write_all(bytes).await.map_err(write_failure)
            }
            Body::Stream(stream) => {
                self.write_head().await?;
                crate::body::write_chunked(&mut self.stream, stream, &mut self.write_buf).await
            }
        }
    }

    /// Reads the next response head (1xx skipped). The body, if any, is read next by
    /// [`Conn::read_body`] or streamed from `read_buf` + the socket.
    pub async fn read_head(
        &mut self,
        head_request: bool,
        limits: ReadLimits,
    ) -> Result<Head, Failure> {
        // A pooled connection always starts empty (we never pool one with unread bytes).
        self.read_buf.clear();
        read_head(&mut self.stream, &mut self.read_buf, head_request, limits).await
    }

    /// Reads the whole body `head` announced; returns it and whether the connection may be
    /// reused afterwards.
    pub async fn read_body(
        &mut self,
        head: &Head,
        limits: ReadLimits,
    ) -> Result<(Bytes, bool), Failure> {
        read_body(&mut self.stream, &mut self.read_buf, head, limits).await
    }

    async fn write_head(&mut self) -> Result<(), Failure> {
        self.stream
            .write_all(&self.write_buf)
            .await
            .map_err(write_failure)
    }

    /// Cheap liveness check before reusing an idle connection (see `Socket::is_closed_or_dirty`).
    pub fn is_closed_or_dirty(&mut self) -> bool {
        self.stream.is_closed_or_dirty()
    }
}

/// A write error on a connection means the peer is gone; nothing of the response has arrived,
/// so for retry purposes it is the same as "closed before the response".
pub(crate) fn write_failure(e: io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::UnexpectedEof => Failure {
            kind: ErrorKind::Closed(ClosedAt::BeforeResponse),
            nothing_received: true,
        },
        _ => Failure::from(ErrorKind::Io(e)),
    }
}

/// Reads more bytes into `buf`. Returns 0 at EOF. A connection reset counts as EOF: to the
/// caller both mean "the server closed the connection". So does a TLS stream's `UnexpectedEof`
/// (TCP closed without a `close_notify` alert): Go's `crypto/tls` reports that as a plain EOF
/// too, and servers that skip the alert are common.
pub(crate) async fn fill<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut BytesMut,
    timeout: Option<Duration>,
) -> Result<usize, ErrorKind> {
    if buf.capacity() - buf.len() < READ_CHUNK / 2 {
        buf.reserve(READ_CHUNK);
    }
    let read = io.read_buf(buf);
    let result = match timeout {
        Some(d) => tokio::time::timeout(d, read)
            .await
            .map_err(|_| ErrorKind::Timeout(Timeout::Read))?,
        None => read.await,
    };
    match result {
        Ok(n) => Ok(n),
        Err(e) if is_eof(&e) => Ok(0),
        Err(e) => Err(ErrorKind::Io(e)),
    }
}

/// The read errors that mean "the peer closed the connection" (see [`fill`]).
pub(crate) fn is_eof(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionReset | io::ErrorKind::UnexpectedEof
    )
}

/// Reads one complete response from `io`. `buf` holds any bytes already read and, afterwards,
/// any bytes the server sent beyond the response (which makes the connection non-reusable).
#[cfg(test)]
pub(crate) async fn read_response<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut BytesMut,
    head_request: bool,
    limits: ReadLimits,
) -> Result<RawResponse, Failure> {
    let head = read_head(io, buf, head_request, limits).await?;
    let (body, reusable) = read_body(io, buf, &head, limits).await?;
    Ok(RawResponse {
        status: head.status,
        version: head.version,
        headers: head.headers,
        body,
        reusable,
    })
}

/// Reads a response head from `io` (1xx interim responses skipped); body bytes that arrived
/// with it stay in `buf`.
pub(crate) async fn read_head<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut BytesMut,
    head_request: bool,
    limits: ReadLimits,
) -> Result<Head, Failure> {
    let mut received_any = !buf.is_empty();

    // The head; 1xx interim responses (100 Continue, 103 Early Hints) are skipped, as Go does.
    // httparse starts over on every call, so a server trickling its head byte by byte would cost
    // us quadratic time. We therefore parse the first bytes that arrive (to reject a non-HTTP
    // peer at once) and after that only when a blank line — the end of a head — has arrived.
    // `scanned` is how much of `buf` is known to hold no blank line.
    let mut scanned: usize = 0;
    let head: Head = loop {
        if scanned == 0 || has_blank_line(&buf[scanned.saturating_sub(3)..]) {
            match head::parse(buf, head_request) {
                Ok(Some((head, used))) => {
                    buf.advance(used);
                    scanned = 0;
                    if head.status.is_informational()
                        && head.status != StatusCode::SWITCHING_PROTOCOLS
                    {
                        continue;
                    }
                    break head;
                }
                Ok(None) => {}
                Err(m) => return Err(Failure::from(ErrorKind::Malformed(m))),
            }
        }
        scanned = buf.len();
        if buf.len() >= MAX_HEAD_BYTES {
            return Err(Failure::from(ErrorKind::TooLarge {
                what: "response head",
                limit: MAX_HEAD_BYTES,
            }));
        }
        if fill(io, buf, limits.read_timeout).await? == 0 {
            return Err(Failure {
                kind: ErrorKind::Closed(if received_any {
                    ClosedAt::InHead
                } else {
                    ClosedAt::BeforeResponse
                }),
                nothing_received: !received_any,
            });
        }
        received_any = true;
    };
    Ok(head)
}

/// Reads the body `head` announced, whole, from `buf` and then `io`.
pub(crate) async fn read_body<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut BytesMut,
    head: &Head,
    limits: ReadLimits,
) -> Result<(Bytes, bool), Failure> {
    let max = limits.max_body;
    let too_large = || ErrorKind::TooLarge {
        what: "response body",
        limit: max,
    };
    // After `101 Switching Protocols` the connection speaks something else: never pool it.
    let mut reusable = head.keep_alive && head.status != StatusCode::SWITCHING_PROTOCOLS;
    let body = match head.framing {
        Framing::Empty => Bytes::new(),
        Framing::Length(n) => {
            if n > max as u64 {
                return Err(Failure::from(too_large()));
            }
            let n = n as usize;
            if buf.len() < n {
                // Grow once for the common case, but do not let a Content-Length we have not
                // seen bytes for make us allocate more than a megabyte up front.
                buf.reserve((n - buf.len()).min(1 << 20));
            }
            while buf.len() < n {
                if fill(io, buf, limits.read_timeout).await? == 0 {
                    return Err(Failure::from(ErrorKind::Closed(ClosedAt::InBody)));
                }
            }
            buf.split_to(n).freeze()
        }
        Framing::Chunked => {
            let mut decoder = BodyDecoder::new(WireFraming::Chunked, MAX_TRAILER_BYTES);
            let mut out = BytesMut::new();
            loop {
                let step = decoder.decode(buf, usize::MAX).map_err(wire_failure)?;
                if out.len() + step.data.len() > max {
                    return Err(Failure::from(too_large()));
                }
                out.extend_from_slice(&buf[step.data]);
                buf.advance(step.consumed);
                if decoder.is_done() {
                    break;
                }
                if buf.is_empty() && fill(io, buf, limits.read_timeout).await? == 0 {
                    return Err(Failure::from(ErrorKind::Closed(ClosedAt::InBody)));
                }
            }
            out.freeze()
        }
        Framing::Close => {
            reusable = false;
            while buf.len() <= max {
                if fill(io, buf, limits.read_timeout).await? == 0 {
                    break;
                }
            }
            if buf.len() > max {
                return Err(Failure::from(too_large()));
            }
            buf.split().freeze()
        }
    };
    // Bytes after the response that nobody asked for: the stream is out of step, don't reuse.
    reusable &= buf.is_empty();
    Ok((body, reusable))
}

/// A framing error of the shared decoder, as this client reports it.
pub(crate) fn wire_failure(e: WireError) -> Failure {
    Failure::from(match e {
        WireError::ChunkSize | WireError::ChunkLineTooLong => {
            ErrorKind::Malformed(Malformed::ChunkSize)
        }
        WireError::ChunkDelimiter => ErrorKind::Malformed(Malformed::ChunkDelimiter),
        WireError::Trailer | WireError::TrailerTooLarge => ErrorKind::Malformed(Malformed::Trailer),
        WireError::ContentLength | WireError::ContentLengthMismatch => {
            ErrorKind::Malformed(Malformed::ContentLength)
        }
        WireError::Truncated => ErrorKind::Closed(ClosedAt::InBody),
    })
}

/// Whether `bytes` contain the empty line that ends a head (`\n\n` or `\n\r\n`).
fn has_blank_line(bytes: &[u8]) -> bool {
    bytes.windows(2).enumerate().any(|(i, w)| {
        w[0] == b'\n' && (w[1] == b'\n' || (w[1] == b'\r' && bytes.get(i + 2) == Some(&b'\n')))
    })
}

impl From<Malformed> for Failure {
    fn from(m: Malformed) -> Failure {
        Failure::from(ErrorKind::Malformed(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_all(wire: &[u8], head_request: bool, max_body: usize) -> Result<RawResponse, Failure> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let mut io = wire;
        let mut buf = BytesMut::new();
        let limits = ReadLimits {
            read_timeout: None,
            max_body,
        };
        rt.block_on(read_response(&mut io, &mut buf, head_request, limits))
    }

    #[test]
    fn reads_each_framing() {
        let r = read_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
            false,
            100,
        )
        .unwrap();
        assert_eq!((&r.body[..], r.reusable), (&b"hi"[..], true));

        let r = read_all(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n", false, 100).unwrap();
        assert_eq!(
            (r.status.as_u16(), &r.body[..], r.reusable),
            (201, &b"hi"[..], true)
        );

        let r = read_all(b"HTTP/1.1 200 OK\r\n\r\nuntil close", false, 100).unwrap();
        assert_eq!((&r.body[..], r.reusable), (&b"until close"[..], false));

        let r = read_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA",
            false,
            100,
        )
        .unwrap();
        assert!(!r.reusable);

        let e = read_all(b"", false, 100).unwrap_err();
        assert!(
            e.nothing_received && matches!(e.kind, ErrorKind::Closed(ClosedAt::BeforeResponse))
        );
        let e = read_all(b"HTTP/1.1 200", false, 100).unwrap_err();
        assert!(!e.nothing_received && matches!(e.kind, ErrorKind::Closed(ClosedAt::InHead)));
        let e = read_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhi",
            false,
            100,
        )
        .unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Closed(ClosedAt::InBody)));
        let e = read_all(
            b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n",
            false,
            100,
        )
        .unwrap_err();
        assert!(matches!(e.kind, ErrorKind::TooLarge { .. }));
    }

    /// A reader that hands out one byte per read, like the slowest possible server.
    struct OneByte<'a>(&'a [u8]);

    impl AsyncRead for OneByte<'_> {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<io::Result<()>> {
            if let Some((first, rest)) = self.0.split_first() {
                buf.put_slice(&[*first]);
                self.0 = rest;
            }
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn a_head_trickled_byte_by_byte_is_read() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let limits = ReadLimits {
            read_timeout: None,
            max_body: 100,
        };
        for wire in [
            &b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"[..],
            &b"HTTP/1.1 200 OK\nContent-Length: 2\n\nhi"[..],
            &b"HTTP/1.1 200 OK\r\nX: y\r\n\nhi"[..],
        ] {
            let mut buf = BytesMut::new();
            let r = rt
                .block_on(read_response(&mut OneByte(wire), &mut buf, false, limits))
                .unwrap();
            assert_eq!((r.status, &r.body[..2]), (StatusCode::OK, &b"hi"[..]));
        }
        assert!(has_blank_line(b"a\n\r\n") && has_blank_line(b"\n\n"));
        assert!(!has_blank_line(b"a\r\nb\r\n\r") && !has_blank_line(b""));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// The whole read path — head parser, framing, body decoders, buffer handling — on
        /// arbitrary bytes, with and without a plausible status line in front: it returns.
        #[test]
        fn read_response_never_panics(
            prefix in prop_oneof![
                Just(&b""[..]),
                Just(&b"HTTP/1.1 200 OK\r\n"[..]),
                Just(&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..]),
                Just(&b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n"[..]),
            ],
            tail in proptest::collection::vec(any::<u8>(), 0..300),
            head_request in any::<bool>(),
        ) {
            let wire = [prefix, &tail[..]].concat();
            let _ = read_all(&wire, head_request, 64);
        }
    }
}
