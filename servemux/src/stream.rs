//! The connection's byte stream: a TCP socket, or a TLS session over one.
//!
//! While a handler runs, the connection is used from two places: the request's body reads it and
//! the response writer writes it. Both hold a [`ConnStream`], a shared handle on one [`Conn`]:
//!
//! ```text
//!   Body (reads) ──────┐
//!                      ├──> Arc<Conn> ── Plain(TcpStream)                 used through &self
//!   ResponseWriter ────┘              └─ Tls(Box<Mutex<TlsStream>>)     one lock per poll
//! ```
//!
//! A TCP socket can be read and written through a shared reference, so the plain arm needs no
//! lock. Its reads keep one hint of tokio's own `AsyncRead`, though: a read that took less than
//! it asked for drained the socket, so the socket is marked not ready and the wait for the next
//! request goes straight to epoll (see [`poll_read_plain`]). Without it every keep-alive request
//! began with one more `recvfrom` that answered `EAGAIN` (strace counted 85,292 reads for hyper's
//! 56,949 in the same hello run), a few percent of a hello request. A TLS session cannot be used
//! through `&self`: rustls keeps one state for both directions, so that arm sits behind a lock,
//! which is never contended — one task serves a connection, its body and its response — and
//! never held across an `await`. The handle stays one pointer wide, so the connection future
//! does not grow, and no boxed trait object is on the plain path. A hijack drops one handle and
//! takes the stream out of the other.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll};

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncWrite, Interest, ReadBuf};
use tokio::net::TcpStream;

use crate::tls::TlsInfo;

/// A TLS session over TCP, as the server sees it.
pub type TlsStream = tokio_rustls::server::TlsStream<TcpStream>;

// ANCHOR: conn
/// One accepted connection.
#[derive(Debug)]
pub(crate) enum Conn {
    /// Read and written through `&TcpStream`: no lock, and no atomic operation of ours on the
    /// way to the socket.
    Plain(TcpStream),
    Tls(Box<TlsConn>),
}

/// A TLS connection: the session, and what the handshake settled (shared with every request).
#[derive(Debug)]
pub(crate) struct TlsConn {
    stream: Mutex<TlsStream>,
    info: Arc<TlsInfo>,
}

/// A handle on the connection; the body holds one and the response writer the other.
#[derive(Debug, Clone)]
pub(crate) struct ConnStream(Arc<Conn>);
// ANCHOR_END: conn

/// The stream taken out of a connection by a hijack.
#[derive(Debug)]
pub(crate) enum Reunited {
    Plain(TcpStream),
    Tls(Box<TlsStream>),
}

impl ConnStream {
    pub(crate) fn plain(stream: TcpStream) -> ConnStream {
        ConnStream(Arc::new(Conn::Plain(stream)))
    }

    pub(crate) fn tls(stream: TlsStream, info: TlsInfo) -> ConnStream {
        ConnStream(Arc::new(Conn::Tls(Box::new(TlsConn {
            stream: Mutex::new(stream),
            info: Arc::new(info),
        }))))
    }

    /// What the TLS handshake settled; `None` on a plain connection.
    pub(crate) fn tls_info(&self) -> Option<&Arc<TlsInfo>> {
        match &*self.0 {
            Conn::Plain(_) => None,
            Conn::Tls(t) => Some(&t.info),
        }
    }

    // ANCHOR: poll_read_buf
    /// Reads into `buf`'s spare capacity (reserved by the caller): `Ok(0)` at end of stream.
    pub(crate) fn poll_read_buf(
        &self,
        cx: &mut Context<'_>,
        buf: &mut BytesMut,
    ) -> Poll<io::Result<usize>> {
        match &*self.0 {
            Conn::Plain(s) => {
                if buf.len() == buf.capacity() {
                    // As `BufMut::chunk_mut` does for a full buffer.
                    buf.reserve(64);
                }
                let room = buf.capacity() - buf.len();
                poll_read_plain(s, cx, room, || s.try_read_buf(buf))
            }
            Conn::Tls(t) => {
                let mut stream = lock(&t.stream);
                tokio_util::io::poll_read_buf(Pin::new(&mut *stream), cx, buf)
            }
        }
    }
    // ANCHOR_END: poll_read_buf

    /// Reads into `dst`: `Ok(0)` at end of stream (or for an empty `dst`).
    pub(crate) fn poll_read_slice(
        &self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        match &*self.0 {
            Conn::Plain(_) if dst.is_empty() => Poll::Ready(Ok(0)),
            Conn::Plain(s) => {
                let room = dst.len();
                poll_read_plain(s, cx, room, || s.try_read(dst))
            }
            Conn::Tls(t) => poll_read_into(&mut *lock(&t.stream), cx, dst),
        }
    }

