//! The response writer: Go's `http.ResponseWriter` (its `*response` and `chunkWriter`).
//!
//! A handler sets headers, optionally calls [`write_header`](ResponseWriter::write_header), then
//! writes body bytes. Like Go, we hold back the first [`BUFFER_BEFORE_CHUNKING`] bytes of body:
//!
//! - if the handler finishes within that buffer, we know the whole body and send `Content-Length`;
//! - if it writes more (or calls [`flush`](ResponseWriter::flush)), the head goes out with
//!   `Transfer-Encoding: chunked` (HTTP/1.1) or the body runs to connection close (HTTP/1.0);
//! - if the handler declared its own `Content-Length`, the body is streamed raw and held to it:
//!   a write past it fails with [`ErrContentLength`](ResponseWriter::write) and sends nothing of
//!   that write (Go's `ErrContentLength`); a body that ends short closes the connection, since the
//!   client would otherwise wait for the missing bytes or read the next response as body.
//!
//! No body is ever sent for HEAD requests or for 1xx, 204 and 304 responses.
//!
//! This module is the socket writer. The same writer can also answer in memory, the way routers are
//! unit-tested and benchmarked without the network: that side is [`Recorder`](crate::Recorder)'s
//! (Go's `httptest.ResponseRecorder`) and lives in `recorder`. The one seam between the two is the
//! writer's `Output`: the socket or the recorder's `Recording`, chosen by a match on an enum (no
//! dynamic dispatch on the hot path).

use std::io;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::{self, HeaderMap, HeaderValue};
use http::{StatusCode, Version};
use tokio::time::Instant;

use crate::conn_registry::ConnSignal;
use crate::date;
use crate::expect::ContinueGate;
use crate::recorder::Recording;
use crate::server::Shared;
use crate::stream::ConnStream;

/// Body bytes held back before the head is committed (Go's `bufferBeforeChunkingSize`).
pub const BUFFER_BEFORE_CHUNKING: usize = 2048;

/// Wire bytes gathered before a socket write is forced.
const WIRE_FLUSH_AT: usize = 16 * 1024;

/// Where committed bytes go.
enum Output {
    /// The connection's stream, plain or TLS (see `stream`).
    Socket(ConnStream),
    /// In memory, for a [`Recorder`](crate::Recorder): the recorder's side (see `recorder`).
    Memory(Recording),
    /// A handler took the socket over (see `hijack`); nothing more is written through here.
    Hijacked,
}

/// How the committed body is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// The status or method allows no body.
    NoBody,
    /// `Content-Length` declared; this many bytes may still be written.
    Length(u64),
    Chunked,
    /// HTTP/1.0 streaming: the body ends when the connection closes.
    UntilClose,
}

/// The headers the server adds to a response itself, decided when the head is committed.
///
/// Like Go's `extraHeader`, they are written straight to the wire after the handler's headers and
/// never put in the handler's map: a `Content-Length` value there would be one allocation and one
/// hashed insert per response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ExtraHeaders {
    content_length: Option<u64>,
    chunked: bool,
    connection: Option<&'static str>,
}

/// What the writer must know about the request it answers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Exchange {
    pub is_head: bool,
    pub version: Version,
    pub keep_alive: bool,
}

impl Exchange {
    /// The request a protocol error answers: its method and version cannot be trusted, so the
    /// answer is HTTP/1.1 with a body, and the connection closes.
    pub(crate) fn for_error() -> Exchange {
        Exchange {
            is_head: false,
            version: Version::HTTP_11,
            keep_alive: false,
        }
    }
}

/// Writes one response; reused for every request on a connection.
pub struct ResponseWriter {
    output: Output,
    /// Committed wire bytes not yet written to the socket.
    wire: Vec<u8>,
    headers: HeaderMap,
    status: Option<StatusCode>,
    /// Body bytes written before commit.
    pending: Vec<u8>,
    /// Body length seen for a HEAD request (the bytes themselves are dropped).
    head_len: u64,
    committed: Option<Framing>,
    exchange: Exchange,
    /// The connection's signal from the server: once the server drains, every response closes
    /// its connection.
    pub(crate) server_signal: Option<Arc<ConnSignal>>,
    /// The connection must close after this response.
    close_after: bool,
    /// The handler's own `Content-Length`, read at its first write (as Go reads it when the
    /// header is written): `None` until then, `Some(None)` when it declared none.
    declared: Option<Option<u64>>,
    /// The connection's `100 Continue` decision: a response that starts refuses it.
    continue_gate: Option<Arc<ContinueGate>>,
    write_timeout: Duration,
    body_written: u64,
    /// See [`finished_at`](Self::finished_at).
    finished_at: Instant,
    /// The server and peer this writer's connection belongs to, told when a handler hijacks it.
    pub(crate) owner: Option<(Arc<Shared>, SocketAddr)>,
}

