//! Hijack and upgrade: the stream and the bytes already read are handed over, the server forgets
//! the connection (state, open count, shutdown), and the upgrade helper refuses bad handshakes
//! before anything is hijacked.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{read_response, read_to_close, start, start_server};
use servemux::{
    handler_fn, upgrade_websocket, Config, ConnState, HijackError, Recorder, Request, Server,
};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Bounds every wait in these tests; none of them asserts a time.
const BOUND: Duration = Duration::from_secs(5);

/// `/raw` hijacks, reports what it was handed, then echoes lines until the client closes.
/// `/drop` hijacks and drops the stream. `/hang` never answers. `/ws` upgrades to WebSocket.
fn app(events: mpsc::UnboundedSender<String>) -> impl servemux::Handler {
    handler_fn(move |w, r| {
        let events = events.clone();
        Box::pin(async move {
            match r.path() {
                "/raw" => {
                    let conn = w.hijack(r).await.expect("hijack");
                    let buffered = conn.buffered().to_vec();
                    // Writes through the spent writer fail (Go's ErrHijacked).
                    let late = w.write(b"late").await;
                    let _ = events.send(format!("write after hijack failed: {}", late.is_err()));
                    let _ = events.send("hijacked".into());
                    let mut conn = BufReader::new(conn);
                    let mut line = String::new();
                    while conn.read_line(&mut line).await.unwrap_or(0) > 0 {
                        let reply = format!("echo {line}");
                        if conn.get_mut().write_all(reply.as_bytes()).await.is_err() {
                            break;
                        }
                        line.clear();
                    }
                    let _ = events.send(format!("buffered {}", buffered.len()));
                    let _ = events.send("raw done".into());
                }
                "/drop" => {
                    let conn = w.hijack(r).await.expect("hijack");
                    drop(conn);
                    let _ = events.send("dropped".into());
                }
                "/twice" => {
                    let first = w.hijack(r).await.expect("hijack");
                    let again = w.hijack(r).await;
                    let _ = events.send(format!(
                        "second hijack: {}",
                        matches!(again, Err(HijackError::AlreadyHijacked))
                    ));
                    drop(first);
                }
                "/hang" => tokio::time::sleep(Duration::from_secs(60)).await,
                "/ws" => {
                    if let Ok(mut conn) = upgrade_websocket(w, r).await {
                        let _ = events.send("upgraded".into());
                        let mut sink = [0u8; 64];
                        while conn.read(&mut sink).await.unwrap_or(0) > 0 {}
                    }
                }
                _ => {
                    let _ = w.write(b"plain").await;
                }
            }
        })
    })
}

type States = Arc<Mutex<Vec<ConnState>>>;

async fn start_recording(
    config: Config,
) -> (common::TestServer, States, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let states: States = Arc::default();
    let log = states.clone();
    let hook = Arc::new(move |_: SocketAddr, s: ConnState| log.lock().unwrap().push(s));
    let server = Server::with_conn_state(app(tx), config, hook);
    (start_server(server).await, states, rx)
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<String>) -> String {
    tokio::time::timeout(BOUND, rx.recv())
        .await
        .expect("the handler reported within the bound")
        .expect("the handler is alive")
}

