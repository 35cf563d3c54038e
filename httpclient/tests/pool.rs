//! Keep-alive pooling: reuse, the per-host idle limit, the idle timeout, keep-alive off.

mod support;

use std::time::Duration;

use httpclient::Client;
use support::{ok, Action, TestServer};

#[tokio::test]
async fn two_sequential_requests_share_one_connection() {
    let server = TestServer::start(|_| ok("hi")).await;
    let client = Client::new();
    for _ in 0..2 {
        let resp = client.get(server.url("/a")).send().await.unwrap();
        assert_eq!(resp.text(), "hi");
    }
    assert_eq!(server.accepted(), 1);
    let seen = server.seen();
    assert_eq!((seen[1].conn, seen[1].index), (0, 1));
    assert_eq!(client.idle_connections(), 1);
}

#[tokio::test]
async fn pool_keeps_at_most_max_idle_per_host() {
    // Slow answers so three concurrent requests each need their own connection.
    let server = TestServer::start(|_| {
        Action::Trickle(
            vec![
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n".to_vec(),
                b"ok".to_vec(),
            ],
            Duration::from_millis(100),
        )
    })
    .await;
    let client = Client::builder().pool_max_idle_per_host(2).build();
    let url = server.url("/");
    let (a, b, c) = tokio::join!(
        client.get(url.as_str()).send(),
        client.get(url.as_str()).send(),
        client.get(url.as_str()).send()
    );
    for r in [a, b, c] {
        assert_eq!(r.unwrap().text(), "ok");
    }
    assert_eq!(server.accepted(), 3);
    // Three connections came back; only two were kept.
    assert_eq!(client.idle_connections(), 2);
    // The next two requests reuse them; no new connection is accepted.
    let (a, b) = tokio::join!(
        client.get(url.as_str()).send(),
        client.get(url.as_str()).send()
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn idle_timeout_retires_connections() {
    let server = TestServer::start(|_| ok("x")).await;
    let client = Client::builder()
        .pool_idle_timeout(Duration::from_millis(50))
        .build();
    client.get(server.url("/")).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(120)).await;
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn zero_idle_disables_keep_alive_and_says_so() {
    let server = TestServer::start(|_| ok("x")).await;
    let client = Client::builder().pool_max_idle_per_host(0).build();
    client.get(server.url("/")).send().await.unwrap();
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.seen()[0].header("connection"), Some("close"));
    assert_eq!(client.idle_connections(), 0);
}

#[tokio::test]
async fn server_connection_close_is_honoured() {
    let server = TestServer::start(|_| {
        Action::ReplyClose(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx".to_vec(),
        )
    })
    .await;
    let client = Client::new();
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(client.idle_connections(), 0);
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn http_10_without_keep_alive_is_not_pooled() {
    let server = TestServer::start(|_| {
        Action::ReplyClose(b"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx".to_vec())
    })
    .await;
    let client = Client::new();
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.version(), httpclient::Version::HTTP_10);
    assert_eq!(client.idle_connections(), 0);
}
