//! Taking the connection over: Go's `http.Hijacker`.
//!
//! While a handler runs, the connection is split between the request and the response: the
//! request's [`Body`](crate::Body) holds one handle on the connection (see `stream`) and the
//! bytes read past the head, the [`ResponseWriter`] holds the other and the response bytes not
//! yet sent. A hijack joins the two again:
//!
//! ```text
//!   ResponseWriter ── flush what is committed ──> its handle ─┐
//!                                                             ├─ reunite ──> stream ──┐
//!   Request body ───────────────────────────────> its handle ─┘                       ├─> Hijacked
//!                └──────────── bytes already read, not yet used ─────────────────────┘
//! ```
//!
//! The stream is the connection's own: a `TcpStream`, or on a TLS connection the TLS session
//! over it (Go's `Hijack` returns the `*tls.Conn`), so the handler goes on speaking through the
//! session the handshake set up; [`Hijacked::tls_stream`] reaches it.
//!
//! From then on the connection is the handler's: the server reports
//! [`ConnState::Hijacked`](crate::ConnState::Hijacked), drops it from its open count (so
//! [`Server::shutdown`](crate::Server::shutdown) neither waits for it nor cuts it), and when the
//! handler returns the connection loop ends without touching the socket. Dropping the
//! [`Hijacked`] closes the socket.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::stream::{Reunited, TlsStream};
use crate::tls::TlsInfo;

use crate::server::Shared;
use crate::{Request, ResponseWriter};

/// Why a connection could not be hijacked.
#[derive(Debug)]
pub enum HijackError {
    /// The writer is not on a socket (a [`Recorder`](crate::Recorder)'s) or the request was not read
    /// from one (built with [`Request::new`]): there is no connection to hand over.
    NotSupported,
    /// The connection was hijacked already.
    AlreadyHijacked,
    /// Sending the response bytes the writer held failed; the connection is closed.
    Io(io::Error),
}

impl std::fmt::Display for HijackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HijackError::NotSupported => f.write_str("this response has no connection to hijack"),
            HijackError::AlreadyHijacked => f.write_str("the connection was hijacked already"),
            HijackError::Io(e) => write!(f, "flushing before the hijack failed: {e}"),
        }
    }
}

impl std::error::Error for HijackError {}

/// A connection taken over from the server: the stream, plus the bytes the server had already
/// read from it and not used (Go's `Hijack` returns them in its `bufio.Reader`).
///
/// It reads those bytes first, then from the socket, so it can be handed as one stream to a
/// protocol library (tungstenite's `WebSocketStream::from_raw_socket`, for instance).
#[derive(Debug)]
pub struct Hijacked {
    stream: Reunited,
    buffered: BytesMut,
    _count: HijackCount,
}

impl Hijacked {
    /// The bytes read from the client but not used by the server; reading drains them first.
    pub fn buffered(&self) -> &[u8] {
        &self.buffered
    }

    /// The TCP socket (its addresses, `set_nodelay`, ...); on a TLS connection, the socket under
    /// the session (read and write through the `Hijacked` itself, never through this).
    pub fn stream(&self) -> &TcpStream {
        self.stream.tcp()
    }

    /// The TLS session, when the connection came over TLS (Go's `*tls.Conn`).
    pub fn tls_stream(&self) -> Option<&TlsStream> {
        match &self.stream {
            Reunited::Plain(_) => None,
            Reunited::Tls(t) => Some(t),
        }
    }

    /// What the TLS handshake settled, when the connection came over TLS.
    pub fn tls(&self) -> Option<TlsInfo> {
        self.tls_stream()
            .map(|t| TlsInfo::from_connection(t.get_ref().1))
    }
}

/// Keeps [`Server::hijacked_connections`](crate::Server::hijacked_connections) right: one per
/// live hijacked stream, wherever the handler moves it.
struct HijackCount(Option<Arc<Shared>>);

impl std::fmt::Debug for HijackCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HijackCount")
    }
}

impl Drop for HijackCount {
    fn drop(&mut self) {
        if let Some(shared) = &self.0 {
            shared.hijacked_dropped();
        }
    }
}

// ANCHOR: hijack
impl ResponseWriter {
    /// Takes the connection over (Go's `Hijacker.Hijack`). Response bytes already committed (an
    /// earlier pipelined response, a head the handler flushed) are sent first; a response the
    /// handler started but did not flush is committed and sent too. Afterwards writes through
    /// `self` fail, and the server neither finishes the response nor reads the next request.
    ///
    /// What the handler has not read of the request body is not skipped: its bytes, as they came
    /// on the wire, are the first the stream reads (Go's `bufio.Reader` holds them too).
    pub async fn hijack(&mut self, req: &mut Request) -> Result<Hijacked, HijackError> {
        if self.is_hijacked() {
            return Err(HijackError::AlreadyHijacked);
        }
        if !self.is_socket() || !req.wire_body_mut().is_on_connection() {
            return Err(HijackError::NotSupported);
        }
        if self.wrote_header() && !self.is_committed() {
            self.flush().await.map_err(HijackError::Io)?;
        }
        self.flush_wire().await.map_err(HijackError::Io)?;
        let Some(io) = req.wire_body_mut().take_io() else {
            return Err(HijackError::AlreadyHijacked);
        };
        let Some(wr) = self.take_socket() else {
            return Err(HijackError::NotSupported);
        };
        // The two handles of one connection always reunite.
        let stream = io.rd.reunite(wr).map_err(|_| {
            HijackError::Io(io::Error::other("the connection's handles did not reunite"))
        })?;
        let count = match (&self.owner, &self.server_signal) {
            (Some((shared, remote)), Some(signal)) => {
                shared.hijack(*remote, signal);
                HijackCount(Some(shared.clone()))
            }
            _ => HijackCount(None),
        };
        tracing::debug!(peer = ?stream.tcp().peer_addr().ok(), buffered = io.buf.len(), "hijacked");
        Ok(Hijacked {
            stream,
            buffered: io.buf,
            _count: count,
        })
    }
}
// ANCHOR_END: hijack

impl AsyncRead for Hijacked {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.buffered.is_empty() {
            let n = this.buffered.len().min(buf.remaining());
            buf.put_slice(&this.buffered[..n]);
            this.buffered.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Hijacked {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
