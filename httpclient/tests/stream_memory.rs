//! A 1 GiB download, streamed, in bounded memory: a counting global allocator tracks the bytes
//! live in the whole process, and their peak while the body streams may not grow by more than a
//! few pieces' worth — nowhere near the body's size.

use testkit::alloc::PROCESS;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[global_allocator]
static GLOBAL: testkit::CountingAlloc = testkit::CountingAlloc;

const GIB: u64 = 1 << 30;

/// A server on its own thread that answers one request with a 1 GiB body, written from one
/// static 1 MiB buffer (so the server itself allocates nothing per byte).
fn server() -> std::net::SocketAddr {
    static MIB: [u8; 1 << 20] = [b'z'; 1 << 20];
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let (mut s, _) = listener.accept().await.unwrap();
            let mut head = [0u8; 1024];
            let _ = s.read(&mut head).await.unwrap();
            let reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {GIB}\r\n\r\n");
            s.write_all(reply.as_bytes()).await.unwrap();
            for _ in 0..(GIB >> 20) {
                if s.write_all(&MIB).await.is_err() {
                    return;
                }
            }
        });
    });
    rx.recv().unwrap()
}

#[test]
fn a_one_gib_stream_stays_in_bounded_memory() {
    let url = format!("http://{}/big", server());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = httpclient::Client::builder().timeout(None).build();
    let (total, growth) = rt.block_on(async {
        let mut resp = client.get(url.as_str()).send_streaming().await.unwrap();
        let base = PROCESS.reset_peak();
        let mut total = 0u64;
        while let Some(piece) = resp.chunk().await.unwrap() {
            total += piece.len() as u64;
        }
        (total, PROCESS.peak() - base)
    });
    assert_eq!(total, GIB);
    println!("peak heap growth while streaming 1 GiB: {growth} bytes");
    assert!(growth < 1 << 20, "peak heap grew by {growth} bytes");
}
