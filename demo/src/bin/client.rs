//! The seed's client session (`cd gohttp/httpclient && go test`) against a running demo server,
//! with this project's httpclient.
//!
//! ```sh
//! cargo run -p demo --bin client                  # against http://127.0.0.1:8010
//! cargo run -p demo --bin client -- http://127.0.0.1:9000
//! ```
//!
//! For each request it prints, on stdout as the Go test does, goinbox's debug line
//! (`[Debug]\t[2020-12-13 22:31:03]\t-\t[HttpClient]\tHost: ...`: httpclient's message, emitted
//! through `tracing`, in golog's console format with the client's trace id, `-` as none was set),
//! then the body and the request's duration, as `fmt.Println(body, duration)` prints them.

use std::process::ExitCode;

use demo::duration::go_duration;
use demo::golog::{GoLogFormat, NO_TRACE_ID};
use httpclient::Client;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter("httpclient=debug")
        .with_writer(std::io::stdout)
        .event_format(GoLogFormat::new(NO_TRACE_ID))
        .init();
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8010".to_owned());
    let base = base.trim_end_matches('/');
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
