//! Serves a table of Go 1.22 patterns with a [`PatternMux`]: the interface other tools (and the
//! Go 1.22 differential test) depend on.
//!
//! ```text
//! cargo run --release -p servemux --example pattern_table -- FILE ADDR
//! ```
//!
//! Each non-empty line of FILE not starting with `#` is a pattern (surrounding whitespace is
//! trimmed), such as `GET /repos/{owner}/{repo}`, `example.com/x/{rest...}` or `/a/{$}`. Each
//! answers 200 with the pattern text, then, for each wildcard in pattern order, a line
//! `\nNAME=VALUE`. A table Go would refuse (bad syntax, a conflict) prints the error to stderr
//! and exits 2. Once listening, the example prints `listening on http://ADDR` (the real port when
//! ADDR ends in `:0`).

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use servemux::{PatternError, PatternMux, Server};
use tokio::net::TcpListener;

// ANCHOR: table
/// A mux where every pattern of `table` answers 200 with its text and its path values.
pub fn build_mux(table: &str) -> Result<PatternMux, PatternError> {
    let mux = PatternMux::new();
    for pattern in testkit::table::entries(table) {
        mux.handle_func(pattern, |w, r| {
            Box::pin(async move {
                let mut body = r.pattern().unwrap_or("").to_owned();
                for (name, value) in r.route_match().values() {
                    body.push_str(&format!("\n{name}={value}"));
                }
                let _ = w.write(body.as_bytes()).await;
            })
        })?;
    }
    Ok(mux)
}
// ANCHOR_END: table

#[tokio::main]
async fn main() -> ExitCode {
    let build = |table: &str| build_mux(table).map_err(|e| e.to_string());
    testkit::table::main("pattern_table", build, serve).await
}

/// Serves until Ctrl-C, then lets in-flight requests finish (Go's `Shutdown`).
async fn serve(mux: PatternMux, listener: TcpListener) -> io::Result<()> {
    let server = Server::new(mux);
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(Duration::from_secs(5)).await;
    });
    server.serve(listener).await
}
