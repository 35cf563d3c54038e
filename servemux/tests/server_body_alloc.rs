//! While a 64 MiB body streams through a handler, the bytes the server holds stay small: the
//! body is read in place from the connection's buffer or straight into the handler's buffer,
//! never gathered.
//!
//! A counting allocator tracks the bytes allocated and freed on the server's thread (the server
//! runs on a current-thread runtime in a thread of its own, `ThreadServer`; the client is a
//! blocking socket on the test thread) and the peak of their difference. Counting is
//! deterministic; no clock is read.

use std::io::{Read, Write};
use std::net::TcpStream;

use mux_support::ThreadServer;
use servemux::handler_fn;
use testkit::alloc::{mark_this_thread, MARKED};
use tokio::io::AsyncReadExt;

mod mux_support;

#[global_allocator]
static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;

const BODY: usize = 64 << 20;
/// What the server may hold beyond what it held before the upload: well under 1 MiB.
const BOUND: isize = 128 * 1024;

#[test]
fn a_64_mib_body_streams_through_in_bounded_memory() {
    let server = ThreadServer::start(handler_fn(|w, r| {
        mark_this_thread();
        Box::pin(async move {
            r.body_mut().set_limit(u64::MAX);
            // The handler's own buffer lives in its (counted) future.
            let mut piece = [0u8; 16 * 1024];
            let mut total = 0usize;
            while let Ok(n @ 1..) = r.body_mut().read(&mut piece).await {
                total += n;
            }
            let _ = w.write(total.to_string().as_bytes()).await;
        })
    }));
    for chunked in [false, true] {
        let mut client = TcpStream::connect(server.addr).unwrap();
        // A first small request marks the server thread and sizes the connection's buffers.
        let warm = if chunked {
            "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                .to_owned()
        } else {
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nx".to_owned()
        };
        client.write_all(warm.as_bytes()).unwrap();
        assert_eq!(read_body(&mut client), "1");

        let before = MARKED.reset_peak();
        let framing = if chunked {
            "Transfer-Encoding: chunked".to_owned()
        } else {
            format!("Content-Length: {BODY}")
        };
        let head = format!("POST / HTTP/1.1\r\nHost: t\r\n{framing}\r\n\r\n");
        client.write_all(head.as_bytes()).unwrap();
        let piece = vec![0xa5u8; 64 * 1024];
        for _ in 0..BODY / piece.len() {
            if chunked {
                client
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .unwrap();
            }
            client.write_all(&piece).unwrap();
            if chunked {
                client.write_all(b"\r\n").unwrap();
            }
        }
        if chunked {
            client.write_all(b"0\r\n\r\n").unwrap();
        }
        assert_eq!(read_body(&mut client), BODY.to_string());
        let held = MARKED.peak() - before;
        assert!(
            held < BOUND,
            "chunked={chunked}: the server held {held} bytes more during the upload"
        );
    }
}

/// Reads one `Content-Length` response and returns its body.
fn read_body(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|v| v.trim().parse().ok())
                .expect("a content-length");
            if buf.len() >= end + 4 + len {
                return String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned();
            }
        }
        let mut chunk = [0u8; 4096];
        let n = s.read(&mut chunk).unwrap();
        assert!(n > 0, "server closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    }
}
