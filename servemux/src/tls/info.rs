//! What a handler learns of the TLS session its request came over: Go's `tls.ConnectionState`
//! (`r.TLS`), the parts of it a handler has a use for.

use rustls::pki_types::CertificateDer;
use rustls::{CipherSuite, ProtocolVersion, ServerConnection};

/// The state of a TLS connection after its handshake ([`Request::tls`](crate::Request::tls)).
#[derive(Clone, Debug, PartialEq)]
pub struct TlsInfo {
    version: Option<ProtocolVersion>,
    server_name: Option<String>,
    alpn: Option<Vec<u8>>,
    cipher_suite: Option<CipherSuite>,
    peer_certificates: Vec<CertificateDer<'static>>,
}

impl TlsInfo {
    /// Reads the settled state of a connection whose handshake is complete.
    pub(crate) fn from_connection(conn: &ServerConnection) -> TlsInfo {
        TlsInfo {
            version: conn.protocol_version(),
            server_name: conn.server_name().map(str::to_owned),
            alpn: conn.alpn_protocol().map(<[u8]>::to_vec),
            cipher_suite: conn.negotiated_cipher_suite().map(|s| s.suite()),
            peer_certificates: conn
                .peer_certificates()
                .map(|certs| certs.iter().map(|c| c.clone().into_owned()).collect())
                .unwrap_or_default(),
        }
    }

    /// The protocol version (Go's `Version`): `TLSv1_3` or `TLSv1_2`.
    pub fn version(&self) -> Option<ProtocolVersion> {
        self.version
    }

    /// The name the client asked for with SNI (Go's `ServerName`); `None` if it sent none, as
    /// clients do when connecting to an IP address.
    pub fn server_name(&self) -> Option<&str> {
        self.server_name.as_deref()
    }

    /// The protocol agreed by ALPN (Go's `NegotiatedProtocol`): `http/1.1`, or `None` when the
    /// client offered no ALPN.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.alpn.as_deref()
    }

    /// The cipher suite (Go's `CipherSuite`).
    pub fn cipher_suite(&self) -> Option<CipherSuite> {
        self.cipher_suite
    }

    /// The client's certificate chain, leaf first, when the server config asked for one (Go's
    /// `PeerCertificates`); empty otherwise.
    pub fn peer_certificates(&self) -> &[CertificateDer<'static>] {
        &self.peer_certificates
    }
}
