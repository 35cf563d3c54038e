//! gohttp-style retries against servers that fail the first N attempts: success after the
//! failures, the error after the last try, and the requests that must not be repeated.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use httpclient::{Client, ErrorKind, Method, StatusCode};
use support::{ok, status, Action, TestServer};

/// Answers 503 to the first `n` requests, then 200 "ok".
async fn fails_first(n: usize) -> TestServer {
    let count = Arc::new(AtomicUsize::new(0));
    TestServer::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < n {
            status("503 Service Unavailable", "busy")
        } else {
            ok("ok")
        }
    })
    .await
}

fn retrying(n: u32) -> Client {
    Client::builder()
        .retries(n)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(4))
        .build()
}

#[tokio::test]
async fn a_get_succeeds_after_the_first_failures() {
    let server = fails_first(2).await;
    let resp = retrying(3).get(server.url("/")).send().await.unwrap();
    assert_eq!((resp.status(), &*resp.text()), (StatusCode::OK, "ok"));
    assert_eq!(server.seen().len(), 3);
    // The failed attempts' bodies were read: all three rode one connection.
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn connections_closed_without_an_answer_are_retried() {
    let count = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) < 2 {
            Action::Close
        } else {
            ok("third time")
        }
    })
    .await;
    let resp = retrying(2).get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "third time");
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn exhausted_retries_name_the_attempts_and_the_last_failure() {
    let server = fails_first(usize::MAX).await;
    let err = retrying(2).get(server.url("/")).send().await.unwrap_err();
    match err.kind() {
        ErrorKind::RetriesExhausted { attempts, last } => {
            assert_eq!(*attempts, 3);
            assert!(matches!(**last, ErrorKind::Status(s) if s.as_u16() == 503));
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("gave up after 3 attempts"), "{text}");
    assert!(text.contains("503"), "{text}");
    assert_eq!(server.seen().len(), 3);

    // A server that is not there: the last error is the connect error.
    let closed = {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let err = retrying(1)
        .get(format!("http://{closed}/"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::RetriesExhausted { attempts: 2, .. }),
        "{err}"
    );
    assert!(err.is_connect(), "{err}");
}

#[tokio::test]
async fn without_retries_a_503_is_just_the_response() {
    let server = fails_first(usize::MAX).await;
    let resp = Client::new().get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_post_is_not_repeated_unless_it_is_safe() {
    let server = fails_first(1).await;
    let client = retrying(3);
    let resp = client.post(server.url("/"), "pay 10").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.seen().len(), 1, "POST sent once");

    // An Idempotency-Key makes it safe (Go's isReplayable).
    let server = fails_first(1).await;
    let resp = client
        .post(server.url("/"), "pay 10")
        .header("idempotency-key", "k-1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].body, b"pay 10", "the body is sent again, whole");
}

#[tokio::test]
async fn a_streamed_body_is_never_repeated() {
    let server = fails_first(1).await;
    let body = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from("once"))]);
    let resp = retrying(3)
        .request(Method::PUT, server.url("/"))
        .body_stream(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_request_can_set_its_own_count_and_statuses_are_configurable() {
    let server = fails_first(1).await;
    let resp = Client::builder()
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build()
        .get(server.url("/"))
        .retries(1)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let server = fails_first(1).await;
    let only_500 = Client::builder()
        .retries(3)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .retry_statuses(&[StatusCode::INTERNAL_SERVER_ERROR])
        .build();
    let resp = only_500.get(server.url("/")).send().await.unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "503 not in the list"
    );
}

#[tokio::test]
async fn a_silent_server_times_out_and_the_next_attempt_answers() {
    let count = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            Action::Silent
        } else {
            ok("awake")
        }
    })
    .await;
    let client = Client::builder()
        .read_timeout(Duration::from_millis(50))
        .retries(1)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(1))
        .build();
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "awake");
}

#[tokio::test]
async fn the_total_timeout_bounds_all_attempts() {
    let server = fails_first(usize::MAX).await;
    let client = Client::builder()
        .retries(1000)
        .retry_backoff(Duration::from_millis(20), Duration::from_millis(20))
        .timeout(Duration::from_millis(200))
        .build();
    let err = client.get(server.url("/")).send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(server.seen().len() < 1000);
}
