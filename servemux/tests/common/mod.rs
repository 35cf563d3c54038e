//! Helpers shared by the server tests: start a server on an ephemeral port, talk raw TCP (the
//! responses read by `testkit::http`).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use servemux::{Config, Handler, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub use testkit::http::Response;

/// A running test server and its address.
pub struct TestServer {
    pub addr: SocketAddr,
    pub server: Server,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub async fn start(handler: impl Handler, config: Config) -> TestServer {
    start_server(Server::with_config(handler, config)).await
}

pub async fn start_server(server: Server) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let s = server.clone();
    let task = tokio::spawn(async move { s.serve(listener).await });
    TestServer { addr, server, task }
}

/// Sends raw bytes and reads until the server closes (which must happen within 5 s).
pub async fn roundtrip_until_close(addr: SocketAddr, request: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    read_to_close(&mut s).await
}

/// Reads until the server closes the connection (end of stream or reset), and fails the test if
/// it is still open after 5 s: every caller expects the server to close.
pub async fn read_to_close(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    assert!(
        read.is_ok(),
        "the server did not close the connection within 5 s; read so far: {:?}",
        String::from_utf8_lossy(&out)
    );
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads exactly one response (head + Content-Length or chunked body) from `s`, keeping in
/// `buf` what follows it.
pub async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Response> {
    testkit::http::read(s, buf, false).await
}

/// One `GET path` on a new keep-alive connection; the first response.
pub async fn get(addr: SocketAddr, path: &str) -> Response {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    read_response(&mut s, &mut buf).await.expect("a response")
}
