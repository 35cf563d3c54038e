//! `CONNECT` tunnels through an HTTP proxy: the road an `https://` request takes.
//!
//! For an `https` target Go's transport dials the proxy, sends `CONNECT host:443 HTTP/1.1`, and
//! on a 2xx answer runs TLS over the same socket (`persistConn` in `transport.go`,
//! `dialConn`'s `cm.targetScheme == "https"` branch). So does this crate for an `https://`
//! request (`dial.rs` puts the TLS handshake on the tunnel); [`Client::connect_tunnel`] hands the
//! tunnel out as what it is — a byte stream to the target — for a caller with its own protocol.
//! A proxy that answers anything but 2xx refuses: `ProxyRefused(status)`.
//!
//! [`Client::connect_tunnel`]: crate::Client::connect_tunnel

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http::header::{PROXY_AUTHORIZATION, USER_AGENT};
use http::HeaderMap;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;

use crate::conn::{self, ReadLimits};
use crate::error::ErrorKind;
use crate::proxy::Proxy;
use crate::socket;

/// A byte stream to a target, through a proxy's `CONNECT` tunnel or dialed directly when the
/// proxy settings say so. Bytes the proxy sent right behind its `200` are read first.
#[derive(Debug)]
pub struct Tunnel {
    stream: TcpStream,
    buffered: Bytes,
    proxied: bool,
}

impl Tunnel {
    /// Whether the stream goes through a proxy (false: the proxy rules chose a direct dial).
    pub fn is_proxied(&self) -> bool {
        self.proxied
    }

    /// The socket, and any bytes already read from it that belong to the tunnelled protocol.
    pub fn into_parts(self) -> (TcpStream, Bytes) {
        (self.stream, self.buffered)
    }

    pub(crate) fn direct(stream: TcpStream) -> Tunnel {
        Tunnel {
            stream,
            buffered: Bytes::new(),
            proxied: false,
        }
    }
}

// ANCHOR: connect
/// Dials `proxy` and asks it for a tunnel to `authority` (`host:port`).
pub(crate) async fn open(
    proxy: &Proxy,
    authority: &str,
    defaults: &HeaderMap,
    connect_timeout: Option<Duration>,
    limits: ReadLimits,
) -> Result<Tunnel, ErrorKind> {
    let mut stream = socket::dial(proxy.host(), proxy.port(), connect_timeout).await?;
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nhost: {authority}\r\n");
    if let Some(ua) = defaults.get(USER_AGENT).and_then(|v| v.to_str().ok()) {
        head.push_str(&format!("user-agent: {ua}\r\n"));
    }
    let auth = proxy.authorization().and_then(|v| v.to_str().ok());
    if let Some(auth) = auth {
        head.push_str(&format!("{PROXY_AUTHORIZATION}: {auth}\r\n"));
    }
    head.push_str("\r\n");
    stream
        .write_all(head.as_bytes())
        .await
        .map_err(ErrorKind::Io)?;
    // A 2xx answer to CONNECT has no body (RFC 9110 §9.3.6): parse it as a HEAD response.
    let mut buf = BytesMut::with_capacity(1024);
    let answer = conn::read_head(&mut stream, &mut buf, true, limits)
        .await
        .map_err(|f| f.kind)?;
    if !answer.status.is_success() {
        return Err(ErrorKind::ProxyRefused(answer.status));
    }
    Ok(Tunnel {
        stream,
        buffered: buf.freeze(),
        proxied: true,
    })
}
// ANCHOR_END: connect

impl AsyncRead for Tunnel {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.buffered.is_empty() {
            let n = self.buffered.len().min(buf.remaining());
            buf.put_slice(&self.buffered[..n]);
            self.buffered.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Tunnel {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
