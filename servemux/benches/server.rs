//! Hello-world over keep-alive loopback connections: our server against hyper 1.x, same handler,
//! same client, same run.
//!
//! Each iteration is one request/response exchange. With 16 connections the iterations are split
//! evenly over 16 concurrent client tasks, so the figure is the server's throughput under
//! concurrency, not the latency of one exchange.
//!
//! After criterion's figures, a paired run alternates the two servers round by round and prints
//! the ratio of their median times per request: the figure to trust on a shared machine.
//!
//! Run: `cargo bench -p servemux --bench server`
//!
//! Calibration: `SERVEMUX_PAIRED_SELF=1` pairs servemux with a second servemux instead of hyper.
//!
//! Profile: with `SERVEMUX_PROFILE=servemux` (or `hyper`) the bench runs one server alone, 20,100
//! requests over 16 connections (`SERVEMUX_PROFILE_REQUESTS` changes the 20,000 measured), and
//! exits; run that under `valgrind --tool=callgrind`, whose instruction counts do not depend on
//! the machine's load, to compare the two servers function by function.

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use servemux::{handler_fn, Server};
use testkit::keep_alive::{self, KeepAlive};
use testkit::paired::Paired;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

const BODY: &[u8] = b"hello, world\n";
const REQUEST: &[u8] = b"GET /hello HTTP/1.1\r\nHost: bench\r\nUser-Agent: bench\r\n\r\n";

async fn start_ours() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(handler_fn(|w, _r| {
        Box::pin(async move {
            let _ = w.write(BODY).await;
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
                let service = service_fn(|_req| async {
                    Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(BODY))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Runs `iters` exchanges spread over `conns` connections and returns the elapsed time.
async fn run(addr: SocketAddr, conns: usize, iters: u64) -> Duration {
    let mut clients = Vec::with_capacity(conns);
    for _ in 0..conns {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        clients.push(KeepAlive::new(stream, addr, REQUEST));
    }
    keep_alive::run(clients, iters).await
}

fn hello_world(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let ours = rt.block_on(start_ours());
    // `SERVEMUX_PAIRED_SELF=1` puts a second servemux in hyper's place: the pair then measures
    // the method's own noise and bias (an even pair should give 1.000).
    let hyper = if std::env::var_os("SERVEMUX_PAIRED_SELF").is_some() {
        rt.block_on(start_ours())
    } else {
        rt.block_on(start_hyper())
    };
    if let Ok(which) = std::env::var("SERVEMUX_PROFILE") {
        let addr = if which == "hyper" { hyper } else { ours };
        let requests = testkit::paired::env_or("SERVEMUX_PROFILE_REQUESTS", 20_000) as u64;
        rt.block_on(run(addr, 16, 100));
        let took = rt.block_on(run(addr, 16, requests));
        println!("profile {which}: {requests} requests on 16 connections in {took:.2?}");
        return;
    }

    let mut group = c.benchmark_group("hello_keepalive");
    group.throughput(Throughput::Elements(1));
    for conns in [1usize, 16] {
        for (name, addr) in [("servemux", ours), ("hyper", hyper)] {
            group.bench_with_input(BenchmarkId::new(name, conns), &conns, |b, &conns| {
                b.to_async(&rt).iter_custom(|iters| run(addr, conns, iters));
            });
        }
    }
    group.finish();

    for conns in [1usize, 16] {
        rt.block_on(paired(conns, ours, hyper));
    }
}

/// A paired comparison on top of criterion's figures. On this 2-core machine client and server
/// share the cores and the load drifts between two benchmarks run one after the other, so here the
/// two servers take turns, round by round (who goes first swaps every round; see
/// `testkit::paired`). Each round gives one ratio of the two servers' times per request, measured
/// moments apart on the same machine; the median of those ratios is the figure to trust, and its
/// quartiles show the spread.
async fn paired(conns: usize, ours: SocketAddr, hyper: SocketAddr) {
    // `SERVEMUX_PAIRED_ROUNDS` trades time for a narrower spread.
    let rounds = testkit::paired::env_or("SERVEMUX_PAIRED_ROUNDS", 150);
    let per_round = 2_000u64;
    let servers = [ours, hyper];
    let times = Paired::run_async(rounds, 1, 2, |i| async move {
        run(servers[i], conns, per_round).await / per_round as u32
    })
    .await;
    let (ours, hyper) = (times.median(0), times.median(1));
    println!(
        "paired, {conns} connection(s), {rounds} rounds: median per request servemux {ours:.2?} \
         hyper {hyper:.2?}; ratio servemux/hyper per round: {}",
        times.ratios(0, 1),
    );
}

criterion_group!(benches, hello_world);
criterion_main!(benches);
