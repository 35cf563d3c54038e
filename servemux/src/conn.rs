//! The life of one connection: the counterpart of Go's `(*conn).serve`.
//!
//! One tokio task runs [`serve_conn`] for each accepted connection. Its loop is Go's loop:
//!
//! ```text
//!   wait for the first byte ── idle timeout / shutdown ──> close
//!   read the request (head; the body stays on the wire) ── bad input ──> 4xx/5xx + close
//!   run the handler; it reads the body as a stream ─── panic ──> 500 + close
//!                                                  ─── hijacked ──> leave the socket alone
//!   finish: drop the unread body (up to 256 KiB), end the response ── must close? ──> close
//!   └── loop
//! ```
//!
//! Requests on one connection are handled one after another, so pipelined requests are answered in
//! order by construction. When the next request is already in the buffer, the finished response is
//! not flushed on its own: it shares one socket write with the responses after it — unless the
//! next request has a body, which its client may send only after reading that response.

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use bytes::BytesMut;
use http::StatusCode;
use tokio::time::Instant;

use crate::body::ConnIo;
use crate::conn_registry::{ConnSignal, Phase};
use crate::expect::ContinueGate;
use crate::head::Scratch;
use crate::panic::panic_message;
use crate::read::{read_request, try_read_request, Refusal};
use crate::server::{ConnState, Shared};
use crate::stream::ConnStream;
use crate::{Request, ResponseWriter};

/// How long we keep reading (and dropping) a client's bytes after answering it with an error, so
/// the kernel does not reset the connection before the client has read our answer.
const LINGER: Duration = Duration::from_millis(500);

/// The connection's read buffer. Before each wait for a request it is given this much room again:
/// the last request's head was split off its front, and once that request is recycled the buffer
/// can take the whole allocation back without allocating; a read into a sliver of leftover room
/// would cut the next head in two and send it down the slow path.
const READ_BUFFER: usize = 4096;

/// Unread body bytes the server reads and drops after a handler returns, to keep the connection
/// (Go's `maxPostHandlerReadBytes`). More than that, and closing is cheaper than reading.
pub(crate) const MAX_POST_HANDLER_READ: u64 = 256 * 1024;