    /// Reads once into `dst`, waiting as long as nothing arrives.
    pub(crate) async fn read(&self, dst: &mut [u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_read_slice(cx, dst)).await
    }

    /// Reads once into `buf` (after reserving room), waiting as long as nothing arrives.
    pub(crate) async fn read_buf(&self, buf: &mut BytesMut) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_read_buf(cx, buf)).await
    }

    /// Writes some of `data`. On TLS the bytes may wait in the session: see
    /// [`poll_flush`](Self::poll_flush).
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        match &*self.0 {
            Conn::Plain(s) => loop {
                match s.try_write(data) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        ready!(s.poll_write_ready(cx))?;
                    }
                    result => return Poll::Ready(result),
                }
            },
            Conn::Tls(t) => Pin::new(&mut *lock(&t.stream)).poll_write(cx, data),
        }
    }

    /// Writes what a TLS session still holds (nothing to do on plain TCP).
    pub(crate) fn poll_flush(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &*self.0 {
            Conn::Plain(_) => Poll::Ready(Ok(())),
            Conn::Tls(t) => Pin::new(&mut *lock(&t.stream)).poll_flush(cx),
        }
    }

    /// Writes without waiting. Returns the bytes taken and whether they are all on the socket:
    /// a TLS session may take bytes it cannot send yet, and then [`write_all`](Self::write_all)
    /// of the rest (even of nothing) flushes them. The fast path of the response writer: a
    /// response nearly always fits the socket's send buffer.
    pub(crate) fn try_write(&self, data: &[u8]) -> io::Result<(usize, bool)> {
        match &*self.0 {
            Conn::Plain(s) => {
                let mut sent = 0;
                while sent < data.len() {
                    match s.try_write(&data[sent..]) {
                        Ok(0) => break,
                        Ok(n) => sent += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    }
                }
                Ok((sent, sent == data.len()))
            }
            Conn::Tls(t) => {
                // A poll with a waker that does nothing: whatever would block is retried by the
                // slow path, with the task's own waker.
                let mut cx = Context::from_waker(std::task::Waker::noop());
                let mut stream = lock(&t.stream);
                let mut sent = 0;
                while sent < data.len() {
                    match Pin::new(&mut *stream).poll_write(&mut cx, &data[sent..]) {
                        Poll::Ready(Ok(0)) | Poll::Pending => return Ok((sent, false)),
                        Poll::Ready(Ok(n)) => sent += n,
                        Poll::Ready(Err(e)) => return Err(e),
                    }
                }
                match Pin::new(&mut *stream).poll_flush(&mut cx) {
                    Poll::Ready(Ok(())) => Ok((sent, true)),
                    Poll::Pending => Ok((sent, false)),
                    Poll::Ready(Err(e)) => Err(e),
                }
            }
        }
    }

    /// Writes all of `data` and flushes it, waiting as needed.
    pub(crate) async fn write_all(&self, data: &[u8]) -> io::Result<()> {
        let mut sent = 0;
        std::future::poll_fn(|cx| {
            while sent < data.len() {
                match ready!(self.poll_write(cx, &data[sent..])) {
                    Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                    Ok(n) => sent += n,
                    Err(e) => return Poll::Ready(Err(e)),
                }
            }
            self.poll_flush(cx)
        })
        .await
    }

    /// Ends our sending side: TCP's half-close, after TLS's `close_notify` on a TLS session.
    pub(crate) async fn shutdown_write(&self) -> io::Result<()> {
        match &*self.0 {
            Conn::Plain(s) => socket2::SockRef::from(s).shutdown(std::net::Shutdown::Write),
            Conn::Tls(t) => {
                std::future::poll_fn(|cx| Pin::new(&mut *lock(&t.stream)).poll_shutdown(cx)).await
            }
        }
    }

    /// Joins the two handles of one connection back into its stream (for a hijack). Fails only
    /// if the handles belong to different connections, or a third handle exists.
    pub(crate) fn reunite(self, other: ConnStream) -> Result<Reunited, ConnStream> {
        if !Arc::ptr_eq(&self.0, &other.0) {
            return Err(self);
        }
        // Neither handle is the last while the other lives, so dropping them sends nothing;
        // `conn` is then the only one, and the stream comes out whole.
        let conn = self.0.clone();
        drop(self);
        drop(other);
        match Arc::try_unwrap(conn) {
            Ok(Conn::Plain(s)) => Ok(Reunited::Plain(s)),
            Ok(Conn::Tls(t)) => Ok(Reunited::Tls(Box::new(
                t.stream.into_inner().unwrap_or_else(|e| e.into_inner()),
            ))),
            Err(arc) => Err(ConnStream(arc)),
        }
    }
}

