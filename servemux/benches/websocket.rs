//! WebSocket echo round trips: our server (upgrade, hijack, tungstenite over the hijacked
//! stream) against tokio-tungstenite's own `accept_async` on a plain tokio listener. Same client,
//! same echo loop, same run.
//!
//! Each iteration is one round trip of a 32-byte text message on an open WebSocket: after the
//! handshake both servers run the same tungstenite code, so this measures what the hijacked
//! stream costs (its buffered-bytes check on every read) against a bare `TcpStream`.
//!
//! After criterion's figures, a paired run alternates the two servers round by round and prints
//! the median ratio of their times per round trip: the figure to trust on a shared machine.
//!
//! Run: `cargo bench -p servemux --bench websocket -- --warm-up-time 1 --measurement-time 3`
//! (`WS_PAIRED_ROUNDS` sets the paired rounds, default 100).

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures_util::{SinkExt, StreamExt};
use servemux::{handler_fn, upgrade_websocket, Server};
use testkit::paired::Paired;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The echo loop both servers run once the WebSocket is open.
async fn echo<S>(mut ws: WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    while let Some(Ok(msg)) = ws.next().await {
        if (msg.is_text() || msg.is_binary()) && ws.send(msg).await.is_err() {
            break;
        }
    }
}

async fn start_ours() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(handler_fn(|w, r| {
        Box::pin(async move {
            if let Ok(conn) = upgrade_websocket(w, r).await {
                echo(WebSocketStream::from_raw_socket(conn, Role::Server, None).await).await;
            }
        })
    }));
    tokio::spawn(async move { server.serve(listener).await });
    addr
}

async fn start_plain() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                    echo(ws).await;
                }
            });
        }
    });
    addr
}

async fn connect(addr: SocketAddr) -> Arc<Mutex<Client>> {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .expect("handshake");
    if let MaybeTlsStream::Plain(s) = ws.get_ref() {
        let _ = s.set_nodelay(true);
    }
    Arc::new(Mutex::new(ws))
}

/// `iters` round trips on `client`; returns the elapsed time.
async fn run(client: &Mutex<Client>, iters: u64) -> Duration {
    let mut ws = client.lock().await;
    let payload = "x".repeat(32);
    let start = Instant::now();
    for _ in 0..iters {
        ws.send(Message::text(payload.clone())).await.unwrap();
        match ws.next().await {
            Some(Ok(Message::Text(t))) if t.len() == 32 => {}
            other => panic!("unexpected reply {other:?}"),
        }
    }
    start.elapsed()
}

fn echo_round_trips(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let ours = rt.block_on(async { connect(start_ours().await).await });
    let plain = rt.block_on(async { connect(start_plain().await).await });

    let mut group = c.benchmark_group("websocket_echo");
    group.throughput(Throughput::Elements(1));
    for (name, client) in [("servemux_hijack", &ours), ("tokio_tungstenite", &plain)] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| rt.block_on(run(client, iters)));
        });
    }
    group.finish();
    rt.block_on(paired(&ours, &plain));
}

/// Both servers take turns, round by round (who goes first swaps every round; see
/// `testkit::paired`); each round gives one ratio of their times per round trip, measured moments
/// apart. The median ratio and its quartiles are printed.
async fn paired(ours: &Mutex<Client>, plain: &Mutex<Client>) {
    let rounds = testkit::paired::env_or("WS_PAIRED_ROUNDS", 100);
    let per_round = 1_000u64;
    let clients = [ours, plain];
    let times = Paired::run_async(rounds, 1, 2, |i| async move {
        run(clients[i], per_round).await / per_round as u32
    })
    .await;
    let (o, p) = (times.median(0), times.median(1));
    println!(
        "paired, {rounds} rounds: median per round trip servemux+hijack {o:.2?} \
         tokio-tungstenite {p:.2?}; ratio per round: {}",
        times.ratios(0, 1),
    );
}

criterion_group!(benches, echo_round_trips);
criterion_main!(benches);
