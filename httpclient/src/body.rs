//! A request body: bytes in memory, or a stream sent with chunked transfer coding.
//!
//! The difference matters beyond framing. A byte body can be sent again — after a pooled
//! connection turned out dead, after a 307, on a retry — because `Bytes` is a cheap handle to the
//! same memory. A stream is consumed as it is sent, so a request with a stream body is sent at
//! most once: it is never retried and a redirect that would repeat it is not followed (Go's
//! `Request.GetBody == nil` case).
//!
//! `wire` has a chunked decoder but no encoder; the encoder is the six lines of
//! [`write_chunked`]: `SIZE-IN-HEX CRLF data CRLF` per chunk, `0 CRLF CRLF` at the end.

use std::fmt;
use std::io;
use std::io::Write as _;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::conn::{write_failure, Failure};
use crate::error::ErrorKind;

/// The stream type a streamed request body is kept as.
pub(crate) type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, io::Error>> + Send>>;

/// What a request sends after its head.
pub(crate) enum Body {
    Bytes(Bytes),
    Stream(BodyStream),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Bytes(b) => write!(f, "Body::Bytes({} bytes)", b.len()),
            Body::Stream(_) => f.write_str("Body::Stream"),
        }
    }
}

impl Body {
    /// Whether the body can be sent again (Go: `GetBody != nil` or no body at all).
    pub fn is_replayable(&self) -> bool {
        matches!(self, Body::Bytes(_))
    }

    /// `Some(len)` for a byte body (sent with `Content-Length`), `None` for a stream (chunked).
    pub fn known_len(&self) -> Option<usize> {
        match self {
            Body::Bytes(b) => Some(b.len()),
            Body::Stream(_) => None,
        }
    }
}

// ANCHOR: chunked
/// Sends `stream` as a chunked body. `scratch` is the connection's head buffer, reused for the
/// chunk-size lines. An error of the stream itself ends the request with that error; the
/// connection is then closed by the caller (the body is incomplete on the wire).
pub(crate) async fn write_chunked<W: AsyncWrite + Unpin>(
    io: &mut W,
    stream: &mut BodyStream,
    scratch: &mut Vec<u8>,
) -> Result<(), Failure> {
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Failure::from(ErrorKind::Io(e)))?;
        if chunk.is_empty() {
            continue; // an empty chunk would end the body
        }
        scratch.clear();
        let _ = write!(scratch, "{:x}\r\n", chunk.len());
        io.write_all(scratch).await.map_err(write_failure)?;
        io.write_all(&chunk).await.map_err(write_failure)?;
        io.write_all(b"\r\n").await.map_err(write_failure)?;
    }
    io.write_all(b"0\r\n\r\n").await.map_err(write_failure)
}
// ANCHOR_END: chunked
