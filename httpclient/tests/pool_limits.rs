//! Go's `MaxConnsPerHost`: concurrent requests beyond the limit wait for a connection instead
//! of dialing; the pool's statistics; idle connections expiring.

mod support;

use std::time::Duration;

use httpclient::Client;
use support::{ok, Action, TestServer};

/// Each response arrives in two pieces 30 ms apart, so requests overlap.
async fn slow_server() -> TestServer {
    TestServer::start(|_| {
        Action::Trickle(
            vec![
                b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsl".to_vec(),
                b"ow".to_vec(),
            ],
            Duration::from_millis(30),
        )
    })
    .await
}

#[tokio::test]
async fn concurrent_requests_wait_for_the_per_host_limit() {
    let server = slow_server().await;
    let client = Client::builder().pool_max_conns_per_host(2).build();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let client = client.clone();
        let url = server.url("/");
        tasks.push(tokio::spawn(async move {
            client.get(url).send().await.map(|r| r.text().into_owned())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), "slow");
    }
    assert_eq!(server.accepted(), 2, "never more than 2 connections");
    let stats = client.pool_stats();
    assert_eq!((stats.open, stats.idle, stats.waiting), (2, 2, 0));
    assert_eq!(stats.opened, 2);
    assert_eq!(stats.reused, 4);
    assert!(stats.waited >= 4, "{stats:?}");
}

#[tokio::test]
async fn without_a_limit_each_concurrent_request_dials() {
    let server = slow_server().await;
    let client = Client::new();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (client, url) = (client.clone(), server.url("/"));
        tasks.push(tokio::spawn(async move {
            client.get(url).send().await.unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(server.accepted(), 4);
    let stats = client.pool_stats();
    assert_eq!((stats.opened, stats.waited, stats.idle), (4, 0, 4));
}

#[tokio::test]
async fn a_closed_connection_frees_its_place_for_a_waiter() {
    // The server closes after every response, so no connection is ever reused: the waiter
    // must get its turn from the count going down, not from an idle connection.
    let server = TestServer::start(|_| {
        Action::Trickle(
            vec![b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok".to_vec()],
            Duration::from_millis(20),
        )
    })
    .await;
    let client = Client::builder().pool_max_conns_per_host(1).build();
    let (a, b) = tokio::join!(
        client.get(server.url("/a")).send(),
        client.get(server.url("/b")).send()
    );
    assert_eq!(
        (a.unwrap().text(), b.unwrap().text()),
        ("ok".into(), "ok".into())
    );
    assert_eq!(server.accepted(), 2);
    assert_eq!(client.pool_stats().open, 0);
}

#[tokio::test]
async fn idle_connections_expire() {
    let server = TestServer::start(|_| ok("hi")).await;
    let client = Client::builder()
        .pool_idle_timeout(Duration::from_millis(40))
        .build();
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(client.pool_stats().idle, 1);
    tokio::time::sleep(Duration::from_millis(80)).await;
    let stats = client.pool_stats();
    assert_eq!((stats.idle, stats.open), (0, 0), "{stats:?}");
    client.get(server.url("/")).send().await.unwrap();
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn a_waiter_that_gives_up_leaves_no_trace() {
    let server = TestServer::start(|seen| {
        if seen.path() == "/slow" {
            Action::Trickle(
                vec![b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()],
                Duration::from_millis(1),
            )
        } else {
            ok("fast")
        }
    })
    .await;
    let client = Client::builder().pool_max_conns_per_host(1).build();
    // Hold the only connection with a streamed response that is not read yet.
    let held = client
        .get(server.url("/slow"))
        .send_streaming()
        .await
        .unwrap();
    let err = client
        .get(server.url("/fast"))
        .timeout(Duration::from_millis(50))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    let stats = client.pool_stats();
    assert_eq!(
        (stats.open, stats.waiting, stats.waited),
        (1, 0, 1),
        "{stats:?}"
    );
    // Reading the held body to its end hands the connection over.
    let mut held = held;
    while held.chunk().await.unwrap().is_some() {}
    let resp = client.get(server.url("/fast")).send().await.unwrap();
    assert_eq!(resp.text(), "fast");
    assert_eq!(server.accepted(), 1);
}
