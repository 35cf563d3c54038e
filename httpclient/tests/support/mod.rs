//! A scripted raw-TCP HTTP server for the integration tests.
//!
//! Each test hands it a closure that sees every request (which connection, which request on that
//! connection, the raw head and body) and answers with an [`Action`]: raw response bytes, raw bytes
//! then close, close without answering, stay silent, or trickle bytes slowly. That is how the tests
//! produce chunked and close-delimited bodies, malformed responses, dead pooled connections and
//! timeouts — things a well-behaved server would never do on purpose.
//!
//! [`TestServer::start_tls`] runs the same script behind a rustls handshake (certificates from
//! `tls.rs`), counting TCP connections as they are accepted — before the handshake, so a
//! connection the client refused still counts — and recording what each handshake negotiated.
#![allow(dead_code)]

pub mod tls;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
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

/// What one completed TLS handshake negotiated, as the server saw it.
#[derive(Debug, Clone)]
pub struct Handshake {
    /// Which accepted connection (as in [`Seen::conn`]).
    pub conn: usize,
    /// The SNI name the client sent (none for an IP address).
    pub sni: Option<String>,
    /// The ALPN protocol agreed on.
    pub alpn: Option<Vec<u8>>,
    /// The client resumed an earlier session (an abbreviated handshake).
    pub resumed: bool,
}

/// A running test server; stops (its accept loop and connections) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    scheme: &'static str,
    accepted: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    handshakes: Arc<Mutex<Vec<Handshake>>>,
    task: JoinHandle<()>,
}

/// Whether the server speaks TLS.
#[derive(Clone)]
enum Mode {
    Plain,
    Tls(tokio_rustls::TlsAcceptor),
    /// TLS when the first byte is a TLS handshake record (0x16), plain HTTP otherwise: one port
    /// serving both, so a test can check that the client keeps the two kinds of connection apart.
    Dual(tokio_rustls::TlsAcceptor),
}

impl TestServer {
    pub async fn start(script: impl Fn(&Seen) -> Action + Send + Sync + 'static) -> TestServer {
        TestServer::launch(Mode::Plain, "http", Arc::new(script)).await
    }

    /// The same server behind TLS with `config`: `url()` gives `https://` URLs.
    pub async fn start_tls(
        config: Arc<rustls::ServerConfig>,
        script: impl Fn(&Seen) -> Action + Send + Sync + 'static,
    ) -> TestServer {
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        TestServer::launch(Mode::Tls(acceptor), "https", Arc::new(script)).await
    }

    /// Plain HTTP and TLS on the same port (see `Mode::Dual`); `url()` gives `http://` URLs.
    pub async fn start_dual(
        config: Arc<rustls::ServerConfig>,
        script: impl Fn(&Seen) -> Action + Send + Sync + 'static,
    ) -> TestServer {
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        TestServer::launch(Mode::Dual(acceptor), "http", Arc::new(script)).await
    }

    async fn launch(mode: Mode, scheme: &'static str, script: Arc<Script>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handshakes = Arc::new(Mutex::new(Vec::new()));
        let (acc, sn, hs) = (
            Arc::clone(&accepted),
            Arc::clone(&seen),
            Arc::clone(&handshakes),
        );
        let task = tokio::spawn(async move {
            let mut conns = tokio::task::JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                // Counted at accept, before any handshake: a refused handshake still counts.
                let conn = acc.fetch_add(1, Ordering::SeqCst);
                let (mode, script, sn, hs) = (
                    mode.clone(),
                    Arc::clone(&script),
                    Arc::clone(&sn),
                    Arc::clone(&hs),
                );
                conns.spawn(async move {
                    let acceptor = match mode {
                        Mode::Plain => return serve(stream, conn, script, sn).await,
                        Mode::Dual(acceptor) => {
                            let mut first = [0u8; 1];
                            match stream.peek(&mut first).await {
                                Ok(1) if first[0] == 0x16 => acceptor,
                                Ok(_) => return serve(stream, conn, script, sn).await,
                                Err(_) => return,
                            }
                        }
                        Mode::Tls(acceptor) => acceptor,
                    };
                    let Ok(Ok(tls)) =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                            .await
                    else {
                        return;
                    };
                    let (_, session) = tls.get_ref();
                    hs.lock().unwrap().push(Handshake {
                        conn,
                        sni: session.server_name().map(str::to_owned),
                        alpn: session.alpn_protocol().map(<[u8]>::to_vec),
                        resumed: session.handshake_kind() == Some(rustls::HandshakeKind::Resumed),
                    });
                    serve(tls, conn, script, sn).await;
                });
            }
        });
        TestServer {
            addr,
            scheme,
            accepted,
            seen,
            handshakes,
            task,
        }
    }

    /// `http://127.0.0.1:PORT` + path (`https://` for a TLS server).
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    /// `SCHEME://127.0.0.1:PORT` + path, whatever the server speaks (for the dual server).
    pub fn url_with(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://{}{}", self.addr, path)
    }

    /// `https://localhost:PORT` + path: a URL with a DNS name (so SNI is sent) for this server.
    pub fn localhost_url(&self, path: &str) -> String {
        format!("{}://localhost:{}{}", self.scheme, self.addr.port(), path)
    }

    /// The TLS handshakes completed so far, in order.
    pub fn handshakes(&self) -> Vec<Handshake> {
        self.handshakes.lock().unwrap().clone()
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

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
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
                // The flush matters for TLS only: it pushes out records rustls still holds.
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
            }
            Action::ReplyClose(bytes) => {
                let _ = stream.write_all(&bytes).await;
                // A FIN for TCP; for TLS a close_notify alert first, as a polite server does.
                let _ = stream.shutdown().await;
                return;
            }
            Action::Close => return,
            Action::Trickle(pieces, gap) => {
                for piece in pieces {
                    if stream.write_all(&piece).await.is_err() || stream.flush().await.is_err() {
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
async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
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
