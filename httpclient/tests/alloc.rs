//! Allocations per keep-alive request, counted by a global allocator.
//!
//! Not zero — `http`'s `HeaderMap` and `HeaderValue` own their bytes, and the URL is an owned
//! `String` — but bounded and small, and this test keeps it that way: a regression that adds an
//! allocation per header or per body byte fails here.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[global_allocator]
static GLOBAL: testkit::CountingAlloc = testkit::CountingAlloc;

/// Allocations made by the current thread (the server runs on another thread).
fn allocs() -> u64 {
    testkit::alloc::thread_allocations() as u64
}

/// A fixed-response server on its own thread and runtime.
fn server() -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    buf.drain(..end + 4);
                    let reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";
                    if stream.write_all(reply).await.is_err() {
                        return;
                    }
                }
                match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        });
    });
    rx.recv().unwrap()
}

#[test]
fn allocations_per_keep_alive_get_are_bounded() {
    let url = format!("http://{}/hello", server());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = httpclient::Client::new();
    let per_request = rt.block_on(async {
        for _ in 0..20 {
            client.get(url.as_str()).send().await.unwrap();
        }
        const N: u64 = 200;
        let before = allocs();
        for _ in 0..N {
            let resp = client.get(url.as_str()).send().await.unwrap();
            assert_eq!(&resp.body()[..], b"Hello, world!");
        }
        (allocs() - before) as f64 / N as f64
    });
    println!("allocations per keep-alive GET: {per_request:.2}");
    // URL string, HeaderMap (indices + entries), one Bytes per header value: 5 today.
    assert!(per_request <= 6.0, "{per_request} allocations per request");
}
