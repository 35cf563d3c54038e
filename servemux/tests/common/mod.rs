//! Helpers shared by the integration tests: start a server on an ephemeral port, talk raw TCP.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use servemux::{Config, Handler, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// Reads exactly one response (head + Content-Length or chunked body) from `s`.
pub async fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Response> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Some((resp, used)) = Response::parse(buf) {
            buf.drain(..used);
            return Some(resp);
        }
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout_at(deadline, s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// A parsed response, for assertions.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    /// Parses one response from the front of `buf` (assumes it answers a non-HEAD request).
    pub fn parse(buf: &[u8]) -> Option<(Response, usize)> {
        Self::parse_for(buf, false)
    }

    pub fn parse_for(buf: &[u8], head_request: bool) -> Option<(Response, usize)> {
        let mut hs = [httparse::EMPTY_HEADER; 32];
        let mut r = httparse::Response::new(&mut hs);
        let httparse::Status::Complete(n) = r.parse(buf).ok()? else {
            return None;
        };
        let status = r.code?;
        let headers: Vec<(String, String)> = r
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect();
        let mut resp = Response {
            status,
            headers,
            body: Vec::new(),
        };
        if head_request || status == 204 || status == 304 || status / 100 == 1 {
            return Some((resp, n));
        }
        if let Some(len) = resp.header("content-length") {
            let len: usize = len.parse().ok()?;
            if buf.len() < n + len {
                return None;
            }
            resp.body = buf[n..n + len].to_vec();
            return Some((resp, n + len));
        }
        if resp.header("transfer-encoding") == Some("chunked") {
            let mut pos = n;
            loop {
                let line_end = buf[pos..].windows(2).position(|w| w == b"\r\n")? + pos;
                let size =
                    usize::from_str_radix(std::str::from_utf8(&buf[pos..line_end]).ok()?, 16)
                        .ok()?;
                pos = line_end + 2;
                if size == 0 {
                    if buf.len() < pos + 2 {
                        return None;
                    }
                    return Some((resp, pos + 2));
                }
                if buf.len() < pos + size + 2 {
                    return None;
                }
                resp.body.extend_from_slice(&buf[pos..pos + size]);
                pos += size + 2;
            }
        }
        // Close-delimited: caller reads to close.
        resp.body = buf[n..].to_vec();
        Some((resp, buf.len()))
    }
}

pub async fn get(addr: SocketAddr, path: &str) -> Response {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    read_response(&mut s, &mut buf).await.expect("a response")
}
