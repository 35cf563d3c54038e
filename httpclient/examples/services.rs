//! What a client needs against real services, against a local server the example starts itself:
//! a proxy, gzip, retries, a streamed download, a streamed upload, a connection limit, cookies.
//!
//! `cargo run -p httpclient --example services` prints one line per step. The local server plays
//! every role: it answers absolute-form requests as a forwarding proxy would, serves gzip when
//! asked, fails `/flaky` twice before answering, streams 8 MiB from `/big`, counts the bytes of
//! an upload, and sets a cookie. The book's chapter "The HTTP client" includes the code between
//! the ANCHOR comments.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use httpclient::{Client, Method, Proxy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = start_server().await?;
    let client = Client::new();

    // ANCHOR: proxy
    // Every request through an explicit proxy (here: the local server playing one).
    let proxied = Client::builder().proxy(Proxy::new(&base)?).build();
    let resp = proxied.get("http://service.test/health").send().await?;
    println!("proxy    -> {} {:?}", resp.status(), resp.text());
    // ANCHOR_END: proxy

    // ANCHOR: gzip
    // Asked for and decoded by default; the headers then describe the decoded body.
    let resp = client.get(format!("{base}/gz")).send().await?;
    println!(
        "gzip     -> {} bytes, uncompressed={}, content-encoding={:?}",
        resp.body().len(),
        resp.uncompressed(),
        resp.headers().get("content-encoding")
    );
    // ANCHOR_END: gzip

    // ANCHOR: retries
    // Up to 3 retries with a doubling pause; GET is safe to repeat.
    let retrying = Client::builder()
        .retries(3)
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(100))
        .build();
    let resp = retrying.get(format!("{base}/flaky")).send().await?;
    println!("retries  -> {} {:?}", resp.status(), resp.text());
    // ANCHOR_END: retries

    // ANCHOR: stream
    // The body in pieces, as they arrive; memory holds one piece at a time.
    let mut resp = client.get(format!("{base}/big")).send_streaming().await?;
    let (mut total, mut largest) = (0, 0);
    while let Some(piece) = resp.chunk().await? {
        total += piece.len();
        largest = largest.max(piece.len());
    }
    println!("stream   -> {total} bytes, no piece over {largest} bytes");

    // An upload from a stream goes out chunked.
    let parts = (0..4).map(|i| Ok(Bytes::from(vec![b'0' + i; 1000])));
    let resp = client
        .request(Method::PUT, format!("{base}/upload"))
        .body_stream(futures_util::stream::iter(parts))
        .send()
        .await?;
    println!("upload   -> {:?}", resp.text());
    // ANCHOR_END: stream

    // ANCHOR: pool
    // At most 2 connections to the host; 8 concurrent requests wait their turn.
    let limited = Client::builder().pool_max_conns_per_host(2).build();
    let requests = (0..8).map(|_| limited.get(format!("{base}/health")).send());
    for result in futures_util::future::join_all(requests).await {
        result?;
    }
    println!("pool     -> {:?}", limited.pool_stats());
    // ANCHOR_END: pool

    // ANCHOR: cookies
    let with_jar = Client::builder().cookie_store(true).build();
    with_jar.get(format!("{base}/login")).send().await?;
    let resp = with_jar.get(format!("{base}/whoami")).send().await?;
    println!("cookies  -> {:?}", resp.text());
    // ANCHOR_END: cookies
    Ok(())
}

/// The local server: one task per connection, keep-alive, answers chosen by the request line.
async fn start_server() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let flaky = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&flaky)));
        }
    });
    Ok(base)
}

async fn serve(mut stream: TcpStream, flaky: Arc<AtomicUsize>) {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
        buf.drain(..end + 4);
        let target = head.split(' ').nth(1).unwrap_or("/").to_string();
        // An absolute-form target is a request meant for a proxy.
        if target.starts_with("http://") {
            let reply = response("", format!("proxied {target}").as_bytes());
            if stream.write_all(&reply).await.is_err() {
                return;
            }
            continue;
        }
        let reply: Vec<u8> = match target.as_str() {
            "/health" => response("", b"ok"),
            "/gz" if head.contains("accept-encoding: gzip") => {
                response("content-encoding: gzip\r\n", &gzip(&[b'g'; 100_000]))
            }
            "/flaky" if flaky.fetch_add(1, Ordering::SeqCst) < 2 => {
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
            "/flaky" => response("", b"answered on the third attempt"),
            "/big" => {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", 8 << 20);
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mib = vec![b'b'; 1 << 20];
                for _ in 0..8 {
                    if stream.write_all(&mib).await.is_err() {
                        return;
                    }
                }
                continue;
            }
            "/upload" => {
                let size = read_chunked(&mut stream, &mut buf).await;
                response("", format!("received {size} bytes, chunked").as_bytes())
            }
            "/login" => response("set-cookie: user=gopher; Path=/\r\n", b"welcome"),
            "/whoami" => {
                let cookie = head.lines().find_map(|l| l.strip_prefix("cookie: "));
                response("", cookie.unwrap_or("nobody").as_bytes())
            }
            _ => response("", b"not found"),
        };
        if stream.write_all(&reply).await.is_err() {
            return;
        }
    }
}

fn response(extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\n{extra_headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Reads a chunked request body with the shared decoder; returns its length.
async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> usize {
    let mut decoder = wire::BodyDecoder::new(wire::Framing::Chunked, 4096);
    let mut size = 0;
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(step) = decoder.decode(buf, usize::MAX) else {
            return size;
        };
        size += step.data.len();
        buf.drain(..step.consumed);
        if decoder.is_done() {
            return size;
        }
        if step.consumed == 0 || buf.is_empty() {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return size,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
}
