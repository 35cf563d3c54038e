//! `https://`: the client against local TLS servers whose certificates the tests make on the
//! spot (`support/tls.rs`): verification against a custom root, each way a certificate or a
//! handshake can fail as a typed error, pooling (one handshake for many requests; plain and TLS
//! connections kept apart), bodies over TLS, and a CONNECT proxy in front. (The debug line for
//! https is tested in `log.rs`, where every test installs its subscriber.)

mod support;

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpclient::{Client, ErrorKind, Proxy, Timeout, TlsError};
use support::tls::{self as certs, Ca};
use support::{ok, ok_bytes, Action, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CA, a server with a certificate from it for `localhost` and `127.0.0.1`, and a client
/// that trusts that CA (and only it: no web PKI roots, so nothing else could vouch).
async fn trusted_server(
    script: impl Fn(&support::Seen) -> Action + Send + Sync + 'static,
) -> (TestServer, Client) {
    let ca = Ca::new("test CA");
    let config = certs::server_config(ca.leaf(&["localhost", "127.0.0.1"]));
    let server = TestServer::start_tls(config, script).await;
    let client = Client::builder()
        .no_proxy()
        .tls_built_in_roots(false)
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    (server, client)
}

fn tls_error(err: &httpclient::Error) -> &TlsError {
    match err.kind() {
        ErrorKind::Tls(e) => e,
        other => panic!("expected a TLS error, got {other:?} ({err})"),
    }
}

#[tokio::test]
async fn a_custom_root_verifies_the_server_and_the_connection_is_kept() {
    let (server, client) = trusted_server(|seen| ok(&format!("hello {}", seen.path()))).await;
    for path in ["/a", "/b"] {
        let resp = client.get(server.localhost_url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text(), format!("hello {path}"));
    }
    assert_eq!(
        server.accepted(),
        1,
        "keep-alive: the second request reused the connection"
    );
    let seen = server.seen();
    assert_eq!((seen[1].conn, seen[1].index), (0, 1));
    assert_eq!(
        seen[0].header("host"),
        Some(format!("localhost:{}", server.addr.port()).as_str())
    );
    // SNI carried the URL's host name; ALPN agreed on HTTP/1.1.
    let hs = server.handshakes();
    assert_eq!(hs.len(), 1);
    assert_eq!(hs[0].sni.as_deref(), Some("localhost"));
    assert_eq!(hs[0].alpn.as_deref(), Some(&b"http/1.1"[..]));
}

#[tokio::test]
async fn an_ip_url_is_verified_against_the_ip_address_and_sends_no_sni() {
    let (server, client) = trusted_server(|_| ok("by ip")).await;
    let resp = client.get(server.url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "by ip");
    assert_eq!(server.handshakes()[0].sni, None);
}

#[tokio::test]
async fn roots_from_a_pem_file_and_from_pem_text() {
    let ca = Ca::new("pem CA");
    let server =
        TestServer::start_tls(certs::server_config(ca.leaf(&["localhost"])), |_| ok("pem")).await;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(ca.pem().as_bytes()).unwrap();
    let from_file = Client::builder()
        .no_proxy()
        .add_root_certificates_pem_file(file.path())
        .unwrap()
        .build();
    let from_text = Client::builder()
        .no_proxy()
        .add_root_certificates_pem(ca.pem().as_bytes())
        .unwrap()
        .build();
    for client in [from_file, from_text] {
        let resp = client.get(server.localhost_url("/")).send().await.unwrap();
        assert_eq!(resp.text(), "pem");
    }
}

#[tokio::test]
async fn unusable_roots_are_refused_by_the_builder() {
    let err = Client::builder()
        .add_root_certificates_pem(b"not a certificate")
        .unwrap_err();
    assert!(matches!(err, TlsError::InvalidRootCertificate(_)), "{err}");
    assert!(err.to_string().contains("no CERTIFICATE section"), "{err}");
    let err = Client::builder()
        .add_root_certificate(httpclient::CertificateDer::from(vec![1, 2, 3]))
        .unwrap_err();
    assert!(matches!(err, TlsError::InvalidRootCertificate(_)), "{err}");
    let err = Client::builder()
        .add_root_certificates_pem_file("/nonexistent/ca.pem")
        .unwrap_err();
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
}

#[tokio::test]
async fn a_certificate_for_another_host_is_a_wrong_host_error() {
    let ca = Ca::new("test CA");
    let config = certs::server_config(ca.leaf(&["other.test"]));
    let server = TestServer::start_tls(config, |_| ok("never")).await;
    let client = Client::builder()
        .no_proxy()
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    let err = client
        .get(server.localhost_url("/"))
        .send()
        .await
        .unwrap_err();
    match tls_error(&err) {
        TlsError::WrongHost {
            expected,
            presented,
        } => {
            assert_eq!(expected, "localhost");
            assert_eq!(presented, &["other.test".to_string()]);
        }
        other => panic!("expected WrongHost, got {other:?}"),
    }
    assert!(
        err.to_string()
            .ends_with("the server's certificate is valid for other.test, not for \"localhost\""),
        "{err}"
    );
    assert!(
        server.seen().is_empty(),
        "no request may be sent over a refused connection"
    );
}

#[tokio::test]
async fn an_unknown_issuer_is_refused() {
    // A self-signed certificate, and one from a CA the client was not told about.
    let stranger = Ca::new("someone else's CA");
    for leaf in [
        certs::self_signed(&["localhost"]),
        stranger.leaf(&["localhost"]),
    ] {
        let server = TestServer::start_tls(certs::server_config(leaf), |_| ok("never")).await;
        // The web PKI roots are on (the default): they do not vouch for it either.
        let client = Client::builder().no_proxy().build();
        let err = client
            .get(server.localhost_url("/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(tls_error(&err), &TlsError::UnknownIssuer, "{err}");
        assert!(err.to_string().contains("unknown issuer"), "{err}");
        assert!(!err.is_connect() && !err.is_timeout());
    }
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let ca = Ca::new("test CA");
    let config = certs::server_config(ca.expired_leaf(&["localhost"]));
    let server = TestServer::start_tls(config, |_| ok("never")).await;
    let client = Client::builder()
        .no_proxy()
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    let err = client
        .get(server.localhost_url("/"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(tls_error(&err), &TlsError::Expired, "{err}");
    assert!(err.to_string().contains("expired"), "{err}");
}

/// A plain-HTTP server on the port: what Go's server does with a ClientHello — a `400` in
/// clear text, then close.
async fn plain_http_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\
                          Connection: close\r\n\r\n400 Bad Request",
                    )
                    .await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_plain_http_server_on_an_https_url_is_a_handshake_error() {
    let addr = plain_http_server().await;
    let client = Client::builder().no_proxy().build();
    let err = client
        .get(format!("https://{addr}/"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(tls_error(&err), TlsError::Handshake(_)), "{err}");
    assert!(err.to_string().contains("not TLS"), "{err}");
}

#[tokio::test]
async fn a_server_that_hangs_up_at_once_is_a_handshake_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            drop(stream);
        }
    });
    let client = Client::builder().no_proxy().build();
    let err = client
        .get(format!("https://{addr}/"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(tls_error(&err), TlsError::Handshake(_)), "{err}");
}

#[tokio::test]
async fn a_silent_server_hits_the_handshake_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::<TcpStream>::new()));
    let keep = Arc::clone(&held);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            keep.lock().unwrap().push(stream);
        }
    });
    let client = Client::builder()
        .no_proxy()
        .tls_handshake_timeout(Duration::from_millis(200))
        .build();
    let err = client
        .get(format!("https://{addr}/"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Timeout(Timeout::Handshake)),
        "{err}"
    );
    assert!(err.is_timeout());
}

