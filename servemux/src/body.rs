//! The request body as a stream: Go's `Request.Body`, framed by `transfer.go`'s `body`.
//!
//! A handler reads the body from the connection while it runs. [`Body`] owns the connection's read
//! half and its buffer for as long as the request lives; the shared [`wire::BodyDecoder`] says how
//! much of what arrives is body, so the reader can never read past the body's end — the bytes
//! after it are the next pipelined request and stay in the buffer:
//!
//! ```text
//!   socket ──> conn buffer [ rest of head | body bytes ... | next request ... ]
//!                                          └─ BodyDecoder ─┘
//!   handler.read(buf) <── data ranges of the buffer, or straight from the socket when the
//!                         decoder is inside data and the buffer is empty (one copy, not two)
//! ```
//!
//! Around the decoder sit the rules Go's server keeps:
//! - `Expect: 100-continue` is answered on the first read (Go's `expectContinueReader`), and only
//!   if the response has not started (see `expect`);
//! - a limit (Go's `MaxBytesReader`): reading past it fails, and the connection closes;
//! - a deadline for the whole body (`Config::read_body_timeout`);
//! - errors are sticky: after a malformed chunk or a timeout every read fails the same way, and
//!   the connection loop learns from [`Body::error`] how to answer and that it must close.

use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http::{HeaderMap, StatusCode};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::time::{Instant, Sleep};
use wire::{BodyDecoder, Framing, WireError};

use crate::expect::ContinueGate;
use crate::stream::ConnStream;

/// When the buffer is empty and the decoder is inside body data, reads of at least this size go
/// straight from the socket into the handler's buffer instead of through the connection buffer.
const DIRECT_READ: usize = 4096;

/// How much the connection buffer grows by when the body needs more bytes.
const READ_CHUNK: usize = 8 * 1024;

/// The connection's read side: a handle on its stream (plain or TLS, see `stream`) and the bytes
/// read from it but not yet used. It belongs to the connection between requests and to the
/// request's body while a handler runs.
#[derive(Debug)]
pub(crate) struct ConnIo {
    pub rd: ConnStream,
    pub buf: BytesMut,
}

/// Why reading the body failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyError {
    /// The body is longer than the limit (Go's `MaxBytesError`): the server answers 413 if the
    /// handler has not answered, and closes the connection.
    TooLarge {
        /// The limit that was passed.
        limit: u64,
    },
    /// The framing is broken (a bad chunk size, a missing CRLF, a bad trailer): 400, then close.
    Malformed(WireError),
    /// The body did not arrive within `Config::read_body_timeout`.
    Timeout,
    /// The client closed the connection (or it failed) before the body's end.
    Gone,
}

impl BodyError {
    /// The status the server answers with when the handler did not answer itself; `None` when
    /// the client is gone and no answer can reach it.
    pub fn status(self) -> Option<StatusCode> {
        match self {
            BodyError::TooLarge { .. } => Some(StatusCode::PAYLOAD_TOO_LARGE),
            BodyError::Malformed(_) => Some(StatusCode::BAD_REQUEST),
            BodyError::Timeout | BodyError::Gone => None,
        }
    }

    /// The `BodyError` inside an `io::Error` returned by [`Body`]'s `AsyncRead`, if it is one.
    pub fn from_io(e: &io::Error) -> Option<BodyError> {
        e.get_ref()?.downcast_ref::<BodyError>().copied()
    }

    fn into_io(self) -> io::Error {
        let kind = match self {
            BodyError::TooLarge { .. } | BodyError::Malformed(_) => io::ErrorKind::InvalidData,
            BodyError::Timeout => io::ErrorKind::TimedOut,
            BodyError::Gone => io::ErrorKind::UnexpectedEof,
        };
        io::Error::new(kind, self)
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge { limit } => write!(f, "request body larger than {limit} bytes"),
            BodyError::Malformed(e) => write!(f, "malformed request body: {e}"),
            BodyError::Timeout => f.write_str("request body not received in time"),
            BodyError::Gone => f.write_str("client closed the connection during the body"),
        }
    }
}

impl std::error::Error for BodyError {}

/// A request body. Read it with `tokio::io::AsyncReadExt` (it implements [`AsyncRead`]) or whole
/// with [`read_to_end`](Body::read_to_end).
#[derive(Debug)]
pub struct Body {
    source: Source,
    /// Body bytes handed to the reader so far.
    read: u64,
    /// Reading more than this fails with [`BodyError::TooLarge`].
    limit: u64,
    error: Option<BodyError>,
    trailers: Option<Box<HeaderMap>>,
}

// Boxing the connection variant would cost an allocation per request; a `Body` lives inside its
// `Request` and is not moved around, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum Source {
    /// A body held in memory (requests built by hand, for tests and benches).
    Memory(Bytes),
    /// A body still on the connection.
    Conn(ConnBody),
}

