//! A pooled connection the server closed while it was idle: idempotent requests are retried
//! once on a fresh connection; POST is not, unless asked.

mod support;

use std::time::Duration;

use httpclient::{Client, ClosedAt, ErrorKind};
use support::{ok, Action, TestServer};

/// Connection 0 answers its first request, then reads the second and hangs up without a byte
/// of response — what a server does when its idle timeout fires just as our request arrives.
/// Every later connection answers normally.
async fn server_that_drops_the_pooled_connection() -> TestServer {
    TestServer::start(|seen| match (seen.conn, seen.index) {
        (0, 0) => ok("first"),
        (0, _) => Action::Close,
        _ => ok("fresh"),
    })
    .await
}

#[tokio::test]
async fn get_is_retried_on_a_fresh_connection() {
    let server = server_that_drops_the_pooled_connection().await;
    let client = Client::new();
    assert_eq!(
        client.get(server.url("/")).send().await.unwrap().text(),
        "first"
    );
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "fresh");
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn post_is_not_retried() {
    let server = server_that_drops_the_pooled_connection().await;
    let client = Client::new();
    client.post(server.url("/"), "a").send().await.unwrap();
    let err = client.post(server.url("/"), "b").send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Closed(ClosedAt::BeforeResponse)),
        "{err}"
    );
    assert_eq!(server.accepted(), 1, "no second connection for the POST");
}

#[tokio::test]
async fn post_is_retried_when_asked() {
    let server = server_that_drops_the_pooled_connection().await;
    let client = Client::new();
    client.post(server.url("/"), "a").send().await.unwrap();
    let resp = client
        .post(server.url("/"), "b")
        .retry_if_closed(true)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "fresh");

    let server = server_that_drops_the_pooled_connection().await;
    let client = Client::builder().retry_non_idempotent(true).build();
    client.post(server.url("/"), "a").send().await.unwrap();
    assert_eq!(
        client
            .post(server.url("/"), "b")
            .send()
            .await
            .unwrap()
            .text(),
        "fresh"
    );
}

#[tokio::test]
async fn connection_closed_while_idle_is_not_used() {
    // The server closes right after answering; by the time of the next request the client
    // sees the EOF on the idle socket (or fails the write) and uses a new connection.
    let server = TestServer::start(|_| {
        Action::ReplyClose(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec())
    })
    .await;
    let client = Client::new();
    for _ in 0..3 {
        client.get(server.url("/")).send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn a_fresh_connection_is_never_retried() {
    // Closing before answering on a brand-new connection is the server's answer, not a stale
    // pool entry: report it.
    let server = TestServer::start(|_| Action::Close).await;
    let err = Client::new().get(server.url("/")).send().await.unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::Closed(ClosedAt::BeforeResponse)
    ));
    assert_eq!(server.accepted(), 1);
}
