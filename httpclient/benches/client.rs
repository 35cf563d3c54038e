//! Sequential keep-alive requests against one local server: our client and reqwest, same run.
//!
//! The server is a minimal raw-TCP HTTP/1.1 responder on its own thread and runtime, so both
//! clients pay exactly the same server cost: it finds each `\r\n\r\n` (plus a Content-Length
//! body, if any) and answers a fixed small response. Each client runs on a current-thread
//! runtime on the bench thread and sends one request at a time over one pooled connection —
//! the per-request overhead of the client is what differs. The two clients take turns (see
//! `interleaved`), so a load spike on the shared machine hits both figures alike.
//!
//! Three more figures, same run: a gzip download (`GET /gz`: 64 KiB of text, about 1 KiB
//! gzipped) decoded by both clients (reqwest with its `gzip` feature); and the heap a 64 MiB
//! streamed download (`GET /big`) needs, counted by this binary's global allocator — bytes, not
//! time, so that figure is deterministic and printed as is.
//!
//! And the same keep-alive GET over HTTPS: the same responder behind a rustls server (ring
//! provider, a certificate made by rcgen at start-up for `localhost`), our client against
//! reqwest with its `rustls-tls` feature (rustls + ring too, hyper-rustls), both trusting the
//! bench's CA on top of the web PKI roots. One pooled connection each, so this measures the
//! per-request cost of the record layer and of each client's TLS plumbing, not the handshake.

// `criterion_group!` defines a public function it cannot document.
#![allow(missing_docs)]

use std::io::Write as _;

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;

use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;
use testkit::alloc::PROCESS;
use testkit::paired::Paired;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, world!";

/// The decoded size of `/gz`.
const GZ_PLAIN: usize = 64 * 1024;
/// The size of `/big`.
const BIG: usize = 64 << 20;

/// Counts the bytes live on the heap, and their peak, over the whole process.
#[global_allocator]
static GLOBAL: testkit::CountingAlloc = testkit::CountingAlloc;

/// The `/gz` response: a gzip body of repetitive text, built once.
fn gz_response() -> &'static [u8] {
    static CELL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let line = b"GET /demo/args/123 HTTP/1.1 200 OK text/plain; charset=utf-8\n";
        let plain: Vec<u8> = line.iter().copied().cycle().take(GZ_PLAIN).collect();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&plain).unwrap();
        let body = e.finish().unwrap();
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(&body);
        out
    })
}

/// Starts the fixed-response server on a background thread; returns its address. With `tls`,
/// every accepted connection first goes through a rustls handshake.
fn start_server(tls: Option<Arc<rustls::ServerConfig>>) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                match acceptor.clone() {
                    None => {
                        tokio::spawn(serve(stream));
                    }
                    Some(acceptor) => {
                        tokio::spawn(async move {
                            if let Ok(tls) = acceptor.accept(stream).await {
                                serve(tls).await;
                            }
                        });
                    }
                }
            }
        });
    });
    rx.recv().unwrap()
}

/// The bench's CA (DER) and a rustls server configuration with a `localhost` certificate it
/// signed, made now: no key material on disk.
fn tls_server_config() -> (Vec<u8>, Arc<rustls::ServerConfig>) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone(), ca.der().clone()],
            rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (ca.der().to_vec(), Arc::new(config))
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Answer every complete request in the buffer.
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = &buf[..end];
            let body_len = content_length(head);
            let total = end + 4 + body_len;
            if buf.len() < total {
                break;
            }
            let path = head.split(|&b| b == b' ').nth(1).unwrap_or(b"").to_vec();
            buf.drain(..total);
            let written = match &path[..] {
                b"/gz" => stream.write_all(gz_response()).await,
                b"/big" => write_big(&mut stream).await,
                _ => stream.write_all(RESPONSE).await,
            };
            // A no-op for TCP; for TLS it sends the records rustls may still hold.
            if written.is_err() || stream.flush().await.is_err() {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// `/big`: 64 MiB from one static 1 MiB buffer (the server allocates nothing per byte).
async fn write_big<S: AsyncWrite + Unpin>(stream: &mut S) -> std::io::Result<()> {
    static MIB: [u8; 1 << 20] = [b'b'; 1 << 20];
    let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {BIG}\r\n\r\n");
    stream.write_all(head.as_bytes()).await?;
    for _ in 0..BIG >> 20 {
        stream.write_all(&MIB).await?;
    }
    Ok(())
}

fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head);
    text.lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

