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

use std::process::ExitCode;
use std::sync::Arc;

use servemux::{MuxError, ServeMux, Server};
use tokio::net::TcpListener;

// ANCHOR: table
/// The patterns of a route table, in file order.
pub fn patterns(table: &str) -> impl Iterator<Item = &str> {
    table
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// A mux where every pattern of `table` answers 200 with its own text.
pub fn build_mux(table: &str) -> Result<ServeMux, MuxError> {
    let mux = ServeMux::new();
    for pattern in patterns(table) {
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, addr] = args.as_slice() else {
        eprintln!("usage: mux_table FILE ADDR");
        return ExitCode::from(2);
    };
    let table = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("mux_table: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let mux = match build_mux(&table) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("mux_table: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(addr.as_str()).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("mux_table: listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(a) => println!("listening on http://{a}"),
        Err(e) => {
            eprintln!("mux_table: {e}");
            return ExitCode::FAILURE;
        }
    }
    let server = Server::new(mux);
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(std::time::Duration::from_secs(5)).await;
    });
    match server.serve(listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mux_table: {e}");
            ExitCode::FAILURE
        }
    }
}
