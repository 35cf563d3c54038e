//! The server over real TCP: keep-alive, HTTP/1.0, pipelining, bodies, HEAD, 100-continue.

mod common;

use std::time::Duration;

use common::{read_response, read_to_close, roundtrip_until_close, start};
use servemux::http::{header, StatusCode};
use servemux::{handler_fn, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Echoes method, path, query and body; `/stream` writes a large body in pieces; `/status/N` sets a
/// status; `/declared` sets its own Content-Length.
fn echo() -> impl servemux::Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            match r.path() {
                "/stream" => {
                    for i in 0..100 {
                        let line =
                            format!("line {i:03} ........................................\n");
                        w.write(line.as_bytes()).await.unwrap();
                    }
                }
                "/flush" => {
                    w.write(b"first").await.unwrap();
                    w.flush().await.unwrap();
                    w.write(b" second").await.unwrap();
                }
                "/declared" => {
                    w.header_mut()
                        .insert(header::CONTENT_LENGTH, "5".parse().unwrap());
                    w.write(b"he").await.unwrap();
                    w.flush().await.unwrap();
                    w.write(b"llo").await.unwrap();
                }
                p if p.starts_with("/status/") => {
                    let code: u16 = p["/status/".len()..].parse().unwrap();
                    w.write_header(StatusCode::from_u16(code).unwrap());
                    let _ = w.write(b"ignored for 204 and 304").await;
                }
                _ => {
                    let Ok(body) = r.body_mut().read_to_end(u64::MAX).await else {
                        return;
                    };
                    let text = format!(
                        "{} {} q={} body={}",
                        r.method(),
                        r.path(),
                        r.raw_query(),
                        String::from_utf8_lossy(&body)
                    );
                    w.write(text.as_bytes()).await.unwrap();
                }
            }
        })
    })
}

#[tokio::test]
async fn keep_alive_serves_many_requests_on_one_connection() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    for i in 0..5 {
        let req = format!("GET /n/{i}?x={i} HTTP/1.1\r\nHost: t\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let resp = read_response(&mut s, &mut buf).await.unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.text(), format!("GET /n/{i} q=x={i} body="));
        assert_eq!(
            resp.header("content-length"),
            Some(resp.body.len().to_string().as_str())
        );
        assert!(resp.header("date").is_some());
        assert_eq!(resp.header("connection"), None);
    }
}

#[tokio::test]
async fn connection_close_is_honoured() {
    let srv = start(echo(), Config::default()).await;
    let out = roundtrip_until_close(
        srv.addr,
        b"GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(out.starts_with("HTTP/1.1 200 OK\r\n"), "{out}");
    assert!(out.contains("connection: close\r\n"), "{out}");
    assert!(out.ends_with("GET /a q= body="), "{out}");
}

#[tokio::test]
async fn http10_closes_unless_keep_alive_is_asked() {
    let srv = start(echo(), Config::default()).await;
    let out = roundtrip_until_close(srv.addr, b"GET /old HTTP/1.0\r\n\r\n").await;
    assert!(out.starts_with("HTTP/1.0 200 OK\r\n"), "{out}");
    assert!(out.ends_with("GET /old q= body="), "{out}");

    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    for _ in 0..2 {
        s.write_all(b"GET /ka HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .await
            .unwrap();
        let resp = read_response(&mut s, &mut buf).await.unwrap();
        assert_eq!(resp.header("connection"), Some("keep-alive"));
        assert_eq!(resp.text(), "GET /ka q= body=");
    }
}

#[tokio::test]
async fn http10_streaming_body_runs_until_close() {
    let srv = start(echo(), Config::default()).await;
    let out = roundtrip_until_close(srv.addr, b"GET /stream HTTP/1.0\r\n\r\n").await;
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    assert!(
        !head.contains("content-length") && !head.contains("transfer-encoding"),
        "{head}"
    );
    assert_eq!(body.lines().count(), 100);
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let mut batch = String::new();
    for i in 0..10 {
        batch.push_str(&format!(
            "POST /p/{i} HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\n{i}"
        ));
    }
    s.write_all(batch.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    for i in 0..10 {
        let resp = read_response(&mut s, &mut buf).await.unwrap();
        assert_eq!(resp.text(), format!("POST /p/{i} q= body={i}"));
    }
}

/// The connection fills one request value in place for every request it reads: nothing a request
/// carried or a handler set (headers, a path value, a replaced body, a decoded path, an
/// absolute-form host) may reach the next request on the connection.
#[tokio::test]
async fn nothing_of_a_request_reaches_the_next_one_on_the_connection() {
    let handler = handler_fn(|w, r| {
        Box::pin(async move {
            let body = r.body_mut().read_to_end(1024).await.unwrap();
            let seen = format!(
                "path={} raw={} q={} host={} x-a={:?} k={:?} body={:?}",
                r.path(),
                r.raw_path(),
                r.raw_query(),
                r.host(),
                r.headers()
                    .get("x-a")
                    .map(|v| v.to_str().unwrap().to_owned()),
                r.path_value("k"),
                String::from_utf8_lossy(&body),
            );
            // What a middleware might leave behind: a path value and a replaced body.
            r.set_path_value("k", "set by the first handler");
            r.set_body(servemux::Body::from_bytes("replaced"));
            r.headers_mut().insert("x-left", "behind".parse().unwrap());
            w.write(seen.as_bytes()).await.unwrap();
        })
    });
    let srv = start(handler, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"POST http://first.example/a%20b?x=1 HTTP/1.1\r\nHost: t\r\nX-A: one\r\n\
          Content-Length: 3\r\n\r\nabc\
          GET /second HTTP/1.1\r\nHost: t2\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let first = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(
        first.text(),
        "path=/a b raw=/a%20b q=x=1 host=first.example x-a=Some(\"one\") k=None body=\"abc\""
    );
    let second = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(
        second.text(),
        "path=/second raw=/second q= host=t2 x-a=None k=None body=\"\""
    );
}

#[tokio::test]
async fn chunked_request_body_is_decoded() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n\
          5\r\nhello\r\n7;name=val\r\n, world\r\n0\r\nTrailer: x\r\n\r\n\
          GET /next HTTP/1.1\r\nHost: t\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let first = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(first.text(), "POST /up q= body=hello, world");
    let second = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(second.text(), "GET /next q= body=");
}

#[tokio::test]
async fn large_and_flushed_responses_are_chunked() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    s.write_all(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\nGET /flush HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let big = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(big.header("transfer-encoding"), Some("chunked"));
    assert_eq!(
        big.body.len(),
        100 * "line 000 ........................................\n".len()
    );
    let flushed = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(flushed.header("transfer-encoding"), Some("chunked"));
    assert_eq!(flushed.text(), "first second");
}

#[tokio::test]
async fn handler_declared_content_length_is_streamed_raw() {
    let srv = start(echo(), Config::default()).await;
    let resp = common::get(srv.addr, "/declared").await;
    assert_eq!(resp.header("content-length"), Some("5"));
    assert_eq!(resp.header("transfer-encoding"), None);
    assert_eq!(resp.text(), "hello");
}

#[tokio::test]
async fn head_gets_headers_but_no_body() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"HEAD /h HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    // Read the HEAD response head only, then the GET response must follow immediately.
    let head = testkit::http::read(&mut s, &mut buf, true)
        .await
        .expect("the HEAD response");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some("16"),
        "HEAD reports the length the handler wrote"
    );
    let next = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(next.text(), "GET /after q= body=");
}