#[tokio::test]
async fn many_sequential_requests_cost_one_handshake() {
    let (server, client) = trusted_server(|seen| ok(&format!("#{}", seen.index))).await;
    for i in 0..50 {
        let resp = client.get(server.localhost_url("/n")).send().await.unwrap();
        assert_eq!(resp.text(), format!("#{i}"));
    }
    assert_eq!(server.accepted(), 1, "one TCP connection");
    assert_eq!(server.handshakes().len(), 1, "one handshake");
    let stats = client.pool_stats();
    assert_eq!((stats.opened, stats.reused), (1, 49));
}

#[tokio::test]
async fn a_new_connection_to_the_same_host_resumes_the_session() {
    let ca = Ca::new("test CA");
    let config = certs::server_config(ca.leaf(&["localhost"]));
    let server = TestServer::start_tls(config, |_| ok("again")).await;
    // Keep-alive off: every request is a new connection, and so a new handshake.
    let client = Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(0)
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    for _ in 0..3 {
        let resp = client.get(server.localhost_url("/")).send().await.unwrap();
        assert_eq!(resp.text(), "again");
    }
    assert_eq!(server.accepted(), 3);
    let resumed: Vec<bool> = server.handshakes().iter().map(|h| h.resumed).collect();
    assert_eq!(resumed, [false, true, true]);
}

