//! Response body framings and request bodies: Content-Length, chunked, read-to-close, HEAD,
//! 1xx, size limit; form and JSON bodies, custom and default headers.

mod support;

use std::time::Duration;

use httpclient::{header, Client, ErrorKind, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};
use support::{ok, Action, TestServer};

#[tokio::test]
async fn chunked_body_arriving_in_pieces() {
    let server = TestServer::start(|_| {
        Action::Trickle(
            vec![
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".to_vec(),
                b"lo\r\n6;ext=1\r\n world\r\n".to_vec(),
                b"0\r\nX-Trailer: yes\r\n\r\n".to_vec(),
            ],
            Duration::from_millis(10),
        )
    })
    .await;
    let client = Client::new();
    let resp = client.get(server.url("/chunked")).send().await.unwrap();
    assert_eq!(resp.text(), "hello world");
    // A complete chunked body leaves the connection reusable.
    assert_eq!(client.idle_connections(), 1);
}

#[tokio::test]
async fn close_delimited_body_reads_to_eof() {
    let server = TestServer::start(|_| {
        Action::ReplyClose(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it until close".to_vec(),
        )
    })
    .await;
    let client = Client::new();
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "all of it until close");
    assert_eq!(client.idle_connections(), 0);
}

#[tokio::test]
async fn head_response_has_no_body_and_keeps_the_connection() {
    let server = TestServer::start(|seen| {
        if seen.request_line().starts_with("HEAD") {
            Action::Reply(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".to_vec())
        } else {
            ok("after head")
        }
    })
    .await;
    let client = Client::new();
    let resp = client.head(server.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[header::CONTENT_LENGTH], "1000");
    assert!(resp.body().is_empty());
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "after head");
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn interim_100_continue_is_skipped() {
    let server = TestServer::start(|_| {
        Action::Reply(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
                .to_vec(),
        )
    })
    .await;
    let resp = Client::new()
        .post(server.url("/"), "x")
        .send()
        .await
        .unwrap();
    assert_eq!((resp.status(), &*resp.text()), (StatusCode::CREATED, "ok"));
}

#[tokio::test]
async fn body_over_the_limit_is_too_large() {
    let server = TestServer::start(|seen| match seen.path() {
        "/length" => ok(&"x".repeat(100)),
        "/chunked" => Action::Reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n"
                .iter()
                .copied()
                .chain(vec![b'y'; 64])
                .chain(*b"\r\n0\r\n\r\n")
                .collect(),
        ),
        _ => Action::ReplyClose([&b"HTTP/1.1 200 OK\r\n\r\n"[..], &[b'z'; 100]].concat()),
    })
    .await;
    let client = Client::builder().max_response_size(50).build();
    for path in ["/length", "/chunked", "/close"] {
        let err = client.get(server.url(path)).send().await.unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::TooLarge {
                    what: "response body",
                    limit: 50
                }
            ),
            "{path}: {err}"
        );
        assert!(err.to_string().contains(&server.url(path)));
    }
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Demo {
    name: String,
    n: u32,
}

#[tokio::test]
async fn form_and_json_bodies_and_headers() {
    let server = TestServer::start(|seen| {
        // Echo the request body back, as the demo's ProcessPost does.
        let body = String::from_utf8_lossy(&seen.body).into_owned();
        ok(&body)
    })
    .await;
    let client = Client::builder()
        .default_header(header::ACCEPT, HeaderValue::from_static("*/*"))
        .build();

    let resp = client
        .post(server.url("/form"), "")
        .form([("a", "1"), ("b", "x y&z")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "a=1&b=x+y%26z");

    let value = Demo {
        name: "gohttp".into(),
        n: 7,
    };
    let resp = client
        .post(server.url("/json"), "")
        .json(&value)
        .header("x-trace", "42")
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.json::<Demo>().unwrap(), value);

    let resp = client
        .request(Method::PUT, server.url("/put"))
        .body("raw")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "raw");

    let seen = server.seen();
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen[0].header("accept"), Some("*/*"));
    assert_eq!(
        seen[0].header("host"),
        Some(server.addr.to_string().as_str())
    );
    assert!(seen[0]
        .header("user-agent")
        .unwrap()
        .starts_with("httpclient/"));
    assert_eq!(seen[1].header("content-type"), Some("application/json"));
    assert_eq!(seen[1].header("x-trace"), Some("42"));
    // The request's Accept replaces the default one rather than adding a second.
    assert_eq!(seen[1].head.matches("accept:").count(), 1);
    assert_eq!(seen[1].header("accept"), Some("application/json"));
    assert_eq!(seen[2].request_line(), "PUT /put HTTP/1.1");
}

#[tokio::test]
async fn large_request_body_is_sent_whole() {
    let server = TestServer::start(|seen| ok(&seen.body.len().to_string())).await;
    let body = vec![b'q'; 200_000];
    let resp = Client::new()
        .post(server.url("/big"), body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text(), "200000");
}

#[tokio::test]
async fn invalid_header_is_reported_by_send() {
    let client = Client::new();
    let err = client
        .get("http://127.0.0.1:1/")
        .header("bad header", "v")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader));
    let err = client
        .get("http://127.0.0.1:1/")
        .header("x", "line\r\nbreak")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidHeader));
}
