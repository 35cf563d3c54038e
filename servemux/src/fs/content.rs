//! Serving one piece of content: Go's `http.ServeContent` (its `serveContent`).
//!
//! The decision order is Go's, step for step:
//!
//! 1. `Last-Modified` is set from the modification time (unless it is unknown);
//! 2. the preconditions ([`check_preconditions`]) may answer 304 or 412 and stop;
//! 3. the `Content-Type` is the handler's, else the name's extension's, else sniffed from the
//!    first 512 bytes (then the reader is rewound);
//! 4. the `Range` header (unless `If-Range` voided it) picks the bytes: none → 200 with all of
//!    them, one → 206 with `Content-Range`, several → 206 `multipart/byteranges`, none
//!    satisfiable → 416 with `Content-Range: bytes */SIZE` (but an empty file answers 200), and
//!    ranges adding up to more than the content are ignored;
//! 5. `Accept-Ranges: bytes` and an exact `Content-Length` are set, and for anything but HEAD
//!    the bytes are copied.
//!
//! The copy goes through two buffers of at most [`COPY_BUF`] bytes, reading the next piece while the
//! last is written: a file of any size is served in the same memory, and because the
//! `Content-Length` is declared the writer streams it raw, without chunking.

use std::io::SeekFrom;
use std::time::SystemTime;

use http::header::{self, HeaderValue};
use http::{Method, StatusCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt};

use super::conditional::{check_preconditions, is_zero_time, Preconditions};
use super::mime::{extension, type_by_extension};
use super::range::{
    closing, multipart_size, new_boundary, parse_range, part_head, total_length, RangeError,
};
use super::sniff::{detect_content_type, SNIFF_LEN};
use crate::{reply_error, Request, ResponseWriter};

/// The largest size of each of the two buffers a response is copied through: while one piece is
/// written to the client, the next is read into the other. A smaller response gets buffers of
/// its own size.
pub const COPY_BUF: usize = 128 * 1024;

/// Content that can be served: read in pieces and repositioned, like Go's `io.ReadSeeker`.
/// `tokio::fs::File` is one, and so is `std::io::Cursor<Vec<u8>>`.
pub trait Content: AsyncRead + AsyncSeek + Unpin + Send {}

impl<T: AsyncRead + AsyncSeek + Unpin + Send> Content for T {}

/// Replies with `content`, honouring `Range`, `If-Match`, `If-Unmodified-Since`,
/// `If-None-Match`, `If-Modified-Since` and `If-Range` (Go's `http.ServeContent`).
///
/// `name` only chooses the `Content-Type` by its extension (and may be empty); `modtime` is sent
/// as `Last-Modified` and compared with the date preconditions (`None` or the Unix epoch mean
/// unknown). An `ETag` the handler set on `w` beforehand takes part in the tag preconditions.
/// The size is found by seeking to the end.
pub async fn serve_content<C: Content>(
    w: &mut ResponseWriter,
    r: &Request,
    name: &str,
    modtime: Option<SystemTime>,
    content: &mut C,
) {
    let size = match content.seek(SeekFrom::End(0)).await {
        Ok(size) => content.seek(SeekFrom::Start(0)).await.map(|_| size),
        Err(e) => Err(e),
    };
    let size = size.map_err(|_| "seeker can't seek");
    serve_sized(w, r, name, modtime, size, content).await;
}

/// Go's `serveError`: the headers a caller set for a successful answer (`Cache-Control`,
/// `Content-Encoding`, `ETag`, `Last-Modified`) do not describe an error, so they go (Go 1.23+
/// default, `httpservecontentkeepheaders=0`), and so does a `Content-Length` (Go's `Error`).
pub async fn serve_error(w: &mut ResponseWriter, text: &str, code: StatusCode) {
    let h = w.header_mut();
    for name in [
        header::CACHE_CONTROL,
        header::CONTENT_ENCODING,
        header::ETAG,
        header::LAST_MODIFIED,
        header::CONTENT_LENGTH,
    ] {
        h.remove(name);
    }
    reply_error(w, text, code).await;
}

/// Go's `setLastModified`.
pub(crate) fn set_last_modified(w: &mut ResponseWriter, modtime: Option<SystemTime>) {
    if is_zero_time(modtime) {
        return;
    }
    if let Some(m) = modtime {
        let v = httpdate::fmt_http_date(m);
        if let Ok(v) = HeaderValue::from_str(&v) {
            w.header_mut().insert(header::LAST_MODIFIED, v);
        }
    }
}

fn set(w: &mut ResponseWriter, name: header::HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        w.header_mut().insert(name, v);
    }
}

