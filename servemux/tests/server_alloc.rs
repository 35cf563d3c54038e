//! A keep-alive connection in its steady state allocates once per request: the handler's boxed
//! future (see `handler.rs` for why handlers return one). The request's header map, target and
//! host are recycled from the request before, the response's framing headers go straight to the
//! wire, and the `Date` text is cached.
//!
//! Only the server's thread is counted: the server runs on a current-thread runtime in a thread
//! of its own (`ThreadServer`), the client is a blocking socket on the test thread.

use std::io::{Read, Write};
use std::net::TcpStream;

use mux_support::ThreadServer;
use servemux::handler_fn;
use testkit::alloc::{mark_this_thread, MARKED};

mod mux_support;

#[global_allocator]
static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;

const REQUEST: &[u8] = b"GET /hello?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n";
const BODY: &[u8] = b"hello, world\n";

/// Sends one request and reads its response (head plus `Content-Length` body).
fn exchange(s: &mut TcpStream, buf: &mut Vec<u8>) {
    s.write_all(REQUEST).unwrap();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let total = end + 4 + BODY.len();
            if buf.len() >= total {
                assert!(buf.starts_with(b"HTTP/1.1 200 OK\r\n"));
                assert_eq!(&buf[end + 4..total], BODY);
                buf.drain(..total);
                return;
            }
        }
        let mut chunk = [0u8; 1024];
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[test]
fn a_keep_alive_request_costs_one_allocation() {
    // The handler runs on the server's thread, so its first call marks that thread for counting.
    let server = ThreadServer::start(handler_fn(|w, _r| {
        mark_this_thread();
        Box::pin(async move {
            let _ = w.write(BODY).await;
        })
    }));
    let mut client = TcpStream::connect(server.addr).unwrap();
    client.set_nodelay(true).unwrap();
    let mut buf = Vec::new();
    // Warm-up: the connection's buffers, the recycled map and strings reach their sizes.
    for _ in 0..100 {
        exchange(&mut client, &mut buf);
    }
    // ANCHOR: count
    let requests = 1_000;
    let before = MARKED.allocations();
    for _ in 0..requests {
        exchange(&mut client, &mut buf);
    }
    let allocations = MARKED.allocations() - before;

    // A new second may begin during the run: the `Date` text is then formatted anew (one
    // allocation), at most a few times in a run this short.
    assert!(
        (requests..=requests + 4).contains(&allocations),
        "{allocations} allocations for {requests} requests"
    );
    // ANCHOR_END: count
}
