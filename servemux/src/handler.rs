//! The handler interface: Go's `http.Handler` and `http.HandlerFunc`.
//!
//! Go's handler is `ServeHTTP(w ResponseWriter, r *Request)`, and it may block on I/O because every
//! connection has its own goroutine. Our counterpart must not block a tokio worker, so serving
//! returns a future. The future borrows the writer and the request for as long as it runs, exactly
//! like Go's handler borrows `w` and `r` until it returns.
//!
//! Why a boxed future and not `async fn` in the trait: routers keep handlers of many types in one
//! table (`Arc<dyn Handler>`), and a trait with `async fn` cannot be made into such a trait object.
//! One small allocation per request buys a router that is a plain map of trait objects.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{Request, ResponseWriter};

/// A future that may be sent across threads, borrowing for `'a`.
pub type BoxFuture<'a, T = ()> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Responds to one HTTP request, like Go's `http.Handler`.
///
/// The handler writes headers and body through `w`; when its future completes, the server finishes
/// the response (`Content-Length` or the last chunk) and reads the next request on the connection.
// ANCHOR: trait
pub trait Handler: Send + Sync + 'static {
    /// Serves one request. Mirrors Go's `ServeHTTP(w, r)`.
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a>;
}
// ANCHOR_END: trait

impl<H: Handler + ?Sized> Handler for Arc<H> {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        (**self).serve_http(w, r)
    }
}

impl<H: Handler + ?Sized> Handler for Box<H> {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        (**self).serve_http(w, r)
    }
}

/// A plain function or closure used as a [`Handler`]: Go's `http.HandlerFunc`.
///
/// Built by [`handler_fn`].
#[derive(Clone)]
pub struct HandlerFn<F> {
    f: F,
}

impl<F> std::fmt::Debug for HandlerFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandlerFn")
    }
}

/// Turns a closure into a [`Handler`], as Go's `http.HandlerFunc(f)` does.
///
/// The closure returns a boxed future so that the future may borrow `w` and `r`:
///
/// ```
/// use servemux::{handler_fn, Handler};
///
/// let hello = handler_fn(|w, _r| {
///     Box::pin(async move {
///         let _ = w.write(b"hello, world\n").await;
///     })
/// });
/// # fn is_handler(_: &impl Handler) {}
/// # is_handler(&hello);
/// ```
pub fn handler_fn<F>(f: F) -> HandlerFn<F>
where
    F: for<'a> Fn(&'a mut ResponseWriter, &'a mut Request) -> BoxFuture<'a> + Send + Sync + 'static,
{
    HandlerFn { f }
}

impl<F> Handler for HandlerFn<F>
where
    F: for<'a> Fn(&'a mut ResponseWriter, &'a mut Request) -> BoxFuture<'a> + Send + Sync + 'static,
{
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        (self.f)(w, r)
    }
}
