//! A response recorder: Go's `httptest.ResponseRecorder`, kept apart from the writer the server
//! hands its handlers, the way Go keeps `httptest` out of `net/http`.
//!
//! A [`Recorder`] owns a [`ResponseWriter`] with no socket behind it: the writer's output, its one
//! seam, is this module's `Recording` instead of the connection's stream (the socket side is in
//! `response`). A handler writes through [`Recorder::writer`] as it would to a client; the recorder
//! keeps the status, the handler's own headers and the body (de-chunked), and writes no head: as
//! with Go's recorder, the framing headers a server adds (`Content-Length`, `Connection`, `Date`)
//! are not recorded. It answers a keep-alive HTTP/1.1 GET.
//!
//! ```
//! use servemux::{handler_fn, Handler, Recorder, Request};
//! use servemux::http::{Method, StatusCode};
//!
//! let hello = handler_fn(|w, _r| Box::pin(async move {
//!     w.write_header(StatusCode::ACCEPTED);
//!     let _ = w.write(b"hello").await;
//! }));
//! let mut rec = Recorder::new();
//! let mut r = Request::new(Method::GET, "/").unwrap();
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! rt.block_on(hello.serve_http(rec.writer(), &mut r));
//! rec.finish();
//! assert_eq!((rec.status(), rec.body()), (StatusCode::ACCEPTED, &b"hello"[..]));
//! ```

use http::{HeaderMap, StatusCode, Version};

use crate::response::Exchange;
use crate::ResponseWriter;

/// The request every recording answers: a keep-alive HTTP/1.1 GET.
const RECORDED: Exchange = Exchange {
    is_head: false,
    version: Version::HTTP_11,
    keep_alive: true,
};

/// The memory side of a writer's output: the committed body, unframed (the writer chunks only what
/// goes to a socket), and no head.
#[derive(Debug, Default)]
pub(crate) struct Recording {
    body: Vec<u8>,
}

impl Recording {
    /// Keeps committed body bytes.
    pub(crate) fn record(&mut self, bytes: &[u8]) {
        self.body.extend_from_slice(bytes);
    }
}

/// A handler's response, recorded in memory.
#[derive(Debug)]
pub struct Recorder {
    writer: ResponseWriter,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder::new()
    }
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Recorder {
        Recorder {
            writer: ResponseWriter::for_memory(Recording::default()),
        }
    }

    /// The writer to hand the handler.
    pub fn writer(&mut self) -> &mut ResponseWriter {
        &mut self.writer
    }

    /// Ends the response as the server does when the handler returns: bytes the writer still
    /// buffers are committed. Call it before reading the body.
    pub fn finish(&mut self) {
        self.writer.finish();
    }

    /// The status the handler set (200 if it set none).
    pub fn status(&self) -> StatusCode {
        self.writer.status()
    }

    /// The handler's headers.
    pub fn header(&self) -> &HeaderMap {
        self.writer.header()
    }

    /// The body written so far (committed bytes; see [`finish`](Recorder::finish)).
    pub fn body(&self) -> &[u8] {
        self.writer.recording().map_or(&[], |r| &r.body)
    }

    /// Empties the recorder for the next request (benches reuse one).
    pub fn reset(&mut self) {
        self.writer.begin(RECORDED);
        if let Some(recording) = self.writer.recording_mut() {
            recording.body.clear();
        }
    }
}
