//! The two middleware of `gin.Default()`.
//!
//! - [`logger`]: one `tracing` event per request with method, path, status,
//!   latency and client IP, emitted after the rest of the chain has run (it wraps
//!   `next()`); the private errors of the chain (`c.error(..)`) are printed in it
//!   as gin's logger prints `c.Errors.ByType(ErrorTypePrivate)`.
//! - [`recovery`]: runs the rest of the chain under `catch_unwind`; a panic is
//!   logged and becomes a 500, and the connection (and server) keep serving.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;

use crate::errors::{by_type, errors_string, ErrorType};
use crate::handler::{handler, HandlerFunc};

/// gin's `Logger()`, as a tracing event at INFO on target `radix::logger`.
pub fn logger() -> HandlerFunc {
    handler(|c| {
        Box::pin(async move {
            let start = Instant::now();
            let method = c.method().clone();
            let path = c.path().to_string();
            c.next().await;
            let status = c.writer().status().as_u16();
            let latency = start.elapsed();
            let errors = errors_string(by_type(c.errors(), &[ErrorType::Private]));
            let client_ip = c.client_ip();
            tracing::info!(
                target: "radix::logger",
                method = %method,
                path = %path,
                status,
                latency_us = latency.as_micros() as u64,
                client_ip = %client_ip,
                errors = %errors.trim_end(),
                "request"
            );
        })
    })
}

/// gin's `Recovery()`: a panic in a later handler becomes a 500.
pub fn recovery() -> HandlerFunc {
    handler(|c| {
        Box::pin(async move {
            let outcome = AssertUnwindSafe(c.next()).catch_unwind().await;
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic".to_string());
                tracing::error!(target: "radix::recovery", method = %c.method(), path = c.path(), panic = %message, "panic recovered");
                if !c.writer().is_committed() {
                    c.abort_with_status(500);
                }
                c.abort();
            }
        })
    })
}
