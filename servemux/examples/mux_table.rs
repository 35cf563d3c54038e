//! Serves a route table with a [`ServeMux`]: the interface other tools (and the Go differential
//! test) depend on.
//!
//! ```text
//! cargo run --release -p servemux --example mux_table -- FILE ADDR
//! ```
//!
//! Each non-empty line of FILE not starting with `#` is a pattern (surrounding whitespace is
//! trimmed); each pattern answers 200 with the pattern text as the body, no newline. A table the
//! mux refuses (a duplicate, a pattern starting with neither `/` nor a host) prints the error to
//! stderr and exits 2. Once listening, the example prints `listening on http://ADDR` (the real
//! port when ADDR ends in `:0`).

use std::io;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use servemux::{MuxError, ServeMux, Server};
use tokio::net::TcpListener;

// ANCHOR: table
/// A mux where every pattern of `table` answers 200 with its own text.
pub fn build_mux(table: &str) -> Result<ServeMux, MuxError> {
    let mux = ServeMux::new();
    for pattern in testkit::table::entries(table) {
        let body: Arc<[u8]> = pattern.as_bytes().into();
        mux.handle_func(pattern, move |w, _r| {
            let body = body.clone();
            Box::pin(async move {
                let _ = w.write(&body).await;
            })
        })?;
    }
    Ok(mux)
}
// ANCHOR_END: table

#[tokio::main]
async fn main() -> ExitCode {
    let build = |table: &str| build_mux(table).map_err(|e| format!("mux_table: {e}"));
    testkit::table::main("mux_table", build, serve).await
}

/// Serves until Ctrl-C, then lets in-flight requests finish (Go's `Shutdown`).
async fn serve(mux: ServeMux, listener: TcpListener) -> io::Result<()> {
    let server = Server::new(mux);
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(Duration::from_secs(5)).await;
    });
    server.serve(listener).await
}
