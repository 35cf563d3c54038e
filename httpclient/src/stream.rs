//! A response whose body is read piece by piece: [`StreamingResponse`] and its [`ResponseBody`].
//!
//! `send()` reads the whole body before it returns, like goinbox's `Response.Contents`. For a
//! download larger than memory, `send_streaming()` returns after the head instead, and the body
//! comes in pieces as the caller asks for them. Memory stays bounded by what the caller holds:
//! each piece is at most one socket read (64 KiB) or, for a compressed body, one decoder output
//! slice (64 KiB), handed out without a copy (`split_to` + `freeze` of the read buffer).
//!
//! Framing is `wire::BodyDecoder`'s, the same as for whole bodies and for the server: it says
//! which bytes of the buffer are body and never reads past the body's end. When the body is
//! complete, the connection goes back to the pool; a body dropped half read closes it.
//!
//! The client's `max_response_size` does not apply to a stream (the caller decides how much to
//! keep); `read_timeout` bounds each read, and the total `timeout` covers the time to the head.

use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use futures_util::Stream;
use http::{HeaderMap, StatusCode, Version};
use wire::BodyDecoder;

use crate::client::Client;
use crate::conn::{wire_failure, Conn};
use crate::decompress::Decoder;
use crate::error::{Error, ErrorKind, Timeout};

/// The largest piece handed out at once.
const PIECE: usize = 64 * 1024;

/// A response whose body has not been read yet.
#[derive(Debug)]
pub struct StreamingResponse {
    pub(crate) status: StatusCode,
    pub(crate) version: Version,
    pub(crate) headers: HeaderMap,
    pub(crate) url: String,
    pub(crate) elapsed: Duration,
    pub(crate) uncompressed: bool,
    pub(crate) body: ResponseBody,
}

impl StreamingResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// HTTP/1.0 or HTTP/1.1.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The response headers (without `Content-Encoding`/`Content-Length` when the body is
    /// decoded for you, as Go's `Response.Uncompressed`).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The URL that produced this response, after redirects.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Time from `send_streaming` to the response head.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// True when the server sent a gzip/deflate body that is decoded transparently.
    pub fn uncompressed(&self) -> bool {
        self.uncompressed
    }

    /// The next piece of the body; `None` at its end. Shorthand for `body_mut().chunk()`.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        self.body.chunk().await
    }

    /// The body alone.
    pub fn into_body(self) -> ResponseBody {
        self.body
    }
}

/// The body of a [`StreamingResponse`].
#[derive(Debug)]
pub struct ResponseBody {
    /// `None` once the body is over (the connection is then pooled or closed).
    pub(crate) conn: Option<Conn>,
    pub(crate) framing: BodyDecoder,
    pub(crate) reusable: bool,
    pub(crate) client: Client,
    pub(crate) decoder: Option<Decoder>,
    /// Compressed bytes read but not yet decoded.
    pub(crate) pending: Bytes,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) url: String,
    pub(crate) failed: bool,
}