#[tokio::test]
async fn plain_and_tls_connections_to_the_same_port_never_mix() {
    let ca = Ca::new("test CA");
    let config = certs::server_config(ca.leaf(&["127.0.0.1"]));
    let server = TestServer::start_dual(config, |seen| ok(seen.path())).await;
    let client = Client::builder()
        .no_proxy()
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    for _ in 0..3 {
        for scheme in ["http", "https"] {
            let path = format!("/{scheme}");
            let resp = client
                .get(server.url_with(scheme, &path))
                .send()
                .await
                .unwrap();
            assert_eq!(resp.text(), path);
        }
    }
    // Two connections, each reused for its own scheme only.
    assert_eq!(server.accepted(), 2);
    let hs = server.handshakes();
    assert_eq!(hs.len(), 1);
    for seen in server.seen() {
        let over_tls = seen.conn == hs[0].conn;
        assert_eq!(seen.path() == "/https", over_tls, "{seen:?}");
    }
    let stats = client.pool_stats();
    assert_eq!((stats.opened, stats.idle), (2, 2));
}

#[tokio::test]
async fn http_and_https_servers_have_their_own_pool_entries() {
    let plain = TestServer::start(|_| ok("plain")).await;
    let (secure, client) = trusted_server(|_| ok("secure")).await;
    for _ in 0..3 {
        assert_eq!(
            client.get(plain.url("/")).send().await.unwrap().text(),
            "plain"
        );
        assert_eq!(
            client.get(secure.url("/")).send().await.unwrap().text(),
            "secure"
        );
    }
    assert_eq!((plain.accepted(), secure.accepted()), (1, 1));
    assert_eq!(client.pool_stats().idle, 2);
}