fn bench_clients(c: &mut Criterion) {
    let addr = start_server(None);
    let url = format!("http://{addr}/hello");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let ours = httpclient::Client::new();
    let theirs = reqwest::Client::builder().no_proxy().build().unwrap();

    // Warm both pools and check both clients really get the response.
    rt.block_on(async {
        let a = ours.get(url.as_str()).send().await.unwrap();
        assert_eq!(&a.body()[..], b"Hello, world!");
        let b = theirs.get(url.as_str()).send().await.unwrap();
        assert_eq!(&b.bytes().await.unwrap()[..], b"Hello, world!");
    });

    let get_ours = || async {
        let resp = ours.get(url.as_str()).send().await.unwrap();
        assert_eq!(resp.body().len(), 13);
    };
    let get_theirs = || async {
        let resp = theirs.get(url.as_str()).send().await.unwrap();
        assert_eq!(resp.bytes().await.unwrap().len(), 13);
    };
    let mut group = c.benchmark_group("keepalive_get");
    group.bench_function("httpclient", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, get_ours, get_theirs))
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, get_theirs, get_ours))
    });
    group.finish();

    let payload = Bytes::from(vec![b'p'; 1024]);
    let post_ours = || async {
        let resp = ours
            .post(url.as_str(), payload.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.body().len(), 13);
    };
    let post_theirs = || async {
        let resp = theirs
            .post(url.as_str())
            .body(payload.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.bytes().await.unwrap().len(), 13);
    };
    let mut group = c.benchmark_group("keepalive_post_1k");
    group.bench_function("httpclient", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, post_ours, post_theirs))
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, post_theirs, post_ours))
    });
    group.finish();

    let gz_url = format!("http://{addr}/gz");
    let gz_ours = || async {
        let resp = ours.get(gz_url.as_str()).send().await.unwrap();
        assert_eq!(resp.body().len(), GZ_PLAIN);
    };
    let gz_theirs = || async {
        let resp = theirs.get(gz_url.as_str()).send().await.unwrap();
        assert_eq!(resp.bytes().await.unwrap().len(), GZ_PLAIN);
    };
    let mut group = c.benchmark_group("gzip_download_64k");
    group.bench_function("httpclient", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, gz_ours, gz_theirs))
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, gz_theirs, gz_ours))
    });
    group.finish();

    // ANCHOR: https_clients
    let (ca, tls_config) = tls_server_config();
    let tls_addr = start_server(Some(tls_config));
    let tls_url = format!("https://localhost:{}/hello", tls_addr.port());
    let ours_tls = httpclient::Client::builder()
        .no_proxy()
        .add_root_certificate(httpclient::CertificateDer::from(ca.clone()))
        .unwrap()
        .build();
    let theirs_tls = reqwest::Client::builder()
        .no_proxy()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_der(&ca).unwrap())
        .build()
        .unwrap();
    // ANCHOR_END: https_clients
    rt.block_on(async {
        let a = ours_tls.get(tls_url.as_str()).send().await.unwrap();
        assert_eq!(&a.body()[..], b"Hello, world!");
        let b = theirs_tls.get(tls_url.as_str()).send().await.unwrap();
        assert_eq!(&b.bytes().await.unwrap()[..], b"Hello, world!");
    });
    let tls_ours = || async {
        let resp = ours_tls.get(tls_url.as_str()).send().await.unwrap();
        assert_eq!(resp.body().len(), 13);
    };
    let tls_theirs = || async {
        let resp = theirs_tls.get(tls_url.as_str()).send().await.unwrap();
        assert_eq!(resp.bytes().await.unwrap().len(), 13);
    };
    let mut group = c.benchmark_group("keepalive_get_https");
    group.bench_function("httpclient", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, tls_ours, tls_theirs))
    });
    group.bench_function("reqwest", |b| {
        b.to_async(&rt)
            .iter_custom(|iters| interleaved(iters, tls_theirs, tls_ours))
    });
    group.finish();

    rt.block_on(paired("GET", get_ours, get_theirs));
    rt.block_on(paired("POST 1 KiB", post_ours, post_theirs));
    rt.block_on(paired("gzip 64 KiB", gz_ours, gz_theirs));
    rt.block_on(paired("HTTPS GET", tls_ours, tls_theirs));
    // Both pools still hold the one connection they started with: no handshake was timed.
    assert_eq!(ours_tls.pool_stats().opened, 1);
    rt.block_on(streamed_memory(addr, &ours, &theirs));
}

