//! Serving a 1 GiB file holds a small, fixed amount of memory: the file is read in pieces of
//! two fixed buffers, the next piece read while the last is written.
//!
//! A counting allocator tracks the bytes allocated minus freed in the whole process (tokio's
//! file reads run on its blocking threads, which free what the server thread allocated, so one
//! thread's count would drift) while the test thread reads the response into a stack buffer,
//! allocating nothing. The file is sparse, so it costs no disk. Counting is deterministic; no
//! clock is read.

use std::io::{Read, Write};
use std::net::TcpStream;

use mux_support::ThreadServer;
use servemux::FileServer;
use testkit::alloc::PROCESS;

mod mux_support;

#[global_allocator]
static ALLOC: testkit::CountingAlloc = testkit::CountingAlloc;

const SIZE: u64 = 1 << 30;
/// What serving may hold beyond what was held before: the two 128 KiB copy buffers, tokio's
/// 128 KiB read buffer, the wire bytes of one piece and the per-request bookkeeping fit in it.
const BOUND: isize = 1024 * 1024;

/// Sends `req` and reads the response to its end (`Connection: close`) into a stack buffer,
/// returning the head and the number of body bytes.
fn fetch(addr: std::net::SocketAddr, req: &str) -> (String, u64) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut head = [0u8; 1024];
    let mut head_len = 0;
    let mut total = 0u64;
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        if head_len < head.len() {
            let take = n.min(head.len() - head_len);
            head[head_len..head_len + take].copy_from_slice(&buf[..take]);
            head_len += take;
        }
        total += n as u64;
    }
    let text = String::from_utf8_lossy(&head[..head_len]).into_owned();
    let end = text.find("\r\n\r\n").expect("a response head") + 4;
    (text[..end].to_owned(), total - end as u64)
}

#[test]
fn a_1_gib_file_is_served_in_bounded_memory() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fs_alloc");
    std::fs::create_dir_all(&dir).unwrap();
    let f = std::fs::File::create(dir.join("big.bin")).unwrap();
    f.set_len(SIZE).unwrap(); // sparse
    drop(f);
    let server = ThreadServer::start(FileServer::dir(&dir));
    let get = |extra: &str| {
        format!("GET /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n{extra}\r\n")
    };
    // Warm up: the first request sizes the connection's buffers and tokio's pools.
    fetch(server.addr, &get("Range: bytes=0-0\r\n"));

    for (extra, want_len) in [("", SIZE), ("Range: bytes=1-1000000000\r\n", 1_000_000_000)] {
        let before = PROCESS.reset_peak();
        let (head, body) = fetch(server.addr, &get(extra));
        assert_eq!(body, want_len, "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains(&format!("content-length: {want_len}\r\n")),
            "{head}"
        );
        let held = PROCESS.peak() - before;
        assert!(
            held < BOUND,
            "{extra:?}: serving held {held} bytes more than before"
        );
        println!("{extra:?}: peak {held} bytes above the start for {want_len} bytes served");
    }
}
