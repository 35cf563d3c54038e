//! The response a request resolves to: status, headers, and the whole body.
//!
//! goinbox's `Response` embeds Go's `*http.Response` and adds `Contents []byte` (the body, read
//! to the end) and `T` (the time the request took). This is the same shape: the body is always
//! read completely before `send` returns — the connection is then already back in the pool —
//! and the elapsed time is kept.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode, Version};
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind};

/// A complete HTTP response.
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) status: StatusCode,
    pub(crate) version: Version,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) url: String,
    pub(crate) elapsed: Duration,
    pub(crate) uncompressed: bool,
}

impl Response {
    /// The status code (`200 OK`, `302 Found`, ...).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// HTTP/1.0 or HTTP/1.1, as the server answered.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body (chunked encoding already removed). Cheap to clone: it is a `Bytes`.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Takes the body out of the response.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The body as text; invalid UTF-8 is replaced, never an error (as Go's `string(b)`).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| Error::new(ErrorKind::Json(e), &self.url))
    }

    /// The URL that produced this response — after redirects, the last one.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// True when the server sent a gzip/deflate body that was decoded for you (Go's
    /// `Response.Uncompressed`); `Content-Encoding` and `Content-Length` are then removed.
    pub fn uncompressed(&self) -> bool {
        self.uncompressed
    }

    /// Time from `send` to the complete body (goinbox's `Response.T`).
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}