// ANCHOR: serve_sized
// ANCHOR: sized_type
/// `serve_content` once the size is known (or failed to be): Go's `serveContent`. The file
/// server calls this directly with the size from the file's metadata.
pub(crate) async fn serve_sized<C: Content>(
    w: &mut ResponseWriter,
    r: &Request,
    name: &str,
    modtime: Option<SystemTime>,
    size: Result<u64, &'static str>,
    content: &mut C,
) {
    set_last_modified(w, modtime);
    let range_header = match check_preconditions(w, r.method(), r.headers(), modtime) {
        Preconditions::Done => return,
        Preconditions::Serve(range) => range,
    };

    // The handler's type wins; then the extension's; then the first bytes'.
    let ctype = match w.header().get(header::CONTENT_TYPE) {
        Some(v) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
        None => {
            let ctype = match type_by_extension(extension(name)) {
                Some(t) => t,
                None => {
                    let mut head = [0u8; SNIFF_LEN];
                    let n = read_full(content, &mut head).await;
                    let t = detect_content_type(&head[..n]);
                    if content.seek(SeekFrom::Start(0)).await.is_err() {
                        serve_error(w, "seeker can't seek", StatusCode::INTERNAL_SERVER_ERROR)
                            .await;
                        return;
                    }
                    t
                }
            };
            set(w, header::CONTENT_TYPE, ctype);
            ctype.to_owned()
        }
    };
    // ANCHOR_END: sized_type

    // ANCHOR: sized_ranges
    let size = match size {
        Ok(size) => size,
        Err(msg) => {
            serve_error(w, msg, StatusCode::INTERNAL_SERVER_ERROR).await;
            return;
        }
    };

    let mut ranges = match parse_range(&range_header, size) {
        Ok(ranges) => ranges,
        // Some clients put a Range on every request; an empty file answers them with itself.
        Err(RangeError::NoOverlap) if size == 0 => Vec::new(),
        Err(e) => {
            if e == RangeError::NoOverlap {
                set(w, header::CONTENT_RANGE, &format!("bytes */{size}"));
            }
            serve_error(w, e.message(), StatusCode::RANGE_NOT_SATISFIABLE).await;
            return;
        }
    };
    if total_length(&ranges) > size {
        // More bytes asked for than exist: an attack or a confused client; send it all once.
        ranges.clear();
    }
    // ANCHOR_END: sized_ranges

    // ANCHOR: sized_code
    let mut code = StatusCode::OK;
    let mut send_size = size;
    let mut boundary = None;
    match ranges.len() {
        0 => {}
        1 => {
            let ra = ranges[0];
            if let Err(e) = content.seek(SeekFrom::Start(ra.start)).await {
                serve_error(w, &e.to_string(), StatusCode::RANGE_NOT_SATISFIABLE).await;
                return;
            }
            send_size = ra.length;
            code = StatusCode::PARTIAL_CONTENT;
            set(w, header::CONTENT_RANGE, &ra.content_range(size));
        }
        _ => {
            let b = new_boundary();
            send_size = multipart_size(&ranges, &b, &ctype, size);
            code = StatusCode::PARTIAL_CONTENT;
            set(
                w,
                header::CONTENT_TYPE,
                &format!("multipart/byteranges; boundary={b}"),
            );
            boundary = Some(b);
        }
    }
    // ANCHOR_END: sized_code

    // ANCHOR: sized_send
    set(w, header::ACCEPT_RANGES, "bytes");
    // Go leaves the length out when the handler set a Content-Encoding (it may be compressing on
    // the fly), except for ranges.
    let encoded = w
        .header()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| !v.is_empty());
    if !ranges.is_empty() || !encoded {
        set(w, header::CONTENT_LENGTH, &send_size.to_string());
    }
    w.write_header(code);
    if r.method() == Method::HEAD {
        return;
    }

    // Buffers no larger than the largest piece to send: a 4 KiB file costs 4 KiB, not 2 x 128.
    let largest = match boundary {
        None => send_size,
        Some(_) => ranges.iter().map(|r| r.length).max().unwrap_or(0),
    };
    let piece = usize::try_from(largest)
        .unwrap_or(usize::MAX)
        .clamp(1, COPY_BUF);
    let mut buf = [vec![0u8; piece], Vec::new()];
    match boundary {
        None => {
            let _ = copy_n(w, content, send_size, &mut buf).await;
        }
        Some(b) => {
            for (i, ra) in ranges.iter().enumerate() {
                let head = part_head(&b, i == 0, ra, &ctype, size);
                if w.write(head.as_bytes()).await.is_err()
                    || content.seek(SeekFrom::Start(ra.start)).await.is_err()
                    || copy_n(w, content, ra.length, &mut buf).await.is_err()
                {
                    return;
                }
            }
            let _ = w.write(closing(&b).as_bytes()).await;
        }
    }
}
// ANCHOR_END: sized_send
// ANCHOR_END: serve_sized

/// Reads until `buf` is full or the content ends (Go's `io.ReadFull`, errors counted as the end).
async fn read_full<C: Content>(content: &mut C, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match content.read(&mut buf[n..]).await {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// Copies `n` bytes from `content` to `w` (Go's `io.CopyN`), reading the next piece into one
/// buffer while the last is written from the other, so the disk and the socket overlap. Stops
/// early when the content ends or a write fails; the writer then closes the connection, since
/// the body is short of its declared length.
async fn copy_n<C: Content>(
    w: &mut ResponseWriter,
    content: &mut C,
    mut n: u64,
    bufs: &mut [Vec<u8>; 2],
) -> std::io::Result<()> {
    let [a, b] = bufs;
    let (mut cur, mut next) = (a, b);
    let want = |n: u64, buf: &[u8]| buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
    if n == 0 {
        return Ok(());
    }
    let k = want(n, cur);
    let mut got = content.read(&mut cur[..k]).await?;
    loop {
        if got == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        n -= got as u64;
        if n == 0 {
            return w.write(&cur[..got]).await;
        }
        if next.is_empty() {
            // A second piece after all (the content is longer than one, or a read came short).
            next.resize(cur.len(), 0);
        }
        let k = want(n, next);
        let (read, written) = tokio::join!(content.read(&mut next[..k]), w.write(&cur[..got]));
        written?;
        got = read?;
        std::mem::swap(&mut cur, &mut next);
    }
}
