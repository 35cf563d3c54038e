//! Leaving an action early, from any depth: Go's `system.JumpOutAction` and `Redirect302`.
//!
//! In Go, `JumpOutAction(f, args...)` panics with a private `jumpItem`; the `defer` in
//! `System.ServeHTTP` recovers it, calls `f(context, args...)`, then writes the buffered body and
//! calls `Destruct`. `Redirect302(url)` is the one jump the package ships. So wherever the jump
//! starts — `BeforeAction`, the action, a helper three calls down — `AfterAction` is skipped,
//! the jump function runs, and the tail (body, `Destruct`) runs once.
//!
//! Here a jump is a value, [`Jump`], and it travels one of two ways:
//!
//! - **as an `Err`** (the usual way): `before_action` and actions return
//!   [`ActionResult`] = `Result<(), Jump>`, helpers return it too, and `?` carries the jump up
//!   through every level. The signature shows which code can leave early, and `?` marks each exit.
//! - **as an unwind** ([`Jump::raise`]), for code that cannot return a `Result` (a callback
//!   with a fixed signature, say). It unwinds with the jump as payload, without running the panic
//!   hook (`std::panic::resume_unwind`), and the lifecycle's `catch_unwind` recognises the payload.
//!   This is Go's mechanism exactly; it needs unwinding (`panic = "unwind"`, the default).
//!
//! Either way the lifecycle gives Go's guarantees: `after_action` is skipped, the jump's answer
//! is written, then the buffered body, then `destruct`, exactly once.

use std::fmt;

use http::StatusCode;
use servemux::BoxFuture;

use crate::{ActionContext, BaseContext};

/// What an action returns: `Ok(())` to run `after_action`, `Err(jump)` to leave early.
pub type ActionResult = Result<(), Jump>;

/// The boxed function of a [`Jump::Out`]: it gets the request's base context (request, writer,
/// buffered body), as Go's `JumpFunc` gets the `ActionContext`.
pub type JumpFn = Box<dyn for<'x, 'b> FnOnce(&'x mut BaseContext<'b>) -> BoxFuture<'x> + Send>;

/// Why and how an action stopped before its end (Go's `jumpItem`).
pub enum Jump {
    /// Answer `302 Found` with this `Location` (Go's `Redirect302`).
    Redirect302(String),
    /// Answer with this status, the body replacing whatever was buffered so far.
    Respond {
        /// The status code.
        status: StatusCode,
        /// The whole body.
        body: Vec<u8>,
    },
    /// Run this function on the context, then finish as usual (Go's `JumpOutAction(f, args...)`;
    /// a Rust closure captures what Go passes as `args`).
    Out(JumpFn),
}

impl fmt::Debug for Jump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Jump::Redirect302(url) => f.debug_tuple("Redirect302").field(url).finish(),
            Jump::Respond { status, body } => f
                .debug_struct("Respond")
                .field("status", status)
                .field("body", &String::from_utf8_lossy(body))
                .finish(),
            Jump::Out(_) => f.write_str("Out(..)"),
        }
    }
}

impl Jump {
    /// Leaves the action from here, however deep, by unwinding (see the module docs). The
    /// lifecycle catches it and handles it exactly like `Err(self)`.
    pub fn raise(self) -> ! {
        std::panic::resume_unwind(Box::new(self))
    }

    /// Answers the jump on the context. Runs after `after_action` was skipped, before the
    /// buffered body is written.
    pub(crate) async fn answer<'a, C: ActionContext<'a>>(self, ctx: &mut C) {
        match self {
            Jump::Redirect302(url) => {
                let request = ctx.request();
                servemux::redirect(ctx.writer(), request, &url, StatusCode::FOUND).await;
            }
            Jump::Respond { status, body } => {
                let base = ctx.base_mut();
                base.body = body;
                let w = base.writer();
                if !w.wrote_header() {
                    w.write_header(status);
                }
            }
            Jump::Out(f) => f(ctx.base_mut()).await,
        }
    }

    /// A short name for log lines.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Jump::Redirect302(_) => "redirect 302",
            Jump::Respond { .. } => "respond",
            Jump::Out(_) => "jump out",
        }
    }
}

/// Ends the action with a `302 Found` to `url`; `after_action` is skipped.
///
/// ```
/// # use controller::{redirect_302, ActionResult};
/// fn check(logged_in: bool) -> ActionResult {
///     if !logged_in {
///         redirect_302("/login")?; // leaves the action here
///     }
///     Ok(())
/// }
/// assert!(check(false).is_err());
/// ```
pub fn redirect_302(url: impl Into<String>) -> ActionResult {
    Err(Jump::Redirect302(url.into()))
}

/// Ends the action with `status` and `body` (the buffered body so far is dropped).
pub fn respond(status: StatusCode, body: impl Into<Vec<u8>>) -> ActionResult {
    Err(Jump::Respond {
        status,
        body: body.into(),
    })
}

/// Ends the action by running `f` on the context (Go's `JumpOutAction`).
///
/// ```
/// # use controller::{jump_out, ActionContext, ActionResult};
/// # use servemux::http::StatusCode;
/// fn forbid(reason: &'static str) -> ActionResult {
///     jump_out(move |ctx| {
///         Box::pin(async move {
///             ctx.writer().write_header(StatusCode::FORBIDDEN);
///             ctx.set(format!("forbidden: {reason}\n"));
///         })
///     })
/// }
/// ```
pub fn jump_out<F>(f: F) -> ActionResult
where
    F: for<'x, 'b> FnOnce(&'x mut BaseContext<'b>) -> BoxFuture<'x> + Send + 'static,
{
    Err(Jump::Out(Box::new(f)))
}
