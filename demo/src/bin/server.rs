//! The seed's demo server: the controller layer, served by gracehttp on 127.0.0.1:8010.
//!
//! ```sh
//! cargo run -p demo                       # or: cargo run -p demo --bin server -- --addr 127.0.0.1:9000
//! curl http://127.0.0.1:8010/demo/args/123
//! kill -USR2 <pid>                        # restart in place; SIGTERM stops
//! ```
//!
//! Stdout carries exactly what the seed's server prints there: the greetings, the posted bodies
//! and `destruct demo context`. Stderr gets what Go's `log` prints there, the restart lines with
//! Go's date prefix (`2020/10/09 09:43:56 [pid: N] ...`), and the tracing logs (`RUST_LOG=debug`
//! to see every layer; only warnings by default).

use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let mut addr = "127.0.0.1:8010".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--addr", Some(a)) => addr = a,
            _ => {
                eprintln!("usage: server [--addr HOST:PORT]");
                return ExitCode::from(2);
            }
        }
    }
    let system = match demo::app::system() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("route table: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    // ANCHOR: serve
    let served = rt.block_on(
        gracehttp::Builder::new()
            .addr(addr.clone())
            .logger(gracehttp::go_log_line)
            .serve(system),
    );
    // ANCHOR_END: serve
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serving {addr}: {e}");
            ExitCode::from(1)
        }
    }
}
