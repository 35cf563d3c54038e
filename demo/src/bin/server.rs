//! The seed's demo server: the controller layer, served by gracehttp on 127.0.0.1:8010.
//!
//! ```sh
//! cargo run -p demo                       # or: cargo run -p demo --bin server -- --addr 127.0.0.1:9000
//! curl http://127.0.0.1:8010/demo/args/123
//! kill -USR2 <pid>                        # restart in place; SIGTERM stops
//! cargo run -p demo -- --tls-cert cert.pem --tls-key key.pem   # the same over HTTPS
//! curl --cacert cert.pem https://localhost:8010/demo/args/123
//! ```
//!
//! With `--tls-cert FILE --tls-key FILE` (PEM: the chain, leaf first, and its key) every process
//! reads the files when it starts, so replacing them and sending `SIGUSR2` rotates the
//! certificate without dropping a request.
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
    let (mut cert, mut key) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--addr", Some(a)) => addr = a,
            ("--tls-cert", Some(file)) => cert = Some(file),
            ("--tls-key", Some(file)) => key = Some(file),
            _ => return usage(),
        }
    }
    if cert.is_some() != key.is_some() {
        return usage();
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
    let mut server = gracehttp::Builder::new()
        .addr(addr.clone())
        .logger(gracehttp::go_log_line);
    if let (Some(cert), Some(key)) = (cert, key) {
        server = server.tls_files(cert, key);
    }
    let served = rt.block_on(server.serve(system));
    // ANCHOR_END: serve
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serving {addr}: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: server [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE]");
    ExitCode::from(2)
}
