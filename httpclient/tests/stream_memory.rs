//! A 1 GiB download, streamed, in bounded memory: a counting global allocator tracks the bytes
//! live in the whole process, and their peak while the body streams may not grow by more than a
//! few pieces' worth — nowhere near the body's size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let mut total = 0u64;
        while let Some(piece) = resp.chunk().await.unwrap() {
            total += piece.len() as u64;
        }
        (total, PEAK.load(Ordering::Relaxed) - base)
    });
    assert_eq!(total, GIB);
    println!("peak heap growth while streaming 1 GiB: {growth} bytes");
    assert!(growth < 1 << 20, "peak heap grew by {growth} bytes");
}