async fn wait_for(mut cond: impl FnMut() -> bool, what: &str) {
    let deadline = tokio::time::Instant::now() + BOUND;
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn hijack_hands_over_the_stream_and_the_bytes_already_read() {
    let (srv, states, mut rx) = start_recording(Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    // The line after the head arrives with it, so the server has read it already: the hijacker
    // must get it.
    s.write_all(b"GET /raw HTTP/1.1\r\nHost: t\r\n\r\nfirst line\n")
        .await
        .unwrap();
    assert_eq!(next_event(&mut rx).await, "write after hijack failed: true");
    assert_eq!(next_event(&mut rx).await, "hijacked");
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    reader.read_line(&mut line).await.unwrap();
    assert_eq!(line, "echo first line\n");

    // The server forgot the connection; it still works.
    assert_eq!(srv.server.open_connections(), 0);
    assert_eq!(srv.server.hijacked_connections(), 1);
    reader.get_mut().write_all(b"second\n").await.unwrap();
    line.clear();
    reader.read_line(&mut line).await.unwrap();
    assert_eq!(line, "echo second\n");

    drop(reader);
    let buffered = next_event(&mut rx).await;
    assert!(buffered.starts_with("buffered "), "{buffered}");
    assert_eq!(next_event(&mut rx).await, "raw done");
    wait_for(
        || srv.server.hijacked_connections() == 0,
        "hijacked count back to 0",
    )
    .await;
    // Hijacked is the last state: never Closed (Go's StateHijacked).
    assert_eq!(
        *states.lock().unwrap(),
        [ConnState::New, ConnState::Active, ConnState::Hijacked]
    );
}

#[tokio::test]
async fn a_pipelined_response_goes_out_before_the_hijack() {
    let (srv, _states, mut rx) = start_recording(Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /raw HTTP/1.1\r\nHost: t\r\n\r\nx\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let first = read_response(&mut s, &mut buf)
        .await
        .expect("first response");
    assert_eq!(first.text(), "plain");
    assert_eq!(next_event(&mut rx).await, "write after hijack failed: true");
    // What follows the first response is the hijacker's own bytes.
    let mut rest = buf;
    while !rest.ends_with(b"\n") {
        let mut chunk = [0u8; 64];
        let n = tokio::time::timeout(BOUND, s.read(&mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed early");
        rest.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(rest, b"echo x\n");
}

#[tokio::test]
async fn an_unread_body_is_the_first_thing_the_hijacker_reads() {
    let (srv, _states, mut rx) = start_recording(Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"POST /raw HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nbody\n")
        .await
        .unwrap();
    assert_eq!(next_event(&mut rx).await, "write after hijack failed: true");
    let mut reader = BufReader::new(s);
    let mut line = String::new();
    tokio::time::timeout(BOUND, reader.read_line(&mut line))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line, "echo body\n");
}

#[tokio::test]
async fn a_dropped_hijacked_stream_closes_the_socket() {
    let (srv, states, mut rx) = start_recording(Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /drop HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_to_close(&mut s).await, "", "nothing was written");
    assert_eq!(next_event(&mut rx).await, "dropped");
    wait_for(
        || srv.server.hijacked_connections() == 0,
        "the dropped stream left the count",
    )
    .await;
    assert_eq!(states.lock().unwrap().last(), Some(&ConnState::Hijacked));
}

#[tokio::test]
async fn a_connection_is_hijacked_once() {
    let (srv, _states, mut rx) = start_recording(Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /twice HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(next_event(&mut rx).await, "second hijack: true");
    assert_eq!(read_to_close(&mut s).await, "");
}

#[tokio::test]
async fn without_a_connection_there_is_nothing_to_hijack() {
    let mut w = Recorder::new();
    let mut r = Request::new(http::Method::GET, "/").unwrap();
    assert!(matches!(
        w.writer().hijack(&mut r).await,
        Err(HijackError::NotSupported)
    ));
}

#[tokio::test]
async fn shutdown_neither_waits_for_nor_cuts_a_hijacked_connection() {
    let (srv, _states, mut rx) = start_recording(Config::default()).await;
    let mut hijacked = TcpStream::connect(srv.addr).await.unwrap();
    hijacked
        .write_all(b"GET /raw HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(next_event(&mut rx).await, "write after hijack failed: true");
    assert_eq!(next_event(&mut rx).await, "hijacked");
    // A second, ordinary connection is stuck in a handler: it is cut at the deadline.
    let mut stuck = TcpStream::connect(srv.addr).await.unwrap();
    stuck
        .write_all(b"GET /hang HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    wait_for(
        || srv.server.open_connections() == 1,
        "the stuck one is open",
    )
    .await;

    let err = srv
        .server
        .shutdown(Duration::from_millis(100))
        .await
        .expect_err("the stuck handler outlives the deadline");
    assert_eq!(err.forced, 1, "only the ordinary connection was forced");
    assert_eq!(read_to_close(&mut stuck).await, "");

    // The hijacked connection lives on after the forced phase.
    let mut reader = BufReader::new(hijacked);
    reader.get_mut().write_all(b"still here\n").await.unwrap();
    let mut line = String::new();
    tokio::time::timeout(BOUND, reader.read_line(&mut line))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(line, "echo still here\n");
    assert_eq!(srv.server.hijacked_connections(), 1);
    drop(reader);
    assert_eq!(srv.server.wait_hijacked(BOUND).await, 0);
}

// ---- The upgrade helper ----

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

fn handshake(path: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: t\r\n{extra}\r\n")
}

#[tokio::test]
async fn a_websocket_handshake_is_answered_101_with_the_accept_key() {
    let (srv, states, mut rx) = start_recording(Config::default()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    let req = handshake(
        "/ws",
        &format!(
            "Upgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {KEY}\r\n"
        ),
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        let n = tokio::time::timeout(BOUND, s.read(&mut byte))
            .await
            .unwrap()
            .unwrap();
        assert!(
            n > 0,
            "closed during the 101: {:?}",
            String::from_utf8_lossy(&head)
        );
        head.push(byte[0]);
    }
    assert_eq!(
        String::from_utf8(head).unwrap(),
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
    );
    assert_eq!(next_event(&mut rx).await, "upgraded");
    assert_eq!(states.lock().unwrap().last(), Some(&ConnState::Hijacked));
}

async fn refused(extra: &str, method: &str) -> (String, Vec<ConnState>) {
    let (srv, states, _rx) = start_recording(Config::default()).await;
    let req = handshake("/ws", extra).replacen("GET", method, 1);
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(req.as_bytes()).await.unwrap();
    let out = read_to_close(&mut s).await;
    wait_for(
        || states.lock().unwrap().last() == Some(&ConnState::Closed),
        "the refused connection closed",
    )
    .await;
    let states = states.lock().unwrap().clone();
    (out, states)
}

#[tokio::test]
async fn bad_handshakes_get_an_error_before_any_hijack() {
    let good_key = format!("Sec-WebSocket-Key: {KEY}\r\n");
    let cases = [
        // (headers, method, status, body says)
        (
            format!("Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n{good_key}"),
            "GET",
            "400 Bad Request",
            "'Upgrade' header",
        ),
        (
            format!("Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n{good_key}"),
            "GET",
            "400 Bad Request",
            "'Connection' header",
        ),
        (
            format!("Upgrade: websocket\r\nConnection: Upgrade\r\n{good_key}"),
            "GET",
            "400 Bad Request",
            "Sec-WebSocket-Version",
        ),
        (
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n"
                .to_owned(),
            "GET",
            "400 Bad Request",
            "Sec-WebSocket-Key",
        ),
        (
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n".to_owned(),
            "GET",
            "400 Bad Request",
            "Sec-WebSocket-Key",
        ),
        (
            format!("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n{good_key}"),
            "POST",
            "405 Method Not Allowed",
            "not GET",
        ),
    ];
    for (extra, method, status, says) in cases {
        let (out, states) = refused(&extra, method).await;
        assert!(
            out.starts_with(&format!("HTTP/1.1 {status}\r\n")),
            "{extra}: {out}"
        );
        assert!(out.contains(says), "{extra}: {out}");
        assert!(out.contains("connection: close"), "{out}");
        assert!(!states.contains(&ConnState::Hijacked), "{states:?}");
    }
    let (out, _) = refused(
        &format!(
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n{good_key}"
        ),
        "GET",
    )
    .await;
    assert!(out.contains("sec-websocket-version: 13\r\n"), "{out}");
}

#[tokio::test]
async fn switch_protocols_upgrades_to_any_named_protocol() {
    let app = handler_fn(|w, r| {
        Box::pin(async move {
            let mut extra = http::HeaderMap::new();
            extra.insert("x-proto-version", http::HeaderValue::from_static("2"));
            if let Ok(mut conn) = servemux::switch_protocols(w, r, "line-echo", &extra).await {
                let mut buf = [0u8; 64];
                let n = conn.read(&mut buf).await.unwrap_or(0);
                let _ = conn.write_all(&buf[..n]).await;
            }
        })
    });
    let srv = start(app, Config::default()).await;
    let out = common::roundtrip_until_close(
        srv.addr,
        b"GET /p HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: line-echo\r\n\r\nhi\n",
    )
    .await;
    assert_eq!(
        out,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: line-echo\r\nConnection: Upgrade\r\n\
         x-proto-version: 2\r\n\r\nhi\n"
    );
    // Another protocol, or HTTP/1.0, is refused with 400 before any hijack.
    for request in [
        &b"GET /p HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"[..],
        &b"GET /p HTTP/1.0\r\nConnection: Upgrade\r\nUpgrade: line-echo\r\n\r\n"[..],
    ] {
        let out = common::roundtrip_until_close(srv.addr, request).await;
        assert!(out.contains(" 400 Bad Request\r\n"), "{out}");
    }
}

#[tokio::test]
async fn refused_upgrades_on_a_plain_server_still_answer() {
    // The same helper behind `start` (no state hook): a plain GET to /ws is refused with 400.
    let (tx, _rx) = mpsc::unbounded_channel();
    let srv = start(app(tx), Config::default()).await;
    let out = common::roundtrip_until_close(srv.addr, b"GET /ws HTTP/1.1\r\nHost: t\r\n\r\n").await;
    assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
}
