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

use std::process::ExitCode;

use servemux::{PatternError, PatternMux, Server};
use tokio::net::TcpListener;

// ANCHOR: table
/// The patterns of a table, in file order.
pub fn patterns(table: &str) -> impl Iterator<Item = &str> {
    table
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// A mux where every pattern of `table` answers 200 with its text and its path values.
pub fn build_mux(table: &str) -> Result<PatternMux, PatternError> {
    let mux = PatternMux::new();
    for pattern in patterns(table) {
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, addr] = args.as_slice() else {
        eprintln!("usage: pattern_table FILE ADDR");
        return ExitCode::from(2);
    };
    let table = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("pattern_table: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let mux = match build_mux(&table) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(addr.as_str()).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("pattern_table: listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(a) => println!("listening on http://{a}"),
        Err(e) => {
            eprintln!("pattern_table: {e}");
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
            eprintln!("pattern_table: {e}");
            ExitCode::FAILURE
        }
    }
}
