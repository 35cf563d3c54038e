//! gin's `c.File(path)`: a file from disk, as Go's `http.ServeFile` answers it.
//!
//! What is kept of `ServeFile`: `Content-Type` from the extension (text types get
//! `; charset=utf-8`, as Go's `mime` package adds) or, without one, a text/binary guess from the
//! first bytes; `Last-Modified` and a 304 for a matching `If-Modified-Since`; `Accept-Ranges` and
//! `Content-Length`; a single `Range: bytes=a-b` as a 206; 404/403/500 with Go's bodies. The file
//! is copied to the socket in chunks, never read whole. Not kept: multi-range answers, `ETag`
//! conditions, and the `index.html` redirects of directories (a directory is a 404 here, where Go
//! lists it).

use std::io::SeekFrom;
use std::path::Path;
use std::time::SystemTime;

use http::{HeaderValue, Method};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::context::Context;

const CHUNK: usize = 32 * 1024;

/// Go's `http.DetectContentType`, reduced to its text/binary verdict.
fn sniff(head: &[u8]) -> &'static str {
    let text = std::str::from_utf8(head).is_ok_and(|s| {
        !s.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c' | '\x1b'))
    });
    if text {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

fn content_type_for(path: &Path) -> Option<String> {
    path.extension()?;
    let mime = mime_guess::from_path(path).first()?;
    let s = mime.essence_str();
    Some(if s.starts_with("text/") {
        format!("{s}; charset=utf-8")
    } else {
        s.to_string()
    })
}

/// Why a `Range` header cannot be served (Go's `parseRange` errors).
enum RangeError {
    /// Malformed (Go: "invalid range").
    Invalid,
    /// Starts past the end (Go's `errNoOverlap`, which also sends `Content-Range: bytes */N`).
    NoOverlap,
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` against a file of `size` bytes, as Go's `parseRange`
/// reads a single range.
fn parse_range(h: &str, size: u64) -> Result<(u64, u64), RangeError> {
    let spec = h.strip_prefix("bytes=").ok_or(RangeError::Invalid)?;
    if spec.contains(',') {
        return Err(RangeError::Invalid);
    }
    let (a, b) = spec.split_once('-').ok_or(RangeError::Invalid)?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| RangeError::Invalid)?;
        if n == 0 {
            return Err(RangeError::NoOverlap);
        }
        return Ok((size.saturating_sub(n), size.saturating_sub(1)));
    }
    let start: u64 = a.parse().map_err(|_| RangeError::Invalid)?;
    if start >= size {
        return Err(RangeError::NoOverlap);
    }
    let end = if b.is_empty() {
        size - 1
    } else {
        let end: u64 = b.parse().map_err(|_| RangeError::Invalid)?;
        if start > end {
            return Err(RangeError::Invalid);
        }
        end.min(size - 1)
    };
    Ok((start, end))
}

impl Context<'_> {
    /// Answer with the file at `path` (gin's `c.File`).
    pub async fn file(&mut self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let meta = match tokio::fs::metadata(path).await {
            Ok(m) if m.is_file() => m,
            Ok(_) => return self.string_plain(404, "404 page not found\n").await,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return self.string_plain(404, "404 page not found\n").await
            }
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return self.string_plain(403, "403 Forbidden\n").await
            }
            Err(_) => return self.string_plain(500, "500 Internal Server Error\n").await,
        };
        let Ok(mut f) = tokio::fs::File::open(path).await else {
            return self.string_plain(403, "403 Forbidden\n").await;
        };
        let size = meta.len();
        let modified = meta.modified().ok().filter(|t| *t > SystemTime::UNIX_EPOCH);
        if let Some(m) = modified {
            let since = self
                .request()
                .headers()
                .get(http::header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| httpdate::parse_http_date(v).ok());
            // HTTP dates have whole seconds: compare at that precision, as Go does.
            let secs = |t: SystemTime| {
                t.duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            };
            let method = self.method().clone();
            if let Some(since) = since {
                if (method == Method::GET || method == Method::HEAD) && secs(m) <= secs(since) {
                    self.writer_headers().remove(http::header::CONTENT_TYPE);
                    self.insert_header(http::header::LAST_MODIFIED, &httpdate::fmt_http_date(m));
                    self.status(304);
                    return;
                }
            }
            self.insert_header(http::header::LAST_MODIFIED, &httpdate::fmt_http_date(m));
        }
        let ctype = match content_type_for(path) {
            Some(t) => t,
            None => {
                let mut head = vec![0u8; 512.min(size as usize)];
                let n = f.read(&mut head).await.unwrap_or(0);
                head.truncate(n);
                if f.seek(SeekFrom::Start(0)).await.is_err() {
                    return self.string_plain(500, "500 Internal Server Error\n").await;
                }
                sniff(&head).to_string()
            }
        };
        if !self
            .writer_headers()
            .contains_key(http::header::CONTENT_TYPE)
        {
            self.insert_header(http::header::CONTENT_TYPE, &ctype);
        }
        let range = self
            .request()
            .headers()
            .get(http::header::RANGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (start, len, code) = match range {
            None => (0, size, 200),
            Some(h) => match parse_range(&h, size) {
                Ok((a, b)) => {
                    self.insert_header(
                        http::header::CONTENT_RANGE,
                        &format!("bytes {a}-{b}/{size}"),
                    );
                    (a, b - a + 1, 206)
                }
                Err(RangeError::NoOverlap) => {
                    self.insert_header(http::header::CONTENT_RANGE, &format!("bytes */{size}"));
                    return self
                        .string_plain(416, "invalid range: failed to overlap\n")
                        .await;
                }
                Err(RangeError::Invalid) => {
                    return self.string_plain(416, "invalid range\n").await;
                }
            },
        };
        // Go sets this only once the range is known to be servable.
        self.insert_header(http::header::ACCEPT_RANGES, "bytes");
        self.insert_header(http::header::CONTENT_LENGTH, &len.to_string());
        self.status(code);
        if start > 0 && f.seek(SeekFrom::Start(start)).await.is_err() {
            return;
        }
        let mut left = len;
        let mut buf = vec![0u8; CHUNK];
        while left > 0 {
            let want = (left as usize).min(CHUNK);
            let n = match f.read(&mut buf[..want]).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if self.writer().write(&buf[..n]).await.is_err() {
                break;
            }
            left -= n as u64;
        }
    }

    fn insert_header(&mut self, name: http::HeaderName, value: &str) {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.writer_headers().insert(name, v);
        }
    }

    /// Go's `http.Error`: plain text, `X-Content-Type-Options: nosniff`.
    async fn string_plain(&mut self, code: u16, body: &str) {
        self.insert_header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8");
        self.insert_header(http::header::X_CONTENT_TYPE_OPTIONS, "nosniff");
        self.status(code);
        if let Err(e) = self.writer().write(body.as_bytes()).await {
            tracing::debug!(error = %e, "response write failed");
        }
    }
}