impl std::fmt::Debug for ResponseWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let output = match self.output {
            Output::Socket(_) => "socket",
            Output::Memory(_) => "recorder",
            Output::Hijacked => "hijacked",
        };
        f.debug_struct("ResponseWriter")
            .field("output", &output)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("committed", &self.committed)
            .field("body_written", &self.body_written)
            .field("close_after", &self.close_after)
            .finish_non_exhaustive()
    }
}

impl ResponseWriter {
    pub(crate) fn for_socket(
        out: ConnStream,
        write_timeout: Duration,
        signal: Option<Arc<ConnSignal>>,
        continue_gate: Arc<ContinueGate>,
        owner: Option<(Arc<Shared>, SocketAddr)>,
    ) -> Self {
        let mut w = Self::with_output(Output::Socket(out), write_timeout);
        w.server_signal = signal;
        w.continue_gate = Some(continue_gate);
        w.owner = owner;
        w
    }

    /// A writer whose committed body goes into `recording` instead of onto a socket (see
    /// `recorder`). It answers a keep-alive HTTP/1.1 GET.
    pub(crate) fn for_memory(recording: Recording) -> Self {
        Self::with_output(Output::Memory(recording), Duration::MAX)
    }

    fn with_output(output: Output, write_timeout: Duration) -> Self {
        ResponseWriter {
            output,
            wire: Vec::with_capacity(1024),
            headers: HeaderMap::new(),
            status: None,
            pending: Vec::new(),
            head_len: 0,
            committed: None,
            exchange: Exchange {
                is_head: false,
                version: Version::HTTP_11,
                keep_alive: true,
            },
            server_signal: None,
            close_after: false,
            declared: None,
            continue_gate: None,
            write_timeout,
            body_written: 0,
            finished_at: Instant::now(),
            owner: None,
        }
    }

    /// Prepares the writer for the next request on the connection.
    pub(crate) fn begin(&mut self, exchange: Exchange) {
        self.headers.clear();
        self.status = None;
        self.pending.clear();
        self.head_len = 0;
        self.committed = None;
        self.exchange = exchange;
        self.close_after = false;
        self.declared = None;
        self.body_written = 0;
    }

