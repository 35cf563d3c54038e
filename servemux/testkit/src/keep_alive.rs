//! The benches' keep-alive client: one request at a time on an open connection, the response
//! read to its end, and a batch of such exchanges spread over several connections and timed.
//!
//! The hello, TLS and bind+render benches measure a server together with this client, so the
//! client is the same for both contenders and costs as little as it can: the response is only
//! measured, never copied out (no [`Response`](crate::http::Response) is built), and the buffer
//! is reused from one exchange to the next.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A keep-alive connection that sends one fixed request at a time and reads the whole response.
#[derive(Debug)]
pub struct KeepAlive<S> {
    stream: S,
    request: Vec<u8>,
    buf: Vec<u8>,
    /// The server, named if it closes the connection.
    peer: SocketAddr,
    /// Exchanges answered so far, also named then.
    done: u64,
}

impl<S: AsyncRead + AsyncWrite + Unpin> KeepAlive<S> {
    /// A client on `stream`, an open connection to `peer`, that sends `request` each exchange.
    pub fn new(stream: S, peer: SocketAddr, request: &[u8]) -> Self {
        KeepAlive {
            stream,
            request: request.to_vec(),
            buf: Vec::with_capacity(4096),
            peer,
            done: 0,
        }
    }

    /// Sends the request and reads its response; panics if the server closes the connection
    /// first or answers anything but a 200 with a `Content-Length`.
    pub async fn exchange(&mut self) {
        self.stream.write_all(&self.request).await.unwrap();
        loop {
            if let Some(len) = complete_response(&self.buf) {
                self.buf.drain(..len);
                self.done += 1;
                return;
            }
            let n = self.stream.read_buf(&mut self.buf).await.unwrap();
            assert!(
                n > 0,
                "server {} closed the connection after {} exchanges, buf {:?}",
                self.peer,
                self.done,
                String::from_utf8_lossy(&self.buf)
            );
        }
    }
}

/// Length of the first complete response in `buf` (head plus `Content-Length` body), if it is
/// complete. Panics on a status other than 200 or a missing `Content-Length`.
pub fn complete_response(buf: &[u8]) -> Option<usize> {
    response_length(buf).filter(|&n| buf.len() >= n)
}

/// Length of the response at the start of `buf` (head plus `Content-Length` body), as soon as its
/// head is in, whether or not its body is: a client reading a large body keeps the figure and
/// does not parse the head again on every read. Panics as [`complete_response`] does.
pub fn response_length(buf: &[u8]) -> Option<usize> {
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut resp = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head) = resp.parse(buf).ok()? else {
        return None;
    };
    assert_eq!(resp.code, Some(200));
    let len: usize = resp
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.parse().ok())
        .expect("content-length");
    Some(head + len)
}

/// Runs `iters` exchanges spread evenly over `clients`, each client in its own task, and returns
/// the time they took together (the connections were opened before the clock starts).
pub async fn run<S>(clients: Vec<KeepAlive<S>>, iters: u64) -> Duration
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let per_conn = iters.div_ceil(clients.len() as u64);
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut c| {
            tokio::spawn(async move {
                for _ in 0..per_conn {
                    c.exchange().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_is_complete_once_its_declared_body_is_there() {
        let whole = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(complete_response(whole), Some(whole.len()));
        assert_eq!(complete_response(&whole[..whole.len() - 1]), None);
        assert_eq!(complete_response(&whole[..20]), None);
        let mut two = whole.to_vec();
        two.extend_from_slice(whole);
        assert_eq!(complete_response(&two), Some(whole.len()));
    }

    #[test]
    fn a_response_length_is_known_once_its_head_is_there() {
        let whole = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        assert_eq!(
            response_length(&whole[..whole.len() - 3]),
            Some(whole.len())
        );
        assert_eq!(response_length(&whole[..20]), None);
    }

    #[tokio::test]
    async fn run_spreads_the_exchanges_over_the_connections() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // A server that answers every request line it reads, counting them.
        let server = tokio::spawn(async move {
            let mut answered = 0u64;
            let mut conns = Vec::new();
            for _ in 0..2 {
                let (s, _) = listener.accept().await.unwrap();
                conns.push(tokio::spawn(async move {
                    let (mut s, mut n, mut buf) = (s, 0u64, Vec::new());
                    while s.read_buf(&mut buf).await.unwrap() > 0 {
                        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            buf.drain(..end + 4);
                            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                .await
                                .unwrap();
                            n += 1;
                        }
                    }
                    n
                }));
            }
            for c in conns {
                answered += c.await.unwrap();
            }
            answered
        });
        let mut clients = Vec::new();
        for _ in 0..2 {
            let s = tokio::net::TcpStream::connect(addr).await.unwrap();
            clients.push(KeepAlive::new(
                s,
                addr,
                b"GET / HTTP/1.1\r\nHost: t\r\n\r\n",
            ));
        }
        run(clients, 7).await;
        // 7 over 2 connections: 4 each, the clients closed when they were dropped.
        assert_eq!(server.await.unwrap(), 8);
    }
}
