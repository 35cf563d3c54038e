//! The life of one connection: the counterpart of Go's `(*conn).serve`.
//!
//! One tokio task runs [`serve_conn`] for each accepted connection. Its loop is Go's loop:
//!
//! ```text
//!   wait for the first byte ── idle timeout / shutdown ──> close
//!   read the head ─────────── read-header timeout ───────> close
//!   validate the head ──────── bad input ─────> 4xx/5xx + close
//!   (100 Continue) read the body ── too big / malformed ──> 413/400 + close
//!   run the handler ────────── panic ──────────> 500 + close
//!   finish the response; keep alive? ── no ──> close
//!   └── yes: loop
//! ```
//!
//! Requests on one connection are handled one after another, so pipelined requests are answered in
//! order by construction. When the next request is already in the buffer, the finished response is
//! not flushed on its own: it shares one socket write with the responses after it.

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{Method, StatusCode, Version};
use tokio::io::AsyncReadExt;
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::body::{self, BodyError};
use crate::head::{parse_head_reusing, BodyFraming, Spare};
use crate::response::Exchange;
use crate::server::{ConnState, Shared};
use crate::signal::{ConnSignal, Phase};
use crate::{Request, ResponseWriter};

/// How long we keep reading (and dropping) a client's bytes after answering it with an error, so
/// the kernel does not reset the connection before the client has read our answer.
const LINGER: Duration = Duration::from_millis(500);

