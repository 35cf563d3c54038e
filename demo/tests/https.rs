//! The demo over HTTPS: the real `server` binary with `--tls-cert`/`--tls-key` (a certificate
//! generated here by rcgen, signed by a throw-away authority; nothing committed), answering the
//! seed's curl session through TLS — with a tokio-rustls client always, and with the real
//! `curl --cacert`, as the README shows it, when curl is on PATH.

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::curl_steps;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Writes a test authority (`ca.pem`) and a certificate for `localhost` it signed (`cert.pem`,
/// `key.pem`) into `dir`; returns the authority's DER.
fn make_certificates(dir: &std::path::Path) -> CertificateDer<'static> {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "demo test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca.self_signed(&ca_key).unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf.signed_by(&leaf_key, &ca, &ca_key).unwrap();
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();
    ca.der().clone()
}

struct Demo {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> Demo {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--addr")
        .arg(addr.to_string())
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the demo server");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            Instant::now() < deadline,
            "the server did not start listening"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Demo { child, addr }
}

fn curl_available() -> bool {
    Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[tokio::test]
async fn the_seed_s_curl_session_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let ca = make_certificates(dir.path());
    let demo = start(dir.path());
    let steps = curl_steps();

    // tokio-rustls, trusting the test authority only.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(demo.addr).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.expect("handshake");
    let first = &steps[0];
    let req = format!(
        "GET {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        first.url_path
    );
    tls.write_all(req.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with(&first.body), "{answer}");

    // The README's command: curl --cacert.
    if !curl_available() {
        eprintln!("curl not found on PATH: the curl --cacert half is skipped");
    } else {
        let ca_file = dir.path().join("ca.pem");
        for step in &steps {
            let url = format!("https://localhost:{}{}", demo.addr.port(), step.url_path);
            let mut curl = Command::new("curl");
            curl.arg("-sS").arg("--cacert").arg(&ca_file).arg(&url);
            if let Some(data) = &step.data {
                curl.arg("-d").arg(data);
            }
            let out = curl.output().expect("run curl");
            assert!(out.status.success(), "curl {url}: {out:?}");
            assert_eq!(String::from_utf8_lossy(&out.stdout), step.body, "{url}");
        }
    }

    kill(Pid::from_raw(demo.child.id() as i32), Signal::SIGTERM).unwrap();
    let mut demo = demo;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = demo.child.try_wait().unwrap() {
            assert!(status.success(), "the server stops cleanly: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The workspace's own client against the workspace's own server: `httpclient` trusting the test
/// authority (a caller-given root) calls the demo over HTTPS three times on one pooled
/// connection, and refuses the same server when it trusts only the web PKI roots.
#[tokio::test]
async fn our_client_calls_our_server_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let ca = make_certificates(dir.path());
    let demo = start(dir.path());
    let url = format!("https://localhost:{}/demo/args/123", demo.addr.port());

    let client = httpclient::Client::builder()
        .add_root_certificate(ca)
        .expect("a valid root")
        .build();
    for _ in 0..3 {
        let resp = client.get(&url).send().await.expect("an HTTPS answer");
        assert_eq!(resp.status().as_u16(), 200);
        assert!(resp.text().starts_with("Hi, Client! Your data is: 123"));
    }
    assert_eq!(
        client.idle_connections(),
        1,
        "one pooled TLS connection served all three"
    );

    let untrusting = httpclient::Client::new();
    let err = untrusting
        .get(&url)
        .send()
        .await
        .expect_err("the test authority is not a web PKI root");
    assert!(
        matches!(
            err.kind(),
            httpclient::ErrorKind::Tls(httpclient::TlsError::UnknownIssuer)
        ),
        "{err}"
    );
}