    /// The response headers. Changes take effect until the head is committed (the first flush).
    pub fn header(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response headers, mutable (Go's `w.Header()`).
    pub fn header_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// Sets the status code (Go's `WriteHeader`). Only the first call counts; later calls are
    /// logged and ignored, as Go logs "superfluous response.WriteHeader call".
    pub fn write_header(&mut self, status: StatusCode) {
        if let Some(prev) = self.status {
            tracing::warn!(%prev, ignored = %status, "superfluous write_header call");
            return;
        }
        self.status = Some(status);
    }

    /// The status sent or to be sent: 200 unless [`write_header`](Self::write_header) said otherwise.
    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or(StatusCode::OK)
    }

    /// Whether `write_header` was called or body bytes were written.
    pub fn wrote_header(&self) -> bool {
        self.status.is_some()
    }

    /// Whether the head has already been handed to the connection (it can no longer change).
    pub fn is_committed(&self) -> bool {
        self.committed.is_some()
    }

    /// Body bytes the handler has written so far.
    pub fn bytes_written(&self) -> u64 {
        self.body_written
    }

    /// Writes body bytes (Go's `Write`). The first write without a status sends 200.
    ///
    /// Fails for responses that allow no body (1xx, 204, 304), when more bytes are written than a
    /// declared `Content-Length` (nothing of that write is sent: Go's `ErrContentLength`), and
    /// when the socket write fails or times out.
    pub async fn write(&mut self, data: &[u8]) -> io::Result<()> {
        if self.is_hijacked() {
            return Err(hijacked_error());
        }
        if self.status.is_none() {
            self.status = Some(StatusCode::OK);
        }
        if !status_allows_body(self.status()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the response status does not allow a body",
            ));
        }
        let declared = *self
            .declared
            .get_or_insert_with(|| declared_length(&self.headers));
        if declared.is_some_and(|n| self.body_written + data.len() as u64 > n) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "wrote more than the declared Content-Length",
            ));
        }
        self.body_written += data.len() as u64;
        if self.exchange.is_head {
            self.head_len += data.len() as u64;
            return Ok(());
        }
        match self.committed {
            None => {
                self.pending.extend_from_slice(data);
                if self.pending.len() > BUFFER_BEFORE_CHUNKING {
                    self.commit(false);
                    self.flush_wire().await?;
                }
                Ok(())
            }
            Some(_) => {
                self.send_body(data)?;
                if self.wire.len() >= WIRE_FLUSH_AT {
                    self.flush_wire().await?;
                }
                Ok(())
            }
        }
    }

    /// Sends everything written so far to the client (Go's `Flusher.Flush`). The head is committed
    /// first, so after a flush the body is streamed (chunked on HTTP/1.1).
    pub async fn flush(&mut self) -> io::Result<()> {
        if self.committed.is_none() {
            if self.status.is_none() {
                self.status = Some(StatusCode::OK);
            }
            self.commit(false);
        }
        self.flush_wire().await
    }

    /// Ends the response after the handler returned (Go's `finishRequest`). Returns whether the
    /// connection must close afterwards. The wire bytes are left for the connection to flush, so
    /// that pipelined responses can share one socket write.
    pub(crate) fn finish(&mut self) -> bool {
        if self.committed.is_none() {
            self.commit(true);
        } else {
            if self.committed == Some(Framing::Chunked) {
                self.wire.extend_from_slice(b"0\r\n\r\n");
            }
            self.finished_at = Instant::now();
        }
        // The handler promised more bytes than it wrote: the client would wait for them, or read
        // the next response as body. Closing is the only way to end such a body.
        if matches!(self.committed, Some(Framing::Length(remaining)) if remaining > 0) {
            self.close_after = true;
        }
        self.close_after
    }

    /// Makes the connection close after this response (the request's body was left unread or
    /// broken, so what follows it on the wire cannot be trusted). Before the head is committed the
    /// response also says `Connection: close`.
    pub(crate) fn close_after_response(&mut self) {
        self.close_after = true;
    }

    /// When the last response was finished: the connection's idle time starts here. It is the
    /// same clock reading the `Date` header was made from when the head was committed at the end,
    /// which is nearly always.
    pub(crate) fn finished_at(&self) -> Instant {
        self.finished_at
    }

    /// Commits the head. `finished` tells whether the handler is done, in which case the body is
    /// fully known and gets a `Content-Length`.
    fn commit(&mut self, finished: bool) {
        let status = self.status();
        let allows_body = status_allows_body(status);
        if let Some(gate) = &self.continue_gate {
            gate.refuse();
        }
        let declared = match self.declared {
            Some(declared) => declared,
            None => declared_length(&self.headers),
        };
        // The framing is ours to decide: a handler's Transfer-Encoding is dropped, and so is a
        // Content-Length that is malformed or not allowed for this status.
        self.headers.remove(header::TRANSFER_ENCODING);
        if !allows_body || declared.is_none() {
            self.headers.remove(header::CONTENT_LENGTH);
        }
        let known_len = if self.exchange.is_head {
            self.head_len
        } else {
            self.pending.len() as u64
        };
        let mut extra = ExtraHeaders::default();
        let mut framing = if !allows_body {
            Framing::NoBody
        } else if let Some(n) = declared {
            // Finished short of the declared length: say now that the connection will close.
            if finished && !self.exchange.is_head && (self.pending.len() as u64) < n {
                self.close_after = true;
            }
            Framing::Length(n)
        } else if finished {
            if !(self.exchange.is_head && known_len == 0) {
                extra.content_length = Some(known_len);
            }
            Framing::Length(known_len)
        } else if self.exchange.version == Version::HTTP_11 {
            extra.chunked = true;
            Framing::Chunked
        } else {
            self.close_after = true;
            Framing::UntilClose
        };
        if self.exchange.is_head && framing != Framing::NoBody {
            framing = Framing::NoBody;
        }

        let handler_says_close = self
            .headers
            .get(header::CONNECTION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
        let draining = self
            .server_signal
            .as_deref()
            .is_some_and(ConnSignal::is_draining);
        self.close_after |= !self.exchange.keep_alive || draining || handler_says_close;
        if self.close_after && !handler_says_close {
            self.headers.remove(header::CONNECTION);
            extra.connection = Some("close");
        } else if !self.close_after && self.exchange.version == Version::HTTP_10 {
            self.headers.remove(header::CONNECTION);
            extra.connection = Some("keep-alive");
        }

        self.committed = Some(framing);
        // Only a socket gets a head: a recorder shows the handler's headers (see `recorder`).
        if self.is_socket() {
            self.finished_at = Instant::now();
            self.write_head(status, extra);
        }
        let pending = std::mem::take(&mut self.pending);
        if !pending.is_empty() {
            // Cannot fail: `write` refuses bytes past a declared length before buffering them, so
            // a fresh Length(n) admits everything pending.
            let _ = self.send_body(&pending);
        }
        self.pending = pending;
        self.pending.clear();
    }

    fn write_head(&mut self, status: StatusCode, extra: ExtraHeaders) {
        let version = if self.exchange.version == Version::HTTP_10 {
            "HTTP/1.0 "
        } else {
            "HTTP/1.1 "
        };
        let wire = &mut self.wire;
        wire.extend_from_slice(version.as_bytes());
        wire.extend_from_slice(status.as_str().as_bytes());
        wire.push(b' ');
        wire.extend_from_slice(status.canonical_reason().unwrap_or("Unknown").as_bytes());
        wire.extend_from_slice(b"\r\n");
        for (name, value) in self.headers.iter() {
            wire.extend_from_slice(name.as_str().as_bytes());
            wire.extend_from_slice(b": ");
            wire.extend_from_slice(value.as_bytes());
            wire.extend_from_slice(b"\r\n");
        }
        if let Some(n) = extra.content_length {
            // `itoa`, not `write!`: the formatting machinery cost a third as much as the rest
            // of the head (callgrind, hello path).
            wire.extend_from_slice(b"content-length: ");
            wire.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            wire.extend_from_slice(b"\r\n");
        }
        if extra.chunked {
            wire.extend_from_slice(b"transfer-encoding: chunked\r\n");
        }
        if let Some(connection) = extra.connection {
            wire.extend_from_slice(b"connection: ");
            wire.extend_from_slice(connection.as_bytes());
            wire.extend_from_slice(b"\r\n");
        }
        if !self.headers.contains_key(header::DATE) {
            wire.extend_from_slice(b"date: ");
            date::append(wire, self.finished_at);
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"\r\n");
    }

    /// Frames committed body bytes onto the wire (a recorder's are kept unframed).
    fn send_body(&mut self, data: &[u8]) -> io::Result<()> {
        let Some(framing) = self.committed else {
            return Ok(());
        };
        if data.is_empty() {
            return Ok(());
        }
        let bytes = match framing {
            Framing::NoBody => return Ok(()),
            Framing::Length(remaining) => {
                if data.len() as u64 > remaining {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "wrote more than the declared Content-Length",
                    ));
                }
                self.committed = Some(Framing::Length(remaining - data.len() as u64));
                data
            }
            Framing::Chunked | Framing::UntilClose => data,
        };
        match &mut self.output {
            Output::Memory(recording) => recording.record(bytes),
            Output::Hijacked => {}
            Output::Socket(_) if framing == Framing::Chunked => {
                let _ = write!(self.wire, "{:x}\r\n", bytes.len());
                self.wire.extend_from_slice(bytes);
                self.wire.extend_from_slice(b"\r\n");
            }
            Output::Socket(_) => self.wire.extend_from_slice(bytes),
        }
        Ok(())
    }

    /// Writes the gathered wire bytes without waiting: `Ok(true)` once none are left. A response
    /// nearly always fits in the socket's send buffer, so this is nearly always the whole write,
    /// and it is a plain call: only the bytes the kernel (or the TLS session) did not take are
    /// left for [`flush_wire`](Self::flush_wire), under the write timeout, whose deadline costs
    /// a clock read.
    pub(crate) fn try_flush_wire(&mut self) -> io::Result<bool> {
        let sock = match &mut self.output {
            Output::Socket(sock) => sock,
            Output::Memory(_) => {
                self.wire.clear();
                return Ok(true);
            }
            Output::Hijacked => {
                self.wire.clear();
                return Err(hijacked_error());
            }
        };
        if self.wire.is_empty() {
            return Ok(true);
        }
        match sock.try_write(&self.wire) {
            Ok((sent, true)) if sent == self.wire.len() => {
                self.wire.clear();
                Ok(true)
            }
            // On TLS all may be taken but not yet sent: the rest, even of nothing, flushes it.
            Ok((sent, _)) => {
                self.wire.drain(..sent);
                Ok(false)
            }
            Err(e) => {
                self.wire.clear();
                Err(e)
            }
        }
    }

    /// Writes the gathered wire bytes to the socket, bounded by the write timeout.
    pub(crate) async fn flush_wire(&mut self) -> io::Result<()> {
        if self.try_flush_wire()? {
            return Ok(());
        }
        self.flush_rest().await
    }

    /// Writes what [`try_flush_wire`](Self::try_flush_wire) left, waiting as needed, bounded by
    /// the write timeout: the socket just refused more, so it is not tried again first.
    pub(crate) async fn flush_rest(&mut self) -> io::Result<()> {
        let Output::Socket(sock) = &self.output else {
            return Ok(());
        };
        // The slow path is boxed: its timer and write future would otherwise be part of every
        // connection's future, awaiting or not — memory each idle connection would carry.
        let res = Box::pin(tokio::time::timeout(
            self.write_timeout,
            sock.write_all(&self.wire),
        ))
        .await;
        self.wire.clear();
        match res {
            Ok(r) => r,
            Err(_) => Err(io::Error::new(io::ErrorKind::TimedOut, "write timeout")),
        }
    }

    /// Sends a complete plain-text response outside any handler: used for protocol errors
    /// (400, 413, ...) and for handler panics. Discards anything the handler had buffered.
    pub(crate) fn send_error(&mut self, status: StatusCode, detail: &str) {
        self.headers.clear();
        self.pending.clear();
        self.status = Some(status);
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        self.headers
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        let reason = status.canonical_reason().unwrap_or("");
        let body = if detail.is_empty() {
            format!("{} {}", status.as_str(), reason)
        } else {
            format!("{} {}: {}", status.as_str(), reason, detail)
        };
        if !self.exchange.is_head {
            self.pending.extend_from_slice(body.as_bytes());
        }
        self.committed = None;
        self.declared = Some(None);
        self.commit(true);
    }

    /// The recording of a [`for_memory`](Self::for_memory) writer (`None` on a socket).
    pub(crate) fn recording(&self) -> Option<&Recording> {
        match &self.output {
            Output::Memory(recording) => Some(recording),
            Output::Socket(_) | Output::Hijacked => None,
        }
    }

    /// The recording, mutable (see [`recording`](Self::recording)).
    pub(crate) fn recording_mut(&mut self) -> Option<&mut Recording> {
        match &mut self.output {
            Output::Memory(recording) => Some(recording),
            Output::Socket(_) | Output::Hijacked => None,
        }
    }

    /// Half-closes the socket after an error response (our side is done talking).
    pub(crate) async fn shutdown_write(&mut self) {
        if let Output::Socket(sock) = &self.output {
            let _ = sock.shutdown_write().await;
        }
    }

    pub(crate) fn has_unflushed(&self) -> bool {
        !self.wire.is_empty()
    }

    /// Whether a handler took the connection over with [`hijack`](Self::hijack): the writer is
    /// spent, and the server leaves the connection alone.
    pub fn is_hijacked(&self) -> bool {
        matches!(self.output, Output::Hijacked)
    }

    /// Whether this writer answers on a socket (not a recorder, not hijacked).
    pub(crate) fn is_socket(&self) -> bool {
        matches!(self.output, Output::Socket(_))
    }

    /// Hands the writer's handle on the connection over to a hijacker; the writer is spent
    /// afterwards.
    pub(crate) fn take_socket(&mut self) -> Option<ConnStream> {
        match std::mem::replace(&mut self.output, Output::Hijacked) {
            Output::Socket(sock) => Some(sock),
            other => {
                self.output = other;
                None
            }
        }
    }
}

/// What writing through a writer whose connection was hijacked fails with (Go's `ErrHijacked`).
fn hijacked_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the connection was hijacked: write through the hijacked stream",
    )
}

/// The handler's `Content-Length`, if it set a valid one (an invalid one is dropped at commit).
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(header::CONTENT_LENGTH)?;
    wire::decimal::parse_decimal(value.as_bytes().trim_ascii())
}

/// RFC 9110: 1xx, 204 and 304 responses never carry a body.
fn status_allows_body(status: StatusCode) -> bool {
    !(status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED)
}
