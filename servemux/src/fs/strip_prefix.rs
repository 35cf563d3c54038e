//! Mounting a handler under a path prefix: Go's `http.StripPrefix`.
//!
//! `StripPrefix::new("/static/", FileServer::dir("public"))` serves `public/app.js` at
//! `/static/app.js`. The prefix is removed from both the decoded path and the path as sent;
//! a request whose path lacks the prefix gets a 404, as in Go.
//!
//! Our [`Request`] keeps its path inside the request target, so the inner handler gets a new
//! request built from the stripped target with the same method and headers, and the body
//! handed over for the call and taken back after. Two differences from Go follow: the inner
//! path always starts with `/` (Go's may be `x`; a file server adds the slash itself), and the
//! inner request reports `Request::new`'s version and remote address.

use crate::redirect::escape_path;
use crate::{not_found, BoxFuture, Handler, Request, ResponseWriter};

/// A handler that serves requests under `prefix` by `inner`, with the prefix removed.
pub struct StripPrefix<H> {
    prefix: String,
    inner: H,
}

impl<H> std::fmt::Debug for StripPrefix<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripPrefix")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl<H: Handler> StripPrefix<H> {
    /// Go's `http.StripPrefix(prefix, h)`.
    pub fn new(prefix: impl Into<String>, inner: H) -> StripPrefix<H> {
        StripPrefix {
            prefix: prefix.into(),
            inner,
        }
    }
}

/// The stripped raw path for `r`, or `None` when Go would answer 404: the decoded path lacks the
/// prefix, or the path was sent in a non-default encoding (Go's `RawPath` is set) that does not
/// itself start with the prefix.
pub fn stripped_raw_path(prefix: &str, r: &Request) -> Option<String> {
    let p = r.path().strip_prefix(prefix)?;
    if prefix.is_empty() {
        return Some(r.raw_path().to_owned());
    }
    if let Some(rp) = r.raw_path().strip_prefix(prefix) {
        return Some(rp.to_owned());
    }
    let mut default = String::new();
    escape_path(r.path(), &mut default);
    if default != r.raw_path() {
        return None;
    }
    let mut out = String::new();
    escape_path(p, &mut out);
    Some(out)
}

impl<H: Handler> Handler for StripPrefix<H> {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            let Some(raw) = stripped_raw_path(&self.prefix, r) else {
                not_found(w).await;
                return;
            };
            let mut target = String::with_capacity(raw.len() + r.raw_query().len() + 2);
            if !raw.starts_with('/') {
                target.push('/');
            }
            target.push_str(&raw);
            if !r.raw_query().is_empty() {
                target.push('?');
                target.push_str(r.raw_query());
            }
            let Ok(inner) = Request::new(r.method().clone(), &target) else {
                not_found(w).await;
                return;
            };
            let mut inner = inner.with_headers(r.headers().clone());
            std::mem::swap(inner.body_mut(), r.body_mut());
            self.inner.serve_http(w, &mut inner).await;
            std::mem::swap(inner.body_mut(), r.body_mut());
        })
    }
}
