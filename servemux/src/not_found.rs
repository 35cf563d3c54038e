//! Error replies: Go's `http.Error`, `http.NotFound` and `http.NotFoundHandler`.
//!
//! When no pattern matches, [`ServeMux`](crate::ServeMux) hands the request to [`NotFoundHandler`],
//! which answers exactly as Go's does: status 404, body `404 page not found\n`, a plain-text
//! `Content-Type` and `X-Content-Type-Options: nosniff` so that no browser sniffs the text into
//! something executable.

use http::header::{self, HeaderValue};
use http::StatusCode;

use crate::{BoxFuture, Handler, Request, ResponseWriter};

/// Replies with `code` and the plain-text body `message` plus a newline (Go's `http.Error`).
///
/// The caller should write nothing more to `w` afterwards.
pub async fn reply_error(w: &mut ResponseWriter, message: &str, code: StatusCode) {
    let h = w.header_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    w.write_header(code);
    let mut body = Vec::with_capacity(message.len() + 1);
    body.extend_from_slice(message.as_bytes());
    body.push(b'\n'); // Go writes the message with Fprintln
    let _ = w.write(&body).await;
}

/// Replies `404 page not found` (Go's `http.NotFound`).
pub async fn not_found(w: &mut ResponseWriter) {
    reply_error(w, "404 page not found", StatusCode::NOT_FOUND).await;
}

/// The handler every [`ServeMux`](crate::ServeMux) falls back to (Go's `http.NotFoundHandler()`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NotFoundHandler;

impl Handler for NotFoundHandler {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, _r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(not_found(w))
    }
}
