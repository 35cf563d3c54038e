//! The load generator against a local server: counts, failures, percentiles.

mod support;

use std::time::Duration;

use httpclient::load::{self, LoadPlan, Stop};
use support::{ok, Action, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exact_request_count_over_n_connections() {
    let server = TestServer::start(|_| ok("pong")).await;
    let plan = LoadPlan {
        connections: 4,
        stop: Stop::Requests(400),
        ..LoadPlan::new(server.url("/ping"))
    };
    let report = load::run(&plan).await;
    assert_eq!(report.completed, 400, "{report}");
    assert_eq!((report.failed, report.non_2xx), (0, 0));
    assert_eq!(server.seen().len(), 400);
    // Keep-alive: one connection per worker.
    assert_eq!(server.accepted(), 4);
    assert!(report.p50 <= report.p90 && report.p90 <= report.p99 && report.p99 <= report.max);
    assert!(report.requests_per_sec() > 0.0);
    let text = report.to_string();
    assert!(text.starts_with("requests: 400 in "), "{text}");
    assert!(text.contains("p99"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_stop_and_failures_are_counted() {
    // Every third request on a connection gets garbage (a hang-up would be retried).
    let server = TestServer::start(|seen| {
        if seen.index % 3 == 2 {
            Action::ReplyClose(b"garbage\r\n\r\n".to_vec())
        } else {
            ok("x")
        }
    })
    .await;
    let plan = LoadPlan {
        connections: 2,
        stop: Stop::After(Duration::from_millis(200)),
        ..LoadPlan::new(server.url("/"))
    };
    let report = load::run(&plan).await;
    assert!(report.completed > 0, "{report}");
    assert!(report.failed > 0, "{report}");
    assert!(
        report.first_error.as_deref().unwrap().contains("malformed"),
        "{report}"
    );
    assert!(report.elapsed >= Duration::from_millis(200));
}
