//! Shared by the HTTP tests: start a `System` on `127.0.0.1:0`, and a tiny HTTP/1.1 client that
//! sends one request per connection and reads the whole answer (`Content-Length` or chunked).

#![allow(dead_code)] // each test file uses a different part

use std::net::SocketAddr;
use std::time::Duration;

use controller::{Router, System};
use servemux::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Upper bound for any single request in these tests.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// A running server; shut it down with [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    server: Server,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Serves `router` on a fresh local port.
pub async fn serve(router: Router) -> Running {
    serve_system(System::new(router)).await
}

/// Serves an already configured `system` on a fresh local port.
pub async fn serve_system(system: System) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let server = Server::new(system);
    let task = tokio::spawn({
        let server = server.clone();
        async move { server.serve(listener).await }
    });
    Running { addr, server, task }
}

impl Running {
    /// Graceful shutdown; fails the test if it takes more than two seconds.
    pub async fn stop(self) {
        self.server
            .shutdown(Duration::from_secs(2))
            .await
            .expect("clean shutdown");
        let served = tokio::time::timeout(Duration::from_secs(2), self.task)
            .await
            .expect("accept loop ends")
            .expect("accept task");
        served.expect("serve returned an error");
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, b"").await
    }

    pub async fn post(&self, path: &str, body: &[u8]) -> Answer {
        self.send("POST", path, body).await
    }

    /// One request on its own connection.
    pub async fn send(&self, method: &str, path: &str, body: &[u8]) -> Answer {
        tokio::time::timeout(REQUEST_DEADLINE, exchange(self.addr, method, path, body))
            .await
            .expect("request within the deadline")
    }
}

/// A parsed response.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn exchange(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body).await.expect("write body");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read answer");
    parse(&raw)
}

fn parse(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = std::str::from_utf8(&rest[..line_end]).expect("ASCII size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("hex chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}
