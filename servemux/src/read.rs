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
use crate::head::{parse_head_into, BodyFraming, HeadError, HeadFacts, Scratch};
use crate::response::Exchange;
use crate::{Config, Request, ResponseWriter};

/// Why no request came out of the connection; the read side comes back with it.
pub(crate) struct Refusal {
    pub io: ConnIo,
    /// The error to answer with before closing; `None` to close without a word (the client left
    /// or was too slow).
    pub answer: Option<HeadError>,
}

/// Where the waiting read, [`read_request`], takes over from [`try_read_request`].
pub(crate) enum Resume {
    /// The head is not all in the buffer yet.
    Head(ConnIo),
    /// The head is read, and the request has a body: the finished responses before it, which
    /// the socket did not take at once, must go out before that body is waited for.
    Flush(ConnIo, HeadFacts),
}

/// Reads the next request from `io` without waiting, when it can: its head is all in the
/// buffer, and if it has a body, nothing is left to send before it. That is nearly every
/// request, and this path is a plain function call, so nothing of it is kept in the
/// connection's future. Otherwise says where [`read_request`] takes over.
pub(crate) fn try_read_request(
    mut io: ConnIo,
    w: &mut ResponseWriter,
    cfg: &Config,
    scratch: &mut Scratch,
    req: &mut Request,
    gate: &Arc<ContinueGate>,
) -> Result<Result<(), Refusal>, Resume> {
    match parse_head_into(&mut io.buf, cfg, scratch, req.head_fields()) {
        Ok(Some((head, _len))) => {
            // A client may send a body only after reading the responses before it, so those go
            // out first; without a body they wait to share one write with this one's.
            if head.framing != BodyFraming::Empty && w.has_unflushed() {
                match w.try_flush_wire() {
                    Ok(true) => {}
                    Ok(false) => return Err(Resume::Flush(io, head)),
                    Err(_) => return Ok(Err(Refusal { io, answer: None })),
                }
            }
            Ok(start_request(io, head, None, w, cfg, req, gate))
        }
        // Nothing was taken from the buffer.
        Ok(None) => Err(Resume::Head(io)),
        Err(e) => Ok(Err(refuse(io, e, w, req))),
    }
}

/// Reads the next request from `io`, whose buffer already holds at least its first byte, into
/// `req`, the connection's one request value (filled in place, never moved).
///
/// Any finished response still in `w` goes out before this waits on the socket: for the rest of
/// a head, or for a body the client may send only once it has read that response.
pub(crate) async fn read_request(
    from: Resume,
    w: &mut ResponseWriter,
    cfg: &Config,
    scratch: &mut Scratch,
    req: &mut Request,
    gate: &Arc<ContinueGate>,
) -> Result<(), Refusal> {
    let (mut io, head) = match from {
        Resume::Head(io) => (io, None),
        Resume::Flush(io, head) => {
            if w.flush_rest().await.is_err() {
                return Err(Refusal { io, answer: None });
            }
            (io, Some(head))
        }
    };
    let remote = req.remote_addr();
    // The head's clock starts the first time it is found incomplete: a head that came whole in
    // one read (nearly every request) needs no deadline, and reading the clock is not free.
    let mut deadline = None;
    let head = match head {
        Some(head) => head,
        None => loop {
            match parse_head_into(&mut io.buf, cfg, scratch, req.head_fields()) {
                Ok(Some((head, _len))) => break head,
                Ok(None) => {}
                Err(e) => return Err(refuse(io, e, w, req)),
            }
            if w.has_unflushed() && w.flush_wire().await.is_err() {
                return Err(Refusal { io, answer: None });
            }
            let deadline =
                *deadline.get_or_insert_with(|| Instant::now() + cfg.read_header_timeout);
            let more = tokio::time::timeout_at(deadline, io.rd.read_buf(&mut io.buf));
            match more.await {
                Ok(Ok(n)) if n > 0 => {}
                _ => {
                    tracing::debug!(%remote, "closing: request head not completed in time");
                    return Err(Refusal { io, answer: None });
                }
            }
        },
    };
    let mut body_deadline = None;
    if head.framing != BodyFraming::Empty {
        if w.has_unflushed() && w.flush_wire().await.is_err() {
            return Err(Refusal { io, answer: None });
        }
        body_deadline = Some(Instant::now() + cfg.read_body_timeout);
    }
    start_request(io, head, body_deadline, w, cfg, req, gate)
}

/// A head was parsed: starts the exchange and hands the read side to the request's body,
/// framed by the head. `body_deadline` is when a body must have arrived (made here if `None`).
fn start_request(
    io: ConnIo,
    head: HeadFacts,
    body_deadline: Option<Instant>,
    w: &mut ResponseWriter,
    cfg: &Config,
    req: &mut Request,
    gate: &Arc<ContinueGate>,
) -> Result<(), Refusal> {
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
    let deadline = match framing {
        BodyFraming::Empty => None,
        _ => Some(body_deadline.unwrap_or_else(|| Instant::now() + cfg.read_body_timeout)),
    };
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

/// A head that cannot be served: answered with `e`'s status, then the connection closes.
fn refuse(io: ConnIo, e: HeadError, w: &mut ResponseWriter, req: &Request) -> Refusal {
    tracing::debug!(remote = %req.remote_addr(), error = %e, "refusing request head");
    w.begin(Exchange::for_error());
    Refusal {
        io,
        answer: Some(e),
    }
}
