//! A tour of the client API against a tiny local server started by the example itself.
//!
//! `cargo run -p httpclient --example quickstart` — prints each response and, because a
//! tracing subscriber is installed at debug level, goinbox's line for every request.
//! The book's chapter "The HTTP client" includes the code between the ANCHOR comments.

use std::time::Duration;

use httpclient::{header, Client, ErrorKind, HeaderValue};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Serialize, Deserialize, Debug)]
struct Greeting {
    name: String,
    times: u32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: log
    // The client logs one debug event per request; show them on stderr.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(std::io::stderr)
        .init();
    // ANCHOR_END: log

    let base = start_echo_server().await?;

    // ANCHOR: build
    let client = Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(10)
        .pool_idle_timeout(Duration::from_secs(30))
        .default_header(header::ACCEPT, HeaderValue::from_static("*/*"))
        .max_response_size(1 << 20)
        .follow_redirects(5)
        .build();
    // ANCHOR_END: build

    // ANCHOR: get
    let resp = client.get(format!("{base}/demo/args/123")).send().await?;
    println!("GET  -> {} {:?}", resp.status(), resp.text());
    // ANCHOR_END: get

    // ANCHOR: post
    let resp = client
        .post(format!("{base}/demo/process_post"), "")
        .form([("name", "gohttp"), ("lang", "go & rust")])
        .header("x-request-id", "42")
        .send()
        .await?;
    println!("FORM -> {} {:?}", resp.status(), resp.text());

    let greeting = Greeting {
        name: "rust".into(),
        times: 3,
    };
    let resp = client
        .post(format!("{base}/demo/process_post"), "")
        .json(&greeting)
        .send()
        .await?;
    let echoed: Greeting = resp.json()?;
    println!("JSON -> {} {:?}", resp.status(), echoed);
    // ANCHOR_END: post

    // ANCHOR: head
    let resp = client.head(format!("{base}/demo/args/123")).send().await?;
    println!(
        "HEAD -> {} content-length={:?} body={} bytes",
        resp.status(),
        resp.headers().get(header::CONTENT_LENGTH),
        resp.body().len()
    );
    // ANCHOR_END: head

    // ANCHOR: errors
    if let Err(e) = client.get("ftp://example.com/").send().await {
        assert!(matches!(e.kind(), ErrorKind::UnsupportedScheme(_)));
        println!("ERR  -> {e}");
    }
    // ANCHOR_END: errors

    println!("idle pooled connections: {}", client.idle_connections());
    Ok(())
}

/// A minimal keep-alive HTTP/1.1 server that echoes the request body (or the path, for a
/// body-less request) back as `text/plain`. Enough for the tour; the real servers are
/// the servemux and radix crates.
async fn start_echo_server() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                    let len: usize = head
                        .lines()
                        .filter_map(|l| l.split_once(':'))
                        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < end + 4 + len {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let body: Vec<u8> = buf.drain(..end + 4 + len).skip(end + 4).collect();
                    let mut words = head.split(' ');
                    let method = words.next().unwrap_or("");
                    let path = words.next().unwrap_or("");
                    let answer = if body.is_empty() {
                        path.as_bytes()
                    } else {
                        &body
                    };
                    let mut out = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                        answer.len()
                    )
                    .into_bytes();
                    if method != "HEAD" {
                        out.extend_from_slice(answer);
                    }
                    if stream.write_all(&out).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok(base)
}
