//! The seed's client session (`cd gohttp/httpclient && go test`) against a running demo server,
//! with this project's httpclient.
//!
//! ```sh
//! cargo run -p demo --bin client                  # against http://127.0.0.1:8010
//! cargo run -p demo --bin client -- http://127.0.0.1:9000
//! cargo run -p demo --bin client -- --trace-id auto   # an idgen trace id instead of `-`
//! ```
//!
//! For each request it prints, on stdout as the Go test does, goinbox's debug line
//! (`[Debug]\t[2020-12-13 22:31:03]\t-\t[HttpClient]\tHost: ...\tURL: ...`: httpclient's message, emitted
//! through `tracing`, in golog's console format with the client's trace id, `-` as none was set),
//! then the body and the request's duration, as `fmt.Println(body, duration)` prints them.
//!
//! `--trace-id ID` logs `ID` instead of `-` (Go's `SetTraceId`); `--trace-id auto` makes one with
//! goinbox's `idgen` from the server's address, as a service would for the requests it sends.

use std::process::ExitCode;

use demo::duration::go_duration;
use demo::golog::{GoLogFormat, NO_TRACE_ID};
use demo::idgen::TraceIdGenerator;
use httpclient::Client;

const USAGE: &str = "usage: client [--trace-id ID|auto] [BASE_URL]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut base = "http://127.0.0.1:8010".to_owned();
    let mut trace_id = NO_TRACE_ID.to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--trace-id" => match args.next() {
                Some(id) => trace_id = id,
                None => {
                    eprintln!("{USAGE}");
                    return ExitCode::from(2);
                }
            },
            _ if !arg.starts_with('-') => base = arg,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let base = base.trim_end_matches('/').to_owned();
    if trace_id == "auto" {
        let authority = base.strip_prefix("http://").unwrap_or(&base);
        let (ip, port) = authority.rsplit_once(':').unwrap_or((authority, "80"));
        match TraceIdGenerator::default().generate(ip, port) {
            Ok(id) => trace_id = id,
            Err(e) => {
                eprintln!("--trace-id auto: {e}");
                return ExitCode::from(2);
            }
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter("httpclient=debug")
        .with_writer(std::io::stdout)
        .event_format(GoLogFormat::new(trace_id))
        .init();
    let client = Client::new();

    // ANCHOR: session
    let session = [
        client.get(format!("{base}/demo/args/123")),
        client.get(format!("{base}/test/args/123")),
        client.get(format!("{base}/demo/DescribeDemo")),
        // goinbox's `MakePostBodyUrlEncode(map{"a": 1, "b": 2, "c": 3})`: keys in sorted order.
        client.post(format!("{base}/demo/ProcessPost"), "").form([
            ("a", "1"),
            ("b", "2"),
            ("c", "3"),
        ]),
    ];
    // ANCHOR_END: session
    let mut failed = false;
    for request in session {
        match request.send().await {
            // ANCHOR: print
            Ok(resp) => println!("{} {}", resp.text(), go_duration(resp.elapsed())),
            // ANCHOR_END: print
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