// ANCHOR: streamed_memory
/// Peak heap growth while each client streams the 64 MiB `/big` body, dropping every piece as
/// it arrives. Bytes, not time: the figure does not depend on the machine's load.
async fn streamed_memory(addr: SocketAddr, ours: &httpclient::Client, theirs: &reqwest::Client) {
    let url = format!("http://{addr}/big");
    let mut resp = ours.get(url.as_str()).send_streaming().await.unwrap();
    let base = PROCESS.reset_peak();
    let mut total = 0;
    while let Some(piece) = resp.chunk().await.unwrap() {
        total += piece.len();
    }
    let peak_ours = PROCESS.peak() - base;
    assert_eq!(total, BIG);

    let mut resp = theirs.get(url.as_str()).send().await.unwrap();
    let base = PROCESS.reset_peak();
    let mut total = 0;
    while let Some(piece) = resp.chunk().await.unwrap() {
        total += piece.len();
    }
    let peak_theirs = PROCESS.peak() - base;
    assert_eq!(total, BIG);
    println!(
        "streamed 64 MiB: peak heap growth httpclient {peak_ours} B reqwest {peak_theirs} B \
         ratio {:.3}",
        peak_ours as f64 / peak_theirs.max(1) as f64
    );
}
// ANCHOR_END: streamed_memory

/// A paired comparison on top of criterion's figures: the two clients alternate request by
/// request (who goes first swaps every round; see `testkit::paired`), so both see the same machine
/// at the same moment. Medians are compared, not means: on a shared machine a few requests of
/// either client stall for milliseconds behind another process, and a mean would measure those
/// stalls.
async fn paired<F, G, FutF, FutG>(name: &str, ours: F, theirs: G)
where
    F: Fn() -> FutF,
    G: Fn() -> FutG,
    FutF: Future<Output = ()>,
    FutG: Future<Output = ()>,
{
    let (rounds, per_round) = (20usize, 1000usize);
    let (ours, theirs) = (&ours, &theirs);
    let times = Paired::run_async(rounds, per_round, 2, |i| async move {
        let start = Instant::now();
        if i == 0 {
            ours().await;
        } else {
            theirs().await;
        }
        start.elapsed()
    })
    .await;
    // The spread of the ratio: each round's median ratio, then the quartiles over rounds.
    let round_ratios = times.ratios(0, 1);
    let (q1, q3) = round_ratios.quartiles();
    let (mean_ours, mean_theirs) = (times.mean(0), times.mean(1));
    let (med_ours, med_theirs) = (times.median(0), times.median(1));
    println!(
        "paired {name}: median httpclient {med_ours:.2?} reqwest {med_theirs:.2?} \
         ratio {:.3} | mean httpclient {mean_ours:.2?} reqwest {mean_theirs:.2?} ratio {:.3} \
         | per-round median ratio q1 {q1:.3} q2 {:.3} q3 {q3:.3} over {rounds} rounds",
        med_ours.as_secs_f64() / med_theirs.as_secs_f64(),
        mean_ours.as_secs_f64() / mean_theirs.as_secs_f64(),
        round_ratios.median(),
    );
}

/// Times `iters` runs of `measured`, running `other` (untimed) after each one.
///
/// This sandbox shares 2 cores with other builds, so the machine's load drifts between two
/// benchmarks run one after the other. Interleaving puts both clients under the same load at
/// the same moments: each benchmark's figure is its own requests only, but measured while the
/// other client takes turns on the same server.
async fn interleaved<F, G, FutF, FutG>(iters: u64, measured: F, other: G) -> Duration
where
    F: Fn() -> FutF,
    G: Fn() -> FutG,
    FutF: Future<Output = ()>,
    FutG: Future<Output = ()>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let start = Instant::now();
        measured().await;
        total += start.elapsed();
        other().await;
    }
    total
}

criterion_group!(benches, bench_clients);
criterion_main!(benches);
