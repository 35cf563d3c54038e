//! Reading one request: the head (within the read-header timeout), then the body as a stream.
//!
//! This is the part of Go's `conn.serve` that is `c.readRequest`: it waits for a complete head,
//! validates it, and hands the connection's read side to the request's [`Body`], framed by the
//! head, with the body's deadline and the `100 Continue` the head asked for. Nothing of the body
//! is read here: the handler reads it.

use std::sync::Arc;

use http::{Method, Version};
use tokio::time::Instant;

use crate::body::{Body, ConnIo};
use crate::expect::ContinueGate;
use crate::head::{parse_head_into, BodyFraming, HeadError, Scratch};
use crate::response::Exchange;
use crate::{Config, Request, ResponseWriter};

/// Why no request came out of the connection; the read side comes back with it.
pub(crate) struct Refusal {
    pub io: ConnIo,
    /// The error to answer with before closing; `None` to close without a word (the client left
    /// or was too slow).
    pub answer: Option<HeadError>,
}

/// Reads the next request from `io`, whose buffer already holds at least its first byte, into
/// `req`, the connection's one request value (filled in place, never moved).
///
/// Any finished response still in `w` goes out before this waits on the socket: for the rest of
/// a head, or for a body the client may send only once it has read that response.
pub(crate) async fn read_request(
    mut io: ConnIo,
    w: &mut ResponseWriter,
    cfg: &Config,
    scratch: &mut Scratch,
    req: &mut Request,
    gate: &Arc<ContinueGate>,
) -> Result<(), Refusal> {
    let remote = req.remote_addr();
    // The head's clock starts the first time it is found incomplete: a head that came whole in
    // one read (nearly every request) needs no deadline, and reading the clock is not free.
    let mut deadline = None;
    let head = loop {
        match parse_head_into(&mut io.buf, cfg, scratch, req.head_fields()) {
            Ok(Some((head, _len))) => break head,
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(%remote, error = %e, "refusing request head");
                w.begin(Exchange::for_error());
                return Err(Refusal {
                    io,
                    answer: Some(e),
                });
            }
        }
        if w.has_unflushed() && w.flush_wire().await.is_err() {
            return Err(Refusal { io, answer: None });
        }
        let deadline = *deadline.get_or_insert_with(|| Instant::now() + cfg.read_header_timeout);
        // Boxed, as the writer's slow path is: a head that does not come whole is rare, and its
        // timer would otherwise sit in every connection's future.
        let more = Box::pin(tokio::time::timeout_at(
            deadline,
            io.rd.read_buf(&mut io.buf),
        ));
        match more.await {
            Ok(Ok(n)) if n > 0 => {}
            _ => {
                tracing::debug!(%remote, "closing: request head not completed in time");
                return Err(Refusal { io, answer: None });
            }
        }
    };

    w.begin(Exchange {
        is_head: head.method == Method::HEAD,
        version: head.version,
        keep_alive: head.keep_alive,
    });
    let framing = head.framing;
    let expect = head.expect_continue && head.version == Version::HTTP_11;
    if let Err(e) = req.begin(head.method, head.version) {
        return Err(Refusal {
            io,
            answer: Some(e),
        });
    }
    gate.reset(expect && framing != BodyFraming::Empty);
    let mut deadline = None;
    if framing != BodyFraming::Empty {
        if w.has_unflushed() && w.flush_wire().await.is_err() {
            return Err(Refusal { io, answer: None });
        }
        deadline = Some(Instant::now() + cfg.read_body_timeout);
    }
    req.attach_body(Body::from_conn(
        io,
        framing,
        cfg.max_body_bytes as u64,
        cfg.max_header_bytes,
        (expect && framing != BodyFraming::Empty).then(|| gate.clone()),
        deadline,
    ));
    Ok(())
}
