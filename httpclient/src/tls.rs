//! TLS for `https://` URLs: the rustls client configuration, the handshake, and what its
//! failures mean.
//!
//! Sits between dialing (`socket::dial`, or a proxy's `CONNECT` tunnel) and the HTTP/1.1
//! exchange: [`Tls::handshake`] takes the connected `TcpStream` and returns the `Socket::Tls`
//! the connection then speaks through. The crypto is rustls with the *ring* provider (no
//! OpenSSL, no aws-lc-rs: nothing to build in C beyond ring's own assembly).
//!
//! What is checked, by rustls's webpki verifier, on every new connection:
//! - the chain leads to a trusted root: Mozilla's set as shipped in `webpki-roots` (unless the
//!   caller turned it off) plus the roots the caller added;
//! - each certificate is within its validity period, now;
//! - the leaf is valid for the host in the URL — the DNS name, or the IP address for an IP URL
//!   — which is also the SNI name sent (no SNI for an IP address, as RFC 6066 says);
//! - the leaf may be used for TLS server authentication (extended key usage).
//!
//! A caller can hand over a whole `rustls::ClientConfig` instead (own verifier, client
//! certificates, pinned roots); only its ALPN list is replaced by `http/1.1`, because HTTP/1.1
//! is all this client speaks and a server that picked `h2` would get bytes it cannot read.
//!
//! A failure is translated from rustls's error into a [`TlsError`] that names the cause.

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::{CertificateError, ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::error::{ErrorKind, Timeout, TlsError};

/// The protocol offered in ALPN: the only one this client speaks.
const ALPN_HTTP11: &[u8] = b"http/1.1";

/// Go's `DefaultTransport.TLSHandshakeTimeout`.
pub(crate) const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the builder collects about TLS; turned into a [`Tls`] when the client is built.
#[derive(Debug, Clone)]
pub(crate) struct TlsSettings {
    /// Roots the caller added, already parsed (a bad one was refused when it was added).
    pub extra_roots: RootCertStore,
    /// Add the `webpki-roots` set (Mozilla's CA list) to `extra_roots`.
    pub built_in_roots: bool,
    /// A complete configuration from the caller; `extra_roots` and `built_in_roots` are unused.
    pub custom: Option<Arc<ClientConfig>>,
    pub handshake_timeout: Option<Duration>,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            extra_roots: RootCertStore::empty(),
            built_in_roots: true,
            custom: None,
            handshake_timeout: Some(DEFAULT_HANDSHAKE_TIMEOUT),
        }
    }
}

impl TlsSettings {
    /// Adds one DER-encoded root certificate.
    pub fn add_root(&mut self, der: CertificateDer<'static>) -> Result<(), TlsError> {
        self.extra_roots
            .add(der)
            .map_err(|e| TlsError::InvalidRootCertificate(e.to_string()))
    }

    /// Adds every `CERTIFICATE` section of a PEM text; at least one is required.
    pub fn add_pem_roots(&mut self, pem: &[u8], origin: &str) -> Result<(), TlsError> {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| TlsError::InvalidRootCertificate(format!("{origin}: {e}")))?;
            self.add_root(cert).map_err(|e| match e {
                TlsError::InvalidRootCertificate(why) => {
                    TlsError::InvalidRootCertificate(format!("{origin}: {why}"))
                }
                other => other,
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(TlsError::InvalidRootCertificate(format!(
                "{origin}: no CERTIFICATE section found"
            )));
        }
        Ok(())
    }
}

