//! The TLS handshake of one accepted connection, run in that connection's own task.
//!
//! Before rustls sees a byte, the first one is peeked at. A TLS client opens with a handshake
//! record (content type 22); anything else is not TLS. Go's `crypto/tls` makes the same call on
//! the first record header (`RecordHeaderError`, "first record does not look like a TLS
//! handshake"), and `net/http` then looks at the five bytes: if they start a plain HTTP request
//! (`GET /`, `HEAD `, `POST `, `PUT /`, `OPTIO`), the client is told in plain HTTP that it
//! knocked on an HTTPS port, and the connection closes. Other garbage is closed without a word.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;

use super::{TlsConfig, TlsInfo};
use crate::stream::ConnStream;

/// What Go (1.12 and later) answers a plain HTTP request sent to its TLS port.
// ANCHOR: http_on_tls
pub(crate) const HTTP_ON_TLS_PORT: &[u8] =
    b"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/// Go's `tlsRecordHeaderLooksLikeHTTP`: the five bytes a TLS record header would be, when they
/// are the start of a plain HTTP request.
fn looks_like_http(first: &[u8]) -> bool {
    matches!(first, b"GET /" | b"HEAD " | b"POST " | b"PUT /" | b"OPTIO")
}
// ANCHOR_END: http_on_tls

/// The TLS record types a client may open with: a handshake, or (to refuse) an alert.
const RECORD_HANDSHAKE: u8 = 22;
const RECORD_ALERT: u8 = 21;

/// How long a refused plain HTTP client is given to read the answer while we drain what it sent
/// (so the kernel does not answer its unread bytes with a reset that would destroy ours).
const LINGER: Duration = Duration::from_millis(500);

/// Runs the server side of the handshake on `stream`. `None`: the connection was refused or
/// failed and is closed (the reason is logged at debug level). The caller bounds the handshake by
/// `deadline` (the connection's task watches it); only the refusal of a plain HTTP client, which
/// then reads and writes on its own, arms timers of its own against it.
// ANCHOR: accept
pub(crate) async fn accept(
    stream: TcpStream,
    tls: &TlsConfig,
    deadline: Instant,
    remote: SocketAddr,
) -> Option<ConnStream> {
    let mut first = [0u8; 1];
    match stream.peek(&mut first).await {
        Ok(1) => {}
        _ => return None,
    }
    if first[0] != RECORD_HANDSHAKE && first[0] != RECORD_ALERT {
        refuse_non_tls(stream, deadline, remote).await;
        return None;
    }
    let acceptor = TlsAcceptor::from(tls.server_config().clone());
    match acceptor.accept(stream).await {
        Ok(session) => {
            let info = TlsInfo::from_connection(session.get_ref().1);
            let (version, sni) = (info.version(), info.server_name());
            tracing::debug!(%remote, ?version, sni, "TLS handshake done");
            Some(ConnStream::tls(session, info))
        }
        Err(e) => {
            tracing::debug!(%remote, error = %e, "TLS handshake failed");
            None
        }
    }
}
// ANCHOR_END: accept

/// The first byte is not TLS: answer a plain HTTP request as Go does, close on anything else.
async fn refuse_non_tls(mut stream: TcpStream, deadline: Instant, remote: SocketAddr) {
    let mut head = [0u8; 4096];
    let mut got = 0;
    while got < 5 {
        match tokio::time::timeout_at(deadline, stream.read(&mut head[got..])).await {
            Ok(Ok(n)) if n > 0 => got += n,
            _ => return,
        }
    }
    if !looks_like_http(&head[..5]) {
        tracing::debug!(%remote, "closing: first bytes are neither TLS nor HTTP");
        return;
    }
    tracing::debug!(%remote, "plain HTTP request on the TLS port");
    let answer = tokio::time::timeout(LINGER, stream.write_all(HTTP_ON_TLS_PORT));
    if !matches!(answer.await, Ok(Ok(()))) {
        return;
    }
    let _ = stream.shutdown().await;
    let linger = Instant::now() + LINGER;
    let mut drained = 0usize;
    while drained < 256 * 1024 {
        match tokio::time::timeout_at(linger, stream.read(&mut head)).await {
            Ok(Ok(n)) if n > 0 => drained += n,
            _ => break,
        }
    }
}
