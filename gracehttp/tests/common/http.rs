//! A minimal HTTP/1.1 client over std's `TcpStream` (responses read by `testkit::http`): enough
//! to check status, body and `Connection: close`, and to tell "the server closed before
//! answering" from other failures.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request failed: `NoResponse` when not a byte of response arrived (refused, reset or
/// closed first), `Broken` when the response started but was cut or malformed.
pub type Failure = testkit::http::ReadError;

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// The server said `Connection: close`.
    pub close: bool,
}

impl Response {
    /// The pid in a `pid=N` body.
    pub fn pid(&self) -> Option<i32> {
        self.body.strip_prefix("pid=")?.trim().parse().ok()
    }
}

/// A connection and the bytes read from it that no response has used yet.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

pub fn connect(port: u16) -> io::Result<Conn> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.set_nodelay(true)?;
    Ok(Conn {
        stream,
        buf: Vec::new(),
    })
}

/// Sends `GET path` on `conn` and reads the response.
pub fn request(conn: &mut Conn, path: &str, close: bool) -> Result<Response, Failure> {
    send(conn, path, close).map_err(Failure::NoResponse)?;
    read_response(conn)
}

/// Writes `GET path` on `conn`.
pub fn send(conn: &mut Conn, path: &str, close: bool) -> io::Result<()> {
    let connection = if close { "close" } else { "keep-alive" };
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: {connection}\r\n\r\n");
    conn.stream.write_all(req.as_bytes())
}

/// A fresh connection for one request.
pub fn get(port: u16, path: &str) -> Result<Response, Failure> {
    let mut conn = connect(port).map_err(Failure::NoResponse)?;
    request(&mut conn, path, true)
}

/// Reads one response: the head, then a `Content-Length` or chunked body.
pub fn read_response(conn: &mut Conn) -> Result<Response, Failure> {
    let r = testkit::http::read_blocking(&mut conn.stream, &mut conn.buf, false)?;
    Ok(Response {
        status: r.status,
        close: r.closes(),
        body: r.text(),
    })
}

/// Reads until the response's head has arrived (its body may still be on the way) and returns
/// its status; [`read_response`] then reads the rest.
pub fn read_head(conn: &mut Conn) -> Result<u16, Failure> {
    loop {
        if let Some(status) = testkit::http::head_status(&conn.buf) {
            return Ok(status);
        }
        let mut chunk = [0u8; 4096];
        match conn.stream.read(&mut chunk) {
            Ok(n @ 1..) => conn.buf.extend_from_slice(&chunk[..n]),
            Ok(0) if conn.buf.is_empty() => {
                let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a response");
                return Err(Failure::NoResponse(eof));
            }
            Ok(_) => return Err(Failure::Broken("cut in the head".to_owned())),
            Err(e) => return Err(Failure::NoResponse(e)),
        }
    }
}

/// A client that keeps one connection alive across requests, like Go's `Transport`: when a
/// *reused* connection turns out to have been closed by the server before any byte of the
/// response arrived, it retries once on a new connection (an idle keep-alive connection may be
/// closed by the server at any moment; the client cannot know before it tries).
pub struct KeepAlive {
    port: u16,
    conn: Option<Conn>,
    /// Requests that went out again on a new connection.
    pub retries: usize,
    /// Connections opened.
    pub connections: usize,
}

impl KeepAlive {
    pub fn new(port: u16) -> KeepAlive {
        KeepAlive {
            port,
            conn: None,
            retries: 0,
            connections: 0,
        }
    }

    pub fn get(&mut self, path: &str) -> Result<Response, Failure> {
        if let Some(mut conn) = self.conn.take() {
            match request(&mut conn, path, false) {
                Ok(resp) => return Ok(self.keep(conn, resp)),
                Err(Failure::NoResponse(_)) => self.retries += 1,
                Err(e) => return Err(e),
            }
        }
        let mut conn = connect(self.port).map_err(Failure::NoResponse)?;
        self.connections += 1;
        let resp = request(&mut conn, path, false)?;
        Ok(self.keep(conn, resp))
    }

    fn keep(&mut self, conn: Conn, resp: Response) -> Response {
        if !resp.close {
            self.conn = Some(conn);
        }
        resp
    }
}
