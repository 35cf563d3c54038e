//! Serves a route table with a radix [`Engine`](radix::Engine) (gin's defaults).
//!
//! ```text
//! cargo run --release -p radix --example gin_table -- FILE ADDR
//! ```
//!
//! Each non-empty line of FILE not starting with `#` is `METHOD PATH`; each
//! route answers 200 with `METHOD FULLPATH` followed by `\nKEY=VALUE` per
//! parameter. A conflicting table prints the error to stderr and exits 2.
//! Once listening it prints `listening on http://ADDR` (the real port for `:0`).

use std::io;
use std::process::ExitCode;
use std::time::Duration;

use radix::Engine;
use servemux::Server;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let build = |table: &str| {
        radix::route_table::engine_from_table(table).map_err(|e| format!("gin_table: {e}"))
    };
    testkit::table::main("gin_table", build, serve).await
}

/// Serves until Ctrl-C, then lets in-flight requests finish (Go's `Shutdown`).
async fn serve(engine: Engine, listener: TcpListener) -> io::Result<()> {
    let server = Server::new(engine);
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(Duration::from_secs(5)).await;
    });
    server.serve(listener).await
}