fn text() -> Vec<u8> {
    b"TLS carries this body; "
        .iter()
        .copied()
        .cycle()
        .take(100_000)
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `body` in chunks of `size` bytes, chunked-coded, after `head` (which ends with the
/// `Transfer-Encoding` line's CRLF).
fn chunked(head: &str, body: &[u8], size: usize) -> Action {
    let mut out =
        format!("HTTP/1.1 200 OK\r\n{head}Transfer-Encoding: chunked\r\n\r\n").into_bytes();
    for piece in body.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    Action::Reply(out)
}

#[tokio::test]
async fn chunked_gzip_and_close_delimited_bodies_over_tls() {
    let (server, client) = trusted_server(|seen| match seen.path() {
        "/chunked" => chunked("", &text(), 1000),
        "/gzip" => ok_bytes("Content-Encoding: gzip\r\n", &gzip(&text())),
        "/chunked-gzip" => chunked("Content-Encoding: gzip\r\n", &gzip(&text()), 700),
        // No length, no chunking: the body ends where the server closes (with close_notify).
        _ => {
            let mut out = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
            out.extend_from_slice(&text());
            Action::ReplyClose(out)
        }
    })
    .await;
    for path in ["/chunked", "/gzip", "/chunked-gzip", "/close"] {
        let resp = client.get(server.localhost_url(path)).send().await.unwrap();
        assert_eq!(&resp.body()[..], &text()[..], "{path}");
        assert_eq!(resp.uncompressed(), path.contains("gzip"), "{path}");
    }
    // The same, streamed piece by piece.
    let mut resp = client
        .get(server.localhost_url("/chunked-gzip"))
        .send_streaming()
        .await
        .unwrap();
    let mut got = Vec::new();
    while let Some(piece) = resp.chunk().await.unwrap() {
        got.extend_from_slice(&piece);
    }
    assert_eq!(got, text());
    // Three keep-alive bodies and the stream on one connection; `/close` needed its own.
    assert_eq!(server.accepted(), 2);
}

#[tokio::test]
async fn a_pooled_tls_connection_the_server_closed_is_replaced() {
    // Answers with a keep-alive response, then closes (close_notify + FIN) anyway.
    let (server, client) = trusted_server(|_| {
        Action::ReplyClose(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec())
    })
    .await;
    for _ in 0..3 {
        let resp = client.get(server.localhost_url("/")).send().await.unwrap();
        assert_eq!(resp.text(), "ok");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.accepted(), 3);
}

#[tokio::test]
async fn a_caller_given_rustls_config_is_used_with_alpn_http11() {
    let ca = Ca::new("test CA");
    let server =
        TestServer::start_tls(certs::server_config(ca.leaf(&["localhost"])), |_| ok("own")).await;
    let mut roots = httpclient::rustls::RootCertStore::empty();
    roots.add(ca.der()).unwrap();
    let provider = Arc::new(httpclient::rustls::crypto::ring::default_provider());
    let mut config = httpclient::rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&httpclient::rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Asking for h2 would break an HTTP/1.1 client: the client offers http/1.1 only.
    config.alpn_protocols = vec![b"h2".to_vec()];
    let client = Client::builder().no_proxy().tls_config(config).build();
    let resp = client.get(server.localhost_url("/")).send().await.unwrap();
    assert_eq!(resp.text(), "own");
    assert_eq!(
        server.handshakes()[0].alpn.as_deref(),
        Some(&b"http/1.1"[..])
    );
}

/// A CONNECT proxy: answers `200`, then splices the client to the target it named. Returns its
/// address and the CONNECT heads it received.
async fn connect_proxy() -> (std::net::SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split(' ').nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(head);
                let Ok(mut server) =
                    TcpStream::connect(target.replace("localhost", "127.0.0.1")).await
                else {
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (addr, heads)
}

#[tokio::test]
async fn https_through_a_proxy_goes_in_a_pooled_connect_tunnel() {
    let ca = Ca::new("test CA");
    let config = certs::server_config(ca.leaf(&["localhost"]));
    let server =
        TestServer::start_tls(config, |seen| ok(&format!("tunnelled {}", seen.path()))).await;
    let (proxy, heads) = connect_proxy().await;
    let client = Client::builder()
        .proxy(Proxy::new(&format!("http://user:pass@{proxy}")).unwrap())
        .add_root_certificate(ca.der())
        .unwrap()
        .build();
    for path in ["/1", "/2"] {
        let resp = client.get(server.localhost_url(path)).send().await.unwrap();
        assert_eq!(resp.text(), format!("tunnelled {path}"));
    }
    let heads = heads.lock().unwrap().clone();
    assert_eq!(
        heads.len(),
        1,
        "one tunnel carried both requests: {heads:?}"
    );
    let port = server.addr.port();
    assert!(
        heads[0].starts_with(&format!("CONNECT localhost:{port} HTTP/1.1\r\n")),
        "{}",
        heads[0]
    );
    assert!(heads[0].contains("proxy-authorization: Basic dXNlcjpwYXNz\r\n"));
    // Inside the tunnel the request is origin-form, with no proxy credentials.
    let seen = server.seen();
    assert_eq!(seen[0].request_line(), "GET /1 HTTP/1.1");
    assert_eq!(seen[0].header("proxy-authorization"), None);
    assert_eq!(server.handshakes()[0].sni.as_deref(), Some("localhost"));
    assert_eq!(server.accepted(), 1);
}
