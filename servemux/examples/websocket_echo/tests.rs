//! The `websocket_echo` example driven by a real WebSocket client (tokio-tungstenite): text,
//! binary, ping and the close handshake; the page it serves; and a shutdown under an open
//! WebSocket.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use servemux::{Handler, Server};
use testkit::http::Response;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

const BOUND: Duration = Duration::from_secs(5);

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The example's app on 127.0.0.1:0.
struct Running {
    addr: SocketAddr,
    server: Server,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(handler: impl Handler) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(handler);
    let s = server.clone();
    let task = tokio::spawn(async move { s.serve(listener).await });
    Running { addr, server, task }
}

async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Response> {
    testkit::http::read(s, buf, false).await
}

async fn connect(addr: std::net::SocketAddr) -> Client {
    let (ws, response) = tokio::time::timeout(BOUND, connect_async(format!("ws://{addr}/ws")))
        .await
        .expect("handshake within the bound")
        .expect("handshake");
    assert_eq!(response.status(), 101);
    ws
}

async fn recv(ws: &mut Client) -> Message {
    tokio::time::timeout(BOUND, ws.next())
        .await
        .expect("a message within the bound")
        .expect("the stream is open")
        .expect("a valid frame")
}

#[tokio::test]
async fn text_binary_ping_and_close() {
    let srv = start(super::app()).await;
    let mut ws = connect(srv.addr).await;

    ws.send(Message::text("hello, echo")).await.unwrap();
    assert_eq!(recv(&mut ws).await, Message::text("hello, echo"));

    let blob: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    ws.send(Message::binary(blob.clone())).await.unwrap();
    assert_eq!(recv(&mut ws).await, Message::binary(blob));

    ws.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    assert_eq!(
        recv(&mut ws).await,
        Message::Pong(b"are you there".to_vec().into())
    );

    // The close handshake: our Close is answered with a Close, then the stream ends.
    ws.send(Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "bye".into(),
    })))
    .await
    .unwrap();
    match recv(&mut ws).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Normal),
        other => panic!("expected the close reply, got {other:?}"),
    }
    let end = tokio::time::timeout(BOUND, ws.next()).await.expect("ends");
    assert!(end.is_none(), "{end:?}");
    // The handler returned: the hijacked stream was dropped.
    let deadline = tokio::time::Instant::now() + BOUND;
    while srv.server.hijacked_connections() != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "stream never dropped"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn the_page_connects_back_to_the_echo() {
    let srv = start(super::app()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let page = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let body = page.text();
    assert!(body.contains("new WebSocket("), "{body}");
    assert!(body.contains("\"/ws\""), "{body}");
    assert!(body.contains("new EventSource(\"/events\")"), "{body}");

    // A plain GET of the WebSocket path is refused, and nothing is hijacked.
    s.write_all(b"GET /ws HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let refused = read_response(&mut s, &mut buf).await.unwrap();
    assert_eq!(refused.status, 400);
    assert_eq!(srv.server.hijacked_connections(), 0);
}

#[tokio::test]
async fn the_event_stream_sends_numbered_events() {
    let srv = start(super::app()).await;
    let mut s = TcpStream::connect(srv.addr).await.unwrap();
    s.write_all(b"GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("data: 2\n\n") {
        let mut chunk = [0u8; 256];
        let n = tokio::time::timeout(BOUND, tokio::io::AsyncReadExt::read(&mut s, &mut chunk))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0);
        seen.extend_from_slice(&chunk[..n]);
    }
    let seen = String::from_utf8_lossy(&seen);
    assert!(seen.contains("content-type: text/event-stream"), "{seen}");
    assert!(seen.contains("data: 1\n\n"), "{seen}");
    // When we leave, the handler stops and the connection is closed: the server's count drops.
    drop(s);
    let deadline = tokio::time::Instant::now() + BOUND;
    while srv.server.open_connections() != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "handler never stopped"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn shutdown_with_an_open_websocket() {
    let srv = start(super::app()).await;
    let mut ws = connect(srv.addr).await;
    ws.send(Message::text("before")).await.unwrap();
    assert_eq!(recv(&mut ws).await, Message::text("before"));

    // Go's Shutdown does not track hijacked connections: it returns at once, and the WebSocket
    // keeps working, even past the deadline.
    srv.server
        .shutdown(Duration::from_millis(50))
        .await
        .expect("nothing of the server's is open");
    assert_eq!(srv.server.open_connections(), 0);
    assert_eq!(srv.server.hijacked_connections(), 1);
    tokio::time::sleep(Duration::from_millis(60)).await;
    ws.send(Message::text("after")).await.unwrap();
    assert_eq!(recv(&mut ws).await, Message::text("after"));

    // New connections are refused: the listener is closed.
    let _ = tokio::time::timeout(BOUND, srv.task).await;
    assert!(TcpStream::connect(srv.addr).await.is_err());

    ws.close(None).await.unwrap();
    assert_eq!(srv.server.wait_hijacked(BOUND).await, 0);
}