#[tokio::test]
async fn no_body_for_204_and_304() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(
        b"GET /status/204 HTTP/1.1\r\nHost: t\r\n\r\nGET /status/304 HTTP/1.1\r\nHost: t\r\n\r\n\
          GET /status/201 HTTP/1.1\r\nHost: t\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let a = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(a.status, 204);
    assert_eq!(a.header("content-length"), None);
    let b = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(b.status, 304);
    let c = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(c.status, 201);
    assert_eq!(c.text(), "ignored for 204 and 304");
}

#[tokio::test]
async fn expect_100_continue_gets_interim_response() {
    let srv = start(echo(), Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"PUT /e HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        .await
        .unwrap();
    let mut interim = [0u8; 25];
    tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut interim))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    s.write_all(b"data").await.unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(resp.text(), "PUT /e q= body=data");
}

#[tokio::test]
async fn expect_100_continue_with_too_large_body_gets_413_without_100() {
    let config = Config {
        max_body_bytes: 10,
        ..Config::default()
    };
    let srv = start(echo(), config).await;
    let out = roundtrip_until_close(
        srv.addr,
        b"PUT /e HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n",
    )
    .await;
    assert!(
        out.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{out}"
    );
}

#[tokio::test]
async fn absolute_form_target_sets_host_and_path() {
    let handler = handler_fn(|w, r| {
        Box::pin(async move {
            let text = format!("{} {}", r.host(), r.path());
            let _ = w.write(text.as_bytes()).await;
        })
    });
    let srv = start(handler, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET http://example.org:81/x/y?z HTTP/1.1\r\nHost: ignored\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(resp.text(), "example.org:81 /x/y");
}

#[tokio::test]
async fn idle_keep_alive_connection_is_closed_after_idle_timeout() {
    let config = Config {
        idle_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let srv = start(echo(), config).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    read_response(&mut s, &mut buf).await.unwrap();
    // After the idle timeout the server closes: reading yields EOF.
    let rest = read_to_close(&mut s).await;
    assert_eq!(rest, "");
}

/// A connection's first wait is bounded by the read-header timeout, the waits between its
/// requests by the idle timeout: a keep-alive connection must get the longer idle timeout, not
/// the read-header timeout it started with.
#[tokio::test]
async fn idle_wait_uses_the_idle_timeout_not_the_first_read_header_timeout() {
    let config = Config {
        read_header_timeout: Duration::from_millis(150),
        idle_timeout: Duration::from_millis(800),
        ..Config::default()
    };
    let srv = start(echo(), config).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let mut buf = Vec::new();
    s.write_all(b"GET /one HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    read_response(&mut s, &mut buf).await.unwrap();
    // Past the read-header timeout, well inside the idle timeout: still open.
    tokio::time::sleep(Duration::from_millis(400)).await;
    s.write_all(b"GET /two HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let resp = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(resp.status, 200);
    // Then idle for good: closed by the idle timeout.
    assert_eq!(read_to_close(&mut s).await, "");
}
