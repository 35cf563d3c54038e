//! The server's TLS configuration: a certificate chain and its key, or a rustls `ServerConfig`.
//!
//! Go's `ListenAndServeTLS(certFile, keyFile)` reads both PEM files when it starts; so does
//! [`TlsConfig::from_pem_files`], which is why a graceful restart picks up replaced files (the new
//! process reads them again). The provider is rustls' `ring`: it builds with a C compiler alone,
//! where `aws-lc-rs` also wants cmake, and makes a smaller build.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::{Error as PemError, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

/// The only application protocol this server speaks (ALPN).
pub(crate) const ALPN_HTTP11: &[u8] = b"http/1.1";

/// How a server answers TLS: the rustls configuration every handshake of a listener uses.
/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct TlsConfig {
    config: Arc<ServerConfig>,
}

/// Why a [`TlsConfig`] could not be built.
#[derive(Debug)]
pub enum TlsConfigError {
    /// A PEM file could not be read or held no valid PEM section of the kind wanted.
    Pem {
        /// The file (or `"<memory>"` for PEM given as bytes).
        path: PathBuf,
        /// What was looked for: `"certificate"` or `"private key"`.
        what: &'static str,
        /// The reader's error.
        error: rustls::pki_types::pem::Error,
    },
    /// The certificate file held no certificate.
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// rustls refused the chain or the key (a key that does not match, an unsupported type).
    Rustls(rustls::Error),
}

impl std::fmt::Display for TlsConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsConfigError::Pem { path, what, error } => {
                write!(f, "reading the {what} from {}: {error}", path.display())
            }
            TlsConfigError::NoCertificate { path } => {
                write!(f, "no certificate in {}", path.display())
            }
            TlsConfigError::Rustls(e) => write!(f, "the certificate and key were refused: {e}"),
        }
    }
}

impl std::error::Error for TlsConfigError {}

impl From<TlsConfigError> for std::io::Error {
    fn from(e: TlsConfigError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}

impl TlsConfig {
    // ANCHOR: from_pem_files
    /// Reads the certificate chain (leaf first, as Go's `certFile`) and the private key (PKCS#8,
    /// PKCS#1 or SEC1) from PEM files.
    pub fn from_pem_files(
        cert: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> Result<TlsConfig, TlsConfigError> {
        let (cert, key) = (cert.as_ref(), key.as_ref());
        fn pem_error(path: &Path, what: &'static str) -> impl FnOnce(PemError) -> TlsConfigError {
            let path = path.to_owned();
            move |error| TlsConfigError::Pem { path, what, error }
        }
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(pem_error(cert, "certificate"))?;
        if chain.is_empty() {
            return Err(TlsConfigError::NoCertificate {
                path: cert.to_owned(),
            });
        }
        let key = PrivateKeyDer::from_pem_file(key).map_err(pem_error(key, "private key"))?;
        TlsConfig::from_der(chain, key)
    }
    // ANCHOR_END: from_pem_files

    /// The same from PEM text in memory.
    pub fn from_pem(cert: &[u8], key: &[u8]) -> Result<TlsConfig, TlsConfigError> {
        let memory = || PathBuf::from("<memory>");
        let chain = CertificateDer::pem_slice_iter(cert)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| TlsConfigError::Pem {
                path: memory(),
                what: "certificate",
                error,
            })?;
        if chain.is_empty() {
            return Err(TlsConfigError::NoCertificate { path: memory() });
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|error| TlsConfigError::Pem {
            path: memory(),
            what: "private key",
            error,
        })?;
        TlsConfig::from_der(chain, key)
    }

    /// A chain and key already decoded: TLS 1.3 and 1.2, no client certificates, ALPN
    /// `http/1.1`.
    pub fn from_der(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<TlsConfig, TlsConfigError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::DEFAULT_VERSIONS)
            .map_err(TlsConfigError::Rustls)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(TlsConfigError::Rustls)?;
        config.alpn_protocols = vec![ALPN_HTTP11.to_vec()];
        Ok(TlsConfig {
            config: Arc::new(config),
        })
    }

    /// A rustls configuration built by the caller (client certificates, a certificate resolver
    /// for SNI, session tickets...), used as it is. Its `alpn_protocols` should offer `http/1.1`
    /// (or be empty): this server speaks nothing else, whatever was agreed.
    pub fn from_server_config(config: Arc<ServerConfig>) -> TlsConfig {
        TlsConfig { config }
    }

    /// The rustls configuration handshakes use.
    pub fn server_config(&self) -> &Arc<ServerConfig> {
        &self.config
    }
}
