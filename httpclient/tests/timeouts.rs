//! Each of the three deadlines, against a server that misbehaves in the matching way.

mod support;

use std::time::Duration;

use httpclient::{Client, ErrorKind, Timeout};
use support::{Action, TestServer};
use tokio::net::{TcpSocket, TcpStream};

#[tokio::test]
async fn connect_timeout() {
    // A listener that never accepts, with the smallest backlog: once its queue is full the
    // kernel drops further SYNs, so the next connect hangs — on loopback, no outside network.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(100), TcpStream::connect(addr)).await {
            Ok(Ok(s)) => fillers.push(s),
            _ => break,
        }
    }
    let client = Client::builder()
        .connect_timeout(Duration::from_millis(200))
        .build();
    let err = client
        .get(format!("http://{addr}/"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout(Timeout::Connect)),
        "{err}"
    );
    assert!(err.is_timeout());
    drop(listener);
}

#[tokio::test]
async fn read_timeout_when_the_server_is_silent() {
    let server = TestServer::start(|_| Action::Silent).await;
    let client = Client::builder()
        .read_timeout(Duration::from_millis(100))
        .build();
    let err = client.get(server.url("/slow")).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout(Timeout::Read)),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!("request to {}: read timeout", server.url("/slow"))
    );
}

#[tokio::test]
async fn read_timeout_in_the_middle_of_the_body() {
    let server = TestServer::start(|_| {
        Action::Trickle(
            vec![
                b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".to_vec(),
                b"defghij".to_vec(),
            ],
            Duration::from_millis(500),
        )
    })
    .await;
    let client = Client::builder()
        .read_timeout(Duration::from_millis(100))
        .build();
    let err = client.get(server.url("/")).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout(Timeout::Read)),
        "{err}"
    );
}

#[tokio::test]
async fn total_timeout_even_while_bytes_keep_coming() {
    // A byte every 40 ms never trips a 1 s read timeout, but the whole request is capped.
    let mut pieces = vec![b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n".to_vec()];
    pieces.extend((0..50).map(|_| b"x".to_vec()));
    let server =
        TestServer::start(move |_| Action::Trickle(pieces.clone(), Duration::from_millis(40)))
            .await;
    let client = Client::builder()
        .read_timeout(Duration::from_secs(1))
        .timeout(Duration::from_millis(300))
        .build();
    let err = client.get(server.url("/")).send().await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout(Timeout::Total)),
        "{err}"
    );

    // A per-request timeout overrides the client's.
    let err = Client::new()
        .get(server.url("/"))
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout(Timeout::Total)),
        "{err}"
    );
}
