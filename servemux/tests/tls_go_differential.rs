//! Our TLS listener against Go 1.19's `ServeTLS`, the same bytes to both.
//!
//! When a `go` toolchain is on PATH, this test builds `tests/go/tls_server.go` (stdlib only),
//! starts it with a certificate generated here (written to a temporary folder, never
//! committed), starts the same routes on our server in-process, and demands the same bytes back
//! for plain HTTP requests on the TLS port (Go's `400 Client sent an HTTP request to an HTTPS
//! server.`), the same silent close for other openings and garbage, and, through a session, the
//! same `r.TLS` facts (version, SNI, ALPN) for TLS 1.3 and 1.2 clients, with and without SNI
//! and ALPN. Without `go` it prints a notice and checks nothing, unless `REQUIRE_GO` is set.

mod common;
mod tls_support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use servemux::{handler_fn, Config, Handler};
use tls_support::{connect, read_response, read_to_close, start_tls, Pki};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn build_go_twin(dir: &Path) -> PathBuf {
    let bin = dir.join("tls_server_go");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/tls_server.go");
    let out = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOCACHE", dir.join("gocache"))
        .env("GOPATH", dir.join("gopath"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// The Go twin, killed on drop.
struct GoTwin {
    child: Child,
    addr: SocketAddr,
}

impl Drop for GoTwin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_go(bin: &Path, cert: &Path, key: &Path) -> GoTwin {
    use std::io::BufRead;
    let mut child = Command::new(bin)
        .arg(cert)
        .arg(key)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        // Go logs each refused handshake ("http: TLS handshake error"): expected here.
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on https://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    GoTwin { child, addr }
}

/// The twin's routes.
fn ours() -> impl Handler {
    handler_fn(|w, r| {
        Box::pin(async move {
            if r.path() != "/info" {
                let _ = w.write(b"hello").await;
                return;
            }
            let text = match r.tls() {
                None => "plain".to_owned(),
                Some(tls) => format!(
                    "{:?} {} {}",
                    tls.version().unwrap(),
                    tls.server_name().unwrap_or("none"),
                    tls.alpn_protocol()
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .unwrap_or_else(|| "none".into()),
                ),
            };
            let _ = w.write(text.as_bytes()).await;
        })
    })
}

async fn raw(addr: SocketAddr, bytes: &[u8], half_close: bool) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    if half_close {
        s.shutdown().await.unwrap();
    }
    read_to_close(&mut s).await
}

async fn info(addr: SocketAddr, connector: &tokio_rustls::TlsConnector, name: &str) -> String {
    let mut tls = connect(connector, addr, name).await;
    tls.write_all(b"GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let resp = read_response(&mut tls, &mut buf).await.expect("a response");
    resp.text()
}

#[tokio::test]
async fn tls_listener_matches_go_serve_tls() {
    if !go_available() {
        assert!(
            std::env::var_os("REQUIRE_GO").is_none(),
            "REQUIRE_GO is set but no go toolchain is on PATH"
        );
        eprintln!("go not found on PATH: skipping the Go differential");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tls_go_differential");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = build_go_twin(&dir);
    let pki = Pki::new();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, &pki.cert_pem).unwrap();
    std::fs::write(&key, &pki.key_pem).unwrap();
    let go = spawn_go(&bin, &cert, &key);
    // Ours reads the same files, as ListenAndServeTLS does.
    let tls = servemux::TlsConfig::from_pem_files(&cert, &key).unwrap();
    let ours = start_tls(ours(), Config::default(), tls).await;

    let raw_cases: [(&str, &[u8], bool); 9] = [
        ("GET", b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", false),
        ("HEAD", b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n", false),
        (
            "POST",
            b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi",
            false,
        ),
        (
            "PUT",
            b"PUT / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
            false,
        ),
        (
            "OPTIONS",
            b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n",
            false,
        ),
        ("HTTP/1.0 GET", b"GET / HTTP/1.0\r\n\r\n", false),
        (
            "DELETE",
            b"DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n",
            false,
        ),
        (
            "binary garbage",
            b"\x00\x01\x02\x03\x04\x05garbage\r\n\r\n",
            false,
        ),
        ("four bytes, then EOF", b"GET ", true),
    ];
    for (what, bytes, half_close) in raw_cases {
        let go_said = raw(go.addr, bytes, half_close).await;
        let we_said = raw(ours.addr, bytes, half_close).await;
        assert_eq!(
            String::from_utf8_lossy(&we_said),
            String::from_utf8_lossy(&go_said),
            "{what}: ours vs Go"
        );
    }

    let tls13 = pki.connector();
    let tls12 = pki.connector_with(&[&servemux::rustls::version::TLS12], Vec::new());
    for (what, connector, name) in [
        ("TLS 1.3, SNI, ALPN", &tls13, "localhost"),
        ("TLS 1.3, no SNI", &tls13, "127.0.0.1"),
        ("TLS 1.2, no ALPN", &tls12, "localhost"),
    ] {
        let go_said = info(go.addr, connector, name).await;
        let we_said = info(ours.addr, connector, name).await;
        assert_eq!(we_said, go_said, "{what}: r.TLS, ours vs Go");
    }
}
