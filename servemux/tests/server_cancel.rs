//! When the client leaves: `Request::client_gone` (Go's `r.Context().Done()`), `TimeoutHandler`,
//! and the shutdown deadline ending a handler that ignores both. Every wait is bounded; no test
//! asserts a time.

mod common;

use std::time::Duration;

use common::{read_response, read_to_close, start};
use servemux::{handler_fn, timeout_handler, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

const BOUND: Duration = Duration::from_secs(5);

/// Reports on a channel when it is dropped: proves a handler's future was dropped.
struct DropGuard(Option<oneshot::Sender<()>>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
    tokio::time::timeout(BOUND, rx.recv())
        .await
        .expect("reported within the bound")
        .expect("sender alive")
}

#[tokio::test]
async fn a_long_poll_learns_that_the_client_left() {
    let (tx, mut rx) = mpsc::unbounded_channel::<&'static str>();
    let app = handler_fn(move |w, r| {
        let tx = tx.clone();
        Box::pin(async move {
            let _ = tx.send("waiting");
            tokio::select! {
                () = r.client_gone() => { let _ = tx.send("client gone"); }
                () = tokio::time::sleep(Duration::from_secs(60)) => {
                    let _ = w.write(b"news").await;
                }
            }
        })
    });
    let srv = start(app, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /poll HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(next(&mut rx).await, "waiting");
    drop(s);
    assert_eq!(next(&mut rx).await, "client gone");
}

#[tokio::test]
async fn a_long_poll_with_a_body_learns_it_after_reading_the_body() {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let app = handler_fn(move |_w, r| {
        let tx = tx.clone();
        Box::pin(async move {
            let body = r.body_mut().read_to_end(1024).await.unwrap_or_default();
            let _ = tx.send(format!("body {}", String::from_utf8_lossy(&body)));
            r.client_gone().await;
            let _ = tx.send("client gone".into());
        })
    });
    let srv = start(app, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /poll HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        .await
        .unwrap();
    assert_eq!(next(&mut rx).await, "body hello");
    drop(s);
    assert_eq!(next(&mut rx).await, "client gone");
}

#[tokio::test]
async fn bytes_that_arrive_while_watching_are_kept_for_the_next_request() {
    // The handler watches for a while, then answers. The next request was pipelined behind the
    // first, so the watch reads it into the buffer: it must still be served.
    let app = handler_fn(|w, r| {
        Box::pin(async move {
            let gone = tokio::time::timeout(Duration::from_millis(50), r.client_gone()).await;
            let body = format!("{} gone={}", r.path(), gone.is_ok());
            let _ = w.write(body.as_bytes()).await;
        })
    });
    let srv = start(app, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /one HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    // Sent while the first handler is watching.
    tokio::time::sleep(Duration::from_millis(10)).await;
    s.write_all(b"GET /two HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let one = read_response(&mut s, &mut buf).await.expect("first");
    let two = read_response(&mut s, &mut buf).await.expect("second");
    assert_eq!(one.text(), "/one gone=false");
    assert_eq!(two.text(), "/two gone=false");
}

#[tokio::test]
async fn a_pipelining_client_that_half_closes_is_gone_only_after_its_last_request() {
    // As in Go: a byte past the body's end is a pipelined request, and the watch stops there, so
    // the first request is not cancelled by the client's end of stream behind the second.
    let app = handler_fn(|w, r| {
        Box::pin(async move {
            let gone = tokio::time::timeout(Duration::from_millis(100), r.client_gone()).await;
            let body = format!("{} gone={}", r.path(), gone.is_ok());
            let _ = w.write(body.as_bytes()).await;
        })
    });
    let srv = start(app, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /one HTTP/1.1\r\nHost: t\r\n\r\nGET /two HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    s.shutdown().await.unwrap();
    let mut buf = Vec::new();
    let one = read_response(&mut s, &mut buf).await.expect("first");
    let two = read_response(&mut s, &mut buf).await.expect("second");
    assert_eq!(one.text(), "/one gone=false");
    assert_eq!(two.text(), "/two gone=true");
}

#[tokio::test]
async fn an_event_stream_stops_when_the_client_leaves() {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let app = handler_fn(move |w, r| {
        let tx = tx.clone();
        Box::pin(async move {
            for n in 1u32.. {
                let event = format!("data: {n}\n\n");
                if w.write(event.as_bytes()).await.is_err() || w.flush().await.is_err() {
                    let _ = tx.send("write failed".into());
                    return;
                }
                tokio::select! {
                    () = r.client_gone() => {
                        let _ = tx.send("client gone".into());
                        return;
                    }
                    () = tokio::time::sleep(Duration::from_millis(10)) => {}
                }
            }
        })
    });
    let srv = start(app, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("data: 3\n\n") {
        let mut chunk = [0u8; 256];
        let n = tokio::time::timeout(BOUND, s.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0);
        seen.extend_from_slice(&chunk[..n]);
    }
    assert!(String::from_utf8_lossy(&seen).contains("transfer-encoding: chunked"));
    drop(s);
    // The handler stops: it saw the end of the stream (or, had the close raced a write, the
    // failed write). Either way it returned, and told us why.
    let why = next(&mut rx).await;
    assert!(why == "client gone" || why == "write failed", "{why}");
}

#[tokio::test]
async fn a_request_built_by_hand_never_reports_the_client_gone() {
    let mut r = servemux::Request::new(http::Method::GET, "/").unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(20), r.client_gone()).await;
    assert!(waited.is_err());
}

#[tokio::test]
async fn timeout_handler_answers_503_and_drops_the_late_handler() {
    let (guard_tx, guard_rx) = mpsc::unbounded_channel::<oneshot::Receiver<()>>();
    let slow = handler_fn(move |w, _r| {
        let (dropped_tx, dropped_rx) = oneshot::channel();
        let _ = guard_tx.send(dropped_rx);
        Box::pin(async move {
            let _guard = DropGuard(Some(dropped_tx));
            let _ = w.write(b"never sent").await;
            std::future::pending::<()>().await;
        })
    });
    let srv = start(
        timeout_handler(slow, Duration::from_millis(30), "too slow"),
        Config::default(),
    )
    .await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /x HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut s, &mut buf).await.expect("a response");
    assert_eq!(resp.status, 503);
    assert_eq!(resp.text(), "too slow");
    let mut guard_rx = guard_rx;
    let dropped = next(&mut guard_rx).await;
    tokio::time::timeout(BOUND, dropped)
        .await
        .expect("the inner future was dropped")
        .expect("the guard reported");

    // The connection is still good for the next request.
    s.write_all(b"GET /y HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_response(&mut s, &mut buf).await.unwrap().status, 503);
}

#[tokio::test]
async fn timeout_handler_passes_a_timely_response_through() {
    let fast = handler_fn(|w, _r| {
        Box::pin(async move {
            w.header_mut()
                .insert("x-inner", http::HeaderValue::from_static("yes"));
            w.write_header(http::StatusCode::CREATED);
            let _ = w.write(&[b'a'; 5000]).await;
            let _ = w.flush().await; // stays in the buffer
            let _ = w.write(b"end").await;
        })
    });
    let srv = start(
        timeout_handler(fast, Duration::from_secs(30), ""),
        Config::default(),
    )
    .await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(resp.header("x-inner"), Some("yes"));
    // As in Go, the buffered body is written in one go after the handler: past the 2 KiB the
    // writer holds back, it is chunked.
    assert_eq!(resp.body.len(), 5003);
    assert!(resp.body.ends_with(b"end"));
}

#[tokio::test]
async fn timeout_handler_without_a_message_sends_go_s_page() {
    let slow = handler_fn(|_w, _r| Box::pin(std::future::pending::<()>()));
    let srv = start(
        timeout_handler(slow, Duration::from_millis(10), ""),
        Config::default(),
    )
    .await;
    let out = common::roundtrip_until_close(
        srv.addr,
        b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(
        out.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{out}"
    );
    assert!(out.ends_with(
        "<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>"
    ));
}

#[tokio::test]
async fn the_shutdown_deadline_ends_a_handler_that_ignores_cancellation() {
    let (guard_tx, mut guard_rx) = mpsc::unbounded_channel::<oneshot::Receiver<()>>();
    let stubborn = handler_fn(move |_w, _r| {
        let (dropped_tx, dropped_rx) = oneshot::channel();
        let _ = guard_tx.send(dropped_rx);
        Box::pin(async move {
            let _guard = DropGuard(Some(dropped_tx));
            std::future::pending::<()>().await;
        })
    });
    let srv = start(stubborn, Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let dropped = next(&mut guard_rx).await;
    let err = srv
        .server
        .shutdown(Duration::from_millis(50))
        .await
        .expect_err("the handler outlived the deadline");
    assert_eq!(err.forced, 1);
    tokio::time::timeout(BOUND, dropped)
        .await
        .expect("the handler's future was dropped")
        .expect("the guard reported");
    assert_eq!(read_to_close(&mut s).await, "");
}
