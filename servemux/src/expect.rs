//! `Expect: 100-continue`: the one decision the body reader and the response writer share.
//!
//! A client that sends `Expect: 100-continue` holds its body back until the server says
//! `100 Continue`. Go sends it when the handler first reads the body (`expectContinueReader`), and
//! not at all once the handler has started its response: a handler that answers `413` without
//! reading should not invite the client to upload first. The reader lives in the request and the
//! writer in the response, so the decision is an atomic both can see, one per connection:
//!
//! ```text
//!   NONE ──(request expects)──> OWED ──(first body read)──> SENDING ──> SENT
//!                                 └────(response commits)──> REFUSED
//! ```
//!
//! The interim response is written through the body's handle on the connection (see `stream`:
//! both handles can write), since the writer is the handler's to use while it runs; nothing else
//! is written between the head being read and the body being asked for, so the bytes cannot
//! interleave.

use std::io;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::task::{ready, Context, Poll};

use crate::stream::ConnStream;

const NONE: u8 = 0;
const OWED: u8 = 1;
const SENDING: u8 = 2;
const SENT: u8 = 3;
const REFUSED: u8 = 4;

const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// Whether a `100 Continue` is owed on the current request of a connection.
#[derive(Debug, Default)]
pub(crate) struct ContinueGate {
    state: AtomicU8,
    /// Bytes of the interim response already written (a write may be partial).
    written: AtomicUsize,
}

impl ContinueGate {
    /// A new request arrived; `owed` when it expects `100 Continue`.
    pub(crate) fn reset(&self, owed: bool) {
        self.written.store(0, Ordering::Relaxed);
        self.state
            .store(if owed { OWED } else { NONE }, Ordering::Release);
    }

    /// The response is being committed: from now on no interim response may be sent.
    pub(crate) fn refuse(&self) {
        // Nearly every request expects nothing: a load decides that without a locked operation.
        if self.state.load(Ordering::Acquire) != OWED {
            return;
        }
        let _ = self
            .state
            .compare_exchange(OWED, REFUSED, Ordering::AcqRel, Ordering::Acquire);
    }

    /// Whether a `100 Continue` was owed on this request and never went out (refused, or the body
    /// was never read): the client may still be holding its body back.
    pub(crate) fn withheld(&self) -> bool {
        matches!(self.state.load(Ordering::Acquire), OWED | SENDING | REFUSED)
    }

    /// Called on each body read: sends `100 Continue` the first time, if it is still owed.
    pub(crate) fn poll_send(
        &self,
        cx: &mut Context<'_>,
        sock: &ConnStream,
    ) -> Poll<io::Result<()>> {
        match self
            .state
            .compare_exchange(OWED, SENDING, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => {}
            Err(SENDING) => {}
            Err(_) => return Poll::Ready(Ok(())),
        }
        loop {
            let at = self.written.load(Ordering::Relaxed);
            if at == CONTINUE.len() {
                // A TLS session may still hold the record.
                ready!(sock.poll_flush(cx))?;
                self.state.store(SENT, Ordering::Release);
                return Poll::Ready(Ok(()));
            }
            match ready!(sock.poll_write(cx, &CONTINUE[at..])) {
                Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Ok(n) => self.written.store(at + n, Ordering::Relaxed),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}
