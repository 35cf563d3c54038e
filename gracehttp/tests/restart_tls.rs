//! Certificate rotation by restart: a TLS server under bounded load gets new certificate files
//! and SIGUSR2. No request fails, each process answers with the certificate it read at start,
//! and connections made once the old process is gone see the new certificate (compared by DER).
//! A restart onto files the new process cannot load leaves the old one serving.
//!
//! Clients (tokio-rustls, trusting the test authority): two open a new connection per request,
//! two keep one alive and, when the server closed it while idle, retry once on a new connection
//! (as Go's `Transport` does for a reused connection; counted and reported, never hidden).

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Server, WAIT};
use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use nix::unistd::Pid;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// A test authority; every leaf it signs is valid for `localhost`.
struct Ca {
    key: KeyPair,
    cert: rcgen::Certificate,
}

/// A leaf certificate: its PEM files' contents, and its DER to compare with what clients see.
struct Leaf {
    cert_pem: String,
    key_pem: String,
    der: Vec<u8>,
}

impl Ca {
    fn new() -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "gracehttp test CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Ca { key, cert }
    }

    fn leaf(&self, name: &str) -> Leaf {
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }

    fn connector(&self) -> TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from(self.cert.der().to_vec()))
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        TlsConnector::from(Arc::new(config))
    }
}

/// Replaces the files as an operator would: write beside, then rename over (no reader ever sees
/// half a file).
fn install(leaf: &Leaf, cert: &Path, key: &Path) {
    for (path, text) in [(cert, &leaf.cert_pem), (key, &leaf.key_pem)] {
        let tmp = path.with_extension("new");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, path).unwrap();
    }
}

/// One answer: the pid that served it and the certificate its connection was made with.
struct Answer {
    pid: i32,
    cert: Vec<u8>,
}

/// Why a request failed.
enum Failure {
    Connect(String),
    /// The connection was closed before any byte of the answer came back.
    ClosedBeforeAnswer,
    Broken(String),
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect(e) => write!(f, "connect: {e}"),
            Failure::ClosedBeforeAnswer => f.write_str("closed before the answer"),
            Failure::Broken(e) => write!(f, "broken answer: {e}"),
        }
    }
}

async fn open(connector: &TlsConnector, port: u16) -> Result<TlsStream<TcpStream>, Failure> {
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| Failure::Connect(e.to_string()))?;
    let name = ServerName::try_from("localhost").unwrap();
    tokio::time::timeout(WAIT, connector.connect(name, tcp))
        .await
        .map_err(|_| Failure::Connect("handshake timed out".into()))?
        .map_err(|e| Failure::Connect(e.to_string()))
}

fn peer_cert(tls: &TlsStream<TcpStream>) -> Vec<u8> {
    tls.get_ref().1.peer_certificates().unwrap()[0].to_vec()
}

/// Sends `GET /` and reads the answer (`pid=N`, with a Content-Length).
async fn exchange(tls: &mut TlsStream<TcpStream>, close: bool) -> Result<i32, Failure> {
    let req = if close {
        "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    } else {
        "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
    };
    if tls.write_all(req.as_bytes()).await.is_err() {
        return Err(Failure::ClosedBeforeAnswer);
    }
    let mut buf = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            if !head.starts_with("http/1.1 200") {
                return Err(Failure::Broken(head));
            }
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| Failure::Broken(head.clone()))?;
            if buf.len() >= end + 4 + len {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + len]).into_owned();
                return body
                    .strip_prefix("pid=")
                    .and_then(|p| p.parse().ok())
                    .ok_or(Failure::Broken(body));
            }
        }
        let mut chunk = [0u8; 1024];
        match tokio::time::timeout_at(deadline, tls.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            Ok(_) if buf.is_empty() => return Err(Failure::ClosedBeforeAnswer),
            Ok(_) => return Err(Failure::Broken("closed mid-answer".into())),
            Err(_) => return Err(Failure::Broken("no answer in time".into())),
        }
    }
}

/// Starts the `restart` example serving TLS with these files (the harness blocks: off the
/// runtime's threads).
async fn start_tls(cert: &Path, key: &Path) -> Arc<Server> {
    let args: Vec<String> = ["--addr", "127.0.0.1:0", "--tls-cert"]
        .into_iter()
        .map(str::to_owned)
        .chain([
            cert.display().to_string(),
            "--tls-key".into(),
            key.display().to_string(),
        ])
        .collect();
    let server = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Server::start(&args, &[])
    });
    Arc::new(server.await.unwrap())
}

#[derive(Default)]
struct Stats {
    answers: Vec<Answer>,
    failures: Vec<String>,
    retries: usize,
    /// Answers on connections made after the old process had exited.
    after_exit: Vec<Answer>,
}

/// Requests until the old process has exited and this client made `AFTER_EXIT` more requests,
/// or `MAX_REQUESTS` in all: bounded load.
const AFTER_EXIT: usize = 10;
const MAX_REQUESTS: usize = 3000;

