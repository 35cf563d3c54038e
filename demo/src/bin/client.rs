//! The seed's client session against a running demo server, with this project's httpclient.
//!
//! ```sh
//! cargo run -p demo --bin client                  # against http://127.0.0.1:8010
//! cargo run -p demo --bin client -- http://127.0.0.1:9000
//! ```
//!
//! For each request it prints goinbox's debug line (emitted by httpclient through `tracing`)
//! and then the body.

use std::process::ExitCode;

use httpclient::Client;

#[tokio::main]
async fn main() -> ExitCode {
    // Print httpclient's debug events bare, as goinbox's logger prints its line.
    tracing_subscriber::fmt()
        .with_env_filter("httpclient=debug")
        .without_time()
        .with_target(false)
        .with_level(false)
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
        client.post(
            format!("{base}/demo/ProcessPost"),
            r#"{"a": 1, "b": 2, "c": 3}"#,
        ),
        client.post(format!("{base}/demo/ProcessPost"), "").form([
            ("a", "1"),
            ("b", "2"),
            ("c", "3"),
        ]),
        client.get(format!("{base}/demo/Redirect")),
    ];
    // ANCHOR_END: session
    let mut failed = false;
    for request in session {
        match request.send().await {
            Ok(resp) => {
                if let Some(location) = resp.headers().get("location") {
                    println!("Location: {}", location.to_str().unwrap_or("?"));
                }
                print!("{}", resp.text());
                println!();
            }
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
