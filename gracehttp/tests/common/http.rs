//! A minimal HTTP/1.1 client over std's `TcpStream`: enough to check status, body and
//! `Connection: close`, and to tell "the server closed before answering" from other failures.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_secs(10);

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

/// Why a request failed.
#[derive(Debug)]
pub enum Failure {
    /// Not a byte of response arrived: the connection was refused, reset or closed first.
    NoResponse(io::Error),
    /// The response started but was cut or malformed.
    Broken(String),
}

pub fn connect(port: u16) -> io::Result<BufReader<TcpStream>> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    stream.set_nodelay(true)?;
    Ok(BufReader::new(stream))
}

/// Sends `GET path` on `conn` and reads the response.
pub fn request(
    conn: &mut BufReader<TcpStream>,
    path: &str,
    close: bool,
) -> Result<Response, Failure> {
    send(conn, path, close).map_err(Failure::NoResponse)?;
    read_response(conn)
}

/// Writes `GET path` on `conn`.
pub fn send(conn: &mut BufReader<TcpStream>, path: &str, close: bool) -> io::Result<()> {
    let connection = if close { "close" } else { "keep-alive" };
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: {connection}\r\n\r\n");
    conn.get_mut().write_all(req.as_bytes())
}

/// A fresh connection for one request.
pub fn get(port: u16, path: &str) -> Result<Response, Failure> {
    let mut conn = connect(port).map_err(Failure::NoResponse)?;
    request(&mut conn, path, true)
}

/// A response's status line and the headers we care about.
#[derive(Debug)]
pub struct Head {
    pub status: u16,
    length: Option<usize>,
    chunked: bool,
    pub close: bool,
}

/// Reads one response: the head, then a `Content-Length` or chunked body.
pub fn read_response(conn: &mut BufReader<TcpStream>) -> Result<Response, Failure> {
    let head = read_head(conn)?;
    let body = read_body(conn, &head)?;
    Ok(Response {
        status: head.status,
        body,
        close: head.close,
    })
}

/// Reads the status line and headers.
pub fn read_head(conn: &mut BufReader<TcpStream>) -> Result<Head, Failure> {
    let mut line = String::new();
    match conn.read_line(&mut line) {
        Ok(0) => {
            return Err(Failure::NoResponse(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the response",
            )))
        }
        Ok(_) => {}
        Err(e) => return Err(Failure::NoResponse(e)),
    }
    let broken = |what: &str| Failure::Broken(format!("{what} (status line {line:?})"));
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| broken("bad status line"))?;
    let mut head = Head {
        status,
        length: None,
        chunked: false,
        close: false,
    };
    loop {
        let mut header = String::new();
        match conn.read_line(&mut header) {
            Ok(n) if n > 0 => {}
            _ => return Err(broken("cut in the headers")),
        }
        let header = header.trim_end();
        if header.is_empty() {
            return Ok(head);
        }
        let (name, value) = header.split_once(':').ok_or_else(|| broken("bad header"))?;
        let (name, value) = (name.to_ascii_lowercase(), value.trim().to_ascii_lowercase());
        match name.as_str() {
            "content-length" => head.length = value.parse::<usize>().ok(),
            "transfer-encoding" => head.chunked = value.contains("chunked"),
            "connection" => head.close = value == "close",
            _ => {}
        }
    }
}

/// Reads the body `head` announces.
pub fn read_body(conn: &mut BufReader<TcpStream>, head: &Head) -> Result<String, Failure> {
    let body = if head.chunked {
        read_chunked(conn)
    } else {
        let mut body = vec![0; head.length.unwrap_or(0)];
        conn.read_exact(&mut body).map(|()| body)
    };
    body.map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| Failure::Broken(format!("cut in the body: {e}")))
}

fn read_chunked(conn: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        conn.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Trailers (none expected) end with an empty line.
            let mut end = String::new();
            conn.read_line(&mut end)?;
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        conn.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        conn.read_exact(&mut crlf)?;
    }
}

/// A client that keeps one connection alive across requests, like Go's `Transport`: when a
/// *reused* connection turns out to have been closed by the server before any byte of the
/// response arrived, it retries once on a new connection (an idle keep-alive connection may be
/// closed by the server at any moment; the client cannot know before it tries).
pub struct KeepAlive {
    port: u16,
    conn: Option<BufReader<TcpStream>>,
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

    fn keep(&mut self, conn: BufReader<TcpStream>, resp: Response) -> Response {
        if !resp.close {
            self.conn = Some(conn);
        }
        resp
    }
}
