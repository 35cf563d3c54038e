//! The per-request context: Go's `controller.ActionContext` and `controller.BaseContext`.
//!
//! Every request gets a fresh context, built by the controller's
//! [`new_action_context`](crate::Controller::new_action_context). It holds the request, the
//! response writer and a buffered response body; the system writes that body after the action
//! (and after `after_action`), which is how the `before ...`/`after ...` lines of the demo end up
//! around the action's own output, and after anything the action wrote to the writer directly.
//!
//! Go embeds `*BaseContext` in each context struct and overrides the hooks it cares about. The
//! Rust shape is the same: a context struct holds a [`BaseContext`] and implements
//! [`ActionContext`], pointing [`base`](ActionContext::base)/[`base_mut`](ActionContext::base_mut)
//! at it; the hooks have empty defaults and the accessors (`request`, `writer`, `set`, `append`,
//! `read_body`) are provided methods, the counterpart of Go's promoted methods. Go's
//! `SetValue`/`Value` map has no counterpart: a Rust context keeps such data in typed fields of
//! its own.

use std::io;

use servemux::{BoxFuture, Request, ResponseWriter};

use crate::ActionResult;

/// The fields every context shares (Go's `BaseContext`).
pub struct BaseContext<'a> {
    request: &'a Request,
    writer: &'a mut ResponseWriter,
    pub(crate) body: Vec<u8>,
}

impl std::fmt::Debug for BaseContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BaseContext")
            .field("path", &self.request.path())
            .field("buffered", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl<'a> BaseContext<'a> {
    /// Wraps the request and the writer (Go's `NewBaseContext(req, respWriter)`).
    pub fn new(request: &'a Request, writer: &'a mut ResponseWriter) -> Self {
        BaseContext {
            request,
            writer,
            body: Vec::new(),
        }
    }
}

/// A request's context: the data an action works on, plus the lifecycle hooks.
///
/// The system calls, in order: [`before_action`](Self::before_action), the action,
/// [`after_action`](Self::after_action) (only if neither of the first two left early), writes the
/// buffered body, then [`destruct`](Self::destruct) — always, once, even after a redirect or a
/// panic. The hooks are synchronous, as in Go; only the action itself may be `async`.
pub trait ActionContext<'a>: Send {
    /// The embedded base context.
    fn base(&self) -> &BaseContext<'a>;

    /// The embedded base context, mutable.
    fn base_mut(&mut self) -> &mut BaseContext<'a>;

    /// Runs before the action. Returning `Err` (e.g. [`redirect_302`](crate::redirect_302) for a
    /// login check) skips the action and `after_action`.
    fn before_action(&mut self) -> ActionResult {
        Ok(())
    }

    /// Runs after an action that returned normally.
    fn after_action(&mut self) {}

    /// Runs last, once per request, after the body was written.
    fn destruct(&mut self) {}

    /// The request (Go's `Request()`). Read its body with [`read_body`](Self::read_body).
    fn request(&self) -> &'a Request {
        self.base().request
    }

    /// Reads the whole request body (Go's `ioutil.ReadAll(ctx.Request().Body)`).
    ///
    /// Every controller and the demo read the request body through this one method. servemux
    /// streams request bodies; the controller system reads the stream whole before the lifecycle
    /// begins (its hooks are synchronous, as gohttp's are, so they could not await it), bounded
    /// by the server's body limit, and this hands those bytes out. A body that could not be read
    /// never reaches an action: the server answers it (400, 413) or closes.
    // ANCHOR: read_body
    fn read_body<'s>(&'s mut self) -> BoxFuture<'s, io::Result<Vec<u8>>>
    where
        'a: 's,
    {
        let body = self
            .base()
            .request
            .body()
            .in_memory()
            .unwrap_or_default()
            .to_vec();
        Box::pin(std::future::ready(Ok(body)))
    }
    // ANCHOR_END: read_body

    /// The response writer, for headers, the status and direct writes (Go's `ResponseWriter()`).
    /// Bytes written here go out before the buffered body.
    //
    // The `'a: 's` bound only restates what `&'s mut Self` already implies for every concrete
    // context; a default method body cannot see that on its own.
    fn writer<'s>(&'s mut self) -> &'s mut ResponseWriter
    where
        'a: 's,
    {
        &mut *self.base_mut().writer
    }

    /// The buffered response body so far (Go's `ResponseBody()`).
    fn body<'s>(&'s self) -> &'s [u8]
    where
        'a: 's,
    {
        &self.base().body
    }

    /// Replaces the buffered body (Go's `SetResponseBody`).
    fn set(&mut self, body: impl Into<Vec<u8>>)
    where
        Self: Sized,
    {
        self.base_mut().body = body.into();
    }

    /// Appends to the buffered body (Go's `AppendResponseBody`).
    fn append(&mut self, bytes: impl AsRef<[u8]>)
    where
        Self: Sized,
    {
        self.base_mut().body.extend_from_slice(bytes.as_ref());
    }

    /// Takes the buffered body out, leaving it empty (the system does this to write it).
    fn take_body(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.base_mut().body)
    }
}

/// The base context is itself a context with no hooks, for controllers that need nothing more.
impl<'a> ActionContext<'a> for BaseContext<'a> {
    fn base(&self) -> &BaseContext<'a> {
        self
    }

    fn base_mut(&mut self) -> &mut BaseContext<'a> {
        self
    }
}
