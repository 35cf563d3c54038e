//! A real server on 127.0.0.1:0, and one request over raw TCP read by `testkit::http`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use servemux::{Handler, Server};
use tokio::net::TcpListener;

pub struct Running {
    pub addr: SocketAddr,
    pub server: Server,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub async fn stop(self) {
        let _ = self.server.shutdown(Duration::from_secs(2)).await;
        let _ = tokio::time::timeout(Duration::from_secs(2), self.task).await;
    }
}

pub async fn serve(handler: impl Handler) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(handler);
    let s = server.clone();
    let task = tokio::spawn(async move {
        let _ = s.serve(listener).await;
    });
    Running { addr, server, task }
}

/// A response as these tests look at it: the body as text.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Send one request with `Connection: close` (and a `Content-Length`, 0 for no body) and read
/// the whole response (`testkit::http`).
pub async fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut all = headers.to_vec();
    if body.is_empty() {
        all.push(("Content-Length", "0"));
    }
    let req = testkit::http::request(method, target, "test", &all, body);
    let r = testkit::http::exchange_async(addr, &req, method == "HEAD").await;
    Response {
        status: r.status,
        body: r.text(),
        headers: r.headers,
    }
}

pub async fn get(addr: SocketAddr, target: &str) -> Response {
    request(addr, "GET", target, &[], b"").await
}
