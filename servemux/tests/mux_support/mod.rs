//! Helpers for the ServeMux tests: a mux whose patterns answer with their own text, requests with
//! a chosen Host, an in-memory round trip through `mux.handler`, and a tiny blocking HTTP/1.1
//! client plus a server on its own thread for the tests that go over real sockets.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use servemux::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use servemux::{Handler, Request, ResponseWriter, ServeMux, Server};

/// A mux where each pattern answers 200 with its own text (like the `mux_table` example).
pub fn mux_of(patterns: &[&str]) -> ServeMux {
    let mux = ServeMux::new();
    for p in patterns {
        let body: Arc<[u8]> = p.as_bytes().into();
        mux.handle_func(p, move |w, _r| {
            let body = body.clone();
            Box::pin(async move {
                let _ = w.write(&body).await;
            })
        })
        .unwrap_or_else(|e| panic!("registering {p:?}: {e}"));
    }
    mux
}

/// A request for `target` with the given `Host` header (none when `host` is empty).
pub fn request(method: Method, host: &str, target: &str) -> Request {
    let mut headers = HeaderMap::new();
    if !host.is_empty() {
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
    }
    Request::new(method, target)
        .unwrap_or_else(|e| panic!("{target}: {e}"))
        .with_headers(headers)
}

/// What a client sees of one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

/// Runs `h` on `r` in memory (Go's `httptest.NewRecorder`).
pub fn record(h: &dyn Handler, mut r: Request) -> Seen {
    let mut w = ResponseWriter::recorder();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(h.serve_http(&mut w, &mut r));
    w.finish_recording();
    let get =
        |name: header::HeaderName| w.header().get(name).map(|v| v.to_str().unwrap().to_owned());
    Seen {
        status: w.status().as_u16(),
        location: get(header::LOCATION),
        content_type: get(header::CONTENT_TYPE),
        body: String::from_utf8_lossy(w.recorded_body()).into_owned(),
    }
}

/// `mux.handler(r)` then the handler it chose: (pattern, response).
pub fn route(mux: &ServeMux, r: Request) -> (String, Seen) {
    let (h, pattern) = mux.handler(&r);
    (pattern.to_string(), record(&*h, r))
}

/// A server running `handler` on 127.0.0.1:0 in a thread of its own; shut down on drop.
pub struct ThreadServer {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ThreadServer {
    pub fn start(handler: impl Handler) -> ThreadServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let server = Server::new(handler);
                let s = server.clone();
                let serving = tokio::spawn(async move { s.serve(listener).await });
                let _ = stop_rx.await;
                let _ = server.shutdown(Duration::from_secs(2)).await;
                let _ = serving.await;
            });
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        ThreadServer {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

impl Drop for ThreadServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Sends one request (`Connection: close`) and reads the response to EOF.
///
/// `host` empty sends no Host header at all (HTTP/1.0 then, since HTTP/1.1 requires one).
pub fn http(addr: SocketAddr, method: &str, host: &str, target: &str) -> Seen {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let req = if host.is_empty() {
        format!("{method} {target} HTTP/1.0\r\n\r\n")
    } else {
        format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
    };
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse_response(&raw, method == "HEAD")
        .unwrap_or_else(|| panic!("bad response: {:?}", String::from_utf8_lossy(&raw)))
}

/// Parses a whole `Connection: close` response (Content-Length, chunked or until EOF).
pub fn parse_response(raw: &[u8], head_request: bool) -> Option<Seen> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut location = None;
    let mut content_type = None;
    let mut chunked = false;
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().to_owned();
        match k.to_ascii_lowercase().as_str() {
            "location" => location = Some(v),
            "content-type" => content_type = Some(v),
            "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let mut body = raw[end..].to_vec();
    if head_request {
        body.clear();
    } else if chunked {
        body = dechunk(&body)?;
    }
    Some(Seen {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size_str = std::str::from_utf8(&b[..nl]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

/// Shorthand for a status code as `u16`.
pub fn code(s: StatusCode) -> u16 {
    s.as_u16()
}

/// The compiled `mux_table` example.
pub fn mux_table_bin() -> PathBuf {
    example_bin("mux_table")
}

/// A compiled example of this crate: `cargo build --example NAME`, asking cargo where it put the
/// binary (examples get no `CARGO_BIN_EXE_*` variable, and `cargo test --test x` does not build
/// them). When the build is up to date this takes a fraction of a second.
pub fn example_bin(name: &str) -> PathBuf {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args([
        "build",
        "--quiet",
        "--message-format=json",
        "--example",
        name,
    ])
    .args([
        "--manifest-path",
        concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"),
    ]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let out = cmd.stderr(Stdio::inherit()).output().unwrap();
    assert!(out.status.success(), "cargo build --example {name} failed");
    let marker = "\"executable\":\"";
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            l.contains(&format!("\"name\":\"{name}\"")) && l.contains("\"kind\":[\"example\"]")
        })
        .find_map(|l| {
            let start = l.find(marker)? + marker.len();
            let end = l[start..].find('"')? + start;
            Some(PathBuf::from(&l[start..end]))
        })
        .unwrap_or_else(|| panic!("cargo did not report example {name}'s executable"))
}

/// A route table server process, killed on drop.
pub struct Proc {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `bin FILE 127.0.0.1:0` and waits for its `listening on http://ADDR` line.
pub fn spawn(bin: &Path, table: &Path) -> Proc {
    let mut child = Command::new(bin)
        .arg(table)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{bin:?}: unexpected first line {line:?}"))
        .parse()
        .unwrap();
    Proc { child, addr }
}
