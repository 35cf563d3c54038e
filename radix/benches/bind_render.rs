//! A JSON bind + render round trip: radix's `bind_json` (decode, then the `validator` rules) and
//! `json` on servemux, beside axum 0.8's `Json` extractor and `Json` response on hyper, with the
//! same type, the same rules checked in the axum handler, and the same client.
//!
//! Each iteration is one keep-alive POST exchange. After criterion's figures a paired run lets
//! the two servers take turns round by round (who goes first swaps every round) and prints the
//! median of the per-round ratios, the figure to trust on a shared 2-core machine.
//!
//! Run: `cargo bench -p radix --bench bind_render` (`RADIX_PAIRED_ROUNDS` sets the rounds).

// `criterion_group!` defines a public function without a doc comment; a bench has no API.
#![allow(missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use serde::{Deserialize, Serialize};
use testkit::keep_alive::{self, KeepAlive};
use testkit::paired::Paired;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use validator::Validate;

#[derive(Deserialize, Serialize, Validate)]
struct Login {
    #[validate(length(min = 3))]
    user: String,
    #[validate(length(min = 1))]
    password: String,
    #[validate(range(min = 0, max = 150))]
    age: u32,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Welcome {
    user: String,
    age: u32,
    tags: usize,
    ok: bool,
}

const BODY: &str = r#"{"user":"ann","password":"secret","age":30,"tags":["a","b","c"]}"#;

fn request_bytes() -> Vec<u8> {
    format!(
        "POST /login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{BODY}",
        BODY.len()
    )
    .into_bytes()
}

async fn start_radix() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut e = radix::Engine::new();
    e.post("/login", |c| {
        Box::pin(async move {
            if let Ok(l) = c.bind_json::<Login>().await {
                let w = Welcome {
                    tags: l.tags.len(),
                    user: l.user,
                    age: l.age,
                    ok: true,
                };
                c.json(200, &w).await;
            }
        })
    })
    .unwrap();
    let server = servemux::Server::new(e);
    tokio::spawn(async move { server.serve(listener).await });
    addr
}

async fn axum_login(
    axum::Json(l): axum::Json<Login>,
) -> Result<axum::Json<Welcome>, axum::http::StatusCode> {
    l.validate()
        .map_err(|_| axum::http::StatusCode::BAD_REQUEST)?;
    Ok(axum::Json(Welcome {
        tags: l.tags.len(),
        user: l.user,
        age: l.age,
        ok: true,
    }))
}

async fn start_axum() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/login", axum::routing::post(axum_login));
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

async fn run(addr: SocketAddr, conns: usize, iters: u64) -> Duration {
    let request = request_bytes();
    let mut clients = Vec::with_capacity(conns);
    for _ in 0..conns {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        clients.push(KeepAlive::new(stream, addr, &request));
    }
    keep_alive::run(clients, iters).await
}

fn bind_render(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let ours = rt.block_on(start_radix());
    let axum = rt.block_on(start_axum());
    let mut group = c.benchmark_group("json_bind_render");
    group.throughput(Throughput::Elements(1));
    for conns in [1usize, 16] {
        for (name, addr) in [("radix", ours), ("axum", axum)] {
            group.bench_with_input(BenchmarkId::new(name, conns), &conns, |b, &conns| {
                b.to_async(&rt).iter_custom(|iters| run(addr, conns, iters));
            });
        }
    }
    group.finish();
    for conns in [1usize, 16] {
        rt.block_on(paired(conns, ours, axum));
    }
}

/// Turn-taking comparison, as in `servemux/benches/server.rs` (see `testkit::paired`): the median
/// of per-round ratios.
async fn paired(conns: usize, ours: SocketAddr, axum: SocketAddr) {
    let rounds = testkit::paired::env_or("RADIX_PAIRED_ROUNDS", 60);
    let per_round = 1_000u64;
    let servers = [ours, axum];
    let times = Paired::run_async(rounds, 1, 2, |i| async move {
        run(servers[i], conns, per_round).await / per_round as u32
    })
    .await;
    let (o, a) = (times.median(0), times.median(1));
    println!(
        "paired json bind+render, {conns} connection(s), {rounds} rounds: median per request \
         radix {o:.2?} axum {a:.2?}; ratio radix/axum per round: {}",
        times.ratios(0, 1),
    );
}

criterion_group!(benches, bind_render);
criterion_main!(benches);