// ANCHOR: client_config
/// The rustls configuration every `https://` connection of one client uses.
fn client_config(settings: &TlsSettings) -> Arc<ClientConfig> {
    let mut config = match &settings.custom {
        Some(custom) => ClientConfig::clone(custom),
        None => {
            let mut roots = settings.extra_roots.clone();
            if settings.built_in_roots {
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                // ring implements every suite of TLS 1.2 and 1.3 rustls offers: cannot fail.
                .expect("the ring provider supports rustls's default protocol versions")
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
    };
    config.alpn_protocols = vec![ALPN_HTTP11.to_vec()];
    Arc::new(config)
}
// ANCHOR_END: client_config

/// A client's TLS side: one shared configuration (and with it rustls's session cache, so a
/// second connection to a host resumes instead of doing a full handshake).
#[derive(Clone)]
pub(crate) struct Tls {
    connector: TlsConnector,
    handshake_timeout: Option<Duration>,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}

impl Tls {
    pub fn new(settings: &TlsSettings) -> Tls {
        Tls {
            connector: TlsConnector::from(client_config(settings)),
            handshake_timeout: settings.handshake_timeout,
        }
    }

    // ANCHOR: handshake
    /// Runs the TLS handshake on `tcp` for `host` (the URL's host: SNI name and the name the
    /// certificate must be valid for), under the handshake timeout.
    pub async fn handshake(
        &self,
        tcp: TcpStream,
        host: &str,
    ) -> Result<TlsStream<TcpStream>, ErrorKind> {
        let name = ServerName::try_from(host.to_owned())
            .map_err(|_| ErrorKind::Tls(TlsError::InvalidServerName(host.to_owned())))?;
        let connect = self.connector.connect(name, tcp);
        let result = match self.handshake_timeout {
            Some(d) => tokio::time::timeout(d, connect)
                .await
                .map_err(|_| ErrorKind::Timeout(Timeout::Handshake))?,
            None => connect.await,
        };
        let stream = result.map_err(|e| classify(e, host))?;
        let (_, session) = stream.get_ref();
        tracing::trace!(
            host,
            version = ?session.protocol_version(),
            resumed = matches!(session.handshake_kind(), Some(rustls::HandshakeKind::Resumed)),
            "TLS handshake done"
        );
        Ok(stream)
    }
    // ANCHOR_END: handshake
}

// ANCHOR: classify
/// What a failed handshake means. tokio-rustls hands rustls's own error inside the
/// `io::Error` (kind `InvalidData`); anything else is the transport failing under it.
fn classify(e: io::Error, host: &str) -> ErrorKind {
    if let Some(err) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return ErrorKind::Tls(from_rustls(err, host));
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => ErrorKind::Tls(TlsError::Handshake(format!(
            "the server closed the connection during the handshake ({e}); \
             is it speaking TLS on this port?"
        ))),
        _ => ErrorKind::Io(e),
    }
}
// ANCHOR_END: classify

// ANCHOR: from_rustls
fn from_rustls(err: &rustls::Error, host: &str) -> TlsError {
    match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => TlsError::UnknownIssuer,
            CertificateError::NotValidForName => TlsError::WrongHost {
                expected: host.to_owned(),
                presented: Vec::new(),
            },
            CertificateError::NotValidForNameContext { presented, .. } => TlsError::WrongHost {
                expected: host.to_owned(),
                presented: presented.iter().map(|n| plain_name(n)).collect(),
            },
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                TlsError::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                TlsError::NotYetValid
            }
            CertificateError::Revoked => TlsError::Revoked,
            _ => TlsError::BadCertificate(err.to_string()),
        },
        rustls::Error::InvalidMessage(_) => TlsError::Handshake(format!(
            "the server's answer is not TLS ({err}); is it plain HTTP on this port?"
        )),
        rustls::Error::AlertReceived(alert) => {
            TlsError::Handshake(format!("the server refused the handshake: alert {alert:?}"))
        }
        _ => TlsError::Handshake(err.to_string()),
    }
}
// ANCHOR_END: from_rustls

/// webpki lists the certificate's names in `Debug` form (`DnsName("example.com")`,
/// `IpAddress(10.0.0.1)`); a person wants the name itself.
fn plain_name(presented: &str) -> String {
    let inner = presented
        .strip_prefix("DnsName(\"")
        .and_then(|rest| rest.strip_suffix("\")"))
        .or_else(|| {
            presented
                .strip_prefix("IpAddress(")
                .and_then(|rest| rest.strip_suffix(')'))
        });
    inner.unwrap_or(presented).to_owned()
}
