//! HTTPS: our server against hyper 1.x behind tokio-rustls, the same rustls configuration (one
//! certificate, ring, ALPN `http/1.1`), the same handler, the same client, the same run.
//!
//! - **keep-alive hello**: each iteration is one request/response exchange on an established TLS
//!   connection (1 connection, and 16 concurrent ones);
//! - **new connection**: each iteration is a TCP connect, a full TLS 1.3 handshake (the client
//!   resumes no session), one request and its response.
//!
//! Only the paired run is measured: the two servers alternate round by round (fresh connections
//! each round) and the median of the per-round ratios is printed with its quartiles, the figure to
//! trust on a shared machine. There are no criterion groups: criterion's larger iteration counts
//! put tens of thousands of exchanges on one connection, and the hyper + tokio-rustls peer
//! stopped answering on a single connection somewhere between 16,384 and 32,768 exchanges
//! (2026-12-02, hyper 1.x, tokio-rustls 0.26; not investigated further). A paired round puts
//! 2,000 on each connection.
//!
//! Run: `cargo bench -p servemux --bench tls` (`SERVEMUX_PAIRED_ROUNDS=N` sets the rounds).
//!
//! Profile: `SERVEMUX_PROFILE=servemux` (or `hyper`) runs one server alone, 10,100 keep-alive
//! exchanges over 16 connections (`SERVEMUX_PROFILE_REQUESTS` changes the 10,000 measured), and
//! exits: the run to give `valgrind --tool=callgrind` or `perf record`, as in `server.rs`.

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rcgen::{CertificateParams, KeyPair};
use servemux::rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use servemux::rustls::{self, ClientConfig, RootCertStore, ServerConfig};
use servemux::{handler_fn, Server, TlsConfig};
use testkit::keep_alive::{self, KeepAlive};
use testkit::paired::Paired;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio_rustls::client::TlsStream;
use tokio_rustls::{TlsAcceptor, TlsConnector};

const BODY: &[u8] = b"hello, world\n";
const REQUEST: &[u8] = b"GET /hello HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n\r\n";

/// One self-signed certificate for `localhost`, the server config both servers use, and a client
/// config trusting it.
fn configs() -> (Arc<ServerConfig>, Arc<ClientConfig>) {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let der: CertificateDer<'static> = cert.der().clone();
    let key = PrivateKeyDer::try_from(key.serialize_der()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![der.clone()], key)
        .unwrap();
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut roots = RootCertStore::empty();
    roots.add(der).unwrap();
    let mut client = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    client.alpn_protocols = vec![b"http/1.1".to_vec()];
    // Every new connection is a full handshake: what a new client costs.
    client.resumption = rustls::client::Resumption::disabled();
    (Arc::new(server), Arc::new(client))
}

async fn start_ours(config: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(handler_fn(|w, _r| {
        Box::pin(async move {
            let _ = w.write(BODY).await;
        })
    }));
    let tls = TlsConfig::from_server_config(config);
    tokio::spawn(async move { server.serve_tls(listener, tls).await });
    addr
}

async fn start_hyper(config: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            // The handshake in the connection's task, as ours does.
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = service_fn(|_req| async {
                    Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(BODY))))
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    addr
}

/// A keep-alive client over a new TLS connection (a full handshake).
async fn connect(addr: SocketAddr, connector: &TlsConnector) -> KeepAlive<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let stream = connector.connect(name, tcp).await.unwrap();
    KeepAlive::new(stream, addr, REQUEST)
}

/// `iters` exchanges spread over `conns` established connections; the elapsed time.
async fn keep_alive(
    addr: SocketAddr,
    connector: &TlsConnector,
    conns: usize,
    iters: u64,
) -> Duration {
    let mut clients = Vec::with_capacity(conns);
    for _ in 0..conns {
        clients.push(connect(addr, connector).await);
    }
    keep_alive::run(clients, iters).await
}

/// `iters` times, one after another: connect, handshake, one exchange, close.
async fn new_connections(addr: SocketAddr, connector: &TlsConnector, iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        let mut client = connect(addr, connector).await;
        client.exchange().await;
    }
    start.elapsed()
}

fn https(_c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let (server_config, client_config) = configs();
    let connector = TlsConnector::from(client_config);
    let ours = rt.block_on(start_ours(server_config.clone()));
    let hyper = rt.block_on(start_hyper(server_config));
    eprintln!("ours {ours} hyper {hyper}");
    if let Ok(which) = std::env::var("SERVEMUX_PROFILE") {
        let addr = if which == "hyper" { hyper } else { ours };
        let exchanges = testkit::paired::env_or("SERVEMUX_PROFILE_REQUESTS", 10_000) as u64;
        rt.block_on(keep_alive(addr, &connector, 16, 100));
        let took = rt.block_on(keep_alive(addr, &connector, 16, exchanges));
        println!("profile {which}: {exchanges} exchanges on 16 connections in {took:.2?}");
        return;
    }

    let rounds = testkit::paired::env_or("SERVEMUX_PAIRED_ROUNDS", 100);
    rt.block_on(async {
        for conns in [1usize, 16] {
            let what = format!("keep-alive hello, {conns} connection(s)");
            paired(
                &what,
                rounds,
                2_000,
                |addr, iters| keep_alive(addr, &connector, conns, iters),
                ours,
                hyper,
            )
            .await;
        }
        paired(
            "new connection + handshake + one request",
            rounds,
            50,
            |addr, iters| new_connections(addr, &connector, iters),
            ours,
            hyper,
        )
        .await;
    });
}

/// The servers take turns, round by round (who goes first swaps every round; see
/// `testkit::paired`); each round gives one ratio of their times per iteration, measured moments
/// apart on the same machine. The median of those ratios is the figure to trust, its quartiles
/// show the spread.
async fn paired<F, Fut>(
    what: &str,
    rounds: usize,
    per_round: u64,
    run: F,
    ours: SocketAddr,
    hyper: SocketAddr,
) where
    F: Fn(SocketAddr, u64) -> Fut,
    Fut: std::future::Future<Output = Duration>,
{
    let servers = [ours, hyper];
    let times = Paired::run_async(rounds, 1, 2, |i| {
        let round = run(servers[i], per_round);
        async move { round.await / per_round as u32 }
    })
    .await;
    let (ours, hyper) = (times.median(0), times.median(1));
    let ratios = times.ratios(0, 1);
    println!(
        "paired, {what}, {rounds} rounds: median per iteration servemux {ours:.2?} hyper \
         {hyper:.2?}; ratio servemux/hyper per round: {ratios}; \
         throughput ratio servemux/hyper {:.3}",
        1.0 / ratios.median(),
    );
}

criterion_group!(benches, https);
criterion_main!(benches);