/// Serves every request on `stream` until the connection should close.
pub(crate) async fn serve_conn(
    stream: TcpStream,
    remote: SocketAddr,
    shared: Arc<Shared>,
    signal: Arc<ConnSignal>,
) {
    let (mut rd, wr) = stream.into_split();
    let cfg = &shared.config;
    let mut w = ResponseWriter::for_socket(wr, cfg.write_timeout, Some(signal.clone()));
    let mut buf = BytesMut::with_capacity(4096);
    let mut first = true;
    let mut spare = Spare::default();
    // Both waits come from the connection's signal (see `signal`): no lock shared with other
    // connections, and no tokio timer armed while the connection sits between requests.
    let mut shutdown = signal.reached(Phase::Draining);
    let mut idle = signal.idle_expired();

    // ANCHOR: loop
    loop {
        // 1. Wait for the start of a request: idle between requests, or cut by shutdown.
        if buf.is_empty() {
            if w.has_unflushed() && w.flush_wire().await.is_err() {
                return;
            }
            if !first {
                shared.set_state(remote, ConnState::Idle);
            }
            if signal.is_draining() {
                return;
            }
            // The idle time starts when the last response was finished; that clock reading was
            // already made for its `Date` header.
            let deadline = if first {
                Instant::now() + cfg.read_header_timeout
            } else {
                w.finished_at() + cfg.idle_timeout
            };
            // The server's sweeper completes `idle` once the deadline has passed (never before,
            // at most one sweep interval after).
            signal.idle_until(deadline);
            tokio::select! {
                biased;
                read = rd.read_buf(&mut buf) => match read {
                    Ok(n) if n > 0 => {}
                    _ => return,
                },
                () = &mut idle => return,
                () = &mut shutdown => return,
            }
            signal.not_idle();
        }
        first = false;
        shared.set_state(remote, ConnState::Active);

        // 2. Read and validate the head, within the read-header timeout. Its clock starts the
        // first time the head is found incomplete: a head that came whole in one read (nearly
        // every request) needs no deadline, and reading the clock is not free.
        let mut deadline = None;
        let head = loop {
            match parse_head_reusing(&mut buf, cfg, &mut spare) {
                Ok(Some((head, _len))) => break head,
                Ok(None) => {
                    if w.has_unflushed() && w.flush_wire().await.is_err() {
                        return;
                    }
                    let deadline =
                        *deadline.get_or_insert_with(|| Instant::now() + cfg.read_header_timeout);
                    match tokio::time::timeout_at(deadline, rd.read_buf(&mut buf)).await {
                        Ok(Ok(n)) if n > 0 => {}
                        _ => {
                            tracing::debug!(%remote, "closing: request head not completed in time");
                            return;
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!(%remote, error = %e, "refusing request head");
                    w.begin(error_exchange());
                    w.send_error(e.status, e.reason);
                    return close_after_error(w, rd).await;
                }
            }
        };

        // 3. Read the body. `Expect: 100-continue` is answered only if the body can be accepted.
        let exchange = Exchange {
            is_head: head.method == Method::HEAD,
            version: head.version,
            keep_alive: head.keep_alive,
        };
        w.begin(exchange);
        let framing = head.framing;
        let result = match body::check_declared(framing, cfg.max_body_bytes) {
            Err(e) => Err(e),
            // No body: nothing to wait for, so no deadline to compute.
            Ok(()) if framing == BodyFraming::Empty => Ok(Bytes::new()),
            Ok(()) => {
                let wants_continue = head.expect_continue
                    && head.version == Version::HTTP_11
                    && framing != BodyFraming::Empty
                    && buf.is_empty();
                if wants_continue && w.send_continue().await.is_err() {
                    return;
                }
                let deadline = Instant::now() + cfg.read_body_timeout;
                let max_trailers = cfg.max_header_bytes;
                body::read_body(
                    &mut rd,
                    &mut buf,
                    framing,
                    cfg.max_body_bytes,
                    max_trailers,
                    deadline,
                )
                .await
            }
        };
        let body = match result {
            Ok(body) => body,
            Err(BodyError::Status(status, reason)) => {
                w.send_error(status, reason);
                return close_after_error(w, rd).await;
            }
            Err(BodyError::Gone) => return,
        };
        let host = std::mem::take(&mut spare.host);
        let mut req = match Request::from_head(head, body, remote, host) {
            Ok(req) => req,
            Err(e) => {
                w.send_error(e.status, e.reason);
                return close_after_error(w, rd).await;
            }
        };

        // 4. Run the handler. A panic is caught here so it only costs this connection.
        tracing::debug!(%remote, method = %req.method(), target = req.target(), "request");
        let close = match catch_unwind(shared.handler.serve_http(&mut w, &mut req)).await {
            Ok(()) => {
                let close = w.finish();
                tracing::debug!(
                    %remote,
                    status = w.status().as_u16(),
                    body_bytes = w.bytes_written(),
                    keep_alive = !close,
                    "response"
                );
                close
            }
            Err(panic) => {
                tracing::error!(
                    %remote,
                    method = %req.method(),
                    target = req.target(),
                    panic = panic_message(&*panic),
                    "handler panicked"
                );
                if !w.is_committed() {
                    w.send_error(StatusCode::INTERNAL_SERVER_ERROR, "");
                }
                true
            }
        };
        req.recycle_into(&mut spare);

        // 5. Close, or loop for the next request (its bytes may already be in `buf`).
        if close {
            let _ = w.flush_wire().await;
            return;
        }
    }
    // ANCHOR_END: loop
}

/// The request a protocol error answers: we cannot trust its method or version, so we answer as
/// HTTP/1.1 with a body and close.
fn error_exchange() -> Exchange {
    Exchange {
        is_head: false,
        version: Version::HTTP_11,
        keep_alive: false,
    }
}

/// Sends the error response, stops writing, and drains what the client still sends for a moment
/// (Go's `closeWriteAndWait`), so the client sees our answer rather than a reset.
async fn close_after_error(mut w: ResponseWriter, mut rd: OwnedReadHalf) {
    if w.flush_wire().await.is_err() {
        return;
    }
    w.shutdown_write().await;
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    let mut drained = 0usize;
    while drained < 256 * 1024 {
        match tokio::time::timeout_at(deadline, rd.read(&mut sink)).await {
            Ok(Ok(n)) if n > 0 => drained += n,
            _ => break,
        }
    }
}

/// Polls a handler future, turning a panic inside it into an `Err` (like `catch_unwind` for a
/// closure). The future is dropped after it panicked.
async fn catch_unwind<F>(mut fut: F) -> Result<F::Output, Box<dyn Any + Send>>
where
    F: Future + Unpin,
{
    std::future::poll_fn(move |cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(&mut fut).poll(cx))) {
            Ok(Poll::Ready(out)) => Poll::Ready(Ok(out)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    })
    .await
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "non-string panic payload"
    }
}
