//! Hostile and malformed input: each gets its status and a closed connection, never a panic.

mod common;

use std::time::Duration;

use common::{roundtrip_until_close, start};
use servemux::{handler_fn, Config};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn ok() -> impl servemux::Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            // A body that cannot be read is answered by the server (400, 413), not by us.
            let Ok(body) = r.body_mut().read_to_end(u64::MAX).await else {
                return;
            };
            let text = format!(
                "served {} body={}",
                r.path(),
                String::from_utf8_lossy(&body)
            );
            let _ = w.write(text.as_bytes()).await;
        })
    })
}

/// Sends `request` and returns the status line of the answer, checking the server closed.
async fn status_of(config: Config, request: &[u8]) -> String {
    let srv = start(ok(), config).await;
    let out = roundtrip_until_close(srv.addr, request).await;
    let status_line = out.split("\r\n").next().unwrap_or("").to_owned();
    assert!(
        out.contains("connection: close"),
        "error responses close: {out}"
    );
    assert!(!out.contains("served"), "the handler must not run: {out}");
    status_line
}

#[tokio::test]
async fn each_hostile_input_gets_its_status() {
    let cases: &[(&[u8], &str)] = &[
        (b"GARBAGE\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n", "400"),
        (b"GET /\x01 HTTP/1.1\r\nHost: t\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\n\r\n", "400"), // missing Host
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"),
        (
            b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "400",
        ),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 4\r\n\r\nabcd", "400"),
        // Refused like Go and hyper: a comma list, even of one repeated length.
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 5\r\n\r\nhello", "400"),
        // RFC 9112 section 3.2: a Host with bytes no host may hold.
        (b"GET / HTTP/1.1\r\nHost: exampl>.com\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: caf\xc3\xa9.com\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3x\r\n\r\nabc", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\x00b\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", "400"),
        (b"GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n", "400"),
        (b"GET nopath HTTP/1.1\r\nHost: t\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", "501"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "501"),
        (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "505"),
        (b"GET / HTTP/3.0\r\nHost: t\r\n\r\n", "505"),
        (b"GET / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n\r\n", "417"),
    ];
    for (request, want) in cases {
        let got = status_of(Config::default(), request).await;
        assert!(
            got.starts_with(&format!("HTTP/1.1 {want} ")),
            "{:?}: want {want}, got {got:?}",
            String::from_utf8_lossy(request)
        );
    }
}

#[tokio::test]
async fn limits_give_431_413_414() {
    let config = Config {
        max_header_bytes: 1024,
        max_body_bytes: 16,
        max_uri_len: 64,
        ..Config::default()
    };
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "a".repeat(2000)
    );
    assert!(status_of(config.clone(), big_header.as_bytes())
        .await
        .starts_with("HTTP/1.1 431 "));

    let many: String = (0..200).map(|i| format!("X-{i}: v\r\n")).collect();
    let many = format!("GET / HTTP/1.1\r\nHost: t\r\n{many}\r\n");
    let cfg = Config {
        max_header_bytes: 1 << 20,
        ..config.clone()
    };
    assert!(status_of(cfg, many.as_bytes())
        .await
        .starts_with("HTTP/1.1 431 "));

    let body = b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n01234567890123456";
    assert!(status_of(config.clone(), body)
        .await
        .starts_with("HTTP/1.1 413 "));

    let chunked = b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n";
    assert!(status_of(config.clone(), chunked)
        .await
        .starts_with("HTTP/1.1 413 "));

    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "u".repeat(100));
    assert!(status_of(config.clone(), long_uri.as_bytes())
        .await
        .starts_with("HTTP/1.1 414 "));
    // A long URI still being sent is refused before its line ends.
    let partial = format!("GET /{}", "u".repeat(500));
    assert!(status_of(config, partial.as_bytes())
        .await
        .starts_with("HTTP/1.1 414 "));
}

#[tokio::test]
async fn no_request_can_be_smuggled_in_a_body() {
    // The body declared by Content-Length contains bytes that look like a request: they stay body.
    let srv = start(ok(), Config::default()).await;
    let inner = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";
    let req = format!(
        "POST /outer HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{inner}",
        inner.len()
    );
    let out = roundtrip_until_close(srv.addr, req.as_bytes()).await;
    assert_eq!(out.matches("HTTP/1.1 ").count(), 1, "{out}");
    assert!(
        out.ends_with(&format!("served /outer body={inner}")),
        "{out}"
    );
    assert!(!out.contains("served /smuggled"));
}

#[tokio::test]
async fn slowloris_is_cut_off_while_others_are_served() {
    let config = Config {
        read_header_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let srv = start(ok(), config).await;
    let mut slow = TcpStream::connect(srv.addr).await.unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    // Drip header bytes, each well inside any per-read timeout, never finishing the head.
    let dripper = tokio::spawn(async move {
        for i in 0..40 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if slow
                .write_all(format!("X-{i}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                return (true, slow);
            }
        }
        (false, slow)
    });
    // Meanwhile a normal client is served.
    let resp = common::get(srv.addr, "/normal").await;
    assert_eq!(resp.text(), "served /normal body=");
    let (write_failed, mut slow) = dripper.await.unwrap();
    let rest = common::read_to_close(&mut slow).await;
    assert!(write_failed || rest.is_empty(), "slow client got {rest:?}");
    assert!(!rest.contains("served"));
}

/// A client that connects and never sends a byte holds a connection for the read-header timeout
/// only (the server's sweeper closes it), while others are served.
#[tokio::test]
async fn a_silent_connection_is_closed_after_the_read_header_timeout() {
    let config = Config {
        read_header_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let srv = start(ok(), config).await;
    let mut silent = TcpStream::connect(srv.addr).await.unwrap();
    let resp = common::get(srv.addr, "/normal").await;
    assert_eq!(resp.text(), "served /normal body=");
    assert_eq!(common::read_to_close(&mut silent).await, "");
}