/// The last handle of a TLS connection says goodbye: a `close_notify` alert before the socket
/// closes (Go's `tls.Conn.Close` sends one too), so the client can tell the end of the stream
/// from a cut — rustls clients report a close without it as an unexpected end. Best effort and
/// without waiting: a send buffer full at the close loses the alert, not the task's time.
impl Drop for ConnStream {
    fn drop(&mut self) {
        let Some(Conn::Tls(t)) = Arc::get_mut(&mut self.0) else {
            return;
        };
        let stream = t.stream.get_mut().unwrap_or_else(|e| e.into_inner());
        let (tcp, session) = stream.get_mut();
        session.send_close_notify();
        let mut out = TryWriter(tcp);
        while session.wants_write() {
            match session.write_tls(&mut out) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }
}

/// `std::io::Write` over a socket's non-blocking writes (for rustls' `write_tls`).
struct TryWriter<'a>(&'a TcpStream);

impl std::io::Write for TryWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.try_write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ANCHOR: poll_read_plain
/// One read from a plain socket through `&TcpStream`, marking the socket not ready after a read
/// that took less than its `room` — the rule tokio's `AsyncRead` for `TcpStream` applies
/// (`PollEvented::poll_read`): with epoll, a short read shows the socket's buffer was drained.
///
/// The mark is made through `try_io`, which clears the readiness it saw *before* the read and
/// only if no newer event has arrived since, so bytes that land after the read still wake the
/// task. `read` is tokio's own `try_read` or `try_read_buf`; nested in `try_io` it sees the same
/// readiness, and clears it itself when the socket answers `WouldBlock`.
///
/// This leans on tokio's rule rather than the letter of `try_io`'s documentation, which asks
/// for `WouldBlock` only from an operation that found the socket not ready, and for raw system
/// calls inside the closure rather than `TcpStream`'s own methods. A short read is the evidence
/// tokio itself takes for "not ready"; the nested method only reads the same readiness again.
fn poll_read_plain(
    s: &TcpStream,
    cx: &mut Context<'_>,
    room: usize,
    mut read: impl FnMut() -> io::Result<usize>,
) -> Poll<io::Result<usize>> {
    loop {
        ready!(s.poll_read_ready(cx))?;
        let mut got = 0;
        let result = s.try_io(Interest::READABLE, || {
            got = read()?;
            if got > 0 && got < room {
                // Drained: have `try_io` clear the readiness, as a short `AsyncRead` read does.
                Err(io::ErrorKind::WouldBlock.into())
            } else {
                Ok(got)
            }
        });
        match result {
            Ok(n) => return Poll::Ready(Ok(n)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && got > 0 => {
                return Poll::Ready(Ok(got))
            }
            // Not ready after all: the readiness is cleared, so the next poll waits for epoll.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
}

// ANCHOR_END: poll_read_plain

/// One read into `dst` through the stream's `AsyncRead`: `Ok(0)` at end of stream.
fn poll_read_into<S: AsyncRead + Unpin>(
    s: &mut S,
    cx: &mut Context<'_>,
    dst: &mut [u8],
) -> Poll<io::Result<usize>> {
    let mut rb = ReadBuf::new(dst);
    ready!(Pin::new(s).poll_read(cx, &mut rb))?;
    Poll::Ready(Ok(rb.filled().len()))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Reunited {
    /// The TCP socket under the stream.
    pub(crate) fn tcp(&self) -> &TcpStream {
        match self {
            Reunited::Plain(s) => s,
            Reunited::Tls(t) => t.get_ref().0,
        }
    }
}

impl AsyncRead for Reunited {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Reunited::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Reunited::Tls(t) => Pin::new(&mut **t).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Reunited {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Reunited::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Reunited::Tls(t) => Pin::new(&mut **t).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Reunited::Plain(s) => Pin::new(s).poll_flush(cx),
            Reunited::Tls(t) => Pin::new(&mut **t).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Reunited::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Reunited::Tls(t) => Pin::new(&mut **t).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Reunited::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Reunited::Tls(t) => Pin::new(&mut **t).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Reunited::Plain(s) => s.is_write_vectored(),
            Reunited::Tls(t) => t.is_write_vectored(),
        }
    }
}
