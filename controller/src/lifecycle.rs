//! One request's life inside a controller: Go's `System.ServeHTTP` after the route was found.
//!
//! ```text
//!   new_action_context(request, writer)
//!          │
//!   ┌──────▼───────┐  Err(jump) ──────────────┐
//!   │before_action │──────────────────────────┤
//!   └──────┬───────┘                           │
//!   ┌──────▼───────┐  Err(jump) ──────────────┤   jump.answer():
//!   │   action     │──────────────────────────┤     Redirect302 -> 302 Found + Location
//!   └──────┬───────┘  Jump::raise ────────────┤     Respond     -> status, body replaced
//!          │          panic ───────┐           │     Out(f)      -> f(context)
//!   ┌──────▼───────┐               │           │
//!   │ after_action │  panic ───────┤ 500       │
//!   └──────┬───────┘               │           │
//!          ├◄──────────────────────┴───────────┘
//!   write the buffered body   (always)
//!   destruct()                (always, once)
//! ```
//!
//! Go gets the "always" from a `defer` that `recover`s the jump's private panic value (and
//! re-panics anything else, so in Go a real panic skips the body and `Destruct`). Here a jump is
//! usually a plain `Err` that `?` carries out of the action; a jump raised as an unwind
//! (`Jump::raise`) is recognised by its payload. Real panics are caught around the three middle
//! boxes with `catch_unwind`, so the tail runs in every case.

use std::panic::{catch_unwind, AssertUnwindSafe};

use futures_util::FutureExt;
use http::StatusCode;
use servemux::{panic_message, Request, ResponseWriter};

use crate::{ActionContext, Actions, Jump};

/// Names for log lines.
pub(crate) struct Names {
    pub controller: &'static str,
    pub action: &'static str,
}

/// Runs before -> action -> after, then writes the body and destructs, whatever happened.
pub(crate) async fn run<'a, C: Actions>(
    controller: &'a C,
    action: usize,
    names: Names,
    args: Vec<String>,
    writer: &'a mut ResponseWriter,
    request: &'a Request,
) {
    // ANCHOR: run
    // ANCHOR: run_action
    let mut ctx = controller.new_action_context(request, writer);

    let middle = async {
        ctx.before_action()?;
        controller.call_action(action, &mut ctx, args).await?;
        ctx.after_action();
        Ok::<(), Jump>(())
    };
    // Unwind safety: after a panic the context is only used to write what was buffered and to
    // destruct; a half-updated body is exactly what Go's deferred write would send too.
    let outcome = AssertUnwindSafe(middle).catch_unwind().await;

    let jump = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(jump)) => Some(jump),
        Err(payload) => match payload.downcast::<Jump>() {
            // `Jump::raise`: Go's recovered `jumpItem`.
            Ok(jump) => Some(*jump),
            Err(panic) => {
                tracing::error!(
                    controller = names.controller,
                    action = names.action,
                    panic = panic_message(&*panic),
                    "action panicked; answering 500"
                );
                // If the action already sent bytes the status is out; all that is left is the tail.
                let w = ctx.writer();
                if !w.wrote_header() {
                    w.write_header(StatusCode::INTERNAL_SERVER_ERROR);
                }
                None
            }
        },
    };
    // ANCHOR_END: run_action
    // ANCHOR: run_after
    if let Some(jump) = jump {
        tracing::debug!(
            controller = names.controller,
            action = names.action,
            jump = jump.kind(),
            "left the action early"
        );
        // A panic inside a jump function is answered like one in the action.
        if let Err(panic) = AssertUnwindSafe(jump.answer(&mut ctx)).catch_unwind().await {
            tracing::error!(
                controller = names.controller,
                panic = panic_message(&*panic),
                "jump function panicked"
            );
            let w = ctx.writer();
            if !w.wrote_header() {
                w.write_header(StatusCode::INTERNAL_SERVER_ERROR);
            }
        }
    }

    let body = ctx.take_body();
    if !body.is_empty() {
        if let Err(e) = ctx.writer().write(&body).await {
            tracing::debug!(error = %e, "writing the buffered body failed");
        }
    }
    tracing::debug!(
        controller = names.controller,
        action = names.action,
        buffered_bytes = body.len(),
        "lifecycle done; destruct"
    );

    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| ctx.destruct())) {
        tracing::error!(
            controller = names.controller,
            panic = panic_message(&*panic),
            "destruct panicked"
        );
    }
    // ANCHOR_END: run_after
    // ANCHOR_END: run
}
