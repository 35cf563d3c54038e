//! The handler type of the gin layer and the handler chain.
//!
//! A gin `HandlerFunc` is `func(*gin.Context)`. In Rust a handler must be able
//! to `.await` (write the response, call `next()`), so it returns a future; and
//! that future must borrow the `Context` it was given, which is why the type is
//! a higher-ranked closure returning a boxed future:
//!
//! ```text
//! for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a>
//! ```
//!
//! An `async fn(&mut Context)` cannot be named in that form without boxing, and
//! `Box::pin(async move { .. })` in the closure body is the one line of
//! ceremony it costs. Passing the closure straight to a registration method
//! (`get`, `use_`, ...) lets the compiler infer the lifetimes, so users write
//!
//! ```
//! # use radix::Engine;
//! # let mut engine = Engine::new();
//! engine.get("/ping", |c| Box::pin(async move { c.string(200, "pong").await; })).unwrap();
//! ```
//!
//! Handlers are stored as `Arc<dyn ...>` so that a group's middleware can be
//! shared by every route's chain without cloning closures.

use std::sync::Arc;

use servemux::BoxFuture;

use crate::context::Context;

// ANCHOR: handler
/// One handler or middleware, shareable between chains (gin's `HandlerFunc`).
pub type HandlerFunc = Arc<dyn for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a> + Send + Sync>;
// ANCHOR_END: handler

/// The handlers of one route, group middleware first (gin's `HandlersChain`).
pub type HandlersChain = Arc<[HandlerFunc]>;

/// gin's `abortIndex` (`math.MaxInt8 >> 1`): `abort()` moves the chain index
/// here, and a chain must be shorter than this.
pub const ABORT_INDEX: usize = 63;

/// Box a closure as a [`HandlerFunc`]; use it to build middleware lists.
pub fn handler<F>(f: F) -> HandlerFunc
where
    F: for<'a, 'e> Fn(&'a mut Context<'e>) -> BoxFuture<'a> + Send + Sync + 'static,
{
    Arc::new(f)
}