impl ResponseBody {
    // ANCHOR: chunk
    // ANCHOR: chunk_public
    /// The next piece of the body (never empty); `None` at its end. After an error the body is
    /// over and the connection closed.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        if self.failed {
            return Ok(None);
        }
        let result = self.next_piece().await;
        if result.is_err() {
            self.failed = true;
            self.conn = None;
        }
        result.map_err(|k| Error::new(k, self.url.as_str()))
    }
    // ANCHOR_END: chunk_public

    // ANCHOR: next_piece
    async fn next_piece(&mut self) -> Result<Option<Bytes>, ErrorKind> {
        let Some(decoder) = self.decoder.as_mut() else {
            return self.raw_piece().await;
        };
        let mut out = BytesMut::zeroed(PIECE);
        loop {
            // Decode what we hold (also with no input: the inflater may hold output).
            let (used, written) = decoder
                .decode(&self.pending, &mut out)
                .map_err(ErrorKind::Decode)?;
            self.pending.advance(used);
            if written > 0 {
                out.truncate(written);
                return Ok(Some(out.freeze()));
            }
            if used > 0 {
                continue;
            }
            match raw_piece(
                &mut self.conn,
                &mut self.framing,
                &mut self.reusable,
                &self.client,
                self.read_timeout,
            )
            .await?
            {
                // Input the decoder could not use yet (a split header or trailer) is kept.
                Some(bytes) if self.pending.is_empty() => self.pending = bytes,
                Some(bytes) => {
                    let mut joined = BytesMut::with_capacity(self.pending.len() + bytes.len());
                    joined.extend_from_slice(&self.pending);
                    joined.extend_from_slice(&bytes);
                    self.pending = joined.freeze();
                }
                None => {
                    decoder.finish().map_err(ErrorKind::Decode)?;
                    return Ok(None);
                }
            }
        }
    }
    // ANCHOR_END: next_piece
    // ANCHOR_END: chunk

    async fn raw_piece(&mut self) -> Result<Option<Bytes>, ErrorKind> {
        raw_piece(
            &mut self.conn,
            &mut self.framing,
            &mut self.reusable,
            &self.client,
            self.read_timeout,
        )
        .await
    }

    /// Reads the rest of the body and drops it (so the connection can be reused).
    pub async fn discard(&mut self) -> Result<u64, Error> {
        let mut n = 0;
        while let Some(piece) = self.chunk().await? {
            n += piece.len() as u64;
        }
        Ok(n)
    }

    /// The body as a `futures` stream of pieces.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send {
        futures_util::stream::unfold(self, |mut body| async move {
            match body.chunk().await {
                Ok(Some(piece)) => Some((Ok(piece), body)),
                Ok(None) => None,
                Err(e) => Some((Err(e), body)),
            }
        })
    }
}

/// The next run of body bytes from the connection, framing removed.
async fn raw_piece(
    conn_slot: &mut Option<Conn>,
    framing: &mut BodyDecoder,
    reusable: &mut bool,
    client: &Client,
    read_timeout: Option<Duration>,
) -> Result<Option<Bytes>, ErrorKind> {
    let Some(conn) = conn_slot.as_mut() else {
        return Ok(None);
    };
    loop {
        if framing.is_done() {
            // Bytes after the body nobody asked for: the stream is out of step.
            let conn = conn_slot.take();
            if let Some(conn) = conn {
                if *reusable && conn.read_buf.is_empty() {
                    client.pool().put(conn);
                }
            }
            return Ok(None);
        }
        if !conn.read_buf.is_empty() {
            // At most one piece's worth at a time, whatever the read brought in.
            let step = framing
                .decode(&conn.read_buf, PIECE)
                .map_err(|e| wire_failure(e).kind)?;
            if !step.data.is_empty() {
                conn.read_buf.advance(step.data.start);
                let piece = conn.read_buf.split_to(step.data.len()).freeze();
                conn.read_buf.advance(step.consumed - step.data.end);
                return Ok(Some(piece));
            }
            conn.read_buf.advance(step.consumed);
            if step.consumed > 0 || framing.is_done() {
                continue;
            }
        }
        if conn.read_buf.capacity() - conn.read_buf.len() < PIECE / 4 {
            conn.read_buf.reserve(PIECE);
        }
        let read = tokio::io::AsyncReadExt::read_buf(&mut conn.stream, &mut conn.read_buf);
        let n = match read_timeout {
            Some(d) => tokio::time::timeout(d, read)
                .await
                .map_err(|_| ErrorKind::Timeout(Timeout::Read))?,
            None => read.await,
        };
        let n = match n {
            Ok(n) => n,
            Err(e) if crate::conn::is_eof(&e) => 0,
            Err(e) => return Err(ErrorKind::Io(e)),
        };
        if n == 0 {
            // The end of a read-until-close body, or a body cut short.
            *reusable = false;
            framing.end_of_input().map_err(|e| wire_failure(e).kind)?;
            *conn_slot = None;
            return Ok(None);
        }
    }
}
