//! Knowing when the client is gone: the counterpart of Go's `connReader.backgroundRead`, behind
//! [`Request::client_gone`](crate::Request::client_gone).
//!
//! Go starts a background read on the connection as soon as the request body has been read to
//! its end (at once for a request without a body): a goroutine blocks in `Read` for one byte, and
//! if that read ends in EOF or an error the request's context is cancelled. A byte that does
//! arrive (a pipelined request) is kept for the next request and the watch stops.
//!
//! We have no goroutine per connection to spare, and none is needed: the connection's read half
//! sits in the request's body while the handler runs, so a handler that wants to know awaits
//! `client_gone`, which reads from that half into the connection buffer until it sees the end of
//! the stream or an error. It costs nothing for a handler that does not ask: nothing is armed,
//! spawned or polled. What arrives meanwhile is not lost: it stays in the connection buffer,
//! where the unread body and the next request are read from anyway. Once a byte past the body's
//! end is in the buffer (a pipelined request) the watch stops and never completes, as Go's does:
//! a client that pipelines and then half-closes still wants its answers. While the body is
//! unread, its bytes are buffered too, up to [`WATCH_LIMIT`]; Go does not watch at all then, so
//! a client that leaves in the middle of an unread body is one Go's handler never hears of and
//! ours does.
//!
//! A client that half-closes (sends its request, then shuts its write side) looks gone here, as
//! it does to Go: both see the end of the stream.
//!
//! The shutdown deadline is the other way a handler is ended: there the server drops the
//! handler's future (every `.await` is a point where a Rust future can be cancelled), which is
//! what a Go handler that honours `ctx.Done()` would do of its own accord.

/// Bytes of a pipelined request or unread body the watch buffers before it gives up.
pub(crate) const WATCH_LIMIT: usize = 64 * 1024;
