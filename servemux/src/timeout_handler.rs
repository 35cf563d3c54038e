//! Go's `http.TimeoutHandler(h, dt, msg)`: run a handler with a time limit, and answer
//! `503 Service Unavailable` with `msg` if it has not finished.
//!
//! Go runs the inner handler in its own goroutine against a buffering writer, and when the time
//! is up it answers 503 and lets the goroutine find out through its context (its writes then fail
//! with `ErrHandlerTimeout`). Here the inner handler is a future: when the time is up the future
//! is dropped, so it stops at the `.await` it was waiting in, and whatever it owned (a database
//! lease, a subscription) is released by its destructors. Like Go's, the inner handler writes to
//! a buffer (a [`Recorder`]), which is copied to the real response only when it
//! finished in time: a late handler can never have sent half a response. For the same reason it
//! cannot stream (its flushes stay in the buffer) or hijack (Go's `timeoutWriter` is no `Hijacker`
//! either).

use std::time::Duration;

use http::StatusCode;

use crate::{BoxFuture, Handler, Recorder, Request, ResponseWriter};

/// What Go answers a timed-out request with when `msg` is empty.
const DEFAULT_BODY: &str =
    "<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>";

/// The handler returned by [`timeout_handler`].
#[derive(Debug, Clone)]
pub struct TimeoutHandler<H> {
    inner: H,
    limit: Duration,
    body: String,
}

/// Wraps `inner` so that it has `limit` to finish; after that the request is answered `503` with
/// `msg` as its body (Go's default HTML page if `msg` is empty) and `inner`'s future is dropped.
pub fn timeout_handler<H: Handler>(inner: H, limit: Duration, msg: &str) -> TimeoutHandler<H> {
    let body = if msg.is_empty() { DEFAULT_BODY } else { msg };
    TimeoutHandler {
        inner,
        limit,
        body: body.to_owned(),
    }
}

// ANCHOR: serve
impl<H: Handler> Handler for TimeoutHandler<H> {
    fn serve_http<'a>(&'a self, w: &'a mut ResponseWriter, r: &'a mut Request) -> BoxFuture<'a> {
        Box::pin(async move {
            let mut buffered = Recorder::new();
            let run = self.inner.serve_http(buffered.writer(), r);
            // On timeout, `timeout` drops `run` (and with it the inner handler) before returning.
            if tokio::time::timeout(self.limit, run).await.is_err() {
                tracing::debug!(limit = ?self.limit, "handler timed out; answering 503");
                w.write_header(StatusCode::SERVICE_UNAVAILABLE);
                let _ = w.write(self.body.as_bytes()).await;
                return;
            }
            buffered.finish();
            for (name, value) in buffered.header() {
                w.header_mut().append(name.clone(), value.clone());
            }
            w.write_header(buffered.status());
            if !buffered.body().is_empty() {
                let _ = w.write(buffered.body()).await;
            }
        })
    }
}
// ANCHOR_END: serve
