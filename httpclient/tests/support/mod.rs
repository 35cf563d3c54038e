//! A scripted raw-TCP HTTP server for the integration tests.
//!
//! Each test hands it a closure that sees every request (which connection, which request on that
//! connection, the raw head and body) and answers with an [`Action`]: raw response bytes, raw bytes
//! then close, close without answering, stay silent, or trickle bytes slowly. That is how the tests
//! produce chunked and close-delimited bodies, malformed responses, dead pooled connections and
//! timeouts — things a well-behaved server would never do on purpose.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// 0 for the first accepted connection, 1 for the second...
    pub conn: usize,
    /// 0 for the first request on that connection...
    pub index: usize,
    /// The request head as text (request line + headers, without the final CRLF CRLF).
    pub head: String,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    pub fn path(&self) -> &str {
        self.request_line().split(' ').nth(1).unwrap_or("")
    }

    /// Value of a header (case-insensitive name), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// What the server does with a request.
pub enum Action {
    /// Write these bytes and keep the connection open for the next request.
    Reply(Vec<u8>),
    /// Write these bytes, then close the connection.
    ReplyClose(Vec<u8>),
    /// Close the connection without answering.
    Close,
    /// Write these bytes, then wait this long before writing the next piece, for each piece.
    Trickle(Vec<Vec<u8>>, Duration),
    /// Never answer (until the client gives up and closes).
    Silent,
}

/// A keep-alive response with this status line tail (`"503 Service Unavailable"`) and body.
pub fn status(line: &str, body: &str) -> Action {
    Action::Reply(
        format!(
            "HTTP/1.1 {line}\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            body
        )
        .into_bytes(),
    )
}

/// A keep-alive `200 OK` with these extra header lines (each ending in CRLF) and a binary body.
pub fn ok_bytes(extra_headers: &str, body: &[u8]) -> Action {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\n{extra_headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    Action::Reply(out)
}

/// A keep-alive `200 OK` with a Content-Length body.
pub fn ok(body: &str) -> Action {
    Action::Reply(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            body
        )
        .into_bytes(),
    )
}

type Script = dyn Fn(&Seen) -> Action + Send + Sync;

/// A running test server; stops (its accept loop and connections) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl TestServer {
    pub async fn start(script: impl Fn(&Seen) -> Action + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let (acc, sn) = (Arc::clone(&accepted), Arc::clone(&seen));
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let conn = acc.fetch_add(1, Ordering::SeqCst);
                conns.spawn(serve(stream, conn, Arc::clone(&script), Arc::clone(&sn)));
            }
        });
        TestServer {
            addr,
            accepted,
            seen,
            task,
        }
    }

    /// `http://127.0.0.1:PORT` + path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Every request received so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    conn: usize,
    script: Arc<Script>,
    seen: Arc<Mutex<Vec<Seen>>>,
) {
    let mut buf = Vec::new();
    for index in 0.. {
        let Some(request) = read_request(&mut stream, &mut buf, conn, index).await else {
            return;
        };
        seen.lock().unwrap().push(request.clone());
        match script(&request) {
            Action::Reply(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Action::ReplyClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                return;
            }
            Action::Close => return,
            Action::Trickle(pieces, gap) => {
                for piece in pieces {
                    if stream.write_all(&piece).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(gap).await;
                }
            }
            Action::Silent => {
                // Wait for the client to hang up (read returns 0 or an error), bounded anyway.
                let mut sink = [0u8; 64];
                let _ = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut sink)).await;
                return;
            }
        }
    }
}

/// Reads one request (head + Content-Length body). `None` when the client closed.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    conn: usize,
    index: usize,
) -> Option<Seen> {
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut seen = Seen {
        conn,
        index,
        head,
        body: Vec::new(),
    };
    buf.drain(..head_end + 4);
    let chunked = seen
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    if chunked {
        // The request body is framed by the shared decoder, as the server crate does it.
        let mut decoder = wire::BodyDecoder::new(wire::Framing::Chunked, 4096);
        loop {
            let step = decoder.decode(buf, usize::MAX).ok()?;
            seen.body.extend_from_slice(&buf[step.data.clone()]);
            buf.drain(..step.consumed);
            if decoder.is_done() {
                return Some(seen);
            }
            if step.consumed == 0 || buf.is_empty() {
                let mut chunk = [0u8; 4096];
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
        }
    }
    let len: usize = seen
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < len {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    seen.body = buf.drain(..len).collect();
    Some(seen)
}
