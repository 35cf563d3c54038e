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

use std::process::ExitCode;

use servemux::Server;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, addr] = args.as_slice() else {
        eprintln!("usage: gin_table FILE ADDR");
        return ExitCode::from(2);
    };
    let table = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gin_table: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let engine = match radix::route_table::engine_from_table(&table) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("gin_table: {e}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(addr.as_str()).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("gin_table: listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(a) => println!("listening on http://{a}"),
        Err(e) => {
            eprintln!("gin_table: {e}");
            return ExitCode::FAILURE;
        }
    }
    let server = Server::new(engine);
    let stopper = server.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stopper.shutdown(std::time::Duration::from_secs(5)).await;
    });
    match server.serve(listener).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gin_table: {e}");
            ExitCode::FAILURE
        }
    }
}
