//! The process-wide default mux and the free functions around it: Go's `http.DefaultServeMux`,
//! `http.Handle`, `http.HandleFunc` and `http.ListenAndServe`.
//!
//! They exist for the shortest Go program, which registers on the default mux and serves it by
//! passing `nil` as the handler:
//!
//! ```go
//! http.HandleFunc("/", hello)
//! log.Fatal(http.ListenAndServe(":8080", nil))
//! ```
//!
//! Here `nil` is `None`. Larger programs should build their own [`ServeMux`]: a global table is
//! shared by every library in the process, which is why Go's docs steer away from it too.

use std::io;
use std::sync::{Arc, LazyLock};

use tokio::net::TcpListener;

use crate::{BoxFuture, Handler, MuxError, Request, ResponseWriter, ServeMux, Server};

static DEFAULT_SERVE_MUX: LazyLock<Arc<ServeMux>> = LazyLock::new(|| Arc::new(ServeMux::new()));

/// The default mux (Go's `http.DefaultServeMux`), served by [`listen_and_serve`] given `None`.
pub fn default_serve_mux() -> &'static Arc<ServeMux> {
    &DEFAULT_SERVE_MUX
}

/// Registers `handler` for `pattern` on the default mux (Go's `http.Handle`).
pub fn handle(pattern: &str, handler: impl Handler) -> Result<(), MuxError> {
    DEFAULT_SERVE_MUX.handle(pattern, handler)
}

/// Registers a closure for `pattern` on the default mux (Go's `http.HandleFunc`).
pub fn handle_func<F>(pattern: &str, f: F) -> Result<(), MuxError>
where
    F: for<'a> Fn(&'a mut ResponseWriter, &'a mut Request) -> BoxFuture<'a> + Send + Sync + 'static,
{
    DEFAULT_SERVE_MUX.handle_func(pattern, f)
}

/// Listens on `addr` and serves every connection with `handler`, or with the default mux when
/// `handler` is `None` (Go's `http.ListenAndServe(addr, nil)`).
///
/// An address without a host (`":8080"`) listens on every interface, as in Go. Like Go's, this
/// serves until the process ends; it returns only the error that stopped it from listening.
pub async fn listen_and_serve(addr: &str, handler: Option<Arc<dyn Handler>>) -> io::Result<()> {
    let addr = if addr.starts_with(':') {
        format!("0.0.0.0{addr}")
    } else {
        addr.to_owned()
    };
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let handler: Arc<dyn Handler> = match handler {
        Some(h) => h,
        None => DEFAULT_SERVE_MUX.clone(),
    };
    Server::new(handler).serve(listener).await
}

/// [`listen_and_serve`] over TLS (Go's `http.ListenAndServeTLS(addr, certFile, keyFile, nil)`):
/// the certificate chain and key are read from PEM files before listening.
pub async fn listen_and_serve_tls(
    addr: &str,
    cert_file: impl AsRef<std::path::Path>,
    key_file: impl AsRef<std::path::Path>,
    handler: Option<Arc<dyn Handler>>,
) -> io::Result<()> {
    let tls = crate::TlsConfig::from_pem_files(cert_file, key_file)?;
    let addr = if addr.starts_with(':') {
        format!("0.0.0.0{addr}")
    } else {
        addr.to_owned()
    };
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "listening (TLS)");
    let handler: Arc<dyn Handler> = match handler {
        Some(h) => h,
        None => DEFAULT_SERVE_MUX.clone(),
    };
    Server::new(handler).serve_tls(listener, tls).await
}
