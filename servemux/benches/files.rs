//! Serving a file over a keep-alive loopback connection: our `FileServer` against tower-http's
//! `ServeDir` on hyper 1.x (the Rust ecosystem's file server), same files, same client, same run.
//!
//! Two files, 4 KiB and 1 MiB. Each iteration is one GET and its whole response. After
//! criterion's figures a paired run lets the two servers take turns round by round (who goes
//! first swaps every round) and prints the median of the per-round time ratios, ours/tower-http,
//! with its quartiles: on a shared 2-core machine, the figure to trust.
//!
//! Run: `cargo bench -p servemux --bench files` (`FILES_PAIRED_ROUNDS` sets the rounds).

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use servemux::{FileServer, Server};
use testkit::keep_alive;
use testkit::paired::Paired;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tower_http::services::ServeDir;

const FILES: &[(&str, usize)] = &[("4k.bin", 4 * 1024), ("1m.bin", 1024 * 1024)];

fn make_tree() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("servemux-files-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, size) in FILES {
        let data: Vec<u8> = (0..*size).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(dir.join(name), data).unwrap();
    }
    dir
}

async fn start_ours(dir: &Path) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(FileServer::dir(dir));
    tokio::spawn(async move { server.serve(listener).await });
    addr
}

async fn start_tower(dir: &Path) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serve_dir = ServeDir::new(dir);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let serve_dir = serve_dir.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let mut serve_dir = serve_dir.clone();
                    async move {
                        Ok::<_, Infallible>(match serve_dir.try_call(req).await {
                            Ok(resp) => resp,
                            Err(e) => panic!("ServeDir: {e}"),
                        })
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// A keep-alive client connection that sends one GET at a time and reads the whole response.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
    request: Vec<u8>,
}

impl Client {
    async fn connect(addr: SocketAddr, file: &str) -> Client {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            stream,
            buf: Vec::with_capacity(2 << 20),
            request: format!("GET /{file} HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n\r\n")
                .into_bytes(),
        }
    }

    async fn exchange(&mut self) {
        self.stream.write_all(&self.request).await.unwrap();
        let mut need = None;
        loop {
            if need.is_none() {
                need = keep_alive::response_length(&self.buf);
            }
            if let Some(n) = need {
                if self.buf.len() >= n {
                    self.buf.drain(..n);
                    return;
                }
            }
            let n = self.stream.read_buf(&mut self.buf).await.unwrap();
            assert!(n > 0, "server closed the connection");
        }
    }
}

async fn run(addr: SocketAddr, file: &str, iters: u64) -> Duration {
    let mut c = Client::connect(addr, file).await;
    let start = Instant::now();
    for _ in 0..iters {
        c.exchange().await;
    }
    start.elapsed()
}

fn files(c: &mut Criterion) {
    let dir = make_tree();
    let rt = Runtime::new().unwrap();
    let ours = rt.block_on(start_ours(&dir));
    let tower = rt.block_on(start_tower(&dir));

    let mut group = c.benchmark_group("file_keepalive");
    for (file, size) in FILES {
        group.throughput(Throughput::Bytes(*size as u64));
        for (name, addr) in [("servemux", ours), ("tower-http", tower)] {
            group.bench_with_input(BenchmarkId::new(name, file), file, |b, file| {
                b.to_async(&rt).iter_custom(|iters| run(addr, file, iters));
            });
        }
    }
    group.finish();

    for (file, size) in FILES {
        rt.block_on(paired(file, *size, ours, tower));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The servers take turns, round by round (see `testkit::paired`); the median of the per-round
/// ratios is the figure.
async fn paired(file: &str, size: usize, ours: SocketAddr, tower: SocketAddr) {
    let rounds = testkit::paired::env_or("FILES_PAIRED_ROUNDS", 60);
    let per_round: u64 = if size > 64 * 1024 { 50 } else { 1_000 };
    let servers = [ours, tower];
    let times = Paired::run_async(rounds, 1, 2, |i| async move {
        run(servers[i], file, per_round).await / per_round as u32
    })
    .await;
    let (o, t) = (times.median(0), times.median(1));
    println!(
        "paired, {file}, {rounds} rounds: median per request servemux {o:.2?} tower-http {t:.2?}; \
         ratio servemux/tower-http per round: {}",
        times.ratios(0, 1),
    );
}

criterion_group!(benches, files);
criterion_main!(benches);
