//! Helpers for the ServeMux tests: a mux whose patterns answer with their own text, requests with
//! a chosen Host, an in-memory round trip through `mux.handler`, a server on its own thread, and
//! what a client sees of a response over a real socket (read by `testkit::http`).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use servemux::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use servemux::{Handler, Recorder, Request, ServeMux, Server};

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
    let mut w = Recorder::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(h.serve_http(w.writer(), &mut r));
    w.finish();
    let get =
        |name: header::HeaderName| w.header().get(name).map(|v| v.to_str().unwrap().to_owned());
    Seen {
        status: w.status().as_u16(),
        location: get(header::LOCATION),
        content_type: get(header::CONTENT_TYPE),
        body: String::from_utf8_lossy(w.body()).into_owned(),
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
    let req = testkit::http::request(method, target, host, &[], b"");
    seen(&testkit::http::exchange(addr, &req, method == "HEAD"))
}

/// What a client of the mux looks at in a response.
pub fn seen(r: &testkit::http::Response) -> Seen {
    Seen {
        status: r.status,
        location: r.header("location").map(str::to_owned),
        content_type: r.header("content-type").map(str::to_owned),
        body: r.text(),
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

/// A compiled example of this crate.
pub fn example_bin(name: &str) -> PathBuf {
    testkit::cargo::example(env!("CARGO_MANIFEST_DIR"), name)
}
