//! The body stream against hyper 1.x: a streamed 64 MiB upload, and the memory a keep-alive
//! connection costs while it waits for its next request.
//!
//! - **upload**: a client sends 64 MiB with `Content-Length` to a handler that reads it all and
//!   answers with the byte count. The two servers take turns round by round (who goes first swaps
//!   every round), and the median of the per-round time ratios is printed, as `server.rs` does.
//! - **idle memory**: each server runs in a child process (this same binary, told by
//!   `BODY_BENCH_PEER` which server to be). 10,000 connections each make one request and then
//!   stay open; the child's resident memory before and after, divided by 10,000, is the cost of one
//!   idle connection, user space and allocator included (kernel socket buffers are not in RSS).
//!
//! Run: `cargo bench -p servemux --bench body` (`BODY_BENCH_ROUNDS`, `BODY_BENCH_CONNS` to change
//! the rounds and the connection count).

use std::convert::Infallible;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use servemux::{handler_fn, Server};
use testkit::paired::{env_or, Paired};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

const UPLOAD: u64 = 64 << 20;

/// Our server, its handler reading the body through a buffer of `read_buf` bytes.
async fn start_ours(read_buf: usize) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(handler_fn(move |w, r| {
        Box::pin(async move {
            r.body_mut().set_limit(u64::MAX);
            let mut piece = vec![0u8; read_buf];
            let mut n = 0u64;
            while let Ok(got @ 1..) = r.body_mut().read(&mut piece).await {
                n += got as u64;
            }
            let _ = w.write(n.to_string().as_bytes()).await;
        })
    }));
    tokio::spawn(async move { server.serve(listener).await });
    addr
}

async fn start_hyper() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|req: hyper::Request<Incoming>| async move {
                    let mut body = req.into_body();
                    let mut n = 0u64;
                    while let Some(frame) = body.frame().await {
                        if let Ok(data) = frame?.into_data() {
                            n += data.len() as u64;
                        }
                    }
                    Ok::<_, hyper::Error>(hyper::Response::new(Full::new(Bytes::from(
                        n.to_string(),
                    ))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// One upload on a fresh connection; returns its time.
async fn upload(addr: SocketAddr, piece: &[u8]) -> Duration {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let head = format!("PUT /up HTTP/1.1\r\nHost: bench\r\nContent-Length: {UPLOAD}\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    let mut sent = 0u64;
    while sent < UPLOAD {
        let n = (UPLOAD - sent).min(piece.len() as u64) as usize;
        s.write_all(&piece[..n]).await.unwrap();
        sent += n as u64;
    }
    let mut resp = Vec::new();
    let want = UPLOAD.to_string();
    while !resp.ends_with(want.as_bytes()) {
        let n = s.read_buf(&mut resp).await.unwrap();
        assert!(n > 0, "server closed before answering");
    }
    start.elapsed()
}

/// Our server with a 64 KiB and a 256 KiB handler buffer, and hyper (whose adaptive read buffer
/// grows to about 400 KiB and hands out its own bytes), take turns upload by upload; the first
/// to go rotates every round (see `testkit::paired`).
fn upload_paired(rt: &Runtime) {
    let servers = [
        ("servemux-64KiB", rt.block_on(start_ours(64 * 1024))),
        ("servemux-256KiB", rt.block_on(start_ours(256 * 1024))),
        ("hyper", rt.block_on(start_hyper())),
    ];
    let piece = vec![0x5au8; 256 * 1024];
    let rounds = env_or("BODY_BENCH_ROUNDS", 40);
    for (_, addr) in servers {
        rt.block_on(upload(addr, &piece));
    }
    let times = Paired::run(rounds, 1, servers.len(), |i| {
        rt.block_on(upload(servers[i].1, &piece))
    });
    let hyper = servers.len() - 1;
    for (i, (name, _)) in servers.iter().enumerate().take(hyper) {
        println!(
            "upload 64 MiB, {rounds} rounds: median {name} {:.1?} hyper {:.1?}; ratio {name}/hyper \
             per round: {}",
            times.median(i),
            times.median(hyper),
            times.ratios(i, hyper),
        );
    }
}

/// The child's side of the idle-memory run: serve hello on 127.0.0.1:0, print the address, and
/// serve until the parent closes our stdin.
fn serve_peer(kind: &str) {
    let rt = Runtime::new().unwrap();
    let addr = rt.block_on(async {
        match kind {
            "ours" => {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let server = Server::new(handler_fn(|w, _r| {
                    Box::pin(async move {
                        let _ = w.write(b"hello, world\n").await;
                    })
                }));
                tokio::spawn(async move { server.serve(listener).await });
                addr
            }
            _ => {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                tokio::spawn(async move {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        tokio::spawn(async move {
                            let service = service_fn(|_req| async {
                                Ok::<_, Infallible>(hyper::Response::new(Full::new(
                                    Bytes::from_static(b"hello, world\n"),
                                )))
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        });
                    }
                });
                addr
            }
        }
    });
    println!("{addr}");
    // Block until the parent is done; the runtime keeps serving on its worker threads.
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// Resident memory of process `pid`, in kB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// Opens `conns` keep-alive connections to a child server of `kind`, one request each, and
/// returns the child's resident memory per connection in bytes.
fn idle_cost(rt: &Runtime, kind: &str, conns: usize) -> f64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("BODY_BENCH_PEER", kind)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line.trim().parse().unwrap();
    let pid = child.id();
    let streams = rt.block_on(async {
        // One connection first, so the runtime, the date cache and the allocator's arenas are
        // in place before the baseline is read.
        let mut warm = Vec::new();
        for _ in 0..16 {
            warm.push(hello(addr).await);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let before = rss_kb(pid);
        let mut streams = Vec::with_capacity(conns);
        for batch in 0..conns.div_ceil(100) {
            let n = 100.min(conns - batch * 100);
            let opened: Vec<_> = (0..n).map(|_| tokio::spawn(hello(addr))).collect();
            for t in opened {
                streams.push(t.await.unwrap());
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = rss_kb(pid);
        (before, after, streams, warm)
    });
    let (before, after, streams, warm) = streams;
    drop(streams);
    drop(warm);
    drop(child.stdin.take());
    let _ = child.wait();
    (after.saturating_sub(before) * 1024) as f64 / conns as f64
}

/// Connects, makes one request, reads its response, and keeps the connection.
async fn hello(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    while !buf.ends_with(b"hello, world\n") {
        let n = s.read_buf(&mut buf).await.unwrap();
        assert!(n > 0, "server closed");
    }
    s
}

fn main() {
    if let Ok(kind) = std::env::var("BODY_BENCH_PEER") {
        serve_peer(&kind);
        return;
    }
    // `cargo bench --no-run` builds this; `cargo test --benches` runs it with `--bench` absent.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = Runtime::new().unwrap();
    upload_paired(&rt);
    let conns = env_or("BODY_BENCH_CONNS", 10_000);
    // Two rounds each, alternating, so a drift in the machine's memory shows.
    let mut ours = Vec::new();
    let mut hyper = Vec::new();
    for _ in 0..2 {
        ours.push(idle_cost(&rt, "ours", conns));
        hyper.push(idle_cost(&rt, "hyper", conns));
    }
    println!(
        "idle keep-alive connection, {conns} open: resident bytes per connection servemux {:.0} / {:.0}, \
         hyper {:.0} / {:.0}; ratio servemux/hyper {:.3} / {:.3}",
        ours[0],
        ours[1],
        hyper[0],
        hyper[1],
        ours[0] / hyper[0],
        ours[1] / hyper[1],
    );
}
