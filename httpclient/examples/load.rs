//! The load generator: N keep-alive connections for D seconds or R requests.
//!
//! ```text
//! cargo run --release -p httpclient --example load -- URL [-c CONNECTIONS] [-d SECONDS | -n REQUESTS]
//! cargo run --release -p httpclient --example load -- http://127.0.0.1:8010/demo/args/123 -c 4 -d 5
//! ```
//!
//! Prints requests/s, p50/p90/p99/max latency and the failed-request count. The work is done by
//! the library's `httpclient::load::run`; this file only parses the command line.

use std::process::ExitCode;
use std::time::Duration;

use httpclient::load::{self, LoadPlan, Stop};

const USAGE: &str =
    "usage: load URL [-c CONNECTIONS] [-d SECONDS | -n REQUESTS]   (default: -c 1 -n 1000)";

fn parse_args(args: &[String]) -> Result<LoadPlan, String> {
    let (url, mut rest) = match args.split_first() {
        Some((url, rest)) if !url.starts_with('-') => (url.clone(), rest),
        _ => return Err("missing URL".into()),
    };
    // ANCHOR: plan
    let mut plan = LoadPlan::new(url);
    // ANCHOR_END: plan
    while let [flag, value, tail @ ..] = rest {
        let number = |what: &str| -> Result<u64, String> {
            value
                .parse::<u64>()
                .map_err(|_| format!("{what} must be a number, got {value:?}"))
        };
        match flag.as_str() {
            "-c" => plan.connections = number("connections")?.max(1) as usize,
            "-d" => plan.stop = Stop::After(Duration::from_secs(number("seconds")?)),
            "-n" => plan.stop = Stop::Requests(number("requests")?),
            other => return Err(format!("unknown flag {other}")),
        }
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(format!("flag {} needs a value", rest[0]));
    }
    Ok(plan)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plan = match parse_args(&args) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // ANCHOR: run
    let report = load::run(&plan).await;
    println!("{report}");
    // ANCHOR_END: run
    if report.completed == 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
