//! Helpers of the TLS tests: a throw-away certificate authority (rcgen, generated per test, so no
//! key material is committed), a server on an ephemeral port serving TLS, and a tokio-rustls
//! client that trusts that authority.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use servemux::rustls::pki_types::{CertificateDer, ServerName};
use servemux::rustls::{self, ClientConfig, RootCertStore};
use servemux::{Config, ConnState, Handler, Server, TlsConfig};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::common::Response;

/// A test authority and one server certificate it signed, for `localhost` and `127.0.0.1`.
pub struct Pki {
    pub ca_der: CertificateDer<'static>,
    pub cert_pem: String,
    pub cert_der: CertificateDer<'static>,
    pub key_pem: String,
}

impl Pki {
    pub fn new() -> Pki {
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "servemux test CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca.self_signed(&ca_key).unwrap();

        let mut leaf =
            CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).unwrap();
        Pki {
            ca_der: ca_cert.der().clone(),
            cert_pem: leaf_cert.pem(),
            cert_der: leaf_cert.der().clone(),
            key_pem: leaf_key.serialize_pem(),
        }
    }

    pub fn server_config(&self) -> TlsConfig {
        TlsConfig::from_pem(self.cert_pem.as_bytes(), self.key_pem.as_bytes()).unwrap()
    }

    /// A client trusting this authority, offering ALPN `http/1.1`.
    pub fn connector(&self) -> TlsConnector {
        self.connector_with(rustls::DEFAULT_VERSIONS, vec![b"http/1.1".to_vec()])
    }

    pub fn connector_with(
        &self,
        versions: &[&'static rustls::SupportedProtocolVersion],
        alpn: Vec<Vec<u8>>,
    ) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        roots.add(self.ca_der.clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn;
        TlsConnector::from(Arc::new(config))
    }
}

/// A server serving TLS on 127.0.0.1:0, counting the connections it accepted.
pub struct TlsServer {
    pub addr: SocketAddr,
    pub server: Server,
    pub accepted: Arc<AtomicUsize>,
}

impl TlsServer {
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

pub async fn start_tls(handler: impl Handler, config: Config, tls: TlsConfig) -> TlsServer {
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let hook: servemux::ConnStateHook = Arc::new(move |_addr, state| {
        if state == ConnState::New {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let server = Server::with_conn_state(handler, config, hook);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let s = server.clone();
    tokio::spawn(async move { s.serve_tls(listener, tls).await });
    TlsServer {
        addr,
        server,
        accepted,
    }
}

/// Connects and completes the handshake, asking for `name` by SNI.
pub async fn connect(
    connector: &TlsConnector,
    addr: SocketAddr,
    name: &str,
) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let name = ServerName::try_from(name.to_owned()).unwrap();
    tokio::time::timeout(BOUND, connector.connect(name, tcp))
        .await
        .expect("handshake within the bound")
        .expect("handshake")
}

/// Bounds every wait in the TLS tests; none of them asserts a time.
pub const BOUND: Duration = Duration::from_secs(5);

/// Reads one response from any stream.
pub async fn read_response<S: AsyncRead + Unpin>(s: &mut S, buf: &mut Vec<u8>) -> Option<Response> {
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        if let Some((resp, used)) = Response::parse(buf, false) {
            buf.drain(..used);
            return Some(resp);
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = tokio::time::timeout_at(deadline, s.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Reads until the peer closes (end of stream, a reset or a TLS error), failing the test if that
/// does not happen within the bound: every caller expects the server to close.
pub async fn read_to_close<S: AsyncRead + Unpin>(s: &mut S) -> Vec<u8> {
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let mut chunk = [0u8; 4096];
        match tokio::time::timeout_at(deadline, s.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return out,
            Ok(Ok(n)) => out.extend_from_slice(&chunk[..n]),
            Err(_) => panic!(
                "the server did not close the connection within {BOUND:?}; read so far: {:?}",
                String::from_utf8_lossy(&out)
            ),
        }
    }
}