/// Serves every request on `stream` (plain TCP, or TLS after its handshake) until the
/// connection should close.
pub(crate) async fn serve_conn(
    stream: ConnStream,
    remote: SocketAddr,
    shared: Arc<Shared>,
    signal: Arc<ConnSignal>,
) {
    // Two handles on one stream: the body reads through one, the response writes through the
    // other (see `stream`).
    let (rd, wr) = (stream.clone(), stream);
    let cfg = &shared.config;
    let gate = Arc::new(ContinueGate::default());
    let mut w = ResponseWriter::for_socket(
        wr,
        cfg.write_timeout,
        Some(signal.clone()),
        gate.clone(),
        Some((shared.clone(), remote)),
    );
    let mut io = ConnIo {
        rd,
        buf: BytesMut::with_capacity(READ_BUFFER),
    };
    let mut scratch = Scratch::default();
    let mut req = Request::for_connection(remote, io.rd.tls_info().cloned());
    let mut first = true;
    // Both waits come from the connection's signal (see `signal`): no lock shared with other
    // connections, and no tokio timer armed while the connection sits between requests.
    let mut shutdown = signal.reached(Phase::Draining);
    let mut idle = signal.idle_expired();

    // ANCHOR: loop
    loop {
        // ANCHOR: step1
        // 1. Wait for the start of a request: idle between requests, or cut by shutdown.
        if io.buf.is_empty() {
            // The last response goes out now, nearly always without an await.
            match w.try_flush_wire() {
                Ok(true) => {}
                Ok(false) if w.flush_rest().await.is_ok() => {}
                _ => return,
            }
            if !first {
                shared.set_state(remote, ConnState::Idle);
            }
            if signal.is_draining() {
                return;
            }
            // The idle time starts when the last response was finished; that clock reading was
            // already made for its `Date` header. The sweeper completes `idle` once it passed.
            let deadline = if first {
                Instant::now() + cfg.read_header_timeout
            } else {
                w.finished_at() + cfg.idle_timeout
            };
            signal.idle_until(deadline);
            io.buf.reserve(READ_BUFFER);
            tokio::select! {
                biased;
                read = io.rd.read_buf(&mut io.buf) => match read {
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
        // ANCHOR_END: step1

        // ANCHOR: step2
        // 2. Read the request: its head now, its body as the handler asks for it.
        let read = match try_read_request(io, &mut w, cfg, &mut scratch, &mut req, &gate) {
            Ok(read) => read,
            // Boxed: a head in pieces, or responses to send before a body, are rare, and this
            // future would otherwise sit in every connection's.
            Err(from) => {
                Box::pin(read_request(
                    from,
                    &mut w,
                    cfg,
                    &mut scratch,
                    &mut req,
                    &gate,
                ))
                .await
            }
        };
        match read {
            Ok(()) => {}
            Err(Refusal {
                io,
                answer: Some(e),
            }) => {
                w.send_error(e.status, e.reason);
                // Boxed: its drain buffer would otherwise be in every connection's future.
                return Box::pin(close_and_linger(w, io)).await;
            }
            Err(Refusal { answer: None, .. }) => return,
        }
        // ANCHOR_END: step2

        // ANCHOR: step3
        // 3. Run the handler. A panic is caught here so it only costs this connection.
        tracing::debug!(%remote, method = %req.method(), target = req.target(), "request");
        let outcome = catch_unwind(shared.handler.serve_http(&mut w, &mut req)).await;
        // A hijacked connection is the handler's now: nothing is finished, read or written here
        // (Go's `conn.serve` returns as soon as `c.hijacked()`).
        if w.is_hijacked() {
            if let Err(panic) = outcome {
                let panic = panic_message(&*panic);
                tracing::error!(%remote, panic, "handler panicked after hijack");
            }
            return;
        }
        let close = match outcome {
            // A body read to its end, as every request without one is, leaves nothing to drop.
            Ok(()) if req.wire_body_mut().is_done_cleanly() => end_response(&mut w, remote),
            Ok(()) => finish_request(&mut w, &mut req, remote).await,
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
        // ANCHOR_END: step3

        // ANCHOR: step4
        // 4. Take the read side back; close, or loop for the next request (its bytes may
        // already be in the buffer).
        let unread = req.wire_body_mut().left_unread();
        let Some(back) = req.end() else {
            return;
        };
        io = back;
        if close && unread {
            return Box::pin(close_and_linger(w, io)).await;
        } else if close {
            let _ = w.flush_wire().await;
            return;
        }
        // ANCHOR_END: step4
    }
    // ANCHOR_END: loop
}

/// Ends an exchange after the handler returned (Go's `finishRequest`): answers a body error the
/// handler left unanswered, drops what is left of the body, and finishes the response. Returns
/// whether the connection must close.
// ANCHOR: finish
async fn finish_request(w: &mut ResponseWriter, req: &mut Request, remote: SocketAddr) -> bool {
    let body = req.wire_body_mut();
    let committed = w.is_committed();
    if let Some(e) = body.error() {
        tracing::debug!(%remote, error = %e, "request body failed");
        match e.status() {
            Some(status) if !w.wrote_header() => w.send_error(status, &e.to_string()),
            // The client is gone or too slow, and the handler said nothing: nobody to answer.
            None if !w.wrote_header() => return true,
            _ => w.close_after_response(),
        }
    } else if !committed && !body.discard_rest(MAX_POST_HANDLER_READ).await {
        // Before the head goes out, so that it can say `Connection: close`.
        w.close_after_response();
    }
    let mut close = end_response(w, remote);
    // A head the handler already sent could not say it; the rest is dropped after it instead
    // (also before a close, as Go's `body.Close` does: unread bytes at close cost a reset).
    if committed && !body.discard_rest(MAX_POST_HANDLER_READ).await {
        tracing::debug!(%remote, "closing: the rest of the request body was not dropped");
        close = true;
    }
    close
}
// ANCHOR_END: finish

/// Finishes the response (see `ResponseWriter::finish`); whether the connection must close.
fn end_response(w: &mut ResponseWriter, remote: SocketAddr) -> bool {
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

/// Sends the response, stops writing, and drains what the client still sends for a moment (Go's
/// `closeWriteAndWait`), so the client sees our answer rather than a reset: closing a socket
/// with unread bytes makes the kernel send RST, and a client that receives it may lose the
/// response it had not read yet. Used after a refused request and when a connection closes
/// with part of its request body unread.
async fn close_and_linger(mut w: ResponseWriter, io: ConnIo) {
    if w.flush_wire().await.is_err() {
        return;
    }
    w.shutdown_write().await;
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    let mut drained = 0usize;
    while drained < 256 * 1024 {
        match tokio::time::timeout_at(deadline, io.rd.read(&mut sink)).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The connection future is what every open connection costs in memory (the idle-connection
    /// bench measures it): this pins its size, so a change that grows it is a decision, not an
    /// accident.
    #[tokio::test]
    async fn connection_future_size() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (stream, remote) = listener.accept().await.unwrap();
        let server = crate::Server::new(crate::handler_fn(|_w, _r| Box::pin(async {})));
        let shared = server.shared().clone();
        let registered = shared.conns_registry().add();
        let stream = ConnStream::plain(stream);
        let fut = serve_conn(stream, remote, shared.clone(), registered.signal().clone());
        let size = std::mem::size_of_val(&fut);
        drop(fut);
        drop(client);
        // Measured on the test profile before TLS came in (the stream handle stayed one pointer
        // wide, so TLS did not change it); an optimized build lays the future out smaller.
        assert!(
            size <= 2840,
            "the connection future grew to {size} bytes: every idle connection carries it"
        );
    }
}