#[derive(Debug)]
struct ConnBody {
    /// Always `Some` while the request lives; taken back by the connection afterwards.
    io: Option<ConnIo>,
    decoder: BodyDecoder,
    /// The `Expect: 100-continue` interim response still owed on the first read.
    expect: Option<Arc<ContinueGate>>,
    /// When the whole body must have arrived; `None` for a request without a body, which never
    /// waits.
    deadline: Option<Instant>,
    /// Armed the first time a read has to wait for the socket.
    timer: Option<Pin<Box<Sleep>>>,
    /// The client-gone watch saw the end of the stream or an error.
    peer_gone: bool,
}

impl Body {
    /// An empty body.
    pub fn empty() -> Body {
        Body::from_bytes(Bytes::new())
    }

    /// A body held in memory, as a test or a proxy builds one.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Body {
        Body {
            source: Source::Memory(bytes.into()),
            read: 0,
            limit: u64::MAX,
            error: None,
            trailers: None,
        }
    }

    /// The body of a request read from `io`, framed by `framing`.
    pub(crate) fn from_conn(
        io: ConnIo,
        framing: Framing,
        limit: u64,
        max_trailer_bytes: usize,
        expect: Option<Arc<ContinueGate>>,
        deadline: Option<Instant>,
    ) -> Body {
        Body {
            source: Source::Conn(ConnBody {
                io: Some(io),
                decoder: BodyDecoder::new(framing, max_trailer_bytes),
                expect,
                deadline,
                timer: None,
                peer_gone: false,
            }),
            read: 0,
            limit,
            error: None,
            trailers: None,
        }
    }

    /// The unread bytes of a body held in memory ([`Body::from_bytes`]); `None` for a body still
    /// on the connection. A layer that reads the stream once and hands the bytes on (as the
    /// controller layer does for its synchronous actions) puts them back with
    /// [`Request::set_body`](crate::Request::set_body) and reads them here.
    pub fn in_memory(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Memory(bytes) => Some(bytes),
            Source::Conn(_) => None,
        }
    }

    /// Whether this body is read from the connection (not held in memory).
    pub(crate) fn is_on_connection(&self) -> bool {
        matches!(self.source, Source::Conn(_))
    }

    /// Sets the most bytes the handler may read (Go's `http.MaxBytesReader(w, r.Body, n)`). The
    /// server's default is `Config::max_body_bytes`; a handler that expects large uploads raises
    /// it, one that wants small bodies lowers it.
    pub fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// The current limit.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Body bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Whether the whole body has been read.
    pub fn is_complete(&self) -> bool {
        match &self.source {
            Source::Memory(b) => b.is_empty(),
            Source::Conn(c) => c.decoder.is_done(),
        }
    }

    /// The error that ended reading, if one did. Errors are sticky: every later read fails too.
    pub fn error(&self) -> Option<BodyError> {
        self.error
    }

    /// The trailer fields sent after a chunked body (Go's `Request.Trailer`), available once the
    /// body has been read to its end.
    pub fn trailers(&self) -> Option<&HeaderMap> {
        self.trailers.as_deref()
    }

    /// Reads the rest of the body into memory, failing if it is longer than `max` bytes (Go's
    /// `io.ReadAll(http.MaxBytesReader(w, r.Body, max))`). The body's own limit still applies.
    pub async fn read_to_end(&mut self, max: u64) -> Result<Bytes, BodyError> {
        if let Source::Memory(bytes) = &mut self.source {
            if bytes.len() as u64 > max.min(self.limit) {
                return Err(BodyError::TooLarge {
                    limit: max.min(self.limit),
                });
            }
            self.read += bytes.len() as u64;
            return Ok(std::mem::take(bytes));
        }
        let outer = self.limit;
        self.limit = outer.min(self.read.saturating_add(max));
        let mut out = Vec::new();
        let mut chunk = [0u8; 8 * 1024];
        let result = loop {
            let mut rb = ReadBuf::new(&mut chunk);
            match poll_fn(|cx| Pin::new(&mut *self).poll_read(cx, &mut rb)).await {
                Ok(()) if rb.filled().is_empty() => break Ok(Bytes::from(out)),
                Ok(()) => out.extend_from_slice(rb.filled()),
                Err(e) => break Err(BodyError::from_io(&e).unwrap_or(BodyError::Gone)),
            }
        };
        self.limit = outer;
        result
    }

    /// Hands the connection's read side back once the handler is done.
    pub(crate) fn take_io(&mut self) -> Option<ConnIo> {
        match &mut self.source {
            Source::Conn(c) => c.io.take(),
            Source::Memory(_) => None,
        }
    }

    /// Completes when the client has closed the connection or it failed (see `cancel`). Bytes
    /// the client sends meanwhile (the rest of the body, a pipelined request) are kept in the
    /// connection buffer, where the body and the next request are read from anyway. Once a byte
    /// past the body's end is there, or [`WATCH_LIMIT`](crate::cancel::WATCH_LIMIT) bytes, the
    /// watch stops and never completes.
    pub(crate) fn poll_client_gone(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let Source::Conn(c) = &mut self.source else {
            return Poll::Pending;
        };
        let Some(io) = c.io.as_mut() else {
            return Poll::Pending;
        };
        loop {
            if c.peer_gone {
                return Poll::Ready(());
            }
            // Past the body's end, a byte is a pipelined request: like Go, stop watching (a
            // client that pipelines and then half-closes still wants its answers).
            if (c.decoder.is_done() && !io.buf.is_empty())
                || io.buf.len() >= crate::cancel::WATCH_LIMIT
            {
                return Poll::Pending;
            }
            io.buf.reserve(READ_CHUNK);
            let buf = &mut io.buf;
            match io.rd.poll_read_buf(cx, buf) {
                Poll::Ready(Ok(0)) | Poll::Ready(Err(_)) => c.peer_gone = true,
                Poll::Ready(Ok(_)) => {}
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Read to its end without an error: nothing is left to drop after the handler.
    pub(crate) fn is_done_cleanly(&self) -> bool {
        self.error.is_none() && self.is_complete()
    }

    /// Whether body bytes the client sent (or is sending) are still unread on the connection: a
    /// body not read to its end, unless its sender waits for a `100 Continue` that never went
    /// out (it sends nothing, so there is nothing to drain).
    pub(crate) fn left_unread(&self) -> bool {
        self.is_on_connection() && !self.is_complete() && !self.continue_unsent()
    }

    /// Whether a `100 Continue` was owed and never sent: the client may be holding its body back,
    /// so what follows on the connection is unknown and it must close (as Go does).
    pub(crate) fn continue_unsent(&self) -> bool {
        match &self.source {
            Source::Conn(c) => {
                !c.decoder.is_done() && c.expect.as_ref().is_some_and(|g| g.withheld())
            }
            Source::Memory(_) => false,
        }
    }

    /// After the handler: reads and drops what is left of the body, up to `max` bytes, so the
    /// connection can serve its next request (Go's `maxPostHandlerReadBytes`). `false` means the
    /// connection must close: the rest was larger, broken, too slow, or never asked for.
    pub(crate) async fn discard_rest(&mut self, max: u64) -> bool {
        if self.error.is_some() || self.continue_unsent() {
            return false;
        }
        let Source::Conn(c) = &mut self.source else {
            return true;
        };
        // Go's rule: a known rest of `max` bytes or more is not worth reading.
        if c.decoder.known_remaining().is_some_and(|n| n >= max) {
            return false;
        }
        let mut dropped = 0u64;
        poll_fn(|cx| loop {
            let Some(io) = c.io.as_mut() else {
                return Poll::Ready(false);
            };
            while !io.buf.is_empty() && !c.decoder.is_done() {
                match c.decoder.decode(&io.buf, usize::MAX) {
                    Ok(step) => {
                        dropped += step.data.len() as u64;
                        io.buf.advance(step.consumed);
                    }
                    Err(_) => return Poll::Ready(false),
                }
            }
            if c.decoder.is_done() {
                return Poll::Ready(true);
            }
            if dropped > max {
                return Poll::Ready(false);
            }
            match ready!(c.poll_fill(cx)) {
                Ok(()) => {}
                Err(_) => return Poll::Ready(false),
            }
        })
        .await
    }

    fn fail(&mut self, e: BodyError) -> Poll<io::Result<()>> {
        self.error = Some(e);
        Poll::Ready(Err(e.into_io()))
    }
}

impl ConnBody {
    /// Reads more bytes into the connection buffer. Errors: the client left, or the deadline.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BodyError>> {
        let Some(io) = self.io.as_mut() else {
            return Poll::Ready(Err(BodyError::Gone));
        };
        io.buf.reserve(READ_CHUNK);
        let buf = &mut io.buf;
        let n = match io.rd.poll_read_buf(cx, buf) {
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(_)) => return Poll::Ready(Err(BodyError::Gone)),
            Poll::Pending => return self.poll_deadline(cx),
        };
        if n == 0 {
            return Poll::Ready(Err(match self.decoder.end_of_input() {
                Ok(()) => BodyError::Gone,
                Err(e) => BodyError::Malformed(e).gone_if_truncated(),
            }));
        }
        Poll::Ready(Ok(()))
    }

    /// A read is pending: the body's deadline decides whether waiting may go on.
    fn poll_deadline<T>(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, BodyError>> {
        let Some(deadline) = self.deadline else {
            return Poll::Ready(Err(BodyError::Timeout));
        };
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(BodyError::Timeout)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl BodyError {
    /// The peer closing in the middle of a body is the client leaving, not broken framing.
    fn gone_if_truncated(self) -> BodyError {
        match self {
            BodyError::Malformed(WireError::Truncated) => BodyError::Gone,
            other => other,
        }
    }
}

impl AsyncRead for Body {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(e) = this.error {
            return Poll::Ready(Err(e.into_io()));
        }
        if out.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        // One byte more than the limit allows tells "at the limit" from "past it".
        let allowed = this.limit.saturating_sub(this.read);
        let max = (out.remaining() as u64).min(allowed.saturating_add(1)) as usize;
        let c = match &mut this.source {
            Source::Memory(bytes) => {
                let n = bytes.len().min(max);
                if n as u64 > allowed {
                    let limit = this.limit;
                    return this.fail(BodyError::TooLarge { limit });
                }
                out.put_slice(&bytes[..n]);
                bytes.advance(n);
                this.read += n as u64;
                return Poll::Ready(Ok(()));
            }
            Source::Conn(c) => c,
        };
        if c.decoder.is_done() {
            return Poll::Ready(Ok(()));
        }
        // A declared length already past the limit fails before anything is read, and before
        // `100 Continue` invites the client to send it.
        if c.decoder.known_remaining().is_some_and(|n| n > allowed) {
            let limit = this.limit;
            return this.fail(BodyError::TooLarge { limit });
        }
        if let Some(gate) = &c.expect {
            let Some(io) = c.io.as_ref() else {
                return this.fail(BodyError::Gone);
            };
            if ready!(gate.poll_send(cx, &io.rd)).is_err() {
                return this.fail(BodyError::Gone);
            }
        }
        let got = match ready!(c.poll_data(cx, out, max)) {
            Ok(n) => n,
            Err(e) => return this.fail(e),
        };
        if got as u64 > allowed {
            // Go's MaxBytesReader: the bytes within the limit are returned, the rest is an error
            // on the next read.
            out.set_filled(out.filled().len() - (got - allowed as usize));
            this.read += allowed;
            this.error = Some(BodyError::TooLarge { limit: this.limit });
            if allowed == 0 {
                let limit = this.limit;
                return this.fail(BodyError::TooLarge { limit });
            }
            return Poll::Ready(Ok(()));
        }
        this.read += got as u64;
        if c.decoder.is_done() {
            this.trailers = c.decoder.take_trailers().map(Box::new);
        }
        Poll::Ready(Ok(()))
    }
}

// ANCHOR: poll_data
// ANCHOR: poll_buffered
impl ConnBody {
    /// Puts up to `max` body bytes into `out`; `Ok(0)` only at the body's end.
    fn poll_data(
        &mut self,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
        max: usize,
    ) -> Poll<Result<usize, BodyError>> {
        loop {
            let Some(io) = self.io.as_mut() else {
                return Poll::Ready(Err(BodyError::Gone));
            };
            // 1. Bytes already in the connection buffer.
            if !io.buf.is_empty() {
                let step = self
                    .decoder
                    .decode(&io.buf, max)
                    .map_err(BodyError::Malformed)?;
                let n = step.data.len();
                out.put_slice(&io.buf[step.data]);
                io.buf.advance(step.consumed);
                if n > 0 || self.decoder.is_done() {
                    return Poll::Ready(Ok(n));
                }
                continue;
            }
            // ANCHOR_END: poll_buffered
            // ANCHOR: poll_direct
            // 2. Inside body data with an empty buffer: read straight into the caller's buffer.
            if let Some(remaining) = self.decoder.data_remaining() {
                if max >= DIRECT_READ {
                    let take = (max as u64).min(remaining) as usize;
                    let dst = out.initialize_unfilled_to(take);
                    let n = match io.rd.poll_read_slice(cx, dst) {
                        Poll::Ready(Ok(n)) => n,
                        Poll::Ready(Err(_)) => return Poll::Ready(Err(BodyError::Gone)),
                        Poll::Pending => return self.poll_deadline(cx),
                    };
                    if n == 0 {
                        let e = self.decoder.end_of_input().err();
                        return Poll::Ready(match e {
                            None => Ok(0),
                            Some(e) => Err(BodyError::Malformed(e).gone_if_truncated()),
                        });
                    }
                    out.advance(n);
                    self.decoder.consume_data(n as u64);
                    return Poll::Ready(Ok(n));
                }
            }
            // 3. Framing bytes next, or a small read: fill the connection buffer.
            ready!(self.poll_fill(cx))?;
        }
    }
}
// ANCHOR_END: poll_direct
// ANCHOR_END: poll_data
