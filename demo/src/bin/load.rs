//! Load on a running server, to watch a restart happen under traffic.
//!
//! ```sh
//! cargo run --release -p demo --bin load -- --url http://127.0.0.1:8010/demo/DescribeDemo --seconds 10
//! ```
//!
//! Options: `--url URL`, `--seconds N` (default 10), `--connections N` (default 8). Prints
//! requests/s, latency percentiles, and how many requests failed; exits 1 if any did.

use std::process::ExitCode;
use std::time::Duration;

use httpclient::load::{self, LoadPlan, Stop};

#[tokio::main]
async fn main() -> ExitCode {
    let mut plan = LoadPlan::new("http://127.0.0.1:8010/demo/DescribeDemo");
    plan.connections = 8;
    plan.stop = Stop::After(Duration::from_secs(10));
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next();
        match (flag.as_str(), value) {
            ("--url", Some(v)) => plan.url = v,
            ("--seconds", Some(v)) if v.parse::<f64>().is_ok_and(|s| s > 0.0) => {
                plan.stop = Stop::After(Duration::from_secs_f64(v.parse().unwrap_or(10.0)))
            }
            ("--connections", Some(v)) if v.parse::<usize>().is_ok_and(|n| n > 0) => {
                plan.connections = v.parse().unwrap_or(8)
            }
            _ => {
                eprintln!("usage: load [--url URL] [--seconds N] [--connections N]");
                return ExitCode::from(2);
            }
        }
    }
    println!("{} connections to {} ...", plan.connections, plan.url);
    let report = load::run(&plan).await;
    println!("{report}");
    if report.failed == 0 && report.non_2xx == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