async fn client(
    keep_alive: bool,
    port: u16,
    connector: TlsConnector,
    old_gone: Arc<AtomicBool>,
    stats: Arc<Mutex<Stats>>,
) {
    let mut conn: Option<(TlsStream<TcpStream>, bool)> = None;
    let mut after = 0;
    for _ in 0..MAX_REQUESTS {
        if after >= AFTER_EXIT {
            break;
        }
        if old_gone.load(Ordering::SeqCst) {
            after += 1;
        }
        let mut retried = false;
        let result = loop {
            let (tls, made_after_exit) = match conn.take() {
                Some(c) => c,
                None => {
                    let made_after_exit = old_gone.load(Ordering::SeqCst);
                    match open(&connector, port).await {
                        Ok(tls) => (tls, made_after_exit),
                        Err(e) => break Err(e),
                    }
                }
            };
            let mut tls = tls;
            match exchange(&mut tls, !keep_alive).await {
                Ok(pid) => {
                    let answer = Answer {
                        pid,
                        cert: peer_cert(&tls),
                    };
                    if keep_alive {
                        conn = Some((tls, made_after_exit));
                    }
                    break Ok((answer, made_after_exit));
                }
                // A kept connection the server closed while idle: retry once on a new one.
                Err(Failure::ClosedBeforeAnswer) if keep_alive && !retried => {
                    retried = true;
                    stats.lock().unwrap().retries += 1;
                }
                Err(e) => break Err(e),
            }
        };
        let mut stats = stats.lock().unwrap();
        match result {
            Ok((answer, made_after_exit)) => {
                if made_after_exit {
                    stats.after_exit.push(answer);
                } else {
                    stats.answers.push(answer);
                }
            }
            Err(e) => stats.failures.push(format!("{e:?}")),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_certificate_by_restart_drops_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let ca = Ca::new();
    let (old_leaf, new_leaf) = (ca.leaf("old"), ca.leaf("new"));
    install(&old_leaf, &cert, &key);

    let server = start_tls(&cert, &key).await;
    let (port, old_pid) = (server.port(), server.first_pid);

    let old_gone = Arc::new(AtomicBool::new(false));
    let stats = Arc::new(Mutex::new(Stats::default()));
    let clients: Vec<_> = (0..4)
        .map(|i| {
            tokio::spawn(client(
                i % 2 == 1,
                port,
                ca.connector(),
                old_gone.clone(),
                stats.clone(),
            ))
        })
        .collect();

    // Some answers from the old process first, then the rotation: new files, SIGUSR2.
    let deadline = Instant::now() + WAIT;
    while stats.lock().unwrap().answers.len() < 20 {
        assert!(Instant::now() < deadline, "no load reached the server");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    install(&new_leaf, &cert, &key);
    let s = server.clone();
    let (new_pid, old_status) = tokio::task::spawn_blocking(move || {
        let (new_pid, _) = s.restart(old_pid);
        (new_pid, s.wait_exit(old_pid))
    })
    .await
    .unwrap();
    old_gone.store(true, Ordering::SeqCst);
    assert_eq!(old_status, WaitStatus::Exited(Pid::from_raw(old_pid), 0));
    for c in clients {
        tokio::time::timeout(WAIT, c)
            .await
            .expect("clients finish")
            .unwrap();
    }

    let stats = stats.lock().unwrap();
    assert!(
        stats.failures.is_empty(),
        "failed requests: {:?}\n{}",
        stats.failures,
        server.lines.dump()
    );
    let served_by = |pid| stats.answers.iter().filter(|a| a.pid == pid).count();
    assert!(
        served_by(old_pid) >= 20,
        "the load began on the old process"
    );
    for a in stats.answers.iter().chain(&stats.after_exit) {
        let expected = if a.pid == old_pid {
            &old_leaf.der
        } else {
            assert_eq!(a.pid, new_pid, "an answer from an unknown process");
            &new_leaf.der
        };
        assert!(
            &a.cert == expected,
            "pid {} answered with the other certificate",
            a.pid
        );
    }
    // The two clients that connect per request made all their last requests on new connections.
    assert!(
        stats.after_exit.len() >= 2 * AFTER_EXIT,
        "too few requests after the restart"
    );
    assert!(
        stats
            .after_exit
            .iter()
            .all(|a| a.pid == new_pid && a.cert == new_leaf.der),
        "a connection made after the restart saw the old certificate"
    );
    eprintln!(
        "rotation: {} answers before the old process exited ({} by it), {} after, {} retries on kept connections",
        stats.answers.len(),
        served_by(old_pid),
        stats.after_exit.len(),
        stats.retries
    );

    server.signal(new_pid, Signal::SIGTERM);
    assert_eq!(
        server.wait_exit(new_pid),
        WaitStatus::Exited(Pid::from_raw(new_pid), 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_onto_unusable_files_leaves_the_old_certificate_serving() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let ca = Ca::new();
    let leaf = ca.leaf("kept");
    install(&leaf, &cert, &key);
    let server = start_tls(&cert, &key).await;
    let (port, pid) = (server.port(), server.first_pid);

    // A key that does not belong to the certificate.
    let stranger = ca.leaf("stranger");
    std::fs::write(&key, &stranger.key_pem).unwrap();
    server.signal(pid, Signal::SIGUSR2);
    let failed = format!("[pid: {pid}] Failed to start a new process: [process ");
    let s = server.clone();
    let seen = tokio::task::spawn_blocking(move || s.lines.wait_for(&failed, WAIT))
        .await
        .unwrap();
    assert!(
        seen.is_some(),
        "the restart did not fail:\n{}",
        server.lines.dump()
    );

    let connector = ca.connector();
    let mut tls = open(&connector, port).await.expect("still serving");
    assert_eq!(exchange(&mut tls, true).await.expect("an answer"), pid);
    assert_eq!(
        peer_cert(&tls),
        leaf.der,
        "the old certificate is still served"
    );

    server.signal(pid, Signal::SIGTERM);
    let s = server.clone();
    let status = tokio::task::spawn_blocking(move || s.wait_exit(pid))
        .await
        .unwrap();
    assert_eq!(status, WaitStatus::Exited(Pid::from_raw(pid), 0));
}
