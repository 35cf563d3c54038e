//! The byte stream under one connection: a plain TCP socket or TLS over one.
//!
//! Everything above this file — writing heads and bodies, reading responses, streaming bodies,
//! the pool — works on a [`Socket`] and never asks which kind it is. An enum rather than a
//! generic parameter or a `Box<dyn AsyncRead + AsyncWrite>`: the pool holds connections of both
//! kinds side by side in one type, and a plain request pays one predictable branch per poll
//! instead of a virtual call. The TLS state (rustls's buffers and keys, about 1 KiB plus the
//! record buffers) is boxed so that a plain connection stays as small as the `TcpStream` it is.
//!
//! Sits under `conn.rs` (which owns a `Socket`) and beside `tls.rs` (which turns a dialed
//! `TcpStream` into the `Tls` variant).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::error::{ErrorKind, Timeout};

/// One connection's byte stream.
#[derive(Debug)]
pub(crate) enum Socket {
    /// `http://`, and `http://` through a forwarding proxy.
    Plain(TcpStream),
    /// `https://`, dialed directly or through a proxy's `CONNECT` tunnel.
    Tls(Box<TlsStream<TcpStream>>),
}

// ANCHOR: dial
/// Dials `host:port` and turns Nagle's algorithm off: a request is one small write that must
/// leave now, not wait for the ACK of the previous one. `timeout` bounds the TCP connect only.
pub(crate) async fn dial(
    host: &str,
    port: u16,
    timeout: Option<Duration>,
) -> Result<TcpStream, ErrorKind> {
    let connect = TcpStream::connect((host, port));
    let stream = match timeout {
        Some(d) => tokio::time::timeout(d, connect)
            .await
            .map_err(|_| ErrorKind::Timeout(Timeout::Connect))?,
        None => connect.await,
    }
    .map_err(ErrorKind::Connect)?;
    stream.set_nodelay(true).map_err(ErrorKind::Connect)?;
    Ok(stream)
}
// ANCHOR_END: dial

impl Socket {
    // ANCHOR: probe
    /// Cheap liveness check before reusing an idle connection: if the stream has something to
    /// say now, the server either closed it or sent bytes nobody asked for — unusable either way.
    ///
    /// A plain socket is probed with `try_read`, which costs no syscall when tokio already knows
    /// the socket is not readable. A TLS socket must not be read underneath rustls (that would
    /// steal record bytes), and raw readability means nothing there: a TLS 1.3 server sends its
    /// session tickets after the handshake, so an idle, healthy connection is often readable.
    /// So the TLS stream itself is polled once, with a waker that does nothing: rustls consumes
    /// tickets and answers "pending"; a `close_notify`, an EOF or application bytes come back
    /// ready.
    pub fn is_closed_or_dirty(&mut self) -> bool {
        let mut probe = [0u8; 1];
        match self {
            Socket::Plain(tcp) => {
                !matches!(tcp.try_read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
            }
            Socket::Tls(tls) => {
                let mut cx = Context::from_waker(Waker::noop());
                let mut buf = ReadBuf::new(&mut probe);
                Pin::new(&mut **tls).poll_read(&mut cx, &mut buf).is_ready()
            }
        }
    }
    // ANCHOR_END: probe
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Socket::Tls(tls) => Pin::new(&mut **tls).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Socket::Tls(tls) => Pin::new(&mut **tls).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_write_vectored(cx, bufs),
            Socket::Tls(tls) => Pin::new(&mut **tls).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Socket::Plain(tcp) => tcp.is_write_vectored(),
            Socket::Tls(tls) => tls.is_write_vectored(),
        }
    }

    /// A no-op for TCP. For TLS it matters: a write may leave encrypted bytes in rustls's
    /// buffer when the socket is full, and only a flush (or the next write) pushes them out.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Socket::Tls(tls) => Pin::new(&mut **tls).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Socket::Tls(tls) => Pin::new(&mut **tls).poll_shutdown(cx),
        }
    }
}
